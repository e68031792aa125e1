//! Requests (入会, 转会, 职务, 退会, 办事大厅): submit, act, the boxes with counts, one
//! request; attachments; the SMS code that confirms an application; membership status
//! and renewal; service definitions.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::org::{Action as Perm, Role};
use huiji_domain::sync::{validate_body, RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::{
    ActionBatch, ActionBatchResponse, MembershipOverrideRequest, Record, RenewRequest, SmsPurpose,
    SmsSendResponse, SubmitRequest,
};
use huiji_domain::workflow::{
    clean_file_name, sniff_attachment, validate_service, Attachment, RequestBody, RequestKind,
    RequestState, ServiceDef, ATTACHMENT_MAX_BYTES, ATTACHMENT_TOO_LARGE, SERVICE_INVALID,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::records::{row_to_record, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{self as engine, may_see, SMS_NO_PHONE};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/requests", post(submit).get(list))
        .route("/api/v1/requests/actions", post(actions))
        .route("/api/v1/requests/{id}", get(get_request))
        .route(
            "/api/v1/attachments",
            post(upload).layer(DefaultBodyLimit::max(ATTACHMENT_MAX_BYTES)),
        )
        .route("/api/v1/attachments/{id}", get(download))
        .route("/api/v1/sms/verify-code", post(verify_code))
        .route(
            "/api/v1/memberships/{id}/status",
            post(set_membership_status),
        )
        .route("/api/v1/memberships/{id}/renew", post(renew_membership))
        .route("/api/v1/services", post(save_service))
}

const REQUEST_COLUMNS: &str = "id, kind, node_id, node_path, owner_id, version, seq, deleted, \
     body, created_at, updated_at, updated_by, audience";

/// Submit a request (its id made on the device). Sent again, the same request is
/// answered with what is stored (200), changing nothing.
#[utoipa::path(post, path = "/api/v1/requests", tag = "workflow", request_body = SubmitRequest,
    description = "Role: any signed-in account (join, transfer, position and withdrawal: a person with real name and ID number). With `sms_code` (purpose verify, see /api/v1/sms/verify-code) the request is marked SMS-verified.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn submit(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<(StatusCode, Json<Record>)> {
    let (created, rec) = engine::submit(&st, &user, req).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(rec)))
}

