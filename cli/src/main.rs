//! `carnet`: the learner's wallet from the command line, for scripts and for people who prefer a terminal.
//!
//! A thin translation over wallet-core: parse arguments, call the [`wallet_core::Wallet`] facade,
//! print the result (plain text or `--json`), and turn errors into one line and a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use wallet_core::{OpenOutcome, Wallet, WalletInfo};

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

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Describe the wallet's data folder, creating a new wallet there when there is none
    Info {
        /// Print one JSON object instead of text
        #[arg(long)]
        json: bool,
    },
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

fn run(cli: Cli) -> Result<()> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => wallet_core::default_data_dir()?,
    };
    match cli.command {
        Command::Info { json } => info(&data_dir, json),
    }
}

fn info(data_dir: &std::path::Path, json: bool) -> Result<()> {
    let wallet = Wallet::open_or_create(data_dir)?;
    let info = wallet.info()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info).context("cannot format the report as JSON")?
        );
    } else {
        print!("{}", render_info(&info));
    }
    Ok(())
}

fn render_info(info: &WalletInfo) -> String {
    let state = match info.outcome {
        OpenOutcome::Created => "new wallet created",
        OpenOutcome::Opened => "existing wallet",
    };
    let created = info
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| info.created_at.to_string());
    let files = if info.file_count == 1 { "file" } else { "files" };
    format!(
        "Carnet wallet ({state})\n  folder      {}\n  format      {}\n  wallet id   {}\n  created     {created} by {}\n  size        {} bytes in {} {files}\n",
        info.data_dir.display(),
        info.format_version,
        info.wallet_id,
        info.created_by,
        info.size_bytes,
        info.file_count,
    )
}
