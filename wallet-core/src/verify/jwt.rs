//! Compact JWS/JWT inputs: VC-JWT (VC 1.1 `vc` claim and VC 2.0 JOSE payloads), VP-JWT, and OB 2.0 signed
//! assertions, with the OB 3.0 claim mapping (`iss`, `sub`, `jti`, `nbf`, `exp`).

use serde_json::Value;
use time::OffsetDateTime;

use super::keys::KeyError;
use super::proof::{self, Jws};
use super::{error_report, ob2, verify_credential, Check, CheckId, Env, JwtFacts, Report, Verdict};

mod sd_jwt {
    //! Selective disclosure (SD-JWT, RFC 9901): disclosures are `[salt, name, value]` (object members) or
    //! `[salt, value]` (array elements), each matched to a SHA-256 digest in an `_sd` array or `{"...": digest}`.

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::{Map, Value};
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;

    pub fn disclose(payload: &mut Value, disclosures: &[&str]) -> Result<(), String> {
        if let Some(alg) = payload.get("_sd_alg").and_then(Value::as_str) {
            if alg != "sha-256" {
                return Err(format!("digest algorithm {alg} is not supported"));
            }
        }
        let mut by_digest: HashMap<String, Value> = HashMap::new();
        for d in disclosures {
            let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(d.as_bytes()));
            let bytes = URL_SAFE_NO_PAD
                .decode(d)
                .map_err(|_| "a disclosure is not base64url".to_owned())?;
            let v: Value = crate::json::parse_slice(&bytes).map_err(|e| format!("a disclosure: {e}"))?;
            by_digest.insert(digest, v);
        }
        let before = by_digest.len();
        apply(payload, &mut by_digest, 0)?;
        if !by_digest.is_empty() {
            return Err(format!(
                "{} of {before} disclosures are not covered by the signature",
                by_digest.len()
            ));
        }
        Ok(())
    }

    fn apply(v: &mut Value, pool: &mut HashMap<String, Value>, depth: usize) -> Result<(), String> {
        if depth > 64 {
            return Err("nested too deep".into());
        }
        match v {
            Value::Object(map) => {
                let digests: Vec<String> = match map.remove("_sd") {
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
                map.remove("_sd_alg");
                let mut added = Map::new();
                for dg in digests {
                    if let Some(Value::Array(d)) = pool.remove(&dg) {
                        if let [_, Value::String(name), value] = d.as_slice() {
                            if map.contains_key(name)
                                || added.contains_key(name)
                                || name == "_sd"
                                || name == "..."
                            {
                                return Err(format!("a disclosure would replace the claim {name}"));
                            }
                            added.insert(name.clone(), value.clone());
                        } else {
                            return Err("an object disclosure is not [salt, name, value]".into());
                        }
                    }
                }
                map.extend(added);
                for child in map.values_mut() {
                    apply(child, pool, depth + 1)?;
                }
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for mut item in std::mem::take(items) {
                    let digest = item
                        .as_object()
                        .filter(|o| o.len() == 1)
                        .and_then(|o| o.get("..."))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    match digest {
                        Some(dg) => {
                            if let Some(Value::Array(d)) = pool.remove(&dg) {
                                if let [_, value] = d.as_slice() {
                                    let mut value = value.clone();
                                    apply(&mut value, pool, depth + 1)?;
                                    out.push(value);
                                } else {
                                    return Err("an array disclosure is not [salt, value]".into());
                                }
                            }
                        }
                        None => {
                            apply(&mut item, pool, depth + 1)?;
                            out.push(item);
                        }
                    }
                }
                *items = out;
            }
            _ => {}
        }
        Ok(())
    }
}

fn numeric_date(v: Option<&Value>) -> Option<OffsetDateTime> {
    // NumericDate may carry a fraction (RFC 7519 §2).
    v.and_then(|n| {
        n.as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
    })
    .and_then(|n| OffsetDateTime::from_unix_timestamp(n).ok())
}

