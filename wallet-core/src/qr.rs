//! QR codes for a presentation, by value, as PNG and SVG — in the two forms others can read:
//!
//! - [`QrForm::Json`]: the presentation's compact JSON (non-ASCII characters written as `\uXXXX` escapes, so every
//!   reader gets the same text whatever character set it assumes) in byte mode. Any verifier can parse it.
//! - [`QrForm::Vpqr`]: `VP1-B` + base32 (RFC 4648, upper case, no padding) of CBOR-LD in the legacy tag `0x0501`
//!   form, in alphanumeric mode — what the Learner Credential Wallet and VerifierPlus scan
//!   (`@digitalcredentials/vpqr` 2.2.1 over `@digitalcredentials/cborld` 4.3.4). [`cborld`] is that compression
//!   re-implemented; it compresses against their document loader's copies of the contexts, and only the contexts
//!   it packages ([`decoder_contexts`]), and has no `data:` URL codec. Before a VPQR text is returned, Carnet decodes it again and requires the very same
//!   presentation back.
//!
//! Every code is drawn at the lowest version that holds the text at level L, at the highest error-correction
//! level that still fits that version, with a quiet zone of [`QUIET_ZONE`] modules; and both drawings are read
//! back with `rqrr` (an independent decoder) before [`encode`] returns: a code that does not read back as its
//! text is an error, never a code to show. A presentation too big for any QR code (embedded `data:` images
//! usually are) is [`QrError::TooLarge`], with its size, so that the interfaces offer the file and the printable
//! page instead.

mod cbor;
mod cborld;
mod decoder_contexts;
mod render;

use std::io;

use qrcode::bits::Bits;
use qrcode::{EcLevel as QrcodeEc, QrCode, Version};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most bytes a QR code holds in byte mode (version 40, level L).
pub const MAX_BYTES: usize = 2953;
/// The most characters a QR code holds in alphanumeric mode (version 40, level L).
pub const MAX_ALPHANUMERIC: usize = 4296;
/// Pixels a module in the PNG, and the SVG's default size.
pub const MODULE_PX: u32 = 8;
/// Light modules around the code on each side.
pub const QUIET_ZONE: usize = 4;
/// What every VPQR text starts with: the VPQR version and the multibase prefix of base32 upper case.
pub const VPQR_PREFIX: &str = "VP1-B";
/// The CBOR tag that opens compressed CBOR-LD in the legacy form (`0xd9 0x0501`).
const LEGACY_TAG: [u8; 3] = [0xd9, 0x05, 0x01];

/// Which text a QR code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrForm {
    /// The presentation's compact JSON, byte mode.
    Json,
    /// VPQR: `VP1-B` + base32 of legacy CBOR-LD, alphanumeric mode.
    Vpqr,
}

impl QrForm {
    /// `json` or `vpqr`.
    pub fn as_str(self) -> &'static str {
        match self {
            QrForm::Json => "json",
            QrForm::Vpqr => "vpqr",
        }
    }

    /// What the size of its text is counted in: `bytes` (JSON) or `characters` (VPQR).
    pub fn unit(self) -> &'static str {
        match self {
            QrForm::Json => "bytes",
            QrForm::Vpqr => "characters",
        }
    }

    /// The largest text a QR code holds in this form ([`MAX_BYTES`] or [`MAX_ALPHANUMERIC`]).
    pub fn max(self) -> usize {
        match self {
            QrForm::Json => MAX_BYTES,
            QrForm::Vpqr => MAX_ALPHANUMERIC,
        }
    }
}

impl std::fmt::Display for QrForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QrForm::Json => "JSON",
            QrForm::Vpqr => "VPQR",
        })
    }
}

/// QR error-correction level: L (7 % of the code can be lost), M (15 %), Q (25 %), H (30 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EcLevel {
    L,
    M,
    Q,
    H,
}

impl EcLevel {
    fn qrcode(self) -> QrcodeEc {
        match self {
            EcLevel::L => QrcodeEc::L,
            EcLevel::M => QrcodeEc::M,
            EcLevel::Q => QrcodeEc::Q,
            EcLevel::H => QrcodeEc::H,
        }
    }
}

