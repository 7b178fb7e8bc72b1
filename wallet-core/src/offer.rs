//! Receiving credentials from issuers: OpenID4VCI 1.0 offers (tolerating draft 13) with the pre-authorized code
//! flow, and VC-API exchanges (what the Learner Credential Wallet speaks), from the links and QR codes issuers hand
//! out.
//!
//! Two steps, so that nothing is sent without the learner's yes:
//! 1. [`inspect`] reads the link ([`parse_link`]), fetches the offer when it is given by reference and the issuer's
//!    (and its authorization server's) metadata, and returns a [`PendingOffer`]: an [`OfferSummary`] — who offers
//!    what, to which profile, and whether a transaction code is needed — which is plain data for a consent screen,
//!    and what the next step needs, kept out of sight (the pre-authorized code is never printed, serialized or
//!    shown in `Debug`). The token endpoint is not touched; a VC-API exchange is not contacted at all.
//! 2. [`receive`] runs the protocol (token, nonce, key proof signed by the profile's key, credential requests in
//!    the issuer's dialect; or the exchange's DID authentication) and returns the credentials' exact bytes.
//!    [`check`] then verifies every one of them and refuses the whole offer when any does not verify or is not
//!    issued to the DID that proved possession; the wallet stores them in one batch (`Wallet::accept_offer`).
//!
//! Every request goes through [`Net`] made with [`Net::for_issuers`]: https, public addresses (an issuer on this
//! computer only when the learner allowed it), size caps, timeouts, no redirect after a POST. Protocol errors become
//! [`OfferError`] variants in plain words with stable codes.
//!
//! The authorization-code flow slots in at [`Grant`]: an authorization URL with PKCE (S256) opened in the system
//! browser by the interface, a loopback redirect caught by the interface, then the same token request with another
//! grant; everything after the token is shared.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::keys::SecretKey;
use crate::net::{Body, Net, NetError, Response};
use crate::verify::{Report, Verdict};

/// The longest offer link (or pasted text) read.
pub const MAX_LINK_BYTES: usize = 64 * 1024;
/// The largest credential offer object (by value or by reference).
pub const MAX_OFFER_BYTES: usize = 64 * 1024;
/// The most credentials one offer may carry.
pub const MAX_CREDENTIALS: usize = 20;
/// The most request/answer rounds of a VC-API exchange.
pub const MAX_EXCHANGE_ROUNDS: usize = 10;
/// The formats Carnet receives.
pub const FORMATS: [&str; 3] = ["jwt_vc_json", "jwt_vc_json-ld", "ldp_vc"];

const PRE_AUTHORIZED: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// Why an offer could not be inspected or received. Whenever receiving fails, nothing was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfferError {
    /// The link or the offer is not one Carnet can read.
    #[error("this is not a credential offer Carnet can read: {reason}")]
    Malformed { reason: String },
    /// The link, the offer or an answer is larger than Carnet reads.
    #[error("the {what} is larger than Carnet reads ({limit} bytes)")]
    TooLarge { what: &'static str, limit: usize },
    /// The issuer is on this computer and the learner has not allowed issuers on this computer.
    #[error("the issuer {host} is on this computer; allow issuers on this computer (for testing) to receive from it")]
    LocalIssuerNotAllowed { host: String },
    /// The issuer's address is not one Carnet connects to (plain http, a private network address…).
    #[error("Carnet does not connect to {host}: {reason}")]
    Refused { host: String, reason: String },
    /// No answer from the issuer (down, offline, timed out).
    #[error("the issuer {host} could not be reached: {reason}")]
    Unreachable { host: String, reason: String },
    /// The issuer's metadata does not speak for the issuer the offer names.
    #[error("the issuer's description does not match the offer: {reason}")]
    MetadataMismatch { reason: String },
    /// The issuer's metadata is missing something the protocol needs.
    #[error("the issuer's description is incomplete: {reason}")]
    BadMetadata { reason: String },
    /// None of the offered credentials comes in a format Carnet receives, or the issuer refused the one asked for.
    #[error("Carnet cannot receive {what}: {reason}")]
    UnsupportedFormat { what: String, reason: String },
    /// The offer needs a way of issuing Carnet does not have yet (sign-in at the issuer, deferred issuance…).
    #[error("this offer needs something Carnet does not support yet: {reason}")]
    Unsupported { reason: String },
    /// The offer needs a transaction code and none was given.
    #[error("this offer needs the transaction code the issuer gave you{}", hint(.description))]
    TxCodeRequired { description: Option<String> },
    /// The transaction code given does not have the form the issuer announced.
    #[error("the transaction code does not have the expected form: {reason}")]
    TxCodeFormat { reason: String },
    /// The issuer says the transaction code is wrong (`invalid_grant`, or `invalid_tx_code`).
    #[error("the issuer says the transaction code is wrong; check it and try again (nothing was stored)")]
    WrongTxCode,
    /// The offer's code was already used, has expired, or is unknown to the issuer (`invalid_grant`).
    #[error("this offer was already used or has expired; ask the issuer for a new one (nothing was stored)")]
    CodeUsedOrExpired,
    /// The issuer kept refusing the proof's nonce, even a fresh one (`invalid_nonce`, or `invalid_proof` with a new
    /// `c_nonce` twice).
    #[error("the issuer refused the proof of possession as out of date, twice; try again later (nothing was stored)")]
    StaleNonce,
    /// The issuer refused the proof of possession of the profile's key (`invalid_proof`).
    #[error("the issuer refused the proof that you hold this profile's key: {reason} (nothing was stored)")]
    ProofRefused { reason: String },
    /// The issuer refused the access it had granted (`invalid_token`: expired or altered).
    #[error("the issuer refused the access it had granted (expired or altered); ask for a new offer (nothing was stored)")]
    TokenRefused,
    /// Any other error the issuer answered with.
    #[error("the issuer {host} answered with an error: {reason} (nothing was stored)")]
    IssuerError { host: String, reason: String },
    /// A credential received is issued to someone else than the profile that proved possession.
    #[error(
        "\"{name}\" is not issued to this profile ({holder}) but to {subject}: refused, nothing was stored"
    )]
    NotBound {
        name: String,
        subject: String,
        holder: String,
    },
    /// A credential received does not verify.
    #[error("\"{name}\" does not verify ({verdict}): {reason}; nothing was stored")]
    DoesNotVerify {
        name: String,
        verdict: &'static str,
        reason: String,
    },
    /// The issuer finished without issuing anything.
    #[error("the issuer issued no credential")]
    NothingIssued,
    /// A VC-API exchange went on for more than [`MAX_EXCHANGE_ROUNDS`] rounds.
    #[error("the exchange went on for more than {MAX_EXCHANGE_ROUNDS} rounds; stopped (nothing was stored)")]
    TooManyRounds,
    /// Carnet could not sign the proof or the presentation.
    #[error("the proof could not be signed: {0}")]
    Sign(String),
}

fn hint(description: &Option<String>) -> String {
    match description {
        Some(d) => format!(" ({d})"),
        None => String::new(),
    }
}

impl OfferError {
    /// Stable code for interfaces.
    pub fn code(&self) -> &'static str {
        match self {
            OfferError::Malformed { .. } => "offer.malformed",
            OfferError::TooLarge { .. } => "offer.too_large",
            OfferError::LocalIssuerNotAllowed { .. } => "offer.local_issuer_not_allowed",
            OfferError::Refused { .. } => "offer.refused",
            OfferError::Unreachable { .. } => "offer.unreachable",
            OfferError::MetadataMismatch { .. } => "offer.metadata_mismatch",
            OfferError::BadMetadata { .. } => "offer.bad_metadata",
            OfferError::UnsupportedFormat { .. } => "offer.unsupported_format",
            OfferError::Unsupported { .. } => "offer.unsupported",
            OfferError::TxCodeRequired { .. } => "offer.tx_code_required",
            OfferError::TxCodeFormat { .. } => "offer.tx_code_format",
            OfferError::WrongTxCode => "offer.wrong_tx_code",
            OfferError::CodeUsedOrExpired => "offer.code_used_or_expired",
            OfferError::StaleNonce => "offer.stale_nonce",
            OfferError::ProofRefused { .. } => "offer.proof_refused",
            OfferError::TokenRefused => "offer.token_refused",
            OfferError::IssuerError { .. } => "offer.issuer_error",
            OfferError::NotBound { .. } => "offer.not_bound",
            OfferError::DoesNotVerify { .. } => "offer.does_not_verify",
            OfferError::NothingIssued => "offer.nothing_issued",
            OfferError::TooManyRounds => "offer.too_many_rounds",
            OfferError::Sign(_) => "offer.sign_failed",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Public data: the summary, the result

/// Which protocol an offer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// OpenID for Verifiable Credential Issuance (pre-authorized code).
    Openid4vci,
    /// A VC-API exchange (DID authentication, then the credentials).
    VcApi,
}

/// Which edition of OpenID4VCI the requests follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dialect {
    /// 1.0 final: nonce endpoint, `credential_configuration_id` + `proofs`, `credentials: [..]`.
    #[serde(rename = "1.0")]
    V1,
    /// Draft 13: `c_nonce` from the token and credential responses, `format` + `credential_definition` + `proof`.
    #[serde(rename = "draft-13")]
    Draft13,
}

