//! Presentations for employers: the learner picks credentials and a profile (the holder), Carnet re-checks each
//! credential, shows exactly what will be disclosed, then signs a verifiable presentation with the profile's key —
//! VC 2.0 with an `eddsa-rdfc-2022` proof, a VP-JWT, or, when every credential is VC 1.1, a VC 1.1 presentation
//! with `Ed25519Signature2020` — and keeps an encrypted log of what was shared.
//!
//! The stored credentials go in verbatim (JSON-LD as found; a JWT credential as an `EnvelopedVerifiableCredential`
//! `data:` URL in a JSON-LD presentation, as a string in a VP-JWT). What a verifier receives is exactly what the
//! issuers signed plus the holder's proof.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::credentials::StoredCredential;
use crate::keys::SecretKey;
use crate::picture::PictureSource;
use crate::sign::{self, ProofOptions, SignError};
use crate::store::{trees, BatchWrite, Store, StoreError};
use crate::verify::{IssuerIdentity, Report, Verdict};

/// The most credentials one presentation carries.
pub const MAX_CREDENTIALS: usize = 50;
/// The longest challenge or domain accepted from a verifier.
pub const MAX_CHALLENGE_CHARS: usize = 512;

/// How a presentation is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresentFormat {
    /// VC 2.0 presentation, `DataIntegrityProof` / `eddsa-rdfc-2022`, proof purpose `authentication`.
    DataIntegrity,
    /// A VP-JWT: `iss` = holder, `aud` = domain, `nonce` = challenge, the presentation in the `vp` claim.
    Jwt,
    /// VC 1.1 presentation with an `Ed25519Signature2020` proof, for verifiers that need it; every credential must
    /// be a VC 1.1 JSON-LD credential.
    Legacy2020,
}

impl PresentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            PresentFormat::DataIntegrity => "data_integrity",
            PresentFormat::Jwt => "jwt",
            PresentFormat::Legacy2020 => "legacy_2020",
        }
    }
}

/// Why a presentation could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresentError {
    /// Nothing was selected.
    #[error("choose at least one credential to present")]
    NothingSelected,
    /// More than [`MAX_CREDENTIALS`].
    #[error("{count} credentials is more than one presentation carries ({max})")]
    TooMany { count: usize, max: usize },
    /// The same credential twice.
    #[error("the credential {id} is selected twice")]
    Duplicate { id: String },
    /// A challenge or domain that is empty, too long or has control characters.
    #[error("the {what} is not usable: {reason}")]
    BadRequest { what: &'static str, reason: String },
    /// A stored item that is not a W3C verifiable credential (an Open Badges 2.0 assertion): it cannot go in a
    /// presentation (share its file instead).
    #[error("\"{name}\" cannot go in a presentation: {reason}")]
    NotPresentable { name: String, reason: String },
    /// The chosen format cannot carry this credential (a VC 1.1 presentation holds only VC 1.1 JSON-LD ones).
    #[error("a {format} presentation cannot carry \"{name}\": {reason}")]
    WrongFormat {
        format: &'static str,
        name: String,
        reason: String,
    },
    /// Some credential does not verify today and the learner has not confirmed including it.
    #[error("{} credential(s) do not verify today ({}): confirm to include them anyway", names.len(), names.join(", "))]
    NeedsConfirmation { names: Vec<String> },
    /// The presentation could not be signed.
    #[error("the presentation could not be signed: {0}")]
    Sign(#[from] SignError),
    /// The share log could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The system's randomness failed (no presentation id could be drawn).
    #[error("no randomness available: {0}")]
    Random(String),
}

impl PresentError {
    /// Stable code for interfaces.
    pub fn code(&self) -> &'static str {
        match self {
            PresentError::NothingSelected => "present.nothing_selected",
            PresentError::TooMany { .. } => "present.too_many",
            PresentError::Duplicate { .. } => "present.duplicate",
            PresentError::BadRequest { .. } => "present.bad_request",
            PresentError::NotPresentable { .. } => "present.not_presentable",
            PresentError::WrongFormat { .. } => "present.wrong_format",
            PresentError::NeedsConfirmation { .. } => "present.needs_confirmation",
            PresentError::Sign(_) => "present.sign_failed",
            PresentError::Store(_) => "store.io",
            PresentError::Random(_) => "present.sign_failed",
        }
    }
}

/// What the learner asks to present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentRequest {
    /// Stored credential ids, in the order they go in.
    pub credential_ids: Vec<String>,
    /// The holder; the default profile when `None`.
    pub profile_id: Option<String>,
    /// The verifier's challenge (nonce) and domain, when it gave them.
    pub challenge: Option<String>,
    pub domain: Option<String>,
    pub format: PresentFormat,
}

