//! What the app's screens get. These shapes are the contract with the web UI: their
//! TypeScript twins in `ui/src/lib/bindings.ts` are generated from here (ts-rs), and a
//! test fails when the checked-in file is stale.

use huiji_domain::wire::AccountView;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which home a session opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HomeKind {
    Member,
    Secretary,
    Scanner,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionView {
    pub account: AccountView,
    pub home: HomeKind,
    #[ts(type = "number")]
    pub logged_in_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub server_url: String,
    pub default_server_url: String,
    pub locale: String,
    pub session: Option<SessionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SmsSent {
    pub retry_after_secs: u32,
    pub dev_code: Option<String>,
}

/// One problem with one form field, in the words the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MembershipView {
    pub id: String,
    pub unit_name: String,
    pub category: Option<String>,
    pub level: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NoticeView {
    pub id: String,
    pub title: String,
    pub content: String,
    pub node_name: String,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// 通知 or 新闻.
    pub kind: huiji_domain::sync::NoticeKind,
    /// The cover picture (attachment id).
    pub cover: Option<String>,
    /// 重要.
    pub important: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberHome {
    pub memberships: Vec<MembershipView>,
    pub notices: Vec<NoticeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitCount {
    pub node_id: String,
    pub name: String,
    pub members: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretaryHome {
    pub scope_name: String,
    pub member_count: u32,
    /// Requests waiting for this secretary's decision (the to-do box).
    pub pending_reviews: u32,
    pub units: Vec<UnitCount>,
    pub notices: Vec<NoticeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScannerHome {
    pub site_name: String,
    pub scans_today: u32,
    pub turned_back_today: u32,
    #[ts(type = "number | null")]
    pub last_scan_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HomeSummary {
    pub home: HomeKind,
    pub member: Option<MemberHome>,
    pub secretary: Option<SecretaryHome>,
    pub scanner: Option<ScannerHome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MemberSort {
    Name,
    Unit,
    Recent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberQuery {
    pub text: String,
    pub sort: MemberSort,
    pub desc: bool,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub phone_masked: Option<String>,
    pub id_number_masked: Option<String>,
    pub category: Option<String>,
    pub level: Option<String>,
    pub credit_code: Option<String>,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberPage {
    pub items: Vec<MemberRow>,
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub rows: u32,
    #[ts(type = "number")]
    pub cursor: i64,
    #[ts(type = "number")]
    pub server_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncStatusView {
    pub online: bool,
    pub syncing: bool,
    #[ts(type = "number | null")]
    pub last_success_ms: Option<i64>,
    pub pending: u32,
    pub rejected: u32,
    pub conflicts: u32,
    pub last_error: Option<String>,
    pub progress: Option<SyncProgress>,
}

/// Every command's error: a stable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

// ---------------------------------------------------------------- checkpoint

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TurnBackView {
    pub code: String,
    pub message: String,
}

/// What the scanner screen shows for one code: large, with colour, reason and whether
/// to let the person through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanVerdictView {
    /// The signature, dates and revocation checked out.
    pub valid: bool,
    /// Let through (valid, and no turn-back reason; for tickets: not used already).
    pub admitted: bool,
    /// "credential.valid", "credential.expired" …
    pub reason_code: String,
    /// The reason in words (Chinese).
    pub reason: String,
    pub kind: Option<String>,
    /// Masked, as signed into the code.
    pub display_name: Option<String>,
    /// green / yellow / red for a health pass.
    pub colour: Option<String>,
    pub turn_back: Vec<TurnBackView>,
    /// "36.5" when measured.
    pub temperature: Option<String>,
    pub fever: bool,
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
    pub event_id: Option<String>,
    pub ticket_id: Option<String>,
    pub direction: Option<String>,
    /// Set once the scan is recorded.
    pub scan_id: Option<String>,
    /// When the trust data last came from the server (unix ms).
    #[ts(type = "number | null")]
    pub trust_updated_ms: Option<i64>,
    /// Older than a day: the screen warns.
    pub trust_stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckpointStatusView {
    pub site_id: Option<String>,
    pub site_name: String,
    #[ts(type = "number | null")]
    pub trust_updated_ms: Option<i64>,
    pub trust_stale: bool,
    pub keys: u32,
    pub revocations: u32,
    pub risk_regions: u32,
    pub today: huiji_domain::wire::ScanCounts,
    /// Assisted registrations waiting for the network.
    pub pending_assisted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanRowView {
    pub id: String,
    pub subject: String,
    pub verdict: String,
    pub colour: Option<String>,
    pub temperature: Option<String>,
    pub admitted: bool,
    pub turn_back: Vec<String>,
    #[ts(type = "number")]
    pub scanned_at: i64,
    /// Reached the server.
    pub synced: bool,
}

/// The assisted-registration form (辅助登记).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssistedInput {
    pub phone: String,
    pub sms_code: Option<String>,
    pub name: String,
    pub id_number: String,
    /// "36.5"; empty when not measured.
    pub temperature: String,
    pub remark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssistedResultView {
    pub name_masked: String,
    /// Kept on this device until the network returns.
    pub queued: bool,
    /// The phone was confirmed by SMS code.
    pub verified: bool,
    pub fever: bool,
}

/// "My code" (吉祥码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthCodeView {
    pub text: String,
    /// The QR as an SVG document.
    pub svg: String,
    pub colour: String,
    pub display_name: String,
    #[ts(type = "number")]
    pub issued_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    pub expired: bool,
    /// When this device got it (unix ms).
    #[ts(type = "number")]
    pub fetched_at: i64,
    #[ts(type = "number")]
    pub age_secs: i64,
    /// Shown from the device's copy: the server could not be reached.
    pub offline: bool,
}

/// The TypeScript file the UI imports, generated from the types above.
pub fn typescript_bindings() -> String {
    use huiji_domain::org::Role;
    use huiji_domain::wire::{AccountKind, GrantView};
    // Every 64-bit integer here is a time in ms or an amount in fen: far below 2^53,
    // and JSON carries it as a number, not a bigint.
    let cfg = ts_rs::Config::default().with_large_int("number");
    let mut decls = vec![
        Role::decl(&cfg),
        AccountKind::decl(&cfg),
        GrantView::decl(&cfg),
        AccountView::decl(&cfg),
        HomeKind::decl(&cfg),
        SessionView::decl(&cfg),
        AppInfo::decl(&cfg),
        SmsSent::decl(&cfg),
        FieldIssue::decl(&cfg),
        MembershipView::decl(&cfg),
        NoticeView::decl(&cfg),
        MemberHome::decl(&cfg),
        UnitCount::decl(&cfg),
        SecretaryHome::decl(&cfg),
        ScannerHome::decl(&cfg),
        HomeSummary::decl(&cfg),
        MemberSort::decl(&cfg),
        MemberQuery::decl(&cfg),
        MemberRow::decl(&cfg),
        MemberPage::decl(&cfg),
        SyncProgress::decl(&cfg),
        SyncStatusView::decl(&cfg),
        AppError::decl(&cfg),
        TurnBackView::decl(&cfg),
        ScanVerdictView::decl(&cfg),
        huiji_domain::wire::ScanCounts::decl(&cfg),
        CheckpointStatusView::decl(&cfg),
        ScanRowView::decl(&cfg),
        AssistedInput::decl(&cfg),
        AssistedResultView::decl(&cfg),
        HealthCodeView::decl(&cfg),
        huiji_domain::wire::SiteStatsRow::decl(&cfg),
        huiji_domain::wire::ScannerView::decl(&cfg),
        huiji_domain::wire::ImportRowError::decl(&cfg),
        huiji_domain::wire::ImportReport::decl(&cfg),
        huiji_domain::wire::SetHealthStatusRequest::decl(&cfg),
        huiji_domain::wire::HealthStatusResult::decl(&cfg),
        super::SiteView::decl(&cfg),
        super::SiteForm::decl(&cfg),
        super::SiteStatsView::decl(&cfg),
        super::RiskRegionView::decl(&cfg),
        super::EventView::decl(&cfg),
        super::TicketView::decl(&cfg),
        huiji_domain::wire::TicketConflictView::decl(&cfg),
        huiji_domain::wire::AttendanceView::decl(&cfg),
    ];
    decls.extend(super::workflow::views::decls(&cfg));
    decls.extend(super::institution::decls(&cfg));
    decls.extend(super::dues::views::decls(&cfg));
    decls.extend(super::activities::views::decls(&cfg));
    decls.extend(super::card::decls(&cfg));
    decls.extend(super::content::decls(&cfg));
    decls.extend(super::learning::decls(&cfg));
    decls.extend(super::notices::decls(&cfg));
    let mut out = String::from(
        "// Generated from Rust by ts-rs (crates/offline/src/app/views.rs). Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p huiji-offline bindings` instead.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push('\n');
    }
    out
}
