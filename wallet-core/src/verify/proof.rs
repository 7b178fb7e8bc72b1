//! Signature checks: Data Integrity proofs (eddsa-rdfc-2022, legacy eddsa-2022, Ed25519Signature2020,
//! Ed25519Signature2018) over RDFC-1.0 canonical N-Quads, and compact JWS (EdDSA, ES256, RS256, PS256).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ssi::jwk::{Algorithm, JWK};

use super::keys::{self, KeyError, ResolvedKey};
use super::Env;
use crate::ld;

/// What one proof check found.
#[derive(Debug, Clone)]
pub enum ProofOutcome {
    /// The signature verifies with this key.
    Valid {
        key: Box<ResolvedKey>,
        vm: String,
        /// The proof as signed: its configuration read back from its canonical data (see `ld::Signed::view`),
        /// so `challenge`, `domain`, `created`, `expires` are what the signature covers.
        proof: Value,
    },
    /// The proof is wrong (bad signature, malformed proof, key mismatch, unsigned data in the document).
    Invalid(String),
    /// The proof could not be checked (unknown context, unsupported suite, key not resolvable).
    Unchecked(String),
}

/// A Data Integrity verification: the outcome, and the document as signed (its safe-mode reading, see
/// `ld::Signed::view`) whenever it could be read, whatever the signature's fate.
#[derive(Debug, Clone)]
pub struct DiVerification {
    pub outcome: ProofOutcome,
    pub view: Option<Value>,
}

/// The proofs of a document (object or array), in order.
pub fn proofs_of(doc: &Value) -> Vec<Value> {
    match doc.get("proof") {
        Some(Value::Array(items)) => items.clone(),
        Some(p @ Value::Object(_)) => vec![p.clone()],
        _ => Vec::new(),
    }
}

/// What reading a document in safe mode means for its proof.
fn unreadable(e: ld::LdError) -> ProofOutcome {
    match e {
        ld::LdError::UnknownContext(url) => ProofOutcome::Unchecked(format!(
            "unknown context URL {url}: Carnet cannot read this credential's terms"
        )),
        ld::LdError::Bundled(e) => ProofOutcome::Unchecked(e),
        ld::LdError::Unsupported(e) => {
            ProofOutcome::Unchecked(format!("the signed data cannot be processed: {e}"))
        }
        e @ ld::LdError::Unsafe(_) => ProofOutcome::Invalid(e.to_string()),
        e => ProofOutcome::Invalid(format!("the signed data cannot be read: {e}")),
    }
}

/// Check every proof; the first valid one wins. With none valid: invalid if any proof was wrong, else unchecked.
pub async fn verify_data_integrity(doc: &Value, purpose: &str, env: &Env<'_>) -> DiVerification {
    let proofs = proofs_of(doc);
    if proofs.is_empty() {
        return DiVerification {
            outcome: ProofOutcome::Invalid("the credential has no proof (it is not signed)".into()),
            view: None,
        };
    }
    let mut unsecured = doc.clone();
    if let Some(map) = unsecured.as_object_mut() {
        map.remove("proof");
    }
    // The document is read once, in safe mode, before any key is fetched: what it holds beyond its signed data
    // fails every proof.
    let signed = ld::read(&unsecured).await;
    let view = signed.as_ref().ok().map(|s| s.view.clone());
    let mut invalid = Vec::new();
    let mut unchecked = Vec::new();
    for proof in proofs {
        match verify_one(&unsecured, signed.as_ref(), &proof, purpose, env).await {
            v @ ProofOutcome::Valid { .. } => return DiVerification { outcome: v, view },
            ProofOutcome::Invalid(r) => invalid.push(r),
            ProofOutcome::Unchecked(r) => unchecked.push(r),
        }
    }
    let outcome = if !invalid.is_empty() {
        ProofOutcome::Invalid(invalid.join("; "))
    } else {
        ProofOutcome::Unchecked(unchecked.join("; "))
    };
    DiVerification { outcome, view }
}

enum Suite {
    /// eddsa-rdfc-2022, eddsa-2022, Ed25519Signature2020: multibase signature over the two hashes.
    MultibaseEd25519,
    /// Ed25519Signature2018: detached JWS (b64=false) over the two hashes.
    DetachedJws,
}

