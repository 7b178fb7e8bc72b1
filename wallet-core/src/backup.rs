//! Encrypted backups (one file, passphrase-protected, everything the wallet holds) and plain exports.
//!
//! Backup file, version 1:
//! `"CARNETBK" ‖ u16 version (BE) ‖ u32 header length (BE) ‖ header JSON ‖ sealed payload`.
//! The header holds the Argon2id parameters, the salt, a key check and the creation date — nothing about the
//! learner. The payload (profiles with their keys, credentials as raw bytes, settings) is sealed with
//! XChaCha20-Poly1305 under the passphrase-derived key, with every byte before it as associated data: any
//! changed, missing or added byte makes the whole file refuse to open. Restoring merges into the open
//! wallet in one atomic batch, so it is idempotent and a failure changes nothing. The seal proves only that the
//! file was made with the passphrase, not what its records claim: restore verifies every added credential again
//! from its signed bytes and rebuilds its record as an import would (see [`restore`] for the rule).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::credentials::{self, CredentialMeta, StoreCache, StoredCredential};
use crate::importer;
use crate::net::{CachedResource, FetchCache, Net, NetPolicy};
use crate::profiles::{self, StoredProfile};
use crate::secret::{random_array, Passphrase, RandomError, SymmetricKey};
use crate::settings::{self, Settings};
use crate::store::vault::{self, KdfParams, VaultError};
use crate::store::{envelope, trees, BatchWrite, Store, StoreError};
use crate::verify::{self, Check, Options, Report, Verdict};
use crate::view::{ExportReport, RestoreIssue, RestoreReport};

const MAGIC: &[u8; 8] = b"CARNETBK";
const VERSION: u16 = 1;
const MAX_HEADER: u32 = 64 * 1024;
/// Largest backup Carnet reads, in bytes: 10,000 credentials of 100 KiB fit many times over.
pub const MAX_BACKUP_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Why a backup, restore or export failed. In every case the wallet is left as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The file does not start with Carnet's backup signature.
    #[error("this file is not a Carnet backup")]
    NotABackup,
    /// A later backup format than this Carnet reads.
    #[error("this backup was made by a newer Carnet (backup format {found})")]
    TooNew { found: u16 },
    /// Truncated, altered, or unreadable once opened.
    #[error("the backup file is damaged or was modified ({detail}); it cannot be restored")]
    Damaged { detail: String },
    /// The passphrase does not open this backup.
    #[error("wrong passphrase for this backup")]
    WrongPassphrase,
    /// Larger than [`MAX_BACKUP_BYTES`].
    #[error("the backup is {size} bytes; Carnet reads backups up to {max} bytes")]
    TooLarge { size: u64, max: u64 },
    /// A backup is never written over an existing file.
    #[error("{path} already exists; choose a new file name")]
    OutputExists { path: PathBuf },
    /// An export goes only into a new or empty folder.
    #[error("{path} is not empty; export into a new or empty folder")]
    OutputNotEmpty { path: PathBuf },
    /// Writing the backup or an exported file failed (what was written is removed).
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    /// The backup file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    /// Deriving the backup key, or a passphrase too weak for a new backup.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Reading the wallet, or writing the restore's batch.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading the wallet's profiles.
    #[error(transparent)]
    Profile(#[from] profiles::ProfileError),
    /// No randomness for a salt or an id.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The restored credentials could not be verified at all (no runtime, no network client); nothing changed.
    #[error("the restored credentials could not be checked ({reason}); nothing was restored")]
    Verification { reason: String },
}

#[derive(Serialize, Deserialize)]
struct Header {
    kdf: KdfParams,
    /// Base64, 16 bytes.
    salt: String,
    /// Base64 of the first 16 bytes of a sub-key of the backup key: tells a wrong passphrase from damage.
    key_check: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    created_by: String,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    format: String,
    wallet_id: String,
    profiles: Vec<StoredProfile>,
    default_profile: Option<String>,
    credentials: Vec<StoredCredential>,
    settings: Settings,
    /// The share log (absent from backups made before it existed).
    #[serde(default)]
    shares: Vec<crate::present::ShareRecord>,
    /// The learner's collections (absent from backups made before they existed).
    #[serde(default)]
    collections: Vec<crate::collections::Collection>,
}

