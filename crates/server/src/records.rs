//! The server side of sync: apply a pushed batch in one transaction, read pages for a
//! pull. The decisions themselves are `huiji_domain::sync`'s pure functions.

use std::collections::HashMap;

use huiji_domain::org::{NodePath, Principal};
use huiji_domain::sync::{
    decide, pull_filter, visible, DecideInput, Decision, Existing, RecordKind, RecordMeta,
};
use huiji_domain::wire::{Op, OpResult, OpStatus, PullResponse, Record};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::auth::parse_uuid;
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::sql::Sql;
use crate::state::AppState;

const RECORD_COLUMNS: &str =
    "id, kind, node_id, node_path, owner_id, version, seq, deleted, body, created_at, updated_at, updated_by";

/// A full stored row.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub record: Record,
    pub node_path: NodePath,
    pub created_at: i64,
}

pub fn row_to_record(row: &AnyRow) -> Result<StoredRecord> {
    let kind: String = row.try_get(1)?;
    let path: String = row.try_get(3)?;
    let owner: Option<String> = row.try_get(4)?;
    let body: String = row.try_get(8)?;
    let updated_by: Option<String> = row.try_get(11)?;
    Ok(StoredRecord {
        record: Record {
            id: parse_uuid(&row.try_get::<String, _>(0)?)?,
            kind: RecordKind::parse(&kind)
                .ok_or_else(|| ApiError::internal(format!("unknown kind {kind}")))?,
            node_id: parse_uuid(&row.try_get::<String, _>(2)?)?,
            owner_id: owner.as_deref().map(parse_uuid).transpose()?,
            version: row.try_get(5)?,
            seq: row.try_get(6)?,
            deleted: row.try_get::<i64, _>(7)? != 0,
            body: serde_json::from_str(&body)
                .map_err(|e| ApiError::internal(format!("bad body json: {e}")))?,
            updated_at: row.try_get(10)?,
            updated_by: updated_by.as_deref().map(parse_uuid).transpose()?,
        },
        node_path: NodePath::parse(&path)
            .ok_or_else(|| ApiError::internal(format!("bad path {path}")))?,
        created_at: row.try_get(9)?,
    })
}

/// Locks the seq counter for the rest of the transaction and returns its value. Every
/// writer of `records` calls this first, so writers commit in seq order.
pub async fn lock_seq(tx: &mut Transaction<'_, Any>) -> Result<i64> {
    let row = sqlx::query("UPDATE counters SET value = value WHERE name = 'seq' RETURNING value")
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get(0)?)
}

