//! The only ways text and pictures get into the page: HTML escaping (for text and attribute values alike), label
//! filling that escapes what it puts in, and `data:` image URIs rebuilt from their decoded bytes — anything that
//! is not a picture of an allowed type is dropped.

use base64::Engine;

/// The picture types the page shows, as `wallet_core::picture::sniff` names them.
const IMAGE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
];

/// Text as HTML, safe in element content and in double- or single-quoted attribute values: `& < > " '` become
/// character references; control characters other than tab and newline are dropped (carriage returns too, so a
/// `\r\n` is one line break).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(ch),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, with an ellipsis when it was cut (credentials choose their own lengths;
/// the page keeps each card printable).
pub(crate) fn cap(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
    }
}

/// A label with its `{key}` placeholders replaced by the given HTML fragments, in one pass (a value that itself
/// contains `{key}` is not expanded again). The label is escaped first; the values must already be HTML.
pub(crate) fn fill(label: &str, values: &[(&str, &str)]) -> String {
    let label = escape(label);
    let mut out = String::with_capacity(label.len() + 64);
    let mut rest = label.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let found = after.find('}').and_then(|close| {
            let key = &after[..close];
            values.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v, close))
        });
        match found {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// French typography for the page's own labels (never for what credentials say): a no-break space inside
/// guillemets and before a colon, so neither ends up alone at the start of a line.
pub(crate) fn french_spacing(label: &str) -> String {
    label
        .replace(" :", "\u{a0}:")
        .replace("« ", "«\u{a0}")
        .replace(" »", "\u{a0}»")
}

/// A `data:` URI of a picture the page may show, rebuilt from its bytes as `data:<type>;base64,<bytes>`; `None`
/// for anything else: another scheme (`https:`, `javascript:`…), a `data:` URI of another type (`text/html`…),
/// undecodable data, bytes that are not an image of the allowed types (PNG, JPEG, GIF, WebP, SVG — by their
/// content, whatever the URI claims), or more than `max_bytes` of them.
///
/// SVG pictures are shown only through `<img>`, where browsers run no script and load nothing an SVG names.
pub(crate) fn image_data_uri(uri: &str, max_bytes: usize) -> Option<String> {
    let uri = uri.trim();
    let scheme = uri.get(..5)?;
    if !scheme.eq_ignore_ascii_case("data:") {
        return None;
    }
    let (header, data) = uri[5..].split_once(',')?;
    let mut parts = header.split(';');
    let declared = parts.next()?.trim().to_ascii_lowercase();
    if !IMAGE_TYPES.contains(&declared.as_str()) {
        return None;
    }
    let base64 = header
        .rsplit(';')
        .next()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("base64"));
    // Base64 is at most 4/3 of the bytes; percent-encoding at most 3 times.
    if data.len() > max_bytes.saturating_mul(3).saturating_add(16) {
        return None;
    }
    let bytes = if base64 {
        let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD.decode(compact).ok()?
    } else {
        percent_decode(data)?
    };
    if bytes.is_empty() || bytes.len() > max_bytes {
        return None;
    }
    let sniffed = wallet_core::picture::sniff(&bytes)?;
    if !IMAGE_TYPES.contains(&sniffed) {
        return None;
    }
    Some(format!(
        "data:{sniffed};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

/// `%XX` sequences decoded; `None` when one is malformed.
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// An SVG document (for example a QR code drawn by Carnet's QR module) as the `data:` URI [`crate::PageEntry::qr`]
/// takes: the page shows it as an image, never as inline markup.
pub fn svg_data_uri(svg: &str) -> String {
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
    )
}

/// Text as a `data:` URI for a download link (the attached presentation), base64 so nothing in it can end the
/// attribute.
pub(crate) fn text_data_uri(media_type: &str, text: &str) -> String {
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_1X1: &str =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg==";

    #[test]
    fn escaping_leaves_no_markup() {
        let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'&amp;\u{0}\r\n";
        let out = escape(hostile);
        assert_eq!(
            out,
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;amp;\n"
        );
        assert!(!out.contains(['<', '>', '"', '\'', '\0', '\r']));
    }

    #[test]
    fn fill_escapes_the_label_and_expands_once() {
        assert_eq!(
            fill("{a} & {b} {c}", &[("a", "<b>x</b>"), ("b", "{a}")]),
            "<b>x</b> &amp; {a} {c}"
        );
        assert_eq!(fill("no { closing", &[]), "no { closing");
    }

    #[test]
    fn cap_cuts_on_characters_not_bytes() {
        assert_eq!(cap("  École  ", 10), "École");
        assert_eq!(cap("ééééé", 3), "ééé…");
    }

    #[test]
    fn only_image_data_uris_survive_and_are_rebuilt() {
        let png = format!("data:image/png;base64,{PNG_1X1}");
        assert_eq!(image_data_uri(&png, 1024).as_deref(), Some(png.as_str()));
        // Case, whitespace in the data and a lying type are normalised to what the bytes are.
        let messy = format!(
            "DATA:Image/JPEG;charset=x;BASE64,{}\n{}",
            &PNG_1X1[..20],
            &PNG_1X1[20..]
        );
        assert_eq!(image_data_uri(&messy, 1024).as_deref(), Some(png.as_str()));
        // Percent-encoded SVG becomes base64.
        let svg = image_data_uri(
            "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E",
            1024,
        )
        .unwrap();
        assert!(svg.starts_with("data:image/svg+xml;base64,"), "{svg}");
        for refused in [
            "javascript:alert(1)".to_owned(),
            "https://example.org/badge.png".to_owned(),
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==".to_owned(),
            "data:image/svg+xml;base64,PGh0bWw+PC9odG1sPg==".to_owned(), // "<html></html>": not an SVG
            "data:image/png;base64,@@@".to_owned(),
            "data:image/png;base64,".to_owned(),
            "data:image/png,%ZZ".to_owned(),
            "data:application/octet-stream;base64,".to_owned() + PNG_1X1,
            "data:image/bmp;base64,".to_owned() + PNG_1X1,
            " data:image/png;base64".to_owned(),
        ] {
            assert_eq!(image_data_uri(&refused, 1024), None, "{refused}");
        }
        assert_eq!(image_data_uri(&png, 10), None, "larger than allowed");
    }
}
