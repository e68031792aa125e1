//! Approvals, memberships, the inbox, attachments and organisation registration.
//! Thin calls into `huiji_offline::app`.

use huiji_domain::wire::OrgRegisterStatus;
use huiji_domain::workflow::{
    Attachment, MembershipStatus, OrgProfile, OrgRegistrationForm, RequestKind,
};
use huiji_offline::app::{
    AttachmentData, BulkResult, DelegateCandidate, MembershipPage, MembershipQuery,
    MembershipRecordView, NotificationView, RequestCounts, RequestDetail, RequestPage,
    RequestQuery, ServiceView, SessionView, SmsSent, UnitOption, WorkflowIssue,
};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub fn requests_list(state: State<'_, AppState>, query: RequestQuery) -> CmdResult<RequestPage> {
    Ok(state.core.requests_list(&query)?)
}

#[tauri::command]
pub fn request_counts(state: State<'_, AppState>) -> CmdResult<RequestCounts> {
    Ok(state.core.request_counts()?)
}

#[tauri::command]
pub fn request_detail(state: State<'_, AppState>, id: String) -> CmdResult<RequestDetail> {
    Ok(state.core.request_detail(&id)?)
}

#[tauri::command]
pub async fn request_submit(
    state: State<'_, AppState>,
    kind: RequestKind,
    form: serde_json::Value,
    attachments: Vec<Attachment>,
    sms_code: Option<String>,
) -> CmdResult<RequestDetail> {
    let d = state
        .core
        .request_submit(kind, form, attachments, sms_code)
        .await?;
    state.kick.notify_one();
    Ok(d)
}

#[tauri::command]
pub async fn request_act(
    state: State<'_, AppState>,
    id: String,
    action: serde_json::Value,
) -> CmdResult<RequestDetail> {
    let d = state.core.request_act(&id, action).await?;
    state.kick.notify_one();
    Ok(d)
}

#[tauri::command]
pub async fn requests_bulk_approve(
    state: State<'_, AppState>,
    ids: Vec<String>,
    comment: Option<String>,
) -> CmdResult<BulkResult> {
    let r = state.core.requests_bulk_approve(&ids, comment).await?;
    state.kick.notify_one();
    Ok(r)
}

#[tauri::command]
pub fn workflow_issues(state: State<'_, AppState>) -> CmdResult<Vec<WorkflowIssue>> {
    Ok(state.core.workflow_issues()?)
}

#[tauri::command]
pub fn workflow_issue_dismiss(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    Ok(state.core.workflow_issue_dismiss(&id)?)
}

#[tauri::command]
pub fn units_children(
    state: State<'_, AppState>,
    parent_id: Option<String>,
) -> CmdResult<Vec<UnitOption>> {
    Ok(state.core.units_children(parent_id.as_deref())?)
}

#[tauri::command]
pub fn units_search(state: State<'_, AppState>, text: String) -> CmdResult<Vec<UnitOption>> {
    Ok(state.core.units_search(&text)?)
}

#[tauri::command]
pub fn my_memberships(state: State<'_, AppState>) -> CmdResult<Vec<MembershipRecordView>> {
    Ok(state.core.my_memberships()?)
}

#[tauri::command]
pub fn unit_memberships(
    state: State<'_, AppState>,
    query: MembershipQuery,
) -> CmdResult<MembershipPage> {
    Ok(state.core.unit_memberships(&query)?)
}

#[tauri::command]
pub fn delegation_candidates(
    state: State<'_, AppState>,
    request_id: String,
    text: String,
) -> CmdResult<Vec<DelegateCandidate>> {
    Ok(state.core.delegation_candidates(&request_id, &text)?)
}

#[tauri::command]
pub async fn membership_set_status(
    state: State<'_, AppState>,
    id: String,
    status: Option<MembershipStatus>,
    reason: String,
) -> CmdResult<MembershipRecordView> {
    let m = state
        .core
        .membership_set_status(&id, status, &reason)
        .await?;
    state.kick.notify_one();
    Ok(m)
}

#[tauri::command]
pub async fn membership_renew(
    state: State<'_, AppState>,
    id: String,
    end_on: String,
) -> CmdResult<MembershipRecordView> {
    let m = state.core.membership_renew(&id, &end_on).await?;
    state.kick.notify_one();
    Ok(m)
}

#[tauri::command]
pub fn notifications_list(state: State<'_, AppState>) -> CmdResult<Vec<NotificationView>> {
    Ok(state.core.notifications_list()?)
}

#[tauri::command]
pub fn notification_read(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    Ok(state.core.notification_read(&id)?)
}

#[tauri::command]
pub async fn attachment_upload(
    state: State<'_, AppState>,
    name: String,
    bytes: Vec<u8>,
) -> CmdResult<Attachment> {
    Ok(state.core.attachment_upload(&name, bytes).await?)
}

#[tauri::command]
pub async fn attachment_fetch(state: State<'_, AppState>, id: String) -> CmdResult<AttachmentData> {
    Ok(state.core.attachment_fetch(&id).await?)
}

#[tauri::command]
pub fn services_list(state: State<'_, AppState>) -> CmdResult<Vec<ServiceView>> {
    Ok(state.core.services_list()?)
}

#[tauri::command]
pub async fn send_verify_code(state: State<'_, AppState>) -> CmdResult<SmsSent> {
    Ok(state.core.send_verify_code().await?)
}

#[tauri::command]
pub async fn org_associations(state: State<'_, AppState>) -> CmdResult<Vec<UnitOption>> {
    Ok(state.core.org_associations().await?)
}

#[tauri::command]
pub async fn org_register(
    state: State<'_, AppState>,
    association_id: String,
    form: OrgRegistrationForm,
    password: String,
    agreed: bool,
) -> CmdResult<OrgRegisterStatus> {
    Ok(state
        .core
        .org_register(&association_id, &form, &password, agreed)
        .await?)
}

#[tauri::command]
pub async fn org_register_status(
    state: State<'_, AppState>,
    q: String,
) -> CmdResult<OrgRegisterStatus> {
    Ok(state.core.org_register_status(&q).await?)
}

#[tauri::command]
pub async fn org_profile_get(state: State<'_, AppState>) -> CmdResult<OrgProfile> {
    Ok(state.core.org_profile_get().await?)
}

#[tauri::command]
pub async fn org_profile_save(
    state: State<'_, AppState>,
    profile: OrgProfile,
) -> CmdResult<SessionView> {
    let s = state.core.org_profile_save(&profile).await?;
    state.kick.notify_one();
    Ok(s)
}
