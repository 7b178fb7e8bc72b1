//! JSON-LD to canonical RDF (RDFC-1.0 / URDNA2015 N-Quads) over the bundled contexts only — the input of every
//! Data Integrity proof — in safe mode, and the reading of a document's facts from that same signed data
//! ([`Signed::view`]). A context that is not bundled is named and refused before any expansion starts.

use std::collections::HashMap;
use std::sync::OnceLock;

use ssi::json_ld::json_ld::rdf_types::generator;
use ssi::json_ld::json_ld::RdfQuads;
use ssi::json_ld::syntax::Parse;
use ssi::json_ld::ContextLoader;
use ssi::rdf::LdEnvironment;

use crate::contexts;

mod fast;
mod safe;
mod to_rdf;
pub(crate) mod vocab;

/// Why a document could not be turned into canonical N-Quads.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LdError {
    /// A context URL Carnet does not ship (and will not fetch).
    #[error("unknown JSON-LD context URL {0}")]
    UnknownContext(String),
    /// `@context` is missing or not made of URLs and objects.
    #[error("the JSON-LD context is missing or malformed: {0}")]
    BadContext(String),
    /// Expansion failed (a malformed context or JSON-LD construct).
    #[error("JSON-LD expansion failed: {0}")]
    Expansion(String),
    /// Safe mode: the document holds something its canonical RDF, hence its signature, would not carry (a key
    /// that is not a defined term, a relative IRI, a value JSON-LD drops, an expansion warning).
    #[error("the document contains data the signature does not cover: {0}")]
    Unsafe(String),
    /// The expanded document could not be turned into RDF.
    #[error("RDF conversion failed: {0}")]
    Rdf(String),
    /// Something Carnet cannot process safely (a percent-escape that is not UTF-8, a canonicalization too large):
    /// the proof could not be checked, which is not the same as a bad proof.
    #[error("cannot be processed: {0}")]
    Unsupported(String),
    /// A bundled context failed to load (a build fault, never the learner's input).
    #[error("a bundled JSON-LD context is broken: {0}")]
    Bundled(String),
}

fn loader() -> Result<&'static ContextLoader, LdError> {
    static LOADER: OnceLock<Result<ContextLoader, String>> = OnceLock::new();
    LOADER
        .get_or_init(|| {
            let map: HashMap<String, String> = contexts::all()
                .map(|(url, doc)| (url.to_owned(), doc.to_owned()))
                .collect();
            ContextLoader::empty()
                .with_context_map_from(map)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| LdError::Bundled(e.clone()))
}

/// Every context URL a document refers to (top level and nested `@context` entries), in order.
pub fn context_urls(doc: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k == "@context" {
                        collect(v, out);
                    } else {
                        walk(v, out);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    fn collect(ctx: &serde_json::Value, out: &mut Vec<String>) {
        match ctx {
            serde_json::Value::String(s) if !out.contains(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
            // An inline context may itself import others (`@import`) or scope contexts to terms.
            serde_json::Value::Object(_) => walk(ctx, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

/// The first context URL of `doc` that is not bundled, if any.
pub fn first_unknown_context(doc: &serde_json::Value) -> Option<String> {
    context_urls(doc).into_iter().find(|u| contexts::get(u).is_err())
}

/// An IRI-like string (keys and values) whose percent-escapes do not decode to UTF-8: the JSON-LD stack panics on
/// those (pct-str 2.0 unwraps the decoding), so they are refused before expansion.
fn bad_percent_escape(doc: &serde_json::Value) -> Option<String> {
    fn bad(s: &str) -> bool {
        if !s.contains('%') {
            return false;
        }
        let b = s.as_bytes();
        let mut decoded = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if b[i] == b'%' && i + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    decoded.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
            }
            decoded.push(b[i]);
            i += 1;
        }
        std::str::from_utf8(&decoded).is_err()
    }
    match doc {
        serde_json::Value::String(s) => bad(s).then(|| s.chars().take(80).collect()),
        serde_json::Value::Array(items) => items.iter().find_map(bad_percent_escape),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if bad(k) {
                Some(k.clone())
            } else {
                bad_percent_escape(v)
            }
        }),
        _ => None,
    }
}

/// A JSON-LD document read in safe mode: the canonical RDF a proof signs, and Carnet's reading of exactly that.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The canonical N-Quads lines (each ending with `\n`, sorted).
    pub nquads: Vec<String>,
    /// The document as Carnet reads it: its expanded (signed) form named through Carnet's reading vocabulary
    /// (`vocab`), never the keys the JSON happened to use. Every fact a check uses or the portfolio shows about a
    /// JSON-LD credential comes from here.
    pub view: serde_json::Value,
}

/// The short name Carnet's reading vocabulary gives an IRI used as a property or a vocabulary term
/// (`https://w3id.org/security#authenticationMethod` → `authentication`).
pub fn term_of(iri: &str) -> Option<&'static str> {
    vocab::vocab().property(iri)
}

