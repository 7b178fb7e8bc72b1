//! Envelope encryption of single values: XChaCha20-Poly1305 with a random nonce, bound to where the value lives.
//!
//! Sealed form: `version (1 byte) ‖ nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes)`. The associated data
//! names the tree and the record key, so a value moved to another record or tree no longer opens.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::secret::{random_array, RandomError, SymmetricKey};

const SEAL_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
/// Bytes a sealed value adds to its plaintext.
pub(crate) const OVERHEAD: usize = 1 + NONCE_LEN + 16;

/// A sealed value did not open: wrong key, or damaged or moved bytes.
#[derive(Debug, thiserror::Error)]
#[error("the value does not decrypt (damaged, moved, or another key)")]
pub(crate) struct OpenError;

fn cipher(key: &SymmetricKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&(*key.as_bytes()).into())
}

/// Associated data for a record: `tree ‖ 0x00 ‖ key`.
pub(crate) fn record_aad(tree: &str, key: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(tree.len() + 1 + key.len());
    aad.extend_from_slice(tree.as_bytes());
    aad.push(0);
    aad.extend_from_slice(key);
    aad
}

pub(crate) fn seal(key: &SymmetricKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, RandomError> {
    let nonce_bytes: [u8; NONCE_LEN] = random_array()?;
    let nonce = XNonce::from(nonce_bytes);
    // Encryption with a valid key and nonce cannot fail for in-memory buffers; map it anyway, never panic.
    let ciphertext = cipher(key)
        .encrypt(&nonce, Payload { msg: plaintext, aad })
        .map_err(|_| RandomError::from_message("encryption failed"))?;
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(SEAL_VERSION);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

pub(crate) fn open(key: &SymmetricKey, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if sealed.len() < OVERHEAD || sealed[0] != SEAL_VERSION {
        return Err(OpenError);
    }
    let nonce_bytes: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().map_err(|_| OpenError)?;
    let nonce = XNonce::from(nonce_bytes);
    cipher(key)
        .decrypt(
            &nonce,
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| OpenError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let key = SymmetricKey::generate().unwrap();
        let sealed = seal(&key, b"t\0k", b"hello").unwrap();
        assert_eq!(sealed.len(), OVERHEAD + 5);
        assert_eq!(&open(&key, b"t\0k", &sealed).unwrap()[..], b"hello");
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let key = SymmetricKey::generate().unwrap();
        assert_ne!(seal(&key, b"", b"x").unwrap(), seal(&key, b"", b"x").unwrap());
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let key = SymmetricKey::generate().unwrap();
        let sealed = seal(&key, b"aad", b"some credential").unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open(&key, b"aad", &bad).is_err(), "flip at byte {i} not detected");
        }
    }

    #[test]
    fn values_cannot_be_moved_or_opened_with_another_key() {
        let key = SymmetricKey::generate().unwrap();
        let sealed = seal(&key, &record_aad("profiles", b"a"), b"v").unwrap();
        assert!(open(&key, &record_aad("profiles", b"b"), &sealed).is_err());
        assert!(open(&key, &record_aad("credentials", b"a"), &sealed).is_err());
        assert!(open(
            &SymmetricKey::generate().unwrap(),
            &record_aad("profiles", b"a"),
            &sealed
        )
        .is_err());
        assert!(open(&key, b"", &sealed[..10]).is_err());
    }
}
