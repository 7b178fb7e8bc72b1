//! Finding the public key behind a verification method (did:key, did:jwk offline; did:web, http(s) key documents
//! and OB 2.0 CryptographicKeys through `net` and its cache) and who controls it, for the issuer-binding check.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;
use ssi::jwk::{Base64urlUInt, Params as JwkParams, RSAParams, JWK};

use super::Env;

/// A usable public key and what is known of its owner.
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    pub jwk: JWK,
    /// The key's controller according to an authoritative source (the DID itself, a fetched DID or key
    /// document). `None` when only the credential asserts the key.
    pub controller: Option<String>,
    /// Why the controller is unknown (for the `issuer_binding` reason).
    pub unbound_reason: Option<String>,
    /// When the authoritative document came from the cache: its fetch date.
    pub as_of: Option<String>,
}

/// Why no key could be had.
#[derive(Debug, Clone)]
pub enum KeyError {
    /// Could not check: offline, unreachable, unsupported method. The verdict becomes indeterminate.
    Unresolvable(String),
    /// The reference or the key document is malformed: the proof fails.
    Invalid(String),
}

impl KeyError {
    pub fn reason(&self) -> &str {
        match self {
            KeyError::Unresolvable(r) | KeyError::Invalid(r) => r,
        }
    }
}

fn jwk_from_value(v: &Value) -> Result<JWK, KeyError> {
    serde_json::from_value::<JWK>(v.clone()).map_err(|e| KeyError::Invalid(format!("malformed JWK: {e}")))
}

/// A key from a multibase multicodec string (`z6Mk…` Ed25519, `zDn…` P-256).
pub fn multikey(s: &str) -> Result<JWK, KeyError> {
    let (base, bytes) =
        multibase::decode(s).map_err(|e| KeyError::Invalid(format!("key {s} is not multibase: {e}")))?;
    if base != multibase::Base::Base58Btc {
        return Err(KeyError::Invalid(format!("key {s} is not base58btc")));
    }
    match bytes.as_slice() {
        [0xed, 0x01, key @ ..] if key.len() == 32 => {
            ssi::jwk::ed25519_parse(key).map_err(|e| KeyError::Invalid(format!("bad Ed25519 key: {e}")))
        }
        [0x80, 0x24, key @ ..] => {
            ssi::jwk::p256_parse(key).map_err(|e| KeyError::Invalid(format!("bad P-256 key: {e}")))
        }
        [0xe7, 0x01, ..] => Err(KeyError::Unresolvable("secp256k1 keys are not supported".into())),
        _ => Err(KeyError::Invalid(format!(
            "key {s} has an unknown multicodec prefix"
        ))),
    }
}

fn did_of(vm: &str) -> &str {
    vm.split('#').next().unwrap_or(vm)
}

