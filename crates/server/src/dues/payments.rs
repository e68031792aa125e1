//! Payments: online (a trade at the provider, settled by its verified notification),
//! offline (the payer's submission with a proof image, confirmed or rejected by a dues
//! admin; edited or deleted by the payer until then), each change one transaction.
//! Submissions and actions carry ids made on the device, so a flaky network's retries
//! are recorded once.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huiji_domain::dues::{
    apply_payment, check_offline, OfflinePaymentForm, OfflinePaymentRequest, OnlinePayRequest,
    OnlinePayResponse, PayActor, PayInput, PayMethod, PaymentAction, PaymentActionBatch,
    PaymentBody, PaymentLog, PaymentStatus, ProofImage, Transition, AMOUNT_EXCEEDS_BALANCE,
    AMOUNT_INVALID, ORDER_NOT_FOUND,
};
use huiji_domain::time::parse_date;
use huiji_domain::wire::{ActionBatchResponse, ActionResult, OpStatus, Record};
use huiji_domain::workflow::Person;
use huiji_domain::DomainError;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use super::{
    index_payment, internal, order, payment, payment_notice, resettle, save_payment, sums, uploads,
    OrderRec, PaymentRec, Typed,
};
use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::pay::{self, PayIntent, TRADE_TTL_MS};
use crate::records::{lock_seq, write_server_rows, ServerRow, StoredRecord};
use crate::state::AppState;
use crate::workflow::{
    action_result as result, get_record, refused_result as refused, today, tombstone, who, Who,
};

pub const PAYMENT_NOT_FOUND: DomainError = DomainError::new(
    "PaymentNotFound",
    "缴费记录不存在",
    "The payment does not exist",
);
pub const NOT_YOUR_ORDER: DomainError = DomainError::new(
    "NotYourOrder",
    "只能为自己的会费订单缴费",
    "You can pay only your own dues orders",
);
pub const PAYMENT_ID_TAKEN: DomainError = DomainError::new(
    "PaymentIdTaken",
    "该缴费编号已被使用，请重新填写后提交",
    "This payment id is taken by a different payment",
);
pub const MAX_PAYMENT_ACTIONS: usize = 200;

fn not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        PAYMENT_NOT_FOUND.code,
        PAYMENT_NOT_FOUND.message,
    )
}

async fn me(st: &AppState, user: &AuthUser) -> Result<Who> {
    let mut conn = st.db.pool.acquire().await?;
    who(&mut conn, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)
}

fn new_payment(o: &OrderRec, amount_fen: i64, method: PayMethod, now: i64) -> PaymentBody {
    PaymentBody::for_order(o.rec.record.id, &o.body, amount_fen, method, now)
}

/// A payment that is not stored yet, as a record in the order's place.
fn fresh(id: Uuid, o: &OrderRec, body: PaymentBody, now: i64) -> PaymentRec {
    Typed {
        rec: StoredRecord {
            record: Record {
                id,
                kind: huiji_domain::sync::RecordKind::Payment,
                node_id: o.rec.record.node_id,
                owner_id: Some(o.body.account_id),
                version: 0,
                seq: 0,
                deleted: false,
                body: serde_json::Value::Null,
                updated_at: now,
                updated_by: None,
            },
            node_path: o.rec.node_path.clone(),
            created_at: now,
            audience: Vec::new(),
        },
        body,
    }
}

async fn write(
    st: &AppState,
    tx: &mut Transaction<'_, Any>,
    rows: Vec<ServerRow>,
    actor: Option<Uuid>,
    now: i64,
) -> Result<()> {
    write_server_rows(tx, st.db.backend, rows, actor, now).await
}

async fn stored(tx: &mut Transaction<'_, Any>, id: Uuid) -> Result<Record> {
    Ok(get_record(tx, id)
        .await?
        .ok_or_else(|| internal("payment vanished"))?
        .record)
}

// ---------------------------------------------------------------- online

