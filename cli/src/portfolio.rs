//! `carnet import`, `list`, `show`, `remove`: the learner's credentials from the terminal. Import prints one line
//! (or JSON object) per credential once it is safely stored, with a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Result};
use clap::Args;
use wallet_core::importer::{Event, ImportOptions, ItemOutcome, Source};
use wallet_core::net::NetPolicy;
use wallet_core::portfolio::Query;
use wallet_core::verify::Verdict;

use crate::{open_unlocked, out, print, secrets, Ctx};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders (read recursively); `-` reads one credential from standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Profile for credentials not issued to one of your DIDs (default: the default profile)
    #[arg(long, value_name = "ID")]
    profile: Option<String>,
    /// Also keep invalid and unverifiable credentials, in quarantine (shown apart from verified ones)
    #[arg(long)]
    keep_unverified: bool,
    /// Fetch nothing: issuer documents and status lists that are not cached are not checked
    #[arg(long)]
    offline: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Words to find in names, issuers, descriptions, tags and skills (accents and case ignored)
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
    /// Issuer id, or part of its name
    #[arg(long, value_name = "ISSUER")]
    issuer: Option<String>,
    /// Only this verdict: valid, invalid, indeterminate
    #[arg(long, value_name = "VERDICT")]
    verdict: Option<String>,
    /// Also list credentials kept in quarantine and superseded versions
    #[arg(long)]
    all: bool,
    /// Order: date (most recent first), oldest, name, issuer
    #[arg(long, value_name = "ORDER", default_value = "date")]
    sort: String,
    /// Only this achievement type (Certificate, Badge, Diploma…)
    #[arg(long = "type", value_name = "TYPE")]
    achievement_type: Option<String>,
    /// Only those awarded this year
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    id: String,
    /// Print the credential's signed bytes, verbatim
    #[arg(long, conflicts_with = "json")]
    raw: bool,
    #[arg(long, hide = true)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    id: String,
    /// Do not ask
    #[arg(long)]
    yes: bool,
}

/// Returns whether every item was stored or already there.
pub fn import(ctx: &Ctx, args: ImportArgs) -> Result<bool> {
    let wallet = open_unlocked(ctx)?;
    let mut sources = Vec::new();
    for p in args.paths {
        if p.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(std::io::stdin(), 6 * 1024 * 1024),
                &mut bytes,
            )?;
            sources.push(Source::Bytes {
                name: "(standard input)".into(),
                bytes,
            });
        } else if !p.exists() {
            bail!("{} does not exist", p.display());
        } else {
            sources.push(Source::Path(p));
        }
    }
    let options = ImportOptions {
        profile_id: args.profile,
        keep_unverified: args.keep_unverified,
        net: if args.offline {
            NetPolicy::offline()
        } else {
            NetPolicy::default()
        },
        ..ImportOptions::default()
    };
    let bar = (!ctx.json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files  {per_sec}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let json = ctx.json;
    let mut on_event = |e: Event| match e {
        Event::Item(item) => {
            if json {
                if let Ok(s) = serde_json::to_string(&item) {
                    out::line(&s);
                }
            } else {
                let line = format!(
                    "{}{}: {}{}{}",
                    item.file,
                    if item.index > 0 {
                        format!("#{}", item.index)
                    } else {
                        String::new()
                    },
                    outcome_word(item.outcome),
                    item.name.as_ref().map(|n| format!(" — {n}")).unwrap_or_default(),
                    item.reason
                        .as_ref()
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default(),
                );
                match &bar {
                    Some(b) => b.println(line),
                    None => out::line(&line),
                }
            }
        }
        Event::Progress(p) => {
            if let Some(b) = &bar {
                b.set_length(p.files_total as u64);
                b.set_position(p.files_done as u64);
                b.set_message(p.current);
            }
        }
    };
    let cancel = AtomicBool::new(false);
    let summary = wallet.import(&sources, &options, &mut on_event, &cancel)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if json {
        out::line(
            &serde_json::json!({"summary": {
                "files": summary.files, "imported": summary.imported, "duplicates": summary.duplicates,
                "superseded": summary.superseded, "invalid": summary.invalid,
                "indeterminate": summary.indeterminate, "errors": summary.errors, "cancelled": summary.cancelled
            }})
            .to_string(),
        );
    } else {
        out::line(&format!(
            "{} files: {} imported, {} already there, {} newer versions, {} invalid, {} could not be checked, {} not credentials",
            summary.files, summary.imported, summary.duplicates, summary.superseded, summary.invalid,
            summary.indeterminate, summary.errors
        ));
    }
    Ok(summary.invalid + summary.indeterminate + summary.errors == 0)
}

fn outcome_word(o: ItemOutcome) -> &'static str {
    match o {
        ItemOutcome::Imported => "imported",
        ItemOutcome::Duplicate => "duplicate",
        ItemOutcome::Superseded => "superseded",
        ItemOutcome::Invalid => "invalid",
        ItemOutcome::Indeterminate => "indeterminate",
        ItemOutcome::Error => "error",
    }
}