/// Verify a compact JWS found in the input (or inside a presentation / CLR / endorsement list).
pub(crate) async fn verify_compact(
    text: &str,
    container: Option<&'static str>,
    parent: Option<usize>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    // SD-JWT: `issuer-signed JWT~disclosure~…~` and, for SD-JWT+KB, a key-binding JWT after the last `~`.
    let (jws_text, disclosures, key_binding) = split_sd_jwt(text.trim());
    let jws = match proof::parse_jws(jws_text) {
        Ok(j) => j,
        Err(e) => return out.push(error_report(container, e)),
    };
    let mut payload: Value = match crate::json::parse_slice(&jws.payload) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return out.push(error_report(
                container,
                "the JWT payload is not a JSON object".into(),
            ))
        }
        Err(e) => return out.push(error_report(container, format!("the JWT payload: {e}"))),
    };
    // SD-JWT: put the disclosed claims back where their digests are; a disclosure the signature does not cover
    // is refused.
    if !disclosures.is_empty() {
        if let Err(e) = sd_jwt::disclose(&mut payload, &disclosures) {
            return out.push(error_report(container, format!("the SD-JWT cannot be read: {e}")));
        }
    }
    if payload.get("vp").is_some() {
        if key_binding.is_some() {
            return out.push(error_report(
                container,
                "a key-binding JWT is attached to a presentation; only an SD-JWT credential carries one"
                    .into(),
            ));
        }
        return verify_vp_jwt(&jws, &payload, container, env, out).await;
    }
    let (mut credential, format) = match payload.get("vc") {
        Some(vc @ Value::Object(_)) => (vc.clone(), "vc-jwt"),
        Some(_) => {
            return out.push(error_report(
                container,
                "the JWT's vc claim is not an object".into(),
            ))
        }
        None if super::has_type(&payload, "VerifiableCredential") => (payload.clone(), "vc-jwt"),
        None if ob2::is_assertion(&payload) && key_binding.is_none() => {
            return ob2::verify_signed(&jws, payload, container, env, out).await;
        }
        None => {
            return out.push(error_report(
                container,
                "the JWT carries no credential (no vc claim, no credential payload)".into(),
            ))
        }
    };
    let mut report = {
        let facts = jwt_facts(&jws, &payload, &mut credential, format, env).await;
        verify_credential(&credential, container, format, Some(facts), parent, env, 0).await
    };
    report.parent = parent;
    if let Some((presented, kb)) = key_binding {
        // Only an issuer-signed payload names the holder's key: with the proof not holding, `cnf` is anybody's word.
        let proof_ok = report
            .checks
            .iter()
            .any(|c| c.id == CheckId::Proof && c.outcome == super::Outcome::Passed);
        let check = match proof_ok {
            true => key_binding_check(kb, presented, &payload, env),
            false => Check::skipped(
                CheckId::Holder,
                "key binding not checked: the credential's proof did not verify",
            ),
        };
        if check.outcome == super::Outcome::Failed && report.verdict != Verdict::Error {
            report.verdict = Verdict::Invalid;
        }
        report.checks.push(check);
    }
    // A CLR carries full credentials: each gets its own report, after the record's (as for a JSON-LD CLR). Inside a
    // presentation or another record they are not unpacked further.
    let inner = match (report.kind, parent) {
        ("clr", None) => super::first_subject(&credential)
            .map(super::embedded_credentials)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let me = out.len();
    out.push(report);
    for item in &inner {
        super::verify_embedded(item, container, me, env, out).await;
    }
}

/// `jws~d1~…~dn~kb` → the issuer-signed JWS, the disclosures, and — when the part after the last `~` is a JWS — the
/// key-binding JWT with the SD-JWT as presented (everything up to and including that `~`, which its `sd_hash`
/// covers). A plain JWT has neither. Every part between the first and the last `~` is a disclosure, whatever it
/// looks like: one that is not base64url is refused when read, never skipped.
fn split_sd_jwt(text: &str) -> (&str, Vec<&str>, Option<(&str, &str)>) {
    let Some(last) = text.rfind('~') else {
        return (text, Vec::new(), None);
    };
    let (presented, tail) = (&text[..=last], &text[last + 1..]);
    let mut parts = presented[..last].split('~');
    let jws = parts.next().unwrap_or("");
    let mut disclosures: Vec<&str> = parts.filter(|d| !d.is_empty()).collect();
    let key_binding = match tail {
        "" => None,
        kb if kb.contains('.') => Some((presented, kb)),
        // No trailing `~`: the last part is one more disclosure (a form seen in the wild).
        d => {
            disclosures.push(d);
            None
        }
    };
    (jws, disclosures, key_binding)
}

