//! Verification: given any bytes a learner may hold, one report per credential found (a CLR or a presentation
//! yields several), each a list of named checks and a verdict. Bad input is a report, never an `Err`.
//!
//! Check ids and outcomes are a fixed vocabulary (documented in docs/verify.md) that the CLI's JSON exposes.

mod jwt;
mod keys;
mod ob2;
mod proof;
mod schema;
mod status;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::import::{self, Container, Limits, Payload};
use crate::net::{FetchCache, Net};
use proof::ProofOutcome;

pub use keys::{multikey, ResolvedKey};

/// What an eddsa-rdfc-2022 / Ed25519Signature2020 signature covers: sha256 of the canonical proof configuration
/// (the proof without its value, with the document's `@context`) ‖ sha256 of the canonical document without proof.
pub async fn data_integrity_signing_input(
    unsecured: &Value,
    proof_config: &Value,
) -> Result<Vec<u8>, crate::ld::LdError> {
    let mut config = proof_config.clone();
    if let (Some(map), Some(ctx)) = (config.as_object_mut(), unsecured.get("@context")) {
        map.insert("@context".into(), ctx.clone());
    }
    proof::hash_data(unsecured, &config).await
}

/// The checks, in the order they run (Open Badges 3.0 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// Is this a credential (or presentation) Carnet can read at all.
    Format,
    /// JSON Schema when `credentialSchema` asks for a bundled one; the Open Badges required fields.
    Schema,
    /// The cryptographic proof (Data Integrity, JWT, OB 2.0 JWS, or the issuer's host for hosted OB 2.0).
    Proof,
    /// The signing key belongs to the stated issuer.
    IssuerBinding,
    /// Not before its start, not after its end.
    Dates,
    /// Revocation / suspension lists.
    Status,
    /// Endorsements carried by the credential, each verified like a credential.
    Endorsements,
    /// The recipient matches an identity the learner declared.
    Recipient,
    /// For presentations: the signer is the stated holder (and challenge/domain match).
    Holder,
}

impl CheckId {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Format => "format",
            CheckId::Schema => "schema",
            CheckId::Proof => "proof",
            CheckId::IssuerBinding => "issuer_binding",
            CheckId::Dates => "dates",
            CheckId::Status => "status",
            CheckId::Endorsements => "endorsements",
            CheckId::Recipient => "recipient",
            CheckId::Holder => "holder",
        }
    }
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    /// Not run, or could not run; the reason says which, and [`Check::warning`] tells them apart.
    Skipped,
}

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub id: CheckId,
    pub outcome: Outcome,
    pub reason: Option<String>,
    /// The check applies to this credential but could not run: offline and nothing cached, a status list that
    /// could not be read or trusted, a key only the credential asserts, a schema Carnet does not bundle. A `valid`
    /// verdict with such a check is valid as far as Carnet could see, not fully verified: show it as a warning.
    /// False for checks that do not apply (no status, no endorsements) or were not run because another failed.
    #[serde(default)]
    pub warning: bool,
    /// The reason's stable name (`dates.expired`) and its values, so an interface can say it in the learner's
    /// language; `reason` stays the English text (logs, the CLI, and any reason without a code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

impl Check {
    /// The same check, its reason named by `code` with `args` (see [`Check::code`]).
    fn coded(mut self, code: &str, args: &[&str]) -> Self {
        self.code = Some(code.to_owned());
        self.args = args.iter().map(|a| (*a).to_owned()).collect();
        self
    }
    fn passed(id: CheckId, reason: impl Into<String>) -> Self {
        Self {
            id,
            outcome: Outcome::Passed,
            reason: Some(reason.into()),
            warning: false,
            code: None,
            args: Vec::new(),
        }
    }
    fn failed(id: CheckId, reason: impl Into<String>) -> Self {
        Self {
            id,
            outcome: Outcome::Failed,
            reason: Some(reason.into()),
            warning: false,
            code: None,
            args: Vec::new(),
        }
    }
    /// Not run because it does not apply, or because another check already decided.
    fn skipped(id: CheckId, reason: impl Into<String>) -> Self {
        Self {
            id,
            outcome: Outcome::Skipped,
            reason: Some(reason.into()),
            warning: false,
            code: None,
            args: Vec::new(),
        }
    }
    /// Applies, but could not run (see [`Check::warning`]).
    fn unchecked(id: CheckId, reason: impl Into<String>) -> Self {
        Self {
            warning: true,
            ..Self::skipped(id, reason)
        }
    }

    /// `id: reason`, as reports and logs quote a check.
    pub fn summary(&self) -> String {
        format!("{}: {}", self.id.as_str(), self.reason.as_deref().unwrap_or(""))
    }
}

/// The verdict on one credential or presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Proof, issuer binding and dates passed (optional checks may be skipped: warnings).
    Valid,
    /// A required check could not run (offline, unresolvable key, unknown context).
    Indeterminate,
    /// Not a readable credential.
    Error,
    /// A check failed.
    Invalid,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Indeterminate => "indeterminate",
            Verdict::Error => "error",
        }
    }
}

/// What a credential says about itself (for display; unverified fields are as found).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub subject: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

/// The report on one credential or presentation found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// 0 for the first thing found in the input; a CLR's or presentation's credentials follow it.
    pub index: usize,
    /// How the input held it: `png`, `svg`, `json`, `jwt`, `url`.
    pub container: Option<&'static str>,
    /// `json-ld`, `vc-jwt`, `vp-json-ld`, `vp-jwt`, `ob2-signed`, `ob2-hosted`, or `unknown`.
    pub format: &'static str,
    /// `3.0.3`, `3.0.0`…, `2.0`, `clr-2.0`, or none (not an Open Badge).
    pub ob_version: Option<String>,
    /// `credential`, `endorsement`, `clr`, `presentation`, `assertion`.
    pub kind: &'static str,
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    pub credential: Option<CredentialInfo>,
    /// For a presentation's or CLR's credentials: the index of the report they came in.
    pub parent: Option<usize>,
    /// The credential as verified (JSON), for callers that keep it.
    #[serde(skip)]
    pub document: Option<Value>,
    /// The exact bytes that were signed (the JSON text as found, or the compact JWT; for a hosted OB 2.0 assertion,
    /// the issuer's copy as served), for callers that keep it.
    #[serde(skip)]
    pub raw: Option<Vec<u8>>,
    /// Who vouches for the issuer's self-asserted name (see [`IssuerIdentity`]); none for presentations and
    /// unreadable input.
    pub issuer_identity: Option<IssuerIdentity>,
}

