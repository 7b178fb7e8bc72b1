//! `carnet verify` as scripts see it: exit codes 0/1/2, one JSON line per credential with the documented fields and
//! check ids, plain-text lines, and refusal of bad arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(file: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/peer-corpus")
        .join(file);
    assert!(p.exists(), "../shared is needed: {}", p.display());
    p.display().to_string()
}

fn verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("verify")
        .args(args)
        .env_remove("CARNET_DATA_DIR")
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

const NOW: &str = "2025-01-01T00:00:00Z";
const CHECK_IDS: &[&str] = &[
    "format",
    "schema",
    "proof",
    "issuer_binding",
    "dates",
    "status",
    "endorsements",
    "recipient",
    "holder",
];

#[test]
fn valid_credential_exits_zero_with_the_documented_json() {
    let out = verify(&[
        "--json",
        "--offline",
        "--now",
        NOW,
        &corpus("ob3-vc2-di-eddsa-rdfc-2022.json"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    assert_eq!(l.len(), 1);
    let r = &l[0];
    for key in [
        "file",
        "index",
        "format",
        "ob_version",
        "verdict",
        "checks",
        "credential",
    ] {
        assert!(r.get(key).is_some(), "missing {key}: {r}");
    }
    assert_eq!(r["verdict"], "valid");
    assert_eq!(r["format"], "json-ld");
    assert_eq!(r["ob_version"], "3.0.3");
    for c in r["checks"].as_array().unwrap() {
        assert!(CHECK_IDS.contains(&c["id"].as_str().unwrap()), "{c}");
        assert!(
            ["passed", "failed", "skipped"].contains(&c["outcome"].as_str().unwrap()),
            "{c}"
        );
        // Nothing here could not run: no warnings.
        assert_eq!(c["warning"], false, "{c}");
    }
    for key in ["id", "name", "issuer", "subject", "valid_from", "valid_until"] {
        assert!(
            r["credential"].get(key).is_some(),
            "credential.{key} missing: {r}"
        );
    }
    assert_eq!(
        r["credential"]["issuer"],
        "did:key:z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1"
    );
}

#[test]
fn valid_with_revocation_unchecked_says_so() {
    // Exit 0 (valid: proof, binding, dates hold), but the unreachable status list is a warning in both outputs.
    let file = corpus("ob3-vc2-di-rich.json");
    let out = verify(&["--offline", "--now", NOW, &file]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(": valid — "), "{text}");
    assert!(text.contains("— warning, status: status not checked"), "{text}");
    let out = verify(&["--json", "--offline", "--now", NOW, &file]);
    let l = lines(&out);
    let warned: Vec<&str> = l[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["warning"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(warned, ["status"]);
}

#[test]
fn invalid_and_indeterminate_exit_one_errors_exit_two() {
    let out = verify(&[
        "--offline",
        "--now",
        NOW,
        &corpus("neg-tampered-achievement-name.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(": invalid") && text.contains("proof:"), "{text}");
    // Offline OB 2.0 signed badge: its issuer's key cannot be had: indeterminate, exit 1.
    let out = verify(&[
        "--json",
        "--offline",
        "--now",
        NOW,
        &corpus("ob2-signed-baked.png"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out)[0]["verdict"], "indeterminate");
    // Not a credential, unsafe XML, missing file: exit 2, still one line each.
    for file in [
        corpus("neg-not-a-credential.json"),
        corpus("neg-svg-xxe.svg"),
        "/nonexistent/badge.png".to_owned(),
    ] {
        let out = verify(&["--json", "--offline", &file]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let l = lines(&out);
        assert_eq!(l.len(), 1, "{file}");
        assert_eq!(l[0]["verdict"], "error");
        assert_eq!(l[0]["checks"][0]["id"], "format");
    }
    // The worst verdict decides: one valid file and one error file exit 2.
    let out = verify(&[
        "--offline",
        "--now",
        NOW,
        &corpus("ob3-vc2-di-eddsa-rdfc-2022.json"),
        &corpus("neg-png-truncated.png"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn a_presentation_yields_a_line_per_credential_and_checks_challenge_and_domain() {
    let vp = corpus("vp-vc2-di-eddsa-rdfc-2022.json");
    let ok = verify(&[
        "--json",
        "--offline",
        "--now",
        NOW,
        "--challenge",
        "challenge-d8ca4d32",
        "--domain",
        "https://verifier.public-example.org",
        &vp,
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let l = lines(&ok);
    assert_eq!(l.len(), 3);
    assert_eq!(l[0]["format"], "vp-json-ld");
    assert!(l[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "holder" && c["outcome"] == "passed"));
    assert_eq!(
        (l[1]["index"].as_u64(), l[1]["parent"].as_u64()),
        (Some(1), Some(0))
    );
    let replay = verify(&["--json", "--offline", "--now", NOW, "--challenge", "another", &vp]);
    assert_eq!(replay.status.code(), Some(1));
    let l = lines(&replay);
    assert_eq!(l[0]["verdict"], "invalid");
    assert!(l[0]["checks"].to_string().contains("challenge"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = verify(&["--now", "yesterday", &corpus("ob3-vc2-di-eddsa-rdfc-2022.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
    let out = verify(&[]);
    assert_eq!(out.status.code(), Some(2));
    for bad in ["5GB", "12", "lots", "2048MiB"] {
        let out = verify(&["--max-size", bad, &corpus("ob3-vc2-di-eddsa-rdfc-2022.json")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--max-size"),
            "{bad}"
        );
    }
}

#[test]
fn the_input_size_limit_is_configurable() {
    // The rich credential is 6.6 KB: over a 4 KiB limit it is refused unread, naming the limit.
    let file = corpus("ob3-vc2-di-rich.json");
    let out = verify(&["--json", "--offline", "--now", NOW, "--max-size", "4KiB", &file]);
    assert_eq!(out.status.code(), Some(2));
    let l = lines(&out);
    assert_eq!(l[0]["verdict"], "error");
    let why = l[0]["checks"][0]["reason"].as_str().unwrap();
    assert!(why.contains("4096"), "{why}");
    let out = verify(&["--offline", "--now", NOW, "--max-size", "8KiB", &file]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn many_files_are_verified_on_every_core_and_printed_in_the_order_given() {
    // The whole peer corpus, forwards and then backwards: each file's lines are the same, in argument order.
    let dir = PathBuf::from(corpus("ob3-vc2-di-eddsa-rdfc-2022.json"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() > 10, "{files:?}");
    let run = |files: &[String]| {
        let mut args = vec!["--json", "--offline", "--now", NOW];
        args.extend(files.iter().map(String::as_str));
        lines(&verify(&args))
    };
    let forwards = run(&files);
    let order: Vec<&str> = forwards.iter().map(|l| l["file"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = order.clone();
    expected.dedup();
    assert_eq!(expected, files.iter().map(String::as_str).collect::<Vec<_>>());
    // One at a time gives the same lines as all together.
    for f in &files[..4] {
        let alone = run(std::slice::from_ref(f));
        let together: Vec<&Value> = forwards.iter().filter(|l| l["file"] == f.as_str()).collect();
        assert_eq!(alone.iter().collect::<Vec<_>>(), together, "{f}");
    }
    files.reverse();
    let backwards = run(&files);
    assert_eq!(backwards.len(), forwards.len());
    for f in &files {
        let a: Vec<&Value> = forwards.iter().filter(|l| l["file"] == f.as_str()).collect();
        let b: Vec<&Value> = backwards.iter().filter(|l| l["file"] == f.as_str()).collect();
        assert_eq!(a, b, "{f}");
    }
}
