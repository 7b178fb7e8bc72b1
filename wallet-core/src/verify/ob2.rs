//! Open Badges 2.0: signed assertions (JWS with the issuer's CryptographicKey, its revocation list) and hosted
//! assertions (the copy at the issuer's URL is authoritative; allowedOrigins; 410 or `revoked` = revoked).

use serde_json::Value;

use super::keys::{self, KeyError};
use super::proof::{self, Jws};
use super::{fmt_date, id_of, parse_date, Check, CheckId, CredentialInfo, Env, Outcome, Report};

/// Does this JSON look like an OB 2.0 (or 1.x) assertion?
pub(crate) fn is_assertion(doc: &Value) -> bool {
    super::has_type(doc, "Assertion")
        || (doc.get("recipient").is_some()
            && doc.get("badge").is_some()
            && (doc.get("verification").is_some() || doc.get("verify").is_some()))
}

/// A linked document: inline object, or a URL fetched through the cache.
async fn linked(v: Option<&Value>, env: &Env<'_>) -> Result<Value, String> {
    match v {
        Some(o @ Value::Object(_)) => Ok(o.clone()),
        Some(Value::String(url)) => keys::fetch_json(url, env)
            .await
            .map(|(d, _)| d)
            .map_err(|e| e.reason().to_owned()),
        _ => Err("missing".into()),
    }
}

fn str_of<'v>(v: &'v Value, k: &str) -> Option<&'v str> {
    v.get(k).and_then(Value::as_str)
}

fn info(assertion: &Value, badge: Option<&Value>, issuer: Option<&Value>) -> CredentialInfo {
    CredentialInfo {
        id: str_of(assertion, "id").map(str::to_owned),
        name: badge.and_then(|b| str_of(b, "name")).map(str::to_owned),
        issuer: issuer
            .and_then(|i| str_of(i, "id"))
            .map(str::to_owned)
            .or_else(|| badge.and_then(|b| id_of(b.get("issuer")))),
        issuer_name: issuer.and_then(|i| str_of(i, "name")).map(str::to_owned),
        subject: assertion
            .get("recipient")
            .and_then(|r| str_of(r, "identity"))
            .map(str::to_owned),
        valid_from: str_of(assertion, "issuedOn").map(str::to_owned),
        valid_until: str_of(assertion, "expires").map(str::to_owned),
    }
}

fn dates(assertion: &Value, now: time::OffsetDateTime) -> Check {
    let get = |k: &str| str_of(assertion, k).map(|s| (s, parse_date(s)));
    if let Some((s, t)) = get("issuedOn") {
        match t {
            None => return Check::failed(CheckId::Dates, format!("issuedOn \"{s}\" is not a date")),
            Some(t) if now < t => {
                return Check::failed(
                    CheckId::Dates,
                    format!("not valid yet: issued on {}", fmt_date(t)),
                )
                .coded("dates.not_yet", &[&fmt_date(t)])
            }
            _ => {}
        }
    }
    if let Some((s, t)) = get("expires") {
        match t {
            None => return Check::failed(CheckId::Dates, format!("expires \"{s}\" is not a date")),
            Some(t) if now > t => {
                return Check::failed(CheckId::Dates, format!("expired on {}", fmt_date(t)))
                    .coded("dates.expired", &[&fmt_date(t)])
            }
            _ => {}
        }
    }
    Check::passed(CheckId::Dates, "within its issue and expiry dates").coded("dates.within", &[])
}

fn recipient(assertion: &Value, identities: &[String]) -> Check {
    if identities.is_empty() {
        return Check::skipped(CheckId::Recipient, "no learner identity given to compare with")
            .coded("recipient.no_identity", &[]);
    }
    let Some(r) = assertion.get("recipient") else {
        return Check::failed(CheckId::Recipient, "the assertion names no recipient");
    };
    let identity = str_of(r, "identity").unwrap_or("");
    let ok = if r.get("hashed").and_then(Value::as_bool).unwrap_or(false) {
        super::identity_matches(identity, str_of(r, "salt").unwrap_or(""), identities)
    } else {
        identities.iter().any(|i| i == identity)
    };
    if ok {
        Check::passed(CheckId::Recipient, "the recipient matches a declared identity")
    } else {
        Check::failed(
            CheckId::Recipient,
            "issued to someone else: no declared identity matches the recipient",
        )
    }
}

