//! `carnet … | head`: when the reader of standard output goes away, every command that prints stops quietly with
//! status 141 (128 + SIGPIPE, as a shell reports it) — never a panic — and what it did before printing is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASS: &str = "correct horse battery";

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carnet"));
    cmd.args(args)
        .env("CARNET_DATA_DIR", dir)
        .env("CARNET_PASSPHRASE", PASS)
        .env("CARNET_NEW_PASSPHRASE", PASS)
        .env("CARNET_BACKUP_PASSPHRASE", "backup passphrase")
        .env_remove("DBUS_SESSION_BUS_ADDRESS") // the passphrase path, whatever the host has
        .stdin(Stdio::null());
    cmd
}

/// Runs the real binary with an ordinary stdout, expecting success.
fn run(dir: &Path, args: &[&str]) -> Output {
    let out = command(dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the real binary with its stdout a pipe whose read end is closed before the command starts (closing it
/// after the spawn would race with a fast command's first write into the pipe's buffer).
fn run_with_stdout_closed(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command(dir, args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn assert_quiet_stop(dir: &Path, args: &[&str]) {
    let out = run_with_stdout_closed(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
}

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/peer-corpus")
        .join(file)
}

#[test]
fn every_command_that_prints_stops_quietly_when_stdout_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path().join("w");
    let good = corpus("ob3-vc2-di-eddsa-rdfc-2022.json");
    let good = good.to_str().unwrap();

    // Setting up, with its output gone: the wallet is still made.
    assert_quiet_stop(&w, &["init", "--passphrase", "--profile", "Moi"]);
    let id = {
        assert_quiet_stop(&w, &["import", "--offline", good]);
        let page: serde_json::Value = serde_json::from_slice(&run(&w, &["list", "--json"]).stdout).unwrap();
        assert_eq!(page["total"], 1, "the import was kept");
        page["entries"][0]["id"].as_str().unwrap().to_owned()
    };
    let backup = tmp.path().join("w.carnet-backup");
    let backup = backup.to_str().unwrap();
    let export = tmp.path().join("export");
    let export = export.to_str().unwrap();

    for args in [
        &["info"][..],
        &["info", "--json"],
        &["unlock"],
        &["lock"],
        &["profile", "list"],
        &["profile", "list", "--json"],
        &["profile", "new", "Travail"],
        &["profile", "rename", "Travail", "Emploi"],
        &["profile", "default", "Moi"],
        &["profile", "delete", "Emploi", "--yes"],
        &["protect"],
        &["import", "--offline", good],
        &["import", "--offline", "--json", good],
        &["list"],
        &["list", "--json"],
        &["show", &id],
        &["show", "--json", &id],
        &["show", "--raw", &id],
        &["verify", good],
        &["verify", "--json", good],
        &["backup", "--out", backup],
        &["restore", backup],
        &["restore", "--json", backup],
        &["export", "--out", export, "--yes"],
        &["remove", &id, "--yes"],
    ] {
        assert_quiet_stop(&w, args);
    }
    // What the commands did before they printed was done.
    assert!(Path::new(backup).is_file());
    assert!(Path::new(export).join("manifest.json").is_file());
    let page: serde_json::Value = serde_json::from_slice(&run(&w, &["list", "--json"]).stdout).unwrap();
    assert_eq!(page["total"], 0, "the remove was kept");
}
