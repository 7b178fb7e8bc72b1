//! State the app shares between commands: where the wallet lives, the wallet once opened, and the presentations
//! signed in this session (kept until the wallet locks, so that every save writes the very bytes that were signed).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use wallet_core::offer::PendingOffer;
use wallet_core::present::Presentation;
use wallet_core::qr::{Qr, QrForm};
use wallet_core::Wallet;

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
    /// The last presentations signed, newest last ([`KEPT_PRESENTATIONS`] at most); emptied when the wallet locks.
    presentations: Arc<Mutex<VecDeque<Signed>>>,
    /// The learner pressed "Lock now" in this session: the wallet stays locked until they unlock it, even when the
    /// keyring could open it by itself.
    locked_by_learner: Arc<AtomicBool>,
    /// Offers inspected and not yet accepted or declined, by opaque id, newest last ([`KEPT_OFFERS`] at most);
    /// their pre-authorized codes never leave Rust. Emptied when the wallet locks.
    offers: Arc<Mutex<VecDeque<(String, PendingOffer)>>>,
    /// How many offers were inspected in this session (their ids).
    offer_count: Arc<AtomicU64>,
    /// Links handed over by the OS or a second launch, checked, oldest first ([`KEPT_LINKS`] at most), waiting
    /// for the offer screen (which shows after unlock).
    links: Arc<Mutex<VecDeque<Result<String, CommandError>>>>,
}

/// How many inspected offers are kept for accepting.
pub const KEPT_OFFERS: usize = 8;
/// How many incoming links wait for the window.
pub const KEPT_LINKS: usize = 8;

/// How many signed presentations are kept for saving: the one on screen and a few before it.
pub const KEPT_PRESENTATIONS: usize = 8;

/// A presentation signed in this session, with its QR codes in each form as they were drawn (or why not).
#[derive(Debug, Clone)]
pub struct Signed {
    pub presentation: Arc<Presentation>,
    /// Empty for a VP-JWT, which has no QR code.
    pub qr: Vec<(QrForm, Result<Arc<Qr>, CommandError>)>,
}

impl Signed {
    /// The QR code of `form`, or why there is none.
    pub fn qr(&self, form: QrForm) -> Result<Arc<Qr>, CommandError> {
        match self.qr.iter().find(|(f, _)| *f == form) {
            Some((_, drawn)) => drawn.clone(),
            None => Err(CommandError::new(
                "share.no_qr",
                "a VP-JWT presentation has no QR code: share it as a file",
            )),
        }
    }
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
            presentations: Arc::new(Mutex::new(VecDeque::new())),
            offers: Arc::new(Mutex::new(VecDeque::new())),
            offer_count: Arc::new(AtomicU64::new(0)),
            links: Arc::new(Mutex::new(VecDeque::new())),
            locked_by_learner: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The state for a wallet in `dir` (tests).
    #[cfg(test)]
    pub fn for_dir(dir: PathBuf) -> Self {
        Self {
            data_dir: Ok(dir),
            ..Self::from_environment()
        }
    }

    /// Keeps an inspected offer until it is accepted or declined; returns its id (the oldest goes when too many).
    pub fn keep_offer(&self, offer: PendingOffer) -> String {
        let id = format!("offer-{}", self.offer_count.fetch_add(1, Ordering::Relaxed) + 1);
        if let Ok(mut kept) = self.offers.lock() {
            kept.push_back((id.clone(), offer));
            while kept.len() > KEPT_OFFERS {
                kept.pop_front();
            }
        }
        id
    }

    /// An inspected offer, by its id.
    pub fn offer(&self, id: &str) -> Result<PendingOffer, CommandError> {
        let kept = self
            .offers
            .lock()
            .map_err(|_| CommandError::new("app.internal", "offers lock poisoned"))?;
        kept.iter()
            .find(|(i, _)| i == id)
            .map(|(_, o)| o.clone())
            .ok_or_else(|| {
                CommandError::new(
                    "offer.not_found",
                    format!("no offer {id} is at hand (accepted, declined, or the wallet was locked since)"),
                )
            })
    }

