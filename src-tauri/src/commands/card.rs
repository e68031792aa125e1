//! The member's electronic business card (电子名片). Thin calls into
//! `huiji_offline::app::AppCore`.

use huiji_domain::community::card::CardSettings;
use huiji_offline::app::card::CardScreen;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn card_get(state: State<'_, AppState>) -> CmdResult<CardScreen> {
    Ok(state.core.my_card().await?)
}

#[tauri::command]
pub async fn card_save(
    state: State<'_, AppState>,
    settings: CardSettings,
) -> CmdResult<CardScreen> {
    Ok(state.core.card_save(&settings).await?)
}

#[tauri::command]
pub async fn card_share(state: State<'_, AppState>) -> CmdResult<CardScreen> {
    Ok(state.core.card_share().await?)
}

#[tauri::command]
pub async fn card_revoke(state: State<'_, AppState>) -> CmdResult<CardScreen> {
    Ok(state.core.card_revoke().await?)
}