const PAYLOAD_FORMAT: &str = "carnet-backup-payload-v1";

fn key_check(key: &SymmetricKey) -> String {
    B64.encode(&key.derive("backup key check").as_bytes()[..16])
}

/// Writes an encrypted backup of everything in `store` to `out` (which must not exist yet).
pub(crate) fn write_backup(
    store: &Store,
    wallet_id: &str,
    out: &Path,
    passphrase: &Passphrase,
    params: KdfParams,
    now: OffsetDateTime,
) -> Result<u64, BackupError> {
    vault::check_new_passphrase(passphrase)?;
    let payload = Payload {
        format: PAYLOAD_FORMAT.to_owned(),
        wallet_id: wallet_id.to_owned(),
        profiles: profiles::all_stored(store)?,
        default_profile: profiles::default_id(store)?,
        credentials: credentials::all(store)?,
        settings: settings::get(store)?,
        shares: crate::present::history(store)?,
        collections: crate::collections::all(store)?,
    };
    let plain = Zeroizing::new(serde_json::to_vec(&payload).map_err(|e| BackupError::Damaged {
        detail: e.to_string(),
    })?);
    let salt: [u8; 16] = random_array()?;
    let key = params.derive(passphrase, &salt)?;
    let header = Header {
        kdf: params,
        salt: B64.encode(salt),
        key_check: key_check(&key),
        created_at: now,
        created_by: format!("Carnet {}", crate::VERSION),
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| BackupError::Damaged {
        detail: e.to_string(),
    })?;
    let mut file_bytes = Vec::with_capacity(plain.len() + header_json.len() + 64);
    file_bytes.extend_from_slice(MAGIC);
    file_bytes.extend_from_slice(&VERSION.to_be_bytes());
    file_bytes.extend_from_slice(&(header_json.len() as u32).to_be_bytes());
    file_bytes.extend_from_slice(&header_json);
    let sealed = envelope::seal(&key, &file_bytes, &plain)?;
    file_bytes.extend_from_slice(&sealed);
    write_new_file(out, &file_bytes)?;
    Ok(file_bytes.len() as u64)
}

/// Creates `path` (never overwriting), readable by its owner only (0600 on Unix), writes it fully and flushes it;
/// a partial file is removed.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let err = |e: std::io::Error| BackupError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::OutputExists {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(err(e)),
    };
    if let Err(e) = file.write_all(bytes).and_then(|_| file.sync_all()) {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(err(e));
    }
    Ok(())
}

fn read_backup(path: &Path, passphrase: &Passphrase) -> Result<Payload, BackupError> {
    let read_err = |e: std::io::Error| BackupError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let size = fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_BACKUP_BYTES {
        return Err(BackupError::TooLarge {
            size,
            max: MAX_BACKUP_BYTES,
        });
    }
    let bytes = fs::read(path).map_err(read_err)?;
    if bytes.len() < MAGIC.len() + 6 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(BackupError::NotABackup);
    }
    let damaged = |detail: &str| BackupError::Damaged {
        detail: detail.to_owned(),
    };
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    if version > VERSION {
        return Err(BackupError::TooNew { found: version });
    }
    if version == 0 {
        return Err(damaged("version 0"));
    }
    let header_len = u32::from_be_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]);
    if header_len > MAX_HEADER {
        return Err(damaged("header length out of range"));
    }
    let header_end = 14 + header_len as usize;
    if bytes.len() < header_end + envelope::OVERHEAD {
        return Err(damaged("truncated"));
    }
    let header: Header =
        serde_json::from_slice(&bytes[14..header_end]).map_err(|_| damaged("unreadable header"))?;
    let salt = B64.decode(&header.salt).map_err(|_| damaged("unreadable salt"))?;
    let key = header.kdf.derive(passphrase, &salt)?;
    if key_check(&key) != header.key_check {
        return Err(BackupError::WrongPassphrase);
    }
    let plain = envelope::open(&key, &bytes[..header_end], &bytes[header_end..])
        .map_err(|_| damaged("the contents fail their integrity check"))?;
    let payload: Payload = serde_json::from_slice(&plain).map_err(|_| damaged("unreadable contents"))?;
    if payload.format != PAYLOAD_FORMAT {
        return Err(damaged("unknown contents format"));
    }
    Ok(payload)
}

