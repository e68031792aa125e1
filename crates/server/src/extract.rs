//! Extractors whose rejections speak the API's error format, so malformed JSON, wrong
//! types, unknown fields and oversized bodies get a 4xx with a stable code.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::JsonDataError(e) => ApiError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidField",
            format!("字段缺失、类型错误或含未知字段：{}", e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("MalformedJson", "请求内容不是有效的JSON")
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "请求须为 application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            "请求内容过大",
        ),
        other => {
            ApiError::bad_request("BadRequest", format!("请求无法读取：{}", other.body_text()))
        }
    }
}

pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request("InvalidQuery", format!("查询参数不正确：{}", e.body_text()))
            })
    }
}

pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| {
                ApiError::bad_request("InvalidPath", format!("路径参数不正确：{}", e.body_text()))
            })
    }
}
