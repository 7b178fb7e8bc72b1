//! The portfolio search engine through the real `Wallet`: credentials imported (signed, verified, stored), then
//! found by words typed without accents or in another case ("ecole" finds "École", "college" finds "Collège").

use std::sync::atomic::AtomicBool;

use wallet_core::importer::{ImportOptions, Source};
use wallet_core::keys::SecretKey;
use wallet_core::net::NetPolicy;
use wallet_core::portfolio::Query;
use wallet_core::Wallet;

use crate::support::{at, did_key_vm, new_wallet, ob3_credential, reopen, sign_di};

fn names_found(w: &Wallet, words: &str) -> Vec<String> {
    let page = w
        .portfolio(&Query {
            search: Some(words.into()),
            ..Query::default()
        })
        .unwrap();
    let mut names: Vec<String> = page.entries.into_iter().filter_map(|e| e.name).collect();
    names.sort();
    names
}

#[test]
fn search_ignores_accents_and_case_over_imported_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    let w = new_wallet(&dir);
    let key = SecretKey::from_seed(&[61; 32]);
    let (did, vm) = did_key_vm(&key);
    let names = [
        "École polytechnique",
        "Collège Ahuntsic",
        "Université Laval",
        "Programmation",
    ];
    let sources: Vec<Source> = names
        .iter()
        .enumerate()
        .map(|(i, name)| Source::Bytes {
            name: format!("{i}.json"),
            bytes: {
                let mut c = ob3_credential(&format!("urn:uuid:search-{i}"), &did, name);
                c["issuer"]["name"] = serde_json::json!("Réseau des établissements");
                serde_json::to_vec(&sign_di(&c, &key, &vm)).unwrap()
            },
        })
        .collect();
    let opts = ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at("2025-01-01T00:00:00Z")),
        ..ImportOptions::default()
    };
    let summary = w
        .import(&sources, &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(summary.imported, names.len(), "{summary:#?}");
    let cases: &[(&str, &[&str])] = &[
        ("ecole", &["École polytechnique"]),
        ("ECOLE", &["École polytechnique"]),
        ("École", &["École polytechnique"]),
        ("college", &["Collège Ahuntsic"]),
        ("COLLÈGE", &["Collège Ahuntsic"]),
        ("College AHUNTSIC", &["Collège Ahuntsic"]),
        ("universite laval", &["Université Laval"]),
        // The issuer's name is searched too.
        (
            "RESEAU etablissements",
            &[
                "Collège Ahuntsic",
                "Programmation",
                "Université Laval",
                "École polytechnique",
            ],
        ),
        // Every word must appear; an accent-folded word is no wildcard.
        ("ecole college", &[]),
        ("ecoles", &[]),
        ("collage", &[]),
    ];
    let check = |w: &Wallet| {
        for (words, want) in cases {
            assert_eq!(names_found(w, words), *want, "search {words:?}");
        }
    };
    check(&w);
    // The index is rebuilt from the encrypted store after a lock: the same answers.
    drop(w);
    check(&reopen(&dir));
}
