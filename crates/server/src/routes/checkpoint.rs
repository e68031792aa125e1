//! Checkpoints (seed 002, 码上行动): site management (站点管理), scanner staff,
//! per-site counts, assisted registration (辅助登记), and the signing keys.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use huiji_domain::checkpoint::{site_stats, SiteNode};
use huiji_domain::mask::{mask_name, mask_phone};
use huiji_domain::org::{check_new_node, Action, NodeKind, NodePath, Role};
use huiji_domain::sync::{OrgNodeBody, RecordKind, ScanBody};
use huiji_domain::time::{parse_date, start_ms_cst};
use huiji_domain::validate::{validate_id_number, validate_name, validate_phone};
use huiji_domain::wire::{
    AddScannerRequest, AssistedRequest, AssistedResponse, KeyView, NodeView, ScannerView,
    SiteRequest, SiteStatsRow, SmsPurpose,
};
use huiji_domain::DomainError;
use serde::Deserialize;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts;
use crate::auth::{parse_uuid, AuthUser};
use crate::credentials::{self, KeyEnd};
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::records::{write_server_rows, ServerRow};
use crate::routes::nodes::node_path;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites", post(create_site))
        .route("/api/v1/sites/{id}", put(edit_site))
        .route(
            "/api/v1/sites/{id}/scanners",
            get(list_scanners).post(add_scanner),
        )
        .route("/api/v1/sites/{id}/stats", get(stats))
        .route("/api/v1/checkpoint/assisted", post(assisted))
        .route("/api/v1/admin/keys", get(list_keys))
        .route("/api/v1/admin/keys/rotate", post(rotate_key))
        .route("/api/v1/admin/keys/{kid}/retire", post(retire_key))
        .route("/api/v1/admin/keys/{kid}/revoke", post(revoke_key))
}

const SITE_FIELD_TOO_LONG: DomainError = DomainError::new(
    "SiteFieldTooLong",
    "地址不超过100字，负责人不超过20字",
    "Address at most 100 characters, contact at most 20",
);
const NOT_A_SITE: DomainError = DomainError::new(
    "NotASite",
    "只能在站点下添加或编辑站点",
    "Sites are added and edited only under sites",
);

async fn load_node(st: &AppState, id: Uuid) -> Result<(NodePath, OrgNodeBody, i64)> {
    let row = sqlx::query(
        "SELECT node_path, body, version FROM records WHERE id = $1 AND kind = 'org_node' AND deleted = 0",
    )
    .bind(id.to_string())
    .fetch_optional(&st.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("站点"))?;
    let path = NodePath::parse(&row.try_get::<String, _>(0)?)
        .ok_or_else(|| ApiError::internal("bad node path".into()))?;
    let body: OrgNodeBody = serde_json::from_str(&row.try_get::<String, _>(1)?)
        .map_err(|e| ApiError::internal(format!("bad node body: {e}")))?;
    Ok((path, body, row.try_get(2)?))
}

fn site_fields(req: &SiteRequest) -> Result<(Option<String>, Option<String>, Option<String>)> {
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let address = clean(&req.address);
    let contact = clean(&req.contact);
    if address.as_deref().is_some_and(|a| a.chars().count() > 100)
        || contact.as_deref().is_some_and(|c| c.chars().count() > 20)
    {
        return Err(SITE_FIELD_TOO_LONG.into());
    }
    let phone = match clean(&req.contact_phone) {
        Some(p) => Some(validate_phone(&p)?.as_str().to_owned()),
        None => None,
    };
    Ok((address, contact, phone))
}

fn node_row(id: Uuid, path: NodePath, body: &OrgNodeBody) -> Result<ServerRow> {
    Ok(ServerRow {
        id,
        kind: RecordKind::OrgNode,
        node_id: id,
        node_path: path,
        owner_id: None,
        body: serde_json::to_value(body).map_err(|e| ApiError::internal(e.to_string()))?,
        audience: Vec::new(),
    })
}

