//! Reviewed content (供需大厅, 荣誉证书, 专家信息, 风采): the owner posts, edits, shelves and
//! deletes; the hall shows what is approved and on the shelf. Decisions are made through
//! the approval engine (`POST /api/v1/requests/actions`, kind `content`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

use crate::auth::AuthUser;
use huiji_domain::community::content::{HallItem, MyItem};
use huiji_domain::community::showcase::MemberShowcaseView;

use crate::content::{self, AssignExpert, EditContent, HallQuery, NewContent, ShelfRequest};
use crate::error::Result;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/content", post(create).get(hall))
        .route("/api/v1/content/mine", get(mine))
        .route("/api/v1/content/{id}", put(edit).delete(delete))
        .route("/api/v1/content/{id}/shelf", put(shelf))
        .route("/api/v1/showcases/members", get(member_showcases))
        .route("/api/v1/content/experts/assign", post(assign_expert))
}

#[utoipa::path(post, path = "/api/v1/content", tag = "community",
    description = "Role: a member (a live membership). Posts a listing, certificate, expert profile or showcase entry; its unit's secretaries review it. The same id and content again answer 200 with the stored item.",
    security(("bearer" = [])), responses((status = 201), (status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<NewContent>,
) -> Result<(StatusCode, Json<MyItem>)> {
    let (made, item) = content::create(&st, &user, req).await?;
    Ok((
        if made {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(item),
    ))
}

#[utoipa::path(get, path = "/api/v1/content", tag = "community",
    description = "Role: any signed-in account. What is on show (approved, on the shelf): ?kind=listing|certificate|expert|member_showcase|company_showcase, ?side=supply|demand, ?owner=id.",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn hall(
    State(st): State<AppState>,
    _user: AuthUser,
    ApiQuery(q): ApiQuery<HallQuery>,
) -> Result<Json<Vec<HallItem>>> {
    Ok(Json(content::hall(&st, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/content/mine", tag = "community",
    description = "Role: any signed-in account. The caller's own items with both versions and their status.",
    security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn mine(State(st): State<AppState>, user: AuthUser) -> Result<Json<Vec<MyItem>>> {
    Ok(Json(content::mine(&st, &user).await?))
}

#[utoipa::path(put, path = "/api/v1/content/{id}", tag = "community",
    description = "Role: the item's owner. An edit, reviewed again; the shown version stays shown until it is approved.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn edit(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EditContent>,
) -> Result<Json<MyItem>> {
    Ok(Json(content::edit(&st, &user, id, req).await?))
}

#[utoipa::path(put, path = "/api/v1/content/{id}/shelf", tag = "community",
    description = "Role: the item's owner. 上架 / 下架 of the approved version.",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn shelf(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ShelfRequest>,
) -> Result<Json<MyItem>> {
    Ok(Json(
        content::set_shelf(&st, &user, id, req.on_shelf).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/content/{id}", tag = "community",
    description = "Role: the item's owner. Deletes it (its waiting review is withdrawn).",
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MyItem>> {
    Ok(Json(content::delete(&st, &user, id).await?))
}

#[utoipa::path(get, path = "/api/v1/showcases/members", tag = "community",
    description = "Role: a member (of the unit or below) or a viewer of its members. 会员风采: each member's open fields (never phone, WeChat, ID number, height or weight), approved introduction and companies. ?unit=id, default the caller's own units.",
    security(("bearer" = [])), responses((status = 200), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn member_showcases(
    State(st): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<crate::showcases::ShowcaseQuery>,
) -> Result<Json<Vec<MemberShowcaseView>>> {
    Ok(Json(crate::showcases::members(&st, &user, &q).await?))
}

#[utoipa::path(post, path = "/api/v1/content/experts/assign", tag = "community",
    description = "Role: secretary (manage_members) of the member's unit. 后台分配: an expert profile written for a member, on show at once; the member's later edits are reviewed. The same id and text again answer with the stored item.",
    security(("bearer" = [])), responses((status = 200), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn assign_expert(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<AssignExpert>,
) -> Result<Json<MyItem>> {
    Ok(Json(content::assign_expert(&st, &user, req).await?))
}
