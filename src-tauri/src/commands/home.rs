use huiji_offline::app::{HomeSummary, MemberPage, MemberQuery};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub fn home_summary(state: State<'_, AppState>) -> CmdResult<HomeSummary> {
    Ok(state.core.home_summary()?)
}

#[tauri::command]
pub fn search_members(state: State<'_, AppState>, query: MemberQuery) -> CmdResult<MemberPage> {
    Ok(state.core.search_members(&query)?)
}
