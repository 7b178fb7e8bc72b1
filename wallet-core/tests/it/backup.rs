//! Backup, restore and plain export: lossless, idempotent, and all-or-nothing on bad input; exported files are
//! private to their owner.

use std::fs;
use std::path::Path;

use wallet_core::{AddOutcome, KdfParams, Wallet};

use crate::support::{new_wallet, pass, snapshot};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n....pretend baked badge....";
const JSON: &[u8] = br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Soudage 101"}"#;
const JWT: &[u8] = b"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln";

fn filled(dir: &std::path::Path) -> Wallet {
    let w = new_wallet(dir);
    let a = w.create_profile("Personnel").unwrap();
    let b = w.create_profile("Travail").unwrap();
    w.add_credential(PNG, Some(&a.id), "badge.png").unwrap();
    w.add_credential(JSON, Some(&b.id), "soudage.json").unwrap();
    w.add_credential(JWT, None, "pasted").unwrap();
    w
}

fn backup_of(w: &Wallet, dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("wallet.carnet-backup");
    w.backup_with(&file, &pass("backup passphrase"), KdfParams::INSECURE_FOR_TESTS)
        .unwrap();
    file
}

#[test]
fn round_trip_is_lossless_and_keys_still_sign() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());

    let target = new_wallet(&tmp.path().join("b"));
    let report = target.restore(&file, &pass("backup passphrase")).unwrap();
    assert_eq!((report.profiles_added, report.credentials_added), (2, 3));

    let (pa, pb) = (source.profiles().unwrap(), target.profiles().unwrap());
    assert_eq!(pa, pb, "same profiles, names, DIDs, default and counts");
    let bytes = |w: &Wallet| {
        let mut v: Vec<Vec<u8>> = w
            .credentials()
            .unwrap()
            .iter()
            .map(|c| w.credential_bytes(&c.id).unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(bytes(&source), bytes(&target), "byte-equal raw credentials");
    for p in &pb {
        let sig = target.sign(&p.id, b"challenge-123").unwrap();
        assert!(
            source
                .public_key(&p.id)
                .unwrap()
                .verify(b"challenge-123", &sig)
                .unwrap(),
            "same key signs"
        );
    }
}

#[test]
fn restoring_twice_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let target = new_wallet(&tmp.path().join("b"));
    target.restore(&file, &pass("backup passphrase")).unwrap();
    let profiles = target.profiles().unwrap();
    let creds = target.credentials().unwrap();
    let again = target.restore(&file, &pass("backup passphrase")).unwrap();
    assert_eq!((again.profiles_added, again.credentials_added), (0, 0));
    assert_eq!((again.profiles_present, again.credentials_present), (2, 3));
    assert_eq!(target.profiles().unwrap(), profiles);
    assert_eq!(target.credentials().unwrap(), creds);
    // Restoring into the wallet it came from is a no-op too.
    let own = source.restore(&file, &pass("backup passphrase")).unwrap();
    assert_eq!((own.profiles_added, own.credentials_added), (0, 0));
}

#[test]
fn a_restored_duplicate_keeps_one_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let target = new_wallet(&tmp.path().join("b"));
    target.create_profile("Moi").unwrap();
    assert!(matches!(
        target.add_credential(JSON, None, "already here").unwrap(),
        AddOutcome::Added { .. }
    ));
    let report = target.restore(&file, &pass("backup passphrase")).unwrap();
    assert_eq!((report.credentials_added, report.credentials_present), (2, 1));
    assert_eq!(target.credentials().unwrap().len(), 3);
}

