//! Electronic business cards (电子名片): the member's own card, its share link, and the
//! public page anyone with the link opens (no login).

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::community::card::CardSettings;

use crate::auth::AuthUser;
use crate::cards;
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use huiji_domain::community::card::MyCard;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/card", get(get_card).put(put_card))
        .route("/api/v1/card/share", post(share).delete(revoke))
        .route("/api/v1/public/cards/{token}", get(public_json))
        .route("/card/{token}", get(public_page))
}

#[utoipa::path(get, path = "/api/v1/card", tag = "community",
    description = "Role: a signed-in person. Their card's choices, what it shows, and its share link.",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_card(State(st): State<AppState>, user: AuthUser) -> Result<Json<MyCard>> {
    Ok(Json(cards::my_card(&st, user.id()).await?))
}

#[utoipa::path(put, path = "/api/v1/card", tag = "community",
    description = "Role: a signed-in person. Saves the layout, background, shown fields and own wording; a shared link shows them at once.",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn put_card(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(settings): ApiJson<CardSettings>,
) -> Result<Json<MyCard>> {
    Ok(Json(cards::save(&st, user.id(), &settings).await?))
}

#[utoipa::path(post, path = "/api/v1/card/share", tag = "community",
    description = "Role: a signed-in person. Shares the card: its link (the same while it stays shared).",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn share(State(st): State<AppState>, user: AuthUser) -> Result<Json<MyCard>> {
    Ok(Json(cards::share(&st, user.id()).await?))
}

#[utoipa::path(delete, path = "/api/v1/card/share", tag = "community",
    description = "Role: a signed-in person. Stops sharing: the old link opens nothing any more.",
    security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn revoke(State(st): State<AppState>, user: AuthUser) -> Result<Json<MyCard>> {
    Ok(Json(cards::revoke(&st, user.id()).await?))
}

#[utoipa::path(get, path = "/api/v1/public/cards/{token}", tag = "community",
    description = "Role: public (no login). The shared card's chosen fields.",
    params(("token" = String, Path)), responses((status = 200), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn public_json(
    State(st): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let v = cards::public(&st, &token).await.map_err(not_found)?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(v),
    )
        .into_response())
}

/// A card that is not there is a 404, whatever the reason (never a hint).
fn not_found(e: ApiError) -> ApiError {
    match e {
        ApiError::Client { .. } => ApiError::client(
            StatusCode::NOT_FOUND,
            cards::CARD_NOT_FOUND.code,
            cards::CARD_NOT_FOUND.message,
        ),
        e => e,
    }
}

/// The public page (HTML). A strict CSP: no script at all, inline styles only.
pub async fn public_page(State(st): State<AppState>, ApiPath(token): ApiPath<String>) -> Response {
    let (status, html) = match cards::public(&st, &token).await {
        Ok(v) => (StatusCode::OK, cards::page(&v)),
        Err(ApiError::Client { .. }) => (StatusCode::NOT_FOUND, cards::gone_page()),
        Err(e) => return e.into_response(),
    };
    (
        status,
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            ),
        ],
        Html(html),
    )
        .into_response()
}
