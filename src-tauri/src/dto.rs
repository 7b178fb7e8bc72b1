//! IPC data transfer objects: the only types that derive `specta::Type`, converted from wallet-core views.

use serde::Serialize;
use specta::Type;
use time::format_description::well_known::Rfc3339;

/// What the app knows about itself and its host, for the About box and the default language.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Carnet's version.
    pub version: String,
    /// The operating system's preferred locale as a BCP 47 tag (e.g. "fr-CA"), when it says one.
    pub os_locale: Option<String>,
}

/// Whether opening the wallet created it or found it.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OpenOutcome {
    Created,
    Opened,
}

/// The wallet's data folder, as the Settings page shows it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WalletInfo {
    pub data_dir: String,
    pub outcome: OpenOutcome,
    pub format_version: u32,
    pub wallet_id: String,
    /// RFC 3339 date and time.
    pub created_at: String,
    pub created_by: String,
    /// Bytes. Sent as a JSON number (exact in JavaScript up to 8 PiB); typed `number` for TypeScript.
    #[specta(type = u32)]
    pub size_bytes: u64,
    pub file_count: u32,
}

impl From<wallet_core::WalletInfo> for WalletInfo {
    fn from(info: wallet_core::WalletInfo) -> Self {
        Self {
            data_dir: info.data_dir.display().to_string(),
            outcome: match info.outcome {
                wallet_core::OpenOutcome::Created => OpenOutcome::Created,
                wallet_core::OpenOutcome::Opened => OpenOutcome::Opened,
            },
            format_version: info.format_version,
            wallet_id: info.wallet_id,
            created_at: info
                .created_at
                .format(&Rfc3339)
                .unwrap_or_else(|_| info.created_at.to_string()),
            created_by: info.created_by,
            size_bytes: info.size_bytes,
            file_count: u32::try_from(info.file_count).unwrap_or(u32::MAX),
        }
    }
}
