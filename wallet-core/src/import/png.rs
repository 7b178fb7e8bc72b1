//! Baked PNG badges: the credential lives in a text chunk — iTXt `openbadgecredential` (Open Badges 3.0),
//! iTXt or tEXt `openbadges` (2.0: assertion JSON, JWS, or a hosted URL). Decoded with the `png` crate with
//! checksums on and memory limits; compressed text is inflated with a bound. Two badge chunks are an error.
//!
//! What a hostile file can cost is bounded before anything is inflated: the chunk walk remembers where the badge
//! chunk is and stops at the second one (refused, never inflated); only the single badge chunk of an accepted
//! image is inflated, within a budget of [`Limits::max_inflated_bytes`] for the whole file. Other compressed
//! chunks (zTXt / iTXt of any other keyword, iCCP profiles) are never inflated, by this module or by the `png`
//! crate. [`extract_measured`] reports that work so tests can hold it to the bound.

use std::ops::Range;

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
    /// More than one badge chunk: ambiguous, refused as the Open Badges baking rules require. Reading stops at
    /// the second badge chunk, so `count` is the number seen by then (2), not a census of the file.
    #[error("this PNG image carries at least {count} badge chunks; a baked badge has exactly one")]
    SeveralBadges { count: usize },
    /// A compressed badge chunk inflates past the limit.
    #[error("the badge text in this PNG inflates beyond {max} bytes")]
    InflatesTooMuch { max: usize },
    /// The chunk's text is not a credential, a JWT or a URL.
    #[error("the badge chunk '{keyword}' holds no recognisable credential")]
    BadPayload { keyword: &'static str },
}

/// The work reading one PNG took, for tests and measurements (see [`extract_measured`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effort {
    /// Chunks walked (length and CRC checked), the one that stopped the walk included.
    pub chunks: usize,
    /// Badge text chunks seen (the walk stops at the second).
    pub badge_chunks: usize,
    /// Bytes produced by inflating compressed text, all chunks of the file together. At most
    /// `max_inflated_bytes + 1`: inflation stops one byte past the limit, which is how it knows the text is too long.
    pub inflated_bytes: usize,
}

/// The badge chunk, located but not yet read.
struct BadgeChunk {
    keyword: &'static str,
    /// `tEXt`, `zTXt` or `iTXt`.
    kind: [u8; 4],
    /// The chunk's data (after its length and type, before its CRC) within the file.
    data: Range<usize>,
}

/// The per-file inflation budget: every compressed text chunk inflated for one file draws on it.
struct Inflater<'e> {
    max: usize,
    effort: &'e mut Effort,
}

impl Inflater<'_> {
    fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, PngError> {
        use std::io::Read;
        let left = self.max.saturating_sub(self.effort.inflated_bytes);
        let mut out = Vec::new();
        let read = flate2::read::ZlibDecoder::new(data)
            .take(left as u64 + 1)
            .read_to_end(&mut out);
        self.effort.inflated_bytes += out.len();
        read.map_err(|e| PngError::Damaged(format!("a compressed badge chunk does not inflate: {e}")))?;
        if out.len() > left {
            return Err(PngError::InflatesTooMuch { max: self.max });
        }
        Ok(out)
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// The badge keyword of a tEXt / zTXt / iTXt chunk, if it has one. Reads only the keyword.
fn badge_keyword(kind: &[u8], data: &[u8]) -> Option<&'static str> {
    if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt") {
        return None;
    }
    let nul = data.iter().take(80).position(|&b| b == 0)?;
    match &data[..nul] {
        b"openbadgecredential" => Some(OB3_KEYWORD),
        b"openbadges" => Some(OB2_KEYWORD),
        _ => None,
    }
}

