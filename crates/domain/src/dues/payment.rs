//! Payments: the one state machine for offline submissions (submitted → confirmed |
//! rejected, edited or deleted by the payer until confirmed, seed 001 §3.4) and online
//! payments (created → confirmed by the provider's notification, or closed), the
//! offline form's checks, and the shapes the API and the ledger use.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    PaymentLog, AMOUNT_EXCEEDS_BALANCE, AMOUNT_INVALID, MAX_AMOUNT_FEN, METHOD_INVALID,
    PAID_ON_INVALID, PROOF_REQUIRED, TEXT_TOO_LONG,
};
use crate::error::{DomainError, Result};
use crate::validate::SimpleDate;
use crate::workflow::{Person, REASON_REQUIRED};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// Through the payment provider (线上缴费): settled by its signed notification.
    Online,
    BankTransfer,
    Cash,
    Other,
}

impl PayMethod {
    pub const ALL: [PayMethod; 4] = [
        PayMethod::Online,
        PayMethod::BankTransfer,
        PayMethod::Cash,
        PayMethod::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Online => "online",
            PayMethod::BankTransfer => "bank_transfer",
            PayMethod::Cash => "cash",
            PayMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PayMethod::Online => "在线支付",
            PayMethod::BankTransfer => "银行转账",
            PayMethod::Cash => "现金",
            PayMethod::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Online: sent to the provider, not paid yet.
    Created,
    /// Offline: waiting for an admin.
    Submitted,
    Confirmed,
    /// Offline: refused by an admin, with a reason; the payer may correct and resubmit.
    Rejected,
    /// Online: cancelled or expired before it was paid.
    Closed,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] = [
        PaymentStatus::Created,
        PaymentStatus::Submitted,
        PaymentStatus::Confirmed,
        PaymentStatus::Rejected,
        PaymentStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Submitted => "submitted",
            PaymentStatus::Confirmed => "confirmed",
            PaymentStatus::Rejected => "rejected",
            PaymentStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label_zh(self, method: PayMethod) -> &'static str {
        match (self, method) {
            (PaymentStatus::Created, _) => "待支付",
            (PaymentStatus::Submitted, _) => "待确认",
            (PaymentStatus::Confirmed, PayMethod::Online) => "已支付",
            (PaymentStatus::Confirmed, _) => "已确认",
            (PaymentStatus::Rejected, _) => "已驳回",
            (PaymentStatus::Closed, _) => "已关闭",
        }
    }
}

/// A proof image as the server keeps it: re-encoded without metadata, with a thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProofImage {
    /// The upload it came from (the id the device chose).
    pub upload_id: Uuid,
    pub width: u32,
    pub height: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// The body of a `payment` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentBody {
    pub order_id: Uuid,
    pub account_id: Uuid,
    /// The payer as the order names them.
    pub payer: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub period: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    pub method: PayMethod,
    pub status: PaymentStatus,
    /// "2026-11-30": when the money moved (the payer's word offline, the provider's
    /// time online).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<String>,
    /// A bank reference; the provider's trade number online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofImage>,
    /// The provider an online payment went through ("sandbox", "wechat", "alipay").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Our number for the trade at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_trade_no: Option<String>,
    /// Why an admin rejected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    /// Given when confirmed: the receipt's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_no: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub log: Vec<PaymentLog>,
}

impl PaymentBody {
    /// A new payment toward order `order_id`: offline ones start submitted, online ones
    /// created (waiting for the provider).
    pub fn for_order(
        order_id: Uuid,
        o: &super::DuesOrderBody,
        amount_fen: i64,
        method: PayMethod,
        now: i64,
    ) -> PaymentBody {
        PaymentBody {
            order_id,
            account_id: o.account_id,
            payer: o.name.clone(),
            unit_id: o.unit_id,
            unit_name: o.unit_name.clone(),
            period: o.period.clone(),
            amount_fen,
            method,
            status: if method == PayMethod::Online {
                PaymentStatus::Created
            } else {
                PaymentStatus::Submitted
            },
            paid_on: None,
            reference: None,
            note: None,
            proof: None,
            channel: None,
            out_trade_no: None,
            reason: None,
            decided_by: None,
            decided_at: None,
            receipt_no: None,
            created_at: now,
            log: Vec::new(),
        }
    }

