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
    AppInfo, Collection, CreatedPresentation, CredentialDetail, CredentialFacts, ExportReport, Facets,
    ImportEvent, ImportSummary, IssuerSummary, PageLanguage, PortfolioPage, PortfolioQuery, PresentRequest,
    PresentationPreview, Profile, Protection, QrForm, QrOutcome, RestoreReport, SavedFile, Settings,
    ShareRecord, Skills, Timeline, VerificationReport, WalletInfo, WalletStatus,
};
use crate::error::CommandError;
use crate::files;
use crate::state::{AppState, Signed};

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
    let info = state.info_opening().await?;
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
    let info = state
        .with_wallet(move |w| {
            w.unlock(passphrase.map(Passphrase::new).as_ref())?;
            w.info()
        })
        .await?;
    state.set_locked_by_learner(false);
    Ok(info.into())
}

/// Forgets the key: the wallet needs unlocking again.
#[tauri::command]
#[specta::specta]
pub async fn lock_wallet(state: State<'_, AppState>) -> Res<WalletInfo> {
    state.forget_presentations();
    state.set_locked_by_learner(true);
    state.forget_offers();
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
        net: policy(w)?,
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

/// A page of the portfolio: filtered and sorted as `query` says (most recently awarded first by default).
#[tauri::command]
#[specta::specta]
pub async fn portfolio(state: State<'_, AppState>, query: PortfolioQuery) -> Res<PortfolioPage> {
    let q = wallet_core::portfolio::Query::from(query);
    let page = state.with_wallet(move |w| w.portfolio(&q)).await?;
    Ok(PortfolioPage {
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
        entries: page.entries.into_iter().map(Into::into).collect(),
    })
}

/// One credential with its verification checks, its signed text and the earlier versions it replaced.
#[tauri::command]
#[specta::specta]
pub async fn credential_detail(state: State<'_, AppState>, id: String) -> Res<CredentialDetail> {
    state.with_wallet(move |w| detail_of(w, w.credential(&id)?)).await
}

fn detail_of(
    w: &wallet_core::Wallet,
    d: wallet_core::portfolio::Detail,
) -> Result<CredentialDetail, WalletError> {
    let earlier = w.earlier_versions(&d.entry.id)?;
    let mut detail = CredentialDetail::from(d);
    detail.earlier_versions = earlier.into_iter().map(Into::into).collect();
    Ok(detail)
}

/// What the portfolio's filters can offer (issuers, achievement types, years, profiles), with counts.
#[tauri::command]
#[specta::specta]
pub async fn portfolio_facets(state: State<'_, AppState>, include_quarantined: bool) -> Res<Facets> {
    state
        .with_wallet(move |w| w.portfolio_facets(include_quarantined))
        .await
        .map(Into::into)
}

/// The timeline: years, then issuers, and the pathways between credentials.
#[tauri::command]
#[specta::specta]
pub async fn timeline(state: State<'_, AppState>) -> Res<Timeline> {
    state.with_wallet(|w| w.timeline()).await.map(Into::into)
}

/// Skills by framework, achievement types, tags, fields of study; `search` narrows them.
#[tauri::command]
#[specta::specta]
pub async fn skills(state: State<'_, AppState>, search: Option<String>) -> Res<Skills> {
    state
        .with_wallet(move |w| w.skills(search.as_deref().filter(|s| !s.trim().is_empty())))
        .await
        .map(Into::into)
}

/// Each issuer with its identity, key binding, endorsements, award span and credentials.
#[tauri::command]
#[specta::specta]
pub async fn issuers(state: State<'_, AppState>) -> Res<Vec<IssuerSummary>> {
    Ok(state
        .with_wallet(|w| w.issuers())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Criteria, results, evidence, endorsements, alignments… read again from the signed bytes; null when the proof
/// does not hold (nothing unsigned is shown).
#[tauri::command]
#[specta::specta]
pub async fn credential_facts(state: State<'_, AppState>, id: String) -> Res<Option<CredentialFacts>> {
    let facts = state
        .with_wallet(move |w| tauri::async_runtime::block_on(w.credential_facts(&id)))
        .await?;
    Ok(facts.map(Into::into))
}

/// Verifies a stored credential again now — online unless the learner chose offline mode, else with the wallet's
/// cache — and keeps the new verdict; the answer holds as of its `verified_at`.
#[tauri::command]
#[specta::specta]
pub async fn reverify_credential(state: State<'_, AppState>, id: String) -> Res<CredentialDetail> {
    state
        .with_wallet(move |w| -> Res<CredentialDetail> {
            let net = net(w)?;
            let d = tauri::async_runtime::block_on(w.reverify(&id, &net))?;
            Ok(detail_of(w, d)?)
        })
        .await
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

// ---- the demo portfolio ----

/// Adds the demo portfolio (signed credentials from named demo issuers, verified like any import, labelled demo);
/// returns how many were added (none the second time).
#[tauri::command]
#[specta::specta]
pub async fn add_demo_portfolio(state: State<'_, AppState>) -> Res<u32> {
    state
        .with_wallet(|w| {
            // Verification's future is not Send: run here, on the wallet's blocking thread.
            let items = tauri::async_runtime::block_on(w.add_demo())?;
            let added = items
                .iter()
                .filter(|i| i.outcome != wallet_core::importer::ItemOutcome::Duplicate)
                .count();
            Ok::<_, wallet_core::WalletError>(u32::try_from(added).unwrap_or(u32::MAX))
        })
        .await
}

/// Removes every demo credential, and nothing else; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn remove_demo_portfolio(state: State<'_, AppState>) -> Res<u32> {
    state
        .with_wallet(|w| w.remove_demo())
        .await
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

// ---- collections ----

#[tauri::command]
#[specta::specta]
pub async fn collections(state: State<'_, AppState>) -> Res<Vec<Collection>> {
    Ok(state
        .with_wallet(|w| w.collections())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_collection(state: State<'_, AppState>, name: String) -> Res<Collection> {
    state
        .with_wallet(move |w| w.create_collection(&name))
        .await
        .map(Into::into)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_collection(state: State<'_, AppState>, id: String, name: String) -> Res<Collection> {
    state
        .with_wallet(move |w| w.rename_collection(&id, &name))
        .await
        .map(Into::into)
}

/// Deletes a collection (its credentials stay in the wallet).
#[tauri::command]
#[specta::specta]
pub async fn delete_collection(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with_wallet(move |w| w.delete_collection(&id)).await
}

/// Adds credentials to a collection (`member`), or takes them out.
#[tauri::command]
#[specta::specta]
pub async fn set_collection_members(
    state: State<'_, AppState>,
    id: String,
    credential_ids: Vec<String>,
    member: bool,
) -> Res<Collection> {
    state
        .with_wallet(move |w| w.set_collection_members(&id, &credential_ids, member))
        .await
        .map(Into::into)
}

// ---- settings ----

/// The learner's settings (language, theme, offline mode), kept encrypted in the wallet.
#[tauri::command]
#[specta::specta]
pub async fn settings(state: State<'_, AppState>) -> Res<Settings> {
    state.with_wallet(|w| w.settings()).await.map(Into::into)
}

/// Keeps new settings in the wallet and returns them.
#[tauri::command]
#[specta::specta]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings) -> Res<Settings> {
    state
        .with_wallet(move |w| {
            let new = settings.applied_to(w.settings()?);
            w.set_settings(&new)?;
            w.settings()
        })
        .await
        .map(Into::into)
}

// ---- presentations (the Share page) ----

/// The network policy the learner chose: offline mode fetches nothing (the wallet's cache answers), else the
/// default (public https addresses only).
fn policy(w: &wallet_core::Wallet) -> Result<wallet_core::net::NetPolicy, WalletError> {
    Ok(if w.settings()?.offline {
        wallet_core::net::NetPolicy::offline()
    } else {
        wallet_core::net::NetPolicy::default()
    })
}

/// The network for checking credentials under [`policy`], with the wallet's cache answering for what cannot be
/// fetched.
fn net(w: &wallet_core::Wallet) -> Res<wallet_core::net::Net> {
    let policy = policy(w)?;
    if policy.offline {
        return Ok(wallet_core::net::Net::offline());
    }
    wallet_core::net::Net::new(policy).map_err(|e| CommandError::new(e.code(), e.to_string()))
}

/// What presenting `request` would disclose — each credential re-checked now — before anything is signed.
#[tauri::command]
#[specta::specta]
pub async fn preview_presentation(
    state: State<'_, AppState>,
    request: PresentRequest,
) -> Res<PresentationPreview> {
    let request = request.into();
    state
        .with_wallet(move |w| -> Res<PresentationPreview> {
            let net = net(w)?;
            let preview = tauri::async_runtime::block_on(w.preview_presentation(&request, &net))?;
            Ok(preview.into())
        })
        .await
}

/// Signs a presentation of `request` (a credential that does not verify today goes in only when
/// `include_unverified`), draws its QR codes, and keeps it for the saves that follow.
#[tauri::command]
#[specta::specta]
pub async fn create_presentation(
    state: State<'_, AppState>,
    request: PresentRequest,
    include_unverified: bool,
) -> Res<CreatedPresentation> {
    let request = request.into();
    let presentation = state
        .with_wallet(move |w| -> Res<wallet_core::present::Presentation> {
            let net = net(w)?;
            Ok(tauri::async_runtime::block_on(w.present(
                &request,
                include_unverified,
                &net,
            ))?)
        })
        .await?;
    // Drawing and reading back the codes takes a moment: off the wallet, on a blocking thread.
    let signed = tauri::async_runtime::spawn_blocking(move || {
        let drawn = |form| {
            presentation.json().map(|doc| {
                let qr = wallet_core::qr::encode(&doc, form);
                let outcome = QrOutcome::from(&qr);
                let kept = qr
                    .map(std::sync::Arc::new)
                    .map_err(|e| CommandError::new(e.code(), e.to_string()));
                ((form, kept), outcome)
            })
        };
        let json = drawn(wallet_core::qr::QrForm::Json);
        let vpqr = drawn(wallet_core::qr::QrForm::Vpqr);
        let names = presentation
            .reports
            .iter()
            .zip(&presentation.credential_ids)
            .map(|(r, id)| {
                r.credential
                    .as_ref()
                    .and_then(|c| c.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        let created = CreatedPresentation {
            id: presentation.id.clone(),
            format: presentation.format.into(),
            size_bytes: u32::try_from(presentation.text.len()).unwrap_or(u32::MAX),
            extension: presentation.extension().to_owned(),
            holder: presentation.holder.clone(),
            challenge: presentation.challenge.clone(),
            domain: presentation.domain.clone(),
            credential_names: names,
            qr_json: json.as_ref().map(|(_, o)| o.clone()),
            qr_vpqr: vpqr.as_ref().map(|(_, o)| o.clone()),
        };
        let signed = Signed {
            presentation: std::sync::Arc::new(presentation),
            qr: json.into_iter().chain(vpqr).map(|(kept, _)| kept).collect(),
        };
        (signed, created)
    })
    .await
    .map_err(|e| CommandError::new("app.internal", e.to_string()))?;
    let (signed, created) = signed;
    // Locked while the codes were drawn: the presentation is not kept past the lock.
    let unlocked = state
        .with_wallet(|w| Ok::<_, WalletError>(w.state() == wallet_core::WalletState::Unlocked))
        .await?;
    if !unlocked {
        return Err(WalletError::Locked.into());
    }
    state.keep_presentation(signed);
    Ok(created)
}

/// Writes `bytes` for a presentation signed in this session to a new file at `path`, then logs the share.
async fn save(
    state: &AppState,
    id: &str,
    path: &str,
    form: wallet_core::present::ShareForm,
    bytes: impl FnOnce(&wallet_core::Wallet, &Signed) -> Res<Vec<u8>> + Send + 'static,
) -> Res<SavedFile> {
    let signed = state.presentation(id)?;
    let path = files::chosen_path(path)?;
    state
        .with_wallet(move |w| -> Res<SavedFile> {
            // A locked wallet has forgotten its presentations: nothing is written that the log would not hold.
            if w.state() != wallet_core::WalletState::Unlocked {
                return Err(WalletError::Locked.into());
            }
            let bytes = bytes(w, &signed)?;
            let size = files::write_new(&path, &bytes)?;
            w.record_share(&signed.presentation, &[form])?;
            Ok(SavedFile {
                path: path.display().to_string(),
                size_bytes: u32::try_from(size).unwrap_or(u32::MAX),
            })
        })
        .await
}

/// Saves a presentation signed in this session as a new `.json` / `.jwt` file (exactly the signed text).
#[tauri::command]
#[specta::specta]
pub async fn save_presentation(state: State<'_, AppState>, id: String, path: String) -> Res<SavedFile> {
    save(
        &state,
        &id,
        &path,
        wallet_core::present::ShareForm::File,
        |_, s| Ok(s.presentation.text.as_bytes().to_vec()),
    )
    .await
}

/// Saves a presentation's QR code in `form` as a new PNG or SVG file (by the path's extension).
#[tauri::command]
#[specta::specta]
pub async fn save_presentation_qr(
    state: State<'_, AppState>,
    id: String,
    form: QrForm,
    path: String,
) -> Res<SavedFile> {
    let extension = std::path::Path::new(path.trim())
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let svg = match extension.as_deref() {
        Some("svg") => true,
        Some("png") => false,
        _ => {
            return Err(CommandError::new(
                "file.qr_extension",
                format!("{path}: a QR code is saved as a .png or .svg file"),
            ))
        }
    };
    let share_form = match form {
        QrForm::Json => wallet_core::present::ShareForm::QrJson,
        QrForm::Vpqr => wallet_core::present::ShareForm::QrVpqr,
    };
    save(&state, &id, &path, share_form, move |_, s| {
        let qr = s.qr(form.into())?;
        Ok(if svg {
            qr.svg.clone().into_bytes()
        } else {
            qr.png.clone()
        })
    })
    .await
}

/// Saves the printable page (one self-contained HTML file) of a presentation signed in this session.
#[tauri::command]
#[specta::specta]
pub async fn save_presentation_page(
    state: State<'_, AppState>,
    id: String,
    path: String,
    learner_name: String,
    language: PageLanguage,
) -> Res<SavedFile> {
    let learner_name = learner_name.trim().to_owned();
    if learner_name.is_empty() {
        return Err(CommandError::new(
            "share.no_name",
            "the page needs the learner's name",
        ));
    }
    let language = match language {
        PageLanguage::Fr => carnet_page::Lang::Fr,
        PageLanguage::En => carnet_page::Lang::En,
    };
    save(
        &state,
        &id,
        &path,
        wallet_core::present::ShareForm::Page,
        move |w, s| {
            let p = &s.presentation;
            carnet_page::for_presentation(w, p, language, &learner_name, p.created_at)
                .map(String::into_bytes)
                .map_err(|e| match e {
                    carnet_page::PageError::Wallet(e) => e.into(),
                    other => CommandError::new("app.internal", other.to_string()),
                })
        },
    )
    .await
}

/// What was shared, most recent first.
#[tauri::command]
#[specta::specta]
pub async fn share_history(state: State<'_, AppState>) -> Res<Vec<ShareRecord>> {
    Ok(state
        .with_wallet(|w| w.share_history())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Journey J6: verifies a presentation (or credential) file someone gave the learner — the presentation first, then
/// each credential it carries — with the verifier's challenge and domain when given. Nothing is imported.
#[tauri::command]
#[specta::specta]
pub async fn open_presentation(
    state: State<'_, AppState>,
    path: String,
    challenge: Option<String>,
    domain: Option<String>,
) -> Res<Vec<VerificationReport>> {
    let path = files::chosen_path(&path)?;
    state
        .with_wallet(move |w| -> Res<Vec<VerificationReport>> {
            let mut options = wallet_core::verify::Options::at(time::OffsetDateTime::now_utc());
            options.challenge = challenge;
            options.domain = domain;
            let bytes = files::read_limited(&path, options.limits.max_input_bytes)?;
            let net = net(w)?;
            let reports = tauri::async_runtime::block_on(w.verify_with_cache(&bytes, &net, &options))?;
            Ok(reports.into_iter().map(Into::into).collect())
        })
        .await
}
