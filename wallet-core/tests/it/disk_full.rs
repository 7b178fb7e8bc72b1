//! A full disk during writes: the write is refused with a clear error before sled can hit ENOSPC (sled 0.34
//! hangs there), nothing acknowledged is lost, and the store still opens. Uses a small real tmpfs (needs root, as in CI); CARNET_REQUIRE_TMPFS=1 makes that mandatory.

use std::process::Command;

use crate::support::{new_wallet, reopen};

struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn small_tmpfs(dir: &std::path::Path, size: &str) -> Option<Mount> {
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        Some(Mount(dir.to_path_buf()))
    } else {
        assert!(
            std::env::var_os("CARNET_REQUIRE_TMPFS").is_none(),
            "CARNET_REQUIRE_TMPFS is set but a tmpfs could not be mounted (not root?)"
        );
        eprintln!("disk-full test skipped: cannot mount a tmpfs here (needs root)");
        None
    }
}

#[test]
fn a_full_disk_fails_cleanly_and_keeps_the_store_openable() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_mount) = small_tmpfs(tmp.path(), "96m") else {
        return;
    };
    let dir = tmp.path().join("wallet");
    let w = new_wallet(&dir);
    w.create_profile("Personnel").unwrap();

    let mut acknowledged = Vec::new();
    let mut failure = None;
    for i in 0..200u32 {
        let mut body = format!("{{\"n\":{i},\"pad\":\"").into_bytes();
        body.extend(std::iter::repeat_n(b'a' + (i % 26) as u8, 900 * 1024));
        body.extend_from_slice(b"\"}");
        match w.add_credential(&body, None, "disk full test") {
            Ok(_) => acknowledged.push(body),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let err = failure.expect("96 MiB should fill up before 200 × 900 KiB");
    assert_eq!(err.code(), "store.disk_full", "{err}");
    assert!(err.to_string().contains("free some space"), "{err}");
    assert!(!acknowledged.is_empty());
    drop(w);

    // The store still opens, and every acknowledged credential is there.
    let w = reopen(&dir);
    let stored: Vec<Vec<u8>> = w
        .credentials()
        .unwrap()
        .iter()
        .map(|c| w.credential_bytes(&c.id).unwrap())
        .collect();
    for (n, body) in acknowledged.iter().enumerate() {
        assert!(
            stored.contains(body),
            "acknowledged credential {n} lost after the disk filled up"
        );
    }
    eprintln!(
        "disk full: {} credentials written before '{err}'",
        acknowledged.len()
    );
}
