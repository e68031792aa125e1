//! Questionnaires and votes (问卷/投票): saved by secretaries; answered once per person —
//! two phones answering offline are both sent, the first counts and the second is refused
//! unless answers may be changed —; results tallied here (for an anonymous survey the
//! answers are kept under a keyed hash of the person, never their account).

use hmac::{Hmac, Mac};
use huiji_domain::events::survey::{
    check_answers, check_window, results_visible_to_answerer, tally, AnswerBody, AnswerValue,
    SurveyBody, SurveyResults, ALREADY_ANSWERED, SURVEY_CLOSED,
};
use huiji_domain::events::wire::{AnswerItem, Batch, SurveySave};
use huiji_domain::events::NOT_IN_AUDIENCE;
use huiji_domain::org::Action as Perm;
use huiji_domain::sync::{RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::{ActionBatchResponse, ActionResult, OpStatus, Record};
use huiji_domain::DomainError;
use sha2::Sha256;
use sqlx::Row;
use uuid::Uuid;

use super::may_take_part;
use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, typed, write_server_rows, ServerRow, Typed};
use crate::state::AppState;
use crate::workflow::{action_result, get_record, node, refused_result, to_json};

pub const SURVEY_NOT_FOUND: DomainError = DomainError::new(
    "SurveyNotFound",
    "问卷/投票不存在",
    "The survey does not exist",
);
pub const RESULTS_HIDDEN: DomainError = DomainError::new(
    "ResultsHidden",
    "结果暂不公开（提交答案后或截止后可见，或仅组织者可见）",
    "The results are not shown to you yet",
);
/// Answers made offline before the close are taken for a day after it.
pub const LATE_GRACE_MS: i64 = 24 * 3_600_000;

pub type SurveyRec = Typed<SurveyBody>;

async fn survey(conn: &mut sqlx::AnyConnection, id: Uuid) -> Result<SurveyRec> {
    typed(conn, id, RecordKind::Survey).await?.ok_or_else(|| {
        ApiError::client(
            axum::http::StatusCode::NOT_FOUND,
            SURVEY_NOT_FOUND.code,
            SURVEY_NOT_FOUND.message,
        )
    })
}

pub async fn save(st: &AppState, user: &AuthUser, req: SurveySave) -> Result<(bool, Record)> {
    let body = huiji_domain::events::survey::validate_survey(&req.survey)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let unit = node(&mut tx, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::ManageEvents, &unit.path)?;
    let (id, created) = match req.id {
        Some(id) => {
            let old = survey(&mut tx, id).await?;
            if old.rec.record.node_id != unit.id {
                return Err(ApiError::not_found("问卷/投票"));
            }
            let answered = sqlx::query("SELECT 1 FROM survey_answers WHERE survey_id = $1 LIMIT 1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            // Once answered, the questions stay as they were answered.
            if answered.is_some() && old.body.questions != body.questions {
                return Err(ApiError::bad_request(
                    "SurveyAnswered",
                    "已有人作答，不能再修改题目（可修改截止时间等设置）",
                ));
            }
            (id, false)
        }
        None => (Uuid::now_v7(), true),
    };
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![ServerRow {
            id,
            kind: RecordKind::Survey,
            node_id: unit.id,
            node_path: unit.path.clone(),
            owner_id: None,
            body: to_json(&body)?,
            audience: Vec::new(),
        }],
        Some(user.id()),
        now,
    )
    .await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("survey vanished".into()))?;
    tx.commit().await?;
    Ok((created, rec.record))
}

async fn answer_secret(st: &AppState) -> Result<Vec<u8>> {
    crate::db::server_secret(&st.db, "answer_key").await
}

