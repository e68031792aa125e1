//! Events, registrations, check-ins, questionnaires and lotteries over HTTP (seed 004
//! §七, §八, §十一). Tickets and venue codes themselves are in `routes::events`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use huiji_domain::events::survey::SurveyResults;
use huiji_domain::events::wire::{
    AnswerItem, AttendanceReport, Batch, CheckinItem, CodeResponse, EventSave, LotteryCreate,
    LotteryEnterItem, LotteryEntrants, ManualCheckin, RegisterRequest, RegistrationDecision,
    SurveySave,
};
use huiji_domain::wire::{ActionBatchResponse, Record};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::Result;
use crate::events::{self, attendance, lottery, registrations, surveys};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", post(save_event))
        .route("/api/v1/events/checkins", post(venue_checkins))
        .route(
            "/api/v1/events/{id}/registrations",
            post(register).get(registrations_list),
        )
        .route("/api/v1/events/{id}/manual-checkin", post(manual_checkin))
        .route("/api/v1/events/{id}/report", get(report))
        .route("/api/v1/events/{id}/report/export", get(report_export))
        .route("/api/v1/events/{id}/venue-poster", get(venue_poster))
        .route("/api/v1/registrations/{id}/cancel", post(cancel))
        .route("/api/v1/registrations/{id}/decision", post(decide))
        .route("/api/v1/surveys", post(save_survey))
        .route("/api/v1/surveys/answers", post(answers))
        .route("/api/v1/surveys/{id}/results", get(results))
        .route("/api/v1/surveys/{id}/export", get(survey_export))
        .route("/api/v1/lotteries", post(create_lottery))
        .route("/api/v1/lotteries/entries", post(enter))
        .route("/api/v1/lotteries/{id}/code", get(lottery_code))
        .route("/api/v1/lotteries/{id}/poster", get(lottery_poster))
        .route("/api/v1/lotteries/{id}/draw", post(draw))
        .route("/api/v1/lotteries/{id}/entrants", get(entrants))
}

fn status(new: bool) -> StatusCode {
    if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

use crate::routes::dues::attachment as file;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Save an event at a node (a new one, or with `id` a new version; more places move the
/// waitlist up).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventSave,
    description = "Role: secretary (manage_events) at the node.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn save_event(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<EventSave>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = events::save_event(&st, &user, req).await?;
    Ok((status(new), Json(rec)))
}

/// Register for an event: a place, the waitlist, or waiting for approval. Sent again with
/// the same id: the same registration.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = Uuid, Path)), request_body = RegisterRequest,
    description = "Role: a member of the event's organisation (or anyone signed in for an open event).",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn register(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = registrations::register(&st, &user, id, req).await?;
    Ok((status(new), Json(rec)))
}

/// An event's registrations for its organisers, in queue order.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, body = Vec<Record>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn registrations_list(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<Record>>> {
    Ok(Json(registrations::list(&st, &user, id).await?))
}

/// The member cancels their registration (until the event starts).
#[utoipa::path(post, path = "/api/v1/registrations/{id}/cancel", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: the registration's member.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn cancel(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Record>> {
    Ok(Json(registrations::cancel(&st, &user, id).await?))
}

/// Approve (a place if free, else the waitlist) or refuse with a reason.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/decision", tag = "events", params(("id" = Uuid, Path)), request_body = RegistrationDecision,
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn decide(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RegistrationDecision>,
) -> Result<Json<Record>> {
    Ok(Json(registrations::decide(&st, &user, id, req).await?))
}

