//! The JSON-LD contexts as the deployed VPQR decoders have them. CBOR-LD term codes come from the keys of every
//! context met, so Carnet must compress against the decoder's copies, not its own: where they differ, a code
//! names another term.
//!
//! The Learner Credential Wallet (openwallet-foundation-labs, 2026) and VerifierPlus (2025) both read VPQR with
//! `@digitalcredentials/security-document-loader` 8.0.0 (`credentials-v2-context` 1.0.0, `open-badges-context`
//! 3.0.0, `vc-bitstring-status-list-context` 1.1.0 in their lockfiles). Its copies are Carnet's, except OB 3.0.3:
//! the 2024-03 file, without the `jti` and `endorsementJwt` 1EdTech added to the served file later. VerifierPlus
//! loads no context from the web, so a VPQR may only use the contexts that loader packages ([`PACKAGED`]).
//!
//! Older wallets (loader 6.0.0, as the digitalcredentials repository had it until 2024) package a VC 2.0 draft and
//! an OB 3.0.3 without `awardedDate` and `inLanguage`: they read the codes of an OB 3.0.3 credential as other
//! terms, and no VPQR text can be right for both. Carnet targets the current one. `tests/interop/vpqr/vpqr.mjs
//! contexts` prints the loader's copies; `wallet-core/tests/it/qr.rs` compares them with [`document`].

use serde_json::Value;

use super::QrError;
use crate::contexts;

/// The context URLs (of those Carnet bundles) that the decoders' loader packages, so that they read them offline.
pub(crate) const PACKAGED: &[&str] = &[
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    OB303,
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
];

const OB303: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The 2024-03 OB 3.0.3 file: the decoders' copy (Carnet verifies with the later, additive revision).
const OB303_2024_03: &str = include_str!("../../contexts/1edtech/ob-v3p0-context-3.0.3.json");

/// The context document the deployed decoders use for `url`; a context they do not package is refused.
pub(crate) fn document(url: &str) -> Result<Value, QrError> {
    if !PACKAGED.contains(&url) {
        return Err(QrError::NotCompressible(format!(
            "the VPQR readers do not know the context {url}"
        )));
    }
    let text = match url {
        OB303 => OB303_2024_03,
        _ => contexts::get(url).map_err(|e| QrError::NotCompressible(e.to_string()))?,
    };
    serde_json::from_str(text)
        .map_err(|e| QrError::NotCompressible(format!("the context {url} is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_packaged_context_is_bundled() {
        for url in PACKAGED {
            let doc = document(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(doc["@context"].is_object(), "{url}");
        }
        assert!(document("https://w3id.org/security/multikey/v1").is_err());
    }

    #[test]
    fn ob_3_0_3_is_the_copy_without_the_later_terms() {
        let ob = document(OB303).unwrap();
        for term in ["jti", "endorsementJwt"] {
            assert!(ob["@context"][term].is_null(), "{term}");
        }
        for term in ["awardedDate", "inLanguage", "Achievement"] {
            assert!(!ob["@context"][term].is_null(), "{term}");
        }
    }
}