/// Adds a sub-site (下级站点) below a site the caller manages.
#[utoipa::path(post, path = "/api/v1/sites", tag = "checkpoint", request_body = SiteRequest,
    description = "Role: site manager at the parent site or above.",
    security(("bearer" = [])), responses((status = 201, body = NodeView), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn create_site(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<SiteRequest>,
) -> Result<(StatusCode, Json<NodeView>)> {
    let parent_id = req
        .parent_id
        .ok_or_else(|| ApiError::bad_request("ParentRequired", "请选择上级站点"))?;
    let (parent_path, parent, _) = load_node(&st, parent_id).await?;
    user.require(Action::ManageSites, &parent_path)?;
    if parent.kind != NodeKind::Site {
        return Err(NOT_A_SITE.into());
    }
    let name = req.name.trim().to_owned();
    check_new_node(&name, NodeKind::Site, Some(parent.kind))?;
    let (address, contact, contact_phone) = site_fields(&req)?;
    let id = Uuid::now_v7();
    let path = parent_path.child(id);
    let body = OrgNodeBody {
        name: name.clone(),
        kind: NodeKind::Site,
        parent_id: Some(parent_id),
        credit_code: None,
        levels: Vec::new(),
        address,
        contact,
        contact_phone,
    };
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![node_row(id, path.clone(), &body)?],
        Some(user.id()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(NodeView {
            id,
            parent_id: Some(parent_id),
            kind: NodeKind::Site,
            name,
            path: path.as_str().to_owned(),
        }),
    ))
}

/// Edits a site's name, address and person in charge.
#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "checkpoint", request_body = SiteRequest, params(("id" = Uuid, Path)),
    description = "Role: site manager at the site or above.",
    security(("bearer" = [])), responses((status = 200, body = NodeView), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn edit_site(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SiteRequest>,
) -> Result<Json<NodeView>> {
    let (path, mut body, _) = load_node(&st, id).await?;
    user.require(Action::ManageSites, &path)?;
    if body.kind != NodeKind::Site {
        return Err(NOT_A_SITE.into());
    }
    if req.parent_id.is_some_and(|p| Some(p) != body.parent_id) {
        return Err(ApiError::bad_request(
            "MoveNotSupported",
            "编辑站点时不能更改上级站点",
        ));
    }
    let name = req.name.trim().to_owned();
    check_new_node(&name, NodeKind::Site, Some(NodeKind::Site))?;
    let (address, contact, contact_phone) = site_fields(&req)?;
    // The app shows the phone masked and cannot send it back: absent keeps it, an
    // empty string clears it.
    let contact_phone = match req.contact_phone.as_deref() {
        None => body.contact_phone.take(),
        Some(_) => contact_phone,
    };
    body.name = name.clone();
    body.address = address;
    body.contact = contact;
    body.contact_phone = contact_phone;
    let mut tx = st.db.writer.begin().await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![node_row(id, path.clone(), &body)?],
        Some(user.id()),
        st.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(NodeView {
        id,
        parent_id: body.parent_id,
        kind: NodeKind::Site,
        name,
        path: path.as_str().to_owned(),
    }))
}

