//! The one sync mechanism, as pure decisions: which kinds of record exist and who may
//! write and see them, whether a pushed op is applied, a duplicate, rejected or a
//! conflict, and which rows a pull may return.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::org::{can, Action, NodeKind, NodePath, Principal};
use crate::validate;
use crate::wire::{Op, OpStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A node of the organisation tree. Written by the server only.
    OrgNode,
    /// A member's entry in a unit's roster (masked identity).
    Member,
    /// A notice published to a node and its subtree.
    Notice,
    /// A checkpoint scan: append-only.
    Scan,
    /// A credential-signing public key (the trust list). Written by the server only.
    TrustKey,
    /// A revoked credential, as a truncated hash. Server only, append-only.
    Revocation,
    /// A high-risk region, kept by the health authority.
    RiskRegion,
    /// An event (活动) that tickets are scanned for.
    Event,
    /// A request of the approval engine (`workflow::RequestBody`). Server only: the
    /// engine moves it; its applicant and approvers receive it.
    Request,
    /// A person's membership of a unit (`workflow::MembershipBody`).
    Membership,
    /// A dues order (`workflow::DuesOrderBody`).
    DuesOrder,
    /// An inbox entry for one account.
    Notification,
    /// A service of the service hall (`workflow::ServiceDef`).
    Service,
    /// A unit's dues rule (`dues::DuesRule`).
    DuesRule,
    /// A payment toward a dues order (`dues::PaymentBody`): its payer and the unit's
    /// dues managers receive it.
    Payment,
    /// A registration for an event (`events::RegistrationBody`).
    Registration,
    /// A check-in or check-out by venue code or by hand (`events::CheckinBody`).
    Checkin,
    /// A questionnaire or vote (`events::survey::SurveyBody`).
    Survey,
    /// A person's answers to a survey: only they receive it.
    Answer,
    /// A lottery (`events::lottery::LotteryBody`).
    Lottery,
    /// A person's lottery entry: only they receive it.
    LotteryEntry,
}

/// Who may see a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Every signed-in account.
    Public,
    /// Its owner, and whoever may do the action at the record's node.
    Scoped(Action),
    /// Its owner, whoever may do the action at the node, and everyone holding any
    /// grant at the node or below it (a notice reaches the whole subtree).
    Broadcast(Action),
    /// Its owner and the accounts the server named as its audience (a request's
    /// approvers), nobody else: not even a secretary above them.
    Audience,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// `None`: only the server writes this kind.
    pub write: Option<Action>,
    pub visibility: Visibility,
    /// Append-only kinds never conflict: they are created once and never edited.
    pub append_only: bool,
}

