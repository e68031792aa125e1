//! Health codes (seed 002, 吉祥码): a citizen's own code, and the health authority
//! setting people's status one by one or from a CSV file.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use huiji_domain::credential::{Body, Claims, CredentialKind, HealthColour};
use huiji_domain::mask::{mask_id_number, mask_name};
use huiji_domain::org::Action;
use huiji_domain::validate::{validate_id_number, validate_phone};
use huiji_domain::wire::{
    HealthPassResponse, HealthStatusResult, ImportReport, ImportRowError, SetHealthStatusRequest,
};
use huiji_domain::DomainError;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{self, AccountRow};
use crate::auth::AuthUser;
use crate::credentials;
use crate::error::{ApiError, Result};
use crate::extract::ApiJson;
use crate::state::AppState;

/// A health pass is good for a day; the app refreshes it whenever it is online.
pub const HEALTH_PASS_TTL_SECS: i64 = 24 * 3600;
/// A pass with less than this left is replaced on refresh rather than handed out again.
const REISSUE_BEFORE_SECS: i64 = 12 * 3600;
/// CSV imports: at most this many rows per file.
pub const IMPORT_MAX_ROWS: usize = 50_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health/pass", get(my_pass))
        .route("/api/v1/health/status", put(set_status))
        .route(
            "/api/v1/health/status/import",
            post(import_status).layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
}

pub const COLOUR_INVALID: DomainError = DomainError::new(
    "ColourInvalid",
    "健康码颜色应为 绿、黄 或 红",
    "The colour must be green, yellow or red",
);
pub const PROFILE_NEEDED: DomainError = DomainError::new(
    "ProfileNeeded",
    "请先填写真实姓名和身份证号，再领取吉祥码",
    "Give your real name and ID number before getting a health code",
);
pub const PERSON_NOT_FOUND: DomainError = DomainError::new(
    "PersonNotFound",
    "没有找到该身份证号或手机号对应的注册人员",
    "No registered person has this ID number or phone",
);
pub const ONE_KEY: DomainError = DomainError::new(
    "IdentifyOnce",
    "请填写身份证号或手机号其中一项",
    "Give either the ID number or the phone",
);

pub fn parse_colour(s: &str) -> std::result::Result<HealthColour, DomainError> {
    match s.trim().to_lowercase().as_str() {
        "green" | "绿" | "绿码" | "绿色" => Ok(HealthColour::Green),
        "yellow" | "黄" | "黄码" | "黄色" => Ok(HealthColour::Yellow),
        "red" | "红" | "红码" | "红色" => Ok(HealthColour::Red),
        _ => Err(COLOUR_INVALID),
    }
}

fn parse_flag(s: &str) -> std::result::Result<bool, DomainError> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "no" | "false" | "0" | "n" => Ok(false),
        "是" | "yes" | "true" | "1" | "y" => Ok(true),
        _ => Err(DomainError::new(
            "FlagInvalid",
            "“来自高风险地区”一栏应填 是 或 否",
            "The high-risk column must be yes or no",
        )),
    }
}

