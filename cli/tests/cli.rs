//! End-to-end tests of the `carnet` binary: real processes, real folders, checked output and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::Path;
use std::process::{Command, Output};

fn carnet(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carnet"));
    cmd.args(args).env_remove("CARNET_DATA_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A failure is one line on stderr, nothing on stdout, and a non-zero exit code.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected failure, got {:?}", out.status);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(out);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected, got: {err:?}"
    );
    assert!(err.starts_with("carnet: error: "), "{err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {:?}", stdout(out));
}

#[test]
fn version_is_the_crate_version() {
    let out = carnet(&["--version"], &[]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("carnet {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn info_json_creates_then_opens_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    let out = carnet(&["info", "--json", "--data-dir", dir.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "created");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["file_count"], 2, "the header and the lock file");
    assert_eq!(
        v["data_dir"],
        std::fs::canonicalize(&dir).unwrap().to_str().unwrap()
    );
    assert!(v["size_bytes"].as_u64().unwrap() > 0);
    assert!(v["wallet_id"].as_str().unwrap().len() == 32);
    assert!(dir.join("carnet-wallet.json").is_file());

    let again = carnet(&["info", "--json", "--data-dir", dir.to_str().unwrap()], &[]);
    let w: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(w["outcome"], "opened");
    assert_eq!(w["wallet_id"], v["wallet_id"]);
    assert_eq!(w["created_at"], v["created_at"]);
}

#[test]
fn info_text_is_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = carnet(&["info", "--data-dir", tmp.path().to_str().unwrap()], &[]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("Carnet wallet (new wallet folder created)"),
        "{text}"
    );
    assert!(text.contains("not set up yet"), "{text}");
    assert!(text.contains("format      1"), "{text}");
}

#[test]
fn data_dir_comes_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("from-env");
    let out = carnet(&["info", "--json"], &[("CARNET_DATA_DIR", &dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("carnet-wallet.json").is_file());
}

#[cfg(target_os = "linux")]
#[test]
fn default_data_dir_follows_xdg() {
    let tmp = tempfile::tempdir().unwrap();
    let out = carnet(
        &["info", "--json"],
        &[("XDG_DATA_HOME", tmp.path()), ("HOME", tmp.path())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("carnet/carnet-wallet.json").is_file());
}

#[test]
fn a_file_is_not_a_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "not a wallet").unwrap();
    let out = carnet(&["info", "--json", "--data-dir", file.to_str().unwrap()], &[]);
    assert_one_line_error(&out, "is not a folder");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a wallet");
    let out = carnet(&["info", "--data-dir", file.join("below").to_str().unwrap()], &[]);
    assert_one_line_error(&out, "is not a folder");
}

#[test]
fn a_folder_with_other_files_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("thesis.odt"), "precious").unwrap();
    let out = carnet(&["info", "--data-dir", tmp.path().to_str().unwrap()], &[]);
    assert_one_line_error(&out, "not empty and holds no Carnet wallet");
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("thesis.odt")]);
}

#[test]
fn a_damaged_header_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("carnet-wallet.json"), "{ truncated").unwrap();
    let out = carnet(&["info", "--data-dir", tmp.path().to_str().unwrap()], &[]);
    assert_one_line_error(&out, "damaged");
}