/// The scanner staff of a site.
#[utoipa::path(get, path = "/api/v1/sites/{id}/scanners", tag = "checkpoint", params(("id" = Uuid, Path)),
    description = "Role: site manager at the site or above.",
    security(("bearer" = [])), responses((status = 200, body = Vec<ScannerView>), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn list_scanners(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ScannerView>>> {
    let path = node_path(&st, id).await?;
    user.require(Action::ManageSites, &path)?;
    let rows = sqlx::query("SELECT a.id, a.real_name, a.phone FROM grants g JOIN accounts a ON a.id = g.account_id WHERE g.node_id = $1 AND g.role = 'scanner' ORDER BY g.created_at")
        .bind(id.to_string())
        .fetch_all(&st.db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ScannerView {
                account_id: parse_uuid(&r.try_get::<String, _>(0)?)?,
                name_masked: r
                    .try_get::<Option<String>, _>(1)?
                    .as_deref()
                    .map(mask_name)
                    .unwrap_or_default(),
                phone_masked: r
                    .try_get::<Option<String>, _>(2)?
                    .as_deref()
                    .map(mask_phone)
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Json)
}

/// Adds a scanner (添加扫码员): the account with this phone, created if new (they log
/// in by SMS code), gets the scanner role at the site.
#[utoipa::path(post, path = "/api/v1/sites/{id}/scanners", tag = "checkpoint", request_body = AddScannerRequest, params(("id" = Uuid, Path)),
    description = "Role: site manager at the site or above.",
    security(("bearer" = [])), responses((status = 201, body = ScannerView), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn add_scanner(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AddScannerRequest>,
) -> Result<(StatusCode, Json<ScannerView>)> {
    let (path, body, _) = load_node(&st, id).await?;
    user.require(Action::ManageSites, &path)?;
    if body.kind != NodeKind::Site {
        return Err(NOT_A_SITE.into());
    }
    let phone = validate_phone(&req.phone)?;
    let name = validate_name(&req.name)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let existing = sqlx::query("SELECT id, kind, real_name FROM accounts WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let (account_id, shown_name) = match existing {
        Some(r) => {
            if r.try_get::<String, _>(1)? != "person" {
                return Err(ApiError::bad_request("NotAPerson", "该手机号属于单位账号"));
            }
            let real: Option<String> = r.try_get(2)?;
            (
                parse_uuid(&r.try_get::<String, _>(0)?)?,
                real.unwrap_or_else(|| name.as_str().to_owned()),
            )
        }
        None => {
            let aid = Uuid::now_v7();
            sqlx::query("INSERT INTO accounts (id, kind, phone, real_name, status, created_at) VALUES ($1, 'person', $2, $3, 'active', $4)")
                .bind(aid.to_string())
                .bind(phone.as_str())
                .bind(name.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            (aid, name.as_str().to_owned())
        }
    };
    let dup = sqlx::query(
        "SELECT 1 FROM grants WHERE account_id = $1 AND role = 'scanner' AND node_id = $2",
    )
    .bind(account_id.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if dup.is_some() {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            "ScannerExists",
            "该人员已是本站点的扫码员",
        ));
    }
    sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(Uuid::now_v7().to_string())
        .bind(account_id.to_string())
        .bind(Role::Scanner.as_str())
        .bind(id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ScannerView {
            account_id,
            name_masked: mask_name(&shown_name),
            phone_masked: mask_phone(phone.as_str()),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// YYYY-MM-DD (China Standard Time); today when absent.
    pub date: Option<String>,
}

/// Today's (or a day's) scans, turn-backs and assisted registrations per site of the
/// subtree: each site's own and its subtree's.
#[utoipa::path(get, path = "/api/v1/sites/{id}/stats", tag = "checkpoint", params(("id" = Uuid, Path), StatsQuery),
    description = "Role: site manager or health authority (view_scans) at the site or above.",
    security(("bearer" = [])), responses((status = 200, body = Vec<SiteStatsRow>), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn stats(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<Vec<SiteStatsRow>>> {
    let (path, _, _) = load_node(&st, id).await?;
    user.require(Action::ViewScans, &path)?;
    let day = match q.date.as_deref() {
        Some(d) => parse_date(d)
            .ok_or_else(|| ApiError::bad_request("DateInvalid", "日期格式应为 YYYY-MM-DD"))?,
        None => huiji_domain::time::today_cst(st.now()),
    };
    let like = format!("{}%", path.as_str());
    let node_rows = sqlx::query("SELECT id, node_path, body FROM records WHERE kind = 'org_node' AND deleted = 0 AND node_path LIKE $1")
        .bind(&like)
        .fetch_all(&st.db.pool)
        .await?;
    let mut nodes = Vec::with_capacity(node_rows.len());
    for r in &node_rows {
        let body: OrgNodeBody = serde_json::from_str(&r.try_get::<String, _>(2)?)
            .map_err(|e| ApiError::internal(format!("bad node body: {e}")))?;
        nodes.push(SiteNode {
            id: parse_uuid(&r.try_get::<String, _>(0)?)?,
            parent_id: body.parent_id,
            name: body.name,
            path: NodePath::parse(&r.try_get::<String, _>(1)?)
                .ok_or_else(|| ApiError::internal("bad node path".into()))?,
        });
    }
    let Some(root) = nodes.iter().find(|n| n.id == id).cloned() else {
        return Err(ApiError::not_found("站点"));
    };
    // Scans arrive up to days late from offline scanners: read those stored from the
    // day before, and keep the ones scanned (device clock) on the day.
    let from = start_ms_cst(day) - 86_400_000;
    let scan_rows = sqlx::query("SELECT node_path, body FROM records WHERE kind = 'scan' AND node_path LIKE $1 AND created_at >= $2")
        .bind(&like)
        .bind(from)
        .fetch_all(&st.db.pool)
        .await?;
    let mut scans = Vec::with_capacity(scan_rows.len());
    for r in &scan_rows {
        let Ok(body) = serde_json::from_str::<ScanBody>(&r.try_get::<String, _>(1)?) else {
            continue;
        };
        if !huiji_domain::checkpoint::scanned_on(&body, day) {
            continue;
        }
        if let Some(p) = NodePath::parse(&r.try_get::<String, _>(0)?) {
            scans.push((p, body));
        }
    }
    Ok(Json(site_stats(&root, &nodes, &scans)))
}

/// Receives a person registered at a checkpoint (辅助登记). Idempotent by `id`. With a
/// valid `sms_code` the phone is confirmed now; without (recorded offline) the person
/// gets an SMS code and confirms by logging in with it.
#[utoipa::path(post, path = "/api/v1/checkpoint/assisted", tag = "checkpoint", request_body = AssistedRequest,
    description = "Role: scanner or site manager (record_scan) at the site.",
    security(("bearer" = [])), responses((status = 200, body = AssistedResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn assisted(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<AssistedRequest>,
) -> Result<Json<AssistedResponse>> {
    let path = node_path(&st, req.site_id).await?;
    user.require(Action::RecordScan, &path)?;
    let phone = validate_phone(&req.phone)?;
    let name = validate_name(&req.name)?;
    let idn = validate_id_number(&req.id_number, huiji_domain::time::today_cst(st.now()))?;
    if let Some(t) = req.temperature_tenths {
        if !(huiji_domain::checkpoint::MIN_TEMPERATURE_TENTHS
            ..=huiji_domain::checkpoint::MAX_TEMPERATURE_TENTHS)
            .contains(&t)
        {
            return Err(huiji_domain::sync::TEMPERATURE_OUT_OF_RANGE.into());
        }
    }
    let remark = req
        .remark
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if remark.as_deref().is_some_and(|r| r.chars().count() > 200) {
        return Err(ApiError::bad_request("RemarkTooLong", "备注不超过200字"));
    }
    let name_masked = mask_name(name.as_str());
    if let Some(row) = sqlx::query("SELECT verified_at FROM assisted_registrations WHERE id = $1")
        .bind(req.id.to_string())
        .fetch_optional(&st.db.pool)
        .await?
    {
        return Ok(Json(AssistedResponse {
            id: req.id,
            name_masked,
            verified: row.try_get::<Option<i64>, _>(0)?.is_some(),
            duplicate: true,
        }));
    }
    let verified_now = match req
        .sms_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(code) => {
            // A wrong code is the person's mistake at the checkpoint, not the staff
            // member's session: answer 400, never 401 (which would log the app out).
            crate::routes::auth::check_sms_code(&st, phone.as_str(), SmsPurpose::Verify, code)
                .await
                .map_err(|e| match e {
                    ApiError::Client {
                        status: StatusCode::UNAUTHORIZED,
                        code,
                        message,
                    } => ApiError::Client {
                        status: StatusCode::BAD_REQUEST,
                        code,
                        message,
                    },
                    other => other,
                })?;
            true
        }
        None => false,
    };
    let now = st.now();
    let by_phone = accounts::find_by(&st, "phone", phone.as_str()).await?;
    let by_idn = accounts::find_by(&st, "id_number", idn.as_str()).await?;
    let account_id = match (&by_phone, &by_idn) {
        (Some(a), Some(b)) if a.id != b.id => {
            return Err(ApiError::client(
                StatusCode::CONFLICT,
                "IdNumberTaken",
                "该身份证号已绑定其他手机号的账号",
            ))
        }
        (Some(a), _) => {
            if a.id_number.is_none() {
                sqlx::query("UPDATE accounts SET real_name = $1, id_number = $2 WHERE id = $3 AND id_number IS NULL")
                    .bind(name.as_str())
                    .bind(idn.as_str())
                    .bind(a.id.to_string())
                    .execute(&st.db.writer)
                    .await?;
            }
            a.id
        }
        (None, Some(b)) => b.id,
        (None, None) => {
            let aid = Uuid::now_v7();
            sqlx::query("INSERT INTO accounts (id, kind, phone, real_name, id_number, status, created_at) VALUES ($1, 'person', $2, $3, $4, 'active', $5)")
                .bind(aid.to_string())
                .bind(phone.as_str())
                .bind(name.as_str())
                .bind(idn.as_str())
                .bind(now)
                .execute(&st.db.writer)
                .await?;
            aid
        }
    };
    sqlx::query("INSERT INTO assisted_registrations (id, account_id, site_id, registered_by, temperature_tenths, remark, recorded_at, received_at, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING")
        .bind(req.id.to_string())
        .bind(account_id.to_string())
        .bind(req.site_id.to_string())
        .bind(user.id().to_string())
        .bind(req.temperature_tenths.map(i64::from))
        .bind(remark.as_deref())
        .bind(req.recorded_at)
        .bind(now)
        .bind(verified_now.then_some(now))
        .execute(&st.db.writer)
        .await?;
    if !verified_now {
        // Confirm later: a login code goes to the phone; logging in with it confirms.
        let _ = crate::routes::auth::send_code(&st, phone.as_str(), SmsPurpose::Login).await;
    }
    Ok(Json(AssistedResponse {
        id: req.id,
        name_masked,
        verified: verified_now,
        duplicate: false,
    }))
}

fn require_admin(user: &AuthUser) -> Result<()> {
    if user.principal.is_system_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Every credential signing key (public parts).
#[utoipa::path(get, path = "/api/v1/admin/keys", tag = "admin",
    description = "Role: system admin.",
    security(("bearer" = [])), responses((status = 200, body = Vec<KeyView>), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn list_keys(State(st): State<AppState>, user: AuthUser) -> Result<Json<Vec<KeyView>>> {
    require_admin(&user)?;
    let keys = credentials::list_keys(&st).await?;
    Ok(Json(
        keys.into_iter()
            .map(|k| KeyView {
                kid: k.kid,
                public_key: k.public_key,
                valid_from: k.valid_from,
                retired_at: k.retired_at,
                revoked: k.revoked,
            })
            .collect(),
    ))
}

/// A new key signs from now on; the old ones still verify what they signed.
#[utoipa::path(post, path = "/api/v1/admin/keys/rotate", tag = "admin",
    description = "Role: system admin.",
    security(("bearer" = [])), responses((status = 200, body = String), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn rotate_key(State(st): State<AppState>, user: AuthUser) -> Result<Json<String>> {
    require_admin(&user)?;
    Ok(Json(credentials::rotate(&st, user.id()).await?))
}

/// Retires a key: it signs nothing more; what it signed verifies until it expires.
#[utoipa::path(post, path = "/api/v1/admin/keys/{kid}/retire", tag = "admin", params(("kid" = String, Path)),
    description = "Role: system admin.",
    security(("bearer" = [])), responses((status = 204), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn retire_key(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(kid): ApiPath<String>,
) -> Result<StatusCode> {
    require_admin(&user)?;
    credentials::end_key(&st, &kid, KeyEnd::Retire, user.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a compromised key: nothing it signed verifies any more.
#[utoipa::path(post, path = "/api/v1/admin/keys/{kid}/revoke", tag = "admin", params(("kid" = String, Path)),
    description = "Role: system admin.",
    security(("bearer" = [])), responses((status = 204), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn revoke_key(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(kid): ApiPath<String>,
) -> Result<StatusCode> {
    require_admin(&user)?;
    credentials::end_key(&st, &kid, KeyEnd::Revoke, user.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
