//! News and notices (通知公告、新闻) and the member's subscription settings (消息订阅).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::auth::AuthUser;
use crate::error::Result;
use crate::extract::ApiJson;
use huiji_domain::workflow::NotifyPrefs;

use crate::notices::{self, PublishNotice, Published};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notices", post(publish))
        .route("/api/v1/me/notify-prefs", get(get_prefs).put(put_prefs))
}

#[utoipa::path(post, path = "/api/v1/notices", tag = "notices",
    description = "Role: secretary (publish_notice) at the node. Publishes a notice or news item to the node and its subtree (synced to them); an important one also goes to the inbox of every member under the node, and by SMS to those who keep notice SMS on. The same id and text again answer 200.",
    security(("bearer" = [])), responses((status = 201), (status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn publish(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PublishNotice>,
) -> Result<(StatusCode, Json<Published>)> {
    let (made, p) = notices::publish(&st, &user, req).await?;
    Ok((
        if made {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(p),
    ))
}

#[utoipa::path(get, path = "/api/v1/me/notify-prefs", tag = "notices",
    description = "Role: any signed-in account. Which SMS the caller receives (all on until changed).",
    security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_prefs(State(st): State<AppState>, user: AuthUser) -> Result<Json<NotifyPrefs>> {
    Ok(Json(notices::get_prefs(&st, &user).await?))
}

#[utoipa::path(put, path = "/api/v1/me/notify-prefs", tag = "notices",
    description = "Role: any signed-in account. Sets which SMS the caller receives; the inbox keeps everything.",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn put_prefs(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(p): ApiJson<NotifyPrefs>,
) -> Result<Json<NotifyPrefs>> {
    Ok(Json(notices::set_prefs(&st, &user, p).await?))
}