/// The caller's health pass: the current one while it has half a day left, otherwise
/// a fresh one with the status as it is now.
#[utoipa::path(get, path = "/api/v1/health/pass", tag = "health",
    description = "Role: any signed-in person with real name and ID number given.",
    security(("bearer" = [])), responses((status = 200, body = HealthPassResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn my_pass(
    State(st): State<AppState>,
    user: AuthUser,
) -> Result<Json<HealthPassResponse>> {
    let acc = accounts::get(&st, user.id()).await?;
    let (Some(name), Some(idn)) = (acc.real_name.as_deref(), acc.id_number.as_deref()) else {
        return Err(PROFILE_NEEDED.into());
    };
    let now_s = st.now() / 1000;
    let display_name = mask_name(name);
    // Most calls find a current pass: read it from the read pool, so opening "my code"
    // never queues behind writers; only issuing a new one takes the writer.
    let current = sqlx::query("SELECT text, issued_at, expires_at FROM credentials WHERE subject_id = $1 AND kind = 'health_pass' AND revoked_at IS NULL AND expires_at > $2 ORDER BY issued_at DESC LIMIT 1")
        .bind(acc.id.to_string())
        .bind(now_s + REISSUE_BEFORE_SECS)
        .fetch_optional(&st.db.pool)
        .await?;
    if let Some(row) = current {
        let (colour, _) = status_of(&st.db.pool, acc.id).await?;
        return Ok(Json(HealthPassResponse {
            text: row.try_get(0)?,
            colour: colour.as_str().to_owned(),
            display_name,
            issued_at: row.try_get(1)?,
            expires_at: row.try_get(2)?,
        }));
    }
    let mut tx = st.db.writer.begin().await?;
    let (colour, from_high_risk) = status_of(&mut *tx, acc.id).await?;
    let claims = Claims {
        id: Uuid::now_v7(),
        subject: acc.id,
        display_name: display_name.clone(),
        issued_at: now_s,
        not_before: now_s,
        expires: now_s + HEALTH_PASS_TTL_SECS,
        body: Body::HealthPass {
            colour,
            // The household registration region is the first six digits of the ID
            // number; only the region travels in the code, never the number.
            region: Some(idn[..6].to_owned()),
            from_high_risk,
        },
    };
    let text = credentials::issue(&mut tx, &claims).await?;
    tx.commit().await?;
    Ok(Json(HealthPassResponse {
        text,
        colour: colour.as_str().to_owned(),
        display_name,
        issued_at: claims.issued_at,
        expires_at: claims.expires,
    }))
}

async fn status_of<'e, E>(ex: E, account: Uuid) -> Result<(HealthColour, bool)>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT colour, from_high_risk FROM health_status WHERE account_id = $1")
        .bind(account.to_string())
        .fetch_optional(ex)
        .await?;
    match row {
        // No decision yet: green, as for everyone the authority has not marked.
        None => Ok((HealthColour::Green, false)),
        Some(r) => Ok((
            parse_colour(&r.try_get::<String, _>(0)?).map_err(ApiError::from)?,
            r.try_get::<i64, _>(1)? != 0,
        )),
    }
}

fn require_authority(user: &AuthUser) -> Result<()> {
    // A health decision follows the person wherever they go, so it is not scoped to a
    // node: any health-authority grant may make it (and it is logged with who did).
    if user
        .principal
        .grants
        .iter()
        .any(|g| g.role.permits(Action::SetHealthStatus))
    {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// A parsed, validated status change.
struct Change {
    account: AccountRow,
    colour: HealthColour,
    from_high_risk: bool,
    note: Option<String>,
}

async fn find_person(
    st: &AppState,
    id_number: Option<&str>,
    phone: Option<&str>,
) -> Result<AccountRow> {
    let id_number = id_number.map(str::trim).filter(|s| !s.is_empty());
    let phone = phone.map(str::trim).filter(|s| !s.is_empty());
    let found = match (id_number, phone) {
        (Some(idn), None) => {
            let idn = validate_id_number(idn, huiji_domain::time::today_cst(st.now()))?;
            accounts::find_by(st, "id_number", idn.as_str()).await?
        }
        (None, Some(p)) => {
            let p = validate_phone(p)?;
            accounts::find_by(st, "phone", p.as_str()).await?
        }
        _ => return Err(ONE_KEY.into()),
    };
    found
        .filter(|a| a.kind == "person")
        .ok_or_else(|| ApiError::from(PERSON_NOT_FOUND))
}

fn check_note(note: Option<String>) -> Result<Option<String>> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_deref().is_some_and(|n| n.chars().count() > 200) {
        return Err(ApiError::bad_request("NoteTooLong", "备注不超过200字"));
    }
    Ok(note)
}

/// Applies changes in one transaction: status rows, then the old codes revoked.
async fn apply(st: &AppState, actor: Uuid, changes: &[Change]) -> Result<Vec<u32>> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let mut revoked = Vec::with_capacity(changes.len());
    for c in changes {
        let id = c.account.id.to_string();
        sqlx::query("DELETE FROM health_status WHERE account_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO health_status (account_id, colour, from_high_risk, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(c.colour.as_str())
            .bind(i64::from(c.from_high_risk))
            .bind(c.note.as_deref())
            .bind(now)
            .bind(actor.to_string())
            .execute(&mut *tx)
            .await?;
        let n = credentials::revoke_subject(
            &mut tx,
            st.db.backend,
            c.account.id,
            CredentialKind::HealthPass,
            now,
            Some(actor),
        )
        .await?;
        revoked.push(u32::try_from(n).unwrap_or(u32::MAX));
    }
    tx.commit().await?;
    Ok(revoked)
}

/// Sets one person's status. Their current codes are revoked on every device at the
/// next sync, and their next refresh carries the new colour.
#[utoipa::path(put, path = "/api/v1/health/status", tag = "health", request_body = SetHealthStatusRequest,
    description = "Role: health authority.",
    security(("bearer" = [])), responses((status = 200, body = HealthStatusResult), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn set_status(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<SetHealthStatusRequest>,
) -> Result<Json<HealthStatusResult>> {
    require_authority(&user)?;
    let colour = parse_colour(&req.colour)?;
    let note = check_note(req.note)?;
    let account = find_person(&st, req.id_number.as_deref(), req.phone.as_deref()).await?;
    let change = Change {
        account,
        colour,
        from_high_risk: req.from_high_risk,
        note,
    };
    let revoked = apply(&st, user.id(), std::slice::from_ref(&change)).await?;
    let a = &change.account;
    Ok(Json(HealthStatusResult {
        name_masked: a.real_name.as_deref().map(mask_name).unwrap_or_default(),
        id_number_masked: a.id_number.as_deref().map(mask_id_number),
        colour: colour.as_str().to_owned(),
        from_high_risk: change.from_high_risk,
        revoked: revoked.first().copied().unwrap_or(0),
    }))
}

fn row_error(line: u32, e: &ApiError) -> ImportRowError {
    let (code, message) = match e {
        ApiError::Client { code, message, .. } => ((*code).to_owned(), message.to_string()),
        ApiError::Internal(_) => ("Internal".to_owned(), "服务器内部错误".to_owned()),
    };
    ImportRowError {
        line,
        code,
        message,
    }
}

/// Column positions found in the header.
struct Columns {
    id_number: Option<usize>,
    phone: Option<usize>,
    colour: usize,
    high_risk: Option<usize>,
    note: Option<usize>,
}

fn columns(header: &csv::StringRecord) -> Result<Columns> {
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            names.iter().any(|n| h == *n)
        })
    };
    let cols = Columns {
        id_number: find(&["身份证号", "身份证号码", "id_number"]),
        phone: find(&["手机号", "手机号码", "phone"]),
        colour: find(&["健康码", "颜色", "健康码颜色", "colour", "color"]).ok_or_else(|| {
            ApiError::bad_request("CsvHeader", "第1行应为表头，且包含“健康码”一栏（绿/黄/红）")
        })?,
        high_risk: find(&["来自高风险地区", "高风险", "from_high_risk"]),
        note: find(&["备注", "note"]),
    };
    if cols.id_number.is_none() && cols.phone.is_none() {
        return Err(ApiError::bad_request(
            "CsvHeader",
            "表头中应有“身份证号”或“手机号”一栏",
        ));
    }
    Ok(cols)
}