/// A QR code ready to show: its text (read back from both drawings), and the drawings.
#[derive(Debug, Clone)]
pub struct Qr {
    pub form: QrForm,
    /// What the code holds, exactly.
    pub text: String,
    /// QR version, 1 to 40 (the code is `17 + 4 × version` modules wide).
    pub version: i16,
    pub ec_level: EcLevel,
    /// Width in modules, without the quiet zone.
    pub modules: usize,
    /// Black on white, [`MODULE_PX`] pixels a module, quiet zone included.
    pub png: Vec<u8>,
    /// The same drawing as a self-contained SVG (no script, nothing external).
    pub svg: String,
}

/// Why there is no QR code (or no VPQR text).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text is longer than the largest QR code holds (version 40, level L): `size` and `max` are counted in
    /// [`QrForm::unit`]s. Share the file or the printable page instead.
    #[error(
        "the presentation is {size} {unit} as {form}, more than a QR code holds ({max} {unit} at most): \
         share it as a file or a printable page instead",
        unit = .form.unit()
    )]
    TooLarge { form: QrForm, size: usize, max: usize },
    /// The presentation cannot be written as VPQR: a term the decoder's contexts do not define, a context Carnet
    /// does not know, a value the decoder would read back differently… (the reason says which).
    #[error("the presentation cannot be written as VPQR: {0}")]
    NotCompressible(String),
    /// A VPQR text (or its CBOR-LD) is not well formed: only from decoding.
    #[error("not a readable VPQR text: {0}")]
    Malformed(String),
    /// The drawn QR code (`image`: PNG or SVG) did not read back as its text; nothing is shown.
    #[error("the {image} QR code does not read back as its text: {detail}")]
    DecodeMismatch { image: &'static str, detail: String },
    /// Writing the JSON text or the PNG failed.
    #[error("could not draw the QR code: {0}")]
    Render(String),
}

impl QrError {
    /// Stable code for interfaces (`qr.too_large` is the one to answer with "save the file or the page").
    pub fn code(&self) -> &'static str {
        match self {
            QrError::TooLarge { .. } => "qr.too_large",
            QrError::NotCompressible(_) => "qr.not_compressible",
            QrError::Malformed(_) => "qr.malformed",
            QrError::DecodeMismatch { .. } => "qr.decode_mismatch",
            QrError::Render(_) => "qr.render",
        }
    }
}

/// The presentation as a QR code in `form`, drawn and read back. See the module documentation.
pub fn encode(vp: &Value, form: QrForm) -> Result<Qr, QrError> {
    let text = match form {
        QrForm::Json => json_text(vp)?,
        QrForm::Vpqr => vpqr_text(vp)?,
    };
    draw(&text, form)
}

/// The presentation's compact JSON as it goes into a QR code: ASCII only (`\uXXXX` escapes), same document.
pub fn json_text(vp: &Value) -> Result<String, QrError> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, AsciiJson);
    vp.serialize(&mut ser)
        .map_err(|e| QrError::Render(e.to_string()))?;
    String::from_utf8(out).map_err(|e| QrError::Render(e.to_string()))
}

/// The presentation's VPQR text (`VP1-B…`), checked to decode to the same presentation.
pub fn vpqr_text(vp: &Value) -> Result<String, QrError> {
    let payload = cborld::compress(vp, &decoder_contexts::document)?;
    let bytes = [&LEGACY_TAG[..], &cbor::encode(&payload)].concat();
    // multibase's `B` is RFC 4648 base32, upper case, unpadded: the prefix and the alphabet VPQR uses.
    let text = format!("VP1-{}", multibase::encode(multibase::Base::Base32Upper, bytes));
    let back = vpqr_decode(&text)
        .map_err(|e| QrError::NotCompressible(format!("the VPQR decoder would not read it back ({e})")))?;
    if let Some(path) = first_difference(vp, &back, String::new()) {
        return Err(QrError::NotCompressible(format!(
            "the VPQR decoder would read back something else at {path}"
        )));
    }
    Ok(text)
}

