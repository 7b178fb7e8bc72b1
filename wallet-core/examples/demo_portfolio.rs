//! Signs the demo portfolio into `wallet-core/demo/` (run after changing `wallet_core::demo::generate`; a test
//! fails while the committed files differ from what it signs): `cargo run -p wallet-core --example demo_portfolio`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a developer tool: a panic is the error message

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let files = futures_executor::block_on(wallet_core::demo::generate()).expect("the demo portfolio signs");
    for (name, bytes) in files {
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the demo folder is writable");
        }
        std::fs::write(path, bytes).expect("the demo folder is writable");
        println!("{name}");
    }
}
