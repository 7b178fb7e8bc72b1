//! Import benchmark: 10,000 generated signed badges (PNG, SVG, JSON-LD, JWT) imported into a new wallet, then
//! list and search latency over them, then the wallet closed and unlocked again up to its first portfolio page.
//! Prints throughput, peak RSS, query percentiles and open times; asserts no time.
//!
//! `cargo bench -p wallet-core --bench import` (release). `CARNET_BENCH_BADGES` changes the count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "common/gen.rs"]
mod gen;

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use wallet_core::importer::{ImportOptions, Source};
use wallet_core::net::NetPolicy;
use wallet_core::portfolio::Query;
use wallet_core::{KdfParams, NewProtection, Passphrase, Wallet};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// CPU time used so far by this process, every thread (user + system), in seconds: on a shared machine the wall
/// clock says how much of the machine there was, this says what the work cost.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces, in parentheses): utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    // Clock ticks of 1/100 s (USER_HZ on Linux).
    fields.iter().sum::<f64>() / 100.0
}

/// The `p`th percentile, in milliseconds.
fn pct(v: &[Duration], p: usize) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    v.get((v.len() * p / 100).min(v.len().saturating_sub(1)))
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

fn main() {
    let count: usize = std::env::var("CARNET_BENCH_BADGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    let t = Instant::now();
    gen::write_badges(&badges, count, "did:example:learner");
    println!("generated {count} badges in {:.1} s", t.elapsed().as_secs_f64());
    let rss_before = peak_rss_mb();

    let mut w = Wallet::open_or_create(tmp.path().join("wallet")).unwrap();
    w.init(NewProtection::Passphrase(
        Passphrase::new("correct horse battery".into()),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    w.create_profile("Moi").unwrap();
    let opts = ImportOptions {
        net: NetPolicy::offline(),
        ..ImportOptions::default()
    };
    let t = Instant::now();
    let cpu = cpu_seconds();
    let summary = w
        .import(
            &[Source::Path(badges.clone())],
            &opts,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    let cpu_ms = (cpu_seconds() - cpu) * 1000.0 / summary.imported.max(1) as f64;
    println!("import CPU time: {cpu_ms:.2} ms per credential, all threads");
    println!(
        "import: {} files, {} imported, {} not ({} invalid, {} indeterminate, {} errors) in {secs:.1} s = {:.0} credentials/s",
        summary.files,
        summary.imported,
        summary.files - summary.imported,
        summary.invalid,
        summary.indeterminate,
        summary.errors,
        summary.imported as f64 / secs
    );
    let peak = peak_rss_mb();
    println!("peak RSS: {peak:.0} MB (after generating: {rss_before:.0} MB)");
    let rate = summary.imported as f64 / secs;

    // The same folder again: every file is known by its bytes, nothing is stored.
    let t = Instant::now();
    let again = w
        .import(
            &[Source::Path(badges)],
            &opts,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    let again_secs = t.elapsed().as_secs_f64();
    println!(
        "import again: {} files, {} already in the wallet, {} imported in {again_secs:.2} s ({:.0}% of the first time)",
        again.files,
        again.duplicates,
        again.imported,
        100.0 * again_secs / secs
    );

    let t = Instant::now();
    let first = w
        .portfolio(&Query {
            limit: 50,
            ..Query::default()
        })
        .unwrap();
    println!(
        "first query (builds the index over {} credentials): {:.1} ms",
        first.total,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut list = Vec::new();
    let mut search = Vec::new();
    let words = [
        "compétence 42",
        "ecole",
        "sante gestion",
        "cadre 7",
        "informatique 999",
        "établissement 3",
    ];
    for i in 0..300 {
        let t = Instant::now();
        let _ = w
            .portfolio(&Query {
                offset: (i * 50) % count,
                limit: 50,
                ..Query::default()
            })
            .unwrap();
        list.push(t.elapsed());
        let t = Instant::now();
        let _ = w
            .portfolio(&Query {
                search: Some(words[i % words.len()].into()),
                limit: 50,
                ..Query::default()
            })
            .unwrap();
        search.push(t.elapsed());
    }
    let (list_p50, list_p95) = (pct(&list, 50), pct(&list, 95));
    let (search_p50, search_p95) = (pct(&search, 50), pct(&search, 95));
    println!(
        "list (page of 50) p50 {list_p50:.2} ms, p95: {list_p95:.2} ms; search p50 {search_p50:.2} ms, p95: {search_p95:.2} ms (300 queries each)"
    );

    // The wallet closed and opened again, as the app does at start: unlock, then what the first portfolio frame
    // asks for (a page of 100, the filters' facets, the collections, the pictures of the first 20 entries). The
    // key derivation here uses the test cost; the real Argon2id cost is measured apart and reported beside it.
    let dir = tmp.path().join("wallet");
    let pass = || Passphrase::new("correct horse battery".into());
    drop(w);
    let (mut unlock, mut kdf_test, mut first_page, mut first_frame) = (vec![], vec![], vec![], vec![]);
    for _ in 0..3 {
        let t = Instant::now();
        let mut w = Wallet::open_or_create(&dir).unwrap();
        w.unlock(Some(&pass())).unwrap();
        unlock.push(t.elapsed());
        let t = Instant::now();
        let page = w
            .portfolio(&Query {
                limit: 100,
                ..Query::default()
            })
            .unwrap();
        first_page.push(t.elapsed());
        assert_eq!(page.total, summary.imported);
        let _ = w.portfolio_facets(false).unwrap();
        let _ = w.collections().unwrap();
        for e in page.entries.iter().take(20) {
            let _ = w.credential_image(&e.id).unwrap();
        }
        first_frame.push(t.elapsed());
        drop(w);
        let t = Instant::now();
        KdfParams::INSECURE_FOR_TESTS.derive_for_bench(&pass());
        kdf_test.push(t.elapsed());
    }
    let t = Instant::now();
    KdfParams::DEFAULT.derive_for_bench(&pass());
    let argon2 = t.elapsed().as_secs_f64() * 1000.0;
    let (unlock_ms, kdf_test_ms) = (pct(&unlock, 50), pct(&kdf_test, 50));
    let (first_page_ms, first_frame_ms) = (pct(&first_page, 50), pct(&first_frame, 50));
    let open_ms = unlock_ms - kdf_test_ms + first_page_ms;
    println!(
        "reopen (median of 3): open + unlock {unlock_ms:.1} ms (of which the test-cost key derivation {kdf_test_ms:.1} ms), \
         first page of 100 {first_page_ms:.1} ms (builds the index), first frame (page, facets, collections, 20 pictures) \
         {first_frame_ms:.1} ms; unlock + first page without key derivation {open_ms:.1} ms; Argon2id at the wallet's \
         default cost {argon2:.0} ms"
    );
    println!(
        "{{\"credentials\": {}, \"import_seconds\": {secs:.3}, \"import_per_second\": {rate:.1}, \"import_cpu_ms_per_credential\": {cpu_ms:.3}, \"peak_rss_mb\": {peak:.1}, \"reimport_seconds\": {again_secs:.3}, \"reimport_duplicates\": {}, \"list_p50_ms\": {list_p50:.3}, \"list_p95_ms\": {list_p95:.3}, \"search_p50_ms\": {search_p50:.3}, \"search_p95_ms\": {search_p95:.3}, \"unlock_ms\": {unlock_ms:.1}, \"kdf_test_ms\": {kdf_test_ms:.1}, \"first_page_ms\": {first_page_ms:.1}, \"first_frame_ms\": {first_frame_ms:.1}, \"unlock_first_page_without_kdf_ms\": {open_ms:.1}, \"argon2_default_ms\": {argon2:.1}}}",
        summary.imported, again.duplicates
    );
}
