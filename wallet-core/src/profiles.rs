//! The learner's profiles: a name, a creation date and one Ed25519 key each, shown with their DIDs.
//!
//! A profile's key is stored only inside its encrypted record. One profile is the default (the first one made,
//! until the learner chooses another). A profile that still holds credentials is never deleted silently.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::did::{self, DidError};
use crate::keys::{KeyError, SecretKey};
use crate::secret::random_id;
use crate::store::{trees, BatchWrite, Store, StoreError};
use crate::view::Profile;

/// Longest profile name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
const DEFAULT_PROFILE_KEY: &[u8] = b"default_profile";

/// Why a profile operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error("no profile has the id {id}")]
    NotFound { id: String },
    #[error("a profile name cannot be empty")]
    EmptyName,
    #[error("a profile name is at most {max} characters")]
    NameTooLong { max: usize },
    /// Deleting would orphan credentials: the caller must confirm, and they move to another profile.
    #[error("the profile '{name}' holds {count} credential(s); confirm to move them to another profile and delete it")]
    HoldsCredentials { name: String, count: usize },
    /// The only profile cannot be deleted while it holds credentials (there is nowhere to move them).
    #[error("the profile '{name}' is the only one and holds {count} credential(s); it cannot be deleted")]
    LastProfileHoldsCredentials { name: String, count: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Did(#[from] DidError),
}

/// A profile as stored (inside an encrypted record). Holds the secret key: no `Debug`.
#[derive(Serialize, Deserialize, Clone)]
pub(crate) struct StoredProfile {
    pub id: String,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub secret_key: Zeroizing<[u8; 32]>,
}

impl StoredProfile {
    fn secret(&self) -> SecretKey {
        SecretKey::from_bytes(&self.secret_key)
    }

    /// The profile's DIDs: did:key and did:jwk of its public key.
    fn dids(&self) -> Result<[String; 2], ProfileError> {
        let public = self.secret().public_key();
        Ok([did::did_key(&public)?, did::did_jwk(&public)])
    }
}

fn clean_name(name: &str) -> Result<String, ProfileError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ProfileError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ProfileError::NameTooLong { max: MAX_NAME_CHARS });
    }
    Ok(name.to_owned())
}

fn new_id() -> Result<String, ProfileError> {
    Ok(random_id().map_err(KeyError::from)?)
}

pub(crate) fn default_id(store: &Store) -> Result<Option<String>, ProfileError> {
    Ok(store.get::<String>(trees::META, DEFAULT_PROFILE_KEY)?)
}

pub(crate) fn stored(store: &Store, id: &str) -> Result<StoredProfile, ProfileError> {
    store
        .get(trees::PROFILES, id.as_bytes())?
        .ok_or_else(|| ProfileError::NotFound { id: id.to_owned() })
}

