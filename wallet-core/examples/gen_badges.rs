//! Writes N signed OB 3.0 badges (PNG, SVG, JSON-LD, JWT mix) into a folder, to try imports by hand:
//! `cargo run --release -p wallet-core --example gen_badges -- OUT_DIR [N] [SUBJECT_DID]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../benches/common/gen.rs"]
mod gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: gen_badges OUT_DIR [N] [SUBJECT_DID]"));
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("N is a number"))
        .unwrap_or(1000);
    let subject = args.next().unwrap_or_else(|| "did:example:learner".to_owned());
    let paths = gen::write_badges(&out, n, &subject);
    println!("{} badges in {}", paths.len(), out.display());
}
