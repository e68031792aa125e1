//! Organisations (seed 001): registration without an account, the public status
//! look-up, the associations one can register with, and the profile an organisation
//! completes after its first login.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::mask::{mask_name, mask_phone};
use huiji_domain::org::NodeKind;
use huiji_domain::sync::OrgNodeBody;
use huiji_domain::validate::{validate_credit_code, validate_password, validate_phone};
use huiji_domain::wire::{AccountView, OrgRegisterRequest, OrgRegisterStatus};
use huiji_domain::workflow::{
    self as wf, validate_org_profile, Action, OrgProfile, OrgRegistrationForm, Person, RequestBody,
    RequestKind, RequestState,
};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

use crate::auth::{hash_password, parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ApiQuery};
use crate::records::{lock_seq, write_server_rows};
use crate::state::AppState;
use crate::workflow as engine;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org-registrations", post(register))
        .route("/api/v1/org-registrations/status", get(status))
        .route("/api/v1/org-registrations/associations", get(associations))
        .route("/api/v1/org/profile", get(get_profile).put(put_profile))
}

fn already_registered() -> ApiError {
    ApiError::client(
        StatusCode::CONFLICT,
        "OrgAlreadyRegistered",
        "该单位已经注册过，请使用统一社会信用代码登录",
    )
}

fn not_found() -> ApiError {
    ApiError::client(StatusCode::NOT_FOUND, "OrgNotFound", "未查询到注册信息")
}

/// An association one can register with, and the member levels it offers (用户类型).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssociationView {
    pub id: Uuid,
    pub name: String,
    pub levels: Vec<String>,
}

/// The associations (for the registration form).
#[utoipa::path(get, path = "/api/v1/org-registrations/associations", tag = "orgs",
    description = "Role: public.",
    responses((status = 200, body = Vec<AssociationView>)))]
pub async fn associations(State(st): State<AppState>) -> Result<Json<Vec<AssociationView>>> {
    let rows = sqlx::query(
        "SELECT id, body FROM records WHERE kind = 'org_node' AND deleted = 0 ORDER BY node_path",
    )
    .fetch_all(&st.db.pool)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let Ok(body) = serde_json::from_str::<OrgNodeBody>(&row.try_get::<String, _>(1)?) else {
            continue;
        };
        if body.kind == NodeKind::Association && !body.levels.is_empty() {
            out.push(AssociationView {
                id: parse_uuid(&row.try_get::<String, _>(0)?)?,
                name: body.name,
                levels: body.levels,
            });
        }
    }
    Ok(Json(out))
}