impl RecordKind {
    pub const ALL: [RecordKind; 21] = [
        RecordKind::OrgNode,
        RecordKind::Member,
        RecordKind::Notice,
        RecordKind::Scan,
        RecordKind::TrustKey,
        RecordKind::Revocation,
        RecordKind::RiskRegion,
        RecordKind::Event,
        RecordKind::Request,
        RecordKind::Membership,
        RecordKind::DuesOrder,
        RecordKind::Notification,
        RecordKind::Service,
        RecordKind::DuesRule,
        RecordKind::Payment,
        RecordKind::Registration,
        RecordKind::Checkin,
        RecordKind::Survey,
        RecordKind::Answer,
        RecordKind::Lottery,
        RecordKind::LotteryEntry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::OrgNode => "org_node",
            RecordKind::Member => "member",
            RecordKind::Notice => "notice",
            RecordKind::Scan => "scan",
            RecordKind::TrustKey => "trust_key",
            RecordKind::Revocation => "revocation",
            RecordKind::RiskRegion => "risk_region",
            RecordKind::Event => "event",
            RecordKind::Request => "request",
            RecordKind::Membership => "membership",
            RecordKind::DuesOrder => "dues_order",
            RecordKind::Notification => "notification",
            RecordKind::Service => "service",
            RecordKind::DuesRule => "dues_rule",
            RecordKind::Payment => "payment",
            RecordKind::Registration => "registration",
            RecordKind::Checkin => "checkin",
            RecordKind::Survey => "survey",
            RecordKind::Answer => "answer",
            RecordKind::Lottery => "lottery",
            RecordKind::LotteryEntry => "lottery_entry",
        }
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn spec(self) -> KindSpec {
        match self {
            RecordKind::OrgNode => KindSpec {
                write: None,
                visibility: Visibility::Public,
                append_only: false,
            },
            RecordKind::Member => KindSpec {
                write: Some(Action::ManageMembers),
                visibility: Visibility::Scoped(Action::ViewMembers),
                append_only: false,
            },
            RecordKind::Notice => KindSpec {
                write: Some(Action::PublishNotice),
                visibility: Visibility::Broadcast(Action::PublishNotice),
                append_only: false,
            },
            RecordKind::Scan => KindSpec {
                write: Some(Action::RecordScan),
                visibility: Visibility::Scoped(Action::ViewScans),
                append_only: true,
            },
            // Every device verifies credentials offline, so every device holds the
            // trust data. It names keys and hashes, never people.
            RecordKind::TrustKey => KindSpec {
                write: None,
                visibility: Visibility::Public,
                append_only: false,
            },
            RecordKind::Revocation => KindSpec {
                write: None,
                visibility: Visibility::Public,
                append_only: true,
            },
            RecordKind::RiskRegion => KindSpec {
                write: Some(Action::SetHealthStatus),
                visibility: Visibility::Public,
                append_only: false,
            },
            // Title, place and time are an announcement: every device may show them,
            // and any checkpoint may be asked to scan an event's tickets.
            RecordKind::Event => KindSpec {
                write: Some(Action::ManageEvents),
                visibility: Visibility::Public,
                append_only: false,
            },
            RecordKind::Request | RecordKind::Notification => KindSpec {
                write: None,
                visibility: Visibility::Audience,
                append_only: false,
            },
            RecordKind::Membership | RecordKind::DuesOrder => KindSpec {
                write: None,
                visibility: Visibility::Scoped(Action::ViewMembers),
                append_only: false,
            },
            RecordKind::Service => KindSpec {
                write: None,
                visibility: Visibility::Public,
                append_only: false,
            },
            // Money moves only through the dues endpoints (the state machine and the
            // order's settlement run in one transaction there).
            RecordKind::DuesRule | RecordKind::Payment => KindSpec {
                write: None,
                visibility: Visibility::Scoped(Action::ManageDues),
                append_only: false,
            },
            // Registrations and check-ins change through the events endpoints (places,
            // the waitlist and tickets are decided there in one transaction).
            RecordKind::Registration => KindSpec {
                write: None,
                visibility: Visibility::Scoped(Action::ManageEvents),
                append_only: false,
            },
            RecordKind::Checkin => KindSpec {
                write: None,
                visibility: Visibility::Scoped(Action::ManageEvents),
                append_only: true,
            },
            // Announcements every device may show; who may answer or enter is checked
            // when they do.
            RecordKind::Survey | RecordKind::Lottery => KindSpec {
                write: None,
                visibility: Visibility::Public,
                append_only: false,
            },
            // Answers and entries reach their owner only: an anonymous survey's answers
            // never sit on an organiser's device.
            RecordKind::Answer | RecordKind::LotteryEntry => KindSpec {
                write: None,
                visibility: Visibility::Audience,
                append_only: false,
            },
        }
    }
}

// ---------------------------------------------------------------- bodies

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgNodeBody {
    pub name: String,
    pub kind: NodeKind,
    pub parent_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// Member levels offered by an association (会员单位, 理事单位 …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A site's person in charge and their phone (站点负责人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
}

/// A roster entry. Identity is stored masked: the roster is for finding and contacting
/// members, and the full numbers stay with the account on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_masked: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number_masked: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    pub title: String,
    pub content: String,
    /// 通知 or 新闻.
    #[serde(default)]
    pub kind: NoticeKind,
    /// The cover picture (an attachment id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<Uuid>,
    /// 重要: every member under the node is told in their inbox (and by SMS unless they
    /// turned it off).
    #[serde(default)]
    pub important: bool,
}

/// 通知 (a notice) or 新闻 (news).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    #[default]
    Notice,
    News,
}

impl NoticeKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            NoticeKind::Notice => "通知",
            NoticeKind::News => "新闻",
        }
    }
}

/// A checkpoint scan or an assisted registration, as the scanner recorded it. It keeps
/// the least it can: a masked name, the verdict, the temperature; the credential's id
/// only for tickets (to find double admissions), never an ID number or phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanBody {
    /// Masked name of the person scanned.
    pub subject: String,
    /// Tenths of a degree Celsius (365 = 36.5 °C), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_tenths: Option<i32>,
    /// The verdict's code ("credential.valid", "credential.revoked" …; "assisted" for a
    /// person registered by staff without a code).
    pub verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// health_pass, event_ticket …; absent for an assisted registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_kind: Option<String>,
    /// green / yellow / red for a health pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// Turn-back codes ("turn_back.fever" …); empty: let through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turn_back: Vec<String>,
    /// Whether the person (or ticket) was let through.
    #[serde(default)]
    pub admitted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<Uuid>,
    /// "in" or "out" for tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Device clock, unix ms, when scanned.
    #[serde(default)]
    pub scanned_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
}

