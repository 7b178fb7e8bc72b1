//! `carnet import` killed with SIGKILL in the middle of 2,000 files: every credential it reported as imported is
//! there after reopening, nothing is half-written, and running the import again completes it with no duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use wallet_core::keys::SecretKey;

const PASS: &str = "correct horse battery";

fn carnet(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_carnet"));
    c.env("CARNET_DATA_DIR", data).env("CARNET_PASSPHRASE", PASS);
    c
}

fn write_badges(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let key = SecretKey::from_seed(&[42; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let kid = format!("{did}#{}", did.trim_start_matches("did:key:"));
    for i in 0..n {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:kill-{i}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": format!("Badge {i}"),
            "issuer": {"id": did, "type": ["Profile"], "name": "Collège"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                "achievement": {"id": format!("urn:a:{i}"), "type": ["Achievement"], "name": format!("Badge {i}"),
                    "description": "d", "criteria": {"narrative": "n"}}}
        });
        std::fs::write(
            dir.join(format!("{i:05}.jwt")),
            wallet_core::sign::vc_jwt(&doc, &key, &kid).unwrap(),
        )
        .unwrap();
    }
}

fn stored_ids(data: &Path) -> Vec<String> {
    let out = carnet(data).args(["list", "--json", "--all"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn sigkill_during_import_loses_nothing_reported_and_a_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("wallet");
    let badges = tmp.path().join("badges");
    write_badges(&badges, 2000);
    let init = carnet(&data)
        .args(["init", "--passphrase", "--profile", "Moi"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    let mut child = carnet(&data)
        .args(["import", "--json", "--offline"])
        .arg(&badges)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reported = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while reported.len() < 300 {
        let line = lines.next().expect("the import ended before 300 items").unwrap();
        let item: Value = serde_json::from_str(&line).unwrap();
        if item["outcome"] == "imported" {
            reported.push(item["credential_id"].as_str().unwrap().to_owned());
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let stored = stored_ids(&data);
    assert!(
        stored.len() < 2000,
        "the kill came after the import finished ({} stored)",
        stored.len()
    );
    for id in &reported {
        assert!(
            stored.contains(id),
            "reported credential {id} is missing after the kill"
        );
    }
    // Every stored record opens (nothing half-written).
    for id in stored.iter().take(50) {
        let show = carnet(&data).args(["show", "--json", id]).output().unwrap();
        assert!(
            show.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&show.stderr)
        );
    }
    let before = stored.len();

    let rerun = carnet(&data)
        .args(["import", "--json", "--offline"])
        .arg(&badges)
        .output()
        .unwrap();
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let items: Vec<Value> = String::from_utf8(rerun.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v.get("outcome").is_some())
        .collect();
    let imported = items.iter().filter(|i| i["outcome"] == "imported").count();
    let duplicates = items.iter().filter(|i| i["outcome"] == "duplicate").count();
    assert_eq!((imported + duplicates, duplicates), (2000, before));
    let after = stored_ids(&data);
    assert_eq!(after.len(), 2000);
    let unique: std::collections::HashSet<_> = after.iter().collect();
    assert_eq!(unique.len(), 2000);
}