#[test]
fn every_tampered_byte_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let source = filled(&tmp.path().join("a"));
    let file = backup_of(&source, tmp.path());
    let original = fs::read(&file).unwrap();
    let target_dir = tmp.path().join("b");
    let target = new_wallet(&target_dir);
    target.create_profile("Moi").unwrap();
    drop(target);
    let before = snapshot(&target_dir);
    let mut target = Wallet::open_or_create(&target_dir).unwrap();
    target.unlock(Some(&pass(crate::support::PASS))).unwrap();

    let bad_file = tmp.path().join("bad");
    let step = (original.len() / 40).max(1);
    let mut tried = 0;
    for offset in (0..original.len()).step_by(step).chain([original.len() - 1]) {
        let mut bad = original.clone();
        bad[offset] ^= 0x20;
        fs::write(&bad_file, &bad).unwrap();
        let err = target.restore(&bad_file, &pass("backup passphrase")).unwrap_err();
        assert!(err.code().starts_with("backup."), "byte {offset}: {err}");
        tried += 1;
    }
    for cut in [0, 7, 13, original.len() / 2, original.len() - 1] {
        fs::write(&bad_file, &original[..cut]).unwrap();
        let err = target.restore(&bad_file, &pass("backup passphrase")).unwrap_err();
        assert!(
            matches!(err.code(), "backup.damaged" | "backup.not_a_backup"),
            "cut {cut}: {err}"
        );
    }
    let err = target
        .restore(&file, &pass("not the backup passphrase"))
        .unwrap_err();
    assert_eq!(err.code(), "backup.wrong_passphrase");
    assert_eq!(target.profiles().unwrap().len(), 1);
    assert_eq!(target.credentials().unwrap().len(), 0);
    drop(target);
    let after: Vec<_> = snapshot(&target_dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(target_dir.join("store")))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.starts_with(target_dir.join("store")))
        .collect();
    assert_eq!(after, before);
    assert!(tried > 30);
}

#[test]
fn a_backup_never_overwrites_a_file_and_rejects_weak_passphrases() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let file = tmp.path().join("exists");
    fs::write(&file, "keep me").unwrap();
    let err = w
        .backup_with(&file, &pass("backup passphrase"), KdfParams::INSECURE_FOR_TESTS)
        .unwrap_err();
    assert_eq!(err.code(), "backup.output_exists");
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    let err = w
        .backup_with(
            &tmp.path().join("new"),
            &pass("short"),
            KdfParams::INSECURE_FOR_TESTS,
        )
        .unwrap_err();
    assert_eq!(err.code(), "vault.passphrase_too_short");
    assert!(!tmp.path().join("new").exists());
}

#[test]
fn a_backup_holds_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let file = backup_of(&w, tmp.path());
    let bytes = fs::read(&file).unwrap();
    for needle in [
        &b"Soudage"[..],
        b"Personnel",
        b"Travail",
        b"badge.png",
        b"did:key",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|x| x == needle),
            "{:?} in clear",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn plain_export_writes_the_original_files_and_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let out = tmp.path().join("export");
    let report = w.export_plain(&out).unwrap();
    assert_eq!(report.credential_files, 3);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["credentials"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let mut exported: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| fs::read(out.join(e["file"].as_str().unwrap())).unwrap())
        .collect();
    exported.sort();
    let mut expected = vec![PNG.to_vec(), JSON.to_vec(), JWT.to_vec()];
    expected.sort();
    assert_eq!(exported, expected);
    let names: Vec<&str> = entries.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert!(names.iter().any(|n| n.ends_with(".png")) && names.iter().any(|n| n.ends_with(".jwt")));
    // A non-empty folder is refused and left alone.
    let err = w.export_plain(&out).unwrap_err();
    assert_eq!(err.code(), "backup.output_not_empty");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 4);
}

#[cfg(unix)]
#[test]
fn plain_export_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let w = filled(&tmp.path().join("a"));
    let parent = tmp.path().join("exports");
    let out = parent.join("2025");
    w.export_plain(&out).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&parent), 0o700, "a folder Carnet made on the way");
    assert_eq!(mode(&out), 0o700, "the export folder");
    let files: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 4);
    assert!(files.iter().any(|f| f.ends_with("manifest.json")));
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
}