/// A public key of the trust list (see `credential::TrustedKey`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustKeyBody {
    pub kid: String,
    pub public_key: String,
    pub valid_from: i64,
    #[serde(default)]
    pub retired_at: Option<i64>,
    #[serde(default)]
    pub revoked: bool,
}

pub use crate::events::EventBody;

impl From<TrustKeyBody> for crate::credential::TrustedKey {
    fn from(k: TrustKeyBody) -> Self {
        crate::credential::TrustedKey {
            kid: k.kid,
            public_key: k.public_key,
            valid_from: k.valid_from,
            retired_at: k.retired_at,
            revoked: k.revoked,
        }
    }
}

/// A revoked credential: `credential::revocation_key` of its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationBody {
    pub key: String,
}

/// A high-risk region (GB/T 2260 code; a province or city code covers its subdivisions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRegionBody {
    pub code: String,
    pub name: String,
}

pub const BODY_INVALID: DomainError = DomainError::new(
    "BodyInvalid",
    "记录内容格式不正确",
    "The record body does not have the expected fields",
);
pub const BODY_TOO_LARGE: DomainError = DomainError::new(
    "BodyTooLarge",
    "记录内容过大",
    "The record body is too large",
);
pub const TITLE_INVALID: DomainError = DomainError::new(
    "TitleInvalid",
    "标题应为1到100个字符，内容不超过1万字",
    "A title must be 1 to 100 characters and content at most 10,000",
);
pub const MASKED_VALUE_EXPECTED: DomainError = DomainError::new(
    "MaskedValueExpected",
    "花名册只保存脱敏后的手机号和身份证号",
    "The roster keeps only masked phone and ID numbers",
);
pub const TEMPERATURE_OUT_OF_RANGE: DomainError = DomainError::new(
    "TemperatureOutOfRange",
    "体温应在34.0到43.0°C之间",
    "Temperature must be between 34.0 and 43.0 °C",
);
pub const SERVER_ONLY_KIND: DomainError = DomainError::new(
    "ServerOnlyKind",
    "此类记录只能由服务器修改",
    "Only the server may change this kind of record",
);
pub const FORBIDDEN: DomainError = DomainError::new(
    "Forbidden",
    "您没有在该组织执行此操作的权限",
    "You may not do this at this node",
);
pub const UNKNOWN_NODE: DomainError =
    DomainError::new("UnknownNode", "所选组织不存在", "The node does not exist");
pub const RECORD_NOT_FOUND: DomainError = DomainError::new(
    "RecordNotFound",
    "要修改的记录不存在",
    "The record to edit does not exist",
);
pub const APPEND_ONLY: DomainError = DomainError::new(
    "AppendOnly",
    "此类记录提交后不能修改或删除",
    "This kind of record cannot be edited or deleted",
);
pub const KIND_MISMATCH: DomainError = DomainError::new(
    "KindMismatch",
    "记录类型与已有记录不一致",
    "The record kind differs from the stored record",
);
pub use crate::events::EVENT_INVALID;
pub const BAD_VERSION: DomainError =
    DomainError::new("BadVersion", "版本号无效", "The base version is invalid");

pub const MAX_BODY_BYTES: usize = 16 * 1024;

fn typed<T: serde::de::DeserializeOwned>(body: &serde_json::Value) -> Result<T> {
    serde_json::from_value(body.clone()).map_err(|_| BODY_INVALID)
}

fn looks_masked(s: &str) -> bool {
    s.contains('*')
}

