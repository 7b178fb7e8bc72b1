//! `carnet offer` against the real peer issuer (../shared/interop/oid4vci on 127.0.0.1, a fresh one per test): each
//! format received, by value with a transaction code and by reference without, in 1.0 and draft 13; a wrong
//! transaction code, a replayed offer, an altered access token and a credential issued to another DID each end
//! with a plain error, exit code 1 and nothing stored; a VC-API exchange from the issuer's LCW deep link; consent
//! and the transaction code without a terminal; and issuers on this computer, the LAN or plain http refused before
//! anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed test

#[path = "../../wallet-core/tests/it/peer_issuer.rs"]
mod peer_issuer;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use peer_issuer::{edit_json, subject_of, Issuer, Proxy};
use serde_json::{json, Value};
use wallet_core::{KdfParams, NewProtection, Passphrase, Wallet};

const PASS: &str = "correct horse battery";

/// A wallet with one profile, made with cheap key derivation so each command unlocks fast; its did:key.
fn wallet(dir: &Path) -> String {
    let mut w = Wallet::open_or_create(dir).unwrap();
    w.init(NewProtection::Passphrase(
        Passphrase::new(PASS.into()),
        KdfParams::INSECURE_FOR_TESTS,
    ))
    .unwrap();
    w.create_profile("Moi").unwrap().did_key
}

fn carnet(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .env("CARNET_DATA_DIR", data)
        .env("CARNET_PASSPHRASE", PASS)
        .env_remove("CARNET_TX_CODE")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    out
}

fn failed(out: &Output, words: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        stderr(out).contains(words),
        "expected {words:?} in: {}",
        stderr(out)
    );
}

/// Ids of every stored credential.
fn stored(data: &Path) -> Vec<String> {
    let out = ok(carnet(data, &["list", "--json", "--all"]));
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `carnet offer … --yes --json`, and each credential it reports checked through `carnet show`: valid, and
/// issued to `did`. Returns the stored ids.
fn receive(data: &Path, link: &str, extra: &[&str], did: &str) -> Vec<String> {
    let mut args = vec!["offer", link, "--yes", "--json", "--allow-localhost"];
    args.extend_from_slice(extra);
    let out = ok(carnet(data, &args));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = result["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["verdict"], "valid", "{c}");
            assert_eq!(c["outcome"], "imported", "{c}");
            c["id"].as_str().unwrap().to_owned()
        })
        .collect();
    for id in &ids {
        let show: Value = serde_json::from_slice(&ok(carnet(data, &["show", id, "--json"])).stdout).unwrap();
        assert_eq!(show["entry"]["verdict"], "valid");
        assert!(show["entry"]["source"]
            .as_str()
            .unwrap()
            .starts_with("offer from http://127.0.0.1:"));
        let raw = ok(carnet(data, &["show", id, "--raw"])).stdout;
        assert_eq!(
            subject_of(&raw),
            did,
            "issued to the profile that proved possession"
        );
    }
    ids
}

fn setup() -> Option<(Issuer, tempfile::TempDir, PathBuf, String)> {
    let issuer = Issuer::start()?;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    let did = wallet(&data);
    Some((issuer, tmp, data, did))
}

#[test]
fn each_format_with_and_without_tx_code_by_value_and_by_reference_in_both_dialects() {
    let Some((issuer, _tmp, data, did)) = setup() else {
        return;
    };
    let mut count = 0;
    for format in ["jwt_vc_json", "ldp_vc", "jwt_vc_json-ld"] {
        // 1.0, by value, with a transaction code.
        let offer = issuer.offer(true, &[format]);
        let ids = receive(
            &data,
            offer["offer_uri"].as_str().unwrap(),
            &["--tx-code", offer["tx_code"].as_str().unwrap()],
            &did,
        );
        assert_eq!(ids.len(), 1);
        // Draft 13, by reference, without one.
        let offer = issuer.offer(false, &[format]);
        let ids = receive(
            &data,
            offer["offer_uri_by_reference"].as_str().unwrap(),
            &["--oid4vci", "draft-13"],
            &did,
        );
        assert_eq!(ids.len(), 1);
        count += 2;
        let issued = issuer.seen("issued");
        assert!(
            issued[issued.len() - 2].contains(&format!("issued {format} to {did} (v1)")),
            "{issued:?}"
        );
        assert!(
            issued[issued.len() - 1].contains(&format!("issued {format} to {did} (draft13)")),
            "{issued:?}"
        );
    }
    assert_eq!(stored(&data).len(), count);
    // The text form: one line per credential, then the count.
    let offer = issuer.offer(false, &["ldp_vc", "jwt_vc_json"]);
    let out = ok(carnet(
        &data,
        &[
            "offer",
            offer["offer_uri"].as_str().unwrap(),
            "--yes",
            "--allow-localhost",
        ],
    ));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("valid  Interop Test Badge  stored") && text.contains("2 credential(s) received"),
        "{text}"
    );
    // The consent summary was shown first, on stderr.
    let shown = stderr(&out);
    assert!(
        shown.contains("\"OID4VCI Interop Test Issuer\"") && shown.contains(&did),
        "{shown}"
    );
    assert_eq!(stored(&data).len(), count + 2);
}

