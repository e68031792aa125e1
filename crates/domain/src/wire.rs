//! JSON shapes shared by the server and its clients. Requests reject unknown fields so
//! a typo never silently does nothing.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::org::{NodeKind, Role};
use crate::sync::RecordKind;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Every error a client sees: a stable code and a message for people (Chinese first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmsPurpose {
    Login,
    Verify,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SmsSendRequest {
    pub phone: String,
    #[serde(default = "default_purpose")]
    pub purpose: SmsPurpose,
}

fn default_purpose() -> SmsPurpose {
    SmsPurpose::Login
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsSendResponse {
    pub sent: bool,
    /// Seconds before another code may be asked for this phone.
    pub retry_after_secs: u32,
    /// Only with `--dev`: the code itself, so tests can log in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SmsLoginRequest {
    pub phone: String,
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordLoginRequest {
    pub phone: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgLoginRequest {
    pub credit_code: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    pub real_name: String,
    pub id_number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AccountKind {
    Person,
    Organisation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantView {
    pub role: Role,
    pub node_id: Option<Uuid>,
    pub node_name: Option<String>,
    pub node_path: Option<String>,
}

/// The caller's own account, with identity masked: the full ID number and phone never
/// leave the server after they are entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountView {
    pub id: Uuid,
    pub kind: AccountKind,
    pub phone_masked: Option<String>,
    pub real_name: Option<String>,
    pub id_number_masked: Option<String>,
    pub credit_code: Option<String>,
    pub org_name: Option<String>,
    pub grants: Vec<GrantView>,
    /// First login: real name and ID number are still to be given.
    pub needs_profile: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginResponse {
    pub token: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub account: AccountView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NodeView {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: NodeKind,
    pub name: String,
    pub path: String,
}

/// One row of a secretary's member list: masked identity only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberView {
    pub id: Uuid,
    pub node_id: Uuid,
    pub name: String,
    pub phone_masked: Option<String>,
    pub id_number_masked: Option<String>,
    pub category: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MembersPage {
    pub items: Vec<MemberView>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

// ---------------------------------------------------------------- sync

/// One change made on a device. `base_version` is the version the edit was made on;
/// `None` creates the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Op {
    pub op_id: Uuid,
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    #[serde(default)]
    pub base_version: Option<i64>,
    #[serde(default)]
    pub deleted: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
    /// When the device made the change (unix ms, device clock).
    pub made_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: Uuid,
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    Applied,
    Duplicate,
    Rejected,
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OpResult {
    pub op_id: Uuid,
    pub status: OpStatus,
    /// The record's version after an applied (or earlier applied) op.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a conflict: the row as the server holds it now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Record>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushResponse {
    pub results: Vec<OpResult>,
}

/// A synced row as the server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Record {
    pub id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub version: i64,
    pub seq: i64,
    pub deleted: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
    pub updated_at: i64,
    pub updated_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PullResponse {
    pub records: Vec<Record>,
    /// Resume from here; it can be past the last record returned when rows in between
    /// are not visible to the caller.
    pub next_cursor: i64,
    pub has_more: bool,
    /// The highest seq on the server when this page was read, for progress bars.
    pub server_seq: i64,
}

pub const PUSH_MAX_OPS: usize = 1000;
pub const PULL_MAX_LIMIT: u32 = 5000;
pub const PULL_DEFAULT_LIMIT: u32 = 1000;

// ---------------------------------------------------------------- checkpoint (seed 002)

/// A person's current health pass, as "my code" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HealthPassResponse {
    /// The QR text (`HJ1:…`).
    pub text: String,
    /// green, yellow or red.
    pub colour: String,
    /// Masked name, as on the code.
    pub display_name: String,
    /// Unix seconds.
    pub issued_at: i64,
    pub expires_at: i64,
}

/// The health authority sets one person's status, found by ID number or phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SetHealthStatusRequest {
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// green, yellow or red (绿/黄/红 accepted).
    pub colour: String,
    /// Came from a high-risk region recently.
    #[serde(default)]
    pub from_high_risk: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthStatusResult {
    pub name_masked: String,
    pub id_number_masked: Option<String>,
    pub colour: String,
    pub from_high_risk: bool,
    /// Codes revoked by the change (the next refresh carries the new colour).
    pub revoked: u32,
}

/// One rejected line of a CSV import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRowError {
    /// Line number in the file (the header is line 1).
    pub line: u32,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub total: u32,
    pub applied: u32,
    pub errors: Vec<ImportRowError>,
}

/// A person registered at a checkpoint by staff (辅助登记). `id` is made on the scanner
/// so a resend is recognised; `sms_code` when the person confirmed their phone there
/// and then, absent when recorded offline (they confirm by SMS later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssistedRequest {
    pub id: Uuid,
    pub site_id: Uuid,
    pub phone: String,
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub temperature_tenths: Option<i32>,
    #[serde(default)]
    pub remark: Option<String>,
    #[serde(default)]
    pub sms_code: Option<String>,
    /// Device clock, unix ms.
    pub recorded_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssistedResponse {
    pub id: Uuid,
    pub name_masked: String,
    /// The phone was confirmed by SMS.
    pub verified: bool,
    /// This registration had been received before.
    pub duplicate: bool,
}

/// A site (站点) to add below `parent_id`, or the new fields of one being edited.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
}

/// Adds a scanner (扫码员) to a site: an existing account by phone, or a new one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddScannerRequest {
    pub phone: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScannerView {
    pub account_id: Uuid,
    pub name_masked: String,
    pub phone_masked: String,
}

/// Counts of one day at a site: its own, and its whole subtree's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScanCounts {
    pub scans: u32,
    pub admitted: u32,
    pub turned_back: u32,
    pub assisted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteStatsRow {
    pub node_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    /// 0 for the site asked about, 1 for its sub-sites …
    pub depth: u32,
    pub own: ScanCounts,
    pub subtree: ScanCounts,
}

/// A signing key, public parts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KeyView {
    pub kid: String,
    pub public_key: String,
    pub valid_from: i64,
    pub retired_at: Option<i64>,
    pub revoked: bool,
}

/// A member's event ticket (a signed credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TicketResponse {
    pub text: String,
    pub event_id: Uuid,
    pub ticket_id: Uuid,
    pub title: String,
    pub place: Option<String>,
    /// Unix ms.
    pub starts_at: i64,
    pub ends_at: i64,
}

/// One ticket admitted twice by scanners that were offline together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketConflictView {
    pub ticket_id: Uuid,
    /// Masked name on the ticket.
    pub subject: String,
    pub reason: String,
    /// The later scan, flagged.
    pub flagged_scan: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub flagged_at: i64,
    pub flagged_site: String,
    pub earlier_scan: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub earlier_at: i64,
    pub earlier_site: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceView {
    pub event_id: Uuid,
    pub title: String,
    /// Tickets that came in at least once.
    pub checked_in: u32,
    pub inside: u32,
    pub admitted_scans: u32,
    pub conflicts: Vec<TicketConflictView>,
}

/// An event's printable venue code (场地码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VenueCodeResponse {
    pub text: String,
    pub event_id: Uuid,
    pub title: String,
    /// "in" or "out".
    pub direction: String,
    /// Unix seconds.
    pub expires_at: i64,
}

// ---------------------------------------------------------------- approvals (workflow)

/// `POST /api/v1/requests`: submit a request. `id` is made on the device (UUIDv7), so
/// a submission sent twice — or queued offline and sent on sync — is stored once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub id: Uuid,
    pub kind: crate::workflow::RequestKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub form: serde_json::Value,
    #[serde(default)]
    pub attachments: Vec<crate::workflow::Attachment>,
    /// The SMS code sent to the applicant's phone (purpose `verify`); absent when the
    /// application was made offline.
    #[serde(default)]
    pub sms_code: Option<String>,
}

/// One decision or applicant action on a request, made on a device (maybe offline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    /// Made on the device; a replay is answered as before and changes nothing.
    pub action_id: Uuid,
    pub request_id: Uuid,
    /// The request's version the actor saw.
    pub base_version: i64,
    /// The step the actor saw (`RequestBody::current`).
    pub step: u32,
    pub action: crate::workflow::Action,
}

/// `POST /api/v1/requests/actions`: a batch (bulk approval is a batch of approvals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionBatch {
    pub actions: Vec<ActionItem>,
}

