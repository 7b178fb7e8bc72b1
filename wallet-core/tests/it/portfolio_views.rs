//! The portfolio's views over a real wallet: timeline, skills, issuers, filters and sorting, the details read
//! again from the signed bytes (an edit the signature does not cover shows nowhere), collections carried by
//! backups, and "Re-verify now" moving a credential that expired since into quarantine.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use time::OffsetDateTime;
use wallet_core::clock::Clock;
use wallet_core::importer::{ImportOptions, Source};
use wallet_core::net::{Net, NetPolicy};
use wallet_core::portfolio::{Query, Sort};
use wallet_core::verify::Verdict;
use wallet_core::{KdfParams, NewProtection, Wallet};

use crate::importer::Issuer;
use crate::support::{at, new_wallet, pass, PASS};

const SUBJECT: &str = "did:example:learner";

/// A credential with the portfolio's facts: type, alignments, tags, results, evidence, related achievements.
fn rich(issuer: &Issuer, id: &str, name: &str, from: &str, extra: Value) -> Value {
    let mut doc = issuer.credential(id, name, SUBJECT, from);
    let ach = &mut doc["credentialSubject"]["achievement"];
    ach["achievementType"] = json!("Certificate");
    ach["tag"] = json!(["santé", "soins"]);
    ach["alignment"] = json!([{
        "type": ["Alignment"],
        "targetName": "Soins de base",
        "targetFramework": "Compétences infirmières",
        "targetCode": "SI-1",
        "targetUrl": "https://cadre.example/si-1",
        "targetType": "CFItem"
    }]);
    ach["resultDescription"] = json!([{
        "id": "urn:rd:1", "type": ["ResultDescription"], "name": "Évaluation finale", "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [{"id": "urn:lvl:1", "type": ["RubricCriterionLevel"], "name": "Excellent"}]
    }]);
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            doc["credentialSubject"]["achievement"][k] = v;
        }
    }
    doc["credentialSubject"]["result"] =
        json!([{"type": ["Result"], "resultDescription": "urn:rd:1", "achievedLevel": "urn:lvl:1"}]);
    doc["evidence"] = json!([{"id": "https://portfolio.example/stage", "type": ["Evidence"], "name": "Stage", "narrative": "Trois semaines **en CHSLD**."}]);
    doc
}

fn import(w: &Wallet, files: Vec<(&str, Vec<u8>)>, now: &str) {
    let sources: Vec<Source> = files
        .into_iter()
        .map(|(name, bytes)| Source::Bytes {
            name: name.into(),
            bytes,
        })
        .collect();
    let opts = ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at(now)),
        keep_unverified: true,
        ..ImportOptions::default()
    };
    w.import(&sources, &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
}

fn filled(w: &Wallet) -> (Issuer, Issuer) {
    let cegep = Issuer::new(11);
    let uni = Issuer::new(12);
    let first = rich(
        &cegep,
        "urn:uuid:c1",
        "Soins I",
        "2021-06-01T00:00:00Z",
        json!({}),
    );
    let mut second = rich(
        &cegep,
        "urn:uuid:c2",
        "DEC en soins infirmiers",
        "2023-05-01T00:00:00Z",
        json!({"achievementType": "Diploma", "fieldOfStudy": "Soins infirmiers", "related": [{"id": "urn:uuid:c1/achievement", "type": ["Related"]}]}),
    );
    second["issuer"]["name"] = json!("Cégep du Vieux-Port");
    let mut third = uni.credential("urn:uuid:u1", "Anglais B2", SUBJECT, "2023-01-15T00:00:00Z");
    third["credentialSubject"]["achievement"]["alignment"] = json!([{
        "type": ["Alignment"], "targetName": "English B2", "targetFramework": "CECR", "targetUrl": "https://cecr.example/b2"
    }]);
    // A holder's edit after signing: the proof no longer holds, so it waits in quarantine and its claims show in
    // no overview.
    let mut forged: Value = serde_json::from_slice(&uni.signed(&uni.credential(
        "urn:uuid:u2",
        "Chimie",
        SUBJECT,
        "2022-01-01T00:00:00Z",
    )))
    .unwrap();
    forged["credentialSubject"]["achievement"]["alignment"] = json!([{"type": ["Alignment"], "targetName": "Médecine", "targetFramework": "CECR", "targetUrl": "https://med.example"}]);
    import(
        w,
        vec![
            ("c1.json", cegep.signed(&first)),
            ("c2.json", cegep.signed(&second)),
            ("u1.json", uni.signed(&third)),
            ("u2.json", serde_json::to_vec(&forged).unwrap()),
        ],
        "2024-01-01T00:00:00Z",
    );
    (cegep, uni)
}