/// Starts (or, sent again, answers) an online payment of the caller's order.
pub async fn start_online(
    st: &AppState,
    user: &AuthUser,
    req: OnlinePayRequest,
) -> Result<OnlinePayResponse> {
    let provider = st
        .pay
        .clone()
        .ok_or(ApiError::from(pay::ONLINE_UNAVAILABLE))?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let o = order(&mut tx, req.order_id)
        .await?
        .ok_or(ApiError::from(ORDER_NOT_FOUND))?;
    if o.body.account_id != user.id() {
        return Err(NOT_YOUR_ORDER.into());
    }
    let existing = payment(&mut tx, req.id).await?;
    let (rec, body) = match existing {
        Some(p)
            if p.body.account_id == user.id()
                && p.body.order_id == req.order_id
                && p.body.method == PayMethod::Online =>
        {
            tx.rollback().await?;
            (p.rec.record, p.body)
        }
        Some(_) => return Err(PAYMENT_ID_TAKEN.into()),
        None if open_trade(&mut tx, &o, user.id(), now).await?.is_some() => {
            // A trade of this order still open at the provider: pay that one, never a
            // second (two paid trades would pay the order twice).
            let p = open_trade(&mut tx, &o, user.id(), now)
                .await?
                .ok_or_else(|| internal("open trade vanished"))?;
            tx.rollback().await?;
            (p.rec.record, p.body)
        }
        None => {
            o.body.check_payable()?;
            let (paid, pending) = sums(&mut tx, o.rec.record.id).await?;
            let open = (o.body.amount_fen - paid - pending).max(0);
            let amount = req.amount_fen.unwrap_or(open);
            if !(1..=huiji_domain::dues::MAX_AMOUNT_FEN).contains(&amount) {
                // Asked for nothing or too much, or nothing is left that is not waiting.
                return Err(if req.amount_fen.is_some() {
                    AMOUNT_INVALID
                } else {
                    AMOUNT_EXCEEDS_BALANCE
                }
                .into());
            }
            if amount > open {
                return Err(AMOUNT_EXCEEDS_BALANCE.into());
            }
            let mut body = new_payment(&o, amount, PayMethod::Online, now);
            body.channel = Some(provider.name().to_owned());
            body.out_trade_no = Some(req.id.simple().to_string());
            body.log.push(PaymentLog {
                at: now,
                actor: Some(Person {
                    id: user.id(),
                    name: o.body.name.clone(),
                }),
                action: "create".into(),
                note: Some(provider.label_zh().to_owned()),
            });
            let p = fresh(req.id, &o, body, now);
            index_payment(&mut tx, req.id, &p.rec.node_path, &p.body, None, now).await?;
            write(st, &mut tx, vec![p.row()?], Some(user.id()), now).await?;
            let rec = stored(&mut tx, req.id).await?;
            tx.commit().await?;
            (rec, p.body)
        }
    };
    let intent = PayIntent {
        out_trade_no: body.out_trade_no.clone().unwrap_or_default(),
        amount_fen: body.amount_fen,
        subject: format!("{} · {}", o.body.item(), o.body.unit_name),
        merchant: o.body.unit_name.clone(),
        notify_url: format!(
            "{}/api/v1/payments/notify/{}",
            st.public_url(),
            provider.name()
        ),
        expires_at: body.created_at + TRADE_TTL_MS,
    };
    let started = provider.start(st, &intent).await?;
    Ok(OnlinePayResponse {
        payment: rec,
        pay_url: started.pay_url,
        expires_at: intent.expires_at,
    })
}

/// The payer's online payment of `o` still open at the provider, if any.
async fn open_trade(
    tx: &mut Transaction<'_, Any>,
    o: &OrderRec,
    payer: Uuid,
    now: i64,
) -> Result<Option<PaymentRec>> {
    let row = sqlx::query(
        "SELECT id FROM payments WHERE order_id = $1 AND account_id = $2 AND method = 'online' \
         AND status = 'created' AND created_at > $3 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(o.rec.record.id.to_string())
    .bind(payer.to_string())
    .bind(now - TRADE_TTL_MS)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => payment(tx, crate::auth::parse_uuid(&r.try_get::<String, _>(0)?)?).await,
        None => Ok(None),
    }
}

/// Applies a provider event to the payment of `out_trade_no` in `tx`. `Ok(false)`:
/// nothing changed (already settled that way).
async fn apply_provider_event(
    st: &AppState,
    tx: &mut Transaction<'_, Any>,
    out_trade_no: &str,
    event: &huiji_domain::dues::ProviderEvent,
    now: i64,
) -> Result<bool> {
    let row = sqlx::query("SELECT id FROM payments WHERE out_trade_no = $1")
        .bind(out_trade_no)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(not_found)?;
    let id = crate::auth::parse_uuid(&row.try_get::<String, _>(0)?)?;
    let mut p = payment(tx, id).await?.ok_or_else(not_found)?;
    let t = apply_payment(
        &p.body,
        PayActor::Provider,
        None,
        &PayInput::Provider(event.clone()),
        now,
    )
    .inspect_err(|e| {
        if e.code == huiji_domain::dues::AMOUNT_MISMATCH.code {
            tracing::warn!(%out_trade_no, "provider notification with a different amount refused");
            metrics::counter!("huiji_payment_amount_mismatch_total").increment(1);
        }
    })?;
    let Transition::Changed(next) = t else {
        return Ok(false);
    };
    p.body = *next;
    let mut rows = save_payment(tx, &mut p, now).await?;
    if p.body.status == PaymentStatus::Confirmed {
        rows.push(payment_notice(
            &p,
            "缴费成功",
            format!(
                "您的{}已在线支付成功，金额{}元，收据号{}",
                p.body.period_item(),
                yuan(p.body.amount_fen),
                p.body.receipt_no.clone().unwrap_or_default()
            ),
            now,
        )?);
    }
    write(st, tx, rows, None, now).await?;
    Ok(true)
}

