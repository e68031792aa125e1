//! Sign-in: phone + SMS code (which also registers), password, organisation credit code;
//! sign-out of one device or all; the caller's profile.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use huiji_domain::validate::{
    validate_credit_code, validate_id_number, validate_name, validate_password, validate_phone,
};
use huiji_domain::wire::{
    AccountView, LoginResponse, OrgLoginRequest, PasswordLoginRequest, ProfileRequest,
    SetPasswordRequest, SmsLoginRequest, SmsPurpose, SmsSendRequest, SmsSendResponse,
};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{self, AccountRow};
use crate::auth::{hash_password, new_token, verify_password, AuthUser};
use crate::error::{ApiError, Result};
use crate::extract::ApiJson;
use crate::state::AppState;
use huiji_domain::time::today_cst as today;

pub const SMS_TTL_MS: i64 = 5 * 60 * 1000;
pub const SMS_MAX_TRIES: i64 = 5;
pub const SMS_MIN_INTERVAL_MS: i64 = 60 * 1000;
pub const SMS_DAILY_LIMIT: i64 = 10;
pub const MAX_FAILED_LOGINS: i64 = 10;
pub const LOCK_MS: i64 = 15 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/sms/send", post(sms_send))
        .route("/api/v1/auth/sms/login", post(sms_login))
        .route("/api/v1/auth/password/login", post(password_login))
        .route("/api/v1/auth/org/login", post(org_login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/logout-all", post(logout_all))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/profile", put(set_profile))
        .route("/api/v1/me/password", put(set_password))
}

fn code_hash(phone: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{phone}:{code}").as_bytes()))
}

fn purpose_str(p: SmsPurpose) -> &'static str {
    match p {
        SmsPurpose::Login => "login",
        SmsPurpose::Verify => "verify",
    }
}

/// Send a 6-digit code. Public. One a minute and ten a day per phone.
#[utoipa::path(post, path = "/api/v1/auth/sms/send", tag = "auth", request_body = SmsSendRequest,
    description = "Role: public.",
    responses((status = 200, body = SmsSendResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 429, body = huiji_domain::wire::ErrorBody)))]
pub async fn sms_send(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<SmsSendRequest>,
) -> Result<Json<SmsSendResponse>> {
    let phone = validate_phone(&req.phone)?;
    let code = send_code(&st, phone.as_str(), req.purpose).await?;
    Ok(Json(SmsSendResponse {
        sent: true,
        retry_after_secs: (SMS_MIN_INTERVAL_MS / 1000) as u32,
        dev_code: st.config.dev.then_some(code),
    }))
}

/// Makes, stores (hashed) and sends a code under the phone's limits; returns the code.
pub async fn send_code(st: &AppState, phone: &str, purpose: SmsPurpose) -> Result<String> {
    let now = st.now();
    let recent = sqlx::query("SELECT created_at FROM sms_codes WHERE phone = $1 AND created_at > $2 ORDER BY created_at DESC")
        .bind(phone)
        .bind(now - 24 * 3600 * 1000)
        .fetch_all(&st.db.writer)
        .await?;
    if let Some(last) = recent.first() {
        let last: i64 = last.try_get(0)?;
        if now - last < SMS_MIN_INTERVAL_MS {
            let wait = ((SMS_MIN_INTERVAL_MS - (now - last)) / 1000).max(1);
            return Err(ApiError::client(
                StatusCode::TOO_MANY_REQUESTS,
                "SmsTooFrequent",
                format!("验证码发送过于频繁，请{wait}秒后再试"),
            ));
        }
    }
    if recent.len() as i64 >= SMS_DAILY_LIMIT {
        return Err(ApiError::client(
            StatusCode::TOO_MANY_REQUESTS,
            "SmsDailyLimit",
            "该手机号今日获取验证码次数已达上限",
        ));
    }
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let code_id = Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO sms_codes (id, phone, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&code_id)
        .bind(phone)
        .bind(purpose_str(purpose))
        .bind(code_hash(phone, &code))
        .bind(now)
        .bind(now + SMS_TTL_MS)
        .execute(&st.db.writer)
        .await?;
    let sent = st
        .sms
        .send(
            phone,
            &format!("【会籍】您的验证码是{code}，5分钟内有效。如非本人操作，请忽略。"),
        )
        .await;
    if let Err(e) = sent {
        // A code that never left does not count against the phone's limits.
        sqlx::query("DELETE FROM sms_codes WHERE id = $1")
            .bind(&code_id)
            .execute(&st.db.writer)
            .await?;
        tracing::error!(error = %e, "SMS provider failed");
        return Err(ApiError::client(
            StatusCode::SERVICE_UNAVAILABLE,
            "SmsUnavailable",
            "短信发送失败，请稍后再试",
        ));
    }
    Ok(code)
}

