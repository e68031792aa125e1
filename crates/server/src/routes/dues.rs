//! Dues and payments over HTTP: rules and orders (secretaries), online and offline
//! payments (members), payment actions (payers and dues admins), the provider's
//! notification (public, verified by signature), chunked proof uploads, the ledger and
//! its export, receipts and their public check.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use huiji_domain::dues::{
    LedgerPage, LedgerQuery, OfflinePaymentRequest, OnlinePayRequest, OnlinePayResponse, PayMethod,
    PaymentActionBatch, PaymentStatus, UploadStart, UploadStatus, UPLOAD_CHUNK_MAX,
};
use huiji_domain::wire::{ActionBatchResponse, Record};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::dues::ledger::{self, ExportFormat};
use crate::dues::orders::{self, CancelRequest, GenerateReport, GenerateRequest, RuleRequest};
use crate::dues::{payments, uploads};
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dues/rules", post(save_rule))
        .route("/api/v1/dues/orders/generate", post(generate))
        .route("/api/v1/dues/orders/{id}/cancel", post(cancel_order))
        .route("/api/v1/payments/online", post(pay_online))
        .route("/api/v1/payments/offline", post(pay_offline))
        .route("/api/v1/payments/actions", post(actions))
        .route("/api/v1/payments/ledger", get(ledger_page))
        .route("/api/v1/payments/export", get(export))
        .route("/api/v1/payments/notify/{provider}", post(notify))
        .route("/api/v1/payments/{id}", get(get_payment))
        .route("/api/v1/payments/{id}/receipt", get(receipt))
        .route("/api/v1/payments/{id}/proof", get(proof))
        .route("/api/v1/uploads", post(upload_start))
        .route(
            "/api/v1/uploads/{id}",
            put(upload_chunk)
                .get(upload_status)
                .layer(DefaultBodyLimit::max(UPLOAD_CHUNK_MAX + 1024)),
        )
        .route("/receipts/{no}", get(receipt_check))
        .merge(crate::pay::sandbox::router())
}

fn created(new: bool) -> StatusCode {
    if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// Save a dues rule (会费标准) of a unit: a new one, or with `id` a new version.
#[utoipa::path(post, path = "/api/v1/dues/rules", tag = "dues", request_body = RuleRequest,
    description = "Role: secretary or admin (manage_dues) at the rule's unit.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn save_rule(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<RuleRequest>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = orders::save_rule(&st, &user, req).await?;
    Ok((created(new), Json(rec)))
}