/// Who vouches for an issuer's name, which the issuer writes itself: a web domain (`example.edu`, for a did:web or
/// an https issuer) — confirmed when the signing key was found in that domain's own document — or nobody but a
/// key (did:key, did:jwk: "self-named, key only").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssuerIdentity {
    /// The issuer is a web domain; `confirmed` when the credential's key is bound to it by the domain's document.
    Domain { domain: String, confirmed: bool },
    /// The issuer is only a key (`did:key`, `did:jwk`): its name is whatever the key holder wrote.
    KeyOnly { method: String },
    /// Another kind of identifier that nothing here vouches for (a `urn:`, an unsupported DID method).
    Unverified { id: String },
}

impl IssuerIdentity {
    /// The identity behind an issuer id, given whether the issuer binding check passed.
    pub fn of(issuer: &str, bound: bool) -> Self {
        if let Some(rest) = issuer.strip_prefix("did:web:") {
            let host = rest.split(':').next().unwrap_or("");
            // did:web encodes a port as %3A.
            let host = host.split("%3A").next().unwrap_or(host).to_ascii_lowercase();
            return IssuerIdentity::Domain {
                domain: host,
                confirmed: bound,
            };
        }
        if issuer.starts_with("https://") || issuer.starts_with("http://") {
            if let Some(host) = url::Url::parse(issuer)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
            {
                // A .invalid name never resolves: no domain can stand behind it, whatever a cached copy says.
                if crate::net::never_resolves(&host) {
                    return IssuerIdentity::Unverified {
                        id: issuer.to_owned(),
                    };
                }
                return IssuerIdentity::Domain {
                    domain: host,
                    confirmed: bound,
                };
            }
        }
        for method in ["did:key:", "did:jwk:"] {
            if issuer.starts_with(method) {
                return IssuerIdentity::KeyOnly {
                    method: method.trim_end_matches(':').to_owned(),
                };
            }
        }
        IssuerIdentity::Unverified {
            id: issuer.to_owned(),
        }
    }
}

/// What the caller asks of a verification.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instant dates are judged at.
    pub now: OffsetDateTime,
    pub limits: Limits,
    /// For presentations: the challenge and domain the verifier expects.
    pub challenge: Option<String>,
    pub domain: Option<String>,
    /// Identities the learner declared (email addresses, URLs, DIDs), for the recipient check.
    pub identities: Vec<String>,
}

impl Options {
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            now,
            limits: Limits::default(),
            challenge: None,
            domain: None,
            identities: Vec::new(),
        }
    }
}

/// Everything a check may consult.
pub struct Env<'a> {
    pub net: &'a Net,
    pub cache: &'a dyn FetchCache,
    pub opts: &'a Options,
}

pub(crate) fn fmt_date(t: OffsetDateTime) -> String {
    // To the second: a fetch time's nanoseconds say nothing to a reader.
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn parse_date(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        // Dates without seconds' fraction or zone designator appear in the wild; a bare date is midnight UTC.
        let fixed = if s.len() == 10 {
            format!("{s}T00:00:00Z")
        } else {
            format!("{s}Z")
        };
        OffsetDateTime::parse(&fixed, &Rfc3339).ok()
    })
}

/// Verify everything found in `bytes`. Never fails: unreadable input is a report with verdict `error`.
pub async fn verify_bytes(bytes: &[u8], net: &Net, cache: &dyn FetchCache, opts: &Options) -> Vec<Report> {
    let env = Env { net, cache, opts };
    let extracted = match import::extract(bytes, &opts.limits) {
        Ok(e) => e,
        Err(e) => return vec![error_report(None, e.to_string())],
    };
    let container = Some(container_name(extracted.container));
    let mut out = Vec::new();
    let raw: Vec<u8> = match &extracted.payload {
        Payload::Jwt(t) | Payload::Json(t) | Payload::Url(t) => t.trim().as_bytes().to_vec(),
    };
    match extracted.payload {
        Payload::Jwt(text) => jwt::verify_compact(&text, container, None, &env, &mut out).await,
        Payload::Url(url) => ob2::verify_hosted(&url, container, &env, &mut out).await,
        Payload::Json(text) => match crate::json::parse_str(&text) {
            Ok(Value::String(s)) => {
                jwt::verify_compact(&s, container, None, &env, &mut out).await;
                if let Some(first) = out.first_mut() {
                    first.raw = Some(s.trim().as_bytes().to_vec());
                }
            }
            Ok(doc) => verify_json(doc, container, None, &env, &mut out).await,
            Err(e) => out.push(error_report(container, e.to_string())),
        },
    }
    // A verifier that asked for a presentation (challenge or domain) did not get one (an SD-JWT with a key-binding
    // JWT is one: its `holder` check judged the challenge and domain).
    let presented = |r: &Report| r.kind == "presentation" || r.checks.iter().any(|c| c.id == CheckId::Holder);
    if (opts.challenge.is_some() || opts.domain.is_some()) && !out.iter().any(presented) {
        if let Some(first) = out.first_mut().filter(|r| r.verdict != Verdict::Error) {
            first.checks.push(Check::failed(
                CheckId::Holder,
                "a presentation was asked for (challenge or domain), but this is not one",
            ));
            first.verdict = Verdict::Invalid;
        }
    }
    // The first report is the thing the input held; inner credentials set their own bytes.
    if let Some(first) = out.first_mut() {
        if first.raw.is_none() && first.parent.is_none() {
            first.raw = Some(raw);
        }
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.index = i;
        let bound = r
            .checks
            .iter()
            .any(|c| c.id == CheckId::IssuerBinding && c.outcome == Outcome::Passed);
        if let Some(issuer) = r.credential.as_ref().and_then(|c| c.issuer.clone()) {
            r.issuer_identity = Some(IssuerIdentity::of(&issuer, bound));
        }
    }
    out
}