/// The canonical N-Quads lines (each ending with `\n`, sorted) of a JSON-LD document.
pub async fn canonical_nquads(doc: &serde_json::Value) -> Result<Vec<String>, LdError> {
    read(doc).await.map(|s| s.nquads)
}

/// Collects the expansion's warnings: in safe mode each one is a reason to refuse the document.
#[derive(Default)]
struct Warnings(Vec<String>);

impl<N> ssi::json_ld::json_ld::warning::Handler<N, ssi::json_ld::json_ld::expansion::Warning<N::BlankId>>
    for Warnings
where
    N: ssi::json_ld::json_ld::rdf_types::Vocabulary,
    N::BlankId: std::fmt::Display,
{
    fn handle(&mut self, _: &N, warning: ssi::json_ld::json_ld::expansion::Warning<N::BlankId>) {
        use ssi::json_ld::json_ld::expansion::Warning;
        match warning {
            // json-ld 0.21 also raises this while probing keys for `@type` aliases, on perfectly good documents;
            // a malformed IRI that matters is found by the audit of the expanded form (`safe::check_expanded`).
            Warning::MalformedIri(_) => {}
            w => self.0.push(w.to_string()),
        }
    }
}

/// Whether [`read`] takes the fast path (kept contexts, see `fast`) when a document allows it; on unless a test
/// turns it off to compare both paths.
static FAST_PATH: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Turns the fast path off (`false`) or back on, for the whole process. Never used outside tests: they prove with it
/// that the fast path and the full JSON-LD algorithm give the same verdicts and facts.
#[doc(hidden)]
pub fn set_fast_path(on: bool) {
    FAST_PATH.store(on, std::sync::atomic::Ordering::SeqCst);
}