/// Bill a period at a unit by hand: an order for every membership live in it that a
/// rule bills and that has none for the period (pro rata for a part-way first period
/// when the rule says so).
#[utoipa::path(post, path = "/api/v1/dues/orders/generate", tag = "dues", request_body = GenerateRequest,
    description = "Role: manage_dues at the unit.",
    security(("bearer" = [])), responses((status = 200, body = GenerateReport), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn generate(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> Result<Json<GenerateReport>> {
    Ok(Json(orders::generate(&st, &user, req).await?))
}

/// Cancel an order nothing was paid toward, with a reason.
#[utoipa::path(post, path = "/api/v1/dues/orders/{id}/cancel", tag = "dues", params(("id" = Uuid, Path)), request_body = CancelRequest,
    description = "Role: manage_dues at the order's unit.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn cancel_order(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> Result<Json<Record>> {
    Ok(Json(orders::cancel(&st, &user, id, req).await?))
}

/// Start an online payment of one's own order (线上缴费): a trade at the provider and
/// the page where the payer pays. Sent again with the same id, the same trade.
#[utoipa::path(post, path = "/api/v1/payments/online", tag = "dues", request_body = OnlinePayRequest,
    description = "Role: the order's member. 400 `OnlinePayUnavailable` when no provider is configured.",
    security(("bearer" = [])), responses((status = 200, body = OnlinePayResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn pay_online(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<OnlinePayRequest>,
) -> Result<Json<OnlinePayResponse>> {
    Ok(Json(payments::start_online(&st, &user, req).await?))
}

/// Record an offline payment (线下缴费) with its proof (a completed upload). The same
/// request sent again is answered with what is stored (200).
#[utoipa::path(post, path = "/api/v1/payments/offline", tag = "dues", request_body = OfflinePaymentRequest,
    description = "Role: the order's member.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn pay_offline(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<OfflinePaymentRequest>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = payments::submit_offline(&st, &user, req).await?;
    Ok((created(new), Json(rec)))
}

/// Payment actions, one result each: the payer edits or deletes an unconfirmed offline
/// payment or cancels an unpaid online one; a dues admin confirms or rejects.
#[utoipa::path(post, path = "/api/v1/payments/actions", tag = "dues", request_body = PaymentActionBatch,
    description = "Role: the payer (edit, delete, cancel) or manage_dues at the payment's unit (confirm, reject; never one's own).",
    security(("bearer" = [])), responses((status = 200, body = ActionBatchResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn actions(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(batch): ApiJson<PaymentActionBatch>,
) -> Result<Json<ActionBatchResponse>> {
    Ok(Json(payments::act(&st, &user, batch).await?))
}

/// The ledger query as the URL carries it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerParams {
    pub unit_id: Option<Uuid>,
    pub period: Option<String>,
    /// created, submitted, confirmed, rejected, closed.
    pub status: Option<String>,
    /// online, bank_transfer, cash, other.
    pub method: Option<String>,
    pub q: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    /// Export only: xlsx (default) or csv.
    pub format: Option<String>,
}

impl LedgerParams {
    fn query(&self) -> Result<LedgerQuery> {
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(huiji_domain::dues::clean_text)
                .filter(|s| !s.is_empty())
        };
        let status = match blank(&self.status) {
            None => None,
            Some(s) => Some(
                PaymentStatus::parse(&s)
                    .ok_or_else(|| ApiError::bad_request("StatusInvalid", "缴费状态不正确"))?,
            ),
        };
        let method = match blank(&self.method) {
            None => None,
            Some(s) => Some(
                PayMethod::parse(&s)
                    .ok_or_else(|| ApiError::bad_request("MethodInvalid", "缴费方式不正确"))?,
            ),
        };
        let period = blank(&self.period);
        if let Some(p) = &period {
            huiji_domain::dues::parse_period(p)?;
        }
        Ok(LedgerQuery {
            unit_id: self.unit_id,
            period,
            status,
            method,
            q: blank(&self.q),
            page: self.page,
            page_size: self.page_size,
        })
    }
}

/// The ledger (缴费台账): payments, newest first, with totals over every match.
#[utoipa::path(get, path = "/api/v1/payments/ledger", tag = "dues", params(LedgerParams),
    description = "Role: manage_dues; covers the unit asked for (which the caller must manage) or every unit the caller manages.",
    security(("bearer" = [])), responses((status = 200, body = LedgerPage), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn ledger_page(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(p): ApiQuery<LedgerParams>,
) -> Result<Json<LedgerPage>> {
    Ok(Json(ledger::ledger(&st, &user, &p.query()?).await?))
}

/// A file to download: its type, its name, never sniffed or cached.
pub(crate) fn attachment(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&crate::routes::workflow::content_disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

/// The ledger's rows (every match, up to 100,000) as XLSX or CSV, with a totals row.
#[utoipa::path(get, path = "/api/v1/payments/export", tag = "dues", params(LedgerParams),
    description = "Role: as the ledger.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn export(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(p): ApiQuery<LedgerParams>,
) -> Result<Response> {
    let format = match p.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => ExportFormat::Xlsx,
        "csv" => ExportFormat::Csv,
        _ => {
            return Err(ApiError::bad_request(
                "FormatInvalid",
                "导出格式应为 xlsx 或 csv",
            ))
        }
    };
    let (name, mime, bytes) = ledger::export(&st, &user, &p.query()?, format).await?;
    Ok(attachment(&name, mime, bytes))
}

/// The provider's notification (public; trusted only by its signature, its fresh
/// timestamp and a nonce never seen before). Answered the way the provider expects.
#[utoipa::path(post, path = "/api/v1/payments/notify/{provider}", tag = "dues", params(("provider" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/json"),
    description = "Role: the payment provider (no login). 401 `NotifySignatureInvalid`, 400 `NotifyExpired`, 409 `NotifyReplayed`, 400 `AmountMismatch`.",
    responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn notify(
    State(st): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = body.map_err(|_| crate::pay::notify_malformed())?;
    payments::notify(&st, &provider, &headers, &body).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GetParams {
    /// Ask the provider about an online payment still waiting.
    pub refresh: Option<bool>,
}

/// One payment, for its payer or a dues admin.
#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "dues", params(("id" = Uuid, Path), GetParams),
    description = "Role: the payer or manage_dues at the payment's unit.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_payment(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<Record>> {
    Ok(Json(
        payments::get(&st, &user, id, p.refresh.unwrap_or(false)).await?,
    ))
}

/// The receipt (PDF) of a confirmed payment.
#[utoipa::path(get, path = "/api/v1/payments/{id}/receipt", tag = "dues", params(("id" = Uuid, Path)),
    description = "Role: the payer or manage_dues at the payment's unit.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn receipt(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (name, pdf) = ledger::receipt(&st, &user, id).await?;
    Ok(attachment(&name, "application/pdf", pdf))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProofParams {
    /// The thumbnail (at most 320 px) instead of the image.
    pub thumb: Option<bool>,
}

/// A payment's proof image (JPEG, re-encoded, no metadata).
#[utoipa::path(get, path = "/api/v1/payments/{id}/proof", tag = "dues", params(("id" = Uuid, Path), ProofParams),
    description = "Role: the payer or manage_dues at the payment's unit.",
    security(("bearer" = [])), responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn proof(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ProofParams>,
) -> Result<Response> {
    let mut conn = st.db.pool.acquire().await?;
    let p = crate::dues::payment(&mut conn, id)
        .await?
        .filter(|p| crate::dues::may_see_payment(&user, p))
        .ok_or_else(|| ApiError::not_found("缴费凭证"))?;
    let upload = p
        .body
        .proof
        .map(|x| x.upload_id)
        .ok_or_else(|| ApiError::not_found("缴费凭证"))?;
    let bytes = uploads::image_bytes(&mut conn, upload, q.thumb.unwrap_or(false))
        .await?
        .ok_or_else(|| ApiError::not_found("缴费凭证"))?;
    let mut resp = attachment("proof.jpg", "image/jpeg", bytes);
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(resp)
}

/// Announce a chunked upload of a proof image (at most 10 MiB).
#[utoipa::path(post, path = "/api/v1/uploads", tag = "dues", request_body = UploadStart,
    description = "Role: any signed-in account. Announced again, answers where the upload stands (resume).",
    security(("bearer" = [])), responses((status = 200, body = UploadStatus), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody), (status = 413, body = huiji_domain::wire::ErrorBody)))]
