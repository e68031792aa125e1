//! The learning platform (学习平台): courses, enrolment, reading reports, the completion
//! certificate and its public verification page.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use huiji_domain::community::learning::{CourseDetail, CourseSummary, EnrolmentView};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::Result;
use crate::extract::{ApiJson, ApiPath};
use crate::learning::{self, CourseEdit, CourseSave, PublishRequest, ReadReport};
use crate::routes::dues::attachment as file;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/courses", post(create).get(list))
        .route("/api/v1/courses/{id}", get(get_one).put(edit))
        .route("/api/v1/courses/{id}/publish", put(publish))
        .route("/api/v1/courses/{id}/enrol", post(enrol))
        .route("/api/v1/courses/{id}/lessons/{n}/read", post(read))
        .route("/api/v1/courses/{id}/certificate", get(certificate))
        .route("/certificates/{no}", get(verify_page))
}

#[utoipa::path(post, path = "/api/v1/courses", tag = "learning",
    description = "Role: secretary (publish_notice) at the node. A new course, not yet published.",
    security(("bearer" = [])), responses((status = 201), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<CourseSave>,
) -> Result<(StatusCode, Json<CourseDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(learning::create(&st, &user, req).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/courses", tag = "learning",
    description = "Role: any signed-in account. Published courses (and unpublished ones the caller manages), with the caller's price and enrolment.",
    security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn list(State(st): State<AppState>, user: AuthUser) -> Result<Json<Vec<CourseSummary>>> {
    Ok(Json(learning::list(&st, &user).await?))
}

#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "learning",
    description = "Role: any signed-in account. The lessons' text and pictures only for an active enrolment or a manager.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_one(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CourseDetail>> {
    Ok(Json(learning::get(&st, &user, id).await?))
}

#[utoipa::path(put, path = "/api/v1/courses/{id}", tag = "learning",
    description = "Role: secretary (publish_notice) at the course's node.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CourseEdit>,
) -> Result<Json<CourseDetail>> {
    Ok(Json(learning::edit(&st, &user, id, req).await?))
}

#[utoipa::path(put, path = "/api/v1/courses/{id}/publish", tag = "learning",
    description = "Role: secretary (publish_notice) at the course's node. 发布 / 下架.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn publish(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<Json<CourseDetail>> {
    Ok(Json(
        learning::publish(&st, &user, id, req.published).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/courses/{id}/enrol", tag = "learning",
    description = "Role: a person account. 报名 within the enrolment window; a price makes a payment order (member price for members of the course's unit or below).",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn enrol(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CourseDetail>> {
    Ok(Json(learning::enrol(&st, &user, id).await?))
}

#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons/{n}/read", tag = "learning",
    description = "Role: the enrolled learner. One report of lesson n's page (0-based): open, visible, hidden, beat (every 10 s while shown), close. Counted on the server's clock while open and visible, within the learning window.",
    params(("id" = Uuid, Path), ("n" = usize, Path)), security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn read(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath((id, n)): ApiPath<(Uuid, usize)>,
    ApiJson(req): ApiJson<ReadReport>,
) -> Result<Json<EnrolmentView>> {
    Ok(Json(learning::read(&st, &user, id, n, req.signal).await?))
}

#[utoipa::path(get, path = "/api/v1/courses/{id}/certificate", tag = "learning",
    description = "Role: the learner, once passed. The completion certificate as a PDF.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400, body = huiji_domain::wire::ErrorBody)))]
pub async fn certificate(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (name, pdf) = learning::certificate_pdf(&st, &user, id).await?;
    Ok(file(&name, "application/pdf", pdf))
}

/// The public verification page of a certificate number (no login).
pub async fn verify_page(State(st): State<AppState>, ApiPath(no): ApiPath<String>) -> Response {
    let v = match learning::verify(&st, &no).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let status = if v.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
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
        Html(learning::verify_page(v.as_ref())),
    )
        .into_response()
}
