//! Carnet against an independent verifier: for every JSON, JWT, PNG and SVG case of the peer corpus, `carnet verify`
//! says valid exactly when Digital Bazaar's verifier (../shared/interop, run by tests/interop/peer-verdicts.mjs)
//! says verified. The peer's folder comes from `scripts/peer-setup.sh` (the test command runs it and sets
//! CARNET_PEER_DIR; CARNET_REQUIRE_PEER=1 makes its absence a failure).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const NOW: &str = "2025-01-01T00:00:00Z";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn peer_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CARNET_PEER_DIR").map(PathBuf::from);
    match dir {
        Some(d) if d.join("node_modules").is_dir() => Some(d),
        _ if std::env::var("CARNET_REQUIRE_PEER").as_deref() == Ok("1") => {
            panic!("CARNET_REQUIRE_PEER=1 but CARNET_PEER_DIR holds no installed peer (run scripts/peer-setup.sh)")
        }
        _ => None,
    }
}

#[test]
fn carnet_and_the_peer_agree_on_every_peer_corpus_case() {
    let Some(peer) = peer_dir() else {
        eprintln!("skipped: no peer verifier (set CARNET_PEER_DIR from scripts/peer-setup.sh)");
        return;
    };
    let dir = repo().join("../shared/fixtures/peer-corpus");
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let cases: Vec<&Value> = manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let f = c["file"].as_str().unwrap();
            [".json", ".jwt", ".png", ".svg"].iter().any(|e| f.ends_with(e))
        })
        .collect();
    assert_eq!(cases.len(), 45);
    let files: Vec<String> = cases
        .iter()
        .map(|c| dir.join(c["file"].as_str().unwrap()).display().to_string())
        .collect();
    let out = Command::new("node")
        .arg(repo().join("tests/interop/peer-verdicts.mjs"))
        .args(["--peer", &peer.display().to_string(), "--now", NOW])
        .args(&files)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "peer-verdicts.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peer_says: HashMap<String, bool> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["file"].as_str().unwrap().to_owned(),
                v["verified"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(peer_says.len(), files.len());
    let mut disagreements = Vec::new();
    for (case, file) in cases.iter().zip(&files) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_carnet"));
        cmd.args(["verify", "--json", "--offline", "--now", NOW, file]);
        if let (Some(c), Some(d)) = (case["challenge"].as_str(), case["domain"].as_str()) {
            cmd.args(["--challenge", c, "--domain", d]);
        }
        let out = cmd.output().unwrap();
        let verdicts: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["verdict"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let carnet_valid = !verdicts.is_empty() && verdicts.iter().all(|v| v == "valid");
        let peer_valid = peer_says[file];
        if carnet_valid != peer_valid {
            disagreements.push(format!(
                "{}: carnet {verdicts:?}, peer verified={peer_valid}",
                case["file"]
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
