//! The keyring path against a real Secret Service (gnome-keyring under a private D-Bus session in the test
//! command). Without one, the test fails when CARNET_REQUIRE_KEYRING=1 (as in scripts/test.sh) and says why.

use wallet_core::{KdfParams, NewProtection, ProtectionKind, Wallet, WalletState};

use crate::support::pass;

fn keyring_or_skip() -> bool {
    match wallet_core::keyring_status() {
        Ok(()) => true,
        Err(reason) => {
            assert!(
                std::env::var_os("CARNET_REQUIRE_KEYRING").is_none(),
                "CARNET_REQUIRE_KEYRING is set but no keyring is reachable: {reason}"
            );
            eprintln!("keyring test skipped: no Secret Service here ({reason})");
            false
        }
    }
}

/// The keyring account named in the wallet header.
fn keyring_account(dir: &std::path::Path) -> String {
    let header: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("carnet-wallet.json")).unwrap()).unwrap();
    header["vault"]["protection"]["account"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_wallet_protected_by_the_system_keyring() {
    if !keyring_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    w.init(NewProtection::Keyring).unwrap();
    assert_eq!(w.protection(), Some(ProtectionKind::Keyring));
    let p = w.create_profile("Personnel").unwrap();
    drop(w);

    // Unlocks with no passphrase: the key comes from the keyring.
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    assert_eq!(w.state(), WalletState::Locked);
    w.unlock(None).unwrap();
    assert_eq!(w.profiles().unwrap()[0].id, p.id);

    // Switch to a passphrase: the keyring entry is removed, and the passphrase unlocks.
    let account = keyring_account(tmp.path());
    w.change_protection(NewProtection::Passphrase(
        pass("now a passphrase"),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    drop(w);
    let entry = keyring::Entry::new("Carnet", &account).unwrap();
    assert!(
        entry.get_secret().is_err(),
        "the old keyring entry should be gone"
    );
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    assert_eq!(w.unlock(None).unwrap_err().code(), "vault.passphrase_required");
    w.unlock(Some(&pass("now a passphrase"))).unwrap();

    // And back to the keyring; then remove the entry to show what a lost keyring looks like.
    w.change_protection(NewProtection::Keyring).unwrap();
    drop(w);
    let account = keyring_account(tmp.path());
    keyring::Entry::new("Carnet", &account)
        .unwrap()
        .delete_credential()
        .unwrap();
    let mut w = Wallet::open_or_create(tmp.path()).unwrap();
    let err = w.unlock(None).unwrap_err();
    assert_eq!(err.code(), "vault.keyring_entry");
    assert!(err.to_string().contains("restore from a backup"), "{err}");
}
