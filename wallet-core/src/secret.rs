//! Secret values — the wallet's data key, key-encryption keys, passphrases — and the randomness that makes them.
//!
//! Every type here is zeroized on drop and implements neither `Debug`, `Display` nor `Serialize`,
//! so a secret cannot end up in a log line, an error message or a JSON file by accident.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Why the operating system's random number generator could not be used.
#[derive(Debug, thiserror::Error)]
#[error("the system's random number generator failed: {0}")]
pub struct RandomError(String);

impl RandomError {
    pub(crate) fn from_message(message: &str) -> Self {
        Self(message.to_owned())
    }
}

/// Fills a fresh array with random bytes from the operating system.
pub(crate) fn random_array<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(bytes)
}

/// A fresh random identifier: 16 bytes from the operating system, as 32 lowercase hex digits. Used for wallet,
/// profile and credential ids, so that no id says anything about its content.
pub(crate) fn random_id() -> Result<String, RandomError> {
    let bytes: [u8; 16] = random_array()?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A 256-bit symmetric key: the wallet's data key, or a key that wraps it.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct SymmetricKey([u8; 32]);

impl SymmetricKey {
    pub fn generate() -> Result<Self, RandomError> {
        Ok(Self(random_array()?))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Copies the key out of a slice (e.g. a keyring secret); `None` when it is not 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(array))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A sub-key for another purpose, so one key never serves two uses.
    pub fn derive(&self, purpose: &str) -> Self {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(b"carnet-subkey-v1\0");
        hasher.update(purpose.as_bytes());
        hasher.update([0]);
        hasher.update(self.0);
        let mut out = [0u8; 32];
        out.copy_from_slice(&hasher.finalize());
        Self(out)
    }
}

/// A passphrase typed by the learner.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in characters, for strength rules.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_differ() {
        let a = SymmetricKey::generate().unwrap();
        let b = SymmetricKey::generate().unwrap();
        assert_ne!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn derived_keys_depend_on_purpose_and_key() {
        let k = SymmetricKey::from_bytes([7; 32]);
        assert_ne!(k.derive("index").as_bytes(), k.derive("other").as_bytes());
        assert_ne!(k.derive("index").as_bytes(), k.as_bytes());
        assert_eq!(
            k.derive("index").as_bytes(),
            SymmetricKey::from_bytes([7; 32]).derive("index").as_bytes()
        );
    }

    #[test]
    fn from_slice_needs_32_bytes() {
        assert!(SymmetricKey::from_slice(&[1; 31]).is_none());
        assert!(SymmetricKey::from_slice(&[1; 32]).is_some());
    }
}
