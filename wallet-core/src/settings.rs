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
    /// "Allow issuers on this computer (for testing)": offers from `http://127.0.0.1` / `localhost` are received
    /// ([`crate::net::NetPolicy::allow_local_issuers`]). Off unless the learner turns it on.
    #[serde(default)]
    pub allow_local_issuers: bool,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn settings_saved_before_the_local_issuer_switch_read_with_it_off() {
        let old: Settings = serde_json::from_str(r#"{"language":"fr"}"#).unwrap();
        assert_eq!(old.language.as_deref(), Some("fr"));
        assert!(!old.allow_local_issuers);
        assert!(!Settings::default().allow_local_issuers);
    }
}
