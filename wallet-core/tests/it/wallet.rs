//! The Wallet facade against real folders: creation, reopening, refusal, and nothing left behind on failure.

use std::fs;

use wallet_core::{OpenOutcome, Wallet, HEADER_FILE};

#[test]
fn create_open_and_describe() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("learner/wallet");
    let wallet = Wallet::open_or_create(&dir).unwrap();
    let info = wallet.info().unwrap();
    assert_eq!(info.outcome, OpenOutcome::Created);
    assert_eq!(info.file_count, 2, "the header and the lock file");
    let header: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join(HEADER_FILE)).unwrap()).unwrap();
    assert_eq!(header["format"], "carnet-wallet");
    assert_eq!(header["wallet_id"], info.wallet_id.as_str());

    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["outcome"], "created");
    assert!(json["created_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn an_empty_existing_folder_becomes_a_wallet() {
    let tmp = tempfile::tempdir().unwrap();
    let info = Wallet::open_or_create(tmp.path()).unwrap().info().unwrap();
    assert_eq!(info.outcome, OpenOutcome::Created);
}

#[test]
fn the_header_is_never_rewritten_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    Wallet::open_or_create(tmp.path()).unwrap();
    let before = fs::read(tmp.path().join(HEADER_FILE)).unwrap();
    let modified = fs::metadata(tmp.path().join(HEADER_FILE))
        .unwrap()
        .modified()
        .unwrap();
    for _ in 0..3 {
        Wallet::open_or_create(tmp.path()).unwrap().info().unwrap();
    }
    assert_eq!(fs::read(tmp.path().join(HEADER_FILE)).unwrap(), before);
    assert_eq!(
        fs::metadata(tmp.path().join(HEADER_FILE))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}
