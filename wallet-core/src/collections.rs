//! Collections: groups of credentials the learner names ("Nursing", "Languages") to find and share them together.
//! Kept encrypted in the store (tree `collections`, one record per collection) and carried by backups; a
//! collection only holds ids, so removing a credential never breaks one (members that no longer exist are left out
//! when read).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::store::{trees, BatchWrite, Store, StoreError};

/// Longest collection name, in characters.
pub const MAX_NAME: usize = 80;
/// At most this many collections.
pub const MAX_COLLECTIONS: usize = 500;

/// One collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub id: String,
    pub name: String,
    /// Its credentials, in the order they were added.
    pub credential_ids: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Why a collection could not be changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectionError {
    #[error("a collection needs a name (1 to {MAX_NAME} characters)")]
    BadName,
    #[error("a collection named “{name}” already exists")]
    NameTaken { name: String },
    #[error("no collection {id}")]
    NotFound { id: String },
    #[error("no credential {id} in the wallet")]
    UnknownCredential { id: String },
    #[error("too many collections (at most {MAX_COLLECTIONS})")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CollectionError {
    /// A stable code for the interface's translations.
    pub fn code(&self) -> &'static str {
        match self {
            CollectionError::BadName => "collection.bad_name",
            CollectionError::NameTaken { .. } => "collection.name_taken",
            CollectionError::NotFound { .. } => "collection.not_found",
            CollectionError::UnknownCredential { .. } => "collection.unknown_credential",
            CollectionError::TooMany => "collection.too_many",
            CollectionError::Store(_) => "store.error",
        }
    }
}

fn clean_name(name: &str) -> Result<String, CollectionError> {
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(CollectionError::BadName);
    }
    Ok(name)
}

/// Every collection, by name (accents and case ignored), with members that still exist.
pub(crate) fn all(store: &Store) -> Result<Vec<Collection>, StoreError> {
    let mut out: Vec<Collection> = store
        .all::<Collection>(trees::COLLECTIONS)?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    for c in &mut out {
        let mut kept = Vec::with_capacity(c.credential_ids.len());
        for id in c.credential_ids.drain(..) {
            if store.contains(trees::CREDENTIALS, id.as_bytes())? {
                kept.push(id);
            }
        }
        c.credential_ids = kept;
    }
    out.sort_by(|a, b| {
        crate::portfolio::fold(&a.name)
            .cmp(&crate::portfolio::fold(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

pub(crate) fn get(store: &Store, id: &str) -> Result<Collection, CollectionError> {
    all(store)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| CollectionError::NotFound { id: id.to_owned() })
}

fn put(store: &Store, c: &Collection) -> Result<(), CollectionError> {
    store.write_batch(&[BatchWrite::put(trees::COLLECTIONS, c.id.as_bytes().to_vec(), c)?])?;
    Ok(())
}

fn name_free(store: &Store, name: &str, except: Option<&str>) -> Result<(), CollectionError> {
    let folded = crate::portfolio::fold(name);
    if all(store)?
        .iter()
        .any(|c| Some(c.id.as_str()) != except && crate::portfolio::fold(&c.name) == folded)
    {
        return Err(CollectionError::NameTaken {
            name: name.to_owned(),
        });
    }
    Ok(())
}

pub(crate) fn create(store: &Store, name: &str, now: OffsetDateTime) -> Result<Collection, CollectionError> {
    let name = clean_name(name)?;
    name_free(store, &name, None)?;
    if store.all::<Collection>(trees::COLLECTIONS)?.len() >= MAX_COLLECTIONS {
        return Err(CollectionError::TooMany);
    }
    let c = Collection {
        id: format!("col-{}", crate::credentials::new_id()?),
        name,
        credential_ids: Vec::new(),
        created_at: now,
    };
    put(store, &c)?;
    Ok(c)
}

pub(crate) fn rename(store: &Store, id: &str, name: &str) -> Result<Collection, CollectionError> {
    let name = clean_name(name)?;
    let mut c = get(store, id)?;
    name_free(store, &name, Some(id))?;
    c.name = name;
    put(store, &c)?;
    Ok(c)
}

pub(crate) fn delete(store: &Store, id: &str) -> Result<(), CollectionError> {
    get(store, id)?;
    store.write_batch(&[BatchWrite::remove(trees::COLLECTIONS, id.as_bytes().to_vec())])?;
    Ok(())
}

/// Adds (`member` true) or removes credentials; adding one already there, or removing one not there, does nothing.
pub(crate) fn set_members(
    store: &Store,
    id: &str,
    credential_ids: &[String],
    member: bool,
) -> Result<Collection, CollectionError> {
    let mut c = get(store, id)?;
    for cid in credential_ids {
        if member {
            if !store.contains(trees::CREDENTIALS, cid.as_bytes())? {
                return Err(CollectionError::UnknownCredential { id: cid.clone() });
            }
            if !c.credential_ids.contains(cid) {
                c.credential_ids.push(cid.clone());
            }
        } else {
            c.credential_ids.retain(|x| x != cid);
        }
    }
    put(store, &c)?;
    Ok(c)
}

/// The writes that merge a backup's collections into `store`: a collection already here (same id) gains the
/// backup's members it lacks (restoring twice adds nothing); a new one is added, its members mapped through
/// `id_map` (a restored credential may get a new id).
pub(crate) fn merge_writes(
    store: &Store,
    from_backup: &[Collection],
    id_map: &dyn Fn(&str) -> Option<String>,
) -> Result<(Vec<BatchWrite>, usize), StoreError> {
    let mut writes = Vec::new();
    let mut added = 0;
    for b in from_backup {
        let members: Vec<String> = b.credential_ids.iter().filter_map(|id| id_map(id)).collect();
        let merged = match store.get::<Collection>(trees::COLLECTIONS, b.id.as_bytes())? {
            Some(mut here) => {
                let before = here.credential_ids.len();
                for m in members {
                    if !here.credential_ids.contains(&m) {
                        here.credential_ids.push(m);
                    }
                }
                if here.credential_ids.len() == before {
                    continue;
                }
                here
            }
            None => {
                added += 1;
                Collection {
                    credential_ids: members,
                    ..b.clone()
                }
            }
        };
        writes.push(BatchWrite::put(
            trees::COLLECTIONS,
            merged.id.as_bytes().to_vec(),
            &merged,
        )?);
    }
    Ok((writes, added))
}
