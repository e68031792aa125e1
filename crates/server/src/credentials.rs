//! The server's side of signed credentials: the signing keys (create, rotate, retire,
//! revoke), issuing a credential, and revoking the ones a status change makes stale.
//! Devices verify offline against the trust list and revocation list, which are plain
//! synced records (`trust_key`, `revocation`) written here.

use huiji_domain::credential::{self, Claims, SigningKey};
use huiji_domain::org::NodePath;
use huiji_domain::sync::{RecordKind, RevocationBody, TrustKeyBody};
use rand::RngCore;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::records::{write_server_rows, ServerRow};
use crate::state::AppState;

/// Platform-wide records (the trust data) hang at this pseudo-node; they are public, so
/// no scope ever tests its path.
pub const PLATFORM_NODE: Uuid = Uuid::nil();

pub fn platform_path() -> NodePath {
    NodePath::root(PLATFORM_NODE)
}

#[derive(Debug, Clone)]
struct KeyRow {
    kid: String,
    seed: String,
    public_key: String,
    valid_from: i64,
    retired_at: Option<i64>,
    revoked: bool,
}

const KEY_COLUMNS: &str = "kid, seed, public_key, valid_from, retired_at, revoked";

fn key_from_row(row: &sqlx::any::AnyRow) -> Result<KeyRow> {
    Ok(KeyRow {
        kid: row.try_get(0)?,
        seed: row.try_get(1)?,
        public_key: row.try_get(2)?,
        valid_from: row.try_get(3)?,
        retired_at: row.try_get(4)?,
        revoked: row.try_get::<i64, _>(5)? != 0,
    })
}

fn signing_key(row: &KeyRow) -> Result<SigningKey> {
    let bytes = hex::decode(&row.seed).map_err(|e| ApiError::internal(format!("bad seed: {e}")))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| ApiError::internal("seed is not 32 bytes".into()))?;
    Ok(SigningKey::from_seed(&row.kid, seed))
}

fn trust_row(k: &KeyRow) -> Result<ServerRow> {
    let body = TrustKeyBody {
        kid: k.kid.clone(),
        public_key: k.public_key.clone(),
        valid_from: k.valid_from,
        retired_at: k.retired_at,
        revoked: k.revoked,
    };
    Ok(ServerRow {
        id: Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("huiji:trust_key:{}", k.kid).as_bytes(),
        ),
        kind: RecordKind::TrustKey,
        node_id: PLATFORM_NODE,
        node_path: platform_path(),
        owner_id: None,
        body: serde_json::to_value(body).map_err(|e| ApiError::internal(e.to_string()))?,
        audience: Vec::new(),
    })
}

/// A fresh key id: "k" + the date + 4 random hex digits (≤ 16 chars, [A-Za-z0-9]).
fn new_kid(now_ms: i64) -> String {
    let d = huiji_domain::time::today_cst(now_ms);
    let mut r = [0u8; 2];
    rand::rngs::OsRng.fill_bytes(&mut r);
    format!("k{:04}{:02}{:02}{}", d.year, d.month, d.day, hex::encode(r))
}

async fn insert_key(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    now: i64,
    actor: Option<Uuid>,
) -> Result<String> {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let kid = new_kid(now);
    let key = SigningKey::from_seed(&kid, seed);
    let row = KeyRow {
        kid: kid.clone(),
        seed: hex::encode(seed),
        public_key: hex::encode(key.public_key()),
        valid_from: now / 1000,
        retired_at: None,
        revoked: false,
    };
    sqlx::query("UPDATE signing_keys SET active = 0 WHERE active = 1")
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO signing_keys (kid, seed, public_key, created_at, valid_from, active) VALUES ($1, $2, $3, $4, $5, 1)")
        .bind(&row.kid)
        .bind(&row.seed)
        .bind(&row.public_key)
        .bind(now)
        .bind(row.valid_from)
        .execute(&mut **tx)
        .await?;
    write_server_rows(tx, backend, vec![trust_row(&row)?], actor, now).await?;
    Ok(kid)
}

/// At start: make sure one key is active.
pub async fn ensure_key(st: &AppState) -> Result<()> {
    let mut tx = st.db.writer.begin().await?;
    let active = sqlx::query("SELECT kid FROM signing_keys WHERE active = 1")
        .fetch_optional(&mut *tx)
        .await?;
    if active.is_none() {
        let kid = insert_key(&mut tx, st.db.backend, st.now(), None).await?;
        tracing::info!(kid, "created the first credential signing key");
    }
    tx.commit().await?;
    Ok(())
}

/// A new key signs from now on; the old ones still verify what they signed.
pub async fn rotate(st: &AppState, actor: Uuid) -> Result<String> {
    let mut tx = st.db.writer.begin().await?;
    let kid = insert_key(&mut tx, st.db.backend, st.now(), Some(actor)).await?;
    tx.commit().await?;
    tracing::info!(kid, "credential signing key rotated");
    Ok(kid)
}

/// How a key is taken out of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEnd {
    /// Stops signing; what it signed before verifies until it expires.
    Retire,
    /// Compromised: nothing it signed verifies any more.
    Revoke,
}