#[cfg(unix)]
#[test]
fn an_unwritable_location_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits (CI runs as root): then use a kernel file system that refuses new folders.
    let root_ignores_modes = std::fs::write(ro.join("probe"), "").is_ok();
    let target = if root_ignores_modes {
        Path::new("/sys/carnet-test").to_path_buf()
    } else {
        ro.join("wallet")
    };
    let out = carnet(&["info", "--json", "--data-dir", target.to_str().unwrap()], &[]);
    assert_one_line_error(&out, "cannot create the folder");
    assert!(!target.exists());
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn unknown_commands_are_usage_errors() {
    let out = carnet(&["frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- the encrypted wallet from the command line ----

const PASS: &str = "correct horse battery";

fn carnet_with(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carnet"));
    cmd.args(args)
        .env("CARNET_DATA_DIR", dir)
        .env_remove("CARNET_PASSPHRASE")
        .env_remove("CARNET_BACKUP_PASSPHRASE")
        .env_remove("DBUS_SESSION_BUS_ADDRESS") // no keyring: the passphrase path, whatever the host has
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn init(dir: &Path) {
    let out = carnet_with(
        &["init", "--profile", "Personnel", "--json"],
        dir,
        &[("CARNET_PASSPHRASE", PASS)],
    );
    let v = json(&out);
    assert_eq!(v["wallet"]["state"], "unlocked");
    assert_eq!(v["wallet"]["protection"], "passphrase");
    assert!(v["profile"]["did_key"]
        .as_str()
        .unwrap()
        .starts_with("did:key:z6Mk"));
}

#[test]
fn init_without_a_keyring_says_so_and_uses_the_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let out = carnet_with(&["init"], tmp.path(), &[("CARNET_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("No system keyring is available"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("protected by a passphrase"),
        "{}",
        stdout(&out)
    );
    // A second init is refused.
    let again = carnet_with(&["init"], tmp.path(), &[("CARNET_PASSPHRASE", PASS)]);
    assert_one_line_error(&again, "already set up");
}

#[test]
fn init_creates_a_first_profile_named_in_the_learners_language() {
    for (lang, name) in [
        ("fr_CA.UTF-8", "Personnel"),
        ("en_CA.UTF-8", "Personal"),
        ("C", "Personal"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let v = json(&carnet_with(
            &["init", "--passphrase", "--json"],
            tmp.path(),
            &[
                ("CARNET_PASSPHRASE", PASS),
                ("LANG", lang),
                ("LC_ALL", ""),
                ("LC_MESSAGES", ""),
            ],
        ));
        assert_eq!(v["profile"]["name"], name, "{lang}");
        let list = json(&carnet_with(
            &["profile", "list", "--json"],
            tmp.path(),
            &[("CARNET_PASSPHRASE", PASS)],
        ));
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
        assert_eq!(list[0]["is_default"], true, "{list}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let v = json(&carnet_with(
        &["init", "--passphrase", "--no-profile", "--json"],
        tmp.path(),
        &[("CARNET_PASSPHRASE", PASS)],
    ));
    assert!(v["profile"].is_null());
}

#[test]
fn init_with_no_passphrase_and_no_terminal_fails_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    let out = carnet_with(&["init", "--passphrase"], &dir, &[]);
    assert_one_line_error(&out, "a passphrase is needed");
    assert!(!dir.join("store").exists());
    let v = json(&carnet_with(&["info", "--json"], &dir, &[]));
    assert_eq!(v["state"], "uninitialized");
}

#[test]
fn unlock_checks_the_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let ok = carnet_with(&["unlock"], tmp.path(), &[("CARNET_PASSPHRASE", PASS)]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let bad = carnet_with(
        &["unlock"],
        tmp.path(),
        &[("CARNET_PASSPHRASE", "nope nope nope")],
    );
    assert_one_line_error(&bad, "wrong passphrase");
    let from_named_var = carnet_with(
        &["unlock", "--passphrase-env", "MY_SECRET"],
        tmp.path(),
        &[("MY_SECRET", PASS)],
    );
    assert!(from_named_var.status.success(), "{}", stderr(&from_named_var));
    let locked = carnet_with(&["lock"], tmp.path(), &[]);
    assert!(stdout(&locked).contains("nothing stays unlocked"));
}

#[test]
fn profiles_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let env = [("CARNET_PASSPHRASE", PASS)];
    let work = json(&carnet_with(
        &["profile", "new", "Travail", "--json"],
        tmp.path(),
        &env,
    ));
    assert_eq!(work["is_default"], false);
    json(&carnet_with(
        &["profile", "rename", "Travail", "Emploi", "--json"],
        tmp.path(),
        &env,
    ));
    json(&carnet_with(
        &["profile", "default", "Emploi", "--json"],
        tmp.path(),
        &env,
    ));
    let list = json(&carnet_with(&["profile", "list", "--json"], tmp.path(), &env));
    let names: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["is_default"].as_bool().unwrap()))
        .collect();
    assert_eq!(names, [("Personnel", false), ("Emploi", true)]);
    // Without a terminal and without --yes, deleting is refused.
    let refused = carnet_with(&["profile", "delete", "Emploi"], tmp.path(), &env);
    assert_one_line_error(&refused, "not deleted");
    json(&carnet_with(
        &["profile", "delete", "Emploi", "--yes", "--json"],
        tmp.path(),
        &env,
    ));
    assert_eq!(
        json(&carnet_with(&["profile", "list", "--json"], tmp.path(), &env))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn backup_restore_and_export_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    init(&a);
    init(&b);
    init(&c);
    let env = [
        ("CARNET_PASSPHRASE", PASS),
        ("CARNET_BACKUP_PASSPHRASE", "backup passphrase"),
    ];
    let good = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/peer-corpus/ob3-vc2-di-eddsa-rdfc-2022.json");
    let imported = carnet_with(&["import", "--offline", good.to_str().unwrap()], &a, &env);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let file = tmp.path().join("a.carnet-backup");
    let written = json(&carnet_with(
        &["backup", "--out", file.to_str().unwrap(), "--json"],
        &a,
        &env,
    ));
    assert!(written["size_bytes"].as_u64().unwrap() > 100);
    // Restored credentials are checked again from their bytes, offline unless asked.
    let text = carnet_with(&["restore", file.to_str().unwrap()], &c, &env);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(
        stdout(&text).contains(
            "Checked again from their signed bytes (offline, with this wallet's cache), whatever the backup said: 1 verified, 0 invalid, 0 could not be checked."
        ),
        "{}",
        stdout(&text)
    );
    let first = json(&carnet_with(
        &["restore", file.to_str().unwrap(), "--json", "--online"],
        &b,
        &env,
    ));
    assert_eq!(first["profiles_added"], 1);
    assert_eq!(
        (&first["credentials_added"], &first["verified"], &first["online"]),
        (&1.into(), &1.into(), &true.into())
    );
    let second = json(&carnet_with(
        &["restore", file.to_str().unwrap(), "--json"],
        &b,
        &env,
    ));
    assert_eq!(
        (
            second["profiles_added"].as_u64(),
            second["profiles_present"].as_u64()
        ),
        (Some(0), Some(1))
    );

    let wrong = carnet_with(
        &["restore", file.to_str().unwrap()],
        &b,
        &[
            ("CARNET_PASSPHRASE", PASS),
            ("CARNET_BACKUP_PASSPHRASE", "not it at all"),
        ],
    );
    assert_one_line_error(&wrong, "wrong passphrase for this backup");

    let out_dir = tmp.path().join("plain");
    let refused = carnet_with(&["export", "--out", out_dir.to_str().unwrap()], &a, &env);
    assert_one_line_error(&refused, "NOT encrypted");
    assert!(!out_dir.exists());
    let exported = carnet_with(
        &["export", "--out", out_dir.to_str().unwrap(), "--yes", "--json"],
        &a,
        &env,
    );
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stderr(&exported).contains("NOT encrypted"));
    assert!(out_dir.join("manifest.json").is_file());
}

#[test]
fn a_wallet_open_elsewhere_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let _held = wallet_core_holder(tmp.path());
    let out = carnet_with(&["unlock"], tmp.path(), &[("CARNET_PASSPHRASE", PASS)]);
    assert_one_line_error(&out, "open in another Carnet");
}

/// Holds the wallet's process lock the way a running app does, from another process.
fn wallet_core_holder(dir: &Path) -> HeldLock {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("carnet.lock"))
        .unwrap();
    file.lock().unwrap();
    HeldLock(file)
}

struct HeldLock(#[allow(dead_code)] std::fs::File);
