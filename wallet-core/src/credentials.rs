//! Credentials as the wallet keeps them: the signed bytes, verbatim, with the profile they belong to, where they
//! came from, what they say (for the portfolio) and their latest verification. Deduplicated by a keyed hash of the
//! bytes; re-issues (same credential id, later start) are found through a keyed hash of the credential id.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::secret::random_id;
use crate::store::{trees, BatchWrite, Store, StoreError};
use crate::view::{AddOutcome, CredentialSummary};

/// Largest credential Carnet stores, in bytes (a baked PNG with an embedded image stays well below).
pub const MAX_CREDENTIAL_BYTES: usize = 5 * 1024 * 1024;

/// Why a credential could not be stored or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    #[error("the credential is empty")]
    Empty,
    #[error("the credential is {size} bytes; the limit is {max}")]
    TooLarge { size: usize, max: usize },
    #[error("no credential has the id {id}")]
    NotFound { id: String },
    #[error("no profile has the id {id}")]
    UnknownProfile { id: String },
    #[error("a credential record is malformed: {0}")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

mod b64_bytes {
    use super::*;
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(bytes))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        B64.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A credential as stored (inside an encrypted record).
#[derive(Serialize, Deserialize, Clone)]
pub(crate) struct StoredCredential {
    pub id: String,
    #[serde(with = "b64_bytes")]
    pub raw: Vec<u8>,
    pub profile_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    /// Where it came from, in the learner's words or a file name.
    pub source: String,
    /// What the credential says and how it verified (absent for records stored before import existed).
    #[serde(default)]
    pub meta: Option<CredentialMeta>,
}

/// What Carnet read from a credential at import, for the portfolio, and its latest verification.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CredentialMeta {
    /// How it arrived: `file`, `folder`, `paste`, `url`.
    pub channel: String,
    /// `json-ld`, `vc-jwt`, `ob2-signed`, `ob2-hosted`…
    pub format: String,
    /// `credential`, `endorsement`, `clr`, `assertion`.
    pub kind: String,
    pub ob_version: Option<String>,
    pub info: crate::verify::CredentialInfo,
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Names of the skills and frameworks the achievement is aligned to.
    #[serde(default)]
    pub alignments: Vec<String>,
    /// When it was awarded (awardedDate, else its start), RFC 3339 as found.
    pub awarded: Option<String>,
    pub verdict: crate::verify::Verdict,
    #[serde(default)]
    pub checks: Vec<crate::verify::Check>,
    #[serde(with = "time::serde::rfc3339")]
    pub verified_at: OffsetDateTime,
    /// Kept although not valid, at the learner's request: shown apart from verified ones.
    #[serde(default)]
    pub quarantined: bool,
    /// A later version of the same credential (same id, later start) that replaced this one.
    #[serde(default)]
    pub superseded_by: Option<String>,
    /// The badge's picture as a data: URI (the baked image, or one embedded in the credential). Kept out of the
    /// portfolio index; read one at a time.
    #[serde(default)]
    pub image: Option<String>,
    /// Where the picture comes from: the signed credential, the web address it names, or the file it was baked
    /// into (not covered by the signature: the details say "picture from the file").
    #[serde(default)]
    pub image_source: Option<crate::picture::PictureSource>,
    /// Who vouches for the issuer's name: its web domain (confirmed when the key is in the domain's own
    /// document) or only a key.
    #[serde(default)]
    pub issuer_identity: Option<crate::verify::IssuerIdentity>,
    /// The portfolio's facts (type, skills, related achievements…), from the signed reading; absent for records
    /// stored before they existed (re-verifying fills them in).
    #[serde(default)]
    pub facts: Option<crate::facts::Summary>,
}

/// `net`'s cache kept in the encrypted store: issuer documents, DID documents and status lists fetched for
/// verification stay available offline, with their fetch date. Keys are keyed hashes of the URLs.
pub struct StoreCache<'a> {
    store: &'a Store,
}

impl<'a> StoreCache<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }
}

impl StoreCache<'_> {
    /// The write that caches `resource` for `url` (keyed by the URL's keyed hash), to put in a batch.
    pub(crate) fn put_write(
        store: &Store,
        url: &str,
        resource: &crate::net::CachedResource,
    ) -> Result<BatchWrite, StoreError> {
        BatchWrite::put(
            trees::FETCH_CACHE,
            store.keyed_hash(url.as_bytes()).to_vec(),
            resource,
        )
    }

    /// The write that forgets what was cached for `url`.
    pub(crate) fn remove_write(store: &Store, url: &str) -> BatchWrite {
        BatchWrite::remove(trees::FETCH_CACHE, store.keyed_hash(url.as_bytes()).to_vec())
    }
}

impl crate::net::FetchCache for StoreCache<'_> {
    fn get(&self, url: &str) -> Option<crate::net::CachedResource> {
        self.store
            .get(trees::FETCH_CACHE, &self.store.keyed_hash(url.as_bytes()))
            .ok()
            .flatten()
    }

    fn put(&self, url: &str, resource: &crate::net::CachedResource) {
        // A cache that cannot be written is only slower next time.
        if let Ok(write) = Self::put_write(self.store, url, resource) {
            let _ = self.store.write_batch(&[write]);
        }
    }
}