/// How far in the future a key-binding JWT's `iat` may be (clocks differ).
const KB_CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// RFC 9901 §7.3: the key-binding JWT is typed `kb+jwt`, signed by the key the issuer put in `cnf.jwk`, its
/// `sd_hash` is the digest of the SD-JWT it came with, its `iat` is not in the future, and it names an audience and
/// a nonce — the verifier's domain and challenge, when they are given. Reported as the `holder` check.
fn key_binding_check(kb: &str, presented: &str, payload: &Value, env: &Env<'_>) -> Check {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let fail = |why: String| Check::failed(CheckId::Holder, format!("the key-binding JWT{why}"));
    let jws = match proof::parse_jws(kb) {
        Ok(j) => j,
        Err(e) => return fail(format!(" cannot be read: {e}")),
    };
    match jws.header.get("typ").and_then(Value::as_str) {
        Some("kb+jwt") => {}
        Some(other) => return fail(format!(" is typed {other}, not kb+jwt")),
        None => return fail(" has no typ (kb+jwt)".into()),
    }
    let alg = match proof::jws_algorithm(&jws.header) {
        Ok(a) => a,
        Err(e) => return fail(format!(": {e}")),
    };
    if let Err(e) = proof::check_signature_shape(alg, &jws.signature) {
        return fail(format!(": {e}"));
    }
    let Some(cnf) = payload.get("cnf").and_then(|c| c.get("jwk")) else {
        return fail(
            " is attached, but the credential names no holder key (cnf.jwk) to check it with".into(),
        );
    };
    let jwk: ssi::jwk::JWK = match serde_json::from_value(cnf.clone()) {
        Ok(k) => k,
        Err(e) => {
            return fail(format!(
                " cannot be checked: the credential's cnf.jwk is not a JWK ({e})"
            ))
        }
    };
    if let Err(e) = proof::verify_signature(alg, jws.signing_input.as_bytes(), &jwk, &jws.signature) {
        return fail(format!(
            " is not signed by the holder key the credential names (cnf): {e}"
        ));
    }
    let claims: Value = match crate::json::parse_slice(&jws.payload) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return fail("'s payload is not a JSON object".into()),
        Err(e) => return fail(format!("'s payload: {e}")),
    };
    // The SD-JWT's digest algorithm (only sha-256 is read, by `disclose` too).
    match payload.get("_sd_alg").and_then(Value::as_str) {
        None | Some("sha-256") => {}
        Some(other) => {
            return fail(format!(
                " cannot be checked: digest algorithm {other} is not supported"
            ))
        }
    }
    let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(presented.as_bytes()));
    match claims.get("sd_hash").and_then(Value::as_str) {
        Some(h) if h == digest => {}
        Some(_) => {
            return fail(
                "'s sd_hash is not the digest of the SD-JWT it came with (its disclosures differ)".into(),
            )
        }
        None => return fail(" has no sd_hash".into()),
    }
    let Some(iat) = numeric_date(claims.get("iat")) else {
        return fail(" has no iat".into());
    };
    // (At the very end of time nothing is later: no overflow.)
    if env
        .opts
        .now
        .checked_add(KB_CLOCK_SKEW)
        .is_some_and(|limit| iat > limit)
    {
        return fail(format!(" was made in the future (iat {})", super::fmt_date(iat)));
    }
    let (nonce, aud) = (claims.get("nonce"), claims.get("aud"));
    if nonce.and_then(Value::as_str).is_none() || aud.is_none() {
        return fail(" lacks its nonce or aud".into());
    }
    if let Some(c) = &env.opts.challenge {
        if nonce.and_then(Value::as_str) != Some(c.as_str()) {
            return fail(format!("'s nonce is not the challenge \"{c}\""));
        }
    }
    if let Some(d) = &env.opts.domain {
        if !super::names(aud, d) {
            return fail(format!("'s audience is not the domain \"{d}\""));
        }
    }
    Check::passed(
        CheckId::Holder,
        format!(
            "key binding: presented by the holder key the credential names (cnf), at {}",
            super::fmt_date(iat)
        ),
    )
}

