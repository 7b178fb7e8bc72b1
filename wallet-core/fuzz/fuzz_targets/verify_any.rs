//! Fuzz target: any bytes through the whole offline verifier (extraction, JSON, JWT/SD-JWT, JSON-LD, proofs) must
//! give reports, never a panic or hang.
#![no_main]

use std::sync::OnceLock;

use time::OffsetDateTime;
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{verify_bytes, Options};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let opts = Options::at(OffsetDateTime::UNIX_EPOCH);
    let reports = runtime().block_on(verify_bytes(data, &Net::offline(), &MemoryCache::new(), &opts));
    assert!(!reports.is_empty());
});
