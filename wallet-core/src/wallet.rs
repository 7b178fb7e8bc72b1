//! The [`Wallet`] facade: the one entry point through which the CLI and the app use the domain.
//!
//! **API Boundary**: everything an interface may do with a wallet is a method here. A `Wallet` holds the
//! data folder's process lock for as long as it lives; when unlocked it also holds the data key and the open
//! store. Locking drops both.

use std::path::Path;
use std::sync::Arc;

use crate::backup::{self, BackupError};
use crate::clock::{Clock, SystemClock};
use crate::credentials::{self, CredentialError};
use crate::datadir::{DataDir, DataDirError, Found};
use crate::keys::PublicKey;
use crate::profiles::{self, ProfileError};
use crate::secret::{Passphrase, SymmetricKey};
use crate::settings::{self, Settings};
use crate::store::vault::{self, KdfParams, NewProtection, Protection, VaultError};
use crate::store::{Store, StoreError};
use crate::view::{
    AddOutcome, CredentialSummary, ExportReport, OpenOutcome, Profile, ProtectionKind, RestoreReport,
    WalletInfo, WalletState,
};

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The data folder could not be opened or created.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error("this wallet is not set up yet: run 'carnet init' (or open the Carnet app)")]
    NotInitialized,
    #[error("this wallet is already set up")]
    AlreadyInitialized,
    #[error("the wallet is locked: unlock it first")]
    Locked,
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Import(#[from] crate::importer::ImportError),
    #[error(transparent)]
    Present(#[from] crate::present::PresentError),
    /// An offer could not be inspected or received (nothing was stored).
    #[error(transparent)]
    Offer(#[from] crate::offer::OfferError),
    /// The network client could not be made.
    #[error(transparent)]
    Net(#[from] crate::net::NetError),
    #[error(transparent)]
    Collection(#[from] crate::collections::CollectionError),
}

impl WalletError {
    /// A stable, machine-readable code for this error, which user interfaces translate.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DataDir(e) => e.code(),
            Self::NotInitialized => "wallet.not_initialized",
            Self::AlreadyInitialized => "wallet.already_initialized",
            Self::Locked => "wallet.locked",
            Self::Vault(e) => match e {
                VaultError::WrongPassphrase => "vault.wrong_passphrase",
                VaultError::PassphraseRequired => "vault.passphrase_required",
                VaultError::PassphraseTooShort { .. } => "vault.passphrase_too_short",
                VaultError::KeyringUnavailable { .. } => "vault.keyring_unavailable",
                VaultError::KeyringEntry { .. } => "vault.keyring_entry",
                _ => "vault.damaged",
            },
            Self::Store(e) => store_code(e),
            Self::Profile(e) => match e {
                ProfileError::NotFound { .. } => "profile.not_found",
                ProfileError::EmptyName => "profile.empty_name",
                ProfileError::NameTooLong { .. } => "profile.name_too_long",
                ProfileError::HoldsCredentials { .. } => "profile.holds_credentials",
                ProfileError::LastProfileHoldsCredentials { .. } => "profile.last_holds_credentials",
                ProfileError::Store(s) => store_code(s),
                _ => "profile.key_error",
            },
            Self::Credential(e) => match e {
                CredentialError::Empty => "credential.empty",
                CredentialError::TooLarge { .. } => "credential.too_large",
                CredentialError::NotFound { .. } => "credential.not_found",
                CredentialError::UnknownProfile { .. } => "profile.not_found",
                CredentialError::Store(s) => store_code(s),
                _ => "credential.malformed",
            },
            Self::Backup(e) => match e {
                BackupError::NotABackup => "backup.not_a_backup",
                BackupError::TooNew { .. } => "backup.too_new",
                BackupError::Damaged { .. } => "backup.damaged",
                BackupError::WrongPassphrase => "backup.wrong_passphrase",
                BackupError::TooLarge { .. } => "backup.too_large",
                BackupError::OutputExists { .. } => "backup.output_exists",
                BackupError::OutputNotEmpty { .. } => "backup.output_not_empty",
                BackupError::Write { .. } => "backup.write_failed",
                BackupError::Read { .. } => "backup.read_failed",
                BackupError::Vault(VaultError::PassphraseTooShort { .. }) => "vault.passphrase_too_short",
                BackupError::Store(s) => store_code(s),
                BackupError::Verification { .. } => "backup.verification_failed",
                _ => "backup.failed",
            },
            Self::Import(e) => match e {
                crate::importer::ImportError::Store(s) => store_code(s),
                _ => "import.failed",
            },
            Self::Present(e) => match e {
                crate::present::PresentError::Store(s) => store_code(s),
                other => other.code(),
            },
            Self::Offer(e) => e.code(),
            Self::Net(e) => e.code(),
            Self::Collection(e) => match e {
                crate::collections::CollectionError::Store(s) => store_code(s),
                other => other.code(),
            },
        }
    }
}

fn store_code(e: &StoreError) -> &'static str {
    match e {
        StoreError::InUse => "data_dir.in_use",
        StoreError::Unopenable { .. } | StoreError::WrongKey => "store.unopenable",
        StoreError::Damaged { .. } | StoreError::Format { .. } => "store.damaged",
        StoreError::DiskFull { .. } => "store.disk_full",
        _ => "store.io",
    }
}

/// A learner's wallet, opened from its data folder.
pub struct Wallet {
    dir: DataDir,
    outcome: OpenOutcome,
    clock: Arc<dyn Clock>,
    store: Option<Store>,
    /// The portfolio index, built on first query and dropped whenever credentials change.
    index: std::sync::Mutex<Option<Arc<crate::portfolio::Index>>>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("data_dir", &self.dir.path())
            .field("unlocked", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// Opens the wallet in `data_dir`, creating the folder and a new (uninitialised) wallet when there is none.
    ///
    /// Never writes into a folder that holds other files, and leaves nothing behind when it fails. Takes the
    /// wallet's process lock: while this value lives, another process gets "open in another Carnet".
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
        Ok(Self {
            dir,
            outcome,
            clock,
            store: None,
            index: std::sync::Mutex::new(None),
        })
    }

    /// Absolute path of the wallet's data folder.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn state(&self) -> WalletState {
        match (&self.dir.header().vault, &self.store) {
            (None, _) => WalletState::Uninitialized,
            (Some(_), None) => WalletState::Locked,
            (Some(_), Some(_)) => WalletState::Unlocked,
        }
    }

    pub fn protection(&self) -> Option<ProtectionKind> {
        self.dir.header().vault.as_ref().map(|v| match v.protection {
            Protection::Keyring { .. } => ProtectionKind::Keyring,
            Protection::Passphrase { .. } => ProtectionKind::Passphrase,
        })
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
            state: self.state(),
            protection: self.protection(),
        })
    }

    /// Sets up the encrypted store, protected by the keyring or a passphrase, and leaves the wallet unlocked.
    /// The header is written last: if anything fails before, the wallet stays uninitialised.
    pub fn init(&mut self, protection: NewProtection) -> Result<(), WalletError> {
        if self.dir.header().vault.is_some() {
            return Err(WalletError::AlreadyInitialized);
        }
        // A store left by an earlier, interrupted init has no header entry and no data worth keeping.
        let _ = std::fs::remove_dir_all(self.dir.path().join(crate::store::STORE_DIR));
        let data_key = SymmetricKey::generate().map_err(StoreError::from)?;
        let vault = vault::wrap(&data_key, &self.dir.header().wallet_id, &protection)?;
        let store = Store::open(self.dir.path(), data_key, true)?;
        if let Err(e) = self.dir.set_vault(Some(vault.clone())) {
            vault::forget(&vault.protection);
            return Err(e.into());
        }
        self.store = Some(store);
        Ok(())
    }

    /// Unlocks with the keyring (no passphrase) or the passphrase. A wrong passphrase changes nothing.
    pub fn unlock(&mut self, passphrase: Option<&Passphrase>) -> Result<(), WalletError> {
        if self.store.is_some() {
            return Ok(());
        }
        let header = self.dir.header();
        let vault = header.vault.as_ref().ok_or(WalletError::NotInitialized)?;
        let data_key = vault::unwrap(vault, &header.wallet_id, passphrase)?;
        self.store = Some(Store::open(self.dir.path(), data_key, false)?);
        Ok(())
    }

    /// Forgets the data key and closes the store (the folder stays locked to this process).
    pub fn lock(&mut self) {
        self.forget_index();
        if let Some(store) = self.store.take() {
            let _ = store.flush();
        }
    }

    /// Re-wraps the data key under a new protection (new passphrase, or switch to/from the keyring). No record
    /// is re-encrypted. The old keyring entry is removed only after the new header is on disk.
    pub fn change_protection(&mut self, protection: NewProtection) -> Result<(), WalletError> {
        let store = self.store.as_ref().ok_or(WalletError::Locked)?;
        let old = self
            .dir
            .header()
            .vault
            .clone()
            .ok_or(WalletError::NotInitialized)?;
        let new = vault::wrap(store.data_key(), &self.dir.header().wallet_id, &protection)?;
        if let Err(e) = self.dir.set_vault(Some(new.clone())) {
            if new.protection != old.protection {
                vault::forget(&new.protection);
            }
            return Err(e.into());
        }
        if new.protection != old.protection {
            vault::forget(&old.protection);
        }
        Ok(())
    }

    fn store(&self) -> Result<&Store, WalletError> {
        match (&self.store, &self.dir.header().vault) {
            (Some(s), _) => Ok(s),
            (None, None) => Err(WalletError::NotInitialized),
            (None, Some(_)) => Err(WalletError::Locked),
        }
    }

    // ---- profiles ----

    pub fn create_profile(&self, name: &str) -> Result<Profile, WalletError> {
        Ok(profiles::create(self.store()?, name, self.clock.now())?)
    }

    pub fn profiles(&self) -> Result<Vec<Profile>, WalletError> {
        Ok(profiles::list(self.store()?)?)
    }

    pub fn profile(&self, id: &str) -> Result<Profile, WalletError> {
        Ok(profiles::get(self.store()?, id)?)
    }

    pub fn rename_profile(&self, id: &str, name: &str) -> Result<Profile, WalletError> {
        Ok(profiles::rename(self.store()?, id, name)?)
    }

    pub fn set_default_profile(&self, id: &str) -> Result<Profile, WalletError> {
        Ok(profiles::set_default(self.store()?, id)?)
    }

    /// Deletes a profile. When it holds credentials, nothing happens unless `confirmed`, and then they move to
    /// the default profile; returns the id of the profile that received them.
    pub fn delete_profile(&self, id: &str, confirmed: bool) -> Result<Option<String>, WalletError> {
        let moved = profiles::delete(self.store()?, id, confirmed)?;
        self.forget_index();
        Ok(moved)
    }

    /// Signs `message` with a profile's key (Ed25519); returns the 64-byte signature.
    pub fn sign(&self, profile_id: &str, message: &[u8]) -> Result<[u8; 64], WalletError> {
        Ok(profiles::secret_key(self.store()?, profile_id)?.sign(message))
    }

    /// A profile's public key (to verify what it signed).
    pub fn public_key(&self, profile_id: &str) -> Result<PublicKey, WalletError> {
        Ok(profiles::secret_key(self.store()?, profile_id)?.public_key())
    }

    // ---- credentials (raw storage; import and verification build on this) ----

    /// Stores a credential's bytes verbatim for a profile (default profile when `None`).
    pub fn add_credential(
        &self,
        raw: &[u8],
        profile_id: Option<&str>,
        source: &str,
    ) -> Result<AddOutcome, WalletError> {
        let store = self.store()?;
        let default = profiles::default_id(store)?;
        let profile = profile_id.map(str::to_owned).or(default);
        Ok(
            credentials::add(store, raw, profile.as_deref(), source, self.clock.now())
                .inspect(|_| self.forget_index())?,
        )
    }

    pub fn credentials(&self) -> Result<Vec<CredentialSummary>, WalletError> {
        Ok(credentials::all(self.store()?)?
            .iter()
            .map(|c| c.summary())
            .collect())
    }

    /// The original bytes of a credential.
    pub fn credential_bytes(&self, id: &str) -> Result<Vec<u8>, WalletError> {
        Ok(credentials::get(self.store()?, id)?.raw)
    }

    // ---- import and portfolio ----

    /// Imports files, folders and pasted items: verifies each credential, stores the ones that hold (and, when
    /// asked, the others in quarantine), and reports every item. `on_event` hears each item once it is durable,
    /// and progress; `cancel` stops it between files, keeping everything already reported.
    pub fn import(
        &self,
        sources: &[crate::importer::Source],
        options: &crate::importer::ImportOptions,
        on_event: &mut dyn FnMut(crate::importer::Event),
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<crate::importer::Summary, WalletError> {
        let store = self.store()?;
        if let Some(p) = &options.profile_id {
            profiles::get(store, p)?;
        }
        let ctx = self.import_context(store)?;
        let result = crate::importer::run(store, &ctx, sources, options, on_event, cancel);
        self.forget_index();
        Ok(result?)
    }

    /// What the importer needs to know about the wallet: every profile's DIDs, the default profile, now.
    fn import_context(&self, store: &Store) -> Result<crate::importer::Context, WalletError> {
        let mut dids = std::collections::HashMap::new();
        // Only the DIDs: listing profiles would count credentials, decrypting the whole wallet before each import.
        for (id, [did_key, did_jwk]) in profiles::dids(store)? {
            dids.insert(did_key, id.clone());
            dids.insert(did_jwk, id);
        }
        Ok(crate::importer::Context {
            dids,
            default_profile: profiles::default_id(store)?,
            now: self.clock.now(),
        })
    }

    fn forget_index(&self) {
        if let Ok(mut i) = self.index.lock() {
            *i = None;
        }
    }

    fn portfolio_index(&self) -> Result<Arc<crate::portfolio::Index>, WalletError> {
        let store = self.store()?;
        let mut guard = self.index.lock().map_err(|_| WalletError::Locked)?;
        if let Some(i) = guard.as_ref() {
            return Ok(i.clone());
        }
        let index = Arc::new(crate::portfolio::Index::build(&credentials::all(store)?));
        *guard = Some(index.clone());
        Ok(index)
    }

    /// The portfolio: credentials matching `query`, most recently awarded first (or as `query.sort` says).
    pub fn portfolio(&self, query: &crate::portfolio::Query) -> Result<crate::portfolio::Page, WalletError> {
        let only: Option<std::collections::HashSet<String>> = match &query.collection {
            Some(c) => Some(
                crate::collections::get(self.store()?, c)?
                    .credential_ids
                    .into_iter()
                    .collect(),
            ),
            None => None,
        };
        Ok(self.portfolio_index()?.query_in(query, only.as_ref()))
    }

    /// What the filters can offer: each issuer, achievement type and year present (verified, current credentials
    /// and, with `include_quarantined`, the others), with how many credentials have it.
    pub fn portfolio_facets(
        &self,
        include_quarantined: bool,
    ) -> Result<crate::overview::Facets, WalletError> {
        Ok(crate::overview::facets(
            self.portfolio_index()?.entries(),
            include_quarantined,
        ))
    }

    /// The timeline: years, then issuers, and the pathways the signed data draws between credentials.
    pub fn timeline(&self) -> Result<crate::overview::Timeline, WalletError> {
        Ok(crate::overview::timeline(self.portfolio_index()?.entries()))
    }

    /// Skills, achievement types, tags and fields gathered across credentials; `search` narrows them.
    pub fn skills(&self, search: Option<&str>) -> Result<crate::overview::Skills, WalletError> {
        Ok(crate::overview::skills(self.portfolio_index()?.entries(), search))
    }

    /// Each issuer with its credentials, identity, key binding, endorsements and award span.
    pub fn issuers(&self) -> Result<Vec<crate::overview::IssuerSummary>, WalletError> {
        Ok(crate::overview::issuers(self.portfolio_index()?.entries()))
    }

    // ---- collections ----

    pub fn collections(&self) -> Result<Vec<crate::collections::Collection>, WalletError> {
        Ok(crate::collections::all(self.store()?)?)
    }

    pub fn create_collection(&self, name: &str) -> Result<crate::collections::Collection, WalletError> {
        Ok(crate::collections::create(self.store()?, name, self.clock.now())?)
    }

    pub fn rename_collection(
        &self,
        id: &str,
        name: &str,
    ) -> Result<crate::collections::Collection, WalletError> {
        Ok(crate::collections::rename(self.store()?, id, name)?)
    }

    pub fn delete_collection(&self, id: &str) -> Result<(), WalletError> {
        Ok(crate::collections::delete(self.store()?, id)?)
    }

    /// Adds credentials to a collection (`member`), or takes them out.
    pub fn set_collection_members(
        &self,
        id: &str,
        credential_ids: &[String],
        member: bool,
    ) -> Result<crate::collections::Collection, WalletError> {
        Ok(crate::collections::set_members(
            self.store()?,
            id,
            credential_ids,
            member,
        )?)
    }

    /// Everything the details view shows of a credential besides its verification (criteria, results, evidence,
    /// endorsements, alignments…), read again from its signed bytes: the signed reading of a check made now,
    /// offline, with the wallet's cache. `None` when the proof does not hold (nothing unsigned is shown).
    pub async fn credential_facts(&self, id: &str) -> Result<Option<crate::facts::Details>, WalletError> {
        let c = credentials::get(self.store()?, id)?;
        let report = self.report_for(&c.raw, &crate::net::Net::offline()).await?;
        // Only what a signature covers is shown: nothing of a credential whose proof does not hold.
        let signed = report.filter(crate::importer::proof_holds);
        Ok(signed.and_then(|r| r.document).map(|d| crate::facts::details(&d)))
    }

    /// The report, among those the bytes yield, that describes exactly these bytes.
    async fn report_for(
        &self,
        raw: &[u8],
        net: &crate::net::Net,
    ) -> Result<Option<crate::verify::Report>, WalletError> {
        let options = crate::verify::Options::at(self.clock.now());
        let reports = self.verify_with_cache(raw, net, &options).await?;
        let trimmed = raw.trim_ascii();
        let mine = reports
            .iter()
            .position(|r| r.raw.as_deref().map(<[u8]>::trim_ascii) == Some(trimmed))
            .unwrap_or(0);
        Ok(reports.into_iter().nth(mine))
    }

    /// Verifies a stored credential again now (with `net`: online when the learner allows it, else from the
    /// cache) and keeps the new verdict, checks and facts. One that no longer verifies goes to quarantine; one in
    /// quarantine that verifies now leaves it. Its picture, provenance and version links are kept.
    pub async fn reverify(
        &self,
        id: &str,
        net: &crate::net::Net,
    ) -> Result<crate::portfolio::Detail, WalletError> {
        let store = self.store()?;
        let mut c = credentials::get(store, id)?;
        let Some(report) = self.report_for(&c.raw, net).await? else {
            return self.credential(id);
        };
        let old = c.meta.clone();
        let channel = old
            .as_ref()
            .map(|m| m.channel.clone())
            .unwrap_or_else(|| "file".into());
        let valid = report.verdict == crate::verify::Verdict::Valid;
        let mut meta = crate::importer::stored_meta(
            &report,
            &channel,
            self.clock.now(),
            !valid,
            None,
            &std::collections::HashMap::new(),
        );
        if let Some(old) = old {
            if meta.image.is_none() {
                meta.image = old.image;
                meta.image_source = old.image_source;
            }
            meta.superseded_by = old.superseded_by;
        }
        c.meta = Some(meta);
        store.write_batch(&[crate::store::BatchWrite::put(
            crate::store::trees::CREDENTIALS,
            c.id.as_bytes().to_vec(),
            &c,
        )?])?;
        self.forget_index();
        self.credential(id)
    }

    /// The earlier versions this credential replaced (re-issues with the same credential id), most recent first:
    /// the way from a current credential back to its superseded versions.
    pub fn earlier_versions(&self, id: &str) -> Result<Vec<crate::portfolio::PortfolioEntry>, WalletError> {
        let store = self.store()?;
        let mut out = Vec::new();
        for e in self.portfolio_index()?.entries().iter().filter(|e| e.superseded) {
            let c = credentials::get(store, &e.id)?;
            if c.meta.as_ref().and_then(|m| m.superseded_by.as_deref()) == Some(id) {
                out.push(e.clone());
            }
        }
        Ok(out)
    }

    /// One credential: what the portfolio shows, its latest verification and its signed bytes.
    pub fn credential(&self, id: &str) -> Result<crate::portfolio::Detail, WalletError> {
        let c = credentials::get(self.store()?, id)?;
        Ok(crate::portfolio::Detail {
            entry: crate::portfolio::PortfolioEntry::from_stored(&c),
            checks: c.meta.as_ref().map(|m| m.checks.clone()).unwrap_or_default(),
            verified_at: c.meta.as_ref().map(|m| m.verified_at),
            superseded_by: c.meta.as_ref().and_then(|m| m.superseded_by.clone()),
            raw: c.raw,
        })
    }

    /// The badge's picture as a data: URI, when it has one.
    pub fn credential_image(&self, id: &str) -> Result<Option<String>, WalletError> {
        Ok(credentials::get(self.store()?, id)?.meta.and_then(|m| m.image))
    }

    /// Verifies bytes with the wallet's network settings and its cache of fetched documents (issuer keys, status
    /// lists), so what was fetched once is still checked offline, with its date.
    pub async fn verify_with_cache(
        &self,
        bytes: &[u8],
        net: &crate::net::Net,
        options: &crate::verify::Options,
    ) -> Result<Vec<crate::verify::Report>, WalletError> {
        let cache = credentials::StoreCache::new(self.store()?);
        Ok(crate::verify::verify_bytes(bytes, net, &cache, options).await)
    }

    // ---- presentations ----

    /// The stored credentials of a request, each with how it goes in a presentation (or why it cannot) and its
    /// verification now (through the wallet's cache, with `net`).
    async fn selection(
        &self,
        req: &crate::present::PresentRequest,
        net: &crate::net::Net,
    ) -> Result<
        (
            Profile,
            Vec<(
                credentials::StoredCredential,
                Result<crate::present::Embedded, String>,
                Option<crate::verify::Report>,
            )>,
        ),
        WalletError,
    > {
        use crate::present::Embedded;
        crate::present::check_request(req)?;
        let store = self.store()?;
        let profile_id = match &req.profile_id {
            Some(p) => p.clone(),
            None => profiles::default_id(store)?.ok_or(ProfileError::NotFound {
                id: "(default)".into(),
            })?,
        };
        let profile = profiles::get(store, &profile_id)?;
        let mut out = Vec::new();
        for id in &req.credential_ids {
            let c = credentials::get(store, id)?;
            let embedded = crate::present::embeddable(&c);
            // Re-checked now, from the stored bytes; the report that describes exactly these bytes.
            let report = match &embedded {
                Ok(Embedded::JsonLd(..) | Embedded::Jwt(_)) => self.report_for(&c.raw, net).await?,
                Err(_) => None,
            };
            out.push((c, embedded, report));
        }
        Ok((profile, out))
    }

    /// What presenting `req` would disclose — each credential's name, issuer (and who vouches for it), subject,
    /// picture and its verification now — before anything is signed or written.
    pub async fn preview_presentation(
        &self,
        req: &crate::present::PresentRequest,
        net: &crate::net::Net,
    ) -> Result<crate::present::Preview, WalletError> {
        use crate::present::Embedded;
        let (profile, selection) = self.selection(req, net).await?;
        let mut items = Vec::new();
        let mut unverified = Vec::new();
        let mut not_presentable = Vec::new();
        let mut legacy_possible = true;
        for (c, embedded, report) in &selection {
            let mut d = crate::present::disclosure(
                c,
                report.as_ref(),
                embedded.as_ref().ok(),
                &[profile.did_key.as_str(), profile.did_jwk.as_str()],
            );
            let label = d.name.clone().unwrap_or_else(|| c.id.clone());
            match embedded {
                Err(why) => {
                    d.not_presentable = Some(why.clone());
                    not_presentable.push((label.clone(), why.clone()));
                    legacy_possible = false;
                }
                Ok(Embedded::JsonLd(_, 1)) => {}
                Ok(_) => legacy_possible = false,
            }
            if embedded.is_ok() && d.verdict != crate::verify::Verdict::Valid {
                unverified.push(label);
            }
            items.push(d);
        }
        Ok(crate::present::Preview {
            profile_id: profile.id.clone(),
            holder: profile.did_key.clone(),
            items,
            unverified,
            legacy_possible,
            not_presentable,
        })
    }

    /// Signs a presentation of `req` with the holder profile's key, after re-checking every credential: one that
    /// does not verify today goes in only when `include_unverified` (the learner confirmed). Nothing is written;
    /// record what was shared with [`Wallet::record_share`].
    pub async fn present(
        &self,
        req: &crate::present::PresentRequest,
        include_unverified: bool,
        net: &crate::net::Net,
    ) -> Result<crate::present::Presentation, WalletError> {
        use crate::present::PresentError;
        let (profile, selection) = self.selection(req, net).await?;
        let mut unverified = Vec::new();
        let mut embedded = Vec::new();
        let mut reports = Vec::new();
        for (c, e, report) in selection {
            let name = report
                .as_ref()
                .and_then(|r| r.credential.as_ref())
                .and_then(|i| i.name.clone())
                .or_else(|| c.meta.as_ref().and_then(|m| m.info.name.clone()))
                .unwrap_or_else(|| c.id.clone());
            let e = e.map_err(|reason| PresentError::NotPresentable {
                name: name.clone(),
                reason,
            })?;
            if report.as_ref().map(|r| r.verdict) != Some(crate::verify::Verdict::Valid) {
                unverified.push(name.clone());
            }
            embedded.push((name, e));
            reports.push(
                report.unwrap_or_else(|| crate::verify::Report::unreadable(None, "not verified".into())),
            );
        }
        if !unverified.is_empty() && !include_unverified {
            return Err(PresentError::NeedsConfirmation { names: unverified }.into());
        }
        let id = crate::present::new_id()?;
        let now = self.clock.now();
        let doc = crate::present::document(req.format, &id, &profile.did_key, &embedded)?;
        let key = profiles::secret_key(self.store()?, &profile.id)?;
        let text = crate::present::sign(
            req.format,
            &doc,
            &key,
            &profile.did_key,
            req.challenge.as_deref(),
            req.domain.as_deref(),
            now,
        )
        .await?;
        Ok(crate::present::Presentation {
            format: req.format,
            text,
            holder: profile.did_key,
            id,
            credential_ids: req.credential_ids.clone(),
            challenge: req.challenge.clone(),
            domain: req.domain.clone(),
            created_at: now,
            reports,
        })
    }

    /// Adds to the encrypted share log that `presentation` was shared in `forms` (call it once the file, QR or
    /// page was written). Returns the record.
    pub fn record_share(
        &self,
        presentation: &crate::present::Presentation,
        forms: &[crate::present::ShareForm],
    ) -> Result<crate::present::ShareRecord, WalletError> {
        let store = self.store()?;
        let mut credentials = Vec::new();
        for id in &presentation.credential_ids {
            let name = credentials::get(store, id)
                .ok()
                .and_then(|c| c.meta.and_then(|m| m.info.name));
            credentials.push((id.clone(), name));
        }
        let record = crate::present::ShareRecord {
            id: crate::secret::random_id()
                .map_err(|e| crate::present::PresentError::Random(e.to_string()))?,
            at: self.clock.now(),
            forms: forms.to_vec(),
            format: presentation.format,
            holder: presentation.holder.clone(),
            domain: presentation.domain.clone(),
            challenge: presentation.challenge.clone(),
            presentation_id: presentation.id.clone(),
            credentials,
        };
        crate::present::log(store, &record)?;
        Ok(record)
    }

    /// What was shared, most recent first.
    pub fn share_history(&self) -> Result<Vec<crate::present::ShareRecord>, WalletError> {
        Ok(crate::present::history(self.store()?)?)
    }

    // ---- offers from issuers ----

    /// Reads an offer link (OpenID4VCI offer, VC-API exchange) and returns what the learner consents to — issuer,
    /// credentials, receiving profile, transaction code — with what accepting it needs. Fetches the offer (by
    /// reference) and the issuer's metadata through `policy` (an issuer on this computer only with
    /// [`crate::net::NetPolicy::allow_local_issuers`]); never the token endpoint, and nothing for an exchange.
    pub async fn inspect_offer(
        &self,
        link: &str,
        options: &crate::offer::InspectOptions,
        policy: &crate::net::NetPolicy,
    ) -> Result<crate::offer::PendingOffer, WalletError> {
        let store = self.store()?;
        let profile_id = match &options.profile_id {
            Some(p) => p.clone(),
            None => profiles::default_id(store)?.ok_or(ProfileError::NotFound {
                id: "(default)".into(),
            })?,
        };
        let profile = profiles::get(store, &profile_id)?;
        let recipient = crate::offer::Recipient {
            profile_id: profile.id,
            profile_name: profile.name,
            did: profile.did_key,
        };
        let net = crate::net::Net::for_issuers(policy.clone())?;
        Ok(crate::offer::inspect(link, recipient, options, &net).await?)
    }

    /// Accepts an inspected offer for the profile its summary names: runs the protocol (proving possession of the
    /// profile's key), verifies every credential received, refuses them all when one does not verify or is not
    /// issued to that profile's DID, and stores them in one batch (channel `offer`, source "offer from
    /// <issuer>"). On any error nothing was stored. Like every use case that verifies, its future is not `Send`:
    /// run it on a blocking thread (the app's `with_wallet`) with a current-thread runtime.
    pub async fn accept_offer(
        &self,
        offer: &crate::offer::PendingOffer,
        tx_code: Option<&str>,
        policy: &crate::net::NetPolicy,
    ) -> Result<crate::offer::OfferResult, WalletError> {
        let store = self.store()?;
        let recipient = &offer.summary.recipient;
        let profile = profiles::get(store, &recipient.profile_id)?;
        if profile.did_key != recipient.did {
            return Err(ProfileError::NotFound {
                id: recipient.profile_id.clone(),
            }
            .into());
        }
        let key = profiles::secret_key(store, &profile.id)?;
        let holder = crate::offer::Holder {
            key: &key,
            did: &profile.did_key,
        };
        let issuer_net = crate::net::Net::for_issuers(policy.clone())?;
        let now = self.clock.now();
        let received = crate::offer::receive(offer, &holder, tx_code, now, &issuer_net).await?;
        // The credentials' own documents (keys, status lists, pictures) under the ordinary rules: public addresses.
        let net = if policy.offline {
            crate::net::Net::offline()
        } else {
            crate::net::Net::new(policy.clone())?
        };
        let cache = credentials::StoreCache::new(store);
        // Judged as of their receipt (an issuer dates a credential at the second it signs it).
        let options = crate::verify::Options::at(self.clock.now());
        let reports = crate::offer::check(&received, &net, &cache, &options, &profile.did_key).await?;
        let fetched = crate::importer::fetch_pictures(&reports, &net, &cache).await;
        let ctx = self.import_context(store)?;
        let import = crate::importer::ImportOptions {
            profile_id: Some(profile.id.clone()),
            ..Default::default()
        };
        let items = crate::importer::commit_together(
            store,
            &ctx,
            &import,
            "offer",
            &format!("offer from {}", offer.summary.issuer),
            &reports,
            &fetched,
        )?;
        self.forget_index();
        Ok(crate::offer::OfferResult {
            issuer: offer.summary.issuer.clone(),
            profile_id: profile.id,
            items,
            skipped: offer
                .summary
                .credentials
                .iter()
                .filter(|c| c.unsupported.is_some())
                .cloned()
                .collect(),
        })
    }

    // ---- the demo portfolio ----

    /// Adds the demo portfolio ([`crate::demo`]): its credentials verified offline like any import and stored
    /// together (channel `demo`, the expired one in quarantine with its reason), in the default profile. Adding
    /// it again adds nothing. Like every use case that verifies, its future is not `Send`.
    pub async fn add_demo(&self) -> Result<Vec<crate::importer::Item>, WalletError> {
        let store = self.store()?;
        let net = crate::net::Net::offline();
        let cache = credentials::StoreCache::new(store);
        let options = crate::verify::Options::at(self.clock.now());
        let ctx = self.import_context(store)?;
        let import = crate::importer::ImportOptions {
            keep_unverified: true,
            ..Default::default()
        };
        // What the demo issuers publish (their status list, the OB 2.0 issuer's documents), as if fetched now.
        let now = self.clock.now();
        let mut published = Vec::new();
        for (url, _, body) in crate::demo::HOSTED {
            let resource = crate::net::CachedResource {
                status: 200,
                body: body.to_vec(),
                fetched_at: now,
                final_url: Some((*url).to_owned()),
            };
            published.push(credentials::StoreCache::put_write(store, url, &resource)?);
        }
        store.write_batch(&published)?;
        let mut reports = Vec::new();
        for (_, bytes) in crate::demo::FILES {
            reports.extend(crate::verify::verify_bytes(bytes, &net, &cache, &options).await);
        }
        let items = crate::importer::commit_together(
            store,
            &ctx,
            &import,
            crate::demo::CHANNEL,
            "Carnet demo portfolio",
            &reports,
            &std::collections::HashMap::new(),
        )?;
        self.forget_index();
        Ok(items)
    }

    /// Removes every demo credential (those stored with channel `demo`) in one batch; returns how many.
    pub fn remove_demo(&self) -> Result<usize, WalletError> {
        let store = self.store()?;
        let mut writes = Vec::new();
        let mut n = 0;
        for c in credentials::all(store)? {
            if c.meta.as_ref().is_some_and(|m| m.channel == crate::demo::CHANNEL) {
                writes.extend(credentials::remove_writes(store, &c)?);
                n += 1;
            }
        }
        if n > 0 {
            for (url, _, _) in crate::demo::HOSTED {
                writes.push(credentials::StoreCache::remove_write(store, url));
            }
        }
        if !writes.is_empty() {
            store.write_batch(&writes)?;
        }
        self.forget_index();
        Ok(n)
    }

    /// Removes a credential for good (its older versions stay).
    pub fn remove_credential(&self, id: &str) -> Result<(), WalletError> {
        let store = self.store()?;
        let c = credentials::get(store, id)?;
        store.write_batch(&credentials::remove_writes(store, &c)?)?;
        self.forget_index();
        Ok(())
    }

    // ---- settings ----

    pub fn settings(&self) -> Result<Settings, WalletError> {
        Ok(settings::get(self.store()?)?)
    }

    pub fn set_settings(&self, new: &Settings) -> Result<(), WalletError> {
        Ok(settings::set(self.store()?, new)?)
    }

    // ---- backup, restore, export ----

    /// Writes an encrypted backup file (which must not exist). Returns its size in bytes.
    pub fn backup(&self, out: &Path, passphrase: &Passphrase) -> Result<u64, WalletError> {
        self.backup_with(out, passphrase, KdfParams::DEFAULT)
    }

    /// [`Wallet::backup`] with explicit key-derivation costs (tests use cheap ones).
    pub fn backup_with(
        &self,
        out: &Path,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<u64, WalletError> {
        let store = self.store()?;
        Ok(backup::write_backup(
            store,
            &self.dir.header().wallet_id,
            out,
            passphrase,
            params,
            self.clock.now(),
        )?)
    }

    /// Merges a backup into this wallet: idempotent, all or nothing. Every added credential is verified again
    /// from its signed bytes (the backup's own record of it is not believed), using `net` — offline: only what
    /// this wallet has cached — and kept in quarantine when it does not verify; the report counts them.
    pub fn restore(
        &self,
        file: &Path,
        passphrase: &Passphrase,
        net: &crate::net::NetPolicy,
    ) -> Result<RestoreReport, WalletError> {
        let report = backup::restore(self.store()?, file, passphrase, net, self.clock.now())?;
        self.forget_index();
        Ok(report)
    }

    /// Writes every credential as its original file, plus a manifest, into a new or empty folder.
    /// **Not encrypted**: interfaces must warn the learner first.
    pub fn export_plain(&self, folder: &Path) -> Result<ExportReport, WalletError> {
        Ok(backup::export_plain(self.store()?, folder)?)
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
        assert_eq!(info.state, WalletState::Uninitialized);
        assert_eq!(info.created_at, t);
        assert_eq!(info.data_dir, std::fs::canonicalize(&path).unwrap());
        assert_eq!(info.created_by, format!("Carnet {}", crate::VERSION));
        drop(wallet);

        let again = Wallet::open_or_create(&path).unwrap().info().unwrap();
        assert_eq!(again.outcome, OpenOutcome::Opened);
        assert_eq!(again.wallet_id, info.wallet_id);
        assert_eq!(again.created_at, t);
    }

    fn base58(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let mut digits: Vec<u8> = Vec::new();
        for &b in bytes {
            let mut carry = b as u32;
            for d in digits.iter_mut() {
                carry += (*d as u32) << 8;
                *d = (carry % 58) as u8;
                carry /= 58;
            }
            while carry > 0 {
                digits.push((carry % 58) as u8);
                carry /= 58;
            }
        }
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        std::iter::repeat_n('1', zeros)
            .chain(digits.iter().rev().map(|&d| ALPHABET[d as usize] as char))
            .collect()
    }

    /// Acceptance: after storing a credential with a marker and a profile, no file under the data folder holds
    /// the marker, the profile name, or the profile's private key in any common encoding.
    #[test]
    fn nothing_readable_touches_the_disk() {
        use crate::secret::Passphrase;
        use crate::store::vault::{KdfParams, NewProtection};
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        use base64::Engine;

        let tmp = tempfile::tempdir().unwrap();
        let mut w = Wallet::open_or_create(tmp.path()).unwrap();
        w.init(NewProtection::Passphrase(
            Passphrase::new("correct horse battery".into()),
            KdfParams::INSECURE_FOR_TESTS,
        ))
        .unwrap();
        let profile = w.create_profile("Zoé Tremblay-Gagnon").unwrap();
        let marker = "CARNET-MARKER-7f3a9c1e";
        let credential = format!(r#"{{"name":"{marker}","issuer":"Cégep de Sherbrooke"}}"#);
        w.add_credential(credential.as_bytes(), None, "marker.json")
            .unwrap();
        let secret = crate::profiles::secret_key(w.store().unwrap(), &profile.id)
            .unwrap()
            .to_bytes();
        let public = w.public_key(&profile.id).unwrap();
        w.lock();
        drop(w);

        let sk: &[u8] = secret.as_ref();
        let mut multicodec_sk = vec![0x80, 0x26];
        multicodec_sk.extend_from_slice(sk);
        let json_array = format!("{:?}", sk).replace(' ', "");
        let hex: String = sk.iter().map(|b| format!("{b:02x}")).collect();
        let needles: Vec<(&str, Vec<u8>)> = vec![
            ("marker", marker.as_bytes().to_vec()),
            ("issuer name", "Cégep de Sherbrooke".as_bytes().to_vec()),
            ("profile name", "Zoé Tremblay".as_bytes().to_vec()),
            ("profile name (ascii part)", b"Tremblay-Gagnon".to_vec()),
            ("secret key, raw", sk.to_vec()),
            ("secret key, first 12 bytes", sk[..12].to_vec()),
            ("secret key, base64", STANDARD.encode(sk).into_bytes()),
            (
                "secret key, base64 no pad",
                STANDARD_NO_PAD.encode(sk).into_bytes(),
            ),
            ("secret key, base64url", URL_SAFE.encode(sk).into_bytes()),
            (
                "secret key, base64url no pad",
                URL_SAFE_NO_PAD.encode(sk).into_bytes(),
            ),
            ("secret key, base58", base58(sk).into_bytes()),
            (
                "secret key, multibase",
                format!("z{}", base58(&multicodec_sk)).into_bytes(),
            ),
            ("secret key, hex", hex.into_bytes()),
            ("secret key, JSON array", json_array.into_bytes()),
            ("public key, raw", public.as_bytes().to_vec()),
            ("did:key", profile.did_key.into_bytes()),
            ("did:jwk", profile.did_jwk.into_bytes()),
        ];
        let mut files = Vec::new();
        let mut pending = vec![tmp.path().to_path_buf()];
        while let Some(d) = pending.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    pending.push(p)
                } else {
                    files.push(p)
                }
            }
        }
        assert!(files.len() >= 3, "the store wrote files: {files:?}");
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            for (what, needle) in &needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                    "{what} found in clear in {}",
                    file.display()
                );
            }
        }
    }
}