/// One credential as it will be disclosed: what the verifier will see, and how it verifies today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    pub id: String,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_identity: Option<IssuerIdentity>,
    /// The subject the credential names (the learner's DID, when it has one): disclosed to the verifier.
    pub subject: Option<String>,
    /// Whether that subject is the holder the presentation names (a verifier may ask that it be); `None` when the
    /// credential names no subject id.
    pub subject_is_holder: Option<bool>,
    /// Whether the credential carries or names a picture (disclosed with it).
    pub has_picture: bool,
    pub picture_source: Option<PictureSource>,
    /// `json-ld` or `vc-jwt`…, and the VC data model version (1 or 2) of a JSON-LD credential.
    pub format: String,
    pub vc_version: Option<u8>,
    /// Re-checked now.
    pub verdict: Verdict,
    pub fully_verified: bool,
    /// Why it is not valid (or not fully checked), in one line.
    pub reason: Option<String>,
    /// Why it cannot go in a presentation at all (an Open Badges 2.0 assertion), when it cannot: the same reason
    /// as its entry in [`Preview::not_presentable`], on the item itself so an interface can mark the right one.
    pub not_presentable: Option<String>,
}

/// What a presentation would disclose, before anything is signed or written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub profile_id: String,
    /// The holder DID the presentation will name (the profile's did:key).
    pub holder: String,
    pub items: Vec<Disclosure>,
    /// Names of the credentials that do not verify today: including them needs the learner's confirmation.
    pub unverified: Vec<String>,
    /// Whether a VC 1.1 (`Ed25519Signature2020`) presentation can carry this selection.
    pub legacy_possible: bool,
    /// Items that cannot be presented at all, with the reason (an Open Badges 2.0 assertion).
    pub not_presentable: Vec<(String, String)>,
}

/// A signed presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presentation {
    pub format: PresentFormat,
    /// The presentation as it is shared: JSON (pretty-printed) or a compact JWT.
    pub text: String,
    pub holder: String,
    pub id: String,
    pub credential_ids: Vec<String>,
    pub challenge: Option<String>,
    pub domain: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Each credential's verification at `created_at` (the re-check before signing), in `credential_ids` order.
    #[serde(skip)]
    pub reports: Vec<Report>,
}

impl Presentation {
    /// The file extension it is saved with.
    pub fn extension(&self) -> &'static str {
        match self.format {
            PresentFormat::Jwt => "jwt",
            _ => "json",
        }
    }

    /// The presentation as a JSON value, for the JSON-LD formats (QR codes take it).
    pub fn json(&self) -> Option<Value> {
        match self.format {
            PresentFormat::Jwt => None,
            _ => crate::json::parse_str(&self.text).ok(),
        }
    }
}

/// How something was shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareForm {
    /// Saved as a `.json` / `.jwt` file.
    File,
    /// Shown or saved as a QR code (compact JSON).
    QrJson,
    /// Shown or saved as a QR code in the compressed VPQR form.
    QrVpqr,
    /// Saved as a printable page.
    Page,
    /// Sent to a verifier or issuer over the network (a VC-API exchange).
    Exchange,
}

/// One entry of the share log: what was shared, when, how, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRecord {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub forms: Vec<ShareForm>,
    pub format: PresentFormat,
    pub holder: String,
    pub domain: Option<String>,
    pub challenge: Option<String>,
    /// The presentation's own id.
    pub presentation_id: String,
    /// (stored id, name as shown) of each credential shared.
    pub credentials: Vec<(String, Option<String>)>,
}

fn usable(what: &'static str, v: &Option<String>) -> Result<(), PresentError> {
    let Some(s) = v else { return Ok(()) };
    let reason = if s.trim().is_empty() {
        Some("it is empty".to_owned())
    } else if s.chars().count() > MAX_CHALLENGE_CHARS {
        Some(format!("it is longer than {MAX_CHALLENGE_CHARS} characters"))
    } else if s.chars().any(char::is_control) {
        Some("it contains control characters".to_owned())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(PresentError::BadRequest { what, reason }),
        None => Ok(()),
    }
}

/// Checks a request's shape (before any credential is read).
pub(crate) fn check_request(req: &PresentRequest) -> Result<(), PresentError> {
    if req.credential_ids.is_empty() {
        return Err(PresentError::NothingSelected);
    }
    if req.credential_ids.len() > MAX_CREDENTIALS {
        return Err(PresentError::TooMany {
            count: req.credential_ids.len(),
            max: MAX_CREDENTIALS,
        });
    }
    let mut seen = std::collections::HashSet::new();
    for id in &req.credential_ids {
        if !seen.insert(id) {
            return Err(PresentError::Duplicate { id: id.clone() });
        }
    }
    usable("challenge", &req.challenge)?;
    usable("domain", &req.domain)
}