/// Checks a body against its kind. The server runs it on every push; the app runs it
/// before writing to the outbox so the user hears about a mistake at once.
pub fn validate_body(kind: RecordKind, body: &serde_json::Value) -> Result<()> {
    if body.to_string().len() > MAX_BODY_BYTES {
        return Err(BODY_TOO_LARGE);
    }
    match kind {
        RecordKind::OrgNode => {
            let b: OrgNodeBody = typed(body)?;
            let n = b.name.trim().chars().count();
            if !(2..=60).contains(&n) {
                return Err(crate::org::NODE_NAME_INVALID);
            }
            if let Some(cc) = &b.credit_code {
                validate::validate_credit_code(cc)?;
            }
        }
        RecordKind::Member => {
            let b: MemberBody = typed(body)?;
            validate::validate_name(&b.name)?;
            let unmasked = |v: &Option<String>| v.as_deref().is_some_and(|s| !looks_masked(s));
            if unmasked(&b.phone_masked) || unmasked(&b.id_number_masked) {
                return Err(MASKED_VALUE_EXPECTED);
            }
            if let Some(cc) = &b.credit_code {
                validate::validate_credit_code(cc)?;
            }
        }
        RecordKind::Notice => {
            let b: NoticeBody = typed(body)?;
            let t = b.title.trim().chars().count();
            if !(1..=100).contains(&t) || b.content.chars().count() > 10_000 {
                return Err(TITLE_INVALID);
            }
        }
        RecordKind::Scan => {
            let b: ScanBody = typed(body)?;
            if let Some(t) = b.temperature_tenths {
                if !(340..=430).contains(&t) {
                    return Err(TEMPERATURE_OUT_OF_RANGE);
                }
            }
            let short = |v: &Option<String>| v.as_deref().is_none_or(|s| s.chars().count() <= 40);
            if b.subject.chars().count() > 40
                || b.verdict.chars().count() > 40
                || !short(&b.credential_kind)
                || !short(&b.colour)
                || !short(&b.direction)
                || b.remark.as_deref().is_some_and(|r| r.chars().count() > 200)
                || b.turn_back.len() > 8
            {
                return Err(BODY_INVALID);
            }
        }
        RecordKind::TrustKey => {
            let b: TrustKeyBody = typed(body)?;
            if b.public_key.len() != 64 || !b.public_key.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(BODY_INVALID);
            }
        }
        RecordKind::Revocation => {
            let b: RevocationBody = typed(body)?;
            if b.key.len() != 32 || !b.key.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(BODY_INVALID);
            }
        }
        RecordKind::Event => {
            crate::events::validate_event(&typed(body)?)?;
        }
        RecordKind::Registration => {
            typed::<crate::events::RegistrationBody>(body)?;
        }
        RecordKind::Checkin => {
            typed::<crate::events::CheckinBody>(body)?;
        }
        RecordKind::Survey => {
            crate::events::survey::validate_survey(&typed(body)?)?;
        }
        RecordKind::Answer => {
            typed::<crate::events::survey::AnswerBody>(body)?;
        }
        RecordKind::Lottery => {
            typed::<crate::events::lottery::LotteryBody>(body)?;
        }
        RecordKind::LotteryEntry => {
            typed::<crate::events::lottery::LotteryEntryBody>(body)?;
        }
        RecordKind::Request => {
            typed::<crate::workflow::RequestBody>(body)?;
        }
        RecordKind::Membership => {
            typed::<crate::workflow::MembershipBody>(body)?;
        }
        RecordKind::DuesOrder => {
            typed::<crate::workflow::DuesOrderBody>(body)?;
        }
        RecordKind::Notification => {
            typed::<crate::workflow::NotificationBody>(body)?;
        }
        RecordKind::Service => {
            crate::workflow::validate_service(&typed(body)?)?;
        }
        RecordKind::DuesRule => {
            crate::dues::validate_rule(&typed(body)?)?;
        }
        RecordKind::Payment => {
            typed::<crate::dues::PaymentBody>(body)?;
        }
        RecordKind::RiskRegion => {
            let b: RiskRegionBody = typed(body)?;
            crate::checkpoint::validate_region_code(&b.code)?;
            let n = b.name.trim().chars().count();
            if !(1..=40).contains(&n) {
                return Err(BODY_INVALID);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- push decisions

/// What the server holds for the op's record, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub kind: RecordKind,
    pub version: i64,
    pub node_path: NodePath,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Store it as `version`.
    Apply {
        version: i64,
    },
    /// This op_id was applied before; answer as then.
    Duplicate,
    Reject(DomainError),
    /// The edit was made on an older version (or the row changed under it).
    Conflict,
}

impl Decision {
    pub fn status(&self) -> OpStatus {
        match self {
            Decision::Apply { .. } => OpStatus::Applied,
            Decision::Duplicate => OpStatus::Duplicate,
            Decision::Reject(_) => OpStatus::Rejected,
            Decision::Conflict => OpStatus::Conflict,
        }
    }
}

/// Everything `decide` needs, gathered by the caller.
pub struct DecideInput<'a> {
    pub principal: &'a Principal,
    pub op: &'a Op,
    /// Path of `op.node_id`, `None` when the server has no such node.
    pub target: Option<&'a NodePath>,
    pub existing: Option<&'a Existing>,
    /// The op_id was applied before.
    pub already_applied: bool,
}

