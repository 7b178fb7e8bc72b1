//! `carnet present`: a signed presentation of chosen credentials for an employer — the disclosure summary first,
//! then the presentation as a file (or on standard output), logged in the wallet's share history.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use carnet_page::Lang;
use clap::{Args, ValueEnum};
use wallet_core::net::{Net, NetPolicy};
use wallet_core::present::{PresentFormat, PresentRequest, Preview, ShareForm};
use wallet_core::qr::{self, QrForm};
use wallet_core::verify::Verdict;
use wallet_core::Wallet;

use crate::{find_profile, open_unlocked, out, print, secrets, Ctx};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// VC 2.0 presentation, DataIntegrityProof eddsa-rdfc-2022
    Di,
    /// VP-JWT (EdDSA): iss = holder, aud = domain, nonce = challenge
    Jwt,
    /// VC 1.1 presentation, Ed25519Signature2020 (every credential must be VC 1.1 JSON-LD)
    Vc11,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QrFormArg {
    /// The presentation's compact JSON (any verifier can read it)
    Json,
    /// The compressed VPQR form (the Learner Credential Wallet and VerifierPlus scan it)
    Vpqr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Fr,
    En,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// Credentials to present: ids as `carnet list` shows them (or unique prefixes of 6+ characters)
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// The holder: profile id, id prefix or name (default: the default profile)
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    /// The verifier's challenge (nonce)
    #[arg(long, value_name = "C")]
    challenge: Option<String>,
    /// The verifier's domain
    #[arg(long, value_name = "D")]
    domain: Option<String>,
    /// How the presentation is signed
    #[arg(long, value_enum, default_value = "di")]
    format: FormatArg,
    /// Write the presentation to this file (never overwritten); without it, it goes to standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the presentation as a QR code: FILE.png or FILE.svg (never overwritten)
    #[arg(long, value_name = "FILE")]
    qr: Option<PathBuf>,
    /// What the QR code holds
    #[arg(long, value_enum, default_value = "json", requires = "qr")]
    qr_form: QrFormArg,
    /// Also write a printable page (one self-contained HTML file) of the credentials, the presentation attached
    #[arg(long, value_name = "FILE.html")]
    page: Option<PathBuf>,
    /// The learner's name as the page shows it (default: the profile's name)
    #[arg(long, value_name = "NAME", requires = "page")]
    name: Option<String>,
    /// The page's language (default: the wallet's language setting, else the system's)
    #[arg(long, value_enum, requires = "page")]
    lang: Option<LangArg>,
    /// Include credentials that do not verify today (they are named before anything is written)
    #[arg(long)]
    yes: bool,
    /// Re-check the credentials with no network (what the wallet cached answers)
    #[arg(long)]
    offline: bool,
}

/// Resolves a credential id or a unique prefix of at least 6 characters.
fn find_credential(wallet: &Wallet, query: &str) -> Result<String> {
    let all = wallet.credentials()?;
    if all.iter().any(|c| c.id == query) {
        return Ok(query.to_owned());
    }
    let matches: Vec<&str> = all
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| query.len() >= 6 && id.starts_with(query))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!("no credential has the id {query}"),
        _ => bail!("{query} is the start of several credential ids: give more of it"),
    }
}