/// An organisation registers with an association (seed 001 §2.1): the account is made
/// in review, with a request for the association's secretariat, in one transaction.
#[utoipa::path(post, path = "/api/v1/org-registrations", tag = "orgs", request_body = OrgRegisterRequest,
    description = "Role: public. A unit name or credit code registered before gives 409 `OrgAlreadyRegistered`.",
    responses((status = 201, body = OrgRegisterStatus), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn register(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<OrgRegisterRequest>,
) -> Result<(StatusCode, Json<OrgRegisterStatus>)> {
    let mut conn = st.db.pool.acquire().await?;
    let assoc = engine::node(&mut conn, req.association_id)
        .await?
        .filter(|n| n.body.kind == NodeKind::Association)
        .ok_or_else(|| ApiError::not_found("协会"))?;
    let form =
        serde_json::to_value(&req.form).map_err(|e| ApiError::internal(format!("json: {e}")))?;
    let f = wf::parse_org_registration(&form, &assoc.body.levels)?;
    validate_password(&req.password)?;
    if !req.agreed {
        return Err(wf::NOT_AGREED.into());
    }
    // Stored as checked: the credit code in capitals, phones as digits.
    let f = OrgRegistrationForm {
        unit_name: f.unit_name.trim().to_owned(),
        credit_code: validate_credit_code(&f.credit_code)?.as_str().to_owned(),
        legal_rep: f.legal_rep.trim().to_owned(),
        legal_phone: validate_phone(&f.legal_phone)?.as_str().to_owned(),
        contact: f.contact.trim().to_owned(),
        contact_phone: validate_phone(&f.contact_phone)?.as_str().to_owned(),
        user_type: f.user_type,
    };
    drop(conn);
    let hash = hash_password(&req.password)?;
    let now = st.now();
    let form = serde_json::to_value(&f).map_err(|e| ApiError::internal(format!("json: {e}")))?;
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    // A name or code registered before is refused, unless it is this organisation
    // trying again after a rejection, or answering a send-back (it cannot log in to
    // resubmit while in review).
    let prior = sqlx::query(
        "SELECT a.id, a.status, a.credit_code, r.request_id FROM accounts a \
         LEFT JOIN org_registrations r ON r.account_id = a.id \
         WHERE a.credit_code = $1 OR a.org_name = $2",
    )
    .bind(&f.credit_code)
    .bind(&f.unit_name)
    .fetch_all(&mut *tx)
    .await?;
    let plan = match prior.as_slice() {
        [] => Plan::New,
        [row] => {
            let id = parse_uuid(&row.try_get::<String, _>(0)?)?;
            let status: String = row.try_get(1)?;
            let cc: Option<String> = row.try_get(2)?;
            let rid: Option<String> = row.try_get(3)?;
            let rec = match rid {
                Some(r) => engine::get_record(&mut tx, parse_uuid(&r)?).await?,
                None => None,
            };
            let body = rec
                .as_ref()
                .and_then(|r| serde_json::from_value::<RequestBody>(r.record.body.clone()).ok());
            let same = cc.as_deref() == Some(f.credit_code.as_str());
            match (rec, body) {
                _ if same && status == "rejected" => Plan::Again(id),
                (Some(rec), Some(body))
                    if same
                        && status == "pending"
                        && body.state == RequestState::Returned
                        && rec.record.node_id == assoc.id =>
                {
                    Plan::Resubmit(id, rec.record.id, Box::new(body))
                }
                _ => return Err(already_registered()),
            }
        }
        _ => return Err(already_registered()),
    };
    let (account_id, request_id) = match &plan {
        Plan::New => (Uuid::now_v7(), Uuid::now_v7()),
        Plan::Again(a) => (*a, Uuid::now_v7()),
        Plan::Resubmit(a, r, _) => (*a, *r),
    };
    let applicant = Person {
        id: account_id,
        name: f.unit_name.clone(),
    };
    let (outcome, action) = match &plan {
        Plan::Resubmit(_, _, body) => {
            let resubmit = Action::Resubmit {
                form: form.clone(),
                attachments: Vec::new(),
            };
            (wf::apply(body, &applicant, &resubmit, now)?, "resubmit")
        }
        Plan::New | Plan::Again(_) => {
            let steps = engine::kind_steps(
                &mut tx,
                account_id,
                RequestKind::OrgRegistration,
                &assoc,
                None,
                None,
            )
            .await?;
            let outcome = wf::submit(
                RequestKind::OrgRegistration,
                format!(
                    "{} · {}",
                    RequestKind::OrgRegistration.label_zh(),
                    assoc.body.name
                ),
                applicant.clone(),
                (assoc.id, assoc.body.name.clone()),
                form.clone(),
                Vec::new(),
                steps,
                false,
                now,
            )?;
            (outcome, "submit")
        }
    };
    let notes = engine::notices(&outcome, action, &applicant);
    if let Plan::New = plan {
        let inserted = sqlx::query("INSERT INTO accounts (id, kind, credit_code, org_name, password_hash, status, created_at) VALUES ($1, 'organisation', $2, $3, $4, 'pending', $5)")
            .bind(account_id.to_string())
            .bind(&f.credit_code)
            .bind(&f.unit_name)
            .bind(&hash)
            .bind(now)
            .execute(&mut *tx)
            .await;
        if let Err(e) = inserted {
            if let sqlx::Error::Database(db) = &e {
                if db.is_unique_violation() {
                    return Err(already_registered());
                }
            }
            return Err(e.into());
        }
        sqlx::query("INSERT INTO org_registrations (account_id, request_id, association_id, unit_name, credit_code, legal_phone, contact, contact_phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(account_id.to_string())
            .bind(request_id.to_string())
            .bind(assoc.id.to_string())
            .bind(&f.unit_name)
            .bind(&f.credit_code)
            .bind(&f.legal_phone)
            .bind(&f.contact)
            .bind(&f.contact_phone)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE accounts SET org_name = $1, password_hash = $2, status = 'pending', failed_logins = 0, locked_until = 0 WHERE id = $3")
            .bind(&f.unit_name)
            .bind(&hash)
            .bind(account_id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE org_registrations SET request_id = $1, association_id = $2, unit_name = $3, legal_phone = $4, contact = $5, contact_phone = $6, created_at = $7 WHERE account_id = $8")
            .bind(request_id.to_string())
            .bind(assoc.id.to_string())
            .bind(&f.unit_name)
            .bind(&f.legal_phone)
            .bind(&f.contact)
            .bind(&f.contact_phone)
            .bind(now)
            .bind(account_id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    let mut rows = vec![engine::request_row(request_id, &assoc, &outcome.body)?];
    rows.extend(engine::notice_rows(&notes, request_id, &assoc, now)?);
    write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
    tx.commit().await?;
    engine::spawn_sms(&st, notes);
    Ok((
        StatusCode::CREATED,
        Json(status_view(
            &f.unit_name,
            &f.credit_code,
            &assoc.body.name,
            &f.contact,
            &f.contact_phone,
            &outcome.body,
        )),
    ))
}

/// What a registration does with what is stored under its name and code.
enum Plan {
    New,
    /// Rejected before: the same account, a new request.
    Again(Uuid),
    /// Sent back: the same request, resubmitted with the new form.
    Resubmit(Uuid, Uuid, Box<RequestBody>),
}

fn status_view(
    unit_name: &str,
    credit_code: &str,
    association: &str,
    contact: &str,
    contact_phone: &str,
    body: &RequestBody,
) -> OrgRegisterStatus {
    OrgRegisterStatus {
        unit_name: unit_name.to_owned(),
        credit_code: credit_code.to_owned(),
        association_name: association.to_owned(),
        contact_masked: format!("{} {}", mask_name(contact), mask_phone(contact_phone)),
        state: body.state,
        state_label: body.state.label_zh().to_owned(),
        reason: body.reason.clone(),
        submitted_at: body.submitted_at.unwrap_or_default(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// The unified social credit code, or the legal representative's or contact's phone.
    pub q: String,
}

/// Where a registration stands, by credit code or phone, without logging in.
#[utoipa::path(get, path = "/api/v1/org-registrations/status", tag = "orgs", params(StatusQuery),
    description = "Role: public. Unknown: 404 `OrgNotFound`.",
    responses((status = 200, body = OrgRegisterStatus), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn status(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> Result<Json<OrgRegisterStatus>> {
    let q = q.q.trim();
    let cols = "SELECT request_id, association_id, unit_name, credit_code, contact, contact_phone FROM org_registrations";
    let row = if let Ok(cc) = validate_credit_code(q) {
        sqlx::query(&format!(
            "{cols} WHERE credit_code = $1 ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(cc.as_str().to_owned())
        .fetch_optional(&st.db.pool)
        .await?
    } else if let Ok(phone) = validate_phone(q) {
        sqlx::query(&format!(
            "{cols} WHERE contact_phone = $1 OR legal_phone = $1 ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(phone.as_str().to_owned())
        .fetch_optional(&st.db.pool)
        .await?
    } else {
        None
    };
    let row = row.ok_or_else(not_found)?;
    let request_id = parse_uuid(&row.try_get::<String, _>(0)?)?;
    let assoc_id = parse_uuid(&row.try_get::<String, _>(1)?)?;
    let mut conn = st.db.pool.acquire().await?;
    let rec = engine::get_record(&mut conn, request_id)
        .await?
        .ok_or_else(not_found)?;
    let body: RequestBody = serde_json::from_value(rec.record.body)
        .map_err(|e| ApiError::internal(format!("bad request body: {e}")))?;
    let assoc = engine::node(&mut conn, assoc_id)
        .await?
        .map(|n| n.body.name)
        .unwrap_or_default();
    let unit_name: String = row.try_get(2)?;
    let credit_code: String = row.try_get(3)?;
    let contact: String = row.try_get(4)?;
    let contact_phone: String = row.try_get(5)?;
    Ok(Json(status_view(
        &unit_name,
        &credit_code,
        &assoc,
        &contact,
        &contact_phone,
        &body,
    )))
}

async fn require_org(st: &AppState, user: &AuthUser) -> Result<crate::accounts::AccountRow> {
    let acc = crate::accounts::get(st, user.id()).await?;
    if acc.kind != "organisation" {
        return Err(ApiError::bad_request(
            "NotAnOrganisation",
            "只有单位账号需要填写单位信息",
        ));
    }
    Ok(acc)
}

/// The organisation's profile (单位信息, seed 001 §2.2.2).
#[utoipa::path(get, path = "/api/v1/org/profile", tag = "orgs",
    description = "Role: an organisation account (its own profile). 404 until it is completed.",
    security(("bearer" = [])), responses((status = 200, body = OrgProfile), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn get_profile(State(st): State<AppState>, user: AuthUser) -> Result<Json<OrgProfile>> {
    require_org(&st, &user).await?;
    let row = sqlx::query("SELECT body FROM org_profiles WHERE account_id = $1")
        .bind(user.id().to_string())
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| ApiError::not_found("单位信息"))?;
    let p: OrgProfile = serde_json::from_str(&row.try_get::<String, _>(0)?)
        .map_err(|e| ApiError::internal(format!("bad profile: {e}")))?;
    Ok(Json(p))
}

/// Complete or change the organisation's profile; the first thing an organisation does
/// after its registration is approved (`needs_profile` until then).
#[utoipa::path(put, path = "/api/v1/org/profile", tag = "orgs", request_body = OrgProfile,
    description = "Role: an organisation account (its own profile).",
    security(("bearer" = [])), responses((status = 200, body = AccountView), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn put_profile(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(p): ApiJson<OrgProfile>,
) -> Result<Json<AccountView>> {
    let acc = require_org(&st, &user).await?;
    validate_org_profile(&p)?;
    let body = serde_json::to_string(&p).map_err(|e| ApiError::internal(format!("json: {e}")))?;
    sqlx::query(
        "INSERT INTO org_profiles (account_id, body, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(acc.id.to_string())
    .bind(body)
    .bind(st.now())
    .execute(&st.db.writer)
    .await?;
    Ok(Json(crate::accounts::view(&st, &acc).await?))
}
