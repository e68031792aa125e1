//! The one HTTP error: a status, a stable code and a message in Chinese. A 5xx is
//! logged in full and answered with a generic body; a client's mistake is always 4xx.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huiji_domain::wire::ErrorBody;
use huiji_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {message}")]
    Client {
        status: StatusCode,
        code: &'static str,
        message: Cow<'static, str>,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn client(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError::Client {
            status,
            code,
            message: message.into(),
        }
    }
    pub fn internal(msg: String) -> Self {
        ApiError::Internal(msg)
    }
    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized() -> Self {
        Self::client(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "请先登录，或登录已过期",
        )
    }
    pub fn forbidden() -> Self {
        Self::client(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "您没有在该组织执行此操作的权限",
        )
    }
    pub fn not_found(what: &'static str) -> Self {
        Self::client(StatusCode::NOT_FOUND, "NotFound", format!("{what}不存在"))
    }
    pub fn code(&self) -> &str {
        match self {
            ApiError::Client { code, .. } => code,
            ApiError::Internal(_) => "Internal",
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match e.code {
            "Forbidden" => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::Client {
            status,
            code: e.code,
            message: Cow::Borrowed(e.message),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        // Unique violations reach here only when two requests race past the checks the
        // handlers make first; they are the client's conflict, not a server fault.
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return ApiError::client(StatusCode::CONFLICT, "AlreadyExists", "记录已存在");
            }
        }
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client {
                status,
                code,
                message,
            } => (
                status,
                Json(ErrorBody {
                    code: code.to_owned(),
                    message: message.into_owned(),
                }),
            )
                .into_response(),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(ErrorBody {
                        code: "Internal".to_owned(),
                        message: "服务器内部错误，请稍后再试".to_owned(),
                    }),
                )
                    .into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn internal_errors_hide_their_detail() {
        let resp =
            ApiError::internal("password=secret in connection string".into()).into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("\"code\":\"Internal\""), "{text}");
    }

    #[tokio::test]
    async fn domain_errors_keep_code_and_chinese_message() {
        let resp = ApiError::from(huiji_domain::sync::TEMPERATURE_OUT_OF_RANGE).into_response();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["code"], "TemperatureOutOfRange");
        assert_eq!(json["message"], "体温应在34.0到43.0°C之间");
    }
}
