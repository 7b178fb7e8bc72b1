//! Verification throughput: the given files (default: the peer corpus's valid JSON-LD credentials) verified over and
//! over, offline, one at a time on one thread, as `tests/interop/bench-peer.mjs` does for the peer verifier.
//!
//! Run with `cargo bench -p wallet-core --bench verify -- [--seconds T] [--rounds N] FILE...` (release build), or
//! `scripts/bench-verify.sh` for both implementations on the same files and their ratio. Prints one JSON line
//! `{files, valid, rounds, verifications, seconds, per_second}` (`valid`: how many files verified as valid); asserts
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{overall, verify_bytes, Options, Verdict};

const DEFAULT_FILES: &[&str] = &[
    "ob3-vc2-di-eddsa-rdfc-2022.json",
    "ob3-vc2-di-achievementcredential.json",
    "ob3-vc11-ed25519signature2020.json",
    "ob3-vc11-ctx300-ed25519signature2020.json",
    "ob3-vc2-endorsementcredential.json",
    "ob3-vc2-di-rich.json",
    "ob3-vc11-ed25519signature2020-rich.json",
];

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (mut seconds, mut rounds, mut files) = (5.0_f64, 5_usize, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().unwrap().parse().unwrap(),
            "--rounds" => rounds = args.next().unwrap().parse().unwrap(),
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/peer-corpus");
        files = DEFAULT_FILES.iter().map(|f| dir.join(f)).collect();
    }
    let inputs: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let opts = Options::at(OffsetDateTime::parse("2025-01-01T00:00:00Z", &Rfc3339).unwrap());
    let net = Net::offline();
    let cache = MemoryCache::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Warm-up round (not counted): the verdicts must not change afterwards.
    let first: Vec<Verdict> = inputs
        .iter()
        .map(|b| overall(&rt.block_on(verify_bytes(b, &net, &cache, &opts))))
        .collect();
    let start = Instant::now();
    let mut done = 0;
    let mut n = 0;
    while n < rounds || start.elapsed().as_secs_f64() < seconds {
        for (i, b) in inputs.iter().enumerate() {
            let v = overall(&rt.block_on(verify_bytes(b, &net, &cache, &opts)));
            assert_eq!(v, first[i], "verdict changed for {}", files[i].display());
            done += 1;
        }
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"files\": {}, \"valid\": {}, \"rounds\": {n}, \"verifications\": {done}, \"seconds\": {secs:.3}, \"per_second\": {:.1}}}",
        files.len(),
        first.iter().filter(|v| **v == Verdict::Valid).count(),
        done as f64 / secs
    );
}
