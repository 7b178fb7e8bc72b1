//! Tauri commands: each one translates a DTO in, calls wallet-core, and translates a DTO out.

use tauri::State;

use crate::dto::{AppInfo, WalletInfo};
use crate::error::CommandError;
use crate::state::AppState;

/// Carnet's version and the operating system's locale.
#[tauri::command]
#[specta::specta]
pub async fn app_info() -> AppInfo {
    AppInfo {
        version: wallet_core::VERSION.to_owned(),
        os_locale: sys_locale::get_locale(),
    }
}

/// Opens (or creates) the wallet's data folder and describes it.
#[tauri::command]
#[specta::specta]
pub async fn wallet_info(state: State<'_, AppState>) -> Result<WalletInfo, CommandError> {
    let dir = state
        .data_dir
        .clone()
        .map_err(|msg| CommandError::new("data_dir.no_default", msg))?;
    let info = tauri::async_runtime::spawn_blocking(move || {
        wallet_core::Wallet::open_or_create(dir).and_then(|wallet| wallet.info())
    })
    .await
    .map_err(|e| CommandError::new("app.internal", e.to_string()))??;
    Ok(info.into())
}