    /// Counts toward the order's `pending_fen`.
    pub fn is_pending(&self) -> bool {
        self.status == PaymentStatus::Submitted
    }

    /// "已由张靖于12月1日 10:30确认": who moved the payment last, for a conflict.
    pub fn last_act(&self) -> String {
        match (&self.decided_by, self.decided_at, self.status) {
            (Some(p), Some(at), PaymentStatus::Confirmed | PaymentStatus::Rejected) => format!(
                "已由{}于{}{}",
                p.name,
                crate::workflow::short_time_cst(at),
                if self.status == PaymentStatus::Confirmed {
                    "确认"
                } else {
                    "驳回"
                }
            ),
            _ => match self.log.last() {
                Some(l) => format!(
                    "已由{}于{}{}",
                    l.actor.as_ref().map_or("支付机构", |p| p.name.as_str()),
                    crate::workflow::short_time_cst(l.at),
                    action_label(&l.action)
                ),
                None => "该缴费记录已被他人处理".to_owned(),
            },
        }
    }
}

pub fn action_label(action: &str) -> &'static str {
    match action {
        "submit" => "提交",
        "edit" => "修改",
        "delete" => "删除",
        "confirm" => "确认",
        "reject" => "驳回",
        "paid" => "支付成功",
        "closed" => "关闭",
        "create" => "发起支付",
        _ => "处理",
    }
}

// ---------------------------------------------------------------- the offline form

/// What the payer fills in for an offline payment (线下缴费).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OfflinePaymentForm {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    /// "2026-11-30".
    pub paid_on: String,
    pub method: PayMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Text as stored: control characters (a NUL breaks PostgreSQL's text) removed, trimmed.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

fn tidy(v: &Option<String>, max: usize) -> Result<Option<String>> {
    let t = v.as_deref().map(clean_text).filter(|s| !s.is_empty());
    if t.as_deref().is_some_and(|s| s.chars().count() > max) {
        return Err(TEXT_TOO_LONG);
    }
    Ok(t)
}

/// Checks an offline payment form on `today` against what the order still accepts
/// (`open_fen`: outstanding less other submissions waiting); `has_proof` says whether a
/// proof image comes with it. Returns the form tidied.
pub fn check_offline(
    f: &OfflinePaymentForm,
    today: SimpleDate,
    open_fen: i64,
    has_proof: bool,
) -> Result<OfflinePaymentForm> {
    if f.method == PayMethod::Online {
        return Err(METHOD_INVALID);
    }
    if !(1..=MAX_AMOUNT_FEN).contains(&f.amount_fen) {
        return Err(AMOUNT_INVALID);
    }
    let paid_on = crate::time::parse_date(&f.paid_on).ok_or(PAID_ON_INVALID)?;
    if paid_on > today || paid_on.year < 2000 {
        return Err(PAID_ON_INVALID);
    }
    let reference = tidy(&f.reference, 64)?;
    let note = tidy(&f.note, 200)?;
    if f.method == PayMethod::BankTransfer && !has_proof {
        return Err(PROOF_REQUIRED);
    }
    if f.amount_fen > open_fen {
        return Err(AMOUNT_EXCEEDS_BALANCE);
    }
    Ok(OfflinePaymentForm {
        amount_fen: f.amount_fen,
        paid_on: paid_on.to_string(),
        method: f.method,
        reference,
        note,
    })
}

// ---------------------------------------------------------------- the state machine

/// Who is acting, as the caller established it. The payer is always `Payer`, even when
/// they also manage dues: nobody confirms their own payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayActor {
    Payer,
    /// May manage dues at the payment's unit.
    Admin,
    /// The payment provider, through a verified notification.
    Provider,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
// No ts-rs derive: it cannot read `deny_unknown_fields` on a tagged enum. The UI's twin
// is written by hand in ui/src/lib/dues.ts.
#[serde(tag = "action", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum PaymentAction {
    /// The payer corrects an unconfirmed offline payment (a rejected one goes back to
    /// waiting). `proof_upload_id`: a new proof, or `None` to keep the old one.
    Edit {
        form: OfflinePaymentForm,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof_upload_id: Option<Uuid>,
    },
    Delete,
    Confirm {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    Reject {
        reason: String,
    },
    /// The payer gives up an online payment not paid yet.
    Cancel,
}

impl PaymentAction {
    pub fn name(&self) -> &'static str {
        match self {
            PaymentAction::Edit { .. } => "edit",
            PaymentAction::Delete => "delete",
            PaymentAction::Confirm { .. } => "confirm",
            PaymentAction::Reject { .. } => "reject",
            PaymentAction::Cancel => "closed",
        }
    }
}