/// Decisions and applicant actions, one result each (applied, duplicate, rejected,
/// conflict). Bulk approval is a batch of approvals.
#[utoipa::path(post, path = "/api/v1/requests/actions", tag = "workflow", request_body = ActionBatch,
    description = "Role: the applicant (withdraw, resubmit, comment) or an approver / delegate of the current step; a request the caller does not take part in is answered `NotFound`.",
    security(("bearer" = [])), responses((status = 200, body = ActionBatchResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn actions(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(batch): ApiJson<ActionBatch>,
) -> Result<Json<ActionBatchResponse>> {
    Ok(Json(engine::act(&st, &user, batch).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// sent (我发出的), todo (待办), done (已办). Default todo.
    #[serde(rename = "box")]
    #[param(rename = "box")]
    pub mailbox: Option<String>,
    /// join, transfer, position, withdrawal, org_registration, service.
    pub kind: Option<String>,
    /// submitted, returned, approved, rejected, withdrawn.
    pub state: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    /// At most 200.
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestCounts {
    pub sent: u32,
    pub todo: u32,
    pub done: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestPage {
    pub items: Vec<Record>,
    /// Items in the box after the kind and state filters.
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
    /// Every box, unfiltered.
    pub counts: RequestCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mailbox {
    Sent,
    Todo,
    Done,
}

fn in_box(b: &RequestBody, owner: bool, me: Uuid) -> (bool, bool, bool) {
    let todo = b.waiting_on().contains(&me);
    // 已办: what the caller acted on, and, for an approver, what is settled.
    let done = !todo && (b.acted_by(me) || !owner && b.state.is_final());
    (owner, todo, done)
}

/// The caller's requests by box, with counts.
#[utoipa::path(get, path = "/api/v1/requests", tag = "workflow", params(ListQuery),
    description = "Role: any signed-in account; only requests the caller made or takes part in.",
    security(("bearer" = [])), responses((status = 200, body = RequestPage), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<RequestPage>> {
    let mailbox = match q.mailbox.as_deref().unwrap_or("todo") {
        "sent" => Mailbox::Sent,
        "todo" => Mailbox::Todo,
        "done" => Mailbox::Done,
        _ => {
            return Err(ApiError::bad_request(
                "BoxInvalid",
                "box 应为 sent、todo 或 done",
            ))
        }
    };
    let kind = match q.kind.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(k) => Some(
            RequestKind::parse(k)
                .ok_or_else(|| ApiError::bad_request("KindInvalid", "申请类型不正确"))?,
        ),
    };
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            RequestState::parse(s)
                .ok_or_else(|| ApiError::bad_request("StateInvalid", "申请状态不正确"))?,
        ),
    };
    let page = q.page.unwrap_or(1).max(1);
    let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
    let me = user.id();
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM records WHERE kind = 'request' AND deleted = 0 \
         AND (owner_id = $1 OR audience LIKE $2)"
    ))
    .bind(me.to_string())
    .bind(format!("%{me}%"))
    .fetch_all(&st.db.pool)
    .await?;
    let mut counts = RequestCounts::default();
    let mut items: Vec<(Record, RequestBody)> = Vec::new();
    for row in &rows {
        let rec = row_to_record(row)?;
        if !may_see(&rec, me) {
            continue;
        }
        let Ok(body) = serde_json::from_value::<RequestBody>(rec.record.body.clone()) else {
            continue;
        };
        let (sent, todo, done) = in_box(&body, rec.record.owner_id == Some(me), me);
        counts.sent += u32::from(sent);
        counts.todo += u32::from(todo);
        counts.done += u32::from(done);
        let wanted = match mailbox {
            Mailbox::Sent => sent,
            Mailbox::Todo => todo,
            Mailbox::Done => done,
        };
        if wanted && kind.is_none_or(|k| body.kind == k) && state.is_none_or(|s| body.state == s) {
            items.push((rec.record, body));
        }
    }
    match mailbox {
        // Oldest first: a queue.
        Mailbox::Todo => {
            items.sort_by_key(|(r, b)| (b.submitted_at.unwrap_or(r.updated_at), r.seq))
        }
        Mailbox::Sent | Mailbox::Done => {
            items.sort_by_key(|(r, _)| std::cmp::Reverse((r.updated_at, r.seq)));
        }
    }
    let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let skip = usize::try_from(u64::from(page - 1) * u64::from(page_size)).unwrap_or(usize::MAX);
    let items = items
        .into_iter()
        .skip(skip)
        .take(page_size as usize)
        .map(|(r, _)| r)
        .collect();
    Ok(Json(RequestPage {
        items,
        total,
        page,
        page_size,
        counts,
    }))
}

/// One request, for its applicant and the people it names; anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "workflow", params(("id" = Uuid, Path)),
    description = "Role: the applicant or a participant (approver, delegate) of the request.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_request(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Record>> {
    let mut conn = st.db.pool.acquire().await?;
    let rec = engine::get_record(&mut conn, id)
        .await?
        .filter(|r| r.record.kind == RecordKind::Request && !r.record.deleted)
        .filter(|r| may_see(r, user.id()))
        .ok_or_else(|| ApiError::not_found("申请"))?;
    Ok(Json(rec.record))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name as the user chose it (kept cleaned; the type comes from the content).
    pub name: Option<String>,
}

/// Upload an attachment: the raw file as the body, at most 5 MiB, a PDF or an image
/// (JPEG, PNG, WebP) by its content.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "workflow", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Role: any signed-in account. 413 `AttachmentTooLarge` above 5 MiB; 400 `AttachmentType` when the content is not a PDF or an image.",
    security(("bearer" = [])), responses((status = 201, body = Attachment), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 413, body = huiji_domain::wire::ErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Attachment>)> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ATTACHMENT_TOO_LARGE.code,
                ATTACHMENT_TOO_LARGE.message,
            )
        } else {
            ApiError::bad_request("BadRequest", "上传内容无法读取")
        }
    })?;
    let mime = sniff_attachment(&bytes).map_err(|e| {
        if e == ATTACHMENT_TOO_LARGE {
            ApiError::client(StatusCode::PAYLOAD_TOO_LARGE, e.code, e.message)
        } else {
            e.into()
        }
    })?;
    let name = clean_file_name(q.name.as_deref().unwrap_or(""));
    let id = Uuid::now_v7();
    let size = bytes.len() as u64;
    sqlx::query("INSERT INTO attachments (id, owner_id, name, mime, size, sha256, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(user.id().to_string())
        .bind(&name)
        .bind(mime)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(hex::encode(Sha256::digest(&bytes)))
        .bind(bytes.to_vec())
        .bind(st.now())
        .execute(&st.db.writer)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Attachment {
            id,
            name,
            mime: mime.to_owned(),
            size,
        }),
    ))
}

/// RFC 6266 / 5987: an ASCII fallback and the UTF-8 name.
pub(crate) fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Download an attachment: its uploader, or someone taking part in a request that
/// lists it; anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "workflow", params(("id" = Uuid, Path)),
    description = "Role: the uploader, or the applicant or a participant of a request that lists the attachment.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn download(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let row = sqlx::query("SELECT owner_id, name, mime, data FROM attachments WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| ApiError::not_found("附件"))?;
    let owner: String = row.try_get(0)?;
    let me = user.id();
    if owner != me.to_string()
        && !listed_for(&st, id, me).await?
        && !crate::content::shows_attachment(&st, id).await?
        && !crate::learning::lesson_picture_for(&st, &user, id).await?
        && !crate::notices::is_cover(&st, id).await?
    {
        return Err(ApiError::not_found("附件"));
    }
    let name: String = row.try_get(1)?;
    let mime: String = row.try_get(2)?;
    let data: Vec<u8> = row.try_get(3)?;
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(resp)
}

