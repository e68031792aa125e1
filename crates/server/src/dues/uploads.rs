//! Proof images arrive in pieces (a phone on a weak network resumes where it stopped):
//! an upload is announced with its size and SHA-256, pieces are stored at their
//! offsets, and once every byte is there the hash is checked and the image is decoded
//! under limits, re-encoded without metadata and thumbnailed (`proof_image`). What is
//! kept is the clean copy; the pieces are dropped.

use axum::http::StatusCode;
use huiji_domain::dues::proof::{PROOF_EMPTY, PROOF_MAX_BYTES, PROOF_TOO_LARGE};
use huiji_domain::dues::{ProofImage, UploadStart, UploadStatus, UPLOAD_CHUNK_MAX};
use huiji_domain::DomainError;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::proof_image::{process_proof, sniff};
use crate::state::AppState;
use huiji_domain::workflow::clean_file_name as clean_name;

pub const UPLOAD_NOT_FOUND: DomainError = DomainError::new(
    "UploadNotFound",
    "上传记录不存在",
    "The upload does not exist",
);
pub const PROOF_NOT_UPLOADED: DomainError = DomainError::new(
    "ProofNotUploaded",
    "凭证图片尚未上传完成，请稍后重试",
    "The proof image has not finished uploading",
);
pub const UPLOAD_ID_TAKEN: DomainError = DomainError::new(
    "UploadIdTaken",
    "该上传编号已被其他文件使用",
    "This upload id belongs to another file",
);
pub const UPLOAD_HASH: DomainError = DomainError::new(
    "UploadHashInvalid",
    "文件校验值格式不正确",
    "The SHA-256 must be 64 hex characters",
);
pub const UPLOAD_CORRUPT: DomainError = DomainError::new(
    "UploadCorrupt",
    "文件传输不完整或已损坏，请重新上传",
    "The file arrived damaged; upload it again",
);

#[derive(Debug, Clone)]
struct Upload {
    owner: Uuid,
    name: String,
    size: u64,
    sha256: String,
    received: u64,
    proof: Option<ProofImage>,
}

async fn load(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Upload>> {
    let row = sqlx::query(
        "SELECT owner_id, name, size, sha256, received, image_id, width, height, stored_size \
         FROM uploads WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let image: Option<String> = row.try_get(5)?;
    let dim = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
    Ok(Some(Upload {
        owner: parse_uuid(&row.try_get::<String, _>(0)?)?,
        name: row.try_get(1)?,
        size: u64::try_from(row.try_get::<i64, _>(2)?).unwrap_or(0),
        sha256: row.try_get(3)?,
        received: u64::try_from(row.try_get::<i64, _>(4)?).unwrap_or(0),
        proof: image.map(|_| ProofImage {
            upload_id: id,
            width: dim(row.try_get(6).ok().flatten()),
            height: dim(row.try_get(7).ok().flatten()),
            size: u64::try_from(row.try_get::<Option<i64>, _>(8).ok().flatten().unwrap_or(0))
                .unwrap_or(0),
        }),
    }))
}

fn status(id: Uuid, u: &Upload) -> UploadStatus {
    UploadStatus {
        id,
        size: u.size,
        received: u.received,
        proof: u.proof.clone(),
    }
}

fn not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        UPLOAD_NOT_FOUND.code,
        UPLOAD_NOT_FOUND.message,
    )
}

async fn owned(st: &AppState, user: &AuthUser, id: Uuid) -> Result<Upload> {
    let mut conn = st.db.pool.acquire().await?;
    load(&mut conn, id)
        .await?
        .filter(|u| u.owner == user.id())
        .ok_or_else(not_found)
}

/// Announces an upload; announced again (a resumed upload), answers where it stands.
pub async fn start(st: &AppState, user: &AuthUser, req: UploadStart) -> Result<UploadStatus> {
    if req.size == 0 {
        return Err(PROOF_EMPTY.into());
    }
    if req.size > PROOF_MAX_BYTES as u64 {
        return Err(ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            PROOF_TOO_LARGE.code,
            PROOF_TOO_LARGE.message,
        ));
    }
    let sha = req.sha256.trim().to_ascii_lowercase();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(UPLOAD_HASH.into());
    }
    let mut conn = st.db.writer.acquire().await?;
    if let Some(u) = load(&mut conn, req.id).await? {
        return if u.owner == user.id() && u.size == req.size && u.sha256 == sha {
            Ok(status(req.id, &u))
        } else {
            Err(ApiError::client(
                StatusCode::CONFLICT,
                UPLOAD_ID_TAKEN.code,
                UPLOAD_ID_TAKEN.message,
            ))
        };
    }
    sqlx::query(
        "INSERT INTO uploads (id, owner_id, name, size, sha256, received, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(req.id.to_string())
    .bind(user.id().to_string())
    .bind(clean_name(&req.name))
    .bind(i64::try_from(req.size).unwrap_or(i64::MAX))
    .bind(&sha)
    .bind(st.now())
    .execute(&mut *conn)
    .await?;
    drop(conn);
    Ok(status(req.id, &owned(st, user, req.id).await?))
}

pub async fn get(st: &AppState, user: &AuthUser, id: Uuid) -> Result<UploadStatus> {
    Ok(status(id, &owned(st, user, id).await?))
}

