//! Dues and payments (会费, 线上缴费, 线下缴费, 支付记录, 缴费管理; seeds 001 §3 and 004
//! §一/§三), as pure rules: billing periods, the dues rules of a unit and what they
//! charge, orders and how payments settle them, the payment state machine (offline
//! submissions confirmed or rejected by an admin, online payments settled by the
//! provider's signed notification), the offline form's checks, and the ledger's shapes.
//! Money is integer fen (分) everywhere; there is no float in this module.

mod payment;
pub mod period;
pub mod proof;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::validate::SimpleDate;
use crate::workflow::{MembershipBody, Person};

pub use self::payment::*;
pub use self::period::{Period, PeriodKind};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The most one order or payment may be: 1,000,000 yuan.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000;

// ---------------------------------------------------------------- errors

pub const RULE_INVALID: DomainError = DomainError::new(
    "DuesRuleInvalid",
    "会费标准需填写名称（1到40个字）、金额（0.01元到100万元）和周期，缴费期限不能超过一个周期",
    "A dues rule needs a 1–40 character name, an amount of 0.01 to 1,000,000 yuan and a period; the due date must fall within the period",
);
pub const PERIOD_INVALID: DomainError = DomainError::new(
    "PeriodInvalid",
    "缴费周期格式不正确，应为“2026”“2026-H1”或“2026-03”",
    "A period is written 2026, 2026-H1 or 2026-03",
);
pub const AMOUNT_INVALID: DomainError = DomainError::new(
    "AmountInvalid",
    "缴费金额应在0.01元到100万元之间",
    "The amount must be 0.01 to 1,000,000 yuan",
);
pub const AMOUNT_EXCEEDS_BALANCE: DomainError = DomainError::new(
    "AmountExceedsBalance",
    "缴费金额不能超过该订单尚未缴清的金额（已提交待确认的也计算在内）",
    "The amount exceeds what is left to pay on this order (payments awaiting confirmation included)",
);
pub const PAID_ON_INVALID: DomainError = DomainError::new(
    "PaidOnInvalid",
    "缴费日期应为不晚于今天的有效日期",
    "The payment date must be a real date, not in the future",
);
pub const METHOD_INVALID: DomainError = DomainError::new(
    "MethodInvalid",
    "请选择线下缴费方式：银行转账、现金或其他",
    "Choose how you paid: bank transfer, cash or other",
);
pub const TEXT_TOO_LONG: DomainError = DomainError::new(
    "TextTooLong",
    "凭证号最多64个字，备注最多200个字",
    "The reference is at most 64 characters and the note at most 200",
);
pub const PROOF_REQUIRED: DomainError = DomainError::new(
    "ProofRequired",
    "银行转账请上传转账凭证的截图或照片",
    "A bank transfer needs a photo or screenshot of the transfer",
);
pub const ORDER_SETTLED: DomainError = DomainError::new(
    "OrderSettled",
    "该订单已缴清，无需再缴费",
    "This order is paid in full",
);
pub const ORDER_CANCELLED: DomainError = DomainError::new(
    "OrderCancelled",
    "该订单已取消，无需缴费",
    "This order was cancelled",
);
pub const ORDER_NOT_FOUND: DomainError = DomainError::new(
    "OrderNotFound",
    "会费订单不存在",
    "The dues order does not exist",
);
pub const ORDER_HAS_PAYMENTS: DomainError = DomainError::new(
    "OrderHasPayments",
    "该订单已有缴费或待确认的缴费，不能取消",
    "An order with payments (or payments awaiting confirmation) cannot be cancelled",
);

// ---------------------------------------------------------------- rules

/// A dues rule of a unit (会费标准): what members of a type and level pay per period.
/// The body of a `dues_rule` record; the record's node is the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DuesRule {
    /// "会员单位年费".
    pub name: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    /// 会员类型 this rule bills; `None`: every type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_type: Option<String>,
    /// 会员等级 this rule bills; `None`: every level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    pub period: PeriodKind,
    /// The order is due this many days after its period starts.
    pub due_days: u32,
    /// A member who joins during a period pays for the days left in it (first period
    /// only; a whole period afterwards).
    #[serde(default)]
    pub prorate_first: bool,
    pub active: bool,
}

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref().map(clean_text).filter(|s| !s.is_empty())
}

