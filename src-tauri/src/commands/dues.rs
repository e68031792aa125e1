//! Dues and payments: the member's orders and payments, the secretary's confirmation
//! queue, the ledger and its export, rules and billing. Thin calls into
//! `huiji_offline::app`; files go to the user's downloads folder.

use std::path::PathBuf;

use huiji_domain::dues::{DuesRule, GenerateReport, LedgerQuery, OfflinePaymentForm, OrderStatus};
use huiji_offline::app::{
    AttachmentData, DuesOrderView, DuesRuleView, DuesUnit, LedgerView, OnlinePayView, PaymentPage,
    PaymentQuery, PaymentView, SavedFile,
};
use tauri::{AppHandle, Manager, State};

use huiji_domain::DomainError;

use crate::error::CmdResult;

const OPEN_REFUSED: DomainError = DomainError::new(
    "OpenRefused",
    "只能打开本应用保存的文件或网页链接",
    "Only files this app saved and web links can be opened",
);
#[cfg(desktop)]
const OPEN_FAILED: DomainError = DomainError::new(
    "OpenFailed",
    "无法打开，请在下载文件夹中查看",
    "Could not open it; look in the downloads folder",
);
#[cfg(mobile)]
const OPEN_UNSUPPORTED: DomainError = DomainError::new(
    "OpenUnsupported",
    "请在手机的文件应用中查看",
    "Open it from the phone's files app",
);
use crate::state::AppState;

/// Where receipts and exports are saved: `HUIJI_DOWNLOAD_DIR`, else the user's
/// downloads folder, else the app's data folder.
pub(crate) fn downloads(app: &AppHandle) -> PathBuf {
    if let Some(d) = std::env::var_os("HUIJI_DOWNLOAD_DIR") {
        return PathBuf::from(d);
    }
    app.path()
        .download_dir()
        .or_else(|_| app.path().app_data_dir())
        .unwrap_or_else(|_| std::env::temp_dir())
}

fn image(name: Option<String>, bytes: Option<Vec<u8>>) -> Option<(String, Vec<u8>)> {
    bytes.map(|b| (name.unwrap_or_else(|| "凭证.jpg".into()), b))
}

#[tauri::command]
pub fn my_dues_orders(state: State<'_, AppState>) -> CmdResult<Vec<DuesOrderView>> {
    Ok(state.core.my_dues_orders()?)
}

#[tauri::command]
pub fn my_payments(state: State<'_, AppState>) -> CmdResult<Vec<PaymentView>> {
    Ok(state.core.my_payments()?)
}

#[tauri::command]
pub fn payment_detail(state: State<'_, AppState>, id: String) -> CmdResult<PaymentView> {
    Ok(state.core.payment_detail(&id)?)
}

#[tauri::command]
pub async fn payment_start_online(
    state: State<'_, AppState>,
    order_id: String,
    amount_fen: Option<i64>,
) -> CmdResult<OnlinePayView> {
    Ok(state
        .core
        .payment_start_online(&order_id, amount_fen)
        .await?)
}

#[tauri::command]
pub async fn payment_poll(state: State<'_, AppState>, id: String) -> CmdResult<PaymentView> {
    Ok(state.core.payment_poll(&id).await?)
}

#[tauri::command]
pub async fn payment_submit_offline(
    state: State<'_, AppState>,
    order_id: String,
    form: OfflinePaymentForm,
    image_name: Option<String>,
    image_bytes: Option<Vec<u8>>,
) -> CmdResult<PaymentView> {
    let v = state
        .core
        .payment_submit_offline(&order_id, form, image(image_name, image_bytes))
        .await?;
    state.kick.notify_one();
    Ok(v)
}