/// What the provider's verified notification says about a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderEvent {
    Paid {
        amount_fen: i64,
        trade_no: String,
        /// "2026-12-01".
        paid_on: String,
    },
    Closed,
}

/// Every input the machine takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayInput {
    Act(PaymentAction),
    Provider(ProviderEvent),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Changed(Box<PaymentBody>),
    /// Nothing to do (a repeated notification, a close after payment).
    Unchanged,
    Deleted,
}

pub const PAYMENT_NOT_YOURS: DomainError = DomainError::new(
    "PaymentNotYours",
    "只能修改或删除自己提交的缴费记录",
    "Only the payer may change or delete a payment",
);
pub const PAYMENT_NOT_ADMIN: DomainError = DomainError::new(
    "PaymentNotAdmin",
    "您没有确认该单位缴费的权限",
    "You may not decide payments of this unit",
);
pub const SELF_CONFIRM: DomainError = DomainError::new(
    "SelfConfirm",
    "不能确认或驳回自己提交的缴费，请由其他管理员处理",
    "Nobody decides their own payment",
);
pub const PAYMENT_CONFIRMED: DomainError = DomainError::new(
    "PaymentConfirmed",
    "该缴费已确认，不能再修改、删除或驳回",
    "A confirmed payment cannot be changed, deleted or rejected",
);
pub const PAYMENT_NOT_WAITING: DomainError = DomainError::new(
    "PaymentNotWaiting",
    "只有待确认的缴费可以确认或驳回",
    "Only a payment awaiting confirmation can be confirmed or rejected",
);
pub const ONLINE_NOT_EDITABLE: DomainError = DomainError::new(
    "OnlineNotEditable",
    "在线支付的记录由支付机构确认，不能修改或删除",
    "An online payment is settled by the provider and cannot be edited or deleted",
);
pub const NOT_ONLINE: DomainError = DomainError::new(
    "NotOnline",
    "这不是在线支付的订单",
    "This is not an online payment",
);
pub const AMOUNT_MISMATCH: DomainError = DomainError::new(
    "AmountMismatch",
    "支付金额与订单金额不一致，已拒绝入账",
    "The amount paid differs from the amount asked; not recorded",
);
pub const PAYMENT_CLOSED: DomainError = DomainError::new(
    "PaymentClosed",
    "该支付已关闭，请重新发起支付",
    "This payment was closed; start a new one",
);

fn log(p: &mut PaymentBody, at: i64, actor: Option<&Person>, action: &str, note: Option<String>) {
    p.log.push(PaymentLog {
        at,
        actor: actor.cloned(),
        action: action.to_owned(),
        note,
    });
}

