//! Importing into a real wallet: the peer corpus folder (classes as its manifest says, nothing added the second
//! time), re-issues, quarantine, profile choice by subject DID, cancel, and the portfolio queries over the result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{json, Value};
use wallet_core::import::Limits;
use wallet_core::importer::{Event, ImportOptions, Item, ItemOutcome, Source, Summary};
use wallet_core::keys::SecretKey;
use wallet_core::net::NetPolicy;
use wallet_core::portfolio::Query;
use wallet_core::sign;
use wallet_core::verify::Verdict;
use wallet_core::Wallet;

use crate::hostile;
use crate::support::{at, new_wallet, peer_offline_verdict, reopen, shared, sign_di};

fn options(now: &str) -> ImportOptions {
    ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at(now)),
        ..ImportOptions::default()
    }
}

fn import(w: &Wallet, sources: &[Source], opts: &ImportOptions) -> Summary {
    let mut events = Vec::new();
    let summary = w
        .import(sources, opts, &mut |e| events.push(e), &AtomicBool::new(false))
        .unwrap();
    let items: Vec<&Item> = events
        .iter()
        .filter_map(|e| if let Event::Item(i) = e { Some(i) } else { None })
        .collect();
    assert_eq!(items.len(), summary.items.len(), "every item is announced");
    summary
}

/// A test issuer with a did:key.
pub struct Issuer {
    key: SecretKey,
    pub did: String,
}

impl Issuer {
    pub fn new(seed: u8) -> Self {
        let key = SecretKey::from_seed(&[seed; 32]);
        let did = wallet_core::did::did_key(&key.public_key()).unwrap();
        Self { key, did }
    }

    fn vm(&self) -> String {
        format!("{}#{}", self.did, self.did.trim_start_matches("did:key:"))
    }

    pub fn credential(&self, id: &str, name: &str, subject: &str, valid_from: &str) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name,
            "issuer": {"id": self.did, "type": ["Profile"], "name": "Cégep de Test"},
            "validFrom": valid_from,
            "credentialSubject": {
                "id": subject,
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": format!("{id}/achievement"),
                    "type": ["Achievement"],
                    "name": name,
                    "description": format!("Réussite : {name}"),
                    "criteria": {"narrative": "Done."}
                }
            }
        })
    }

    pub fn signed(&self, doc: &Value) -> Vec<u8> {
        serde_json::to_vec_pretty(&sign_di(doc, &self.key, &self.vm())).unwrap()
    }

    pub fn jwt(&self, doc: &Value) -> Vec<u8> {
        sign::vc_jwt(doc, &self.key, &self.vm()).unwrap().into_bytes()
    }
}

fn bytes(name: &str, b: Vec<u8>) -> Source {
    Source::Bytes {
        name: name.into(),
        bytes: b,
    }
}

fn count(w: &Wallet, q: &Query) -> usize {
    w.portfolio(q).unwrap().total
}

