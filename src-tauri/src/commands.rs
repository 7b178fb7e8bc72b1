//! Tauri commands: each one translates a DTO in, calls wallet-core, and translates a DTO out.
//!
//! Passphrases arrive as strings (the web view has them anyway) and become zeroizing
//! [`wallet_core::Passphrase`] values at once.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use tauri::ipc::Channel;
use tauri::State;
use wallet_core::{KdfParams, NewProtection, Passphrase, WalletError};

use crate::dto::{
    AppInfo, CredentialDetail, ExportReport, ImportEvent, ImportSummary, PortfolioPage, PortfolioQuery,
    Profile, Protection, RestoreReport, WalletInfo, WalletStatus,
};
use crate::error::CommandError;
use crate::state::AppState;

type Res<T> = Result<T, CommandError>;

fn protection(kind: Protection, passphrase: Option<String>) -> Result<NewProtection, WalletError> {
    Ok(match kind {
        Protection::Keyring => NewProtection::Keyring,
        Protection::Passphrase => NewProtection::Passphrase(
            Passphrase::new(passphrase.unwrap_or_default()),
            KdfParams::DEFAULT,
        ),
    })
}

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
pub async fn wallet_info(state: State<'_, AppState>) -> Res<WalletInfo> {
    state.with_wallet(|w| w.info()).await.map(Into::into)
}

/// The wallet's state and whether the system keyring can protect it (first-run screen).
#[tauri::command]
#[specta::specta]
pub async fn wallet_status(state: State<'_, AppState>) -> Res<WalletStatus> {
    let info = state.with_wallet(|w| w.info()).await?;
    let keyring = wallet_core::keyring_status();
    Ok(WalletStatus {
        info: info.into(),
        keyring_available: keyring.is_ok(),
        keyring_problem: keyring.err(),
    })
}

/// First run: sets up the encrypted wallet and its first profile, and leaves it unlocked.
#[tauri::command]
#[specta::specta]
pub async fn init_wallet(
    state: State<'_, AppState>,
    kind: Protection,
    passphrase: Option<String>,
    profile_name: String,
) -> Res<Profile> {
    state
        .with_wallet(move |w| {
            w.init(protection(kind, passphrase)?)?;
            w.create_profile(&profile_name)
        })
        .await
        .map(Into::into)
}

/// Unlocks with the keyring (no passphrase) or the passphrase.
#[tauri::command]
#[specta::specta]
pub async fn unlock_wallet(state: State<'_, AppState>, passphrase: Option<String>) -> Res<WalletInfo> {
    state
        .with_wallet(move |w| {
            w.unlock(passphrase.map(Passphrase::new).as_ref())?;
            w.info()
        })
        .await
        .map(Into::into)
}

/// Forgets the key: the wallet needs unlocking again.
#[tauri::command]
#[specta::specta]
pub async fn lock_wallet(state: State<'_, AppState>) -> Res<WalletInfo> {
    state
        .with_wallet(|w| {
            w.lock();
            w.info()
        })
        .await
        .map(Into::into)
}

/// Changes the passphrase, or moves the key to or from the system keyring.
#[tauri::command]
#[specta::specta]
pub async fn change_protection(
    state: State<'_, AppState>,
    kind: Protection,
    passphrase: Option<String>,
) -> Res<WalletInfo> {
    state
        .with_wallet(move |w| {
            w.change_protection(protection(kind, passphrase)?)?;
            w.info()
        })
        .await
        .map(Into::into)
}