/// Resolve a verification method id (a DID URL or an http(s) URL) to a key.
pub async fn resolve(vm: &str, purpose: &str, env: &Env<'_>) -> Result<ResolvedKey, KeyError> {
    let did = did_of(vm);
    if let Some(id) = did.strip_prefix("did:key:") {
        let jwk = multikey(id)?;
        if let Some(frag) = vm.split_once('#').map(|(_, f)| f) {
            if frag != id {
                return Err(KeyError::Invalid(format!(
                    "did:key fragment #{frag} is not the key {id}"
                )));
            }
        }
        return Ok(ResolvedKey {
            jwk,
            controller: Some(did.to_owned()),
            unbound_reason: None,
            as_of: None,
        });
    }
    if let Some(enc) = did.strip_prefix("did:jwk:") {
        let bytes = URL_SAFE_NO_PAD
            .decode(enc)
            .map_err(|e| KeyError::Invalid(format!("did:jwk is not base64url: {e}")))?;
        let v: Value = crate::json::parse_slice(&bytes)
            .map_err(|e| KeyError::Invalid(format!("did:jwk is not acceptable JSON: {e}")))?;
        return Ok(ResolvedKey {
            jwk: jwk_from_value(&v)?,
            controller: Some(did.to_owned()),
            unbound_reason: None,
            as_of: None,
        });
    }
    if did.starts_with("did:web:") {
        let url = did_web_url(did)?;
        let (doc, as_of) = fetch_json(&url, env).await?;
        if doc.get("id").and_then(Value::as_str) != Some(did) {
            return Err(KeyError::Invalid(format!(
                "the DID document at {url} is not for {did}"
            )));
        }
        let (jwk, controller) = find_key(&doc, vm, did)
            .ok_or_else(|| KeyError::Invalid(format!("{did}'s DID document has no key {vm}")))??;
        // A DID document says what each key may do: a key for logging in does not sign credentials.
        let frag = vm.split_once('#').map(|(_, f)| format!("#{f}"));
        let allowed = match doc.get(purpose) {
            Some(Value::Array(items)) => items.iter().any(|m| {
                let id = m.as_str().or_else(|| m.get("id").and_then(Value::as_str));
                id == Some(vm) || (id.is_some() && id.map(str::to_owned) == frag)
            }),
            _ => false,
        };
        if !allowed {
            return Err(KeyError::Invalid(format!(
                "{did}'s DID document does not allow {vm} for {purpose}"
            )));
        }
        return Ok(ResolvedKey {
            jwk,
            controller: Some(controller),
            unbound_reason: None,
            as_of,
        });
    }
    if did.starts_with("did:example:") {
        // Reserved by the DID specification for examples: it never resolves, anywhere.
        return Err(KeyError::Invalid(format!(
            "{did} is an example DID (did:example), which names no real key"
        )));
    }
    if did.starts_with("did:") {
        let method = did.split(':').nth(1).unwrap_or("");
        return Err(KeyError::Unresolvable(format!(
            "DID method did:{method} is not supported"
        )));
    }
    let parsed = url::Url::parse(vm)
        .map_err(|_| KeyError::Invalid(format!("verification method {vm} is not a URL")))?;
    // A multibase key in the fragment (the OB 3.0 spec examples): usable at once, but only asserted by the
    // credential until the issuer's document confirms it. A fragment that decodes as base58 but is no key is
    // a corrupt key reference.
    let asserted = match parsed.fragment() {
        Some(f) if f.starts_with('z') && multibase::decode(f).is_ok() => Some(multikey(f)?),
        _ => None,
    };
    if parsed.scheme() != "https" && parsed.scheme() != "http" {
        return match asserted {
            Some(jwk) => Ok(ResolvedKey {
                jwk,
                controller: None,
                unbound_reason: Some(format!(
                    "the key is only asserted by the credential ({} is not a web address)",
                    did
                )),
                as_of: None,
            }),
            None => Err(KeyError::Invalid(format!(
                "verification method {vm} has an unsupported scheme"
            ))),
        };
    }
    match fetch_json(did, env).await {
        Ok((doc, as_of)) => match find_key(&doc, vm, did) {
            Some(Ok((jwk, controller))) => {
                Ok(ResolvedKey { jwk, controller: Some(controller), unbound_reason: None, as_of })
            }
            Some(Err(e)) => Err(e),
            None => match asserted {
                Some(jwk) => Ok(ResolvedKey {
                    jwk,
                    controller: None,
                    unbound_reason: Some(format!("the document at {did} does not list the key {vm}")),
                    as_of,
                }),
                None => Err(KeyError::Invalid(format!("the document at {did} does not list the key {vm}"))),
            },
        },
        Err(e) => match asserted {
            Some(jwk) => Ok(ResolvedKey {
                jwk,
                controller: None,
                unbound_reason: Some(format!(
                    "the key is only asserted by the credential; its issuer's key document could not be read ({})",
                    e.reason()
                )),
                as_of: None,
            }),
            None => Err(e),
        },
    }
}

/// For a key only the credential asserts: does the issuer's own document (its https profile, fetched through the
/// cache) list that key? `Ok(as_of)` when it does (the fetch date when the cached copy answered).
pub async fn bind_via_issuer(key: &JWK, issuer: &str, env: &Env<'_>) -> Result<Option<String>, String> {
    if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
        return Err(format!(
            "the issuer {issuer} has no web address to confirm the key"
        ));
    }
    let (doc, as_of) = fetch_issuer_document(issuer, env).await.map_err(|e| match e {
        KeyError::Invalid(r) => r,
        KeyError::Unresolvable(r) => format!("the issuer's document could not be read ({r})"),
    })?;
    let listed = methods(&doc, KEY_FIELDS)
        .into_iter()
        .filter_map(|c| key_of(c).ok())
        .any(|k| k.params == key.params);
    if listed {
        Ok(as_of)
    } else {
        Err(format!(
            "the issuer's document at {issuer} does not list this key"
        ))
    }
}