#[tauri::command]
pub async fn payment_act(
    state: State<'_, AppState>,
    id: String,
    action: serde_json::Value,
    image_name: Option<String>,
    image_bytes: Option<Vec<u8>>,
) -> CmdResult<Option<PaymentView>> {
    let r = state
        .core
        .payment_act(&id, action, image(image_name, image_bytes))
        .await;
    state.kick.notify_one();
    match r {
        Ok(v) => Ok(Some(v)),
        // Deleted: nothing left to show.
        Err(huiji_offline::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[tauri::command]
pub fn payment_dismiss(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    Ok(state.core.payment_dismiss(&id)?)
}

#[tauri::command]
pub async fn payment_proof(
    state: State<'_, AppState>,
    id: String,
    thumb: bool,
) -> CmdResult<AttachmentData> {
    Ok(state.core.payment_proof(&id, thumb).await?)
}

#[tauri::command]
pub async fn payment_receipt(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<SavedFile> {
    Ok(state.core.payment_receipt(&id, &downloads(&app)).await?)
}

#[tauri::command]
pub fn dues_units(state: State<'_, AppState>) -> CmdResult<Vec<DuesUnit>> {
    Ok(state.core.dues_units()?)
}

#[tauri::command]
pub fn payments_review(state: State<'_, AppState>, query: PaymentQuery) -> CmdResult<PaymentPage> {
    Ok(state.core.payments_review(&query)?)
}

#[tauri::command]
pub async fn payments_ledger(
    state: State<'_, AppState>,
    query: LedgerQuery,
) -> CmdResult<LedgerView> {
    Ok(state.core.payments_ledger(&query).await?)
}

#[tauri::command]
pub async fn payments_export(
    app: AppHandle,
    state: State<'_, AppState>,
    query: LedgerQuery,
    format: String,
) -> CmdResult<SavedFile> {
    Ok(state
        .core
        .payments_export(&query, &format, &downloads(&app))
        .await?)
}

#[tauri::command]
pub fn dues_orders_admin(
    state: State<'_, AppState>,
    unit_id: Option<String>,
    period: Option<String>,
    status: Option<OrderStatus>,
) -> CmdResult<Vec<DuesOrderView>> {
    Ok(state
        .core
        .dues_orders_admin(unit_id.as_deref(), period.as_deref(), status)?)
}

#[tauri::command]
pub fn dues_rules(state: State<'_, AppState>) -> CmdResult<Vec<DuesRuleView>> {
    Ok(state.core.dues_rules()?)
}

#[tauri::command]
pub async fn dues_rule_save(
    state: State<'_, AppState>,
    id: Option<String>,
    rule: DuesRule,
) -> CmdResult<DuesRuleView> {
    Ok(state.core.dues_rule_save(id.as_deref(), rule).await?)
}

#[tauri::command]
pub async fn dues_generate(
    state: State<'_, AppState>,
    unit_id: String,
    period: String,
) -> CmdResult<GenerateReport> {
    let r = state.core.dues_generate(&unit_id, &period).await?;
    // The new orders come down with the next sync.
    state.kick.notify_one();
    Ok(r)
}

#[tauri::command]
pub async fn dues_order_cancel(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> CmdResult<DuesOrderView> {
    Ok(state.core.dues_order_cancel(&id, &reason).await?)
}

/// Opens a file the app saved (a receipt, an export) or a payment page with the
/// system's own handler. Only files in the downloads folder and http(s) links.
#[tauri::command]
pub fn open_external(app: AppHandle, target: String) -> CmdResult<()> {
    let ok_url = target.starts_with("https://") || target.starts_with("http://");
    let ok_file = {
        let p = PathBuf::from(&target);
        let dir = downloads(&app);
        p.is_absolute()
            && p.exists()
            && p.canonicalize()
                .ok()
                .zip(dir.canonicalize().ok())
                .is_some_and(|(p, d)| p.starts_with(d))
    };
    if !ok_url && !ok_file {
        return Err(OPEN_REFUSED.into());
    }
    open_with_system(&target)
}

#[cfg(desktop)]
fn open_with_system(target: &str) -> CmdResult<()> {
    #[cfg(target_os = "macos")]
    let mut cmd = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut cmd = std::process::Command::new("explorer");
    #[cfg(all(unix, not(target_os = "macos")))]
    let mut cmd = std::process::Command::new("xdg-open");
    cmd.arg(target)
        .spawn()
        .map(|_| ())
        .map_err(|_| OPEN_FAILED.into())
}

// Phones open links and files through the share sheet of the platform (not yet wired).
#[cfg(mobile)]
fn open_with_system(_target: &str) -> CmdResult<()> {
    Err(OPEN_UNSUPPORTED.into())
}
