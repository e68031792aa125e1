//! Events (活动报名, 签到签退; seed 004 §七) as pure rules: what an event offers
//! (capacity, deadline, who may register, approval, a fee), how a registration is decided
//! (confirmed, waiting for approval, on the waitlist) and cancelled (until the event
//! starts), who moves up from the waitlist when a place frees, and check-ins from every
//! source (a staff scan of the ticket, the member's scan of the printed venue code, a
//! secretary's hand) counted into one attendance.

pub mod lottery;
pub mod survey;
pub mod wire;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::credential::Direction;
use crate::error::{DomainError, Result};
use crate::workflow::Person;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who may take part: members of the event's organisation (its node and below), or
/// anyone signed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Members,
    Open,
}

/// An event (the body of an `event` record). An event without `registration` is one
/// every member may attend with their ticket (the checkpoint's first events); with it,
/// only confirmed registrations get a ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub starts_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ends_at: i64,
    /// After leaving, the same ticket may enter again.
    #[serde(default)]
    pub reentry_allowed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Registration is needed for a ticket.
    #[serde(default)]
    pub registration: bool,
    /// Places; `None`: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Unix ms; registration closes then (and at the start in any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub registration_deadline: Option<i64>,
    #[serde(default)]
    pub audience: Audience,
    /// A secretary confirms each registration.
    #[serde(default)]
    pub approval_required: bool,
    /// Integer fen; paid through the dues machinery before the ticket is issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub fee_fen: Option<i64>,
    #[serde(default)]
    pub cancelled: bool,
}

/// The event's own facts are wrong (code `EventInvalid`; each message says which).
pub const EVENT_INVALID: DomainError = DomainError::new(
    "EventInvalid",
    "活动标题应为1到100个字符",
    "An event needs a title of 1–100 characters",
);
pub const EVENT_TIMES_INVALID: DomainError = DomainError::new(
    "EventInvalid",
    "活动结束时间应晚于开始时间",
    "An event must end after it starts",
);
pub const EVENT_PLACE_INVALID: DomainError = DomainError::new(
    "EventInvalid",
    "活动地点不能超过100个字符",
    "The place is at most 100 characters",
);
/// A setting is out of range (code `EventSettingsInvalid`; each message says which).
pub const EVENT_SETTINGS_INVALID: DomainError = DomainError::new(
    "EventSettingsInvalid",
    "名额应为1到100000人",
    "Capacity is 1–100,000 people",
);
pub const EVENT_DEADLINE_INVALID: DomainError = DomainError::new(
    "EventSettingsInvalid",
    "报名截止时间不能晚于活动开始时间",
    "The registration deadline cannot be after the start",
);
pub const EVENT_FEE_INVALID: DomainError = DomainError::new(
    "EventSettingsInvalid",
    "活动费用应在0.01元到100万元之间",
    "The fee is 0.01–1,000,000 yuan",
);
pub const EVENT_DESCRIPTION_INVALID: DomainError = DomainError::new(
    "EventSettingsInvalid",
    "活动简介不能超过5000字",
    "The description is at most 5,000 characters",
);
pub const EVENT_CANCELLED: DomainError =
    DomainError::new("EventCancelled", "该活动已取消", "This event was cancelled");
pub const REGISTRATION_CLOSED: DomainError =
    DomainError::new("RegistrationClosed", "报名已截止", "Registration is closed");
pub const EVENT_STARTED: DomainError = DomainError::new(
    "EventStarted",
    "活动已开始，不能再报名或取消报名",
    "The event has started: registration and cancellation are closed",
);
pub const NOT_REGISTERABLE: DomainError = DomainError::new(
    "NoRegistration",
    "该活动无需报名，凭会员身份领取电子票即可入场",
    "This event needs no registration; every member has a ticket",
);
pub const ALREADY_REGISTERED: DomainError = DomainError::new(
    "AlreadyRegistered",
    "您已报名该活动",
    "You are registered for this event already",
);
pub const NOT_IN_AUDIENCE: DomainError = DomainError::new(
    "MembersOnly",
    "该活动仅限本组织会员报名",
    "This event is for members of the organisation only",
);
pub const REGISTRATION_FINAL: DomainError = DomainError::new(
    "RegistrationFinal",
    "该报名已取消或未通过，不能再操作",
    "This registration was cancelled or refused",
);
pub const NOT_PENDING: DomainError = DomainError::new(
    "RegistrationNotPending",
    "只有待审核的报名可以审核",
    "Only a registration awaiting approval can be approved or refused",
);

