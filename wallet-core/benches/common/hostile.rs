//! Hostile baked badges, generated rather than committed: the PNG chunk bomb of issue 10 (many compressed
//! `openbadges` chunks, each inflating to the limit), an iCCP profile bomb, and an SVG with many badge elements.
//! Shared by the tests (`tests/it`) and `examples/hostile.rs`, which writes them for measurements by hand.
#![allow(dead_code)]

use std::io::Write;

/// One PNG chunk: length, type, data, CRC.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(&out[4..]);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A 1×1 grey PNG with `before_idat` chunks after IHDR and `before_iend` chunks before IEND, spliced in as given.
pub fn png(before_idat: &[Vec<u8>], before_iend: &[Vec<u8>]) -> Vec<u8> {
    let mut plain = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut plain, 1, 1);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().expect("PNG header");
        w.write_image_data(&[0]).expect("PNG data");
    }
    // Signature (8) + IHDR (12 + 13) come first; IEND (12) last.
    let after_ihdr = 8 + 25;
    let iend = plain.len() - 12;
    let mut out = plain[..after_ihdr].to_vec();
    before_idat.iter().for_each(|c| out.extend_from_slice(c));
    out.extend_from_slice(&plain[after_ihdr..iend]);
    before_iend.iter().for_each(|c| out.extend_from_slice(c));
    out.extend_from_slice(&plain[iend..]);
    out
}

/// zlib at the best compression.
pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("compress")
}

/// JSON text of exactly `size` bytes (at least 12) that compresses about a thousand to one.
pub fn padded_json(size: usize) -> Vec<u8> {
    let mut text = b"{\"pad\":\"".to_vec();
    text.resize(size.max(12) - 2, b'a');
    text.extend_from_slice(b"\"}");
    text
}

/// zTXt chunk data: keyword, NUL, method 0, zlib stream.
pub fn ztxt(keyword: &str, compressed: &[u8]) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.extend_from_slice(b"\0\0");
    data.extend_from_slice(compressed);
    data
}

/// Compressed iTXt chunk data: keyword, NUL, flag 1, method 0, empty language tag and translated keyword.
pub fn itxt(keyword: &str, compressed: &[u8]) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.extend_from_slice(b"\0\x01\x00\0\0");
    data.extend_from_slice(compressed);
    data
}

/// The chunk bomb of issue 10: `chunks` compressed `openbadges` chunks (zTXt and iTXt in turn), each inflating to
/// `inflated` bytes of JSON. 100 chunks of 5 MiB make a PNG of about 0.5 MB that once cost 524 MB to refuse.
pub fn png_bomb(chunks: usize, inflated: usize) -> Vec<u8> {
    let compressed = zlib(&padded_json(inflated));
    let ztxt = chunk(b"zTXt", &ztxt("openbadges", &compressed));
    let itxt = chunk(b"iTXt", &itxt("openbadges", &compressed));
    let all: Vec<Vec<u8>> = (0..chunks)
        .map(|i| if i % 2 == 0 { ztxt.clone() } else { itxt.clone() })
        .collect();
    png(&[], &all)
}

/// A PNG whose ICC profile (iCCP, before the image data) inflates to `inflated` zero bytes, with one ordinary
/// badge chunk (a hosted-assertion URL) so it is otherwise a valid baked badge.
pub fn iccp_bomb(inflated: usize) -> Vec<u8> {
    let mut data = b"bomb\0\0".to_vec();
    data.extend(zlib(&vec![0u8; inflated]));
    let badge = chunk(b"tEXt", b"openbadges\0https://example.org/assertions/1");
    png(&[chunk(b"iCCP", &data)], &[badge])
}

/// An SVG of `count` self-closing Open Badges 3.0 badge elements, each with a `verify` attribute of `verify_len`
/// characters.
pub fn svg_many_badges(count: usize, verify_len: usize) -> Vec<u8> {
    let verify = "a".repeat(verify_len);
    let mut out = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#,
    );
    for _ in 0..count {
        out.push_str(&format!(r#"<openbadges:credential verify="{verify}"/>"#));
    }
    out.push_str("</svg>");
    out.into_bytes()
}
