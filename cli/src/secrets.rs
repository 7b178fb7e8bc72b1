//! Where the CLI gets passphrases from: a named environment variable, `CARNET_PASSPHRASE`, or a prompt on the
//! terminal. Never from a command-line argument, which other users could read in the process list.

use anyhow::{bail, Context, Result};
use std::io::IsTerminal;
use wallet_core::Passphrase;

/// Reads a passphrase: `--…-env VAR` first, then `default_var`, then the terminal (asking twice when `confirm`).
pub fn passphrase(
    env_var: Option<&str>,
    default_var: &str,
    prompt: &str,
    confirm: bool,
) -> Result<Passphrase> {
    if let Some(var) = env_var {
        let value =
            std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))?;
        return Ok(Passphrase::new(value));
    }
    if let Ok(value) = std::env::var(default_var) {
        return Ok(Passphrase::new(value));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "a passphrase is needed: set {default_var} or pass --passphrase-env VAR (no terminal to ask on)"
        );
    }
    let first = rpassword::prompt_password(format!("{prompt}: ")).context("cannot read the passphrase")?;
    if confirm {
        let second =
            rpassword::prompt_password("Again, to confirm: ").context("cannot read the passphrase")?;
        if first != second {
            bail!("the two passphrases differ");
        }
    }
    Ok(Passphrase::new(first))
}

/// Whether there is a terminal to ask questions on.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks a yes/no question on the terminal; `false` without a terminal.
pub fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "o" | "oui"))
}