/// Merges a backup into the open wallet: adds what is missing, skips what is there. One atomic batch.
///
/// The backup is bytes from somewhere: only the credentials' signed bytes are believed. Each added credential is
/// verified again here, with `net` and this wallet's fetch cache (never the backup's), and its record rebuilt
/// as an import of the same bytes would build it ([`importer::stored_meta`]). The rule for what comes out:
///
/// - every credential is kept, its bytes verbatim, with its added date, source and profile from the backup;
/// - a credential that verifies now is in the portfolio; one that does not (a check fails, it cannot be
///   checked — e.g. offline with nothing cached —, or it is not a readable credential) is kept in quarantine with
///   its new verdict and reason, whatever the backup said;
/// - older versions of one credential (same issuer and id) are marked superseded by the latest, here as at import;
/// - a credential already here is left alone, except one in quarantine that verifies now: it leaves quarantine.
///
/// Documents fetched while verifying (online only) are cached in the same batch.
pub(crate) fn restore(
    store: &Store,
    path: &Path,
    passphrase: &Passphrase,
    net: &NetPolicy,
    now: OffsetDateTime,
) -> Result<RestoreReport, BackupError> {
    let payload = read_backup(path, passphrase)?;
    let mut report = RestoreReport {
        online: !net.offline,
        ..RestoreReport::default()
    };
    let mut writes = Vec::new();
    let existing: HashSet<String> = profiles::all_stored(store)?.into_iter().map(|p| p.id).collect();
    let mut known_profiles = existing.clone();
    for p in &payload.profiles {
        if existing.contains(&p.id) {
            report.profiles_present += 1;
        } else {
            writes.push(BatchWrite::put(trees::PROFILES, p.id.as_bytes().to_vec(), p)?);
            known_profiles.insert(p.id.clone());
            report.profiles_added += 1;
        }
    }
    let current_default = profiles::default_id(store)?;
    let default = match current_default {
        Some(d) => Some(d),
        None => {
            let d = payload
                .default_profile
                .clone()
                .filter(|d| known_profiles.contains(d));
            if let Some(d) = &d {
                writes.push(BatchWrite::put(trees::META, b"default_profile".to_vec(), d)?);
            }
            d
        }
    };

    // What to verify: every credential to add, and those already here in quarantine.
    let mut seen_hashes = HashSet::new();
    let mut targets = Vec::new();
    // A backup credential's id → its id here (collections name their members by id).
    let mut id_map: HashMap<String, String> = HashMap::new();
    for c in &payload.credentials {
        if !seen_hashes.insert(store.keyed_hash(&c.raw)) {
            report.credentials_present += 1;
            continue;
        }
        match credentials::find_duplicate(store, &c.raw)? {
            Some(id) => {
                id_map.insert(c.id.clone(), id.clone());
                report.credentials_present += 1;
                let here = store.get::<StoredCredential>(trees::CREDENTIALS, id.as_bytes())?;
                if let Some(here) = here.filter(|h| h.meta.as_ref().is_some_and(|m| m.quarantined)) {
                    targets.push(Target::Quarantined(Box::new(here)));
                }
            }
            None => targets.push(Target::New(c)),
        }
    }
    let jobs: Vec<Job> = targets
        .iter()
        .map(|t| match t {
            Target::New(c) => Job {
                raw: &c.raw,
                image: c.meta.as_ref().and_then(|m| m.image.as_deref()),
                channel: channel_of(c),
            },
            Target::Quarantined(here) => Job {
                raw: &here.raw,
                image: None,
                channel: channel_of(here),
            },
        })
        .collect();
    let cache = RestoreCache::new(store);
    let rechecked = recheck_all(&jobs, net, &cache, now)?;

    let mut restored: Vec<StoredCredential> = Vec::new();
    let mut ids = HashSet::new();
    for (target, (mut meta, reason)) in targets.into_iter().zip(rechecked) {
        match target {
            Target::New(c) => {
                // Ids are only kept when they look like Carnet's own and are free.
                let id = if is_carnet_id(&c.id)
                    && !ids.contains(&c.id)
                    && !store.contains(trees::CREDENTIALS, c.id.as_bytes())?
                {
                    c.id.clone()
                } else {
                    credentials::new_id()?
                };
                ids.insert(id.clone());
                id_map.insert(c.id.clone(), id.clone());
                let profile_id = c
                    .profile_id
                    .clone()
                    .filter(|p| known_profiles.contains(p))
                    .or_else(|| default.clone());
                report.credentials_added += 1;
                if meta.quarantined {
                    if meta.verdict == Verdict::Indeterminate {
                        report.unchecked += 1;
                    } else {
                        report.invalid += 1;
                    }
                    report.not_verified.push(RestoreIssue {
                        id: id.clone(),
                        name: meta.info.name.clone(),
                        verdict: meta.verdict,
                        reason,
                    });
                } else {
                    report.verified += 1;
                    if meta.checks.iter().any(|c| c.warning) {
                        report.not_fully_checked += 1;
                    }
                }
                restored.push(StoredCredential {
                    id,
                    raw: c.raw.clone(),
                    profile_id,
                    added_at: c.added_at,
                    source: c.source.clone(),
                    meta: Some(meta),
                });
            }
            Target::Quarantined(mut here) => {
                if meta.quarantined {
                    continue; // still not verified: left as it is
                }
                // The picture this wallet chose for it at import (by the same rule) stays, with where it came from.
                if let Some(m) = here.meta.as_ref().filter(|m| m.image.is_some()) {
                    meta.image = m.image.clone();
                    meta.image_source = m.image_source;
                }
                here.meta = Some(meta);
                report.left_quarantine += 1;
                restored.push(*here);
            }
        }
    }
    for older in settle_versions(store, &mut restored)? {
        writes.push(BatchWrite::put(
            trees::CREDENTIALS,
            older.id.as_bytes().to_vec(),
            &older,
        )?);
    }
    for cred in &restored {
        writes.extend(credentials::insert_writes(store, cred)?);
    }
    if !settings::exists(store)? {
        writes.push(BatchWrite::put(
            trees::META,
            settings::KEY.to_vec(),
            &payload.settings,
        )?);
    }
    // The share log: merged by record id (restoring twice adds nothing).
    for record in &payload.shares {
        if !store.contains(trees::SHARES, record.id.as_bytes())? {
            writes.push(BatchWrite::put(
                trees::SHARES,
                record.id.as_bytes().to_vec(),
                record,
            )?);
            report.shares_added += 1;
        }
    }
    // Collections: merged by id, members mapped to their ids here (restoring twice adds nothing).
    let (collection_writes, added) =
        crate::collections::merge_writes(store, &payload.collections, &|id| id_map.get(id).cloned())?;
    writes.extend(collection_writes);
    report.collections_added += added;
    for (url, resource) in cache.fetched() {
        writes.push(BatchWrite::put(
            trees::FETCH_CACHE,
            store.keyed_hash(url.as_bytes()).to_vec(),
            &resource,
        )?);
    }
    store.write_batch(&writes)?;
    Ok(report)
}

