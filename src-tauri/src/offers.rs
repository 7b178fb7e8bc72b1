//! Offers from issuers (OpenID4VCI, VC-API exchanges) and the links that bring them: the commands of the offer
//! screen, the "allow issuers on this computer" setting they read, and the deep links the OS hands to the app.
//!
//! Consent first: [`inspect_offer`] fetches only what the consent screen shows and keeps the inspected offer (and
//! its pre-authorized code) here, in Rust, under an opaque id; [`accept_offer`] alone contacts the token endpoint.
//! A link opened while Carnet runs (or given to its first launch) is checked and queued by [`queue_link`]; the
//! window hears [`OfferLinkReceived`] and takes it with [`take_offer_link`] once the wallet is unlocked.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;
use wallet_core::net::NetPolicy;
use wallet_core::offer::{InspectOptions, Recipient, MAX_LINK_BYTES};

use crate::dto::{OfferOutcome, OfferSettings, OfferView};
use crate::error::CommandError;
use crate::state::AppState;

type Res<T> = Result<T, CommandError>;

/// The schemes registered for deep links (tauri.conf.json `plugins.deep-link.desktop.schemes`).
pub const SCHEMES: [&str; 2] = ["openid-credential-offer", "dccrequest"];

/// Told to the window when a link arrived (from the OS or a second launch): it calls [`take_offer_link`].
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OfferLinkReceived;

/// The network policy for offers: the default (public https only), plus issuers on this computer when the learner
/// turned the setting on; in offline mode nothing is contacted (the offer screen says the issuer cannot be reached).
fn policy(settings: &wallet_core::Settings) -> NetPolicy {
    if settings.offline {
        return NetPolicy::offline();
    }
    NetPolicy {
        allow_local_issuers: settings.allow_local_issuers,
        ..NetPolicy::default()
    }
}

/// Checks a link from outside (size first, then its form) before it is kept: a bad one becomes the error the
/// offer screen shows, and nothing else changes.
pub fn check_link(raw: &str) -> Res<String> {
    if raw.len() > MAX_LINK_BYTES {
        let e = wallet_core::offer::OfferError::TooLarge {
            what: "link",
            limit: MAX_LINK_BYTES,
        };
        return Err(CommandError::new(e.code(), e.to_string()));
    }
    let link = raw.trim();
    wallet_core::offer::parse_link(link).map_err(|e| CommandError::new(e.code(), e.to_string()))?;
    Ok(link.to_owned())
}

/// Queues a link the OS (or a second launch) handed over, checked, and tells the window.
pub fn queue_link(app: &tauri::AppHandle, state: &AppState, raw: &str) {
    state.queue_link(check_link(raw));
    // The window may not listen yet (still starting, or locked): it also asks when it opens.
    let _ = OfferLinkReceived.emit(app);
}

/// The oldest link waiting for the offer screen (`null` when none); a link that was refused comes as its error.
#[tauri::command]
#[specta::specta]
pub async fn take_offer_link(state: State<'_, AppState>) -> Res<Option<String>> {
    state.take_link().transpose()
}

/// Whether issuers on this computer are allowed (the wallet's encrypted settings; off by default).
#[tauri::command]
#[specta::specta]
pub async fn offer_settings(state: State<'_, AppState>) -> Res<OfferSettings> {
    let settings = state.with_wallet(|w| w.settings()).await?;
    Ok(OfferSettings {
        allow_local_issuers: settings.allow_local_issuers,
    })
}

/// Turns "Allow issuers on this computer (for testing)" on or off.
#[tauri::command]
#[specta::specta]
pub async fn set_allow_local_issuers(state: State<'_, AppState>, allow: bool) -> Res<OfferSettings> {
    let settings = state
        .with_wallet(move |w| {
            let mut settings = w.settings()?;
            settings.allow_local_issuers = allow;
            w.set_settings(&settings)?;
            Ok::<_, wallet_core::WalletError>(settings)
        })
        .await?;
    Ok(OfferSettings {
        allow_local_issuers: settings.allow_local_issuers,
    })
}