pub fn decide(input: &DecideInput<'_>) -> Decision {
    let op = input.op;
    if input.already_applied {
        return Decision::Duplicate;
    }
    let spec = op.kind.spec();
    let Some(action) = spec.write else {
        return Decision::Reject(SERVER_ONLY_KIND);
    };
    let Some(target) = input.target else {
        return Decision::Reject(UNKNOWN_NODE);
    };
    if !can(input.principal, action, target) {
        return Decision::Reject(FORBIDDEN);
    }
    if !op.deleted {
        if let Err(e) = validate_body(op.kind, &op.body) {
            return Decision::Reject(e);
        }
    }
    if op.base_version.is_some_and(|v| v < 1) {
        return Decision::Reject(BAD_VERSION);
    }
    match (input.existing, op.base_version) {
        (None, None) if op.deleted => Decision::Reject(RECORD_NOT_FOUND),
        (None, None) => Decision::Apply { version: 1 },
        (None, Some(_)) => Decision::Reject(RECORD_NOT_FOUND),
        (Some(ex), _) if ex.kind != op.kind => Decision::Reject(KIND_MISMATCH),
        // The record must stay within the caller's reach where it is now too: moving a
        // row out of someone else's unit is not an edit this caller may make.
        (Some(ex), _) if !can(input.principal, action, &ex.node_path) => {
            Decision::Reject(FORBIDDEN)
        }
        (Some(_), _) if spec.append_only => Decision::Reject(APPEND_ONLY),
        // A create that meets an existing id: another device got there first.
        (Some(_), None) => Decision::Conflict,
        (Some(ex), Some(base)) if ex.deleted || base != ex.version => Decision::Conflict,
        (Some(ex), Some(_)) => Decision::Apply {
            version: ex.version + 1,
        },
    }
}

// ---------------------------------------------------------------- visibility

/// The fields of a stored row that decide who sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta<'a> {
    pub kind: RecordKind,
    pub node_path: &'a NodePath,
    pub owner_id: Option<Uuid>,
    /// For `Visibility::Audience` kinds: who else receives the row.
    pub audience: &'a [Uuid],
}

pub fn visible(principal: &Principal, meta: &RecordMeta<'_>) -> bool {
    if meta.owner_id == Some(principal.account_id) {
        return true;
    }
    match meta.kind.spec().visibility {
        Visibility::Audience => meta.audience.contains(&principal.account_id),
        Visibility::Public => true,
        Visibility::Scoped(action) => can(principal, action, meta.node_path),
        Visibility::Broadcast(action) => {
            can(principal, action, meta.node_path)
                || principal.nodes().any(|home| home.is_within(meta.node_path))
        }
    }
}

/// The same rule as `visible`, shaped for a database query: per kind, either everything,
/// rows under some path prefixes, or rows at some exact paths. The server turns it into
/// SQL and then still checks each row with `visible`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullFilter {
    pub owner_id: Uuid,
    pub kinds: Vec<KindFilter>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindFilter {
    pub kind: RecordKind,
    pub all: bool,
    pub prefixes: Vec<NodePath>,
    pub exact: Vec<NodePath>,
}

pub fn pull_filter(principal: &Principal) -> PullFilter {
    let kinds = RecordKind::ALL
        .into_iter()
        .map(|kind| {
            let mut f = KindFilter {
                kind,
                all: false,
                prefixes: Vec::new(),
                exact: Vec::new(),
            };
            let action = match kind.spec().visibility {
                // Owner and audience only: the query's own clauses for those.
                Visibility::Audience => return f,
                Visibility::Public => {
                    f.all = true;
                    return f;
                }
                Visibility::Scoped(a) => a,
                Visibility::Broadcast(a) => {
                    for home in principal.nodes() {
                        for p in home.ancestors_and_self() {
                            if !f.exact.contains(&p) {
                                f.exact.push(p);
                            }
                        }
                    }
                    a
                }
            };
            match principal.scopes_for(action) {
                None => f.all = true,
                Some(scopes) => f.prefixes = minimal_prefixes(scopes),
            }
            f
        })
        .collect();
    PullFilter {
        owner_id: principal.account_id,
        kinds,
    }
}

/// Drops paths already covered by another, so the query has fewer terms.
fn minimal_prefixes(mut scopes: Vec<NodePath>) -> Vec<NodePath> {
    scopes.sort_by_key(|p| p.depth());
    let mut out: Vec<NodePath> = Vec::new();
    for s in scopes {
        if !out.iter().any(|o| s.is_within(o)) {
            out.push(s);
        }
    }
    out
}

