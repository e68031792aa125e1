//! Institution accounts (seed 003, 西安文理学院 一站式网上办事大厅): 在校师生 log in with
//! the user name of the school's identity system (教师工号 / 学生学号) and its password
//! (initially the last 8 characters of the ID number). An unbound number gets a
//! ten-minute binding ticket; with it the person binds a phone of their own (SMS code),
//! which finds or makes their account, makes them a member of the institution and logs
//! them in. When the number changes (预科生转本科, 本科生读研) the old binding is undone
//! first and the new number bound.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::mask::{mask_id_number, mask_name, mask_phone};
use huiji_domain::org::NodeKind;
use huiji_domain::sync::{MemberBody, RecordKind};
use huiji_domain::validate::{check_institution_number, validate_phone, PASSWORD_REQUIRED};
pub use huiji_domain::wire::IdentityKind;
use huiji_domain::wire::{
    InstitutionBindRequest, InstitutionBindingView, InstitutionLoginRequest,
    InstitutionLoginResponse, InstitutionUnbindRequest, InstitutionUnbindResponse, InstitutionView,
    SmsPurpose,
};
use huiji_domain::workflow::{self as wf, HistoryEntry, MembershipBody};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use super::auth::{check_sms_code, check_usable, issue_token, LOCK_MS, MAX_FAILED_LOGINS};
use crate::accounts::{self, AccountRow};
use crate::auth::{parse_uuid, verify_password, AuthUser};
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::extract::ApiJson;
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow as engine;

/// How long a binding ticket is good for.
pub const TICKET_TTL_MS: i64 = 10 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/institutions", get(list))
        .route("/api/v1/institutions/login", post(login))
        .route("/api/v1/institutions/bind", post(bind))
        .route("/api/v1/institutions/unbind", post(unbind))
        .route("/api/v1/institutions/bindings", get(my_bindings))
}

// ---------------------------------------------------------------- errors

fn client(status: StatusCode, code: &'static str, msg: &'static str) -> ApiError {
    ApiError::client(status, code, msg)
}

fn login_failed() -> ApiError {
    client(
        StatusCode::UNAUTHORIZED,
        "InstitutionLoginFailed",
        "工号/学号或密码错误",
    )
}

fn retired() -> ApiError {
    client(
        StatusCode::FORBIDDEN,
        "InstitutionNumberRetired",
        "该工号/学号已停用，请使用新的工号/学号登录",
    )
}

fn institution_not_found() -> ApiError {
    client(
        StatusCode::NOT_FOUND,
        "InstitutionNotFound",
        "该学校未开通工号/学号登录",
    )
}

fn ticket_invalid() -> ApiError {
    client(
        StatusCode::BAD_REQUEST,
        "BindingTicketInvalid",
        "绑定凭证无效，请重新登录",
    )
}

fn ticket_expired() -> ApiError {
    client(
        StatusCode::BAD_REQUEST,
        "BindingTicketExpired",
        "绑定已超时，请重新登录",
    )
}

fn ticket_used() -> ApiError {
    client(
        StatusCode::BAD_REQUEST,
        "BindingTicketUsed",
        "该绑定凭证已使用，请重新登录",
    )
}

fn phone_bound_elsewhere() -> ApiError {
    client(
        StatusCode::CONFLICT,
        "PhoneBoundToOtherNumber",
        "该手机号已绑定其他工号/学号，请先解绑",
    )
}

fn number_bound() -> ApiError {
    client(
        StatusCode::CONFLICT,
        "NumberAlreadyBound",
        "该工号/学号已绑定手机号，如需更换请先解绑",
    )
}

fn phone_not_own() -> ApiError {
    client(
        StatusCode::CONFLICT,
        "PhoneNotOwn",
        "该手机号已实名登记为他人，请使用本人的手机号",
    )
}

fn not_bound() -> ApiError {
    client(
        StatusCode::CONFLICT,
        "NumberNotBound",
        "该工号/学号未绑定手机号",
    )
}

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone)]
pub struct Identity {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub number: String,
    pub kind: IdentityKind,
    pub real_name: String,
    password_hash: String,
    pub status: String,
    pub account_id: Option<Uuid>,
    pub bound_at: Option<i64>,
    grant_id: Option<String>,
    membership_id: Option<String>,
    roster_id: Option<String>,
    failed_logins: i64,
    locked_until: i64,
}

const IDENTITY_COLUMNS: &str = "id, institution_id, number, kind, real_name, password_hash, \
     status, account_id, bound_at, grant_id, membership_id, roster_id, failed_logins, locked_until";