/// Sets many people's status from a CSV file (UTF-8, header row: 身份证号 or 手机号,
/// 健康码, optionally 来自高风险地区 and 备注). Good rows are applied together; each bad
/// row is reported with its line number and why, and changes nothing.
#[utoipa::path(post, path = "/api/v1/health/status/import", tag = "health",
    request_body(content = String, content_type = "text/csv"),
    description = "Role: health authority.",
    security(("bearer" = [])), responses((status = 200, body = ImportReport), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn import_status(
    State(st): State<AppState>,
    user: AuthUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ImportReport>)> {
    require_authority(&user)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("CsvEncoding", "文件应为 UTF-8 编码的 CSV"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| ApiError::bad_request("CsvHeader", "无法读取表头"))?
        .clone();
    let cols = columns(&header)?;
    let mut changes: Vec<Change> = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut total = 0u32;
    for (i, rec) in reader.records().enumerate() {
        let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
        total += 1;
        if i >= IMPORT_MAX_ROWS {
            return Err(ApiError::bad_request(
                "CsvTooManyRows",
                format!("每次最多导入{IMPORT_MAX_ROWS}行"),
            ));
        }
        let rec = match rec {
            Ok(r) => r,
            Err(_) => {
                errors.push(ImportRowError {
                    line,
                    code: "CsvRow".into(),
                    message: "该行格式不正确".into(),
                });
                continue;
            }
        };
        let field = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let parsed = async {
            let colour = parse_colour(field(Some(cols.colour)).unwrap_or(""))?;
            let from_high_risk = parse_flag(field(cols.high_risk).unwrap_or(""))?;
            let note = check_note(field(cols.note).map(str::to_owned))?;
            let (idn, phone) = (field(cols.id_number), field(cols.phone));
            // Both columns may exist; a row names the person by the first it fills.
            let account = match (idn, phone) {
                (Some(idn), _) => find_person(&st, Some(idn), None).await?,
                (None, Some(p)) => find_person(&st, None, Some(p)).await?,
                (None, None) => return Err(ONE_KEY.into()),
            };
            Ok::<_, ApiError>(Change {
                account,
                colour,
                from_high_risk,
                note,
            })
        };
        match parsed.await {
            Ok(c) => {
                if let Some(first) = seen.insert(c.account.id, line) {
                    errors.push(ImportRowError {
                        line,
                        code: "CsvDuplicatePerson".into(),
                        message: format!("与第{first}行是同一人，只导入第{first}行"),
                    });
                    continue;
                }
                changes.push(c);
            }
            Err(e) => errors.push(row_error(line, &e)),
        }
    }
    apply(&st, user.id(), &changes).await?;
    Ok((
        StatusCode::OK,
        Json(ImportReport {
            total,
            applied: u32::try_from(changes.len()).unwrap_or(u32::MAX),
            errors,
        }),
    ))
}