/// The verification-method objects a DID document, controller document or issuer profile lists under `fields`
/// (each field an array or a single object).
pub(crate) fn methods<'a>(doc: &'a Value, fields: &[&str]) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for field in fields {
        match doc.get(*field) {
            Some(Value::Array(items)) => out.extend(items.iter()),
            Some(v @ Value::Object(_)) => out.push(v),
            _ => {}
        }
    }
    out
}

/// The fields of a document that may list its keys.
pub(crate) const KEY_FIELDS: &[&str] = &["verificationMethod", "assertionMethod", "publicKey"];

/// `did:web:host[:path…]` → its DID document URL.
pub fn did_web_url(did: &str) -> Result<String, KeyError> {
    let rest = did.strip_prefix("did:web:").unwrap_or(did);
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| KeyError::Invalid(format!("{did} has no host")))?;
    let host = host.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    if path.is_empty() {
        Ok(format!("https://{host}/.well-known/did.json"))
    } else {
        Ok(format!("https://{host}/{}/did.json", path.join("/")))
    }
}

/// Fetch a JSON document that speaks for its address (a DID document, key document, issuer profile, badge class,
/// revocation list) through the cache; the date when the cached copy was used. The document must have been served
/// from `url`'s own origin: after a redirect to another origin it is someone else's word, and could not be had.
pub async fn fetch_json(url: &str, env: &Env<'_>) -> Result<(Value, Option<String>), KeyError> {
    fetch_json_from(url, true, env).await
}

/// Fetch a JSON document that carries its own proof (a status list credential, checked against its issuer's key),
/// wherever redirects led.
pub async fn fetch_signed_json(url: &str, env: &Env<'_>) -> Result<(Value, Option<String>), KeyError> {
    fetch_json_from(url, false, env).await
}

async fn fetch_json_from(
    url: &str,
    own_origin: bool,
    env: &Env<'_>,
) -> Result<(Value, Option<String>), KeyError> {
    let fetched = env
        .net
        .fetch(url, env.cache)
        .await
        .map_err(|e| KeyError::Unresolvable(e.to_string()))?;
    if own_origin && !fetched.resource.speaks_for(url) {
        return Err(KeyError::Unresolvable(not_its_own(url, &fetched.resource)));
    }
    if fetched.resource.status != 200 {
        return Err(KeyError::Unresolvable(format!(
            "{url} answered HTTP {}",
            fetched.resource.status
        )));
    }
    let doc = crate::json::parse_slice(&fetched.resource.body)
        .map_err(|e| KeyError::Invalid(format!("{url} is not acceptable JSON: {e}")))?;
    let as_of = fetched
        .from_cache
        .then(|| super::fmt_date(fetched.resource.fetched_at));
    Ok((doc, as_of))
}

/// Why a fetched document does not speak for `url` (see [`crate::net::CachedResource::speaks_for`]).
pub(crate) fn not_its_own(url: &str, resource: &crate::net::CachedResource) -> String {
    match &resource.final_url {
        Some(served) => format!("{url} redirected to {served}, another origin, which cannot speak for it"),
        None => format!("the cached copy of {url} does not say which address served it"),
    }
}

/// An issuer's own document, fetched from its https id: it must be served from that origin and, when it states
/// an `id`, be that issuer's.
pub async fn fetch_issuer_document(issuer: &str, env: &Env<'_>) -> Result<(Value, Option<String>), KeyError> {
    let (doc, as_of) = fetch_json(issuer, env).await?;
    match doc.get("id").and_then(Value::as_str) {
        Some(id) if id != issuer => Err(KeyError::Invalid(format!(
            "the document at {issuer} is not the issuer's (it says it is {id})"
        ))),
        _ => Ok((doc, as_of)),
    }
}