pub async fn upload_start(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<UploadStart>,
) -> Result<Json<UploadStatus>> {
    Ok(Json(uploads::start(&st, &user, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChunkParams {
    /// Where this piece starts (the status's `received`).
    pub offset: u64,
}

/// One piece of an upload (at most 1 MiB). The last piece completes it: the image is
/// checked, re-encoded and thumbnailed, or refused with a specific code.
#[utoipa::path(put, path = "/api/v1/uploads/{id}", tag = "dues", params(("id" = Uuid, Path), ChunkParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    description = "Role: the upload's owner. 409 `UploadOffsetMismatch` names where to resume.",
    security(("bearer" = [])), responses((status = 200, body = UploadStatus), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn upload_chunk(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(p): ApiQuery<ChunkParams>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<UploadStatus>> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                "ChunkTooLarge",
                "每段上传不能超过1MB",
            )
        } else {
            ApiError::bad_request("BadRequest", "上传内容无法读取")
        }
    })?;
    Ok(Json(
        uploads::put_chunk(&st, &user, id, p.offset, &bytes).await?,
    ))
}

/// Where an upload stands.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "dues", params(("id" = Uuid, Path)),
    description = "Role: the upload's owner.",
    security(("bearer" = [])), responses((status = 200, body = UploadStatus), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn upload_status(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<UploadStatus>> {
    Ok(Json(uploads::get(&st, &user, id).await?))
}

#[derive(Debug, Deserialize)]
pub struct CheckParams {
    #[serde(default)]
    pub k: String,
}

/// The public check a receipt's QR code opens (no login): genuine or not.
pub async fn receipt_check(
    State(st): State<AppState>,
    ApiPath(no): ApiPath<String>,
    ApiQuery(p): ApiQuery<CheckParams>,
) -> Result<Response> {
    let html = ledger::verify_page(&st, &no, &p.k).await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(html),
    )
        .into_response())
}
