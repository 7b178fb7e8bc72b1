//! Damage to the wallet's files is detected and named, never a panic, and points to restoring a backup.

use std::fs;
use std::path::Path;

use wallet_core::Wallet;

use crate::support::{files_under, new_wallet, pass, PASS};

fn make_wallet(dir: &Path) -> Vec<String> {
    let w = new_wallet(dir);
    w.create_profile("Travail").unwrap();
    let mut ids = Vec::new();
    for i in 0..20 {
        let body = format!("{{\"credential\":{i},\"text\":\"{}\"}}", "badge ".repeat(50));
        match w.add_credential(body.as_bytes(), None, "test").unwrap() {
            wallet_core::AddOutcome::Added { id } => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    ids
}

/// Opens, unlocks and reads everything; returns Err(message) on the first failure.
fn read_all(dir: &Path) -> Result<usize, String> {
    let mut w = Wallet::open_or_create(dir).map_err(|e| e.to_string())?;
    w.unlock(Some(&pass(PASS))).map_err(|e| e.to_string())?;
    w.profiles().map_err(|e| e.to_string())?;
    let creds = w.credentials().map_err(|e| e.to_string())?;
    for c in &creds {
        w.credential_bytes(&c.id).map_err(|e| e.to_string())?;
    }
    Ok(creds.len())
}

#[test]
fn flipped_bytes_in_store_files_are_detected_without_panic() {
    let tmp = tempfile::tempdir().unwrap();
    make_wallet(tmp.path());
    let files: Vec<_> = files_under(&tmp.path().join("store"));
    let mut detected = 0;
    let mut harmless = 0;
    for file in &files {
        let original = fs::read(file).unwrap();
        if original.is_empty() {
            continue;
        }
        for step in 1..=12u64 {
            let offset = ((original.len() as u64 * step) / 13) as usize;
            let mut damaged = original.clone();
            damaged[offset] ^= 0x5a;
            fs::write(file, &damaged).unwrap();
            let outcome = std::panic::catch_unwind(|| read_all(tmp.path()));
            fs::write(file, &original).unwrap();
            match outcome {
                Err(_) => panic!(
                    "a flipped byte at {offset} in {} made Carnet panic",
                    file.display()
                ),
                Ok(Ok(20)) => harmless += 1,
                Ok(Ok(n)) => panic!("a flipped byte silently lost records: {n} of 20 read"),
                Ok(Err(message)) => {
                    assert!(
                        message.contains("restore"),
                        "the error should point to a backup: {message}"
                    );
                    detected += 1;
                }
            }
        }
    }
    assert!(
        detected > 0,
        "no damage was detected at all ({harmless} harmless flips)"
    );
    eprintln!("corruption: {detected} flips detected, {harmless} landed in unused bytes");
    assert_eq!(read_all(tmp.path()), Ok(20), "the restored files read again");
}

#[test]
fn a_damaged_record_is_named_and_the_others_stay_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = make_wallet(tmp.path());
    {
        let db = sled::open(tmp.path().join("store")).unwrap();
        let tree = db.open_tree("credentials").unwrap();
        let mut value = tree.get(ids[3].as_bytes()).unwrap().unwrap().to_vec();
        let middle = value.len() / 2;
        value[middle] ^= 1;
        tree.insert(ids[3].as_bytes(), value).unwrap();
        db.flush().unwrap();
    }
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    w.unlock(Some(&pass(PASS))).unwrap();
    let err = w.credential_bytes(&ids[3]).unwrap_err();
    assert_eq!(err.code(), "store.damaged");
    assert!(err.to_string().contains("'credentials' is damaged"), "{err}");
    assert!(err.to_string().contains("restore"), "{err}");
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| *n != 3) {
        assert!(w.credential_bytes(id).is_ok(), "record {n} should still read");
    }
    assert_eq!(w.profiles().unwrap().len(), 1);
}

#[test]
fn a_record_moved_to_another_key_does_not_open() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = make_wallet(tmp.path());
    {
        let db = sled::open(tmp.path().join("store")).unwrap();
        let tree = db.open_tree("credentials").unwrap();
        let other = tree.get(ids[1].as_bytes()).unwrap().unwrap();
        tree.insert(ids[0].as_bytes(), other).unwrap();
        db.flush().unwrap();
    }
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    w.unlock(Some(&pass(PASS))).unwrap();
    assert_eq!(w.credential_bytes(&ids[0]).unwrap_err().code(), "store.damaged");
}

#[test]
fn a_damaged_header_key_section_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    make_wallet(tmp.path());
    let path = tmp.path().join("carnet-wallet.json");
    let mut header: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let wrapped = header["vault"]["wrapped_key"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = wrapped.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    header["vault"]["wrapped_key"] = serde_json::Value::from(chars.into_iter().collect::<String>());
    fs::write(&path, serde_json::to_vec(&header).unwrap()).unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    // A changed wrapped key cannot be told from a wrong passphrase by the AEAD; either way nothing opens.
    let err = w.unlock(Some(&pass(PASS))).unwrap_err();
    assert!(
        matches!(err.code(), "vault.wrong_passphrase" | "vault.damaged"),
        "{err}"
    );
}

#[test]
fn missing_store_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    make_wallet(tmp.path());
    fs::remove_dir_all(tmp.path().join("store")).unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    let err = w.unlock(Some(&pass(PASS))).unwrap_err();
    assert_eq!(err.code(), "store.unopenable");
    assert!(err.to_string().contains("restore"), "{err}");
}
