//! The one sync path for every kind of record.

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::wire::{
    PullResponse, PushRequest, PushResponse, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT, PUSH_MAX_OPS,
};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiQuery};
use crate::records;
use crate::state::AppState;

/// A full push batch (1,000 ops of up to 16 KiB each would be more, but real ops are
/// small; 8 MiB leaves room without inviting abuse).
pub const PUSH_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/sync/push",
            post(push).layer(DefaultBodyLimit::max(PUSH_BODY_LIMIT)),
        )
        .route("/api/v1/sync/pull", get(pull))
}

/// Apply a batch of ops in one transaction; one result per op.
#[utoipa::path(post, path = "/api/v1/sync/push", tag = "sync", request_body = PushRequest,
    description = "Role: any signed-in account; each op is checked against the role its record kind needs at its node (e.g. secretary for members, scanner for scans).",
    security(("bearer" = [])), responses((status = 200, body = PushResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn push(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>> {
    if req.ops.len() > PUSH_MAX_OPS {
        return Err(ApiError::bad_request(
            "TooManyOps",
            format!("一次最多提交{PUSH_MAX_OPS}条操作"),
        ));
    }
    let outcome = records::push(&st, &user.principal, &req.ops).await?;
    Ok(Json(PushResponse {
        results: outcome.results,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    /// The last seq the device holds (0 for an empty device).
    #[serde(default)]
    pub cursor: i64,
    /// Page size, at most 5,000.
    pub limit: Option<u32>,
}

/// Rows after `cursor` that the caller may see, in seq order.
#[utoipa::path(get, path = "/api/v1/sync/pull", tag = "sync", params(PullQuery),
    description = "Role: any signed-in account; rows are filtered to what the caller may see.",
    security(("bearer" = [])), responses((status = 200, body = PullResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn pull(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Json<PullResponse>> {
    if q.cursor < 0 {
        return Err(ApiError::bad_request("InvalidCursor", "游标不能为负数"));
    }
    let limit = q
        .limit
        .unwrap_or(PULL_DEFAULT_LIMIT)
        .clamp(1, PULL_MAX_LIMIT);
    Ok(Json(
        records::pull(&st, &user.principal, q.cursor, limit).await?,
    ))
}