/// Reads the badge chunk's text, inflating it within the file's budget.
fn badge_text(chunk: &BadgeChunk, bytes: &[u8], inflater: &mut Inflater<'_>) -> Result<String, PngError> {
    let keyword = chunk.keyword;
    let data = bytes
        .get(chunk.data.clone())
        .ok_or_else(|| PngError::Damaged("the badge chunk is outside the file".into()))?;
    // The keyword and its NUL were found by `badge_keyword`.
    let rest = data.get(keyword.len() + 1..).unwrap_or_default();
    let bad = |what: &str| {
        PngError::Damaged(format!(
            "the {} chunk '{keyword}' is malformed ({what})",
            String::from_utf8_lossy(&chunk.kind)
        ))
    };
    match &chunk.kind {
        b"tEXt" => Ok(latin1(rest)),
        b"zTXt" => {
            let (&method, compressed) = rest.split_first().ok_or_else(|| bad("no compression method"))?;
            if method != 0 {
                return Err(bad("unknown compression method"));
            }
            Ok(latin1(&inflater.inflate(compressed)?))
        }
        _ => {
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
                (1, 0) => inflater.inflate(body)?,
                _ => return Err(bad("unknown compression")),
            };
            String::from_utf8(raw).map_err(|_| bad("text is not UTF-8"))
        }
    }
}

/// Walks the chunk list, checking every length and CRC, and locates the badge text chunk without reading it.
/// Stops at the second badge chunk: that is already an error, and going on would only cost time. (The `png`
/// crate silently drops an ancillary chunk whose CRC fails, and keeps compressed text private, so the badge
/// chunks are found here; the crate still validates the image structure.)
fn find_badge_chunk(bytes: &[u8], effort: &mut Effort) -> Result<Option<BadgeChunk>, PngError> {
    let mut found = None;
    let mut pos = 8;
    loop {
        let header = bytes
            .get(pos..pos + 8)
            .ok_or_else(|| PngError::Damaged("the file ends inside a chunk".into()))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let end = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                PngError::Damaged(format!(
                    "the file ends inside the {} chunk (truncated)",
                    String::from_utf8_lossy(&kind)
                ))
            })?;
        effort.chunks += 1;
        let stored = u32::from_be_bytes([bytes[end - 4], bytes[end - 3], bytes[end - 2], bytes[end - 1]]);
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[pos + 4..end - 4]);
        if crc.sum() != stored {
            return Err(PngError::Damaged(format!(
                "the {} chunk fails its CRC check",
                String::from_utf8_lossy(&kind)
            )));
        }
        let data = pos + 8..end - 4;
        if let Some(keyword) = badge_keyword(&kind, &bytes[data.clone()]) {
            effort.badge_chunks += 1;
            if found.is_some() {
                return Err(PngError::SeveralBadges {
                    count: effort.badge_chunks,
                });
            }
            found = Some(BadgeChunk { keyword, kind, data });
        }
        if &kind == b"IEND" {
            return Ok(found);
        }
        pos = end;
    }
}

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, PngError> {
    extract_measured(bytes, limits, &mut Effort::default())
}

/// [`super::extract`] for a PNG (after its size check), adding to `effort` what reading the file took.
pub fn extract_measured(bytes: &[u8], limits: &Limits, effort: &mut Effort) -> Result<Extracted, PngError> {
    let found = find_badge_chunk(bytes, effort)?;
    // Structure check by the png crate (header, palette, image data stream), pixels skipped and never inflated.
    // Text chunks and the ICC profile are skipped too (the crate would inflate an iCCP chunk up to its
    // allocation limit); what it still buffers (one chunk at a time, eXIf kept) is within the input's size, so
    // its allocation limit is twice the largest input.
    let damaged = |e: &dyn std::fmt::Display| PngError::Damaged(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: limits.max_input_bytes.saturating_mul(2).max(1 << 20),
        },
    );
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| damaged(&e))?;
    reader.finish().map_err(|e| damaged(&e))?;

    let chunk = found.ok_or(PngError::NotBaked)?;
    let mut inflater = Inflater {
        max: limits.max_inflated_bytes,
        effort,
    };
    let text = badge_text(&chunk, bytes, &mut inflater)?;
    let payload = classify_text(&text).ok_or(PngError::BadPayload {
        keyword: chunk.keyword,
    })?;
    Ok(Extracted {
        container: Container::Png,
        payload,
        baked_as: Some(chunk.keyword),
    })
}