#[test]
fn a_wrong_transaction_code_stores_nothing_and_the_right_one_still_works() {
    let Some((issuer, _tmp, data, did)) = setup() else {
        return;
    };
    let offer = issuer.offer(true, &["ldp_vc"]);
    let link = offer["offer_uri"].as_str().unwrap();
    let right = offer["tx_code"].as_str().unwrap();
    let wrong: String = right.chars().map(|c| if c == '9' { '0' } else { '9' }).collect();
    let out = carnet(
        &data,
        &["offer", link, "--yes", "--allow-localhost", "--tx-code", &wrong],
    );
    failed(&out, "the issuer says the transaction code is wrong");
    assert!(!stderr(&out).contains(&wrong) && !stderr(&out).contains(right));
    assert_eq!(issuer.seen("POST /token -> 400 invalid_grant").len(), 1);
    assert!(stored(&data).is_empty());
    // A code of the wrong form is refused before anything is sent.
    let out = carnet(
        &data,
        &["offer", link, "--yes", "--allow-localhost", "--tx-code", "12"],
    );
    failed(&out, "the issuer says it has 6 characters");
    assert_eq!(issuer.seen("POST /token").len(), 1);
    receive(&data, link, &["--tx-code", right], &did);
    assert_eq!(stored(&data).len(), 1);
}

#[test]
fn a_replayed_offer_is_refused_in_plain_words_and_adds_nothing() {
    let Some((issuer, _tmp, data, did)) = setup() else {
        return;
    };
    let offer = issuer.offer(false, &["jwt_vc_json"]);
    let link = offer["offer_uri"].as_str().unwrap();
    receive(&data, link, &[], &did);
    let out = carnet(&data, &["offer", link, "--yes", "--allow-localhost"]);
    failed(&out, "this offer was already used or has expired");
    assert_eq!(stored(&data).len(), 1);
    // The issuer's own first offer, by reference this time, replayed too.
    let first = issuer.start["offer_uri_by_reference"].as_str().unwrap();
    let tx = issuer.start["tx_code"].as_str().unwrap();
    assert_eq!(receive(&data, first, &["--tx-code", tx], &did).len(), 3);
    failed(
        &carnet(
            &data,
            &["offer", first, "--yes", "--allow-localhost", "--tx-code", tx],
        ),
        "already used or has expired",
    );
    assert_eq!(stored(&data).len(), 4);
}

/// A proxy in front of a fresh issuer.
fn proxied(
    on_request: impl Fn(&mut peer_issuer::Request) + Send + Sync + 'static,
    on_answer: impl Fn(&peer_issuer::Request, &mut peer_issuer::Answer) + Send + Sync + 'static,
) -> Option<(Proxy, Issuer, tempfile::TempDir, PathBuf, String)> {
    let proxy = Proxy::start(Arc::new(on_request), Arc::new(on_answer));
    let issuer = Issuer::start_with(Some(&proxy.url))?;
    proxy.forward_to(&issuer.listen);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("w");
    let did = wallet(&data);
    Some((proxy, issuer, tmp, data, did))
}

#[test]
fn an_altered_access_token_is_refused_by_the_issuer_and_nothing_is_stored() {
    // One character of the token's signature changed on its way to Carnet.
    let Some((_proxy, issuer, _tmp, data, _did)) = proxied(
        |_| {},
        |req, answer| {
            if req.path == "/token" && answer.status == 200 {
                edit_json(&mut answer.body, |v| {
                    // Not the last character: in base64url its low bits may be padding a decoder ignores, and
                    // the token would still be the issuer's. Ten from the end carries six real bits.
                    let t = v["access_token"].as_str().unwrap().to_owned();
                    let at = t.len() - 10;
                    let was = &t[at..=at];
                    let now = if was == "A" { "B" } else { "A" };
                    v["access_token"] = json!(format!("{}{now}{}", &t[..at], &t[at + 1..]));
                });
            }
        },
    ) else {
        return;
    };
    let offer = issuer.offer(true, &["ldp_vc"]);
    let out = carnet(
        &data,
        &[
            "offer",
            offer["offer_uri"].as_str().unwrap(),
            "--yes",
            "--allow-localhost",
            "--tx-code",
            offer["tx_code"].as_str().unwrap(),
        ],
    );
    failed(&out, "the issuer refused the access it had granted");
    assert_eq!(issuer.seen("POST /credential -> 401").len(), 1);
    assert!(issuer.seen("issued").is_empty());
    assert!(stored(&data).is_empty());
}

