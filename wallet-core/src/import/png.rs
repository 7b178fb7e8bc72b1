//! Baked PNG badges: the credential lives in a text chunk — iTXt `openbadgecredential` (Open Badges 3.0),
//! iTXt or tEXt `openbadges` (2.0: assertion JSON, JWS, or a hosted URL). Decoded with the `png` crate with
//! checksums on and memory limits; compressed text is inflated with a bound. Two badge chunks are an error.

use super::{classify_text, Container, Extracted, Limits};

const OB3_KEYWORD: &str = "openbadgecredential";
const OB2_KEYWORD: &str = "openbadges";

/// Why a PNG gave no credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PngError {
    /// The PNG is malformed, truncated, or a chunk fails its CRC.
    #[error("the PNG image is damaged: {0}")]
    Damaged(String),
    /// A valid image, but no badge data is baked into it.
    #[error("this PNG image carries no badge (no 'openbadgecredential' or 'openbadges' text chunk)")]
    NotBaked,
    /// More than one badge chunk: ambiguous, refused as the Open Badges baking rules require.
    #[error("this PNG image carries {count} badge chunks; a baked badge has exactly one")]
    SeveralBadges { count: usize },
    /// A compressed badge chunk inflates past the limit.
    #[error("the badge text in this PNG inflates beyond {max} bytes")]
    InflatesTooMuch { max: usize },
    /// The chunk's text is not a credential, a JWT or a URL.
    #[error("the badge chunk '{keyword}' holds no recognisable credential")]
    BadPayload { keyword: &'static str },
}

/// One badge text chunk, as found.
struct BadgeChunk {
    keyword: &'static str,
    text: String,
}

fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>, PngError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| PngError::Damaged(format!("a compressed badge chunk does not inflate: {e}")))?;
    if out.len() > max {
        return Err(PngError::InflatesTooMuch { max });
    }
    Ok(out)
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Reads a tEXt / zTXt / iTXt chunk body when its keyword is a badge keyword.
fn badge_chunk(kind: &[u8], data: &[u8], limits: &Limits) -> Result<Option<BadgeChunk>, PngError> {
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return Ok(None);
    };
    let keyword = match &data[..nul] {
        b"openbadgecredential" => OB3_KEYWORD,
        b"openbadges" => OB2_KEYWORD,
        _ => return Ok(None),
    };
    let rest = &data[nul + 1..];
    let bad = |what: &str| {
        PngError::Damaged(format!(
            "the {} chunk '{keyword}' is malformed ({what})",
            String::from_utf8_lossy(kind)
        ))
    };
    let text = match kind {
        b"tEXt" => latin1(rest),
        b"zTXt" => {
            let (&method, compressed) = rest.split_first().ok_or_else(|| bad("no compression method"))?;
            if method != 0 {
                return Err(bad("unknown compression method"));
            }
            latin1(&inflate(compressed, limits.max_inflated_bytes)?)
        }
        b"iTXt" => {
            let (&flag, rest) = rest.split_first().ok_or_else(|| bad("no compression flag"))?;
            let (&method, rest) = rest.split_first().ok_or_else(|| bad("no compression method"))?;
            let lang_end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("no language tag"))?;
            let rest = &rest[lang_end + 1..];
            let tk_end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("no translated keyword"))?;
            let body = &rest[tk_end + 1..];
            let raw = match (flag, method) {
                (0, _) => body.to_vec(),
                (1, 0) => inflate(body, limits.max_inflated_bytes)?,
                _ => return Err(bad("unknown compression")),
            };
            String::from_utf8(raw).map_err(|_| bad("text is not UTF-8"))?
        }
        _ => return Ok(None),
    };
    Ok(Some(BadgeChunk { keyword, text }))
}

/// Walks the chunk list, checking every length and CRC, and collects the badge text chunks. (The `png` crate
/// silently drops an ancillary chunk whose CRC fails, and keeps compressed text private, so the badge chunks
/// are read here; the crate still validates the image structure.)
fn badge_chunks(bytes: &[u8], limits: &Limits) -> Result<Vec<BadgeChunk>, PngError> {
    let mut found = Vec::new();
    let mut pos = 8;
    loop {
        let header = bytes
            .get(pos..pos + 8)
            .ok_or_else(|| PngError::Damaged("the file ends inside a chunk".into()))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let kind_name = String::from_utf8_lossy(kind).into_owned();
        let end = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                PngError::Damaged(format!("the file ends inside the {kind_name} chunk (truncated)"))
            })?;
        let stored = u32::from_be_bytes([bytes[end - 4], bytes[end - 3], bytes[end - 2], bytes[end - 1]]);
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[pos + 4..end - 4]);
        if crc.sum() != stored {
            return Err(PngError::Damaged(format!(
                "the {kind_name} chunk fails its CRC check"
            )));
        }
        if let Some(chunk) = badge_chunk(kind, &bytes[pos + 8..end - 4], limits)? {
            found.push(chunk);
        }
        if kind == b"IEND" {
            return Ok(found);
        }
        pos = end;
    }
}

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, PngError> {
    let mut found = badge_chunks(bytes, limits)?;
    // Structure check by the png crate (header, palette, image data stream), pixels skipped.
    let damaged = |e: &dyn std::fmt::Display| PngError::Damaged(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: 64 * 1024 * 1024,
        },
    );
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| damaged(&e))?;
    reader.finish().map_err(|e| damaged(&e))?;

    match found.len() {
        0 => Err(PngError::NotBaked),
        1 => {
            let BadgeChunk { keyword, text } = found.remove(0);
            let payload = classify_text(&text).ok_or(PngError::BadPayload { keyword })?;
            Ok(Extracted {
                container: Container::Png,
                payload,
                baked_as: Some(keyword),
            })
        }
        count => Err(PngError::SeveralBadges { count }),
    }
}
