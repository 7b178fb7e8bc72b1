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

/// Name of the plaintext header file at the root of every data folder.
pub const HEADER_FILE: &str = "carnet-wallet.json";
/// The data-folder format this Carnet writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` field of every header, so a stray JSON file is never taken for a wallet.
const FORMAT_NAME: &str = "carnet-wallet";
/// A header larger than this is not ours (a real one is about 200 bytes).
const MAX_HEADER_BYTES: u64 = 64 * 1024;

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
}

/// Whether [`DataDir::open_or_create`] found a wallet or made a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Created,
    Existing,
}

impl DataDir {
    /// Opens the wallet folder at `path`, creating it (and its header) when it does not exist or is empty.
    pub fn open_or_create(path: &Path, clock: &dyn Clock) -> Result<(Self, Found), DataDirError> {
        match fs::metadata(path) {
            Ok(meta) if !meta.is_dir() => Err(DataDirError::NotADirectory {
                path: path.to_path_buf(),
            }),
            Ok(_) => {
                let header_path = path.join(HEADER_FILE);
                if header_path.exists() {
                    let header = read_header(&header_path)?;
                    Ok((
                        Self {
                            path: absolute(path),
                            header,
                        },
                        Found::Existing,
                    ))
                } else if is_empty_dir(path)? {
                    let header = write_new_header(path, clock)?;
                    Ok((
                        Self {
                            path: absolute(path),
                            header,
                        },
                        Found::Created,
                    ))
                } else {
                    Err(DataDirError::ForeignDirectory {
                        path: path.to_path_buf(),
                    })
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let created = create_dirs(path)?;
                match write_new_header(path, clock) {
                    Ok(header) => Ok((
                        Self {
                            path: absolute(path),
                            header,
                        },
                        Found::Created,
                    )),
                    Err(e) => {
                        remove_created(&created);
                        Err(e)
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                let file = path.ancestors().skip(1).find(|p| p.is_file()).unwrap_or(path);
                Err(DataDirError::NotADirectory {
                    path: file.to_path_buf(),
                })
            }
            Err(source) => Err(DataDirError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
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

fn read_header(path: &Path) -> Result<Header, DataDirError> {
    let corrupt = |reason: String| DataDirError::CorruptHeader {
        path: path.to_path_buf(),
        reason,
    };
    let meta = fs::metadata(path).map_err(|source| DataDirError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_HEADER_BYTES {
        return Err(corrupt(format!("{} bytes, far larger than a header", meta.len())));
    }
    let bytes = fs::read(path).map_err(|source| DataDirError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let header: Header = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if header.format != FORMAT_NAME {
        return Err(corrupt(format!(
            "format is {:?}, not {FORMAT_NAME:?}",
            header.format
        )));
    }
    if header.version == 0 {
        return Err(corrupt("format version 0 does not exist".to_owned()));
    }
    if header.version > FORMAT_VERSION {
        return Err(DataDirError::TooNew {
            found: header.version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(header)
}

fn new_wallet_id() -> Result<String, io::Error> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes a fresh header atomically: a temporary file, flushed to disk, then renamed into place.
fn write_new_header(dir: &Path, clock: &dyn Clock) -> Result<Header, DataDirError> {
    let unwritable = |source: io::Error| DataDirError::Unwritable {
        path: dir.to_path_buf(),
        source,
    };
    let header = Header {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        wallet_id: new_wallet_id().map_err(unwritable)?,
        created_at: clock.now(),
        created_by: format!("Carnet {}", crate::VERSION),
    };
    let mut json = serde_json::to_vec_pretty(&header).map_err(|e| unwritable(io::Error::other(e)))?;
    json.push(b'\n');
    let tmp = dir.join(format!(".{HEADER_FILE}.tmp"));
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
    Ok(header)
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
        let (second, found) = DataDir::open_or_create(tmp.path(), &clock()).unwrap();
        assert_eq!(found, Found::Existing);
        assert_eq!(first.header(), second.header());
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
            (br#"{"format":"carnet-wallet","version":0,"wallet_id":"x","created_at":"2026-01-01T00:00:00Z","created_by":"x"}"#, "data_dir.corrupt_header"),
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
        assert_eq!(files, 1);
        assert_eq!(bytes, fs::metadata(tmp.path().join(HEADER_FILE)).unwrap().len());
    }
}
