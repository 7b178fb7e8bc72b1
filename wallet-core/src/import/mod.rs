//! Reading what a learner brings: recognise the bytes by their content (never the file name) and extract the
//! credential payload they carry — from a baked PNG or SVG badge, a JSON document, a compact JWT/JWS, or a URL.
//!
//! Extraction never panics and never trusts sizes it reads: inputs are capped ([`Limits`]), compressed PNG text
//! is inflated with a bound for the whole file (and only the one badge chunk's), a second badge chunk or element
//! stops the reading, SVG is parsed without any DTD or entity expansion. What the payload *means* (which
//! credential, which version, whether it verifies) is decided later by verification (issue 4's next steps).

pub mod png;
pub mod svg;

/// The size limits applied to every input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 5 MiB).
    pub max_input_bytes: usize,
    /// Most bytes the compressed text of one PNG may inflate to, all its chunks together (default 5 MiB). Only
    /// the badge chunk is ever inflated, and only when it is the file's one badge chunk.
    pub max_inflated_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 5 * 1024 * 1024,
            max_inflated_bytes: 5 * 1024 * 1024,
        }
    }
}

/// What the bytes are, judged by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Png,
    Svg,
    Json,
    /// A compact JWS / JWT (three base64url parts).
    Jwt,
    /// A single http(s) URL (an Open Badges 2.0 hosted assertion).
    Url,
}

/// The credential payload found in a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// JSON text (an OB3 credential, a CLR, a VP, an OB 2.0 assertion…), exactly as found.
    Json(String),
    /// A compact JWS/JWT, exactly as found.
    Jwt(String),
    /// A URL to fetch (OB 2.0 hosted assertion, or a `verify` URL).
    Url(String),
}

/// A payload and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub container: Container,
    pub payload: Payload,
    /// The PNG chunk keyword or SVG element that held it (`openbadgecredential`, `openbadges`,
    /// `openbadges:credential`, `openbadges:assertion`), for baked badges.
    pub baked_as: Option<&'static str>,
}

/// Why nothing could be extracted. Every variant is about the input, never an internal fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; the limit is {max}")]
    TooLarge { size: usize, max: usize },
    #[error("not a badge or credential Carnet recognises (not PNG, SVG, JSON, JWT or a URL)")]
    Unrecognized,
    #[error("the JSON is not valid: {0}")]
    BadJson(String),
    #[error(transparent)]
    Png(#[from] png::PngError),
    #[error(transparent)]
    Svg(#[from] svg::SvgError),
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// A compact JWS, or an SD-JWT (`<JWS>~<disclosure>~…~[<key-binding JWT>]`).
fn is_jwt(text: &str) -> bool {
    let mut sd = text.split('~');
    let jws = sd.next().unwrap_or("");
    let disclosures_ok = sd.all(|d| {
        d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    });
    if !disclosures_ok {
        return false;
    }
    let parts: Vec<&str> = jws.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| !p.is_empty())
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn is_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
}

/// Reads at most `limit + 1` bytes of a file: enough to tell it is over the limit without reading a huge file.
pub fn read_bounded(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Sized from the file's length when known, so a file near the limit is not held in a buffer twice its size.
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(size.min(limit as u64 + 1) as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    Ok(bytes)
}

/// Recognises the container by content.
pub fn sniff(bytes: &[u8]) -> Option<Container> {
    if bytes.starts_with(PNG_MAGIC) {
        return Some(Container::Png);
    }
    let t = trim_start(bytes);
    if t.starts_with(b"{") || t.starts_with(b"[") {
        return Some(Container::Json);
    }
    if t.starts_with(b"<") {
        let head = &t[..t.len().min(4096)];
        return head
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"<svg"))
            .then_some(Container::Svg);
    }
    let text = std::str::from_utf8(t).ok()?.trim_end();
    if is_jwt(text) {
        Some(Container::Jwt)
    } else if is_url(text) {
        Some(Container::Url)
    } else {
        None
    }
}

/// Classifies a text payload found inside a baked badge (or a whole text file).
pub(crate) fn classify_text(text: &str) -> Option<Payload> {
    let t = text.trim();
    if t.starts_with('{') {
        Some(Payload::Json(t.to_owned()))
    } else if is_jwt(t) {
        Some(Payload::Jwt(t.to_owned()))
    } else if is_url(t) {
        Some(Payload::Url(t.to_owned()))
    } else {
        None
    }
}

/// Extracts the credential payload from any supported input.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.len() > limits.max_input_bytes {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            max: limits.max_input_bytes,
        });
    }
    let container = sniff(bytes).ok_or(ImportError::Unrecognized)?;
    match container {
        Container::Png => Ok(png::extract(bytes, limits)?),
        Container::Svg => Ok(svg::extract(bytes)?),
        Container::Json => {
            let text =
                std::str::from_utf8(trim_start(bytes)).map_err(|e| ImportError::BadJson(e.to_string()))?;
            // serde_json refuses nesting deeper than 128 levels, so hostile depth cannot overflow the stack.
            crate::json::parse_str(text).map_err(|e| ImportError::BadJson(e.to_string()))?;
            Ok(Extracted {
                container,
                payload: Payload::Json(text.trim_end().to_owned()),
                baked_as: None,
            })
        }
        Container::Jwt | Container::Url => {
            let text = std::str::from_utf8(trim_start(bytes)).map_err(|_| ImportError::Unrecognized)?;
            let payload = classify_text(text).ok_or(ImportError::Unrecognized)?;
            Ok(Extracted {
                container,
                payload,
                baked_as: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(Container::Png));
        assert_eq!(sniff(b"  \n{\"a\":1}"), Some(Container::Json));
        assert_eq!(sniff(b"\xEF\xBB\xBF[1]"), Some(Container::Json));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>"),
            Some(Container::Svg)
        );
        assert_eq!(sniff(b"<html><body/></html>"), None);
        assert_eq!(
            sniff(b"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln\n"),
            Some(Container::Jwt)
        );
        assert_eq!(sniff(b"https://example.org/assertions/1"), Some(Container::Url));
        assert_eq!(sniff(b"hello world"), None);
        assert_eq!(sniff(b"a.b"), None);
    }

    #[test]
    fn limits_and_bad_input_are_errors() {
        let limits = Limits {
            max_input_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(extract(b"", &limits), Err(ImportError::Empty)));
        assert!(matches!(
            extract(&[b' '; 11], &limits),
            Err(ImportError::TooLarge { size: 11, max: 10 })
        ));
        assert!(matches!(
            extract(b"{\"a\":", &Limits::default()),
            Err(ImportError::BadJson(_))
        ));
        let deep = "[".repeat(100_000);
        assert!(matches!(
            extract(deep.as_bytes(), &Limits::default()),
            Err(ImportError::BadJson(_))
        ));
        assert!(matches!(
            extract(b"plain text", &Limits::default()),
            Err(ImportError::Unrecognized)
        ));
    }

    #[test]
    fn json_and_jwt_are_kept_verbatim() {
        let e = extract(b"{\"a\": 1}\n", &Limits::default()).unwrap();
        assert_eq!(e.payload, Payload::Json("{\"a\": 1}".into()));
        let e = extract(b"eyJh.eyJz.c2ln", &Limits::default()).unwrap();
        assert_eq!(e.payload, Payload::Jwt("eyJh.eyJz.c2ln".into()));
    }
}
