//! SD-JWT credentials with a key-binding JWT (RFC 9901 §7.3), built here with Ed25519 keys: a good one passes the
//! `holder` check; a forged, replayed, mistyped, future or unbound one fails it and makes the credential invalid.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wallet_core::keys::SecretKey;
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::support::{at, did_key_vm, ob3_credential};

const NOW: &str = "2025-01-01T00:00:00Z";
const NONCE: &str = "n-0S6_WzA2Mj";
const AUD: &str = "https://verifier.example.org";

fn compact(header: &Value, payload: &Value, key: &SecretKey) -> String {
    let input = format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(header).unwrap()),
        B64.encode(serde_json::to_vec(payload).unwrap())
    );
    format!("{input}.{}", B64.encode(key.sign(input.as_bytes())))
}

fn jwk_of(key: &SecretKey) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": B64.encode(key.public_key().as_bytes())})
}

struct Parts {
    issuer: SecretKey,
    holder: SecretKey,
    /// Put in the issuer-signed payload as `cnf.jwk` (None: no `cnf`).
    cnf: Option<Value>,
}

impl Parts {
    fn new() -> Self {
        let holder = SecretKey::from_seed(&[52; 32]);
        Self {
            issuer: SecretKey::from_seed(&[51; 32]),
            cnf: Some(jwk_of(&holder)),
            holder,
        }
    }

    /// `issuer-signed JWT~disclosure~`: the credential's `awardedDate` is selectively disclosed.
    fn sd_jwt(&self) -> String {
        let (did, vm) = did_key_vm(&self.issuer);
        let disclosure = B64
            .encode(serde_json::to_vec(&json!(["c2FsdA", "awardedDate", "2024-01-01T00:00:00Z"])).unwrap());
        let mut vc = ob3_credential("urn:uuid:sd-kb", &did, "Secourisme");
        vc["_sd"] = json!([B64.encode(Sha256::digest(disclosure.as_bytes()))]);
        let mut payload = json!({"iss": did, "_sd_alg": "sha-256", "vc": vc});
        if let Some(jwk) = &self.cnf {
            payload["cnf"] = json!({ "jwk": jwk });
        }
        let jwt = compact(
            &json!({"alg": "EdDSA", "typ": "vc+sd-jwt", "kid": vm}),
            &payload,
            &self.issuer,
        );
        format!("{jwt}~{disclosure}~")
    }
}

/// A key-binding JWT over `presented`, signed by `key`, with `claims` changed as given.
fn kb_jwt(presented: &str, key: &SecretKey, typ: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut claims = json!({
        "iat": at(NOW).unix_timestamp() - 60,
        "aud": AUD,
        "nonce": NONCE,
        "sd_hash": B64.encode(Sha256::digest(presented.as_bytes())),
    });
    edit(&mut claims);
    compact(&json!({"alg": "EdDSA", "typ": typ}), &claims, key)
}

fn verify(text: &str, challenge: Option<&str>, domain: Option<&str>) -> Report {
    verify_at(text, challenge, domain, NOW)
}

fn verify_at(text: &str, challenge: Option<&str>, domain: Option<&str>, now: &str) -> Report {
    let mut opts = Options::at(at(now));
    opts.challenge = challenge.map(str::to_owned);
    opts.domain = domain.map(str::to_owned);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reports = rt.block_on(verify_bytes(
        text.as_bytes(),
        &Net::offline(),
        &MemoryCache::new(),
        &opts,
    ));
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports.into_iter().next().unwrap()
}