/// The issuer's revocation list, if it names one.
async fn revocation(assertion: &Value, issuer: Option<&Value>, env: &Env<'_>) -> Check {
    let Some(list_url) = issuer.and_then(|i| str_of(i, "revocationList")) else {
        return Check::skipped(CheckId::Status, "the issuer publishes no revocation list");
    };
    let (list, as_of) = match keys::fetch_json(list_url, env).await {
        Ok(v) => v,
        Err(e) => {
            return Check::unchecked(CheckId::Status, format!("revocation not checked: {}", e.reason()))
        }
    };
    let id = str_of(assertion, "id").unwrap_or("");
    let revoked = list
        .get("revokedAssertions")
        .and_then(Value::as_array)
        .is_some_and(|items| {
            items.iter().any(|i| {
                i.as_str() == Some(id)
                    || str_of(i, "id") == Some(id)
                    || (str_of(i, "uid").is_some() && str_of(i, "uid") == str_of(assertion, "uid"))
            })
        });
    let when = as_of
        .as_ref()
        .map(|d| format!(" (list as of {d})"))
        .unwrap_or_default();
    let as_of = as_of.unwrap_or_default();
    if revoked {
        Check::failed(CheckId::Status, format!("revoked by its issuer{when}"))
            .coded("status.revoked", &[&as_of])
    } else {
        Check::passed(
            CheckId::Status,
            format!("not on the issuer's revocation list{when}"),
        )
        .coded("status.clear", &["revocation", &as_of])
    }
}

fn report(
    container: Option<&'static str>,
    format: &'static str,
    checks: Vec<Check>,
    info: CredentialInfo,
    doc: Value,
) -> Report {
    let verdict = super::verdict(&checks, &[CheckId::Proof, CheckId::IssuerBinding, CheckId::Dates]);
    Report {
        index: 0,
        container,
        format,
        ob_version: Some("2.0".into()),
        kind: "assertion",
        verdict,
        checks,
        credential: Some(info),
        parent: None,
        document: Some(doc),
        raw: None,
        issuer_identity: None,
    }
}

/// The key a signed assertion names: `verification.creator` (`verify.creator` in older payloads), else the JWS
/// header's `kid` when it is a URL.
fn signing_key_url(assertion: &Value, header: &Value) -> Option<String> {
    assertion
        .get("verification")
        .or_else(|| assertion.get("verify"))
        .and_then(|v| str_of(v, "creator"))
        .or_else(|| str_of(header, "kid").filter(|k| k.starts_with("https://") || k.starts_with("http://")))
        .map(str::to_owned)
}

/// The JWS checked with the key at `key_url` — the only document fetched before the signature holds. With it, the
/// owner the key document names.
async fn signature(jws: &Jws, key_url: Option<&str>, env: &Env<'_>) -> (Check, Option<String>) {
    let alg = match proof::jws_algorithm(&jws.header) {
        Ok(alg) => alg,
        Err(r) => return (Check::failed(CheckId::Proof, r), None),
    };
    let Some(key_url) = key_url else {
        return (
            Check::unchecked(
                CheckId::Proof,
                "the assertion does not name its signing key (verification.creator), and nothing else it names \
                 is fetched before its signature holds",
            ),
            None,
        );
    };
    let (key_doc, as_of) = match keys::fetch_json(key_url, env).await {
        Ok(v) => v,
        Err(KeyError::Unresolvable(r)) => {
            return (
                Check::unchecked(
                    CheckId::Proof,
                    format!("the issuer's key could not be fetched: {r}"),
                ),
                None,
            )
        }
        Err(KeyError::Invalid(r)) => return (Check::failed(CheckId::Proof, r), None),
    };
    let jwk = match keys::key_of(&key_doc) {
        Ok(jwk) => jwk,
        Err(e) => return (Check::failed(CheckId::Proof, e.reason().to_owned()), None),
    };
    match proof::verify_signature(alg, jws.signing_input.as_bytes(), &jwk, &jws.signature) {
        Ok(()) => {
            let when = as_of.map(|d| format!(" (key as of {d})")).unwrap_or_default();
            let owner = str_of(&key_doc, "owner")
                .or_else(|| str_of(&key_doc, "controller"))
                .map(str::to_owned);
            (
                Check::passed(CheckId::Proof, format!("signature by {key_url} verifies{when}"))
                    .coded("proof.verifies", &["JWS", key_url]),
                owner,
            )
        }
        Err(r) => (Check::failed(CheckId::Proof, r), None),
    }
}