/// The worst verdict of a file's reports (invalid > error > indeterminate > valid).
pub fn overall(reports: &[Report]) -> Verdict {
    reports.iter().map(|r| r.verdict).max().unwrap_or(Verdict::Error)
}

fn container_name(c: Container) -> &'static str {
    match c {
        Container::Png => "png",
        Container::Svg => "svg",
        Container::Json => "json",
        Container::Jwt => "jwt",
        Container::Url => "url",
    }
}

fn error_report(container: Option<&'static str>, reason: String) -> Report {
    Report::unreadable(container, reason)
}

impl Report {
    /// The checks that apply but could not run (see [`Check::warning`]).
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.warning)
    }

    /// The check that decided the verdict: for `indeterminate`, the first required check that could not run;
    /// otherwise the first that failed (none for `valid`).
    pub fn deciding_check(&self) -> Option<&Check> {
        if self.verdict == Verdict::Indeterminate {
            self.checks.iter().find(|c| {
                c.outcome == Outcome::Skipped
                    && matches!(
                        c.id,
                        CheckId::Proof | CheckId::IssuerBinding | CheckId::Dates | CheckId::Holder
                    )
            })
        } else {
            self.checks.iter().find(|c| c.outcome == Outcome::Failed)
        }
    }

    /// The JSON says something its signed data does not: the proof does not vouch for what would be shown.
    fn contradicted(&mut self, reason: String) {
        match self.checks.iter_mut().find(|c| c.id == CheckId::Proof) {
            Some(c) => *c = Check::failed(CheckId::Proof, reason),
            None => self.checks.push(Check::failed(CheckId::Proof, reason)),
        }
        self.verdict = Verdict::Invalid;
    }

    /// `valid` with every check that applies run: what may be shown as "verified" without a qualifier.
    pub fn fully_verified(&self) -> bool {
        self.verdict == Verdict::Valid && self.warnings().next().is_none()
    }

    /// The report for input that is not a readable credential: verdict `error`, the `format` check failed.
    pub fn unreadable(container: Option<&'static str>, reason: String) -> Self {
        Report {
            index: 0,
            container,
            format: "unknown",
            ob_version: None,
            kind: "credential",
            verdict: Verdict::Error,
            checks: vec![Check::failed(CheckId::Format, reason)],
            credential: None,
            parent: None,
            document: None,
            raw: None,
            issuer_identity: None,
        }
    }
}

/// The first `@context` entry when it is a URL.
pub(crate) fn context_urls_first(doc: &Value) -> Option<&str> {
    match doc.get("@context") {
        Some(Value::Array(items)) => items.first().and_then(Value::as_str),
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

pub(crate) fn types_of(doc: &Value) -> Vec<String> {
    match doc.get("type").or_else(|| doc.get("@type")) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn has_type(doc: &Value, t: &str) -> bool {
    types_of(doc).iter().any(|x| x == t)
}

/// An Open Badges 3.0 / CLR 2.0 credential by its type (a context alone does not make a badge).
fn is_ob_type(doc: &Value) -> bool {
    [
        "OpenBadgeCredential",
        "AchievementCredential",
        "EndorsementCredential",
        "ClrCredential",
    ]
    .iter()
    .any(|t| has_type(doc, t))
}

/// An issuer's status list (BitstringStatusList, StatusList2021, RevocationList2020) rather than a credential
/// about a learner.
fn is_status_list(doc: &Value) -> bool {
    [
        "BitstringStatusListCredential",
        "StatusList2021Credential",
        "RevocationList2020Credential",
    ]
    .iter()
    .any(|t| has_type(doc, t))
        || first_subject(doc).is_some_and(|s| s.get("encodedList").is_some())
}

/// Dispatch a JSON document: presentation, credential, OB 2.0 assertion — or not a credential.
pub(crate) fn verify_json<'a>(
    doc: Value,
    container: Option<&'static str>,
    parent: Option<usize>,
    env: &'a Env<'a>,
    out: &'a mut Vec<Report>,
) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
    Box::pin(async move {
        if has_type(&doc, "VerifiablePresentation") {
            verify_presentation(doc, container, env, out).await;
        } else if has_type(&doc, "VerifiableCredential") {
            let mut report = verify_credential(&doc, container, "json-ld", None, parent, env, 0).await;
            // A CLR carries full credentials: each is verified on its own, from its JSON as written; the record's
            // signed data must hold exactly as many.
            let inner = match report.kind {
                "clr" => first_subject(&doc).map(embedded_credentials).unwrap_or_default(),
                _ => Vec::new(),
            };
            if report.kind == "clr" {
                let covered = report
                    .document
                    .as_ref()
                    .and_then(first_subject)
                    .map(embedded_credentials)
                    .unwrap_or_default()
                    .len();
                if covered != inner.len() {
                    report.contradicted(format!(
                        "the JSON shows {} credential(s) in the record, but its signed data holds {covered}",
                        inner.len()
                    ));
                }
            }
            let me = out.len();
            out.push(report);
            for item in &inner {
                verify_embedded(item, container, me, env, out).await;
            }
        } else if ob2::is_assertion(&doc) {
            ob2::verify_assertion_json(doc, container, env, out).await;
        } else {
            out.push(error_report(
                container,
                "not a verifiable credential: no VerifiableCredential or VerifiablePresentation type".into(),
            ));
        }
    })
}

/// A credential inside a presentation or CLR: an object, a compact JWT, or an enveloped `data:` JWT.
fn verify_embedded<'a>(
    item: &'a Value,
    container: Option<&'static str>,
    parent: usize,
    env: &'a Env<'a>,
    out: &'a mut Vec<Report>,
) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
    Box::pin(async move {
        let before = out.len();
        match item {
            Value::String(jws) => jwt::verify_compact(jws, container, Some(parent), env, out).await,
            Value::Object(_) if has_type(item, "EnvelopedVerifiableCredential") => {
                let id = item.get("id").and_then(Value::as_str).unwrap_or("");
                match id.split_once(',') {
                    Some((media, jws))
                        if media.starts_with("data:application/vc") && media.contains("jwt") =>
                    {
                        jwt::verify_compact(jws, container, Some(parent), env, out).await
                    }
                    _ => out.push(error_report(
                        container,
                        "an enveloped credential is not a data: URL of a JWT".into(),
                    )),
                }
            }
            Value::Object(_) => {
                let mut report =
                    verify_credential(item, container, "json-ld", None, Some(parent), env, 0).await;
                report.parent = Some(parent);
                out.push(report);
            }
            _ => out.push(error_report(
                container,
                "an embedded credential is neither an object nor a JWT".into(),
            )),
        }
        // The bytes that were signed: the JWT as given, or the embedded object as JSON.
        if let Some(r) = out.get_mut(before) {
            r.parent = Some(parent);
            r.raw = match item {
                Value::String(jws) => Some(jws.trim().as_bytes().to_vec()),
                Value::Object(_) if has_type(item, "EnvelopedVerifiableCredential") => item
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.split_once(','))
                    .map(|(_, jws)| jws.as_bytes().to_vec()),
                other => serde_json::to_vec(other).ok(),
            };
        }
    })
}