fn id_of(w: &Wallet, name: &str) -> String {
    w.portfolio(&Query {
        search: Some(name.into()),
        include_quarantined: true,
        ..Query::default()
    })
    .unwrap()
    .entries
    .into_iter()
    .find(|e| e.name.as_deref() == Some(name))
    .unwrap_or_else(|| panic!("{name} is in the wallet"))
    .id
}

#[test]
fn timeline_skills_and_issuers_come_from_what_was_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    filled(&w);
    let (c1, c2, u1) = (
        id_of(&w, "Soins I"),
        id_of(&w, "DEC en soins infirmiers"),
        id_of(&w, "Anglais B2"),
    );

    let t = w.timeline().unwrap();
    let years: Vec<_> = t.years.iter().map(|y| y.year).collect();
    assert_eq!(
        years,
        vec![Some(2023), Some(2021)],
        "the forged one is not on the timeline"
    );
    assert_eq!(t.years[0].issuers.len(), 2);
    assert_eq!(t.pathways.len(), 1);
    assert_eq!(
        (t.pathways[0].from.as_str(), t.pathways[0].to.as_str()),
        (c2.as_str(), c1.as_str())
    );

    let s = w.skills(None).unwrap();
    let frameworks: Vec<_> = s.frameworks.iter().map(|f| f.name.clone().unwrap()).collect();
    assert_eq!(frameworks, vec!["CECR", "Compétences infirmières"]);
    let soins = &s.frameworks[1].skills[0];
    assert_eq!(
        (soins.name.as_str(), soins.code.as_deref()),
        ("Soins de base", Some("SI-1"))
    );
    assert_eq!(soins.credential_ids, vec![c2.clone(), c1.clone()]);
    assert_eq!(s.frameworks[0].skills[0].credential_ids, vec![u1.clone()]);
    let everything = serde_json::to_string(&s).unwrap();
    assert!(
        !everything.contains("Médecine"),
        "an unsigned alignment is no skill"
    );
    let types: Vec<_> = s
        .achievement_types
        .iter()
        .map(|f| (f.value.as_str(), f.credential_ids.len()))
        .collect();
    assert_eq!(types, vec![("Certificate", 1), ("Diploma", 1)]);
    assert_eq!(s.fields_of_study[0].value, "Soins infirmiers");
    assert_eq!(w.skills(Some("cecr")).unwrap().frameworks.len(), 1);

    let issuers = w.issuers().unwrap();
    assert_eq!(issuers.len(), 2);
    assert_eq!(issuers[0].credential_ids, vec![c2.clone(), c1.clone()]);
    assert_eq!(
        issuers[0].issuer_name.as_deref(),
        Some("Cégep du Vieux-Port"),
        "its latest name"
    );
    assert_eq!(issuers[0].first_award.as_deref(), Some("2021-06-01T00:00:00Z"));
    assert_eq!(issuers[0].bound, 2);
    assert_eq!(
        issuers[1].credential_ids,
        vec![u1.clone()],
        "the forged credential is not counted"
    );

    // Filters and sorting.
    let names = |q: Query| -> Vec<String> {
        w.portfolio(&q)
            .unwrap()
            .entries
            .into_iter()
            .filter_map(|e| e.name)
            .collect()
    };
    assert_eq!(
        names(Query {
            sort: Sort::Name,
            ..Query::default()
        }),
        vec!["Anglais B2", "DEC en soins infirmiers", "Soins I"]
    );
    assert_eq!(
        names(Query {
            sort: Sort::DateAscending,
            ..Query::default()
        }),
        vec!["Soins I", "Anglais B2", "DEC en soins infirmiers"]
    );
    assert_eq!(
        names(Query {
            year: Some(2023),
            ..Query::default()
        })
        .len(),
        2
    );
    assert_eq!(
        names(Query {
            achievement_type: Some("Diploma".into()),
            ..Query::default()
        }),
        vec!["DEC en soins infirmiers"]
    );
    assert_eq!(
        names(Query {
            search: Some("si-1".into()),
            ..Query::default()
        })
        .len(),
        2,
        "codes are searched"
    );
    assert_eq!(
        names(Query {
            only_quarantined: true,
            ..Query::default()
        }),
        vec!["Chimie"]
    );
    let facets = w.portfolio_facets(false).unwrap();
    assert_eq!(
        facets.years.iter().map(|y| y.value.as_str()).collect::<Vec<_>>(),
        vec!["2023", "2021"]
    );
    assert_eq!(facets.issuers[0].count, 2);
}