#[test]
fn a_credential_issued_to_another_did_is_refused_and_nothing_is_stored() {
    // The proof of possession re-signed on the way with another key, so the real issuer issues a real, valid
    // credential to that other DID.
    let other = wallet_core::keys::SecretKey::from_seed(&[9; 32]);
    let other_did = wallet_core::did::did_key(&other.public_key()).unwrap();
    let kid = format!("{other_did}#{}", other_did.trim_start_matches("did:key:"));
    let Some((_proxy, issuer, _tmp, data, did)) = proxied(
        move |req| {
            if req.path == "/credential" {
                edit_json(&mut req.body, |b| {
                    let p = peer_issuer::jwt_payload(b["proofs"]["jwt"][0].as_str().unwrap());
                    let iat = time::OffsetDateTime::from_unix_timestamp(p["iat"].as_i64().unwrap()).unwrap();
                    let proof = wallet_core::sign::openid4vci_proof(
                        &other,
                        &kid,
                        p["aud"].as_str().unwrap(),
                        p["nonce"].as_str(),
                        iat,
                    )
                    .unwrap();
                    b["proofs"]["jwt"] = json!([proof]);
                });
            }
        },
        |_, _| {},
    ) else {
        return;
    };
    let offer = issuer.offer(false, &["jwt_vc_json"]);
    let out = carnet(
        &data,
        &[
            "offer",
            offer["offer_uri"].as_str().unwrap(),
            "--yes",
            "--allow-localhost",
        ],
    );
    failed(&out, "is not issued to this profile");
    assert!(stderr(&out).contains(&other_did) && stderr(&out).contains(&did));
    assert_eq!(
        issuer.seen(&format!("issued jwt_vc_json to {other_did}")).len(),
        1
    );
    assert!(stored(&data).is_empty());
}

#[test]
fn a_vc_api_exchange_from_the_lcw_deep_link() {
    let Some((issuer, _tmp, data, did)) = setup() else {
        return;
    };
    let link = issuer.start["lcw_deep_link"].as_str().unwrap();
    assert!(link.starts_with("dccrequest://request?request="));
    let ids = receive(&data, link, &[], &did);
    assert_eq!(ids.len(), 1);
    assert_eq!(issuer.seen("VC-API exchange").len(), 1);
    assert!(issuer.seen("VC-API exchange")[0].contains(&did));
    let out = carnet(&data, &["offer", link, "--yes", "--allow-localhost"]);
    failed(&out, "exchange already completed");
    assert_eq!(stored(&data), ids);
}

#[test]
fn without_a_terminal_consent_needs_yes_and_a_needed_code_needs_tx_code() {
    let Some((issuer, _tmp, data, _did)) = setup() else {
        return;
    };
    let offer = issuer.offer(true, &["ldp_vc"]);
    let link = offer["offer_uri"].as_str().unwrap();
    let out = carnet(&data, &["offer", link, "--allow-localhost"]);
    failed(&out, "pass --yes");
    // The summary was shown, and nothing sent: only the metadata was read.
    assert!(stderr(&out).contains("needs the transaction code the issuer gave you (6 digits)"));
    let out = carnet(&data, &["offer", link, "--allow-localhost", "--yes"]);
    failed(&out, "pass --tx-code CODE");
    assert!(stderr(&out).contains("Enter the code printed by the test issuer"));
    let requests = issuer.requests();
    assert!(
        requests.iter().all(|l| l.contains("GET /.well-known/")),
        "{requests:?}"
    );
    assert!(stored(&data).is_empty());
    // The code from the environment works like --tx-code.
    let out = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["offer", link, "--allow-localhost", "--yes"])
        .env("CARNET_DATA_DIR", &data)
        .env("CARNET_PASSPHRASE", PASS)
        .env("CARNET_TX_CODE", offer["tx_code"].as_str().unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(out);
    assert_eq!(stored(&data).len(), 1);
}

