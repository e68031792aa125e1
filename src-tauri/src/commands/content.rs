//! Community content (供需大厅, 荣誉证书, 专家, 风采). Thin calls into
//! `huiji_offline::app::AppCore`.

use huiji_domain::community::content::{ContentForm, MyItem};
use huiji_offline::app::content::{HallFilter, HallScreen, MyContentScreen, ShowcaseScreen};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn content_hall(state: State<'_, AppState>, filter: HallFilter) -> CmdResult<HallScreen> {
    Ok(state.core.content_hall(&filter).await?)
}

#[tauri::command]
pub async fn content_mine(state: State<'_, AppState>) -> CmdResult<MyContentScreen> {
    Ok(state.core.content_mine().await?)
}

#[tauri::command]
pub async fn content_post(
    state: State<'_, AppState>,
    id: String,
    form: ContentForm,
) -> CmdResult<MyItem> {
    Ok(state.core.content_post(&id, &form).await?)
}

#[tauri::command]
pub async fn content_edit(
    state: State<'_, AppState>,
    id: String,
    form: ContentForm,
) -> CmdResult<MyItem> {
    Ok(state.core.content_edit(&id, &form).await?)
}

#[tauri::command]
pub async fn content_shelf(
    state: State<'_, AppState>,
    id: String,
    on_shelf: bool,
) -> CmdResult<MyItem> {
    Ok(state.core.content_shelf(&id, on_shelf).await?)
}

#[tauri::command]
pub async fn content_delete(state: State<'_, AppState>, id: String) -> CmdResult<MyItem> {
    Ok(state.core.content_delete(&id).await?)
}

#[tauri::command]
pub async fn member_showcases(state: State<'_, AppState>) -> CmdResult<ShowcaseScreen> {
    Ok(state.core.member_showcases().await?)
}
