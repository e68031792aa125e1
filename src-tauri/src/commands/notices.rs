//! News and notices, and the member's subscription settings. Thin calls into
//! `huiji_offline::app::AppCore`.

use huiji_domain::workflow::NotifyPrefs;
use huiji_offline::app::notices::{NoticeForm, NoticePublished};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn notice_publish(
    state: State<'_, AppState>,
    form: NoticeForm,
) -> CmdResult<NoticePublished> {
    Ok(state.core.notice_publish(&form).await?)
}

#[tauri::command]
pub async fn notify_prefs_get(state: State<'_, AppState>) -> CmdResult<NotifyPrefs> {
    Ok(state.core.notify_prefs().await?)
}

#[tauri::command]
pub async fn notify_prefs_set(
    state: State<'_, AppState>,
    prefs: NotifyPrefs,
) -> CmdResult<NotifyPrefs> {
    Ok(state.core.notify_prefs_set(&prefs).await?)
}
