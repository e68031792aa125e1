//! Events, questionnaires/votes and lotteries: thin calls into `huiji_offline::app`
//! (see `activities.rs` there); files go to the downloads folder.

use huiji_domain::events::lottery::Prize;
use huiji_domain::events::survey::{AnswerValue, SurveyBody, SurveyResults};
use huiji_domain::events::wire::AttendanceReport;
use huiji_domain::events::EventBody;
use huiji_offline::app::{
    ActivityUnit, ActivityView, CodeView, DrawCheck, LotteryView, MemberScanView, MyPrize,
    RegistrationRow, SavedFile, SurveyView,
};
use tauri::{AppHandle, State};

use super::dues::downloads;
use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub fn activities(state: State<'_, AppState>) -> CmdResult<Vec<ActivityView>> {
    Ok(state.core.activities()?)
}

#[tauri::command]
pub fn activity_detail(state: State<'_, AppState>, id: String) -> CmdResult<ActivityView> {
    Ok(state.core.activity_detail(&id)?)
}

#[tauri::command]
pub fn my_activities(state: State<'_, AppState>) -> CmdResult<Vec<ActivityView>> {
    Ok(state.core.my_activities()?)
}

#[tauri::command]
pub async fn event_register(state: State<'_, AppState>, id: String) -> CmdResult<ActivityView> {
    Ok(state.core.event_register(&id).await?)
}

#[tauri::command]
pub async fn event_cancel(state: State<'_, AppState>, id: String) -> CmdResult<ActivityView> {
    Ok(state.core.event_cancel(&id).await?)
}

#[tauri::command]
pub async fn member_scan(state: State<'_, AppState>, text: String) -> CmdResult<MemberScanView> {
    Ok(state.core.member_scan(&text).await?)
}

#[tauri::command]
pub fn surveys_list(state: State<'_, AppState>) -> CmdResult<Vec<SurveyView>> {
    Ok(state.core.surveys()?)
}

#[tauri::command]
pub fn survey_detail(state: State<'_, AppState>, id: String) -> CmdResult<SurveyView> {
    Ok(state.core.survey_detail(&id)?)
}

#[tauri::command]
pub async fn survey_answer(
    state: State<'_, AppState>,
    id: String,
    answers: Vec<AnswerValue>,
) -> CmdResult<SurveyView> {
    Ok(state.core.survey_answer(&id, answers).await?)
}

#[tauri::command]
pub async fn survey_results(state: State<'_, AppState>, id: String) -> CmdResult<SurveyResults> {
    Ok(state.core.survey_results(&id).await?)
}

#[tauri::command]
pub fn lotteries_list(state: State<'_, AppState>) -> CmdResult<Vec<LotteryView>> {
    Ok(state.core.lotteries()?)
}

#[tauri::command]
pub fn lottery_detail(state: State<'_, AppState>, id: String) -> CmdResult<LotteryView> {
    Ok(state.core.lottery_detail(&id)?)
}

#[tauri::command]
pub fn my_prizes(state: State<'_, AppState>) -> CmdResult<Vec<MyPrize>> {
    Ok(state.core.my_prizes()?)
}

#[tauri::command]
pub async fn lottery_check(state: State<'_, AppState>, id: String) -> CmdResult<DrawCheck> {
    Ok(state.core.lottery_check(&id).await?)
}

#[tauri::command]
pub fn activity_units(state: State<'_, AppState>) -> CmdResult<Vec<ActivityUnit>> {
    Ok(state.core.activity_units()?)
}

#[tauri::command]
pub async fn event_save(
    state: State<'_, AppState>,
    id: Option<String>,
    node_id: String,
    event: EventBody,
) -> CmdResult<ActivityView> {
    Ok(state
        .core
        .event_save(id.as_deref(), &node_id, event)
        .await?)
}

#[tauri::command]
pub async fn event_registrations(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<RegistrationRow>> {
    Ok(state.core.event_registrations(&id).await?)
}

#[tauri::command]
pub async fn registration_decide(
    state: State<'_, AppState>,
    id: String,
    approve: bool,
    reason: Option<String>,
) -> CmdResult<RegistrationRow> {
    Ok(state.core.registration_decide(&id, approve, reason).await?)
}

#[tauri::command]
pub async fn event_report(state: State<'_, AppState>, id: String) -> CmdResult<AttendanceReport> {
    Ok(state.core.event_report(&id).await?)
}

#[tauri::command]
pub async fn event_manual_checkin(
    state: State<'_, AppState>,
    id: String,
    ticket_id: String,
    direction: String,
    reason: String,
) -> CmdResult<AttendanceReport> {
    Ok(state
        .core
        .event_manual_checkin(&id, &ticket_id, &direction, &reason)
        .await?)
}

#[tauri::command]
pub async fn event_report_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedFile> {
    Ok(state
        .core
        .event_report_export(&id, &downloads(&app))
        .await?)
}

#[tauri::command]
pub async fn event_venue_code(
    state: State<'_, AppState>,
    id: String,
    direction: String,
) -> CmdResult<CodeView> {
    Ok(state.core.event_venue_code(&id, &direction).await?)
}

#[tauri::command]
pub async fn event_venue_poster(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    direction: String,
) -> CmdResult<SavedFile> {
    Ok(state
        .core
        .event_venue_poster(&id, &direction, &downloads(&app))
        .await?)
}

#[tauri::command]
pub async fn survey_save(
    state: State<'_, AppState>,
    id: Option<String>,
    node_id: String,
    survey: SurveyBody,
) -> CmdResult<SurveyView> {
    Ok(state
        .core
        .survey_save(id.as_deref(), &node_id, survey)
        .await?)
}

#[tauri::command]
pub async fn survey_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedFile> {
    Ok(state.core.survey_export(&id, &downloads(&app)).await?)
}

#[tauri::command]
pub async fn lottery_create(
    state: State<'_, AppState>,
    node_id: String,
    title: String,
    event_id: Option<String>,
    prizes: Vec<Prize>,
) -> CmdResult<LotteryView> {
    Ok(state
        .core
        .lottery_create(&node_id, &title, event_id.as_deref(), prizes)
        .await?)
}

#[tauri::command]
pub async fn lottery_code(state: State<'_, AppState>, id: String) -> CmdResult<CodeView> {
    Ok(state.core.lottery_code(&id).await?)
}

#[tauri::command]
pub async fn lottery_poster(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedFile> {
    Ok(state.core.lottery_poster(&id, &downloads(&app)).await?)
}

#[tauri::command]
pub async fn lottery_draw(state: State<'_, AppState>, id: String) -> CmdResult<LotteryView> {
    Ok(state.core.lottery_draw(&id).await?)
}