#[test]
fn a_current_credential_leads_back_to_the_versions_it_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let cegep = Issuer::new(31);
    let version =
        |from: &str| cegep.signed(&rich(&cegep, "urn:uuid:reissued", "Secourisme", from, json!({})));
    import(
        &w,
        vec![("v1.json", version("2024-01-01T00:00:00Z"))],
        "2025-01-01T00:00:00Z",
    );
    import(
        &w,
        vec![("v2.json", version("2024-06-01T00:00:00Z"))],
        "2025-01-01T00:00:00Z",
    );
    let all = w
        .portfolio(&Query {
            include_superseded: true,
            ..Query::default()
        })
        .unwrap()
        .entries;
    let current = all.iter().find(|e| !e.superseded).unwrap();
    let older = all.iter().find(|e| e.superseded).unwrap();
    assert_eq!(
        w.credential(&older.id).unwrap().superseded_by.as_deref(),
        Some(current.id.as_str())
    );
    let earlier = w.earlier_versions(&current.id).unwrap();
    assert_eq!(
        earlier.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        [older.id.as_str()]
    );
    assert!(w.earlier_versions(&older.id).unwrap().is_empty());
}

#[test]
fn details_are_read_again_from_the_signed_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    filled(&w);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let d = rt
        .block_on(w.credential_facts(&id_of(&w, "Soins I")))
        .unwrap()
        .unwrap();
    assert_eq!(d.achievement_name.as_deref(), Some("Soins I"));
    assert_eq!(d.criteria_narrative.as_deref(), Some("Done."));
    assert_eq!(d.results[0].name.as_deref(), Some("Évaluation finale"));
    assert_eq!(d.results[0].level.as_deref(), Some("Excellent"));
    assert_eq!(
        d.evidence[0].narrative.as_deref(),
        Some("Trois semaines **en CHSLD**.")
    );
    assert_eq!(
        d.evidence[0].url.as_deref(),
        Some("https://portfolio.example/stage")
    );
    assert_eq!(d.summary.alignments[0].code.as_deref(), Some("SI-1"));
    // The forged one has no signed reading to show.
    let forged = rt.block_on(w.credential_facts(&id_of(&w, "Chimie"))).unwrap();
    assert!(forged.is_none_or(|d| !serde_json::to_string(&d).unwrap().contains("Médecine")));
}

