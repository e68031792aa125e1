//! The learning platform on the server (学习平台, seed 004 §十二; issue 8 §4). A unit's
//! secretaries (`publish_notice` at the unit) write a course — lessons of text and
//! pictures, each with a minimum reading time and credits — and publish it. Anyone signed
//! in may enrol while enrolment is open: a member of the unit (or below) at the member
//! price, anyone else at the non-member price; a price makes a payment order of the dues
//! machinery, and paying it opens the lessons. Reading time is counted here, on the
//! server's clock, from the reports the lesson's page sends (open, shown, hidden, a beat
//! every ten seconds while shown, closed): only while the page is open and visible, at
//! most [`learning::MAX_GAP_MS`] between two reports, and only within the learning
//! window. Reaching the pass score issues a numbered completion certificate (PDF, with a
//! QR of its public verification page).

use huiji_domain::community::learning::{
    self, Course, CourseDetail, CourseSummary, EnrolmentView, LessonProgress, LessonView,
    ReadSignal,
};
use huiji_domain::dues::{DuesOrderBody, OrderStatus};
use huiji_domain::org::{Action as Perm, NodePath};
use huiji_domain::sync::{RecordKind, UNKNOWN_NODE};
use huiji_domain::DomainError;
use serde::Deserialize;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{live_unit_paths, node, to_json, who, NodeInfo};

pub const COURSE_NOT_FOUND: DomainError = DomainError::new(
    "CourseNotFound",
    "课程不存在或尚未发布",
    "No such course, or it is not published",
);
pub const NOT_ENROLLED: DomainError = DomainError::new(
    "CourseNotEnrolled",
    "请先报名该课程",
    "Enrol in the course first",
);
pub const NOT_PAID: DomainError = DomainError::new(
    "CourseNotPaid",
    "请先缴纳课程费用，缴费后即可开始学习",
    "Pay the course fee first",
);
pub const LESSON_NOT_FOUND: DomainError =
    DomainError::new("LessonNotFound", "该课时不存在", "No such lesson");
