//! Encrypted backups (one file, passphrase-protected, everything the wallet holds) and plain exports.
//!
//! Backup file, version 1:
//! `"CARNETBK" ‖ u16 version (BE) ‖ u32 header length (BE) ‖ header JSON ‖ sealed payload`.
//! The header holds the Argon2id parameters, the salt, a key check and the creation date — nothing about the
//! learner. The payload (profiles with their keys, credentials as raw bytes, settings) is sealed with
//! XChaCha20-Poly1305 under the passphrase-derived key, with every byte before it as associated data: any
//! changed, missing or added byte makes the whole file refuse to open. Restoring merges into the open
//! wallet in one atomic batch, so it is idempotent and a failure changes nothing.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::credentials::{self, StoredCredential};
use crate::profiles::{self, StoredProfile};
use crate::secret::{random_array, Passphrase, RandomError, SymmetricKey};
use crate::settings::{self, Settings};
use crate::store::vault::{self, KdfParams, VaultError};
use crate::store::{envelope, trees, BatchWrite, Store, StoreError};
use crate::view::{ExportReport, RestoreReport};

const MAGIC: &[u8; 8] = b"CARNETBK";
const VERSION: u16 = 1;
const MAX_HEADER: u32 = 64 * 1024;
/// Largest backup Carnet reads, in bytes: 10,000 credentials of 100 KiB fit many times over.
pub const MAX_BACKUP_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Why a backup, restore or export failed. In every case the wallet is left as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("this file is not a Carnet backup")]
    NotABackup,
    #[error("this backup was made by a newer Carnet (backup format {found})")]
    TooNew { found: u16 },
    #[error("the backup file is damaged or was modified ({detail}); it cannot be restored")]
    Damaged { detail: String },
    #[error("wrong passphrase for this backup")]
    WrongPassphrase,
    #[error("the backup is {size} bytes; Carnet reads backups up to {max} bytes")]
    TooLarge { size: u64, max: u64 },
    #[error("{path} already exists; choose a new file name")]
    OutputExists { path: PathBuf },
    #[error("{path} is not empty; export into a new or empty folder")]
    OutputNotEmpty { path: PathBuf },
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Profile(#[from] profiles::ProfileError),
    #[error(transparent)]
    Random(#[from] RandomError),
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
pub(crate) fn restore(
    store: &Store,
    path: &Path,
    passphrase: &Passphrase,
) -> Result<RestoreReport, BackupError> {
    let payload = read_backup(path, passphrase)?;
    let mut report = RestoreReport::default();
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
    let mut seen_hashes = HashSet::new();
    for c in &payload.credentials {
        let hash = store.keyed_hash(&c.raw);
        if !seen_hashes.insert(hash) || credentials::find_duplicate(store, &c.raw)?.is_some() {
            report.credentials_present += 1;
            continue;
        }
        let mut cred = c.clone();
        if store.contains(trees::CREDENTIALS, cred.id.as_bytes())? {
            cred.id = credentials::new_id()?;
        }
        if !cred
            .profile_id
            .as_ref()
            .is_some_and(|p| known_profiles.contains(p))
        {
            cred.profile_id = default.clone();
        }
        writes.extend(credentials::insert_writes(store, &cred)?);
        report.credentials_added += 1;
    }
    if !settings::exists(store)? {
        writes.push(BatchWrite::put(
            trees::META,
            settings::KEY.to_vec(),
            &payload.settings,
        )?);
    }
    store.write_batch(&writes)?;
    Ok(report)
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
