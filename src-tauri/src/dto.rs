//! IPC data transfer objects: the only types that derive `specta::Type`, converted from wallet-core views.

use serde::{Deserialize, Serialize};
use specta::Type;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

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

/// Uninitialised (first run), locked, or unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum WalletState {
    Uninitialized,
    Locked,
    Unlocked,
}

/// What protects the wallet's key.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Protection {
    Keyring,
    Passphrase,
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
    pub state: WalletState,
    pub protection: Option<Protection>,
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
            created_at: rfc3339(info.created_at),
            created_by: info.created_by,
            size_bytes: info.size_bytes,
            file_count: u32::try_from(info.file_count).unwrap_or(u32::MAX),
            state: match info.state {
                wallet_core::WalletState::Uninitialized => WalletState::Uninitialized,
                wallet_core::WalletState::Locked => WalletState::Locked,
                wallet_core::WalletState::Unlocked => WalletState::Unlocked,
            },
            protection: info.protection.map(|p| match p {
                wallet_core::ProtectionKind::Keyring => Protection::Keyring,
                wallet_core::ProtectionKind::Passphrase => Protection::Passphrase,
            }),
        }
    }
}

/// The wallet, plus whether a system keyring can be used here (for the first-run choice).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WalletStatus {
    pub info: WalletInfo,
    pub keyring_available: bool,
    /// Why the keyring cannot be used, in the keyring library's words.
    pub keyring_problem: Option<String>,
}

/// A profile with its DIDs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub did_key: String,
    pub did_jwk: String,
    pub is_default: bool,
    pub credential_count: u32,
}

impl From<wallet_core::Profile> for Profile {
    fn from(p: wallet_core::Profile) -> Self {
        Self {
            id: p.id,
            name: p.name,
            created_at: rfc3339(p.created_at),
            did_key: p.did_key,
            did_jwk: p.did_jwk,
            is_default: p.is_default,
            credential_count: u32::try_from(p.credential_count).unwrap_or(u32::MAX),
        }
    }
}

/// What a restore merged.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub profiles_added: u32,
    pub profiles_present: u32,
    pub credentials_added: u32,
    pub credentials_present: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<wallet_core::RestoreReport> for RestoreReport {
    fn from(r: wallet_core::RestoreReport) -> Self {
        Self {
            profiles_added: count(r.profiles_added),
            profiles_present: count(r.profiles_present),
            credentials_added: count(r.credentials_added),
            credentials_present: count(r.credentials_present),
        }
    }
}

/// What a plain export wrote.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub folder: String,
    pub credential_files: u32,
}

impl From<wallet_core::ExportReport> for ExportReport {
    fn from(r: wallet_core::ExportReport) -> Self {
        Self {
            folder: r.folder.display().to_string(),
            credential_files: count(r.credential_files),
        }
    }
}
