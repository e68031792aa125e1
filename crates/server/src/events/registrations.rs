//! Registrations (活动报名): decided in one transaction under the seq lock, so the last
//! place goes to exactly one of two members racing for it; cancellation until the start
//! frees the place for the first on the waitlist; approval when the event needs it; a fee
//! becomes a dues order whose payment issues the ticket.

use huiji_domain::dues::{DuesOrderBody, OrderStatus};
use huiji_domain::events::wire::{RegisterRequest, RegistrationDecision};
use huiji_domain::events::{
    check_cancel, decide_approval, decide_new, promotions, EventBody, RegistrationBody,
    RegistrationLog, RegistrationStatus, Seats, ALREADY_REGISTERED, NOT_IN_AUDIENCE,
};
use huiji_domain::mask::mask_name;
use huiji_domain::org::{Action as Perm, NodePath};
use huiji_domain::sync::RecordKind;
use huiji_domain::wire::Record;
use huiji_domain::workflow::Person;
use huiji_domain::DomainError;
use sqlx::{Any, AnyConnection, Row, Transaction};
use uuid::Uuid;

use super::{event_or_404, may_take_part, notice, EventRec};
use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, typed, write_server_rows, ServerRow, Typed};
use crate::state::AppState;
use crate::workflow::{check_reason, get_record, to_json, who};

pub type RegRec = Typed<RegistrationBody>;

pub const REGISTRATION_NOT_FOUND: DomainError = DomainError::new(
    "RegistrationNotFound",
    "报名记录不存在",
    "The registration does not exist",
);
pub const FEE_UNPAID: DomainError = DomainError::new(
    "FeeUnpaid",
    "请先缴纳活动费用，缴费后即可领取电子票",
    "Pay the event's fee first; the ticket comes with the payment",
);

fn not_found() -> ApiError {
    ApiError::client(
        axum::http::StatusCode::NOT_FOUND,
        REGISTRATION_NOT_FOUND.code,
        REGISTRATION_NOT_FOUND.message,
    )
}

pub async fn registration(conn: &mut AnyConnection, id: Uuid) -> Result<Option<RegRec>> {
    typed(conn, id, RecordKind::Registration).await
}

/// The person's registration for an event, whatever its status.
pub async fn registration_of(
    conn: &mut AnyConnection,
    event_id: Uuid,
    account: Uuid,
) -> Result<Option<RegRec>> {
    let row = sqlx::query("SELECT id FROM registrations WHERE event_id = $1 AND account_id = $2")
        .bind(event_id.to_string())
        .bind(account.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => registration(conn, parse_uuid(&r.try_get::<String, _>(0)?)?).await,
        None => Ok(None),
    }
}

async fn confirmed(tx: &mut AnyConnection, event_id: Uuid) -> Result<Seats> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'",
    )
    .bind(event_id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    Ok(Seats {
        confirmed: u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u32::MAX),
    })
}