pub async fn set_seq(tx: &mut Transaction<'_, Any>, value: i64) -> Result<()> {
    sqlx::query("UPDATE counters SET value = $1 WHERE name = 'seq'")
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn current_seq(st: &AppState) -> Result<i64> {
    let row = sqlx::query("SELECT value FROM counters WHERE name = 'seq'")
        .fetch_one(&st.db.pool)
        .await?;
    Ok(row.try_get(0)?)
}

/// Rows to upsert, written in chunks so no statement passes the bind-parameter limits.
pub async fn upsert_records(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    rows: &[StoredRecord],
) -> Result<()> {
    for chunk in rows.chunks(1000) {
        let mut qb = Sql::new(backend, format!("INSERT INTO records ({RECORD_COLUMNS})"));
        qb.values(chunk, |b, r| {
            let rec = &r.record;
            b.bind(rec.id.to_string())?
                .bind(rec.kind.as_str())?
                .bind(rec.node_id.to_string())?
                .bind(r.node_path.as_str().to_owned())?
                .bind(rec.owner_id.map(|o| o.to_string()))?
                .bind(rec.version)?
                .bind(rec.seq)?
                .bind(i64::from(rec.deleted))?
                .bind(rec.body.to_string())?
                .bind(r.created_at)?
                .bind(rec.updated_at)?
                .bind(rec.updated_by.map(|o| o.to_string()))?;
            Ok(())
        })?;
        qb.push(
            " ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, node_path = excluded.node_path, \
             version = excluded.version, seq = excluded.seq, deleted = excluded.deleted, body = excluded.body, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        );
        qb.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn fetch_in(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    sql_head: &str,
    ids: &[String],
) -> Result<Vec<AnyRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let mut qb = Sql::new(backend, sql_head);
        qb.push(" IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.bind(id.clone())?;
        }
        qb.push(")");
        out.extend(qb.fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

pub struct PushOutcome {
    pub results: Vec<OpResult>,
}

/// Applies a batch in one transaction. Replaying it answers `duplicate` for every op
/// applied before and changes nothing.
pub async fn push(st: &AppState, principal: &Principal, ops: &[Op]) -> Result<PushOutcome> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let base_seq = lock_seq(&mut tx).await?;

    let op_ids: Vec<String> = ops.iter().map(|o| o.op_id.to_string()).collect();
    let mut applied_before: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        st.db.backend,
        "SELECT op_id, version, seq FROM applied_ops WHERE op_id",
        &op_ids,
    )
    .await?
    {
        applied_before.insert(
            parse_uuid(&row.try_get::<String, _>(0)?)?,
            (row.try_get(1)?, row.try_get(2)?),
        );
    }
    let rec_ids: Vec<String> = ops.iter().map(|o| o.record_id.to_string()).collect();
    let mut current: HashMap<Uuid, StoredRecord> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        st.db.backend,
        &format!("SELECT {RECORD_COLUMNS} FROM records WHERE id"),
        &rec_ids,
    )
    .await?
    {
        let r = row_to_record(&row)?;
        current.insert(r.record.id, r);
    }
    let node_ids: Vec<String> = ops.iter().map(|o| o.node_id.to_string()).collect();
    let mut nodes: HashMap<Uuid, NodePath> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        st.db.backend,
        "SELECT id, node_path FROM records WHERE kind = 'org_node' AND deleted = 0 AND id",
        &node_ids,
    )
    .await?
    {
        let id = parse_uuid(&row.try_get::<String, _>(0)?)?;
        if let Some(p) = NodePath::parse(&row.try_get::<String, _>(1)?) {
            nodes.insert(id, p);
        }
    }

    let mut seq = base_seq;
    let mut results: Vec<OpResult> = Vec::with_capacity(ops.len());
    let mut changed: Vec<Uuid> = Vec::new();
    let mut changed_set: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let mut applied_rows: Vec<(Uuid, Uuid, i64, i64)> = Vec::new();
    let mut seen_in_batch: HashMap<Uuid, usize> = HashMap::new();
    for op in ops {
        // The same op twice in one batch is answered like a replay.
        if let Some(&i) = seen_in_batch.get(&op.op_id) {
            let mut r: OpResult = results[i].clone();
            if r.status == OpStatus::Applied {
                r.status = OpStatus::Duplicate;
            }
            results.push(r);
            continue;
        }
        seen_in_batch.insert(op.op_id, results.len());
        let existing = current.get(&op.record_id).map(|r| Existing {
            kind: r.record.kind,
            version: r.record.version,
            node_path: r.node_path.clone(),
            deleted: r.record.deleted,
        });
        let before = applied_before.get(&op.op_id).copied();
        let decision = decide(&DecideInput {
            principal,
            op,
            target: nodes.get(&op.node_id),
            existing: existing.as_ref(),
            already_applied: before.is_some(),
        });
        let mut res = OpResult {
            op_id: op.op_id,
            status: decision.status(),
            version: None,
            seq: None,
            code: None,
            reason: None,
            current: None,
        };
        match decision {
            Decision::Apply { version } => {
                seq += 1;
                let path = nodes
                    .get(&op.node_id)
                    .cloned()
                    .ok_or_else(|| ApiError::internal("node vanished".into()))?;
                let (owner, created_at) = match current.get(&op.record_id) {
                    Some(r) => (r.record.owner_id, r.created_at),
                    None => (Some(principal.account_id), now),
                };
                let stored = StoredRecord {
                    record: Record {
                        id: op.record_id,
                        kind: op.kind,
                        node_id: op.node_id,
                        owner_id: owner,
                        version,
                        seq,
                        deleted: op.deleted,
                        body: if op.deleted {
                            serde_json::json!({})
                        } else {
                            op.body.clone()
                        },
                        updated_at: now,
                        updated_by: Some(principal.account_id),
                    },
                    node_path: path,
                    created_at,
                };
                current.insert(op.record_id, stored);
                if changed_set.insert(op.record_id) {
                    changed.push(op.record_id);
                }
                applied_rows.push((op.op_id, op.record_id, version, seq));
                res.version = Some(version);
                res.seq = Some(seq);
            }
            Decision::Duplicate => {
                if let Some((v, s)) = before {
                    res.version = Some(v);
                    res.seq = Some(s);
                }
            }
            Decision::Reject(e) => {
                res.code = Some(e.code.to_owned());
                res.reason = Some(e.message.to_owned());
            }
            Decision::Conflict => {
                res.code = Some("Conflict".to_owned());
                res.reason = Some("该记录已被他人修改，请查看最新内容后再决定".to_owned());
                res.current = current.get(&op.record_id).map(|r| r.record.clone());
            }
        }
        results.push(res);
    }

    if seq > base_seq {
        let rows: Vec<StoredRecord> = changed
            .iter()
            .filter_map(|id| current.get(id).cloned())
            .collect();
        upsert_records(&mut tx, st.db.backend, &rows).await?;
        for chunk in applied_rows.chunks(1000) {
            let mut qb = Sql::new(
                st.db.backend,
                "INSERT INTO applied_ops (op_id, account_id, record_id, version, seq, applied_at)",
            );
            qb.values(chunk, |b, (op_id, rec, v, s)| {
                b.bind(op_id.to_string())?
                    .bind(principal.account_id.to_string())?
                    .bind(rec.to_string())?
                    .bind(*v)?
                    .bind(*s)?
                    .bind(now)?;
                Ok(())
            })?;
            qb.execute(&mut *tx).await?;
        }
        set_seq(&mut tx, seq).await?;
    }
    tx.commit().await?;
    for r in &results {
        let status = match r.status {
            OpStatus::Applied => "applied",
            OpStatus::Duplicate => "duplicate",
            OpStatus::Rejected => "rejected",
            OpStatus::Conflict => "conflict",
        };
        metrics::counter!("huiji_sync_ops_total", "status" => status).increment(1);
    }
    Ok(PushOutcome { results })
}

/// One page of rows after `cursor` that `principal` may see.
pub async fn pull(
    st: &AppState,
    principal: &Principal,
    cursor: i64,
    limit: u32,
) -> Result<PullResponse> {
    // Read the high-water mark first: every row at or below it is committed, because the
    // counter moves in the same transaction as the rows it numbers.
    let high = current_seq(st).await?;
    let filter = pull_filter(principal);
    let mut qb = Sql::new(
        st.db.backend,
        format!("SELECT {RECORD_COLUMNS} FROM records WHERE seq > "),
    );
    qb.bind(cursor)?
        .push(" AND seq <= ")
        .bind(high)?
        .push(" AND (owner_id = ")
        .bind(filter.owner_id.to_string())?;
    for f in &filter.kinds {
        if !f.all && f.prefixes.is_empty() && f.exact.is_empty() {
            continue;
        }
        qb.push(" OR (kind = ").bind(f.kind.as_str())?;
        if !f.all {
            qb.push(" AND (1 = 0");
            for p in &f.prefixes {
                qb.push(" OR node_path LIKE ")
                    .bind(format!("{}%", p.as_str()))?;
            }
            for p in &f.exact {
                qb.push(" OR node_path = ").bind(p.as_str().to_owned())?;
            }
            qb.push(")");
        }
        qb.push(")");
    }
    qb.push(") ORDER BY seq LIMIT ").bind(i64::from(limit))?;
    let rows = qb.fetch_all(&st.db.pool).await?;
    let full = rows.len() as u32 == limit;
    let mut records = Vec::with_capacity(rows.len());
    let mut last = cursor;
    for row in &rows {
        let r = row_to_record(row)?;
        last = r.record.seq;
        // The SQL is a prefilter; the pure rule has the last word.
        let meta = RecordMeta {
            kind: r.record.kind,
            node_path: &r.node_path,
            owner_id: r.record.owner_id,
        };
        if visible(principal, &meta) {
            records.push(r.record);
        }
    }
    let next_cursor = if full { last } else { high.max(cursor) };
    metrics::counter!("huiji_sync_pulled_rows_total").increment(records.len() as u64);
    Ok(PullResponse {
        records,
        next_cursor,
        has_more: full && last < high,
        server_seq: high,
    })
}
