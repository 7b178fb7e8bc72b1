//! The encrypted record store: sled trees whose every value is sealed under the wallet's data key.
//!
//! Record keys are random ids or keyed hashes, never content. Each value is serialized to JSON in a zeroized
//! buffer, then sealed with associated data naming its tree and key ([`envelope`]). Writes are flushed to disk
//! before they return, so whatever a caller was told is stored survives a crash. A canary record, written at
//! creation, tells a wrong data key from damaged data.

pub mod envelope;
pub mod migrate;
pub mod vault;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::secret::{RandomError, SymmetricKey};

/// Folder of the sled database inside the data folder.
pub const STORE_DIR: &str = "store";
/// How long [`Store::open`] waits for sled's lock before saying the store is in use.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The trees Carnet uses. Their names are visible on disk; nothing else is.
pub(crate) mod trees {
    pub const META: &str = "meta";
    pub const PROFILES: &str = "profiles";
    pub const CREDENTIALS: &str = "credentials";
    /// keyed hash of a credential's bytes → credential id (duplicate detection without revealing content)
    pub const CREDENTIAL_BY_HASH: &str = "credential_by_hash";
    /// keyed hash of a credential's own `id` → the stored version that currently holds it (re-issue detection)
    pub const CREDENTIAL_BY_CID: &str = "credential_by_cid";
    /// keyed hash of a URL → a document fetched for verification, with its date (`net::CachedResource`)
    pub const FETCH_CACHE: &str = "fetch_cache";
    /// keyed hash of a whole imported file's bytes → the credentials it gave (`importer::KnownFile`), so that a file
    /// imported again is recognised before any parsing or verification
    pub const KNOWN_FILES: &str = "known_files";
    /// random id → `present::ShareRecord`: what the learner shared, when, how, for whom
    pub const SHARES: &str = "shares";
    /// random id → `collections::Collection`: a named group of credentials
    pub const COLLECTIONS: &str = "collections";
}

/// Free space always left on the disk. sled 0.34 can hang when the disk fills up mid-write, so Carnet refuses
/// a write that would leave less than this (plus four times the write's own size, for sled's log and GC).
pub const DISK_RESERVE_BYTES: u64 = 32 * 1024 * 1024;
const CANARY_KEY: &[u8] = b"canary";
const SEQUENCE_KEY: &[u8] = b"sequence";
/// File beside sled's own, holding the sealed sequence number of the last committed batch.
const COMMIT_FILE: &str = "carnet-commit";
const COMMIT_AAD: &[u8] = b"carnet-commit-v1";
const CANARY_VALUE: &[u8] = b"carnet store canary v1";

/// Why the store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process holds the store open.
    #[error("the wallet is open in another Carnet (close it first)")]
    InUse,
    /// sled could not open its files, or found them damaged.
    #[error("the wallet store at {path} cannot be opened ({detail}); restore the wallet from a backup")]
    Unopenable { path: PathBuf, detail: String },
    /// The store opened, but the data key does not match it.
    #[error("the wallet store's check record does not open: the store is damaged or belongs to another wallet; restore from a backup")]
    WrongKey,
    /// One record failed its integrity check.
    #[error("a record in '{tree}' is damaged and cannot be read; restore the wallet from a backup")]
    Damaged { tree: &'static str },
    /// The disk is (nearly) full: the write was refused before it started, and nothing changed.
    #[error(
        "the disk is nearly full ({available} bytes free, {needed} needed to write safely); free some space"
    )]
    DiskFull { available: u64, needed: u64 },
    /// Reading or writing failed (I/O error…). Nothing was half-written.
    #[error("the wallet store could not be written or read: {0}")]
    Io(String),
    /// A record decrypted but is not what this Carnet expects.
    #[error("a record in '{tree}' has an unexpected shape: {detail}")]
    Format { tree: &'static str, detail: String },
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl StoreError {
    fn from_sled(err: sled::Error, path: &Path) -> Self {
        match err {
            // sled wraps its lock failure in an io::Error of kind Other, naming it in the message.
            sled::Error::Io(io)
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().contains("could not acquire lock") =>
            {
                Self::InUse
            }
            sled::Error::Io(io) => Self::Io(io.to_string()),
            sled::Error::Corruption { .. } => Self::Unopenable {
                path: path.to_path_buf(),
                detail: "sled found corrupted data".into(),
            },
            other => Self::Io(other.to_string()),
        }
    }
}

/// An open, unlocked store.
pub(crate) struct Store {
    db: sled::Db,
    path: PathBuf,
    data_key: SymmetricKey,
    index_key: SymmetricKey,
    /// One batch at a time: the sequence number and the commit file are read and written around sled's
    /// transaction, so concurrent batches (an import's writer and its workers' fetch cache) take turns.
    write_lock: std::sync::Mutex<()>,
}

/// Runs sled code, turning a panic inside sled (which it uses for some kinds of corruption) into an error.
fn guard<T>(path: &Path, f: impl FnOnce() -> Result<T, sled::Error>) -> Result<T, StoreError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(|e| StoreError::from_sled(e, path)),
        Err(_) => Err(StoreError::Unopenable {
            path: path.to_path_buf(),
            detail: "sled stopped on damaged data".into(),
        }),
    }
}