impl StoredCredential {
    pub fn summary(&self) -> CredentialSummary {
        CredentialSummary {
            id: self.id.clone(),
            profile_id: self.profile_id.clone(),
            added_at: self.added_at,
            source: self.source.clone(),
            size_bytes: self.raw.len() as u64,
            sha256: Sha256::digest(&self.raw)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }
}

pub(crate) fn new_id() -> Result<String, StoreError> {
    Ok(random_id()?)
}

/// The writes that add `cred` and its index entries (duplicate detection; the credential id for a current,
/// verified version).
pub(crate) fn insert_writes(store: &Store, cred: &StoredCredential) -> Result<Vec<BatchWrite>, StoreError> {
    let mut w = vec![
        BatchWrite::put(trees::CREDENTIALS, cred.id.as_bytes().to_vec(), cred)?,
        BatchWrite::put(
            trees::CREDENTIAL_BY_HASH,
            store.keyed_hash(&cred.raw).to_vec(),
            &cred.id,
        )?,
    ];
    if let Some(m) = &cred.meta {
        if let (Some(cid), false, None) = (version_key(&m.info), m.quarantined, &m.superseded_by) {
            w.push(cid_write(store, &cid, &cred.id)?);
        }
    }
    Ok(w)
}

/// What identifies "the same credential" across versions: its issuer and its own `id` together (an `id` alone
/// could be claimed by anyone's credential).
pub(crate) fn version_key(info: &crate::verify::CredentialInfo) -> Option<String> {
    Some(format!(
        "{}\u{1f}{}",
        info.issuer.as_deref()?,
        info.id.as_deref()?
    ))
}

/// The write that points a version key ([`version_key`]) at its current stored version.
pub(crate) fn cid_write(store: &Store, cid: &str, stored_id: &str) -> Result<BatchWrite, StoreError> {
    BatchWrite::put(
        trees::CREDENTIAL_BY_CID,
        store.keyed_hash(cid.as_bytes()).to_vec(),
        &stored_id,
    )
}

/// The stored version currently holding a credential id, if any.
pub(crate) fn find_by_cid(store: &Store, cid: &str) -> Result<Option<String>, StoreError> {
    store.get::<String>(trees::CREDENTIAL_BY_CID, &store.keyed_hash(cid.as_bytes()))
}

/// The writes that remove a credential and its index entries.
pub(crate) fn remove_writes(store: &Store, cred: &StoredCredential) -> Result<Vec<BatchWrite>, StoreError> {
    let mut w = vec![
        BatchWrite::remove(trees::CREDENTIALS, cred.id.as_bytes().to_vec()),
        BatchWrite::remove(trees::CREDENTIAL_BY_HASH, store.keyed_hash(&cred.raw).to_vec()),
    ];
    if let Some(cid) = cred.meta.as_ref().and_then(|m| version_key(&m.info)) {
        if find_by_cid(store, &cid)?.as_deref() == Some(cred.id.as_str()) {
            w.push(BatchWrite::remove(
                trees::CREDENTIAL_BY_CID,
                store.keyed_hash(cid.as_bytes()).to_vec(),
            ));
        }
    }
    Ok(w)
}

/// The id of a stored credential with exactly these bytes, if any.
pub(crate) fn find_duplicate(store: &Store, raw: &[u8]) -> Result<Option<String>, StoreError> {
    store.get::<String>(trees::CREDENTIAL_BY_HASH, &store.keyed_hash(raw))
}

pub(crate) fn add(
    store: &Store,
    raw: &[u8],
    profile_id: Option<&str>,
    source: &str,
    now: OffsetDateTime,
) -> Result<AddOutcome, CredentialError> {
    if raw.is_empty() {
        return Err(CredentialError::Empty);
    }
    if raw.len() > MAX_CREDENTIAL_BYTES {
        return Err(CredentialError::TooLarge {
            size: raw.len(),
            max: MAX_CREDENTIAL_BYTES,
        });
    }
    if let Some(id) = find_duplicate(store, raw)? {
        return Ok(AddOutcome::Duplicate { id });
    }
    if let Some(p) = profile_id {
        if !store.contains(trees::PROFILES, p.as_bytes())? {
            return Err(CredentialError::UnknownProfile { id: p.to_owned() });
        }
    }
    let cred = StoredCredential {
        id: new_id()?,
        raw: raw.to_vec(),
        profile_id: profile_id.map(str::to_owned),
        added_at: now,
        source: source.to_owned(),
        meta: None,
    };
    store.write_batch(&insert_writes(store, &cred)?)?;
    Ok(AddOutcome::Added { id: cred.id })
}

pub(crate) fn all(store: &Store) -> Result<Vec<StoredCredential>, StoreError> {
    let mut all: Vec<StoredCredential> = store
        .all(trees::CREDENTIALS)?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    all.sort_by(|a, b| a.added_at.cmp(&b.added_at).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

pub(crate) fn get(store: &Store, id: &str) -> Result<StoredCredential, CredentialError> {
    store
        .get(trees::CREDENTIALS, id.as_bytes())?
        .ok_or_else(|| CredentialError::NotFound { id: id.to_owned() })
}

pub(crate) fn counts_by_profile(store: &Store) -> Result<HashMap<String, usize>, StoreError> {
    let mut counts = HashMap::new();
    let (readable, _damaged) = store.all_readable::<StoredCredential>(trees::CREDENTIALS)?;
    for c in readable {
        if let Some(p) = c.profile_id {
            *counts.entry(p).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

pub(crate) fn ids_for_profile(store: &Store, profile_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(all(store)?
        .into_iter()
        .filter(|c| c.profile_id.as_deref() == Some(profile_id))
        .map(|c| c.id)
        .collect())
}

pub(crate) fn reassign_write(store: &Store, id: &str, profile_id: &str) -> Result<BatchWrite, StoreError> {
    let mut cred: StoredCredential =
        store
            .get(trees::CREDENTIALS, id.as_bytes())?
            .ok_or_else(|| StoreError::Format {
                tree: trees::CREDENTIALS,
                detail: format!("{id} vanished"),
            })?;
    cred.profile_id = Some(profile_id.to_owned());
    BatchWrite::put(trees::CREDENTIALS, id.as_bytes().to_vec(), &cred)
}
