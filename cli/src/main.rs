//! `carnet`: the learner's wallet from the command line, for scripts and for people who prefer a terminal.
//!
//! A thin translation over wallet-core: parse arguments, call the [`wallet_core::Wallet`] facade,
//! print the result (plain text or `--json`), and turn errors into one line and a non-zero exit code.
//! Everything printed goes through [`out`], so `carnet … | head` ends quietly (status 141).
#![deny(clippy::print_stdout)]

mod offer;
mod out;
mod portfolio;
mod present;
mod secrets;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use wallet_core::{
    KdfParams, NewProtection, OpenOutcome, Profile, ProtectionKind, RestoreReport, Wallet, WalletInfo,
    WalletState,
};

#[derive(Debug, Parser)]
#[command(
    name = "carnet",
    version,
    about = "Carnet: your learning credentials, kept on your own computer"
)]
struct Cli {
    /// The wallet's data folder [default: the system's data folder, e.g. ~/.local/share/carnet]
    #[arg(long, global = true, env = "CARNET_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Read the wallet passphrase from this environment variable (default: CARNET_PASSPHRASE, else ask)
    #[arg(long, global = true, value_name = "VAR")]
    passphrase_env: Option<String>,

    /// Print JSON instead of text
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Describe the wallet's data folder, creating an empty wallet folder when there is none
    Info,
    /// Set up the encrypted wallet: key in the system keyring, or a passphrase
    Init(InitArgs),
    /// Check that the wallet unlocks (the CLI keeps nothing unlocked between commands)
    Unlock,
    /// Say how locking works for the CLI (each command locks the wallet when it ends)
    Lock,
    /// Change the passphrase, or move the wallet key to or from the system keyring
    Protect(ProtectArgs),
    /// Manage profiles (identities with their own DIDs)
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Write an encrypted backup of the whole wallet (profiles, keys, credentials, settings)
    Backup(BackupArgs),
    /// Merge an encrypted backup into this wallet (safe to repeat)
    Restore(RestoreArgs),
    /// Write every credential as a plain, UNENCRYPTED file, with a manifest
    Export(ExportArgs),
    /// Import badges and credentials (files, folders, - for standard input): verified, deduplicated, stored.
    /// Exit 0 when everything was stored or already there, 1 when something was refused
    Import(portfolio::ImportArgs),
    /// List the credentials in the wallet, most recently awarded first
    List(portfolio::ListArgs),
    /// Show one credential and its verification (--raw: the signed bytes)
    Show(portfolio::ShowArgs),
    /// Remove a credential from the wallet (asks first)
    Remove(portfolio::RemoveArgs),
    /// Sign a presentation of chosen credentials for an employer (shows what it discloses first)
    Present(present::PresentArgs),
    /// What was shared, when, how and for whom (most recent first)
    Shares,
    /// Add the demo portfolio (a dozen signed credentials from named demo issuers, labelled demo), or remove it
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Receive credentials from an issuer's offer link (OpenID4VCI or VC-API exchange): shows who offers what
    /// first, asks (or --yes), then verifies and stores them all, or none
    Offer(offer::OfferArgs),
    /// Verify badge and credential files (PNG, SVG, JSON, JWT; a CLR or presentation yields several lines).
    /// Exit 0 when every credential is valid, 1 when any is invalid or indeterminate, 2 on error
    Verify(verify::VerifyArgs),
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Add the demo credentials (verified like any import; adding them again adds nothing)
    Add,
    /// Remove every demo credential, and nothing else
    Remove,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Keep the wallet key in the system keyring (fails when there is none)
    #[arg(long, conflicts_with = "passphrase")]
    keyring: bool,
    /// Protect the wallet with a passphrase (also used when no keyring is available)
    #[arg(long)]
    passphrase: bool,
    /// Name of the first profile (default: "Personnel" on a French system, else "Personal"; rename it later
    /// with 'carnet profile rename')
    #[arg(long, value_name = "NAME", conflicts_with = "no_profile")]
    profile: Option<String>,
    /// Create no profile (imports then wait for one)
    #[arg(long)]
    no_profile: bool,
}

