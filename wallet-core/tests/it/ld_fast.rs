//! The fast path of JSON-LD reading (kept processed contexts, `ld::fast`) against the full JSON-LD algorithm: the
//! same verdicts, checks and facts for every file of every corpus (fixtures, validator and specification examples,
//! generated badges, hostile documents), and the same signed reading (canonical N-Quads, view, or error) for every
//! document and proof configuration in them. A cache must never change an answer.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{verify_bytes, Options};

use crate::support::{at, shared};

/// The switch is process-wide: the tests that flip it take turns.
static SWITCH: Mutex<()> = Mutex::new(());

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.metadata().map(|m| m.len() < 4 << 20).unwrap_or(false) {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&shared().join("fixtures"), &mut out);
    files(&shared().join("standards/examples"), &mut out);
    out
}

fn verify_all(paths: &[PathBuf], fast: bool) -> Vec<String> {
    wallet_core::ld::set_fast_path(fast);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let net = Net::offline();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let out = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            let reports = rt.block_on(verify_bytes(&bytes, &net, &MemoryCache::new(), &opts));
            format!("{}: {reports:?}", p.display())
        })
        .collect();
    wallet_core::ld::set_fast_path(true);
    out
}

#[test]
fn verdicts_checks_and_facts_are_the_same_with_and_without_the_fast_path() {
    let _turn = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let paths = corpus();
    assert!(paths.len() > 200, "the corpora are missing: {}", paths.len());
    let fast = verify_all(&paths, true);
    let plain = verify_all(&paths, false);
    for (f, p) in fast.iter().zip(&plain) {
        assert_eq!(f, p);
    }
}

/// Every JSON-LD document of the corpora, and each of its proofs read as a proof configuration (as verification
/// reads them), with nested credentials (presentations, CLRs, endorsements) on their own.
fn documents() -> Vec<(String, Value)> {
    fn add(name: &str, doc: &Value, out: &mut Vec<(String, Value)>, depth: usize) {
        let Some(map) = doc.as_object() else { return };
        if depth > 4 || !map.contains_key("@context") {
            return;
        }
        let mut unsecured = doc.clone();
        let proof = unsecured.as_object_mut().unwrap().remove("proof");
        out.push((name.to_owned(), unsecured.clone()));
        let proofs = match proof {
            Some(Value::Array(p)) => p,
            Some(p) => vec![p],
            None => vec![],
        };
        for (i, mut p) in proofs.into_iter().enumerate() {
            if let Some(m) = p.as_object_mut() {
                m.remove("proofValue");
                m.remove("jws");
                m.insert("@context".into(), doc["@context"].clone());
                out.push((format!("{name} proof {i}"), p));
            }
        }
        for key in ["verifiableCredential", "endorsement", "credentialSubject"] {
            let items = match map.get(key) {
                Some(Value::Array(items)) => items.clone(),
                Some(v) => vec![v.clone()],
                None => vec![],
            };
            for (i, item) in items.iter().enumerate() {
                add(&format!("{name} {key}[{i}]"), item, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    for p in corpus() {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        add(&p.display().to_string(), &doc, &mut out, 0);
    }
    out
}

#[test]
fn the_signed_reading_is_the_same_with_and_without_the_fast_path() {
    let _turn = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let docs = documents();
    assert!(docs.len() > 100, "{}", docs.len());
    let show = |r: Result<wallet_core::ld::Signed, wallet_core::ld::LdError>| match r {
        Ok(s) => format!("{}\n{:#}", s.nquads.concat(), s.view),
        Err(e) => format!("error: {e}"),
    };
    let before = wallet_core::ld::fast_reads();
    for (name, doc) in &docs {
        let fast = show(futures_executor::block_on(wallet_core::ld::read(doc)));
        let plain = show(futures_executor::block_on(wallet_core::ld::read_uncached(doc)));
        assert_eq!(fast, plain, "{name}");
    }
    // The fast path is not vacuous: most of the corpora's documents take it.
    let taken = wallet_core::ld::fast_reads() - before;
    println!("fast path: {taken} of {} documents", docs.len());
    assert!(taken * 2 > docs.len() as u64, "{taken} of {}", docs.len());
}

/// `CARNET_FAST_FILES="a.json b.json" cargo test -p wallet-core --test it ld_fast::which -- --ignored --nocapture`:
/// which documents (and proof configurations) of the given files the fast path reads.
#[test]
#[ignore]
fn which() {
    let files = std::env::var("CARNET_FAST_FILES").unwrap_or_default();
    for f in files.split_whitespace() {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let mut unsecured = doc.clone();
        let proof = unsecured.as_object_mut().unwrap().remove("proof");
        let before = wallet_core::ld::fast_reads();
        let _ = futures_executor::block_on(wallet_core::ld::read(&unsecured));
        let doc_fast = wallet_core::ld::fast_reads() > before;
        let mut p = match proof {
            Some(Value::Array(mut p)) => p.remove(0),
            Some(p) => p,
            None => Value::Null,
        };
        if let Some(m) = p.as_object_mut() {
            m.remove("proofValue");
            m.remove("jws");
            m.insert("@context".into(), doc["@context"].clone());
        }
        let before = wallet_core::ld::fast_reads();
        let _ = futures_executor::block_on(wallet_core::ld::read(&p));
        println!(
            "{f}: document {doc_fast}, proof {}",
            wallet_core::ld::fast_reads() > before
        );
    }
}

/// A list container (Open Badges' `allowedValue`, `@container: @list`, which realistic achievements carry) takes
/// the fast path, in order, with the same reading as the full algorithm.
#[test]
fn a_list_container_takes_the_fast_path_with_the_same_reading() {
    let _turn = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let doc: Value = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Compétence",
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Établissement"},
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Compétence",
                "criteria": {"narrative": "Évaluation réussie."},
                "resultDescription": [{
                    "id": "https://example.org/achievements/1/grade",
                    "type": ["ResultDescription"],
                    "name": "Note",
                    "resultType": "LetterGrade",
                    "allowedValue": ["C", "A", "B", "A"]
                }, {
                    "id": "https://example.org/achievements/1/pass",
                    "type": ["ResultDescription"],
                    "name": "Réussite",
                    "resultType": "LetterGrade",
                    "allowedValue": "P"
                }]
            },
            "result": [{"type": ["Result"], "resultDescription": "https://example.org/achievements/1/grade", "value": "A"}]
        }
    });
    let show = |r: Result<wallet_core::ld::Signed, wallet_core::ld::LdError>| match r {
        Ok(s) => format!("{}\n{:#}", s.nquads.concat(), s.view),
        Err(e) => format!("error: {e}"),
    };
    let before = wallet_core::ld::fast_reads();
    let fast = show(futures_executor::block_on(wallet_core::ld::read(&doc)));
    assert!(wallet_core::ld::fast_reads() > before, "the fast path declined");
    let plain = show(futures_executor::block_on(wallet_core::ld::read_uncached(&doc)));
    assert_eq!(fast, plain);
    assert!(fast.contains("rdf-syntax-ns#first"), "{fast}");
}
