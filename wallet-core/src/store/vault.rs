//! How the wallet's data key is kept at rest: wrapped (sealed) under a key-encryption key that comes either
//! from the operating system's keyring or from the learner's passphrase through Argon2id.
//!
//! The wrapped key and the parameters needed to unwrap it live in the plaintext wallet header
//! (`carnet-wallet.json`, field `vault`). Changing the passphrase re-wraps the same data key, so no record is
//! re-encrypted. The data key itself never leaves memory unwrapped.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::envelope;
use crate::secret::{random_array, Passphrase, RandomError, SymmetricKey};

/// Shortest passphrase accepted for a new wallet or backup, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// The keyring service name under which Carnet keeps one entry per wallet.
pub const KEYRING_SERVICE: &str = "Carnet";

/// Why the data key could not be wrapped or unwrapped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The passphrase does not unwrap the data key.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// This wallet is protected by a passphrase and none was given.
    #[error("this wallet is protected by a passphrase: give it (CARNET_PASSPHRASE or --passphrase-env VAR)")]
    PassphraseRequired,
    /// A new passphrase is too short.
    #[error("the passphrase is too short: use at least {min} characters")]
    PassphraseTooShort { min: usize },
    /// No keyring service can be reached (e.g. a headless Linux session without Secret Service).
    #[error("no system keyring is available ({reason}); protect the wallet with a passphrase instead")]
    KeyringUnavailable { reason: String },
    /// The keyring answered, but the wallet's entry is missing or unreadable.
    #[error("the system keyring has no usable key for this wallet ({reason}); restore from a backup")]
    KeyringEntry { reason: String },
    /// The key derivation parameters in the header are not usable.
    #[error("the key derivation settings in the wallet header are invalid: {0}")]
    Kdf(String),
    /// The wrapped key in the header is malformed.
    #[error("the wallet header's key section is damaged; restore the wallet from a backup")]
    Damaged,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Argon2id cost parameters. Stored in the header next to the salt, so each wallet keeps the parameters it
/// was made with even when the defaults change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory, in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// The defaults for new wallets and backups: 128 MiB, 5 passes, 1 lane. On the 2-core reference machine
    /// one derivation takes about 0.45 s (`cargo bench -p wallet-core --bench vault`); 64 MiB × 3 took 0.13 s,
    /// below the 0.3–1 s aimed for.
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost_kib: 128 * 1024,
        t_cost: 5,
        p_cost: 1,
    };

    /// Deliberately weak parameters, only for tests that unlock hundreds of times.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn argon2(&self) -> Result<argon2::Argon2<'static>, VaultError> {
        // Refuse absurd values from a tampered header before allocating memory for them.
        if self.m_cost_kib > 4 * 1024 * 1024 || self.t_cost > 100 || self.p_cost > 16 {
            return Err(VaultError::Kdf(format!(
                "{self:?} is beyond what Carnet ever writes"
            )));
        }
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    /// Runs one key derivation with these costs and a fixed salt, for benchmarks; the key is discarded.
    #[doc(hidden)]
    pub fn derive_for_bench(&self, passphrase: &Passphrase) {
        let _ = self.derive(passphrase, b"carnet bench salt");
    }

    /// Derives a 256-bit key from a passphrase and salt.
    pub(crate) fn derive(&self, passphrase: &Passphrase, salt: &[u8]) -> Result<SymmetricKey, VaultError> {
        let mut out = Zeroizing::new([0u8; 32]);
        self.argon2()?
            .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        Ok(SymmetricKey::from_bytes(*out))
    }
}

/// Where the key-encryption key comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Protection {
    /// Argon2id over the learner's passphrase.
    Passphrase {
        params: KdfParams,
        /// Base64, 16 random bytes.
        salt: String,
    },
    /// A random key kept in the operating system's keyring under `service` / `account`.
    Keyring { service: String, account: String },
}

/// The `vault` section of the wallet header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultHeader {
    pub protection: Protection,
    /// Base64 of the sealed data key.
    pub wrapped_key: String,
}

/// What the learner chose to protect a new wallet with.
pub enum NewProtection {
    Keyring,
    Passphrase(Passphrase, KdfParams),
}

