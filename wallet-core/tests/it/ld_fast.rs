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

/// Every string value of `doc` (outside `@context`, ids and types) replaced by `with`.
fn replace_values(doc: &Value, with: &Value) -> Value {
    match doc {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let keep = matches!(k.as_str(), "@context" | "id" | "@id" | "type" | "@type");
                    let v = match v {
                        Value::String(_) if !keep => with.clone(),
                        _ if keep => v.clone(),
                        _ => replace_values(v, with),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::String(_) => with.clone(),
                    _ => replace_values(i, with),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Values an attacker or an unusual issuer may write — characters N-Quads escapes or must not, numbers of every JSON
/// form, booleans, an empty string — in place of every string of the peer corpus's credentials: the fast path (own
/// RDF conversion and literal writing) and json-ld's algorithm give the same N-Quads, view, or error.
#[test]
fn edited_values_read_the_same_with_and_without_the_fast_path() {
    let _turn = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let dir = shared().join("fixtures/peer-corpus");
    let names = [
        "ob3-vc2-di-eddsa-rdfc-2022.json",
        "ob3-vc11-ed25519signature2020-rich.json",
        "ob3-vc2-di-rich.json",
    ];
    let values = [
        serde_json::json!("q\"u\\o\nt\re\t\u{1}\u{7f}\u{85} é 𝄞 <x> {y} ^`| _:b0 ."),
        serde_json::json!(""),
        serde_json::json!("https://example.org/a b"),
        serde_json::json!("urn:x:y"),
        serde_json::json!(true),
        serde_json::json!(false),
        serde_json::json!(0),
        serde_json::json!(-42),
        serde_json::json!(9_007_199_254_740_993_i64),
        serde_json::json!(18_446_744_073_709_551_615_u64),
        serde_json::from_str::<Value>("1.0").unwrap(),
        serde_json::from_str::<Value>("2.5").unwrap(),
        serde_json::from_str::<Value>("1e3").unwrap(),
        serde_json::from_str::<Value>("-0").unwrap(),
        serde_json::from_str::<Value>("123456789012345678901234567890").unwrap(),
    ];
    let show = |r: Result<wallet_core::ld::Signed, wallet_core::ld::LdError>| match r {
        Ok(s) => format!("{}\n{:#}", s.nquads.concat(), s.view),
        Err(e) => format!("error: {e}"),
    };
    let before = wallet_core::ld::fast_reads();
    let mut compared = 0;
    for name in names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        doc.as_object_mut().unwrap().remove("proof");
        for with in &values {
            let edited = replace_values(&doc, with);
            let fast = show(futures_executor::block_on(wallet_core::ld::read(&edited)));
            let plain = show(futures_executor::block_on(wallet_core::ld::read_uncached(
                &edited,
            )));
            assert_eq!(fast, plain, "{name} with {with}");
            compared += 1;
        }
    }
    let taken = wallet_core::ld::fast_reads() - before;
    println!("fast path: {taken} of {compared} edited documents");
    assert!(taken * 3 > compared, "{taken} of {compared}");
}