/// Checks a rule and returns it tidied (names trimmed, blank filters as "every").
pub fn validate_rule(r: &DuesRule) -> Result<DuesRule> {
    let name = clean_text(&r.name);
    let name = name.as_str();
    let n = name.chars().count();
    let short = |v: &Option<String>| v.as_deref().is_none_or(|s| s.chars().count() <= 30);
    if !(1..=40).contains(&n)
        || !(1..=MAX_AMOUNT_FEN).contains(&r.amount_fen)
        || r.due_days >= r.period.min_days()
        || !short(&r.member_type)
        || !short(&r.level)
    {
        return Err(RULE_INVALID);
    }
    Ok(DuesRule {
        name: name.to_owned(),
        member_type: blank_to_none(&r.member_type),
        level: blank_to_none(&r.level),
        ..r.clone()
    })
}

impl DuesRule {
    pub fn matches(&self, m: &MembershipBody) -> bool {
        self.member_type
            .as_deref()
            .is_none_or(|t| t == m.member_type)
            && self
                .level
                .as_deref()
                .is_none_or(|l| Some(l) == m.level.as_deref())
    }

    /// How specific the rule is: a rule for a type and a level beats one for a type,
    /// which beats one for a level, which beats one for everybody.
    pub fn specificity(&self) -> u8 {
        u8::from(self.member_type.is_some()) * 2 + u8::from(self.level.is_some())
    }

    pub fn due_on(&self, p: &Period) -> SimpleDate {
        period::add_days(p.start(), i64::from(self.due_days))
    }
}

/// The rule that bills `m`: the most specific active matching rule of its kind of
/// period; among equals the first in `rules` (callers pass them in a stable order).
pub fn rule_for<'a, R>(
    rules: &'a [(R, DuesRule)],
    m: &MembershipBody,
) -> Option<&'a (R, DuesRule)> {
    rules
        .iter()
        .filter(|(_, r)| r.active && r.unit_id == m.unit_id && r.matches(m))
        .fold(None, |best: Option<&(R, DuesRule)>, cand| match best {
            Some(b) if b.1.specificity() >= cand.1.specificity() => Some(b),
            _ => Some(cand),
        })
}

/// What a membership starting on `start` owes for period `p` under `rule`: the whole
/// amount, or — for a first period joined part-way with `prorate_first` — the share of
/// the days left, rounded half up to the fen (at least 1 fen).
pub fn amount_for(rule: &DuesRule, p: &Period, start: SimpleDate) -> i64 {
    if !rule.prorate_first || start <= p.start() || !p.contains(start) {
        return rule.amount_fen;
    }
    let total = p.days();
    let left = period::day_number(p.end()) - period::day_number(start) + 1;
    let share = (i128::from(rule.amount_fen) * i128::from(left) * 2 + i128::from(total))
        / (2 * i128::from(total));
    i64::try_from(share).unwrap_or(rule.amount_fen).max(1)
}

/// Whether the dues job bills membership `m` for period `p` on `today`: the member joined
/// before the period began (the first period is billed by the approver's choice or by
/// hand, seed 004 §三), is current or in grace today, and has not ended.
pub fn job_bills(m: &MembershipBody, p: &Period, today: SimpleDate) -> bool {
    use crate::workflow::MembershipStatus as S;
    let Some(start) = crate::time::parse_date(&m.start_on) else {
        return false;
    };
    start < p.start()
        && p.start() <= today
        && matches!(m.status, S::Current | S::Grace)
        && m.ended_on.is_none()
}

/// Whether an order for `p` may be made by hand for `m`: live at some point of the
/// period (joined by its end, not ended before its start).
pub fn may_bill_by_hand(m: &MembershipBody, p: &Period) -> bool {
    let start = crate::time::parse_date(&m.start_on);
    let ended = m.ended_on.as_deref().and_then(crate::time::parse_date);
    start.is_some_and(|s| s <= p.end()) && ended.is_none_or(|e| e >= p.start())
}

