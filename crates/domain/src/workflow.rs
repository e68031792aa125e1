//! The one approval engine (审批): every kind of request — join, transfer, position,
//! withdrawal, organisation registration, the service hall's services — is a
//! [`RequestBody`] with ordered [`Step`]s and an append-only log, moved only by
//! [`apply`]. The server runs `apply` in the transaction that stores its result; the
//! app runs it to show what a decision would do. Pure: the caller passes the time and
//! the resolved approvers.
//!
//! States: draft → submitted → approved | rejected | withdrawn, with submitted →
//! returned (sent back for changes) → submitted again. A step is decided by one
//! approver (`single`), all of a group (`all`, 会签) or any one of a group (`any`, 或签).
//! An approver may delegate (the delegate's advice goes back to them to decide) or
//! transfer the step to someone else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::org::Role;
use crate::validate;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

// ---------------------------------------------------------------- kinds and states

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 入会
    Join,
    /// 转会
    Transfer,
    /// 职务申请
    Position,
    /// 退会
    Withdrawal,
    /// 单位注册 (seed 001): an organisation asks to become a member unit.
    OrgRegistration,
    /// A service of the service hall (办事大厅, seed 003), defined as data.
    Service,
    /// 内容审核 (seed 004): a listing, certificate, expert profile or showcase entry to
    /// be shown (`community::content::ContentReview`). Submitted through the content
    /// endpoints, decided here like every other request.
    Content,
}

impl RequestKind {
    pub const ALL: [RequestKind; 7] = [
        RequestKind::Join,
        RequestKind::Transfer,
        RequestKind::Position,
        RequestKind::Withdrawal,
        RequestKind::OrgRegistration,
        RequestKind::Service,
        RequestKind::Content,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Join => "join",
            RequestKind::Transfer => "transfer",
            RequestKind::Position => "position",
            RequestKind::Withdrawal => "withdrawal",
            RequestKind::OrgRegistration => "org_registration",
            RequestKind::Service => "service",
            RequestKind::Content => "content",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequestKind::Join => "入会申请",
            RequestKind::Transfer => "转会申请",
            RequestKind::Position => "职务申请",
            RequestKind::Withdrawal => "退会申请",
            RequestKind::OrgRegistration => "单位注册",
            RequestKind::Service => "办事大厅",
            RequestKind::Content => "内容审核",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Kept on the device, not sent.
    Draft,
    Submitted,
    /// Sent back to the applicant for changes (退回修改).
    Returned,
    Approved,
    Rejected,
    Withdrawn,
}

impl RequestState {
    pub const ALL: [RequestState; 6] = [
        RequestState::Draft,
        RequestState::Submitted,
        RequestState::Returned,
        RequestState::Approved,
        RequestState::Rejected,
        RequestState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Draft => "draft",
            RequestState::Submitted => "submitted",
            RequestState::Returned => "returned",
            RequestState::Approved => "approved",
            RequestState::Rejected => "rejected",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            RequestState::Approved | RequestState::Rejected | RequestState::Withdrawn
        )
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequestState::Draft => "草稿",
            RequestState::Submitted => "审核中",
            RequestState::Returned => "退回修改",
            RequestState::Approved => "已通过",
            RequestState::Rejected => "未通过",
            RequestState::Withdrawn => "已撤回",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StepMode {
    /// One approver decides.
    Single,
    /// Every approver must approve (会签); one rejection rejects.
    All,
    /// The first approver to decide decides for the step (或签).
    Any,
}

// ---------------------------------------------------------------- the request

/// Someone named in a request: an account and its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vote {
    pub by: Person,
    pub approve: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub at: i64,
}

/// An approver asked someone else for advice; the step stays theirs to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Delegation {
    pub owner: Person,
    pub delegate: Person,
    /// The delegate's advice, once given (approve or not, and why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<Vote>,
}

/// Who decides a step, before the approvers are looked up: holders of `role` at
/// `node_id` (the server walks up the tree when nobody holds it there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepTemplate {
    pub title: String,
    pub mode: StepMode,
    pub role: Role,
    pub node_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Step {
    pub title: String,
    pub mode: StepMode,
    pub role: Role,
    pub node_id: Uuid,
    pub approvers: Vec<Person>,
    #[serde(default)]
    pub votes: Vec<Vote>,
    #[serde(default)]
    pub delegations: Vec<Delegation>,
}

impl Step {
    pub fn from_template(t: &StepTemplate, approvers: Vec<Person>) -> Step {
        Step {
            title: t.title.clone(),
            mode: t.mode,
            role: t.role,
            node_id: t.node_id,
            approvers,
            votes: Vec::new(),
            delegations: Vec::new(),
        }
    }

    pub fn is_approver(&self, id: Uuid) -> bool {
        self.approvers.iter().any(|p| p.id == id)
    }

    pub fn has_voted(&self, id: Uuid) -> bool {
        self.votes.iter().any(|v| v.by.id == id)
    }