/// Moves a payment. `person` is the actor's name for the log (none for the provider).
/// Order effects (paid and pending sums) are the caller's, from the result.
pub fn apply_payment(
    p: &PaymentBody,
    actor: PayActor,
    person: Option<&Person>,
    input: &PayInput,
    now: i64,
) -> Result<Transition> {
    use PaymentStatus as S;
    let online = p.method == PayMethod::Online;
    let mut next = p.clone();
    match input {
        PayInput::Act(PaymentAction::Edit { form, .. }) => {
            if actor != PayActor::Payer {
                return Err(PAYMENT_NOT_YOURS);
            }
            if online {
                return Err(ONLINE_NOT_EDITABLE);
            }
            match p.status {
                S::Submitted | S::Rejected => {}
                S::Confirmed => return Err(PAYMENT_CONFIRMED),
                S::Created | S::Closed => return Err(ONLINE_NOT_EDITABLE),
            }
            if form.method == PayMethod::Online {
                return Err(METHOD_INVALID);
            }
            next.amount_fen = form.amount_fen;
            next.paid_on = Some(form.paid_on.clone());
            next.method = form.method;
            next.reference = form.reference.clone();
            next.note = form.note.clone();
            next.status = S::Submitted;
            next.reason = None;
            next.decided_by = None;
            next.decided_at = None;
            log(&mut next, now, person, "edit", None);
        }
        PayInput::Act(PaymentAction::Delete) => {
            if actor != PayActor::Payer {
                return Err(PAYMENT_NOT_YOURS);
            }
            if online {
                return Err(ONLINE_NOT_EDITABLE);
            }
            return match p.status {
                S::Submitted | S::Rejected => Ok(Transition::Deleted),
                S::Confirmed => Err(PAYMENT_CONFIRMED),
                S::Created | S::Closed => Err(ONLINE_NOT_EDITABLE),
            };
        }
        PayInput::Act(a @ (PaymentAction::Confirm { .. } | PaymentAction::Reject { .. })) => {
            match actor {
                PayActor::Admin => {}
                PayActor::Payer => return Err(SELF_CONFIRM),
                _ => return Err(PAYMENT_NOT_ADMIN),
            }
            if online {
                return Err(ONLINE_NOT_EDITABLE);
            }
            match p.status {
                S::Submitted => {}
                S::Confirmed => return Err(PAYMENT_CONFIRMED),
                _ => return Err(PAYMENT_NOT_WAITING),
            }
            next.decided_by = person.cloned();
            next.decided_at = Some(now);
            match a {
                PaymentAction::Confirm { comment } => {
                    let note = tidy(comment, 200)?;
                    next.status = S::Confirmed;
                    log(&mut next, now, person, "confirm", note);
                }
                PaymentAction::Reject { reason } => {
                    let reason = clean_text(reason);
                    let reason = reason.as_str();
                    let n = reason.chars().count();
                    if n == 0 || n > 200 {
                        return Err(REASON_REQUIRED);
                    }
                    next.status = S::Rejected;
                    next.reason = Some(reason.to_owned());
                    log(&mut next, now, person, "reject", Some(reason.to_owned()));
                }
                _ => unreachable!("matched above"),
            }
        }
        PayInput::Act(PaymentAction::Cancel) => {
            if actor != PayActor::Payer {
                return Err(PAYMENT_NOT_YOURS);
            }
            if !online {
                return Err(NOT_ONLINE);
            }
            return match p.status {
                S::Created => {
                    next.status = S::Closed;
                    log(&mut next, now, person, "closed", None);
                    Ok(Transition::Changed(Box::new(next)))
                }
                S::Closed => Ok(Transition::Unchanged),
                _ => Err(PAYMENT_CONFIRMED),
            };
        }
        PayInput::Provider(event) => {
            if actor != PayActor::Provider {
                return Err(PAYMENT_NOT_ADMIN);
            }
            if !online {
                return Err(NOT_ONLINE);
            }
            match event {
                ProviderEvent::Paid {
                    amount_fen,
                    trade_no,
                    paid_on,
                } => {
                    if *amount_fen != p.amount_fen {
                        return Err(AMOUNT_MISMATCH);
                    }
                    match p.status {
                        // A second notification of the same payment: recorded once.
                        S::Confirmed => return Ok(Transition::Unchanged),
                        // Money that arrived after we closed the trade is still money.
                        S::Created | S::Closed => {}
                        S::Submitted | S::Rejected => return Err(NOT_ONLINE),
                    }
                    next.status = S::Confirmed;
                    next.reference = Some(trade_no.clone());
                    next.paid_on = Some(paid_on.clone());
                    next.decided_at = Some(now);
                    log(&mut next, now, None, "paid", None);
                }
                ProviderEvent::Closed => match p.status {
                    S::Created => {
                        next.status = S::Closed;
                        log(&mut next, now, None, "closed", None);
                    }
                    // Paid is final: a late or reordered close changes nothing.
                    _ => return Ok(Transition::Unchanged),
                },
            }
        }
    }
    Ok(Transition::Changed(Box::new(next)))
}

