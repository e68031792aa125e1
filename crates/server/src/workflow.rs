//! The server side of the approval engine (`huiji_domain::workflow`): who decides each
//! step (looked up by role on the tree), submission with its preconditions, actions
//! (idempotent by `action_id`, one transaction each, conflicts when someone decided
//! first), the effects of an approval in the decision's transaction (membership, roster,
//! grant, dues order, organisation account), inbox entries and SMS, and the daily
//! membership status pass.

use std::collections::HashSet;
use std::time::Duration;

use axum::http::StatusCode;
use huiji_domain::mask::{mask_id_number, mask_phone};
use huiji_domain::org::{can, Action as Perm, NodeKind, NodePath, Role};
use huiji_domain::sync::{MemberBody, OrgNodeBody, RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::{
    ActionBatch, ActionBatchResponse, ActionItem, ActionResult, MembershipOverrideRequest,
    OpStatus, Record, RenewRequest, SmsPurpose, SubmitRequest,
};
use huiji_domain::workflow::{
    self as wf, Action, Attachment, DuesOrderBody, Effect, HistoryEntry, JoinForm, MembershipBody,
    MembershipStatus, NotificationBody, OrgRegistrationForm, Outcome, Person, PositionForm,
    RequestBody, RequestKind, RequestState, ServiceDef, StatusOverride, Step, StepMode,
    StepTemplate, TransferForm, WithdrawalForm,
};
use huiji_domain::DomainError;
use sqlx::{Any, AnyConnection, Row, Transaction};
use uuid::Uuid;

use crate::auth::{load_principal, parse_uuid, AuthUser};
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::records::{
    lock_seq, reserve_seq, row_to_record, write_records, write_server_rows, PushError, ServerRow,
    StoredRecord,
};
use crate::state::AppState;

const RECORD_COLUMNS: &str = "id, kind, node_id, node_path, owner_id, version, seq, deleted, \
     body, created_at, updated_at, updated_by, audience";

// ---------------------------------------------------------------- errors

pub const ALREADY_MEMBER: DomainError = DomainError::new(
    "AlreadyMember",
    "您已是该组织的会员",
    "You are already a member of this unit",
);
pub const NOT_MEMBER: DomainError = DomainError::new(
    "NotMember",
    "您不是该组织的有效会员",
    "You hold no current membership of this unit",
);
pub const NO_MEMBERSHIP: DomainError = DomainError::new(
    "NoMembershipToTransfer",
    "您还没有可以转出的会籍，请先申请入会",
    "You hold no membership to transfer; apply to join first",
);
pub const REQUEST_OPEN: DomainError = DomainError::new(
    "RequestPending",
    "您已有一条同类申请正在办理中，请勿重复提交",
    "A request of this kind is already in progress",
);
pub const NOT_A_UNIT: DomainError = DomainError::new(
    "NotAUnit",
    "请选择要加入的单位工会或协会",
    "Choose a unit union or an association",
);
pub const PROFILE_NEEDED: DomainError = DomainError::new(
    "ProfileNeeded",
    "请先填写真实姓名和身份证号",
    "Give your real name and ID number first",
);
pub const PERSONS_ONLY: DomainError = DomainError::new(
    "PersonsOnly",
    "单位账号不能提交此类申请",
    "Organisation accounts cannot make this kind of request",
);
pub const USE_ORG_REGISTRATION: DomainError = DomainError::new(
    "UseOrgRegistration",
    "单位注册请使用单位注册页面提交",
    "Organisations register through the registration form",
);
pub const SERVICE_NOT_FOUND: DomainError = DomainError::new(
    "ServiceNotFound",
    "该服务不存在或已下线",
    "The service does not exist",
);
pub const ATTACHMENT_NOT_FOUND: DomainError = DomainError::new(
    "AttachmentNotFound",
    "附件不存在，请重新上传",
    "The attachment does not exist; upload it again",
);
pub const TOO_MANY_ATTACHMENTS: DomainError = DomainError::new(
    "TooManyAttachments",
    "每份申请最多10个附件",
    "At most 10 attachments per request",
);
pub const UNIT_CHANGED: DomainError = DomainError::new(
    "UnitChanged",
    "重新提交时不能更改申请的组织或服务",
    "A resubmission cannot change the unit or service",
);
pub const SAME_UNIT: DomainError = DomainError::new(
    "SameUnit",
    "转入单位不能是当前所在单位",
    "The new unit must differ from the current one",
);
pub const PERSON_UNKNOWN: DomainError = DomainError::new(
    "PersonUnknown",
    "所选人员不存在",
    "The person chosen does not exist",
);
pub const TRANSFER_TARGET: DomainError = DomainError::new(
    "TransferTargetInvalid",
    "只能转交给对该组织有审批权限的人员",
    "A step can be transferred only to someone who may review at this node",
);
pub const REQUEST_NOT_FOUND: DomainError =
    DomainError::new("NotFound", "申请不存在", "The request does not exist");
pub const OVERRIDE_ENDED: DomainError = DomainError::new(
    "OverrideInvalid",
    "不能手动设为“已终止”，终止会籍请走退会流程",
    "A membership is ended by a withdrawal, not by an override",
);
pub const SMS_NO_PHONE: DomainError = DomainError::new(
    "NoPhone",
    "该账号没有绑定手机号",
    "This account has no phone",
);

// ---------------------------------------------------------------- small helpers

/// "2026-11-22", today in China Standard Time.
pub fn today(now_ms: i64) -> String {
    huiji_domain::time::today_cst(now_ms).to_string()
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| ApiError::internal(format!("json: {e}")))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<T> {
    serde_json::from_value(v.clone()).map_err(|e| ApiError::internal(format!("stored body: {e}")))
}

/// 1 to 500 characters after trimming.
pub fn check_reason(s: &str) -> std::result::Result<String, DomainError> {
    let t = huiji_domain::dues::clean_text(s);
    let t = t.as_str();
    let n = t.chars().count();
    if n == 0 || n > 500 {
        Err(wf::REASON_REQUIRED)
    } else {
        Ok(t.to_owned())
    }
}

pub async fn get_record(conn: &mut AnyConnection, id: Uuid) -> Result<Option<StoredRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS} FROM records WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(row_to_record).transpose()
}

/// Live rows of `kind` matching `cond` (a SQL condition with `$2`… for `binds`).
pub(crate) async fn records_where(
    conn: &mut AnyConnection,
    kind: RecordKind,
    cond: &str,
    binds: &[String],
) -> Result<Vec<StoredRecord>> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 AND deleted = 0 AND {cond} ORDER BY seq"
    );
    let mut q = sqlx::query(&sql).bind(kind.as_str());
    for b in binds {
        q = q.bind(b.clone());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(row_to_record).collect()
}

#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub id: Uuid,
    pub path: NodePath,
    pub body: OrgNodeBody,
}