/// A credential of the backup to add, or one already here in quarantine to check again.
enum Target<'a> {
    New(&'a StoredCredential),
    Quarantined(Box<StoredCredential>),
}

/// One credential to verify again: its signed bytes, the picture its record names, how it first arrived.
struct Job<'a> {
    raw: &'a [u8],
    image: Option<&'a str>,
    channel: String,
}

/// How a credential first arrived, when its record says so in words Carnet uses; else `backup`.
fn channel_of(c: &StoredCredential) -> String {
    match c.meta.as_ref().map(|m| m.channel.as_str()) {
        Some(known @ ("file" | "folder" | "paste" | "url")) => known.to_owned(),
        _ => "backup".to_owned(),
    }
}

/// 32 lowercase hex digits, as [`credentials::new_id`] makes them.
fn is_carnet_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The wallet's fetch cache for reading; what this restore fetches is kept aside, to be written in its batch.
struct RestoreCache<'a> {
    wallet: StoreCache<'a>,
    fetched: Mutex<HashMap<String, CachedResource>>,
}

impl<'a> RestoreCache<'a> {
    fn new(store: &'a Store) -> Self {
        Self {
            wallet: StoreCache::new(store),
            fetched: Mutex::new(HashMap::new()),
        }
    }

    fn fetched(self) -> HashMap<String, CachedResource> {
        self.fetched
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FetchCache for RestoreCache<'_> {
    fn get(&self, url: &str) -> Option<CachedResource> {
        let fresh = self.fetched.lock().ok().and_then(|m| m.get(url).cloned());
        fresh.or_else(|| self.wallet.get(url))
    }

    fn put(&self, url: &str, resource: &CachedResource) {
        if let Ok(mut m) = self.fetched.lock() {
            m.insert(url.to_owned(), resource.clone());
        }
    }
}

/// Verifies every job on all cores; for each, in order, the rebuilt meta and why it did not verify.
fn recheck_all(
    jobs: &[Job],
    policy: &NetPolicy,
    cache: &RestoreCache,
    now: OffsetDateTime,
) -> Result<Vec<(CredentialMeta, Option<String>)>, BackupError> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 16)
        .min(jobs.len());
    let opts = Options::at(now);
    let next = AtomicUsize::new(0);
    let results = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (next, opts) = (&next, &opts);
                scope.spawn(move || -> Result<Vec<(usize, Rechecked)>, String> {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| format!("could not start verification: {e}"))?;
                    let net = if policy.offline {
                        Net::offline()
                    } else {
                        Net::new(policy.clone())
                            .map_err(|e| format!("could not start the network client: {e}"))?
                    };
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else {
                            return Ok(done);
                        };
                        done.push((i, recheck(&rt, &net, cache, opts, job, now)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| "verification stopped on an internal error".to_owned())
                    .and_then(|r| r)
            })
            .collect::<Vec<_>>()
    });
    let mut out: Vec<Option<Rechecked>> = (0..jobs.len()).map(|_| None).collect();
    for worker in results {
        for (i, r) in worker.map_err(|reason| BackupError::Verification { reason })? {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    out.into_iter()
        .map(|r| {
            r.ok_or_else(|| BackupError::Verification {
                reason: "a credential was not checked".into(),
            })
        })
        .collect()
}

type Rechecked = (CredentialMeta, Option<String>);

/// Verifies one credential from its bytes, as an import of them would, and rebuilds its meta.
///
/// The picture its record names is believed only when it is a baked badge that carries these very bytes: then,
/// as at import, that picture is what gets verified and kept. Any other picture is dropped; the credential's own
/// embedded image, if any, is used instead.
fn recheck(
    rt: &tokio::runtime::Runtime,
    net: &Net,
    cache: &RestoreCache,
    opts: &Options,
    job: &Job,
    now: OffsetDateTime,
) -> Rechecked {
    let verify = |bytes: &[u8]| {
        // A panic in a third-party parser costs this credential its verdict, not the restore.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(verify::verify_bytes(bytes, net, cache, opts))
        }))
        .unwrap_or_else(|_| {
            vec![Report::unreadable(
                None,
                "Carnet could not read this credential (an internal error; please report it)".into(),
            )]
        })
    };
    let this = |r: &&Report| r.raw.as_deref() == Some(job.raw);
    let baked = job
        .image
        .and_then(data_uri_bytes)
        .and_then(|bytes| Some((importer::baked_image(&bytes)?, bytes)));
    // The pictures the credentials name on the web: from the wallet's cache, or fetched when online.
    let pictures = |reports: &[Report]| rt.block_on(importer::fetch_pictures(reports, net, cache));
    if let Some((picture, bytes)) = baked {
        let reports = verify(&bytes);
        if let Some(r) = reports.iter().find(this) {
            let fetched = pictures(std::slice::from_ref(r));
            return judged(r, &job.channel, now, Some(&picture), &fetched);
        }
    }
    let reports = verify(job.raw);
    match reports.iter().find(this).or(reports.first()) {
        Some(r) => {
            let fetched = pictures(std::slice::from_ref(r));
            judged(r, &job.channel, now, None, &fetched)
        }
        None => judged(
            &Report::unreadable(None, "nothing to verify".into()),
            &job.channel,
            now,
            None,
            &HashMap::new(),
        ),
    }
}

