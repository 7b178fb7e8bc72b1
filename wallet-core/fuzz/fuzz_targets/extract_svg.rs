//! Fuzz target: XML that starts as a badge SVG, so every input exercises the namespace-aware SVG reader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut bytes = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#.to_vec();
    bytes.extend_from_slice(data);
    let _ = wallet_core::import::extract(&bytes, &wallet_core::import::Limits::default());
});