#[tauri::command]
#[specta::specta]
pub async fn list_profiles(state: State<'_, AppState>) -> Res<Vec<Profile>> {
    Ok(state
        .with_wallet(|w| w.profiles())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_profile(state: State<'_, AppState>, name: String) -> Res<Profile> {
    state
        .with_wallet(move |w| w.create_profile(&name))
        .await
        .map(Into::into)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_profile(state: State<'_, AppState>, id: String, name: String) -> Res<Profile> {
    state
        .with_wallet(move |w| w.rename_profile(&id, &name))
        .await
        .map(Into::into)
}

#[tauri::command]
#[specta::specta]
pub async fn set_default_profile(state: State<'_, AppState>, id: String) -> Res<Profile> {
    state
        .with_wallet(move |w| w.set_default_profile(&id))
        .await
        .map(Into::into)
}

/// Deletes a profile; with credentials, only when `confirmed` (they move to the default profile).
#[tauri::command]
#[specta::specta]
pub async fn delete_profile(state: State<'_, AppState>, id: String, confirmed: bool) -> Res<Option<String>> {
    state.with_wallet(move |w| w.delete_profile(&id, confirmed)).await
}

/// Writes an encrypted backup to `path` (chosen by the learner in a save dialog).
#[tauri::command]
#[specta::specta]
pub async fn backup_wallet(state: State<'_, AppState>, path: String, passphrase: String) -> Res<u32> {
    let size = state
        .with_wallet(move |w| w.backup(&PathBuf::from(path), &Passphrase::new(passphrase)))
        .await?;
    Ok(u32::try_from(size).unwrap_or(u32::MAX))
}

/// Merges a backup file into the wallet, checking every added credential again from its bytes: offline with the
/// wallet's cache, or `online` with the issuers.
#[tauri::command]
#[specta::specta]
pub async fn restore_wallet(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
    online: bool,
) -> Res<RestoreReport> {
    let net = if online {
        wallet_core::net::NetPolicy::default()
    } else {
        wallet_core::net::NetPolicy::offline()
    };
    state
        .with_wallet(move |w| w.restore(&PathBuf::from(path), &Passphrase::new(passphrase), &net))
        .await
        .map(Into::into)
}

/// Writes every credential as a plain (unencrypted) file into a new or empty folder.
#[tauri::command]
#[specta::specta]
pub async fn export_plain(state: State<'_, AppState>, folder: String) -> Res<ExportReport> {
    state
        .with_wallet(move |w| w.export_plain(&PathBuf::from(folder)))
        .await
        .map(Into::into)
}

fn run_import(
    w: &wallet_core::Wallet,
    sources: &[wallet_core::importer::Source],
    keep_unverified: bool,
    on_event: &Channel<ImportEvent>,
    cancel: &AtomicBool,
) -> Result<ImportSummary, WalletError> {
    let options = wallet_core::importer::ImportOptions {
        keep_unverified,
        ..Default::default()
    };
    let summary = w.import(
        sources,
        &options,
        &mut |e| {
            let _ = on_event.send(e.into());
        },
        cancel,
    )?;
    Ok((&summary).into())
}

/// Imports files and folders (from the file dialogs, a typed path, or a drop on the window); items and progress
/// stream through `on_event` while it runs, off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn import_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
    keep_unverified: bool,
    on_event: Channel<ImportEvent>,
) -> Res<ImportSummary> {
    let cancel = state.start_import();
    let sources: Vec<_> = paths
        .into_iter()
        .map(|p| wallet_core::importer::Source::Path(PathBuf::from(p)))
        .collect();
    state
        .with_wallet(move |w| run_import(w, &sources, keep_unverified, &on_event, &cancel))
        .await
}

/// Imports pasted text (a credential's JSON or JWT, or an OB 2.0 assertion URL).
#[tauri::command]
#[specta::specta]
pub async fn import_text(
    state: State<'_, AppState>,
    text: String,
    keep_unverified: bool,
    on_event: Channel<ImportEvent>,
) -> Res<ImportSummary> {
    let cancel = state.start_import();
    let sources = [wallet_core::importer::Source::Bytes {
        name: "pasted text".into(),
        bytes: text.into_bytes(),
    }];
    state
        .with_wallet(move |w| run_import(w, &sources, keep_unverified, &on_event, &cancel))
        .await
}

/// Stops the running import between files; everything already reported stays.
#[tauri::command]
#[specta::specta]
pub async fn cancel_import(state: State<'_, AppState>) -> Res<()> {
    state.cancel_import();
    Ok(())
}

/// A page of the portfolio, most recently awarded first.
#[tauri::command]
#[specta::specta]
pub async fn portfolio(state: State<'_, AppState>, query: PortfolioQuery) -> Res<PortfolioPage> {
    let q = wallet_core::portfolio::Query {
        search: query.search,
        include_quarantined: query.include_quarantined,
        offset: query.offset as usize,
        limit: query.limit as usize,
        ..Default::default()
    };
    let page = state.with_wallet(move |w| w.portfolio(&q)).await?;
    Ok(PortfolioPage {
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
        entries: page.entries.into_iter().map(Into::into).collect(),
    })
}

/// One credential with its verification checks.
#[tauri::command]
#[specta::specta]
pub async fn credential_detail(state: State<'_, AppState>, id: String) -> Res<CredentialDetail> {
    state
        .with_wallet(move |w| w.credential(&id))
        .await
        .map(Into::into)
}

/// A credential's picture as a data: URI (the baked image), when it has one.
#[tauri::command]
#[specta::specta]
pub async fn credential_image(state: State<'_, AppState>, id: String) -> Res<Option<String>> {
    state.with_wallet(move |w| w.credential_image(&id)).await
}

/// Removes a credential for good (the window asks first).
#[tauri::command]
#[specta::specta]
pub async fn remove_credential(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with_wallet(move |w| w.remove_credential(&id)).await
}
