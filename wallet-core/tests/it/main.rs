//! wallet-core's integration tests: one binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

mod backup;
mod checks;
mod corpora;
mod corruption;
mod crash;
mod disk_full;
#[path = "../../benches/common/hostile.rs"]
mod hostile;
mod http;
mod import;
mod importer;
mod keyring;
mod ld_fast;
mod mutations;
mod net;
mod offer;
mod peer_issuer;
mod portfolio_views;
mod present;
mod profiles;
mod qr;
mod sd_jwt;
mod search;
mod signed;
mod support;
mod tidy;
mod vault;
mod verify;
mod wallet;
