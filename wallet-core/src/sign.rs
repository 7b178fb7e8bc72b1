//! Signing credentials and presentations: Data Integrity `eddsa-rdfc-2022` and `Ed25519Signature2020` proofs over
//! RDFC-1.0, compact EdDSA VC-JWTs with the OB 3.0 claim mapping, RS256 JWS, and VP-JWTs. The exact inverse of `verify` (which
//! checks everything signed here).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::keys::SecretKey;

/// Why a document could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document cannot be canonicalized: {0}")]
    Canonical(#[from] crate::ld::LdError),
    #[error("cannot encode the JWT: {0}")]
    Encode(String),
}

/// What a Data Integrity proof says besides its signature.
#[derive(Debug, Clone)]
pub struct ProofOptions<'a> {
    /// The verification method (a DID URL of the signing key).
    pub verification_method: &'a str,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub purpose: &'a str,
    pub created: OffsetDateTime,
    pub challenge: Option<&'a str>,
    pub domain: Option<&'a str>,
}

/// `doc` with an `eddsa-rdfc-2022` DataIntegrityProof added (any proof already there is replaced).
pub async fn data_integrity(
    doc: &Value,
    key: &SecretKey,
    opts: &ProofOptions<'_>,
) -> Result<Value, SignError> {
    prove(
        doc,
        key,
        opts,
        json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}),
    )
    .await
}

/// `doc` with an `Ed25519Signature2020` proof added (VC 1.1 documents, whose `@context` must include
/// `https://w3id.org/security/suites/ed25519-2020/v1`).
pub async fn ed25519_signature_2020(
    doc: &Value,
    key: &SecretKey,
    opts: &ProofOptions<'_>,
) -> Result<Value, SignError> {
    prove(doc, key, opts, json!({"type": "Ed25519Signature2020"})).await
}

/// Both suites sign sha256(canonical proof configuration) ‖ sha256(canonical document), multibase base58btc.
async fn prove(
    doc: &Value,
    key: &SecretKey,
    opts: &ProofOptions<'_>,
    suite: Value,
) -> Result<Value, SignError> {
    let mut unsecured = doc.clone();
    unsecured
        .as_object_mut()
        .ok_or(SignError::NotAnObject)?
        .remove("proof");
    let created = opts
        .created
        .replace_nanosecond(0)
        .unwrap_or(opts.created)
        .format(&Rfc3339)
        .map_err(|e| SignError::Encode(e.to_string()))?;
    let mut proof = suite;
    if let Some(map) = proof.as_object_mut() {
        map.insert("created".into(), Value::String(created));
        map.insert(
            "verificationMethod".into(),
            Value::String(opts.verification_method.to_owned()),
        );
        map.insert("proofPurpose".into(), Value::String(opts.purpose.to_owned()));
        if let Some(c) = opts.challenge {
            map.insert("challenge".into(), Value::String(c.to_owned()));
        }
        if let Some(d) = opts.domain {
            map.insert("domain".into(), Value::String(d.to_owned()));
        }
    }
    let input = crate::verify::data_integrity_signing_input(&unsecured, &proof).await?;
    let signature = key.sign(&input);
    if let Some(map) = proof.as_object_mut() {
        map.insert(
            "proofValue".into(),
            Value::String(multibase::encode(multibase::Base::Base58Btc, signature)),
        );
    }
    let mut signed = unsecured;
    if let Some(map) = signed.as_object_mut() {
        map.insert("proof".into(), proof);
    }
    Ok(signed)
}