    /// Forgets an inspected offer (accepted or declined).
    pub fn forget_offer(&self, id: &str) {
        if let Ok(mut kept) = self.offers.lock() {
            kept.retain(|(i, _)| i != id);
        }
    }

    /// Forgets every inspected offer (the wallet is locking).
    pub fn forget_offers(&self) {
        if let Ok(mut kept) = self.offers.lock() {
            kept.clear();
        }
    }

    /// Queues a link (or why it was refused) for the window; the oldest goes when too many wait.
    pub fn queue_link(&self, link: Result<String, CommandError>) {
        if let Ok(mut links) = self.links.lock() {
            links.push_back(link);
            while links.len() > KEPT_LINKS {
                links.pop_front();
            }
        }
    }

    /// The oldest link waiting, if any.
    pub fn take_link(&self) -> Option<Result<String, CommandError>> {
        self.links.lock().ok().and_then(|mut links| links.pop_front())
    }

    /// Keeps a signed presentation for the saves that follow (the oldest kept one goes when there are too many).
    pub fn keep_presentation(&self, signed: Signed) {
        if let Ok(mut kept) = self.presentations.lock() {
            kept.retain(|s| s.presentation.id != signed.presentation.id);
            kept.push_back(signed);
            while kept.len() > KEPT_PRESENTATIONS {
                kept.pop_front();
            }
        }
    }

    /// A presentation signed in this session, by its id.
    pub fn presentation(&self, id: &str) -> Result<Signed, CommandError> {
        let kept = self
            .presentations
            .lock()
            .map_err(|_| CommandError::new("app.internal", "presentations lock poisoned"))?;
        kept.iter()
            .find(|s| s.presentation.id == id)
            .cloned()
            .ok_or_else(|| {
                CommandError::new(
                    "share.not_found",
                    format!("no presentation {id} was signed since the wallet was unlocked"),
                )
            })
    }

