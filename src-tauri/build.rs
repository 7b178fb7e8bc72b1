//! Build script: lets tauri-build read `tauri.conf.json` from the repository root, where it lives.

fn main() {
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
    {
        // A build script reports failure by panicking; the message is what `cargo build` shows.
        #[allow(clippy::panic)]
        {
            panic!("tauri-build failed: {err:#}");
        }
    }
}