/// What is wrong, the key-binding JWT, the challenge and domain asked for, words the `holder` reason must hold.
type Case = (
    &'static str,
    String,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

fn holder(r: &Report) -> Option<(Outcome, String)> {
    r.checks
        .iter()
        .find(|c| c.id == CheckId::Holder)
        .map(|c| (c.outcome, c.reason.clone().unwrap_or_default()))
}

#[test]
fn a_key_binding_jwt_by_the_holder_key_passes_the_holder_check() {
    let parts = Parts::new();
    let presented = parts.sd_jwt();
    let text = format!(
        "{presented}{}",
        kb_jwt(&presented, &parts.holder, "kb+jwt", |_| {})
    );
    for (challenge, domain) in [(None, None), (Some(NONCE), Some(AUD))] {
        let r = verify(&text, challenge, domain);
        assert_eq!(r.verdict, Verdict::Valid, "{challenge:?}: {r:#?}");
        assert_eq!(r.format, "vc-jwt");
        let (outcome, why) = holder(&r).expect("a holder check");
        assert_eq!(outcome, Outcome::Passed, "{why}");
        assert!(why.contains("key binding") && why.contains("cnf"), "{why}");
        // The disclosure was read back into the credential the report describes.
        assert_eq!(
            r.document.as_ref().unwrap()["awardedDate"],
            "2024-01-01T00:00:00Z"
        );
    }
    // Judged at the last representable second, the clock-skew allowance does not overflow.
    let r = verify_at(&text, None, None, "9999-12-31T23:59:59Z");
    assert_eq!(holder(&r).map(|h| h.0), Some(Outcome::Passed), "{r:#?}");
    // Without a key-binding JWT there is nothing to check: no holder check, still valid — but a verifier asking
    // for a presentation (a challenge) did not get one.
    let r = verify(&presented, None, None);
    assert_eq!((r.verdict, holder(&r)), (Verdict::Valid, None), "{r:#?}");
    let r = verify(&presented, Some(NONCE), None);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(holder(&r).unwrap().1.contains("a presentation was asked for"));
}

#[test]
fn a_forged_or_misused_key_binding_jwt_fails_the_holder_check() {
    let parts = Parts::new();
    let presented = parts.sd_jwt();
    let intruder = SecretKey::from_seed(&[53; 32]);
    let future = at(NOW).unix_timestamp() + 3600;
    // The same SD-JWT without its disclosure: a key-binding JWT made for that presentation does not fit this one.
    let other_presentation = format!("{}~", presented.split('~').next().unwrap());
    let cases: Vec<Case> = vec![
        (
            "signed by another key than cnf's",
            kb_jwt(&presented, &intruder, "kb+jwt", |_| {}),
            None,
            None,
            "is not signed by the holder key the credential names (cnf)",
        ),
        (
            "made for another presentation (sd_hash)",
            kb_jwt(&other_presentation, &parts.holder, "kb+jwt", |_| {}),
            None,
            None,
            "sd_hash is not the digest of the SD-JWT",
        ),
        (
            "not typed kb+jwt",
            kb_jwt(&presented, &parts.holder, "JWT", |_| {}),
            None,
            None,
            "is typed JWT, not kb+jwt",
        ),
        (
            "made in the future",
            kb_jwt(&presented, &parts.holder, "kb+jwt", |c| c["iat"] = json!(future)),
            None,
            None,
            "was made in the future",
        ),
        (
            "without iat",
            kb_jwt(&presented, &parts.holder, "kb+jwt", |c| {
                c.as_object_mut().unwrap().remove("iat");
            }),
            None,
            None,
            "has no iat",
        ),
        (
            "for another challenge",
            kb_jwt(&presented, &parts.holder, "kb+jwt", |_| {}),
            Some("another-nonce"),
            None,
            "nonce is not the challenge \"another-nonce\"",
        ),
        (
            "for another verifier",
            kb_jwt(&presented, &parts.holder, "kb+jwt", |_| {}),
            None,
            Some("https://elsewhere.example"),
            "audience is not the domain \"https://elsewhere.example\"",
        ),
    ];
    for (what, kb, challenge, domain, words) in cases {
        let r = verify(&format!("{presented}{kb}"), challenge, domain);
        let (outcome, why) = holder(&r).unwrap_or_else(|| panic!("{what}: no holder check: {r:#?}"));
        assert_eq!(outcome, Outcome::Failed, "{what}: {why}");
        assert!(why.starts_with("the key-binding JWT"), "{what}: {why}");
        assert!(why.contains(words), "{what}: {why}");
        assert_eq!(r.verdict, Verdict::Invalid, "{what}");
        // The credential itself holds: the key binding is what failed.
        let failed: Vec<CheckId> = r
            .checks
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.id)
            .collect();
        assert_eq!(failed, vec![CheckId::Holder], "{what}: {r:#?}");
    }
}

#[test]
fn a_key_binding_jwt_needs_an_issuer_signed_holder_key() {
    // No cnf: nothing names the key the key-binding JWT should be signed with.
    let parts = Parts {
        cnf: None,
        ..Parts::new()
    };
    let presented = parts.sd_jwt();
    let r = verify(
        &format!(
            "{presented}{}",
            kb_jwt(&presented, &parts.holder, "kb+jwt", |_| {})
        ),
        None,
        None,
    );
    let (outcome, why) = holder(&r).unwrap();
    assert_eq!((outcome, r.verdict), (Outcome::Failed, Verdict::Invalid), "{why}");
    assert!(why.contains("names no holder key (cnf.jwk)"), "{why}");
    // An issuer signature that does not hold vouches for no cnf: the key binding is not judged on it.
    let parts = Parts::new();
    let presented = parts.sd_jwt();
    let mut pieces: Vec<String> = presented.split('.').map(str::to_owned).collect();
    let mut sig = B64.decode(pieces[2].split('~').next().unwrap()).unwrap();
    sig[0] ^= 1;
    let rest = pieces[2].split_once('~').unwrap().1.to_owned();
    pieces[2] = format!("{}~{rest}", B64.encode(sig));
    let tampered = pieces.join(".");
    let r = verify(
        &format!("{tampered}{}", kb_jwt(&tampered, &parts.holder, "kb+jwt", |_| {})),
        None,
        None,
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(
        r.checks.iter().find(|c| c.id == CheckId::Proof).unwrap().outcome,
        Outcome::Failed
    );
    let (outcome, why) = holder(&r).unwrap();
    assert_eq!(outcome, Outcome::Skipped, "{why}");
    assert!(why.contains("proof did not verify"), "{why}");
}