fn offer_naming(issuer: &str) -> String {
    let offer = json!({
        "credential_issuer": issuer,
        "credential_configuration_ids": ["OpenBadgeCredential_ldp_vc"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abc"}}
    });
    let enc: String = url_encode(&offer.to_string());
    format!("openid-credential-offer://?credential_offer={enc}")
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn issuers_on_this_computer_need_allow_localhost_and_lan_or_plain_http_ones_are_refused() {
    let Some((issuer, _tmp, data, _did)) = setup() else {
        return;
    };
    let offer = issuer.offer(false, &["ldp_vc"]);
    for link in [
        offer["offer_uri"].as_str().unwrap(),
        offer["offer_uri_by_reference"].as_str().unwrap(),
        issuer.start["lcw_deep_link"].as_str().unwrap(),
    ] {
        let out = carnet(&data, &["offer", link, "--yes"]);
        failed(&out, "is on this computer");
        assert!(stderr(&out).contains("--allow-localhost"));
    }
    // Nothing reached the issuer.
    assert_eq!(issuer.requests(), Vec::<String>::new());
    // With --allow-localhost, still never the LAN, and never plain http elsewhere (refused before any connection:
    // literal addresses and https-only are decided without a lookup).
    for (named, words) in [
        ("https://192.168.1.10", "192.168.1.10 is a private address"),
        ("https://10.0.0.7", "10.0.0.7 is a private address"),
        ("https://[fd00::1]", "unique local"),
        ("http://93.184.215.14", "only https"),
        ("http://issuer.example.org", "only https"),
    ] {
        let out = carnet(
            &data,
            &["offer", &offer_naming(named), "--yes", "--allow-localhost"],
        );
        failed(&out, words);
    }
    assert!(stored(&data).is_empty());
}

#[test]
fn reported_means_stored_even_when_the_reader_of_the_output_goes_away() {
    let Some((issuer, _tmp, data, _did)) = setup() else {
        return;
    };
    for json in [false, true] {
        let offer = issuer.offer(false, &["ldp_vc"]);
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut args = vec![
            "offer",
            offer["offer_uri"].as_str().unwrap(),
            "--yes",
            "--allow-localhost",
        ];
        if json {
            args.push("--json");
        }
        let out = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(&args)
            .env("CARNET_DATA_DIR", &data)
            .env("CARNET_PASSPHRASE", PASS)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    // Printing comes after the batch is durable: both offers' credentials are there.
    assert_eq!(stored(&data).len(), 2);
}

/// A terminal for the real binary: a private tmux server, its screen read until a text appears (a condition, with a
/// deadline), keys typed into it.
struct Terminal {
    socket: String,
}

impl Terminal {
    fn start(command: &str) -> Option<Terminal> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CARNET_REQUIRE_PEER").as_deref() != Ok("1"),
                "tmux is needed for the terminal tests (scripts/test.sh installs it)"
            );
            eprintln!("skipped: no tmux");
            return None;
        }
        let socket = format!("carnet-offer-{}-{}", std::process::id(), rand_suffix());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "60",
                command,
            ])
            .status()
            .unwrap();
        assert!(status.success());
        Some(Terminal { socket })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-J", "-S", "-100"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never saw {text:?} on:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn type_line(&self, keys: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0", "-l", keys])
            .status()
            .unwrap();
        assert!(status.success());
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0", "Enter"])
            .status()
            .unwrap();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        .into()
}

/// The command line for a terminal: the environment set, the exit code shown when it ends, the pane kept open.
fn in_terminal(data: &Path, args: &[&str]) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
    format!(
        "env -u CARNET_TX_CODE CARNET_DATA_DIR={} CARNET_PASSPHRASE={} {} {}; echo EXIT=$?; read _",
        quote(&data.display().to_string()),
        quote(PASS),
        quote(env!("CARGO_BIN_EXE_carnet")),
        args.join(" ")
    )
}

#[test]
fn on_a_terminal_it_asks_for_consent_then_for_the_code_without_echo() {
    let Some((issuer, _tmp, data, did)) = setup() else {
        return;
    };
    let offer = issuer.offer(true, &["ldp_vc", "jwt_vc_json"]);
    let link = offer["offer_uri"].as_str().unwrap();
    let code = offer["tx_code"].as_str().unwrap();
    // Declined: nothing sent beyond the metadata, nothing stored.
    let Some(term) = Terminal::start(&in_terminal(&data, &["offer", link, "--allow-localhost"])) else {
        return;
    };
    let screen = term.wait_for("Accept this offer? [y/N]");
    assert!(screen.contains(&did) && screen.contains("(6 digits)"), "{screen}");
    term.type_line("n");
    let screen = term.wait_for("EXIT=");
    assert!(
        screen.contains("offer declined") && screen.contains("EXIT=1"),
        "{screen}"
    );
    drop(term);
    assert!(issuer.seen("/token").is_empty());
    // Accepted, and the code typed at the prompt, which does not echo it.
    let term = Terminal::start(&in_terminal(&data, &["offer", link, "--allow-localhost"])).unwrap();
    term.wait_for("Accept this offer? [y/N]");
    term.type_line("y");
    term.wait_for("Transaction code:");
    term.type_line(code);
    let screen = term.wait_for("EXIT=");
    assert!(
        screen.contains("2 credential(s) received") && screen.contains("EXIT=0"),
        "{screen}"
    );
    assert!(!screen.contains(code), "the code was echoed:\n{screen}");
    assert_eq!(stored(&data).len(), 2);
}