/// Find `vm` in a DID document, controller document, issuer profile or key document; its key and controller.
fn find_key(doc: &Value, vm: &str, doc_url: &str) -> Option<Result<(JWK, String), KeyError>> {
    let frag = vm.split_once('#').map(|(_, f)| f);
    let matches = |id: &str| id == vm || frag.is_some_and(|f| id == format!("#{f}"));
    // The document speaks for the address it was fetched from, and for nothing else: a `controller` or `owner`
    // field naming someone else proves nothing (anyone can write any name into their own document).
    if let Some(id) = doc.get("id").and_then(Value::as_str) {
        if id != doc_url {
            return Some(Err(KeyError::Invalid(format!(
                "the document at {doc_url} claims to be {id}"
            ))));
        }
    }
    let mut candidates: Vec<&Value> = vec![doc];
    candidates.extend(methods(
        doc,
        &[
            "verificationMethod",
            "assertionMethod",
            "authentication",
            "publicKey",
        ],
    ));
    let found = candidates
        .into_iter()
        .find(|c| c.get("id").and_then(Value::as_str).is_some_and(matches))?;
    Some(key_of(found).map(|jwk| (jwk, doc_url.to_owned())))
}

/// The key in a verification-method or CryptographicKey object.
pub fn key_of(method: &Value) -> Result<JWK, KeyError> {
    if let Some(jwk) = method.get("publicKeyJwk") {
        return jwk_from_value(jwk);
    }
    if let Some(mb) = method.get("publicKeyMultibase").and_then(Value::as_str) {
        return multikey(mb);
    }
    if let Some(b58) = method.get("publicKeyBase58").and_then(Value::as_str) {
        let bytes = multibase::decode(format!("z{b58}"))
            .map_err(|e| KeyError::Invalid(format!("publicKeyBase58 is not base58: {e}")))?
            .1;
        return ssi::jwk::ed25519_parse(&bytes)
            .map_err(|e| KeyError::Invalid(format!("bad Ed25519 key: {e}")));
    }
    if let Some(pem) = method.get("publicKeyPem").and_then(Value::as_str) {
        return rsa_from_pem(pem);
    }
    Err(KeyError::Invalid(
        "the key document holds no key in a known form".into(),
    ))
}

/// An RSA public key from PEM (SubjectPublicKeyInfo or PKCS#1), as a JWK.
pub fn rsa_from_pem(pem: &str) -> Result<JWK, KeyError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::PublicKeyParts;
    let bad = |e: String| KeyError::Invalid(format!("publicKeyPem is not an RSA public key: {e}"));
    let trimmed = pem.trim();
    let key = rsa::RsaPublicKey::from_public_key_pem(trimmed)
        .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(trimmed))
        .or_else(|e| {
            // Some issuers publish the base64 body without the PEM armour.
            let body: String = trimmed.lines().filter(|l| !l.starts_with("-----")).collect();
            let der = STANDARD.decode(body.trim()).map_err(|_| e.to_string())?;
            rsa::RsaPublicKey::from_public_key_der(&der).map_err(|e| e.to_string())
        })
        .map_err(bad)?;
    let params = RSAParams {
        modulus: Some(Base64urlUInt(key.n().to_bytes_be())),
        exponent: Some(Base64urlUInt(key.e().to_bytes_be())),
        private_exponent: None,
        first_prime_factor: None,
        second_prime_factor: None,
        first_prime_factor_crt_exponent: None,
        second_prime_factor_crt_exponent: None,
        first_crt_coefficient: None,
        other_primes_info: None,
    };
    Ok(JWK::from(JwkParams::RSA(params)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_urls() {
        assert_eq!(
            did_web_url("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A8443:u:a").unwrap(),
            "https://example.com:8443/u/a/did.json"
        );
    }

    #[test]
    fn multikeys() {
        assert!(multikey("z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1").is_ok());
        assert!(matches!(
            multikey("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"),
            Err(KeyError::Unresolvable(_))
        ));
        assert!(matches!(multikey("not-multibase"), Err(KeyError::Invalid(_))));
    }
}