/// How the learner types a transaction code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxInputMode {
    Numeric,
    Text,
}

/// A transaction code the issuer sent the learner separately (by email, on screen), needed to accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxCodeSpec {
    pub input_mode: TxInputMode,
    /// How many characters, when the issuer says.
    pub length: Option<u32>,
    /// The issuer's hint on where to find it (at most 300 characters, control characters removed).
    pub description: Option<String>,
}

/// One credential an offer holds, as the issuer's metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedCredential {
    /// The issuer's credential configuration id.
    pub id: String,
    /// Its display name in the learner's language when offered.
    pub name: Option<String>,
    pub description: Option<String>,
    /// `jwt_vc_json`, `jwt_vc_json-ld`, `ldp_vc`, or another format Carnet does not receive.
    pub format: Option<String>,
    /// Why Carnet cannot receive it, when it cannot (it is then skipped; the others are received).
    pub unsupported: Option<String>,
}

/// The profile that will receive the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub profile_id: String,
    pub profile_name: String,
    /// The DID that proves possession and to which every credential must be issued (the profile's did:key).
    pub did: String,
}

/// What the learner consents to: plain data, nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferSummary {
    pub protocol: Protocol,
    /// The issuer's identifier (`credential_issuer`), or the exchange's origin.
    pub issuer: String,
    /// The domain (host, and port when not the default) that will be contacted and issues.
    pub issuer_domain: String,
    /// The issuer is on this computer (allowed by the learner's setting).
    pub local_issuer: bool,
    /// The name the issuer gives itself (its metadata, in the learner's language when offered): self-asserted.
    pub issuer_name: Option<String>,
    /// The issuer's logo as a `data:` URI (fetched through `net` and sniffed as an image), or none.
    pub issuer_logo: Option<String>,
    pub issuer_logo_alt: Option<String>,
    /// The credentials offered. Empty for a VC-API exchange: the issuer says what it issues only after the DID
    /// authentication.
    pub credentials: Vec<OfferedCredential>,
    pub recipient: Recipient,
    /// The transaction code to ask for, when one is needed.
    pub tx_code: Option<TxCodeSpec>,
    /// The offer was fetched from the issuer (`credential_offer_uri`) rather than carried in the link.
    pub by_reference: bool,
    /// The OpenID4VCI edition the requests will follow.
    pub dialect: Option<Dialect>,
    /// For a VC-API link: the origin it says the request comes from (`credentialRequestOrigin`), unverified.
    pub request_origin: Option<String>,
}

/// A secret the protocol needs (a pre-authorized code, an access token): zeroized on drop, never in `Debug`.
#[derive(Clone)]
struct Secret(Zeroizing<String>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

impl Secret {
    fn new(s: &str) -> Self {
        Secret(Zeroizing::new(s.to_owned()))
    }
    fn get(&self) -> &str {
        self.0.as_str()
    }
}

/// How a token is obtained. The authorization-code flow (PKCE S256 through the system browser and a loopback
/// redirect) becomes a second variant: its token request is another form POST to the same endpoint.
#[derive(Debug, Clone)]
enum Grant {
    PreAuthorized { code: Secret },
}

/// One offered credential configuration, as the requests need it.
#[derive(Debug, Clone)]
struct Configuration {
    id: String,
    format: String,
    /// `credential_definition` (for draft-13 requests).
    definition: Option<Value>,
}

/// What accepting an OpenID4VCI offer needs.
#[derive(Debug, Clone)]
struct Oid4vci {
    issuer: String,
    grant: Grant,
    token_endpoint: String,
    credential_endpoint: String,
    nonce_endpoint: Option<String>,
    configurations: Vec<Configuration>,
    dialect: Dialect,
}

#[derive(Debug, Clone)]
enum State {
    Oid4vci(Box<Oid4vci>),
    VcApi { exchange_url: String },
}

/// An inspected offer: the summary to show, and what accepting it needs (not shown, not serialized).
#[derive(Clone)]
pub struct PendingOffer {
    pub summary: OfferSummary,
    state: State,
}

impl std::fmt::Debug for PendingOffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingOffer")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// What inspecting an offer may choose.
#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// The receiving profile (the default profile when `None`).
    pub profile_id: Option<String>,
    /// The learner's language (`fr`, `en-CA`…) for the issuer's display names.
    pub language: Option<String>,
    /// Force an OpenID4VCI edition (`None`: 1.0 when the metadata shows 1.0 features — a nonce endpoint or
    /// `credential_metadata` — else draft 13).
    pub dialect: Option<Dialect>,
}

/// What accepting an offer stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferResult {
    pub issuer: String,
    pub profile_id: String,
    /// One item per credential received (imported, or already in the wallet), each with its stored id and
    /// verdict. Durable when returned.
    pub items: Vec<crate::importer::Item>,
    /// Offered credentials Carnet skipped (a format it does not receive), with the reason.
    pub skipped: Vec<OfferedCredential>,
}

/// A credential as received: its exact bytes, and a label for messages.
#[derive(Debug, Clone)]
pub struct Received {
    pub bytes: Vec<u8>,
    pub label: String,
}

// ---------------------------------------------------------------------------------------------------------------
// Links

/// What a link asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// An OpenID4VCI offer carried in the link.
    OfferByValue(Value),
    /// An OpenID4VCI offer to fetch from this URL.
    OfferByReference(String),
    /// A VC-API exchange to run at this URL; `origin` is the `credentialRequestOrigin` the link claims.
    Exchange { url: String, origin: Option<String> },
}

fn malformed(reason: impl Into<String>) -> OfferError {
    OfferError::Malformed {
        reason: reason.into(),
    }
}

/// The one value of query parameter `name` (two of them is an error).
fn single(url: &url::Url, name: &str) -> Result<Option<String>, OfferError> {
    let mut values = url
        .query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    let first = values.next();
    if values.next().is_some() {
        return Err(malformed(format!("the link has the parameter {name} twice")));
    }
    Ok(first)
}

/// Reads an offer link: `openid-credential-offer://?credential_offer=…` (by value) or `?credential_offer_uri=…`
/// (by reference), the same parameters on an `https://` or `haip://` address, `dccrequest://request?request=…` (and
/// `org.dcconsortium://`, and the legacy `?vc_request_url=…` form), or a bare VC-API exchange URL.
pub fn parse_link(text: &str) -> Result<Link, OfferError> {
    let text = text.trim();
    if text.len() > MAX_LINK_BYTES {
        return Err(OfferError::TooLarge {
            what: "link",
            limit: MAX_LINK_BYTES,
        });
    }
    if text.is_empty() {
        return Err(malformed("the link is empty"));
    }
    let url = url::Url::parse(text).map_err(|e| malformed(format!("not a link ({e})")))?;
    match url.scheme() {
        "openid-credential-offer" | "haip" | "http" | "https" => {
            let by_value = single(&url, "credential_offer")?;
            let by_reference = single(&url, "credential_offer_uri")?;
            match (by_value, by_reference) {
                (Some(_), Some(_)) => Err(malformed(
                    "the link has both credential_offer and credential_offer_uri",
                )),
                (Some(json), None) => Ok(Link::OfferByValue(offer_json(json.as_bytes())?)),
                (None, Some(uri)) => {
                    let parsed = url::Url::parse(&uri)
                        .map_err(|e| malformed(format!("credential_offer_uri is not an address ({e})")))?;
                    if !matches!(parsed.scheme(), "https" | "http") {
                        return Err(malformed("credential_offer_uri is not a web address"));
                    }
                    Ok(Link::OfferByReference(uri))
                }
                (None, None) if matches!(url.scheme(), "http" | "https") => Ok(Link::Exchange {
                    url: url.to_string(),
                    origin: None,
                }),
                (None, None) => Err(malformed(
                    "the offer link has neither credential_offer nor credential_offer_uri",
                )),
            }
        }
        "dccrequest" | "org.dcconsortium" => {
            if let Some(request) = single(&url, "request")? {
                let req = crate::json::parse_str(&request)
                    .map_err(|e| malformed(format!("the request is not JSON ({e})")))?;
                let exchange = req
                    .pointer("/protocols/vcapi")
                    .and_then(Value::as_str)
                    .ok_or_else(|| malformed("the request names no VC-API exchange (protocols.vcapi)"))?;
                let origin = req
                    .get("credentialRequestOrigin")
                    .and_then(Value::as_str)
                    .map(clean);
                return Ok(Link::Exchange {
                    url: web_url(exchange)?,
                    origin,
                });
            }
            if let Some(exchange) = single(&url, "vc_request_url")? {
                let origin = single(&url, "issuer")?.map(|s| clean(&s));
                return Ok(Link::Exchange {
                    url: web_url(&exchange)?,
                    origin,
                });
            }
            Err(malformed(
                "the request link has neither request nor vc_request_url",
            ))
        }
        other => Err(malformed(format!("links of the kind {other}: are not offers"))),
    }
}

