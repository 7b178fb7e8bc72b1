//! Baked SVG badges: `<openbadges:credential>` (Open Badges 3.0: JSON in CDATA, or a JWT in `verify`) and
//! `<openbadges:assertion>` (2.0: `verify` = JWS or URL, or JSON content). Parsed with quick-xml as a plain
//! stream: a document type declaration is refused outright and no entity other than XML's five predefined
//! ones and character references is ever expanded, so billion-laughs and XXE files are errors, not hazards.
//!
//! Memory stays linear in the input (itself capped by [`super::Limits::max_input_bytes`]): the reader borrows the
//! text, the only expansions shrink (`&amp;` → `&`), and only the badge element's text is gathered. Reading stops
//! at the second badge element, before gathering its text: several are an error whatever follows.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::{classify_text, Container, Extracted};

const OB3_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
const OB2_NS: &str = "http://openbadges.org";

/// Why an SVG gave no credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SvgError {
    #[error("the SVG is not well-formed XML: {0}")]
    Malformed(String),
    /// Internal DTD subsets are where entity bombs and external-entity attacks live; badges never need one.
    /// (A plain `<!DOCTYPE svg PUBLIC …>` line, as drawing tools write, is accepted and never fetched.)
    #[error(
        "the SVG declares its own document type definitions (a DTD subset); Carnet refuses them in badges"
    )]
    Dtd,
    #[error("the SVG uses the entity '&{0};', which Carnet does not expand")]
    Entity(String),
    #[error("this SVG image carries no badge (no openbadges:credential or openbadges:assertion element)")]
    NotBaked,
    /// Reading stops at the second badge element, so `count` is the number seen by then (2).
    #[error("this SVG image carries at least {count} badge elements; a baked badge has exactly one")]
    SeveralBadges { count: usize },
    #[error("the badge element '{element}' holds no recognisable credential")]
    BadPayload { element: &'static str },
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

pub(crate) fn extract(bytes: &[u8]) -> Result<Extracted, SvgError> {
    let text = std::str::from_utf8(bytes).map_err(|e| SvgError::Malformed(e.to_string()))?;
    let mut reader = NsReader::from_str(text);
    let malformed = |e: &dyn std::fmt::Display| SvgError::Malformed(e.to_string());

    let mut found: Option<(&'static str, String)> = None;
    // Inside a badge element: which one, its `verify` attribute, and the text gathered so far.
    let mut current: Option<(&'static str, Option<String>, String)> = None;
    // Badge elements seen so far; the second ends the reading.
    let mut seen = 0;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| malformed(&e))?;
        let badge_element = |local: &str| -> Option<&'static str> {
            match (&ns, local) {
                (ResolveResult::Bound(n), "credential") if n.as_ref() == OB3_NS => {
                    Some("openbadges:credential")
                }
                (ResolveResult::Bound(n), "assertion") if n.as_ref() == OB2_NS => {
                    Some("openbadges:assertion")
                }
                _ => None,
            }
        };
        match event {
            // An internal subset (`[ … ]`) can declare entities: refused. A bare public/system identifier is
            // harmless because nothing is ever fetched or expanded.
            Event::DocType(d) if d.as_ref().contains('[') => return Err(SvgError::Dtd),
            Event::DocType(_) => {}
            Event::Start(e) if current.is_none() => {
                if let Some(element) = badge_element(e.local_name().as_ref()) {
                    count_badge(&mut seen)?;
                    current = Some((element, verify_attribute(&e)?, String::new()));
                }
            }
            Event::Empty(e) if current.is_none() => {
                // A self-closing <openbadges:credential verify="…"/>.
                if let Some(element) = badge_element(e.local_name().as_ref()) {
                    count_badge(&mut seen)?;
                    found = Some((element, verify_attribute(&e)?.unwrap_or_default()));
                }
            }
            Event::Text(t) => {
                if let Some((_, _, buf)) = current.as_mut() {
                    buf.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some((_, _, buf)) = current.as_mut() {
                    buf.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner().into_owned();
                let ch = if let Some(number) = name.strip_prefix('#') {
                    let code = match number.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse::<u32>().ok(),
                    };
                    code.and_then(char::from_u32)
                        .ok_or_else(|| SvgError::Entity(name.clone()))?
                } else {
                    predefined(&name).ok_or_else(|| SvgError::Entity(name.clone()))?
                };
                if let Some((_, _, buf)) = current.as_mut() {
                    buf.push(ch);
                }
            }
            Event::End(e) if current.is_some() && badge_element(e.local_name().as_ref()).is_some() => {
                if let Some((element, verify, buf)) = current.take() {
                    found = Some((element, verify.unwrap_or(buf)));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if current.is_some() {
        return Err(SvgError::Malformed("the badge element is not closed".into()));
    }
    let (element, text) = found.ok_or(SvgError::NotBaked)?;
    let payload = classify_text(&text).ok_or(SvgError::BadPayload { element })?;
    Ok(Extracted {
        container: Container::Svg,
        payload,
        baked_as: Some(element),
    })
}

/// Counts a badge element; the second is an error at once.
fn count_badge(seen: &mut usize) -> Result<(), SvgError> {
    *seen += 1;
    if *seen > 1 {
        return Err(SvgError::SeveralBadges { count: *seen });
    }
    Ok(())
}

fn verify_attribute(e: &quick_xml::events::BytesStart<'_>) -> Result<Option<String>, SvgError> {
    match e
        .try_get_attribute("verify")
        .map_err(|e| SvgError::Malformed(e.to_string()))?
    {
        Some(a) => Ok(Some(
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| SvgError::Malformed(e.to_string()))?
                .into_owned(),
        )),
        None => Ok(None),
    }
}