/// The meta an import would store for `r` (quarantined unless it is a valid credential), and why it is not valid.
fn judged(
    r: &Report,
    channel: &str,
    now: OffsetDateTime,
    picture: Option<&str>,
    fetched: &HashMap<String, String>,
) -> Rechecked {
    let presentation = r.kind == "presentation";
    let quarantined = r.verdict != Verdict::Valid || presentation;
    let meta = importer::stored_meta(r, channel, now, quarantined, picture, fetched);
    let reason = if presentation && r.verdict == Verdict::Valid {
        Some("a presentation, not a credential".to_owned())
    } else {
        r.deciding_check().map(Check::summary)
    };
    (meta, reason)
}

/// The bytes of a base64 `data:image/png` or `data:image/svg+xml` URI (the pictures import keeps).
fn data_uri_bytes(uri: &str) -> Option<Vec<u8>> {
    let rest = uri
        .strip_prefix("data:image/png;base64,")
        .or_else(|| uri.strip_prefix("data:image/svg+xml;base64,"))?;
    B64.decode(rest).ok()
}

/// Marks older versions superseded, as an import does: among the valid, unquarantined credentials with the same
/// version key (issuer and credential id) — restored ones and the one already current here — the one with the
/// latest start stays current and the others point to it. Returns the records already here that became older
/// versions (to rewrite); `restored` is updated in place.
fn settle_versions(
    store: &Store,
    restored: &mut [StoredCredential],
) -> Result<Vec<StoredCredential>, StoreError> {
    enum Current {
        Restored(usize),
        Here(Box<StoredCredential>),
    }
    fn start(c: &StoredCredential) -> Option<String> {
        c.meta.as_ref().and_then(|m| m.info.valid_from.clone())
    }
    fn supersede(c: &mut StoredCredential, by: &str) {
        if let Some(m) = c.meta.as_mut() {
            m.superseded_by = Some(by.to_owned());
        }
    }
    let mut current: HashMap<String, Current> = HashMap::new();
    let mut older_here = Vec::new();
    for i in 0..restored.len() {
        let Some(meta) = restored[i].meta.as_ref().filter(|m| !m.quarantined) else {
            continue;
        };
        let Some(key) = credentials::version_key(&meta.info) else {
            continue;
        };
        let holder = match current.remove(&key) {
            Some(h) => Some(h),
            None => match credentials::find_by_cid(store, &key)? {
                Some(id) => store
                    .get::<StoredCredential>(trees::CREDENTIALS, id.as_bytes())?
                    .map(|c| Current::Here(Box::new(c))),
                None => None,
            },
        };
        let Some(holder) = holder else {
            current.insert(key, Current::Restored(i));
            continue;
        };
        let (holder_id, holder_start) = match &holder {
            Current::Restored(j) => (restored[*j].id.clone(), start(&restored[*j])),
            Current::Here(c) => (c.id.clone(), start(c)),
        };
        if importer::later(start(&restored[i]).as_deref(), holder_start.as_deref()) {
            let newer = restored[i].id.clone();
            match holder {
                Current::Restored(j) => supersede(&mut restored[j], &newer),
                Current::Here(mut c) => {
                    supersede(&mut c, &newer);
                    older_here.push(*c);
                }
            }
            current.insert(key, Current::Restored(i));
        } else {
            supersede(&mut restored[i], &holder_id);
            current.insert(key, holder);
        }
    }
    Ok(older_here)
}

