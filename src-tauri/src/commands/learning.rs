//! The learning platform (学习平台). Thin calls into `huiji_offline::app::AppCore`.

use huiji_domain::community::learning::{Course, CourseDetail, EnrolmentView, ReadSignal};
use huiji_offline::app::dues::views::SavedFile;
use huiji_offline::app::learning::{CourseListScreen, CourseScreen};
use tauri::{AppHandle, State};

use crate::commands::dues::downloads;
use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
pub async fn courses_list(state: State<'_, AppState>) -> CmdResult<CourseListScreen> {
    Ok(state.core.courses().await?)
}

#[tauri::command]
pub async fn course_get(state: State<'_, AppState>, id: String) -> CmdResult<CourseScreen> {
    Ok(state.core.course(&id).await?)
}

#[tauri::command]
pub async fn course_enrol(state: State<'_, AppState>, id: String) -> CmdResult<CourseDetail> {
    Ok(state.core.course_enrol(&id).await?)
}

#[tauri::command]
pub async fn course_read(
    state: State<'_, AppState>,
    id: String,
    lesson: u32,
    signal: ReadSignal,
) -> CmdResult<EnrolmentView> {
    Ok(state.core.course_read(&id, lesson, signal).await?)
}

#[tauri::command]
pub async fn course_certificate(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedFile> {
    Ok(state.core.course_certificate(&id, &downloads(&app)).await?)
}

#[tauri::command]
pub async fn course_save(
    state: State<'_, AppState>,
    id: Option<String>,
    node_id: String,
    course: Course,
) -> CmdResult<CourseDetail> {
    Ok(state
        .core
        .course_save(id.as_deref(), &node_id, &course)
        .await?)
}

#[tauri::command]
pub async fn course_publish(
    state: State<'_, AppState>,
    id: String,
    published: bool,
) -> CmdResult<CourseDetail> {
    Ok(state.core.course_publish(&id, published).await?)
}