/// A signed OB 2.0 assertion: the JWS verifies with the issuer's CryptographicKey, owned by the issuer. Until the
/// signature holds, the key is the only thing fetched: a forged assertion does not send Carnet to the addresses
/// it names (badge class, issuer profile, revocation list).
pub(crate) async fn verify_signed(
    jws: &Jws,
    assertion: Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let mut checks = vec![
        Check::passed(CheckId::Format, "an Open Badges 2.0 signed assertion").coded("format.ob2_signed", &[]),
    ];
    let key_url = signing_key_url(&assertion, &jws.header);
    let (proof_check, owner) = signature(jws, key_url.as_deref(), env).await;
    let proof_ok = proof_check.outcome == Outcome::Passed;
    // The badge class: fetched once the signature holds; before, only a copy inside the assertion is read.
    let badge = if proof_ok {
        linked(assertion.get("badge"), env).await.ok()
    } else {
        assertion.get("badge").filter(|b| b.is_object()).cloned()
    };
    let issuer_id = badge.as_ref().and_then(|b| id_of(b.get("issuer")));
    let inline_issuer = badge
        .as_ref()
        .and_then(|b| b.get("issuer"))
        .filter(|i| i.is_object())
        .cloned();
    checks.push(match (&badge, proof_ok) {
        (None, false) => Check::skipped(
            CheckId::Schema,
            "not checked: the badge class is not fetched before the signature holds",
        ),
        (badge, _) => badge_check(badge.as_ref()),
    });
    checks.push(proof_check);
    // The binding needs the issuer's own profile, fetched from its id (an inline copy in the payload proves
    // nothing): it must list the signing key, and the key document must name that issuer as owner.
    let issuer_profile = match (&issuer_id, proof_ok) {
        (Some(id), true) => keys::fetch_issuer_document(id, env)
            .await
            .map(|(d, _)| d)
            .map_err(|e| e.reason().to_owned()),
        _ => Err("not read".to_owned()),
    };
    let lists_key = |profile: &Value, key: &str| match profile.get("publicKey") {
        Some(Value::String(s)) => s == key,
        Some(Value::Array(a)) => a
            .iter()
            .any(|k| k.as_str() == Some(key) || str_of(k, "id") == Some(key)),
        Some(o @ Value::Object(_)) => str_of(o, "id") == Some(key),
        _ => false,
    };
    checks.push(match (proof_ok, &owner, &issuer_id, &issuer_profile) {
        (false, _, _, _) => Check::skipped(CheckId::IssuerBinding, "not checked: the proof did not verify"),
        (true, None, _, _) => Check::unchecked(CheckId::IssuerBinding, "the key document names no owner"),
        (true, _, None, _) => Check::unchecked(CheckId::IssuerBinding, "the assertion names no issuer"),
        (true, Some(o), Some(i), _) if o != i => Check::failed(
            CheckId::IssuerBinding,
            format!("the key belongs to {o}, not to the issuer {i}"),
        ),
        (true, _, Some(_), Err(why)) => Check::unchecked(
            CheckId::IssuerBinding,
            format!("the issuer's profile could not be read: {why}"),
        ),
        (true, Some(_), Some(i), Ok(profile)) => match &key_url {
            Some(k) if lists_key(profile, k) => Check::passed(
                CheckId::IssuerBinding,
                format!("the key belongs to the issuer {i}, whose profile lists it"),
            )
            .coded("binding.issuer_key", &[i, ""]),
            _ => Check::failed(
                CheckId::IssuerBinding,
                format!("the issuer {i}'s profile does not list the signing key"),
            ),
        },
    });
    let issuer = issuer_profile.ok().or(inline_issuer);
    checks.push(dates(&assertion, env.opts.now));
    checks.push(if proof_ok {
        revocation(&assertion, issuer.as_ref(), env).await
    } else {
        Check::skipped(CheckId::Status, "not checked: the proof did not verify")
    });
    checks.push(recipient(&assertion, &env.opts.identities));
    let info = info(&assertion, badge.as_ref(), issuer.as_ref());
    out.push(report(container, "ob2-signed", checks, info, assertion));
}