/// Facts a JWT adds to the credential it carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct JwtFacts {
    /// The proof outcome of the JWS itself.
    pub proof: Option<Check>,
    /// The key, when the JWS verified.
    pub key: Option<ResolvedKey>,
    pub nbf: Option<OffsetDateTime>,
    pub exp: Option<OffsetDateTime>,
    /// Claims that contradict the credential (`iss`, `sub`, `jti`…).
    pub claim_mismatch: Vec<String>,
    /// `iss` differs from the credential's issuer.
    pub iss_mismatch: Option<String>,
    /// The JWS header's `kid`, if any.
    pub kid: Option<String>,
    pub format: &'static str,
}

/// The id of a linked thing given either as its id (a string) or as an object with an `id`.
pub(crate) fn id_of(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        None => None,
    }
}

pub(crate) fn issuer_id(doc: &Value) -> Option<String> {
    id_of(doc.get("issuer"))
}

/// Whether a string-or-array claim (`domain`, `aud`) holds `want`.
pub(crate) fn names(v: Option<&Value>, want: &str) -> bool {
    match v {
        Some(Value::String(s)) => s == want,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
        _ => false,
    }
}

pub(crate) fn first_subject(doc: &Value) -> Option<&Value> {
    match doc.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        Some(s @ Value::Object(_)) => Some(s),
        _ => None,
    }
}

/// The first string of a value that is a string or an array (a signed reading makes a property with several
/// values, such as a name in two languages, an array).
pub(crate) fn first_str(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(items)) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

fn info_of(doc: &Value) -> CredentialInfo {
    let s = |v: Option<&Value>| first_str(v).map(str::to_owned);
    let subject = first_subject(doc);
    let name = s(doc.get("name")).or_else(|| {
        s(subject
            .and_then(|x| x.get("achievement"))
            .and_then(|a| a.get("name")))
    });
    CredentialInfo {
        id: s(doc.get("id")),
        name,
        issuer: issuer_id(doc),
        issuer_name: s(doc.get("issuer").and_then(|i| i.get("name"))),
        subject: id_of(subject.and_then(|x| x.get("id"))),
        valid_from: s(doc.get("validFrom")).or_else(|| s(doc.get("issuanceDate"))),
        valid_until: s(doc.get("validUntil")).or_else(|| s(doc.get("expirationDate"))),
    }
}

/// The OB version from the contexts (`3.0.3`, `3.0.0`, `clr-2.0`), if any.
fn ob_version(doc: &Value) -> Option<String> {
    let urls = crate::ld::context_urls(doc);
    if urls
        .iter()
        .any(|u| u.starts_with("https://purl.imsglobal.org/spec/clr/v2p0/"))
    {
        return Some("clr-2.0".into());
    }
    urls.iter().find_map(|u| {
        let rest = u.strip_prefix("https://purl.imsglobal.org/spec/ob/v3p0/")?;
        if rest == "context.json" {
            Some("3.0.0".to_owned())
        } else {
            rest.strip_prefix("context-")
                .and_then(|r| r.strip_suffix(".json"))
                .map(str::to_owned)
        }
    })
}