    /// Approvers who still have to act on this step.
    pub fn waiting_on(&self) -> Vec<&Person> {
        match self.mode {
            StepMode::All => self
                .approvers
                .iter()
                .filter(|p| !self.has_voted(p.id))
                .collect(),
            StepMode::Single | StepMode::Any => {
                if self.votes.is_empty() {
                    self.approvers.iter().collect()
                } else {
                    Vec::new()
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogEntry {
    pub at: i64,
    pub actor: Person,
    /// submit, resubmit, withdraw, approve, reject, send_back, delegate, advise,
    /// transfer, comment, override.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The person a delegation or transfer went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Person>,
}

/// A file attached to a request, stored on the server (type checked by content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub id: Uuid,
    pub name: String,
    pub mime: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// A dues order asked for when approving a join (生成会费订单, seed 004 §三).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct BillSpec {
    /// Integer fen (分), never a float.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    /// The period billed, e.g. "2026".
    pub period: String,
}

/// The body of a `request` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestBody {
    pub kind: RequestKind,
    /// What lists show: "入会申请 · 南京医科大学工会".
    pub title: String,
    pub applicant: Person,
    /// The unit the request is about (the unit joined, the unit transferred to …).
    pub node_id: Uuid,
    pub node_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub form: serde_json::Value,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub state: RequestState,
    pub steps: Vec<Step>,
    /// Index of the step being decided (== steps.len() once approved).
    pub current: u32,
    #[serde(default)]
    pub log: Vec<LogEntry>,
    /// The SMS code was checked at submission (an application made offline has none).
    #[serde(default)]
    pub sms_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill: Option<BillSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    /// Why it was rejected or sent back (the last such reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RequestBody {
    pub fn current_step(&self) -> Option<&Step> {
        if self.state == RequestState::Submitted {
            self.steps.get(self.current as usize)
        } else {
            None
        }
    }

    /// People the current step waits on (delegates included) — the "to do" of each.
    pub fn waiting_on(&self) -> Vec<Uuid> {
        let Some(step) = self.current_step() else {
            return Vec::new();
        };
        let mut out: Vec<Uuid> = step.waiting_on().iter().map(|p| p.id).collect();
        for d in &step.delegations {
            if d.advice.is_none() && out.contains(&d.owner.id) {
                out.push(d.delegate.id);
            }
        }
        out
    }

    /// Everyone who takes part: the applicant, every approver of every step, delegates.
    /// The server stores them as the record's audience: only they receive it.
    pub fn participants(&self) -> Vec<Uuid> {
        let mut out = vec![self.applicant.id];
        let mut add = |id: Uuid| {
            if !out.contains(&id) {
                out.push(id);
            }
        };
        for s in &self.steps {
            for p in &s.approvers {
                add(p.id);
            }
            for d in &s.delegations {
                add(d.delegate.id);
            }
        }
        out
    }

    /// Someone has approved, rejected or sent back since the last (re)submission.
    pub fn has_decision(&self) -> bool {
        self.steps.iter().any(|s| !s.votes.is_empty())
    }

    /// Whether `id` has already acted on this request as an approver or delegate (the
    /// "done" box).
    pub fn acted_by(&self, id: Uuid) -> bool {
        self.log.iter().any(|e| {
            e.actor.id == id
                && matches!(
                    e.action.as_str(),
                    "approve" | "reject" | "send_back" | "advise" | "transfer" | "delegate"
                )
        })
    }
}

/// What an action is called on screen (what was tried, what someone did).
pub fn action_label(name: &str) -> &'static str {
    match name {
        "submit" => "提交申请",
        "resubmit" => "重新提交",
        "withdraw" => "撤回",
        "approve" => "通过",
        "reject" => "驳回",
        "send_back" => "退回修改",
        "delegate" => "委托他人",
        "advise" => "提出意见",
        "transfer" => "转交他人",
        "comment" => "评论",
        "override" => "调整",
        _ => "处理",
    }
}

/// "11月22日 10:30" in China Standard Time.
pub fn short_time_cst(ms: i64) -> String {
    let d = crate::time::today_cst(ms);
    let minutes = (ms + 8 * 3_600_000).rem_euclid(86_400_000) / 60_000;
    format!(
        "{}月{}日 {:02}:{:02}",
        d.month,
        d.day,
        minutes / 60,
        minutes % 60
    )
}

impl RequestBody {
    /// Who moved the request last, and the sentence that says so ("已由张靖于11月22日
    /// 10:30通过") — what a decision overtaken by someone else's is told. Without such an
    /// act: no name, and the request's state.
    pub fn last_act(&self) -> (Option<String>, String) {
        let last = self.log.iter().rev().find(|e| {
            matches!(
                e.action.as_str(),
                "approve" | "reject" | "send_back" | "withdraw" | "transfer" | "resubmit"
            )
        });
        match last {
            Some(e) => (
                Some(e.actor.name.clone()),
                format!(
                    "已由{}于{}{}",
                    e.actor.name,
                    short_time_cst(e.at),
                    action_label(&e.action)
                ),
            ),
            None => (
                None,
                format!("该申请已有变化，当前状态：{}", self.state.label_zh()),
            ),
        }
    }
}

// ---------------------------------------------------------------- actions

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
// No ts-rs derive: it cannot read `deny_unknown_fields` on a tagged enum. The UI's
// twin is written by hand in ui/src/lib/workflow.ts.
#[serde(tag = "action", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// The applicant sends a returned request again, with the form changed.
    Resubmit {
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        form: serde_json::Value,
        #[serde(default)]
        attachments: Vec<Attachment>,
    },
    /// The applicant takes it back (until the first decision).
    Withdraw,
    Approve {
        #[serde(default)]
        comment: Option<String>,
        /// Make a dues order with the membership (joins only).
        #[serde(default)]
        bill: Option<BillSpec>,
    },
    Reject {
        reason: String,
    },
    /// Back to the applicant for changes.
    SendBack {
        reason: String,
    },
    /// Ask someone for advice; the decision stays with the caller.
    Delegate {
        to: Person,
        #[serde(default)]
        comment: Option<String>,
    },
    /// The delegate's advice.
    Advise {
        approve: bool,
        #[serde(default)]
        comment: Option<String>,
    },
    /// Hand the step over to someone else, who then decides instead.
    Transfer {
        to: Person,
        #[serde(default)]
        comment: Option<String>,
    },
    Comment {
        text: String,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Resubmit { .. } => "resubmit",
            Action::Withdraw => "withdraw",
            Action::Approve { .. } => "approve",
            Action::Reject { .. } => "reject",
            Action::SendBack { .. } => "send_back",
            Action::Delegate { .. } => "delegate",
            Action::Advise { .. } => "advise",
            Action::Transfer { .. } => "transfer",
            Action::Comment { .. } => "comment",
        }
    }

