//! The JSON-LD contexts Carnet knows, embedded in the binary with their URL map. A context that is not here is
//! never fetched: verification reports "unknown context URL" instead (see `contexts/SOURCES.md`).

/// Why a context could not be provided.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextError {
    /// The URL is not one of the bundled contexts; Carnet does not fetch contexts from the network.
    #[error("unknown JSON-LD context URL {url}: Carnet only uses the contexts it ships with")]
    Unknown { url: String },
}

macro_rules! bundled {
    ($($url:literal => $file:literal),* $(,)?) => {
        &[$(($url, include_str!(concat!("../contexts/", $file)))),*]
    };
}

/// URL → document, for every bundled context (aliases included).
static CONTEXTS: &[(&str, &str)] = bundled![
    "https://www.w3.org/ns/credentials/v2" => "w3c/credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1" => "w3c/credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1" => "w3c/credentials-status-v1.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2" => "w3c/credentials-undefined-terms-v2.jsonld",
    "https://www.w3.org/ns/did/v1" => "w3c/did-v1.jsonld",
    "https://w3id.org/security/data-integrity/v1" => "security/data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2" => "security/data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1" => "security/multikey-v1.jsonld",
    "https://w3id.org/security/v1" => "security/security-v1.jsonld",
    "https://w3id.org/security/v2" => "security/security-v2.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1" => "security/suites-ed25519-2020-v1.jsonld",
    "https://w3id.org/vc/status-list/2021/v1" => "security/vc-status-list-2021-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json" => "1edtech/ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json" => "1edtech/ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json" => "1edtech/ob-v3p0-context-3.0.2.json",
    // 1EdTech changed the served 3.0.3 file in place (added `jti`, `endorsementJwt`): the later file is the one.
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" => "1edtech/ob-v3p0-context-3.0.3.validator-2026-06.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json" => "1edtech/ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json" => "1edtech/clr-v2p0-context-2.0.1.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json" => "1edtech/clr-v2p0-context.json",
    "https://w3id.org/openbadges/v2" => "1edtech/ob-v2p0-context.json",
    "https://openbadgespec.org/v2/context.json" => "1edtech/ob-v2p0-context.json",
    "https://w3id.org/openbadges/v1" => "1edtech/ob-v1p1-context.json",
    "https://w3id.org/openbadges/legacy-v1" => "1edtech/ob-v1p1-legacy-v1-context.json",
];

/// The bundled document for a context URL.
pub fn get(url: &str) -> Result<&'static str, ContextError> {
    CONTEXTS
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, doc)| *doc)
        .ok_or_else(|| ContextError::Unknown { url: url.to_owned() })
}

/// Every bundled (URL, document) pair, aliases included.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    CONTEXTS.iter().copied()
}

/// Every bundled context URL.
pub fn urls() -> impl Iterator<Item = &'static str> {
    CONTEXTS.iter().map(|(u, _)| *u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_is_a_json_ld_context() {
        for (url, doc) in CONTEXTS {
            let v: serde_json::Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(v.get("@context").is_some(), "{url} has no @context");
        }
        assert_eq!(urls().count(), 23);
    }

    #[test]
    fn ob_3_0_3_is_the_later_revision() {
        let doc = get("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json").unwrap();
        assert!(doc.contains("endorsementJwt") && doc.contains("\"jti\""));
    }

    #[test]
    fn unknown_urls_are_refused_not_fetched() {
        let err = get("https://example.org/my-context.jsonld").unwrap_err();
        assert_eq!(
            err,
            ContextError::Unknown {
                url: "https://example.org/my-context.jsonld".into()
            }
        );
        assert!(
            get("https://www.w3.org/ns/credentials/v2/").is_err(),
            "exact URLs only"
        );
    }
}