pub async fn end_key(st: &AppState, kid: &str, how: KeyEnd, actor: Uuid) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let row = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS}, active FROM signing_keys WHERE kid = $1"
    ))
    .bind(kid)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::not_found("签发密钥"))?;
    let mut key = key_from_row(&row)?;
    let was_active = row.try_get::<i64, _>(6)? != 0;
    match how {
        KeyEnd::Retire => key.retired_at = Some(key.retired_at.unwrap_or(now / 1000)),
        KeyEnd::Revoke => {
            key.revoked = true;
            key.retired_at = Some(key.retired_at.unwrap_or(now / 1000));
        }
    }
    sqlx::query("UPDATE signing_keys SET retired_at = $1, revoked = $2, active = 0 WHERE kid = $3")
        .bind(key.retired_at)
        .bind(i64::from(key.revoked))
        .bind(kid)
        .execute(&mut *tx)
        .await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![trust_row(&key)?],
        Some(actor),
        now,
    )
    .await?;
    // Something must sign: ending the active key brings in a new one.
    if was_active {
        insert_key(&mut tx, st.db.backend, now, Some(actor)).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn active_key(tx: &mut Transaction<'_, Any>) -> Result<SigningKey> {
    let row = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM signing_keys WHERE active = 1"
    ))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| ApiError::internal("no active signing key".into()))?;
    signing_key(&key_from_row(&row)?)
}

/// Signs `claims` with the active key and records the credential, in the caller's
/// transaction.
pub async fn issue(tx: &mut Transaction<'_, Any>, claims: &Claims) -> Result<String> {
    let key = active_key(tx).await?;
    let text = credential::issue(claims, &key)?;
    sqlx::query("INSERT INTO credentials (id, kind, subject_id, kid, text, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(claims.id.to_string())
        .bind(claims.kind().as_str())
        .bind(claims.subject.to_string())
        .bind(key.kid())
        .bind(&text)
        .bind(claims.issued_at)
        .bind(claims.expires)
        .execute(&mut **tx)
        .await?;
    Ok(text)
}

/// Revokes every live credential of `kind` held by `subject`: marks them and publishes
/// their revocation keys (hashes, never identities) to every device. Returns how many.
pub async fn revoke_subject(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    subject: Uuid,
    kind: credential::CredentialKind,
    now: i64,
    actor: Option<Uuid>,
) -> Result<usize> {
    let rows = sqlx::query("SELECT id FROM credentials WHERE subject_id = $1 AND kind = $2 AND revoked_at IS NULL AND expires_at > $3")
        .bind(subject.to_string())
        .bind(kind.as_str())
        .bind(now / 1000)
        .fetch_all(&mut **tx)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id = crate::auth::parse_uuid(&row.try_get::<String, _>(0)?)?;
        let key = credential::revocation_key(id);
        out.push(ServerRow {
            id: Uuid::new_v5(
                &Uuid::NAMESPACE_OID,
                format!("huiji:revocation:{key}").as_bytes(),
            ),
            kind: RecordKind::Revocation,
            node_id: PLATFORM_NODE,
            node_path: platform_path(),
            owner_id: None,
            body: serde_json::to_value(RevocationBody { key })
                .map_err(|e| ApiError::internal(e.to_string()))?,
            audience: Vec::new(),
        });
    }
    sqlx::query("UPDATE credentials SET revoked_at = $1 WHERE subject_id = $2 AND kind = $3 AND revoked_at IS NULL")
        .bind(now / 1000)
        .bind(subject.to_string())
        .bind(kind.as_str())
        .execute(&mut **tx)
        .await?;
    let n = out.len();
    write_server_rows(tx, backend, out, actor, now).await?;
    Ok(n)
}

/// Every key, for the admin screen (public parts only).
pub async fn list_keys(st: &AppState) -> Result<Vec<TrustKeyBody>> {
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY created_at"
    ))
    .fetch_all(&st.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let k = key_from_row(r)?;
            Ok(TrustKeyBody {
                kid: k.kid,
                public_key: k.public_key,
                valid_from: k.valid_from,
                retired_at: k.retired_at,
                revoked: k.revoked,
            })
        })
        .collect()
}

/// Verifies a credential here as a scanner would offline, with the server's own keys
/// and revocations (a member's device sends what it scanned; the server checks again).
pub async fn verify_here(
    st: &AppState,
    text: &str,
    expect: credential::Expect,
) -> Result<credential::Verdict> {
    let keys = list_keys(st).await?;
    let trust = credential::TrustList {
        keys: keys.into_iter().map(Into::into).collect(),
        updated_at: st.now() / 1000,
    };
    let mut v = credential::verify(
        text,
        st.now() / 1000,
        &trust,
        &credential::RevocationList::default(),
        expect,
    );
    if let (credential::Reason::Valid, Some(c)) = (v.reason, v.claims.as_ref()) {
        let revoked =
            sqlx::query("SELECT 1 FROM credentials WHERE id = $1 AND revoked_at IS NOT NULL")
                .bind(c.id.to_string())
                .fetch_optional(&st.db.pool)
                .await?;
        if revoked.is_some() {
            v.reason = credential::Reason::Revoked;
        }
    }
    Ok(v)
}