#[derive(Debug, Args)]
struct ProtectArgs {
    /// Move the wallet key into the system keyring
    #[arg(long, conflicts_with = "new_passphrase_env")]
    keyring: bool,
    /// Read the new passphrase from this environment variable (default: CARNET_NEW_PASSPHRASE, else ask)
    #[arg(long, value_name = "VAR")]
    new_passphrase_env: Option<String>,
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Create a profile with a new key and DIDs
    New { name: String },
    /// List the profiles with their DIDs
    List,
    /// Rename a profile (ID, ID prefix or current name)
    Rename { profile: String, name: String },
    /// Make a profile the default one
    Default { profile: String },
    /// Delete a profile; its credentials move to the default profile (asks first)
    Delete {
        profile: String,
        /// Confirm without asking, also when the profile holds credentials
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
struct BackupArgs {
    /// The backup file to create (never overwritten)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Read the backup passphrase from this environment variable (default: CARNET_BACKUP_PASSPHRASE, else ask)
    #[arg(long, value_name = "VAR")]
    backup_passphrase_env: Option<String>,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    /// The backup file
    file: PathBuf,
    /// Check the restored credentials with their issuers over the network (default: offline, with what this
    /// wallet has cached; credentials that cannot be checked that way are kept in quarantine)
    #[arg(long)]
    online: bool,
    /// Read the backup passphrase from this environment variable (default: CARNET_BACKUP_PASSPHRASE, else ask)
    #[arg(long, value_name = "VAR")]
    backup_passphrase_env: Option<String>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// A new or empty folder
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// I understand the files are not encrypted
    #[arg(long)]
    yes: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: the whole cause chain, joined by ": ".
            eprintln!("carnet: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) struct Ctx {
    pub(crate) data_dir: PathBuf,
    pub(crate) passphrase_env: Option<String>,
    pub(crate) json: bool,
}

fn run(cli: Cli) -> Result<()> {
    if let Command::Verify(args) = &cli.command {
        // Verification needs no wallet; its exit code says what it found (0 valid, 1 not valid, 2 error).
        std::process::exit(verify::run(args, cli.json));
    }
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => wallet_core::default_data_dir()?,
    };
    let ctx = Ctx {
        data_dir,
        passphrase_env: cli.passphrase_env,
        json: cli.json,
    };
    match cli.command {
        Command::Info => info(&ctx),
        Command::Init(args) => init(&ctx, args),
        Command::Unlock => {
            let wallet = open_unlocked(&ctx)?;
            print(&ctx, &wallet.info()?, |_| "The wallet unlocks.\n".to_owned())
        }
        Command::Lock => {
            let wallet = Wallet::open_or_create(&ctx.data_dir)?;
            let state = wallet.state();
            print(&ctx, &serde_json::json!({"state": state}), |_| {
                "Each carnet command locks the wallet when it ends; nothing stays unlocked.\n".to_owned()
            })
        }
        Command::Protect(args) => protect(&ctx, args),
        Command::Demo(cmd) => demo(&ctx, cmd),
        Command::Profile(cmd) => profile(&ctx, cmd),
        Command::Backup(args) => {
            let wallet = open_unlocked(&ctx)?;
            let pass = secrets::passphrase(
                args.backup_passphrase_env.as_deref(),
                "CARNET_BACKUP_PASSPHRASE",
                "Backup passphrase",
                true,
            )?;
            let size = wallet.backup(&args.out, &pass)?;
            print(
                &ctx,
                &serde_json::json!({"file": args.out, "size_bytes": size}),
                |_| {
                    format!(
                        "Encrypted backup written to {} ({size} bytes).\n",
                        args.out.display()
                    )
                },
            )
        }
        Command::Restore(args) => {
            let wallet = open_unlocked(&ctx)?;
            let pass = secrets::passphrase(
                args.backup_passphrase_env.as_deref(),
                "CARNET_BACKUP_PASSPHRASE",
                "Backup passphrase",
                false,
            )?;
            let net = if args.online {
                wallet_core::net::NetPolicy::default()
            } else {
                wallet_core::net::NetPolicy::offline()
            };
            let report = wallet.restore(&args.file, &pass, &net)?;
            print(&ctx, &report, render_restore)
        }
        Command::Verify(_) => Ok(()),
        Command::Import(args) => {
            if !portfolio::import(&ctx, args)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::List(args) => portfolio::list(&ctx, args),
        Command::Present(args) => present::run(&ctx, args),
        Command::Offer(args) => offer::run(&ctx, args),
        Command::Shares => {
            let wallet = open_unlocked(&ctx)?;
            let history = wallet.share_history()?;
            print(&ctx, &history, |h| {
                let mut out = String::new();
                for r in h {
                    let forms: Vec<String> =
                        r.forms.iter().map(|f| format!("{f:?}").to_lowercase()).collect();
                    let names: Vec<&str> = r
                        .credentials
                        .iter()
                        .map(|(id, n)| n.as_deref().unwrap_or(id.as_str()))
                        .collect();
                    out.push_str(&format!(
                        "{}  {}  {}  {}{}\n",
                        r.at.format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                        forms.join("+"),
                        r.format.as_str(),
                        names.join(", "),
                        r.domain
                            .as_deref()
                            .map(|d| format!("  (for {d})"))
                            .unwrap_or_default()
                    ));
                }
                out.push_str(&format!("{} shared\n", h.len()));
                out
            })
        }
        Command::Show(args) => portfolio::show(&ctx, args),
        Command::Remove(args) => portfolio::remove(&ctx, args),
        Command::Export(args) => {
            const WARNING: &str =
                "the exported files are NOT encrypted: anyone who can read that folder can read them";
            if !args.yes {
                if !secrets::interactive() {
                    bail!("export cancelled: {WARNING} (pass --yes to confirm)");
                }
                eprintln!("Warning: {WARNING}.");
                if !secrets::confirm("Export anyway?")? {
                    bail!("export cancelled");
                }
            } else {
                eprintln!("Warning: {WARNING}.");
            }
            let wallet = open_unlocked(&ctx)?;
            let report = wallet.export_plain(&args.out)?;
            print(&ctx, &report, |r| {
                format!(
                    "Exported {} credential file(s) and manifest.json to {}.\n",
                    r.credential_files,
                    r.folder.display()
                )
            })
        }
    }
}

pub(crate) fn print<T: Serialize>(ctx: &Ctx, value: &T, text: impl FnOnce(&T) -> String) -> Result<()> {
    if ctx.json {
        out::line(&serde_json::to_string_pretty(value).context("cannot format the result as JSON")?);
    } else {
        out::text(&text(value));
    }
    Ok(())
}

/// Opens the wallet and unlocks it: keyring silently, passphrase from the environment or a prompt.
pub(crate) fn open_unlocked(ctx: &Ctx) -> Result<Wallet> {
    let mut wallet = Wallet::open_or_create(&ctx.data_dir)?;
    match (wallet.state(), wallet.protection()) {
        (WalletState::Uninitialized, _) => Err(wallet_core::WalletError::NotInitialized.into()),
        (_, Some(ProtectionKind::Passphrase)) => {
            let pass = secrets::passphrase(
                ctx.passphrase_env.as_deref(),
                "CARNET_PASSPHRASE",
                "Wallet passphrase",
                false,
            )?;
            wallet.unlock(Some(&pass))?;
            Ok(wallet)
        }
        _ => {
            wallet.unlock(None)?;
            Ok(wallet)
        }
    }
}

/// What a restore did, and what checking the restored credentials again from their bytes found.
fn render_restore(r: &RestoreReport) -> String {
    let mut text = format!(
        "Restored: {} profile(s) added ({} already here), {} credential(s) added ({} already here).\n",
        r.profiles_added, r.profiles_present, r.credentials_added, r.credentials_present
    );
    if r.credentials_added > 0 {
        let how = if r.online {
            "online"
        } else {
            "offline, with this wallet's cache"
        };
        let partly = if r.not_fully_checked > 0 {
            format!(" ({} not fully checked)", r.not_fully_checked)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "Checked again from their signed bytes ({how}), whatever the backup said: {} verified{partly}, {} invalid, {} could not be checked.\n",
            r.verified, r.invalid, r.unchecked
        ));
    }
    for issue in &r.not_verified {
        text.push_str(&format!(
            "  {}  {}  {} — kept in quarantine: {}\n",
            issue.id,
            issue.verdict.as_str(),
            issue.name.as_deref().unwrap_or("(no name)"),
            issue.reason.as_deref().unwrap_or("not valid")
        ));
    }
    if r.left_quarantine > 0 {
        text.push_str(&format!(
            "{} credential(s) already here verified this time and left quarantine.\n",
            r.left_quarantine
        ));
    }
    if r.unchecked > 0 && !r.online {
        text.push_str(
            "To check the others with their issuers, restore the same file again with --online (nothing is added twice).\n",
        );
    }
    text
}

fn info(ctx: &Ctx) -> Result<()> {
    let wallet = Wallet::open_or_create(&ctx.data_dir)?;
    print(ctx, &wallet.info()?, render_info)
}

fn render_info(info: &WalletInfo) -> String {
    let opened = match info.outcome {
        OpenOutcome::Created => "new wallet folder created",
        OpenOutcome::Opened => "existing wallet",
    };
    let state = match (info.state, info.protection) {
        (WalletState::Uninitialized, _) => "not set up yet (run 'carnet init')".to_owned(),
        (_, Some(ProtectionKind::Keyring)) => "encrypted, key in the system keyring".to_owned(),
        (_, _) => "encrypted, protected by a passphrase".to_owned(),
    };
    let created = info
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| info.created_at.to_string());
    let files = if info.file_count == 1 { "file" } else { "files" };
    format!(
        "Carnet wallet ({opened})\n  folder      {}\n  state       {state}\n  format      {}\n  wallet id   {}\n  created     {created} by {}\n  size        {} bytes in {} {files}\n",
        info.data_dir.display(),
        info.format_version,
        info.wallet_id,
        info.created_by,
        info.size_bytes,
        info.file_count,
    )
}

fn init(ctx: &Ctx, args: InitArgs) -> Result<()> {
    let mut wallet = Wallet::open_or_create(&ctx.data_dir)?;
    if wallet.state() != WalletState::Uninitialized {
        return Err(wallet_core::WalletError::AlreadyInitialized.into());
    }
    let use_keyring = if args.keyring {
        true
    } else if args.passphrase || ctx.passphrase_env.is_some() {
        false
    } else {
        match wallet_core::keyring_status() {
            Ok(()) => true,
            Err(reason) => {
                eprintln!(
                    "No system keyring is available ({reason}); protecting the wallet with a passphrase."
                );
                false
            }
        }
    };
    let protection = if use_keyring {
        NewProtection::Keyring
    } else {
        let pass = secrets::passphrase(
            ctx.passphrase_env.as_deref(),
            "CARNET_PASSPHRASE",
            "New wallet passphrase",
            true,
        )?;
        NewProtection::Passphrase(pass, KdfParams::DEFAULT)
    };
    wallet.init(protection)?;
    // The first profile, as the app's first-run screen makes it: credentials need someone to belong to.
    let profile = if args.no_profile {
        None
    } else {
        let name = args.profile.clone().unwrap_or_else(default_profile_name);
        Some(wallet.create_profile(&name)?)
    };
    let info = wallet.info()?;
    print(
        ctx,
        &serde_json::json!({"wallet": info, "profile": profile}),
        |_| {
            let mut text = render_info(&info);
            if let Some(p) = &profile {
                text.push_str(&render_profile(p));
            }
            text
        },
    )
}

/// The first profile's name in the learner's language (from `LC_ALL`, `LC_MESSAGES` or `LANG`), as the app names
/// it.
fn default_profile_name() -> String {
    let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if lang.to_ascii_lowercase().starts_with("fr") {
        "Personnel".into()
    } else {
        "Personal".into()
    }
}

fn demo(ctx: &Ctx, cmd: DemoCommand) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    match cmd {
        DemoCommand::Add => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let items = runtime.block_on(wallet.add_demo())?;
            let added = items
                .iter()
                .filter(|i| i.outcome != wallet_core::importer::ItemOutcome::Duplicate)
                .count();
            print(ctx, &serde_json::json!({"added": added, "items": items}), |_| {
                format!(
                    "Demo portfolio: {added} credential(s) added ({} already here), labelled demo. Remove them with 'carnet demo remove'.\n",
                    items.len() - added
                )
            })
        }
        DemoCommand::Remove => {
            let removed = wallet.remove_demo()?;
            print(ctx, &serde_json::json!({"removed": removed}), |_| {
                format!("Demo portfolio removed: {removed} credential(s).\n")
            })
        }
    }
}

