//! `carnet verify FILE...`: one line per credential found (text or JSON), exit 0 / 1 / 2. The JSON shape and the
//! check ids are a stable interface for scripts, documented in docs/verify.md.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wallet_core::net::{MemoryCache, Net, NetPolicy};
use wallet_core::verify::{self, Check, CredentialInfo, Options, Report, Verdict};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files to verify: baked PNG or SVG badges, JSON (credential, CLR, presentation, OB 2.0), JWT
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Judge dates at this instant (RFC 3339) instead of now
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Use no network at all: issuer documents and status lists that are not cached are not checked
    #[arg(long)]
    offline: bool,
    /// For presentations: the challenge the verifier expects
    #[arg(long, value_name = "C")]
    challenge: Option<String>,
    /// For presentations: the domain the verifier expects
    #[arg(long, value_name = "D")]
    domain: Option<String>,
    /// An identity of the learner (email, URL, DID) for the recipient check; repeatable
    #[arg(long = "identity", value_name = "ID")]
    identities: Vec<String>,
    /// Largest input read, and most a PNG's compressed text may inflate to: bytes, or with KiB / MiB
    #[arg(long, value_name = "SIZE", default_value = "5MiB", value_parser = parse_size)]
    max_size: usize,
}

/// `5MiB`, `512KiB`, `1000000`: a size in bytes, at least 1 KiB and at most 1 GiB.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("{s:?}: a number of bytes, optionally followed by KiB or MiB"))?;
    let factor = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "K" | "k" => 1024,
        "MiB" | "M" => 1024 * 1024,
        other => return Err(format!("{s:?}: unknown unit {other:?} (use KiB or MiB)")),
    };
    let bytes = n
        .checked_mul(factor)
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if !(1024..=1024 * 1024 * 1024).contains(&bytes) {
        return Err(format!("{s:?}: give between 1KiB and 1024MiB"));
    }
    Ok(bytes)
}

/// One JSON line.
#[derive(Serialize)]
struct Line<'a> {
    file: String,
    index: usize,
    parent: Option<usize>,
    container: Option<&'a str>,
    format: &'a str,
    kind: &'a str,
    ob_version: Option<&'a str>,
    verdict: &'a str,
    checks: &'a [Check],
    credential: Option<&'a CredentialInfo>,
}

/// A file's bytes, bounded; a folder is refused with a plain reason.
fn read_bounded(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, String> {
    if path.is_dir() {
        return Err(format!("{} is a folder; give files", path.display()));
    }
    wallet_core::import::read_bounded(path, limit)
}

/// Run the command; the process exit code.
pub fn run(args: &VerifyArgs, json: bool) -> i32 {
    let now = match &args.now {
        None => OffsetDateTime::now_utc(),
        Some(s) => match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("carnet: error: --now {s:?} is not an RFC 3339 date: {e}");
                return 2;
            }
        },
    };
    let mut opts = Options::at(now);
    opts.challenge = args.challenge.clone();
    opts.domain = args.domain.clone();
    opts.identities = args.identities.clone();
    opts.limits.max_input_bytes = args.max_size;
    opts.limits.max_inflated_bytes = args.max_size;
    let net = if args.offline {
        Net::offline()
    } else {
        match Net::new(NetPolicy::default()) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("carnet: error: {e}");
                return 2;
            }
        }
    };
    let cache = MemoryCache::new();
    let mut all = Vec::new();
    // Files are verified on every core, each worker with its own runtime; lines come out in the order of the
    // arguments, as soon as every file before them is done (`in_order`).
    let verify_file = |runtime: &tokio::runtime::Runtime, path: &PathBuf| match read_bounded(
        path,
        opts.limits.max_input_bytes,
    ) {
        Ok(bytes) => runtime.block_on(verify::verify_bytes(&bytes, &net, &cache, &opts)),
        Err(reason) => vec![Report::unreadable(None, reason)],
    };
    let outcome = in_order(&args.files, verify_file, |path, reports| {
        let name = path.display().to_string();
        all.extend(reports.iter().map(|r| r.verdict));
        for r in &reports {
            if json {
                let line = Line {
                    file: name.clone(),
                    index: r.index,
                    parent: r.parent,
                    container: r.container,
                    format: r.format,
                    kind: r.kind,
                    ob_version: r.ob_version.as_deref(),
                    verdict: r.verdict.as_str(),
                    checks: &r.checks,
                    credential: r.credential.as_ref(),
                };
                match serde_json::to_string(&line) {
                    Ok(s) => crate::out::line(&s),
                    Err(e) => eprintln!("carnet: error: {e}"),
                }
            } else {
                crate::out::line(&text_line(&name, r, reports.len() > 1));
            }
        }
    });
    if let Err(e) = outcome {
        eprintln!("carnet: error: cannot start: {e}");
        return 2;
    }
    exit_code(&all)
}

/// `work` on every item, on as many threads as there are cores (each with its own single-threaded runtime), and
/// `done` on each result in the order of `items`, as soon as the results before it are in.
fn in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&tokio::runtime::Runtime, &T) -> R + Sync,
    mut done: impl FnMut(&T, R),
) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, items.len().max(1));
    let runtimes = (0..workers)
        .map(|_| tokio::runtime::Builder::new_current_thread().enable_all().build())
        .collect::<std::io::Result<Vec<_>>>()?;
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for runtime in &runtimes {
            let (tx, next, work) = (tx.clone(), &next, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(runtime, item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                done(&items[want], r);
                want += 1;
            }
        }
    });
    Ok(())
}

/// 2 when anything could not be read; else 1 when anything is invalid or indeterminate; else 0.
fn exit_code(verdicts: &[Verdict]) -> i32 {
    if verdicts.contains(&Verdict::Error) {
        2
    } else if verdicts.iter().all(|v| *v == Verdict::Valid) {
        0
    } else {
        1
    }
}

fn text_line(file: &str, r: &Report, numbered: bool) -> String {
    let mut line = if numbered {
        format!("{file}#{}: {}", r.index, r.verdict.as_str())
    } else {
        format!("{file}: {}", r.verdict.as_str())
    };
    if let Some(c) = &r.credential {
        if let Some(name) = &c.name {
            line.push_str(&format!(" — {name}"));
        }
        if let Some(issuer) = c.issuer_name.as_ref().or(c.issuer.as_ref()) {
            match &r.issuer_identity {
                Some(i) => line.push_str(&format!(" ({issuer}; {})", crate::portfolio::identity_text(i))),
                None => line.push_str(&format!(" ({issuer})")),
            }
        }
    } else if r.kind == "presentation" {
        line.push_str(" — presentation");
    }
    // The reason that decided the verdict; on a valid line, what could not be checked, so it never reads as fully
    // verified.
    if let Some(c) = r.deciding_check() {
        line.push_str(&format!(" — {}", c.summary()));
    }
    if r.verdict == Verdict::Valid {
        for c in r.warnings() {
            line.push_str(&format!(" — warning, {}", c.summary()));
        }
    }
    line
}
