//! Fails when ui/src/lib/ipc/bindings.ts no longer matches the Rust commands and DTOs.
//!
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p carnet-app --test bindings`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::Path;

#[test]
fn typescript_bindings_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    let fresh_path = tmp.path().join("bindings.ts");
    carnet_app::specta_builder()
        .export(carnet_app::typescript(), &fresh_path)
        .unwrap();
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(carnet_app::BINDINGS_PATH);

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: the Rust commands or DTOs changed. Regenerate it with \
         `UPDATE_BINDINGS=1 cargo test -p carnet-app --test bindings` and commit the result.",
        committed_path.display()
    );
}