/// Checks and consumes the newest code for the phone.
pub async fn check_sms_code(
    st: &AppState,
    phone: &str,
    purpose: SmsPurpose,
    code: &str,
) -> Result<()> {
    let now = st.now();
    let row = sqlx::query("SELECT id, code_hash, expires_at, attempts, used_at FROM sms_codes WHERE phone = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1")
        .bind(phone)
        .bind(purpose_str(purpose))
        .fetch_optional(&st.db.writer)
        .await?;
    let Some(row) = row else {
        return Err(ApiError::bad_request(
            "SmsCodeNotRequested",
            "请先获取短信验证码",
        ));
    };
    let id: String = row.try_get(0)?;
    let hash: String = row.try_get(1)?;
    let expires_at: i64 = row.try_get(2)?;
    let attempts: i64 = row.try_get(3)?;
    let used_at: Option<i64> = row.try_get(4)?;
    if used_at.is_some() || expires_at <= now {
        return Err(ApiError::bad_request(
            "SmsCodeExpired",
            "验证码已失效，请重新获取",
        ));
    }
    if attempts >= SMS_MAX_TRIES {
        return Err(ApiError::bad_request(
            "SmsCodeTooManyAttempts",
            "验证码错误次数过多，请重新获取",
        ));
    }
    if hash != code_hash(phone, code.trim()) {
        sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1")
            .bind(&id)
            .execute(&st.db.writer)
            .await?;
        let left = SMS_MAX_TRIES - attempts - 1;
        return Err(ApiError::client(
            StatusCode::UNAUTHORIZED,
            "SmsCodeWrong",
            format!("验证码不正确，还可尝试{left}次"),
        ));
    }
    sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&id)
        .execute(&st.db.writer)
        .await?;
    Ok(())
}

pub(crate) async fn issue_token(st: &AppState, account: &AccountRow) -> Result<LoginResponse> {
    let (token, hash) = new_token();
    let now = st.now();
    let expires_at = now + st.config.token_ttl_hours * 3600 * 1000;
    sqlx::query("INSERT INTO tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash)
        .bind(account.id.to_string())
        .bind(now)
        .bind(expires_at)
        .execute(&st.db.writer)
        .await?;
    sqlx::query("UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = $1")
        .bind(account.id.to_string())
        .execute(&st.db.writer)
        .await?;
    Ok(LoginResponse {
        token,
        expires_at,
        account: accounts::view(st, account).await?,
    })
}

/// Log in with phone + SMS code; a phone seen for the first time registers an account.
#[utoipa::path(post, path = "/api/v1/auth/sms/login", tag = "auth", request_body = SmsLoginRequest,
    description = "Role: public. Registers the phone on first use; `needs_profile` then asks for real name and ID number.",
    responses((status = 200, body = LoginResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn sms_login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<SmsLoginRequest>,
) -> Result<Json<LoginResponse>> {
    let phone = validate_phone(&req.phone)?;
    let phone = phone.as_str();
    let existing = accounts::find_by(&st, "phone", phone).await?;
    if let Some(acc) = &existing {
        check_usable(&st, acc)?;
    }
    check_sms_code(&st, phone, SmsPurpose::Login, &req.code).await?;
    if let Some(acc) = &existing {
        // Registered at a checkpoint while offline: this code confirms the phone.
        sqlx::query("UPDATE assisted_registrations SET verified_at = $1 WHERE account_id = $2 AND verified_at IS NULL")
            .bind(st.now())
            .bind(acc.id.to_string())
            .execute(&st.db.writer)
            .await?;
    }
    let account = match existing {
        Some(a) => a,
        None => {
            let id = Uuid::now_v7();
            sqlx::query("INSERT INTO accounts (id, kind, phone, status, created_at) VALUES ($1, 'person', $2, 'active', $3)")
                .bind(id.to_string())
                .bind(phone)
                .bind(st.now())
                .execute(&st.db.writer)
                .await?;
            accounts::get(&st, id).await?
        }
    };
    Ok(Json(issue_token(&st, &account).await?))
}

pub(crate) fn check_usable(st: &AppState, acc: &AccountRow) -> Result<()> {
    if acc.locked_until > st.now() {
        let mins = ((acc.locked_until - st.now()) / 60_000).max(1);
        return Err(ApiError::client(
            StatusCode::LOCKED,
            "AccountLocked",
            format!("登录失败次数过多，账号已锁定，请{mins}分钟后再试"),
        ));
    }
    match acc.status.as_str() {
        "active" => Ok(()),
        "pending" => Err(ApiError::client(
            StatusCode::FORBIDDEN,
            "AccountPendingReview",
            "账号正在审核中，请联系秘书处尽快审核",
        )),
        "rejected" => Err(ApiError::client(
            StatusCode::FORBIDDEN,
            "AccountRejected",
            "注册申请未通过审核",
        )),
        _ => Err(ApiError::client(
            StatusCode::FORBIDDEN,
            "AccountDisabled",
            "账号已停用",
        )),
    }
}

async fn password_check(
    st: &AppState,
    acc: Option<AccountRow>,
    password: &str,
    failure: ApiError,
) -> Result<Json<LoginResponse>> {
    let Some(acc) = acc else {
        // Hash anyway so a missing account answers as slowly as a wrong password.
        let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7LnrSc1nZYB8ZnUcMTR8ZPpSQgEr5wZUBLnQeGy8lDQ");
        return Err(failure);
    };
    check_usable(st, &acc)?;
    let ok = acc
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(password, h));
    if !ok {
        let failed = acc.failed_logins + 1;
        let (failed, locked_until) = if failed >= MAX_FAILED_LOGINS {
            (0, st.now() + LOCK_MS)
        } else {
            (failed, 0)
        };
        sqlx::query("UPDATE accounts SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(failed)
            .bind(locked_until)
            .bind(acc.id.to_string())
            .execute(&st.db.writer)
            .await?;
        return Err(failure);
    }
    Ok(Json(issue_token(st, &acc).await?))
}

/// Log in with phone + password.
#[utoipa::path(post, path = "/api/v1/auth/password/login", tag = "auth", request_body = PasswordLoginRequest,
    description = "Role: public. Ten failures lock the account for 15 minutes.",
    responses((status = 200, body = LoginResponse), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 423, body = huiji_domain::wire::ErrorBody)))]