fn web_url(s: &str) -> Result<String, OfferError> {
    let u = url::Url::parse(s).map_err(|e| malformed(format!("the exchange is not an address ({e})")))?;
    if !matches!(u.scheme(), "https" | "http") {
        return Err(malformed("the exchange is not a web address"));
    }
    Ok(u.to_string())
}

/// Display text from outside: control characters removed, at most 300 characters.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect::<String>()
        .trim()
        .to_owned()
}

fn offer_json(bytes: &[u8]) -> Result<Value, OfferError> {
    if bytes.len() > MAX_OFFER_BYTES {
        return Err(OfferError::TooLarge {
            what: "offer",
            limit: MAX_OFFER_BYTES,
        });
    }
    let v = crate::json::parse_slice(bytes).map_err(|e| malformed(format!("the offer is not JSON ({e})")))?;
    if !v.is_object() {
        return Err(malformed("the offer is not a JSON object"));
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------------------------
// Network errors in the learner's words

/// `host[:port]` of a URL (never its path or query, which may hold a code).
pub fn domain_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => String::new(),
        },
        Err(_) => String::new(),
    }
}

fn is_local(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v| v.is_loopback()),
        None => false,
    }
}

/// A reason from `net` with every URL in it cut down to its origin (paths and queries may carry codes).
fn scrub(reason: &str) -> String {
    reason
        .split(' ')
        .map(|w| {
            let trimmed = w.trim_matches(|c: char| "()[],;\"'".contains(c));
            match url::Url::parse(trimmed) {
                Ok(u) if u.has_host() => w.replace(trimmed, &u.origin().ascii_serialization()),
                _ => w.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn net_error(e: NetError) -> OfferError {
    match e {
        NetError::Refused { url, reason } if reason.starts_with(crate::net::POST_REDIRECT_REFUSED) => {
            OfferError::IssuerError {
                host: domain_of(&url),
                reason,
            }
        }
        NetError::Refused { url, reason } => {
            if is_local(&url) || reason.contains("loopback") {
                OfferError::LocalIssuerNotAllowed {
                    host: domain_of(&url),
                }
            } else {
                OfferError::Refused {
                    host: domain_of(&url),
                    reason: scrub(&reason),
                }
            }
        }
        NetError::Offline { url } => OfferError::Unreachable {
            host: domain_of(&url),
            reason: "Carnet is offline".into(),
        },
        NetError::Status { url, status } => OfferError::IssuerError {
            host: domain_of(&url),
            reason: format!("HTTP {status}"),
        },
        NetError::TooLarge { limit, .. } => OfferError::TooLarge {
            what: "issuer's answer",
            limit,
        },
        NetError::Transport { url, reason } => OfferError::Unreachable {
            host: domain_of(&url),
            reason: scrub(&reason),
        },
    }
}

/// Refuse `url` before any connection when the policy would (so nothing is contacted for a refused offer).
fn allowed(net: &Net, url: &str) -> Result<(), OfferError> {
    match net.refusal(url) {
        None => Ok(()),
        Some(reason) => Err(net_error(NetError::Refused {
            url: url.to_owned(),
            reason,
        })),
    }
}

/// An OAuth-style error answer: `error`, `error_description` (cleaned), `c_nonce`.
#[derive(Debug, Default)]
struct ProtocolError {
    status: u16,
    error: Option<String>,
    description: Option<String>,
    c_nonce: Option<String>,
}

impl ProtocolError {
    fn of(r: &Response) -> Self {
        let v = crate::json::parse_slice(&r.body).ok();
        let s = |k: &str| {
            v.as_ref()
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        ProtocolError {
            status: r.status,
            error: s("error").map(|e| clean(&e)),
            description: s("error_description").or_else(|| s("message")).map(|d| clean(&d)),
            c_nonce: s("c_nonce"),
        }
    }

    fn is(&self, code: &str) -> bool {
        self.error.as_deref() == Some(code)
    }

    fn mentions(&self, word: &str) -> bool {
        self.description
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains(word))
    }

    fn text(&self) -> String {
        match (&self.error, &self.description) {
            (Some(e), Some(d)) => format!("{e}: {d} (HTTP {})", self.status),
            (Some(e), None) => format!("{e} (HTTP {})", self.status),
            (None, Some(d)) => format!("{d} (HTTP {})", self.status),
            (None, None) => format!("HTTP {}", self.status),
        }
    }

    fn issuer_error(&self, url: &str) -> OfferError {
        OfferError::IssuerError {
            host: domain_of(url),
            reason: self.text(),
        }
    }
}

/// A JSON object from a successful answer.
fn json_body(r: &Response, url: &str, what: &str) -> Result<Value, OfferError> {
    let v = crate::json::parse_slice(&r.body).map_err(|e| OfferError::IssuerError {
        host: domain_of(url),
        reason: format!("its {what} is not JSON ({e})"),
    })?;
    if !v.is_object() {
        return Err(OfferError::IssuerError {
            host: domain_of(url),
            reason: format!("its {what} is not a JSON object"),
        });
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------------------------
// Inspect

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// The issuer identifier must be an absolute web address with no query or fragment.
fn issuer_identifier(s: &str) -> Result<url::Url, OfferError> {
    let u =
        url::Url::parse(s).map_err(|e| malformed(format!("credential_issuer is not an address ({e})")))?;
    if !matches!(u.scheme(), "https" | "http") || u.query().is_some() || u.fragment().is_some() {
        return Err(malformed(
            "credential_issuer must be a web address with no query or fragment",
        ));
    }
    Ok(u)
}

/// `https://host/.well-known/<name><path>` (the well-known segment between host and path), and the appended form
/// `https://host/path/.well-known/<name>` some draft-13 issuers use, when the identifier has a path.
fn well_known(identifier: &url::Url, name: &str) -> Vec<String> {
    let origin = identifier.origin().ascii_serialization();
    let path = identifier.path().trim_end_matches('/');
    let mut out = vec![format!("{origin}/.well-known/{name}{path}")];
    if !path.is_empty() {
        out.push(format!("{origin}{path}/.well-known/{name}"));
    }
    out
}

/// GET a metadata document from the first of `urls` that answers 200, served from the identifier's own origin.
async fn metadata(net: &Net, identifier: &str, urls: &[String]) -> Result<Option<Value>, OfferError> {
    for url in urls {
        let r = net.fetch_fresh(url).await.map_err(net_error)?;
        if r.status == 404 {
            continue;
        }
        if !r.is_success() {
            return Err(ProtocolError::of(&r).issuer_error(url));
        }
        if !crate::net::same_origin(&r.final_url, identifier) {
            return Err(OfferError::MetadataMismatch {
                reason: format!(
                    "the description of {identifier} was served by {}",
                    domain_of(&r.final_url)
                ),
            });
        }
        return json_body(&r, url, "metadata").map(Some);
    }
    Ok(None)
}

/// The `display` entry for `language`: same tag, then same primary language, then none given, then English, then
/// the first.
fn pick_display<'a>(display: Option<&'a Value>, language: Option<&str>) -> Option<&'a Value> {
    let items: Vec<&Value> = match display? {
        Value::Array(items) => items.iter().filter(|i| i.is_object()).collect(),
        o @ Value::Object(_) => vec![o],
        _ => return None,
    };
    let locale = |i: &Value| str_field(i, "locale").map(str::to_ascii_lowercase);
    let primary = |t: &str| t.split(['-', '_']).next().unwrap_or("").to_owned();
    if let Some(lang) = language.map(str::to_ascii_lowercase) {
        let lang = lang.replace('_', "-");
        if let Some(i) = items.iter().find(|i| locale(i).as_deref() == Some(lang.as_str())) {
            return Some(i);
        }
        if let Some(i) = items
            .iter()
            .find(|i| locale(i).is_some_and(|l| primary(&l) == primary(&lang)))
        {
            return Some(i);
        }
    }
    items
        .iter()
        .find(|i| locale(i).is_none())
        .or_else(|| {
            items
                .iter()
                .find(|i| locale(i).is_some_and(|l| primary(&l) == "en"))
        })
        .or_else(|| items.first())
        .copied()
}

/// The issuer's logo as a sniffed `data:` image: a `data:` URI decoded and re-encoded, or an address fetched
/// through `net`. Anything else, or any failure: no logo.
async fn logo(net: &Net, display: Option<&Value>) -> (Option<String>, Option<String>) {
    let Some(logo) = display.and_then(|d| d.get("logo")) else {
        return (None, None);
    };
    let alt = str_field(logo, "alt_text").map(clean);
    let Some(uri) = str_field(logo, "uri").or_else(|| str_field(logo, "url")) else {
        return (None, alt);
    };
    let image = if let Some(rest) = uri.strip_prefix("data:") {
        use base64::Engine;
        rest.split_once(";base64,")
            .and_then(|(_, b64)| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
            .and_then(|bytes| crate::picture::data_uri(&bytes))
    } else if uri.starts_with("https://") || uri.starts_with("http://") {
        crate::picture::fetch(uri, net, &crate::net::MemoryCache::new()).await
    } else {
        None
    };
    (image, alt)
}

/// The transaction code an offer's pre-authorized grant asks for (an object, even `{}`, means "ask"; draft 11/12's
/// `user_pin_required: true` too).
fn tx_code_spec(grant: &Value) -> Option<TxCodeSpec> {
    match grant.get("tx_code") {
        Some(t @ Value::Object(_)) => Some(TxCodeSpec {
            input_mode: match str_field(t, "input_mode") {
                Some("text") => TxInputMode::Text,
                _ => TxInputMode::Numeric,
            },
            length: t
                .get("length")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=300).contains(n)),
            description: str_field(t, "description").map(clean).filter(|d| !d.is_empty()),
        }),
        _ if grant.get("user_pin_required").and_then(Value::as_bool) == Some(true) => Some(TxCodeSpec {
            input_mode: TxInputMode::Numeric,
            length: None,
            description: None,
        }),
        _ => None,
    }
}

/// Why Carnet cannot receive a credential configuration, if it cannot.
fn unsupported(cfg: &Value) -> Option<String> {
    let format = str_field(cfg, "format").unwrap_or("");
    if !FORMATS.contains(&format) {
        return Some(if format.is_empty() {
            "the issuer does not say its format".to_owned()
        } else {
            format!(
                "its format {format} is not one Carnet receives ({})",
                FORMATS.join(", ")
            )
        });
    }
    if let Some(Value::Array(methods)) = cfg.get("cryptographic_binding_methods_supported") {
        let ok = methods
            .iter()
            .filter_map(Value::as_str)
            .any(|m| matches!(m, "did:key" | "did" | "DID" | "did:*"));
        if !ok {
            return Some(
                "the issuer binds it to keys Carnet does not use (it proves possession with did:key)".into(),
            );
        }
    }
    if let Some(types) = cfg.get("proof_types_supported").and_then(Value::as_object) {
        let Some(jwt) = types.get("jwt") else {
            return Some("the issuer accepts no JWT proof of possession".into());
        };
        if let Some(Value::Array(algs)) = jwt.get("proof_signing_alg_values_supported") {
            if !algs
                .iter()
                .filter_map(Value::as_str)
                .any(|a| a == "EdDSA" || a == "Ed25519")
            {
                return Some("the issuer does not accept Ed25519 (EdDSA) proofs".into());
            }
        }
    }
    None
}

/// The display name and description of a configuration (1.0: `credential_metadata.display`; draft 13: `display`).
fn config_display(cfg: &Value, language: Option<&str>) -> (Option<String>, Option<String>) {
    let display = cfg
        .pointer("/credential_metadata/display")
        .or_else(|| cfg.get("display"));
    let d = pick_display(display, language);
    let name = d.and_then(|d| str_field(d, "name")).map(clean).or_else(|| {
        cfg.pointer("/credential_definition/type")
            .and_then(Value::as_array)
            .and_then(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .rfind(|t| *t != "VerifiableCredential")
            })
            .map(clean)
    });
    (name, d.and_then(|d| str_field(d, "description")).map(clean))
}

/// Reads the link, fetches what the consent screen needs (the offer by reference; issuer and authorization-server
/// metadata; the logo), never the token endpoint, and nothing at all for a VC-API exchange.
pub async fn inspect(
    link: &str,
    recipient: Recipient,
    options: &InspectOptions,
    net: &Net,
) -> Result<PendingOffer, OfferError> {
    let (offer, by_reference) = match parse_link(link)? {
        Link::Exchange { url, origin } => {
            allowed(net, &url)?;
            let origin_of_exchange = url::Url::parse(&url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            return Ok(PendingOffer {
                summary: OfferSummary {
                    protocol: Protocol::VcApi,
                    issuer: origin_of_exchange,
                    issuer_domain: domain_of(&url),
                    local_issuer: is_local(&url),
                    issuer_name: None,
                    issuer_logo: None,
                    issuer_logo_alt: None,
                    credentials: Vec::new(),
                    recipient,
                    tx_code: None,
                    by_reference: false,
                    dialect: None,
                    request_origin: origin,
                },
                state: State::VcApi { exchange_url: url },
            });
        }
        Link::OfferByValue(v) => (v, false),
        Link::OfferByReference(uri) => {
            allowed(net, &uri)?;
            let r = net.fetch_fresh(&uri).await.map_err(net_error)?;
            if !r.is_success() {
                return Err(ProtocolError::of(&r).issuer_error(&uri));
            }
            (offer_json(&r.body)?, true)
        }
    };
    if offer.get("credentials").is_some() && offer.get("credential_configuration_ids").is_none() {
        return Err(OfferError::Unsupported {
            reason: "the offer follows an old draft of OpenID4VCI (draft 11)".into(),
        });
    }
    let issuer = str_field(&offer, "credential_issuer")
        .ok_or_else(|| malformed("the offer names no credential_issuer"))?
        .to_owned();
    let identifier = issuer_identifier(&issuer)?;
    allowed(net, &issuer)?;
    let ids: Vec<String> = match offer.get("credential_configuration_ids") {
        Some(Value::Array(ids)) if !ids.is_empty() => ids
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| malformed("credential_configuration_ids holds something other than names"))?,
        _ => {
            return Err(malformed(
                "the offer lists no credential (credential_configuration_ids)",
            ))
        }
    };
    if ids.len() > MAX_CREDENTIALS {
        return Err(malformed(format!(
            "the offer lists {} credentials, more than Carnet takes at once ({MAX_CREDENTIALS})",
            ids.len()
        )));
    }
    if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        return Err(malformed("the offer lists a credential twice"));
    }
    let grants = offer.get("grants").cloned().unwrap_or(Value::Null);
    let Some(grant) = grants.get(PRE_AUTHORIZED) else {
        return Err(OfferError::Unsupported {
            reason: if grants.get("authorization_code").is_some() {
                "signing in at the issuer (the authorization code flow)".into()
            } else {
                "the offer grants no pre-authorized code".into()
            },
        });
    };
    let code = str_field(grant, "pre-authorized_code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| malformed("the offer's pre-authorized grant has no code"))?;
    let tx_code = tx_code_spec(grant);

    // The issuer's description: its identifier must be the offer's, exactly.
    let meta = metadata(net, &issuer, &well_known(&identifier, "openid-credential-issuer"))
        .await?
        .ok_or_else(|| OfferError::BadMetadata {
            reason: format!("{} publishes no OpenID4VCI issuer metadata", domain_of(&issuer)),
        })?;
    let named = str_field(&meta, "credential_issuer").unwrap_or("");
    if named != issuer {
        return Err(OfferError::MetadataMismatch {
            reason: format!(
                "the offer names the issuer {issuer}, its metadata {}",
                if named.is_empty() { "none" } else { named }
            ),
        });
    }
    let endpoint = |k: &str| -> Result<Option<String>, OfferError> {
        match meta.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let u = url::Url::parse(s).map_err(|_| OfferError::BadMetadata {
                    reason: format!("{k} is not an address"),
                })?;
                if !matches!(u.scheme(), "https" | "http") {
                    return Err(OfferError::BadMetadata {
                        reason: format!("{k} is not a web address"),
                    });
                }
                Ok(Some(s.clone()))
            }
            Some(_) => Err(OfferError::BadMetadata {
                reason: format!("{k} is not an address"),
            }),
        }
    };
    let credential_endpoint = endpoint("credential_endpoint")?.ok_or_else(|| OfferError::BadMetadata {
        reason: "no credential_endpoint".into(),
    })?;
    let nonce_endpoint = endpoint("nonce_endpoint")?;
    let legacy_token_endpoint = endpoint("token_endpoint")?;
    let configs = meta
        .get("credential_configurations_supported")
        .and_then(Value::as_object)
        .ok_or_else(|| OfferError::BadMetadata {
            reason: "no credential_configurations_supported".into(),
        })?;

    // The authorization server: the grant's hint when the metadata lists it, else the first listed, else the
    // issuer itself.
    let servers: Vec<&str> = meta
        .get("authorization_servers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let hinted = str_field(grant, "authorization_server").filter(|h| servers.contains(h));
    let server = hinted.or(servers.first().copied()).unwrap_or(&issuer).to_owned();
    let server_id = issuer_identifier(&server).map_err(|_| OfferError::BadMetadata {
        reason: "an authorization server is not a web address".into(),
    })?;
    allowed(net, &server)?;
    let mut as_urls = well_known(&server_id, "oauth-authorization-server");
    as_urls.extend(well_known(&server_id, "openid-configuration"));
    let token_endpoint = match metadata(net, &server, &as_urls).await? {
        Some(as_meta) => {
            let named = str_field(&as_meta, "issuer").unwrap_or("");
            if named != server {
                return Err(OfferError::MetadataMismatch {
                    reason: format!("the authorization server {server} describes itself as {named}"),
                });
            }
            str_field(&as_meta, "token_endpoint").map(str::to_owned)
        }
        None => None,
    }
    .or(legacy_token_endpoint)
    .ok_or_else(|| OfferError::BadMetadata {
        reason: "no token endpoint".into(),
    })?;
    allowed(net, &token_endpoint)?;
    allowed(net, &credential_endpoint)?;

    let language = options.language.as_deref();
    let mut credentials = Vec::new();
    let mut configurations = Vec::new();
    for id in &ids {
        let cfg = configs.get(id).ok_or_else(|| OfferError::BadMetadata {
            reason: format!(
                "the offer names the credential {id}, which the issuer's metadata does not describe"
            ),
        })?;
        let (name, description) = config_display(cfg, language);
        let why = unsupported(cfg);
        if why.is_none() {
            configurations.push(Configuration {
                id: id.clone(),
                format: str_field(cfg, "format").unwrap_or("").to_owned(),
                definition: cfg.get("credential_definition").cloned(),
            });
        }
        credentials.push(OfferedCredential {
            id: id.clone(),
            name,
            description,
            format: str_field(cfg, "format").map(clean),
            unsupported: why,
        });
    }
    if configurations.is_empty() {
        let what: Vec<String> = credentials
            .iter()
            .map(|c| c.name.clone().unwrap_or_else(|| c.id.clone()))
            .collect();
        return Err(OfferError::UnsupportedFormat {
            what: what.join(", "),
            reason: credentials
                .first()
                .and_then(|c| c.unsupported.clone())
                .unwrap_or_default(),
        });
    }
    let dialect = options.dialect.unwrap_or_else(|| {
        if nonce_endpoint.is_some() || configs.values().any(|c| c.get("credential_metadata").is_some()) {
            Dialect::V1
        } else {
            Dialect::Draft13
        }
    });
    let display = pick_display(meta.get("display"), language);
    let (issuer_logo, issuer_logo_alt) = logo(net, display).await;
    Ok(PendingOffer {
        summary: OfferSummary {
            protocol: Protocol::Openid4vci,
            issuer: issuer.clone(),
            issuer_domain: domain_of(&issuer),
            local_issuer: is_local(&issuer),
            issuer_name: display.and_then(|d| str_field(d, "name")).map(clean),
            issuer_logo,
            issuer_logo_alt,
            credentials,
            recipient,
            tx_code,
            by_reference,
            dialect: Some(dialect),
            request_origin: None,
        },
        state: State::Oid4vci(Box::new(Oid4vci {
            issuer,
            grant: Grant::PreAuthorized {
                code: Secret::new(code),
            },
            token_endpoint,
            credential_endpoint,
            nonce_endpoint,
            configurations,
            dialect,
        })),
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Receive

/// The profile key and DID that prove possession.
pub struct Holder<'a> {
    pub key: &'a SecretKey,
    /// The profile's did:key.
    pub did: &'a str,
}

impl Holder<'_> {
    fn kid(&self) -> String {
        format!("{}#{}", self.did, self.did.trim_start_matches("did:key:"))
    }
}

/// Checks a transaction code against what the offer announced (before anything is sent).
fn check_tx_code(spec: &TxCodeSpec, code: &str) -> Result<(), OfferError> {
    let n = code.chars().count();
    if code.is_empty() || n > 300 || code.chars().any(char::is_control) {
        return Err(OfferError::TxCodeFormat {
            reason: "it is empty, too long or has control characters".into(),
        });
    }
    if spec.input_mode == TxInputMode::Numeric && !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(OfferError::TxCodeFormat {
            reason: "the issuer says it is made of digits only".into(),
        });
    }
    if let Some(len) = spec.length {
        if n != len as usize {
            return Err(OfferError::TxCodeFormat {
                reason: format!("the issuer says it has {len} characters"),
            });
        }
    }
    Ok(())
}

/// Runs the protocol and returns the credentials' exact bytes. Nothing is stored here.
pub async fn receive(
    offer: &PendingOffer,
    holder: &Holder<'_>,
    tx_code: Option<&str>,
    now: OffsetDateTime,
    net: &Net,
) -> Result<Vec<Received>, OfferError> {
    let received = match &offer.state {
        State::Oid4vci(state) => {
            let tx = match (&offer.summary.tx_code, tx_code.map(str::trim)) {
                (Some(spec), Some(code)) => {
                    check_tx_code(spec, code)?;
                    Some(Zeroizing::new(code.to_owned()))
                }
                (Some(spec), None) => {
                    return Err(OfferError::TxCodeRequired {
                        description: spec.description.clone(),
                    })
                }
                // Not asked for: not sent (the issuer would refuse it).
                (None, _) => None,
            };
            oid4vci(
                state,
                &offer.summary,
                holder,
                tx.as_ref().map(|t| t.as_str()),
                now,
                net,
            )
            .await?
        }
        State::VcApi { exchange_url } => exchange(exchange_url, holder, now, net).await?,
    };
    if received.is_empty() {
        return Err(OfferError::NothingIssued);
    }
    Ok(received)
}

/// What the token endpoint granted.
struct Token {
    access: Secret,
    c_nonce: Option<String>,
}

async fn token(state: &Oid4vci, tx_code: Option<&str>, net: &Net) -> Result<Token, OfferError> {
    let Grant::PreAuthorized { code } = &state.grant;
    let mut form: Vec<(&str, &str)> = vec![
        ("grant_type", PRE_AUTHORIZED),
        ("pre-authorized_code", code.get()),
    ];
    if let Some(tx) = tx_code {
        form.push(("tx_code", tx));
    }
    let url = &state.token_endpoint;
    let r = net.post(url, Body::Form(&form), None).await.map_err(net_error)?;
    if !r.is_success() {
        let e = ProtocolError::of(&r);
        // invalid_grant covers a wrong transaction code and a used, expired or unknown code alike; the issuer's
        // description tells them apart when it can, and a code that was sent is otherwise the likelier culprit.
        if e.is("invalid_tx_code") {
            return Err(OfferError::WrongTxCode);
        }
        if e.is("invalid_grant") {
            let gone = [
                "used",
                "expired",
                "unknown",
                "invalidated",
                "redeemed",
                "not found",
            ]
            .iter()
            .any(|w| e.mentions(w));
            return Err(if !gone && tx_code.is_some() {
                OfferError::WrongTxCode
            } else {
                OfferError::CodeUsedOrExpired
            });
        }
        return Err(e.issuer_error(url));
    }
    let v = json_body(&r, url, "token answer")?;
    let access = str_field(&v, "access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OfferError::IssuerError {
            host: domain_of(url),
            reason: "its token answer has no access_token".into(),
        })?;
    match str_field(&v, "token_type")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("bearer") => {}
        Some(other) => {
            return Err(OfferError::Unsupported {
                reason: format!("access tokens of the type {}", clean(other)),
            })
        }
    }
    Ok(Token {
        access: Secret::new(access),
        c_nonce: str_field(&v, "c_nonce").map(str::to_owned),
    })
}

