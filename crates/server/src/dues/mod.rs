//! The server side of dues and payments (`huiji_domain::dues`): rules and the orders they
//! make (the dues job each period, by hand, or a join's approval), offline payments with
//! proof images and their confirmation, online payments through the provider, the
//! ledger and its export, receipts.
//!
//! Every change to an order or a payment runs in one transaction that holds the seq
//! lock: the record (which devices pull), its index row (`dues_orders`, `payments`, which
//! the ledger reads) and the order's settlement (paid and pending sums, the membership
//! paid up to the period's end) commit together or not at all.

pub mod ledger;
pub mod orders;
pub mod payments;
pub mod uploads;

use huiji_domain::dues::{paid_through, DuesOrderBody, OrderStatus, PaymentBody, PaymentStatus};
use huiji_domain::org::{can, Action as Perm, NodePath};
use huiji_domain::sync::RecordKind;
use huiji_domain::workflow::{MembershipBody, NotificationBody};
use sqlx::{Any, AnyConnection, Row, Transaction};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::ServerRow;
use crate::workflow::{from_json, get_record, history, stored_row, to_json, today};

pub use crate::records::{typed, Typed};

pub type OrderRec = Typed<DuesOrderBody>;
pub type PaymentRec = Typed<PaymentBody>;

pub async fn order(conn: &mut AnyConnection, id: Uuid) -> Result<Option<OrderRec>> {
    typed(conn, id, RecordKind::DuesOrder).await
}

pub async fn payment(conn: &mut AnyConnection, id: Uuid) -> Result<Option<PaymentRec>> {
    typed(conn, id, RecordKind::Payment).await
}

/// May the caller manage dues where `rec` lives?
pub fn admin_of(user: &AuthUser, path: &NodePath) -> bool {
    can(&user.principal, Perm::ManageDues, path)
}

/// The payer, or someone who manages dues at the payment's unit.
pub fn may_see_payment(user: &AuthUser, p: &PaymentRec) -> bool {
    p.body.account_id == user.id() || admin_of(user, &p.rec.node_path)
}

// ---------------------------------------------------------------- the index

/// How an order's index row is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderWrite {
    /// Insert or refresh (amounts and status).
    Upsert,
    /// Insert only when (membership, period) is not billed yet.
    Claim,
}

