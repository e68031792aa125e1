//! The checkpoint (seed 002): scanning, assisted registration, my health code, sites
//! and the health authority's desk. Thin calls into `huiji_offline::app`.

use huiji_domain::credential::Direction;
use huiji_domain::wire::{
    HealthStatusResult, ImportReport, NodeView, ScannerView, SetHealthStatusRequest,
};
use huiji_offline::app::{
    AppError, AssistedInput, AssistedResultView, CheckpointStatusView, EventView, HealthCodeView,
    RiskRegionView, ScanMode, ScanRowView, ScanVerdictView, SiteForm, SiteStatsView, SiteView,
    SmsSent, TicketView,
};
use serde::Deserialize;
use tauri::State;

use crate::error::{CmdError, CmdResult};
use crate::state::AppState;

/// What the scanner checks: `{ "kind": "health" }` or
/// `{ "kind": "ticket", "event_id": "…", "direction": "in", "reentry_allowed": true }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModeArg {
    Health,
    Ticket {
        event_id: String,
        direction: Direction,
        #[serde(default)]
        reentry_allowed: bool,
    },
}

impl ModeArg {
    fn mode(&self) -> CmdResult<ScanMode> {
        Ok(match self {
            ModeArg::Health => ScanMode::Health,
            ModeArg::Ticket {
                event_id,
                direction,
                reentry_allowed,
            } => ScanMode::Ticket {
                event: uuid::Uuid::parse_str(event_id).map_err(|_| {
                    CmdError(AppError {
                        code: "BadId".into(),
                        message: "活动编号格式不正确".into(),
                    })
                })?,
                direction: *direction,
                reentry_allowed: *reentry_allowed,
            },
        })
    }
}

#[tauri::command]
pub fn checkpoint_verify(
    state: State<'_, AppState>,
    text: String,
    mode: ModeArg,
) -> CmdResult<ScanVerdictView> {
    Ok(state.core.checkpoint_verify(&text, mode.mode()?)?)
}

#[tauri::command]
pub fn checkpoint_record(
    state: State<'_, AppState>,
    text: String,
    mode: ModeArg,
    temperature: Option<String>,
    remark: Option<String>,
) -> CmdResult<ScanVerdictView> {
    let v = state.core.checkpoint_record(
        &text,
        mode.mode()?,
        temperature.as_deref(),
        remark.as_deref(),
    )?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub fn checkpoint_status(state: State<'_, AppState>) -> CmdResult<CheckpointStatusView> {
    Ok(state.core.checkpoint_status()?)
}

#[tauri::command]
pub fn checkpoint_recent(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<ScanRowView>> {
    Ok(state.core.checkpoint_recent(limit)?)
}

#[cfg(desktop)]
fn qr_error(e: &huiji_qr::QrError) -> CmdError {
    CmdError(AppError {
        code: e.code().to_owned(),
        message: e.message().to_owned(),
    })
}

/// Decoding runs off the UI thread: a large photo takes a while.
#[cfg(desktop)]
async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, huiji_qr::QrError> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| {
            CmdError(AppError {
                code: "qr.decoder_failed".into(),
                message: "二维码识别失败".into(),
            })
        })?
        .map_err(|e| qr_error(&e))
}

/// Decodes the QR codes in an image file or a pasted image (bytes from the webview).
#[tauri::command]
pub async fn decode_qr_image(bytes: Vec<u8>) -> CmdResult<Vec<String>> {
    #[cfg(desktop)]
    return off_thread(move || huiji_qr::decode_image_bytes(&bytes)).await;
    #[cfg(mobile)]
    return Err(camera_only(bytes.len()));
}

/// On phones the camera plugin reads codes; images are not decoded in Rust there.
#[cfg(mobile)]
fn camera_only(_: usize) -> CmdError {
    CmdError(AppError {
        code: "qr.camera_only".into(),
        message: "手机上请使用相机扫码".into(),
    })
}