#[test]
fn peer_corpus_folder_gets_its_classes_and_a_second_import_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let dir = shared().join("fixtures/peer-corpus");
    let summary = import(&w, &[Source::Path(dir.clone())], &options("2025-01-01T00:00:00Z"));
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut by_file: HashMap<String, Vec<&Item>> = HashMap::new();
    for i in &summary.items {
        by_file.entry(i.file.clone()).or_default().push(i);
    }
    let mut problems = Vec::new();
    for case in manifest["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let items = by_file
            .get(&dir.join(file).display().to_string())
            .cloned()
            .unwrap_or_default();
        let outcomes: Vec<ItemOutcome> = items.iter().map(|i| i.outcome).collect();
        let stored = |o: &ItemOutcome| {
            matches!(
                o,
                ItemOutcome::Imported | ItemOutcome::Duplicate | ItemOutcome::Superseded
            )
        };
        // The manifest's exact class (an `error` is not an `indeterminate`), or a difference listed with its reason
        // (offline, the OB 2.0 issuer's documents cannot be had: could not check).
        let ok = !outcomes.is_empty()
            && match peer_offline_verdict(file, expect) {
                Verdict::Valid => outcomes.iter().all(stored),
                Verdict::Invalid => outcomes.contains(&ItemOutcome::Invalid),
                Verdict::Indeterminate => outcomes == [ItemOutcome::Indeterminate],
                Verdict::Error => outcomes == [ItemOutcome::Error],
            };
        if !ok {
            problems.push(format!("{file}: expected {expect}, got {outcomes:?}"));
        }
        for i in &items {
            if i.outcome != ItemOutcome::Imported && i.outcome != ItemOutcome::Duplicate {
                assert!(
                    i.reason.as_deref().is_some_and(|r| !r.is_empty()),
                    "{file}: no reason"
                );
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Valid with its revocation list unreachable: added, but the report and the portfolio say it was not fully
    // checked; a credential without a status list is plainly verified.
    let entries = w
        .portfolio(&Query {
            limit: 1000,
            ..Query::default()
        })
        .unwrap()
        .entries;
    for (file, partly) in [
        ("ob3-vc2-di-rich.json", true),
        ("ob3-vc2-di-eddsa-rdfc-2022.json", false),
    ] {
        let item = by_file[&dir.join(file).display().to_string()][0];
        // The same credential may have arrived first baked in a picture: then this one is a duplicate.
        match (partly, item.outcome) {
            (true, ItemOutcome::Imported) => assert!(
                item.reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("not fully checked — status:")),
                "{item:?}"
            ),
            (false, ItemOutcome::Imported) => assert_eq!(item.reason, None, "{item:?}"),
            (false, ItemOutcome::Duplicate) => {}
            _ => panic!("{file}: {item:?}"),
        }
        let id = item.credential_id.as_deref().unwrap();
        let entry = entries.iter().find(|e| e.id == id).unwrap();
        assert_eq!(entry.partly_checked, partly, "{file}");
    }
    let stored = count(&w, &Query::default());
    assert!(stored >= 5, "{stored}");
    assert!(summary.imported >= 5);
    // Again: nothing new.
    let again = import(&w, &[Source::Path(dir)], &options("2025-01-01T00:00:00Z"));
    assert_eq!((again.imported, again.superseded), (0, 0), "{again:#?}");
    assert_eq!(
        count(
            &w,
            &Query {
                include_quarantined: true,
                include_superseded: true,
                ..Query::default()
            }
        ),
        stored
    );
}

#[test]
fn a_reissue_supersedes_and_an_older_version_is_not_stored_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let college = Issuer::new(7);
    let v1 = college.credential(
        "urn:uuid:reissued",
        "Soins infirmiers I",
        "did:example:learner",
        "2024-01-01T00:00:00Z",
    );
    let v2 = college.credential(
        "urn:uuid:reissued",
        "Soins infirmiers I",
        "did:example:learner",
        "2025-01-01T00:00:00Z",
    );
    let opts = options("2025-06-01T00:00:00Z");
    let first = import(&w, &[bytes("v1.json", college.signed(&v1))], &opts);
    assert_eq!(first.items[0].outcome, ItemOutcome::Imported, "{first:#?}");
    let second = import(&w, &[bytes("v2.jwt", college.jwt(&v2))], &opts);
    assert_eq!(second.items[0].outcome, ItemOutcome::Superseded, "{second:#?}");
    assert_eq!(count(&w, &Query::default()), 1);
    let all = w
        .portfolio(&Query {
            include_superseded: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(all.total, 2);
    assert!(all
        .entries
        .iter()
        .any(|e| e.superseded && e.id == first.items[0].credential_id.clone().unwrap()));
    // The older version (another encoding, same id) once more: already there.
    let third = import(&w, &[bytes("v1.jwt", college.jwt(&v1))], &opts);
    assert_eq!(third.items[0].outcome, ItemOutcome::Duplicate, "{third:#?}");
    // Same bytes: duplicate by content.
    let fourth = import(&w, &[bytes("v2-again.jwt", college.jwt(&v2))], &opts);
    assert_eq!(fourth.items[0].outcome, ItemOutcome::Duplicate);
    assert_eq!(
        count(
            &w,
            &Query {
                include_superseded: true,
                ..Query::default()
            }
        ),
        2
    );
    // It all survives a reopen (durable), and the details keep the checks.
    drop(w);
    let w = reopen(&tmp.path().join("w"));
    let current = w.portfolio(&Query::default()).unwrap().entries[0].clone();
    let detail = w.credential(&current.id).unwrap();
    assert!(detail
        .checks
        .iter()
        .any(|c| c.id == wallet_core::verify::CheckId::Proof));
    assert!(
        String::from_utf8(detail.raw).unwrap().starts_with("eyJ"),
        "the JWT is kept verbatim"
    );
}

#[test]
fn unverified_credentials_are_reported_and_kept_only_in_quarantine_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let expired = shared().join("fixtures/peer-corpus/neg-expired.json");
    let s = import(
        &w,
        &[Source::Path(expired.clone())],
        &options("2025-01-01T00:00:00Z"),
    );
    assert_eq!(s.items[0].outcome, ItemOutcome::Invalid);
    assert!(s.items[0].reason.as_deref().unwrap().contains("expired"));
    assert_eq!(
        count(
            &w,
            &Query {
                include_quarantined: true,
                ..Query::default()
            }
        ),
        0,
        "not kept unless asked"
    );
    let keep = ImportOptions {
        keep_unverified: true,
        ..options("2025-01-01T00:00:00Z")
    };
    let s = import(&w, &[Source::Path(expired)], &keep);
    assert!(
        s.items[0].quarantined && s.items[0].credential_id.is_some(),
        "{s:#?}"
    );
    assert_eq!(count(&w, &Query::default()), 0, "never mixed with verified ones");
    let q = w
        .portfolio(&Query {
            include_quarantined: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(q.total, 1);
    assert!(q.entries[0].quarantined);
    assert_eq!(q.entries[0].verdict, Some(Verdict::Invalid));
}

#[test]
fn the_profile_whose_did_is_the_subject_gets_the_credential_and_search_folds_accents() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let home = w.create_profile("Perso").unwrap();
    let work = w.create_profile("Travail").unwrap();
    let college = Issuer::new(9);
    let for_work = college.credential(
        "urn:uuid:w",
        "École de gestion",
        &work.did_key,
        "2024-03-01T00:00:00Z",
    );
    let for_nobody = college.credential(
        "urn:uuid:n",
        "Programmation",
        "did:example:other",
        "2024-02-01T00:00:00Z",
    );
    let opts = options("2025-01-01T00:00:00Z");
    let s = import(
        &w,
        &[
            bytes("a.json", college.signed(&for_work)),
            bytes("b.json", college.signed(&for_nobody)),
        ],
        &opts,
    );
    assert_eq!(s.imported, 2, "{s:#?}");
    let page = w.portfolio(&Query::default()).unwrap();
    let by_name: HashMap<_, _> = page
        .entries
        .iter()
        .map(|e| (e.name.clone().unwrap(), e.profile_id.clone()))
        .collect();
    assert_eq!(by_name["École de gestion"], Some(work.id.clone()));
    assert_eq!(by_name["Programmation"], Some(home.id.clone()), "default profile");
    // Sorted by award date, most recent first; accents and case ignored.
    assert_eq!(page.entries[0].name.as_deref(), Some("École de gestion"));
    assert_eq!(
        count(
            &w,
            &Query {
                search: Some("ecole GESTION".into()),
                ..Query::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &w,
            &Query {
                search: Some("réussite".into()),
                ..Query::default()
            }
        ),
        2
    );
    assert_eq!(
        count(
            &w,
            &Query {
                issuer: Some("cegep".into()),
                ..Query::default()
            }
        ),
        2
    );
    assert_eq!(
        count(
            &w,
            &Query {
                profile_id: Some(work.id.clone()),
                ..Query::default()
            }
        ),
        1
    );
    assert_eq!(
        count(
            &w,
            &Query {
                from: Some("2024-02-15".into()),
                ..Query::default()
            }
        ),
        1
    );
    // Removing one takes it out of every query.
    let id = page.entries[0].id.clone();
    w.remove_credential(&id).unwrap();
    assert_eq!(count(&w, &Query::default()), 1);
}

#[test]
fn cancel_keeps_what_was_reported_and_a_rerun_completes_without_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let college = Issuer::new(11);
    let files = tmp.path().join("badges");
    std::fs::create_dir(&files).unwrap();
    for n in 0..300 {
        let c = college.credential(
            &format!("urn:uuid:c{n}"),
            &format!("Badge {n}"),
            "did:example:l",
            "2024-01-01T00:00:00Z",
        );
        std::fs::write(files.join(format!("{n:04}.jwt")), college.jwt(&c)).unwrap();
    }
    let cancel = AtomicBool::new(false);
    let mut reported = Vec::new();
    let opts = options("2025-01-01T00:00:00Z");
    let s = w
        .import(
            &[Source::Path(files.clone())],
            &opts,
            &mut |e| {
                if let Event::Item(i) = e {
                    reported.push(i.credential_id.clone().unwrap());
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .unwrap();
    assert!(s.cancelled, "{} of 300 imported", s.imported);
    assert!(!reported.is_empty() && reported.len() < 300);
    for id in &reported {
        w.credential(id).unwrap();
    }
    let rest = import(&w, &[Source::Path(files)], &opts);
    assert_eq!(rest.imported + rest.duplicates, 300);
    assert_eq!(rest.duplicates, s.imported);
    assert_eq!(count(&w, &Query::default()), 300);
}

#[test]
fn baked_pictures_are_kept_and_fetched_issuer_documents_serve_later_imports_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let png = shared().join("fixtures/peer-corpus/ob3-baked-jsonld.png");
    let s = import(&w, &[Source::Path(png.clone())], &options("2025-01-01T00:00:00Z"));
    let id = s.items[0].credential_id.clone().unwrap();
    let image = w.credential_image(&id).unwrap().unwrap();
    assert!(image.starts_with("data:image/png;base64,"));
    assert!(w.portfolio(&Query::default()).unwrap().entries[0].has_image);

    // OB 2.0 signed: online, the issuer's documents come from its server (a real one on 127.0.0.1)…
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let mut routes = crate::http::Routes::new();
    for f in ["key.json", "issuer.json", "badgeclass.json"] {
        routes.insert(format!("/ob2/{f}"), (200, std::fs::read(side.join(f)).unwrap()));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(crate::http::serve(routes));
    let online = ImportOptions {
        net: NetPolicy {
            allow_loopback_http: true,
            test_routes: vec![(
                "https://badges.public-example.org/".into(),
                format!("{}/", server.base),
            )],
            ..NetPolicy::default()
        },
        now: Some(at("2025-01-01T00:00:00Z")),
        ..ImportOptions::default()
    };
    let s = import(
        &w,
        &[Source::Path(
            shared().join("fixtures/peer-corpus/ob2-signed-baked.png"),
        )],
        &online,
    );
    assert_eq!(s.items[0].outcome, ItemOutcome::Imported, "{s:#?}");
    drop(rt);
    // …and stay in the wallet's encrypted cache: the same badge as SVG, offline, verifies as of that fetch.
    let s = import(
        &w,
        &[Source::Path(
            shared().join("fixtures/peer-corpus/ob2-signed-baked.svg"),
        )],
        &options("2025-01-01T00:00:00Z"),
    );
    assert!(
        matches!(s.items[0].outcome, ItemOutcome::Imported | ItemOutcome::Duplicate),
        "{s:#?}"
    );
    assert_ne!(s.items[0].outcome, ItemOutcome::Indeterminate);
}

#[test]
fn a_quarantined_credential_that_verifies_later_leaves_quarantine() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let expired = shared().join("fixtures/peer-corpus/neg-expired.json");
    // Judged after its end date: invalid, kept in quarantine on request.
    let keep = ImportOptions {
        keep_unverified: true,
        ..options("2025-01-01T00:00:00Z")
    };
    let s = import(&w, &[Source::Path(expired.clone())], &keep);
    assert!(s.items[0].quarantined);
    // Judged within its dates (a clock set back, as a stand-in for a list or key that became reachable): valid.
    let s = import(&w, &[Source::Path(expired)], &options("2024-03-01T00:00:00Z"));
    assert_eq!(s.items[0].outcome, ItemOutcome::Imported, "{s:#?}");
    let page = w.portfolio(&Query::default()).unwrap();
    assert_eq!(page.total, 1);
    assert!(!page.entries[0].quarantined);
}

/// Issue 10: a folder of PNG chunk bombs (100 compressed badge chunks each, inflating to 500 MB of text). Every
/// file is reported with the reason and nothing is stored, even when unverified credentials are kept.
#[test]
fn a_folder_of_png_bombs_is_refused_file_by_file_and_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let bombs = tmp.path().join("bombs");
    std::fs::create_dir(&bombs).unwrap();
    let bomb = hostile::png_bomb(100, Limits::default().max_inflated_bytes);
    for n in 0..32 {
        std::fs::write(bombs.join(format!("bomb-{n:02}.png")), &bomb).unwrap();
    }
    let keep = ImportOptions {
        keep_unverified: true,
        ..options("2025-01-01T00:00:00Z")
    };
    let s = import(&w, &[Source::Path(bombs.clone())], &keep);
    assert_eq!(
        (s.files, s.items.len(), s.errors, s.imported),
        (32, 32, 32, 0),
        "{s:#?}"
    );
    // Items arrive group by group, in no fixed order across groups.
    let mut items = s.items.clone();
    items.sort_by(|a, b| a.file.cmp(&b.file));
    for (n, item) in items.iter().enumerate() {
        assert_eq!(
            item.file,
            bombs.join(format!("bomb-{n:02}.png")).display().to_string()
        );
        assert_eq!(
            (item.outcome, item.credential_id.as_deref(), item.quarantined),
            (ItemOutcome::Error, None, false)
        );
        let reason = item.reason.as_deref().unwrap_or_default();
        assert!(
            reason.contains("this PNG image carries at least 2 badge chunks"),
            "{reason}"
        );
    }
    let everything = Query {
        include_quarantined: true,
        include_superseded: true,
        ..Query::default()
    };
    assert_eq!(count(&w, &everything), 0);
}

/// Issue 10: what the workers, the channel and the writer's open group hold at once stays within the import's
/// byte budget, however many large files wait in the folder.
#[test]
fn large_files_are_held_within_the_byte_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let college = Issuer::new(12);
    let files = tmp.path().join("large");
    std::fs::create_dir(&files).unwrap();
    let mut size = 0;
    for n in 0..24 {
        let mut c = college.credential(
            &format!("urn:uuid:large{n}"),
            &format!("Large {n}"),
            "did:example:l",
            "2024-01-01T00:00:00Z",
        );
        c["credentialSubject"]["achievement"]["description"] = json!("long ".repeat(40_000));
        let jwt = college.jwt(&c);
        size = size.max(jwt.len());
        std::fs::write(files.join(format!("{n:02}.jwt")), jwt).unwrap();
    }
    // Each file is charged about three times its size (its bytes, its parsed copy, a picture): room for three.
    let budget = 10 * size;
    let opts = ImportOptions {
        threads: 2,
        max_bytes_held: budget,
        ..options("2025-01-01T00:00:00Z")
    };
    let s = import(&w, &[Source::Path(files)], &opts);
    assert_eq!(s.imported, 24, "{s:#?}");
    assert!(
        (2 * size..=budget).contains(&s.peak_bytes_held),
        "held {} bytes at once; the budget is {budget}",
        s.peak_bytes_held
    );
}

#[test]
fn a_file_imported_before_is_known_by_its_bytes_and_reported_as_already_in_the_wallet() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let issuer = Issuer::new(61);
    let dir = tmp.path().join("badges");
    std::fs::create_dir_all(&dir).unwrap();
    for n in 0..4 {
        let doc = issuer.credential(
            &format!("urn:uuid:known-{n}"),
            &format!("Badge {n}"),
            "did:example:l",
            "2024-01-01T00:00:00Z",
        );
        let (name, bytes) = match n % 2 {
            0 => (format!("{n}.json"), issuer.signed(&doc)),
            _ => (format!("{n}.jwt"), issuer.jwt(&doc)),
        };
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let opts = options("2025-01-01T00:00:00Z");
    let first = import(&w, &[Source::Path(dir.clone())], &opts);
    assert_eq!(first.imported, 4, "{first:#?}");
    let ids: HashMap<String, (String, Option<String>)> = first
        .items
        .iter()
        .map(|i| (i.file.clone(), (i.credential_id.clone().unwrap(), i.name.clone())))
        .collect();
    // Again: every file is known, and reported exactly as a credential whose bytes are already stored.
    let again = import(&w, &[Source::Path(dir.clone())], &opts);
    assert_eq!((again.imported, again.duplicates), (0, 4), "{again:#?}");
    for i in &again.items {
        let (id, name) = &ids[&i.file];
        assert_eq!(i.outcome, ItemOutcome::Duplicate);
        assert_eq!(i.reason.as_deref(), Some("already in your wallet"));
        assert_eq!(i.credential_id.as_ref(), Some(id));
        assert_eq!(&i.name, name);
        assert_eq!(
            (i.verdict, i.quarantined, i.index),
            (Some(Verdict::Valid), false, 0)
        );
    }
    // A credential removed since: its file is verified and stored again; the others are still known.
    let removed = dir.join("1.jwt").display().to_string();
    w.remove_credential(&ids[&removed].0).unwrap();
    let third = import(&w, &[Source::Path(dir)], &opts);
    assert_eq!((third.imported, third.duplicates), (1, 3), "{third:#?}");
    let back = third.items.iter().find(|i| i.file == removed).unwrap();
    assert_eq!(back.outcome, ItemOutcome::Imported);
    // And known again afterwards, under its new id.
    drop(w);
    let w = reopen(&tmp.path().join("w"));
    let fourth = import(&w, &[Source::Path(tmp.path().join("badges"))], &opts);
    assert_eq!((fourth.imported, fourth.duplicates), (0, 4), "{fourth:#?}");
    let known = fourth.items.iter().find(|i| i.file == removed).unwrap();
    assert_eq!(known.credential_id, back.credential_id);
}