/// The actions the UI offers `actor` on `p`.
pub fn allowed_payment_actions(p: &PaymentBody, actor: PayActor) -> Vec<&'static str> {
    let probes: [(&str, PaymentAction); 5] = [
        (
            "edit",
            PaymentAction::Edit {
                form: OfflinePaymentForm {
                    amount_fen: p.amount_fen,
                    paid_on: p.paid_on.clone().unwrap_or_default(),
                    method: if p.method == PayMethod::Online {
                        PayMethod::Cash
                    } else {
                        p.method
                    },
                    reference: None,
                    note: None,
                },
                proof_upload_id: None,
            },
        ),
        ("delete", PaymentAction::Delete),
        ("confirm", PaymentAction::Confirm { comment: None }),
        ("reject", PaymentAction::Reject { reason: "x".into() }),
        ("cancel", PaymentAction::Cancel),
    ];
    probes
        .into_iter()
        .filter(|(_, a)| {
            matches!(
                apply_payment(p, actor, None, &PayInput::Act(a.clone()), 0),
                Ok(Transition::Changed(_) | Transition::Deleted)
            )
        })
        .map(|(n, _)| n)
        .collect()
}

// ---------------------------------------------------------------- wire

/// Start an online payment of (part of) an order. `id` is made on the device: sent
/// again, the same payment is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OnlinePayRequest {
    pub id: Uuid,
    pub order_id: Uuid,
    /// Default: everything still to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub amount_fen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OnlinePayResponse {
    pub payment: crate::wire::Record,
    /// Where the payer pays: a page to open, or to show as a QR code for a phone.
    pub pay_url: String,
    /// Unix ms after which the provider closes the trade.
    pub expires_at: i64,
}

/// An offline payment (线下缴费). `proof_upload_id`: a completed upload (see
/// `/api/v1/uploads`). `id` is made on the device: sent again, it is recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct OfflinePaymentRequest {
    pub id: Uuid,
    pub order_id: Uuid,
    pub form: OfflinePaymentForm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_upload_id: Option<Uuid>,
}

/// One action on a payment, idempotent by `action_id`; `base_version` is the payment's
/// version the actor saw (a newer one means someone acted first: a conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentActionItem {
    pub action_id: Uuid,
    pub payment_id: Uuid,
    pub base_version: i64,
    pub action: PaymentAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentActionBatch {
    pub actions: Vec<PaymentActionItem>,
}

/// A chunked, resumable upload: announced with its size and SHA-256, then sent in
/// pieces at offsets; complete when every byte is there and the hash matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadStart {
    pub id: Uuid,
    pub name: String,
    pub size: u64,
    /// Hex SHA-256 of the whole file.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UploadStatus {
    pub id: Uuid,
    pub size: u64,
    /// Bytes the server holds: the next piece starts here.
    pub received: u64,
    /// Set once the file is complete and accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofImage>,
}