/// Checks an event and returns it tidied.
pub fn validate_event(e: &EventBody) -> Result<EventBody> {
    let title = crate::dues::clean_text(&e.title);
    if !(1..=100).contains(&title.chars().count()) {
        return Err(EVENT_INVALID);
    }
    if e.ends_at <= e.starts_at {
        return Err(EVENT_TIMES_INVALID);
    }
    if e.place.as_deref().is_some_and(|p| p.chars().count() > 100) {
        return Err(EVENT_PLACE_INVALID);
    }
    let description = e
        .description
        .as_deref()
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if e.capacity.is_some_and(|c| !(1..=100_000).contains(&c)) {
        return Err(EVENT_SETTINGS_INVALID);
    }
    if e.registration_deadline.is_some_and(|d| d > e.starts_at) {
        return Err(EVENT_DEADLINE_INVALID);
    }
    if e.fee_fen
        .is_some_and(|f| !(1..=crate::dues::MAX_AMOUNT_FEN).contains(&f))
    {
        return Err(EVENT_FEE_INVALID);
    }
    if description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 5_000)
    {
        return Err(EVENT_DESCRIPTION_INVALID);
    }
    Ok(EventBody {
        title,
        place: e
            .place
            .as_deref()
            .map(crate::dues::clean_text)
            .filter(|p| !p.is_empty()),
        description,
        ..e.clone()
    })
}

// ---------------------------------------------------------------- registrations

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Waiting for a secretary (approval_required).
    Pending,
    /// Has a place (and a ticket once any fee is paid).
    Confirmed,
    /// No place free: moves up in order when one frees.
    Waitlisted,
    Cancelled,
    Rejected,
}

impl RegistrationStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            RegistrationStatus::Pending => "待审核",
            RegistrationStatus::Confirmed => "报名成功",
            RegistrationStatus::Waitlisted => "候补中",
            RegistrationStatus::Cancelled => "已取消",
            RegistrationStatus::Rejected => "未通过",
        }
    }

    /// Holds a place (a pending one is not counted: approval checks the places).
    pub fn holds_place(self) -> bool {
        self == RegistrationStatus::Confirmed
    }

    pub fn is_live(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Pending
                | RegistrationStatus::Confirmed
                | RegistrationStatus::Waitlisted
        )
    }
}

/// The body of a `registration` record: one per person and event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistrationBody {
    pub event_id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub status: RegistrationStatus,
    /// The ticket's id (the same whenever it is re-issued).
    pub ticket_id: Uuid,
    /// The fee's order, when the event has a fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<Uuid>,
    /// The fee is paid (or there is none).
    #[serde(default)]
    pub paid: bool,
    /// When it joined the queue it is in (registration, or its move to the waitlist).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queued_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub log: Vec<RegistrationLog>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistrationLog {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Person>,
    /// registered, waitlisted, promoted, approved, rejected, cancelled, paid.
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RegistrationBody {
    /// Whether the person may get the event's ticket.
    pub fn has_ticket(&self) -> bool {
        self.status == RegistrationStatus::Confirmed && self.paid
    }
}

/// Places an event has taken now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seats {
    pub confirmed: u32,
}

impl Seats {
    pub fn free(&self, e: &EventBody) -> Option<u32> {
        e.capacity.map(|c| c.saturating_sub(self.confirmed))
    }
}

/// Whether registration is open on `now`.
pub fn check_open(e: &EventBody, now: i64) -> Result<()> {
    if e.cancelled {
        return Err(EVENT_CANCELLED);
    }
    if !e.registration {
        return Err(NOT_REGISTERABLE);
    }
    if now >= e.starts_at {
        return Err(EVENT_STARTED);
    }
    if e.registration_deadline.is_some_and(|d| now >= d) {
        return Err(REGISTRATION_CLOSED);
    }
    Ok(())
}

/// What a new registration becomes: waiting for approval, a place, or the waitlist.
pub fn decide_new(e: &EventBody, seats: Seats, now: i64) -> Result<RegistrationStatus> {
    check_open(e, now)?;
    if e.approval_required {
        return Ok(RegistrationStatus::Pending);
    }
    Ok(match seats.free(e) {
        Some(0) => RegistrationStatus::Waitlisted,
        _ => RegistrationStatus::Confirmed,
    })
}

/// An approval takes a place if one is free, else the waitlist.
pub fn decide_approval(
    e: &EventBody,
    reg: &RegistrationBody,
    seats: Seats,
) -> Result<RegistrationStatus> {
    if reg.status != RegistrationStatus::Pending {
        return Err(NOT_PENDING);
    }
    if e.cancelled {
        return Err(EVENT_CANCELLED);
    }
    Ok(match seats.free(e) {
        Some(0) => RegistrationStatus::Waitlisted,
        _ => RegistrationStatus::Confirmed,
    })
}

/// The member cancels until the event starts.
pub fn check_cancel(e: &EventBody, reg: &RegistrationBody, now: i64) -> Result<()> {
    if !reg.status.is_live() {
        return Err(REGISTRATION_FINAL);
    }
    if now >= e.starts_at {
        return Err(EVENT_STARTED);
    }
    Ok(())
}

