//! 在校师生 (seed 003): institution number login, binding a phone, unbinding.

use huiji_offline::app::{
    InstitutionBindingView, InstitutionLoginView, InstitutionOption, InstitutionUnbindView,
    SessionView,
};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn institutions_list(state: State<'_, AppState>) -> CmdResult<Vec<InstitutionOption>> {
    Ok(state.core.institutions_list().await?)
}

#[tauri::command]
pub async fn institution_login(
    state: State<'_, AppState>,
    institution_id: String,
    number: String,
    password: String,
) -> CmdResult<InstitutionLoginView> {
    let v = state
        .core
        .institution_login(&institution_id, &number, &password)
        .await?;
    if v.session.is_some() {
        state.kick.notify_one();
    }
    Ok(v)
}

#[tauri::command]
pub async fn institution_bind(
    state: State<'_, AppState>,
    ticket: String,
    phone: String,
    code: String,
) -> CmdResult<SessionView> {
    let s = state.core.institution_bind(&ticket, &phone, &code).await?;
    state.kick.notify_one();
    Ok(s)
}

#[tauri::command]
pub async fn institution_unbind(
    state: State<'_, AppState>,
    institution_id: String,
    number: Option<String>,
    password: Option<String>,
) -> CmdResult<InstitutionUnbindView> {
    let v = state
        .core
        .institution_unbind(&institution_id, number.as_deref(), password.as_deref())
        .await?;
    // The membership the binding made has ended: the device hears of it at once.
    if v.session.is_some() {
        state.kick.notify_one();
    }
    Ok(v)
}

#[tauri::command]
pub async fn institution_bindings(
    state: State<'_, AppState>,
) -> CmdResult<Vec<InstitutionBindingView>> {
    Ok(state.core.institution_bindings().await?)
}