/// Reads an offer link and fetches what the consent screen shows (the offer by reference, the issuer's metadata and
/// logo), for `profile_id` (the default profile when `null`), with display names in `language`. Nothing is asked
/// of the token endpoint, and an exchange is not contacted. The offer is kept here under the returned `offerId`.
#[tauri::command]
#[specta::specta]
pub async fn inspect_offer(
    state: State<'_, AppState>,
    link: String,
    profile_id: Option<String>,
    language: Option<String>,
) -> Res<OfferView> {
    let link = check_link(&link)?;
    let pending = state
        .with_wallet(move |w| -> Res<wallet_core::offer::PendingOffer> {
            let settings = w.settings()?;
            let options = InspectOptions {
                profile_id,
                language,
                dialect: None,
            };
            Ok(tauri::async_runtime::block_on(w.inspect_offer(
                &link,
                &options,
                &policy(&settings),
            ))?)
        })
        .await?;
    let id = state.keep_offer(pending.clone());
    Ok(OfferView::new(id, &pending.summary))
}

/// The learner said yes: receives the offer kept under `offer_id` for `profile_id` (the one inspected when `null`)
/// with the transaction code when one is needed; verifies and stores every credential, or none.
#[tauri::command]
#[specta::specta]
pub async fn accept_offer(
    state: State<'_, AppState>,
    offer_id: String,
    profile_id: Option<String>,
    tx_code: Option<String>,
) -> Res<OfferOutcome> {
    let mut pending = state.offer(&offer_id)?;
    let tx_code = tx_code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let result = state
        .with_wallet(move |w| -> Res<wallet_core::offer::OfferResult> {
            if let Some(id) = profile_id.filter(|id| *id != pending.summary.recipient.profile_id) {
                let profile = w
                    .profiles()?
                    .into_iter()
                    .find(|p| p.id == id)
                    .ok_or_else(|| CommandError::new("profile.not_found", format!("no profile {id}")))?;
                pending.summary.recipient = Recipient {
                    profile_id: profile.id,
                    profile_name: profile.name,
                    did: profile.did_key,
                };
            }
            let settings = w.settings()?;
            // Verification's future is not Send: run here, on the wallet's blocking thread.
            Ok(tauri::async_runtime::block_on(w.accept_offer(
                &pending,
                tx_code.as_deref(),
                &policy(&settings),
            ))?)
        })
        .await?;
    state.forget_offer(&offer_id);
    Ok(result.into())
}

/// The learner said no: the offer is forgotten and nothing is sent.
#[tauri::command]
#[specta::specta]
pub async fn decline_offer(state: State<'_, AppState>, offer_id: String) -> Res<()> {
    state.forget_offer(&offer_id);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn links_are_checked_before_they_are_kept() {
        let ok = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Foffers%2F1";
        assert_eq!(check_link(&format!("  {ok}\n")).unwrap(), ok);
        assert_eq!(
            check_link("mailto:someone@example.org").unwrap_err().kind,
            "offer.malformed"
        );
        let huge = format!("{ok}{}", "a".repeat(MAX_LINK_BYTES));
        assert_eq!(check_link(&huge).unwrap_err().kind, "offer.too_large");
    }

    #[test]
    fn queued_links_come_out_oldest_first_and_refused_ones_as_errors() {
        let state = AppState::from_environment();
        assert!(state.take_link().is_none());
        state.queue_link(check_link(
            "dccrequest://request?vc_request_url=https%3A%2F%2Fx.example%2Fe%2F1",
        ));
        state.queue_link(check_link("not a link"));
        assert!(state.take_link().unwrap().unwrap().starts_with("dccrequest://"));
        assert_eq!(state.take_link().unwrap().unwrap_err().kind, "offer.malformed");
        assert!(state.take_link().is_none());
    }
}
