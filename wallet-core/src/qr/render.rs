//! Drawing a QR code's modules — as a PNG (black on white, 1 bit per pixel) and as a plain SVG (one path, no
//! script, no reference to anything outside it) — and reading each drawing back with `rqrr`, a decoder that
//! shares no code with the `qrcode` encoder, from the drawing's own bytes.

use std::fmt::Write as _;

use super::{QrError, MODULE_PX, QUIET_ZONE};

/// The dark and light modules of a QR code, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Modules {
    pub(crate) width: usize,
    pub(crate) dark: Vec<bool>,
}

impl Modules {
    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Width in modules with the quiet zone on both sides.
    fn full_width(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }
}

/// The modules as a 1-bit greyscale PNG, [`MODULE_PX`] pixels a module, quiet zone included.
pub(crate) fn png(m: &Modules) -> Result<Vec<u8>, QrError> {
    let px = MODULE_PX as usize;
    let side = m.full_width() * px;
    let side_u32 = u32::try_from(side).map_err(|_| QrError::Render("image too large".into()))?;
    let row_bytes = side.div_ceil(8);
    let mut data = Vec::with_capacity(row_bytes * side);
    for my in 0..m.full_width() {
        // One pixel row for this row of modules, repeated MODULE_PX times. In 1-bit greyscale a set bit is white.
        let mut row = vec![0u8; row_bytes];
        for x in 0..side {
            let mx = x / px;
            let dark = (QUIET_ZONE..QUIET_ZONE + m.width).contains(&mx)
                && (QUIET_ZONE..QUIET_ZONE + m.width).contains(&my)
                && m.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE);
            if !dark {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
        for _ in 0..px {
            data.extend_from_slice(&row);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let render = |e: png::EncodingError| QrError::Render(e.to_string());
    let mut writer = encoder.write_header().map_err(render)?;
    writer.write_image_data(&data).map_err(render)?;
    writer.finish().map_err(render)?;
    Ok(out)
}

/// The modules as a self-contained SVG: a white square and one black path of unit squares, in module units
/// (quiet zone included), drawn [`MODULE_PX`] pixels a module by default.
pub(crate) fn svg(m: &Modules) -> String {
    let side = m.full_width();
    let px = side * MODULE_PX as usize;
    let mut path = String::new();
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if !m.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < m.width && m.is_dark(x, y) {
                x += 1;
            }
            let run = x - start;
            // Writing to a String cannot fail.
            let _ = write!(path, "M{},{}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE);
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{px}\" height=\"{px}\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#ffffff\"/>\
         <path fill=\"#000000\" d=\"{path}\"/></svg>\n"
    )
}

/// The text `rqrr` reads from a PNG made by [`png`].
pub(crate) fn read_png(bytes: &[u8]) -> Result<String, QrError> {
    let bad = |e: png::DecodingError| mismatch("PNG", e.to_string());
    let mut decoder =
        png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: 64 << 20 });
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| mismatch("PNG", "image too large".into()))?;
    let mut buf = vec![0u8; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    if info.color_type != png::ColorType::Grayscale || info.bit_depth != png::BitDepth::Eight {
        return Err(mismatch(
            "PNG",
            format!("unexpected pixels {:?}", info.color_type),
        ));
    }
    let (w, h) = (info.width as usize, info.height as usize);
    let image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        buf.get(y * info.line_size + x).copied().unwrap_or(255)
    });
    let mut image = image;
    let found = image.detect_grids().iter().map(decode_grid).collect();
    read_grids(found, "PNG")
}

/// The text `rqrr` reads from an SVG made by [`svg`], drawn again from its path at 4 pixels a module.
pub(crate) fn read_svg(svg: &str) -> Result<String, QrError> {
    let bad = |why: &str| mismatch("SVG", why.to_owned());
    let side: usize = svg
        .split_once("viewBox=\"0 0 ")
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .ok_or_else(|| bad("no viewBox"))?;
    if side > 400 {
        return Err(bad("too many modules"));
    }
    let d = svg
        .split_once(" d=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(d, _)| d)
        .ok_or_else(|| bad("no path"))?;
    let mut dark = vec![false; side * side];
    for square in d.split('M').filter(|s| !s.is_empty()) {
        let parsed = (|| {
            let (x, rest) = square.split_once(',')?;
            let (y, rest) = rest.split_once('h')?;
            let (run, rest) = rest.split_once("v1h-")?;
            let back = rest.strip_suffix('z')?;
            let (x, y, run): (usize, usize, usize) = (x.parse().ok()?, y.parse().ok()?, run.parse().ok()?);
            (back.parse::<usize>().ok()? == run && x + run <= side && y < side).then_some((x, y, run))
        })();
        let (x, y, run) = parsed.ok_or_else(|| bad("a path step Carnet does not write"))?;
        for cell in &mut dark[y * side + x..y * side + x + run] {
            *cell = true;
        }
    }
    const PX: usize = 4;
    let image = rqrr::PreparedImage::prepare_from_greyscale(side * PX, side * PX, |x, y| {
        if dark[(y / PX) * side + x / PX] {
            0
        } else {
            255
        }
    });
    let mut image = image;
    let found = image.detect_grids().iter().map(decode_grid).collect();
    read_grids(found, "SVG")
}

/// What `rqrr` read from every grid it found in an image; there must be exactly one, read whole.
fn read_grids(found: Vec<Result<String, String>>, kind: &'static str) -> Result<String, QrError> {
    let count = found.len();
    match found.into_iter().next() {
        Some(result) if count == 1 => result.map_err(|e| mismatch(kind, e)),
        _ => Err(mismatch(kind, format!("{count} QR codes found instead of one"))),
    }
}

fn decode_grid<G: rqrr::BitGrid>(grid: &rqrr::Grid<G>) -> Result<String, String> {
    grid.decode().map(|(_, text)| text).map_err(|e| e.to_string())
}

fn mismatch(image: &'static str, detail: String) -> QrError {
    QrError::DecodeMismatch { image, detail }
}