async fn fresh_nonce(url: &str, net: &Net) -> Result<String, OfferError> {
    let r = net.post(url, Body::Empty, None).await.map_err(net_error)?;
    if !r.is_success() {
        return Err(ProtocolError::of(&r).issuer_error(url));
    }
    let v = json_body(&r, url, "nonce answer")?;
    str_field(&v, "c_nonce")
        .map(str::to_owned)
        .ok_or_else(|| OfferError::IssuerError {
            host: domain_of(url),
            reason: "its nonce answer has no c_nonce".into(),
        })
}

#[derive(Deserialize)]
struct RawItem<'a> {
    #[serde(borrow)]
    credential: &'a RawValue,
}

#[derive(Deserialize)]
struct RawCredentialAnswer<'a> {
    #[serde(borrow, default)]
    credential: Option<&'a RawValue>,
    #[serde(borrow, default)]
    credentials: Option<Vec<RawItem<'a>>>,
}

/// The exact bytes of one credential as it appears in an answer: a JWT string's text, or a JSON object's text
/// verbatim.
fn credential_bytes(raw: &RawValue) -> Option<Vec<u8>> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).ok().map(String::into_bytes)
    } else if text.starts_with('{') {
        Some(text.as_bytes().to_vec())
    } else {
        None
    }
}