/// Verify one credential (JSON-LD with an embedded proof, or the credential a JWT carried).
///
/// `raw` is the credential as written. For JSON-LD it is used for exactly three things: the signature (its
/// canonical RDF, in safe mode), the JSON Schema (which is about the JSON as written), and finding the embedded
/// endorsements whose own proofs are checked. Every fact a check decides on or the report shows comes from the
/// signed data read back through Carnet's vocabulary (`ld::Signed::view`); for a JWT, from the signed payload.
pub(crate) fn verify_credential<'a>(
    raw: &'a Value,
    container: Option<&'static str>,
    format: &'static str,
    jwt: Option<JwtFacts>,
    parent: Option<usize>,
    env: &'a Env<'a>,
    depth: usize,
) -> Pin<Box<dyn Future<Output = Report> + 'a>> {
    Box::pin(async move {
        // The proof first: for JSON-LD it also yields the signed reading every later step uses.
        let di = match &jwt {
            Some(_) => None,
            None => Some(proof::verify_data_integrity(raw, "assertionMethod", env).await),
        };
        let signed_view = di.as_ref().and_then(|d| d.view.clone());
        // With the signed reading unavailable (no proof, unknown context, unsafe document) the JSON is shown as
        // found, and the verdict cannot be valid: the proof check fails or could not run.
        let facts: Value = signed_view.unwrap_or_else(|| raw.clone());
        let doc = &facts;
        let kind = if has_type(doc, "ClrCredential") {
            "clr"
        } else if has_type(doc, "EndorsementCredential") {
            "endorsement"
        } else {
            "credential"
        };
        let mut report = Report {
            index: 0,
            container,
            format: jwt.as_ref().map(|j| j.format).unwrap_or(format),
            ob_version: if is_ob_type(doc) { ob_version(raw) } else { None },
            kind,
            verdict: Verdict::Error,
            checks: Vec::new(),
            credential: Some(info_of(doc)),
            parent,
            document: Some(doc.clone()),
            raw: None,
            issuer_identity: None,
        };
        // format
        let mut problems = Vec::new();
        let first_context = match raw.get("@context") {
            Some(Value::Array(items)) => items.first().and_then(Value::as_str),
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        if raw.get("@context").is_none() {
            problems.push("no @context".to_owned());
        } else if !matches!(
            first_context,
            Some("https://www.w3.org/ns/credentials/v2" | "https://www.w3.org/2018/credentials/v1")
        ) {
            problems.push("its first @context is not the W3C credentials context".to_owned());
        }
        let issuer = issuer_id(doc);
        if issuer.is_none() {
            problems.push("no issuer id".to_owned());
        }
        if first_subject(doc).is_none() {
            problems.push("no credentialSubject".to_owned());
        }
        if !problems.is_empty() {
            report.checks.push(Check::failed(
                CheckId::Format,
                format!("not a well-formed credential: {}", problems.join(", ")),
            ));
            report.verdict = Verdict::Invalid;
            return report;
        }
        if is_status_list(doc) {
            report.checks.push(Check::failed(
                CheckId::Format,
                "this is an issuer's status list (a revocation register), not a credential about a learner",
            ));
            report.verdict = Verdict::Error;
            return report;
        }
        let format = match (kind, &report.ob_version) {
            ("clr", _) => Check::passed(CheckId::Format, "a CLR 2.0 record").coded("format.clr", &[]),
            ("endorsement", _) => {
                Check::passed(CheckId::Format, "an Open Badges endorsement").coded("format.endorsement", &[])
            }
            (_, Some(v)) => Check::passed(CheckId::Format, format!("an Open Badges {v} credential"))
                .coded("format.ob", &[v]),
            (_, None) => Check::passed(CheckId::Format, "a verifiable credential (not an Open Badge)")
                .coded("format.vc", &[]),
        };
        report.checks.push(format);
        // schema
        report.checks.push(schema::check(raw, doc, kind, is_ob_type(doc)));
        // proof
        let (proof_check, key) = match (&jwt, di) {
            (Some(facts), _) => {
                let check = match (&facts.proof, facts.claim_mismatch.is_empty()) {
                    (Some(c), true) => c.clone(),
                    (Some(c), false) if c.outcome == Outcome::Passed => Check::failed(
                        CheckId::Proof,
                        format!(
                            "the JWT's claims contradict the credential: {}",
                            facts.claim_mismatch.join("; ")
                        ),
                    ),
                    (Some(c), false) => c.clone(),
                    (None, _) => Check::unchecked(CheckId::Proof, "no proof checked"),
                };
                (check, facts.key.clone())
            }
            (None, Some(di)) => match di.outcome {
                ProofOutcome::Valid { key, vm, proof } => {
                    let suite = proof
                        .get("cryptosuite")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| types_of(&proof).into_iter().next())
                        .unwrap_or_else(|| "proof".to_owned());
                    (
                        Check::passed(CheckId::Proof, format!("{suite} signature by {vm} verifies"))
                            .coded("proof.verifies", &[&suite, &vm]),
                        Some(*key),
                    )
                }
                ProofOutcome::Invalid(r) => (Check::failed(CheckId::Proof, r), None),
                ProofOutcome::Unchecked(r) => (Check::unchecked(CheckId::Proof, r), None),
            },
            (None, None) => (Check::unchecked(CheckId::Proof, "no proof checked"), None),
        };
        let proof_ok = proof_check.outcome == Outcome::Passed;
        report.checks.push(proof_check);
        // issuer binding
        let issuer = issuer.unwrap_or_default();
        // A key only the credential asserts is bound when the issuer's own document lists it.
        let key = match key {
            Some(mut k) if proof_ok && k.controller.is_none() => {
                match keys::bind_via_issuer(&k.jwk, &issuer, env).await {
                    Ok(as_of) => {
                        k.controller = Some(issuer.clone());
                        k.as_of = as_of;
                    }
                    Err(reason) => {
                        let before = k.unbound_reason.take().unwrap_or_default();
                        k.unbound_reason = Some(if before.is_empty() {
                            reason
                        } else {
                            format!("{before}; {reason}")
                        });
                    }
                }
                Some(k)
            }
            other => other,
        };
        let binding = match (&key, jwt.as_ref().and_then(|j| j.iss_mismatch.clone())) {
            (_, Some(m)) => Check::failed(CheckId::IssuerBinding, m),
            (Some(k), None) if proof_ok => match &k.controller {
                Some(c) if *c == issuer => Check::passed(
                    CheckId::IssuerBinding,
                    match &k.as_of {
                        Some(d) => {
                            format!("the key belongs to the issuer {issuer} (issuer's document as of {d})")
                        }
                        None => format!("the key belongs to the issuer {issuer}"),
                    },
                )
                .coded("binding.issuer_key", &[&issuer, k.as_of.as_deref().unwrap_or("")]),
                Some(c) => Check::failed(
                    CheckId::IssuerBinding,
                    format!("signed by a key of {c}, but the credential names {issuer} as its issuer"),
                ),
                None => Check::unchecked(
                    CheckId::IssuerBinding,
                    format!(
                        "signature valid, issuer not bound: {}",
                        k.unbound_reason
                            .clone()
                            .unwrap_or_else(|| "the key's owner is unknown".into())
                    ),
                ),
            },
            _ => match claimed_signer(raw, &issuer, jwt.as_ref()) {
                // A self-certifying key (did:key, did:jwk) names its owner without any lookup.
                Some(did) if did != issuer => Check::failed(
                    CheckId::IssuerBinding,
                    format!(
                        "the proof names a key of {did}, but the credential names {issuer} as its issuer"
                    ),
                ),
                _ => Check::skipped(CheckId::IssuerBinding, "not checked: the proof did not verify"),
            },
        };
        report.checks.push(binding);
        // dates
        report.checks.push(dates_check(doc, jwt.as_ref(), env.opts.now));
        // status (only once the proof holds: no fetches on behalf of forged data)
        report.checks.push(if proof_ok {
            status::check(doc, env).await
        } else {
            Check::skipped(CheckId::Status, "not checked: the proof did not verify")
        });
        // endorsements (only for a credential whose own proof holds: no fetches on behalf of forged data)
        report.checks.push(if proof_ok {
            endorsements_check(raw, doc, container, env, depth).await
        } else {
            Check::skipped(CheckId::Endorsements, "not checked: the proof did not verify")
        });
        // recipient
        report.checks.push(recipient_check(doc, &env.opts.identities));
        report.verdict = verdict(
            &report.checks,
            &[CheckId::Proof, CheckId::IssuerBinding, CheckId::Dates],
        );
        // With the proof unchecked, the content is unauthenticated: its own claims (dates, schema, status) cannot
        // make it invalid, only indeterminate. A key that provably is not the issuer's still makes it invalid.
        let proof_unchecked = report
            .checks
            .iter()
            .any(|c| c.id == CheckId::Proof && c.outcome == Outcome::Skipped);
        let binding_failed = report
            .checks
            .iter()
            .any(|c| c.id == CheckId::IssuerBinding && c.outcome == Outcome::Failed);
        if report.verdict == Verdict::Invalid && proof_unchecked && !binding_failed {
            report.verdict = Verdict::Indeterminate;
        }
        report
    })
}

