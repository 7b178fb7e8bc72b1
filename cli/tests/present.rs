//! `carnet present` against an independent verifier: every presentation Carnet signs — Data Integrity (VC 2.0),
//! VP-JWT and VC 1.1 `Ed25519Signature2020`, 1 to 10 credentials, VC 1.1 and 2.0 sources, JSON-LD and JWT
//! credentials imported from the peer corpus — is accepted by Digital Bazaar's verifier
//! (`../shared/interop/verify-vp.mjs`) and by `carnet verify` with the same challenge and domain; with one byte
//! changed, or checked against another challenge, both refuse it. Also: the disclosure shown first, confirmation
//! for a credential that does not verify today, what cannot be presented, and the share log.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use wallet_core::keys::SecretKey;
use wallet_core::sign::{self, ProofOptions};

const CHALLENGE: &str = "c-8f1d2e";
const DOMAIN: &str = "https://rh.employeur.example";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus(file: &str) -> PathBuf {
    repo().join("../shared/fixtures/peer-corpus").join(file)
}

fn peer_dir() -> Option<PathBuf> {
    match std::env::var_os("CARNET_PEER_DIR").map(PathBuf::from) {
        Some(d) if d.join("node_modules").is_dir() => Some(d),
        _ if std::env::var("CARNET_REQUIRE_PEER").as_deref() == Ok("1") => {
            panic!("CARNET_REQUIRE_PEER=1 but CARNET_PEER_DIR holds no installed peer (run scripts/peer-setup.sh)")
        }
        _ => None,
    }
}