fn identity_from_row(row: &sqlx::any::AnyRow) -> Result<Identity> {
    let kind: String = row.try_get(3)?;
    let account: Option<String> = row.try_get(7)?;
    Ok(Identity {
        id: parse_uuid(&row.try_get::<String, _>(0)?)?,
        institution_id: parse_uuid(&row.try_get::<String, _>(1)?)?,
        number: row.try_get(2)?,
        kind: IdentityKind::parse(&kind)
            .ok_or_else(|| ApiError::internal(format!("identity kind {kind}")))?,
        real_name: row.try_get(4)?,
        password_hash: row.try_get(5)?,
        status: row.try_get(6)?,
        account_id: account.as_deref().map(parse_uuid).transpose()?,
        bound_at: row.try_get(8)?,
        grant_id: row.try_get(9)?,
        membership_id: row.try_get(10)?,
        roster_id: row.try_get(11)?,
        failed_logins: row.try_get(12)?,
        locked_until: row.try_get(13)?,
    })
}

async fn identity_where(
    conn: &mut sqlx::AnyConnection,
    cond: &str,
    binds: &[String],
) -> Result<Option<Identity>> {
    let sql = format!("SELECT {IDENTITY_COLUMNS} FROM institution_identities WHERE {cond}");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    let row = q.fetch_optional(&mut *conn).await?;
    row.as_ref().map(identity_from_row).transpose()
}

/// The institution node, if it offers this login (has numbers on file).
async fn institution(st: &AppState, id: Uuid) -> Result<engine::NodeInfo> {
    let mut conn = st.db.pool.acquire().await?;
    let offered =
        sqlx::query("SELECT 1 FROM institution_identities WHERE institution_id = $1 LIMIT 1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    if offered.is_none() {
        return Err(institution_not_found());
    }
    engine::node(&mut conn, id)
        .await?
        .ok_or_else(institution_not_found)
}

fn ticket_hash(ticket: &str) -> String {
    hex::encode(Sha256::digest(
        format!("institution-ticket:{ticket}").as_bytes(),
    ))
}

/// A wrong password counts; the tenth in a row locks the number for 15 minutes.
async fn count_failure(st: &AppState, ident: &Identity) -> Result<()> {
    let failed = ident.failed_logins + 1;
    let (failed, locked_until) = if failed >= MAX_FAILED_LOGINS {
        (0, st.now() + LOCK_MS)
    } else {
        (failed, 0)
    };
    sqlx::query(
        "UPDATE institution_identities SET failed_logins = $1, locked_until = $2 WHERE id = $3",
    )
    .bind(failed)
    .bind(locked_until)
    .bind(ident.id.to_string())
    .execute(&st.db.writer)
    .await?;
    Ok(())
}

/// Number + password, with the lockout. Retired numbers pass here (they may unbind).
async fn check_password(
    st: &AppState,
    institution_id: Uuid,
    number: &str,
    password: &str,
) -> Result<Identity> {
    let number = check_institution_number(number)?;
    if password.is_empty() {
        return Err(PASSWORD_REQUIRED.into());
    }
    let mut conn = st.db.pool.acquire().await?;
    let ident = identity_where(
        &mut conn,
        "institution_id = $1 AND number = $2",
        &[institution_id.to_string(), number],
    )
    .await?;
    drop(conn);
    let Some(ident) = ident else {
        // Hash anyway so an unknown number answers as slowly as a wrong password.
        let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7LnrSc1nZYB8ZnUcMTR8ZPpSQgEr5wZUBLnQeGy8lDQ");
        return Err(login_failed());
    };
    if ident.locked_until > st.now() {
        let mins = ((ident.locked_until - st.now()) / 60_000).max(1);
        return Err(ApiError::client(
            StatusCode::LOCKED,
            "InstitutionLocked",
            format!("登录失败次数过多，该工号/学号已锁定，请{mins}分钟后再试"),
        ));
    }
    if !verify_password(password, &ident.password_hash) {
        count_failure(st, &ident).await?;
        return Err(login_failed());
    }
    if ident.failed_logins > 0 {
        sqlx::query(
            "UPDATE institution_identities SET failed_logins = 0, locked_until = 0 WHERE id = $1",
        )
        .bind(ident.id.to_string())
        .execute(&st.db.writer)
        .await?;
    }
    Ok(ident)
}

// ---------------------------------------------------------------- binding