/// Check the JWS and map its claims onto the credential (filling what the VC 1.1 encoding moved to claims).
async fn jwt_facts(
    jws: &Jws,
    payload: &Value,
    credential: &mut Value,
    format: &'static str,
    env: &Env<'_>,
) -> JwtFacts {
    let claim = |k: &str| payload.get(k).and_then(Value::as_str).map(str::to_owned);
    let (iss, sub, jti) = (claim("iss"), claim("sub"), claim("jti"));
    let nbf = numeric_date(payload.get("nbf"));
    let exp = numeric_date(payload.get("exp"));
    let kid = jws
        .header
        .get("kid")
        .and_then(Value::as_str)
        .map(|k| match (k.starts_with('#'), &iss) {
            (true, Some(i)) => format!("{i}{k}"),
            _ => k.to_owned(),
        });
    let mut facts = JwtFacts {
        nbf,
        exp,
        format,
        kid,
        ..JwtFacts::default()
    };
    if let Some(map) = credential.as_object_mut() {
        // The VC 1.1 JWT encoding may move these out of `vc`: put them back before checking.
        if !map.contains_key("issuer") {
            if let Some(i) = &iss {
                map.insert("issuer".into(), Value::String(i.clone()));
            }
        }
        if !map.contains_key("id") {
            if let Some(j) = &jti {
                map.insert("id".into(), Value::String(j.clone()));
            }
        }
        if let (Some(s), Some(Value::Object(subject))) = (&sub, map.get_mut("credentialSubject")) {
            subject.entry("id").or_insert_with(|| Value::String(s.clone()));
        }
    }
    // The dates, too: one credential, one validity period, whether the JWT's claims or the credential say it.
    let vc2 = super::context_urls_first(credential) == Some("https://www.w3.org/ns/credentials/v2");
    let (start_name, end_name) = match vc2 {
        true => ("validFrom", "validUntil"),
        false => ("issuanceDate", "expirationDate"),
    };
    for (claim, value, names) in [
        ("nbf", nbf, [start_name, "issuanceDate"]),
        ("exp", exp, [end_name, "expirationDate"]),
    ] {
        let Some(t) = value else { continue };
        let stated = names.iter().find_map(|n| {
            credential
                .get(*n)
                .and_then(Value::as_str)
                .map(|s| (*n, s.to_owned()))
        });
        match stated {
            Some((name, s)) => match super::parse_date(&s) {
                Some(d) if d.unix_timestamp() != t.unix_timestamp() => facts.claim_mismatch.push(format!(
                    "{claim} {} is not the credential's {name} {s}",
                    super::fmt_date(t)
                )),
                _ => {}
            },
            None => {
                if let Some(map) = credential.as_object_mut() {
                    let name = if claim == "nbf" { start_name } else { end_name };
                    map.insert(name.into(), Value::String(super::fmt_date(t)));
                }
            }
        }
    }
    let issuer = super::issuer_id(credential);
    if let (Some(i), Some(c)) = (&iss, &issuer) {
        if i != c {
            facts.iss_mismatch = Some(format!("the JWT's iss {i} is not the credential's issuer {c}"));
        }
    }
    let subject_id = super::first_subject(credential)
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str);
    if let (Some(s), Some(c)) = (&sub, subject_id) {
        if s != c {
            facts
                .claim_mismatch
                .push(format!("sub {s} is not the subject {c}"));
        }
    }
    if let (Some(j), Some(c)) = (&jti, credential.get("id").and_then(Value::as_str)) {
        if j != c {
            facts
                .claim_mismatch
                .push(format!("jti {j} is not the credential id {c}"));
        }
    }
    let (check, key) = check_jws(jws, iss.as_deref().or(issuer.as_deref()), "assertionMethod", env).await;
    facts.proof = Some(check);
    facts.key = key;
    facts
}

