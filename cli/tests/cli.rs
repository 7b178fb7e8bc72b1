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
    assert!(text.starts_with("Carnet wallet (new wallet created)"), "{text}");
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
