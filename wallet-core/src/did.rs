//! Decentralized identifiers for the learner's profiles: did:key and did:jwk for an Ed25519 key, through ssi.

use ssi::dids::{DIDKey, DIDJWK};
use ssi::JWK;

use crate::keys::PublicKey;

/// Why a DID could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    #[error("cannot encode the key as a did:key: {0}")]
    Encode(String),
}

fn jwk(key: &PublicKey) -> JWK {
    JWK::from(*key.verifying_key())
}

/// `did:key:z6Mk…` for an Ed25519 public key (multicodec 0xed01, base58btc).
pub fn did_key(key: &PublicKey) -> Result<String, DidError> {
    DIDKey::generate(&jwk(key))
        .map(|d| d.to_string())
        .map_err(|e| DidError::Encode(e.to_string()))
}

/// The verification method of a did:key: `did:key:z6Mk…#z6Mk…`.
pub fn did_key_method(key: &PublicKey) -> Result<String, DidError> {
    DIDKey::generate_url(&jwk(key))
        .map(|d| d.to_string())
        .map_err(|e| DidError::Encode(e.to_string()))
}

/// `did:jwk:…` (base64url of the public JWK, JCS-normalised).
pub fn did_jwk(key: &PublicKey) -> String {
    DIDJWK::generate(&jwk(key)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn key() -> PublicKey {
        // RFC 8032 test 1 public key.
        let hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        PublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn did_key_matches_the_multicodec_rule() {
        let did = did_key(&key()).unwrap();
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        // Independent check: base58btc(0xed 0x01 ‖ key), decoded back.
        let decoded = multibase_decode(&did["did:key:z".len()..]);
        assert_eq!(&decoded[..2], &[0xed, 0x01]);
        assert_eq!(&decoded[2..], key().as_bytes());
        assert_eq!(
            did_key_method(&key()).unwrap(),
            format!("{did}#{}", &did["did:key:".len()..])
        );
    }

    #[test]
    fn did_jwk_decodes_to_the_public_key() {
        let did = did_jwk(&key());
        let json = URL_SAFE_NO_PAD.decode(&did["did:jwk:".len()..]).unwrap();
        let jwk: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(jwk["kty"], "OKP");
        assert_eq!(jwk["crv"], "Ed25519");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap(),
            key().as_bytes()
        );
        assert!(jwk.get("d").is_none(), "no private part");
    }

    /// Minimal base58btc decoder (Bitcoin alphabet), independent of ssi, for the test above.
    fn multibase_decode(s: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let mut num: Vec<u8> = vec![0];
        for c in s.bytes() {
            let mut carry = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            for digit in num.iter_mut().rev() {
                let v = (*digit as u32) * 58 + carry;
                *digit = (v & 0xff) as u8;
                carry = v >> 8;
            }
            while carry > 0 {
                num.insert(0, (carry & 0xff) as u8);
                carry >>= 8;
            }
        }
        let leading = s.bytes().take_while(|&c| c == b'1').count();
        let start = num.iter().position(|&b| b != 0).unwrap_or(num.len());
        let mut out = vec![0; leading];
        out.extend_from_slice(&num[start..]);
        out
    }
}