/// Allowed clock difference when judging a proof's `created` against now.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// The proof's own dates, as signed: `created` must be a date not in the future, `expires` not passed.
fn proof_dates(signed: &Value, now: time::OffsetDateTime) -> Result<(), String> {
    let date = |name: &str| -> Result<Option<time::OffsetDateTime>, String> {
        match signed.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => super::parse_date(s)
                .map(Some)
                .ok_or_else(|| format!("the proof's {name} \"{s}\" is not a date")),
            Some(other) => Err(format!("the proof's {name} {other} is not a date")),
        }
    };
    if let Some(created) = date("created")? {
        if created > now + CLOCK_SKEW {
            return Err(format!(
                "the proof says it was created on {}, which is in the future",
                super::fmt_date(created)
            ));
        }
    }
    if let Some(expires) = date("expires")? {
        if now > expires {
            return Err(format!("the proof expired on {}", super::fmt_date(expires)));
        }
    }
    Ok(())
}

/// The id of a linked value read from a signed view (`{"id": …}` or a plain string).
fn linked_id(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::String(s)) => Some(s),
        Some(o) => o.get("id").and_then(Value::as_str),
        None => None,
    }
}

async fn verify_one(
    unsecured: &Value,
    signed: Result<&ld::Signed, &ld::LdError>,
    proof: &Value,
    purpose: &str,
    env: &Env<'_>,
) -> ProofOutcome {
    let ptype = proof.get("type").and_then(Value::as_str).unwrap_or("");
    let cryptosuite = proof.get("cryptosuite").and_then(Value::as_str);
    let suite = match (ptype, cryptosuite) {
        ("DataIntegrityProof", Some("eddsa-rdfc-2022" | "eddsa-2022")) => Suite::MultibaseEd25519,
        ("Ed25519Signature2020", _) => Suite::MultibaseEd25519,
        ("Ed25519Signature2018", _) => Suite::DetachedJws,
        ("DataIntegrityProof", Some(cs)) => {
            return ProofOutcome::Unchecked(format!("the cryptosuite {cs} is not supported"))
        }
        ("", _) => return ProofOutcome::Invalid("a proof has no type".into()),
        (t, _) => return ProofOutcome::Unchecked(format!("the proof type {t} is not supported")),
    };
    let Some(vm) = proof.get("verificationMethod").and_then(Value::as_str) else {
        return ProofOutcome::Invalid("the proof names no verificationMethod".into());
    };
    let proof_purpose = proof.get("proofPurpose").and_then(Value::as_str).unwrap_or("");
    if proof_purpose != purpose {
        return ProofOutcome::Invalid(format!(
            "the proof's purpose is \"{proof_purpose}\", expected \"{purpose}\""
        ));
    }
    let doc = match signed {
        Ok(s) => s,
        Err(e) => return unreadable(e.clone()),
    };
    let mut config = proof.clone();
    if let Some(map) = config.as_object_mut() {
        map.remove("proofValue");
        map.remove("jws");
        if let Some(ctx) = unsecured.get("@context") {
            map.insert("@context".into(), ctx.clone());
        }
    }
    let config = match ld::read(&config).await {
        Ok(c) => c,
        Err(e) => {
            return match unreadable(e) {
                ProofOutcome::Invalid(r) => ProofOutcome::Invalid(format!("the proof: {r}")),
                other => other,
            }
        }
    };
    // What the proof says, as signed: its JSON must say the same (a proof is read like a credential).
    let signed_vm = linked_id(config.view.get("verificationMethod"));
    let signed_purpose = linked_id(config.view.get("proofPurpose"));
    if signed_vm != Some(vm) {
        return ProofOutcome::Invalid(format!(
            "the proof's verificationMethod {vm} is not the one its signature covers"
        ));
    }
    if signed_purpose.map(|iri| ld::term_of(iri).unwrap_or(iri)) != Some(purpose) {
        return ProofOutcome::Invalid(format!("the proof's signed purpose is not \"{purpose}\""));
    }
    if let Err(r) = proof_dates(&config.view, env.opts.now) {
        return ProofOutcome::Invalid(r);
    }
    let key = match keys::resolve(vm, purpose, env).await {
        Ok(k) => k,
        Err(KeyError::Unresolvable(r)) => return ProofOutcome::Unchecked(format!("key {vm}: {r}")),
        Err(KeyError::Invalid(r)) => return ProofOutcome::Invalid(format!("key {vm}: {r}")),
    };
    let hash = hash_lines(&config.nquads, &doc.nquads);
    let result = match suite {
        Suite::MultibaseEd25519 => {
            let Some(value) = proof.get("proofValue").and_then(Value::as_str) else {
                return ProofOutcome::Invalid("the proof has no proofValue".into());
            };
            let sig = match multibase::decode(value) {
                Ok((multibase::Base::Base58Btc, sig)) => sig,
                _ => return ProofOutcome::Invalid("proofValue is not base58btc multibase".into()),
            };
            verify_signature(Algorithm::EdDSA, &hash, &key.jwk, &sig)
        }
        Suite::DetachedJws => {
            let Some(jws) = proof.get("jws").and_then(Value::as_str) else {
                return ProofOutcome::Invalid("the proof has no jws".into());
            };
            let Some((header_b64, sig_b64)) = jws.split_once("..") else {
                return ProofOutcome::Invalid("the proof's jws is not a detached JWS".into());
            };
            let sig = match URL_SAFE_NO_PAD.decode(sig_b64) {
                Ok(s) => s,
                Err(_) => return ProofOutcome::Invalid("the proof's jws signature is not base64url".into()),
            };
            let mut input = header_b64.as_bytes().to_vec();
            input.push(b'.');
            input.extend_from_slice(&hash);
            verify_signature(Algorithm::EdDSA, &input, &key.jwk, &sig)
        }
    };
    match result {
        Ok(()) => ProofOutcome::Valid {
            key: Box::new(key),
            vm: vm.to_owned(),
            proof: config.view,
        },
        Err(r) => ProofOutcome::Invalid(r),
    }
}

