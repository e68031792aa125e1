//! Dues on the device: the member's orders and payments (online through the provider's
//! page, offline with a proof photo — recorded with no network, uploaded in resumable
//! pieces on sync), the secretary's confirmation queue (decided offline too; a conflict
//! when another admin acted first), the ledger and its export, rules and billing.
//!
//! What is ours and unsent shows on top of the server's rows: a queued edit or decision
//! is applied to the displayed payment with the domain's own state machine, so the
//! screen says what will happen once it is sent.

mod flush;
mod queue;
pub mod views;

use std::path::Path;

use huiji_domain::dues::proof::check_proof;
use huiji_domain::dues::{
    self, allowed_payment_actions, apply_payment, check_offline, period, DuesOrderBody, DuesRule,
    GenerateReport, GenerateRequest, LedgerPage, LedgerQuery, LedgerRow, LedgerTotals, MethodTotal,
    OfflinePaymentForm, OfflinePaymentRequest, OnlinePayRequest, OnlinePayResponse, OrderStatus,
    PayActor, PayInput, PayMethod, PaymentAction, PaymentActionItem, PaymentBody, PaymentLog,
    PaymentStatus, PeriodTotal, RuleRequest, Transition,
};
use huiji_domain::org::Action as Perm;
use huiji_domain::wire::Record;
use huiji_domain::workflow::{clean_file_name, Person};
use huiji_domain::DomainError;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use self::queue::{Entry, NewEntry, Op};
use self::views::*;
use super::core::{not_logged_in, AppCore};
use super::memberships::{Scope, Tree};
use super::orgs::base64;
use super::views::SessionView;
use super::workflow::views::{AttachmentData, LocalStatus};
use crate::error::{Error, Result};

pub const PAY_ONLINE_OFFLINE: DomainError = DomainError::new(
    "PayOnlineOffline",
    "在线缴费需要联网；无网络时可选择线下缴费并上传凭证，联网后自动提交",
    "Paying online needs the network; pay offline with a proof instead",
);
pub const NEEDS_NETWORK: DomainError = DomainError::new(
    "DuesNeedsNetwork",
    "该操作需要联网，请连接网络后再试",
    "This needs the network; connect and try again",
);
pub const ORDER_UNKNOWN: DomainError = DomainError::new(
    "OrderUnknown",
    "会费订单不存在或尚未同步到本机",
    "This order is not on this device",
);
pub const PAYMENT_QUEUED: DomainError = DomainError::new(
    "PaymentQueued",
    "您对该缴费的上一次操作尚未同步，请联网同步后再操作",
    "Your last change to this payment has not been sent yet; sync first",
);
pub const PAYMENT_ACTION_INVALID: DomainError = DomainError::new(
    "PaymentActionInvalid",
    "操作内容不正确",
    "The action is not valid",
);
pub const EXPORT_FORMAT: DomainError = DomainError::new(
    "ExportFormat",
    "导出格式应为 xlsx 或 csv",
    "Export as xlsx or csv",
);

pub(crate) fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

pub(crate) fn offline_as(e: Error, d: DomainError) -> Error {
    match e {
        Error::Network(_) => Error::Invalid(d),
        other => other,
    }
}

pub(crate) fn refused(e: &Error) -> bool {
    matches!(e, Error::Server { status, .. }
        if (400..500).contains(status) && !matches!(status, 401 | 408 | 429))
}

// ---------------------------------------------------------------- reading the store

pub(crate) fn bodies<T: serde::de::DeserializeOwned>(
    c: &Connection,
    kind: &str,
) -> Result<Vec<(String, i64, Uuid, T)>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, version, node_id, body FROM records WHERE kind = ?1 AND deleted = 0 ORDER BY id",
    )?;
    let rows = stmt.query_map([kind], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, v, node, body) = row?;
        if let (Ok(node), Ok(b)) = (Uuid::parse_str(&node), serde_json::from_str::<T>(&body)) {
            out.push((id, v, node, b));
        }
    }
    Ok(out)
}