/// A rule to save: a new one, or with `id` a new version of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub rule: super::DuesRule,
}

/// Bill a period at a unit by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    pub unit_id: Uuid,
    /// "2026", "2026-H1", "2026-03": the rules of that kind of period bill it.
    pub period: String,
}

/// What a billing pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GenerateReport {
    /// Orders made now.
    pub created: u32,
    /// Memberships billed for the period before (left as they are).
    pub existing: u32,
    /// Memberships no rule bills for this kind of period, or not live in it.
    pub skipped: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: String,
}

/// The largest piece one upload request may carry.
pub const UPLOAD_CHUNK_MAX: usize = 1024 * 1024;

// ---------------------------------------------------------------- the ledger

/// The secretary's ledger (缴费台账): payments under a unit, filtered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    /// A unit and its subtree; default: everywhere the caller manages dues.
    #[serde(default)]
    pub unit_id: Option<Uuid>,
    /// "2026", "2026-H1", "2026-03".
    #[serde(default)]
    pub period: Option<String>,
    /// Default: submitted, confirmed and rejected (online trades never paid are left out).
    #[serde(default)]
    pub status: Option<PaymentStatus>,
    #[serde(default)]
    pub method: Option<PayMethod>,
    /// Payer name contains.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub page_size: Option<u32>,
}

impl LedgerQuery {
    /// Whether a payment's status is listed.
    pub fn status_listed(&self, s: PaymentStatus) -> bool {
        match self.status {
            Some(want) => s == want,
            None => matches!(
                s,
                PaymentStatus::Submitted | PaymentStatus::Confirmed | PaymentStatus::Rejected
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub payer: String,
    pub unit_name: String,
    pub period: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    pub method: PayMethod,
    pub status: PaymentStatus,
    #[serde(default)]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub receipt_no: Option<String>,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

impl LedgerRow {
    /// The ledger's line for payment `id`.
    pub fn of(id: Uuid, p: &PaymentBody) -> LedgerRow {
        LedgerRow {
            id,
            order_id: p.order_id,
            payer: p.payer.clone(),
            unit_name: p.unit_name.clone(),
            period: p.period.clone(),
            amount_fen: p.amount_fen,
            method: p.method,
            status: p.status,
            paid_on: p.paid_on.clone(),
            reference: p.reference.clone(),
            receipt_no: p.receipt_no.clone(),
            decided_by: p.decided_by.as_ref().map(|d| d.name.clone()),
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerTotals {
    pub count: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    pub confirmed_count: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub confirmed_fen: i64,
    pub pending_count: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pending_fen: i64,
}

impl LedgerTotals {
    pub fn add(&mut self, status: PaymentStatus, amount_fen: i64) {
        self.count += 1;
        self.amount_fen += amount_fen;
        match status {
            PaymentStatus::Confirmed => {
                self.confirmed_count += 1;
                self.confirmed_fen += amount_fen;
            }
            PaymentStatus::Submitted => {
                self.pending_count += 1;
                self.pending_fen += amount_fen;
            }
            _ => {}
        }
    }
}

/// Confirmed money by method, for the ledger's filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MethodTotal {
    pub method: PayMethod,
    pub count: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
}

/// One period's orders: what was due, what is paid, what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PeriodTotal {
    pub period: String,
    pub orders: u32,
    pub paid_orders: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub due_fen: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub paid_fen: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub outstanding_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    pub page: u32,
    pub page_size: u32,
    /// Over every row the filters match, not only this page.
    pub totals: LedgerTotals,
    pub by_method: Vec<MethodTotal>,
    /// The orders of the unit filter (and the period filter, if any), by period.
    pub by_period: Vec<PeriodTotal>,
}