/// A compact EdDSA VP-JWT: `iss` = holder, `jti` = the presentation's id, `iat` / `nbf` = now, `nonce` = the
/// verifier's challenge, `aud` = its domain, and the presentation in the `vp` claim.
pub fn vp_jwt(
    vp: &Value,
    key: &SecretKey,
    kid: &str,
    challenge: Option<&str>,
    domain: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, SignError> {
    let mut payload = json!({ "vp": vp, "iat": now.unix_timestamp(), "nbf": now.unix_timestamp() });
    let map = payload.as_object_mut().ok_or(SignError::NotAnObject)?;
    if let Some(h) = vp.get("holder").and_then(Value::as_str) {
        map.insert("iss".into(), Value::String(h.to_owned()));
    }
    if let Some(id) = vp.get("id").and_then(Value::as_str) {
        map.insert("jti".into(), Value::String(id.to_owned()));
    }
    if let Some(c) = challenge {
        map.insert("nonce".into(), Value::String(c.to_owned()));
    }
    if let Some(d) = domain {
        map.insert("aud".into(), Value::String(d.to_owned()));
    }
    compact_jws(&json!({"alg": "EdDSA", "typ": "JWT", "kid": kid}), &payload, key)
}

/// An OpenID4VCI key proof (`typ: openid4vci-proof+jwt`, EdDSA): `kid` = the holder's DID URL, `aud` = the
/// credential issuer's identifier, `iat` = now, and the issuer's `c_nonce` when it gave one. No `iss`: the
/// pre-authorized flow is anonymous.
pub fn openid4vci_proof(
    key: &SecretKey,
    kid: &str,
    audience: &str,
    nonce: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, SignError> {
    let mut payload = json!({ "aud": audience, "iat": now.unix_timestamp() });
    if let (Some(n), Some(map)) = (nonce, payload.as_object_mut()) {
        map.insert("nonce".into(), Value::String(n.to_owned()));
    }
    compact_jws(
        &json!({"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": kid}),
        &payload,
        key,
    )
}

fn compact_jws(header: &Value, payload: &Value, key: &SecretKey) -> Result<String, SignError> {
    jws_with(header, payload, |input| Ok(key.sign(input).to_vec()))
}

/// A compact RS256 JWS (RSASSA-PKCS1-v1_5 with SHA-256, deterministic), as Open Badges 2.0 signed assertions and
/// RS256 VC-JWTs are.
pub fn rs256_jws(header: &Value, payload: &Value, key: &rsa::RsaPrivateKey) -> Result<String, SignError> {
    use sha2::Digest;
    jws_with(header, payload, |input| {
        key.sign(
            rsa::PaddingScheme::new_pkcs1v15_sign(Some(rsa::Hash::SHA2_256)),
            &sha2::Sha256::digest(input),
        )
        .map_err(|e| SignError::Encode(e.to_string()))
    })
}

/// `base64url(header).base64url(payload).base64url(sign(signing input))`.
fn jws_with(
    header: &Value,
    payload: &Value,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, SignError>,
) -> Result<String, SignError> {
    let enc = |v: &Value| {
        serde_json::to_vec(v)
            .map(|b| URL_SAFE_NO_PAD.encode(b))
            .map_err(|e| SignError::Encode(e.to_string()))
    };
    let input = format!("{}.{}", enc(header)?, enc(payload)?);
    let sig = sign(input.as_bytes())?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

/// The VC-JWT payload of a credential (VC 2.0 style: the credential itself), with `iss` = issuer id, `sub` = subject
/// id, `jti` = credential id, `nbf` / `exp` from `validFrom` / `validUntil`.
pub fn vc_jwt_claims(credential: &Value) -> Result<Value, SignError> {
    let mut payload = credential.clone();
    let map = payload.as_object_mut().ok_or(SignError::NotAnObject)?;
    let get = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(i) = crate::verify::issuer_id(credential) {
        map.insert("iss".into(), Value::String(i));
    }
    if let Some(s) = credential.get("credentialSubject").and_then(|s| get(s, "id")) {
        map.insert("sub".into(), Value::String(s));
    }
    if let Some(j) = get(credential, "id") {
        map.insert("jti".into(), Value::String(j));
    }
    for (field, claim) in [("validFrom", "nbf"), ("validUntil", "exp")] {
        if let Some(t) = get(credential, field).and_then(|s| OffsetDateTime::parse(&s, &Rfc3339).ok()) {
            map.insert(claim.into(), Value::from(t.unix_timestamp()));
        }
    }
    Ok(payload)
}

/// A compact EdDSA VC-JWT of a credential ([`vc_jwt_claims`]).
pub fn vc_jwt(credential: &Value, key: &SecretKey, kid: &str) -> Result<String, SignError> {
    compact_jws(
        &json!({"alg": "EdDSA", "typ": "JWT", "kid": kid}),
        &vc_jwt_claims(credential)?,
        key,
    )
}
