//! Crash safety: a child process writes credentials in a loop and is killed with SIGKILL at varied moments;
//! every write it acknowledged must be there, intact, after reopening — and the store must always reopen.
//!
//! The child is this same test binary, re-run on the `crash_child_writer` test with `CARNET_CRASH_DIR` set.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{new_wallet, reopen};

const ROUNDS: u32 = 60;

/// Runs only as the child of `acknowledged_writes_survive_sigkill`; a no-op in a normal test run.
#[test]
fn crash_child_writer() {
    let Some(dir) = std::env::var_os("CARNET_CRASH_DIR") else {
        return;
    };
    let round: u32 = std::env::var("CARNET_CRASH_ROUND").unwrap().parse().unwrap();
    let w = reopen(std::path::Path::new(&dir));
    println!("OPEN");
    for i in 0.. {
        let body = format!(
            "{{\"round\":{round},\"record\":{i},\"pad\":\"{}\"}}",
            "x".repeat((i % 7) * 300)
        );
        w.add_credential(body.as_bytes(), None, "crash test").unwrap();
        // add_credential returned: the write is flushed. Only now may it be acknowledged.
        println!("ACK {round} {i}");
    }
}

/// Small deterministic generator, so a failing round can be replayed.
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    drop(new_wallet(tmp.path()));
    let exe = std::env::current_exe().unwrap();
    let mut seed = 0x5eed_u64;
    let mut acked: Vec<(u32, u64)> = Vec::new();
    let mut killed_mid_write = 0;

    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::crash_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CARNET_CRASH_DIR", tmp.path())
            .env("CARNET_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait until the child has the wallet open, then let it write for a varied while before killing it.
        // libtest prints "test crash::crash_child_writer ... " without a newline before our first line.
        let opened = rx.iter().any(|l| l.ends_with("OPEN"));
        assert!(opened, "round {round}: the child never opened the wallet");
        let window = Duration::from_millis(5 + next(&mut seed) % 120);
        let deadline = std::time::Instant::now() + window;
        let mut round_acks = 0;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("ACK ") {
                        let mut parts = rest.split(' ');
                        let r: u32 = parts.next().unwrap().parse().unwrap();
                        let i: u64 = parts.next().unwrap().parse().unwrap();
                        acked.push((r, i));
                        round_acks += 1;
                    }
                }
                Err(_) => break,
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Lines already written to the pipe before the kill were acknowledged too.
        for line in rx.iter() {
            if let Some(rest) = line.strip_prefix("ACK ") {
                let mut parts = rest.split(' ');
                acked.push((
                    parts.next().unwrap().parse().unwrap(),
                    parts.next().unwrap().parse().unwrap(),
                ));
                round_acks += 1;
            }
        }
        reader.join().unwrap();
        if round_acks > 0 {
            killed_mid_write += 1;
        }

        // After every kill: the wallet opens, and every acknowledged record is there and decrypts.
        let w = reopen(tmp.path());
        let stored: std::collections::HashSet<Vec<u8>> = w
            .credentials()
            .unwrap()
            .iter()
            .map(|c| w.credential_bytes(&c.id).unwrap())
            .collect();
        for (r, i) in &acked {
            let prefix = format!("{{\"round\":{r},\"record\":{i},");
            assert!(
                stored.iter().any(|b| b.starts_with(prefix.as_bytes())),
                "round {round}: acknowledged record {r}/{i} is missing after SIGKILL"
            );
        }
    }
    assert!(
        killed_mid_write >= ROUNDS / 2,
        "only {killed_mid_write} rounds were killed while writing"
    );
    eprintln!(
        "crash test: {ROUNDS} SIGKILL rounds, {} acknowledged writes, all present",
        acked.len()
    );
}
