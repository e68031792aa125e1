//! Passwords (argon2id), bearer tokens (random 256-bit, stored as SHA-256) and the
//! extractor that turns a request into a `Principal`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use huiji_domain::org::{can, Action, Grant, NodePath, Principal, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

use crate::error::{ApiError, Result};
use crate::state::AppState;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("argon2: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new token: what the client keeps, and what the server stores.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("hj_{}", hex::encode(bytes));
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub principal: Principal,
    pub token_hash: String,
}

impl AuthUser {
    pub fn id(&self) -> Uuid {
        self.principal.account_id
    }

    /// The check every scoped endpoint makes: a grant covering `node` permits `action`.
    pub fn require(&self, action: Action, node: &NodePath) -> Result<()> {
        if can(&self.principal, action, node) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(ApiError::unauthorized)?;
        let hash = token_hash(token.trim());
        let now = state.now();
        let row = sqlx::query(
            "SELECT t.account_id FROM tokens t JOIN accounts a ON a.id = t.account_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 \
             AND a.status = 'active'",
        )
        .bind(&hash)
        .bind(now)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
        let account_id: String = row.try_get(0)?;
        let account_id = parse_uuid(&account_id)?;
        let principal = load_principal(state, account_id).await?;
        Ok(AuthUser {
            principal,
            token_hash: hash,
        })
    }
}

pub fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| ApiError::internal(format!("bad uuid in database: {e}")))
}

pub async fn load_principal(state: &AppState, account_id: Uuid) -> Result<Principal> {
    let rows = sqlx::query(
        "SELECT g.role, g.node_id, r.node_path FROM grants g \
         LEFT JOIN records r ON r.id = g.node_id AND r.kind = 'org_node' \
         WHERE g.account_id = $1",
    )
    .bind(account_id.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let mut grants = Vec::new();
    for row in rows {
        let role: String = row.try_get(0)?;
        let node_id: Option<String> = row.try_get(1)?;
        let path: Option<String> = row.try_get(2)?;
        let Some(role) = Role::parse(&role) else {
            continue;
        };
        let node = match (node_id, path) {
            (None, _) => None,
            (Some(_), Some(p)) => match NodePath::parse(&p) {
                Some(p) => Some(p),
                None => continue,
            },
            // A grant on a node that no longer exists grants nothing.
            (Some(_), None) => continue,
        };
        grants.push(Grant { role, node });
    }
    Ok(Principal { account_id, grants })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("Huiji2026").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("Huiji2026", &h));
        assert!(!verify_password("huiji2026", &h));
        assert!(!verify_password("Huiji2026", "not a hash"));
    }

    #[test]
    fn tokens_are_256_bit_and_stored_hashed() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 3 + 64);
        assert_eq!(h1, token_hash(&t1));
        assert!(!h1.contains(&t1[3..]));
    }
}
