use huiji_offline::app::{AppInfo, FieldIssue, SessionView, SmsSent};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn send_sms_code(state: State<'_, AppState>, phone: String) -> CmdResult<SmsSent> {
    Ok(state.core.send_sms_code(&phone).await?)
}

#[tauri::command]
pub async fn login_sms(
    state: State<'_, AppState>,
    phone: String,
    code: String,
) -> CmdResult<SessionView> {
    let s = state.core.login_sms(&phone, &code).await?;
    state.kick.notify_one();
    Ok(s)
}

#[tauri::command]
pub async fn login_password(
    state: State<'_, AppState>,
    phone: String,
    password: String,
) -> CmdResult<SessionView> {
    let s = state.core.login_password(&phone, &password).await?;
    state.kick.notify_one();
    Ok(s)
}

#[tauri::command]
pub async fn login_org(
    state: State<'_, AppState>,
    credit_code: String,
    password: String,
) -> CmdResult<SessionView> {
    let s = state.core.login_org(&credit_code, &password).await?;
    state.kick.notify_one();
    Ok(s)
}

#[tauri::command]
pub fn check_registration(
    state: State<'_, AppState>,
    phone: String,
    real_name: String,
    id_number: String,
) -> Vec<FieldIssue> {
    state
        .core
        .check_registration(&phone, &real_name, &id_number)
}

#[tauri::command]
pub async fn complete_profile(
    state: State<'_, AppState>,
    real_name: String,
    id_number: String,
    password: Option<String>,
) -> CmdResult<SessionView> {
    Ok(state
        .core
        .complete_profile(&real_name, &id_number, password.as_deref())
        .await?)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    Ok(state.core.logout().await?)
}
