//! Events, questionnaires/votes and lotteries on the device (seed 004 §七, §八, §十一).
//!
//! Members read what is announced (events, surveys and lotteries are public records)
//! offline; registering and cancelling ask the server (places are decided there). A
//! member's scan of a venue code or a lottery code is verified here against the trust
//! list and queued with the phone's time, like an answer to a survey: a sync sends them
//! and the server dedupes on their ids. Secretaries make events, surveys and lotteries,
//! decide registrations, read attendance and results, and print the codes (online).

mod queue;
pub mod views;

use std::path::Path;

use huiji_domain::credential::{self, Body, CredentialKind, Direction, Expect};
use huiji_domain::events::lottery::{self, LotteryBody, LotteryEntryBody, LotteryStatus, Prize};
use huiji_domain::events::survey::{
    self, check_answers, results_visible_to_answerer, AnswerBody, AnswerValue, SurveyBody,
    SurveyResults,
};
use huiji_domain::events::wire::{
    AnswerItem, AttendanceReport, Batch, CheckinItem, CodeResponse, EventSave, LotteryCreate,
    LotteryEnterItem, LotteryEntrants, ManualCheckin, RegisterRequest, RegistrationDecision,
    SurveySave,
};
use huiji_domain::events::{
    check_cancel, check_window, Audience, CheckinBody, CheckinSource, EventBody, RegistrationBody,
    RegistrationStatus,
};
use huiji_domain::org::{Action as Perm, Role};
use huiji_domain::wire::{ActionBatchResponse, OpStatus, Record, VenueCodeResponse};
use huiji_domain::DomainError;
use rusqlite::Connection;
use uuid::Uuid;

use self::queue::Op;
use self::views::*;
use super::checkpoint::qr_svg;
use super::core::{app_error, not_logged_in, AppCore};
use super::dues::views::SavedFile;
use super::dues::{bad_id, bodies, offline_as, one, refused, save_file};
use super::memberships::{Scope, Tree};
use super::views::SessionView;
use crate::error::{Error, Result};

pub const ACTIVITY_NEEDS_NETWORK: DomainError = DomainError::new(
    "ActivityNeedsNetwork",
    "该操作需要联网（报名名额由服务器统一分配），请连接网络后再试",
    "This needs the network (places are allotted by the server); connect and try again",
);
pub const CODE_UNKNOWN: DomainError = DomainError::new(
    "ScanNotActivity",
    "这不是活动签到码或抽奖码",
    "This is neither an event's venue code nor a lottery code",
);
pub const CODE_NOT_VALID: DomainError = DomainError::new(
    "ActivityCodeInvalid",
    "二维码无效、已过期或未同步到本机，请向工作人员确认",
    "The code is not valid, has expired, or this device has not synced its keys",
);
pub const NOT_ON_DEVICE: DomainError = DomainError::new(
    "ActivityUnknown",
    "该活动/问卷/抽奖尚未同步到本机，请联网同步后再试",
    "This is not on this device yet; sync and try again",
);
pub const ANSWER_LOCKED: DomainError = DomainError::new(
    "AlreadyAnswered",
    "您已提交过答卷，本问卷不允许修改",
    "You have answered, and this survey does not allow changes",
);

fn not_here() -> Error {
    Error::Invalid(NOT_ON_DEVICE)
}

fn online(e: Error) -> Error {
    offline_as(e, ACTIVITY_NEEDS_NETWORK)
}

fn phase(now: i64, starts: i64, ends: i64, cancelled: bool) -> (&'static str, &'static str) {
    if cancelled {
        ("cancelled", "已取消")
    } else if now < starts {
        ("upcoming", "未开始")
    } else if now < ends {
        ("ongoing", "进行中")
    } else {
        ("ended", "已结束")
    }
}

/// What the caller's grants say about a node, as far as this device knows the tree.
struct Me<'a> {
    session: &'a SessionView,
    tree: Tree,
    manage: Scope,
}

impl Me<'_> {
    fn id(&self) -> Uuid {
        self.session.account.id
    }

    /// A grant at the node, below it or above it (see the server's `events::belongs`).
    fn belongs(&self, node: Uuid) -> bool {
        self.session.account.grants.iter().any(|g| match g.node_id {
            None => g.role == Role::SystemAdmin,
            Some(n) => self.tree.within(n, node) || self.tree.within(node, n),
        })
    }

    fn may_take_part(&self, node: Uuid, audience: Audience) -> bool {
        audience == Audience::Open || self.belongs(node)
    }

    fn manages(&self, node: Uuid) -> bool {
        self.manage.covers(&self.tree, node)
    }
}

