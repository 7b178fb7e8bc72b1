//! Repository hygiene: every Rust file says what it is for in a `//!` line, and library code never panics
//! through `unwrap`/`expect` (clippy enforces that too; this test names the file when it slips).

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(
                name.as_str(),
                "target" | "node_modules" | "gen" | "dist" | ".git" | "artifacts"
            ) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    for crate_dir in ["wallet-core", "cli", "src-tauri", "page"] {
        rust_files(&root.join(crate_dir), &mut files);
    }
    assert!(
        files.len() >= 10,
        "found only {} Rust files: is the walk broken?",
        files.len()
    );
    files
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let missing: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` line saying what they are for: {missing:#?}"
    );
}

#[test]
fn wallet_core_knows_nothing_of_the_shell() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("wallet-core/src"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for forbidden in ["tauri", "specta"] {
            let hit = text.lines().any(|l| {
                let l = l.trim_start();
                (l.starts_with("use ") || l.starts_with("extern crate ")) && l.contains(forbidden)
            });
            assert!(
                !hit,
                "{} uses {forbidden}: wallet-core must not know the shell",
                path.display()
            );
        }
    }
    let manifest = std::fs::read_to_string(workspace_root().join("wallet-core/Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("tauri") && !manifest.contains("specta"),
        "wallet-core depends on the shell"
    );
}

#[test]
fn library_code_does_not_unwrap() {
    let mut files = Vec::new();
    for library in ["wallet-core/src", "page/src"] {
        rust_files(&workspace_root().join(library), &mut files);
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // Only the code before the file's test module counts.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            assert!(
                !line.contains(".unwrap()") && !line.contains(".expect("),
                "{}:{}: unwrap/expect in library code",
                path.display(),
                n + 1
            );
        }
    }
}