/// How many documents the fast path has read in this process (tests and benchmarks report its coverage).
static FAST_READS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The number of documents read by the fast path so far in this process.
#[doc(hidden)]
pub fn fast_reads() -> u64 {
    FAST_READS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Read a JSON-LD document in safe mode: refuse (`LdError::Unsafe`) anything the canonical RDF would not carry,
/// then canonicalize it and read its facts back from the expanded form.
pub async fn read(doc: &serde_json::Value) -> Result<Signed, LdError> {
    let fast = FAST_PATH.load(std::sync::atomic::Ordering::SeqCst);
    read_mode(doc, true, fast).await.map(|(s, _)| s)
}

/// [`read`] without any cache (the top-level context processed again for this document, as the JSON-LD algorithm
/// describes it). Never used to verify anything; tests prove with it that the cached path gives the same answer.
#[doc(hidden)]
pub async fn read_uncached(doc: &serde_json::Value) -> Result<Signed, LdError> {
    read_mode(doc, true, false).await.map(|(s, _)| s)
}

/// The canonical N-Quads JSON-LD itself would produce, **without** safe mode: whatever the RDF silently drops is
/// dropped. Never used to verify anything; tests use it to prove that an edit keeps the signed data unchanged
/// (so that refusing it, or reading the same facts, is what keeps Carnet honest).
#[doc(hidden)]
pub async fn canonical_nquads_unsafe(doc: &serde_json::Value) -> Result<Vec<String>, LdError> {
    read_mode(doc, false, false).await.map(|(s, _)| s.nquads)
}

/// JSON-LD's expanded form of a document (as JSON), **without** safe mode. Never used to verify anything; tests
/// use it to learn which IRI a key stands for.
#[doc(hidden)]
pub async fn expanded_unsafe(doc: &serde_json::Value) -> Result<serde_json::Value, LdError> {
    read_mode(doc, false, false).await.map(|(_, e)| e)
}

async fn read_mode(
    doc: &serde_json::Value,
    safe: bool,
    cached: bool,
) -> Result<(Signed, serde_json::Value), LdError> {
    use ssi::json_ld::json_ld::expansion::{Action, Expand, Options, Policy};
    use ssi::json_ld::json_ld::syntax::IntoJsonWithContext;
    use ssi::json_ld::syntax::Print;

    if doc.get("@context").is_none() {
        return Err(LdError::BadContext("no @context".into()));
    }
    if let Some(url) = first_unknown_context(doc) {
        return Err(LdError::UnknownContext(url));
    }
    if let Some(s) = bad_percent_escape(doc) {
        return Err(LdError::Unsupported(format!(
            "a percent-escape in \"{s}\" is not UTF-8"
        )));
    }
    if safe {
        safe::check_written(doc).map_err(LdError::Unsafe)?;
    }
    // The top-level context, processed once for all documents that name the same bundled contexts: expanding the
    // document without its `@context` from that active context is what the expansion algorithm does with it.
    let top = match (cached, doc.get("@context")) {
        (true, Some(ctx)) => fast::top(ctx),
        _ => None,
    };
    // The fast path when the document has the common shape (see `fast` and `to_rdf`): expanded form and quads
    // straight from the JSON; else json-ld's full expansion and RDF conversion.
    if let Some(top) = &top {
        if let Some(objects) = fast::expand(top, doc) {
            if let Some(quads) = to_rdf::quads(&objects) {
                FAST_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let view = view_of(&objects, safe)?;
                let nquads = crate::rdfc::canonicalize(quads).map_err(LdError::Unsupported)?;
                return Ok((Signed { nquads, view }, objects));
            }
        }
    }
    let text = serde_json::to_string(doc).map_err(|e| LdError::BadContext(e.to_string()))?;
    let (mut value, _) =
        ssi::json_ld::syntax::Value::parse_str(&text).map_err(|e| LdError::BadContext(e.to_string()))?;
    let loader = loader()?;
    let initial = match (&top, &mut value) {
        (Some(ctx), ssi::json_ld::syntax::Value::Object(object)) => {
            object.remove("@context");
            Some(ctx)
        }
        _ => None,
    };
    let mut env = LdEnvironment::default();
    let mut warnings = Warnings::default();
    let mut expanded = value
        .expand_full(
            &mut env.vocabulary,
            initial.map(|c| fast::Processed::clone(c)).unwrap_or_default(),
            None,
            loader,
            Options {
                // Strict: a term the contexts do not define is an error, not a silently dropped key.
                policy: match safe {
                    true => Policy {
                        invalid: Action::Reject,
                        allow_undefined: false,
                        ..Default::default()
                    },
                    false => Policy::default(),
                },
                ..Default::default()
            },
            &mut warnings,
        )
        .await
        .map_err(|e| match e {
            ssi::json_ld::json_ld::expansion::Error::KeyExpansionFailed(key) => {
                LdError::Unsafe(format!("the key \"{key}\" is not a term its contexts define"))
            }
            other => LdError::Expansion(other.to_string()),
        })?;
    if let Some(w) = warnings.0.first().filter(|_| safe) {
        return Err(LdError::Unsafe(format!("JSON-LD expansion warns: {w}")));
    }
    // The expanded form, as JSON: audited, then read through Carnet's vocabulary.
    let objects: Vec<serde_json::Value> = expanded
        .iter()
        .map(|o| {
            let json = o.clone().into_json_with(&env.vocabulary);
            serde_json::from_str(&json.compact_print().to_string()).unwrap_or(serde_json::Value::Null)
        })
        .collect();
    let objects = serde_json::Value::Array(objects);
    let view = view_of(&objects, safe)?;
    // JSON-LD's own "deserialize to RDF" (as in its ToRdf), not ssi's linked-data interpretation: the latter
    // drops the datatype of a native boolean with a type coercion (json-ld-core 0.21.4), which makes
    // valid credentials from other implementations (e.g. OB 3.0 `hashed: false`) fail to verify.
    let mut blank = generator::Blank::new();
    expanded.relabel_and_canonicalize_with(&mut (), &mut blank);
    let mut quads: Vec<crate::rdfc::Quad> = Vec::new();
    for ssi::json_ld::json_ld::rdf_types::Quad(s, p, o, g) in
        expanded.rdf_quads_full(&mut (), &mut blank, None, false).cloned()
    {
        match p {
            ssi::json_ld::json_ld::rdf_types::Id::Iri(p) => quads.push(crate::rdfc::Quad::of(
                &ssi::json_ld::json_ld::rdf_types::Quad(s, p, o, g),
            )),
            // A blank-node predicate is generalized RDF: the signed data would lack it.
            ssi::json_ld::json_ld::rdf_types::Id::Blank(_) if !safe => {}
            ssi::json_ld::json_ld::rdf_types::Id::Blank(b) => {
                return Err(LdError::Unsafe(format!(
                    "the property {b} is a blank node, which RDF drops"
                )))
            }
        }
    }
    let nquads = crate::rdfc::canonicalize(quads).map_err(LdError::Unsupported)?;
    Ok((Signed { nquads, view }, objects))
}

/// The expanded form (a JSON array of nodes) audited in safe mode, and read through Carnet's vocabulary: the one
/// top-level object it must hold (or, without safe mode, all of them).
fn view_of(objects: &serde_json::Value, safe: bool) -> Result<serde_json::Value, LdError> {
    if safe {
        safe::check_expanded(objects).map_err(LdError::Unsafe)?;
    }
    let mut read = match objects {
        serde_json::Value::Array(nodes) => vocab::read_document(nodes),
        _ => Vec::new(),
    };
    match read.len() {
        1 => Ok(read.remove(0)),
        _ if !safe => Ok(serde_json::Value::Array(read)),
        0 => Err(LdError::Unsafe("the document expands to nothing".into())),
        n => Err(LdError::Unsafe(format!(
            "the document holds {n} separate top-level objects instead of one"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        futures_executor::block_on(f)
    }

    #[test]
    fn canonicalizes_the_implementation_guide_vector() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/standards/examples/ob-v3p0/impl-guide-test-vector");
        let Ok(text) = std::fs::read_to_string(dir.join("signed-credential.json")) else {
            panic!("shared/ fixtures are required at {}", dir.display());
        };
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc.as_object_mut().unwrap().remove("proof");
        let lines = block(canonical_nquads(&doc)).unwrap();
        let expected = std::fs::read_to_string(dir.join("document-canon.nq")).unwrap();
        assert_eq!(lines.concat(), expected);
    }

    #[test]
    fn a_quad_said_twice_counts_once_in_the_canonical_labels() {
        // The same image node described twice inside a credential held in a presentation's (blank) graph: the
        // duplicate quads must not weigh in the blank graph's hash, or the labels differ from jsonld.js's (found
        // when Digital Bazaar's verifier refused a presentation of the peer corpus's rich credential).
        let image = serde_json::json!({"id": "https://example.org/i.png", "type": "Image", "caption": "c"});
        let vp = |twice: bool| {
            let mut cred = serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2",
                             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:i",
                "validFrom": "2024-01-01T00:00:00Z", "image": image.clone(),
                "credentialSubject": {"type": "AchievementSubject", "achievement": {"type": "Achievement",
                    "name": "n", "description": "d", "criteria": {"narrative": "x"}}}
            });
            if twice {
                cred["credentialSubject"]["achievement"]["image"] = image.clone();
            } else {
                cred["credentialSubject"]["achievement"]["image"] =
                    serde_json::json!("https://example.org/i.png");
            }
            serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "VerifiablePresentation", "verifiableCredential": [cred]})
        };
        assert_eq!(
            block(canonical_nquads(&vp(true))).unwrap(),
            block(canonical_nquads(&vp(false))).unwrap()
        );
    }

    #[test]
    fn unknown_context_is_named_and_never_fetched() {
        let doc = serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/dcc/v1"],
            "type": "VerifiableCredential"});
        assert_eq!(
            block(canonical_nquads(&doc)),
            Err(LdError::UnknownContext("https://w3id.org/dcc/v1".into()))
        );
    }

    #[test]
    fn an_integer_a_double_cannot_hold_is_refused_as_unsigned() {
        // JSON-LD reads numbers as doubles (as JavaScript does): 2^53 + 1 is signed as 2^53, so showing it would
        // show a number no signature covers.
        let doc = |n: &str| {
            serde_json::from_str::<serde_json::Value>(&format!(
                r#"{{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
                    "issuer": "did:example:i", "name": {n}}}"#
            ))
            .unwrap()
        };
        assert!(matches!(
            block(canonical_nquads(&doc("9007199254740993"))),
            Err(LdError::Unsafe(r)) if r.contains("9007199254740992")
        ));
        let lines = block(canonical_nquads(&doc("9007199254740992"))).unwrap();
        assert!(lines.concat().contains("\"9007199254740992\"^^"), "{lines:?}");
        assert!(block(canonical_nquads(&doc("-42"))).is_ok());
    }

    #[test]
    fn undefined_terms_are_refused() {
        let doc = serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": "VerifiableCredential", "notATerm": 1});
        assert!(matches!(
            block(canonical_nquads(&doc)),
            Err(LdError::Unsafe(r)) if r.contains("notATerm")
        ));
    }
}