    /// Forgets every signed presentation (the wallet is locking).
    pub fn forget_presentations(&self) {
        if let Ok(mut kept) = self.presentations.lock() {
            kept.clear();
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

    /// The wallet's state for the window. A wallet protected by the system keyring opens unlocked as soon as the
    /// keyring answers (onboarding promises "Carnet opens by itself when you are logged in"), unless the learner
    /// locked it in this session; when the keyring refuses, it stays locked and the lock screen's Unlock says why.
    pub async fn info_opening(&self) -> Result<wallet_core::WalletInfo, CommandError> {
        let auto = !self.locked_by_learner.load(Ordering::SeqCst);
        self.with_wallet(move |w| {
            if auto
                && w.state() == wallet_core::WalletState::Locked
                && w.protection() == Some(wallet_core::ProtectionKind::Keyring)
            {
                // A refusal is not an error here: the lock screen is the answer, and its button retries.
                let _refused = w.unlock(None);
            }
            w.info()
        })
        .await
    }

    /// Records that the learner locked the wallet (true) or unlocked it (false).
    pub fn set_locked_by_learner(&self, locked: bool) {
        self.locked_by_learner.store(locked, Ordering::SeqCst);
    }

    /// Runs `f` on the wallet (opening it first if needed) on a blocking thread, off the UI's event loop.
    pub async fn with_wallet<T: Send + 'static, E: Into<CommandError>>(
        &self,
        f: impl FnOnce(&mut Wallet) -> Result<T, E> + Send + 'static,
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
                Some(wallet) => f(wallet).map_err(Into::into),
                None => Err(CommandError::new("app.internal", "wallet not open")),
            }
        })
        .await
        .map_err(|e| CommandError::new("app.internal", e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn signed(id: &str, format: wallet_core::present::PresentFormat) -> Signed {
        Signed {
            presentation: Arc::new(Presentation {
                format,
                text: "{}".into(),
                holder: "did:key:z6MkHolder".into(),
                id: id.into(),
                credential_ids: vec!["c1".into()],
                challenge: None,
                domain: None,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
                reports: Vec::new(),
            }),
            qr: Vec::new(),
        }
    }

    /// Against the real Secret Service of the test command (scripts/with-keyring.sh); without one, fails when
    /// CARNET_REQUIRE_KEYRING is set (as in scripts/test.sh), else says it was skipped.
    #[test]
    fn a_keyring_wallet_opens_unlocked_unless_the_learner_locked_it() {
        if let Err(reason) = wallet_core::keyring_status() {
            assert!(
                std::env::var_os("CARNET_REQUIRE_KEYRING").is_none(),
                "CARNET_REQUIRE_KEYRING is set but no keyring is reachable: {reason}"
            );
            eprintln!("skipped: no Secret Service here ({reason})");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("w");
        {
            let mut w = Wallet::open_or_create(&dir).unwrap();
            w.init(wallet_core::NewProtection::Keyring).unwrap();
        }
        // A new session: opens unlocked by itself.
        let state = AppState::for_dir(dir.clone());
        let info = tauri::async_runtime::block_on(state.info_opening()).unwrap();
        assert_eq!(info.state, wallet_core::WalletState::Unlocked);
        // "Lock now": stays locked until the learner unlocks.
        tauri::async_runtime::block_on(state.with_wallet(|w| {
            w.lock();
            Ok::<_, wallet_core::WalletError>(())
        }))
        .unwrap();
        state.set_locked_by_learner(true);
        let info = tauri::async_runtime::block_on(state.info_opening()).unwrap();
        assert_eq!(info.state, wallet_core::WalletState::Locked);
        drop(state);
        // A passphrase wallet never opens by itself.
        let pdir = tmp.path().join("p");
        {
            let mut w = Wallet::open_or_create(&pdir).unwrap();
            w.init(wallet_core::NewProtection::Passphrase(
                wallet_core::Passphrase::new("correct horse battery".into()),
                wallet_core::KdfParams::INSECURE_FOR_TESTS,
            ))
            .unwrap();
        }
        let info = tauri::async_runtime::block_on(AppState::for_dir(pdir).info_opening()).unwrap();
        assert_eq!(info.state, wallet_core::WalletState::Locked);
        // Clean up the keyring entry.
        let mut w = Wallet::open_or_create(&dir).unwrap();
        w.unlock(None).unwrap();
        w.change_protection(wallet_core::NewProtection::Passphrase(
            wallet_core::Passphrase::new("correct horse battery".into()),
            wallet_core::KdfParams::INSECURE_FOR_TESTS,
        ))
        .unwrap();
    }

    #[test]
    fn the_last_presentations_are_kept_until_the_wallet_locks() {
        let state = AppState::from_environment();
        for i in 0..=KEPT_PRESENTATIONS {
            state.keep_presentation(signed(
                &format!("urn:uuid:{i}"),
                wallet_core::present::PresentFormat::DataIntegrity,
            ));
        }
        // The oldest went when one too many was kept; the others answer by id.
        assert_eq!(
            state.presentation("urn:uuid:0").unwrap_err().kind,
            "share.not_found"
        );
        assert_eq!(
            state.presentation("urn:uuid:1").unwrap().presentation.id,
            "urn:uuid:1"
        );
        let last = format!("urn:uuid:{KEPT_PRESENTATIONS}");
        assert!(state.presentation(&last).is_ok());
        state.forget_presentations();
        assert_eq!(state.presentation(&last).unwrap_err().kind, "share.not_found");
    }

    #[test]
    fn a_vp_jwt_has_no_qr_code_and_says_so() {
        let s = signed("urn:uuid:j", wallet_core::present::PresentFormat::Jwt);
        assert_eq!(s.qr(QrForm::Json).unwrap_err().kind, "share.no_qr");
        let too_large = CommandError::new("qr.too_large", "too large");
        let s = Signed {
            qr: vec![(QrForm::Json, Err(too_large))],
            ..signed("urn:uuid:d", wallet_core::present::PresentFormat::DataIntegrity)
        };
        assert_eq!(s.qr(QrForm::Json).unwrap_err().kind, "qr.too_large");
        assert_eq!(s.qr(QrForm::Vpqr).unwrap_err().kind, "share.no_qr");
    }
}