#[test]
fn collections_are_kept_encrypted_and_carried_by_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    filled(&w);
    let nursing = w.create_collection("  Soins   infirmiers ").unwrap();
    assert_eq!(nursing.name, "Soins infirmiers");
    assert!(
        w.create_collection("soins INFIRMIERS").is_err(),
        "names are unique, accents and case aside"
    );
    assert!(w.create_collection("").is_err());
    let ids = vec![id_of(&w, "Soins I"), id_of(&w, "DEC en soins infirmiers")];
    w.set_collection_members(&nursing.id, &ids, true).unwrap();
    assert!(w
        .set_collection_members(&nursing.id, &["nope".into()], true)
        .is_err());
    let q = Query {
        collection: Some(nursing.id.clone()),
        ..Query::default()
    };
    assert_eq!(w.portfolio(&q).unwrap().total, 2);

    // On disk, nothing readable.
    let file = tmp.path().join("b.carnet-backup");
    w.backup_with(&file, &pass("backup passphrase"), KdfParams::INSECURE_FOR_TESTS)
        .unwrap();
    drop(w);
    for f in crate::support::files_under(&tmp.path().join("w")) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(16).any(|x| x == b"Soins infirmiers"),
            "{} holds the name in clear",
            f.display()
        );
    }

    let other = new_wallet(&tmp.path().join("other"));
    let report = other
        .restore(&file, &pass("backup passphrase"), &NetPolicy::offline())
        .unwrap();
    assert_eq!(report.collections_added, 1);
    let restored = other.collections().unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(
        other
            .portfolio(&Query {
                collection: Some(restored[0].id.clone()),
                ..Query::default()
            })
            .unwrap()
            .total,
        2
    );
    let again = other
        .restore(&file, &pass("backup passphrase"), &NetPolicy::offline())
        .unwrap();
    assert_eq!(again.collections_added, 0);
    assert_eq!(
        other.collections().unwrap(),
        restored,
        "restoring twice adds nothing"
    );

    // A removed credential leaves its collections, which stay usable.
    other.remove_credential(&restored[0].credential_ids[0]).unwrap();
    assert_eq!(other.collections().unwrap()[0].credential_ids.len(), 1);
    other.delete_collection(&restored[0].id).unwrap();
    assert!(other.collections().unwrap().is_empty());
}

struct Movable(Mutex<OffsetDateTime>);

