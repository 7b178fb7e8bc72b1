//! Ed25519 keys of the learner's profiles, and the signing API that presentations and offers use.
//!
//! [`SecretKey`] is zeroized on drop (ed25519-dalek's `SigningKey` does it) and has no `Debug`, `Display` or
//! `Serialize`: it leaves the store only inside an encrypted backup, as bytes copied into a zeroized buffer.

use ed25519_dalek::{Signer, Verifier};
use zeroize::Zeroizing;

use crate::secret::{random_array, RandomError};

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("a public key must be 32 bytes")]
    BadPublicKey,
    #[error("a signature must be 64 bytes")]
    BadSignature,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// A profile's private signing key.
pub struct SecretKey(ed25519_dalek::SigningKey);

impl SecretKey {
    pub(crate) fn generate() -> Result<Self, KeyError> {
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(random_array()?);
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(bytes))
    }

    /// A key from a known seed, for tools and tests that play an issuer (the wallet makes its own keys).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_bytes(seed)
    }

    /// The 32-byte seed, in a buffer that is wiped when dropped. For the store and backups only.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (EdDSA over Ed25519), returning the 64-byte signature.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// A profile's public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadPublicKey)?;
        ed25519_dalek::VerifyingKey::from_bytes(&array)
            .map(Self)
            .map_err(|_| KeyError::BadPublicKey)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    pub(crate) fn verifying_key(&self) -> &ed25519_dalek::VerifyingKey {
        &self.0
    }

    /// Checks an Ed25519 signature: `Ok(true)` valid, `Ok(false)` invalid, `Err` when it is not a signature.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<bool, KeyError> {
        let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| KeyError::BadSignature)?;
        Ok(self.0.verify(message, &sig).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let key = SecretKey::generate().unwrap();
        let sig = key.sign(b"hello");
        assert!(key.public_key().verify(b"hello", &sig).unwrap());
        assert!(!key.public_key().verify(b"hellO", &sig).unwrap());
        assert!(key.public_key().verify(b"hello", &sig[..10]).is_err());
    }

    #[test]
    fn bytes_round_trip() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::from_bytes(&key.to_bytes());
        assert_eq!(again.public_key(), key.public_key());
    }

    // RFC 8032 test 1: the secret seed and its public key.
    #[test]
    fn rfc8032_vector() {
        let seed: [u8; 32] = hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = SecretKey::from_bytes(&seed);
        assert_eq!(
            key.public_key().as_bytes(),
            &hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
    }

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }
}