/// Stores one piece at `offset`. A piece the server already holds (a retry after a
/// lost answer) is answered with where the upload stands; the last piece completes it.
pub async fn put_chunk(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    offset: u64,
    bytes: &[u8],
) -> Result<UploadStatus> {
    let u = owned(st, user, id).await?;
    if u.proof.is_some() {
        return Ok(status(id, &u));
    }
    if bytes.is_empty() || bytes.len() > UPLOAD_CHUNK_MAX {
        return Err(ApiError::bad_request(
            "ChunkInvalid",
            format!("每段上传1字节到{}KB", UPLOAD_CHUNK_MAX / 1024),
        ));
    }
    let end = offset.saturating_add(bytes.len() as u64);
    if end > u.size {
        return Err(ApiError::bad_request(
            "ChunkBeyondEnd",
            "上传内容超出了文件声明的大小",
        ));
    }
    if end <= u.received {
        return Ok(status(id, &u));
    }
    if offset != u.received {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            "UploadOffsetMismatch",
            format!("应从第{}字节继续上传", u.received),
        ));
    }
    // The first piece already tells whether this is an image: refuse before 10 MB come.
    if offset == 0 {
        sniff(bytes)?;
    }
    let mut tx = st.db.writer.begin().await?;
    let moved = sqlx::query("UPDATE uploads SET received = $1 WHERE id = $2 AND received = $3")
        .bind(i64::try_from(end).unwrap_or(i64::MAX))
        .bind(id.to_string())
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved == 0 {
        // Another request for the same upload got there first.
        tx.rollback().await?;
        return Ok(status(id, &owned(st, user, id).await?));
    }
    sqlx::query("INSERT INTO upload_chunks (upload_id, offset_bytes, data) VALUES ($1, $2, $3)")
        .bind(id.to_string())
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .bind(bytes.to_vec())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if end < u.size {
        return Ok(status(id, &owned(st, user, id).await?));
    }
    complete(st, user, id, &u).await
}

async fn reset(st: &AppState, id: Uuid) -> Result<()> {
    let mut tx = st.db.writer.begin().await?;
    sqlx::query("DELETE FROM upload_chunks WHERE upload_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE uploads SET received = 0 WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn complete(st: &AppState, user: &AuthUser, id: Uuid, u: &Upload) -> Result<UploadStatus> {
    let rows =
        sqlx::query("SELECT data FROM upload_chunks WHERE upload_id = $1 ORDER BY offset_bytes")
            .bind(id.to_string())
            .fetch_all(&st.db.writer)
            .await?;
    let mut data = Vec::with_capacity(usize::try_from(u.size).unwrap_or(0));
    for r in &rows {
        data.extend_from_slice(&r.try_get::<Vec<u8>, _>(0)?);
    }
    if data.len() as u64 != u.size || hex::encode(Sha256::digest(&data)) != u.sha256 {
        reset(st, id).await?;
        return Err(UPLOAD_CORRUPT.into());
    }
    let processed = {
        let _permit = st
            .image_gate
            .acquire()
            .await
            .map_err(|e| ApiError::internal(format!("image gate: {e}")))?;
        tokio::task::spawn_blocking(move || process_proof(&data))
            .await
            .map_err(|e| ApiError::internal(format!("image task: {e}")))?
    };
    let p = match processed {
        Ok(p) => p,
        Err(e) => {
            reset(st, id).await?;
            return Err(e.into());
        }
    };
    let now = st.now();
    let (image_id, thumb_id) = (Uuid::now_v7(), Uuid::now_v7());
    let mut tx = st.db.writer.begin().await?;
    for (aid, name, bytes) in [
        (image_id, u.name.clone(), &p.image),
        (thumb_id, format!("thumb-{}", u.name), &p.thumb),
    ] {
        sqlx::query("INSERT INTO attachments (id, owner_id, name, mime, size, sha256, data, created_at) VALUES ($1, $2, $3, 'image/jpeg', $4, $5, $6, $7)")
            .bind(aid.to_string())
            .bind(user.id().to_string())
            .bind(name)
            .bind(bytes.len() as i64)
            .bind(hex::encode(Sha256::digest(bytes)))
            .bind(bytes.clone())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE uploads SET image_id = $1, thumb_id = $2, width = $3, height = $4, \
         stored_size = $5 WHERE id = $6",
    )
    .bind(image_id.to_string())
    .bind(thumb_id.to_string())
    .bind(i64::from(p.width))
    .bind(i64::from(p.height))
    .bind(p.image.len() as i64)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM upload_chunks WHERE upload_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(status(id, &owned(st, user, id).await?))
}

/// The proof an owner's completed upload became.
pub async fn proof_of(conn: &mut AnyConnection, owner: Uuid, id: Uuid) -> Result<ProofImage> {
    load(conn, id)
        .await?
        .filter(|u| u.owner == owner)
        .and_then(|u| u.proof)
        .ok_or_else(|| PROOF_NOT_UPLOADED.into())
}

/// The stored image (or its thumbnail) of an upload.
pub async fn image_bytes(
    conn: &mut AnyConnection,
    upload: Uuid,
    thumb: bool,
) -> Result<Option<Vec<u8>>> {
    let col = if thumb { "thumb_id" } else { "image_id" };
    let row = sqlx::query(&format!(
        "SELECT a.data FROM uploads u JOIN attachments a ON a.id = u.{col} WHERE u.id = $1"
    ))
    .bind(upload.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| r.try_get::<Vec<u8>, _>(0))
        .transpose()
        .map_err(Into::into)
}
