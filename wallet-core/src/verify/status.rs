//! The `status` check: BitstringStatusList, StatusList2021 and 1EdTechRevocationList, fetched through `net`
//! (cached with their fetch date); a list is trusted only when its own proof and dates hold.

use std::io::Read;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;

use super::keys;
use super::proof::{self, ProofOutcome};
use super::{fmt_date, parse_date, Check, CheckId, Env};

/// A status list expands to at most this many bytes (131,072 entries need 16 KiB; 16 MiB is generous).
const MAX_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// A reason's code and values (see [`super::Check::code`]).
type Code = (&'static str, Vec<String>);

enum Finding {
    Clear(String, Code),
    Set(String, Code),
    Unchecked(String),
    /// The list itself is not trustworthy (altered, expired, not the issuer's).
    Untrusted(String),
}

pub(crate) async fn check(doc: &Value, env: &Env<'_>) -> Check {
    let entries: Vec<&Value> = match doc.get("credentialStatus") {
        None => {
            return Check::skipped(CheckId::Status, "the issuer gives no way to check revocation")
                .coded("status.none", &[])
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    };
    let mut findings = Vec::new();
    for e in entries {
        findings.push(entry(doc, e, env).await);
    }
    let mut clear = Vec::new();
    let mut unchecked = Vec::new();
    for f in findings {
        match f {
            Finding::Set(r, (code, args)) => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                return Check::failed(CheckId::Status, r).coded(code, &args);
            }
            Finding::Untrusted(r) => return Check::failed(CheckId::Status, r),
            Finding::Unchecked(r) => unchecked.push(r),
            Finding::Clear(r, code) => clear.push((r, code)),
        }
    }
    if !unchecked.is_empty() {
        return Check::unchecked(CheckId::Status, unchecked.join("; "));
    }
    let reasons: Vec<&str> = clear.iter().map(|(r, _)| r.as_str()).collect();
    let passed = Check::passed(CheckId::Status, reasons.join("; "));
    match clear.as_slice() {
        [(_, (code, args))] => {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            passed.coded(code, &args)
        }
        _ => passed,
    }
}

async fn entry(doc: &Value, e: &Value, env: &Env<'_>) -> Finding {
    let etype = super::types_of(e).into_iter().next().unwrap_or_default();
    match etype.as_str() {
        "BitstringStatusListEntry" => bitstring(doc, e, "BitstringStatusListCredential", env).await,
        "StatusList2021Entry" => bitstring(doc, e, "StatusList2021Credential", env).await,
        "1EdTechRevocationList" => revocation_list(doc, e, env).await,
        "" => Finding::Unchecked("a status entry has no type".into()),
        other => Finding::Unchecked(format!("the status type {other} is not supported")),
    }
}

fn when(as_of: &Option<String>) -> String {
    match as_of {
        Some(d) => format!(" (offline: list as fetched on {d})"),
        None => String::new(),
    }
}

/// A list through `net`. A signed list (`signed`: its proof and issuer are checked next) may be served from wherever
/// redirects lead; an unsigned one speaks for its issuer only from its own address's origin.
async fn fetch(url: &str, signed: bool, env: &Env<'_>) -> Result<(Value, Option<String>), Finding> {
    let fetched = if signed {
        keys::fetch_signed_json(url, env).await
    } else {
        keys::fetch_json(url, env).await
    };
    fetched.map_err(|e| match e {
        keys::KeyError::Unresolvable(r) => Finding::Unchecked(format!("status not checked: {r}")),
        // A page that is not a list (a captive portal, an error page) says nothing about revocation.
        keys::KeyError::Invalid(r) => {
            Finding::Unchecked(format!("status not checked: the list is unreadable ({r})"))
        }
    })
}

async fn bitstring(doc: &Value, e: &Value, list_type: &str, env: &Env<'_>) -> Finding {
    let Some(url) = super::id_of(e.get("statusListCredential")) else {
        return Finding::Untrusted("the status entry names no statusListCredential".into());
    };
    let index = match e.get("statusListIndex") {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let Some(index) = index else {
        return Finding::Untrusted("the status entry's statusListIndex is not a number".into());
    };
    let purpose = e
        .get("statusPurpose")
        .and_then(Value::as_str)
        .unwrap_or("revocation")
        .to_owned();
    let size = match e.get("statusSize") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(t)) => t.parse().unwrap_or(0),
        _ => 1,
    };
    if size != 1 {
        return Finding::Unchecked(format!("status entries of {size} bits are not supported"));
    }
    let url = url.as_str();
    let (written, as_of) = match fetch(url, true, env).await {
        Ok(v) => v,
        Err(f) => return f,
    };
    // Trust the list only if its issuer signed it and it is current; read it as signed.
    let di = proof::verify_data_integrity(&written, "assertionMethod", env).await;
    let list = di.view.unwrap_or(written);
    if !super::types_of(&list).iter().any(|t| t == list_type) {
        return Finding::Untrusted(format!("the status list {url} is not a {list_type}"));
    }
    match di.outcome {
        ProofOutcome::Valid { key, .. } => {
            let list_issuer = super::issuer_id(&list);
            if key.controller.is_some() && key.controller != list_issuer {
                return Finding::Untrusted(format!("the status list {url} is not signed by its issuer"));
            }
            if key.controller.is_none() {
                // A key only the list asserts: the issuer's own document must list it.
                let confirmed = match &list_issuer {
                    Some(i) => keys::bind_via_issuer(&key.jwk, i, env).await,
                    None => Err("the list names no issuer".to_owned()),
                };
                if let Err(why) = confirmed {
                    return Finding::Unchecked(format!(
                        "the status list {url}'s signer is not confirmed: {why}"
                    ));
                }
            }
            if list_issuer.is_some() && list_issuer != super::issuer_id(doc) {
                return Finding::Untrusted(format!("the status list {url} was issued by someone else"));
            }
        }
        ProofOutcome::Invalid(r) => {
            return Finding::Untrusted(format!(
                "the status list {url} has been altered or is badly signed: {r}"
            ))
        }
        ProofOutcome::Unchecked(r) => {
            return Finding::Unchecked(format!("the status list {url} could not be checked: {r}"))
        }
    }
    let now = env.opts.now;
    for (field, past) in [
        ("validUntil", true),
        ("expirationDate", true),
        ("validFrom", false),
    ] {
        if let Some(t) = super::first_str(list.get(field)).and_then(parse_date) {
            if past && now > t && as_of.is_some() {
                // Offline, the cached copy has expired: the issuer has probably published a newer one.
                return Finding::Unchecked(format!(
                    "status not checked: the cached copy of {url} expired on {}",
                    fmt_date(t)
                ));
            }
            if past && now > t {
                return Finding::Untrusted(format!("the status list {url} expired on {}", fmt_date(t)));
            }
            if !past && now < t {
                return Finding::Untrusted(format!(
                    "the status list {url} is not valid before {}",
                    fmt_date(t)
                ));
            }
        }
    }
    let subject = super::first_subject(&list);
    let list_purpose = super::first_str(subject.and_then(|s| s.get("statusPurpose")));
    if list_purpose.is_some_and(|p| p != purpose) {
        return Finding::Untrusted(format!(
            "the status list {url} is for {}, not {purpose}",
            list_purpose.unwrap_or("")
        ));
    }
    let Some(encoded) = super::first_str(subject.and_then(|s| s.get("encodedList"))) else {
        return Finding::Untrusted(format!("the status list {url} has no encodedList"));
    };
    let bits = match decode_list(encoded) {
        Ok(b) => b,
        Err(r) => return Finding::Untrusted(format!("the status list {url} cannot be decoded: {r}")),
    };
    let byte = (index / 8) as usize;
    let Some(b) = bits.get(byte) else {
        return Finding::Untrusted(format!(
            "index {index} is beyond the end of the status list {url}"
        ));
    };
    let set = b & (0x80 >> (index % 8)) != 0;
    let note = when(&as_of);
    let as_of = as_of.unwrap_or_default();
    match (set, purpose.as_str()) {
        (true, "suspension") => Finding::Set(
            format!("suspended by its issuer{note}"),
            ("status.suspended", vec![as_of]),
        ),
        (true, _) => Finding::Set(
            format!("revoked by its issuer{note}"),
            ("status.revoked", vec![as_of]),
        ),
        (false, p) => Finding::Clear(
            format!("not on the issuer's {p} list{note}"),
            ("status.clear", vec![p.to_owned(), as_of]),
        ),
    }
}