pub(crate) fn one<T: serde::de::DeserializeOwned>(
    c: &Connection,
    kind: &str,
    id: &str,
) -> Result<Option<(i64, Uuid, T)>> {
    let row: Option<(i64, String, String)> = c
        .prepare_cached(
            "SELECT version, node_id, body FROM records WHERE id = ?1 AND kind = ?2 AND deleted = 0",
        )?
        .query_row(params![id, kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        Some((v, node, body)) => Ok(Some((v, bad_id(&node)?, serde_json::from_str(&body)?))),
        None => Ok(None),
    }
}

/// What this device's unsent submissions add to an order's waiting sum.
fn queued_pending(c: &Connection, order_id: &str) -> Result<i64> {
    let mut sum = 0;
    let mut stmt = c.prepare_cached(
        "SELECT provisional FROM payment_outbox WHERE op = 'submit' AND state = 'queued'",
    )?;
    for p in stmt.query_map([], |r| r.get::<_, Option<String>>(0))? {
        if let Some(b) = p?.and_then(|s| serde_json::from_str::<PaymentBody>(&s).ok()) {
            if b.order_id.to_string() == order_id {
                sum += b.amount_fen;
            }
        }
    }
    Ok(sum)
}

fn order_view(c: &Connection, id: String, o: &DuesOrderBody, today: &str) -> Result<DuesOrderView> {
    let pending = o.pending_fen + queued_pending(c, &id)?;
    let outstanding = o.outstanding();
    let unpaid = matches!(o.status, OrderStatus::Pending | OrderStatus::Partial);
    Ok(DuesOrderView {
        name: o.name.clone(),
        unit_name: o.unit_name.clone(),
        period: o.period.clone(),
        period_label: period::label_zh(&o.period),
        item: o.item(),
        amount_fen: o.amount_fen,
        paid_fen: o.paid_fen,
        pending_fen: pending,
        outstanding_fen: outstanding,
        open_fen: if unpaid {
            (outstanding - pending).max(0)
        } else {
            0
        },
        status: o.status,
        status_label: o.status.label_zh().to_owned(),
        overdue: unpaid && o.due_on.as_deref().is_some_and(|d| d < today),
        due_on: o.due_on.clone(),
        prorated: o.prorated,
        cancel_reason: o.cancel_reason.clone(),
        created_at: o.created_at,
        id,
    })
}

/// Who the caller is for a payment at `node`.
fn actor_for(session: &SessionView, tree: &Tree, node: Uuid, payer: Uuid) -> PayActor {
    if payer == session.account.id {
        PayActor::Payer
    } else if Scope::of(&session.account, Perm::ManageDues).covers(tree, node) {
        PayActor::Admin
    } else {
        PayActor::Other
    }
}

fn person_of(session: &SessionView) -> Person {
    super::workflow::person_of(session)
}

/// A payment as shown: the server's row with what this device still has to send
/// applied on top.
struct Shown {
    id: String,
    version: i64,
    node: Uuid,
    body: PaymentBody,
    local: LocalStatus,
    local_reason: Option<String>,
    /// A delete of ours waits to be sent: the payment is on its way out.
    leaving: bool,
}

#[allow(clippy::too_many_arguments)]
fn overlay(
    c: &Connection,
    session: &SessionView,
    tree: &Tree,
    now: i64,
    id: String,
    version: i64,
    node: Uuid,
    body: PaymentBody,
) -> Result<Shown> {
    let me = session.account.id;
    let mut s = Shown {
        id,
        version,
        node,
        body,
        local: LocalStatus::Synced,
        local_reason: None,
        leaving: false,
    };
    let Some(e) = queue::latest(c, &s.id, me)? else {
        return Ok(s);
    };
    match e.state.as_str() {
        "queued" => {
            s.local = LocalStatus::Queued;
            if e.op == Op::Action {
                if let Ok(item) = serde_json::from_str::<PaymentActionItem>(&e.payload) {
                    let actor = actor_for(session, tree, node, s.body.account_id);
                    let who = person_of(session);
                    match apply_payment(
                        &s.body,
                        actor,
                        Some(&who),
                        &PayInput::Act(item.action),
                        now,
                    ) {
                        Ok(Transition::Changed(b)) => s.body = *b,
                        Ok(Transition::Deleted) => s.leaving = true,
                        _ => {}
                    }
                }
            }
        }
        "rejected" => {
            s.local = LocalStatus::Rejected;
            s.local_reason = e.reason.clone();
        }
        _ => {
            s.local = LocalStatus::Conflict;
            let current: Option<PaymentBody> = e
                .current
                .as_deref()
                .and_then(|r| serde_json::from_str::<Record>(r).ok())
                .and_then(|r| serde_json::from_value(r.body).ok());
            s.local_reason = Some(match current {
                Some(b) => format!("{}，您的{}未生效", b.last_act(), e.what),
                None => format!("该缴费记录已被删除，您的{}未生效", e.what),
            });
        }
    }
    Ok(s)
}

fn payment_view(session: &SessionView, tree: &Tree, s: Shown) -> PaymentView {
    let b = &s.body;
    let actor = actor_for(session, tree, s.node, b.account_id);
    let allowed = if s.local == LocalStatus::Queued && s.version > 0 {
        Vec::new()
    } else if s.version == 0 {
        // Only here: it can be corrected or dropped before it is sent.
        vec!["edit".to_owned(), "delete".to_owned()]
    } else {
        allowed_payment_actions(b, actor)
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    PaymentView {
        order_id: b.order_id.to_string(),
        payer: b.payer.clone(),
        unit_name: b.unit_name.clone(),
        period: b.period.clone(),
        period_label: period::label_zh(&b.period),
        amount_fen: b.amount_fen,
        method: b.method,
        method_label: match (b.method, b.channel.as_deref()) {
            (PayMethod::Online, Some("sandbox")) => "在线支付（沙箱）".to_owned(),
            (m, _) => m.label_zh().to_owned(),
        },
        status: b.status,
        status_label: if s.version == 0 {
            "待同步".to_owned()
        } else {
            b.status.label_zh(b.method).to_owned()
        },
        paid_on: b.paid_on.clone(),
        reference: b.reference.clone(),
        note: b.note.clone(),
        proof: b.proof.clone(),
        reason: b.reason.clone(),
        decided_by: b.decided_by.as_ref().map(|p| p.name.clone()),
        decided_at: b.decided_at,
        receipt_no: b.receipt_no.clone(),
        created_at: b.created_at,
        log: b.log.clone(),
        local: s.local,
        local_reason: s.local_reason,
        allowed,
        mine: b.account_id == session.account.id,
        version: s.version,
        id: s.id,
    }
}

/// Every payment the device holds, with ours unsent on top (queued submissions too).
fn shown_payments(
    c: &Connection,
    session: &SessionView,
    tree: &Tree,
    now: i64,
) -> Result<Vec<Shown>> {
    let mut out = Vec::new();
    for (id, v, node, body) in bodies::<PaymentBody>(c, "payment")? {
        let s = overlay(c, session, tree, now, id, v, node, body)?;
        if !s.leaving {
            out.push(s);
        }
    }
    let me = session.account.id;
    for state in ["queued", "rejected"] {
        for e in queue::entries_in(c, me, state)?
            .into_iter()
            .filter(|e| e.op == Op::Submit)
        {
            let Some(b) = e
                .provisional
                .as_deref()
                .and_then(|p| serde_json::from_str::<PaymentBody>(p).ok())
            else {
                continue;
            };
            let node = b.unit_id;
            out.push(Shown {
                id: e.payment_id.clone(),
                version: 0,
                node,
                body: b,
                local: if state == "queued" {
                    LocalStatus::Queued
                } else {
                    LocalStatus::Rejected
                },
                local_reason: e.reason.clone(),
                leaving: false,
            });
        }
    }
    Ok(out)
}

impl AppCore {
    fn me_session(&self) -> Result<SessionView> {
        self.session()?.ok_or_else(not_logged_in)
    }

    fn today(&self) -> String {
        huiji_domain::time::today_cst(self.store().now()).to_string()
    }

    // ------------------------------------------------------------ member

    /// The caller's dues orders, newest first.
    pub fn my_dues_orders(&self) -> Result<Vec<DuesOrderView>> {
        let me = self.me_session()?.account.id;
        let today = self.today();
        self.store().with_conn(|c| {
            let mut out: Vec<DuesOrderView> = Vec::new();
            for (id, _, _, o) in bodies::<DuesOrderBody>(c, "dues_order")? {
                if o.account_id == me {
                    out.push(order_view(c, id, &o, &today)?);
                }
            }
            out.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then_with(|| b.id.cmp(&a.id))
            });
            Ok(out)
        })
    }

    /// The caller's payments (支付记录 / 缴费管理), newest first.
    pub fn my_payments(&self) -> Result<Vec<PaymentView>> {
        let session = self.me_session()?;
        let me = session.account.id;
        let now = self.store().now();
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut out: Vec<PaymentView> = shown_payments(c, &session, &tree, now)?
                .into_iter()
                .filter(|s| s.body.account_id == me)
                .map(|s| payment_view(&session, &tree, s))
                .collect();
            out.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then_with(|| b.id.cmp(&a.id))
            });
            Ok(out)
        })
    }

    pub fn payment_detail(&self, id: &str) -> Result<PaymentView> {
        let session = self.me_session()?;
        let id = bad_id(id)?.to_string();
        let now = self.store().now();
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            shown_payments(c, &session, &tree, now)?
                .into_iter()
                .find(|s| s.id == id)
                .map(|s| payment_view(&session, &tree, s))
                .ok_or(Error::NotFound)
        })
    }

    fn order_record(&self, order_id: &str) -> Result<(Uuid, DuesOrderBody)> {
        let oid = bad_id(order_id)?;
        let found = self
            .store()
            .with_conn(|c| one::<DuesOrderBody>(c, "dues_order", &oid.to_string()))?;
        found
            .map(|(_, _, o)| (oid, o))
            .ok_or(Error::Invalid(ORDER_UNKNOWN))
    }

    /// Starts an online payment (online only): the provider's page to open, and the same
    /// as a QR code for a phone.
    pub async fn payment_start_online(
        &self,
        order_id: &str,
        amount_fen: Option<i64>,
    ) -> Result<OnlinePayView> {
        let (oid, o) = self.order_record(order_id)?;
        o.check_payable()?;
        let token = self.token()?;
        let req = OnlinePayRequest {
            id: Uuid::now_v7(),
            order_id: oid,
            amount_fen,
        };
        let r: OnlinePayResponse = self
            .remote()?
            .post("/api/v1/payments/online", Some(&token), &req)
            .await
            .map_err(|e| offline_as(e, PAY_ONLINE_OFFLINE))?;
        self.store()
            .apply_server_records(std::slice::from_ref(&r.payment))?;
        let payment = self.payment_detail(&r.payment.id.to_string())?;
        Ok(OnlinePayView {
            channel_label: payment.method_label.clone(),
            payment,
            qr_svg: super::checkpoint::qr_svg(&r.pay_url)?,
            pay_url: r.pay_url,
            expires_at: r.expires_at,
        })
    }

    /// Asks the server (which asks the provider if need be) how a payment stands now.
    pub async fn payment_poll(&self, id: &str) -> Result<PaymentView> {
        let pid = bad_id(id)?;
        let token = self.token()?;
        let rec: Record = self
            .remote()?
            .get(
                &format!("/api/v1/payments/{pid}?refresh=true"),
                Some(&token),
            )
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        self.store().apply_server_records(&[rec])?;
        self.payment_detail(&pid.to_string())
    }

    /// Checks a proof photo and keeps it for upload; returns its upload id.
    fn keep_proof(c: &Connection, me: Uuid, image: &(String, Vec<u8>), now: i64) -> Result<Uuid> {
        let mime = check_proof(&image.1)?;
        let id = Uuid::now_v7();
        queue::put_upload(c, id, me, &clean_file_name(&image.0), mime, &image.1, now)?;
        Ok(id)
    }

    /// Records an offline payment (线下缴费) with its proof photo. Works with no network:
    /// it is checked here, kept, and sent at once when the server answers, else at the
    /// next sync (the photo first, in resumable pieces).
    pub async fn payment_submit_offline(
        &self,
        order_id: &str,
        form: OfflinePaymentForm,
        image: Option<(String, Vec<u8>)>,
    ) -> Result<PaymentView> {
        let session = self.me_session()?;
        let me = session.account.id;
        let (oid, o) = self.order_record(order_id)?;
        if o.account_id != me {
            return Err(Error::Invalid(dues::ORDER_NOT_FOUND));
        }
        o.check_payable()?;
        let today = huiji_domain::time::today_cst(self.store().now());
        let open = self
            .store()
            .with_conn(|c| Ok(order_view(c, oid.to_string(), &o, &today.to_string())?.open_fen))?;
        let form = check_offline(&form, today, open, image.is_some())?;
        if let Some(img) = &image {
            check_proof(&img.1)?;
        }
        let now = self.store().now();
        let id = Uuid::now_v7();
        let mut body = PaymentBody::for_order(oid, &o, form.amount_fen, form.method, now);
        body.paid_on = Some(form.paid_on.clone());
        body.reference = form.reference.clone();
        body.note = form.note.clone();
        body.log.push(PaymentLog {
            at: now,
            actor: Some(person_of(&session)),
            action: "submit".into(),
            note: None,
        });
        self.store().write(|tx| {
            let upload = image
                .as_ref()
                .map(|img| Self::keep_proof(tx, me, img, now))
                .transpose()?;
            if let Some(u) = upload {
                body.proof = Some(dues::ProofImage {
                    upload_id: u,
                    width: 0,
                    height: 0,
                    size: image.as_ref().map_or(0, |i| i.1.len() as u64),
                });
            }
            let req = OfflinePaymentRequest {
                id,
                order_id: oid,
                form: form.clone(),
                proof_upload_id: upload,
            };
            queue::insert(
                tx,
                &NewEntry {
                    id,
                    op: Op::Submit,
                    payment_id: id,
                    account_id: me,
                    payload: serde_json::to_string(&req)?,
                    upload_id: upload,
                    provisional: Some(serde_json::to_string(&body)?),
                    what: "缴费提交",
                    made_at: now,
                },
            )
        })?;
        if let Err(e) = self.flush_payments().await {
            tracing::info!(error = %e, "offline payment kept for the next sync");
        }
        self.payment_detail(&id.to_string())
    }

    /// Acts on a payment: the payer edits (optionally with a new photo), deletes or
    /// cancels; a dues admin confirms or rejects. `action` is the domain's
    /// `PaymentAction` JSON, e.g. `{"action":"reject","reason":"未到账"}`. Checked on the
    /// device's copy, queued, and sent at once when the server answers.
    pub async fn payment_act(
        &self,
        id: &str,
        action: serde_json::Value,
        image: Option<(String, Vec<u8>)>,
    ) -> Result<PaymentView> {
        let session = self.me_session()?;
        let me = session.account.id;
        let pid = bad_id(id)?.to_string();
        let mut action: PaymentAction =
            serde_json::from_value(action).map_err(|_| Error::Invalid(PAYMENT_ACTION_INVALID))?;
        let now = self.store().now();
        let today = huiji_domain::time::today_cst(now);
        let gone = self.store().write(|tx| {
            // Still only here: correct or drop the queued submission itself.
            let queued_submit = queue::latest(tx, &pid, me)?
                .filter(|e| e.op == Op::Submit && e.state != "conflict");
            if let Some(e) = queued_submit {
                return Self::change_unsent(tx, &session, &e, action, image.as_ref(), today, now);
            }
            let tree = Tree::load(tx)?;
            let (version, node, body) =
                one::<PaymentBody>(tx, "payment", &pid)?.ok_or(Error::NotFound)?;
            if queue::has_queued(tx, &pid)? {
                return Err(Error::Invalid(PAYMENT_QUEUED));
            }
            let actor = actor_for(&session, &tree, node, body.account_id);
            let mut upload = None;
            if let PaymentAction::Edit {
                form,
                proof_upload_id,
            } = &mut action
            {
                let (oid, o) = self_order(tx, body.order_id)?;
                let open = order_view(tx, oid, &o, &today.to_string())?.open_fen
                    + if body.is_pending() {
                        body.amount_fen
                    } else {
                        0
                    };
                let has_proof = image.is_some() || body.proof.is_some();
                *form = check_offline(form, today, open, has_proof)?;
                if let Some(img) = &image {
                    let u = Self::keep_proof(tx, me, img, now)?;
                    *proof_upload_id = Some(u);
                    upload = Some(u);
                }
            }
            apply_payment(
                &body,
                actor,
                Some(&person_of(&session)),
                &PayInput::Act(action.clone()),
                now,
            )?;
            let item = PaymentActionItem {
                action_id: Uuid::now_v7(),
                payment_id: bad_id(&pid)?,
                base_version: version,
                action,
            };
            queue::insert(
                tx,
                &NewEntry {
                    id: item.action_id,
                    op: Op::Action,
                    payment_id: item.payment_id,
                    account_id: me,
                    payload: serde_json::to_string(&item)?,
                    upload_id: upload,
                    provisional: None,
                    what: dues::action_label(item.action.name()),
                    made_at: now,
                },
            )?;
            Ok(false)
        })?;
        if let Err(e) = self.flush_payments().await {
            tracing::info!(error = %e, "payment action kept for the next sync");
        }
        if gone {
            return Err(Error::NotFound);
        }
        // A delete the server took leaves nothing to show: NotFound.
        self.payment_detail(&pid)
    }

    /// Edits or deletes a submission that never reached the server. Returns whether it
    /// is gone.
    fn change_unsent(
        tx: &Connection,
        session: &SessionView,
        e: &Entry,
        action: PaymentAction,
        image: Option<&(String, Vec<u8>)>,
        today: huiji_domain::validate::SimpleDate,
        now: i64,
    ) -> Result<bool> {
        let me = session.account.id;
        match action {
            PaymentAction::Delete => {
                if let Some(u) = &e.upload_id {
                    queue::drop_upload(tx, u)?;
                }
                queue::remove(tx, &e.id)?;
                Ok(true)
            }
            PaymentAction::Edit { form, .. } => {
                let mut req: OfflinePaymentRequest = serde_json::from_str(&e.payload)?;
                let mut body: PaymentBody = e
                    .provisional
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()?
                    .ok_or(Error::NotFound)?;
                let (oid, o) = self_order(tx, req.order_id)?;
                let open = order_view(tx, oid, &o, &today.to_string())?.open_fen
                    + if e.state == "queued" {
                        body.amount_fen
                    } else {
                        0
                    };
                let mut upload = req.proof_upload_id;
                if let Some(img) = image {
                    if let Some(old) = &e.upload_id {
                        queue::drop_upload(tx, old)?;
                    }
                    upload = Some(Self::keep_proof(tx, me, img, now)?);
                }
                let form = check_offline(&form, today, open, upload.is_some())?;
                req.form = form.clone();
                req.proof_upload_id = upload;
                body.amount_fen = form.amount_fen;
                body.method = form.method;
                body.paid_on = Some(form.paid_on);
                body.reference = form.reference;
                body.note = form.note;
                if upload != body.proof.as_ref().map(|p| p.upload_id) {
                    body.proof = upload.map(|u| dues::ProofImage {
                        upload_id: u,
                        width: 0,
                        height: 0,
                        size: image.map_or(0, |i| i.1.len() as u64),
                    });
                }
                queue::rewrite_submission(
                    tx,
                    &e.id,
                    &serde_json::to_string(&req)?,
                    upload.map(|u| u.to_string()).as_deref(),
                    &serde_json::to_string(&body)?,
                )?;
                // A refused one corrected: try again.
                tx.prepare_cached(
                    "UPDATE payment_outbox SET state = 'queued', code = NULL, reason = NULL WHERE id = ?1",
                )?
                .execute([&e.id])?;
                Ok(false)
            }
            _ => Err(Error::Invalid(PAYMENT_ACTION_INVALID)),
        }
    }

    /// Forgets what the server said about the caller's last change to a payment (a
    /// refusal or a conflict, once read).
    pub fn payment_dismiss(&self, id: &str) -> Result<()> {
        let me = self.me_session()?.account.id;
        let pid = bad_id(id)?.to_string();
        let entry = self.store().with_conn(|c| queue::latest(c, &pid, me))?;
        if let Some(e) = entry.filter(|e| e.state != "queued") {
            queue::dismiss(self.store(), &e.id, me)?;
        }
        Ok(())
    }

    /// A payment's proof photo (or its thumbnail): from this device when it has it,
    /// else from the server (then kept).
    pub async fn payment_proof(&self, id: &str, thumb: bool) -> Result<AttachmentData> {
        let p = self.payment_detail(id)?;
        let proof = p.proof.ok_or(Error::NotFound)?;
        let upload = proof.upload_id.to_string();
        let key = if thumb {
            format!("thumb:{upload}")
        } else {
            upload.clone()
        };
        let local = self.store().with_conn(|c| {
            if let Some(img) = queue::upload_image(c, &upload)? {
                return Ok(Some(img));
            }
            let cached: Option<(String, Vec<u8>)> = c
                .prepare_cached("SELECT mime, bytes FROM attachment_cache WHERE id = ?1 OR id = ?2 ORDER BY id = ?1 DESC LIMIT 1")?
                .query_row(params![key, upload], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(cached)
        })?;
        if let Some((mime, bytes)) = local {
            return Ok(AttachmentData {
                name: "缴费凭证".into(),
                mime,
                base64: base64(&bytes),
            });
        }
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(
                &format!("/api/v1/payments/{}/proof?thumb={thumb}", p.id),
                Some(&token),
            )
            .await
            .map_err(|e| offline_as(e, super::orgs::ATTACHMENT_OFFLINE))?;
        let now = self.store().now();
        self.store().write(|tx| {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO attachment_cache (id, name, mime, bytes, cached_at) VALUES (?1, '缴费凭证', 'image/jpeg', ?2, ?3)",
            )?
            .execute(params![key, f.bytes, now])?;
            Ok(())
        })?;
        Ok(AttachmentData {
            name: "缴费凭证".into(),
            mime: "image/jpeg".into(),
            base64: base64(&f.bytes),
        })
    }

    /// Saves a confirmed payment's receipt (PDF) into `dir`.
    pub async fn payment_receipt(&self, id: &str, dir: &Path) -> Result<SavedFile> {
        let pid = bad_id(id)?;
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(&format!("/api/v1/payments/{pid}/receipt"), Some(&token))
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        save_file(dir, f.name.as_deref().unwrap_or("收据.pdf"), &f.bytes)
    }

    // ------------------------------------------------------------ secretary

    /// Units where the caller manages dues (as far as this device knows the tree).
    pub fn dues_units(&self) -> Result<Vec<DuesUnit>> {
        let session = self.me_session()?;
        let scope = Scope::of(&session.account, Perm::ManageDues);
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut out: Vec<DuesUnit> = tree
                .ids()
                .filter(|id| scope.covers(&tree, *id))
                .map(|id| DuesUnit {
                    id: id.to_string(),
                    name: tree.name(id),
                })
                .collect();
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })
    }

    /// The confirmation queue (待确认) and other payments of the caller's units on this
    /// device, newest first — works offline.
    pub fn payments_review(&self, q: &PaymentQuery) -> Result<PaymentPage> {
        let session = self.me_session()?;
        let scope = Scope::of(&session.account, Perm::ManageDues);
        let want = q.status.unwrap_or(PaymentStatus::Submitted);
        let unit = q.unit_id.as_deref().map(bad_id).transpose()?;
        let text =
            q.q.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let now = self.store().now();
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut all: Vec<Shown> = bodies::<PaymentBody>(c, "payment")?
                .into_iter()
                .filter(|(_, _, node, _)| scope.covers(&tree, *node))
                .map(|(id, v, node, b)| overlay(c, &session, &tree, now, id, v, node, b))
                .collect::<Result<Vec<_>>>()?;
            all.retain(|s| !s.leaving);
            let waiting = all
                .iter()
                .filter(|s| s.body.status == PaymentStatus::Submitted)
                .count() as u32;
            all.retain(|s| {
                (s.body.status == want
                    || s.local != LocalStatus::Synced && want == PaymentStatus::Submitted)
                    && unit.is_none_or(|u| tree.within(s.node, u))
                    && text.as_deref().is_none_or(|t| s.body.payer.contains(t))
            });
            all.sort_by(|a, b| {
                b.body
                    .created_at
                    .cmp(&a.body.created_at)
                    .then_with(|| b.id.cmp(&a.id))
            });
            let total = all.len() as u32;
            let items = all
                .into_iter()
                .skip(((page - 1) * page_size) as usize)
                .take(page_size as usize)
                .map(|s| payment_view(&session, &tree, s))
                .collect();
            Ok(PaymentPage {
                items,
                total,
                page,
                page_size,
                waiting,
            })
        })
    }

    /// The ledger: the server's when it answers; else made from this device's copy.
    pub async fn payments_ledger(&self, q: &LedgerQuery) -> Result<LedgerView> {
        let session = self.me_session()?;
        let token = self.token()?;
        match self
            .remote()?
            .get::<LedgerPage>(
                &format!("/api/v1/payments/ledger?{}", ledger_params(q)),
                Some(&token),
            )
            .await
        {
            Ok(ledger) => Ok(LedgerView {
                ledger,
                offline: false,
            }),
            Err(Error::Network(_)) => Ok(LedgerView {
                ledger: self.local_ledger(&session, q)?,
                offline: true,
            }),
            Err(e) => Err(e),
        }
    }

    fn local_ledger(&self, session: &SessionView, q: &LedgerQuery) -> Result<LedgerPage> {
        let scope = Scope::of(&session.account, Perm::ManageDues);
        let period = q.period.as_deref().map(period::normalise_label);
        let text =
            q.q.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let in_unit = |node: Uuid| {
                scope.covers(&tree, node) && q.unit_id.is_none_or(|u| tree.within(node, u))
            };
            let mut rows: Vec<LedgerRow> = Vec::new();
            let mut totals = LedgerTotals::default();
            let mut by_method: Vec<MethodTotal> = Vec::new();
            for (id, _, node, b) in bodies::<PaymentBody>(c, "payment")? {
                if !in_unit(node)
                    || !q.status_listed(b.status)
                    || period.as_deref().is_some_and(|p| p != b.period)
                    || q.method.is_some_and(|m| m != b.method)
                    || text.as_deref().is_some_and(|t| !b.payer.contains(t))
                {
                    continue;
                }
                totals.add(b.status, b.amount_fen);
                if b.status == PaymentStatus::Confirmed {
                    match by_method.iter_mut().find(|m| m.method == b.method) {
                        Some(m) => {
                            m.count += 1;
                            m.amount_fen += b.amount_fen;
                        }
                        None => by_method.push(MethodTotal {
                            method: b.method,
                            count: 1,
                            amount_fen: b.amount_fen,
                        }),
                    }
                }
                rows.push(LedgerRow::of(bad_id(&id)?, &b));
            }
            rows.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then_with(|| b.id.cmp(&a.id))
            });
            by_method.sort_by_key(|m| m.method.as_str());
            let mut periods: std::collections::BTreeMap<String, PeriodTotal> = Default::default();
            for (_, _, node, o) in bodies::<DuesOrderBody>(c, "dues_order")? {
                if !in_unit(node)
                    || o.status == OrderStatus::Cancelled
                    || period.as_deref().is_some_and(|p| p != o.period)
                {
                    continue;
                }
                let t = periods.entry(o.period.clone()).or_insert(PeriodTotal {
                    period: o.period.clone(),
                    orders: 0,
                    paid_orders: 0,
                    due_fen: 0,
                    paid_fen: 0,
                    outstanding_fen: 0,
                });
                t.orders += 1;
                t.paid_orders += u32::from(o.status == OrderStatus::Paid);
                t.due_fen += o.amount_fen;
                t.paid_fen += o.paid_fen;
                t.outstanding_fen += o.outstanding();
            }
            Ok(LedgerPage {
                rows: rows
                    .into_iter()
                    .skip(((page - 1) * page_size) as usize)
                    .take(page_size as usize)
                    .collect(),
                page,
                page_size,
                totals,
                by_method,
                by_period: periods.into_values().rev().collect(),
            })
        })
    }

    /// Saves the ledger's export (XLSX or CSV, made by the server) into `dir`.
    pub async fn payments_export(
        &self,
        q: &LedgerQuery,
        format: &str,
        dir: &Path,
    ) -> Result<SavedFile> {
        if !matches!(format, "xlsx" | "csv") {
            return Err(Error::Invalid(EXPORT_FORMAT));
        }
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(
                &format!(
                    "/api/v1/payments/export?format={format}&{}",
                    ledger_params(q)
                ),
                Some(&token),
            )
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        save_file(dir, f.name.as_deref().unwrap_or("缴费台账"), &f.bytes)
    }

    /// The dues orders of the caller's units on this device (who still owes), newest
    /// first; `status` filters (default: unpaid).
    pub fn dues_orders_admin(
        &self,
        unit_id: Option<&str>,
        period: Option<&str>,
        status: Option<OrderStatus>,
    ) -> Result<Vec<DuesOrderView>> {
        let session = self.me_session()?;
        let scope = Scope::of(&session.account, Perm::ManageDues);
        let unit = unit_id.map(bad_id).transpose()?;
        let period = period
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(period::normalise_label);
        let today = self.today();
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut out = Vec::new();
            for (id, _, node, o) in bodies::<DuesOrderBody>(c, "dues_order")? {
                let wanted = match status {
                    Some(s) => o.status == s,
                    None => matches!(o.status, OrderStatus::Pending | OrderStatus::Partial),
                };
                if wanted
                    && scope.covers(&tree, node)
                    && unit.is_none_or(|u| tree.within(node, u))
                    && period.as_deref().is_none_or(|p| p == o.period)
                {
                    out.push(order_view(c, id, &o, &today)?);
                }
            }
            out.sort_by(|a, b| b.period.cmp(&a.period).then_with(|| a.name.cmp(&b.name)));
            Ok(out)
        })
    }

    pub fn dues_rules(&self) -> Result<Vec<DuesRuleView>> {
        let session = self.me_session()?;
        let scope = Scope::of(&session.account, Perm::ManageDues);
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut out: Vec<DuesRuleView> = bodies::<DuesRule>(c, "dues_rule")?
                .into_iter()
                .filter(|(_, _, node, _)| scope.covers(&tree, *node))
                .map(|(id, version, _, rule)| DuesRuleView {
                    id,
                    period_label: rule.period.label_zh().to_owned(),
                    rule,
                    version,
                })
                .collect();
            out.sort_by(|a, b| {
                (&a.rule.unit_name, b.rule.active, &a.rule.name).cmp(&(
                    &b.rule.unit_name,
                    a.rule.active,
                    &b.rule.name,
                ))
            });
            Ok(out)
        })
    }

    /// Saves a rule (online: rules are the server's to keep).
    pub async fn dues_rule_save(&self, id: Option<&str>, rule: DuesRule) -> Result<DuesRuleView> {
        dues::validate_rule(&rule)?;
        let id = id.map(bad_id).transpose()?;
        let token = self.token()?;
        let rec: Record = self
            .remote()?
            .post(
                "/api/v1/dues/rules",
                Some(&token),
                &RuleRequest { id, rule },
            )
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        self.store()
            .apply_server_records(std::slice::from_ref(&rec))?;
        let rid = rec.id.to_string();
        self.dues_rules()?
            .into_iter()
            .find(|r| r.id == rid)
            .ok_or(Error::NotFound)
    }

    /// Bills a period at a unit by hand (online); the new orders come down with a sync.
    pub async fn dues_generate(&self, unit_id: &str, period_label: &str) -> Result<GenerateReport> {
        dues::parse_period(period_label)?;
        let token = self.token()?;
        let report: GenerateReport = self
            .remote()?
            .post(
                "/api/v1/dues/orders/generate",
                Some(&token),
                &GenerateRequest {
                    unit_id: bad_id(unit_id)?,
                    period: period_label.trim().to_owned(),
                },
            )
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        Ok(report)
    }

    pub async fn dues_order_cancel(&self, id: &str, reason: &str) -> Result<DuesOrderView> {
        let oid = bad_id(id)?;
        let token = self.token()?;
        let rec: Record = self
            .remote()?
            .post(
                &format!("/api/v1/dues/orders/{oid}/cancel"),
                Some(&token),
                &dues::CancelRequest {
                    reason: reason.to_owned(),
                },
            )
            .await
            .map_err(|e| offline_as(e, NEEDS_NETWORK))?;
        self.store()
            .apply_server_records(std::slice::from_ref(&rec))?;
        let o: DuesOrderBody = serde_json::from_value(rec.body)?;
        let today = self.today();
        self.store()
            .with_conn(|c| order_view(c, oid.to_string(), &o, &today))
    }
}