/// When every proof names a self-certifying key (did:key, did:jwk) of one DID that provably is not `issuer`'s:
/// that DID. `None` when any proof could be the issuer's.
fn claimed_signer(raw: &Value, issuer: &str, jwt: Option<&JwtFacts>) -> Option<String> {
    let vms: Vec<String> = match jwt {
        Some(j) => vec![j.kid.clone()?],
        None => proof::proofs_of(raw)
            .iter()
            .map(|p| {
                p.get("verificationMethod")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            })
            .collect(),
    };
    let mut signer = None;
    for vm in vms {
        let did = vm.split('#').next().unwrap_or("").to_owned();
        if !(did.starts_with("did:key:") || did.starts_with("did:jwk:")) || did == issuer {
            return None;
        }
        signer = Some(did);
    }
    signer
}

/// Failed anything → invalid; a required check skipped → indeterminate; else valid.
fn verdict(checks: &[Check], required: &[CheckId]) -> Verdict {
    if checks.iter().any(|c| c.outcome == Outcome::Failed) {
        return Verdict::Invalid;
    }
    if checks
        .iter()
        .any(|c| c.outcome == Outcome::Skipped && required.contains(&c.id))
    {
        return Verdict::Indeterminate;
    }
    Verdict::Valid
}

fn dates_check(doc: &Value, jwt: Option<&JwtFacts>, now: OffsetDateTime) -> Check {
    let field = |names: &[&str]| -> Result<Option<(String, OffsetDateTime)>, String> {
        for n in names {
            if let Some(v) = doc.get(*n) {
                let s = v.as_str().ok_or_else(|| format!("{n} is not a date string"))?;
                let t = parse_date(s).ok_or_else(|| format!("{n} \"{s}\" is not an RFC 3339 date"))?;
                return Ok(Some(((*n).to_owned(), t)));
            }
        }
        Ok(None)
    };
    let start = match field(&["validFrom", "issuanceDate"]) {
        Ok(v) => v,
        Err(e) => return Check::failed(CheckId::Dates, e),
    };
    let end = match field(&["validUntil", "expirationDate"]) {
        Ok(v) => v,
        Err(e) => return Check::failed(CheckId::Dates, e),
    };
    let mut starts: Vec<(String, OffsetDateTime)> = start.into_iter().collect();
    let mut ends: Vec<(String, OffsetDateTime)> = end.into_iter().collect();
    if let Some(j) = jwt {
        starts.extend(j.nbf.map(|t| ("the JWT's nbf".to_owned(), t)));
        ends.extend(j.exp.map(|t| ("the JWT's exp".to_owned(), t)));
    }
    for (name, t) in &starts {
        if now < *t {
            return Check::failed(
                CheckId::Dates,
                format!("not valid yet: {name} is {}", fmt_date(*t)),
            )
            .coded("dates.not_yet", &[&fmt_date(*t)]);
        }
    }
    for (name, t) in &ends {
        if now > *t {
            return Check::failed(CheckId::Dates, format!("expired: {name} was {}", fmt_date(*t)))
                .coded("dates.expired", &[&fmt_date(*t)]);
        }
    }
    match (starts.first(), ends.first()) {
        (Some((_, s)), Some((_, e))) => Check::passed(
            CheckId::Dates,
            format!("valid from {} until {}", fmt_date(*s), fmt_date(*e)),
        )
        .coded("dates.from_until", &[&fmt_date(*s), &fmt_date(*e)]),
        (Some((_, s)), None) => Check::passed(
            CheckId::Dates,
            format!("valid since {}, no end date", fmt_date(*s)),
        )
        .coded("dates.since", &[&fmt_date(*s)]),
        (None, Some((_, e))) => Check::passed(
            CheckId::Dates,
            format!("no start date, valid until {}", fmt_date(*e)),
        )
        .coded("dates.until", &[&fmt_date(*e)]),
        (None, None) => Check::passed(CheckId::Dates, "no validity dates").coded("dates.none", &[]),
    }
}

/// At most this many endorsements are verified for one credential.
const MAX_ENDORSEMENTS: usize = 32;

/// The endorsements a credential carries anywhere in it (at the credential, its achievement, its issuer, a
/// creator…): EndorsementCredential objects (each with its own proof) and compact JWTs under `endorsementJwt`.
/// An endorsement's own insides are its business (checked when it is).
fn endorsements_in(doc: &Value) -> (Vec<Value>, Vec<String>) {
    fn walk(v: &Value, found: &mut Vec<Value>, jwts: &mut Vec<String>, depth: usize) {
        if depth > 64 {
            return;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    match k.as_str() {
                        "@context" | "proof" => {}
                        "endorsementJwt" => match child {
                            Value::Array(items) => {
                                jwts.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)))
                            }
                            Value::String(one) => jwts.push(one.clone()),
                            _ => {}
                        },
                        _ if has_type(child, "EndorsementCredential") => found.push(child.clone()),
                        _ => match child {
                            Value::Array(items) => {
                                for item in items {
                                    if has_type(item, "EndorsementCredential") {
                                        found.push(item.clone());
                                    } else {
                                        walk(item, found, jwts, depth + 1);
                                    }
                                }
                            }
                            other => walk(other, found, jwts, depth + 1),
                        },
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, found, jwts, depth + 1)),
            _ => {}
        }
    }
    let (mut found, mut jwts) = (Vec::new(), Vec::new());
    walk(doc, &mut found, &mut jwts, 0);
    (found, jwts)
}

