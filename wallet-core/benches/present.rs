//! Presentation costs, reported (never asserted): signing a 10-credential presentation (Data Integrity, VP-JWT)
//! through the real `Wallet::present` (which re-checks each credential first), and building and rendering a
//! 1-credential presentation's QR code in both forms (encoding, drawing PNG and SVG, and reading both back).
//!
//! Run with `cargo bench -p wallet-core --bench present -- [--rounds N]` (release build). Prints one JSON line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::json;
use wallet_core::importer::{ImportOptions, Source};
use wallet_core::keys::SecretKey;
use wallet_core::net::{Net, NetPolicy};
use wallet_core::present::{PresentFormat, PresentRequest};
use wallet_core::qr::{self, QrForm};
use wallet_core::sign::{self, ProofOptions};
use wallet_core::{KdfParams, NewProtection, Passphrase, Wallet};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut rounds = 20usize;
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().unwrap().parse().unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut w = Wallet::open_or_create(dir.path().join("w")).unwrap();
    w.init(NewProtection::Passphrase(
        Passphrase::new("bench passphrase".into()),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    w.create_profile("Moi").unwrap();
    // Ten credentials of realistic size (no pictures), from a did:key issuer.
    let key = SecretKey::from_seed(&[9; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    let files = dir.path().join("in");
    std::fs::create_dir(&files).unwrap();
    for i in 0..10 {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:00000000-0000-4000-a000-0000000000{i:02}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": format!("Atelier {i}"),
            "issuer": {"id": did, "type": ["Profile"], "name": "Cégep de test"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": format!("urn:uuid:10000000-0000-4000-a000-0000000000{i:02}"), "type": ["Achievement"],
                "name": format!("Atelier {i}"), "description": "Réussite de l'atelier pratique en soins.",
                "criteria": {"narrative": "Réussir l'évaluation finale."},
                "alignment": [{"type": ["Alignment"], "targetName": "Soins de base",
                               "targetUrl": "https://cadre.example/soins", "targetFramework": "Cadre"}]}}
        });
        let opts = ProofOptions {
            verification_method: &vm,
            purpose: "assertionMethod",
            created: time::OffsetDateTime::now_utc(),
            challenge: None,
            domain: None,
        };
        let signed = futures_executor::block_on(sign::data_integrity(&doc, &key, &opts)).unwrap();
        std::fs::write(files.join(format!("{i}.json")), signed.to_string()).unwrap();
    }
    let options = ImportOptions {
        net: NetPolicy::offline(),
        ..ImportOptions::default()
    };
    let s = w
        .import(
            &[Source::Path(files)],
            &options,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    let ids: Vec<String> = s.items.iter().filter_map(|i| i.credential_id.clone()).collect();
    assert_eq!(ids.len(), 10);
    let net = Net::offline();
    let request = |ids: &[String], format| PresentRequest {
        credential_ids: ids.to_vec(),
        profile_id: None,
        challenge: Some("c".into()),
        domain: Some("d".into()),
        format,
    };
    let time = |f: &mut dyn FnMut()| {
        f(); // warm-up
        let start = Instant::now();
        for _ in 0..rounds {
            f();
        }
        start.elapsed().as_secs_f64() * 1000.0 / rounds as f64
    };
    let di_ms = time(&mut || {
        futures_executor::block_on(w.present(&request(&ids, PresentFormat::DataIntegrity), false, &net))
            .unwrap();
    });
    let jwt_ms = time(&mut || {
        futures_executor::block_on(w.present(&request(&ids, PresentFormat::Jwt), false, &net)).unwrap();
    });
    let one =
        futures_executor::block_on(w.present(&request(&ids[..1], PresentFormat::DataIntegrity), false, &net))
            .unwrap()
            .json()
            .unwrap();
    let mut versions = (0, 0);
    let qr_json_ms = time(&mut || versions.0 = qr::encode(&one, QrForm::Json).unwrap().version);
    let qr_vpqr_ms = time(&mut || versions.1 = qr::encode(&one, QrForm::Vpqr).unwrap().version);
    println!(
        "{{\"rounds\": {rounds}, \"present_10_di_ms\": {di_ms:.1}, \"present_10_jwt_ms\": {jwt_ms:.1}, \
         \"qr_json_1_ms\": {qr_json_ms:.1}, \"qr_json_version\": {}, \"qr_vpqr_1_ms\": {qr_vpqr_ms:.1}, \
         \"qr_vpqr_version\": {}}}",
        versions.0, versions.1
    );
}
