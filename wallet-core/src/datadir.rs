//! The wallet's data folder: where it is by default, how it is created, and its plain header file.
//!
//! A data folder holds one Carnet wallet. Its only plaintext file is the header
//! ([`HEADER_FILE`]): format name, format version, a random wallet id and the creation date —
//! nothing about the learner. Everything else that later issues add (the encrypted store) lives
//! beside it. Creating a folder is all-or-nothing: when any step fails, the folders this call
//! made are removed again and an existing folder is left exactly as it was.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::store::migrate::{self, Migration, MigrationError};
use crate::store::vault::VaultHeader;

/// Name of the plaintext header file at the root of every data folder.
pub const HEADER_FILE: &str = "carnet-wallet.json";
/// The data-folder format this Carnet writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` field of every header, so a stray JSON file is never taken for a wallet.
const FORMAT_NAME: &str = "carnet-wallet";
/// A header larger than this is not ours (a real one is under 1 KiB).
const MAX_HEADER_BYTES: u64 = 64 * 1024;
/// The lock file that keeps a wallet to one process at a time.
pub const LOCK_FILE: &str = "carnet.lock";

/// Why a data folder could not be opened or created. Each variant names the path involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// The path exists and is a file (or something else that is not a folder).
    #[error("{path} is not a folder")]
    NotADirectory { path: PathBuf },
    /// The folder has files in it but no Carnet header: we never write into someone else's folder.
    #[error("{path} is not empty and holds no Carnet wallet; choose a new or empty folder")]
    ForeignDirectory { path: PathBuf },
    /// The folder (or one of its parents) could not be created.
    #[error("cannot create the folder {path}")]
    Create { path: PathBuf, source: io::Error },
    /// The folder exists but Carnet cannot write its header into it.
    #[error("cannot write in {path}")]
    Unwritable { path: PathBuf, source: io::Error },
    /// Reading the folder or its header failed at the operating-system level.
    #[error("cannot read {path}")]
    Read { path: PathBuf, source: io::Error },
    /// The header exists but is not a readable Carnet header.
    #[error("the wallet header {path} is damaged ({reason}); restore the wallet from a backup")]
    CorruptHeader { path: PathBuf, reason: String },
    /// The wallet was written by a newer Carnet whose format this one does not know.
    #[error(
        "this wallet uses format {found}, made by a newer Carnet; this Carnet reads up to format {supported}"
    )]
    TooNew { found: u32, supported: u32 },
    /// The system gives no home or data folder, so there is no default place for the wallet.
    #[error("this system has no default data folder; choose one with --data-dir or CARNET_DATA_DIR")]
    NoDefault,
    /// Another process (the app, or another `carnet` command) has the wallet open.
    #[error("the wallet in {path} is open in another Carnet; close it first")]
    InUse { path: PathBuf },
    /// The wallet is in an older format that could not be migrated.
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

impl DataDirError {
    /// A stable, machine-readable code for this error, which user interfaces translate.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotADirectory { .. } => "data_dir.not_a_directory",
            Self::ForeignDirectory { .. } => "data_dir.foreign_directory",
            Self::Create { .. } => "data_dir.create_failed",
            Self::Unwritable { .. } => "data_dir.unwritable",
            Self::Read { .. } => "data_dir.read_failed",
            Self::CorruptHeader { .. } => "data_dir.corrupt_header",
            Self::TooNew { .. } => "data_dir.too_new",
            Self::NoDefault => "data_dir.no_default",
            Self::InUse { .. } => "data_dir.in_use",
            Self::Migration(_) => "data_dir.migration_failed",
        }
    }
}

/// The plaintext header of a data folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Header {
    pub format: String,
    pub version: u32,
    /// Random, stable identifier of this wallet (names its keyring entry in later versions).
    pub wallet_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The Carnet version that created the wallet.
    pub created_by: String,
    /// How the data key is protected; absent until the wallet is initialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultHeader>,
}

/// Where the wallet lives when neither `--data-dir` nor `CARNET_DATA_DIR` says otherwise:
/// `~/.local/share/carnet` on Linux (honouring `XDG_DATA_HOME`), the platform's equivalent elsewhere.
pub fn default_data_dir() -> Result<PathBuf, DataDirError> {
    directories::ProjectDirs::from("ca", "Carnet", "Carnet")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(DataDirError::NoDefault)
}

