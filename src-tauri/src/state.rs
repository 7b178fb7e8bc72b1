//! State the app shares between commands: where the wallet lives, and the wallet once opened.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use wallet_core::{Wallet, WalletError};

use crate::error::CommandError;

/// Application state, managed by Tauri and read by commands.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The wallet's data folder, or why there is none.
    pub data_dir: Result<PathBuf, String>,
    /// Opened on first use and kept for the app's lifetime (it holds the wallet's process lock).
    wallet: Arc<Mutex<Option<Wallet>>>,
    /// The cancel switches of the imports started and not finished (a second one waits for the wallet).
    import_cancel: Arc<Mutex<Vec<Arc<AtomicBool>>>>,
}

impl AppState {
    /// Picks the data folder as the CLI does: `CARNET_DATA_DIR` when set, else the system's default.
    pub fn from_environment() -> Self {
        let data_dir = match std::env::var_os("CARNET_DATA_DIR") {
            Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
            _ => wallet_core::default_data_dir().map_err(|e| e.to_string()),
        };
        Self {
            data_dir,
            wallet: Arc::new(Mutex::new(None)),
            import_cancel: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A fresh cancel switch for an import that is starting.
    pub fn start_import(&self) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut flags) = self.import_cancel.lock() {
            // Switches of finished imports are held by nobody else any more.
            flags.retain(|f| Arc::strong_count(f) > 1);
            flags.push(flag.clone());
        }
        flag
    }

    /// Asks every running or waiting import to stop between files.
    pub fn cancel_import(&self) {
        if let Ok(flags) = self.import_cancel.lock() {
            for f in flags.iter() {
                f.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Runs `f` on the wallet (opening it first if needed) on a blocking thread, off the UI's event loop.
    pub async fn with_wallet<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Wallet) -> Result<T, WalletError> + Send + 'static,
    ) -> Result<T, CommandError> {
        let dir = self
            .data_dir
            .clone()
            .map_err(|msg| CommandError::new("data_dir.no_default", msg))?;
        let slot = Arc::clone(&self.wallet);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = slot
                .lock()
                .map_err(|_| CommandError::new("app.internal", "wallet lock poisoned"))?;
            if guard.is_none() {
                *guard = Some(Wallet::open_or_create(&dir)?);
            }
            match guard.as_mut() {
                Some(wallet) => f(wallet).map_err(CommandError::from),
                None => Err(CommandError::new("app.internal", "wallet not open")),
            }
        })
        .await
        .map_err(|e| CommandError::new("app.internal", e.to_string()))?
    }
}