/// The `schema` check of an OB 2.0 assertion: its badge class could be read and has a name.
fn badge_check(badge: Option<&Value>) -> Check {
    match badge {
        Some(b) if str_of(b, "name").is_some() => {
            Check::passed(CheckId::Schema, "the badge class is readable")
        }
        Some(_) => Check::failed(CheckId::Schema, "the badge class has no name"),
        None => Check::unchecked(CheckId::Schema, "the badge class could not be read"),
    }
}

/// The report on a hosted assertion known only by its URL (not fetched, or gone).
fn url_report(container: Option<&'static str>, url: &str, checks: Vec<Check>) -> Report {
    let info = CredentialInfo {
        id: Some(url.to_owned()),
        ..CredentialInfo::default()
    };
    report(
        container,
        "ob2-hosted",
        checks,
        info,
        Value::String(url.to_owned()),
    )
}

/// A hosted assertion given by its URL (a baked badge that holds only the URL).
pub(crate) async fn verify_hosted(
    url: &str,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    check_hosted(url, None, container, env, out).await
}

/// A hosted assertion at `url` (`local`: the copy the learner holds, if any): fetch it; 410 means revoked. The
/// verdict is about the issuer's copy, so the report keeps that copy — its document and its bytes as served — and
/// never the local one.
async fn check_hosted(
    url: &str,
    local: Option<&Value>,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let unread = |why: String| {
        vec![
            Check::passed(CheckId::Format, "an Open Badges 2.0 hosted assertion (a URL)"),
            Check::unchecked(
                CheckId::Proof,
                format!("a hosted badge is checked at its issuer's address, which could not be read: {why}"),
            ),
            Check::skipped(
                CheckId::IssuerBinding,
                "not checked: the assertion could not be fetched",
            ),
            Check::skipped(CheckId::Dates, "not checked: the assertion could not be fetched"),
        ]
    };
    match env.net.fetch(url, env.cache).await {
        Err(e) => out.push(url_report(container, url, unread(e.to_string()))),
        // Served from elsewhere: not the issuer's word (an open redirect could point anywhere).
        Ok(f) if !f.resource.speaks_for(url) => out.push(url_report(
            container,
            url,
            unread(keys::not_its_own(url, &f.resource)),
        )),
        Ok(f) if f.resource.status == 410 => {
            let checks = vec![
                Check::passed(CheckId::Format, "an Open Badges 2.0 hosted assertion (a URL)"),
                Check::failed(
                    CheckId::Status,
                    format!(
                        "revoked: the issuer's server says the assertion is gone (HTTP 410, {})",
                        fmt_date(f.resource.fetched_at)
                    ),
                ),
            ];
            out.push(url_report(container, url, checks));
        }
        Ok(f) => match crate::json::parse_slice(&f.resource.body) {
            Ok(doc) if is_assertion(&doc) => {
                let differs = local.is_some_and(|l| *l != doc);
                let as_of = f.from_cache.then(|| fmt_date(f.resource.fetched_at));
                let mut report = hosted_checks(doc, url, as_of, differs, container, env).await;
                report.raw = Some(f.resource.body);
                out.push(report);
            }
            _ => out.push(super::error_report(
                container,
                format!("{url} does not hold an Open Badges assertion"),
            )),
        },
    }
}

