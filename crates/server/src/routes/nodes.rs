//! The organisation tree and the member roster of a node.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use huiji_domain::org::{Action, NodePath};
use huiji_domain::sync::{MemberBody, OrgNodeBody};
use huiji_domain::wire::{MemberView, MembersPage, NodeView};
use serde::Deserialize;
use sqlx::Row;
use uuid::Uuid;

use crate::auth::{parse_uuid, AuthUser};
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/nodes", get(list_nodes))
        .route("/api/v1/nodes/{id}/members", get(list_members))
}

pub async fn node_path(st: &AppState, id: Uuid) -> Result<NodePath> {
    let row = sqlx::query(
        "SELECT node_path FROM records WHERE id = $1 AND kind = 'org_node' AND deleted = 0",
    )
    .bind(id.to_string())
    .fetch_optional(&st.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("组织"))?;
    NodePath::parse(&row.try_get::<String, _>(0)?)
        .ok_or_else(|| ApiError::internal("bad node path".into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NodesQuery {
    /// Part of a node name (e.g. "南京医科").
    pub q: Option<String>,
}

/// Nodes of the tree, optionally searched by name (unit search in the join flow).
#[utoipa::path(get, path = "/api/v1/nodes", tag = "nodes", params(NodesQuery),
    description = "Role: any signed-in account (the tree is public to members).",
    security(("bearer" = [])), responses((status = 200, body = Vec<NodeView>), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn list_nodes(
    State(st): State<AppState>,
    _user: AuthUser,
    ApiQuery(q): ApiQuery<NodesQuery>,
) -> Result<Json<Vec<NodeView>>> {
    let rows = sqlx::query("SELECT id, node_path, body FROM records WHERE kind = 'org_node' AND deleted = 0 ORDER BY node_path")
        .fetch_all(&st.db.pool)
        .await?;
    let needle = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut out = Vec::new();
    for row in rows {
        let body: OrgNodeBody = serde_json::from_str(&row.try_get::<String, _>(2)?)
            .map_err(|e| ApiError::internal(format!("bad node body: {e}")))?;
        if needle.is_some_and(|n| !body.name.contains(n)) {
            continue;
        }
        out.push(NodeView {
            id: parse_uuid(&row.try_get::<String, _>(0)?)?,
            parent_id: body.parent_id,
            kind: body.kind,
            name: body.name,
            path: row.try_get(1)?,
        });
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MembersQuery {
    /// Part of a name.
    pub q: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    /// At most 200.
    pub page_size: Option<u32>,
}

/// The roster of a node and its subtree, masked.
#[utoipa::path(get, path = "/api/v1/nodes/{id}/members", tag = "nodes", params(("id" = Uuid, Path), MembersQuery),
    description = "Role: secretary or reviewer (view_members) at the node or an ancestor.",
    security(("bearer" = [])), responses((status = 200, body = MembersPage), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn list_members(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<MembersPage>> {
    let path = node_path(&st, id).await?;
    user.require(Action::ViewMembers, &path)?;
    let page = q.page.unwrap_or(1).max(1);
    let page_size = q.page_size.unwrap_or(50).clamp(1, 200);
    let like = format!("{}%", path.as_str());
    let name_like = format!(
        "%{}%",
        q.q.as_deref().unwrap_or("").trim().replace(['%', '_'], "")
    );
    let name_expr = match st.db.backend {
        Backend::Sqlite => "json_extract(body, '$.name')",
        Backend::Postgres => "(body::jsonb ->> 'name')",
    };
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM records WHERE kind = 'member' AND deleted = 0 AND node_path LIKE $1 AND {name_expr} LIKE $2"))
        .bind(&like)
        .bind(&name_like)
        .fetch_one(&st.db.pool)
        .await?
        .try_get(0)?;
    let rows = sqlx::query(&format!(
        "SELECT id, node_id, version, body FROM records WHERE kind = 'member' AND deleted = 0 \
         AND node_path LIKE $1 AND {name_expr} LIKE $2 ORDER BY seq LIMIT $3 OFFSET $4"
    ))
    .bind(&like)
    .bind(&name_like)
    .bind(i64::from(page_size))
    .bind(i64::from((page - 1) * page_size))
    .fetch_all(&st.db.pool)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let body: MemberBody = serde_json::from_str(&row.try_get::<String, _>(3)?)
            .map_err(|e| ApiError::internal(format!("bad member body: {e}")))?;
        items.push(MemberView {
            id: parse_uuid(&row.try_get::<String, _>(0)?)?,
            node_id: parse_uuid(&row.try_get::<String, _>(1)?)?,
            name: body.name,
            phone_masked: body.phone_masked,
            id_number_masked: body.id_number_masked,
            category: body.category,
            version: row.try_get(2)?,
        });
    }
    Ok(Json(MembersPage {
        items,
        total,
        page,
        page_size,
    }))
}