/// Whether a request `me` may see lists attachment `id`.
async fn listed_for(st: &AppState, id: Uuid, me: Uuid) -> Result<bool> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM records WHERE kind = 'request' AND deleted = 0 \
         AND (owner_id = $1 OR audience LIKE $2) AND body LIKE $3"
    ))
    .bind(me.to_string())
    .bind(format!("%{me}%"))
    .bind(format!("%{id}%"))
    .fetch_all(&st.db.pool)
    .await?;
    for row in &rows {
        let rec = row_to_record(row)?;
        if !may_see(&rec, me) {
            continue;
        }
        if let Ok(b) = serde_json::from_value::<RequestBody>(rec.record.body) {
            if b.attachments.iter().any(|a| a.id == id) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Send an SMS code (purpose verify) to the caller's own phone, to confirm an
/// application. The same limits as any code: one a minute, ten a day.
#[utoipa::path(post, path = "/api/v1/sms/verify-code", tag = "workflow",
    description = "Role: any signed-in person account with a phone.",
    security(("bearer" = [])), responses((status = 200, body = SmsSendResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 429, body = huiji_domain::wire::ErrorBody)))]
pub async fn verify_code(
    State(st): State<AppState>,
    user: AuthUser,
) -> Result<Json<SmsSendResponse>> {
    let acc = crate::accounts::get(&st, user.id()).await?;
    let phone = acc.phone.ok_or(ApiError::from(SMS_NO_PHONE))?;
    let code = crate::routes::auth::send_code(&st, &phone, SmsPurpose::Verify).await?;
    Ok(Json(SmsSendResponse {
        sent: true,
        retry_after_secs: (crate::routes::auth::SMS_MIN_INTERVAL_MS / 1000) as u32,
        dev_code: st.config.dev.then_some(code),
    }))
}

/// Set a manual membership status with a reason (or clear it with `status: null`).
#[utoipa::path(post, path = "/api/v1/memberships/{id}/status", tag = "workflow", params(("id" = Uuid, Path)),
    request_body = MembershipOverrideRequest,
    description = "Role: secretary (manage_members) at the membership's unit or above.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn set_membership_status(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<MembershipOverrideRequest>,
) -> Result<Json<Record>> {
    Ok(Json(
        engine::override_membership(&st, &user, id, req).await?,
    ))
}

/// Renew a membership to a new end date.
#[utoipa::path(post, path = "/api/v1/memberships/{id}/renew", tag = "workflow", params(("id" = Uuid, Path)),
    request_body = RenewRequest,
    description = "Role: secretary (manage_members) at the membership's unit or above.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn renew_membership(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RenewRequest>,
) -> Result<Json<Record>> {
    Ok(Json(engine::renew_membership(&st, &user, id, req).await?))
}

/// A service of the service hall at a node: a new one, or with `id` a new version.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequest {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub node_id: Uuid,
    pub service: ServiceDef,
}

/// Define (or change) a service: its form fields and its approval steps.
#[utoipa::path(post, path = "/api/v1/services", tag = "workflow", request_body = ServiceRequest,
    description = "Role: secretary or system admin (manage_nodes) at the node; every step's node must be the node or below it, and its role one that reviews.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn save_service(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<ServiceRequest>,
) -> Result<(StatusCode, Json<Record>)> {
    validate_service(&req.service)?;
    let body =
        serde_json::to_value(&req.service).map_err(|e| ApiError::internal(format!("json: {e}")))?;
    validate_body(RecordKind::Service, &body)?;
    let mut conn = st.db.pool.acquire().await?;
    let node = engine::node(&mut conn, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::ManageNodes, &node.path)?;
    for step in &req.service.steps {
        let ok_role = step.role != Role::Member && step.role.permits(Perm::ReviewApplications);
        let under = engine::node(&mut conn, step.node_id)
            .await?
            .is_some_and(|n| n.path.is_within(&node.path));
        if !ok_role || !under || step.title.trim().is_empty() {
            return Err(SERVICE_INVALID.into());
        }
    }
    let id = match req.id {
        None => None,
        Some(id) => {
            let rec = engine::get_record(&mut conn, id)
                .await?
                .filter(|r| {
                    r.record.kind == RecordKind::Service
                        && !r.record.deleted
                        && r.record.node_id == node.id
                })
                .ok_or_else(|| ApiError::not_found("服务"))?;
            Some(rec.record.id)
        }
    };
    drop(conn);
    let created = id.is_none();
    let id = id.unwrap_or_else(Uuid::now_v7);
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![ServerRow {
            id,
            kind: RecordKind::Service,
            node_id: node.id,
            node_path: node.path.clone(),
            owner_id: None,
            body,
            audience: Vec::new(),
        }],
        Some(user.id()),
        now,
    )
    .await?;
    let rec = engine::get_record(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("service vanished".into()))?;
    tx.commit().await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(rec.record)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_keeps_the_name_and_an_ascii_fallback() {
        let d = content_disposition("入会 申请书.pdf");
        assert!(d.starts_with("attachment; filename=\"__ ___.pdf\""), "{d}");
        assert!(d.contains("filename*=UTF-8''%E5%85%A5%E4%BC%9A%20"), "{d}");
        let d = content_disposition("a\"b.pdf");
        assert!(d.contains("filename=\"a_b.pdf\""), "{d}");
    }
}
