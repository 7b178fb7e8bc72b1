//! Writes the benchmark corpus of `scripts/bench.sh`: N signed badges of realistic size (~2.5 KB), a fifth each of
//! eddsa-rdfc-2022 VC 2.0, Ed25519Signature2020 VC 1.1, VC-JWT (EdDSA and RS256), baked PNG and baked SVG,
//! deterministic for the same N:
//! `cargo run --release -p wallet-core --example gen_corpus -- OUT_DIR [N] [SUBJECT_DID]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../benches/common/gen.rs"]
mod gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: gen_corpus OUT_DIR [N] [SUBJECT_DID]"));
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("N is a number"))
        .unwrap_or(2000);
    let subject = args.next().unwrap_or_else(|| "did:example:learner".to_owned());
    let paths = gen::write_corpus(&out, n, &subject);
    println!("{} files in {}", paths.len(), out.display());
}
