//! What the approval, membership and organisation screens get (generated into
//! `ui/src/lib/bindings.ts` with the other views).

use huiji_domain::workflow::{
    HistoryEntry, MembershipStatus, Person, RequestBody, RequestKind, RequestState, ServiceDef,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The three lists of requests: 我发出的, 待办, 已办.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestBox {
    Sent,
    Todo,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestQuery {
    #[serde(rename = "box")]
    pub request_box: RequestBox,
    pub kind: Option<RequestKind>,
    pub state: Option<RequestState>,
    /// Matches the title, the applicant's name or the unit's name.
    pub text: Option<String>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// Where this device's own change to a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LocalStatus {
    /// Nothing of ours waits: the row is the server's.
    Synced,
    /// Made here, not yet accepted by the server (sent at the next sync).
    Queued,
    /// The server refused it (code and reason kept).
    Rejected,
    /// Someone else acted first; the server's request is shown.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestRow {
    pub id: String,
    pub kind: RequestKind,
    pub kind_label: String,
    pub title: String,
    pub applicant_name: String,
    pub node_name: String,
    pub state: RequestState,
    pub state_label: String,
    /// The step being decided, while one is.
    pub step_title: Option<String>,
    #[ts(type = "number | null")]
    pub submitted_at: Option<i64>,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// The applicant confirmed the phone by SMS code (false: applied offline).
    pub sms_verified: bool,
    pub local: LocalStatus,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestCounts {
    pub sent: u32,
    pub todo: u32,
    pub done: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestPage {
    pub rows: Vec<RequestRow>,
    pub total: u32,
    pub counts: RequestCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RequestDetail {
    pub id: String,
    /// 0 for a submission still queued here.
    #[ts(type = "number")]
    pub version: i64,
    pub body: RequestBody,
    /// The actions the current user may take now (`workflow::allowed_actions`); empty
    /// while one of theirs waits to be sent.
    pub allowed: Vec<String>,
    pub local: LocalStatus,
    pub local_code: Option<String>,
    pub local_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IssueStatus {
    Rejected,
    Conflict,
}

/// A submission or decision of ours the server did not take, for the user to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkflowIssue {
    pub id: String,
    pub request_id: String,
    pub title: String,
    /// What was tried: "通过", "驳回", "提交申请" …
    pub what: String,
    pub status: IssueStatus,
    pub code: Option<String>,
    /// The server's reason; for a conflict, what happened instead
    /// ("已由张靖于11月22日 10:30通过").
    pub reason: Option<String>,
    /// The request's state now (conflicts).
    pub current_state_label: Option<String>,
    /// Who acted first (conflicts).
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BulkResult {
    /// Accepted by the server now.
    pub applied: u32,
    /// Kept here until the next sync (offline).
    pub queued: u32,
    pub failed: Vec<WorkflowIssue>,
}

/// A node of the organisation tree to pick from (join form, association list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitOption {
    pub id: String,
    pub name: String,
    /// The node kind: union_federation, industry_union, unit_union, association,
    /// institution.
    pub kind: String,
    /// Names from the root down to this node (itself included).
    pub path_names: Vec<String>,
    pub has_children: bool,
    /// An association's member levels (用户类型 of the registration form).
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MembershipRecordView {
    pub id: String,
    /// The member.
    pub name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub member_type: String,
    pub level: Option<String>,
    pub title: Option<String>,
    pub joined_on: String,
    pub start_on: String,
    pub end_on: Option<String>,
    pub ended_on: Option<String>,
    pub status: MembershipStatus,
    pub status_label: String,
    pub override_reason: Option<String>,
    pub history: Vec<HistoryEntry>,
}

/// The secretary's membership list (会籍管理): records in their ViewMembers scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MembershipQuery {
    /// An org node: records of this unit and of the units under it.
    pub unit_id: Option<String>,
    pub status: Option<MembershipStatus>,
    /// Part of the member's name.
    pub text: Option<String>,
    /// A roster entry (`member` record id): only the records of its person.
    pub member_id: Option<String>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// Records per status under the query's other filters (unit, text, person).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MembershipCounts {
    pub all: u32,
    pub pending: u32,
    pub current: u32,
    pub grace: u32,
    pub expired: u32,
    pub ended: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MembershipPage {
    /// Newest first (by start date).
    pub rows: Vec<MembershipRecordView>,
    /// Rows matching every filter.
    pub total: u32,
    pub counts: MembershipCounts,
    /// The units to filter by: those in scope holding records, and the nodes between
    /// them and the caller's own, by path.
    pub units: Vec<UnitOption>,
    /// The roster entry's name when `member_id` was given.
    pub member_name: Option<String>,
}

/// Someone a step can be handed to (委托 / 转交).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DelegateCandidate {
    pub person: Person,
    /// Where they come from: "南京医科大学工会 · 会员", "转出单位审核 · 审批人".
    pub label: String,
    pub phone_masked: Option<String>,
    /// Known to review at the current step's node (an approver of a step at that node
    /// or above it): a transfer to them will be accepted. A transfer to anyone else is
    /// checked by the server.
    pub reviewer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NotificationView {
    pub id: String,
    pub title: String,
    pub text: String,
    pub request_id: Option<String>,
    /// The payment it is about (缴费确认、驳回).
    pub payment_id: Option<String>,
    #[ts(type = "number")]
    pub at: i64,
    /// Opened on this device.
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServiceView {
    pub id: String,
    pub node_id: String,
    pub node_name: String,
    pub def: ServiceDef,
}

/// An attachment's content for the webview to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttachmentData {
    pub name: String,
    pub mime: String,
    pub base64: String,
}

/// The declarations `typescript_bindings` adds for approvals: the domain's types the
/// views use, then the views.
pub(crate) fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    use huiji_domain::wire::OrgRegisterStatus;
    use huiji_domain::workflow::{
        Attachment, BillSpec, Delegation, FieldDef, FieldType, JoinForm, LogEntry, OrgProfile,
        OrgRegistrationForm, PositionForm, Step, StepMode, StepTemplate, TransferForm, Vote,
        WithdrawalForm,
    };
    vec![
        RequestKind::decl(cfg),
        RequestState::decl(cfg),
        StepMode::decl(cfg),
        Person::decl(cfg),
        Vote::decl(cfg),
        Delegation::decl(cfg),
        StepTemplate::decl(cfg),
        Step::decl(cfg),
        LogEntry::decl(cfg),
        Attachment::decl(cfg),
        BillSpec::decl(cfg),
        RequestBody::decl(cfg),
        MembershipStatus::decl(cfg),
        HistoryEntry::decl(cfg),
        FieldType::decl(cfg),
        FieldDef::decl(cfg),
        ServiceDef::decl(cfg),
        OrgProfile::decl(cfg),
        OrgRegistrationForm::decl(cfg),
        OrgRegisterStatus::decl(cfg),
        JoinForm::decl(cfg),
        TransferForm::decl(cfg),
        PositionForm::decl(cfg),
        WithdrawalForm::decl(cfg),
        RequestBox::decl(cfg),
        RequestQuery::decl(cfg),
        LocalStatus::decl(cfg),
        RequestRow::decl(cfg),
        RequestCounts::decl(cfg),
        RequestPage::decl(cfg),
        RequestDetail::decl(cfg),
        IssueStatus::decl(cfg),
        WorkflowIssue::decl(cfg),
        BulkResult::decl(cfg),
        UnitOption::decl(cfg),
        MembershipRecordView::decl(cfg),
        MembershipQuery::decl(cfg),
        MembershipCounts::decl(cfg),
        MembershipPage::decl(cfg),
        DelegateCandidate::decl(cfg),
        NotificationView::decl(cfg),
        ServiceView::decl(cfg),
        AttachmentData::decl(cfg),
    ]
}
