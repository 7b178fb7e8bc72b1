//! Fuzz target: bytes after the PNG signature, so every input exercises the chunk walker and the png crate.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(data);
    let limits = wallet_core::import::Limits { max_inflated_bytes: 64 * 1024, ..Default::default() };
    let _ = wallet_core::import::extract(&bytes, &limits);
});
