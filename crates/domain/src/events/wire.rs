//! The JSON of the events, surveys and lotteries endpoints (requests reject unknown
//! fields).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lottery::Prize;
use super::survey::{AnswerValue, SurveyBody};
use super::{AttendanceCounts, AttendeeRow, EventBody};
use crate::credential::Direction;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An event to save at a node: a new one, or with `id` a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventSave {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub node_id: Uuid,
    pub event: EventBody,
}

/// Register for an event; `id` is made on the device (sent again: the same answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub id: Uuid,
}

/// A secretary's decision on a registration waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegistrationDecision {
    pub approve: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A venue-code check-in made on a member's phone (perhaps offline): the code it
/// scanned and when, by the phone's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CheckinItem {
    pub id: Uuid,
    /// The venue code's `HJ1:` text.
    pub code: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    #[serde(default)]
    pub device_id: Option<Uuid>,
}

/// A secretary checks someone in (or out) by hand, with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ManualCheckin {
    pub id: Uuid,
    /// The person's ticket (the attendance list names it).
    pub ticket_id: Uuid,
    pub direction: Direction,
    pub reason: String,
}

/// The attendance of an event: the figures, one row per person, and the tickets two
/// offline scanners both let in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceReport {
    pub event_id: Uuid,
    pub title: String,
    pub counts: AttendanceCounts,
    pub rows: Vec<AttendeeRow>,
    /// Tickets admitted twice by scanners that were offline together.
    pub double_admissions: u32,
}

/// A survey or vote to save at a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveySave {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub node_id: Uuid,
    pub survey: SurveyBody,
}

/// A person's answers, perhaps made offline; `id` is made on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AnswerItem {
    pub id: Uuid,
    pub survey_id: Uuid,
    pub answers: Vec<AnswerValue>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub answered_at: i64,
}

/// A lottery to make at a node (its seed is made and published by the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LotteryCreate {
    pub node_id: Uuid,
    pub title: String,
    #[serde(default)]
    pub event_id: Option<Uuid>,
    pub prizes: Vec<Prize>,
}

/// An entry made by scanning a lottery's code (perhaps offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LotteryEnterItem {
    pub id: Uuid,
    pub code: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
}

/// Batches of check-ins, answers and entries share one shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Batch<T> {
    pub items: Vec<T>,
}

/// The entrants a lottery was drawn among, in the draw's order: with the seed, anyone
/// can run the draw again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LotteryEntrants {
    pub lottery_id: Uuid,
    /// The commitment published at the start.
    pub seed_commitment: String,
    /// The seed, once drawn (before: `None`, so nobody can foresee the draw).
    pub seed: Option<String>,
    pub digest: String,
    pub entries: Vec<EntrantRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntrantRow {
    pub entry_id: Uuid,
    pub name: String,
}

/// A code to print (venue code, lottery code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CodeResponse {
    pub text: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at: i64,
}
