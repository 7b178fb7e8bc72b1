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
}