/// The presentation a VPQR text holds, read as the deployed decoder reads it (also the uncompressed mode 0).
pub fn vpqr_decode(text: &str) -> Result<Value, QrError> {
    let body = text
        .strip_prefix("VP1-")
        .ok_or_else(|| QrError::Malformed("it does not start with VP1-".into()))?;
    if !body.starts_with('B') {
        return Err(QrError::Malformed(
            "its payload is not multibase base32 (B)".into(),
        ));
    }
    let (_, bytes) = multibase::decode(body).map_err(|e| QrError::Malformed(e.to_string()))?;
    let (mode, payload) = match bytes.as_slice() {
        [0xd9, 0x05, mode, rest @ ..] => (*mode, rest),
        _ => return Err(QrError::Malformed("no CBOR-LD tag 0x05xx".into())),
    };
    let item = cbor::decode(payload)?;
    let doc = match mode {
        1 => cborld::decompress(&item, &decoder_contexts::document),
        0 => cborld::plain_json(&item),
        other => Err(QrError::Malformed(format!(
            "unsupported CBOR-LD compression mode {other}"
        ))),
    };
    // Reading, a context Carnet does not know (or any other refusal) means a text Carnet cannot read.
    doc.map_err(|e| match e {
        QrError::NotCompressible(why) => QrError::Malformed(why),
        other => other,
    })
}

/// The context document VPQR compresses against for `url`: the VPQR readers' copy of it, which is not always
/// Carnet's; an error for a context they do not package (see the module `decoder_contexts`).
pub fn vpqr_context(url: &str) -> Result<Value, QrError> {
    decoder_contexts::document(url)
}

/// Draws `text` in `form`'s mode, then reads both drawings back.
fn draw(text: &str, form: QrForm) -> Result<Qr, QrError> {
    if form == QrForm::Vpqr && !text.bytes().all(is_alphanumeric) {
        return Err(QrError::Render(
            "VPQR text outside the QR alphanumeric set".into(),
        ));
    }
    let bits_for = |version: i16, ec: EcLevel| -> Option<Bits> {
        let mut bits = Bits::new(Version::Normal(version));
        match form {
            QrForm::Json => bits.push_byte_data(text.as_bytes()).ok()?,
            QrForm::Vpqr => bits.push_alphanumeric_data(text.as_bytes()).ok()?,
        }
        bits.push_terminator(ec.qrcode()).ok()?;
        Some(bits)
    };
    let too_large = || QrError::TooLarge {
        form,
        size: text.len(),
        max: form.max(),
    };
    let version = (1..=40)
        .find(|v| bits_for(*v, EcLevel::L).is_some())
        .ok_or_else(too_large)?;
    let (ec_level, bits) = [EcLevel::H, EcLevel::Q, EcLevel::M, EcLevel::L]
        .into_iter()
        .find_map(|ec| bits_for(version, ec).map(|b| (ec, b)))
        .ok_or_else(too_large)?;
    let code = QrCode::with_bits(bits, ec_level.qrcode()).map_err(|e| QrError::Render(e.to_string()))?;
    let modules = render::Modules {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    };
    let png = render::png(&modules)?;
    let svg = render::svg(&modules);
    for (image, read) in [("PNG", render::read_png(&png)?), ("SVG", render::read_svg(&svg)?)] {
        if read != text {
            return Err(QrError::DecodeMismatch {
                image,
                detail: format!("{} characters read, {} written", read.len(), text.len()),
            });
        }
    }
    Ok(Qr {
        form,
        text: text.to_owned(),
        version,
        ec_level,
        modules: modules.width,
        png,
        svg,
    })
}

fn is_alphanumeric(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b)
}

/// Where `b` first differs from `a` (a JSON pointer), or `None` when they are equal.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let here = format!("{at}/{k}");
                match y.get(k) {
                    Some(w) => {
                        if let Some(p) = first_difference(v, w, here) {
                            return Some(p);
                        }
                    }
                    None => return Some(here),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{at}/{k}"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(if at.is_empty() { "/".into() } else { at }),
    }
}

/// serde_json's compact output with every non-ASCII character escaped.
struct AsciiJson;