/// Binds `ident` to `account` inside the caller's transaction: the identity row, and,
/// unless the account is a member there already, the member grant, a membership and a
/// roster entry at the institution (remembered on the row, so unbinding undoes exactly
/// them). Refuses a number bound meanwhile and a second binding of the account there.
pub async fn attach(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    ident: &Identity,
    account_id: Uuid,
    inst: &engine::NodeInfo,
    now: i64,
) -> Result<()> {
    let other = sqlx::query(
        "SELECT 1 FROM institution_identities WHERE institution_id = $1 AND account_id = $2",
    )
    .bind(ident.institution_id.to_string())
    .bind(account_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if other.is_some() {
        return Err(phone_bound_elsewhere());
    }
    let bound = sqlx::query("UPDATE institution_identities SET account_id = $1, bound_at = $2, failed_logins = 0, locked_until = 0 WHERE id = $3 AND account_id IS NULL")
        .bind(account_id.to_string())
        .bind(now)
        .bind(ident.id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => phone_bound_elsewhere(),
            _ => e.into(),
        })?;
    if bound.rows_affected() != 1 {
        return Err(number_bound());
    }
    let member = sqlx::query(
        "SELECT 1 FROM grants WHERE account_id = $1 AND role = 'member' AND node_id = $2",
    )
    .bind(account_id.to_string())
    .bind(inst.id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if member.is_some() {
        return Ok(());
    }
    let who = engine::who(tx, account_id)
        .await?
        .ok_or_else(|| ApiError::internal("bound account vanished".into()))?;
    let name = who
        .real_name
        .clone()
        .unwrap_or_else(|| ident.real_name.clone());
    let day = engine::today(now);
    let grant_id = Uuid::now_v7();
    sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, 'member', $3, $4)")
        .bind(grant_id.to_string())
        .bind(account_id.to_string())
        .bind(inst.id.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let note = format!("绑定{}{}", ident.kind.number_label(), ident.number);
    let membership = MembershipBody {
        account_id,
        name: name.clone(),
        unit_id: inst.id,
        unit_name: inst.body.name.clone(),
        member_type: ident.kind.category().to_owned(),
        level: None,
        title: None,
        joined_on: day.clone(),
        start_on: day.clone(),
        end_on: None,
        ended_on: None,
        status: wf::derive_status(&day, None, None, &day),
        override_status: None,
        history: vec![HistoryEntry {
            on: day.clone(),
            what: "joined".into(),
            note: Some(note),
            by: None,
        }],
        request_id: None,
    };
    let roster = MemberBody {
        name,
        phone_masked: who.phone.as_deref().map(mask_phone),
        id_number_masked: who.id_number.as_deref().map(mask_id_number),
        category: Some(ident.kind.category().to_owned()),
        level: None,
        credit_code: None,
        title: None,
        account_id: Some(account_id),
    };
    let (membership_id, roster_id) = (Uuid::now_v7(), Uuid::now_v7());
    let json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| ApiError::internal(format!("json: {e}")))
    };
    let rows = vec![
        ServerRow {
            id: membership_id,
            kind: RecordKind::Membership,
            node_id: inst.id,
            node_path: inst.path.clone(),
            owner_id: Some(account_id),
            body: json(serde_json::to_value(&membership))?,
            audience: Vec::new(),
        },
        ServerRow {
            id: roster_id,
            kind: RecordKind::Member,
            node_id: inst.id,
            node_path: inst.path.clone(),
            owner_id: Some(account_id),
            body: json(serde_json::to_value(&roster))?,
            audience: Vec::new(),
        },
    ];
    write_server_rows(tx, backend, rows, None, now).await?;
    sqlx::query("UPDATE institution_identities SET grant_id = $1, membership_id = $2, roster_id = $3 WHERE id = $4")
        .bind(grant_id.to_string())
        .bind(membership_id.to_string())
        .bind(roster_id.to_string())
        .bind(ident.id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Undoes a binding in the caller's transaction: the grant it made goes, its membership
/// ends (the history stays) and its roster entry is taken out.
async fn detach(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    ident: &Identity,
    actor: Option<Uuid>,
    now: i64,
) -> Result<()> {
    let Some(account) = ident.account_id else {
        return Err(not_bound());
    };
    let done = sqlx::query("UPDATE institution_identities SET account_id = NULL, bound_at = NULL, grant_id = NULL, membership_id = NULL, roster_id = NULL WHERE id = $1 AND account_id = $2")
        .bind(ident.id.to_string())
        .bind(account.to_string())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(not_bound());
    }
    if let Some(g) = &ident.grant_id {
        sqlx::query("DELETE FROM grants WHERE id = $1")
            .bind(g)
            .execute(&mut **tx)
            .await?;
    }
    let day = engine::today(now);
    if let Some(id) = ident
        .membership_id
        .as_deref()
        .and_then(|s| Uuid::parse_str(s).ok())
    {
        if let Some(rec) = engine::get_record(tx, id).await? {
            if let Ok(mut m) = serde_json::from_value::<MembershipBody>(rec.record.body.clone()) {
                if m.ended_on.is_none() {
                    let note = format!("解除绑定{}{}", ident.kind.number_label(), ident.number);
                    wf::end_membership(&mut m, &day, "withdrawn", Some(note));
                    let body = serde_json::to_value(&m)
                        .map_err(|e| ApiError::internal(format!("json: {e}")))?;
                    let row = ServerRow {
                        id: rec.record.id,
                        kind: rec.record.kind,
                        node_id: rec.record.node_id,
                        node_path: rec.node_path.clone(),
                        owner_id: rec.record.owner_id,
                        body,
                        audience: rec.audience.clone(),
                    };
                    write_server_rows(tx, backend, vec![row], actor, now).await?;
                }
            }
        }
    }
    if let Some(id) = ident
        .roster_id
        .as_deref()
        .and_then(|s| Uuid::parse_str(s).ok())
    {
        if let Some(rec) = engine::get_record(tx, id).await? {
            if !rec.record.deleted {
                engine::tombstone(tx, backend, &rec, actor, now).await?;
            }
        }
    }
    Ok(())
}