#[cfg(test)]
mod debug {
    /// `CARNET_DEBUG_LD=file cargo test -p wallet-core --lib ld::debug -- --ignored --nocapture`: print the
    /// canonical N-Quads of a JSON-LD file (without its proof), to compare with another implementation.
    #[test]
    #[ignore]
    fn dump() {
        let path = std::env::var("CARNET_DEBUG_LD").unwrap();
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        doc.as_object_mut().unwrap().remove("proof");
        print!(
            "{}",
            futures_executor::block_on(super::canonical_nquads(&doc))
                .unwrap()
                .concat()
        );
    }

    /// `CARNET_DEBUG_LD=file cargo test -p wallet-core --lib ld::debug::view -- --ignored --nocapture`: print
    /// Carnet's reading of a JSON-LD file (its proof, if any, read as a proof configuration).
    #[test]
    #[ignore]
    fn view() {
        let path = std::env::var("CARNET_DEBUG_LD").unwrap();
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let proof = doc.as_object_mut().unwrap().remove("proof");
        let read = futures_executor::block_on(super::read(&doc));
        println!(
            "{:#}",
            read.map(|r| r.view)
                .unwrap_or_else(|e| serde_json::json!(e.to_string()))
        );
        let proofs = match proof {
            Some(serde_json::Value::Array(p)) => p,
            Some(p) => vec![p],
            None => vec![],
        };
        for mut p in proofs {
            let m = p.as_object_mut().unwrap();
            m.remove("proofValue");
            m.remove("jws");
            m.insert("@context".into(), doc["@context"].clone());
            let read = futures_executor::block_on(super::read(&p));
            println!(
                "proof: {:#}",
                read.map(|r| r.view)
                    .unwrap_or_else(|e| serde_json::json!(e.to_string()))
            );
        }
    }
}