/// How a stored credential goes into a presentation.
#[derive(Debug, Clone)]
pub(crate) enum Embedded {
    /// A JSON-LD credential, verbatim, and its VC data model version.
    JsonLd(Value, u8),
    /// A compact JWT (or SD-JWT) credential.
    Jwt(String),
}

/// How a stored credential can be embedded, or why it cannot.
pub(crate) fn embeddable(c: &StoredCredential) -> Result<Embedded, String> {
    let format = c.meta.as_ref().map(|m| m.format.as_str()).unwrap_or("");
    let text = std::str::from_utf8(&c.raw)
        .map_err(|_| "its stored bytes are not text".to_owned())?
        .trim();
    match format {
        "ob2-signed" | "ob2-hosted" => Err(
            "it is an Open Badges 2.0 assertion, not a W3C verifiable credential: share its file instead"
                .into(),
        ),
        _ if text.starts_with('{') => {
            let doc = crate::json::parse_str(text).map_err(|e| e.to_string())?;
            if !crate::verify::types_of(&doc)
                .iter()
                .any(|t| t == "VerifiableCredential")
            {
                return Err("it is not a W3C verifiable credential".into());
            }
            let version = match crate::verify::context_urls_first(&doc) {
                Some("https://www.w3.org/2018/credentials/v1") => 1,
                _ => 2,
            };
            Ok(Embedded::JsonLd(doc, version))
        }
        _ if text.split('~').next().is_some_and(|j| j.split('.').count() == 3) => {
            Ok(Embedded::Jwt(text.to_owned()))
        }
        _ => Err("Carnet cannot read it as a credential".into()),
    }
}

/// What the preview says about one stored credential, from its fresh verification report.
pub(crate) fn disclosure(
    c: &StoredCredential,
    report: Option<&Report>,
    embedded: Option<&Embedded>,
    holder_dids: &[&str],
) -> Disclosure {
    let meta = c.meta.as_ref();
    let info = report
        .and_then(|r| r.credential.clone())
        .or_else(|| meta.map(|m| m.info.clone()));
    let verdict = report.map(|r| r.verdict).unwrap_or(Verdict::Error);
    let reason = report.and_then(|r| {
        r.deciding_check().map(crate::verify::Check::summary).or_else(|| {
            let warnings: Vec<String> = r.warnings().map(crate::verify::Check::summary).collect();
            (!warnings.is_empty()).then(|| format!("not fully checked — {}", warnings.join("; ")))
        })
    });
    Disclosure {
        id: c.id.clone(),
        name: info.as_ref().and_then(|i| i.name.clone()),
        issuer: info.as_ref().and_then(|i| i.issuer.clone()),
        issuer_name: info.as_ref().and_then(|i| i.issuer_name.clone()),
        issuer_identity: report
            .and_then(|r| r.issuer_identity.clone())
            .or_else(|| meta.and_then(|m| m.issuer_identity.clone())),
        subject: info.as_ref().and_then(|i| i.subject.clone()),
        subject_is_holder: info
            .as_ref()
            .and_then(|i| i.subject.as_deref())
            .map(|s| holder_dids.contains(&s)),
        has_picture: report
            .and_then(|r| r.document.as_ref())
            .map(|d| crate::picture::named(d) != crate::picture::Named::Nothing)
            .unwrap_or(false),
        picture_source: meta.and_then(|m| m.image.as_ref().and(m.image_source)),
        format: report
            .map(|r| r.format.to_owned())
            .or_else(|| meta.map(|m| m.format.clone()))
            .unwrap_or_default(),
        vc_version: match embedded {
            Some(Embedded::JsonLd(_, v)) => Some(*v),
            _ => None,
        },
        verdict,
        fully_verified: report.is_some_and(Report::fully_verified),
        reason,
        not_presentable: None,
    }
}

