//! State the app shares between commands: where the wallet lives.

use std::path::PathBuf;

/// Application state, managed by Tauri and read by commands.
#[derive(Debug)]
pub struct AppState {
    /// The wallet's data folder, or why there is none.
    pub data_dir: Result<PathBuf, String>,
}

impl AppState {
    /// Picks the data folder as the CLI does: `CARNET_DATA_DIR` when set, else the system's default.
    pub fn from_environment() -> Self {
        let data_dir = match std::env::var_os("CARNET_DATA_DIR") {
            Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
            _ => wallet_core::default_data_dir().map_err(|e| e.to_string()),
        };
        Self { data_dir }
    }
}
