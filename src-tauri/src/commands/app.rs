use huiji_offline::app::AppInfo;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    Ok(state.core.app_info()?)
}

#[tauri::command]
pub fn set_server_url(state: State<'_, AppState>, url: String) -> CmdResult<AppInfo> {
    Ok(state.core.set_server_url(&url)?)
}

#[tauri::command]
pub fn set_locale(state: State<'_, AppState>, locale: String) -> CmdResult<AppInfo> {
    Ok(state.core.set_locale(&locale)?)
}