/// The file extension that matches a credential's bytes.
fn extension(raw: &[u8]) -> &'static str {
    let trimmed = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(raw, |i| &raw[i..]);
    if raw.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if trimmed.starts_with(b"<") {
        "svg"
    } else if trimmed.starts_with(b"{") || trimmed.starts_with(b"[") {
        "json"
    } else if trimmed.starts_with(b"ey") {
        "jwt"
    } else {
        "txt"
    }
}

/// Creates `dir` and any missing parents, readable by their owner only (0700 on Unix).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes every credential, as its original bytes, plus `manifest.json`, into a new or empty folder.
/// NOT encrypted: the caller must have warned the learner. A folder Carnet creates is 0700 and every file it
/// writes 0600 (Unix), so only the learner's account can read them; an existing empty folder keeps the
/// permissions the learner gave it. On failure, the files written (and the folder, if Carnet made it) are removed.
pub(crate) fn export_plain(store: &Store, dir: &Path) -> Result<ExportReport, BackupError> {
    let werr = |path: &Path, e: std::io::Error| BackupError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let created = match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::OutputNotEmpty {
                    path: dir.to_path_buf(),
                });
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_private_dir(dir).map_err(|e| werr(dir, e))?;
            true
        }
        Err(e) => return Err(werr(dir, e)),
    };
    let creds = credentials::all(store)?;
    let profiles = profiles::list(store)?;
    let mut written = Vec::new();
    let result = (|| {
        let mut manifest = Vec::new();
        for (n, c) in creds.iter().enumerate() {
            // Only the id's first letters and digits: an id is never a path (records restored from old backups
            // may hold any text).
            let short: String = c.id.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
            let name = format!("{:05}-{short}.{}", n + 1, extension(&c.raw));
            let path = dir.join(&name);
            write_new_file(&path, &c.raw)?;
            written.push(path);
            let summary = c.summary();
            let profile = profiles.iter().find(|p| Some(&p.id) == c.profile_id.as_ref());
            manifest.push(serde_json::json!({
                "file": name,
                "id": c.id,
                "sha256": summary.sha256,
                "added_at": c.added_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                "source": c.source,
                "profile": profile.map(|p| serde_json::json!({"name": p.name, "did_key": p.did_key})),
            }));
        }
        let doc = serde_json::json!({
            "format": "carnet-export-v1",
            "warning": "These files are NOT encrypted.",
            "credentials": manifest,
        });
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| BackupError::Damaged {
            detail: e.to_string(),
        })?;
        let path = dir.join("manifest.json");
        write_new_file(&path, &bytes)?;
        written.push(path);
        Ok(())
    })();
    if let Err(e) = result {
        for path in written.iter().rev() {
            let _ = fs::remove_file(path);
        }
        if created {
            let _ = fs::remove_dir(dir);
        }
        return Err(e);
    }
    Ok(ExportReport {
        folder: dir.to_path_buf(),
        credential_files: creds.len(),
    })
}