fn protect(ctx: &Ctx, args: ProtectArgs) -> Result<()> {
    let mut wallet = open_unlocked(ctx)?;
    let protection = if args.keyring {
        NewProtection::Keyring
    } else {
        let pass = secrets::passphrase(
            args.new_passphrase_env.as_deref(),
            "CARNET_NEW_PASSPHRASE",
            "New wallet passphrase",
            true,
        )?;
        NewProtection::Passphrase(pass, KdfParams::DEFAULT)
    };
    wallet.change_protection(protection)?;
    print(ctx, &wallet.info()?, |i| match i.protection {
        Some(ProtectionKind::Keyring) => "The wallet key is now in the system keyring.\n".to_owned(),
        _ => "The wallet passphrase was changed.\n".to_owned(),
    })
}

/// Finds a profile by id, id prefix (4+ characters) or exact name.
pub(crate) fn find_profile(wallet: &Wallet, query: &str) -> Result<Profile> {
    let all = wallet.profiles()?;
    if let Some(p) = all.iter().find(|p| p.id == query) {
        return Ok(p.clone());
    }
    let matches: Vec<&Profile> = all
        .iter()
        .filter(|p| p.name == query || (query.len() >= 4 && p.id.starts_with(query)))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no profile matches {query:?} (see 'carnet profile list')"),
        _ => bail!("{query:?} matches several profiles; use the id"),
    }
}