async fn index(tx: &mut AnyConnection, id: Uuid, r: &RegistrationBody) -> Result<()> {
    sqlx::query(
        "INSERT INTO registrations (id, event_id, account_id, status, queued_at, order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
         status = excluded.status, queued_at = excluded.queued_at, order_id = excluded.order_id",
    )
    .bind(id.to_string())
    .bind(r.event_id.to_string())
    .bind(r.account_id.to_string())
    .bind(status_str(r.status))
    .bind(r.queued_at)
    .bind(r.order_id.map(|o| o.to_string()))
    .bind(r.created_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub fn status_str(s: RegistrationStatus) -> &'static str {
    match s {
        RegistrationStatus::Pending => "pending",
        RegistrationStatus::Confirmed => "confirmed",
        RegistrationStatus::Waitlisted => "waitlisted",
        RegistrationStatus::Cancelled => "cancelled",
        RegistrationStatus::Rejected => "rejected",
    }
}

fn log(r: &mut RegistrationBody, at: i64, by: Option<Person>, what: &str, note: Option<String>) {
    r.log.push(RegistrationLog {
        at,
        by,
        what: what.to_owned(),
        note,
    });
}

/// A registration that has just got its place: a fee makes its order (paid: none), no
/// fee is paid already.
async fn take_place(
    tx: &mut Transaction<'_, Any>,
    reg_id: Uuid,
    r: &mut RegistrationBody,
    e: &EventRec,
    now: i64,
) -> Result<Vec<ServerRow>> {
    r.status = RegistrationStatus::Confirmed;
    let Some(fee) = e.body.fee_fen else {
        r.paid = true;
        return Ok(Vec::new());
    };
    if r.order_id.is_some() {
        return Ok(Vec::new());
    }
    let order_id = Uuid::now_v7();
    let order = DuesOrderBody {
        account_id: r.account_id,
        name: r.name.clone(),
        unit_id: e.rec.record.node_id,
        unit_name: e.body.title.clone(),
        membership_id: reg_id,
        period: format!("event:{}", e.rec.record.id.simple()),
        amount_fen: fee,
        paid_fen: 0,
        pending_fen: 0,
        status: OrderStatus::Pending,
        request_id: None,
        rule_id: None,
        due_on: Some(huiji_domain::time::today_cst(e.body.starts_at).to_string()),
        prorated: false,
        cancel_reason: None,
        event_id: Some(e.rec.record.id),
        title: Some(format!("活动费用 · {}", e.body.title)),
        created_at: now,
    };
    if !crate::dues::claim_order(tx, order_id, &e.rec.node_path, &order).await? {
        return Ok(Vec::new());
    }
    r.order_id = Some(order_id);
    r.paid = false;
    Ok(vec![ServerRow {
        id: order_id,
        kind: RecordKind::DuesOrder,
        node_id: e.rec.record.node_id,
        node_path: e.rec.node_path.clone(),
        owner_id: Some(r.account_id),
        body: to_json(&order)?,
        audience: Vec::new(),
    }])
}

fn row(id: Uuid, e: &EventRec, r: &RegistrationBody) -> Result<ServerRow> {
    Ok(ServerRow {
        id,
        kind: RecordKind::Registration,
        node_id: e.rec.record.node_id,
        node_path: e.rec.node_path.clone(),
        owner_id: Some(r.account_id),
        body: to_json(r)?,
        audience: Vec::new(),
    })
}

async fn stored(tx: &mut Transaction<'_, Any>, id: Uuid) -> Result<Record> {
    Ok(get_record(tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("registration vanished".into()))?
        .record)
}

/// Registers the caller. The same request sent again answers what is stored.
pub async fn register(
    st: &AppState,
    user: &AuthUser,
    event_id: Uuid,
    req: RegisterRequest,
) -> Result<(bool, Record)> {
    let me = {
        let mut conn = st.db.pool.acquire().await?;
        who(&mut conn, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?
    };
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let e = event_or_404(&mut tx, event_id).await?;
    if !may_take_part(user, &e.rec.node_path, e.body.audience) {
        return Err(NOT_IN_AUDIENCE.into());
    }
    let existing = registration_of(&mut tx, event_id, me.id).await?;
    if let Some(r) = &existing {
        if r.rec.record.id == req.id || r.body.status.is_live() {
            let same = r.rec.record.id == req.id;
            tx.rollback().await?;
            return if same {
                Ok((false, r.rec.record.clone()))
            } else {
                Err(ALREADY_REGISTERED.into())
            };
        }
    }
    if existing.is_none() && get_record(&mut tx, req.id).await?.is_some() {
        // Another record's id (a client bug or someone guessing): never overwrite it.
        return Err(ApiError::client(
            axum::http::StatusCode::CONFLICT,
            "IdInUse",
            "该编号已被使用，请重新提交",
        ));
    }
    let seats = confirmed(&mut tx, event_id).await?;
    let status = decide_new(&e.body, seats, now)?;
    // Registering again after a cancellation keeps the one record per person and event.
    let (id, mut r) = match existing {
        Some(old) => (old.rec.record.id, old.body),
        None => (
            req.id,
            RegistrationBody {
                event_id,
                account_id: me.id,
                name: me.name.clone(),
                status,
                ticket_id: crate::routes::events::ticket_id(event_id, me.id),
                order_id: None,
                paid: false,
                queued_at: now,
                created_at: now,
                reason: None,
                log: Vec::new(),
            },
        ),
    };
    r.status = status;
    r.queued_at = now;
    r.reason = None;
    let mut rows = Vec::new();
    if status == RegistrationStatus::Confirmed {
        rows.extend(take_place(&mut tx, id, &mut r, &e, now).await?);
    }
    let what = match status {
        RegistrationStatus::Waitlisted => "waitlisted",
        _ => "registered",
    };
    log(&mut r, now, Some(me.person()), what, None);
    index(&mut tx, id, &r).await?;
    rows.insert(0, row(id, &e, &r)?);
    write_server_rows(&mut tx, st.db.backend, rows, Some(me.id), now).await?;
    let rec = stored(&mut tx, id).await?;
    tx.commit().await?;
    Ok((true, rec))
}

/// Moves the waitlist up while places are free. Returns the rows to write.
pub async fn fill_places(
    tx: &mut Transaction<'_, Any>,
    event_id: Uuid,
    body: &EventBody,
    _path: &NodePath,
    now: i64,
) -> Result<Vec<ServerRow>> {
    let Some(e) = super::event(tx, event_id).await? else {
        return Ok(Vec::new());
    };
    let e = EventRec {
        body: body.clone(),
        ..e
    };
    if e.body.cancelled || now >= e.body.starts_at {
        return Ok(Vec::new());
    }
    let seats = confirmed(tx, event_id).await?;
    let free = seats.free(&e.body);
    if free == Some(0) {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT id, queued_at FROM registrations WHERE event_id = $1 AND status = 'waitlisted'",
    )
    .bind(event_id.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut waitlist = Vec::new();
    for r in rows {
        waitlist.push((
            parse_uuid(&r.try_get::<String, _>(0)?)?,
            r.try_get::<i64, _>(1)?,
        ));
    }
    let mut out = Vec::new();
    for id in promotions(&waitlist, free) {
        let Some(mut reg) = registration(tx, id).await? else {
            continue;
        };
        out.extend(take_place(tx, id, &mut reg.body, &e, now).await?);
        log(&mut reg.body, now, None, "promoted", None);
        index(tx, id, &reg.body).await?;
        out.push(reg.row()?);
        out.push(notice(
            reg.body.account_id,
            e.rec.record.node_id,
            &e.rec.node_path,
            "候补成功",
            format!(
                "您已从候补转为正式报名：{}{}",
                e.body.title,
                if reg.body.paid {
                    "，电子票已可领取"
                } else {
                    "，请缴纳活动费用后领取电子票"
                }
            ),
            now,
        )?);
    }
    Ok(out)
}

/// The member cancels (until the start); a place freed goes to the waitlist.
pub async fn cancel(st: &AppState, user: &AuthUser, id: Uuid) -> Result<Record> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut reg = registration(&mut tx, id)
        .await?
        .filter(|r| r.body.account_id == user.id())
        .ok_or_else(not_found)?;
    let e = event_or_404(&mut tx, reg.body.event_id).await?;
    check_cancel(&e.body, &reg.body, now)?;
    let mut rows = Vec::new();
    // An unpaid fee's order goes with it.
    if let Some(oid) = reg.body.order_id {
        if let Some(mut o) = crate::dues::order(&mut tx, oid).await? {
            let (paid, pending) = crate::dues::sums(&mut tx, oid).await?;
            if paid == 0 && pending == 0 && o.body.status != OrderStatus::Cancelled {
                o.body.status = OrderStatus::Cancelled;
                o.body.cancel_reason = Some("报名已取消".into());
                crate::dues::index_order(&mut tx, oid, &o.rec.node_path, &o.body).await?;
                rows.push(o.row()?);
            }
        }
    }
    reg.body.status = RegistrationStatus::Cancelled;
    let who = Person {
        id: user.id(),
        name: reg.body.name.clone(),
    };
    log(&mut reg.body, now, Some(who), "cancelled", None);
    index(&mut tx, id, &reg.body).await?;
    rows.push(reg.row()?);
    rows.extend(fill_places(&mut tx, e.rec.record.id, &e.body, &e.rec.node_path, now).await?);
    write_server_rows(&mut tx, st.db.backend, rows, Some(user.id()), now).await?;
    let rec = stored(&mut tx, id).await?;
    tx.commit().await?;
    Ok(rec)
}

/// A secretary approves (a place if free, else the waitlist) or refuses with a reason.
pub async fn decide(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    req: RegistrationDecision,
) -> Result<Record> {
    let me = {
        let mut conn = st.db.pool.acquire().await?;
        who(&mut conn, user.id())
            .await?
            .ok_or_else(ApiError::unauthorized)?
    };
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut reg = registration(&mut tx, id).await?.ok_or_else(not_found)?;
    user.require(Perm::ManageEvents, &reg.rec.node_path)?;
    let e = event_or_404(&mut tx, reg.body.event_id).await?;
    let mut rows = Vec::new();
    let (title, text) = if req.approve {
        let seats = confirmed(&mut tx, e.rec.record.id).await?;
        let status = decide_approval(&e.body, &reg.body, seats)?;
        if status == RegistrationStatus::Confirmed {
            rows.extend(take_place(&mut tx, id, &mut reg.body, &e, now).await?);
        } else {
            reg.body.status = status;
            reg.body.queued_at = now;
        }
        log(&mut reg.body, now, Some(me.person()), "approved", None);
        (
            "报名已通过",
            if status == RegistrationStatus::Confirmed {
                format!("您报名的“{}”已审核通过", e.body.title)
            } else {
                format!("您报名的“{}”已审核通过，名额已满，已进入候补", e.body.title)
            },
        )
    } else {
        if reg.body.status != RegistrationStatus::Pending {
            return Err(huiji_domain::events::NOT_PENDING.into());
        }
        let reason = check_reason(req.reason.as_deref().unwrap_or(""))?;
        reg.body.status = RegistrationStatus::Rejected;
        reg.body.reason = Some(reason.clone());
        log(
            &mut reg.body,
            now,
            Some(me.person()),
            "rejected",
            Some(reason.clone()),
        );
        (
            "报名未通过",
            format!("您报名的“{}”未通过审核：{reason}", e.body.title),
        )
    };
    index(&mut tx, id, &reg.body).await?;
    rows.push(reg.row()?);
    rows.push(notice(
        reg.body.account_id,
        e.rec.record.node_id,
        &e.rec.node_path,
        title,
        text,
        now,
    )?);
    write_server_rows(&mut tx, st.db.backend, rows, Some(me.id), now).await?;
    let rec = stored(&mut tx, id).await?;
    tx.commit().await?;
    Ok(rec)
}

/// An event's fee order has just been paid: the registration gets its ticket.
pub async fn on_order_paid(
    tx: &mut AnyConnection,
    o: &DuesOrderBody,
    now: i64,
) -> Result<Option<ServerRow>> {
    if o.event_id.is_none() {
        return Ok(None);
    }
    let Some(mut reg) = registration(tx, o.membership_id).await? else {
        return Ok(None);
    };
    if reg.body.paid {
        return Ok(None);
    }
    reg.body.paid = true;
    log(&mut reg.body, now, None, "paid", None);
    Ok(Some(reg.row()?))
}

/// The registrations of an event for its organisers, oldest first (the waitlist in order).
pub async fn list(st: &AppState, user: &AuthUser, event_id: Uuid) -> Result<Vec<Record>> {
    let mut conn = st.db.pool.acquire().await?;
    let e = event_or_404(&mut conn, event_id).await?;
    user.require(Perm::ManageEvents, &e.rec.node_path)?;
    let rows =
        sqlx::query("SELECT id FROM registrations WHERE event_id = $1 ORDER BY queued_at, id")
            .bind(event_id.to_string())
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::new();
    for r in rows {
        if let Some(reg) = registration(&mut conn, parse_uuid(&r.try_get::<String, _>(0)?)?).await?
        {
            out.push(reg.rec.record);
        }
    }
    Ok(out)
}

/// Masked name for check-in and attendance rows.
pub fn masked(r: &RegistrationBody) -> String {
    mask_name(&r.name)
}
