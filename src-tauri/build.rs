// Every app command gets its own permission (`allow-<command>`), and the capability
// files grant them one by one.
const COMMANDS: &[&str] = &[
    "app_info",
    "set_server_url",
    "set_locale",
    "send_sms_code",
    "login_sms",
    "login_password",
    "login_org",
    "check_registration",
    "complete_profile",
    "logout",
    "home_summary",
    "search_members",
    "sync_now",
    "sync_status",
    "checkpoint_verify",
    "checkpoint_record",
    "checkpoint_status",
    "checkpoint_recent",
    "decode_qr_image",
    "decode_qr_frame",
    "assisted_send_code",
    "assisted_register",
    "my_health_code",
    "sites_list",
    "site_create",
    "site_edit",
    "site_scanners",
    "site_add_scanner",
    "site_stats",
    "health_set_status",
    "health_import_csv",
    "risk_regions",
    "risk_region_add",
    "risk_region_remove",
    "events_list",
    "my_ticket",
    "event_attendance",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