    /// Actions only an approver (or delegate) of the current step takes.
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            Action::Approve { .. }
                | Action::Reject { .. }
                | Action::SendBack { .. }
                | Action::Delegate { .. }
                | Action::Advise { .. }
                | Action::Transfer { .. }
        )
    }
}

/// What an approval changes outside the request. The server runs it in the same
/// transaction as the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The request ended approved: run the kind's effect (membership created, moved,
    /// ended; organisation activated; title set) and make the dues order if billed.
    Approved,
    Rejected,
    Withdrawn,
    /// Back with the applicant.
    SentBack,
    /// A step passed and the next one waits on new approvers.
    NextStep,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub body: RequestBody,
    pub effect: Option<Effect>,
    /// Who should hear about it (inbox, and SMS for submit / decision / send-back).
    pub notify: Vec<Uuid>,
}

// ---------------------------------------------------------------- errors

pub const NOT_APPLICANT: DomainError = DomainError::new(
    "NotApplicant",
    "只有申请人本人可以进行此操作",
    "Only the applicant may do this",
);
pub const NOT_YOUR_STEP: DomainError = DomainError::new(
    "NotYourStep",
    "当前审批环节不由您处理",
    "The current step is not yours to decide",
);
pub const ALREADY_VOTED: DomainError = DomainError::new(
    "AlreadyVoted",
    "您已在本环节作出决定",
    "You have already decided this step",
);
pub const NOT_PENDING: DomainError = DomainError::new(
    "NotPending",
    "该申请已办结或不在审核中",
    "The request is not awaiting a decision",
);
pub const NOT_RETURNED: DomainError = DomainError::new(
    "NotReturned",
    "只有被退回修改的申请才能重新提交",
    "Only a request sent back for changes can be resubmitted",
);
pub const WITHDRAW_TOO_LATE: DomainError = DomainError::new(
    "WithdrawTooLate",
    "审批人已作出决定，不能撤回",
    "A decision has been made; the request can no longer be withdrawn",
);
pub const REASON_REQUIRED: DomainError = DomainError::new(
    "ReasonRequired",
    "请填写原因（1到500个字）",
    "Give a reason (1 to 500 characters)",
);
pub const COMMENT_INVALID: DomainError = DomainError::new(
    "CommentInvalid",
    "意见应为1到500个字",
    "A comment must be 1 to 500 characters",
);
pub const DELEGATE_INVALID: DomainError = DomainError::new(
    "DelegateInvalid",
    "不能委托或转交给自己或本环节已有的审批人",
    "Cannot delegate or transfer to yourself or to an approver of this step",
);
pub const NOT_DELEGATE: DomainError = DomainError::new(
    "NotDelegate",
    "您没有收到该环节的委托",
    "You hold no delegation on this step",
);
pub const BILL_NOT_ALLOWED: DomainError = DomainError::new(
    "BillNotAllowed",
    "只有入会申请的最后一个审批环节可以生成会费订单",
    "Only the last step of a join can make a dues order",
);
pub const BILL_INVALID: DomainError = DomainError::new(
    "BillInvalid",
    "会费金额应为1分到100万元之间的整数分，缴费期间不能为空",
    "The dues amount must be 1 fen to 1,000,000 yuan and the period given",
);
pub const NOT_INVOLVED: DomainError = DomainError::new(
    "NotInvolved",
    "您不是该申请的申请人或审批人",
    "You are neither the applicant nor an approver of this request",
);
pub const NO_STEPS: DomainError = DomainError::new(
    "NoApprovers",
    "该组织尚未设置审批人，请联系上级组织",
    "Nobody can approve requests for this node yet",
);

fn check_text(t: &str, err: DomainError) -> Result<String> {
    let t = t.trim();
    let n = t.chars().count();
    if n == 0 || n > 500 {
        return Err(err);
    }
    Ok(t.to_owned())
}

fn check_opt_comment(c: &Option<String>) -> Result<Option<String>> {
    match c.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => check_text(t, COMMENT_INVALID).map(Some),
    }
}

/// A request as it is first submitted. `steps` come from the kind's templates with
/// their approvers looked up; a kind with no step, or a step with nobody to decide it,
/// cannot be submitted.
#[allow(clippy::too_many_arguments)]
pub fn submit(
    kind: RequestKind,
    title: String,
    applicant: Person,
    node: (Uuid, String),
    form: serde_json::Value,
    attachments: Vec<Attachment>,
    steps: Vec<Step>,
    sms_verified: bool,
    now: i64,
) -> Result<Outcome> {
    if steps.is_empty() || steps.iter().any(|s| s.approvers.is_empty()) {
        return Err(NO_STEPS);
    }
    let notify = steps[0].approvers.iter().map(|p| p.id).collect();
    let body = RequestBody {
        kind,
        title,
        applicant: applicant.clone(),
        node_id: node.0,
        node_name: node.1,
        form,
        attachments,
        state: RequestState::Submitted,
        steps,
        current: 0,
        log: vec![LogEntry {
            at: now,
            actor: applicant,
            action: "submit".into(),
            step: None,
            comment: None,
            to: None,
        }],
        sms_verified,
        bill: None,
        submitted_at: Some(now),
        decided_at: None,
        reason: None,
    };
    Ok(Outcome {
        body,
        effect: None,
        notify,
    })
}