fn status_label(s: RegistrationStatus) -> &'static str {
    match s {
        RegistrationStatus::Confirmed => "已报名",
        RegistrationStatus::Waitlisted => "候补中",
        RegistrationStatus::Pending => "待审核",
        RegistrationStatus::Cancelled => "已取消",
        RegistrationStatus::Rejected => "未通过",
    }
}

fn registration_row(r: &Record) -> Option<RegistrationRow> {
    let b: RegistrationBody = serde_json::from_value(r.body.clone()).ok()?;
    Some(RegistrationRow {
        id: r.id.to_string(),
        name: huiji_domain::mask::mask_name(&b.name),
        ticket_id: b.ticket_id.to_string(),
        status: b.status,
        status_label: status_label(b.status).to_owned(),
        paid: b.paid,
        queued_at: b.queued_at,
        created_at: b.created_at,
        reason: b.reason,
    })
}

impl AppCore {
    fn me_now(&self) -> Result<SessionView> {
        self.session()?.ok_or_else(not_logged_in)
    }

    fn scope_of<'a>(&self, c: &Connection, session: &'a SessionView) -> Result<Me<'a>> {
        Ok(Me {
            session,
            tree: Tree::load(c)?,
            manage: Scope::of(&session.account, Perm::ManageEvents),
        })
    }

    fn apply_record(&self, r: &Record) -> Result<()> {
        self.store()
            .write(|tx| crate::pull::apply_server_record(tx, r))
    }

    // ------------------------------------------------------------ events

    fn activity_view(
        &self,
        c: &Connection,
        me: &Me<'_>,
        id: &str,
        node: Uuid,
        e: EventBody,
        now: i64,
    ) -> Result<ActivityView> {
        let mine = bodies::<RegistrationBody>(c, "registration")?
            .into_iter()
            .find(|(_, _, _, r)| r.account_id == me.id() && r.event_id.to_string() == id);
        let mut my_checkins: Vec<MyCheckin> = bodies::<CheckinBody>(c, "checkin")?
            .into_iter()
            .filter(|(_, _, _, b)| b.account_id == me.id() && b.event_id.to_string() == id)
            .map(|(cid, _, _, b)| MyCheckin {
                id: cid,
                direction: b.direction.as_str().to_owned(),
                at: b.at,
                how: match b.source {
                    CheckinSource::VenueCode => "venue_code",
                    CheckinSource::Manual => "manual",
                }
                .to_owned(),
                outbox: None,
            })
            .collect();
        for q in queue::entries(c, me.id(), Op::Checkin)? {
            if q.target_id != id {
                continue;
            }
            if let Ok(item) = serde_json::from_str::<QueuedCheckin>(&q.payload) {
                my_checkins.push(MyCheckin {
                    id: q.id,
                    direction: item.direction,
                    at: item.item.at,
                    how: "venue_code".to_owned(),
                    outbox: Some(q.outbox),
                });
            }
        }
        my_checkins.sort_by_key(|c| std::cmp::Reverse(c.at));
        let (phase, phase_label) = phase(now, e.starts_at, e.ends_at, e.cancelled);
        let can_cancel = mine
            .as_ref()
            .is_some_and(|(_, _, _, r)| check_cancel(&e, r, now).is_ok());
        let register_block = if !e.registration {
            Some("本活动无需报名，凭电子票入场".to_owned())
        } else if mine.as_ref().is_some_and(|m| m.3.status.is_live()) {
            Some("您已报名".to_owned())
        } else if !me.may_take_part(node, e.audience) {
            Some(huiji_domain::events::NOT_IN_AUDIENCE.message.to_owned())
        } else {
            huiji_domain::events::check_open(&e, now)
                .err()
                .map(|d| d.message.to_owned())
        };
        Ok(ActivityView {
            id: id.to_owned(),
            node_id: node.to_string(),
            node_name: me.tree.name(node),
            title: e.title,
            description: e.description,
            place: e.place,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            reentry_allowed: e.reentry_allowed,
            registration: e.registration,
            capacity: e.capacity,
            registration_deadline: e.registration_deadline,
            audience: e.audience,
            approval_required: e.approval_required,
            fee_fen: e.fee_fen,
            cancelled: e.cancelled,
            phase: phase.to_owned(),
            phase_label: phase_label.to_owned(),
            mine: mine.map(|(rid, _, _, r)| MyRegistration {
                id: rid,
                status: r.status,
                status_label: status_label(r.status).to_owned(),
                paid: r.paid,
                order_id: r.order_id.filter(|_| !r.paid).map(|o| o.to_string()),
                reason: r.reason.clone(),
                has_ticket: r.has_ticket(),
            }),
            register_block,
            can_cancel,
            my_checkins,
            can_manage: me.manages(node),
        })
    }

    /// Events the caller may take part in or manages, on this device: ongoing and
    /// upcoming first (soonest first), then ended ones (latest first).
    pub fn activities(&self) -> Result<Vec<ActivityView>> {
        let session = self.me_now()?;
        let now = self.store().now();
        let mut out = self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let mut out = Vec::new();
            for (id, _, node, e) in bodies::<EventBody>(c, "event")? {
                if me.may_take_part(node, e.audience) || me.manages(node) {
                    out.push(self.activity_view(c, &me, &id, node, e, now)?);
                }
            }
            Ok(out)
        })?;
        out.sort_by(|a, b| {
            let ended = |v: &ActivityView| v.ends_at <= now || v.cancelled;
            ended(a)
                .cmp(&ended(b))
                .then_with(|| {
                    if ended(a) {
                        b.starts_at.cmp(&a.starts_at)
                    } else {
                        a.starts_at.cmp(&b.starts_at)
                    }
                })
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    pub fn activity_detail(&self, id: &str) -> Result<ActivityView> {
        let session = self.me_now()?;
        let id = bad_id(id)?.to_string();
        let now = self.store().now();
        self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let (_, node, e) = one::<EventBody>(c, "event", &id)?.ok_or_else(not_here)?;
            self.activity_view(c, &me, &id, node, e, now)
        })
    }

    /// The caller's registrations (我的报名), newest event first.
    pub fn my_activities(&self) -> Result<Vec<ActivityView>> {
        Ok(self
            .activities()?
            .into_iter()
            .filter(|a| a.mine.is_some() || !a.my_checkins.is_empty())
            .collect())
    }

    /// Registers (online: the server allots places, the waitlist and approval).
    pub async fn event_register(&self, id: &str) -> Result<ActivityView> {
        let eid = bad_id(id)?;
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post(
                &format!("/api/v1/events/{eid}/registrations"),
                Some(&token),
                &RegisterRequest { id: Uuid::now_v7() },
            )
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.activity_detail(id)
    }

    /// Cancels the caller's registration for an event (until it starts).
    pub async fn event_cancel(&self, id: &str) -> Result<ActivityView> {
        let view = self.activity_detail(id)?;
        let Some(mine) = view.mine else {
            return Err(Error::NotFound);
        };
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post(
                &format!("/api/v1/registrations/{}/cancel", mine.id),
                Some(&token),
                &serde_json::json!({}),
            )
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.activity_detail(id)
    }

    // ------------------------------------------------------------ scanning codes

    /// The member scanned a code: an event's venue code (check in or out) or a
    /// lottery's code (enter). Verified here; kept with this phone's time and sent now
    /// or on the next sync.
    pub async fn member_scan(&self, text: &str) -> Result<MemberScanView> {
        let session = self.me_now()?;
        let me = session.account.id;
        let (trust, revoked, _) = self.trust_cache()?;
        let now = self.store().now();
        let v = credential::verify(
            text.trim(),
            now / 1000,
            &trust,
            &revoked,
            Expect {
                kinds: &[CredentialKind::VenueCode, CredentialKind::LotteryCode],
                event: None,
            },
        );
        let claims = match v.claims {
            Some(c) if v.reason.is_valid() => c,
            _ if v.reason == credential::Reason::WrongKind => {
                return Err(Error::Invalid(CODE_UNKNOWN))
            }
            _ => return Err(Error::Invalid(CODE_NOT_VALID)),
        };
        let id = Uuid::now_v7();
        let (kind, target, title, direction, payload, op) = match claims.body {
            Body::VenueCode {
                event: Some(event),
                direction,
                ..
            } => {
                let found = self
                    .store()
                    .with_conn(|c| one::<EventBody>(c, "event", &event.to_string()))?;
                let title = found
                    .as_ref()
                    .map_or_else(|| claims.display_name.clone(), |f| f.2.title.clone());
                if let Some((_, _, e)) = &found {
                    // Outside the event's time: say so now rather than after a sync.
                    check_window(e, now).map_err(Error::Invalid)?;
                }
                let item = QueuedCheckin {
                    item: CheckinItem {
                        id,
                        code: text.trim().to_owned(),
                        at: now,
                        device_id: Some(self.store().device_id()?),
                    },
                    direction: direction.as_str().to_owned(),
                };
                (
                    "checkin",
                    event,
                    title,
                    Some(direction),
                    serde_json::to_string(&item)?,
                    Op::Checkin,
                )
            }
            Body::LotteryCode { lottery } => {
                let item = LotteryEnterItem {
                    id,
                    code: text.trim().to_owned(),
                    at: now,
                };
                (
                    "lottery",
                    lottery,
                    claims.display_name.clone(),
                    None,
                    serde_json::to_string(&item)?,
                    Op::Entry,
                )
            }
            _ => return Err(Error::Invalid(CODE_UNKNOWN)),
        };
        self.store().write(|tx| {
            if op == Op::Entry {
                queue::clear_rejected(tx, me, &target.to_string())?;
            }
            queue::insert(tx, id, op, me, target, &payload, now)
        })?;
        let sent = self.flush_activities().await;
        let left = self.store().with_conn(|c| {
            Ok(queue::entries(c, me, op)?
                .into_iter()
                .find(|e| e.id == id.to_string()))
        })?;
        let (state, message) = match (&left, sent) {
            (None, _) => (
                "done",
                match (kind, direction) {
                    ("checkin", Some(Direction::Out)) => "签退成功",
                    ("checkin", _) => "签到成功",
                    _ => "已参加抽奖，祝您好运",
                }
                .to_owned(),
            ),
            (Some(e), _) if e.outbox.state == "rejected" => (
                "rejected",
                e.outbox
                    .reason
                    .clone()
                    .unwrap_or_else(|| "服务器拒绝".into()),
            ),
            _ => ("queued", "已记录（本机时间），联网后自动提交".to_owned()),
        };
        Ok(MemberScanView {
            kind: kind.to_owned(),
            target_id: target.to_string(),
            title,
            direction: direction.map(|d| d.as_str().to_owned()),
            at: now,
            state: state.to_owned(),
            message,
        })
    }

    // ------------------------------------------------------------ surveys

    fn survey_view(
        &self,
        c: &Connection,
        me: &Me<'_>,
        id: &str,
        node: Uuid,
        s: SurveyBody,
        now: i64,
    ) -> Result<SurveyView> {
        let server_answer = bodies::<AnswerBody>(c, "answer")?
            .into_iter()
            .find(|(_, _, _, a)| a.survey_id.to_string() == id)
            .map(|(_, _, _, a)| a.answers);
        let queued = queue::latest_for(c, me.id(), Op::Answer, id)?;
        let queued_answers = queued
            .as_ref()
            .filter(|q| q.outbox.state == "queued")
            .and_then(|q| serde_json::from_str::<AnswerItem>(&q.payload).ok())
            .map(|i| i.answers);
        let answered = server_answer.is_some() || queued_answers.is_some();
        let (phase, phase_label) = if now < s.opens_at {
            ("upcoming", "未开始")
        } else if now < s.closes_at {
            ("open", "进行中")
        } else {
            ("closed", "已结束")
        };
        let manages = me.manages(node);
        let can_answer = phase == "open"
            && me.may_take_part(node, s.audience)
            && (server_answer.is_none() || s.changeable);
        let can_see_results = manages || results_visible_to_answerer(&s, answered, now);
        Ok(SurveyView {
            id: id.to_owned(),
            node_id: node.to_string(),
            node_name: me.tree.name(node),
            title: s.title,
            description: s.description,
            kind: s.kind,
            questions: s.questions,
            opens_at: s.opens_at,
            closes_at: s.closes_at,
            anonymous: s.anonymous,
            audience: s.audience,
            changeable: s.changeable,
            results: s.results,
            phase: phase.to_owned(),
            phase_label: phase_label.to_owned(),
            my_answers: queued_answers.or(server_answer),
            outbox: queued.map(|q| q.outbox),
            can_answer,
            can_see_results,
            can_manage: manages,
        })
    }

    /// Questionnaires and votes for the caller: open ones first (closing soonest), then
    /// upcoming, then closed.
    pub fn surveys(&self) -> Result<Vec<SurveyView>> {
        let session = self.me_now()?;
        let now = self.store().now();
        let mut out = self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let mut out = Vec::new();
            for (id, _, node, s) in bodies::<SurveyBody>(c, "survey")? {
                if me.may_take_part(node, s.audience) || me.manages(node) {
                    out.push(self.survey_view(c, &me, &id, node, s, now)?);
                }
            }
            Ok(out)
        })?;
        let rank = |v: &SurveyView| match v.phase.as_str() {
            "open" => 0,
            "upcoming" => 1,
            _ => 2,
        };
        out.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.closes_at.cmp(&b.closes_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    pub fn survey_detail(&self, id: &str) -> Result<SurveyView> {
        let session = self.me_now()?;
        let id = bad_id(id)?.to_string();
        let now = self.store().now();
        self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let (_, node, s) = one::<SurveyBody>(c, "survey", &id)?.ok_or_else(not_here)?;
            self.survey_view(c, &me, &id, node, s, now)
        })
    }

    /// Answers (checked here with the domain's rules; kept with this device's time and
    /// sent now or on the next sync). An unsent answer is replaced, not queued twice.
    pub async fn survey_answer(&self, id: &str, answers: Vec<AnswerValue>) -> Result<SurveyView> {
        let session = self.me_now()?;
        let me = session.account.id;
        let view = self.survey_detail(id)?;
        let sid = bad_id(id)?;
        let now = self.store().now();
        let body = self
            .store()
            .with_conn(|c| one::<SurveyBody>(c, "survey", &sid.to_string()))?
            .ok_or_else(not_here)?
            .2;
        survey::check_window(&body, now).map_err(Error::Invalid)?;
        if !view.can_answer {
            if view.phase == "open" && view.my_answers.is_some() && view.outbox.is_none() {
                return Err(Error::Invalid(ANSWER_LOCKED));
            }
            return Err(Error::Invalid(huiji_domain::events::NOT_IN_AUDIENCE));
        }
        let answers = check_answers(&body, &answers).map_err(Error::Invalid)?;
        self.store().write(|tx| {
            queue::clear_rejected(tx, me, &sid.to_string())?;
            tx.execute(
                "DELETE FROM activity_outbox WHERE account_id = ?1 AND target_id = ?2 \
                 AND op = 'answer' AND state = 'queued'",
                rusqlite::params![me.to_string(), sid.to_string()],
            )?;
            let id = Uuid::now_v7();
            let item = AnswerItem {
                id,
                survey_id: sid,
                answers,
                answered_at: now,
            };
            queue::insert(
                tx,
                id,
                Op::Answer,
                me,
                sid,
                &serde_json::to_string(&item)?,
                now,
            )
        })?;
        if let Err(e) = self.flush_activities().await {
            tracing::info!(error = %e, "answer kept for the next sync");
        }
        self.survey_detail(id)
    }

    /// The tally (online; the last one fetched is shown offline).
    pub async fn survey_results(&self, id: &str) -> Result<SurveyResults> {
        let sid = bad_id(id)?;
        let key = format!("survey_results.{sid}");
        let token = self.token()?;
        let fetched: Result<SurveyResults> = async {
            self.remote()?
                .get(&format!("/api/v1/surveys/{sid}/results"), Some(&token))
                .await
        }
        .await;
        match fetched {
            Ok(r) => {
                self.store()
                    .set_setting(&key, Some(&serde_json::to_string(&r)?))?;
                Ok(r)
            }
            Err(Error::Network(e)) => self
                .store()
                .setting(&key)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .ok_or(Error::Network(e)),
            Err(e) => Err(e),
        }
    }

    // ------------------------------------------------------------ lotteries

    fn lottery_view(
        &self,
        c: &Connection,
        me: &Me<'_>,
        id: &str,
        node: Uuid,
        l: LotteryBody,
    ) -> Result<LotteryView> {
        let entry = bodies::<LotteryEntryBody>(c, "lottery_entry")?
            .into_iter()
            .find(|(_, _, _, e)| e.lottery_id.to_string() == id && e.account_id == me.id())
            .map(|(_, _, _, e)| e.entry_id);
        let outbox = queue::latest_for(c, me.id(), Op::Entry, id)?.map(|q| q.outbox);
        let my_prize = entry.and_then(|e| {
            l.results
                .iter()
                .find(|p| p.winners.iter().any(|w| w.entry_id == e))
                .map(|p| p.prize.clone())
        });
        Ok(LotteryView {
            id: id.to_owned(),
            node_id: node.to_string(),
            node_name: me.tree.name(node),
            title: l.title,
            event_id: l.event_id.map(|e| e.to_string()),
            prizes: l.prizes,
            status: l.status,
            entrants: l.entrants,
            seed_commitment: l.seed_commitment,
            seed: l.seed,
            entrants_digest: l.entrants_digest,
            results: l.results,
            drawn_at: l.drawn_at,
            my_entry: entry.map(|e| e.to_string()),
            outbox: outbox.filter(|_| entry.is_none()),
            my_prize,
            can_manage: me.manages(node),
        })
    }

    /// Lotteries of the caller's organisations (and those they run), open ones first.
    pub fn lotteries(&self) -> Result<Vec<LotteryView>> {
        let session = self.me_now()?;
        let mut out = self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let mut out = Vec::new();
            for (id, _, node, l) in bodies::<LotteryBody>(c, "lottery")? {
                if me.belongs(node) || me.manages(node) {
                    out.push(self.lottery_view(c, &me, &id, node, l)?);
                }
            }
            Ok(out)
        })?;
        out.sort_by(|a, b| {
            (a.status == LotteryStatus::Drawn)
                .cmp(&(b.status == LotteryStatus::Drawn))
                .then_with(|| b.id.cmp(&a.id))
        });
        Ok(out)
    }

    pub fn lottery_detail(&self, id: &str) -> Result<LotteryView> {
        let session = self.me_now()?;
        let id = bad_id(id)?.to_string();
        self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let (_, node, l) = one::<LotteryBody>(c, "lottery", &id)?.ok_or_else(not_here)?;
            self.lottery_view(c, &me, &id, node, l)
        })
    }

    /// What the caller won (我的奖品), newest first.
    pub fn my_prizes(&self) -> Result<Vec<MyPrize>> {
        let mut out: Vec<MyPrize> = self
            .lotteries()?
            .into_iter()
            .filter_map(|l| {
                Some(MyPrize {
                    prize: l.my_prize?,
                    lottery_id: l.id,
                    lottery_title: l.title,
                    drawn_at: l.drawn_at.unwrap_or_default(),
                })
            })
            .collect();
        out.sort_by_key(|p| std::cmp::Reverse(p.drawn_at));
        Ok(out)
    }

    /// Re-runs a drawn lottery here from what the server published (online).
    pub async fn lottery_check(&self, id: &str) -> Result<DrawCheck> {
        let lid = bad_id(id)?;
        let l = self
            .store()
            .with_conn(|c| one::<LotteryBody>(c, "lottery", &lid.to_string()))?
            .ok_or_else(not_here)?
            .2;
        let token = self.token()?;
        let pubd: LotteryEntrants = self
            .remote()?
            .get(&format!("/api/v1/lotteries/{lid}/entrants"), Some(&token))
            .await
            .map_err(online)?;
        let seed = pubd.seed.clone().unwrap_or_default();
        let ids: Vec<Uuid> = pubd.entries.iter().map(|e| e.entry_id).collect();
        let seed_matches =
            !seed.is_empty() && lottery::commitment(&seed).ok() == Some(l.seed_commitment.clone());
        let digest = lottery::entrants_digest(&ids);
        let entrants_match = l.entrants_digest.as_deref() == Some(digest.as_str());
        let winners_match = seed_matches
            && lottery::draw(&seed, &ids, &l.prizes).is_ok_and(|picks| {
                picks.len() == l.results.len()
                    && picks.iter().zip(&l.results).all(|(p, r)| {
                        p.len() == r.winners.len()
                            && p.iter().zip(&r.winners).all(|(&i, w)| ids[i] == w.entry_id)
                    })
            });
        Ok(DrawCheck {
            lottery_id: lid.to_string(),
            seed_matches,
            entrants_match,
            winners_match,
            entrants: ids.len() as u32,
            seed,
            seed_commitment: l.seed_commitment,
            digest,
        })
    }

    // ------------------------------------------------------------ secretary

    /// Units where the caller runs events (as far as this device knows the tree).
    pub fn activity_units(&self) -> Result<Vec<ActivityUnit>> {
        let session = self.me_now()?;
        self.store().with_conn(|c| {
            let me = self.scope_of(c, &session)?;
            let mut out: Vec<ActivityUnit> = me
                .tree
                .ids()
                .filter(|id| me.manages(*id))
                .map(|id| ActivityUnit {
                    id: id.to_string(),
                    name: me.tree.name(id),
                })
                .collect();
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })
    }

    /// Saves an event (new, or with `id` a new version).
    pub async fn event_save(
        &self,
        id: Option<&str>,
        node_id: &str,
        event: EventBody,
    ) -> Result<ActivityView> {
        let req = EventSave {
            id: id.map(bad_id).transpose()?,
            node_id: bad_id(node_id)?,
            event: huiji_domain::events::validate_event(&event).map_err(Error::Invalid)?,
        };
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post("/api/v1/events", Some(&token), &req)
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.activity_detail(&r.id.to_string())
    }

    /// An event's registrations, in queue order (online).
    pub async fn event_registrations(&self, id: &str) -> Result<Vec<RegistrationRow>> {
        let eid = bad_id(id)?;
        let token = self.token()?;
        let list: Vec<Record> = self
            .remote()?
            .get(&format!("/api/v1/events/{eid}/registrations"), Some(&token))
            .await
            .map_err(online)?;
        Ok(list.iter().filter_map(registration_row).collect())
    }

    /// Approves or refuses (with a reason) a registration waiting for approval.
    pub async fn registration_decide(
        &self,
        id: &str,
        approve: bool,
        reason: Option<String>,
    ) -> Result<RegistrationRow> {
        let rid = bad_id(id)?;
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post(
                &format!("/api/v1/registrations/{rid}/decision"),
                Some(&token),
                &RegistrationDecision { approve, reason },
            )
            .await
            .map_err(online)?;
        registration_row(&r).ok_or_else(|| Error::Protocol("bad registration".into()))
    }

    /// Attendance (签到统计): registered, checked in, inside, left (online).
    pub async fn event_report(&self, id: &str) -> Result<AttendanceReport> {
        let eid = bad_id(id)?;
        let token = self.token()?;
        self.remote()?
            .get(&format!("/api/v1/events/{eid}/report"), Some(&token))
            .await
            .map_err(online)
    }

    /// Checks someone in or out by hand, with a reason; answers the new attendance.
    pub async fn event_manual_checkin(
        &self,
        id: &str,
        ticket_id: &str,
        direction: &str,
        reason: &str,
    ) -> Result<AttendanceReport> {
        let eid = bad_id(id)?;
        let direction = match direction {
            "out" => Direction::Out,
            _ => Direction::In,
        };
        let req = ManualCheckin {
            id: Uuid::now_v7(),
            ticket_id: bad_id(ticket_id)?,
            direction,
            reason: reason.to_owned(),
        };
        let token = self.token()?;
        let _: Record = self
            .remote()?
            .post(
                &format!("/api/v1/events/{eid}/manual-checkin"),
                Some(&token),
                &req,
            )
            .await
            .map_err(online)?;
        self.event_report(id).await
    }

    async fn save_download(&self, path: &str, fallback: &str, dir: &Path) -> Result<SavedFile> {
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(path, Some(&token))
            .await
            .map_err(online)?;
        save_file(dir, f.name.as_deref().unwrap_or(fallback), &f.bytes)
    }

    /// Saves the attendance as XLSX into `dir`.
    pub async fn event_report_export(&self, id: &str, dir: &Path) -> Result<SavedFile> {
        let eid = bad_id(id)?;
        self.save_download(
            &format!("/api/v1/events/{eid}/report/export"),
            "签到统计.xlsx",
            dir,
        )
        .await
    }

    /// The venue code to show on screen (签到码/签退码).
    pub async fn event_venue_code(&self, id: &str, direction: &str) -> Result<CodeView> {
        let eid = bad_id(id)?;
        let token = self.token()?;
        let v: VenueCodeResponse = self
            .remote()?
            .get(
                &format!(
                    "/api/v1/events/{eid}/venue-code?direction={}",
                    dir_word(direction)
                ),
                Some(&token),
            )
            .await
            .map_err(online)?;
        Ok(CodeView {
            svg: qr_svg(&v.text)?,
            title: v.title,
            text: v.text,
            expires_at: v.expires_at,
        })
    }

    /// The venue code as a poster to print (PDF) into `dir`.
    pub async fn event_venue_poster(
        &self,
        id: &str,
        direction: &str,
        dir: &Path,
    ) -> Result<SavedFile> {
        let eid = bad_id(id)?;
        self.save_download(
            &format!(
                "/api/v1/events/{eid}/venue-poster?direction={}",
                dir_word(direction)
            ),
            "签到码.pdf",
            dir,
        )
        .await
    }

    /// Saves a questionnaire or vote.
    pub async fn survey_save(
        &self,
        id: Option<&str>,
        node_id: &str,
        survey: SurveyBody,
    ) -> Result<SurveyView> {
        let req = SurveySave {
            id: id.map(bad_id).transpose()?,
            node_id: bad_id(node_id)?,
            survey: survey::validate_survey(&survey).map_err(Error::Invalid)?,
        };
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post("/api/v1/surveys", Some(&token), &req)
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.survey_detail(&r.id.to_string())
    }

    /// The survey's answers as XLSX into `dir`.
    pub async fn survey_export(&self, id: &str, dir: &Path) -> Result<SavedFile> {
        let sid = bad_id(id)?;
        self.save_download(
            &format!("/api/v1/surveys/{sid}/export"),
            "问卷结果.xlsx",
            dir,
        )
        .await
    }

    /// Makes a lottery (its seed's commitment is published now).
    pub async fn lottery_create(
        &self,
        node_id: &str,
        title: &str,
        event_id: Option<&str>,
        prizes: Vec<Prize>,
    ) -> Result<LotteryView> {
        let (title, prizes) = lottery::validate_prizes(title, &prizes).map_err(Error::Invalid)?;
        let req = LotteryCreate {
            node_id: bad_id(node_id)?,
            title,
            event_id: event_id.map(bad_id).transpose()?,
            prizes,
        };
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post("/api/v1/lotteries", Some(&token), &req)
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.lottery_detail(&r.id.to_string())
    }

    pub async fn lottery_code(&self, id: &str) -> Result<CodeView> {
        let lid = bad_id(id)?;
        let token = self.token()?;
        let v: CodeResponse = self
            .remote()?
            .get(&format!("/api/v1/lotteries/{lid}/code"), Some(&token))
            .await
            .map_err(online)?;
        Ok(CodeView {
            svg: qr_svg(&v.text)?,
            title: v.title,
            text: v.text,
            expires_at: v.expires_at,
        })
    }

    pub async fn lottery_poster(&self, id: &str, dir: &Path) -> Result<SavedFile> {
        let lid = bad_id(id)?;
        self.save_download(
            &format!("/api/v1/lotteries/{lid}/poster"),
            "抽奖码.pdf",
            dir,
        )
        .await
    }

    /// Draws every prize (once).
    pub async fn lottery_draw(&self, id: &str) -> Result<LotteryView> {
        let lid = bad_id(id)?;
        let token = self.token()?;
        let r: Record = self
            .remote()?
            .post(
                &format!("/api/v1/lotteries/{lid}/draw"),
                Some(&token),
                &serde_json::json!({}),
            )
            .await
            .map_err(online)?;
        self.apply_record(&r)?;
        self.lottery_detail(id)
    }

    // ------------------------------------------------------------ sending

    /// Sends the caller's queued check-ins, answers and entries, oldest first per kind;
    /// called by sync before the pull and after each scan or answer. Stops at the
    /// first network failure, leaving the rest queued.
    pub(crate) async fn flush_activities(&self) -> Result<u32> {
        let Some(session) = self.session()? else {
            return Ok(0);
        };
        let me = session.account.id;
        let _one_at_a_time = self.payment_gate().lock().await;
        let mut settled = 0;
        for (op, path) in [
            (Op::Checkin, "/api/v1/events/checkins"),
            (Op::Answer, "/api/v1/surveys/answers"),
            (Op::Entry, "/api/v1/lotteries/entries"),
        ] {
            let queued = queue::queued(self.store(), me, op)?;
            if queued.is_empty() {
                continue;
            }
            let token = self.token()?;
            let remote = self.remote()?;
            for chunk in queued.chunks(200) {
                let ids: Vec<String> = chunk.iter().map(|e| e.id.clone()).collect();
                queue::note_attempt(self.store(), &ids)?;
                let items: Vec<serde_json::Value> = chunk
                    .iter()
                    .map(|e| {
                        let v: serde_json::Value = serde_json::from_str(&e.payload)?;
                        // A check-in is kept with its direction for the screen; the
                        // server takes the item.
                        Ok(if op == Op::Checkin {
                            v["item"].clone()
                        } else {
                            v
                        })
                    })
                    .collect::<Result<_>>()?;
                let resp: ActionBatchResponse =
                    match remote.post(path, Some(&token), &Batch { items }).await {
                        Ok(r) => r,
                        Err(err) if refused(&err) => {
                            let a = app_error(&err);
                            for id in &ids {
                                queue::rejected(self.store(), id, &a.code, &a.message)?;
                            }
                            settled += ids.len() as u32;
                            continue;
                        }
                        Err(err) => return Err(err),
                    };
                for r in &resp.results {
                    let id = r.action_id.to_string();
                    match r.status {
                        OpStatus::Applied | OpStatus::Duplicate => {
                            queue::done(self.store(), &id, r.current.as_ref())?
                        }
                        OpStatus::Rejected | OpStatus::Conflict => queue::rejected(
                            self.store(),
                            &id,
                            r.code.as_deref().unwrap_or("Rejected"),
                            r.reason.as_deref().unwrap_or("服务器拒绝了该操作"),
                        )?,
                    }
                    settled += 1;
                }
            }
        }
        Ok(settled)
    }
}

fn dir_word(d: &str) -> &'static str {
    if d == "out" {
        "out"
    } else {
        "in"
    }
}

/// A queued venue-code check-in: what the server gets, and its direction for display.
#[derive(serde::Serialize, serde::Deserialize)]
struct QueuedCheckin {
    item: CheckinItem,
    direction: String,
}
