//! The [`Wallet`] facade: the one entry point through which the CLI and the app use the domain.
//!
//! **API Boundary**: everything an interface may do with a wallet is a method here.

use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::datadir::{DataDir, DataDirError, Found};
use crate::view::{OpenOutcome, WalletInfo};

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The data folder could not be opened or created.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
}

impl WalletError {
    /// A stable, machine-readable code for this error, which user interfaces translate.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DataDir(e) => e.code(),
        }
    }
}

/// A learner's wallet, opened from its data folder.
pub struct Wallet {
    dir: DataDir,
    outcome: OpenOutcome,
    #[allow(dead_code)] // read by the store and verification, which later issues add
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("data_dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// Opens the wallet in `data_dir`, creating the folder and a new wallet when there is none.
    ///
    /// Never writes into a folder that holds other files, and leaves nothing behind when it fails.
    pub fn open_or_create(data_dir: impl AsRef<Path>) -> Result<Self, WalletError> {
        Self::open_or_create_with_clock(data_dir, Arc::new(SystemClock))
    }

    /// Same as [`Wallet::open_or_create`], reading time from `clock`.
    pub fn open_or_create_with_clock(
        data_dir: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, WalletError> {
        let (dir, found) = DataDir::open_or_create(data_dir.as_ref(), clock.as_ref())?;
        let outcome = match found {
            Found::Created => OpenOutcome::Created,
            Found::Existing => OpenOutcome::Opened,
        };
        Ok(Self { dir, outcome, clock })
    }

    /// Absolute path of the wallet's data folder.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Describes the wallet's data folder.
    pub fn info(&self) -> Result<WalletInfo, WalletError> {
        let header = self.dir.header();
        let (size_bytes, file_count) = self.dir.usage()?;
        Ok(WalletInfo {
            data_dir: self.dir.path().to_path_buf(),
            outcome: self.outcome,
            format_version: header.version,
            wallet_id: header.wallet_id.clone(),
            created_at: header.created_at,
            created_by: header.created_by.clone(),
            size_bytes,
            file_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use time::OffsetDateTime;

    #[test]
    fn info_reports_creation_then_opening() {
        let tmp = tempfile::tempdir().unwrap();
        let t = OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap();
        let path = tmp.path().join("w");
        let wallet = Wallet::open_or_create_with_clock(&path, Arc::new(FixedClock(t))).unwrap();
        let info = wallet.info().unwrap();
        assert_eq!(info.outcome, OpenOutcome::Created);
        assert_eq!(info.created_at, t);
        assert_eq!(info.data_dir, std::fs::canonicalize(&path).unwrap());
        assert_eq!(info.created_by, format!("Carnet {}", crate::VERSION));

        let again = Wallet::open_or_create(&path).unwrap().info().unwrap();
        assert_eq!(again.outcome, OpenOutcome::Opened);
        assert_eq!(again.wallet_id, info.wallet_id);
        assert_eq!(again.created_at, t);
    }
}
