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
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