/// Who a stored answer belongs to: the account for a named survey, a keyed hash for an
/// anonymous one.
fn answer_key(secret: &[u8], s: &SurveyRec, account: Uuid) -> String {
    if !s.body.anonymous {
        return account.to_string();
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(s.rec.record.id.as_bytes());
    mac.update(account.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The one `answer` record of a person for a survey (a change replaces it).
fn answer_record_id(survey: Uuid, account: Uuid) -> Uuid {
    Uuid::new_v5(&survey, account.as_bytes())
}

pub async fn answer(
    st: &AppState,
    user: &AuthUser,
    batch: Batch<AnswerItem>,
) -> Result<ActionBatchResponse> {
    if batch.items.len() > 200 {
        return Err(ApiError::bad_request("TooManyItems", "每次最多提交200条"));
    }
    let secret = answer_secret(st).await?;
    let mut results = Vec::new();
    for item in &batch.items {
        let r = match answer_one(st, user, &secret, item).await {
            Ok(r) => r,
            Err(e @ ApiError::Client { .. }) => refused_result(item.id, &e),
            Err(e) => return Err(e),
        };
        results.push(r);
    }
    Ok(ActionBatchResponse { results })
}

async fn answer_one(
    st: &AppState,
    user: &AuthUser,
    secret: &[u8],
    item: &AnswerItem,
) -> Result<ActionResult> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let s = survey(&mut tx, item.survey_id).await?;
    if !may_take_part(user, &s.rec.node_path, s.body.audience) {
        return Err(NOT_IN_AUDIENCE.into());
    }
    // Judged by when it was answered (a phone offline at the close sends it later), but
    // never taken long after the close or from a clock in the future.
    check_window(&s.body, item.answered_at.min(now))?;
    if now >= s.body.closes_at + LATE_GRACE_MS {
        return Err(SURVEY_CLOSED.into());
    }
    let answers = check_answers(&s.body, &item.answers)?;
    let key = answer_key(secret, &s, user.id());
    let rec_id = answer_record_id(s.rec.record.id, user.id());
    let before = sqlx::query(
        "SELECT record_id, body FROM survey_answers WHERE survey_id = $1 AND answer_key = $2",
    )
    .bind(s.rec.record.id.to_string())
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?;
    let body = AnswerBody {
        survey_id: s.rec.record.id,
        answers: answers.clone(),
        answered_at: item.answered_at.min(now),
    };
    let stored = serde_json::to_string(&answers).map_err(|e| ApiError::internal(e.to_string()))?;
    if let Some(b) = before {
        let same = b.try_get::<String, _>(1)? == stored;
        if same {
            // The same answers again (the other phone, or a resend): nothing changes.
            tx.rollback().await?;
            return Ok(action_result(item.id, OpStatus::Duplicate));
        }
        if !s.body.changeable || now >= s.body.closes_at {
            return Err(ALREADY_ANSWERED.into());
        }
        sqlx::query("UPDATE survey_answers SET body = $1, updated_at = $2 WHERE survey_id = $3 AND answer_key = $4")
            .bind(&stored)
            .bind(now)
            .bind(s.rec.record.id.to_string())
            .bind(&key)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("INSERT INTO survey_answers (survey_id, answer_key, record_id, body, answered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(s.rec.record.id.to_string())
            .bind(&key)
            .bind(rec_id.to_string())
            .bind(&stored)
            .bind(body.answered_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![ServerRow {
            id: rec_id,
            kind: RecordKind::Answer,
            node_id: s.rec.record.node_id,
            node_path: s.rec.node_path.clone(),
            owner_id: Some(user.id()),
            body: to_json(&body)?,
            audience: Vec::new(),
        }],
        Some(user.id()),
        now,
    )
    .await?;
    let rec = get_record(&mut tx, rec_id)
        .await?
        .ok_or_else(|| ApiError::internal("answer vanished".into()))?;
    tx.commit().await?;
    let mut r = action_result(item.id, OpStatus::Applied);
    r.current = Some(rec.record);
    Ok(r)
}

/// The tally, for organisers always and for answerers as the survey allows.
pub async fn results(st: &AppState, user: &AuthUser, id: Uuid) -> Result<SurveyResults> {
    let mut conn = st.db.pool.acquire().await?;
    let s = survey(&mut conn, id).await?;
    let organiser = huiji_domain::org::can(&user.principal, Perm::ManageEvents, &s.rec.node_path);
    if !organiser {
        let secret = answer_secret(st).await?;
        let key = answer_key(&secret, &s, user.id());
        let answered =
            sqlx::query("SELECT 1 FROM survey_answers WHERE survey_id = $1 AND answer_key = $2")
                .bind(id.to_string())
                .bind(&key)
                .fetch_optional(&mut *conn)
                .await?
                .is_some();
        if !results_visible_to_answerer(&s.body, answered, st.now()) {
            return Err(ApiError::client(
                axum::http::StatusCode::FORBIDDEN,
                RESULTS_HIDDEN.code,
                RESULTS_HIDDEN.message,
            ));
        }
    }
    let rows = sqlx::query(
        "SELECT body FROM survey_answers WHERE survey_id = $1 ORDER BY updated_at DESC",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut all: Vec<Vec<AnswerValue>> = Vec::with_capacity(rows.len());
    for r in rows {
        if let Ok(a) = serde_json::from_str(&r.try_get::<String, _>(0)?) {
            all.push(a);
        }
    }
    let mut t = tally(&s.body, all.iter().map(Vec::as_slice));
    // Free text is for the organisers (it may name people).
    if !organiser {
        for q in &mut t.questions {
            q.texts.clear();
        }
    }
    Ok(t)
}

/// The results as XLSX (organisers).
pub async fn export(st: &AppState, user: &AuthUser, id: Uuid) -> Result<(String, Vec<u8>)> {
    let mut conn = st.db.pool.acquire().await?;
    let s = survey(&mut conn, id).await?;
    user.require(Perm::ManageEvents, &s.rec.node_path)?;
    drop(conn);
    let t = results(st, user, id).await?;
    let bytes = xlsx(&s.body, &t).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((format!("结果-{}.xlsx", s.body.title), bytes))
}

fn xlsx(
    s: &SurveyBody,
    t: &SurveyResults,
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("结果")?;
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 40.0)?;
    ws.set_column_width(1, 12.0)?;
    ws.write_string_with_format(0, 0, &s.title, &bold)?;
    ws.write_string(1, 0, format!("共{}份答卷", t.responses))?;
    let mut row = 3u32;
    for q in &t.questions {
        ws.write_string_with_format(row, 0, &q.text, &bold)?;
        row += 1;
        for (o, c) in q.options.iter().zip(&q.counts) {
            ws.write_string(row, 0, o)?;
            ws.write_number(row, 1, f64::from(*c))?;
            row += 1;
        }
        if let Some(m) = q.mean_x100 {
            ws.write_string(row, 0, "平均分")?;
            ws.write_string(row, 1, format!("{}.{:02}", m / 100, m % 100))?;
            row += 1;
        }
        for text in &q.texts {
            ws.write_string(row, 0, text)?;
            row += 1;
        }
        row += 1;
    }
    wb.save_to_buffer()
}