/// What identifies a set of endorsements, to compare the written ones with the signed ones: their ids (sorted,
/// without repeats: the signed reading shows a node once per place it is referenced) and their JWTs.
fn endorsement_keys(found: &[Value], jwts: &[String]) -> (Vec<String>, Vec<String>) {
    let mut ids: Vec<String> = found
        .iter()
        .map(|e| e.get("id").and_then(Value::as_str).unwrap_or("").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    let mut jwts = jwts.to_vec();
    jwts.sort();
    jwts.dedup();
    (ids, jwts)
}

/// `raw` is the credential as written (each endorsement's own proof is checked on its own JSON); `signed` its
/// signed reading, which must hold the same endorsements: none hidden under another key, none added.
async fn endorsements_check(
    raw: &Value,
    signed: &Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    depth: usize,
) -> Check {
    let (found, jwts) = endorsements_in(raw);
    let (signed_found, signed_jwts) = endorsements_in(signed);
    let (written, covered) = (
        endorsement_keys(&found, &jwts),
        endorsement_keys(&signed_found, &signed_jwts),
    );
    if written != covered {
        return Check::failed(
            CheckId::Endorsements,
            format!(
                "the endorsements the JSON shows ({}) are not the ones its signed data holds ({})",
                written.0.len() + written.1.len(),
                covered.0.len() + covered.1.len()
            ),
        );
    }
    if found.is_empty() && jwts.is_empty() {
        return Check::skipped(CheckId::Endorsements, "no endorsements").coded("endorsements.none", &[]);
    }
    if depth >= 2 {
        return Check::unchecked(
            CheckId::Endorsements,
            "endorsements nested too deep were not checked",
        );
    }
    if found.len() + jwts.len() > MAX_ENDORSEMENTS {
        return Check::unchecked(
            CheckId::Endorsements,
            format!(
                "{} endorsements: more than {MAX_ENDORSEMENTS} are not checked",
                found.len() + jwts.len()
            ),
        );
    }
    let mut reports = Vec::new();
    for e in &found {
        reports.push(verify_credential(e, container, "json-ld", None, None, env, depth + 1).await);
    }
    for j in &jwts {
        let mut out = Vec::new();
        jwt::verify_compact(j, container, None, env, &mut out).await;
        reports.extend(out);
    }
    let total = reports.len();
    let label = |r: &Report| {
        r.credential
            .as_ref()
            .and_then(|c| c.id.clone())
            .unwrap_or_else(|| "an endorsement".into())
    };
    // An endorsement is an endorser's signed statement: it holds, it does not (tampered, forged, revoked,
    // malformed), it is authentic but no longer current (only its dates failed: it was current when made), or it
    // could not be checked (offline, unsupported key).
    let (mut holds, mut broken, mut dated, mut unknown) = (0, Vec::new(), Vec::new(), Vec::new());
    for r in &reports {
        let failed: Vec<CheckId> = r
            .checks
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.id)
            .collect();
        match r.verdict {
            Verdict::Valid => holds += 1,
            Verdict::Invalid if failed.iter().all(|id| *id == CheckId::Dates) => dated.push(label(r)),
            Verdict::Invalid | Verdict::Error => broken.push(format!(
                "{} ({})",
                label(r),
                r.deciding_check().map(Check::summary).unwrap_or_default()
            )),
            Verdict::Indeterminate => unknown.push(label(r)),
        }
    }
    // Named in a stable order: the same endorsements, however the JSON ordered them, read the same.
    broken.sort();
    dated.sort();
    unknown.sort();
    if !broken.is_empty() {
        return Check::failed(
            CheckId::Endorsements,
            format!(
                "{} of {total} endorsements do not hold: {}",
                broken.len(),
                broken.join("; ")
            ),
        );
    }
    let dated_note = match dated.len() {
        0 => String::new(),
        n => format!(
            "; {n} authentic but no longer current (their own dates): {}",
            dated.join(", ")
        ),
    };
    if !unknown.is_empty() {
        return Check::unchecked(
            CheckId::Endorsements,
            format!(
                "{holds} of {total} endorsements verified; {} could not be checked: {}{dated_note}",
                unknown.len(),
                unknown.join(", ")
            ),
        );
    }
    Check::passed(
        CheckId::Endorsements,
        format!(
            "{} of {total} endorsement(s) verified{dated_note}",
            holds + dated.len()
        ),
    )
}