fn carnet(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .env("CARNET_DATA_DIR", data)
        .env("CARNET_PASSPHRASE", "correct horse battery")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Ten more credentials from a test issuer (did:key, which the peer resolves offline).
fn mint(dir: &Path) -> Vec<PathBuf> {
    let key = SecretKey::from_seed(&[42; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    (0..10)
        .map(|i| {
            let doc = json!({
                "@context": ["https://www.w3.org/ns/credentials/v2",
                             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:00000000-0000-4000-a000-0000000000{i:02}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "name": format!("Atelier {i}"),
                "issuer": {"id": did, "type": ["Profile"], "name": "Cégep de test"},
                "validFrom": "2024-01-01T00:00:00Z",
                "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                    "id": format!("urn:uuid:10000000-0000-4000-a000-0000000000{i:02}"), "type": ["Achievement"],
                    "name": format!("Atelier {i}"), "description": "Réussite", "criteria": {"narrative": "n"}}}
            });
            let opts = ProofOptions {
                verification_method: &vm,
                purpose: "assertionMethod",
                created: time::OffsetDateTime::from_unix_timestamp(1_704_067_200).unwrap(),
                challenge: None,
                domain: None,
            };
            let signed = futures_executor::block_on(sign::data_integrity(&doc, &key, &opts)).unwrap();
            let path = dir.join(format!("minted-{i}.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(&signed).unwrap()).unwrap();
            path
        })
        .collect()
}

/// Stored credential ids, by the file they were imported from.
fn import(data: &Path, files: &[PathBuf]) -> Vec<(String, String)> {
    let mut args = vec!["import".to_owned(), "--json".into(), "--offline".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = carnet(data, &args);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            (v["outcome"] == "imported").then(|| {
                (
                    v["file"].as_str().unwrap().to_owned(),
                    v["credential_id"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

fn present(data: &Path, ids: &[&str], format: &str, out: &Path) -> Output {
    let mut args = vec![
        "present",
        "--offline",
        "--challenge",
        CHALLENGE,
        "--domain",
        DOMAIN,
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(ids);
    carnet(data, &args)
}

/// `carnet verify` with the verifier's challenge and domain: every line valid?
fn carnet_accepts(data: &Path, file: &Path, challenge: &str) -> bool {
    let out = carnet(
        data,
        &[
            "verify",
            "--json",
            "--offline",
            "--challenge",
            challenge,
            "--domain",
            DOMAIN,
            file.to_str().unwrap(),
        ],
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    !lines.is_empty() && lines.iter().all(|l| l["verdict"] == "valid") && out.status.success()
}

/// Digital Bazaar's verifier: (verified, errors).
fn peer_accepts(peer: &Path, file: &Path, challenge: &str) -> (bool, Value) {
    let out = Command::new("node")
        .arg(peer.join("verify-vp.mjs"))
        .arg(file)
        .args(["--challenge", challenge, "--domain", DOMAIN])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (v["verified"] == true, v["errors"].clone())
}

/// The same file with one byte changed inside a credential's name (still valid JSON).
fn tampered(file: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(file).unwrap();
    let at = text
        .find("Interoperability")
        .or_else(|| text.find("Atelier"))
        .expect("a name to change");
    text.replace_range(at..at + 1, "X");
    let out = file.with_extension("tampered");
    std::fs::write(&out, text).unwrap();
    out
}

#[test]
fn every_presentation_carnet_signs_is_accepted_by_the_peer_and_refused_once_changed() {
    let Some(peer) = peer_dir() else {
        eprintln!("skipped: no peer verifier (set CARNET_PEER_DIR from scripts/peer-setup.sh)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    ok(carnet(&data, &["init", "--passphrase", "--profile", "Moi"]));
    let v2 = [
        "ob3-vc2-di-eddsa-rdfc-2022.json",
        "ob3-vc2-di-achievementcredential.json",
        "ob3-vc2-di-rich.json",
        "ob3-vc2-endorsementcredential.json",
    ];
    let v11 = [
        "ob3-vc11-ed25519signature2020.json",
        "ob3-vc11-ctx300-ed25519signature2020.json",
        "ob3-vc11-ed25519signature2020-rich.json",
    ];
    let corpus_ids = import(
        &data,
        &v2.iter().chain(&v11).map(|f| corpus(f)).collect::<Vec<_>>(),
    );
    assert_eq!(corpus_ids.len(), 7, "{corpus_ids:?}");
    let id_of = |f: &str| {
        corpus_ids
            .iter()
            .find(|(file, _)| file.ends_with(f))
            .map(|(_, id)| id.clone())
            .unwrap()
    };
    // A JWT credential (its JSON-LD twin is another encoding of the same credential, so a fresh wallet takes it).
    let jwt_data = tmp.path().join("wj");
    ok(carnet(&jwt_data, &["init", "--passphrase", "--profile", "Moi"]));
    let jwt_ids = import(
        &jwt_data,
        &[
            corpus("ob3-vc2-vcjwt-eddsa.jwt"),
            corpus("ob3-vc11-ed25519signature2020.json"),
        ],
    );
    assert_eq!(jwt_ids.len(), 2, "{jwt_ids:?}");
    let minted_ids: Vec<String> = import(&data, &mint(tmp.path()))
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert_eq!(minted_ids.len(), 10);

    let v2_ids: Vec<String> = v2.iter().map(|f| id_of(f)).collect();
    let v11_ids: Vec<String> = v11.iter().map(|f| id_of(f)).collect();
    let all_corpus: Vec<String> = v2_ids.iter().chain(&v11_ids).cloned().collect();
    let cases: Vec<(&str, &Path, Vec<String>, &str)> = vec![
        ("one VC 2.0, DI", &data, vec![v2_ids[0].clone()], "di"),
        ("VC 1.1 and 2.0 mixed, DI", &data, all_corpus.clone(), "di"),
        ("ten minted, DI", &data, minted_ids.clone(), "di"),
        ("one, VP-JWT", &data, vec![v2_ids[1].clone()], "jwt"),
        ("VC 1.1 and 2.0 mixed, VP-JWT", &data, all_corpus.clone(), "jwt"),
        ("ten minted, VP-JWT", &data, minted_ids.clone(), "jwt"),
        (
            "VC 1.1 only, Ed25519Signature2020",
            &data,
            v11_ids.clone(),
            "vc11",
        ),
        (
            "a JWT credential and a VC 1.1 one, DI (enveloped)",
            &jwt_data,
            jwt_ids.iter().map(|(_, id)| id.clone()).collect(),
            "di",
        ),
        (
            "a JWT credential and a VC 1.1 one, VP-JWT",
            &jwt_data,
            jwt_ids.iter().map(|(_, id)| id.clone()).collect(),
            "jwt",
        ),
    ];
    let mut failures = Vec::new();
    for (i, (name, wallet, ids, format)) in cases.iter().enumerate() {
        let file = tmp.path().join(format!(
            "vp-{i}.{}",
            if *format == "jwt" { "jwt" } else { "json" }
        ));
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ok(present(wallet, &ids, format, &file));
        let (peer_ok, errors) = peer_accepts(&peer, &file, CHALLENGE);
        if !peer_ok {
            failures.push(format!("{name}: the peer refuses it: {errors}"));
        }
        if !carnet_accepts(wallet, &file, CHALLENGE) {
            failures.push(format!("{name}: carnet verify refuses it"));
        }
        // Replayed for another verifier's challenge: both refuse.
        if peer_accepts(&peer, &file, "another-challenge").0
            || carnet_accepts(wallet, &file, "another-challenge")
        {
            failures.push(format!("{name}: accepted with another challenge"));
        }
        // One byte changed: both refuse.
        let bad = if *format == "jwt" {
            // A JWT's payload is base64url: change a character of the signature's input instead.
            let text = std::fs::read_to_string(&file).unwrap();
            let mut bytes = text.into_bytes();
            let dot = bytes.iter().position(|b| *b == b'.').unwrap();
            let at = dot + 20;
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let out = file.with_extension("tampered");
            std::fs::write(&out, bytes).unwrap();
            out
        } else {
            tampered(&file)
        };
        if peer_accepts(&peer, &bad, CHALLENGE).0 || carnet_accepts(wallet, &bad, CHALLENGE) {
            failures.push(format!("{name}: accepted with one byte changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_disclosure_comes_first_and_what_does_not_verify_needs_a_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    ok(carnet(&data, &["init", "--passphrase", "--profile", "Moi"]));
    let good = import(&data, &[corpus("ob3-vc2-di-achievementcredential.json")]);
    // An expired one, kept in quarantine at the learner's request.
    let out = carnet(
        &data,
        &[
            "import",
            "--json",
            "--offline",
            "--keep-unverified",
            corpus("neg-expired.json").to_str().unwrap(),
        ],
    );
    let expired: Value = serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let expired_id = expired["credential_id"].as_str().unwrap().to_owned();
    let good_id = good[0].1.clone();
    let file = tmp.path().join("vp.json");
    let out = present(&data, &[&good_id, &expired_id], "di", &file);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("discloses:"), "{err}");
    assert!(
        err.contains("Example Public University (self-named, key only)"),
        "{err}"
    );
    assert!(err.contains("subject: did:key:"), "{err}");
    assert!(err.contains("INVALID today"), "{err}");
    assert!(err.contains("pass --yes"), "{err}");
    assert!(!file.exists(), "nothing is written before the learner agrees");
    // With --yes it goes in, and the peer still accepts the presentation's own proof.
    let mut args = vec![
        "present",
        "--offline",
        "--yes",
        "--out",
        file.to_str().unwrap(),
        &good_id,
        &expired_id,
    ];
    args.extend(["--challenge", CHALLENGE]);
    ok(carnet(&data, &args));
    assert!(file.exists());
    // An Open Badges 2.0 assertion is not a verifiable credential: named, nothing written.
    let out = carnet(
        &data,
        &[
            "import",
            "--json",
            "--offline",
            "--keep-unverified",
            corpus("ob2-signed-baked.png").to_str().unwrap(),
        ],
    );
    let ob2: Value = serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let ob2_id = ob2["credential_id"].as_str().unwrap().to_owned();
    let other = tmp.path().join("ob2.json");
    let out = present(&data, &[&ob2_id], "di", &other);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Open Badges 2.0 assertion"), "{err}");
    assert!(!other.exists());
    // The share log holds what was written, newest first.
    let out = ok(carnet(&data, &["shares", "--json"]));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["forms"], json!(["file"]));
    assert_eq!(log[0]["challenge"], CHALLENGE);
    assert_eq!(log[0]["credentials"].as_array().unwrap().len(), 2);
}

#[test]
fn a_qr_code_and_a_printable_page_come_with_the_file_or_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    ok(carnet(
        &data,
        &["init", "--passphrase", "--profile", "Marie Tremblay"],
    ));
    let ids: Vec<String> = import(
        &data,
        &[
            corpus("ob3-vc2-di-achievementcredential.json"),
            corpus("ob3-vc2-di-rich.json"),
        ],
    )
    .into_iter()
    .map(|(_, id)| id)
    .collect();
    let (vp, png, page) = (
        tmp.path().join("vp.json"),
        tmp.path().join("qr.png"),
        tmp.path().join("page.html"),
    );
    let out = ok(carnet(
        &data,
        &[
            "present",
            "--offline",
            "--json",
            "--out",
            vp.to_str().unwrap(),
            "--qr",
            png.to_str().unwrap(),
            "--qr-form",
            "vpqr",
            "--page",
            page.to_str().unwrap(),
            "--lang",
            "fr",
            &ids[0],
        ],
    ));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["json", "qr-vpqr", "page"]);
    assert!(report["written"][1]["qr_version"].as_i64().unwrap() <= 40);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let html = std::fs::read_to_string(&page).unwrap();
    let text = std::fs::read_to_string(&vp).unwrap();
    assert!(html.contains("Marie Tremblay") && html.contains("lang=\"fr-CA\""));
    assert!(
        html.contains("Credential Portability Practicum"),
        "the credential is on the page"
    );
    assert!(!html.contains("<script"), "no scripts");
    // The presentation rides along, escaped, exactly: its proof value is there.
    let proof_value = serde_json::from_str::<Value>(&text).unwrap()["proof"]["proofValue"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains(&proof_value));
    let log: Value = serde_json::from_slice(&ok(carnet(&data, &["shares", "--json"])).stdout).unwrap();
    assert_eq!(log[0]["forms"], json!(["file", "qr_vpqr", "page"]));

    // Two credentials, one with pictures: too large for a QR code. Said with the size; nothing written at all.
    let (vp2, qr2) = (tmp.path().join("vp2.json"), tmp.path().join("qr2.svg"));
    let out = carnet(
        &data,
        &[
            "present",
            "--offline",
            "--out",
            vp2.to_str().unwrap(),
            "--qr",
            qr2.to_str().unwrap(),
            &ids[0],
            &ids[1],
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("more than a QR code holds") && err.contains("bytes"),
        "{err}"
    );
    assert!(!vp2.exists() && !qr2.exists());
    let log: Value = serde_json::from_slice(&ok(carnet(&data, &["shares", "--json"])).stdout).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
}