/// `u` + base64url(GZIP(bits)) (multibase); StatusList2021 lists may lack the `u`.
pub(crate) fn decode_list(encoded: &str) -> Result<Vec<u8>, String> {
    let body = encoded.strip_prefix('u').unwrap_or(encoded);
    let compressed = URL_SAFE_NO_PAD
        .decode(body)
        .or_else(|_| URL_SAFE.decode(body))
        .or_else(|_| STANDARD.decode(encoded))
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .map_err(|_| "encodedList is not base64".to_owned())?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("not GZIP data ({e})"))?;
    if out.len() as u64 > MAX_LIST_BYTES {
        return Err("the list is too large".into());
    }
    Ok(out)
}

async fn revocation_list(doc: &Value, e: &Value, env: &Env<'_>) -> Finding {
    let Some(url) = super::id_of(e.get("id")) else {
        return Finding::Untrusted("the revocation list entry has no id".into());
    };
    let url = url.as_str();
    let (list, as_of) = match fetch(url, false, env).await {
        Ok(v) => v,
        Err(f) => return f,
    };
    let Some(id) = doc.get("id").and_then(Value::as_str) else {
        return Finding::Unchecked("the credential has no id to look up".into());
    };
    let revoked = ["revokedCredential", "revokedCredentials"].iter().any(|k| {
        list.get(*k).and_then(Value::as_array).is_some_and(|items| {
            items
                .iter()
                .any(|i| i.as_str() == Some(id) || i.get("id").and_then(Value::as_str) == Some(id))
        })
    });
    let note = when(&as_of);
    let as_of = as_of.unwrap_or_default();
    if revoked {
        Finding::Set(
            format!("revoked by its issuer{note}"),
            ("status.revoked", vec![as_of]),
        )
    } else {
        Finding::Clear(
            format!("not on the issuer's revocation list{note}"),
            ("status.clear", vec!["revocation".to_owned(), as_of]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn bit_order_is_msb_first() {
        let mut bits = vec![0u8; 16];
        bits[2] = 0b0000_0001; // index 23
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&bits).unwrap();
        let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
        let decoded = decode_list(&encoded).unwrap();
        assert_eq!(decoded[2] & (0x80 >> (23 % 8)), 1);
    }

    #[test]
    fn gzip_bomb_is_bounded() {
        let zeros = vec![0u8; (MAX_LIST_BYTES + 1024) as usize];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&zeros).unwrap();
        let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
        assert!(decode_list(&encoded).unwrap_err().contains("too large"));
    }
}
