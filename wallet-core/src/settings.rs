//! The learner's settings, kept encrypted in the store (and carried by backups).

use serde::{Deserialize, Serialize};

use crate::store::{trees, Store, StoreError};

pub(crate) const KEY: &[u8] = b"settings";

/// Preferences that follow the wallet (not the computer).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Interface language chosen by the learner ("fr", "en"); `None` follows the system.
    #[serde(default)]
    pub language: Option<String>,
    /// `light`, `dark`, or `None` to follow the system.
    #[serde(default)]
    pub theme: Option<String>,
    /// Offline mode: Carnet fetches nothing (issuer keys, status lists, pictures), and checks with what it cached.
    #[serde(default)]
    pub offline: bool,
}

pub(crate) fn get(store: &Store) -> Result<Settings, StoreError> {
    Ok(store.get(trees::META, KEY)?.unwrap_or_default())
}

pub(crate) fn exists(store: &Store) -> Result<bool, StoreError> {
    store.contains(trees::META, KEY)
}

pub(crate) fn set(store: &Store, settings: &Settings) -> Result<(), StoreError> {
    store.write_batch(&[crate::store::BatchWrite::put(
        trees::META,
        KEY.to_vec(),
        settings,
    )?])
}