/// Check-ins made by scanning venue codes (from members' phones, perhaps hours later):
/// one result each; the same item sent again is a duplicate.
#[utoipa::path(post, path = "/api/v1/events/checkins", tag = "events", request_body = Batch<CheckinItem>,
    description = "Role: the member who scanned (registered for the event, or a member of its organisation when it needs no registration).",
    security(("bearer" = [])), responses((status = 200, body = ActionBatchResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn venue_checkins(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(b): ApiJson<Batch<CheckinItem>>,
) -> Result<Json<ActionBatchResponse>> {
    Ok(Json(attendance::venue_checkins(&st, &user, b).await?))
}

/// Check someone in or out by hand, with a reason.
#[utoipa::path(post, path = "/api/v1/events/{id}/manual-checkin", tag = "events", params(("id" = Uuid, Path)), request_body = ManualCheckin,
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn manual_checkin(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ManualCheckin>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = attendance::manual(&st, &user, id, req).await?;
    Ok((status(new), Json(rec)))
}

/// Attendance: registered, checked in, inside, left, one row per person.
#[utoipa::path(get, path = "/api/v1/events/{id}/report", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, body = AttendanceReport), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn report(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<AttendanceReport>> {
    Ok(Json(attendance::report(&st, &user, id).await?))
}

/// The attendance as XLSX.
#[utoipa::path(get, path = "/api/v1/events/{id}/report/export", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn report_export(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (name, bytes) = attendance::export(&st, &user, id).await?;
    Ok(file(&name, XLSX, bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PosterQuery {
    /// "in" (签到) or "out" (签退).
    pub direction: String,
}

/// The venue code as a poster to print (PDF with the event's name).
#[utoipa::path(get, path = "/api/v1/events/{id}/venue-poster", tag = "events", params(("id" = Uuid, Path), PosterQuery),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn venue_poster(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PosterQuery>,
) -> Result<Response> {
    let code = crate::routes::events::venue_code_for(&st, &user, id, &q.direction).await?;
    let (word, hint) = if q.direction == "out" {
        ("签退", "离场时请打开会籍App扫码签退")
    } else {
        ("签到", "到场后请打开会籍App「扫一扫」签到")
    };
    let pdf = crate::receipt::poster_pdf(&code.title, &format!("活动{word}码"), &code.text, hint);
    Ok(file(
        &format!("{}-{word}码.pdf", code.title),
        "application/pdf",
        pdf,
    ))
}

/// Save a questionnaire or vote at a node.
#[utoipa::path(post, path = "/api/v1/surveys", tag = "events", request_body = SurveySave,
    description = "Role: secretary (manage_events) at the node.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn save_survey(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<SurveySave>,
) -> Result<(StatusCode, Json<Record>)> {
    let (new, rec) = surveys::save(&st, &user, req).await?;
    Ok((status(new), Json(rec)))
}

/// Answers (perhaps made offline): one answer per person and survey.
#[utoipa::path(post, path = "/api/v1/surveys/answers", tag = "events", request_body = Batch<AnswerItem>,
    description = "Role: a member of the survey's organisation (or anyone signed in for an open survey).",
    security(("bearer" = [])), responses((status = 200, body = ActionBatchResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn answers(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(b): ApiJson<Batch<AnswerItem>>,
) -> Result<Json<ActionBatchResponse>> {
    Ok(Json(surveys::answer(&st, &user, b).await?))
}

/// The tally (organisers; answerers as the survey allows, without free text).
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the survey's node, or an answerer when the survey shows results.",
    security(("bearer" = [])), responses((status = 200, body = SurveyResults), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn results(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SurveyResults>> {
    Ok(Json(surveys::results(&st, &user, id).await?))
}

/// The results as XLSX.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/export", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the survey's node.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn survey_export(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (name, bytes) = surveys::export(&st, &user, id).await?;
    Ok(file(&name, XLSX, bytes))
}

/// Make a lottery (its seed is made and published now, before anyone enters).
#[utoipa::path(post, path = "/api/v1/lotteries", tag = "events", request_body = LotteryCreate,
    description = "Role: secretary (manage_events) at the node.",
    security(("bearer" = [])), responses((status = 201, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn create_lottery(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<LotteryCreate>,
) -> Result<(StatusCode, Json<Record>)> {
    Ok((
        StatusCode::CREATED,
        Json(lottery::create(&st, &user, req).await?),
    ))
}

/// Entries made by scanning a lottery's code: one per person.
#[utoipa::path(post, path = "/api/v1/lotteries/entries", tag = "events", request_body = Batch<LotteryEnterItem>,
    description = "Role: a member of the lottery's organisation.",
    security(("bearer" = [])), responses((status = 200, body = ActionBatchResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody)))]
pub async fn enter(
    State(st): State<AppState>,
    user: AuthUser,
    ApiJson(b): ApiJson<Batch<LotteryEnterItem>>,
) -> Result<Json<ActionBatchResponse>> {
    Ok(Json(lottery::enter(&st, &user, b).await?))
}

/// The lottery's code (a signed credential) to show.
#[utoipa::path(get, path = "/api/v1/lotteries/{id}/code", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the lottery's node.",
    security(("bearer" = [])), responses((status = 200, body = CodeResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn lottery_code(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CodeResponse>> {
    Ok(Json(lottery::code(&st, &user, id).await?))
}

/// The lottery's code as a poster (PDF).
#[utoipa::path(get, path = "/api/v1/lotteries/{id}/poster", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the lottery's node.",
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn lottery_poster(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let code = lottery::code(&st, &user, id).await?;
    let pdf = crate::receipt::poster_pdf(
        &code.title,
        "抽奖签到码",
        &code.text,
        "打开会籍App「扫一扫」参加抽奖",
    );
    Ok(file(
        &format!("{}-抽奖码.pdf", code.title),
        "application/pdf",
        pdf,
    ))
}

/// Draw every prize (once).
#[utoipa::path(post, path = "/api/v1/lotteries/{id}/draw", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the lottery's node.",
    security(("bearer" = [])), responses((status = 200, body = Record), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody)))]
pub async fn draw(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Record>> {
    Ok(Json(lottery::draw(&st, &user, id).await?))
}

/// The entrants in the draw's order, with the seed: enough to run the draw again.
#[utoipa::path(get, path = "/api/v1/lotteries/{id}/entrants", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: a member of the lottery's organisation.",
    security(("bearer" = [])), responses((status = 200, body = LotteryEntrants), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 401, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn entrants(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<LotteryEntrants>> {
    Ok(Json(lottery::entrants(&st, &user, id).await?))
}