pub fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    let verdict = match args.verdict.as_deref() {
        None => None,
        Some("valid") => Some(Verdict::Valid),
        Some("invalid") => Some(Verdict::Invalid),
        Some("indeterminate") => Some(Verdict::Indeterminate),
        Some(other) => bail!("--verdict {other:?}: use valid, invalid or indeterminate"),
    };
    let sort = match args.sort.as_str() {
        "date" => wallet_core::portfolio::Sort::Date,
        "oldest" => wallet_core::portfolio::Sort::DateAscending,
        "name" => wallet_core::portfolio::Sort::Name,
        "issuer" => wallet_core::portfolio::Sort::Issuer,
        other => bail!("--sort {other:?}: use date, oldest, name or issuer"),
    };
    let query = Query {
        search: args.search,
        issuer: args.issuer,
        verdict,
        sort,
        achievement_type: args.achievement_type,
        year: args.year,
        // Only quarantine holds credentials that are not valid.
        include_quarantined: args.all || verdict.is_some_and(|v| v != Verdict::Valid),
        include_superseded: args.all,
        ..Query::default()
    };
    let page = wallet.portfolio(&query)?;
    print(ctx, &page, |p| {
        let mut out = String::new();
        for e in &p.entries {
            let mut flags = Vec::new();
            if e.quarantined {
                flags.push("quarantine");
            }
            if e.superseded {
                flags.push("superseded");
            }
            if e.expired {
                flags.push("expired");
            }
            if e.channel.as_deref() == Some(wallet_core::demo::CHANNEL) {
                flags.push("demo");
            }
            if e.partly_checked && e.verdict == Some(Verdict::Valid) {
                flags.push("not fully checked");
            }
            out.push_str(&format!(
                "{}  {}  {}  {}  {}{}\n",
                e.id,
                e.awarded
                    .as_deref()
                    .map(|d| d.get(..10).unwrap_or(d))
                    .unwrap_or("          "),
                e.verdict.map(|v| v.as_str()).unwrap_or("-"),
                e.name.as_deref().unwrap_or("(no name)"),
                issuer_text(e),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", flags.join(", "))
                },
            ));
        }
        out.push_str(&format!("{} credential(s)\n", p.total));
        out
    })
}

/// Who vouches for an issuer's self-written name, in words: `example.edu, confirmed`, `self-named, key only`.
pub(crate) fn identity_text(identity: &wallet_core::verify::IssuerIdentity) -> String {
    use wallet_core::verify::IssuerIdentity;
    match identity {
        IssuerIdentity::Domain {
            domain,
            confirmed: true,
        } => format!("{domain}, confirmed"),
        IssuerIdentity::Domain { domain, .. } => format!("{domain}, not confirmed"),
        IssuerIdentity::KeyOnly { .. } => "self-named, key only".to_owned(),
        IssuerIdentity::Unverified { .. } => "identity not checked".to_owned(),
    }
}

/// The issuer as a line shows it: its name, then who vouches for it.
fn issuer_text(e: &wallet_core::portfolio::PortfolioEntry) -> String {
    let name = e.issuer_name.as_deref().or(e.issuer.as_deref()).unwrap_or("?");
    match &e.issuer_identity {
        Some(i) => format!("{name} ({})", identity_text(i)),
        None => name.to_owned(),
    }
}

pub fn show(ctx: &Ctx, args: ShowArgs) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    let detail = wallet.credential(&args.id)?;
    if args.raw {
        out::bytes(&detail.raw);
        return Ok(());
    }
    print(ctx, &detail, |d| {
        let e = &d.entry;
        let mut out = format!(
            "{}\n  issuer:   {}\n  awarded:  {}\n  verdict:  {}{}\n",
            e.name.as_deref().unwrap_or("(no name)"),
            issuer_text(e),
            e.awarded.as_deref().unwrap_or("?"),
            e.verdict.map(|v| v.as_str()).unwrap_or("-"),
            if e.quarantined {
                " (kept in quarantine)"
            } else if e.partly_checked && e.verdict == Some(Verdict::Valid) {
                " (not fully checked: see the warnings below)"
            } else {
                ""
            },
        );
        if let Some(desc) = &e.description {
            out.push_str(&format!("  about:    {desc}\n"));
        }
        if e.image_source == Some(wallet_core::picture::PictureSource::File) {
            out.push_str("  picture:  from the file (the issuer's signature does not cover it)\n");
        }
        for c in &d.checks {
            out.push_str(&format!(
                "  {:<15} {:<8} {}\n",
                c.id.as_str(),
                match c.outcome {
                    wallet_core::verify::Outcome::Passed => "passed",
                    wallet_core::verify::Outcome::Failed => "failed",
                    wallet_core::verify::Outcome::Skipped if c.warning => "WARNING",
                    wallet_core::verify::Outcome::Skipped => "skipped",
                },
                c.reason.as_deref().unwrap_or("")
            ));
        }
        out
    })
}

pub fn remove(ctx: &Ctx, args: RemoveArgs) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    let detail = wallet.credential(&args.id)?;
    let name = detail.entry.name.clone().unwrap_or_else(|| args.id.clone());
    if !args.yes {
        if !secrets::interactive() {
            bail!("remove cancelled: \"{name}\" would be deleted for good (pass --yes to confirm)");
        }
        if !secrets::confirm(&format!("Remove \"{name}\" from the wallet for good?"))? {
            bail!("remove cancelled");
        }
    }
    wallet.remove_credential(&args.id)?;
    print(ctx, &serde_json::json!({"removed": args.id}), |_| {
        format!("Removed \"{name}\".\n")
    })
}
