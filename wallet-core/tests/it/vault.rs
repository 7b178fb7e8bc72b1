//! Lock, unlock, passphrase changes and the one-process rule, on real wallet folders.

use wallet_core::{KdfParams, NewProtection, Wallet, WalletState};

use crate::support::{new_wallet, pass, snapshot, PASS};

#[test]
fn lock_and_unlock() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = new_wallet(tmp.path());
    assert_eq!(w.state(), WalletState::Unlocked);
    let p = w.create_profile("Personnel").unwrap();
    w.lock();
    assert_eq!(w.state(), WalletState::Locked);
    assert_eq!(w.profiles().unwrap_err().code(), "wallet.locked");
    w.unlock(Some(&pass(PASS))).unwrap();
    assert_eq!(w.profiles().unwrap()[0].id, p.id);
}

#[test]
fn a_wrong_passphrase_is_named_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = new_wallet(tmp.path());
    w.add_credential(b"{\"a\":1}", None, "test").unwrap();
    w.lock();
    drop(w);
    let before = snapshot(tmp.path());
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    let err = w.unlock(Some(&pass("not the passphrase"))).unwrap_err();
    assert_eq!(err.code(), "vault.wrong_passphrase");
    assert_eq!(err.to_string(), "wrong passphrase");
    assert_eq!(w.unlock(None).unwrap_err().code(), "vault.passphrase_required");
    drop(w);
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "a failed unlock must not touch any file"
    );
}

/// The sealed bytes of every record in a tree, read with sled directly (the wallet must be closed).
fn raw_records(dir: &std::path::Path, tree: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let db = sled::open(dir.join("store")).unwrap();
    let t = db.open_tree(tree).unwrap();
    t.iter()
        .map(|kv| kv.unwrap())
        .map(|(k, v)| (k.to_vec(), v.to_vec()))
        .collect()
}

#[test]
fn changing_the_passphrase_rewraps_only_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    w.add_credential(b"credential bytes", None, "test").unwrap();
    drop(w);
    let sealed_before = raw_records(tmp.path(), "credentials");
    assert_eq!(sealed_before.len(), 1);

    let mut w = crate::support::reopen(tmp.path());
    w.change_protection(NewProtection::Passphrase(
        pass("a brand new one"),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    drop(w);
    assert_eq!(
        raw_records(tmp.path(), "credentials"),
        sealed_before,
        "no record was re-encrypted"
    );

    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    assert_eq!(
        w.unlock(Some(&pass(PASS))).unwrap_err().code(),
        "vault.wrong_passphrase"
    );
    w.unlock(Some(&pass("a brand new one"))).unwrap();
    assert_eq!(w.credentials().unwrap().len(), 1);
    assert_eq!(
        w.credential_bytes(&w.credentials().unwrap()[0].id).unwrap(),
        b"credential bytes"
    );
}

#[test]
fn short_passphrases_are_refused_at_init() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    let err = w
        .init(NewProtection::Passphrase(
            pass("short"),
            KdfParams::INSECURE_FOR_TESTS,
        ))
        .unwrap_err();
    assert_eq!(err.code(), "vault.passphrase_too_short");
    assert_eq!(w.state(), WalletState::Uninitialized);
    assert!(!tmp.path().join("store").exists());
}

#[test]
fn init_twice_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = new_wallet(tmp.path());
    let err = w
        .init(NewProtection::Passphrase(
            pass(PASS),
            KdfParams::INSECURE_FOR_TESTS,
        ))
        .unwrap_err();
    assert_eq!(err.code(), "wallet.already_initialized");
}

#[test]
fn a_second_opener_gets_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let _first = new_wallet(tmp.path());
    let err = Wallet::open_or_create(tmp.path()).unwrap_err();
    assert_eq!(err.code(), "data_dir.in_use");
    assert!(err.to_string().contains("open in another Carnet"), "{err}");
}

#[test]
fn unlocking_with_the_default_costs_takes_a_measurable_time() {
    // Not a timing assertion: checks that DEFAULT really is what the header records.
    let tmp = tempfile::tempdir().unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    w.init(NewProtection::Passphrase(pass(PASS), KdfParams::DEFAULT))
        .unwrap();
    drop(w);
    let header: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("carnet-wallet.json")).unwrap()).unwrap();
    assert_eq!(header["vault"]["protection"]["params"]["m_cost_kib"], 131072);
    assert_eq!(header["vault"]["protection"]["params"]["t_cost"], 5);
}