impl Clock for Movable {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

#[test]
fn reverify_now_moves_a_credential_that_expired_since_into_quarantine() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(Movable(Mutex::new(at("2024-01-01T00:00:00Z"))));
    let mut w = Wallet::open_or_create_with_clock(tmp.path().join("w"), clock.clone()).unwrap();
    w.init(NewProtection::Passphrase(
        pass(PASS),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    let issuer = Issuer::new(13);
    let mut doc = issuer.credential("urn:uuid:x", "Secourisme", SUBJECT, "2023-01-01T00:00:00Z");
    doc["validUntil"] = json!("2025-01-01T00:00:00Z");
    import(&w, vec![("x.json", issuer.signed(&doc))], "2024-01-01T00:00:00Z");
    let id = id_of(&w, "Secourisme");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let net = Net::offline();
    let d = rt.block_on(w.reverify(&id, &net)).unwrap();
    assert_eq!(
        (d.entry.verdict, d.entry.quarantined),
        (Some(Verdict::Valid), false)
    );

    *clock.0.lock().unwrap() = at("2026-01-01T00:00:00Z");
    let d = rt.block_on(w.reverify(&id, &net)).unwrap();
    assert_eq!(
        (d.entry.verdict, d.entry.quarantined),
        (Some(Verdict::Invalid), true)
    );
    assert_eq!(
        d.verified_at,
        Some(at("2026-01-01T00:00:00Z")),
        "the answer says as of when"
    );
    assert_eq!(
        w.portfolio(&Query::default()).unwrap().total,
        0,
        "no longer among the verified"
    );
}

#[test]
fn the_demo_files_are_what_the_generator_signs() {
    let mut generated = futures_executor::block_on(wallet_core::demo::generate()).unwrap();
    generated.sort();
    let mut committed: Vec<(String, Vec<u8>)> = wallet_core::demo::FILES
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .chain(
            wallet_core::demo::HOSTED
                .iter()
                .map(|(_, n, b)| (format!("hosted/{n}"), b.to_vec())),
        )
        .collect();
    committed.sort();
    assert_eq!(
        generated.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        committed.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
    );
    for ((name, g), (_, c)) in generated.iter().zip(&committed) {
        assert!(
            g == c,
            "wallet-core/demo/{name} is stale: run `cargo run -p wallet-core --example demo_portfolio`"
        );
    }
}

#[test]
fn the_demo_portfolio_is_varied_verified_labelled_and_removed_in_one_call() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    w.create_profile("Moi").unwrap();
    let mine = import_one_real(&w);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let items = rt.block_on(w.add_demo()).unwrap();
    let verdicts: Vec<_> = items.iter().map(|i| i.verdict).collect();
    assert_eq!(
        verdicts.iter().filter(|v| **v == Some(Verdict::Valid)).count(),
        13,
        "{items:?}"
    );
    assert_eq!(
        items.iter().filter(|i| i.quarantined).count(),
        2,
        "the expired one and the revoked one wait in quarantine"
    );

    let all = w
        .portfolio(&Query {
            include_quarantined: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(all.total, 16);
    let demo: Vec<_> = all
        .entries
        .iter()
        .filter(|e| e.channel.as_deref() == Some("demo"))
        .collect();
    assert_eq!(demo.len(), 15, "every demo credential is labelled demo");
    let expired: Vec<_> = demo
        .iter()
        .filter(|e| e.expired)
        .map(|e| e.name.clone().unwrap())
        .collect();
    assert_eq!(expired, vec!["Premiers soins et RCR"]);

    let t = w.timeline().unwrap();
    assert!(
        t.years
            .iter()
            .flat_map(|y| &y.issuers)
            .flat_map(|g| &g.entries)
            .any(|e| e.expired),
        "expired ones stay in the history"
    );
    assert!(t.pathways.len() >= 4, "{:?}", t.pathways);
    let s = w.skills(None).unwrap();
    assert_eq!(s.frameworks.len(), 2, "two competency frameworks");
    assert!(s
        .frameworks
        .iter()
        .flat_map(|f| &f.skills)
        .any(|k| k.credential_ids.len() >= 3));
    let issuers = w.issuers().unwrap();
    assert!(
        issuers.iter().any(|i| i.endorsements >= 1),
        "the diploma carries an endorsement"
    );
    let demo_issuers: Vec<_> = issuers
        .iter()
        .filter(|i| {
            i.issuer_name
                .as_deref()
                .is_some_and(|n| n.contains("démonstration"))
        })
        .collect();
    assert_eq!(demo_issuers.len(), 4, "{issuers:?}");
    assert!(
        demo_issuers.iter().all(|i| matches!(
            i.identity,
            Some(
                wallet_core::verify::IssuerIdentity::KeyOnly { .. }
                    | wallet_core::verify::IssuerIdentity::Unverified { .. }
            )
        )),
        "no domain vouches for a demo issuer: {demo_issuers:?}"
    );

    // The revoked one: its issuer's status list (published at the demo host, cached by add_demo) has its bit set.
    let file = |name: &str| {
        wallet_core::demo::FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
            .unwrap()
    };
    let options = wallet_core::verify::Options::at(OffsetDateTime::now_utc());
    let offline = Net::offline();
    let check = |name: &str| {
        let reports = rt
            .block_on(w.verify_with_cache(file(name), &offline, &options))
            .unwrap();
        assert_eq!(reports.len(), 1, "{name}");
        reports.into_iter().next().unwrap()
    };
    let revoked = check("12-urgence-revoque.json");
    assert_eq!(revoked.verdict, Verdict::Invalid);
    let status = revoked
        .checks
        .iter()
        .find(|c| c.id == wallet_core::verify::CheckId::Status)
        .unwrap();
    assert!(
        status
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("revoked by its issuer"),
        "{status:?}"
    );
    // The Open Badges 2.0 one: a signed assertion (RS256) baked in a PNG, its documents from the demo host.
    let ob2 = check("13-secourisme-ob2.png");
    assert_eq!(ob2.verdict, Verdict::Valid, "{ob2:?}");
    assert_eq!(ob2.ob_version.as_deref(), Some("2.0"));
    assert_eq!(ob2.container, Some("png"));

    let again = rt.block_on(w.add_demo()).unwrap();
    assert!(
        again
            .iter()
            .all(|i| i.outcome == wallet_core::importer::ItemOutcome::Duplicate),
        "{again:?}"
    );
    assert_eq!(w.remove_demo().unwrap(), 15);
    // What the demo issuers publish leaves with the demo.
    assert_eq!(check("13-secourisme-ob2.png").verdict, Verdict::Indeterminate);
    let left = w
        .portfolio(&Query {
            include_quarantined: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        left.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        vec![mine],
        "the learner's own stays"
    );
}

fn import_one_real(w: &Wallet) -> String {
    let issuer = Issuer::new(21);
    import(
        w,
        vec![(
            "mine.json",
            issuer.signed(&issuer.credential("urn:uuid:mine", "Mon badge", SUBJECT, "2022-01-01T00:00:00Z")),
        )],
        "2024-01-01T00:00:00Z",
    );
    id_of(w, "Mon badge")
}