impl PullFilter {
    /// What the SQL built from this filter selects, in Rust, so tests can hold it
    /// against `visible`.
    pub fn matches(&self, meta: &RecordMeta<'_>) -> bool {
        if meta.owner_id == Some(self.owner_id) {
            return true;
        }
        if meta.kind.spec().visibility == Visibility::Audience {
            return meta.audience.contains(&self.owner_id);
        }
        self.kinds.iter().any(|f| {
            f.kind == meta.kind
                && (f.all
                    || f.prefixes.iter().any(|p| meta.node_path.is_within(p))
                    || f.exact.iter().any(|p| p == meta.node_path))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Grant, Role};
    use serde_json::json;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    struct Fixture {
        province: NodePath,
        njmu: NodePath,
        sibling: NodePath,
        site: NodePath,
    }

    fn fx() -> Fixture {
        let province = NodePath::root(id(1));
        let industry = province.child(id(2));
        Fixture {
            njmu: industry.child(id(3)),
            sibling: industry.child(id(4)),
            site: NodePath::root(id(5)).child(id(6)),
            province,
        }
    }

    fn who(account: u128, grants: &[(Role, &NodePath)]) -> Principal {
        Principal {
            account_id: id(account),
            grants: grants
                .iter()
                .map(|(r, p)| Grant {
                    role: *r,
                    node: Some((*p).clone()),
                })
                .collect(),
        }
    }

    fn member_op(base: Option<i64>, deleted: bool) -> Op {
        Op {
            op_id: id(500),
            record_id: id(600),
            kind: RecordKind::Member,
            node_id: id(3),
            base_version: base,
            deleted,
            body: json!({"name": "张靖", "phone_masked": "138****9776"}),
            made_at: 0,
        }
    }

    #[test]
    fn push_decisions_follow_the_table() {
        let f = fx();
        let sec = who(10, &[(Role::Secretary, &f.njmu)]);
        let sibling_sec = who(11, &[(Role::Secretary, &f.sibling)]);
        let member = who(12, &[(Role::Member, &f.njmu)]);
        let ex = |v: i64, deleted: bool| Existing {
            kind: RecordKind::Member,
            version: v,
            node_path: f.njmu.clone(),
            deleted,
        };
        let ex_sibling = Existing {
            kind: RecordKind::Member,
            version: 1,
            node_path: f.sibling.clone(),
            deleted: false,
        };
        let ex_notice = Existing {
            kind: RecordKind::Notice,
            version: 1,
            node_path: f.njmu.clone(),
            deleted: false,
        };
        struct Case<'a> {
            name: &'a str,
            p: &'a Principal,
            op: Op,
            target: Option<&'a NodePath>,
            existing: Option<Existing>,
            applied: bool,
            want: Decision,
        }
        let cases = vec![
            Case {
                name: "create",
                p: &sec,
                op: member_op(None, false),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Apply { version: 1 },
            },
            Case {
                name: "replay is a duplicate",
                p: &sec,
                op: member_op(None, false),
                target: Some(&f.njmu),
                existing: Some(ex(1, false)),
                applied: true,
                want: Decision::Duplicate,
            },
            Case {
                name: "edit on current version",
                p: &sec,
                op: member_op(Some(3), false),
                target: Some(&f.njmu),
                existing: Some(ex(3, false)),
                applied: false,
                want: Decision::Apply { version: 4 },
            },
            Case {
                name: "stale edit is a conflict",
                p: &sec,
                op: member_op(Some(2), false),
                target: Some(&f.njmu),
                existing: Some(ex(3, false)),
                applied: false,
                want: Decision::Conflict,
            },
            Case {
                name: "edit of a deleted row is a conflict",
                p: &sec,
                op: member_op(Some(3), false),
                target: Some(&f.njmu),
                existing: Some(ex(3, true)),
                applied: false,
                want: Decision::Conflict,
            },
            Case {
                name: "delete on current version",
                p: &sec,
                op: member_op(Some(3), true),
                target: Some(&f.njmu),
                existing: Some(ex(3, false)),
                applied: false,
                want: Decision::Apply { version: 4 },
            },
            Case {
                name: "create meeting an existing id",
                p: &sec,
                op: member_op(None, false),
                target: Some(&f.njmu),
                existing: Some(ex(1, false)),
                applied: false,
                want: Decision::Conflict,
            },
            Case {
                name: "edit of a missing row",
                p: &sec,
                op: member_op(Some(1), false),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(RECORD_NOT_FOUND),
            },
            Case {
                name: "delete of a missing row",
                p: &sec,
                op: member_op(None, true),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(RECORD_NOT_FOUND),
            },
            Case {
                name: "unknown node",
                p: &sec,
                op: member_op(None, false),
                target: None,
                existing: None,
                applied: false,
                want: Decision::Reject(UNKNOWN_NODE),
            },
            Case {
                name: "sibling secretary",
                p: &sibling_sec,
                op: member_op(None, false),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(FORBIDDEN),
            },
            Case {
                name: "moving a sibling's row into my unit",
                p: &sec,
                op: member_op(Some(1), false),
                target: Some(&f.njmu),
                existing: Some(ex_sibling),
                applied: false,
                want: Decision::Reject(FORBIDDEN),
            },
            Case {
                name: "plain member cannot write the roster",
                p: &member,
                op: member_op(None, false),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(FORBIDDEN),
            },
            Case {
                name: "kind mismatch",
                p: &sec,
                op: member_op(Some(1), false),
                target: Some(&f.njmu),
                existing: Some(ex_notice),
                applied: false,
                want: Decision::Reject(KIND_MISMATCH),
            },
            Case {
                name: "zero base version",
                p: &sec,
                op: member_op(Some(0), false),
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(BAD_VERSION),
            },
            Case {
                name: "unmasked phone in roster",
                p: &sec,
                op: Op {
                    body: json!({"name": "张靖", "phone_masked": "13814119776"}),
                    ..member_op(None, false)
                },
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(MASKED_VALUE_EXPECTED),
            },
            Case {
                name: "unknown body field",
                p: &sec,
                op: Op {
                    body: json!({"name": "张靖", "salary": 1}),
                    ..member_op(None, false)
                },
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(BODY_INVALID),
            },
            Case {
                name: "server-only kind",
                p: &sec,
                op: Op {
                    kind: RecordKind::OrgNode,
                    body: json!({"name": "新单位", "kind": "unit_union", "parent_id": null}),
                    ..member_op(None, false)
                },
                target: Some(&f.njmu),
                existing: None,
                applied: false,
                want: Decision::Reject(SERVER_ONLY_KIND),
            },
        ];
        for c in cases {
            let got = decide(&DecideInput {
                principal: c.p,
                op: &c.op,
                target: c.target,
                existing: c.existing.as_ref(),
                already_applied: c.applied,
            });
            assert_eq!(got, c.want, "case: {}", c.name);
        }
    }

    #[test]
    fn append_only_scans_never_conflict_and_are_never_edited() {
        let f = fx();
        let scanner = who(20, &[(Role::Scanner, &f.site)]);
        let scan = Op {
            op_id: id(1),
            record_id: id(2),
            kind: RecordKind::Scan,
            node_id: id(6),
            base_version: None,
            deleted: false,
            body: json!({"subject": "张*", "temperature_tenths": 365, "verdict": "green"}),
            made_at: 0,
        };
        let input = |op: &Op, ex: Option<&Existing>| {
            decide(&DecideInput {
                principal: &scanner,
                op,
                target: Some(&f.site),
                existing: ex,
                already_applied: false,
            })
        };
        assert_eq!(input(&scan, None), Decision::Apply { version: 1 });
        let stored = Existing {
            kind: RecordKind::Scan,
            version: 1,
            node_path: f.site.clone(),
            deleted: false,
        };
        let edit = Op {
            base_version: Some(1),
            ..scan.clone()
        };
        assert_eq!(input(&edit, Some(&stored)), Decision::Reject(APPEND_ONLY));
        let hot = Op {
            body: json!({"subject": "张*", "temperature_tenths": 450, "verdict": "green"}),
            ..scan
        };
        assert_eq!(
            input(&hot, None),
            Decision::Reject(TEMPERATURE_OUT_OF_RANGE)
        );
    }

    #[test]
    fn visibility_follows_kind_scope_and_ownership() {
        let f = fx();
        let sec = who(10, &[(Role::Secretary, &f.njmu)]);
        let member = who(12, &[(Role::Member, &f.njmu)]);
        let sibling_member = who(13, &[(Role::Member, &f.sibling)]);
        let province_sec = who(14, &[(Role::Secretary, &f.province)]);
        let site_mgr = who(15, &[(Role::SiteManager, &f.site)]);
        let meta = |kind, path: &NodePath, owner: Option<u128>| (kind, path.clone(), owner.map(id));
        let cases = vec![
            (&sec, meta(RecordKind::Member, &f.njmu, None), true),
            (&sec, meta(RecordKind::Member, &f.sibling, None), false),
            (
                &province_sec,
                meta(RecordKind::Member, &f.sibling, None),
                true,
            ),
            (&member, meta(RecordKind::Member, &f.njmu, None), false),
            (&member, meta(RecordKind::Member, &f.njmu, Some(12)), true),
            (
                &sibling_member,
                meta(RecordKind::Member, &f.njmu, None),
                false,
            ),
            (&member, meta(RecordKind::Notice, &f.province, None), true),
            (&member, meta(RecordKind::Notice, &f.njmu, None), true),
            (
                &sibling_member,
                meta(RecordKind::Notice, &f.njmu, None),
                false,
            ),
            (&province_sec, meta(RecordKind::Notice, &f.njmu, None), true),
            (&member, meta(RecordKind::OrgNode, &f.site, None), true),
            (&member, meta(RecordKind::Scan, &f.site, None), false),
            (&site_mgr, meta(RecordKind::Scan, &f.site, None), true),
            (&sec, meta(RecordKind::Scan, &f.njmu, None), false),
        ];
        for (p, (kind, path, owner), want) in cases {
            let m = RecordMeta {
                kind,
                node_path: &path,
                owner_id: owner,
                audience: &[],
            };
            assert_eq!(
                visible(p, &m),
                want,
                "{:?} seeing {kind:?} at {path:?}",
                p.grants
            );
            assert_eq!(
                pull_filter(p).matches(&m),
                want,
                "filter for {:?} on {kind:?} at {path:?}",
                p.grants
            );
        }
    }

    #[test]
    fn pull_filter_agrees_with_visible_everywhere() {
        let f = fx();
        let paths = [&f.province, &f.njmu, &f.sibling, &f.site];
        let principals = [
            who(1, &[(Role::Secretary, &f.njmu), (Role::Member, &f.sibling)]),
            who(2, &[(Role::SiteManager, &f.site), (Role::Scanner, &f.site)]),
            who(3, &[(Role::HealthAuthority, &f.province)]),
            who(
                4,
                &[(Role::Reviewer, &f.province), (Role::Secretary, &f.njmu)],
            ),
            Principal {
                account_id: id(5),
                grants: vec![Grant {
                    role: Role::SystemAdmin,
                    node: None,
                }],
            },
        ];
        for p in &principals {
            let filter = pull_filter(p);
            for kind in RecordKind::ALL {
                for path in paths {
                    for owner in [None, Some(p.account_id), Some(id(999))] {
                        for audience in [vec![], vec![id(998), p.account_id], vec![id(998)]] {
                            let m = RecordMeta {
                                kind,
                                node_path: path,
                                owner_id: owner,
                                audience: &audience,
                            };
                            assert_eq!(filter.matches(&m), visible(p, &m), "{p:?} {m:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn requests_reach_their_applicant_and_approvers_only() {
        let f = fx();
        let applicant = who(20, &[(Role::Member, &f.njmu)]);
        let approver = who(21, &[(Role::Secretary, &f.njmu)]);
        // A secretary above the unit, the platform admin and a sibling secretary are not
        // approvers of this request: they do not receive it.
        let above = who(22, &[(Role::Secretary, &f.province)]);
        let sibling = who(23, &[(Role::Secretary, &f.sibling)]);
        let admin = Principal {
            account_id: id(24),
            grants: vec![Grant {
                role: Role::SystemAdmin,
                node: None,
            }],
        };
        let audience = [id(21)];
        for kind in [RecordKind::Request, RecordKind::Notification] {
            let m = RecordMeta {
                kind,
                node_path: &f.njmu,
                owner_id: Some(id(20)),
                audience: &audience,
            };
            for (p, want) in [
                (&applicant, true),
                (&approver, true),
                (&above, false),
                (&sibling, false),
                (&admin, false),
            ] {
                assert_eq!(visible(p, &m), want, "{kind:?} {:?}", p.account_id);
                assert_eq!(pull_filter(p).matches(&m), want);
            }
        }
        // Memberships follow the roster's scope; the member sees their own.
        let m = RecordMeta {
            kind: RecordKind::Membership,
            node_path: &f.njmu,
            owner_id: Some(id(20)),
            audience: &[],
        };
        assert!(visible(&applicant, &m));
        assert!(visible(&above, &m));
        assert!(!visible(&sibling, &m));
    }

    #[test]
    fn nested_scopes_collapse_to_the_outermost() {
        let f = fx();
        let p = who(
            1,
            &[(Role::Secretary, &f.njmu), (Role::Secretary, &f.province)],
        );
        let filter = pull_filter(&p);
        let member = filter
            .kinds
            .iter()
            .find(|k| k.kind == RecordKind::Member)
            .unwrap();
        assert_eq!(member.prefixes, vec![f.province.clone()]);
    }
}