/// The JWS signature itself: algorithm, key, signature.
pub(crate) async fn check_jws(
    jws: &Jws,
    iss: Option<&str>,
    purpose: &str,
    env: &Env<'_>,
) -> (Check, Option<super::ResolvedKey>) {
    let alg = match proof::jws_algorithm(&jws.header) {
        Ok(a) => a,
        Err(r) => return (Check::failed(CheckId::Proof, r), None),
    };
    if let Err(r) = proof::check_signature_shape(alg, &jws.signature) {
        return (Check::failed(CheckId::Proof, r), None);
    }
    let (key, kid) = match proof::jws_key(&jws.header, iss, purpose, env).await {
        Ok(k) => k,
        Err(KeyError::Unresolvable(r)) => return (Check::unchecked(CheckId::Proof, r), None),
        Err(KeyError::Invalid(r)) => return (Check::failed(CheckId::Proof, r), None),
    };
    match proof::verify_signature(alg, jws.signing_input.as_bytes(), &key.jwk, &jws.signature) {
        Ok(()) => {
            let alg_name = jws.header.get("alg").and_then(Value::as_str).unwrap_or("");
            (
                Check::passed(
                    CheckId::Proof,
                    format!("{alg_name} JWT signature by {kid} verifies"),
                )
                .coded("proof.verifies", &[&format!("{alg_name} JWT"), &kid]),
                Some(key),
            )
        }
        Err(r) => (Check::failed(CheckId::Proof, r), None),
    }
}

/// A VP-JWT: `iss` is the holder, `nonce` the challenge, `aud` the domain; then each credential in `vp`.
async fn verify_vp_jwt(
    jws: &Jws,
    payload: &Value,
    container: Option<&'static str>,
    env: &Env<'_>,
    out: &mut Vec<Report>,
) {
    let vp = payload.get("vp").cloned().unwrap_or(Value::Null);
    let iss = payload.get("iss").and_then(Value::as_str);
    let holder = vp.get("holder").and_then(Value::as_str).or(iss);
    let mut checks = vec![Check::passed(CheckId::Format, "a verifiable presentation (JWT)")];
    let (mut proof_check, key) = check_jws(jws, iss, "authentication", env).await;
    if proof_check.outcome == super::Outcome::Passed {
        let mut problems = Vec::new();
        if let Some(c) = &env.opts.challenge {
            if payload.get("nonce").and_then(Value::as_str) != Some(c) {
                problems.push(format!("the nonce is not the challenge \"{c}\""));
            }
        }
        if let Some(d) = &env.opts.domain {
            if !super::names(payload.get("aud"), d) {
                problems.push(format!("the audience is not the domain \"{d}\""));
            }
        }
        if !problems.is_empty() {
            proof_check = Check::failed(CheckId::Proof, problems.join("; "));
        }
    }
    let proof_ok = proof_check.outcome == super::Outcome::Passed;
    checks.push(proof_check);
    checks.push(match (&key, proof_ok) {
        (Some(k), true) => {
            let mut c = super::holder_check(holder, k.controller.as_deref(), k.unbound_reason.as_deref());
            if let (Some(i), Some(h)) = (iss, vp.get("holder").and_then(Value::as_str)) {
                if i != h {
                    c = Check::failed(
                        CheckId::Holder,
                        format!("the JWT's iss {i} is not the holder {h}"),
                    );
                }
            }
            c
        }
        _ => Check::skipped(
            CheckId::Holder,
            "not checked: the presentation's proof did not verify",
        ),
    });
    let now = env.opts.now;
    let nbf = numeric_date(payload.get("nbf"));
    let exp = numeric_date(payload.get("exp"));
    if nbf.is_some_and(|t| now < t) {
        checks.push(Check::failed(
            CheckId::Dates,
            "the presentation is not valid yet (nbf)",
        ));
    } else if exp.is_some_and(|t| now > t) {
        checks.push(Check::failed(
            CheckId::Dates,
            "the presentation has expired (exp)",
        ));
    } else if nbf.is_some() || exp.is_some() {
        checks.push(Check::passed(CheckId::Dates, "within the presentation's nbf/exp"));
    }
    let verdict = match vp.is_object() {
        true => super::verdict(&checks, &[CheckId::Proof, CheckId::Holder]),
        false => Verdict::Error,
    };
    super::push_presentation(
        "vp-jwt",
        verdict,
        checks,
        &vp,
        payload.clone(),
        container,
        env,
        out,
    )
    .await;
}