/// A provider's notification: verified, refused if its nonce was seen, applied once.
pub async fn notify(
    st: &AppState,
    provider_name: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response> {
    let provider = st
        .pay
        .clone()
        .filter(|p| p.name() == provider_name)
        .ok_or_else(|| ApiError::not_found("支付渠道"))?;
    let now = st.now();
    let v = provider.verify(headers, body, now)?;
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let fresh_nonce = sqlx::query(
        "INSERT INTO payment_nonces (provider, nonce, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (provider, nonce) DO NOTHING",
    )
    .bind(provider.name())
    .bind(&v.nonce)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if fresh_nonce == 0 {
        tx.rollback().await?;
        metrics::counter!("huiji_payment_notify_replayed_total").increment(1);
        return Err(pay::notify_replayed());
    }
    let changed = apply_provider_event(st, &mut tx, &v.out_trade_no, &v.event, now).await?;
    // Nonces older than a day can never pass the timestamp check again.
    sqlx::query("DELETE FROM payment_nonces WHERE received_at < $1")
        .bind(now - 86_400_000)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    metrics::counter!("huiji_payment_notify_total", "changed" => changed.to_string()).increment(1);
    Ok(provider.ack())
}

/// A payment for its payer or a dues admin. With `refresh`, an online payment still
/// waiting asks the provider (a lost notification, or a trade that expired).
pub async fn get(st: &AppState, user: &AuthUser, id: Uuid, refresh: bool) -> Result<Record> {
    let mut conn = st.db.pool.acquire().await?;
    let p = payment(&mut conn, id)
        .await?
        .filter(|p| super::may_see_payment(user, p))
        .ok_or_else(not_found)?;
    drop(conn);
    if refresh && p.body.status == PaymentStatus::Created {
        if let (Some(provider), Some(otn)) = (st.pay.clone(), p.body.out_trade_no.clone()) {
            let expired = st.now() > p.body.created_at + TRADE_TTL_MS;
            let event = provider
                .query(st, &otn)
                .await?
                .or_else(|| expired.then_some(huiji_domain::dues::ProviderEvent::Closed));
            if let Some(event) = event {
                let now = st.now();
                let mut tx = st.db.writer.begin().await?;
                lock_seq(&mut tx).await?;
                apply_provider_event(st, &mut tx, &otn, &event, now).await?;
                let rec = stored(&mut tx, id).await?;
                tx.commit().await?;
                return Ok(rec);
            }
        }
    }
    Ok(p.rec.record)
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

trait Item {
    fn period_item(&self) -> String;
}

impl Item for PaymentBody {
    fn period_item(&self) -> String {
        format!("{}会费", huiji_domain::dues::period::label_zh(&self.period))
    }
}

// ---------------------------------------------------------------- offline

fn request_hash(req: &OfflinePaymentRequest) -> String {
    let canonical = serde_json::to_vec(req).unwrap_or_default();
    hex::encode(Sha256::digest(canonical))
}

/// What the order accepts from this payer now: outstanding less other waiting
/// submissions (less `except`'s own amount when it is being edited).
async fn open_for(
    tx: &mut Transaction<'_, Any>,
    o: &OrderRec,
    except: Option<&PaymentBody>,
) -> Result<i64> {
    let (paid, pending) = sums(tx, o.rec.record.id).await?;
    let mine = except
        .filter(|p| p.is_pending())
        .map_or(0, |p| p.amount_fen);
    Ok((o.body.amount_fen - paid - pending + mine).max(0))
}

/// Checks the form against the order and today; returns it tidied with the proof.
async fn checked_form(
    st: &AppState,
    tx: &mut Transaction<'_, Any>,
    user: &AuthUser,
    o: &OrderRec,
    form: &OfflinePaymentForm,
    proof_upload: Option<Uuid>,
    editing: Option<&PaymentBody>,
) -> Result<(OfflinePaymentForm, Option<ProofImage>)> {
    o.body.check_payable()?;
    let proof = match proof_upload {
        Some(u) => Some(uploads::proof_of(tx, user.id(), u).await?),
        None => editing.and_then(|p| p.proof.clone()),
    };
    let day = parse_date(&today(st.now())).ok_or_else(|| internal("bad today"))?;
    let open = open_for(tx, o, editing).await?;
    let f = check_offline(form, day, open, proof.is_some())?;
    Ok((f, proof))
}

/// Records an offline payment (线下缴费). The same request sent again answers with what
/// was stored (`false`); a different one under the same id is refused.
pub async fn submit_offline(
    st: &AppState,
    user: &AuthUser,
    req: OfflinePaymentRequest,
) -> Result<(bool, Record)> {
    let hash = request_hash(&req);
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    if let Some(row) = sqlx::query("SELECT request_hash, account_id FROM payments WHERE id = $1")
        .bind(req.id.to_string())
        .fetch_optional(&mut *tx)
        .await?
    {
        let same = row.try_get::<Option<String>, _>(0)?.as_deref() == Some(hash.as_str())
            && row.try_get::<String, _>(1)? == user.id().to_string();
        if !same {
            return Err(PAYMENT_ID_TAKEN.into());
        }
        // Sent again after a lost answer: what is there now (it may have moved on).
        let rec = get_record(&mut tx, req.id)
            .await?
            .ok_or_else(|| internal("payment vanished"))?;
        tx.rollback().await?;
        return Ok((false, rec.record));
    }
    if get_record(&mut tx, req.id).await?.is_some() {
        // Deleted since: the id stays spent.
        return Err(PAYMENT_ID_TAKEN.into());
    }
    let o = order(&mut tx, req.order_id)
        .await?
        .ok_or(ApiError::from(ORDER_NOT_FOUND))?;
    if o.body.account_id != user.id() {
        return Err(NOT_YOUR_ORDER.into());
    }
    let (f, proof) =
        checked_form(st, &mut tx, user, &o, &req.form, req.proof_upload_id, None).await?;
    let payer = Person {
        id: user.id(),
        name: o.body.name.clone(),
    };
    let mut body = new_payment(&o, f.amount_fen, f.method, now);
    body.paid_on = Some(f.paid_on);
    body.reference = f.reference;
    body.note = f.note;
    body.proof = proof;
    body.log.push(PaymentLog {
        at: now,
        actor: Some(payer),
        action: "submit".into(),
        note: None,
    });
    let mut p = fresh(req.id, &o, body, now);
    index_payment(&mut tx, req.id, &p.rec.node_path, &p.body, Some(&hash), now).await?;
    let rows = save_payment(&mut tx, &mut p, now).await?;
    write(st, &mut tx, rows, Some(user.id()), now).await?;
    let rec = stored(&mut tx, req.id).await?;
    tx.commit().await?;
    Ok((true, rec))
}

// ---------------------------------------------------------------- actions

/// Applies a batch of payment actions, one transaction each.
pub async fn act(
    st: &AppState,
    user: &AuthUser,
    batch: PaymentActionBatch,
) -> Result<ActionBatchResponse> {
    if batch.actions.len() > MAX_PAYMENT_ACTIONS {
        return Err(ApiError::bad_request(
            "TooManyActions",
            format!("每次最多提交{MAX_PAYMENT_ACTIONS}个操作"),
        ));
    }
    let me = me(st, user).await?;
    let mut results = Vec::with_capacity(batch.actions.len());
    for item in &batch.actions {
        let r = match act_one(st, user, &me, item).await {
            Ok(r) => r,
            Err(e @ ApiError::Client { .. }) => refused(item.action_id, &e),
            Err(e) => return Err(e),
        };
        let status = match r.status {
            OpStatus::Applied => "applied",
            OpStatus::Duplicate => "duplicate",
            OpStatus::Rejected => "rejected",
            OpStatus::Conflict => "conflict",
        };
        metrics::counter!("huiji_payment_actions_total", "status" => status).increment(1);
        results.push(r);
    }
    Ok(ActionBatchResponse { results })
}

async fn act_one(
    st: &AppState,
    user: &AuthUser,
    me: &Who,
    item: &huiji_domain::dues::PaymentActionItem,
) -> Result<ActionResult> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let rec = get_record(&mut tx, item.payment_id)
        .await?
        .filter(|r| r.record.kind == huiji_domain::sync::RecordKind::Payment);
    let before =
        sqlx::query("SELECT account_id, payment_id FROM payment_actions WHERE action_id = $1")
            .bind(item.action_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(b) = before {
        tx.rollback().await?;
        let mut r = result(item.action_id, OpStatus::Duplicate);
        if b.try_get::<String, _>(0)? == me.id.to_string() {
            r.current = rec.map(|r| r.record);
        }
        return Ok(r);
    }
    let Some(rec) = rec else {
        tx.rollback().await?;
        return Ok(refused(item.action_id, &not_found()));
    };
    if rec.record.deleted {
        // Deleted by its payer: whoever acts now was overtaken.
        let owner_is_me = rec.record.owner_id == Some(me.id);
        tx.rollback().await?;
        let mut r = result(item.action_id, OpStatus::Conflict);
        r.code = Some("Conflict".into());
        r.reason = Some("该缴费记录已被提交人删除，您的操作未生效".into());
        if owner_is_me || super::admin_of(user, &rec.node_path) {
            r.current = Some(rec.record);
        }
        return Ok(r);
    }
    let body: PaymentBody = crate::workflow::from_json(&rec.record.body)?;
    let mut p = Typed { rec, body };
    if !super::may_see_payment(user, &p) {
        tx.rollback().await?;
        return Ok(refused(item.action_id, &not_found()));
    }
    let actor = if p.body.account_id == me.id {
        PayActor::Payer
    } else if super::admin_of(user, &p.rec.node_path) {
        PayActor::Admin
    } else {
        PayActor::Other
    };
    if item.base_version != p.rec.record.version {
        tx.rollback().await?;
        let mut r = result(item.action_id, OpStatus::Conflict);
        r.code = Some("Conflict".into());
        r.reason = Some(format!(
            "{}，您的操作未生效，请查看最新状态",
            p.body.last_act()
        ));
        r.current = Some(p.rec.record.clone());
        return Ok(r);
    }
    // An edit is checked like a new submission (the order, today, the proof).
    let mut action = item.action.clone();
    if let PaymentAction::Edit {
        form,
        proof_upload_id,
    } = &mut action
    {
        if actor == PayActor::Payer && p.body.method != PayMethod::Online {
            let o = order(&mut tx, p.body.order_id)
                .await?
                .ok_or(ApiError::from(ORDER_NOT_FOUND))?;
            let (f, proof) =
                checked_form(st, &mut tx, user, &o, form, *proof_upload_id, Some(&p.body)).await?;
            *form = f;
            p.body.proof = proof;
        }
    }
    let person = me.person();
    let t = apply_payment(
        &p.body,
        actor,
        Some(&person),
        &PayInput::Act(action.clone()),
        now,
    )?;
    let mut rows = Vec::new();
    match t {
        Transition::Unchanged => {}
        Transition::Deleted => {
            unindex_and_tombstone(st, &mut tx, &p, me.id, now).await?;
            rows.extend(resettle(&mut tx, p.body.order_id, now).await?);
        }
        Transition::Changed(next) => {
            p.body = *next;
            rows.extend(save_payment(&mut tx, &mut p, now).await?);
            match &action {
                PaymentAction::Confirm { .. } => rows.push(payment_notice(
                    &p,
                    "缴费已确认",
                    format!(
                        "您提交的{}（{}元）已由{}确认，收据号{}",
                        p.body.period_item(),
                        yuan(p.body.amount_fen),
                        me.name,
                        p.body.receipt_no.clone().unwrap_or_default()
                    ),
                    now,
                )?),
                PaymentAction::Reject { reason } => rows.push(payment_notice(
                    &p,
                    "缴费被驳回",
                    format!(
                        "您提交的{}（{}元）未通过确认：{}。请修改后重新提交",
                        p.body.period_item(),
                        yuan(p.body.amount_fen),
                        reason.trim()
                    ),
                    now,
                )?),
                _ => {}
            }
        }
    }
    write(st, &mut tx, rows, Some(me.id), now).await?;
    sqlx::query("INSERT INTO payment_actions (action_id, account_id, payment_id, applied_at) VALUES ($1, $2, $3, $4)")
        .bind(item.action_id.to_string())
        .bind(me.id.to_string())
        .bind(item.payment_id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let after = get_record(&mut tx, item.payment_id)
        .await?
        .ok_or_else(|| internal("payment vanished"))?;
    tx.commit().await?;
    let mut r = result(item.action_id, OpStatus::Applied);
    r.current = Some(after.record);
    Ok(r)
}

async fn unindex_and_tombstone(
    st: &AppState,
    tx: &mut Transaction<'_, Any>,
    p: &PaymentRec,
    actor: Uuid,
    now: i64,
) -> Result<()> {
    super::unindex_payment(tx, p.rec.record.id).await?;
    tombstone(tx, st.db.backend, &p.rec, Some(actor), now).await
}
