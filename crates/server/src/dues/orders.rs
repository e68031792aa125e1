//! Dues rules (会费标准) and the orders they make: the dues job bills each period for
//! members who joined before it (hourly, at start and after midnight), a secretary
//! bills a period by hand (members who joined part-way pay pro rata when the rule says
//! so), and cancels an order nothing was paid on.

use std::collections::HashMap;
use std::time::Duration;

use huiji_domain::dues::{
    self, amount_for, job_bills, may_bill_by_hand, rule_for, validate_rule, DuesOrderBody,
    DuesRule, OrderStatus, Period, ORDER_HAS_PAYMENTS, ORDER_NOT_FOUND,
};
pub use huiji_domain::dues::{CancelRequest, GenerateReport, GenerateRequest, RuleRequest};
use huiji_domain::org::{Action as Perm, NodeKind};
use huiji_domain::sync::{RecordKind, UNKNOWN_NODE};
use huiji_domain::time::parse_date;
use huiji_domain::wire::Record;
use huiji_domain::workflow::MembershipBody;
use huiji_domain::DomainError;
use sqlx::Row;
use uuid::Uuid;

use super::{claim_order, index_order, internal, order, sums};
use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{check_reason, get_record, node, records_where, to_json, today, NodeInfo};

pub const NOT_A_DUES_UNIT: DomainError = DomainError::new(
    "NotADuesUnit",
    "会费标准只能设在工会、协会或学校等有会员的组织",
    "Dues rules belong to a union, an association or an institution",
);

fn bills_dues(kind: NodeKind) -> bool {
    !matches!(kind, NodeKind::Site)
}

pub async fn save_rule(st: &AppState, user: &AuthUser, req: RuleRequest) -> Result<(bool, Record)> {
    let mut rule = validate_rule(&req.rule)?;
    let mut conn = st.db.pool.acquire().await?;
    let unit = node(&mut conn, rule.unit_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::ManageDues, &unit.path)?;
    if !bills_dues(unit.body.kind) {
        return Err(NOT_A_DUES_UNIT.into());
    }
    rule.unit_name = unit.body.name.clone();
    if let Some(id) = req.id {
        get_record(&mut conn, id)
            .await?
            .filter(|r| {
                r.record.kind == RecordKind::DuesRule
                    && !r.record.deleted
                    && r.record.node_id == unit.id
            })
            .ok_or_else(|| ApiError::not_found("会费标准"))?;
    }
    drop(conn);
    let created = req.id.is_none();
    let id = req.id.unwrap_or_else(Uuid::now_v7);
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![ServerRow {
            id,
            kind: RecordKind::DuesRule,
            node_id: unit.id,
            node_path: unit.path.clone(),
            owner_id: None,
            body: to_json(&rule)?,
            audience: Vec::new(),
        }],
        Some(user.id()),
        now,
    )
    .await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| internal("rule vanished"))?;
    tx.commit().await?;
    Ok((created, rec.record))
}

/// How a pass decides who is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The period containing today, for members who joined before it.
    Job,
    /// A named period, for everyone live during it.
    ByHand,
}

/// One billing pass in one transaction: the rules at `unit` (every unit for the job),
/// the memberships there, the orders that are missing.
async fn bill(
    st: &AppState,
    unit: Option<&NodeInfo>,
    period: Option<Period>,
    mode: Mode,
) -> Result<GenerateReport> {
    let now = st.now();
    let day = parse_date(&today(now)).ok_or_else(|| internal("bad today"))?;
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let (cond, binds) = match unit {
        Some(u) => ("node_id = $2", vec![u.id.to_string()]),
        None => ("1 = 1", Vec::new()),
    };
    let mut rules: HashMap<Uuid, Vec<(Uuid, DuesRule)>> = HashMap::new();
    for r in records_where(&mut tx, RecordKind::DuesRule, cond, &binds).await? {
        let Ok(rule) = serde_json::from_value::<DuesRule>(r.record.body.clone()) else {
            continue;
        };
        if rule.active {
            rules
                .entry(r.record.node_id)
                .or_default()
                .push((r.record.id, rule));
        }
    }
    let mut report = GenerateReport::default();
    let mut rows = Vec::new();
    for (unit_id, unit_rules) in &rules {
        let Some(unit_node) = node(&mut tx, *unit_id).await? else {
            continue;
        };
        let members = records_where(
            &mut tx,
            RecordKind::Membership,
            "node_id = $2",
            &[unit_id.to_string()],
        )
        .await?;
        for m_rec in members {
            let Ok(m) = serde_json::from_value::<MembershipBody>(m_rec.record.body.clone()) else {
                continue;
            };
            let Some((rule_id, rule)) = rule_for(unit_rules, &m) else {
                report.skipped += 1;
                continue;
            };
            // One rule bills a member; a period of another kind is not theirs.
            if period.is_some_and(|p| p.kind != rule.period) {
                report.skipped += 1;
                continue;
            }
            let p = period.unwrap_or_else(|| Period::containing(rule.period, day));
            let billed = match mode {
                Mode::Job => job_bills(&m, &p, day),
                Mode::ByHand => may_bill_by_hand(&m, &p),
            };
            let start = parse_date(&m.start_on);
            let (true, Some(start)) = (billed, start) else {
                report.skipped += 1;
                continue;
            };
            let amount = amount_for(rule, &p, start);
            let o = DuesOrderBody {
                account_id: m.account_id,
                name: m.name.clone(),
                unit_id: unit_node.id,
                unit_name: unit_node.body.name.clone(),
                membership_id: m_rec.record.id,
                period: p.label(),
                amount_fen: amount,
                paid_fen: 0,
                pending_fen: 0,
                status: OrderStatus::Pending,
                request_id: None,
                rule_id: Some(*rule_id),
                due_on: Some(rule.due_on(&p).to_string()),
                prorated: amount != rule.amount_fen,
                cancel_reason: None,
                event_id: None,
                title: None,
                created_at: now,
            };
            let id = Uuid::now_v7();
            if claim_order(&mut tx, id, &unit_node.path, &o).await? {
                report.created += 1;
                rows.push(ServerRow {
                    id,
                    kind: RecordKind::DuesOrder,
                    node_id: unit_node.id,
                    node_path: unit_node.path.clone(),
                    owner_id: Some(m.account_id),
                    body: to_json(&o)?,
                    audience: Vec::new(),
                });
            } else {
                report.existing += 1;
            }
        }
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
        rows = rest;
    }
    tx.commit().await?;
    Ok(report)
}