/// An opened data folder, with its validated header.
#[derive(Debug)]
pub(crate) struct DataDir {
    path: PathBuf,
    header: Header,
    /// Held (locked) for as long as this value lives; the OS releases it if the process dies.
    _lock: fs::File,
}

/// Whether [`DataDir::open_or_create`] found a wallet or made a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Created,
    Existing,
}

impl DataDir {
    /// Opens the wallet folder at `path`, creating it (and its header) when it does not exist or is empty.
    /// Takes the wallet's process lock: a second opener gets [`DataDirError::InUse`].
    pub fn open_or_create(path: &Path, clock: &dyn Clock) -> Result<(Self, Found), DataDirError> {
        Self::open_or_create_with(path, clock, migrate::MIGRATIONS)
    }

    /// Same as [`DataDir::open_or_create`], with an explicit list of migration steps (tests add fake ones).
    pub fn open_or_create_with(
        path: &Path,
        clock: &dyn Clock,
        migrations: &[Migration],
    ) -> Result<(Self, Found), DataDirError> {
        let (header, found) = match fs::metadata(path) {
            Ok(meta) if !meta.is_dir() => {
                return Err(DataDirError::NotADirectory {
                    path: path.to_path_buf(),
                })
            }
            Ok(_) => {
                let header_path = path.join(HEADER_FILE);
                if header_path.exists() {
                    let lock = take_lock(path)?;
                    let header = read_header(path, migrations)?;
                    return Ok((
                        Self {
                            path: absolute(path),
                            header,
                            _lock: lock,
                        },
                        Found::Existing,
                    ));
                } else if is_empty_dir(path)? {
                    (write_new_header(path, clock)?, Found::Created)
                } else {
                    return Err(DataDirError::ForeignDirectory {
                        path: path.to_path_buf(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let created = create_dirs(path)?;
                match write_new_header(path, clock) {
                    Ok(header) => (header, Found::Created),
                    Err(e) => {
                        remove_created(&created);
                        return Err(e);
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                let file = path.ancestors().skip(1).find(|p| p.is_file()).unwrap_or(path);
                return Err(DataDirError::NotADirectory {
                    path: file.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(DataDirError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let lock = take_lock(path)?;
        Ok((
            Self {
                path: absolute(path),
                header,
                _lock: lock,
            },
            found,
        ))
    }

    /// Replaces the vault section of the header, atomically (temporary file, fsync, rename).
    pub fn set_vault(&mut self, vault: Option<VaultHeader>) -> Result<(), DataDirError> {
        let mut header = self.header.clone();
        header.vault = vault;
        write_header(&self.path, &header)?;
        self.header = header;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Total size in bytes and number of files under the folder (symbolic links are not followed).
    pub fn usage(&self) -> Result<(u64, u64), DataDirError> {
        let mut bytes = 0;
        let mut files = 0;
        let mut pending = vec![self.path.clone()];
        while let Some(dir) = pending.pop() {
            let entries = fs::read_dir(&dir).map_err(|source| DataDirError::Read {
                path: dir.clone(),
                source,
            })?;
            for entry in entries {
                let entry = entry.map_err(|source| DataDirError::Read {
                    path: dir.clone(),
                    source,
                })?;
                let meta = entry.metadata().map_err(|source| DataDirError::Read {
                    path: entry.path(),
                    source,
                })?;
                if meta.is_dir() {
                    pending.push(entry.path());
                } else {
                    bytes += meta.len();
                    files += 1;
                }
            }
        }
        Ok((bytes, files))
    }
}

fn absolute(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_empty_dir(path: &Path) -> Result<bool, DataDirError> {
    let mut entries = fs::read_dir(path).map_err(|source| DataDirError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(entries.next().is_none())
}

/// Creates `path` and any missing parents, private to the user on Unix.
/// Returns the folders it made, deepest last, so a failure later can undo exactly those.
fn create_dirs(path: &Path) -> Result<Vec<PathBuf>, DataDirError> {
    let mut missing = Vec::new();
    let mut cursor = Some(path);
    while let Some(p) = cursor {
        if p.as_os_str().is_empty() || fs::symlink_metadata(p).is_ok() {
            break;
        }
        missing.push(p.to_path_buf());
        cursor = p.parent();
    }
    missing.reverse();
    let mut created = Vec::new();
    for dir in missing {
        if let Err(source) = make_private_dir(&dir) {
            remove_created(&created);
            let err = match fs::metadata(dir.parent().unwrap_or(&dir)) {
                Ok(meta) if !meta.is_dir() => DataDirError::NotADirectory {
                    path: dir.parent().unwrap_or(&dir).to_path_buf(),
                },
                _ => DataDirError::Create { path: dir, source },
            };
            return Err(err);
        }
        created.push(dir);
    }
    Ok(created)
}

#[cfg(unix)]
fn make_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn make_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new().create(dir)
}

/// Removes folders this call created, deepest first; folders that gained content are left alone.
fn remove_created(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// Takes the wallet's exclusive process lock, without waiting.
fn take_lock(dir: &Path) -> Result<fs::File, DataDirError> {
    let path = dir.join(LOCK_FILE);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| DataDirError::Unwritable {
            path: path.clone(),
            source,
        })?;
    // A Carnet that is closing releases the lock a moment later, and a process forking a child holds the
    // parent's lock until the child execs: wait up to half a second for it before saying it is in use.
    let deadline = std::time::Instant::now() + LOCK_PATIENCE;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(DataDirError::InUse {
                    path: dir.to_path_buf(),
                })
            }
            Err(fs::TryLockError::Error(source)) => return Err(DataDirError::Unwritable { path, source }),
        }
    }
}

/// How long opening a wallet waits for another holder of its lock to let go.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

/// Reads and checks the header of the wallet in `dir`, migrating it to the current format when it is older.
fn read_header(dir: &Path, migrations: &[Migration]) -> Result<Header, DataDirError> {
    let path = dir.join(HEADER_FILE);
    let corrupt = |reason: String| DataDirError::CorruptHeader {
        path: path.clone(),
        reason,
    };
    let meta = fs::metadata(&path).map_err(|source| DataDirError::Read {
        path: path.clone(),
        source,
    })?;
    if meta.len() > MAX_HEADER_BYTES {
        return Err(corrupt(format!("{} bytes, far larger than a header", meta.len())));
    }
    let bytes = fs::read(&path).map_err(|source| DataDirError::Read {
        path: path.clone(),
        source,
    })?;
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    let format = value
        .get("format")
        .and_then(|f| f.as_str())
        .unwrap_or_default()
        .to_owned();
    if format != FORMAT_NAME {
        return Err(corrupt(format!("format is {format:?}, not {FORMAT_NAME:?}")));
    }
    let version = value
        .get("version")
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| corrupt("no format version".to_owned()))?;
    if version > FORMAT_VERSION {
        return Err(DataDirError::TooNew {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version < FORMAT_VERSION {
        migrate::migrate(&mut value, version, FORMAT_VERSION, dir, migrations)?;
        let header: Header = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        // Keep the old header beside the new one, then switch atomically.
        let backup = dir.join(format!("{HEADER_FILE}.v{version}.bak"));
        fs::copy(&path, &backup).map_err(|source| DataDirError::Unwritable { path: backup, source })?;
        write_header(dir, &header)?;
        return Ok(header);
    }
    serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
}

fn new_wallet_id() -> Result<String, io::Error> {
    crate::secret::random_id().map_err(io::Error::other)
}

/// Writes a fresh header for a new wallet.
fn write_new_header(dir: &Path, clock: &dyn Clock) -> Result<Header, DataDirError> {
    let header = Header {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        wallet_id: new_wallet_id().map_err(|source| DataDirError::Unwritable {
            path: dir.to_path_buf(),
            source,
        })?,
        created_at: clock.now(),
        created_by: format!("Carnet {}", crate::VERSION),
        vault: None,
    };
    write_header(dir, &header)?;
    Ok(header)
}

/// Writes the header atomically: a temporary file, flushed to disk, then renamed over the old one.
/// A crash at any point leaves either the old header or the new one, never a mix.
fn write_header(dir: &Path, header: &Header) -> Result<(), DataDirError> {
    let unwritable = |source: io::Error| DataDirError::Unwritable {
        path: dir.to_path_buf(),
        source,
    };
    let mut json = serde_json::to_vec_pretty(header).map_err(|e| unwritable(io::Error::other(e)))?;
    json.push(b'\n');
    let tmp = dir.join(format!(".{HEADER_FILE}.tmp"));
    let _ = fs::remove_file(&tmp); // left by a crash mid-write; never the live header
    let result = (|| {
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, dir.join(HEADER_FILE))?;
        sync_dir(dir)
    })();
    if let Err(source) = result {
        let _ = fs::remove_file(&tmp);
        return Err(unwritable(source));
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    fn clock() -> FixedClock {
        FixedClock(OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap())
    }

    #[test]
    fn creates_missing_folders_and_a_header() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/wallet");
        let (dir, found) = DataDir::open_or_create(&path, &clock()).unwrap();
        assert_eq!(found, Found::Created);
        assert_eq!(dir.header().version, FORMAT_VERSION);
        assert_eq!(dir.header().wallet_id.len(), 32);
        assert!(path.join(HEADER_FILE).is_file());
        assert!(!path.join(format!(".{HEADER_FILE}.tmp")).exists());
    }

    #[cfg(unix)]
    #[test]
    fn new_folders_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("wallet");
        DataDir::open_or_create(&path, &clock()).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn reopening_keeps_the_same_header() {
        let tmp = tempfile::tempdir().unwrap();
        let (first, _) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        let first_header = first.header().clone();
        drop(first);
        let (second, found) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        assert_eq!(found, Found::Existing);
        assert_eq!(&first_header, second.header());
    }

    #[test]
    fn one_process_at_a_time() {
        let tmp = tempfile::tempdir().unwrap();
        let (_first, _) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        let err = DataDir::open_or_create(tmp.path(), &clock()).unwrap_err();
        assert_eq!(err.code(), "data_dir.in_use");
        assert!(err.to_string().contains("open in another Carnet"), "{err}");
    }

    #[test]
    fn the_vault_section_is_rewritten_atomically() {
        use crate::store::vault::{KdfParams, Protection, VaultHeader};
        let tmp = tempfile::tempdir().unwrap();
        let (mut dir, _) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        let vault = VaultHeader {
            protection: Protection::Passphrase {
                params: KdfParams::INSECURE_FOR_TESTS,
                salt: "c2FsdA==".into(),
            },
            wrapped_key: "AAAA".into(),
        };
        dir.set_vault(Some(vault.clone())).unwrap();
        drop(dir);
        let (again, _) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        assert_eq!(again.header().vault.as_ref(), Some(&vault));
        assert!(!tmp.path().join(format!(".{HEADER_FILE}.tmp")).exists());
    }

    fn fake_v0_to_v1(header: &mut serde_json::Value, _dir: &Path) -> Result<(), String> {
        // Pretend format 0 called the creation date "created".
        let obj = header.as_object_mut().ok_or("not an object")?;
        let created = obj.remove("created").ok_or("no 'created' field")?;
        obj.insert("created_at".into(), created);
        Ok(())
    }

    fn broken_step(_: &mut serde_json::Value, _: &Path) -> Result<(), String> {
        Err("disk says no".into())
    }

    const V0: &str = r#"{"format":"carnet-wallet","version":0,"wallet_id":"abc","created":"2020-01-01T00:00:00Z","created_by":"Carnet 0.0.1"}"#;

    #[test]
    fn a_v0_wallet_is_migrated_to_v1_and_the_old_header_kept() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(HEADER_FILE), V0).unwrap();
        let steps = [Migration {
            from: 0,
            apply: fake_v0_to_v1,
        }];
        let (dir, found) = DataDir::open_or_create_with(tmp.path(), &clock(), &steps).unwrap();
        assert_eq!(found, Found::Existing);
        assert_eq!(dir.header().version, 1);
        assert_eq!(dir.header().wallet_id, "abc");
        assert_eq!(dir.header().created_at.year(), 2020);
        assert_eq!(
            fs::read_to_string(tmp.path().join(format!("{HEADER_FILE}.v0.bak"))).unwrap(),
            V0
        );
        drop(dir);
        // Now at v1 on disk: opening again needs no step.
        let (dir, _) = DataDir::open_or_create_with(tmp.path(), &clock(), &[]).unwrap();
        assert_eq!(dir.header().version, 1);
    }

    #[test]
    fn a_failed_or_unknown_migration_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(HEADER_FILE), V0).unwrap();
        let err = DataDir::open_or_create_with(tmp.path(), &clock(), &[]).unwrap_err();
        assert_eq!(err.code(), "data_dir.migration_failed");
        let err = DataDir::open_or_create_with(
            tmp.path(),
            &clock(),
            &[Migration {
                from: 0,
                apply: broken_step,
            }],
        )
        .unwrap_err();
        assert!(err.to_string().contains("disk says no"), "{err}");
        assert_eq!(fs::read_to_string(tmp.path().join(HEADER_FILE)).unwrap(), V0);
    }

    #[test]
    fn refuses_a_folder_that_holds_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = DataDir::open_or_create(tmp.path(), &clock()).unwrap_err();
        assert_eq!(err.code(), "data_dir.foreign_directory");
        assert!(!tmp.path().join(HEADER_FILE).exists());
    }

    #[test]
    fn refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = DataDir::open_or_create(&file, &clock()).unwrap_err();
        assert_eq!(err.code(), "data_dir.not_a_directory");
        let err = DataDir::open_or_create(&file.join("below/deeper"), &clock()).unwrap_err();
        assert_eq!(err.code(), "data_dir.not_a_directory", "{err}");
        assert!(
            err.to_string().starts_with(&file.display().to_string()),
            "names the file: {err}"
        );
    }

    #[test]
    fn damaged_headers_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        for (content, code) in [
            (&b"{not json"[..], "data_dir.corrupt_header"),
            (br#"{"format":"other","version":1,"wallet_id":"x","created_at":"2026-01-01T00:00:00Z","created_by":"x"}"#, "data_dir.corrupt_header"),
            (br#"{"format":"carnet-wallet","wallet_id":"x","created_at":"2026-01-01T00:00:00Z","created_by":"x"}"#, "data_dir.corrupt_header"),
            (br#"{"format":"carnet-wallet","version":99,"wallet_id":"x","created_at":"2026-01-01T00:00:00Z","created_by":"x"}"#, "data_dir.too_new"),
        ] {
            fs::write(tmp.path().join(HEADER_FILE), content).unwrap();
            let err = DataDir::open_or_create(tmp.path(), &clock()).unwrap_err();
            assert_eq!(err.code(), code, "{err}");
            assert_eq!(fs::read(tmp.path().join(HEADER_FILE)).unwrap(), content, "header must be left untouched");
        }
    }

    #[test]
    fn oversized_header_is_refused_without_reading_it_all() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            tmp.path().join(HEADER_FILE),
            vec![b' '; (MAX_HEADER_BYTES + 1) as usize],
        )
        .unwrap();
        let err = DataDir::open_or_create(tmp.path(), &clock()).unwrap_err();
        assert_eq!(err.code(), "data_dir.corrupt_header");
    }

    #[test]
    fn rollback_removes_exactly_the_folders_it_made() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("kept")).unwrap();
        let created = create_dirs(&tmp.path().join("kept/a/b/c")).unwrap();
        assert_eq!(created.len(), 3);
        assert!(tmp.path().join("kept/a/b/c").is_dir());
        remove_created(&created);
        assert!(
            tmp.path().join("kept").is_dir(),
            "a folder that was already there stays"
        );
        assert_eq!(fs::read_dir(tmp.path().join("kept")).unwrap().count(), 0);
    }

    #[test]
    fn usage_counts_files_below() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, _) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        let (bytes, files) = dir.usage().unwrap();
        assert_eq!(files, 2, "header and lock file");
        assert_eq!(bytes, fs::metadata(tmp.path().join(HEADER_FILE)).unwrap().len());
    }
}