/// An OB 2.0 assertion given as JSON.
pub(crate) async fn verify_assertion_json(
    doc: Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let vtype = doc
        .get("verification")
        .or_else(|| doc.get("verify"))
        .and_then(|v| str_of(v, "type"))
        .unwrap_or("")
        .to_ascii_lowercase();
    if vtype.contains("hosted") {
        // The local copy proves nothing: the copy at its id is authoritative.
        let Some(id) = str_of(&doc, "id").map(str::to_owned) else {
            return out.push(super::error_report(
                container,
                "a hosted assertion without an id cannot be checked".into(),
            ));
        };
        return check_hosted(&id, Some(&doc), container, env, out).await;
    }
    let checks = vec![
        Check::passed(
            CheckId::Format,
            "an Open Badges 2.0 signed assertion, without its signature",
        ),
        Check::unchecked(
            CheckId::Proof,
            "this is the JSON of a signed badge; its signature travels in the JWS form, which is not here",
        ),
        Check::skipped(CheckId::IssuerBinding, "not checked: no signature"),
        dates(&doc, env.opts.now),
    ];
    let info = info(&doc, doc.get("badge").filter(|b| b.is_object()), None);
    out.push(report(container, "ob2-signed", checks, info, doc));
}

/// The checks on the issuer's copy of a hosted assertion, fetched from `fetched_from`. `local_differs`: the learner's
/// copy is not the same document (the issuer's is the one checked, and kept).
async fn hosted_checks(
    doc: Value,
    fetched_from: &str,
    as_of: Option<String>,
    local_differs: bool,
    container: Option<&'static str>,
    env: &Env<'_>,
) -> Report {
    let mut checks = vec![Check::passed(
        CheckId::Format,
        if local_differs {
            "an Open Badges 2.0 hosted assertion; the local copy differs from the issuer's, which is the one \
             checked and kept"
        } else {
            "an Open Badges 2.0 hosted assertion"
        },
    )];
    let badge = linked(doc.get("badge"), env).await.ok();
    // The issuer's profile from its own address (an inline copy could name any allowed origin).
    let issuer_ref = badge
        .as_ref()
        .and_then(|b| id_of(b.get("issuer")))
        .map(Value::String);
    let issuer = linked(issuer_ref.as_ref(), env).await.ok();
    checks.push(badge_check(badge.as_ref()));
    let id = str_of(&doc, "id").unwrap_or("");
    let when = as_of.map(|d| format!(" (copy as of {d})")).unwrap_or_default();
    if fetched_from != id {
        checks.push(Check::failed(
            CheckId::Proof,
            format!("the assertion's id {id} is not the address it was fetched from"),
        ));
    } else if doc.get("revoked").and_then(Value::as_bool) == Some(true) {
        checks.push(Check::passed(
            CheckId::Proof,
            format!("fetched from the issuer's address{when}"),
        ));
        checks.push(Check::failed(CheckId::Status, "revoked by its issuer"));
    } else {
        checks.push(Check::passed(
            CheckId::Proof,
            format!("fetched from the issuer's address{when}"),
        ));
    }
    // allowedOrigins (default: the issuer's origin)
    let origin = |u: &str| url::Url::parse(u).ok().map(|p| p.origin().ascii_serialization());
    let allowed: Vec<String> = match issuer
        .as_ref()
        .and_then(|i| i.get("verification"))
        .and_then(|v| v.get("allowedOrigins"))
    {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => issuer
            .as_ref()
            .and_then(|i| str_of(i, "id"))
            .and_then(origin)
            .into_iter()
            .collect(),
    };
    let host = url::Url::parse(id)
        .ok()
        .and_then(|p| p.host_str().map(str::to_owned));
    checks.push(match (allowed.is_empty(), &host) {
        (true, _) => Check::unchecked(CheckId::IssuerBinding, "the issuer profile could not be read"),
        (false, Some(h))
            if allowed.iter().any(|a| {
                a == h || origin(id).as_deref() == Some(a.as_str()) || a.trim_start_matches("https://") == h
            }) =>
        {
            Check::passed(
                CheckId::IssuerBinding,
                format!("hosted at {h}, an origin the issuer allows"),
            )
        }
        (false, _) => Check::failed(
            CheckId::IssuerBinding,
            format!(
                "hosted at {}, which the issuer does not allow",
                host.unwrap_or_default()
            ),
        ),
    });
    checks.push(dates(&doc, env.opts.now));
    if !checks.iter().any(|c| c.id == CheckId::Status) {
        checks.push(Check::passed(CheckId::Status, "the issuer's copy is not revoked"));
    }
    checks.push(recipient(&doc, &env.opts.identities));
    let info = info(&doc, badge.as_ref(), issuer.as_ref());
    report(container, "ob2-hosted", checks, info, doc)
}