fn describe(p: &Preview) -> String {
    let mut s = format!("This presentation, signed as {}, discloses:\n", p.holder);
    for d in &p.items {
        let issuer = d.issuer_name.as_deref().or(d.issuer.as_deref()).unwrap_or("?");
        let identity = d
            .issuer_identity
            .as_ref()
            .map(|i| format!(" ({})", crate::portfolio::identity_text(i)))
            .unwrap_or_default();
        let state = match (d.verdict, d.fully_verified) {
            (Verdict::Valid, true) => "verified today".to_owned(),
            // The reason already says "not fully checked — …".
            (Verdict::Valid, false) => d
                .reason
                .clone()
                .unwrap_or_else(|| "valid, not fully checked".to_owned()),
            (v, _) => format!(
                "{} today — {}",
                v.as_str().to_uppercase(),
                d.reason.as_deref().unwrap_or("")
            ),
        };
        let whose = match d.subject_is_holder {
            Some(false) => " (not this profile's DID)",
            _ => "",
        };
        s.push_str(&format!(
            "  - {} — {issuer}{identity}\n      subject: {}{whose}; picture: {}; {state}\n",
            d.name.as_deref().unwrap_or("(no name)"),
            d.subject.as_deref().unwrap_or("(none named)"),
            if d.has_picture { "yes" } else { "no" },
        ));
    }
    for (name, why) in &p.not_presentable {
        s.push_str(&format!("  ! {name}: {why}\n"));
    }
    s
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(ctx: &Ctx, args: PresentArgs) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    let ids = args
        .ids
        .iter()
        .map(|q| find_credential(&wallet, q))
        .collect::<Result<Vec<_>>>()?;
    let profile_id = match &args.profile {
        Some(p) => Some(find_profile(&wallet, p)?.id),
        None => None,
    };
    let request = PresentRequest {
        credential_ids: ids,
        profile_id,
        challenge: args.challenge.clone(),
        domain: args.domain.clone(),
        format: match args.format {
            FormatArg::Di => PresentFormat::DataIntegrity,
            FormatArg::Jwt => PresentFormat::Jwt,
            FormatArg::Vc11 => PresentFormat::Legacy2020,
        },
    };
    let net = if args.offline {
        Net::offline()
    } else {
        Net::new(NetPolicy::default())?
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let preview = runtime.block_on(wallet.preview_presentation(&request, &net))?;
    // What will be disclosed, before anything is written (on stderr: stdout may be the presentation itself).
    if !ctx.json {
        eprint!("{}", describe(&preview));
    }
    if let Some((name, why)) = preview.not_presentable.first() {
        bail!("\"{name}\" cannot go in a presentation: {why}");
    }
    let mut include_unverified = args.yes;
    if !preview.unverified.is_empty() && !args.yes {
        let names = preview.unverified.join(", ");
        if !secrets::interactive() {
            bail!(
                "present cancelled: {} do(es) not verify today ({names}); pass --yes to include them anyway",
                preview.unverified.len()
            );
        }
        include_unverified = secrets::confirm(&format!("Include {names}, which do(es) not verify today?"))?;
        if !include_unverified {
            bail!("present cancelled");
        }
    }
    let presentation = runtime.block_on(wallet.present(&request, include_unverified, &net))?;
    // Everything is made before anything is written: a QR that does not fit stops the command with nothing on disk.
    let qr = match &args.qr {
        Some(path) => {
            let doc = presentation.json().ok_or_else(|| {
                anyhow::anyhow!("a QR code holds a JSON-LD presentation: use --format di or vc11 with --qr")
            })?;
            let form = match args.qr_form {
                QrFormArg::Json => QrForm::Json,
                QrFormArg::Vpqr => QrForm::Vpqr,
            };
            let qr = qr::encode(&doc, form)?;
            let bytes = match path.extension().and_then(|e| e.to_str()) {
                Some("svg") => qr.svg.clone().into_bytes(),
                Some("png") => qr.png.clone(),
                _ => bail!("--qr takes a .png or .svg file name"),
            };
            Some((path.clone(), bytes, form, qr.version))
        }
        None => None,
    };
    let page = match &args.page {
        Some(path) => {
            let profile = wallet.profile(
                request
                    .profile_id
                    .as_deref()
                    .unwrap_or_else(|| &preview.profile_id),
            )?;
            let language = match args.lang {
                Some(LangArg::Fr) => Lang::Fr,
                Some(LangArg::En) => Lang::En,
                None => default_language(&wallet),
            };
            let html = carnet_page::for_presentation(
                &wallet,
                &presentation,
                language,
                args.name.as_deref().unwrap_or(&profile.name),
                presentation.created_at,
            )?;
            Some((path.clone(), html))
        }
        None => None,
    };
    let mut forms = Vec::new();
    let mut written = Vec::new();
    match &args.out {
        Some(path) => {
            write_new(path, presentation.text.as_bytes())?;
            forms.push(ShareForm::File);
            written.push(serde_json::json!({"file": path, "kind": presentation.extension(), "size_bytes": presentation.text.len()}));
        }
        None if qr.is_none() && page.is_none() => {
            forms.push(ShareForm::File);
            out::line(presentation.text.trim_end());
        }
        None => {}
    }
    if let Some((path, bytes, form, version)) = &qr {
        write_new(path, bytes)?;
        forms.push(match form {
            QrForm::Json => ShareForm::QrJson,
            QrForm::Vpqr => ShareForm::QrVpqr,
        });
        written.push(serde_json::json!({"file": path, "kind": format!("qr-{}", form.as_str()), "size_bytes": bytes.len(), "qr_version": version}));
    }
    if let Some((path, html)) = &page {
        write_new(path, html.as_bytes())?;
        forms.push(ShareForm::Page);
        written.push(serde_json::json!({"file": path, "kind": "page", "size_bytes": html.len()}));
    }
    wallet.record_share(&presentation, &forms)?;
    if written.is_empty() {
        return Ok(());
    }
    print(
        ctx,
        &serde_json::json!({
            "format": presentation.format.as_str(),
            "holder": presentation.holder,
            "id": presentation.id,
            "credentials": presentation.credential_ids,
            "written": written,
        }),
        |_| {
            let mut text = format!(
                "Presentation of {} credential(s) signed as {}:\n",
                presentation.credential_ids.len(),
                presentation.holder
            );
            for w in &written {
                text.push_str(&format!(
                    "  {} ({}, {} bytes)\n",
                    w["file"].as_str().unwrap_or(""),
                    w["kind"].as_str().unwrap_or(""),
                    w["size_bytes"]
                ));
            }
            text
        },
    )
}

/// The wallet's language setting, else the system's (`LANG`): French or English.
fn default_language(wallet: &Wallet) -> Lang {
    let setting = wallet.settings().ok().and_then(|s| s.language);
    let system = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok());
    match setting.or(system) {
        Some(l) if l.starts_with("fr") => Lang::Fr,
        _ => Lang::En,
    }
}