/// Opens sled's database at `path`, trying again while its lock is held (short pauses, doubling up to 100 ms)
/// until `wait` has passed; then the lock error stays [`StoreError::InUse`].
fn open_db(path: &Path, wait: Duration, on_busy: &mut dyn FnMut()) -> Result<sled::Db, StoreError> {
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(5);
    loop {
        match guard(path, || {
            sled::Config::new().path(path).mode(sled::Mode::LowSpace).open()
        }) {
            Err(StoreError::InUse) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(StoreError::InUse);
                }
                on_busy();
                std::thread::sleep(pause.min(left));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

impl Store {
    /// Opens (creating when missing) the store in `data_dir/store` with `data_key`. When sled's own lock is
    /// held — sled can keep it for a moment after the store was closed, e.g. lock then unlock at once — waits up
    /// to [`LOCK_WAIT`] for it, then gives up with [`StoreError::InUse`].
    pub fn open(data_dir: &Path, data_key: SymmetricKey, create: bool) -> Result<Self, StoreError> {
        Self::open_waiting(data_dir, data_key, create, LOCK_WAIT, &mut || {})
    }

    /// [`Store::open`] waiting up to `wait` for sled's lock; `on_busy` hears each attempt that found it held.
    pub(crate) fn open_waiting(
        data_dir: &Path,
        data_key: SymmetricKey,
        create: bool,
        wait: Duration,
        on_busy: &mut dyn FnMut(),
    ) -> Result<Self, StoreError> {
        let path = data_dir.join(STORE_DIR);
        if !create && !path.join("db").exists() {
            return Err(StoreError::Unopenable {
                path,
                detail: "its files are missing".into(),
            });
        }
        let db = open_db(&path, wait, on_busy)?;
        let index_key = data_key.derive("credential index");
        let store = Self {
            db,
            path,
            data_key,
            index_key,
            write_lock: std::sync::Mutex::new(()),
        };
        match store.get_raw(trees::META, CANARY_KEY) {
            Ok(Some(value)) if value.as_slice() == CANARY_VALUE => {
                let committed = store.read_commit()?;
                let reached = store.sequence()?;
                if reached < committed {
                    return Err(StoreError::Unopenable {
                        path: store.path.clone(),
                        detail: format!("it lost committed writes (at {reached} of {committed})"),
                    });
                }
                Ok(store)
            }
            Ok(Some(_)) => Err(StoreError::WrongKey),
            Ok(None) if create => {
                store.put_raw(trees::META, CANARY_KEY, CANARY_VALUE)?;
                store.flush()?;
                store.write_commit(0)?;
                Ok(store)
            }
            Ok(None) => Err(StoreError::Unopenable {
                path: store.path.clone(),
                detail: "its check record is missing".into(),
            }),
            Err(StoreError::Damaged { .. }) => Err(StoreError::WrongKey),
            Err(e) => Err(e),
        }
    }

    pub fn data_key(&self) -> &SymmetricKey {
        &self.data_key
    }

    fn tree(&self, name: &'static str) -> Result<sled::Tree, StoreError> {
        guard(&self.path, || self.db.open_tree(name))
    }

    /// A keyed hash: stable for the same bytes in this wallet, meaningless without the data key.
    pub fn keyed_hash(&self, data: &[u8]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.index_key.as_bytes());
        h.update(Sha256::digest(data));
        let mut out = [0u8; 32];
        out.copy_from_slice(&h.finalize());
        out
    }

    fn seal(&self, tree: &str, key: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        Ok(envelope::seal(
            &self.data_key,
            &envelope::record_aad(tree, key),
            plain,
        )?)
    }

    fn open_value(
        &self,
        tree: &'static str,
        key: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        envelope::open(&self.data_key, &envelope::record_aad(tree, key), sealed)
            .map_err(|_| StoreError::Damaged { tree })
    }

    pub fn put_raw(&self, tree: &'static str, key: &[u8], plain: &[u8]) -> Result<(), StoreError> {
        let sealed = self.seal(tree, key, plain)?;
        let t = self.tree(tree)?;
        guard(&self.path, || t.insert(key, sealed))?;
        Ok(())
    }

    pub fn get_raw(&self, tree: &'static str, key: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let t = self.tree(tree)?;
        match guard(&self.path, || t.get(key))? {
            Some(sealed) => Ok(Some(self.open_value(tree, key, &sealed)?)),
            None => Ok(None),
        }
    }

    #[cfg(test)]
    pub fn put<T: Serialize>(&self, tree: &'static str, key: &[u8], value: &T) -> Result<(), StoreError> {
        let json = Zeroizing::new(serde_json::to_vec(value).map_err(|e| StoreError::Format {
            tree,
            detail: e.to_string(),
        })?);
        self.put_raw(tree, key, &json)
    }

    pub fn get<T: DeserializeOwned>(&self, tree: &'static str, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.get_raw(tree, key)? {
            Some(plain) => serde_json::from_slice(&plain)
                .map(Some)
                .map_err(|e| StoreError::Format {
                    tree,
                    detail: e.to_string(),
                }),
            None => Ok(None),
        }
    }

    pub fn contains(&self, tree: &'static str, key: &[u8]) -> Result<bool, StoreError> {
        let t = self.tree(tree)?;
        guard(&self.path, || t.contains_key(key))
    }

    /// Every record of a tree, decrypted. A damaged record is an error naming the tree.
    pub fn all<T: DeserializeOwned>(&self, tree: &'static str) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
        let t = self.tree(tree)?;
        let mut out = Vec::new();
        for item in t.iter() {
            let (key, sealed) = item.map_err(|e| StoreError::from_sled(e, &self.path))?;
            let plain = self.open_value(tree, &key, &sealed)?;
            let value = serde_json::from_slice(&plain).map_err(|e| StoreError::Format {
                tree,
                detail: e.to_string(),
            })?;
            out.push((key.to_vec(), value));
        }
        Ok(out)
    }

    /// Every record of a tree that decrypts, and how many did not. For summaries that must not fail as a whole
    /// because one record is damaged (that record's own read still reports it).
    pub fn all_readable<T: DeserializeOwned>(
        &self,
        tree: &'static str,
    ) -> Result<(Vec<T>, usize), StoreError> {
        let t = self.tree(tree)?;
        let mut out = Vec::new();
        let mut damaged = 0;
        for item in t.iter() {
            let (key, sealed) = item.map_err(|e| StoreError::from_sled(e, &self.path))?;
            match self
                .open_value(tree, &key, &sealed)
                .ok()
                .and_then(|p| serde_json::from_slice(&p).ok())
            {
                Some(v) => out.push(v),
                None => damaged += 1,
            }
        }
        Ok((out, damaged))
    }

    /// Writes a group of records atomically across trees: all of them become visible, or none.
    pub fn write_batch(&self, writes: &[BatchWrite]) -> Result<(), StoreError> {
        use sled::Transactional;
        if writes.is_empty() {
            return Ok(());
        }
        // A poisoned lock only means another batch panicked (sled panics are caught below): go on.
        let _turn = self
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut sealed = Vec::with_capacity(writes.len() + 1);
        for w in writes {
            let value = match &w.plain {
                Some(plain) => Some(self.seal(w.tree, &w.key, plain)?),
                None => None,
            };
            sealed.push((w.tree, w.key.clone(), value));
        }
        let size: u64 = sealed
            .iter()
            .map(|(_, k, v)| (k.len() + v.as_ref().map_or(0, Vec::len)) as u64)
            .sum();
        let needed = DISK_RESERVE_BYTES + 4 * size;
        let available = fs4::available_space(&self.path).map_err(|e| StoreError::Io(e.to_string()))?;
        if available < needed {
            return Err(StoreError::DiskFull { available, needed });
        }
        // Every batch bumps the store's sequence number, in the same transaction.
        let seq = self.sequence()? + 1;
        sealed.push((
            trees::META,
            SEQUENCE_KEY.to_vec(),
            Some(self.seal(trees::META, SEQUENCE_KEY, &seq.to_be_bytes())?),
        ));
        let names: Vec<&'static str> = {
            let mut n: Vec<&'static str> = sealed.iter().map(|(t, _, _)| *t).collect();
            n.sort_unstable();
            n.dedup();
            n
        };
        let handles = names
            .iter()
            .map(|n| self.tree(n))
            .collect::<Result<Vec<_>, _>>()?;
        let result = guard(&self.path, || {
            handles
                .as_slice()
                .transaction(|tx_trees| {
                    for (tree, key, value) in &sealed {
                        let index = names.iter().position(|n| n == tree).unwrap_or(0);
                        let tx = &tx_trees[index];
                        match value {
                            Some(v) => {
                                tx.insert(key.as_slice(), v.as_slice())?;
                            }
                            None => {
                                tx.remove(key.as_slice())?;
                            }
                        }
                    }
                    Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
                })
                .map_err(|e| match e {
                    sled::transaction::TransactionError::Storage(s) => s,
                    sled::transaction::TransactionError::Abort(()) => {
                        sled::Error::Unsupported("transaction aborted".into())
                    }
                })
        });
        result?;
        self.flush()?;
        self.write_commit(seq)
    }

    /// The store's sequence number: how many batches it has committed.
    fn sequence(&self) -> Result<u64, StoreError> {
        match self.get_raw(trees::META, SEQUENCE_KEY)? {
            Some(bytes) => {
                let array: [u8; 8] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| StoreError::Damaged { tree: trees::META })?;
                Ok(u64::from_be_bytes(array))
            }
            None => Ok(0),
        }
    }

    /// Records, outside sled, the sequence number the store has durably reached. sled recovers from a torn
    /// write by dropping the tail of its log — which would also silently drop committed records if bytes in the
    /// log were damaged. Comparing the store's sequence with this file on open turns that into an error.
    fn write_commit(&self, seq: u64) -> Result<(), StoreError> {
        let sealed = envelope::seal(&self.data_key, COMMIT_AAD, &seq.to_be_bytes())?;
        let tmp = self.path.join(format!("{COMMIT_FILE}.tmp"));
        let io = |e: std::io::Error| StoreError::Io(e.to_string());
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        std::io::Write::write_all(&mut file, &sealed).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, self.path.join(COMMIT_FILE)).map_err(io)?;
        std::fs::File::open(&self.path)
            .and_then(|d| d.sync_all())
            .map_err(io)
    }

    fn read_commit(&self) -> Result<u64, StoreError> {
        let bytes = std::fs::read(self.path.join(COMMIT_FILE)).map_err(|_| StoreError::Unopenable {
            path: self.path.clone(),
            detail: "its commit record is missing".into(),
        })?;
        let plain =
            envelope::open(&self.data_key, COMMIT_AAD, &bytes).map_err(|_| StoreError::Unopenable {
                path: self.path.clone(),
                detail: "its commit record is damaged".into(),
            })?;
        let array: [u8; 8] = plain.as_slice().try_into().map_err(|_| StoreError::Unopenable {
            path: self.path.clone(),
            detail: "its commit record is damaged".into(),
        })?;
        Ok(u64::from_be_bytes(array))
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        guard(&self.path, || self.db.flush())?;
        Ok(())
    }
}

