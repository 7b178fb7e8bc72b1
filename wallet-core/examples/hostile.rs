//! Writes hostile baked badges into a folder, to measure what refusing them costs (issue 10):
//! `cargo run --release -p wallet-core --example hostile -- OUT_DIR [FILES] [KIND]`, KIND one of
//! `png-bomb` (default: 100 compressed `openbadges` chunks of 5 MiB each, about 0.5 MB on disk),
//! `iccp-bomb` (an ICC profile inflating to 60 MiB), `svg-badges` (100,000 badge elements, about 3.4 MB).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../benches/common/hostile.rs"]
mod hostile;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: hostile OUT_DIR [FILES] [KIND]"));
    let files: usize = args
        .next()
        .map(|s| s.parse().expect("FILES is a number"))
        .unwrap_or(1);
    let kind = args.next().unwrap_or_else(|| "png-bomb".to_owned());
    let (bytes, ext) = match kind.as_str() {
        "png-bomb" => (hostile::png_bomb(100, 5 * 1024 * 1024), "png"),
        "iccp-bomb" => (hostile::iccp_bomb(60 * 1024 * 1024), "png"),
        "svg-badges" => (hostile::svg_many_badges(100_000, 0), "svg"),
        other => panic!("unknown KIND {other:?}: png-bomb, iccp-bomb or svg-badges"),
    };
    std::fs::create_dir_all(&out).unwrap();
    for i in 0..files {
        std::fs::write(out.join(format!("{kind}-{i:03}.{ext}")), &bytes).unwrap();
    }
    println!(
        "{files} × {kind} ({} bytes each) in {}",
        bytes.len(),
        out.display()
    );
}
