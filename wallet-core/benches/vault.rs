//! Vault benchmark: Argon2id cost, unlock time and store open/list time with 10,000 credentials.
//!
//! Run with `cargo bench -p wallet-core --bench vault` (release build). Prints medians; asserts nothing.
//! `CARNET_BENCH_RECORDS` changes the number of credentials (default 10,000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use wallet_core::{KdfParams, NewProtection, Passphrase, Wallet};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let records: usize = std::env::var("CARNET_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let pass = || Passphrase::new("correct horse battery".into());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wallet");

    let mut w = Wallet::open_or_create(&dir).unwrap();
    w.init(NewProtection::Passphrase(pass(), KdfParams::DEFAULT))
        .unwrap();
    let profile = w.create_profile("Bench").unwrap();

    // A typical Open Badges 3.0 credential is 2–5 KB of JSON; use ~3 KB, each one distinct.
    let filler = "x".repeat(2_900);
    let start = Instant::now();
    for i in 0..records {
        let body = format!("{{\"id\":\"urn:uuid:{i:08}\",\"name\":\"Badge {i}\",\"pad\":\"{filler}\"}}");
        w.add_credential(body.as_bytes(), Some(&profile.id), "bench")
            .unwrap();
    }
    let insert = start.elapsed();
    drop(w);

    let mut kdf = Vec::new();
    let mut open = Vec::new();
    let mut unlock = Vec::new();
    let mut list = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut w = Wallet::open_or_create(&dir).unwrap();
        open.push(t.elapsed());
        let t = Instant::now();
        w.unlock(Some(&pass())).unwrap();
        unlock.push(t.elapsed());
        let t = Instant::now();
        let all = w.credentials().unwrap();
        assert_eq!(all.len(), records);
        list.push(t.elapsed());
        drop(w);
        // The key derivation alone, with the wallet's own parameters.
        let t = Instant::now();
        KdfParams::DEFAULT.derive_for_bench(&pass());
        kdf.push(t.elapsed());
    }
    let size: u64 = walk(&dir);
    println!(
        "vault benchmark ({records} credentials of ~3 KB, Argon2id {:?})",
        KdfParams::DEFAULT
    );
    println!(
        "  insert, one durable write each   {:>10}  ({:.0} credentials/s)",
        ms(insert),
        records as f64 / insert.as_secs_f64()
    );
    println!(
        "  open data folder (lock, header)  {:>10}  median of 5",
        ms(median(open))
    );
    println!(
        "  Argon2id key derivation          {:>10}  median of 5",
        ms(median(kdf))
    );
    println!(
        "  unlock (KDF + sled open + checks){:>10}  median of 5",
        ms(median(unlock))
    );
    println!(
        "  decrypt and list all credentials {:>10}  median of 5",
        ms(median(list))
    );
    println!(
        "  data folder size                 {:>10.1} MB",
        size as f64 / 1e6
    );
}

fn walk(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                walk(&p)
            } else {
                std::fs::metadata(&p).unwrap().len()
            }
        })
        .sum()
}