#[cfg(test)]
mod tests {
    //! A backup whose records lie, written by the real backup code: restore must come out with the truth.
    use super::*;
    use std::sync::atomic::AtomicBool;

    use crate::importer::{Context, ImportOptions, Source};

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse(
            "2025-01-01T00:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    }

    /// An Open Badges 3.0 credential named `name`, signed by a did:key issuer.
    fn signed_credential(name: &str) -> serde_json::Value {
        let key = crate::keys::SecretKey::from_seed(&[42; 32]);
        let did = crate::did::did_key(&key.public_key()).unwrap();
        let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:tamper", "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": name,
            "issuer": {"id": did, "type": ["Profile"], "name": "Cégep de Test"}, "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:l", "type": ["AchievementSubject"], "achievement": {
                "id": "urn:a:tamper", "type": ["Achievement"], "name": name, "description": "d",
                "criteria": {"narrative": "n"}}}
        });
        let opts = crate::sign::ProofOptions {
            verification_method: &vm,
            purpose: "assertionMethod",
            created: now(),
            challenge: None,
            domain: None,
        };
        futures_executor::block_on(crate::sign::data_integrity(&doc, &key, &opts)).unwrap()
    }

    fn by_name(store: &Store) -> HashMap<String, StoredCredential> {
        credentials::all(store)
            .unwrap()
            .into_iter()
            .map(|c| (c.meta.as_ref().unwrap().info.name.clone().unwrap(), c))
            .collect()
    }

    #[test]
    fn a_backup_with_lying_records_is_restored_with_the_truth() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("a"), SymmetricKey::generate().unwrap(), true).unwrap();
        profiles::create(&store, "Moi", now()).unwrap();
        // A genuine credential, and a forged one (its name changed after signing), kept in quarantine.
        let genuine = signed_credential("Secourisme");
        let mut forged = signed_credential("Secourisme niveau 1");
        forged["name"] = "Doctorat en médecine".into();
        let ctx = Context {
            dids: HashMap::new(),
            default_profile: profiles::default_id(&store).unwrap(),
            now: now(),
        };
        let sources = [
            Source::Bytes {
                name: "genuine.json".into(),
                bytes: serde_json::to_vec(&genuine).unwrap(),
            },
            Source::Bytes {
                name: "forged.json".into(),
                bytes: serde_json::to_vec(&forged).unwrap(),
            },
        ];
        let options = ImportOptions {
            keep_unverified: true,
            net: NetPolicy::offline(),
            now: Some(now()),
            threads: 1,
            ..ImportOptions::default()
        };
        importer::run(
            &store,
            &ctx,
            &sources,
            &options,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        let truth = by_name(&store);
        let genuine_truth = truth["Secourisme"].clone();
        let forged_truth = truth["Doctorat en médecine"].clone();
        assert_eq!(genuine_truth.meta.as_ref().unwrap().verdict, Verdict::Valid);
        assert!(forged_truth.meta.as_ref().unwrap().quarantined);

        // The lies: the forged one says it is valid, has no failed check and another name; the genuine one gets a
        // grander name, the picture of another badge, and is hidden as an older version of nothing.
        let other_badge = fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/fixtures/peer-corpus/ob3-baked-jsonld.png"),
        )
        .unwrap();
        let mut writes = Vec::new();
        for (name, mut c) in by_name(&store) {
            let m = c.meta.as_mut().unwrap();
            if name == "Secourisme" {
                m.info.name = Some("Doctorat honoris causa".into());
                m.image = importer::baked_image(&other_badge);
                m.superseded_by = Some("0".repeat(32));
            } else {
                m.verdict = Verdict::Valid;
                m.quarantined = false;
                m.checks.clear();
                m.info.name = Some("Maîtrise en génie".into());
            }
            writes.extend(credentials::insert_writes(&store, &c).unwrap());
        }
        store.write_batch(&writes).unwrap();
        let file = tmp.path().join("lying.carnet-backup");
        let passphrase = Passphrase::new("backup passphrase".into());
        write_backup(
            &store,
            "w",
            &file,
            &passphrase,
            KdfParams::INSECURE_FOR_TESTS,
            now(),
        )
        .unwrap();
        let lies: Vec<_> = read_backup(&file, &passphrase)
            .unwrap()
            .credentials
            .iter()
            .map(|c| c.meta.as_ref().unwrap().info.name.clone().unwrap())
            .collect();
        assert!(lies.contains(&"Doctorat honoris causa".to_owned()), "{lies:?}");

        let target = Store::open(&tmp.path().join("b"), SymmetricKey::generate().unwrap(), true).unwrap();
        let report = restore(&target, &file, &passphrase, &NetPolicy::offline(), now()).unwrap();
        assert_eq!(
            (report.credentials_added, report.verified, report.invalid),
            (2, 1, 1),
            "{report:#?}"
        );
        assert_eq!(
            report.not_verified[0].name.as_deref(),
            Some("Doctorat en médecine")
        );
        let restored = by_name(&target);
        let (genuine_back, forged_back) = (&restored["Secourisme"], &restored["Doctorat en médecine"]);
        // Exactly what importing the same bytes made: verdict, checks, name, picture (none), current version.
        assert_eq!(genuine_back.meta, genuine_truth.meta);
        assert_eq!(forged_back.meta, forged_truth.meta);
        assert_eq!(forged_back.meta.as_ref().unwrap().verdict, Verdict::Invalid);
        assert_eq!(genuine_back.raw, genuine_truth.raw);
        assert_eq!(forged_back.raw, forged_truth.raw);
        // The genuine one is the current version of its credential id again.
        let key = credentials::version_key(&genuine_back.meta.as_ref().unwrap().info).unwrap();
        assert_eq!(
            credentials::find_by_cid(&target, &key).unwrap(),
            Some(genuine_back.id.clone())
        );
    }
}
