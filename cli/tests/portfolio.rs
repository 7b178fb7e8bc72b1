//! `carnet import`, `list`, `show`, `remove` as a learner and scripts use them: real wallet, real files, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/peer-corpus")
        .join(file)
}

fn carnet(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .env("CARNET_DATA_DIR", data)
        .env("CARNET_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn import_list_show_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    assert!(carnet(&data, &["init", "--passphrase", "--profile", "Moi"])
        .status
        .success());
    let good = corpus("ob3-vc2-di-achievementcredential.json");
    let expired = corpus("neg-expired.json");
    // One valid, one invalid: the report says which, exit 1 because something was refused.
    let out = carnet(
        &data,
        &[
            "import",
            "--json",
            "--offline",
            good.to_str().unwrap(),
            expired.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines[0]["outcome"], "imported");
    assert_eq!(lines[1]["outcome"], "invalid");
    assert!(lines[1]["reason"].as_str().unwrap().contains("dates"));
    assert_eq!(lines[2]["summary"]["imported"], 1);
    // Again: already there, exit 0.
    let again = carnet(&data, &["import", "--offline", good.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("duplicate"));
    // List, search (accents folded), show, raw bytes verbatim.
    let list = carnet(&data, &["list", "--json", "--search", "PRACTICUM"]);
    let page: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(page["total"], 1);
    let id = page["entries"][0]["id"].as_str().unwrap().to_owned();
    let show = carnet(&data, &["show", &id]);
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(text.contains("proof") && text.contains("passed"), "{text}");
    let raw = carnet(&data, &["show", "--raw", &id]);
    let stored: Value = serde_json::from_slice(&raw.stdout).unwrap();
    let original: Value = serde_json::from_slice(&std::fs::read(&good).unwrap()).unwrap();
    assert_eq!(stored, original);
    // Remove asks; without a terminal it refuses unless --yes.
    let refused = carnet(&data, &["remove", &id]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert!(carnet(&data, &["remove", "--yes", &id]).status.success());
    let page: Value = serde_json::from_slice(&carnet(&data, &["list", "--json"]).stdout).unwrap();
    assert_eq!(page["total"], 0);
}

#[test]
fn the_demo_portfolio_comes_and_goes_in_one_command() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    assert!(carnet(&data, &["init", "--passphrase"]).status.success());
    let out = carnet(&data, &["demo", "add", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["added"], 15);
    let page: Value = serde_json::from_slice(&carnet(&data, &["list", "--json"]).stdout).unwrap();
    assert_eq!(
        page["total"], 13,
        "the expired one and the revoked one wait in quarantine"
    );
    assert!(page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["channel"] == "demo"));
    let by_name: Value = serde_json::from_slice(
        &carnet(&data, &["list", "--json", "--sort", "name", "--year", "2022"]).stdout,
    )
    .unwrap();
    let names: Vec<&str> = by_name["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Anglais — niveau B2", "Français écrit — niveau C1"]);
    let text = String::from_utf8(carnet(&data, &["list", "--type", "Diploma"]).stdout).unwrap();
    assert!(
        text.contains("DEC en soins infirmiers") && text.contains("demo"),
        "{text}"
    );
    let again: Value = serde_json::from_slice(&carnet(&data, &["demo", "add", "--json"]).stdout).unwrap();
    assert_eq!(again["added"], 0);
    let removed: Value =
        serde_json::from_slice(&carnet(&data, &["demo", "remove", "--json"]).stdout).unwrap();
    assert_eq!(removed["removed"], 15);
    let page: Value = serde_json::from_slice(&carnet(&data, &["list", "--json", "--all"]).stdout).unwrap();
    assert_eq!(page["total"], 0);
}
