//! `carnet offer`: receive credentials from an issuer's offer link (OpenID4VCI, VC-API exchange) — the consent
//! summary first, the learner's yes (or `--yes`), the transaction code when one is needed, then the credentials,
//! verified and stored all together or not at all.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use wallet_core::net::NetPolicy;
use wallet_core::offer::{Dialect, InspectOptions, OfferResult, OfferSummary, Protocol, TxInputMode};
use wallet_core::Wallet;

use crate::{find_profile, open_unlocked, print, secrets, Ctx};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    /// OpenID4VCI 1.0 (final)
    #[value(name = "1.0")]
    V1,
    /// OpenID4VCI draft 13
    #[value(name = "draft-13")]
    Draft13,
}

#[derive(Debug, Args)]
pub struct OfferArgs {
    /// The offer: openid-credential-offer://…, dccrequest://…, or an https address (an offer or a VC-API exchange)
    #[arg(value_name = "URI")]
    uri: String,
    /// The transaction code the issuer gave you separately (asked on the terminal when needed and not given)
    #[arg(long, value_name = "CODE", env = "CARNET_TX_CODE", hide_env_values = true)]
    tx_code: Option<String>,
    /// The receiving profile: id, id prefix or name (default: the default profile)
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    /// Accept without asking (needed when there is no terminal to ask on)
    #[arg(long)]
    yes: bool,
    /// Allow an issuer on this computer (http://127.0.0.1, localhost, [::1]), for testing an issuer; never other
    /// private addresses
    #[arg(long)]
    allow_localhost: bool,
    /// Which OpenID4VCI edition to speak (default: read from the issuer's metadata)
    #[arg(long, value_enum, value_name = "VERSION")]
    oid4vci: Option<DialectArg>,
}

/// The wallet's language setting, else the system's.
fn language(wallet: &Wallet) -> Option<String> {
    wallet.settings().ok().and_then(|s| s.language).or_else(|| {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty() && v != "C" && v != "POSIX")
            .map(|v| v.split('.').next().unwrap_or("").to_owned())
    })
}

fn describe(s: &OfferSummary) -> String {
    let place = if s.local_issuer { ", on this computer" } else { "" };
    let mut out = match s.protocol {
        Protocol::Openid4vci => {
            let name = s
                .issuer_name
                .as_deref()
                .map(|n| format!("\"{n}\" (the name it gives itself), "))
                .unwrap_or_default();
            let mut t = format!(
                "Offer from {name}{}{place}\n  issuer:      {}\n",
                s.issuer_domain, s.issuer
            );
            if s.issuer_logo.is_some() {
                t.push_str("  logo:        shown in the app\n");
            }
            t.push_str("  credentials:\n");
            for c in &s.credentials {
                let name = c.name.as_deref().unwrap_or(&c.id);
                let format = c.format.as_deref().unwrap_or("?");
                match &c.unsupported {
                    None => t.push_str(&format!("    - {name} ({format})\n")),
                    Some(why) => t.push_str(&format!("    - {name} ({format}): skipped, {why}\n")),
                }
            }
            t
        }
        Protocol::VcApi => {
            let origin = s
                .request_origin
                .as_deref()
                .map(|o| format!(" (the link says it comes from {o})"))
                .unwrap_or_default();
            format!(
                "Credential exchange at {}{place}{origin}\n  Carnet proves to {} that you hold this profile's DID, then receives what it issues.\n",
                s.issuer_domain, s.issuer_domain
            )
        }
    };
    out.push_str(&format!(
        "  to profile:  {} ({})\n",
        s.recipient.profile_name, s.recipient.did
    ));
    if let Some(tx) = &s.tx_code {
        let kind = match tx.input_mode {
            TxInputMode::Numeric => "digits",
            TxInputMode::Text => "characters",
        };
        let length = tx
            .length
            .map(|n| format!("{n} {kind}"))
            .unwrap_or_else(|| kind.to_owned());
        let hint = tx
            .description
            .as_deref()
            .map(|d| format!(" — the issuer says: \"{d}\""))
            .unwrap_or_default();
        out.push_str(&format!(
            "  needs the transaction code the issuer gave you ({length}){hint}\n"
        ));
    }
    out
}