async fn oid4vci(
    state: &Oid4vci,
    summary: &OfferSummary,
    holder: &Holder<'_>,
    tx_code: Option<&str>,
    now: OffsetDateTime,
    net: &Net,
) -> Result<Vec<Received>, OfferError> {
    let token = token(state, tx_code, net).await?;
    let mut carried = token.c_nonce.clone();
    let url = &state.credential_endpoint;
    let kid = holder.kid();
    let mut out = Vec::new();
    for cfg in &state.configurations {
        let label = summary
            .credentials
            .iter()
            .find(|c| c.id == cfg.id)
            .and_then(|c| c.name.clone())
            .unwrap_or_else(|| cfg.id.clone());
        let mut retried = false;
        let mut from_error: Option<String> = None;
        loop {
            // The nonce: one the issuer just handed over (an error's fresh c_nonce), else 1.0's nonce endpoint,
            // else draft 13's latest c_nonce.
            let nonce = match (from_error.take(), &state.nonce_endpoint, state.dialect) {
                (Some(n), _, _) => Some(n),
                (None, Some(endpoint), Dialect::V1) => Some(fresh_nonce(endpoint, net).await?),
                (None, Some(endpoint), Dialect::Draft13) => match carried.take() {
                    Some(n) => Some(n),
                    None => Some(fresh_nonce(endpoint, net).await?),
                },
                (None, None, _) => carried.take(),
            };
            let proof = crate::sign::openid4vci_proof(holder.key, &kid, &state.issuer, nonce.as_deref(), now)
                .map_err(|e| OfferError::Sign(e.to_string()))?;
            let body = match state.dialect {
                Dialect::V1 => json!({
                    "credential_configuration_id": cfg.id,
                    "proofs": {"jwt": [proof]},
                }),
                Dialect::Draft13 => {
                    let mut b = json!({
                        "format": cfg.format,
                        "proof": {"proof_type": "jwt", "jwt": proof},
                    });
                    if let (Some(def), Some(map)) = (&cfg.definition, b.as_object_mut()) {
                        map.insert("credential_definition".into(), def.clone());
                    }
                    b
                }
            };
            let r = net
                .post(url, Body::Json(&body), Some(token.access.get()))
                .await
                .map_err(net_error)?;
            if r.is_success() {
                if r.status == 202 {
                    return Err(OfferError::Unsupported {
                        reason: "issuing later (deferred issuance)".into(),
                    });
                }
                let v = json_body(&r, url, "credential answer")?;
                if v.get("c_nonce").is_some() {
                    carried = str_field(&v, "c_nonce").map(str::to_owned);
                }
                let raw: RawCredentialAnswer<'_> =
                    serde_json::from_slice(&r.body).map_err(|e| OfferError::IssuerError {
                        host: domain_of(url),
                        reason: format!("its credential answer cannot be read ({e})"),
                    })?;
                let mut items: Vec<&RawValue> = raw.credential.into_iter().collect();
                items.extend(
                    raw.credentials
                        .unwrap_or_default()
                        .into_iter()
                        .map(|i| i.credential),
                );
                if items.is_empty() {
                    return Err(if v.get("transaction_id").is_some() {
                        OfferError::Unsupported {
                            reason: "issuing later (deferred issuance)".into(),
                        }
                    } else {
                        OfferError::IssuerError {
                            host: domain_of(url),
                            reason: "its credential answer holds no credential".into(),
                        }
                    });
                }
                for item in items {
                    let bytes = credential_bytes(item).ok_or_else(|| OfferError::IssuerError {
                        host: domain_of(url),
                        reason: "a credential it sent is neither a JWT nor a JSON object".into(),
                    })?;
                    if out.len() >= MAX_CREDENTIALS {
                        return Err(OfferError::TooLarge {
                            what: "number of credentials",
                            limit: MAX_CREDENTIALS,
                        });
                    }
                    out.push(Received {
                        bytes,
                        label: label.clone(),
                    });
                }
                break;
            }
            let e = ProtocolError::of(&r);
            let nonce_problem = e.is("invalid_nonce") || (e.is("invalid_proof") && e.c_nonce.is_some());
            if nonce_problem && !retried {
                // Retry once with a fresh nonce: the error's own, else a new one from the nonce endpoint.
                retried = true;
                from_error = e.c_nonce.clone();
                continue;
            }
            return Err(match () {
                _ if r.status == 401 || e.is("invalid_token") => OfferError::TokenRefused,
                _ if e.is("invalid_nonce") || (e.is("invalid_proof") && e.mentions("nonce")) => {
                    OfferError::StaleNonce
                }
                _ if e.is("invalid_proof") => OfferError::ProofRefused { reason: e.text() },
                _ if [
                    "unknown_credential_configuration",
                    "unsupported_credential_format",
                    "unsupported_credential_type",
                    "unknown_credential_identifier",
                ]
                .iter()
                .any(|c| e.is(c)) =>
                {
                    OfferError::UnsupportedFormat {
                        what: label.clone(),
                        reason: format!("the issuer refused to issue it in that form ({})", e.text()),
                    }
                }
                _ => e.issuer_error(url),
            });
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct RawVp<'a> {
    #[serde(borrow, default, rename = "verifiableCredential")]
    credentials: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawExchangeAnswer<'a> {
    #[serde(borrow, default, rename = "verifiablePresentation")]
    presentation: Option<RawVp<'a>>,
}

/// The credentials in an exchange answer's `verifiablePresentation`, as exact bytes.
fn exchange_credentials(body: &[u8], url: &str) -> Result<Vec<Vec<u8>>, OfferError> {
    let bad = |why: String| OfferError::IssuerError {
        host: domain_of(url),
        reason: why,
    };
    let raw: RawExchangeAnswer<'_> =
        serde_json::from_slice(body).map_err(|e| bad(format!("its answer cannot be read ({e})")))?;
    let Some(list) = raw.presentation.and_then(|p| p.credentials) else {
        return Ok(Vec::new());
    };
    let items: Vec<&RawValue> = if list.get().trim_start().starts_with('[') {
        serde_json::from_str(list.get()).map_err(|e| bad(format!("its credentials cannot be read ({e})")))?
    } else {
        vec![list]
    };
    items
        .into_iter()
        .map(|i| {
            credential_bytes(i)
                .ok_or_else(|| bad("a credential it sent is neither a JWT nor a JSON object".into()))
        })
        .collect()
}

/// Where the answer to a presentation request goes: its `interact` service, when it is on the exchange's own
/// origin (the DID is shown to no one else), else the exchange URL itself.
fn reply_to(vpr: &Value, exchange: &str) -> Result<String, OfferError> {
    let service = vpr
        .pointer("/interact/service")
        .and_then(Value::as_array)
        .and_then(|s| s.iter().find_map(|s| str_field(s, "serviceEndpoint")));
    match service {
        None => Ok(exchange.to_owned()),
        Some(s) if crate::net::same_origin(s, exchange) => Ok(s.to_owned()),
        Some(s) => Err(OfferError::Unsupported {
            reason: format!(
                "the exchange asks to answer at another site ({}) than its own",
                domain_of(s)
            ),
        }),
    }
}

/// The presentation format a request accepts: Carnet's default (VC 2.0, eddsa-rdfc-2022) unless the request
/// accepts only Ed25519Signature2020 (VC 1.1, what the Learner Credential Wallet signs).
fn suite_for(query: &Value) -> Result<crate::present::PresentFormat, OfferError> {
    use crate::present::PresentFormat;
    let Some(Value::Array(suites)) = query.get("acceptedCryptosuites") else {
        return Ok(PresentFormat::DataIntegrity);
    };
    let names: Vec<&str> = suites
        .iter()
        .filter_map(|s| s.as_str().or_else(|| str_field(s, "cryptosuite")))
        .collect();
    if names.is_empty() || names.contains(&"eddsa-rdfc-2022") {
        Ok(PresentFormat::DataIntegrity)
    } else if names.contains(&"Ed25519Signature2020") {
        Ok(PresentFormat::Legacy2020)
    } else {
        Err(OfferError::Unsupported {
            reason: format!("signing with {}", names.join(", ")),
        })
    }
}

async fn exchange(
    exchange_url: &str,
    holder: &Holder<'_>,
    now: OffsetDateTime,
    net: &Net,
) -> Result<Vec<Received>, OfferError> {
    let mut url = exchange_url.to_owned();
    let mut body = json!({});
    let mut out = Vec::new();
    for round in 0..=MAX_EXCHANGE_ROUNDS {
        let r = net.post(&url, Body::Json(&body), None).await.map_err(net_error)?;
        if !r.is_success() {
            return Err(ProtocolError::of(&r).issuer_error(&url));
        }
        if r.body.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        let v = json_body(&r, &url, "answer")?;
        for bytes in exchange_credentials(&r.body, &url)? {
            if out.len() >= MAX_CREDENTIALS {
                return Err(OfferError::TooLarge {
                    what: "number of credentials",
                    limit: MAX_CREDENTIALS,
                });
            }
            out.push(Received {
                bytes,
                label: format!("credential {} from {}", out.len() + 1, domain_of(exchange_url)),
            });
        }
        let Some(vpr) = v.get("verifiablePresentationRequest") else {
            break;
        };
        if round == MAX_EXCHANGE_ROUNDS {
            return Err(OfferError::TooManyRounds);
        }
        let queries: Vec<&Value> = match vpr.get("query") {
            Some(Value::Array(q)) => q.iter().collect(),
            Some(q @ Value::Object(_)) => vec![q],
            _ => Vec::new(),
        };
        let mut format = crate::present::PresentFormat::DataIntegrity;
        for q in &queries {
            match str_field(q, "type") {
                Some("DIDAuthentication" | "DIDAuth") => format = suite_for(q)?,
                other => {
                    return Err(OfferError::Unsupported {
                        reason: format!(
                            "the exchange asks for {} (Carnet answers DID authentication only)",
                            clean(other.unwrap_or("something unnamed"))
                        ),
                    })
                }
            }
        }
        if queries.is_empty() {
            return Err(OfferError::Unsupported {
                reason: "the exchange's request asks for nothing Carnet understands".into(),
            });
        }
        let challenge = str_field(vpr, "challenge").map(str::to_owned);
        let domain = str_field(vpr, "domain").map(str::to_owned);
        let check = crate::present::PresentRequest {
            credential_ids: vec!["-".into()],
            profile_id: None,
            challenge: challenge.clone(),
            domain: domain.clone(),
            format,
        };
        crate::present::check_request(&check).map_err(|e| OfferError::IssuerError {
            host: domain_of(&url),
            reason: e.to_string(),
        })?;
        let id = crate::present::new_id().map_err(|e| OfferError::Sign(e.to_string()))?;
        let doc = crate::present::document(format, &id, holder.did, &[])
            .map_err(|e| OfferError::Sign(e.to_string()))?;
        let signed = crate::present::sign(
            format,
            &doc,
            holder.key,
            holder.did,
            challenge.as_deref(),
            domain.as_deref(),
            now,
        )
        .await
        .map_err(|e| OfferError::Sign(e.to_string()))?;
        let vp = crate::json::parse_str(&signed).map_err(|e| OfferError::Sign(e.to_string()))?;
        let next = reply_to(vpr, exchange_url)?;
        allowed(net, &next)?;
        url = next;
        body = json!({ "verifiablePresentation": vp });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// Check

/// The DID a subject id names (a DID URL's fragment dropped).
fn did_of(id: &str) -> &str {
    id.split('#').next().unwrap_or(id)
}

/// Verifies every received credential and refuses the whole offer when any does not verify or is not issued to
/// `holder_did`. Returns the reports to store (a presentation's own report is never stored).
pub async fn check(
    received: &[Received],
    net: &Net,
    cache: &dyn crate::net::FetchCache,
    options: &crate::verify::Options,
    holder_did: &str,
) -> Result<Vec<Report>, OfferError> {
    let mut keep = Vec::new();
    for r in received {
        let reports = crate::verify::verify_bytes(&r.bytes, net, cache, options).await;
        let name = |rep: &Report| {
            rep.credential
                .as_ref()
                .and_then(|c| c.name.clone())
                .unwrap_or_else(|| r.label.clone())
        };
        let Some(first) = reports.first() else {
            return Err(OfferError::DoesNotVerify {
                name: r.label.clone(),
                verdict: Verdict::Error.as_str(),
                reason: "Carnet found no credential in it".into(),
            });
        };
        if first.kind == "presentation" || first.kind == "assertion" {
            return Err(OfferError::DoesNotVerify {
                name: name(first),
                verdict: first.verdict.as_str(),
                reason: format!(
                    "the issuer sent a {}, not a W3C verifiable credential",
                    first.kind
                ),
            });
        }
        for rep in &reports {
            if rep.verdict != Verdict::Valid {
                return Err(OfferError::DoesNotVerify {
                    name: name(rep),
                    verdict: rep.verdict.as_str(),
                    reason: rep
                        .deciding_check()
                        .map(crate::verify::Check::summary)
                        .unwrap_or_else(|| "no reason given".into()),
                });
            }
        }
        let subject = first.credential.as_ref().and_then(|c| c.subject.as_deref());
        if subject.map(did_of) != Some(holder_did) {
            return Err(OfferError::NotBound {
                name: name(first),
                subject: subject.map_or_else(|| "no one (no subject id)".to_owned(), str::to_owned),
                holder: holder_did.to_owned(),
            });
        }
        keep.extend(reports.into_iter().filter(|rep| rep.kind != "presentation"));
    }
    Ok(keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }

    #[test]
    fn offer_links_by_value_and_by_reference() {
        let offer = r#"{"credential_issuer":"https://issuer.example","credential_configuration_ids":["a"],"grants":{}}"#;
        for prefix in [
            "openid-credential-offer://",
            "openid-credential-offer://offer",
            "https://wallet.example/offer",
        ] {
            let link = format!("{prefix}?credential_offer={}", enc(offer));
            match parse_link(&link).unwrap() {
                Link::OfferByValue(v) => assert_eq!(v["credential_issuer"], "https://issuer.example"),
                other => panic!("{prefix}: {other:?}"),
            }
        }
        let link = format!(
            "openid-credential-offer://?credential_offer_uri={}",
            enc("https://issuer.example/o/1")
        );
        assert_eq!(
            parse_link(&link).unwrap(),
            Link::OfferByReference("https://issuer.example/o/1".into())
        );
        for bad in [
            "",
            "mailto:x@example.org",
            "openid-credential-offer://?nothing=1",
            "openid-credential-offer://?credential_offer=not-json",
            "openid-credential-offer://?credential_offer=%5B%5D",
            "openid-credential-offer://?credential_offer_uri=file%3A%2F%2F%2Fetc%2Fpasswd",
        ] {
            assert_eq!(parse_link(bad).unwrap_err().code(), "offer.malformed", "{bad}");
        }
        let both = format!(
            "openid-credential-offer://?credential_offer={}&credential_offer_uri=https%3A%2F%2Fa.example",
            enc(offer)
        );
        assert_eq!(parse_link(&both).unwrap_err().code(), "offer.malformed");
        let twice = format!(
            "openid-credential-offer://?credential_offer={0}&credential_offer={0}",
            enc(offer)
        );
        assert_eq!(parse_link(&twice).unwrap_err().code(), "offer.malformed");
        let dup = format!(
            "openid-credential-offer://?credential_offer={}",
            enc(r#"{"credential_issuer":"https://a.example","credential_issuer":"https://b.example"}"#)
        );
        assert_eq!(parse_link(&dup).unwrap_err().code(), "offer.malformed");
        let huge = format!(
            "openid-credential-offer://?credential_offer={}",
            "a".repeat(MAX_LINK_BYTES)
        );
        assert_eq!(parse_link(&huge).unwrap_err().code(), "offer.too_large");
    }

    #[test]
    fn exchange_links_current_legacy_and_bare() {
        let req = r#"{"credentialRequestOrigin":"https://college.example","protocols":{"vcapi":"https://college.example/exchanges/1"}}"#;
        for scheme in ["dccrequest", "org.dcconsortium"] {
            let link = format!("{scheme}://request?request={}", enc(req));
            assert_eq!(
                parse_link(&link).unwrap(),
                Link::Exchange {
                    url: "https://college.example/exchanges/1".into(),
                    origin: Some("https://college.example".into())
                }
            );
        }
        let legacy = "dccrequest://request?issuer=https%3A%2F%2Fcollege.example&auth_type=bearer&challenge=c&vc_request_url=https%3A%2F%2Fcollege.example%2Fexchanges%2F2";
        assert_eq!(
            parse_link(legacy).unwrap(),
            Link::Exchange {
                url: "https://college.example/exchanges/2".into(),
                origin: Some("https://college.example".into())
            }
        );
        assert_eq!(
            parse_link("https://college.example/exchanges/3").unwrap(),
            Link::Exchange {
                url: "https://college.example/exchanges/3".into(),
                origin: None
            }
        );
        assert_eq!(
            parse_link("dccrequest://request?request=%7B%7D")
                .unwrap_err()
                .code(),
            "offer.malformed"
        );
        assert_eq!(
            parse_link("dccrequest://request?vc_request_url=javascript%3Aalert(1)")
                .unwrap_err()
                .code(),
            "offer.malformed"
        );
    }

    #[test]
    fn display_in_the_learners_language() {
        let d = json!([
            {"name": "College", "locale": "en-US"},
            {"name": "Cégep", "locale": "fr-CA"},
            {"name": "Neutral"}
        ]);
        let name = |l: Option<&str>| {
            pick_display(Some(&d), l)
                .and_then(|d| str_field(d, "name"))
                .map(str::to_owned)
        };
        assert_eq!(name(Some("fr-CA")).as_deref(), Some("Cégep"));
        assert_eq!(name(Some("fr")).as_deref(), Some("Cégep"));
        assert_eq!(name(Some("fr_FR")).as_deref(), Some("Cégep"));
        assert_eq!(name(Some("en")).as_deref(), Some("College"));
        assert_eq!(name(Some("de")).as_deref(), Some("Neutral"));
        assert_eq!(name(None).as_deref(), Some("Neutral"));
        // The exact tag first, then the same language.
        let regional =
            json!([{"name": "Cégep (France)", "locale": "fr-FR"}, {"name": "Cégep", "locale": "fr-CA"}]);
        let pick = |l: &str| pick_display(Some(&regional), Some(l)).and_then(|d| str_field(d, "name"));
        assert_eq!(pick("fr-CA"), Some("Cégep"));
        assert_eq!(pick("fr-BE"), Some("Cégep (France)"));
        let only_en = json!([{"name": "College", "locale": "en"}, {"name": "Hochschule", "locale": "de"}]);
        assert_eq!(
            pick_display(Some(&only_en), Some("fr")).and_then(|d| str_field(d, "name")),
            Some("College")
        );
    }

    #[test]
    fn transaction_codes_are_checked_before_sending() {
        let spec = tx_code_spec(
            &json!({"tx_code": {"input_mode": "numeric", "length": 6, "description": "By\u{7}email"}}),
        )
        .unwrap();
        assert_eq!(spec.description.as_deref(), Some("Byemail"));
        assert!(check_tx_code(&spec, "123456").is_ok());
        for bad in ["12345", "1234567", "12345a", ""] {
            assert_eq!(
                check_tx_code(&spec, bad).unwrap_err().code(),
                "offer.tx_code_format",
                "{bad}"
            );
        }
        let any = tx_code_spec(&json!({"tx_code": {}})).unwrap();
        assert_eq!((any.input_mode, any.length), (TxInputMode::Numeric, None));
        assert!(tx_code_spec(&json!({"pre-authorized_code": "x"})).is_none());
        assert!(tx_code_spec(&json!({"user_pin_required": true})).is_some());
        let text = tx_code_spec(&json!({"tx_code": {"input_mode": "text"}})).unwrap();
        assert!(check_tx_code(&text, "abc-12").is_ok());
    }

    #[test]
    fn configurations_carnet_cannot_receive_say_why() {
        assert!(unsupported(&json!({"format": "ldp_vc"})).is_none());
        assert!(unsupported(
            &json!({"format": "jwt_vc_json", "cryptographic_binding_methods_supported": ["did:key", "jwk"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}}})
        )
        .is_none());
        assert!(unsupported(&json!({"format": "vc+sd-jwt"}))
            .unwrap()
            .contains("vc+sd-jwt"));
        assert!(unsupported(
            &json!({"format": "ldp_vc", "cryptographic_binding_methods_supported": ["jwk"]})
        )
        .is_some());
        assert!(unsupported(&json!({"format": "ldp_vc",
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}}))
        .is_some());
    }

    #[test]
    fn network_errors_name_the_host_never_the_path() {
        let e = net_error(NetError::Transport {
            url: "https://issuer.example/offers/secret-code".into(),
            reason: "error sending request for url (https://issuer.example/offers/secret-code): connection refused"
                .into(),
        });
        let text = e.to_string();
        assert!(!text.contains("secret-code"), "{text}");
        assert!(text.contains("issuer.example"), "{text}");
        let local = net_error(NetError::Refused {
            url: "http://127.0.0.1:8787/x".into(),
            reason: "only https is fetched".into(),
        });
        assert_eq!(local.code(), "offer.local_issuer_not_allowed");
        let lan = net_error(NetError::Refused {
            url: "https://192.168.1.4/x".into(),
            reason: "192.168.1.4 is a private address (192.168.0.0/16)".into(),
        });
        assert_eq!(lan.code(), "offer.refused");
    }

    #[test]
    fn well_known_addresses() {
        let plain = url::Url::parse("https://issuer.example").unwrap();
        assert_eq!(
            well_known(&plain, "openid-credential-issuer"),
            vec!["https://issuer.example/.well-known/openid-credential-issuer"]
        );
        let path = url::Url::parse("https://issuer.example/tenant/1").unwrap();
        assert_eq!(
            well_known(&path, "openid-credential-issuer"),
            vec![
                "https://issuer.example/.well-known/openid-credential-issuer/tenant/1",
                "https://issuer.example/tenant/1/.well-known/openid-credential-issuer"
            ]
        );
    }

    #[test]
    fn pending_offers_never_show_their_code() {
        let s = Secret::new("pre-auth-1234");
        assert_eq!(format!("{s:?}"), "[secret]");
    }
}