/// Applies one action by `actor`. Refusals name their reason; nothing changes then.
pub fn apply(req: &RequestBody, actor: &Person, action: &Action, now: i64) -> Result<Outcome> {
    let mut b = req.clone();
    let idx = b.current;
    let entry =
        |action: &str, comment: Option<String>, to: Option<Person>, step: Option<u32>| LogEntry {
            at: now,
            actor: actor.clone(),
            action: action.to_owned(),
            step,
            comment,
            to,
        };
    match action {
        Action::Comment { text } => {
            let text = check_text(text, COMMENT_INVALID)?;
            if !b.participants().contains(&actor.id) {
                return Err(NOT_INVOLVED);
            }
            b.log.push(entry("comment", Some(text), None, None));
            let notify = b
                .participants()
                .into_iter()
                .filter(|id| *id != actor.id)
                .collect();
            return Ok(Outcome {
                body: b,
                effect: None,
                notify,
            });
        }
        Action::Withdraw => {
            if actor.id != b.applicant.id {
                return Err(NOT_APPLICANT);
            }
            match b.state {
                RequestState::Submitted if b.has_decision() => return Err(WITHDRAW_TOO_LATE),
                RequestState::Submitted | RequestState::Returned | RequestState::Draft => {}
                _ => return Err(NOT_PENDING),
            }
            let notify = b
                .current_step()
                .map_or_else(Vec::new, |s| s.approvers.iter().map(|p| p.id).collect());
            b.state = RequestState::Withdrawn;
            b.decided_at = Some(now);
            b.log.push(entry("withdraw", None, None, None));
            return Ok(Outcome {
                body: b,
                effect: Some(Effect::Withdrawn),
                notify,
            });
        }
        Action::Resubmit { form, attachments } => {
            if actor.id != b.applicant.id {
                return Err(NOT_APPLICANT);
            }
            if b.state != RequestState::Returned {
                return Err(NOT_RETURNED);
            }
            b.form = form.clone();
            b.attachments = attachments.clone();
            b.state = RequestState::Submitted;
            b.current = 0;
            b.reason = None;
            for s in &mut b.steps {
                s.votes.clear();
                s.delegations.clear();
            }
            b.submitted_at = Some(now);
            b.log.push(entry("resubmit", None, None, None));
            let notify = b.steps[0].approvers.iter().map(|p| p.id).collect();
            return Ok(Outcome {
                body: b,
                effect: None,
                notify,
            });
        }
        _ => {}
    }

    // Decisions: only on a submitted request, only by the current step's people.
    if b.state != RequestState::Submitted {
        return Err(NOT_PENDING);
    }
    let last_step = idx as usize + 1 == b.steps.len();
    let applicant = b.applicant.id;
    let step = b.steps.get_mut(idx as usize).ok_or(NOT_PENDING)?;

    if let Action::Advise { approve, comment } = action {
        let comment = check_opt_comment(comment)?;
        let d = step
            .delegations
            .iter_mut()
            .find(|d| d.delegate.id == actor.id && d.advice.is_none())
            .ok_or(NOT_DELEGATE)?;
        d.advice = Some(Vote {
            by: actor.clone(),
            approve: *approve,
            comment: comment.clone(),
            at: now,
        });
        let owner = d.owner.id;
        b.log.push(entry("advise", comment, None, Some(idx)));
        return Ok(Outcome {
            body: b,
            effect: None,
            notify: vec![owner],
        });
    }

    if !step.is_approver(actor.id) {
        return Err(NOT_YOUR_STEP);
    }
    if step.has_voted(actor.id) {
        return Err(ALREADY_VOTED);
    }
    match action {
        Action::Delegate { to, comment } => {
            let comment = check_opt_comment(comment)?;
            if to.id == actor.id || step.is_approver(to.id) {
                return Err(DELEGATE_INVALID);
            }
            step.delegations.retain(|d| d.owner.id != actor.id);
            step.delegations.push(Delegation {
                owner: actor.clone(),
                delegate: to.clone(),
                advice: None,
            });
            b.log
                .push(entry("delegate", comment, Some(to.clone()), Some(idx)));
            Ok(Outcome {
                body: b,
                effect: None,
                notify: vec![to.id],
            })
        }
        Action::Transfer { to, comment } => {
            let comment = check_opt_comment(comment)?;
            if to.id == actor.id || step.is_approver(to.id) {
                return Err(DELEGATE_INVALID);
            }
            for p in &mut step.approvers {
                if p.id == actor.id {
                    *p = to.clone();
                }
            }
            step.delegations.retain(|d| d.owner.id != actor.id);
            b.log
                .push(entry("transfer", comment, Some(to.clone()), Some(idx)));
            Ok(Outcome {
                body: b,
                effect: None,
                notify: vec![to.id],
            })
        }
        Action::SendBack { reason } => {
            let reason = check_text(reason, REASON_REQUIRED)?;
            b.state = RequestState::Returned;
            b.reason = Some(reason.clone());
            b.log
                .push(entry("send_back", Some(reason), None, Some(idx)));
            Ok(Outcome {
                body: b,
                effect: Some(Effect::SentBack),
                notify: vec![applicant],
            })
        }
        Action::Reject { reason } => {
            let reason = check_text(reason, REASON_REQUIRED)?;
            step.votes.push(Vote {
                by: actor.clone(),
                approve: false,
                comment: Some(reason.clone()),
                at: now,
            });
            step.delegations.retain(|d| d.owner.id != actor.id);
            b.state = RequestState::Rejected;
            b.decided_at = Some(now);
            b.reason = Some(reason.clone());
            b.log.push(entry("reject", Some(reason), None, Some(idx)));
            Ok(Outcome {
                body: b,
                effect: Some(Effect::Rejected),
                notify: vec![applicant],
            })
        }
        Action::Approve { comment, bill } => {
            let comment = check_opt_comment(comment)?;
            if let Some(bill) = bill {
                if b.kind != RequestKind::Join || !last_step {
                    return Err(BILL_NOT_ALLOWED);
                }
                if !(1..=100_000_000).contains(&bill.amount_fen)
                    || bill.period.trim().is_empty()
                    || bill.period.chars().count() > 20
                {
                    return Err(BILL_INVALID);
                }
            }
            step.votes.push(Vote {
                by: actor.clone(),
                approve: true,
                comment: comment.clone(),
                at: now,
            });
            step.delegations.retain(|d| d.owner.id != actor.id);
            let passed = match step.mode {
                StepMode::Single | StepMode::Any => true,
                StepMode::All => step.approvers.iter().all(|p| step.has_voted(p.id)),
            };
            b.log.push(entry("approve", comment, None, Some(idx)));
            if bill.is_some() {
                b.bill = bill.clone();
            }
            if !passed {
                return Ok(Outcome {
                    body: b,
                    effect: None,
                    notify: Vec::new(),
                });
            }
            b.current += 1;
            if b.current as usize == b.steps.len() {
                b.state = RequestState::Approved;
                b.decided_at = Some(now);
                Ok(Outcome {
                    body: b,
                    effect: Some(Effect::Approved),
                    notify: vec![applicant],
                })
            } else {
                let notify = b.steps[b.current as usize]
                    .approvers
                    .iter()
                    .map(|p| p.id)
                    .collect();
                Ok(Outcome {
                    body: b,
                    effect: Some(Effect::NextStep),
                    notify,
                })
            }
        }
        Action::Comment { .. }
        | Action::Withdraw
        | Action::Resubmit { .. }
        | Action::Advise { .. } => unreachable!("handled above"),
    }
}