pub async fn node(conn: &mut AnyConnection, id: Uuid) -> Result<Option<NodeInfo>> {
    let row = sqlx::query(
        "SELECT node_path, body FROM records WHERE id = $1 AND kind = 'org_node' AND deleted = 0",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let path = NodePath::parse(&row.try_get::<String, _>(0)?)
        .ok_or_else(|| ApiError::internal("bad node path".into()))?;
    let body: OrgNodeBody = serde_json::from_str(&row.try_get::<String, _>(1)?)
        .map_err(|e| ApiError::internal(format!("bad node body: {e}")))?;
    Ok(Some(NodeInfo { id, path, body }))
}

async fn node_or_unknown(conn: &mut AnyConnection, id: Uuid) -> Result<NodeInfo> {
    node(conn, id).await?.ok_or_else(|| UNKNOWN_NODE.into())
}

/// An account as the engine needs it.
#[derive(Debug, Clone)]
pub struct Who {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub real_name: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub status: String,
}

impl Who {
    pub fn person(&self) -> Person {
        Person {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

fn display_name(real: Option<&str>, org: Option<&str>, phone: Option<&str>) -> String {
    real.or(org)
        .map(str::to_owned)
        .or_else(|| phone.map(mask_phone))
        .unwrap_or_else(|| "用户".to_owned())
}

pub async fn who(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Who>> {
    let row = sqlx::query(
        "SELECT kind, real_name, org_name, phone, id_number, status FROM accounts WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let real: Option<String> = row.try_get(1)?;
    let org: Option<String> = row.try_get(2)?;
    let phone: Option<String> = row.try_get(3)?;
    Ok(Some(Who {
        id,
        kind: row.try_get(0)?,
        name: display_name(real.as_deref(), org.as_deref(), phone.as_deref()),
        real_name: real,
        phone,
        id_number: row.try_get(4)?,
        status: row.try_get(5)?,
    }))
}

// ---------------------------------------------------------------- approvers

/// Holders of `role` at `node`; when nobody holds it there, at the nearest ancestor
/// where someone does; with `admins`, the system admins when nobody anywhere holds it.
/// `applicant` never decides their own request: a level where only they hold the role
/// counts as empty. Returns where they were found (the node, or `None` for the admins).
pub async fn approvers(
    conn: &mut AnyConnection,
    role: Role,
    node: &NodePath,
    admins: bool,
    applicant: Uuid,
) -> Result<(Option<Uuid>, Vec<Person>)> {
    let chain = node.ancestors_and_self();
    let ids: Vec<String> = chain
        .iter()
        .filter_map(|p| p.node_id().map(|u| u.to_string()))
        .collect();
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT g.node_id, a.id, a.real_name, a.org_name, a.phone FROM grants g \
         JOIN accounts a ON a.id = g.account_id \
         WHERE g.role = $1 AND a.status = 'active' AND g.node_id IN ({}) \
         ORDER BY g.created_at, a.id",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(role.as_str());
    for id in &ids {
        q = q.bind(id.clone());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut found: Vec<(String, Person)> = Vec::new();
    for row in &rows {
        let real: Option<String> = row.try_get(2)?;
        let org: Option<String> = row.try_get(3)?;
        let phone: Option<String> = row.try_get(4)?;
        found.push((
            row.try_get(0)?,
            Person {
                id: parse_uuid(&row.try_get::<String, _>(1)?)?,
                name: display_name(real.as_deref(), org.as_deref(), phone.as_deref()),
            },
        ));
    }
    for id in ids.iter().rev() {
        let here: Vec<Person> = found
            .iter()
            .filter(|(n, p)| n == id && p.id != applicant)
            .map(|(_, p)| p.clone())
            .collect();
        if !here.is_empty() {
            return Ok((Uuid::parse_str(id).ok(), here));
        }
    }
    if !admins {
        return Ok((None, Vec::new()));
    }
    let rows = sqlx::query(
        "SELECT a.id, a.real_name, a.org_name, a.phone FROM grants g \
         JOIN accounts a ON a.id = g.account_id \
         WHERE g.role = 'system_admin' AND a.status = 'active' ORDER BY g.created_at, a.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let real: Option<String> = row.try_get(1)?;
        let org: Option<String> = row.try_get(2)?;
        let phone: Option<String> = row.try_get(3)?;
        let p = Person {
            id: parse_uuid(&row.try_get::<String, _>(0)?)?,
            name: display_name(real.as_deref(), org.as_deref(), phone.as_deref()),
        };
        if p.id != applicant && !out.iter().any(|x: &Person| x.id == p.id) {
            out.push(p);
        }
    }
    Ok((None, out))
}

/// A step of `tpl` with its approvers looked up (walking up, admins last).
async fn step_from(conn: &mut AnyConnection, t: &StepTemplate, applicant: Uuid) -> Result<Step> {
    let Some(n) = node(conn, t.node_id).await? else {
        return Err(wf::NO_STEPS.into());
    };
    let (_, people) = approvers(conn, t.role, &n.path, true, applicant).await?;
    Ok(Step::from_template(t, people))
}

fn tpl(title: &str, mode: StepMode, role: Role, node_id: Uuid) -> StepTemplate {
    StepTemplate {
        title: title.to_owned(),
        mode,
        role,
        node_id,
    }
}

/// The steps of a request of `kind` by `applicant` about `unit` (`old_unit`: a
/// transfer's current unit; `service`: a service's definition).
pub async fn kind_steps(
    conn: &mut AnyConnection,
    applicant: Uuid,
    kind: RequestKind,
    unit: &NodeInfo,
    old_unit: Option<&NodeInfo>,
    service: Option<&ServiceDef>,
) -> Result<Vec<Step>> {
    use StepMode::Any;
    let sec = Role::Secretary;
    let mut steps = Vec::new();
    match kind {
        RequestKind::Join => {
            steps.push(step_from(conn, &tpl("单位工会审核", Any, sec, unit.id), applicant).await?);
        }
        RequestKind::Transfer => {
            let old = old_unit.ok_or_else(|| ApiError::internal("transfer without old".into()))?;
            steps.push(step_from(conn, &tpl("转出单位审核", Any, sec, old.id), applicant).await?);
            steps.push(step_from(conn, &tpl("转入单位审核", Any, sec, unit.id), applicant).await?);
        }
        RequestKind::Position => {
            steps.push(step_from(conn, &tpl("秘书处审核", Any, sec, unit.id), applicant).await?);
            // 上级会签: every reviewer at the unit or the nearest ancestor that has one;
            // no reviewer anywhere above, no such step.
            let (at, reviewers) =
                approvers(conn, Role::Reviewer, &unit.path, false, applicant).await?;
            if let (Some(at), false) = (at, reviewers.is_empty()) {
                steps.push(Step::from_template(
                    &tpl("上级会签", StepMode::All, Role::Reviewer, at),
                    reviewers,
                ));
            }
        }
        RequestKind::Withdrawal => {
            steps.push(step_from(conn, &tpl("单位审核", Any, sec, unit.id), applicant).await?);
        }
        RequestKind::OrgRegistration => {
            steps.push(step_from(conn, &tpl("秘书处审核", Any, sec, unit.id), applicant).await?);
        }
        RequestKind::Content => {
            steps.push(step_from(conn, &tpl("内容审核", Any, sec, unit.id), applicant).await?);
        }
        RequestKind::Service => {
            let def = service.ok_or_else(|| ApiError::internal("service without def".into()))?;
            for t in &def.steps {
                steps.push(step_from(conn, t, applicant).await?);
            }
        }
    }
    if steps.is_empty() || steps.iter().any(|s| s.approvers.is_empty()) {
        return Err(wf::NO_STEPS.into());
    }
    Ok(steps)
}

// ---------------------------------------------------------------- memberships, roster

/// The caller's memberships that still count, newest first.
pub(crate) async fn live_memberships(
    conn: &mut AnyConnection,
    account: Uuid,
) -> Result<Vec<(StoredRecord, MembershipBody)>> {
    let rows = records_where(
        conn,
        RecordKind::Membership,
        "owner_id = $2",
        &[account.to_string()],
    )
    .await?;
    let mut out = Vec::new();
    for r in rows.into_iter().rev() {
        let m: MembershipBody = from_json(&r.record.body)?;
        if m.is_live() && m.account_id == account {
            out.push((r, m));
        }
    }
    Ok(out)
}

/// The node paths of an account's live memberships (where it is a member).
pub(crate) async fn live_unit_paths(
    conn: &mut AnyConnection,
    account: Uuid,
) -> Result<Vec<NodePath>> {
    let mut out = Vec::new();
    for (_, m) in live_memberships(conn, account).await? {
        if let Some(n) = node(conn, m.unit_id).await? {
            out.push(n.path);
        }
    }
    Ok(out)
}

/// The accounts with a live membership at `path` or below, each once, oldest first.
pub(crate) async fn live_members_under(
    conn: &mut AnyConnection,
    path: &NodePath,
) -> Result<Vec<Uuid>> {
    let rows = records_where(
        conn,
        RecordKind::Membership,
        "node_path LIKE $2",
        &[format!("{}%", path.as_str())],
    )
    .await?;
    let mut out: Vec<Uuid> = Vec::new();
    for r in rows {
        let m: MembershipBody = from_json(&r.record.body)?;
        if m.is_live() && !out.contains(&m.account_id) {
            out.push(m.account_id);
        }
    }
    Ok(out)
}

async fn live_membership_at(
    conn: &mut AnyConnection,
    account: Uuid,
    unit: Uuid,
) -> Result<Option<(StoredRecord, MembershipBody)>> {
    Ok(live_memberships(conn, account)
        .await?
        .into_iter()
        .find(|(_, m)| m.unit_id == unit))
}

/// The account's roster entry at `unit`, if any.
async fn roster_entry(
    conn: &mut AnyConnection,
    account: Uuid,
    unit: Uuid,
) -> Result<Option<StoredRecord>> {
    Ok(records_where(
        conn,
        RecordKind::Member,
        "owner_id = $2 AND node_id = $3",
        &[account.to_string(), unit.to_string()],
    )
    .await?
    .into_iter()
    .next())
}

async fn open_requests(conn: &mut AnyConnection, account: Uuid) -> Result<Vec<RequestBody>> {
    let rows = records_where(
        conn,
        RecordKind::Request,
        "owner_id = $2",
        &[account.to_string()],
    )
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let b: RequestBody = from_json(&r.record.body)?;
        if matches!(b.state, RequestState::Submitted | RequestState::Returned) {
            out.push(b);
        }
    }
    Ok(out)
}

async fn add_member_grant(
    tx: &mut AnyConnection,
    account: Uuid,
    node: Uuid,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, 'member', $3, $4) \
         ON CONFLICT (account_id, role, node_id) DO NOTHING",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(account.to_string())
    .bind(node.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn remove_member_grant(tx: &mut AnyConnection, account: Uuid, node: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM grants WHERE account_id = $1 AND role = 'member' AND node_id = $2")
        .bind(account.to_string())
        .bind(node.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Deletes a server-written row the way sync deletes: a tombstone with the next seq,
/// so every device that holds the row hears of it.
pub async fn tombstone(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    rec: &StoredRecord,
    actor: Option<Uuid>,
    now: i64,
) -> Result<()> {
    let base = reserve_seq(tx, 1).await?;
    let mut r = rec.clone();
    r.record.version += 1;
    r.record.seq = base + 1;
    r.record.deleted = true;
    r.record.body = serde_json::json!({});
    r.record.updated_at = now;
    r.record.updated_by = actor;
    write_records(tx, backend, &[r], true)
        .await
        .map_err(|e| match e {
            PushError::Other(e) => e,
            PushError::Race => ApiError::internal("tombstone raced".into()),
        })
}

pub(crate) fn row(
    id: Uuid,
    kind: RecordKind,
    node: &NodeInfo,
    owner: Option<Uuid>,
    body: serde_json::Value,
) -> ServerRow {
    ServerRow {
        id,
        kind,
        node_id: node.id,
        node_path: node.path.clone(),
        owner_id: owner,
        body,
        audience: Vec::new(),
    }
}

pub(crate) fn stored_row(r: &StoredRecord, body: serde_json::Value) -> ServerRow {
    ServerRow {
        id: r.record.id,
        kind: r.record.kind,
        node_id: r.record.node_id,
        node_path: r.node_path.clone(),
        owner_id: r.record.owner_id,
        body,
        audience: r.audience.clone(),
    }
}

/// The request's own row: its audience is everyone taking part but the applicant (and
/// whoever acted on it before, e.g. an approver who handed the step to someone else).
pub fn request_row(id: Uuid, unit: &NodeInfo, body: &RequestBody) -> Result<ServerRow> {
    let mut audience = body.participants();
    for e in &body.log {
        if !audience.contains(&e.actor.id) {
            audience.push(e.actor.id);
        }
    }
    audience.retain(|p| *p != body.applicant.id);
    Ok(ServerRow {
        id,
        kind: RecordKind::Request,
        node_id: unit.id,
        node_path: unit.path.clone(),
        owner_id: Some(body.applicant.id),
        body: to_json(body)?,
        audience,
    })
}

// ---------------------------------------------------------------- notifications

/// An inbox entry and, for some, an SMS to send once the transaction commits.
pub struct Notice {
    pub to: Uuid,
    pub title: String,
    pub text: String,
    pub sms: bool,
    /// Which subscription setting (消息订阅) governs its SMS.
    pub topic: Topic,
}

/// What an SMS is about, for the member's subscription settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Approval,
    Notice,
}

impl Topic {
    pub fn wanted_by(self, p: &huiji_domain::workflow::NotifyPrefs) -> bool {
        match self {
            Topic::Approval => p.sms_approvals,
            Topic::Notice => p.sms_notices,
        }
    }
}

fn label(body: &RequestBody) -> String {
    match body.kind {
        RequestKind::Service => body
            .title
            .split(" · ")
            .next()
            .unwrap_or(body.kind.label_zh())
            .to_owned(),
        k => k.label_zh().to_owned(),
    }
}

/// What each person in `outcome.notify` hears about `action` (its name) by `actor`.
pub fn notices(outcome: &Outcome, action: &str, actor: &Person) -> Vec<Notice> {
    let b = &outcome.body;
    let (label, applicant, title) = (label(b), &b.applicant.name, &b.title);
    let reason = b.reason.clone().unwrap_or_default();
    let (head, text, sms) = match (&outcome.effect, action) {
        (Some(Effect::Approved), _) => (
            format!("申请已通过：{title}"),
            format!("您的{label}已审核通过。"),
            true,
        ),
        (Some(Effect::Rejected), _) => (
            format!("申请未通过：{title}"),
            format!("您的{label}未通过审核，原因：{reason}"),
            true,
        ),
        (Some(Effect::SentBack), _) => (
            format!("申请被退回：{title}"),
            format!("您的{label}被退回修改，原因：{reason}。请修改后重新提交。"),
            true,
        ),
        (Some(Effect::Withdrawn), _) => (
            format!("申请已撤回：{title}"),
            format!("{applicant}撤回了{label}。"),
            false,
        ),
        (Some(Effect::NextStep), _) => {
            let step = b
                .current_step()
                .map(|s| s.title.clone())
                .unwrap_or_default();
            (
                format!("待审核：{title}"),
                format!("{applicant}的{label}已进入“{step}”环节，请及时审核。"),
                false,
            )
        }
        (None, "submit" | "resubmit") => (
            format!("待审核：{title}"),
            format!("{applicant}提交了{label}，请及时审核。"),
            true,
        ),
        (None, "delegate") => (
            format!("请提出意见：{title}"),
            format!("{}请您就{applicant}的{label}提出意见。", actor.name),
            false,
        ),
        (None, "advise") => (
            format!("已收到意见：{title}"),
            format!("{}已就{applicant}的{label}提出意见。", actor.name),
            false,
        ),
        (None, "transfer") => (
            format!("待审核：{title}"),
            format!("{}将{applicant}的{label}转交给您审批。", actor.name),
            false,
        ),
        (None, _) => {
            let last = b
                .log
                .last()
                .and_then(|e| e.comment.clone())
                .unwrap_or_default();
            (
                format!("新的留言：{title}"),
                format!("{}：{last}", actor.name),
                false,
            )
        }
    };
    let mut seen = HashSet::new();
    outcome
        .notify
        .iter()
        .filter(|id| seen.insert(**id))
        .map(|id| Notice {
            to: *id,
            title: head.clone(),
            text: text.clone(),
            sms,
            topic: Topic::Approval,
        })
        .collect()
}

pub fn notice_rows(
    notices: &[Notice],
    request_id: Uuid,
    unit: &NodeInfo,
    now: i64,
) -> Result<Vec<ServerRow>> {
    notices
        .iter()
        .map(|n| {
            let body = NotificationBody {
                title: n.title.clone(),
                text: n.text.clone(),
                request_id: Some(request_id),
                payment_id: None,
                notice_id: None,
                at: now,
            };
            Ok(row(
                Uuid::now_v7(),
                RecordKind::Notification,
                unit,
                Some(n.to),
                to_json(&body)?,
            ))
        })
        .collect()
}

/// Sends the SMS of `notices` in the background once the transaction has committed, so
/// a slow gateway never holds up the answer (or a bulk approval). A failure is logged;
/// the request stands.
pub fn spawn_sms(st: &AppState, notices: Vec<Notice>) {
    if notices.iter().any(|n| n.sms) {
        let st = st.clone();
        tokio::spawn(async move { send_sms(&st, &notices).await });
    }
}

/// Sends the SMS of `notices` now (see `spawn_sms`).
pub async fn send_sms(st: &AppState, notices: &[Notice]) {
    for n in notices.iter().filter(|n| n.sms) {
        let wanted = async {
            let mut conn = st.db.pool.acquire().await?;
            let prefs = crate::notices::prefs_of(&mut conn, n.to).await?;
            Ok::<_, ApiError>(n.topic.wanted_by(&prefs))
        }
        .await;
        match wanted {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => tracing::warn!(error = %e, "SMS preferences not read; sending"),
        }
        let phone = async {
            let row = sqlx::query(
                "SELECT a.phone, r.contact_phone FROM accounts a \
                 LEFT JOIN org_registrations r ON r.account_id = a.id WHERE a.id = $1",
            )
            .bind(n.to.to_string())
            .fetch_optional(&st.db.pool)
            .await?;
            let Some(row) = row else {
                return Ok::<_, ApiError>(None);
            };
            let own: Option<String> = row.try_get(0)?;
            let contact: Option<String> = row.try_get(1)?;
            Ok(own.or(contact))
        }
        .await;
        let phone = match phone {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "SMS recipient lookup failed");
                continue;
            }
        };
        let msg = format!("【会籍】{}", n.text);
        match tokio::time::timeout(Duration::from_secs(10), st.sms.send(&phone, &msg)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "notification SMS failed"),
            Err(_) => tracing::warn!("notification SMS timed out"),
        }
    }
}

// ---------------------------------------------------------------- submit

pub const CONTENT_NO_SEND_BACK: DomainError = DomainError::new(
    "ContentNoSendBack",
    "内容审核不退回修改：请选择通过，或不通过并写明原因（提交者修改后会重新审核）",
    "Content is approved or refused with a reason; the owner's edit is reviewed again",
);

/// A form checked by its kind's rules, and what it is about.
enum Parsed {
    Join(JoinForm),
    Transfer(TransferForm),
    Position(PositionForm),
    Withdrawal(WithdrawalForm),
    Service(wf::ServiceForm),
}

impl Parsed {
    fn parse(kind: RequestKind, form: &serde_json::Value) -> Result<(Parsed, serde_json::Value)> {
        let parsed = match kind {
            RequestKind::Join => Parsed::Join(wf::parse_join(form)?),
            RequestKind::Transfer => Parsed::Transfer(wf::parse_transfer(form)?),
            RequestKind::Position => Parsed::Position(wf::parse_position(form)?),
            RequestKind::Withdrawal => Parsed::Withdrawal(wf::parse_withdrawal(form)?),
            RequestKind::Service => {
                // The values are checked against the service once it is loaded.
                let f: wf::ServiceForm =
                    serde_json::from_value(form.clone()).map_err(|_| wf::FORM_INVALID)?;
                Parsed::Service(f)
            }
            RequestKind::OrgRegistration => return Err(USE_ORG_REGISTRATION.into()),
            RequestKind::Content => {
                return Err(huiji_domain::community::content::USE_CONTENT_PAGES.into())
            }
        };
        let normal = match &parsed {
            Parsed::Join(f) => to_json(f)?,
            Parsed::Transfer(f) => to_json(f)?,
            Parsed::Position(f) => to_json(f)?,
            Parsed::Withdrawal(f) => to_json(f)?,
            Parsed::Service(f) => to_json(f)?,
        };
        Ok((parsed, normal))
    }

    /// The node the request is about.
    fn unit_id(&self) -> Option<Uuid> {
        match self {
            Parsed::Join(f) => Some(f.unit_id),
            Parsed::Transfer(f) => Some(f.to_unit_id),
            Parsed::Position(f) => Some(f.unit_id),
            Parsed::Withdrawal(f) => Some(f.unit_id),
            Parsed::Service(_) => None,
        }
    }
}

/// A service record: its node and definition.
async fn service(conn: &mut AnyConnection, id: Uuid) -> Result<(NodeInfo, ServiceDef)> {
    let rec = get_record(conn, id)
        .await?
        .filter(|r| r.record.kind == RecordKind::Service && !r.record.deleted)
        .ok_or(ApiError::from(SERVICE_NOT_FOUND))?;
    let def: ServiceDef = from_json(&rec.record.body)?;
    let n = node_or_unknown(conn, rec.record.node_id).await?;
    Ok((n, def))
}

/// The attachments as stored: each must exist and belong to `owner`.
async fn own_attachments(
    conn: &mut AnyConnection,
    owner: Uuid,
    given: &[Attachment],
) -> std::result::Result<Vec<Attachment>, ApiError> {
    if given.len() > 10 {
        return Err(TOO_MANY_ATTACHMENTS.into());
    }
    let mut out: Vec<Attachment> = Vec::new();
    for a in given {
        if out.iter().any(|x| x.id == a.id) {
            continue;
        }
        let row =
            sqlx::query("SELECT name, mime, size FROM attachments WHERE id = $1 AND owner_id = $2")
                .bind(a.id.to_string())
                .bind(owner.to_string())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(ApiError::from(ATTACHMENT_NOT_FOUND))?;
        out.push(Attachment {
            id: a.id,
            name: row.try_get(0)?,
            mime: row.try_get(1)?,
            size: u64::try_from(row.try_get::<i64, _>(2)?).unwrap_or(0),
        });
    }
    Ok(out)
}

/// Everything a new request needs, checked: its unit, steps and form.
struct Prepared {
    unit: NodeInfo,
    title: String,
    steps: Vec<Step>,
    attachments: Vec<Attachment>,
}

async fn prepare_submit(
    conn: &mut AnyConnection,
    me: &Who,
    kind: RequestKind,
    parsed: Parsed,
    form: &serde_json::Value,
    attachments: &[Attachment],
) -> Result<Prepared> {
    if kind != RequestKind::Service {
        if me.kind != "person" {
            return Err(PERSONS_ONLY.into());
        }
        if me.real_name.is_none() || me.id_number.is_none() {
            return Err(PROFILE_NEEDED.into());
        }
    }
    let attachments = own_attachments(conn, me.id, attachments).await?;
    let open = open_requests(conn, me.id).await?;
    let (unit, old, def) = match &parsed {
        Parsed::Service(f) => {
            let (n, def) = service(conn, f.service_id).await?;
            wf::parse_service(form, &def)?;
            (n, None, Some(def))
        }
        other => {
            let unit_id = other.unit_id().unwrap_or_default();
            let unit = node_or_unknown(conn, unit_id).await?;
            let live = live_memberships(conn, me.id).await?;
            let live_here = live.iter().any(|(_, m)| m.unit_id == unit_id);
            if open.iter().any(|b| b.kind == kind && b.node_id == unit_id)
                || (kind == RequestKind::Transfer && open.iter().any(|b| b.kind == kind))
            {
                return Err(REQUEST_OPEN.into());
            }
            let mut old = None;
            match other {
                Parsed::Join(_) => {
                    if !matches!(
                        unit.body.kind,
                        NodeKind::UnitUnion | NodeKind::Association | NodeKind::IndustryUnion
                    ) {
                        return Err(NOT_A_UNIT.into());
                    }
                    if live_here {
                        return Err(ALREADY_MEMBER.into());
                    }
                }
                Parsed::Transfer(_) => {
                    if !matches!(
                        unit.body.kind,
                        NodeKind::UnitUnion | NodeKind::IndustryUnion
                    ) {
                        return Err(NOT_A_UNIT.into());
                    }
                    if live_here {
                        return Err(if live.len() == 1 {
                            SAME_UNIT
                        } else {
                            ALREADY_MEMBER
                        }
                        .into());
                    }
                    let Some((_, from)) = live.first() else {
                        return Err(NO_MEMBERSHIP.into());
                    };
                    old = Some(node_or_unknown(conn, from.unit_id).await?);
                }
                Parsed::Position(_) | Parsed::Withdrawal(_) => {
                    if !live_here {
                        return Err(NOT_MEMBER.into());
                    }
                }
                Parsed::Service(_) => {}
            }
            (unit, old, None)
        }
    };
    let steps = kind_steps(conn, me.id, kind, &unit, old.as_ref(), def.as_ref()).await?;
    let title = match &def {
        Some(d) => format!("{} · {}", d.name, unit.body.name),
        None => format!("{} · {}", kind.label_zh(), unit.body.name),
    };
    Ok(Prepared {
        unit,
        title,
        steps,
        attachments,
    })
}

fn same_submission(
    existing: &StoredRecord,
    me: Uuid,
    kind: RequestKind,
    form: &serde_json::Value,
) -> bool {
    existing.record.kind == RecordKind::Request
        && existing.record.owner_id == Some(me)
        && serde_json::from_value::<RequestBody>(existing.record.body.clone()).is_ok_and(|b| {
            b.kind == kind && (&b.form == form || b.log.iter().any(|e| e.action == "resubmit"))
        })
}

fn id_taken() -> ApiError {
    ApiError::client(
        StatusCode::CONFLICT,
        "RequestIdTaken",
        "该申请编号已被使用，请重新填写后提交",
    )
}

/// Submits a request. The same id sent again with the same request answers with the
/// stored request (`false`: nothing new was made).
pub async fn submit(st: &AppState, user: &AuthUser, req: SubmitRequest) -> Result<(bool, Record)> {
    let (parsed, form) = Parsed::parse(req.kind, &req.form)?;
    let mut conn = st.db.pool.acquire().await?;
    if let Some(existing) = get_record(&mut conn, req.id).await? {
        return if same_submission(&existing, user.id(), req.kind, &form) {
            Ok((false, existing.record))
        } else {
            Err(id_taken())
        };
    }
    let me = who(&mut conn, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let p = prepare_submit(&mut conn, &me, req.kind, parsed, &form, &req.attachments).await?;
    drop(conn);
    // The SMS code last: a code is used up only by a request that is otherwise good.
    let sms_verified = match req.sms_code.as_deref().map(str::trim) {
        None | Some("") => false,
        Some(code) => {
            let phone = me.phone.as_deref().ok_or(ApiError::from(SMS_NO_PHONE))?;
            crate::routes::auth::check_sms_code(st, phone, SmsPurpose::Verify, code)
                .await
                .map_err(|e| match e {
                    // A wrong code is the form's mistake, not a lost login.
                    ApiError::Client {
                        status: StatusCode::UNAUTHORIZED,
                        code,
                        message,
                    } => ApiError::Client {
                        status: StatusCode::BAD_REQUEST,
                        code,
                        message,
                    },
                    e => e,
                })?;
            true
        }
    };
    let now = st.now();
    let outcome = wf::submit(
        req.kind,
        p.title,
        me.person(),
        (p.unit.id, p.unit.body.name.clone()),
        form.clone(),
        p.attachments,
        p.steps,
        sms_verified,
        now,
    )?;
    let notes = notices(&outcome, "submit", &me.person());
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    if let Some(existing) = get_record(&mut tx, req.id).await? {
        // The same submission raced itself.
        tx.rollback().await?;
        return if same_submission(&existing, user.id(), req.kind, &form) {
            Ok((false, existing.record))
        } else {
            Err(id_taken())
        };
    }
    let mut rows = vec![request_row(req.id, &p.unit, &outcome.body)?];
    rows.extend(notice_rows(&notes, req.id, &p.unit, now)?);
    write_server_rows(&mut tx, st.db.backend, rows, Some(me.id), now).await?;
    let stored = get_record(&mut tx, req.id)
        .await?
        .ok_or_else(|| ApiError::internal("request vanished".into()))?;
    tx.commit().await?;
    spawn_sms(st, notes);
    Ok((true, stored.record))
}

// ---------------------------------------------------------------- actions

pub const MAX_ACTIONS: usize = 500;

/// An action's answer (requests and payments answer alike).
pub(crate) fn action_result(action_id: Uuid, status: OpStatus) -> ActionResult {
    ActionResult {
        action_id,
        status,
        code: None,
        reason: None,
        current: None,
    }
}

fn result(item: &ActionItem, status: OpStatus) -> ActionResult {
    action_result(item.action_id, status)
}

fn rejected(item: &ActionItem, e: &ApiError) -> ActionResult {
    refused_result(item.action_id, e)
}

/// A refusal as an action's answer: the client's code and words, or a generic one.
pub(crate) fn refused_result(action_id: Uuid, e: &ApiError) -> ActionResult {
    let mut r = action_result(action_id, OpStatus::Rejected);
    match e {
        ApiError::Client { code, message, .. } => {
            r.code = Some((*code).to_owned());
            r.reason = Some(message.to_string());
        }
        ApiError::Internal(_) => {
            r.code = Some("Internal".into());
            r.reason = Some("服务器内部错误，请稍后再试".into());
        }
    }
    r
}

/// Applies a batch, one transaction per action.
pub async fn act(
    st: &AppState,
    user: &AuthUser,
    batch: ActionBatch,
) -> Result<ActionBatchResponse> {
    if batch.actions.len() > MAX_ACTIONS {
        return Err(ApiError::bad_request(
            "TooManyActions",
            format!("每次最多提交{MAX_ACTIONS}个操作"),
        ));
    }
    let me = {
        let mut conn = st.db.pool.acquire().await?;
        who(&mut conn, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?
    };
    let mut results = Vec::with_capacity(batch.actions.len());
    for item in &batch.actions {
        let (r, notes) = act_one(st, user, &me, item).await?;
        spawn_sms(st, notes);
        let status = match r.status {
            OpStatus::Applied => "applied",
            OpStatus::Duplicate => "duplicate",
            OpStatus::Rejected => "rejected",
            OpStatus::Conflict => "conflict",
        };
        metrics::counter!("huiji_request_actions_total", "status" => status).increment(1);
        results.push(r);
    }
    Ok(ActionBatchResponse { results })
}

/// Checks what the action carries against the server's data: people named exist (and
/// get their real names), a resubmitted form is valid for its kind.
async fn prepare_action(
    st: &AppState,
    conn: &mut AnyConnection,
    body: &RequestBody,
    me: &Who,
    action: &Action,
) -> Result<Action> {
    let mut action = action.clone();
    if body.kind == RequestKind::Content
        && matches!(action, Action::Resubmit { .. } | Action::SendBack { .. })
    {
        return Err(CONTENT_NO_SEND_BACK.into());
    }
    if body.kind == RequestKind::Content && matches!(action, Action::Withdraw) {
        return Err(huiji_domain::community::content::USE_CONTENT_PAGES.into());
    }
    match &mut action {
        Action::Delegate { to, .. } | Action::Transfer { to, .. } => {
            let target = who(conn, to.id)
                .await?
                .filter(|w| w.status == "active" && w.kind == "person")
                .ok_or(ApiError::from(PERSON_UNKNOWN))?;
            if target.id == body.applicant.id {
                return Err(wf::DELEGATE_INVALID.into());
            }
            *to = target.person();
        }
        Action::Resubmit { form, attachments } => {
            let normal = match body.kind {
                RequestKind::OrgRegistration => {
                    let levels = node(conn, body.node_id)
                        .await?
                        .map(|n| n.body.levels)
                        .unwrap_or_default();
                    to_json(&wf::parse_org_registration(form, &levels)?)?
                }
                kind => {
                    let (parsed, normal) = Parsed::parse(kind, form)?;
                    let same = match &parsed {
                        Parsed::Service(f) => {
                            let old: wf::ServiceForm = from_json(&body.form)?;
                            let (_, def) = service(conn, f.service_id).await?;
                            wf::parse_service(&normal, &def)?;
                            old.service_id == f.service_id
                        }
                        other => other.unit_id() == Some(body.node_id),
                    };
                    if !same {
                        return Err(UNIT_CHANGED.into());
                    }
                    normal
                }
            };
            *form = normal;
            *attachments = own_attachments(conn, me.id, attachments).await?;
        }
        _ => {}
    }
    if let Action::Transfer { to, .. } = &action {
        let step_node = body
            .current_step()
            .map(|s| s.node_id)
            .unwrap_or(body.node_id);
        let path = node(conn, step_node).await?.map(|n| n.path);
        let principal = load_principal(st, to.id).await?;
        if !path.is_some_and(|p| can(&principal, Perm::ReviewApplications, &p)) {
            return Err(TRANSFER_TARGET.into());
        }
    }
    Ok(action)
}

async fn act_one(
    st: &AppState,
    user: &AuthUser,
    me: &Who,
    item: &ActionItem,
) -> Result<(ActionResult, Vec<Notice>)> {
    let now = st.now();
    let backend = st.db.backend;
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let current = get_record(&mut tx, item.request_id)
        .await?
        .filter(|r| r.record.kind == RecordKind::Request && !r.record.deleted)
        .filter(|r| may_see(r, me.id));
    let before =
        sqlx::query("SELECT account_id, request_id FROM request_actions WHERE action_id = $1")
            .bind(item.action_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(b) = before {
        tx.rollback().await?;
        let mut r = result(item, OpStatus::Duplicate);
        if b.try_get::<String, _>(0)? == me.id.to_string()
            && b.try_get::<String, _>(1)? == item.request_id.to_string()
        {
            r.current = current.map(|c| c.record);
        }
        return Ok((r, Vec::new()));
    }
    let Some(current) = current else {
        // Not there, or not the caller's to see: the same answer, never a hint.
        tx.rollback().await?;
        return Ok((rejected(item, &REQUEST_NOT_FOUND.into()), Vec::new()));
    };
    let body: RequestBody = from_json(&current.record.body)?;
    let stale = item.base_version != current.record.version;
    let conflict = |mut r: ActionResult| {
        r.code = Some("Conflict".into());
        r.reason = Some(format!(
            "{}，您的操作未生效，请查看最新状态",
            body.last_act().1
        ));
        r.current = Some(current.record.clone());
        r
    };
    let action = match prepare_action(st, &mut tx, &body, me, &item.action).await {
        Ok(a) => a,
        Err(e) => {
            tx.rollback().await?;
            return Ok((rejected(item, &e), Vec::new()));
        }
    };
    let actor = me.person();
    let outcome = match wf::apply(&body, &actor, &action, now) {
        Err(_) if stale => {
            tx.rollback().await?;
            return Ok((conflict(result(item, OpStatus::Conflict)), Vec::new()));
        }
        Err(e) => {
            tx.rollback().await?;
            return Ok((rejected(item, &e.into()), Vec::new()));
        }
        Ok(_) if stale && action.is_decision() && body.current != item.step => {
            tx.rollback().await?;
            return Ok((conflict(result(item, OpStatus::Conflict)), Vec::new()));
        }
        Ok(o) => o,
    };
    let unit = node_or_unknown(&mut tx, current.record.node_id).await?;
    let notes = notices(&outcome, action.name(), &actor);
    let mut rows = vec![request_row(item.request_id, &unit, &outcome.body)?];
    match outcome.effect {
        Some(Effect::Approved) => {
            rows.extend(
                approved(
                    &mut tx,
                    backend,
                    &outcome.body,
                    item.request_id,
                    &unit,
                    me.id,
                    now,
                )
                .await?,
            );
        }
        Some(Effect::Rejected) if outcome.body.kind == RequestKind::Content => {
            let reason = match &action {
                Action::Reject { reason } => Some(reason.as_str()),
                _ => None,
            };
            crate::content::on_decision(&mut tx, &outcome.body, false, reason, me.id, now).await?;
        }
        Some(Effect::Rejected) if outcome.body.kind == RequestKind::OrgRegistration => {
            sqlx::query(
                "UPDATE accounts SET status = 'rejected' WHERE id = $1 AND status = 'pending'",
            )
            .bind(outcome.body.applicant.id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    rows.extend(notice_rows(&notes, item.request_id, &unit, now)?);
    write_server_rows(&mut tx, backend, rows, Some(user.id()), now).await?;
    sqlx::query("INSERT INTO request_actions (action_id, account_id, request_id, result, applied_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(item.action_id.to_string())
        .bind(me.id.to_string())
        .bind(item.request_id.to_string())
        .bind(serde_json::json!({"status": "applied", "action": action.name()}).to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let after = get_record(&mut tx, item.request_id)
        .await?
        .ok_or_else(|| ApiError::internal("request vanished".into()))?;
    tx.commit().await?;
    let mut r = result(item, OpStatus::Applied);
    r.current = Some(after.record);
    Ok((r, notes))
}

// ---------------------------------------------------------------- effects

/// "2026" billed → the membership runs to 2026-12-31.
fn end_of_billed_year(period: &str) -> Option<String> {
    let p = period.trim();
    (p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{p}-12-31"))
}

pub(crate) fn history(
    on: &str,
    what: &str,
    note: Option<String>,
    by: Option<&str>,
) -> HistoryEntry {
    HistoryEntry {
        on: on.to_owned(),
        what: what.to_owned(),
        note,
        by: by.map(str::to_owned),
    }
}

#[allow(clippy::too_many_arguments)]
fn new_membership(
    who: &Who,
    unit: &NodeInfo,
    member_type: &str,
    level: Option<String>,
    joined_on: &str,
    start_on: &str,
    end_on: Option<String>,
    first: HistoryEntry,
    request_id: Uuid,
    today: &str,
) -> MembershipBody {
    let status = wf::derive_status(start_on, end_on.as_deref(), None, today);
    MembershipBody {
        account_id: who.id,
        name: who.name.clone(),
        unit_id: unit.id,
        unit_name: unit.body.name.clone(),
        member_type: member_type.to_owned(),
        level,
        title: None,
        joined_on: joined_on.to_owned(),
        start_on: start_on.to_owned(),
        end_on,
        ended_on: None,
        status,
        override_status: None,
        history: vec![first],
        request_id: Some(request_id),
    }
}

fn roster_body(who: &Who, category: &str) -> MemberBody {
    MemberBody {
        name: who.name.clone(),
        phone_masked: who.phone.as_deref().map(mask_phone),
        id_number_masked: who.id_number.as_deref().map(mask_id_number),
        category: Some(category.to_owned()),
        level: None,
        credit_code: None,
        title: None,
        account_id: Some(who.id),
    }
}

/// The roster row for `who` at `unit`: their existing entry updated, or a new one.
async fn roster_row(
    tx: &mut AnyConnection,
    who: &Who,
    unit: &NodeInfo,
    body: MemberBody,
) -> Result<ServerRow> {
    let existing = roster_entry(tx, who.id, unit.id).await?;
    let id = existing.map_or_else(Uuid::now_v7, |r| r.record.id);
    Ok(row(
        id,
        RecordKind::Member,
        unit,
        Some(who.id),
        to_json(&body)?,
    ))
}

/// What an approval changes, in the decision's transaction. Returns the rows to write.
async fn approved(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    body: &RequestBody,
    request_id: Uuid,
    unit: &NodeInfo,
    actor: Uuid,
    now: i64,
) -> Result<Vec<ServerRow>> {
    let day = today(now);
    let applicant = who(tx, body.applicant.id)
        .await?
        .ok_or_else(|| ApiError::internal("applicant vanished".into()))?;
    let mut rows = Vec::new();
    match body.kind {
        RequestKind::Join => {
            let f: JoinForm = from_json(&body.form)?;
            let end_on = body
                .bill
                .as_ref()
                .and_then(|b| end_of_billed_year(&b.period));
            let membership_id = Uuid::now_v7();
            let m = new_membership(
                &applicant,
                unit,
                &f.category,
                None,
                &day,
                &day,
                end_on,
                history(&day, "joined", None, None),
                request_id,
                &day,
            );
            rows.push(row(
                membership_id,
                RecordKind::Membership,
                unit,
                Some(applicant.id),
                to_json(&m)?,
            ));
            rows.push(
                roster_row(tx, &applicant, unit, roster_body(&applicant, &f.category)).await?,
            );
            add_member_grant(tx, applicant.id, unit.id, now).await?;
            if let Some(bill) = &body.bill {
                let order = DuesOrderBody {
                    account_id: applicant.id,
                    name: applicant.name.clone(),
                    unit_id: unit.id,
                    unit_name: unit.body.name.clone(),
                    membership_id,
                    period: huiji_domain::dues::period::normalise_label(&bill.period),
                    amount_fen: bill.amount_fen,
                    paid_fen: 0,
                    pending_fen: 0,
                    status: huiji_domain::dues::OrderStatus::Pending,
                    request_id: Some(request_id),
                    rule_id: None,
                    due_on: None,
                    prorated: false,
                    cancel_reason: None,
                    event_id: None,
                    title: None,
                    created_at: now,
                };
                let order_id = Uuid::now_v7();
                // The index claims (membership, period): one order per period.
                if crate::dues::claim_order(tx, order_id, &unit.path, &order).await? {
                    rows.push(row(
                        order_id,
                        RecordKind::DuesOrder,
                        unit,
                        Some(applicant.id),
                        to_json(&order)?,
                    ));
                }
            }
        }
        RequestKind::Transfer => {
            let f: TransferForm = from_json(&body.form)?;
            let old_id = body.steps.first().map(|s| s.node_id).unwrap_or_default();
            let old = node(tx, old_id).await?;
            let mut joined_on = day.clone();
            let mut end_on = None;
            let from_name = old
                .as_ref()
                .map(|o| o.body.name.clone())
                .unwrap_or_default();
            if let Some((rec, mut m)) = live_membership_at(tx, applicant.id, old_id).await? {
                joined_on = m.joined_on.clone();
                end_on = m.end_on.clone();
                wf::end_membership(
                    &mut m,
                    &day,
                    "transferred_out",
                    Some(format!("转入{}", unit.body.name)),
                );
                rows.push(stored_row(&rec, to_json(&m)?));
            }
            if let Some(rec) = roster_entry(tx, applicant.id, old_id).await? {
                tombstone(tx, backend, &rec, Some(actor), now).await?;
            }
            remove_member_grant(tx, applicant.id, old_id).await?;
            let m = new_membership(
                &applicant,
                unit,
                &f.category,
                None,
                &joined_on,
                &day,
                end_on,
                history(
                    &day,
                    "transferred_in",
                    Some(format!("自{from_name}转入")),
                    None,
                ),
                request_id,
                &day,
            );
            rows.push(row(
                Uuid::now_v7(),
                RecordKind::Membership,
                unit,
                Some(applicant.id),
                to_json(&m)?,
            ));
            rows.push(
                roster_row(tx, &applicant, unit, roster_body(&applicant, &f.category)).await?,
            );
            add_member_grant(tx, applicant.id, unit.id, now).await?;
        }
        RequestKind::Position => {
            let f: PositionForm = from_json(&body.form)?;
            let position = f.position.trim().to_owned();
            if let Some((rec, mut m)) = live_membership_at(tx, applicant.id, unit.id).await? {
                m.history
                    .push(history(&day, "title", Some(position.clone()), None));
                m.title = Some(position.clone());
                rows.push(stored_row(&rec, to_json(&m)?));
            }
            if let Some(rec) = roster_entry(tx, applicant.id, unit.id).await? {
                if let Ok(mut b) = serde_json::from_value::<MemberBody>(rec.record.body.clone()) {
                    b.title = Some(position);
                    rows.push(stored_row(&rec, to_json(&b)?));
                }
            }
        }
        RequestKind::Withdrawal => {
            let f: WithdrawalForm = from_json(&body.form)?;
            if let Some((rec, mut m)) = live_membership_at(tx, applicant.id, unit.id).await? {
                wf::end_membership(&mut m, &day, "withdrawn", Some(f.reason.trim().to_owned()));
                rows.push(stored_row(&rec, to_json(&m)?));
            }
            if let Some(rec) = roster_entry(tx, applicant.id, unit.id).await? {
                tombstone(tx, backend, &rec, Some(actor), now).await?;
            }
            remove_member_grant(tx, applicant.id, unit.id).await?;
        }
        RequestKind::OrgRegistration => {
            let f: OrgRegistrationForm = from_json(&body.form)?;
            sqlx::query("UPDATE accounts SET status = 'active' WHERE id = $1")
                .bind(applicant.id.to_string())
                .execute(&mut **tx)
                .await?;
            add_member_grant(tx, applicant.id, unit.id, now).await?;
            let mut m = new_membership(
                &applicant,
                unit,
                "单位会员",
                Some(f.user_type.clone()),
                &day,
                &day,
                None,
                history(&day, "joined", None, None),
                request_id,
                &day,
            );
            m.name = f.unit_name.clone();
            rows.push(row(
                Uuid::now_v7(),
                RecordKind::Membership,
                unit,
                Some(applicant.id),
                to_json(&m)?,
            ));
            let roster = MemberBody {
                name: f.unit_name.clone(),
                phone_masked: Some(mask_phone(&f.contact_phone)),
                id_number_masked: None,
                category: Some("单位会员".into()),
                level: Some(f.user_type.clone()),
                credit_code: Some(f.credit_code.clone()),
                title: None,
                account_id: Some(applicant.id),
            };
            rows.push(roster_row(tx, &applicant, unit, roster).await?);
        }
        RequestKind::Service => {}
        RequestKind::Content => {
            crate::content::on_decision(tx, body, true, None, actor, now).await?;
        }
    }
    Ok(rows)
}

// ---------------------------------------------------------------- memberships

/// The daily pass: every membership's status as the dates (or its override) give it on
/// `today`. Returns how many changed.
pub async fn refresh_memberships(st: &AppState, today: &str) -> Result<usize> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let rows = records_where(&mut tx, RecordKind::Membership, "1 = 1", &[]).await?;
    let mut changed = Vec::new();
    for r in &rows {
        let Ok(mut m) = serde_json::from_value::<MembershipBody>(r.record.body.clone()) else {
            tracing::warn!(id = %r.record.id, "membership body unreadable; skipped");
            continue;
        };
        if m.refresh_status(today) {
            changed.push(stored_row(r, to_json(&m)?));
        }
    }
    let n = changed.len();
    let mut rest = changed;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(500));
        write_server_rows(&mut tx, st.db.backend, rest, None, now).await?;
        rest = tail;
    }
    tx.commit().await?;
    if n > 0 {
        tracing::info!(changed = n, %today, "membership statuses refreshed");
    }
    Ok(n)
}

/// Runs `refresh_memberships` now, then every hour and right after midnight (CST).
pub fn spawn_membership_job(st: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let now = st.now();
            if let Err(e) = refresh_memberships(&st, &today(now)).await {
                tracing::error!(error = %e, "membership status pass failed");
            }
            let day = 86_400_000;
            let since_midnight = (now + 8 * 3_600_000).rem_euclid(day);
            let to_midnight = day - since_midnight + 1_000;
            let wait = to_midnight.clamp(1_000, 3_600_000);
            tokio::time::sleep(Duration::from_millis(
                u64::try_from(wait).unwrap_or(3_600_000),
            ))
            .await;
        }
    })
}

async fn membership_for_update(
    tx: &mut Transaction<'_, Any>,
    user: &AuthUser,
    id: Uuid,
) -> Result<(StoredRecord, MembershipBody)> {
    let rec = get_record(tx, id)
        .await?
        .filter(|r| r.record.kind == RecordKind::Membership && !r.record.deleted)
        .ok_or_else(|| ApiError::not_found("会籍"))?;
    user.require(Perm::ManageMembers, &rec.node_path)?;
    let m: MembershipBody = from_json(&rec.record.body)?;
    Ok((rec, m))
}

async fn save_membership(
    st: &AppState,
    mut tx: Transaction<'_, Any>,
    rec: &StoredRecord,
    m: &MembershipBody,
    actor: Uuid,
    now: i64,
) -> Result<Record> {
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![stored_row(rec, to_json(m)?)],
        Some(actor),
        now,
    )
    .await?;
    let after = get_record(&mut tx, rec.record.id)
        .await?
        .ok_or_else(|| ApiError::internal("membership vanished".into()))?;
    tx.commit().await?;
    Ok(after.record)
}

/// Sets (or with `status` null clears) a manual status with its reason.
pub async fn override_membership(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    req: MembershipOverrideRequest,
) -> Result<Record> {
    let reason = check_reason(&req.reason)?;
    if req.status == Some(MembershipStatus::Ended) {
        return Err(OVERRIDE_ENDED.into());
    }
    let me = {
        let mut conn = st.db.pool.acquire().await?;
        who(&mut conn, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?
    };
    let now = st.now();
    let day = today(now);
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let (rec, mut m) = membership_for_update(&mut tx, user, id).await?;
    if m.ended_on.is_some() || m.status == MembershipStatus::Ended {
        return Err(wf::MEMBERSHIP_ENDED.into());
    }
    match req.status {
        Some(status) => {
            m.history.push(history(
                &day,
                "override",
                Some(format!("{}：{reason}", status.label_zh())),
                Some(&me.name),
            ));
            m.override_status = Some(StatusOverride {
                status,
                reason,
                by: me.person(),
                at: now,
            });
        }
        None => {
            m.history.push(history(
                &day,
                "override_cleared",
                Some(reason),
                Some(&me.name),
            ));
            m.override_status = None;
        }
    }
    m.refresh_status(&day);
    save_membership(st, tx, &rec, &m, me.id, now).await
}

/// A new end date.
pub async fn renew_membership(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    req: RenewRequest,
) -> Result<Record> {
    let me = {
        let mut conn = st.db.pool.acquire().await?;
        who(&mut conn, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?
    };
    let now = st.now();
    let day = today(now);
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let (rec, mut m) = membership_for_update(&mut tx, user, id).await?;
    wf::renew(&mut m, req.end_on.trim(), &day, &me.name)?;
    save_membership(st, tx, &rec, &m, me.id, now).await
}

/// Whether `account` may read the request `rec`: its applicant or someone it names.
pub fn may_see(rec: &StoredRecord, account: Uuid) -> bool {
    rec.record.owner_id == Some(account) || rec.audience.contains(&account)
}
