//! The Tauri 2 shell of Huiji: window, commands, background sync. The work itself is in
//! `huiji_offline::app` (no Tauri), which the commands call.

mod commands;
pub mod error;
mod state;
mod sync_task;

use std::path::PathBuf;
use std::sync::Arc;

use huiji_offline::app::AppCore;
use tauri::Manager;
use tokio::sync::Notify;

use crate::state::AppState;

/// The local demo server `make run` starts.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8686";

fn data_dir(app: &tauri::App) -> PathBuf {
    // Tests and side-by-side runs point the app at their own folder.
    if let Ok(dir) = std::env::var("HUIJI_APP_DATA") {
        return PathBuf::from(dir);
    }
    app.path()
        .app_data_dir()
        .unwrap_or_else(|_| PathBuf::from("huiji-data"))
}

/// WebKitGTK ships with getUserMedia off. The checkpoint's webcam scanner needs it: turn
/// it on for our own page (the CSP keeps anything else out) and grant camera requests;
/// every other permission request keeps WebKit's default answer.
#[cfg(target_os = "linux")]
fn enable_camera(app: &tauri::App) {
    use webkit2gtk::glib::ObjectExt;
    use webkit2gtk::{PermissionRequestExt, SettingsExt, UserMediaPermissionRequest, WebViewExt};
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let done = window.with_webview(|wv| {
        let view = wv.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|_, request| {
            if request.is::<UserMediaPermissionRequest>() {
                request.allow();
                true
            } else {
                false
            }
        });
    });
    if let Err(e) = done {
        tracing::warn!(error = %e, "webcam scanning not available");
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HUIJI_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    let builder = tauri::Builder::default();
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_barcode_scanner::init());
    builder
        .setup(|app| {
            let default_server =
                std::env::var("HUIJI_SERVER_URL").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned());
            let core = Arc::new(AppCore::open(&data_dir(app), &default_server)?);
            let kick = Arc::new(Notify::new());
            sync_task::spawn(app.handle().clone(), core.clone(), kick.clone());
            app.manage(AppState { core, kick });
            #[cfg(target_os = "linux")]
            enable_camera(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::set_server_url,
            commands::app::set_locale,
            commands::auth::send_sms_code,
            commands::auth::login_sms,
            commands::auth::login_password,
            commands::auth::login_org,
            commands::auth::check_registration,
            commands::auth::complete_profile,
            commands::auth::logout,
            commands::home::home_summary,
            commands::home::search_members,
            commands::sync::sync_now,
            commands::sync::sync_status,
            commands::checkpoint::checkpoint_verify,
            commands::checkpoint::checkpoint_record,
            commands::checkpoint::checkpoint_status,
            commands::checkpoint::checkpoint_recent,
            commands::checkpoint::decode_qr_image,
            commands::checkpoint::decode_qr_frame,
            commands::checkpoint::assisted_send_code,
            commands::checkpoint::assisted_register,
            commands::checkpoint::my_health_code,
            commands::checkpoint::sites_list,
            commands::checkpoint::site_create,
            commands::checkpoint::site_edit,
            commands::checkpoint::site_scanners,
            commands::checkpoint::site_add_scanner,
            commands::checkpoint::site_stats,
            commands::checkpoint::health_set_status,
            commands::checkpoint::health_import_csv,
            commands::checkpoint::risk_regions,
            commands::checkpoint::risk_region_add,
            commands::checkpoint::risk_region_remove,
            commands::checkpoint::events_list,
            commands::checkpoint::my_ticket,
            commands::checkpoint::event_attendance,
            commands::card::card_get,
            commands::card::card_save,
            commands::card::card_share,
            commands::card::card_revoke,
            commands::content::content_hall,
            commands::content::content_mine,
            commands::content::content_post,
            commands::content::content_edit,
            commands::content::content_shelf,
            commands::content::content_delete,
            commands::content::member_showcases,
            commands::learning::courses_list,
            commands::learning::course_get,
            commands::learning::course_enrol,
            commands::learning::course_read,
            commands::learning::course_certificate,
            commands::learning::course_save,
            commands::learning::course_publish,
            commands::notices::notice_publish,
            commands::notices::notify_prefs_get,
            commands::notices::notify_prefs_set,
            commands::workflow::requests_list,
            commands::workflow::request_counts,
            commands::workflow::request_detail,
            commands::workflow::request_submit,
            commands::workflow::request_act,
            commands::workflow::requests_bulk_approve,
            commands::workflow::workflow_issues,
            commands::workflow::workflow_issue_dismiss,
            commands::workflow::units_children,
            commands::workflow::units_search,
            commands::workflow::my_memberships,
            commands::dues::my_dues_orders,
            commands::workflow::unit_memberships,
            commands::workflow::delegation_candidates,
            commands::workflow::membership_set_status,
            commands::workflow::membership_renew,
            commands::workflow::notifications_list,
            commands::workflow::notification_read,
            commands::workflow::attachment_upload,
            commands::workflow::attachment_fetch,
            commands::dues::my_payments,
            commands::dues::payment_detail,
            commands::dues::payment_start_online,
            commands::dues::payment_poll,
            commands::dues::payment_submit_offline,
            commands::dues::payment_act,
            commands::dues::payment_dismiss,
            commands::dues::payment_proof,
            commands::dues::payment_receipt,
            commands::dues::dues_units,
            commands::dues::payments_review,
            commands::dues::payments_ledger,
            commands::dues::payments_export,
            commands::dues::dues_orders_admin,
            commands::dues::dues_rules,
            commands::dues::dues_rule_save,
            commands::dues::dues_generate,
            commands::dues::dues_order_cancel,
            commands::dues::open_external,
            commands::activities::activities,
            commands::activities::activity_detail,
            commands::activities::my_activities,
            commands::activities::event_register,
            commands::activities::event_cancel,
            commands::activities::member_scan,
            commands::activities::surveys_list,
            commands::activities::survey_detail,
            commands::activities::survey_answer,
            commands::activities::survey_results,
            commands::activities::lotteries_list,
            commands::activities::lottery_detail,
            commands::activities::my_prizes,
            commands::activities::lottery_check,
            commands::activities::activity_units,
            commands::activities::event_save,
            commands::activities::event_registrations,
            commands::activities::registration_decide,
            commands::activities::event_report,
            commands::activities::event_manual_checkin,
            commands::activities::event_report_export,
            commands::activities::event_venue_code,
            commands::activities::event_venue_poster,
            commands::activities::survey_save,
            commands::activities::survey_export,
            commands::activities::lottery_create,
            commands::activities::lottery_code,
            commands::activities::lottery_poster,
            commands::activities::lottery_draw,
            commands::workflow::services_list,
            commands::workflow::send_verify_code,
            commands::workflow::org_associations,
            commands::workflow::org_register,
            commands::workflow::org_register_status,
            commands::workflow::org_profile_get,
            commands::workflow::org_profile_save,
            commands::institution::institutions_list,
            commands::institution::institution_login,
            commands::institution::institution_bind,
            commands::institution::institution_unbind,
            commands::institution::institution_bindings,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Huiji app");
}