/// The request's signed-in caller, if it names one that is valid; nobody otherwise.
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if !parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            return Ok(MaybeUser(None));
        }
        Ok(MaybeUser(
            AuthUser::from_request_parts(parts, state).await.ok(),
        ))
    }
}

// ---------------------------------------------------------------- handlers

/// The institutions whose staff and students log in with their numbers.
#[utoipa::path(get, path = "/api/v1/institutions", tag = "institutions",
    description = "Role: public.",
    responses((status = 200, body = Vec<InstitutionView>)))]
pub async fn list(State(st): State<AppState>) -> Result<Json<Vec<InstitutionView>>> {
    let rows = sqlx::query("SELECT DISTINCT institution_id FROM institution_identities")
        .fetch_all(&st.db.pool)
        .await?;
    let mut conn = st.db.pool.acquire().await?;
    let mut out = Vec::new();
    for row in &rows {
        let id = parse_uuid(&row.try_get::<String, _>(0)?)?;
        if let Some(n) = engine::node(&mut conn, id).await? {
            if n.body.kind == NodeKind::Institution {
                out.push(InstitutionView {
                    id,
                    name: n.body.name,
                });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
}

/// 在校师生 log in with 工号/学号 and password. Bound: a login. Unbound: a binding ticket.
#[utoipa::path(post, path = "/api/v1/institutions/login", tag = "institutions", request_body = InstitutionLoginRequest,
    description = "Role: public. A wrong password or an unknown number is `InstitutionLoginFailed`; ten failures in a row lock the number for 15 minutes (`InstitutionLocked`); a retired number is `InstitutionNumberRetired`. An unbound number answers `needs_binding` with a ticket good for ten minutes.",
    responses((status = 200, body = InstitutionLoginResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody), (status = 423, body = huiji_domain::wire::ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<InstitutionLoginRequest>,
) -> Result<Json<InstitutionLoginResponse>> {
    check_institution_number(&req.number)?;
    if req.password.is_empty() {
        return Err(PASSWORD_REQUIRED.into());
    }
    let inst = institution(&st, req.institution_id).await?;
    let ident = check_password(&st, inst.id, &req.number, &req.password).await?;
    if ident.status != "active" {
        return Err(retired());
    }
    let mut out = InstitutionLoginResponse {
        needs_binding: false,
        token: None,
        expires_at: None,
        account: None,
        ticket: None,
        ticket_expires_at: None,
        name_masked: mask_name(&ident.real_name),
        kind: ident.kind,
        number: ident.number.clone(),
        institution_id: inst.id,
        institution_name: inst.body.name.clone(),
    };
    match ident.account_id {
        Some(account_id) => {
            let acc = accounts::get(&st, account_id).await?;
            check_usable(&st, &acc)?;
            let login = issue_token(&st, &acc).await?;
            out.token = Some(login.token);
            out.expires_at = Some(login.expires_at);
            out.account = Some(login.account);
        }
        None => {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let ticket = format!("hjb_{}", hex::encode(bytes));
            let now = st.now();
            sqlx::query("INSERT INTO institution_tickets (ticket_hash, identity_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(ticket_hash(&ticket))
                .bind(ident.id.to_string())
                .bind(now)
                .bind(now + TICKET_TTL_MS)
                .execute(&st.db.writer)
                .await?;
            out.needs_binding = true;
            out.ticket = Some(ticket);
            out.ticket_expires_at = Some(now + TICKET_TTL_MS);
        }
    }
    Ok(Json(out))
}

/// Binds the ticket's number to a phone of the person's own (SMS code, purpose login),
/// making the account when the phone is new, and logs in.
#[utoipa::path(post, path = "/api/v1/institutions/bind", tag = "institutions", request_body = InstitutionBindRequest,
    description = "Role: public (with a binding ticket). Refuses a phone bound to another number of the institution (`PhoneBoundToOtherNumber`), a number bound meanwhile (`NumberAlreadyBound`) and a phone registered in someone else's name (`PhoneNotOwn`). Grants Member at the institution.",
    responses((status = 200, body = huiji_domain::wire::LoginResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn bind(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<InstitutionBindRequest>,
) -> Result<Json<huiji_domain::wire::LoginResponse>> {
    let hash = ticket_hash(req.ticket.trim());
    let row = sqlx::query(
        "SELECT identity_id, expires_at, used_at FROM institution_tickets WHERE ticket_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&st.db.pool)
    .await?
    .ok_or_else(ticket_invalid)?;
    let identity_id = parse_uuid(&row.try_get::<String, _>(0)?)?;
    let expires_at: i64 = row.try_get(1)?;
    let used_at: Option<i64> = row.try_get(2)?;
    if used_at.is_some() {
        return Err(ticket_used());
    }
    if expires_at <= st.now() {
        return Err(ticket_expired());
    }
    let phone = validate_phone(&req.phone)?;
    let phone = phone.as_str();
    let mut conn = st.db.pool.acquire().await?;
    let ident = identity_where(&mut conn, "id = $1", &[identity_id.to_string()])
        .await?
        .ok_or_else(ticket_invalid)?;
    let inst = engine::node(&mut conn, ident.institution_id)
        .await?
        .ok_or_else(institution_not_found)?;
    drop(conn);
    if ident.status != "active" {
        return Err(retired());
    }
    if ident.account_id.is_some() {
        return Err(number_bound());
    }
    let existing = accounts::find_by(&st, "phone", phone).await?;
    if let Some(acc) = &existing {
        check_usable(&st, acc)?;
    }
    // The code proves the phone is the person's; only then are its bindings told.
    check_sms_code(&st, phone, SmsPurpose::Login, &req.sms_code).await?;
    if let Some(acc) = &existing {
        if acc.kind != "person" {
            return Err(phone_not_own());
        }
        if acc
            .real_name
            .as_deref()
            .is_some_and(|n| n.trim() != ident.real_name.trim())
        {
            return Err(phone_not_own());
        }
    }
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let account_id = match &existing {
        Some(acc) => {
            // A phone registered by SMS without its profile takes the number's name.
            sqlx::query("UPDATE accounts SET real_name = $1 WHERE id = $2 AND real_name IS NULL")
                .bind(&ident.real_name)
                .bind(acc.id.to_string())
                .execute(&mut *tx)
                .await?;
            acc.id
        }
        None => {
            let id = Uuid::now_v7();
            sqlx::query("INSERT INTO accounts (id, kind, phone, real_name, status, created_at) VALUES ($1, 'person', $2, $3, 'active', $4)")
                .bind(id.to_string())
                .bind(phone)
                .bind(&ident.real_name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    let used = sqlx::query(
        "UPDATE institution_tickets SET used_at = $1 WHERE ticket_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(ticket_used());
    }
    attach(&mut tx, st.db.backend, &ident, account_id, &inst, now).await?;
    tx.commit().await?;
    tracing::info!(institution = %inst.id, kind = ident.kind.as_str(), "institution number bound");
    let acc = accounts::get(&st, account_id).await?;
    Ok(Json(issue_token(&st, &acc).await?))
}

/// Undoes a binding: by number and password (no login needed; retired numbers too), or
/// the signed-in caller's own binding at the institution.
#[utoipa::path(post, path = "/api/v1/institutions/unbind", tag = "institutions", request_body = InstitutionUnbindRequest,
    description = "Role: public with number and password; or any signed-in person for their own binding (number and password left out). Removes the member grant the binding gave; the person may then bind a new number.",
    security((), ("bearer" = [])),
    responses((status = 200, body = InstitutionUnbindResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody), (status = 423, body = huiji_domain::wire::ErrorBody)))]
pub async fn unbind(
    State(st): State<AppState>,
    MaybeUser(user): MaybeUser,
    ApiJson(req): ApiJson<InstitutionUnbindRequest>,
) -> Result<Json<InstitutionUnbindResponse>> {
    let by_password = req.number.is_some() || req.password.is_some();
    let ident = if by_password {
        let number = req.number.as_deref().unwrap_or_default();
        check_institution_number(number)?;
        let password = req.password.as_deref().unwrap_or_default();
        if password.is_empty() {
            return Err(PASSWORD_REQUIRED.into());
        }
        let inst = institution(&st, req.institution_id).await?;
        check_password(&st, inst.id, number, password).await?
    } else {
        let user = user.as_ref().ok_or_else(ApiError::unauthorized)?;
        let mut conn = st.db.pool.acquire().await?;
        identity_where(
            &mut conn,
            "institution_id = $1 AND account_id = $2",
            &[req.institution_id.to_string(), user.id().to_string()],
        )
        .await?
        .ok_or_else(|| {
            client(
                StatusCode::NOT_FOUND,
                "NoBinding",
                "您在该学校没有绑定的工号/学号",
            )
        })?
    };
    let mut conn = st.db.pool.acquire().await?;
    let inst = engine::node(&mut conn, ident.institution_id)
        .await?
        .ok_or_else(institution_not_found)?;
    drop(conn);
    let actor = user.as_ref().map(AuthUser::id);
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    detach(&mut tx, st.db.backend, &ident, actor, now).await?;
    tx.commit().await?;
    tracing::info!(institution = %inst.id, kind = ident.kind.as_str(), "institution number unbound");
    let account = match (actor, ident.account_id) {
        (Some(me), Some(bound)) if me == bound => {
            let acc: AccountRow = accounts::get(&st, me).await?;
            Some(accounts::view(&st, &acc).await?)
        }
        _ => None,
    };
    Ok(Json(InstitutionUnbindResponse {
        institution_id: inst.id,
        institution_name: inst.body.name,
        number: ident.number,
        kind: ident.kind,
        account,
    }))
}

/// The caller's bound numbers.
#[utoipa::path(get, path = "/api/v1/institutions/bindings", tag = "institutions",
    description = "Role: any signed-in account.",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<InstitutionBindingView>), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn my_bindings(
    State(st): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<InstitutionBindingView>>> {
    let rows = sqlx::query(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM institution_identities WHERE account_id = $1 ORDER BY bound_at"
    ))
    .bind(user.id().to_string())
    .fetch_all(&st.db.pool)
    .await?;
    let mut conn = st.db.pool.acquire().await?;
    let mut out = Vec::new();
    for row in &rows {
        let ident = identity_from_row(row)?;
        let name = engine::node(&mut conn, ident.institution_id)
            .await?
            .map(|n| n.body.name)
            .unwrap_or_default();
        out.push(InstitutionBindingView {
            institution_id: ident.institution_id,
            institution_name: name,
            number: ident.number,
            kind: ident.kind,
            real_name: ident.real_name,
            bound_at: ident.bound_at.unwrap_or_default(),
            status: ident.status,
        });
    }
    Ok(Json(out))
}

// ---------------------------------------------------------------- demo data

/// One number on file (the demo's, or an import's): `password` is hashed here.
#[allow(clippy::too_many_arguments)]
pub async fn insert_identity(
    tx: &mut Transaction<'_, Any>,
    institution_id: Uuid,
    number: &str,
    kind: IdentityKind,
    real_name: &str,
    password_hash: &str,
    status: &str,
    now: i64,
) -> Result<Identity> {
    let number = check_institution_number(number)?;
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO institution_identities (id, institution_id, number, kind, real_name, password_hash, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(institution_id.to_string())
        .bind(&number)
        .bind(kind.as_str())
        .bind(real_name)
        .bind(password_hash)
        .bind(status)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    identity_where(tx, "id = $1", &[id.to_string()])
        .await?
        .ok_or_else(|| ApiError::internal("identity vanished".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_kept_hashed() {
        let h = ticket_hash("hjb_abc");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("abc"));
        assert_ne!(h, ticket_hash("hjb_abd"));
    }
}