/// `sha256$hex` or `md5$hex` identity hashes, with their salt, against the declared identities.
pub(crate) fn identity_matches(hashed: &str, salt: &str, identities: &[String]) -> bool {
    use sha2::{Digest, Sha256};
    let Some(hex_hash) = hashed.strip_prefix("sha256$") else {
        return false;
    };
    identities.iter().any(|id| {
        let digest = Sha256::digest(format!("{id}{salt}").as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        hex.eq_ignore_ascii_case(hex_hash)
    })
}

fn recipient_check(doc: &Value, identities: &[String]) -> Check {
    if identities.is_empty() {
        return Check::skipped(CheckId::Recipient, "no learner identity given to compare with")
            .coded("recipient.no_identity", &[]);
    }
    let Some(subject) = first_subject(doc) else {
        return Check::skipped(CheckId::Recipient, "no subject");
    };
    if let Some(id) = subject.get("id").and_then(Value::as_str) {
        if identities.iter().any(|i| i == id) {
            return Check::passed(CheckId::Recipient, format!("issued to {id}"));
        }
    }
    let idents: Vec<&Value> = match subject.get("identifier") {
        Some(Value::Array(ids)) => ids.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    {
        for ident in idents {
            let hashed = match ident.get("hashed") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true",
                _ => false,
            };
            let value = first_str(ident.get("identityHash")).unwrap_or("");
            let salt = first_str(ident.get("salt")).unwrap_or("");
            let ok = if hashed {
                identity_matches(value, salt, identities)
            } else {
                identities.iter().any(|i| i == value)
            };
            if ok {
                return Check::passed(
                    CheckId::Recipient,
                    "the recipient identifier matches a declared identity",
                );
            }
        }
    }
    Check::failed(
        CheckId::Recipient,
        "issued to someone else: no declared identity matches the recipient",
    )
}

/// A JSON-LD presentation: its proof (authentication, challenge, domain), its holder, then each credential.
async fn verify_presentation(
    doc: Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let mut checks = vec![Check::passed(CheckId::Format, "a verifiable presentation")];
    let di = proof::verify_data_integrity(&doc, "authentication", env).await;
    // The holder and the list of credentials as signed, when the presentation could be read in safe mode.
    let signed = di.view.unwrap_or_else(|| doc.clone());
    let holder = id_of(signed.get("holder"));
    match di.outcome {
        ProofOutcome::Valid { key, vm, proof } => {
            let mut problems = Vec::new();
            let written = embedded_credentials(&doc).len();
            let covered = embedded_credentials(&signed).len();
            if written != covered {
                problems.push(format!(
                    "the JSON shows {written} credential(s), but the signed presentation holds {covered}"
                ));
            }
            if let Some(c) = &env.opts.challenge {
                if proof.get("challenge").and_then(Value::as_str) != Some(c) {
                    problems.push(format!("the challenge is not \"{c}\""));
                }
            }
            if let Some(d) = &env.opts.domain {
                if !names(proof.get("domain"), d) {
                    problems.push(format!("the domain is not \"{d}\""));
                }
            }
            if problems.is_empty() {
                checks.push(Check::passed(
                    CheckId::Proof,
                    format!("the presentation's signature by {vm} verifies"),
                ));
            } else {
                checks.push(Check::failed(CheckId::Proof, problems.join("; ")));
            }
            checks.push(holder_check(
                holder.as_deref(),
                key.controller.as_deref(),
                key.unbound_reason.as_deref(),
            ));
        }
        ProofOutcome::Invalid(_) if proof::proofs_of(&doc).is_empty() && holder.is_none() => {
            // No proof and no holder: an envelope that claims nothing about who presents it.
            checks.push(Check::unchecked(
                CheckId::Proof,
                "an unsigned presentation: it proves nothing about who presents it",
            ));
            checks.push(Check::skipped(
                CheckId::Holder,
                "no holder is named and nothing is signed",
            ));
        }
        ProofOutcome::Invalid(r) => {
            let r = if proof::proofs_of(&doc).is_empty() {
                format!(
                    "the presentation names its holder {} but is not signed",
                    holder.clone().unwrap_or_default()
                )
            } else {
                r
            };
            checks.push(Check::failed(CheckId::Proof, r));
            checks.push(Check::skipped(
                CheckId::Holder,
                "not checked: the presentation's proof did not verify",
            ));
        }
        ProofOutcome::Unchecked(r) => {
            checks.push(Check::unchecked(CheckId::Proof, r));
            checks.push(Check::skipped(
                CheckId::Holder,
                "not checked: the presentation's proof could not be checked",
            ));
        }
    }
    let verdict = verdict(&checks, &[CheckId::Proof, CheckId::Holder]);
    push_presentation("vp-json-ld", verdict, checks, &doc, signed, container, env, out).await;
}

/// Adds a presentation's report (JSON-LD or JWT), then one for each credential in its `verifiableCredential`
/// (`vp`), each with the presentation as its parent. `document` is what the report keeps: the presentation, or the
/// JWT's payload.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn push_presentation(
    format: &'static str,
    verdict: Verdict,
    checks: Vec<Check>,
    vp: &Value,
    document: Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let me = out.len();
    out.push(Report {
        index: 0,
        container,
        format,
        ob_version: None,
        kind: "presentation",
        verdict,
        checks,
        credential: None,
        parent: None,
        document: Some(document),
        raw: None,
        issuer_identity: None,
    });
    for item in &embedded_credentials(vp) {
        verify_embedded(item, container, me, env, out).await;
    }
}

/// A presentation's `verifiableCredential` entries (one or an array).
fn embedded_credentials(vp: &Value) -> Vec<Value> {
    match vp.get("verifiableCredential") {
        Some(Value::Array(items)) => items.clone(),
        Some(v) => vec![v.clone()],
        None => Vec::new(),
    }
}

pub(crate) fn holder_check(holder: Option<&str>, controller: Option<&str>, unbound: Option<&str>) -> Check {
    match (holder, controller) {
        (Some(h), Some(c)) if h == c => Check::passed(CheckId::Holder, format!("signed by its holder {h}")),
        (Some(h), Some(c)) => Check::failed(CheckId::Holder, format!("signed by {c}, but the holder is {h}")),
        (None, Some(c)) => Check::passed(CheckId::Holder, format!("signed by {c} (no holder stated)")),
        (_, None) => Check::unchecked(
            CheckId::Holder,
            format!(
                "the signer is unknown: {}",
                unbound.unwrap_or("the key's owner could not be established")
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_rules() {
        let req = [CheckId::Proof, CheckId::IssuerBinding, CheckId::Dates];
        let ok = vec![
            Check::passed(CheckId::Proof, ""),
            Check::passed(CheckId::IssuerBinding, ""),
            Check::passed(CheckId::Dates, ""),
            Check::skipped(CheckId::Status, "offline"),
        ];
        assert_eq!(verdict(&ok, &req), Verdict::Valid);
        let mut unbound = ok.clone();
        unbound[1] = Check::skipped(CheckId::IssuerBinding, "asserted only");
        assert_eq!(verdict(&unbound, &req), Verdict::Indeterminate);
        let mut expired = unbound.clone();
        expired[2] = Check::failed(CheckId::Dates, "expired");
        assert_eq!(verdict(&expired, &req), Verdict::Invalid);
    }

    #[test]
    fn identity_hash() {
        // sha256("learner@example.org" + "salt")
        use sha2::{Digest, Sha256};
        let hex: String = Sha256::digest(b"learner@example.orgpepper")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let ids = vec!["learner@example.org".to_owned()];
        assert!(identity_matches(&format!("sha256${hex}"), "pepper", &ids));
        assert!(!identity_matches(&format!("sha256${hex}"), "other", &ids));
    }
}