/// What the caller may do now (the buttons a screen shows).
pub fn allowed_actions(req: &RequestBody, who: Uuid) -> Vec<&'static str> {
    let mut out = Vec::new();
    let involved = req.participants().contains(&who);
    // A content review is approved or refused; its owner changes it in their own pages
    // (an edit or a delete withdraws the review there).
    let content = req.kind == RequestKind::Content;
    if who == req.applicant.id && !content {
        match req.state {
            RequestState::Submitted if !req.has_decision() => out.push("withdraw"),
            RequestState::Returned => {
                out.push("resubmit");
                out.push("withdraw");
            }
            _ => {}
        }
    }
    if let Some(step) = req.current_step() {
        if step.is_approver(who) && !step.has_voted(who) {
            out.extend(["approve", "reject", "send_back", "delegate", "transfer"]);
            if content {
                out.retain(|a| *a != "send_back");
            }
        }
        if step
            .delegations
            .iter()
            .any(|d| d.delegate.id == who && d.advice.is_none())
        {
            out.push("advise");
        }
    }
    if involved && req.state != RequestState::Draft {
        out.push("comment");
    }
    out
}

// ---------------------------------------------------------------- forms

/// Member categories of the union's join form (seed 000: 入会类型).
pub const MEMBER_CATEGORIES: [&str; 6] = [
    "机关事业单位职工",
    "企业职工",
    "灵活就业人员",
    "新就业形态劳动者",
    "农民工",
    "离退休人员",
];

pub const FORM_INVALID: DomainError = DomainError::new(
    "FormInvalid",
    "申请表格式不正确",
    "The form does not have the expected fields",
);
pub const CATEGORY_INVALID: DomainError = DomainError::new(
    "CategoryInvalid",
    "请选择会员类型",
    "Choose a member category",
);
pub const NOT_AGREED: DomainError = DomainError::new(
    "NotAgreed",
    "请阅读并同意入会申请书",
    "Read and agree to the application letter",
);
pub const FIELD_TOO_LONG: DomainError = DomainError::new(
    "FieldTooLong",
    "填写的内容过长（每项不超过100个字）",
    "A field is too long (100 characters at most)",
);
pub const POSITION_REQUIRED: DomainError = DomainError::new(
    "PositionRequired",
    "请填写申请的职务",
    "Give the position applied for",
);
pub const REFERRER_INCOMPLETE: DomainError = DomainError::new(
    "ReferrerIncomplete",
    "推荐人姓名和手机号应同时填写",
    "Give both the referrer's name and phone, or neither",
);
pub const FIELD_REQUIRED: DomainError = DomainError::new(
    "FieldRequired",
    "请填写所有必填项",
    "Fill in every required field",
);
pub const CHOICE_INVALID: DomainError = DomainError::new(
    "ChoiceInvalid",
    "所选项目不在可选范围内",
    "The chosen option is not one of the options",
);
pub const USER_TYPE_INVALID: DomainError =
    DomainError::new("UserTypeInvalid", "请选择用户类型", "Choose a user type");

/// 入会 (seeds 000 §三 and 004 §三).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct JoinForm {
    pub category: String,
    pub unit_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// 入会要申请的职务 (associations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_phone: Option<String>,
    /// The applicant read and agreed to the 入会申请书.
    pub agreed: bool,
}

/// 转会 (seed 000 §三(二)): from the current membership to another unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TransferForm {
    pub category: String,
    pub to_unit_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub agreed: bool,
}

/// 职务申请 (seed 004 §四).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PositionForm {
    pub unit_id: Uuid,
    pub position: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_phone: Option<String>,
}

/// 退会.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct WithdrawalForm {
    pub unit_id: Uuid,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_phone: Option<String>,
}

/// 单位注册 (seed 001 §2.1). The password is not part of the form: it goes to the
/// account, hashed, and never into the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OrgRegistrationForm {
    pub unit_name: String,
    pub credit_code: String,
    pub legal_rep: String,
    pub legal_phone: String,
    pub contact: String,
    pub contact_phone: String,
    /// 用户类型: one of the association's member levels.
    pub user_type: String,
}

/// A service hall request: the service and the values of its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ServiceForm {
    pub service_id: Uuid,
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Date,
    Phone,
    Url,
    Choice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A service of the service hall, as data: its form and its steps. Stored as a
/// `service` record at the institution that offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub fields: Vec<FieldDef>,
    pub steps: Vec<StepTemplate>,
}

fn opt_len_ok(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.chars().count() <= 100)
}

fn check_referrer(name: &Option<String>, phone: &Option<String>) -> Result<()> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    match (blank(name), blank(phone)) {
        (true, true) => Ok(()),
        (false, false) => {
            validate::validate_name(name.as_deref().unwrap_or_default())?;
            validate::validate_phone(phone.as_deref().unwrap_or_default())?;
            Ok(())
        }
        _ => Err(REFERRER_INCOMPLETE),
    }
}

