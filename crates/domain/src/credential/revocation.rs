//! Revocation by truncated hash. The synced list holds hashes of credential ids, never the
//! ids or the people behind them, so a leaked list says nothing about who was revoked.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Domain separation: the same uuid hashed for another purpose gives an unrelated value.
const REVOCATION_CONTEXT: &[u8] = b"huiji-revocation-v1";

fn key_bytes(credential_id: Uuid) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(REVOCATION_CONTEXT)
        .chain_update(credential_id.as_bytes())
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The first 16 bytes of SHA-256("huiji-revocation-v1" || credential id bytes), as 32
/// lowercase hex chars. 128 bits keeps accidental collisions out of reach for any list
/// size this system will see.
pub fn revocation_key(credential_id: Uuid) -> String {
    hex::encode(key_bytes(credential_id))
}

/// Set of revocation keys, built from the synced list.
#[derive(Debug, Clone, Default)]
pub struct RevocationList {
    keys: HashSet<[u8; 16]>,
}

impl RevocationList {
    /// Entries that are not 32 hex chars are skipped (see [`RevocationList::insert`]).
    pub fn from_keys<I: IntoIterator<Item = S>, S: AsRef<str>>(keys: I) -> Self {
        let mut list = Self::default();
        for key in keys {
            list.insert(key.as_ref());
        }
        list
    }

    /// Adds one key (32 hex chars, either case). Returns true if it was new; false if it
    /// was already there or is not a key. A malformed entry can only come from a corrupted
    /// sync, and it could not match any credential anyway.
    pub fn insert(&mut self, key: &str) -> bool {
        let mut bytes = [0u8; 16];
        if hex::decode_to_slice(key, &mut bytes).is_err() {
            return false;
        }
        self.keys.insert(bytes)
    }

    /// Revokes a credential by id (issuer side, and tests).
    pub fn insert_id(&mut self, credential_id: Uuid) -> bool {
        self.keys.insert(key_bytes(credential_id))
    }

    pub fn contains(&self, credential_id: Uuid) -> bool {
        self.keys.contains(&key_bytes(credential_id))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_fixed() {
        // Pinned (cross-checked with Python's hashlib): the server, the offline store and
        // old app versions must agree on it.
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let key = revocation_key(id);
        assert_eq!(key.len(), 32);
        let mut h = Sha256::new();
        h.update(b"huiji-revocation-v1");
        h.update(id.as_bytes());
        assert_eq!(key, hex::encode(&h.finalize()[..16]));
        assert_eq!(key, "b6ebf8cb88f82dc59bcdf4526a703902");
    }

    #[test]
    fn list_matches_ids_through_their_keys() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let mut list = RevocationList::from_keys([revocation_key(a), "junk".into()]);
        assert_eq!(list.len(), 1);
        assert!(list.contains(a));
        assert!(!list.contains(b));
        assert!(!list.insert(&revocation_key(a)));
        assert!(list.insert(&revocation_key(b).to_uppercase()));
        assert!(list.contains(b));
        assert!(!list.insert(&revocation_key(b)[..31]));
        assert!(!list.insert(""));
        assert_eq!(list.len(), 2);
        assert!(!list.is_empty());
        assert!(RevocationList::default().is_empty());
    }
}