/// Who moves up when `free` places open: the waitlist in the order people joined it
/// (`queued_at`, then id). Returns their ids, at most `free` (all of them when the
/// event has no limit).
pub fn promotions(waitlist: &[(Uuid, i64)], free: Option<u32>) -> Vec<Uuid> {
    let mut order: Vec<&(Uuid, i64)> = waitlist.iter().collect();
    order.sort_by_key(|(id, at)| (*at, *id));
    let take = free.map_or(order.len(), |f| f as usize);
    order.into_iter().take(take).map(|(id, _)| *id).collect()
}

// ---------------------------------------------------------------- check-ins

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckinSource {
    /// The member scanned the printed venue code (场地码) with their phone.
    VenueCode,
    /// A secretary checked the person in by hand, with a reason.
    Manual,
}

/// A check-in or check-out the member or a secretary recorded (a staff scan of the
/// ticket is a `scan` record). Append-only: the body of a `checkin` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CheckinBody {
    pub event_id: Uuid,
    pub ticket_id: Uuid,
    pub account_id: Uuid,
    /// Masked, as scans keep it.
    pub name: String,
    pub direction: Direction,
    /// The device's clock when it happened (unix ms): an offline scan counts when it
    /// was made, not when it was sent.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    pub source: CheckinSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
}

pub const CHECKIN_WINDOW: DomainError = DomainError::new(
    "CheckinClosed",
    "不在活动签到时间内（开始前2小时至结束后2小时）",
    "Outside the event's check-in window (2 hours before the start to 2 hours after the end)",
);
pub const NOT_REGISTERED: DomainError = DomainError::new(
    "NotRegistered",
    "您没有该活动的有效报名，不能签到",
    "You hold no confirmed registration for this event",
);
pub const WRONG_VENUE: DomainError = DomainError::new(
    "WrongVenue",
    "这不是本活动的签到码",
    "This is not this event's venue code",
);

/// How far from the event a check-in may be.
pub const CHECKIN_MARGIN_MS: i64 = 2 * 3_600_000;

/// A check-in at `at` (device time) fits the event's window.
pub fn check_window(e: &EventBody, at: i64) -> Result<()> {
    if e.cancelled {
        return Err(EVENT_CANCELLED);
    }
    if at < e.starts_at - CHECKIN_MARGIN_MS || at > e.ends_at + CHECKIN_MARGIN_MS {
        return Err(CHECKIN_WINDOW);
    }
    Ok(())
}

/// The figures of an event's attendance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceCounts {
    /// Confirmed registrations (or, without registration, tickets that came in).
    pub registered: u32,
    pub waitlisted: u32,
    /// Tickets that came in at least once.
    pub checked_in: u32,
    /// Inside now.
    pub inside: u32,
    /// Came in and went out (last seen leaving).
    pub left: u32,
}

/// One person's attendance: first in, last out, inside now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendeeRow {
    pub ticket_id: Uuid,
    pub name: String,
    /// The registration's status; `None` without registration.
    #[serde(default)]
    pub status: Option<RegistrationStatus>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub first_in: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_out: Option<i64>,
    pub inside: bool,
    /// How they came in last: staff scan, venue code, by hand.
    #[serde(default)]
    pub how: Option<String>,
}

/// One movement of a ticket, from any source, as attendance counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub ticket: Uuid,
    pub direction: Direction,
    pub at: i64,
    /// "staff", "venue_code", "manual".
    pub how: &'static str,
}

/// One ticket's presence, from its movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    pub ticket: Uuid,
    pub first_in: Option<i64>,
    pub last_out: Option<i64>,
    /// The last movement was in.
    pub inside: bool,
    /// How it came in last ("" when it never came in).
    pub how: &'static str,
}

/// Per ticket, in time order: first in, last out, inside now (the last movement was in).
pub fn attendees(movements: &[Movement]) -> Vec<Presence> {
    let mut by: std::collections::BTreeMap<Uuid, Vec<&Movement>> = Default::default();
    for m in movements {
        by.entry(m.ticket).or_default().push(m);
    }
    by.into_iter()
        .map(|(t, mut list)| {
            list.sort_by_key(|m| (m.at, m.direction == Direction::Out));
            let first_in = list
                .iter()
                .find(|m| m.direction == Direction::In)
                .map(|m| m.at);
            let last_out = list
                .iter()
                .rev()
                .find(|m| m.direction == Direction::Out)
                .map(|m| m.at);
            let last = list.last();
            let inside = last.is_some_and(|m| m.direction == Direction::In);
            let how = list
                .iter()
                .rev()
                .find(|m| m.direction == Direction::In)
                .map_or("", |m| m.how);
            Presence {
                ticket: t,
                first_in,
                last_out,
                inside,
                how,
            }
        })
        .collect()
}