/// Decodes one webcam frame (RGBA from a canvas).
#[tauri::command]
pub async fn decode_qr_frame(width: u32, height: u32, rgba: Vec<u8>) -> CmdResult<Vec<String>> {
    #[cfg(desktop)]
    return off_thread(move || huiji_qr::decode_rgba(width, height, &rgba)).await;
    #[cfg(mobile)]
    return Err(camera_only(
        rgba.len() + (width as usize) * (height as usize),
    ));
}

#[tauri::command]
pub async fn assisted_send_code(state: State<'_, AppState>, phone: String) -> CmdResult<SmsSent> {
    Ok(state.core.assisted_send_code(&phone).await?)
}

#[tauri::command]
pub async fn assisted_register(
    state: State<'_, AppState>,
    input: AssistedInput,
) -> CmdResult<AssistedResultView> {
    let r = state.core.assisted_register(&input).await?;
    state.kick.notify_one();
    Ok(r)
}

#[tauri::command]
pub async fn my_health_code(state: State<'_, AppState>) -> CmdResult<HealthCodeView> {
    Ok(state.core.my_health_code().await?)
}

#[tauri::command]
pub fn sites_list(state: State<'_, AppState>) -> CmdResult<Vec<SiteView>> {
    Ok(state.core.sites_list()?)
}

#[tauri::command]
pub async fn site_create(state: State<'_, AppState>, form: SiteForm) -> CmdResult<NodeView> {
    let v = state.core.site_create(&form).await?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub async fn site_edit(
    state: State<'_, AppState>,
    id: String,
    form: SiteForm,
) -> CmdResult<NodeView> {
    let v = state.core.site_edit(&id, &form).await?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub async fn site_scanners(state: State<'_, AppState>, id: String) -> CmdResult<Vec<ScannerView>> {
    Ok(state.core.site_scanners(&id).await?)
}

#[tauri::command]
pub async fn site_add_scanner(
    state: State<'_, AppState>,
    id: String,
    phone: String,
    name: String,
) -> CmdResult<ScannerView> {
    Ok(state.core.site_add_scanner(&id, &phone, &name).await?)
}

#[tauri::command]
pub async fn site_stats(state: State<'_, AppState>) -> CmdResult<SiteStatsView> {
    Ok(state.core.site_stats().await?)
}

#[tauri::command]
pub async fn health_set_status(
    state: State<'_, AppState>,
    request: SetHealthStatusRequest,
) -> CmdResult<HealthStatusResult> {
    Ok(state.core.health_set_status(&request).await?)
}

#[tauri::command]
pub async fn health_import_csv(state: State<'_, AppState>, csv: String) -> CmdResult<ImportReport> {
    Ok(state.core.health_import_csv(&csv).await?)
}

#[tauri::command]
pub fn risk_regions(state: State<'_, AppState>) -> CmdResult<Vec<RiskRegionView>> {
    Ok(state.core.risk_regions()?)
}

#[tauri::command]
pub fn risk_region_add(
    state: State<'_, AppState>,
    code: String,
    name: String,
) -> CmdResult<Vec<RiskRegionView>> {
    let v = state.core.risk_region_add(&code, &name)?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub fn risk_region_remove(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<RiskRegionView>> {
    let v = state.core.risk_region_remove(&id)?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub fn events_list(state: State<'_, AppState>) -> CmdResult<Vec<EventView>> {
    Ok(state.core.events_list()?)
}

#[tauri::command]
pub async fn my_ticket(state: State<'_, AppState>, event_id: String) -> CmdResult<TicketView> {
    Ok(state.core.my_ticket(&event_id).await?)
}

#[tauri::command]
pub async fn event_attendance(
    state: State<'_, AppState>,
    event_id: String,
) -> CmdResult<huiji_domain::wire::AttendanceView> {
    Ok(state.core.event_attendance(&event_id).await?)
}