/// Whether the system keyring can be used here; `Err` carries the reason in plain words.
pub fn keyring_status() -> Result<(), String> {
    match keyring::Entry::store_status() {
        Ok(()) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn wrap_aad(wallet_id: &str) -> Vec<u8> {
    let mut aad = b"carnet-data-key-v1\0".to_vec();
    aad.extend_from_slice(wallet_id.as_bytes());
    aad
}

fn keyring_entry(service: &str, account: &str) -> Result<keyring::Entry, VaultError> {
    keyring_status().map_err(|reason| VaultError::KeyringUnavailable { reason })?;
    keyring::Entry::new(service, account).map_err(|e| VaultError::KeyringUnavailable {
        reason: e.to_string(),
    })
}

pub(crate) fn check_new_passphrase(passphrase: &Passphrase) -> Result<(), VaultError> {
    if passphrase.char_count() < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::PassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

/// Wraps `data_key` for a new protection. For the keyring, a fresh key-encryption key is stored in the keyring
/// first; the header is only written by the caller after this succeeds.
pub(crate) fn wrap(
    data_key: &SymmetricKey,
    wallet_id: &str,
    protection: &NewProtection,
) -> Result<VaultHeader, VaultError> {
    let (kek, protection) = match protection {
        NewProtection::Passphrase(passphrase, params) => {
            check_new_passphrase(passphrase)?;
            let salt: [u8; 16] = random_array()?;
            let kek = params.derive(passphrase, &salt)?;
            (
                kek,
                Protection::Passphrase {
                    params: *params,
                    salt: B64.encode(salt),
                },
            )
        }
        NewProtection::Keyring => {
            let account = format!("wallet {wallet_id}");
            let entry = keyring_entry(KEYRING_SERVICE, &account)?;
            let kek = SymmetricKey::generate()?;
            entry
                .set_secret(kek.as_bytes())
                .map_err(|e| VaultError::KeyringUnavailable {
                    reason: e.to_string(),
                })?;
            (
                kek,
                Protection::Keyring {
                    service: KEYRING_SERVICE.to_owned(),
                    account,
                },
            )
        }
    };
    let sealed = envelope::seal(&kek, &wrap_aad(wallet_id), data_key.as_bytes())?;
    Ok(VaultHeader {
        protection,
        wrapped_key: B64.encode(sealed),
    })
}

/// Unwraps the data key. `passphrase` is needed only for passphrase protection.
pub(crate) fn unwrap(
    header: &VaultHeader,
    wallet_id: &str,
    passphrase: Option<&Passphrase>,
) -> Result<SymmetricKey, VaultError> {
    let sealed = B64.decode(&header.wrapped_key).map_err(|_| VaultError::Damaged)?;
    let (kek, wrong) = match &header.protection {
        Protection::Passphrase { params, salt } => {
            let passphrase = passphrase.ok_or(VaultError::PassphraseRequired)?;
            let salt = B64.decode(salt).map_err(|_| VaultError::Damaged)?;
            (params.derive(passphrase, &salt)?, VaultError::WrongPassphrase)
        }
        Protection::Keyring { service, account } => {
            let entry = keyring_entry(service, account)?;
            let secret = Zeroizing::new(entry.get_secret().map_err(|e| VaultError::KeyringEntry {
                reason: e.to_string(),
            })?);
            let kek = SymmetricKey::from_slice(&secret).ok_or_else(|| VaultError::KeyringEntry {
                reason: "the stored key has the wrong length".into(),
            })?;
            (
                kek,
                VaultError::KeyringEntry {
                    reason: "the stored key does not open this wallet".into(),
                },
            )
        }
    };
    let plain = envelope::open(&kek, &wrap_aad(wallet_id), &sealed).map_err(|_| wrong)?;
    SymmetricKey::from_slice(&plain).ok_or(VaultError::Damaged)
}

/// Removes the keyring entry of a protection that is being replaced (best effort: a stale entry is harmless).
pub(crate) fn forget(protection: &Protection) {
    if let Protection::Keyring { service, account } = protection {
        if let Ok(entry) = keyring_entry(service, account) {
            let _ = entry.delete_credential();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.to_owned())
    }

    /// `key` wrapped for wallet "w1" under the passphrase "correct horse", with cheap test costs.
    fn wrapped(key: &SymmetricKey) -> VaultHeader {
        let protection = NewProtection::Passphrase(pass("correct horse"), KdfParams::INSECURE_FOR_TESTS);
        wrap(key, "w1", &protection).unwrap()
    }

    #[test]
    fn passphrase_wrap_round_trip() {
        let key = SymmetricKey::generate().unwrap();
        let header = wrapped(&key);
        let back = unwrap(&header, "w1", Some(&pass("correct horse"))).unwrap();
        assert_eq!(back.as_bytes(), key.as_bytes());
    }

    #[test]
    fn wrong_or_missing_passphrase_is_named() {
        let key = SymmetricKey::generate().unwrap();
        let header = wrapped(&key);
        assert!(matches!(
            unwrap(&header, "w1", Some(&pass("wrong horse!"))),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            unwrap(&header, "w1", None),
            Err(VaultError::PassphraseRequired)
        ));
        // The wrapped key is bound to its wallet.
        assert!(matches!(
            unwrap(&header, "w2", Some(&pass("correct horse"))),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn short_passphrases_are_refused() {
        let key = SymmetricKey::generate().unwrap();
        let err = wrap(
            &key,
            "w",
            &NewProtection::Passphrase(pass("short"), KdfParams::INSECURE_FOR_TESTS),
        );
        assert!(matches!(
            err,
            Err(VaultError::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS
            })
        ));
    }

    #[test]
    fn tampered_parameters_are_refused_before_allocating() {
        let p = KdfParams {
            m_cost_kib: u32::MAX,
            t_cost: 1,
            p_cost: 1,
        };
        assert!(matches!(
            p.derive(&pass("whatever1"), b"saltsaltsaltsalt"),
            Err(VaultError::Kdf(_))
        ));
    }

    #[test]
    fn header_serializes_with_a_kind_tag() {
        let key = SymmetricKey::generate().unwrap();
        let header = wrapped(&key);
        let json = serde_json::to_value(&header).unwrap();
        assert_eq!(json["protection"]["kind"], "passphrase");
        assert_eq!(json["protection"]["params"]["m_cost_kib"], 64);
    }
}