/// Per action: applied, duplicate, rejected (code + reason) or conflict — someone else
/// acted first, and `current` is the request as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActionResult {
    pub action_id: Uuid,
    pub status: OpStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The request after the action (applied, duplicate) or as found (conflict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Record>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActionBatchResponse {
    pub results: Vec<ActionResult>,
}

/// `POST /api/v1/org-registrations` (no login): seed 001 §2.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgRegisterRequest {
    /// The association applied to.
    pub association_id: Uuid,
    pub form: crate::workflow::OrgRegistrationForm,
    pub password: String,
    pub agreed: bool,
}

/// `GET /api/v1/org-registrations/status?q=<credit code or phone>` (no login).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgRegisterStatus {
    pub unit_name: String,
    pub credit_code: String,
    pub association_name: String,
    pub contact_masked: String,
    pub state: crate::workflow::RequestState,
    pub state_label: String,
    pub reason: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub submitted_at: i64,
}

/// `POST /api/v1/memberships/{id}/status`: set (or, with `status` null, clear) a manual
/// override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MembershipOverrideRequest {
    pub status: Option<crate::workflow::MembershipStatus>,
    pub reason: String,
}

/// `POST /api/v1/memberships/{id}/renew`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    pub end_on: String,
}

// ---------------------------------------------------------------- 在校师生 (seed 003)