// ---------------------------------------------------------------- orders

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Nothing paid yet.
    Pending,
    /// Paid in part.
    Partial,
    Paid,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Partial => "partial",
            OrderStatus::Paid => "paid",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderStatus::Pending,
            OrderStatus::Partial,
            OrderStatus::Paid,
            OrderStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrderStatus::Pending => "待缴费",
            OrderStatus::Partial => "部分缴纳",
            OrderStatus::Paid => "已缴清",
            OrderStatus::Cancelled => "已取消",
        }
    }
}

/// The body of a `dues_order` record. Orders are made by a join's approval (生成会费订单),
/// by the dues job each period, or by hand; the server keeps `paid_fen`, `pending_fen`
/// and `status` in step with the order's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuesOrderBody {
    pub account_id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub membership_id: Uuid,
    /// "2026", "2026-H1", "2026-03" (or an approver's free text from before rules).
    pub period: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub amount_fen: i64,
    /// Confirmed payments.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub paid_fen: i64,
    /// Offline payments submitted and not yet confirmed.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pending_fen: i64,
    pub status: OrderStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<Uuid>,
    /// "2026-01-31".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// The amount is a share of the period (joined part-way).
    #[serde(default)]
    pub prorated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    /// An event's fee (the registration is the order's "membership"): paying it issues
    /// the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<Uuid>,
    /// What the order is for when it is not dues ("活动费用 · 2026年会").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub created_at: i64,
}

impl DuesOrderBody {
    /// What is still to pay (never negative).
    pub fn outstanding(&self) -> i64 {
        (self.amount_fen - self.paid_fen).max(0)
    }

    /// What a new offline submission may still claim: the outstanding amount less what
    /// is already submitted and waiting for confirmation.
    pub fn open_for_submission(&self) -> i64 {
        (self.outstanding() - self.pending_fen).max(0)
    }

    /// "2026年度会费", or an event fee's title.
    pub fn item(&self) -> String {
        match &self.title {
            Some(t) => t.clone(),
            None => format!("{}会费", period::label_zh(&self.period)),
        }
    }

    /// Brings `paid_fen`, `pending_fen` and `status` in line with the order's payments.
    /// Returns whether anything changed.
    pub fn settle(&mut self, paid_fen: i64, pending_fen: i64) -> bool {
        let status = if self.status == OrderStatus::Cancelled {
            OrderStatus::Cancelled
        } else if paid_fen >= self.amount_fen {
            OrderStatus::Paid
        } else if paid_fen > 0 {
            OrderStatus::Partial
        } else {
            OrderStatus::Pending
        };
        let changed =
            (self.paid_fen, self.pending_fen, self.status) != (paid_fen, pending_fen, status);
        self.paid_fen = paid_fen;
        self.pending_fen = pending_fen;
        self.status = status;
        changed
    }

    /// Whether a member may pay toward this order now.
    pub fn check_payable(&self) -> Result<()> {
        match self.status {
            OrderStatus::Cancelled => Err(ORDER_CANCELLED),
            OrderStatus::Paid => Err(ORDER_SETTLED),
            _ if self.outstanding() == 0 => Err(ORDER_SETTLED),
            _ => Ok(()),
        }
    }
}

/// The membership's end once order `o` is paid: a paid period pays the membership up
/// to the period's end. `None` when the order changes nothing.
pub fn paid_through(o: &DuesOrderBody, m: &MembershipBody) -> Option<String> {
    if o.status != OrderStatus::Paid || m.ended_on.is_some() {
        return None;
    }
    let end = Period::parse(&o.period)?.end();
    let current = m.end_on.as_deref().and_then(crate::time::parse_date);
    current.is_none_or(|c| c < end).then(|| end.to_string())
}

/// Reads a period label for a rule-made order.
pub fn parse_period(s: &str) -> Result<Period> {
    Period::parse(s).ok_or(PERIOD_INVALID)
}

/// Who acted on a payment, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentLog {
    pub at: i64,
    /// `None` for the payment provider or the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Person>,
    /// submit, edit, confirm, reject, paid, closed.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