pub const NOT_PASSED: DomainError = DomainError::new(
    "CourseNotPassed",
    "尚未达到结业分数，暂不能下载结业证书",
    "The pass score is not reached yet",
);
pub const PEOPLE_ONLY: DomainError = DomainError::new(
    "CoursePeopleOnly",
    "课程报名需使用个人账号",
    "Courses are for personal accounts",
);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseSave {
    pub node_id: Uuid,
    pub course: Course,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseEdit {
    pub course: Course,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    pub published: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadReport {
    pub signal: ReadSignal,
}

struct CourseRow {
    id: Uuid,
    course: Course,
    unit: NodeInfo,
    published: bool,
}

struct Enrolment {
    id: Uuid,
    member: bool,
    price_fen: i64,
    order_id: Option<Uuid>,
    active: bool,
    progress: Vec<LessonProgress>,
    passed_at: Option<i64>,
    certificate_no: Option<String>,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

fn not_found(e: DomainError) -> ApiError {
    ApiError::client(axum::http::StatusCode::NOT_FOUND, e.code, e.message)
}

fn tidy_course(mut c: Course) -> Result<Course> {
    c.title = c.title.trim().to_owned();
    c.certificate_title = c.certificate_title.trim().to_owned();
    c.intro = c
        .intro
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty());
    for l in &mut c.lessons {
        l.title = l.title.trim().to_owned();
        l.body = l.body.trim().to_owned();
    }
    learning::validate_course(&c)?;
    Ok(c)
}

/// The lessons' pictures: each an image the author uploaded, cleaned.
async fn check_pictures(conn: &mut AnyConnection, author: Uuid, c: &Course) -> Result<()> {
    for id in c.lessons.iter().flat_map(|l| &l.images) {
        crate::content::own_picture(conn, author, *id, crate::content::IMAGE_INVALID).await?;
    }
    Ok(())
}

async fn load_course(conn: &mut AnyConnection, id: Uuid) -> Result<Option<CourseRow>> {
    let Some(row) = sqlx::query("SELECT body, node_id, published FROM courses WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let course: Course = serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(internal)?;
    let unit = node(conn, parse_uuid(&row.try_get::<String, _>(1)?)?)
        .await?
        .ok_or_else(|| ApiError::internal("course unit vanished".into()))?;
    Ok(Some(CourseRow {
        id,
        course,
        unit,
        published: row.try_get::<i64, _>(2)? != 0,
    }))
}

fn manages(user: &AuthUser, c: &CourseRow) -> bool {
    user.require(Perm::PublishNotice, &c.unit.path).is_ok()
}

/// A course the caller may see: published, or one they manage.
async fn visible_course(conn: &mut AnyConnection, user: &AuthUser, id: Uuid) -> Result<CourseRow> {
    load_course(conn, id)
        .await?
        .filter(|c| c.published || manages(user, c))
        .ok_or_else(|| not_found(COURSE_NOT_FOUND))
}

async fn load_enrolment(
    conn: &mut AnyConnection,
    course: Uuid,
    account: Uuid,
) -> Result<Option<Enrolment>> {
    let Some(row) = sqlx::query(
        "SELECT id, member, price_fen, order_id, active, progress, passed_at, certificate_no \
         FROM enrolments WHERE course_id = $1 AND account_id = $2",
    )
    .bind(course.to_string())
    .bind(account.to_string())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(Enrolment {
        id: parse_uuid(&row.try_get::<String, _>(0)?)?,
        member: row.try_get::<i64, _>(1)? != 0,
        price_fen: row.try_get(2)?,
        order_id: row
            .try_get::<Option<String>, _>(3)?
            .map(|s| parse_uuid(&s))
            .transpose()?,
        active: row.try_get::<i64, _>(4)? != 0,
        progress: serde_json::from_str(&row.try_get::<String, _>(5)?).map_err(internal)?,
        passed_at: row.try_get(6)?,
        certificate_no: row.try_get(7)?,
    }))
}

fn enrolment_view(c: &Course, e: &Enrolment) -> EnrolmentView {
    let read: Vec<i64> = (0..c.lessons.len())
        .map(|i| e.progress.get(i).map_or(0, |p| p.read_ms))
        .collect();
    let p = learning::progress(c, &read);
    EnrolmentView {
        id: e.id,
        active: e.active,
        member: e.member,
        price_fen: e.price_fen,
        order_id: e.order_id,
        read_secs: read.iter().map(|ms| ms / 1000).collect(),
        done: p.done,
        percent: p.percent,
        score: p.score,
        passed: p.passed,
        passed_at: e.passed_at,
        certificate_no: e.certificate_no.clone(),
    }
}

/// Whether one of the caller's membership paths is the course's unit or below it.
fn member_of(paths: &[NodePath], c: &CourseRow) -> bool {
    paths.iter().any(|p| p.is_within(&c.unit.path))
}

/// A course as the caller sees it; `paths` are the caller's live membership paths
/// (`live_unit_paths`, read once per request).
async fn summary(
    conn: &mut AnyConnection,
    user: &AuthUser,
    c: &CourseRow,
    paths: &[NodePath],
) -> Result<CourseSummary> {
    let e = load_enrolment(conn, c.id, user.id()).await?;
    let member = e.as_ref().map_or_else(|| member_of(paths, c), |e| e.member);
    let k = &c.course;
    Ok(CourseSummary {
        id: c.id,
        node_id: c.unit.id,
        unit_name: c.unit.body.name.clone(),
        title: k.title.clone(),
        intro: k.intro.clone(),
        member_price_fen: k.member_price_fen,
        non_member_price_fen: k.non_member_price_fen,
        my_price_fen: e.as_ref().map_or(k.price_fen(member), |e| e.price_fen),
        enrol_from: k.enrol_from,
        enrol_until: k.enrol_until,
        learn_from: k.learn_from,
        learn_until: k.learn_until,
        lessons: u32::try_from(k.lessons.len()).unwrap_or(u32::MAX),
        total_credits: k.lessons.iter().map(|l| l.credits).sum(),
        pass_score: k.pass_score,
        certificate_title: k.certificate_title.clone(),
        published: c.published,
        manage: manages(user, c),
        enrolment: e.as_ref().map(|e| enrolment_view(k, e)),
    })
}

async fn detail(conn: &mut AnyConnection, user: &AuthUser, c: &CourseRow) -> Result<CourseDetail> {
    let paths = live_unit_paths(conn, user.id()).await?;
    let s = summary(conn, user, c, &paths).await?;
    let open = s.manage || s.enrolment.as_ref().is_some_and(|e| e.active);
    let lessons = c
        .course
        .lessons
        .iter()
        .map(|l| LessonView {
            title: l.title.clone(),
            min_read_secs: l.min_read_secs,
            credits: l.credits,
            body: open.then(|| l.body.clone()),
            images: if open { l.images.clone() } else { Vec::new() },
        })
        .collect();
    Ok(CourseDetail {
        summary: s,
        lessons,
    })
}

/// A new course at a unit (not yet published).
pub async fn create(st: &AppState, user: &AuthUser, req: CourseSave) -> Result<CourseDetail> {
    let course = tidy_course(req.course)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let unit = node(&mut tx, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::PublishNotice, &unit.path)?;
    check_pictures(&mut tx, user.id(), &course).await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO courses (id, node_id, body, published, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 0, $4, $5, $5)",
    )
    .bind(id.to_string())
    .bind(unit.id.to_string())
    .bind(serde_json::to_string(&course).map_err(internal)?)
    .bind(user.id().to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let c = CourseRow {
        id,
        course,
        unit,
        published: false,
    };
    let d = detail(&mut tx, user, &c).await?;
    tx.commit().await?;
    Ok(d)
}

pub async fn edit(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    req: CourseEdit,
) -> Result<CourseDetail> {
    let course = tidy_course(req.course)?;
    let mut tx = st.db.writer.begin().await?;
    let mut c = visible_course(&mut tx, user, id).await?;
    user.require(Perm::PublishNotice, &c.unit.path)?;
    check_pictures(&mut tx, user.id(), &course).await?;
    sqlx::query("UPDATE courses SET body = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::to_string(&course).map_err(internal)?)
        .bind(st.now())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    c.course = course;
    let d = detail(&mut tx, user, &c).await?;
    tx.commit().await?;
    Ok(d)
}

pub async fn publish(st: &AppState, user: &AuthUser, id: Uuid, on: bool) -> Result<CourseDetail> {
    let mut tx = st.db.writer.begin().await?;
    let mut c = visible_course(&mut tx, user, id).await?;
    user.require(Perm::PublishNotice, &c.unit.path)?;
    sqlx::query("UPDATE courses SET published = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(on))
        .bind(st.now())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    c.published = on;
    let d = detail(&mut tx, user, &c).await?;
    tx.commit().await?;
    Ok(d)
}

/// Published courses (and the unpublished ones the caller manages), newest first.
pub async fn list(st: &AppState, user: &AuthUser) -> Result<Vec<CourseSummary>> {
    let mut conn = st.db.pool.acquire().await?;
    let ids: Vec<String> =
        sqlx::query("SELECT id FROM courses ORDER BY created_at DESC, id DESC LIMIT 500")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
    let paths = live_unit_paths(&mut conn, user.id()).await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(c) = load_course(&mut conn, parse_uuid(&id)?).await? {
            if c.published || manages(user, &c) {
                out.push(summary(&mut conn, user, &c, &paths).await?);
            }
        }
    }
    Ok(out)
}

pub async fn get(st: &AppState, user: &AuthUser, id: Uuid) -> Result<CourseDetail> {
    let mut conn = st.db.pool.acquire().await?;
    let c = visible_course(&mut conn, user, id).await?;
    detail(&mut conn, user, &c).await
}

/// 报名: free, or an order to pay (the lessons open once it is paid). Enrolling again
/// answers with the enrolment there is.
pub async fn enrol(st: &AppState, user: &AuthUser, id: Uuid) -> Result<CourseDetail> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let c = load_course(&mut tx, id)
        .await?
        .filter(|c| c.published)
        .ok_or_else(|| not_found(COURSE_NOT_FOUND))?;
    if load_enrolment(&mut tx, id, user.id()).await?.is_none() {
        c.course.check_enrol(now)?;
        let me = who(&mut tx, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if me.kind != "person" {
            return Err(PEOPLE_ONLY.into());
        }
        let member = member_of(&live_unit_paths(&mut tx, me.id).await?, &c);
        let price = c.course.price_fen(member);
        let eid = Uuid::now_v7();
        let mut rows = Vec::new();
        let order_id = if price > 0 {
            let oid = Uuid::now_v7();
            let order = DuesOrderBody {
                account_id: me.id,
                name: me.name.clone(),
                unit_id: c.unit.id,
                unit_name: c.unit.body.name.clone(),
                membership_id: eid,
                period: format!("course:{}", c.id.simple()),
                amount_fen: price,
                paid_fen: 0,
                pending_fen: 0,
                status: OrderStatus::Pending,
                request_id: None,
                rule_id: None,
                due_on: c
                    .course
                    .learn_until
                    .map(|u| huiji_domain::time::today_cst(u - 1).to_string()),
                prorated: false,
                cancel_reason: None,
                event_id: None,
                title: Some(format!("课程费用 · {}", c.course.title)),
                created_at: now,
            };
            if crate::dues::claim_order(&mut tx, oid, &c.unit.path, &order).await? {
                rows.push(ServerRow {
                    id: oid,
                    kind: RecordKind::DuesOrder,
                    node_id: c.unit.id,
                    node_path: c.unit.path.clone(),
                    owner_id: Some(me.id),
                    body: to_json(&order)?,
                    audience: Vec::new(),
                });
            }
            Some(oid)
        } else {
            None
        };
        let progress = vec![LessonProgress::default(); c.course.lessons.len()];
        sqlx::query(
            "INSERT INTO enrolments (id, course_id, account_id, member, price_fen, order_id, active, progress, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(eid.to_string())
        .bind(id.to_string())
        .bind(me.id.to_string())
        .bind(i64::from(member))
        .bind(price)
        .bind(order_id.map(|o| o.to_string()))
        .bind(i64::from(price == 0))
        .bind(serde_json::to_string(&progress).map_err(internal)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if !rows.is_empty() {
            write_server_rows(&mut tx, st.db.backend, rows, Some(me.id), now).await?;
        }
    }
    let d = detail(&mut tx, user, &c).await?;
    tx.commit().await?;
    Ok(d)
}

/// A course fee's order has just been paid: its enrolment opens, and the learner is told.
pub async fn on_order_paid(
    tx: &mut AnyConnection,
    o: &DuesOrderBody,
    now: i64,
) -> Result<Option<ServerRow>> {
    if !o.period.starts_with("course:") {
        return Ok(None);
    }
    let done = sqlx::query("UPDATE enrolments SET active = 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(o.membership_id.to_string())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    let Some(unit) = node(tx, o.unit_id).await? else {
        return Ok(None);
    };
    let course = o
        .title
        .as_deref()
        .unwrap_or("课程")
        .trim_start_matches("课程费用 · ");
    Ok(Some(inbox_row(
        &unit,
        o.account_id,
        format!("课程已开通 · {course}"),
        format!("《{course}》的费用已缴清，可以开始学习了。"),
        now,
    )?))
}

/// An inbox entry for `to` (a `notification` record).
fn inbox_row(
    unit: &NodeInfo,
    to: Uuid,
    title: String,
    text: String,
    now: i64,
) -> Result<ServerRow> {
    let n = huiji_domain::workflow::NotificationBody {
        title,
        text,
        request_id: None,
        payment_id: None,
        notice_id: None,
        at: now,
    };
    Ok(crate::workflow::row(
        Uuid::now_v7(),
        RecordKind::Notification,
        unit,
        Some(to),
        to_json(&n)?,
    ))
}

/// The certificate number: the day it was earned and twelve random hex digits.
fn certificate_no(now: i64) -> String {
    let day = huiji_domain::time::today_cst(now)
        .to_string()
        .replace('-', "");
    let tail = Uuid::new_v4().simple().to_string()[..12].to_uppercase();
    format!("HJ{day}{tail}")
}

/// One report of a lesson's page, counted on the server's clock.
pub async fn read(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    lesson: usize,
    sig: ReadSignal,
) -> Result<EnrolmentView> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let c = visible_course(&mut tx, user, id).await?;
    if lesson >= c.course.lessons.len() {
        return Err(not_found(LESSON_NOT_FOUND));
    }
    let mut e = load_enrolment(&mut tx, id, user.id())
        .await?
        .ok_or(ApiError::from(NOT_ENROLLED))?;
    if !e.active {
        return Err(NOT_PAID.into());
    }
    c.course.check_learn(now)?;
    e.progress
        .resize(c.course.lessons.len(), LessonProgress::default());
    let p = &mut e.progress[lesson];
    p.read_ms += p.state.report(now, sig);
    let view = enrolment_view(&c.course, &e);
    let mut told = Vec::new();
    if view.passed && e.certificate_no.is_none() {
        e.passed_at = Some(now);
        e.certificate_no = Some(certificate_no(now));
        told.push(inbox_row(
            &c.unit,
            user.id(),
            format!("已结业 · {}", c.course.title),
            format!(
                "恭喜完成《{}》的学习，{}已颁发，可在学习平台下载。",
                c.course.title, c.course.certificate_title
            ),
            now,
        )?);
    }
    sqlx::query(
        "UPDATE enrolments SET progress = $1, passed_at = $2, certificate_no = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(serde_json::to_string(&e.progress).map_err(internal)?)
    .bind(e.passed_at)
    .bind(e.certificate_no.clone())
    .bind(now)
    .bind(e.id.to_string())
    .execute(&mut *tx)
    .await?;
    if !told.is_empty() {
        write_server_rows(&mut tx, st.db.backend, told, None, now).await?;
    }
    tx.commit().await?;
    Ok(enrolment_view(&c.course, &e))
}

fn verify_link(st: &AppState, no: &str) -> String {
    format!("{}/certificates/{no}", st.public_url())
}

/// The completion certificate (结业证书) as a PDF: the learner's name, the course, the
/// number and date, and a QR of its verification page.
pub async fn certificate_pdf(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
) -> Result<(String, Vec<u8>)> {
    let mut conn = st.db.pool.acquire().await?;
    let c = visible_course(&mut conn, user, id).await?;
    let e = load_enrolment(&mut conn, id, user.id())
        .await?
        .ok_or(ApiError::from(NOT_ENROLLED))?;
    let (Some(no), Some(at)) = (e.certificate_no.as_deref(), e.passed_at) else {
        return Err(NOT_PASSED.into());
    };
    let me = who(&mut conn, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let day = huiji_domain::time::today_cst(at).to_string();
    let pdf = crate::receipt::certificate_pdf(&crate::receipt::CertificateData {
        title: &c.course.certificate_title,
        name: &me.name,
        course: &c.course.title,
        issuer: &c.unit.body.name,
        date: &day,
        number: no,
        verify_url: &verify_link(st, no),
    });
    Ok((
        format!("{}-{}.pdf", c.course.certificate_title, me.name),
        pdf,
    ))
}

/// What the public verification page shows of a certificate.
pub struct Verified {
    pub title: String,
    pub name: String,
    pub course: String,
    pub issuer: String,
    pub date: String,
    pub number: String,
}

pub async fn verify(st: &AppState, no: &str) -> Result<Option<Verified>> {
    let no = no.trim();
    if no.len() > 40 || !no.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let mut conn = st.db.pool.acquire().await?;
    let Some(row) = sqlx::query(
        "SELECT course_id, account_id, passed_at FROM enrolments WHERE certificate_no = $1",
    )
    .bind(no)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let Some(c) = load_course(&mut conn, parse_uuid(&row.try_get::<String, _>(0)?)?).await? else {
        return Ok(None);
    };
    let Some(person) = who(&mut conn, parse_uuid(&row.try_get::<String, _>(1)?)?).await? else {
        return Ok(None);
    };
    let at: Option<i64> = row.try_get(2)?;
    Ok(Some(Verified {
        title: c.course.certificate_title,
        name: person.name,
        course: c.course.title,
        issuer: c.unit.body.name,
        date: at
            .map(|a| huiji_domain::time::today_cst(a).to_string())
            .unwrap_or_default(),
        number: no.to_owned(),
    }))
}

/// The verification page: the certificate's facts, or that there is no such certificate.
pub fn verify_page(v: Option<&Verified>) -> String {
    use crate::receipt::html_escape as e;
    let body = match v {
        Some(v) => format!(
            "<h1 data-testid=\"cert-valid\">证书有效</h1><dl>\
             <dt>证书</dt><dd>{}</dd><dt>持证人</dt><dd data-testid=\"cert-name\">{}</dd>\
             <dt>课程</dt><dd>{}</dd><dt>颁发单位</dt><dd>{}</dd><dt>发证日期</dt><dd>{}</dd>\
             <dt>证书编号</dt><dd>{}</dd></dl>",
            e(&v.title),
            e(&v.name),
            e(&v.course),
            e(&v.issuer),
            e(&v.date),
            e(&v.number)
        ),
        None => "<h1 data-testid=\"cert-invalid\">未查到该证书</h1><p>请核对证书编号，或联系颁发单位。</p>".to_owned(),
    };
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>结业证书验证</title>\
         <style>body{{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:560px;margin:40px auto;padding:0 20px;color:#1f2933}}\
         dl{{display:grid;grid-template-columns:6em 1fr;gap:8px 12px}}dt{{color:#52606d}}dd{{margin:0}}h1{{font-size:22px}}</style></head>\
         <body>{body}</body></html>"
    )
}

/// Whether attachment `id` is a picture of a lesson `user` may read (an active
/// enrolment in its published course, or a manager of the course).
pub async fn lesson_picture_for(st: &AppState, user: &AuthUser, id: Uuid) -> Result<bool> {
    let mut conn = st.db.pool.acquire().await?;
    let ids: Vec<String> = sqlx::query("SELECT id FROM courses WHERE body LIKE $1")
        .bind(format!("%{id}%"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    for cid in ids {
        let Some(c) = load_course(&mut conn, parse_uuid(&cid)?).await? else {
            continue;
        };
        if !c.course.lessons.iter().any(|l| l.images.contains(&id)) {
            continue;
        }
        if manages(user, &c) {
            return Ok(true);
        }
        if c.published
            && load_enrolment(&mut conn, c.id, user.id())
                .await?
                .is_some_and(|e| e.active)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The demo's course: 南京医科大学工会's 职工心理健康基础, free for its members, ¥99 for
/// anyone else, three lessons, published. Loaded once.
pub async fn load_demo(st: &AppState) -> Result<()> {
    use crate::demo::demo_id;
    use huiji_domain::community::learning::Lesson;
    let id = demo_id("course:心理健康基础");
    let mut conn = st.db.writer.acquire().await?;
    if load_course(&mut conn, id).await?.is_some() {
        return Ok(());
    }
    let zhang = crate::accounts::find_by(st, "phone", "13900000001")
        .await?
        .map(|a| a.id)
        .ok_or_else(|| ApiError::internal("demo secretary missing".into()))?;
    let lesson = |title: &str, body: &str, secs: u32| Lesson {
        title: title.into(),
        body: body.into(),
        images: Vec::new(),
        min_read_secs: secs,
        credits: 10,
    };
    let course = Course {
        title: "职工心理健康基础".into(),
        intro: Some("了解压力的来源，学会三种简单的自我调节方法。会员免费，非会员99元。".into()),
        member_price_fen: 0,
        non_member_price_fen: 9_900,
        enrol_from: None,
        enrol_until: None,
        learn_from: None,
        learn_until: None,
        pass_score: 20,
        certificate_title: "职工心理健康基础结业证书".into(),
        lessons: vec![
            lesson(
                "认识工作压力",
                "压力本身并不是坏事。适度的压力让人专注，过度而持久的压力才会损害健康。\n\n\
                 常见的压力来源有：工作量、人际关系、角色不清和缺少掌控感。先写下最近一周让你紧张的三件事，\
                 并给每件事的紧张程度打分（1—10分）。",
                20,
            ),
            lesson(
                "三种自我调节方法",
                "一、腹式呼吸：吸气4秒，屏息2秒，呼气6秒，重复5次。\n\n\
                 二、肌肉放松：从脚到头，依次绷紧每组肌肉5秒，再放松10秒。\n\n\
                 三、记录与复盘：每天睡前用三句话记下今天做成的一件事。",
                30,
            ),
            lesson(
                "何时寻求帮助",
                "如果连续两周以上情绪低落、失眠或食欲明显改变，请及时联系单位工会或专业心理咨询机构。\
                 工会每月第一个周三下午提供免费心理咨询，可在「活动」中报名。",
                30,
            ),
        ],
    };
    learning::validate_course(&course)?;
    let now = st.now();
    sqlx::query(
        "INSERT INTO courses (id, node_id, body, published, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $5)",
    )
    .bind(id.to_string())
    .bind(demo_id("南京医科大学工会").to_string())
    .bind(serde_json::to_string(&course).map_err(internal)?)
    .bind(zhang.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