fn render(r: &OfferResult) -> String {
    let mut t = String::new();
    for item in &r.items {
        let state = match item.outcome {
            wallet_core::importer::ItemOutcome::Duplicate => "already in your wallet",
            wallet_core::importer::ItemOutcome::Superseded => "stored (newer version)",
            _ => "stored",
        };
        t.push_str(&format!(
            "{}  {}  {}  {state}{}\n",
            item.credential_id.as_deref().unwrap_or("-"),
            item.verdict.map(|v| v.as_str()).unwrap_or("?"),
            item.name.as_deref().unwrap_or("(no name)"),
            item.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
    for s in &r.skipped {
        t.push_str(&format!(
            "skipped  {}: {}\n",
            s.name.as_deref().unwrap_or(&s.id),
            s.unsupported.as_deref().unwrap_or("")
        ));
    }
    t.push_str(&format!(
        "{} credential(s) received from {}\n",
        r.items.len(),
        r.issuer
    ));
    t
}

pub fn run(ctx: &Ctx, args: OfferArgs) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    let profile_id = match &args.profile {
        Some(p) => Some(find_profile(&wallet, p)?.id),
        None => None,
    };
    let policy = NetPolicy {
        allow_local_issuers: args.allow_localhost,
        ..NetPolicy::default()
    };
    let options = InspectOptions {
        profile_id,
        language: language(&wallet),
        dialect: args.oid4vci.map(|d| match d {
            DialectArg::V1 => Dialect::V1,
            DialectArg::Draft13 => Dialect::Draft13,
        }),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let pending = match runtime.block_on(wallet.inspect_offer(&args.uri, &options, &policy)) {
        Ok(p) => p,
        Err(e) if e.code() == "offer.local_issuer_not_allowed" => {
            bail!("{e}: pass --allow-localhost (nothing was sent)")
        }
        Err(e) => return Err(e.into()),
    };
    let summary = &pending.summary;
    // The consent summary goes to stderr: stdout carries the result (--json).
    eprint!("{}", describe(summary));
    if !args.yes {
        if !secrets::interactive() {
            bail!("not accepted: receiving these credentials needs your consent; run it on a terminal to be asked, or pass --yes (nothing was sent)");
        }
        if !secrets::confirm("Accept this offer?")? {
            bail!("offer declined (nothing was sent)");
        }
    }
    let tx_code = match (&summary.tx_code, args.tx_code) {
        (Some(_), Some(code)) => Some(code),
        (Some(spec), None) => {
            if !secrets::interactive() {
                bail!(
                    "this offer needs the transaction code the issuer gave you{}: pass --tx-code CODE (nothing was sent)",
                    spec.description
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                );
            }
            Some(
                rpassword::prompt_password("Transaction code: ")
                    .context("cannot read the transaction code")?,
            )
        }
        (None, Some(_)) => {
            eprintln!("Note: this offer needs no transaction code; --tx-code is not sent.");
            None
        }
        (None, None) => None,
    };
    let result = runtime.block_on(wallet.accept_offer(&pending, tx_code.as_deref(), &policy))?;
    print(
        ctx,
        &serde_json::json!({
            "issuer": result.issuer,
            "profile_id": result.profile_id,
            "credentials": result.items.iter().map(|i| serde_json::json!({
                "id": i.credential_id,
                "name": i.name,
                "verdict": i.verdict,
                "outcome": i.outcome,
                "reason": i.reason,
            })).collect::<Vec<_>>(),
            "skipped": result.skipped,
        }),
        |_| render(&result),
    )
}
