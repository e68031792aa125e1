use huiji_offline::app::SyncStatusView;
use tauri::{AppHandle, Runtime, State};

use crate::error::CmdResult;
use crate::state::AppState;
use crate::sync_task::emitter;

#[tauri::command]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<SyncStatusView> {
    Ok(state.core.sync_now(&emitter(app)).await?)
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatusView> {
    Ok(state.core.sync_status()?)
}