/// One write in [`Store::write_batch`]: `plain: None` removes the record.
pub(crate) struct BatchWrite {
    pub tree: &'static str,
    pub key: Vec<u8>,
    pub plain: Option<Zeroizing<Vec<u8>>>,
}

impl BatchWrite {
    pub fn put<T: Serialize>(
        tree: &'static str,
        key: impl Into<Vec<u8>>,
        value: &T,
    ) -> Result<Self, StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Format {
            tree,
            detail: e.to_string(),
        })?;
        Ok(Self {
            tree,
            key: key.into(),
            plain: Some(Zeroizing::new(json)),
        })
    }

    pub fn remove(tree: &'static str, key: impl Into<Vec<u8>>) -> Self {
        Self {
            tree,
            key: key.into(),
            plain: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_are_not_plaintext_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let key = SymmetricKey::generate().unwrap();
        let store = Store::open(tmp.path(), key, true).unwrap();
        store
            .put(trees::PROFILES, b"id1", &"MARKER-PLAINTEXT-1234")
            .unwrap();
        store.flush().unwrap();
        assert_eq!(
            store.get::<String>(trees::PROFILES, b"id1").unwrap().unwrap(),
            "MARKER-PLAINTEXT-1234"
        );
        drop(store);
        for entry in std::fs::read_dir(tmp.path().join(STORE_DIR)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
            assert!(!bytes.windows(9).any(|w| w == b"PLAINTEXT"));
        }
    }

    #[test]
    fn another_key_is_told_apart_from_damage() {
        let tmp = tempfile::tempdir().unwrap();
        drop(Store::open(tmp.path(), SymmetricKey::generate().unwrap(), true).unwrap());
        let err = Store::open(tmp.path(), SymmetricKey::generate().unwrap(), false)
            .err()
            .unwrap();
        assert!(matches!(err, StoreError::WrongKey), "{err}");
    }

    #[test]
    fn a_second_opener_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let key = SymmetricKey::from_bytes([3; 32]);
        let _first = Store::open(tmp.path(), key, true).unwrap();
        let err = Store::open_waiting(
            tmp.path(),
            SymmetricKey::from_bytes([3; 32]),
            false,
            Duration::ZERO,
            &mut || {},
        )
        .err()
        .unwrap();
        assert!(matches!(err, StoreError::InUse), "{err}");
    }

    /// Holds the store (and so sled's lock) in another thread until told to let go; returns the channel that
    /// tells it, once the lock is held.
    fn hold_in_another_thread(dir: &Path) -> (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>) {
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let dir = dir.to_path_buf();
        let holder = std::thread::spawn(move || {
            let store = Store::open(&dir, SymmetricKey::from_bytes([3; 32]), false).unwrap();
            held_tx.send(()).unwrap();
            let _ = release_rx.recv();
            drop(store);
        });
        held_rx.recv().unwrap();
        (release_tx, holder)
    }

    #[test]
    fn open_waits_for_a_lock_that_is_released_soon() {
        let tmp = tempfile::tempdir().unwrap();
        drop(Store::open(tmp.path(), SymmetricKey::from_bytes([3; 32]), true).unwrap());
        let (release, holder) = hold_in_another_thread(tmp.path());
        // The holder lets go only once this open has found the lock held: then the open must wait for it.
        let mut busy = 0;
        let store = Store::open_waiting(
            tmp.path(),
            SymmetricKey::from_bytes([3; 32]),
            false,
            LOCK_WAIT,
            &mut || {
                busy += 1;
                if busy == 1 {
                    release.send(()).unwrap();
                }
            },
        );
        holder.join().unwrap();
        assert!(store.is_ok(), "{:?}", store.err());
        assert!(busy >= 1, "the lock was held when the open began");
    }

    #[test]
    fn a_lock_held_longer_than_the_wait_is_the_named_error() {
        let tmp = tempfile::tempdir().unwrap();
        drop(Store::open(tmp.path(), SymmetricKey::from_bytes([3; 32]), true).unwrap());
        let (release, holder) = hold_in_another_thread(tmp.path());
        let started = Instant::now();
        let err = Store::open(tmp.path(), SymmetricKey::from_bytes([3; 32]), false)
            .err()
            .unwrap();
        let waited = started.elapsed();
        release.send(()).unwrap();
        holder.join().unwrap();
        assert!(matches!(err, StoreError::InUse), "{err}");
        assert_eq!(
            err.to_string(),
            "the wallet is open in another Carnet (close it first)"
        );
        assert!(waited >= LOCK_WAIT, "gave up after {waited:?}");
    }

    #[test]
    fn batches_are_all_or_nothing_and_span_trees() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path(), SymmetricKey::generate().unwrap(), true).unwrap();
        store
            .write_batch(&[
                BatchWrite::put(trees::PROFILES, b"p".to_vec(), &1u32).unwrap(),
                BatchWrite::put(trees::CREDENTIALS, b"c".to_vec(), &2u32).unwrap(),
            ])
            .unwrap();
        assert_eq!(store.get::<u32>(trees::PROFILES, b"p").unwrap(), Some(1));
        assert_eq!(store.get::<u32>(trees::CREDENTIALS, b"c").unwrap(), Some(2));
        store
            .write_batch(&[BatchWrite::remove(trees::PROFILES, b"p".to_vec())])
            .unwrap();
        assert_eq!(store.get::<u32>(trees::PROFILES, b"p").unwrap(), None);
    }
}
