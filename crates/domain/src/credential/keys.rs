//! Signing keys (issuer side) and the trust list (scanner side).

use std::fmt;

use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};

/// Longest key id. The kid travels in every QR code, so it is kept short.
pub const MAX_KID_LEN: usize = 16;

/// kid: 1..=16 ASCII chars `[A-Za-z0-9_-]`. Checked by `issue` (an error) and by `verify`
/// (a header with any other kid is malformed).
pub fn is_valid_kid(kid: &str) -> bool {
    (1..=MAX_KID_LEN).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The signer's key: a 32-byte Ed25519 seed and its key id.
///
/// Key generation takes the seed from the caller: the domain crate does no IO and reads no
/// OS randomness, so the server draws 32 random bytes and passes them in. Not `Debug`-
/// printable beyond kid and public key, so a stray `{:?}` cannot leak the seed.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    key: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// Any kid is accepted here; `issue` refuses to sign with an invalid one
    /// (`credential.kid_invalid`), so a bad configuration fails on first use, loudly.
    pub fn from_seed(kid: &str, seed: [u8; 32]) -> Self {
        Self {
            kid: kid.to_owned(),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The public key as the 64 lowercase hex chars a [`TrustedKey`] holds.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.public_key())
    }

    /// The trust-list entry for this key, valid for credentials issued from `valid_from`.
    pub fn trusted(&self, valid_from: i64) -> TrustedKey {
        TrustedKey {
            kid: self.kid.clone(),
            public_key: self.public_key_hex(),
            valid_from,
            retired_at: None,
            revoked: false,
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("public_key", &self.public_key_hex())
            .finish_non_exhaustive()
    }
}

/// One public key a scanner trusts, as synced from the server.
///
/// Lifecycle, judged by the credential's signed `issued_at` (iat):
/// - `iat < valid_from`: the key did not exist yet, so it cannot have signed this; the
///   verdict is `UnknownKey` (the same as a kid we never heard of).
/// - `retired_at = Some(t)`: rotation. Credentials issued before `t` keep verifying until
///   they expire ("old keys still verify until retired"); anything claiming `iat >= t` is
///   `RetiredKey`.
/// - `revoked = true`: the private key is compromised, so nothing it signed can be
///   trusted, whatever its iat: `RetiredKey`, before the signature is even checked.
///
/// A `public_key` that is not 64 hex chars of a valid Ed25519 point makes the entry
/// unusable: `UnknownKey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    pub kid: String,
    /// 64 lowercase hex chars (serde-friendly for JSON sync).
    pub public_key: String,
    /// Unix seconds.
    pub valid_from: i64,
    /// Unix seconds.
    pub retired_at: Option<i64>,
    pub revoked: bool,
}

impl TrustedKey {
    pub(crate) fn verifying_key(&self) -> Option<ed25519_dalek::VerifyingKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&self.public_key, &mut bytes).ok()?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok()
    }
}

/// The keys a scanner trusts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustList {
    pub keys: Vec<TrustedKey>,
    /// Unix seconds.
    pub updated_at: i64,
}

impl TrustList {
    /// The first entry with this kid. Kids are unique in a well-formed list; if a list
    /// repeats one, the first entry wins (a later duplicate cannot override it).
    pub fn get(&self, kid: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kid_rules() {
        for ok in ["k", "k2026a", "A-b_9", "0123456789abcdef"] {
            assert!(is_valid_kid(ok), "{ok}");
        }
        for bad in ["", "0123456789abcdefg", "k 1", "k.1", "密钥", "k\n"] {
            assert!(!is_valid_kid(bad), "{bad:?}");
        }
    }

    #[test]
    fn seed_gives_a_fixed_public_key() {
        // RFC 8032 test 1: this seed has this public key.
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let key = SigningKey::from_seed("t", seed);
        assert_eq!(
            key.public_key_hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            key.trusted(5).verifying_key().unwrap().to_bytes(),
            key.public_key()
        );
    }

    #[test]
    fn debug_does_not_print_the_seed() {
        let key = SigningKey::from_seed("k1", [7u8; 32]);
        let printed = format!("{key:?}");
        assert!(printed.contains("k1"));
        assert!(!printed.contains(&hex::encode([7u8; 32])));
    }

    #[test]
    fn bad_public_keys_are_unusable() {
        let mut t = SigningKey::from_seed("k1", [7u8; 32]).trusted(0);
        t.public_key.pop();
        assert!(t.verifying_key().is_none());
        t.public_key = "zz".repeat(32);
        assert!(t.verifying_key().is_none());
    }

    #[test]
    fn first_duplicate_wins() {
        let a = SigningKey::from_seed("k1", [1u8; 32]).trusted(0);
        let b = SigningKey::from_seed("k1", [2u8; 32]).trusted(0);
        let list = TrustList {
            keys: vec![a.clone(), b],
            updated_at: 0,
        };
        assert_eq!(list.get("k1"), Some(&a));
        assert_eq!(list.get("k2"), None);
    }
}