impl serde_json::ser::Formatter for AsciiJson {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut units = [0u16; 2];
        for ch in fragment.chars() {
            if ch.is_ascii() {
                writer.write_all(&[ch as u8])?;
            } else {
                for unit in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_text_is_ascii_and_the_same_document() {
        let vp = json!({"name": "École — 🎓", "n": [1, 2.5, null, true]});
        let text = json_text(&vp).unwrap();
        assert!(text.is_ascii());
        assert_eq!(
            text,
            r#"{"n":[1,2.5,null,true],"name":"\u00c9cole \u2014 \ud83c\udf93"}"#
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), vp);
    }

    #[test]
    fn the_limits_are_those_of_version_40_level_l() {
        for (form, max, ch) in [
            (QrForm::Json, MAX_BYTES, "a"),
            (QrForm::Vpqr, MAX_ALPHANUMERIC, "A"),
        ] {
            let fits = |n: usize| {
                let text = ch.repeat(n);
                let mut bits = Bits::new(Version::Normal(40));
                let pushed = match form {
                    QrForm::Json => bits.push_byte_data(text.as_bytes()),
                    QrForm::Vpqr => bits.push_alphanumeric_data(text.as_bytes()),
                };
                pushed.is_ok() && bits.push_terminator(QrcodeEc::L).is_ok()
            };
            assert!(fits(max), "{form} {max}");
            assert!(!fits(max + 1), "{form} {}", max + 1);
        }
    }

    /// An unsigned presentation shaped like Carnet's (the proof's value need not verify here).
    fn sample() -> Value {
        let key = "did:key:z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1";
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:3f1c2a9e-5b7d-4e8f-a1b2-c3d4e5f60718",
            "type": ["VerifiablePresentation"],
            "holder": key,
            "verifiableCredential": [{
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
                ],
                "id": "urn:uuid:7e5453e2-9027-48f7-9f19-b8a05cfd04de",
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "name": "Soudure — niveau 2",
                "issuer": {"id": key, "type": ["Profile"], "name": "École", "url": "https://example.org"},
                "validFrom": "2024-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": "did:example:learner",
                    "type": ["AchievementSubject"],
                    "achievement": {
                        "id": "https://example.org/a/1",
                        "type": ["Achievement"],
                        "name": "Soudure",
                        "criteria": {"narrative": "Réussir l'épreuve."}
                    }
                }
            }],
            "proof": {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2024-11-05T10:30:00Z",
                "verificationMethod": format!("{key}#{}", &key[8..]),
                "proofPurpose": "authentication",
                "challenge": "c-1",
                "domain": "https://employer.example",
                "proofValue": "zHHeLqzEbRk2MXSC3UTW3BrfiP9rnFLtXM91h2gnHbYGmzBfxBC8iZDe5JDTxoujZH5yqeRx9J59K37n8jPz2Utr"
            }
        })
    }

    #[test]
    fn vpqr_comes_back_as_the_same_presentation() {
        let vp = sample();
        let text = vpqr_text(&vp).unwrap();
        assert!(text.starts_with(VPQR_PREFIX) && text.bytes().all(is_alphanumeric));
        assert_eq!(vpqr_decode(&text).unwrap(), vp);
        // In QR bits: 5.5 a character in alphanumeric mode against 8 a byte.
        let (v, j) = (text.len(), json_text(&vp).unwrap().len());
        assert!(v * 11 < j * 16, "VPQR {v} characters, JSON {j} bytes");
    }

    #[test]
    fn damaged_vpqr_reads_as_an_error_or_another_document_never_a_panic() {
        let text = vpqr_text(&sample()).unwrap();
        let (_, bytes) = multibase::decode(&text[4..]).unwrap();
        let mut errors = 0;
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x10, 0x80] {
                let mut damaged = bytes.clone();
                damaged[i] ^= bit;
                let damaged = format!(
                    "VP1-{}",
                    multibase::encode(multibase::Base::Base32Upper, &damaged)
                );
                errors += usize::from(vpqr_decode(&damaged).is_err());
            }
            let cut = format!(
                "VP1-{}",
                multibase::encode(multibase::Base::Base32Upper, &bytes[..i])
            );
            assert!(vpqr_decode(&cut).is_err(), "cut at {i}");
        }
        assert!(errors > bytes.len(), "most damage is detected: {errors}");
    }

    #[test]
    fn first_difference_names_the_path() {
        let a = json!({"a": [1, {"b": "x"}], "c": 1});
        assert_eq!(first_difference(&a, &a.clone(), String::new()), None);
        let b = json!({"a": [1, {"b": "y"}], "c": 1});
        assert_eq!(first_difference(&a, &b, String::new()).as_deref(), Some("/a/1/b"));
        let c = json!({"a": [1, {"b": "x"}]});
        assert_eq!(first_difference(&a, &c, String::new()).as_deref(), Some("/c"));
    }
}