async fn write_order_index(
    tx: &mut AnyConnection,
    id: Uuid,
    path: &NodePath,
    o: &DuesOrderBody,
    how: OrderWrite,
) -> Result<bool> {
    let tail = match how {
        OrderWrite::Upsert => {
            "ON CONFLICT (id) DO UPDATE SET amount_fen = excluded.amount_fen, \
             paid_fen = excluded.paid_fen, status = excluded.status"
        }
        OrderWrite::Claim => "ON CONFLICT (membership_id, period) DO NOTHING",
    };
    let n = sqlx::query(&format!(
        "INSERT INTO dues_orders (id, membership_id, account_id, unit_id, unit_path, period, \
         amount_fen, paid_fen, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         {tail}"
    ))
    .bind(id.to_string())
    .bind(o.membership_id.to_string())
    .bind(o.account_id.to_string())
    .bind(o.unit_id.to_string())
    .bind(path.as_str().to_owned())
    .bind(&o.period)
    .bind(o.amount_fen)
    .bind(o.paid_fen)
    .bind(o.status.as_str())
    .bind(o.created_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn index_order(
    tx: &mut AnyConnection,
    id: Uuid,
    path: &NodePath,
    o: &DuesOrderBody,
) -> Result<()> {
    write_order_index(tx, id, path, o, OrderWrite::Upsert).await?;
    Ok(())
}

/// Claims (membership, period) for a new order. `false`: that period is billed already.
pub async fn claim_order(
    tx: &mut AnyConnection,
    id: Uuid,
    path: &NodePath,
    o: &DuesOrderBody,
) -> Result<bool> {
    write_order_index(tx, id, path, o, OrderWrite::Claim).await
}

pub async fn index_payment(
    tx: &mut AnyConnection,
    id: Uuid,
    path: &NodePath,
    p: &PaymentBody,
    request_hash: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO payments (id, order_id, account_id, unit_path, period, payer, amount_fen, \
         method, status, out_trade_no, channel, request_hash, receipt_no, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (id) DO UPDATE SET amount_fen = excluded.amount_fen, \
         method = excluded.method, status = excluded.status, receipt_no = excluded.receipt_no, \
         updated_at = excluded.updated_at",
    )
    .bind(id.to_string())
    .bind(p.order_id.to_string())
    .bind(p.account_id.to_string())
    .bind(path.as_str().to_owned())
    .bind(&p.period)
    .bind(&p.payer)
    .bind(p.amount_fen)
    .bind(p.method.as_str())
    .bind(p.status.as_str())
    .bind(p.out_trade_no.clone())
    .bind(p.channel.clone())
    .bind(request_hash.map(str::to_owned))
    .bind(p.receipt_no.clone())
    .bind(p.created_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn unindex_payment(tx: &mut AnyConnection, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM payments WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Confirmed and waiting sums of an order's payments.
pub async fn sums(tx: &mut AnyConnection, order_id: Uuid) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'confirmed' THEN amount_fen ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN status = 'submitted' THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
         FROM payments WHERE order_id = $1",
    )
    .bind(order_id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Brings an order in line with its payments; when it has just become paid, the
/// membership is paid up to the period's end. Returns the rows to write.
pub async fn resettle(
    tx: &mut Transaction<'_, Any>,
    order_id: Uuid,
    now: i64,
) -> Result<Vec<ServerRow>> {
    let Some(mut o) = order(tx, order_id).await? else {
        return Ok(Vec::new());
    };
    let was_paid = o.body.status == OrderStatus::Paid;
    let (paid, pending) = sums(tx, order_id).await?;
    if !o.body.settle(paid, pending) {
        return Ok(Vec::new());
    }
    index_order(tx, order_id, &o.rec.node_path, &o.body).await?;
    let mut rows = vec![o.row()?];
    if !was_paid && o.body.status == OrderStatus::Paid {
        if let Some(row) = extend_membership(tx, &o.body, now).await? {
            rows.push(row);
        }
        if let Some(row) = crate::events::registrations::on_order_paid(tx, &o.body, now).await? {
            rows.push(row);
        }
        if let Some(row) = crate::learning::on_order_paid(tx, &o.body, now).await? {
            rows.push(row);
        }
    }
    Ok(rows)
}

async fn extend_membership(
    tx: &mut AnyConnection,
    o: &DuesOrderBody,
    now: i64,
) -> Result<Option<ServerRow>> {
    let Some(rec) = get_record(tx, o.membership_id).await? else {
        return Ok(None);
    };
    if rec.record.kind != RecordKind::Membership || rec.record.deleted {
        return Ok(None);
    }
    let mut m: MembershipBody = from_json(&rec.record.body)?;
    let Some(end) = paid_through(o, &m) else {
        return Ok(None);
    };
    let day = today(now);
    m.history.push(history(
        &day,
        "dues_paid",
        Some(format!("{}已缴清，会籍有效期至{end}", o.item())),
        None,
    ));
    m.end_on = Some(end);
    m.refresh_status(&day);
    Ok(Some(stored_row(&rec, to_json(&m)?)))
}

/// The next receipt number: "SJ20261201000123" (counter kept with the data).
pub async fn next_receipt_no(tx: &mut AnyConnection, now: i64) -> Result<String> {
    let row =
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'receipt' RETURNING value")
            .fetch_one(&mut *tx)
            .await?;
    let n: i64 = row.try_get(0)?;
    Ok(format!("SJ{}{n:06}", today(now).replace('-', "")))
}

/// An inbox entry for the payer about their payment.
pub fn payment_notice(p: &PaymentRec, title: &str, text: String, now: i64) -> Result<ServerRow> {
    let body = NotificationBody {
        title: title.to_owned(),
        text,
        request_id: None,
        payment_id: Some(p.rec.record.id),
        notice_id: None,
        at: now,
    };
    Ok(ServerRow {
        id: Uuid::now_v7(),
        kind: RecordKind::Notification,
        node_id: p.rec.record.node_id,
        node_path: p.rec.node_path.clone(),
        owner_id: Some(p.body.account_id),
        body: to_json(&body)?,
        audience: Vec::new(),
    })
}

/// What a change to a payment writes: its record (new version), its index row, and
/// the order's settlement; a confirmation gets its receipt number here.
pub async fn save_payment(
    tx: &mut Transaction<'_, Any>,
    p: &mut PaymentRec,
    now: i64,
) -> Result<Vec<ServerRow>> {
    if p.body.status == PaymentStatus::Confirmed && p.body.receipt_no.is_none() {
        p.body.receipt_no = Some(next_receipt_no(tx, now).await?);
    }
    index_payment(tx, p.rec.record.id, &p.rec.node_path, &p.body, None, now).await?;
    let mut rows = vec![p.row()?];
    rows.extend(resettle(tx, p.body.order_id, now).await?);
    Ok(rows)
}

pub fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}
