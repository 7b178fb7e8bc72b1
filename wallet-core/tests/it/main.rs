//! wallet-core's integration tests: one binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

mod tidy;
mod wallet;