fn self_order(c: &Connection, id: Uuid) -> Result<(String, DuesOrderBody)> {
    let (_, _, o) = one::<DuesOrderBody>(c, "dues_order", &id.to_string())?
        .ok_or(Error::Invalid(ORDER_UNKNOWN))?;
    Ok((id.to_string(), o))
}

fn ledger_params(q: &LedgerQuery) -> String {
    use super::remote::query_value;
    let mut parts = Vec::new();
    if let Some(u) = q.unit_id {
        parts.push(format!("unit_id={u}"));
    }
    if let Some(p) = q.period.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("period={}", query_value(p.trim())));
    }
    if let Some(s) = q.status {
        parts.push(format!("status={}", s.as_str()));
    }
    if let Some(m) = q.method {
        parts.push(format!("method={}", m.as_str()));
    }
    if let Some(t) = q.q.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("q={}", query_value(t.trim())));
    }
    if let Some(p) = q.page {
        parts.push(format!("page={p}"));
    }
    if let Some(p) = q.page_size {
        parts.push(format!("page_size={p}"));
    }
    parts.join("&")
}

/// Writes `bytes` under `dir` with a name that does not overwrite an earlier file.
pub(crate) fn save_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<SavedFile> {
    let io = |e: std::io::Error| Error::Protocol(format!("cannot save in {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = clean_file_name(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    let mut path = dir.join(&name);
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}({n}){ext}"));
    }
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(SavedFile {
        name: path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or(name),
        path: path.display().to_string(),
        size: bytes.len() as u64,
    })
}

#[cfg(test)]
mod tests;