pub(crate) fn all_stored(store: &Store) -> Result<Vec<StoredProfile>, ProfileError> {
    let mut all: Vec<StoredProfile> = store.all(trees::PROFILES)?.into_iter().map(|(_, p)| p).collect();
    all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

fn view(p: &StoredProfile, default: Option<&str>, credential_count: usize) -> Result<Profile, ProfileError> {
    let [did_key, did_jwk] = p.dids()?;
    Ok(Profile {
        id: p.id.clone(),
        name: p.name.clone(),
        created_at: p.created_at,
        did_key,
        did_jwk,
        is_default: default == Some(p.id.as_str()),
        credential_count,
    })
}

pub(crate) fn create(store: &Store, name: &str, now: OffsetDateTime) -> Result<Profile, ProfileError> {
    let name = clean_name(name)?;
    let key = SecretKey::generate()?;
    let profile = StoredProfile {
        id: new_id()?,
        name,
        created_at: now,
        secret_key: key.to_bytes(),
    };
    let mut writes = vec![BatchWrite::put(
        trees::PROFILES,
        profile.id.as_bytes().to_vec(),
        &profile,
    )?];
    let default = default_id(store)?;
    let default = match default {
        Some(d) => Some(d),
        None => {
            writes.push(BatchWrite::put(
                trees::META,
                DEFAULT_PROFILE_KEY.to_vec(),
                &profile.id,
            )?);
            Some(profile.id.clone())
        }
    };
    store.write_batch(&writes)?;
    view(&profile, default.as_deref(), 0)
}

pub(crate) fn list(store: &Store) -> Result<Vec<Profile>, ProfileError> {
    let default = default_id(store)?;
    let counts = crate::credentials::counts_by_profile(store)?;
    all_stored(store)?
        .iter()
        .map(|p| view(p, default.as_deref(), counts.get(&p.id).copied().unwrap_or(0)))
        .collect()
}

/// Every profile's DIDs (did:key, did:jwk) with its id, without counting credentials (which reads every one).
pub(crate) fn dids(store: &Store) -> Result<Vec<(String, [String; 2])>, ProfileError> {
    all_stored(store)?
        .iter()
        .map(|p| Ok((p.id.clone(), p.dids()?)))
        .collect()
}

pub(crate) fn get(store: &Store, id: &str) -> Result<Profile, ProfileError> {
    let p = stored(store, id)?;
    let counts = crate::credentials::counts_by_profile(store)?;
    view(
        &p,
        default_id(store)?.as_deref(),
        counts.get(id).copied().unwrap_or(0),
    )
}

pub(crate) fn rename(store: &Store, id: &str, name: &str) -> Result<Profile, ProfileError> {
    let mut p = stored(store, id)?;
    p.name = clean_name(name)?;
    store.write_batch(&[BatchWrite::put(trees::PROFILES, id.as_bytes().to_vec(), &p)?])?;
    get(store, id)
}

pub(crate) fn set_default(store: &Store, id: &str) -> Result<Profile, ProfileError> {
    stored(store, id)?;
    store.write_batch(&[BatchWrite::put(
        trees::META,
        DEFAULT_PROFILE_KEY.to_vec(),
        &id.to_owned(),
    )?])?;
    get(store, id)
}

/// Deletes a profile. Its credentials, if any, move to the default profile (or the oldest other one) — only
/// when `confirmed`; otherwise nothing changes and the error says how many there are.
/// Returns the id of the profile that received them.
pub(crate) fn delete(store: &Store, id: &str, confirmed: bool) -> Result<Option<String>, ProfileError> {
    let p = stored(store, id)?;
    let held = crate::credentials::ids_for_profile(store, id)?;
    let others: Vec<StoredProfile> = all_stored(store)?.into_iter().filter(|o| o.id != id).collect();
    let default = default_id(store)?;
    let heir = match default.as_deref() {
        Some(d) if d != id => Some(d.to_owned()),
        _ => others.first().map(|o| o.id.clone()),
    };
    if !held.is_empty() {
        if heir.is_none() {
            return Err(ProfileError::LastProfileHoldsCredentials {
                name: p.name,
                count: held.len(),
            });
        }
        if !confirmed {
            return Err(ProfileError::HoldsCredentials {
                name: p.name,
                count: held.len(),
            });
        }
    }
    let mut writes = vec![BatchWrite::remove(trees::PROFILES, id.as_bytes().to_vec())];
    if let Some(heir) = &heir {
        for cred_id in &held {
            writes.push(crate::credentials::reassign_write(store, cred_id, heir)?);
        }
    }
    if default.as_deref() == Some(id) {
        writes.push(match &heir {
            Some(h) => BatchWrite::put(trees::META, DEFAULT_PROFILE_KEY.to_vec(), h)?,
            None => BatchWrite::remove(trees::META, DEFAULT_PROFILE_KEY.to_vec()),
        });
    }
    store.write_batch(&writes)?;
    Ok(if held.is_empty() { None } else { heir })
}

/// The signing key of a profile, for presentations and offers.
pub(crate) fn secret_key(store: &Store, id: &str) -> Result<SecretKey, ProfileError> {
    Ok(stored(store, id)?.secret())
}