/// 教职工 (工号) or 学生 (学号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Staff,
    Student,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Staff => "staff",
            IdentityKind::Student => "student",
        }
    }

    pub fn parse(s: &str) -> Option<IdentityKind> {
        match s {
            "staff" => Some(IdentityKind::Staff),
            "student" => Some(IdentityKind::Student),
            _ => None,
        }
    }

    /// 工号 / 学号
    pub fn number_label(self) -> &'static str {
        match self {
            IdentityKind::Staff => "工号",
            IdentityKind::Student => "学号",
        }
    }

    /// The member category at the institution.
    pub fn category(self) -> &'static str {
        match self {
            IdentityKind::Staff => "教职工",
            IdentityKind::Student => "学生",
        }
    }
}

/// An institution offering this login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstitutionView {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstitutionLoginRequest {
    pub institution_id: Uuid,
    /// 工号 or 学号.
    pub number: String,
    pub password: String,
}

/// A bound number logs in (`token`, `expires_at`, `account`, as every login answers);
/// an unbound one gets `needs_binding` with a ticket for `POST /institutions/bind`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstitutionLoginResponse {
    pub needs_binding: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Unix milliseconds (the token's end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Unix milliseconds (the ticket's end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_expires_at: Option<i64>,
    /// The person the number belongs to, masked ("林**").
    pub name_masked: String,
    pub kind: IdentityKind,
    pub number: String,
    pub institution_id: Uuid,
    pub institution_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstitutionBindRequest {
    pub ticket: String,
    pub phone: String,
    /// From `POST /auth/sms/send` (purpose login) to that phone.
    pub sms_code: String,
}

/// Unbind by number and password, or (signed in, both left out) the caller's own
/// binding at the institution.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstitutionUnbindRequest {
    pub institution_id: Uuid,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstitutionUnbindResponse {
    pub institution_id: Uuid,
    pub institution_name: String,
    pub number: String,
    pub kind: IdentityKind,
    /// The caller's account after the change, when the caller was the one bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountView>,
}

/// One of the caller's bindings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstitutionBindingView {
    pub institution_id: Uuid,
    pub institution_name: String,
    pub number: String,
    pub kind: IdentityKind,
    pub real_name: String,
    /// Unix milliseconds.
    pub bound_at: i64,
    /// active | retired
    pub status: String,
}