fn hash_lines(config: &[String], doc: &[String]) -> Vec<u8> {
    let mut out = Sha256::digest(config.concat().as_bytes()).to_vec();
    out.extend_from_slice(&Sha256::digest(doc.concat().as_bytes()));
    out
}

/// sha256(canonical proof configuration) ‖ sha256(canonical document).
pub async fn hash_data(unsecured: &Value, config: &Value) -> Result<Vec<u8>, ld::LdError> {
    let doc = ld::canonical_nquads(unsecured).await?;
    let conf = ld::canonical_nquads(config).await?;
    Ok(hash_lines(&conf, &doc))
}

/// Verify `sig` over `data` with `key`; a readable reason on failure.
pub fn verify_signature(alg: Algorithm, data: &[u8], key: &JWK, sig: &[u8]) -> Result<(), String> {
    ssi::claims::jws::verify_bytes(alg, data, key, sig).map_err(|e| match e {
        ssi::claims::jws::Error::InvalidSignature => {
            "the signature does not match the signed data".to_owned()
        }
        other => format!("the signature does not verify ({other})"),
    })
}

/// A compact JWS, split and decoded.
#[derive(Debug, Clone)]
pub struct Jws {
    pub header: Value,
    pub payload: Vec<u8>,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// Split and decode a compact JWS; `Err` when it is not one.
pub fn parse_jws(text: &str) -> Result<Jws, String> {
    let text = text.trim();
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("not a compact JWS (three dot-separated parts)".into());
    };
    let header_bytes = URL_SAFE_NO_PAD
        .decode(h)
        .map_err(|_| "the JWS header is not base64url".to_owned())?;
    let header: Value =
        crate::json::parse_slice(&header_bytes).map_err(|e| format!("the JWS header: {e}"))?;
    if !header.is_object() {
        return Err("the JWS header is not a JSON object".into());
    }
    let payload = URL_SAFE_NO_PAD
        .decode(p)
        .map_err(|_| "the JWS payload is not base64url".to_owned())?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "the JWS signature is not base64url".to_owned())?;
    Ok(Jws {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// The signing algorithm named by a JWS header, if Carnet verifies it.
pub fn jws_algorithm(header: &Value) -> Result<Algorithm, String> {
    match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => Ok(Algorithm::EdDSA),
        Some("ES256") => Ok(Algorithm::ES256),
        Some("RS256") => Ok(Algorithm::RS256),
        Some("PS256") => Ok(Algorithm::PS256),
        Some("none") => Err("the JWT is unsecured (alg \"none\"): it carries no signature".into()),
        Some(other) => Err(format!("the signature algorithm {other} is not supported")),
        None => Err("the JWS header names no algorithm".into()),
    }
}

/// ES256 in JOSE is raw r‖s (64 bytes); a DER-encoded signature is malformed, and said so.
pub fn check_signature_shape(alg: Algorithm, sig: &[u8]) -> Result<(), String> {
    if alg == Algorithm::ES256 && sig.len() != 64 {
        if sig.first() == Some(&0x30) {
            return Err(format!(
                "the ES256 signature is DER-encoded ({} bytes); JOSE requires the raw 64-byte r‖s form",
                sig.len()
            ));
        }
        return Err(format!("the ES256 signature has {} bytes, not 64", sig.len()));
    }
    Ok(())
}

/// Where a JWS's key comes from: `kid` (a DID URL or key URL), else the `jwk` header, else `iss` (a DID).
pub async fn jws_key(
    header: &Value,
    iss: Option<&str>,
    purpose: &str,
    env: &Env<'_>,
) -> Result<(ResolvedKey, String), KeyError> {
    if let Some(kid) = header.get("kid").and_then(Value::as_str) {
        let kid = if kid.starts_with('#') {
            format!("{}{kid}", iss.unwrap_or(""))
        } else {
            kid.to_owned()
        };
        if kid.starts_with("did:") || kid.starts_with("https://") || kid.starts_with("http://") {
            return keys::resolve(&kid, purpose, env).await.map(|k| (k, kid));
        }
    }
    if let Some(jwk) = header.get("jwk") {
        let jwk: JWK = serde_json::from_value(jwk.clone())
            .map_err(|e| KeyError::Invalid(format!("the jwk header is not a JWK: {e}")))?;
        if !jwk.is_public() {
            return Err(KeyError::Invalid("the jwk header holds a private key".into()));
        }
        let key = ResolvedKey {
            jwk,
            controller: None,
            unbound_reason: Some("the key is only asserted by the JWT's own jwk header".into()),
            as_of: None,
        };
        return Ok((key, "jwk header".into()));
    }
    if let Some(iss) = iss.filter(|i| i.starts_with("did:key:") || i.starts_with("did:jwk:")) {
        let vm = if iss.starts_with("did:key:") {
            format!("{iss}#{}", iss.trim_start_matches("did:key:"))
        } else {
            format!("{iss}#0")
        };
        return keys::resolve(&vm, purpose, env).await.map(|k| (k, vm));
    }
    // No kid and no jwk, issuer on the web: the key its own profile publishes (OB 3.0 issuers' profiles may).
    if let Some(iss) = iss.filter(|i| i.starts_with("https://") || i.starts_with("http://")) {
        let (doc, as_of) = keys::fetch_issuer_document(iss, env).await?;
        let found: Vec<JWK> = keys::methods(&doc, keys::KEY_FIELDS)
            .into_iter()
            .filter_map(|m| keys::key_of(m).ok())
            .collect();
        return match found.as_slice() {
            [only] => Ok((
                ResolvedKey {
                    jwk: only.clone(),
                    controller: Some(iss.to_owned()),
                    unbound_reason: None,
                    as_of,
                },
                format!("{iss} (its only published key)"),
            )),
            [] => Err(KeyError::Invalid(format!(
                "the JWT names no key and {iss} publishes none"
            ))),
            _ => Err(KeyError::Invalid(format!(
                "the JWT names no key and {iss} publishes several"
            ))),
        };
    }
    Err(KeyError::Invalid(
        "the JWT names no key (no kid, no jwk, no DID issuer)".into(),
    ))
}
