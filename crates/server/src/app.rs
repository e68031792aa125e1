//! The router: every module's routes merged, with limits, metrics and error fallbacks.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, Result};
use crate::sms::{DevSms, HttpSms, SmsProvider};
use crate::state::AppState;
use crate::{metrics, openapi, routes};

/// Request bodies above this are refused with 413, except where a route says otherwise.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let _ = metrics::handle();
    Router::new()
        .merge(routes::auth::router())
        .merge(routes::nodes::router())
        .merge(routes::sync::router())
        .merge(routes::health::router())
        .merge(routes::checkpoint::router())
        .merge(routes::events::router())
        .merge(routes::workflow::router())
        .merge(routes::orgs::router())
        .merge(routes::institution::router())
        .merge(routes::dues::router())
        .merge(routes::activities::router())
        .merge(routes::cards::router())
        .merge(routes::content::router())
        .merge(routes::learning::router())
        .merge(routes::notices::router())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/api/v1/openapi.json", get(openapi_json))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("handler panicked".into()).into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Connects the database, migrates, and builds the state for `config`.
pub async fn build_state(config: Config, clock: Arc<dyn Clock>) -> Result<AppState> {
    let db = Db::connect(config.database_url.as_deref(), &config.data).await?;
    let sms: Arc<dyn SmsProvider> = match &config.sms_http_url {
        Some(url) => Arc::new(HttpSms {
            url: url.clone(),
            client: reqwest::Client::new(),
        }),
        None => Arc::new(DevSms),
    };
    let provider = config.pay_provider.clone().unwrap_or_else(|| {
        if config.demo || config.dev {
            "sandbox"
        } else {
            "none"
        }
        .into()
    });
    let sandbox = match provider.as_str() {
        "sandbox" => Some(Arc::new(crate::pay::sandbox::Sandbox::new(
            crate::pay::sandbox::load_key(&db).await?,
        ))),
        "none" | "" => None,
        other => {
            return Err(ApiError::internal(format!(
                "unknown payment provider {other:?} (sandbox or none)"
            )))
        }
    };
    let state = AppState {
        db,
        clock,
        sms,
        config: Arc::new(config),
        pay: sandbox
            .clone()
            .map(|s| s as Arc<dyn crate::pay::PaymentProvider>),
        sandbox,
        http: reqwest::Client::new(),
        listening_at: Arc::new(std::sync::OnceLock::new()),
        image_gate: Arc::new(tokio::sync::Semaphore::new(2)),
    };
    crate::credentials::ensure_key(&state).await?;
    Ok(state)
}

pub async fn build_state_default(config: Config) -> Result<AppState> {
    build_state(config, Arc::new(SystemClock)).await
}

async fn healthz(State(st): State<AppState>) -> Result<Json<serde_json::Value>> {
    sqlx::query("SELECT 1").execute(&st.db.pool).await?;
    Ok(Json(
        serde_json::json!({ "status": "ok", "backend": format!("{:?}", st.db.backend).to_lowercase() }),
    ))
}

async fn metrics_text() -> impl IntoResponse {
    let body = metrics::handle().map(|h| h.render()).unwrap_or_default();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi::ApiDoc::openapi())
}

async fn not_found() -> ApiError {
    ApiError::client(StatusCode::NOT_FOUND, "NotFound", "接口不存在")
}

async fn method_not_allowed() -> ApiError {
    ApiError::client(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "不支持该请求方法",
    )
}