/// The presentation document (unsigned) for `format`.
pub(crate) fn document(
    format: PresentFormat,
    id: &str,
    holder: &str,
    credentials: &[(String, Embedded)],
) -> Result<Value, PresentError> {
    let mut items = Vec::new();
    for (name, e) in credentials {
        items.push(match (format, e) {
            (PresentFormat::Legacy2020, Embedded::JsonLd(doc, 1)) => doc.clone(),
            (PresentFormat::Legacy2020, Embedded::JsonLd(..)) => {
                return Err(PresentError::WrongFormat {
                    format: "VC 1.1",
                    name: name.clone(),
                    reason: "it is a VC 2.0 credential".into(),
                })
            }
            (PresentFormat::Legacy2020, Embedded::Jwt(_)) => {
                return Err(PresentError::WrongFormat {
                    format: "VC 1.1",
                    name: name.clone(),
                    reason: "it is a JWT credential".into(),
                })
            }
            (_, Embedded::JsonLd(doc, _)) => doc.clone(),
            (PresentFormat::Jwt, Embedded::Jwt(jwt)) => Value::String(jwt.clone()),
            (PresentFormat::DataIntegrity, Embedded::Jwt(jwt)) => {
                let media = if jwt.contains('~') {
                    "application/vc+sd-jwt"
                } else {
                    "application/vc+jwt"
                };
                json!({
                    "@context": "https://www.w3.org/ns/credentials/v2",
                    "id": format!("data:{media},{jwt}"),
                    "type": "EnvelopedVerifiableCredential",
                })
            }
        });
    }
    let context = match format {
        PresentFormat::Legacy2020 => json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1"
        ]),
        _ => json!(["https://www.w3.org/ns/credentials/v2"]),
    };
    Ok(json!({
        "@context": context,
        "id": id,
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": items,
    }))
}

/// Sign the presentation document with the holder's key.
pub(crate) async fn sign(
    format: PresentFormat,
    doc: &Value,
    key: &SecretKey,
    holder: &str,
    challenge: Option<&str>,
    domain: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, PresentError> {
    let vm = format!("{holder}#{}", holder.trim_start_matches("did:key:"));
    let opts = ProofOptions {
        verification_method: &vm,
        purpose: "authentication",
        created: now,
        challenge,
        domain,
    };
    match format {
        PresentFormat::DataIntegrity => {
            let signed = sign::data_integrity(doc, key, &opts).await?;
            serde_json::to_string_pretty(&signed).map_err(|e| SignError::Encode(e.to_string()).into())
        }
        PresentFormat::Legacy2020 => {
            let signed = sign::ed25519_signature_2020(doc, key, &opts).await?;
            serde_json::to_string_pretty(&signed).map_err(|e| SignError::Encode(e.to_string()).into())
        }
        PresentFormat::Jwt => Ok(sign::vp_jwt(doc, key, &vm, challenge, domain, now)?),
    }
}

/// A new random id for a presentation (`urn:uuid:` form, version 4).
pub(crate) fn new_id() -> Result<String, PresentError> {
    let hex = crate::secret::random_id().map_err(|e| PresentError::Random(e.to_string()))?;
    Ok(format!(
        "urn:uuid:{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    ))
}

/// Append a record to the share log (the encrypted store's `shares` tree; carried by backups).
pub(crate) fn log(store: &Store, record: &ShareRecord) -> Result<(), StoreError> {
    store.write_batch(&[BatchWrite::put(
        trees::SHARES,
        record.id.as_bytes().to_vec(),
        record,
    )?])
}

/// The share log, most recent first.
pub(crate) fn history(store: &Store) -> Result<Vec<ShareRecord>, StoreError> {
    let mut all: Vec<ShareRecord> = store.all(trees::SHARES)?.into_iter().map(|(_, r)| r).collect();
    all.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_anything_is_read() {
        let req = |ids: &[&str], challenge: Option<&str>| PresentRequest {
            credential_ids: ids.iter().map(|s| s.to_string()).collect(),
            profile_id: None,
            challenge: challenge.map(str::to_owned),
            domain: None,
            format: PresentFormat::DataIntegrity,
        };
        assert!(matches!(
            check_request(&req(&[], None)),
            Err(PresentError::NothingSelected)
        ));
        assert!(matches!(
            check_request(&req(&["a", "a"], None)),
            Err(PresentError::Duplicate { .. })
        ));
        assert!(matches!(
            check_request(&req(&["a"], Some(" "))),
            Err(PresentError::BadRequest { .. })
        ));
        assert!(matches!(
            check_request(&req(&["a"], Some("line\nbreak"))),
            Err(PresentError::BadRequest { .. })
        ));
        let many: Vec<String> = (0..=MAX_CREDENTIALS).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(matches!(
            check_request(&req(&many, None)),
            Err(PresentError::TooMany { .. })
        ));
        assert!(check_request(&req(&["a", "b"], Some("nonce-123"))).is_ok());
    }

    #[test]
    fn presentation_ids_are_uuid_urns() {
        let id = new_id().unwrap();
        assert!(id.starts_with("urn:uuid:") && id.len() == 45, "{id}");
        assert_ne!(id, new_id().unwrap());
    }
}
