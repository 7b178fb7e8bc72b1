//! Profiles: create, rename, list, default, delete (never silently when they hold credentials), and signing.

use crate::support::new_wallet;

#[test]
fn create_list_rename_and_default() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    let a = w.create_profile("  Personnel  ").unwrap();
    assert_eq!(a.name, "Personnel");
    assert!(a.is_default, "the first profile becomes the default");
    assert!(a.did_key.starts_with("did:key:z6Mk"));
    assert!(a.did_jwk.starts_with("did:jwk:ey"));
    let b = w.create_profile("Travail").unwrap();
    assert!(!b.is_default);
    assert_ne!(a.did_key, b.did_key);

    let renamed = w.rename_profile(&b.id, "Professionnel").unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.did_key.as_str()),
        ("Professionnel", b.did_key.as_str())
    );
    w.set_default_profile(&b.id).unwrap();
    let list = w.profiles().unwrap();
    assert_eq!(
        list.iter()
            .map(|p| (p.name.as_str(), p.is_default))
            .collect::<Vec<_>>(),
        [("Personnel", false), ("Professionnel", true)]
    );

    assert_eq!(w.create_profile("   ").unwrap_err().code(), "profile.empty_name");
    assert_eq!(
        w.create_profile(&"é".repeat(81)).unwrap_err().code(),
        "profile.name_too_long"
    );
    assert_eq!(
        w.rename_profile("nope", "x").unwrap_err().code(),
        "profile.not_found"
    );
}

#[test]
fn deleting_a_profile_with_credentials_needs_confirmation() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    let a = w.create_profile("Personnel").unwrap();
    let b = w.create_profile("Travail").unwrap();
    w.add_credential(b"one", Some(&b.id), "t").unwrap();
    w.add_credential(b"two", Some(&b.id), "t").unwrap();

    let err = w.delete_profile(&b.id, false).unwrap_err();
    assert_eq!(err.code(), "profile.holds_credentials");
    assert!(err.to_string().contains("holds 2 credential"), "{err}");
    assert_eq!(
        w.profiles().unwrap().len(),
        2,
        "nothing deleted without confirmation"
    );

    let heir = w.delete_profile(&b.id, true).unwrap();
    assert_eq!(heir.as_deref(), Some(a.id.as_str()));
    let list = w.profiles().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].credential_count, 2, "credentials moved, not lost");
    assert_eq!(w.credentials().unwrap().len(), 2);
}

#[test]
fn the_last_profile_with_credentials_cannot_be_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    let a = w.create_profile("Seul").unwrap();
    w.add_credential(b"one", None, "t").unwrap();
    assert_eq!(
        w.delete_profile(&a.id, true).unwrap_err().code(),
        "profile.last_holds_credentials"
    );
    let empty = w.create_profile("Vide").unwrap();
    assert_eq!(
        w.delete_profile(&empty.id, false).unwrap(),
        None,
        "an empty profile goes without asking"
    );
}

#[test]
fn deleting_the_default_moves_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    let a = w.create_profile("A").unwrap();
    let b = w.create_profile("B").unwrap();
    w.delete_profile(&a.id, false).unwrap();
    assert!(w.profile(&b.id).unwrap().is_default);
}

#[test]
fn profiles_sign_with_their_own_key() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    let a = w.create_profile("A").unwrap();
    let b = w.create_profile("B").unwrap();
    let sig = w.sign(&a.id, b"message").unwrap();
    assert!(w.public_key(&a.id).unwrap().verify(b"message", &sig).unwrap());
    assert!(!w.public_key(&b.id).unwrap().verify(b"message", &sig).unwrap());
    assert!(!w.public_key(&a.id).unwrap().verify(b"other", &sig).unwrap());
}

#[test]
fn duplicate_credentials_are_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(tmp.path());
    w.create_profile("A").unwrap();
    let first = w.add_credential(b"same bytes", None, "one").unwrap();
    let second = w.add_credential(b"same bytes", None, "two").unwrap();
    let wallet_core::AddOutcome::Added { id } = first else {
        panic!()
    };
    assert_eq!(second, wallet_core::AddOutcome::Duplicate { id });
    assert_eq!(w.credentials().unwrap().len(), 1);
    assert_eq!(
        w.add_credential(b"", None, "x").unwrap_err().code(),
        "credential.empty"
    );
}