fn typed<T: serde::de::DeserializeOwned>(form: &serde_json::Value) -> Result<T> {
    serde_json::from_value(form.clone()).map_err(|_| FORM_INVALID)
}

pub fn parse_join(form: &serde_json::Value) -> Result<JoinForm> {
    let f: JoinForm = typed(form)?;
    if !MEMBER_CATEGORIES.contains(&f.category.as_str()) {
        return Err(CATEGORY_INVALID);
    }
    if ![&f.company, &f.job_title, &f.industry, &f.position]
        .into_iter()
        .all(opt_len_ok)
    {
        return Err(FIELD_TOO_LONG);
    }
    check_referrer(&f.referrer_name, &f.referrer_phone)?;
    if !f.agreed {
        return Err(NOT_AGREED);
    }
    Ok(f)
}

pub fn parse_transfer(form: &serde_json::Value) -> Result<TransferForm> {
    let f: TransferForm = typed(form)?;
    if !MEMBER_CATEGORIES.contains(&f.category.as_str()) {
        return Err(CATEGORY_INVALID);
    }
    if f.reason.as_deref().is_some_and(|r| r.chars().count() > 500) {
        return Err(FIELD_TOO_LONG);
    }
    if !f.agreed {
        return Err(NOT_AGREED);
    }
    Ok(f)
}

pub fn parse_position(form: &serde_json::Value) -> Result<PositionForm> {
    let f: PositionForm = typed(form)?;
    let n = f.position.trim().chars().count();
    if n == 0 {
        return Err(POSITION_REQUIRED);
    }
    if n > 30 || !opt_len_ok(&f.company) {
        return Err(FIELD_TOO_LONG);
    }
    check_referrer(&f.referrer_name, &f.referrer_phone)?;
    Ok(f)
}

pub fn parse_withdrawal(form: &serde_json::Value) -> Result<WithdrawalForm> {
    let f: WithdrawalForm = typed(form)?;
    check_text(&f.reason, REASON_REQUIRED)?;
    check_referrer(&f.referrer_name, &f.referrer_phone)?;
    Ok(f)
}

/// `levels`: the association's member levels (用户类型 offered).
pub fn parse_org_registration(
    form: &serde_json::Value,
    levels: &[String],
) -> Result<OrgRegistrationForm> {
    let f: OrgRegistrationForm = typed(form)?;
    let n = f.unit_name.trim().chars().count();
    if !(2..=60).contains(&n) {
        return Err(crate::org::NODE_NAME_INVALID);
    }
    validate::validate_credit_code(&f.credit_code)?;
    validate::validate_name(&f.legal_rep)?;
    validate::validate_phone(&f.legal_phone)?;
    validate::validate_name(&f.contact)?;
    validate::validate_phone(&f.contact_phone)?;
    if !levels.iter().any(|l| l == &f.user_type) {
        return Err(USER_TYPE_INVALID);
    }
    Ok(f)
}

pub fn parse_service(form: &serde_json::Value, def: &ServiceDef) -> Result<ServiceForm> {
    let f: ServiceForm = typed(form)?;
    for key in f.values.keys() {
        if !def.fields.iter().any(|d| &d.key == key) {
            return Err(FORM_INVALID);
        }
    }
    for d in &def.fields {
        let v = f.values.get(&d.key).map(|s| s.trim()).unwrap_or_default();
        if v.is_empty() {
            if d.required {
                return Err(FIELD_REQUIRED);
            }
            continue;
        }
        let max = if d.field_type == FieldType::LongText {
            2000
        } else {
            200
        };
        if v.chars().count() > max {
            return Err(FIELD_TOO_LONG);
        }
        match d.field_type {
            FieldType::Text | FieldType::LongText => {}
            FieldType::Date => {
                crate::time::parse_date(v).ok_or(DATE_INVALID)?;
            }
            FieldType::Phone => {
                validate::validate_phone(v)?;
            }
            FieldType::Url => {
                if !(v.starts_with("http://") || v.starts_with("https://")) || v.contains(' ') {
                    return Err(URL_INVALID);
                }
            }
            FieldType::Choice => {
                if !d.options.iter().any(|o| o == v) {
                    return Err(CHOICE_INVALID);
                }
            }
        }
    }
    Ok(f)
}

pub const URL_INVALID: DomainError = DomainError::new(
    "UrlInvalid",
    "网址应以 http:// 或 https:// 开头",
    "A web address must start with http:// or https://",
);

pub const SERVICE_INVALID: DomainError = DomainError::new(
    "ServiceInvalid",
    "服务定义不完整：需要名称、至少一个字段和一个审批环节，字段名不能重复",
    "A service needs a name, at least one field and one step, with unique field keys",
);

/// Checks a service definition (the admin writes them as data).
pub fn validate_service(def: &ServiceDef) -> Result<()> {
    let n = def.name.trim().chars().count();
    if !(2..=40).contains(&n) || def.fields.is_empty() || def.steps.is_empty() {
        return Err(SERVICE_INVALID);
    }
    let mut keys: Vec<&str> = def.fields.iter().map(|f| f.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != def.fields.len()
        || def.fields.iter().any(|f| {
            f.key.is_empty()
                || f.label.trim().is_empty()
                || (f.field_type == FieldType::Choice && f.options.is_empty())
        })
    {
        return Err(SERVICE_INVALID);
    }
    Ok(())
}

// ---------------------------------------------------------------- attachments

pub const ATTACHMENT_MAX_BYTES: usize = 5 * 1024 * 1024;

pub const ATTACHMENT_TYPE: DomainError = DomainError::new(
    "AttachmentType",
    "附件只能是PDF或图片（JPEG、PNG、WebP）",
    "An attachment must be a PDF or an image (JPEG, PNG, WebP)",
);
pub const ATTACHMENT_TOO_LARGE: DomainError = DomainError::new(
    "AttachmentTooLarge",
    "附件不能超过5MB",
    "An attachment may be at most 5 MB",
);
pub const ATTACHMENT_EMPTY: DomainError =
    DomainError::new("AttachmentEmpty", "附件是空文件", "The attachment is empty");

/// The type of an uploaded file, read from its first bytes (never from its name).
pub fn sniff_attachment(bytes: &[u8]) -> Result<&'static str> {
    if bytes.is_empty() {
        return Err(ATTACHMENT_EMPTY);
    }
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(ATTACHMENT_TOO_LARGE);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok("application/pdf");
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        return Ok("image/png");
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok("image/jpeg");
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok("image/webp");
    }
    Err(ATTACHMENT_TYPE)
}

