//! Fuzz target: any bytes through sniffing and extraction must give a value or an error, never a panic or hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = wallet_core::import::extract(data, &wallet_core::import::Limits::default());
});