pub async fn password_login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<PasswordLoginRequest>,
) -> Result<Json<LoginResponse>> {
    let phone = validate_phone(&req.phone)?;
    let acc = accounts::find_by(&st, "phone", phone.as_str()).await?;
    let failure = ApiError::client(StatusCode::UNAUTHORIZED, "LoginFailed", "手机号或密码错误");
    password_check(&st, acc, &req.password, failure).await
}

/// Organisations log in with their unified social credit code and password.
#[utoipa::path(post, path = "/api/v1/auth/org/login", tag = "auth", request_body = OrgLoginRequest,
    description = "Role: public.",
    responses((status = 200, body = LoginResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn org_login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<OrgLoginRequest>,
) -> Result<Json<LoginResponse>> {
    let code = validate_credit_code(&req.credit_code)?;
    let acc = accounts::find_by(&st, "credit_code", code.as_str()).await?;
    let failure = ApiError::client(
        StatusCode::UNAUTHORIZED,
        "LoginFailed",
        "统一社会信用代码或密码错误",
    );
    password_check(&st, acc, &req.password, failure).await
}

/// Revoke the token of this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", description = "Role: any signed-in account.",
    security(("bearer" = [])), responses((status = 204), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn logout(State(st): State<AppState>, user: AuthUser) -> Result<StatusCode> {
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2")
        .bind(st.now())
        .bind(&user.token_hash)
        .execute(&st.db.writer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke every token of the caller's account.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", description = "Role: any signed-in account.",
    security(("bearer" = [])), responses((status = 204), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn logout_all(State(st): State<AppState>, user: AuthUser) -> Result<StatusCode> {
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
        .bind(st.now())
        .bind(user.id().to_string())
        .execute(&st.db.writer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's account, masked, with its grants.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", description = "Role: any signed-in account.",
    security(("bearer" = [])), responses((status = 200, body = AccountView), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn me(State(st): State<AppState>, user: AuthUser) -> Result<Json<AccountView>> {
    let acc = accounts::get(&st, user.id()).await?;
    Ok(Json(accounts::view(&st, &acc).await?))
}

/// First login: real name and ID number (GB 11643 checked). Once set they are fixed.
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "auth", request_body = ProfileRequest,
    description = "Role: any signed-in person account.",
    security(("bearer" = [])), responses((status = 200, body = AccountView), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 409, body = huiji_domain::wire::ErrorBody)))]
pub async fn set_profile(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<ProfileRequest>,
) -> Result<Json<AccountView>> {
    let name = validate_name(&req.real_name)?;
    let idn = validate_id_number(&req.id_number, today(st.now()))?;
    let acc = accounts::get(&st, user.id()).await?;
    if acc.kind != "person" {
        return Err(ApiError::bad_request("NotAPerson", "单位账号无需实名信息"));
    }
    if acc.id_number.is_some() {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            "ProfileAlreadySet",
            "实名信息已填写，如需修改请联系管理员",
        ));
    }
    if let Some(other) = accounts::find_by(&st, "id_number", idn.as_str()).await? {
        if other.id != acc.id {
            return Err(ApiError::client(
                StatusCode::CONFLICT,
                "IdNumberTaken",
                "该身份证号已绑定其他账号",
            ));
        }
    }
    sqlx::query("UPDATE accounts SET real_name = $1, id_number = $2 WHERE id = $3")
        .bind(name.as_str())
        .bind(idn.as_str())
        .bind(acc.id.to_string())
        .execute(&st.db.writer)
        .await?;
    let acc = accounts::get(&st, user.id()).await?;
    Ok(Json(accounts::view(&st, &acc).await?))
}

/// Set or change the caller's password.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", request_body = SetPasswordRequest,
    description = "Role: any signed-in account.",
    security(("bearer" = [])), responses((status = 204), (status = 400, body = huiji_domain::wire::ErrorBody)))]
pub async fn set_password(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode> {
    validate_password(&req.password)?;
    let hash = hash_password(&req.password)?;
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id().to_string())
        .execute(&st.db.writer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
