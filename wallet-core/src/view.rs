//! Plain view models that [`crate::Wallet`] returns to its interfaces; they never carry secrets.

use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;

/// Whether opening the wallet found an existing one or created it just now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenOutcome {
    /// The folder was missing or empty, and a new wallet was made in it.
    Created,
    /// A wallet was already there and was opened.
    Opened,
}

/// What `carnet info` and the app's Settings page show about a wallet's data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletInfo {
    /// Absolute path of the data folder.
    pub data_dir: PathBuf,
    /// Whether this call created the wallet or opened an existing one.
    pub outcome: OpenOutcome,
    /// The data-folder format version written in the header.
    pub format_version: u32,
    /// The random, stable identifier of this wallet.
    pub wallet_id: String,
    /// When the wallet was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The Carnet version that created it, e.g. "Carnet 0.1.0".
    pub created_by: String,
    /// Total size of the files in the data folder, in bytes.
    pub size_bytes: u64,
    /// Number of files in the data folder.
    pub file_count: u64,
    /// Uninitialised, locked or unlocked.
    pub state: WalletState,
    /// What protects the data key, once initialised.
    pub protection: Option<ProtectionKind>,
}

/// Where the wallet stands: made but not set up, set up and locked, or open for use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WalletState {
    /// The data folder exists, but no encrypted store yet: run `init` (or the app's first-run screen).
    Uninitialized,
    /// The store exists and is encrypted; unlocking needs the keyring or the passphrase.
    Locked,
    /// The data key is in memory and the store is open.
    Unlocked,
}

/// What protects the wallet's data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectionKind {
    Keyring,
    Passphrase,
}

/// A learner's profile with its DIDs; never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: String,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub did_key: String,
    pub did_jwk: String,
    pub is_default: bool,
    pub credential_count: usize,
}

/// A stored credential, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialSummary {
    pub id: String,
    pub profile_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    pub source: String,
    pub size_bytes: u64,
    /// Hex SHA-256 of the original bytes.
    pub sha256: String,
}

/// The result of adding one credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AddOutcome {
    Added {
        id: String,
    },
    /// The same bytes are already in the wallet; nothing was stored.
    Duplicate {
        id: String,
    },
}

/// What a restore merged, and what checking the restored credentials again found.
///
/// A backup's own record of a credential (verdict, checks, name, picture) is never trusted: each added credential
/// is verified again from its signed bytes, and `verified + invalid + unchecked == credentials_added`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub profiles_added: usize,
    pub profiles_present: usize,
    pub credentials_added: usize,
    /// Already in the wallet (same bytes): left as they are.
    pub credentials_present: usize,
    /// Added credentials that verify now, shown in the portfolio.
    pub verified: usize,
    /// Of `verified`: valid, but a check that applies could not run (e.g. revocation, offline).
    pub not_fully_checked: usize,
    /// Added credentials that fail a check, or are not a readable credential: kept in quarantine.
    pub invalid: usize,
    /// Added credentials that could not be checked (offline with nothing cached, issuer unreachable): kept in
    /// quarantine.
    pub unchecked: usize,
    /// Credentials already here in quarantine that verified this time, and left it (as an import would do).
    pub left_quarantine: usize,
    /// Whether issuer documents and status lists could be fetched (false: only this wallet's cache was used).
    pub online: bool,
    /// Every added credential that did not verify, with why.
    pub not_verified: Vec<RestoreIssue>,
    /// Entries of the share log added (what was shared, when, how).
    pub shares_added: usize,
    /// Collections added (a collection already here only gains the members it lacked).
    pub collections_added: usize,
}

/// A restored credential kept in quarantine, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreIssue {
    /// Its id in this wallet.
    pub id: String,
    /// Its name as its own bytes give it (never the backup's record).
    pub name: Option<String>,
    pub verdict: crate::verify::Verdict,
    /// The check that decided, as `check: reason`.
    pub reason: Option<String>,
}

/// What a plain export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub folder: PathBuf,
    pub credential_files: usize,
}
