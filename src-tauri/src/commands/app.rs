use std::sync::atomic::{AtomicBool, Ordering};

use huiji_offline::app::AppInfo;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

static FIRST_CALL: AtomicBool = AtomicBool::new(true);

/// The UI's first call after it mounts. With `HUIJI_STARTUP_PROBE=1` the app prints when
/// it came, so the start-up benchmark can time launch → first screen from outside.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    if FIRST_CALL.swap(false, Ordering::SeqCst) && std::env::var_os("HUIJI_STARTUP_PROBE").is_some()
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        println!("huiji-app first screen at {now}");
    }
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