fn render_profile(p: &Profile) -> String {
    format!(
        "{}{}  ({})\n  id        {}\n  did:key   {}\n  did:jwk   {}\n  credentials {}\n",
        p.name,
        if p.is_default { "  [default]" } else { "" },
        p.created_at.date(),
        p.id,
        p.did_key,
        p.did_jwk,
        p.credential_count
    )
}

fn profile(ctx: &Ctx, cmd: ProfileCommand) -> Result<()> {
    let wallet = open_unlocked(ctx)?;
    match cmd {
        ProfileCommand::New { name } => print(ctx, &wallet.create_profile(&name)?, render_profile),
        ProfileCommand::List => {
            let all = wallet.profiles()?;
            print(ctx, &all, |all| {
                if all.is_empty() {
                    "No profiles yet: create one with 'carnet profile new NAME'.\n".to_owned()
                } else {
                    all.iter().map(render_profile).collect::<Vec<_>>().join("\n")
                }
            })
        }
        ProfileCommand::Rename { profile, name } => {
            let p = find_profile(&wallet, &profile)?;
            print(ctx, &wallet.rename_profile(&p.id, &name)?, render_profile)
        }
        ProfileCommand::Default { profile } => {
            let p = find_profile(&wallet, &profile)?;
            print(ctx, &wallet.set_default_profile(&p.id)?, render_profile)
        }
        ProfileCommand::Delete { profile, yes } => {
            let p = find_profile(&wallet, &profile)?;
            let confirmed = yes
                || secrets::confirm(&format!(
                    "Delete the profile '{}' and its key{}?",
                    p.name,
                    if p.credential_count > 0 {
                        format!(
                            " (its {} credential(s) move to another profile)",
                            p.credential_count
                        )
                    } else {
                        String::new()
                    }
                ))?;
            if !confirmed {
                bail!("not deleted (pass --yes to confirm without a prompt)");
            }
            let heir = wallet.delete_profile(&p.id, true)?;
            print(
                ctx,
                &serde_json::json!({"deleted": p.id, "credentials_moved_to": heir}),
                |_| format!("Deleted the profile '{}'.\n", p.name),
            )
        }
    }
}