/// A safe file name to keep: the last path segment, control characters dropped, at
/// most 100 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if cleaned.trim().is_empty() {
        "附件".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

// ---------------------------------------------------------------- memberships

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Starts in the future.
    Pending,
    Current,
    /// Past its end date, within the grace period.
    Grace,
    Expired,
    /// Ended by a transfer or withdrawal.
    Ended,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 5] = [
        MembershipStatus::Pending,
        MembershipStatus::Current,
        MembershipStatus::Grace,
        MembershipStatus::Expired,
        MembershipStatus::Ended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MembershipStatus::Pending => "pending",
            MembershipStatus::Current => "current",
            MembershipStatus::Grace => "grace",
            MembershipStatus::Expired => "expired",
            MembershipStatus::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<MembershipStatus> {
        MembershipStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MembershipStatus::Pending => "待生效",
            MembershipStatus::Current => "有效",
            MembershipStatus::Grace => "宽限期",
            MembershipStatus::Expired => "已过期",
            MembershipStatus::Ended => "已终止",
        }
    }
}

/// Days after the end date that a membership stays in grace.
pub const GRACE_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusOverride {
    pub status: MembershipStatus,
    pub reason: String,
    pub by: Person,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// "2026-11-22"
    pub on: String,
    /// joined, transferred_in, transferred_out, withdrawn, renewed, override,
    /// override_cleared, title, status.
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The body of a `membership` record: one person at one unit, with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MembershipBody {
    pub account_id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    /// 会员类型 (the join form's category).
    pub member_type: String,
    /// 会员等级 (an association's level), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// 职务
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub joined_on: String,
    pub start_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<String>,
    /// Derived by `derive_status` (the daily job keeps it current), unless overridden.
    pub status: MembershipStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_status: Option<StatusOverride>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The request that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
}

fn day_number(s: &str) -> Option<i64> {
    crate::time::parse_date(s).map(|d| crate::time::start_ms_cst(d).div_euclid(86_400_000))
}

/// The status the dates give on `today` ("YYYY-MM-DD"). An unreadable date counts as
/// absent.
pub fn derive_status(
    start_on: &str,
    end_on: Option<&str>,
    ended_on: Option<&str>,
    today: &str,
) -> MembershipStatus {
    let Some(t) = day_number(today) else {
        return MembershipStatus::Current;
    };
    if ended_on.and_then(day_number).is_some_and(|e| e <= t) {
        return MembershipStatus::Ended;
    }
    if day_number(start_on).is_some_and(|s| s > t) {
        return MembershipStatus::Pending;
    }
    match end_on.and_then(day_number) {
        Some(e) if t > e + GRACE_DAYS => MembershipStatus::Expired,
        Some(e) if t > e => MembershipStatus::Grace,
        _ => MembershipStatus::Current,
    }
}

impl MembershipBody {
    /// The status to store on `today`: the override if any, else the dates' status.
    /// Returns true when it changed (the daily job then writes the record).
    pub fn refresh_status(&mut self, today: &str) -> bool {
        let next = match &self.override_status {
            Some(o) => o.status,
            None => derive_status(
                &self.start_on,
                self.end_on.as_deref(),
                self.ended_on.as_deref(),
                today,
            ),
        };
        if next != self.status {
            self.history.push(HistoryEntry {
                on: today.to_owned(),
                what: "status".into(),
                note: Some(format!("{} → {}", self.status.label_zh(), next.label_zh())),
                by: None,
            });
            self.status = next;
            true
        } else {
            false
        }
    }

    /// Holds a membership of this unit that counts (not ended or expired).
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            MembershipStatus::Pending | MembershipStatus::Current | MembershipStatus::Grace
        )
    }
}

pub const DATE_INVALID: DomainError = DomainError::new(
    "DateInvalid",
    "日期格式应为 2026-01-31",
    "A date must look like 2026-01-31",
);
pub const DATE_ORDER: DomainError = DomainError::new(
    "DateOrder",
    "结束日期应晚于开始日期",
    "The end date must be after the start date",
);

/// Renewal: a new end date, after the start and after the old end.
pub fn renew(m: &mut MembershipBody, new_end: &str, today: &str, by: &str) -> Result<()> {
    let new = day_number(new_end).ok_or(DATE_INVALID)?;
    let start = day_number(&m.start_on).unwrap_or(i64::MIN);
    let old = m.end_on.as_deref().and_then(day_number).unwrap_or(i64::MIN);
    if new <= start || new <= old {
        return Err(DATE_ORDER);
    }
    if m.status == MembershipStatus::Ended {
        return Err(MEMBERSHIP_ENDED);
    }
    m.history.push(HistoryEntry {
        on: today.to_owned(),
        what: "renewed".into(),
        note: Some(format!(
            "{} → {}",
            m.end_on.clone().unwrap_or_else(|| "长期".into()),
            new_end
        )),
        by: Some(by.to_owned()),
    });
    m.end_on = Some(new_end.to_owned());
    m.refresh_status(today);
    Ok(())
}