/// Bills `req.period` at a unit by hand.
pub async fn generate(
    st: &AppState,
    user: &AuthUser,
    req: GenerateRequest,
) -> Result<GenerateReport> {
    let p = dues::parse_period(&req.period)?;
    let unit = {
        let mut conn = st.db.pool.acquire().await?;
        node(&mut conn, req.unit_id)
            .await?
            .ok_or(ApiError::from(UNKNOWN_NODE))?
    };
    user.require(Perm::ManageDues, &unit.path)?;
    bill(st, Some(&unit), Some(p), Mode::ByHand).await
}

/// The job's pass: every unit's current period.
pub async fn bill_current(st: &AppState) -> Result<GenerateReport> {
    bill(st, None, None, Mode::Job).await
}

pub async fn cancel(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    req: CancelRequest,
) -> Result<Record> {
    let reason = check_reason(&req.reason)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut o = order(&mut tx, id)
        .await?
        .ok_or(ApiError::from(ORDER_NOT_FOUND))?;
    user.require(Perm::ManageDues, &o.rec.node_path)?;
    let (paid, pending) = sums(&mut tx, id).await?;
    if o.body.status == OrderStatus::Cancelled {
        return Err(dues::ORDER_CANCELLED.into());
    }
    if paid > 0 || pending > 0 {
        return Err(ORDER_HAS_PAYMENTS.into());
    }
    o.body.status = OrderStatus::Cancelled;
    o.body.cancel_reason = Some(reason);
    index_order(&mut tx, id, &o.rec.node_path, &o.body).await?;
    write_server_rows(&mut tx, st.db.backend, vec![o.row()?], Some(user.id()), now).await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| internal("order vanished"))?;
    tx.commit().await?;
    Ok(rec.record)
}

/// Orders written before the index existed get their index rows (once; idempotent).
pub async fn backfill_index(st: &AppState) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT r.id FROM records r WHERE r.kind = 'dues_order' AND r.deleted = 0 \
         AND NOT EXISTS (SELECT 1 FROM dues_orders d WHERE d.id = r.id)",
    )
    .fetch_all(&st.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut n = 0;
    for row in rows {
        let id = crate::auth::parse_uuid(&row.try_get::<String, _>(0)?)?;
        if let Some(o) = order(&mut tx, id).await? {
            if claim_order(&mut tx, id, &o.rec.node_path, &o.body).await? {
                n += 1;
            } else {
                tracing::warn!(%id, "order bills a period billed by another; not indexed");
            }
        }
    }
    tx.commit().await?;
    Ok(n)
}

/// Runs the billing pass now, then hourly and just after midnight (CST).
pub fn spawn_dues_job(st: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match backfill_index(&st).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(orders = n, "dues orders indexed"),
            Err(e) => tracing::error!(error = %e, "dues order index backfill failed"),
        }
        loop {
            let now = st.now();
            match bill_current(&st).await {
                Ok(r) if r.created > 0 => tracing::info!(created = r.created, "dues orders made"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "dues billing pass failed"),
            }
            let day = 86_400_000;
            let since_midnight = (now + 8 * 3_600_000).rem_euclid(day);
            let wait = (day - since_midnight + 60_000).clamp(1_000, 3_600_000);
            tokio::time::sleep(Duration::from_millis(
                u64::try_from(wait).unwrap_or(3_600_000),
            ))
            .await;
        }
    })
}
