//! A credential's picture, chosen so that what is shown is what the issuer said: the image the signed credential
//! itself carries (a `data:` image), else the image it names on the web, fetched once at import and kept; the
//! picture of the file it was baked into only when the credential names none — and then labelled as such, since
//! anyone can bake a real credential into another image.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::net::{FetchCache, Net};

/// Largest picture kept, in bytes (before base64).
pub const MAX_PICTURE_BYTES: usize = 1024 * 1024;

/// Where a shown picture comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PictureSource {
    /// A `data:` image inside the signed credential.
    Credential,
    /// The image the signed credential names by URL, fetched from the web (kept in the wallet).
    Issuer,
    /// The PNG or SVG the credential was baked into: not covered by the signature.
    File,
}

/// What picture a credential's signed data names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A `data:image/…` URI in the credential itself.
    Data(String),
    /// An https URL of an image.
    Url(String),
    /// No picture (or one Carnet will not show: another scheme, a non-image data: URI).
    Nothing,
}

fn image_ref(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(items) => items.iter().find_map(image_ref),
        o => o.get("id").and_then(Value::as_str),
    }
}

/// The picture a credential's signed reading (`verify::Report::document`) names: the credential's own `image`,
/// else its achievement's (Open Badges 3.0), else its badge class's (Open Badges 2.0).
pub fn named(document: &Value) -> Named {
    let subject = match document.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    let candidates = [
        document.get("image"),
        subject
            .and_then(|s| s.get("achievement"))
            .and_then(|a| a.get("image")),
        document.get("badge").and_then(|b| b.get("image")),
    ];
    for reference in candidates.into_iter().flatten().filter_map(image_ref) {
        if reference.starts_with("data:image/") {
            return match reference.len() <= MAX_PICTURE_BYTES * 4 / 3 + 64 {
                true => Named::Data(reference.to_owned()),
                false => Named::Nothing,
            };
        }
        if reference.starts_with("https://") {
            return Named::Url(reference.to_owned());
        }
    }
    Named::Nothing
}

/// The media type of image bytes, by their first bytes (never by what a server claims).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if crate::import::sniff(bytes) == Some(crate::import::Container::Svg) {
        Some("image/svg+xml")
    } else {
        None
    }
}

/// Image bytes as a `data:` URI, when they are an image Carnet shows and not too large.
pub fn data_uri(bytes: &[u8]) -> Option<String> {
    use base64::Engine;
    if bytes.len() > MAX_PICTURE_BYTES {
        return None;
    }
    let mime = sniff(bytes)?;
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Fetch the image a credential names (through `net`: https, public addresses, size and time limits, the
/// wallet's cache when offline). `None` when it cannot be had or is not an image.
pub async fn fetch(url: &str, net: &Net, cache: &dyn FetchCache) -> Option<String> {
    let fetched = net.fetch(url, cache).await.ok()?;
    if fetched.resource.status != 200 {
        return None;
    }
    data_uri(&fetched.resource.body)
}

/// The picture to show: the credential's own, else the one it names (if it could be fetched), else — only when
/// the credential names none — the file's.
pub fn choose(named: &Named, fetched: Option<&str>, baked: Option<&str>) -> Option<(String, PictureSource)> {
    match named {
        Named::Data(uri) => Some((uri.clone(), PictureSource::Credential)),
        Named::Url(_) => fetched.map(|uri| (uri.to_owned(), PictureSource::Issuer)),
        Named::Nothing => baked.map(|uri| (uri.to_owned(), PictureSource::File)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_credential_names_its_picture() {
        let data = "data:image/png;base64,iVBORw0KGgo=";
        assert_eq!(
            named(&json!({"credentialSubject": {"achievement": {"image": {"id": data, "type": ["Image"]}}}})),
            Named::Data(data.into())
        );
        assert_eq!(
            named(&json!({"image": "https://example.edu/badge.png"})),
            Named::Url("https://example.edu/badge.png".into())
        );
        assert_eq!(
            named(&json!({"image": "http://example.edu/badge.png"})),
            Named::Nothing
        );
        assert_eq!(
            named(&json!({"image": "data:text/html,<script>"})),
            Named::Nothing
        );
        assert_eq!(named(&json!({"name": "x"})), Named::Nothing);
    }

    #[test]
    fn a_baked_picture_is_shown_only_when_the_credential_names_none() {
        let baked = Some("data:image/png;base64,BAKED");
        assert_eq!(
            choose(&Named::Data("data:image/png;base64,OWN".into()), None, baked),
            Some(("data:image/png;base64,OWN".into(), PictureSource::Credential))
        );
        // Named on the web but not fetched (offline): no picture rather than the file's.
        assert_eq!(
            choose(&Named::Url("https://e.edu/b.png".into()), None, baked),
            None
        );
        assert_eq!(
            choose(
                &Named::Url("https://e.edu/b.png".into()),
                Some("data:image/png;base64,WEB"),
                baked
            ),
            Some(("data:image/png;base64,WEB".into(), PictureSource::Issuer))
        );
        assert_eq!(
            choose(&Named::Nothing, None, baked),
            Some(("data:image/png;base64,BAKED".into(), PictureSource::File))
        );
    }

    #[test]
    fn only_image_bytes_become_pictures() {
        assert!(data_uri(b"\x89PNG\r\n\x1a\n....").is_some_and(|u| u.starts_with("data:image/png;base64,")));
        assert_eq!(data_uri(b"<html><script>alert(1)</script></html>"), None);
        assert_eq!(data_uri(&vec![0xff; MAX_PICTURE_BYTES + 1]), None);
    }
}