pub const MEMBERSHIP_ENDED: DomainError = DomainError::new(
    "MembershipEnded",
    "该会籍已终止",
    "This membership has ended",
);

/// Ends a membership on `today` (transfer out, withdrawal). History stays.
pub fn end_membership(m: &mut MembershipBody, today: &str, what: &str, note: Option<String>) {
    m.ended_on = Some(today.to_owned());
    m.history.push(HistoryEntry {
        on: today.to_owned(),
        what: what.to_owned(),
        note,
        by: None,
    });
    m.override_status = None;
    m.refresh_status(today);
}

pub use crate::dues::DuesOrderBody;

/// An inbox entry (`notification` record, seen only by its recipient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationBody {
    pub title: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
    /// The payment it is about (缴费确认、驳回).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<Uuid>,
    /// The notice or news item it announces (重要通知).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_id: Option<Uuid>,
    pub at: i64,
}

/// 消息订阅: which SMS a member receives (the inbox always has everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NotifyPrefs {
    /// 重要通知 by SMS.
    pub sms_notices: bool,
    /// 审批进度 (submitted, approved, refused…) by SMS.
    pub sms_approvals: bool,
}

impl Default for NotifyPrefs {
    fn default() -> Self {
        NotifyPrefs {
            sms_notices: true,
            sms_approvals: true,
        }
    }
}

// ---------------------------------------------------------------- organisation profile

pub const UNIT_STATUSES: [&str; 4] = ["存续", "在业", "停业", "注销"];
pub const UNIT_NATURES: [&str; 7] = [
    "国有企业",
    "民营企业",
    "外资企业",
    "合资企业",
    "事业单位",
    "社会组织",
    "其他",
];
pub const UNIT_SCALES: [&str; 5] = [
    "20人以下",
    "20-99人",
    "100-499人",
    "500-999人",
    "1000人以上",
];

pub const PROFILE_REQUIRED: DomainError = DomainError::new(
    "ProfileRequired",
    "请填写单位状态、单位性质、所属行业、单位规模、所在地区和详细地址",
    "Unit status, nature, industry, size, region and address are required",
);
pub const POSTCODE_INVALID: DomainError = DomainError::new(
    "PostcodeInvalid",
    "邮政编码应为6位数字",
    "A postcode has 6 digits",
);
pub const EMAIL_INVALID: DomainError = DomainError::new(
    "EmailInvalid",
    "邮箱格式不正确",
    "The email address is not valid",
);
pub const CAPITAL_INVALID: DomainError = DomainError::new(
    "CapitalInvalid",
    "资金应为不小于0的数字（单位：万元）",
    "Capital must be a number of at least 0 (10,000 yuan)",
);

/// What an organisation completes after its first login (seed 001 §2.2.2, 单位信息 and
/// 联系人信息). Name, credit code, legal representative and contact come from the
/// registration and only the secretariat changes them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OrgProfile {
    /// 单位状态
    pub unit_status: String,
    /// 单位性质
    pub unit_nature: String,
    /// 所属行业
    pub industry: String,
    /// 单位规模
    pub scale: String,
    /// 所在地区 ("江苏省 南京市")
    pub region: String,
    /// 详细地址
    pub address: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub contact_wechat: String,
    /// 法人出生日期
    #[serde(default)]
    pub legal_birth_date: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub landline: String,
    /// 网站域名
    #[serde(default)]
    pub website: String,
    /// 注册时间
    #[serde(default)]
    pub founded_on: String,
    /// 经营范围
    #[serde(default)]
    pub business_scope: String,
    /// 增值电信业务许可证号
    #[serde(default)]
    pub telecom_license: String,
    /// 注册资金（万元）
    #[serde(default)]
    pub registered_capital: String,
    /// 实到资金（万元）
    #[serde(default)]
    pub paid_in_capital: String,
    /// 单位简介
    #[serde(default)]
    pub intro: String,
}

pub fn validate_org_profile(p: &OrgProfile) -> Result<()> {
    let blank = |s: &str| s.trim().is_empty();
    if [
        &p.unit_status,
        &p.unit_nature,
        &p.industry,
        &p.scale,
        &p.region,
        &p.address,
    ]
    .iter()
    .any(|s| blank(s))
    {
        return Err(PROFILE_REQUIRED);
    }
    if !UNIT_STATUSES.contains(&p.unit_status.as_str())
        || !UNIT_NATURES.contains(&p.unit_nature.as_str())
        || !UNIT_SCALES.contains(&p.scale.as_str())
    {
        return Err(CHOICE_INVALID);
    }
    let long = [
        (&p.industry, 40),
        (&p.region, 60),
        (&p.address, 200),
        (&p.contact_email, 100),
        (&p.contact_wechat, 40),
        (&p.fax, 30),
        (&p.landline, 30),
        (&p.website, 200),
        (&p.telecom_license, 60),
        (&p.business_scope, 2000),
        (&p.intro, 2000),
    ];
    if long.iter().any(|(s, max)| s.chars().count() > *max) {
        return Err(FIELD_TOO_LONG);
    }
    let postcode_ok = p.postcode.len() == 6 && p.postcode.bytes().all(|b| b.is_ascii_digit());
    if !blank(&p.postcode) && !postcode_ok {
        return Err(POSTCODE_INVALID);
    }
    if !blank(&p.contact_email) {
        let e = p.contact_email.trim();
        let ok = e.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        }) && !e.contains(' ');
        if !ok {
            return Err(EMAIL_INVALID);
        }
    }
    for d in [&p.legal_birth_date, &p.founded_on] {
        if !blank(d) && crate::time::parse_date(d).is_none() {
            return Err(DATE_INVALID);
        }
    }
    for c in [&p.registered_capital, &p.paid_in_capital] {
        if !blank(c)
            && !c
                .trim()
                .parse::<f64>()
                .is_ok_and(|v| v.is_finite() && v >= 0.0)
        {
            return Err(CAPITAL_INVALID);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
