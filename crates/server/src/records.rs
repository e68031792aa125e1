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
    "id, kind, node_id, node_path, owner_id, version, seq, deleted, body, created_at, updated_at, updated_by, audience";

/// A full stored row.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub record: Record,
    pub node_path: NodePath,
    pub created_at: i64,
    /// Who besides the owner receives an `Audience` kind (a request's approvers).
    pub audience: Vec<Uuid>,
}

/// `audience` as stored: space-separated ids, NULL when empty.
pub fn audience_text(a: &[Uuid]) -> Option<String> {
    if a.is_empty() {
        None
    } else {
        Some(a.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" "))
    }
}

fn parse_audience(s: Option<String>) -> Vec<Uuid> {
    s.map(|s| {
        s.split_whitespace()
            .filter_map(|x| Uuid::parse_str(x).ok())
            .collect()
    })
    .unwrap_or_default()
}

pub fn row_to_record(row: &AnyRow) -> Result<StoredRecord> {
    let kind: String = row.try_get(1)?;
    let path: String = row.try_get(3)?;
    let owner: Option<String> = row.try_get(4)?;
    let body: String = row.try_get(8)?;
    let updated_by: Option<String> = row.try_get(11)?;
    let audience: Option<String> = row.try_get(12)?;
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
        audience: parse_audience(audience),
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

/// Takes the seq lock and reserves `n` numbers in one statement; returns the base (the
/// reserved seqs are base+1 ..= base+n).
pub async fn reserve_seq(tx: &mut Transaction<'_, Any>, n: i64) -> Result<i64> {
    let row =
        sqlx::query("UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value")
            .bind(n)
            .fetch_one(&mut **tx)
            .await?;
    let end: i64 = row.try_get(0)?;
    Ok(end - n)
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

const UPSERT_TAIL: &str = " ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, \
    node_path = excluded.node_path, version = excluded.version, seq = excluded.seq, \
    deleted = excluded.deleted, body = excluded.body, updated_at = excluded.updated_at, \
    updated_by = excluded.updated_by, audience = excluded.audience";

/// Appends `INSERT INTO records … VALUES …` for `rows` (with the upsert tail if asked).
fn push_records_insert(qb: &mut Sql, rows: &[StoredRecord], upsert: bool) -> Result<()> {
    qb.push(&format!("INSERT INTO records ({RECORD_COLUMNS})"));
    qb.values(rows, |b, r| {
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
            .bind(rec.updated_by.map(|o| o.to_string()))?
            .bind(audience_text(&r.audience))?;
        Ok(())
    })?;
    if upsert {
        qb.push(UPSERT_TAIL);
    }
    Ok(())
}

/// Inserts rows in chunks (bind-parameter limits); with `upsert`, rows that exist are
/// overwritten (the caller holds their locks). Without it a row that appeared meanwhile
/// fails with a unique violation, which the push turns into a retry.
pub async fn write_records(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    rows: &[StoredRecord],
    upsert: bool,
) -> std::result::Result<(), PushError> {
    for chunk in rows.chunks(1000) {
        let mut qb = Sql::new(backend, "");
        push_records_insert(&mut qb, chunk, upsert)?;
        qb.execute(&mut **tx).await?;
    }
    Ok(())
}

type AppliedRow = (Uuid, Uuid, i64, i64);

fn push_applied_insert(
    qb: &mut Sql,
    rows: &[AppliedRow],
    account: Uuid,
    base: i64,
    now: i64,
) -> Result<()> {
    qb.push("INSERT INTO applied_ops (op_id, account_id, record_id, version, seq, applied_at)");
    qb.values(rows, |b, (op_id, rec, v, s)| {
        b.bind(op_id.to_string())?
            .bind(account.to_string())?
            .bind(rec.to_string())?
            .bind(*v)?
            .bind(*s + base)?
            .bind(now)?;
        Ok(())
    })?;
    Ok(())
}

async fn fetch_in(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    sql_head: &str,
    suffix: &str,
    ids: &[String],
) -> sqlx::Result<Vec<AnyRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let mut qb = Sql::new(backend, sql_head);
        qb.push(" IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.bind(id.clone())
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        }
        qb.push(")");
        qb.push(suffix);
        out.extend(qb.fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

pub struct PushOutcome {
    pub results: Vec<OpResult>,
}

/// When the seq lock is taken. `First`: before reading anything, so the whole batch is
/// serialised (SQLite always; PostgreSQL after a race). `Late`: PostgreSQL reads and
/// decides under row locks on the records it touches, and holds the seq lock only for
/// the writes, so concurrent pushes of different records overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockMode {
    First,
    Late,
}

pub enum PushError {
    /// Another transaction created the same record or applied the same op meanwhile.
    Race,
    Other(ApiError),
}

impl From<sqlx::Error> for PushError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            // unique violation, serialization failure, deadlock
            if matches!(db.code().as_deref(), Some("23505" | "40001" | "40P01"))
                || db.is_unique_violation()
            {
                return PushError::Race;
            }
        }
        PushError::Other(e.into())
    }
}

impl From<ApiError> for PushError {
    fn from(e: ApiError) -> Self {
        PushError::Other(e)
    }
}

/// Applies a batch in one transaction. Replaying it answers `duplicate` for every op
/// applied before and changes nothing.
pub async fn push(st: &AppState, principal: &Principal, ops: &[Op]) -> Result<PushOutcome> {
    let first_try = match st.db.backend {
        Backend::Sqlite => LockMode::First,
        Backend::Postgres => LockMode::Late,
    };
    let mut mode = first_try;
    let results = loop {
        match push_tx(st, principal, ops, mode).await {
            Ok(r) => break r,
            // Lost a race on the optimistic path: once more, fully serialised.
            Err(PushError::Race) if mode == LockMode::Late => {
                metrics::counter!("huiji_sync_push_retries_total").increment(1);
                mode = LockMode::First;
            }
            Err(PushError::Race) => {
                return Err(ApiError::client(
                    axum::http::StatusCode::CONFLICT,
                    "PushRace",
                    "同一批数据正在提交中，请稍后重试",
                ))
            }
            Err(PushError::Other(e)) => return Err(e),
        }
    };
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

async fn push_tx(
    st: &AppState,
    principal: &Principal,
    ops: &[Op],
    mode: LockMode,
) -> std::result::Result<Vec<OpResult>, PushError> {
    let now = st.now();
    let backend = st.db.backend;
    let mut tx = st.db.writer.begin().await?;
    let base_seq = match mode {
        LockMode::First => Some(lock_seq(&mut tx).await?),
        LockMode::Late => None,
    };

    let rec_ids: Vec<String> = ops.iter().map(|o| o.record_id.to_string()).collect();
    let lock_rows = if mode == LockMode::Late {
        " FOR UPDATE"
    } else {
        ""
    };
    let mut current: HashMap<Uuid, StoredRecord> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        backend,
        &format!("SELECT {RECORD_COLUMNS} FROM records WHERE id"),
        lock_rows,
        &rec_ids,
    )
    .await?
    {
        let r = row_to_record(&row)?;
        current.insert(r.record.id, r);
    }
    // Applied ops are read after the records: an op that committed in between is then
    // seen as applied (a duplicate), never as a create meeting its own row (a conflict).
    let op_ids: Vec<String> = ops.iter().map(|o| o.op_id.to_string()).collect();
    let mut applied_before: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        backend,
        "SELECT op_id, version, seq FROM applied_ops WHERE op_id",
        "",
        &op_ids,
    )
    .await?
    {
        applied_before.insert(
            parse_uuid(&row.try_get::<String, _>(0)?)?,
            (row.try_get(1)?, row.try_get(2)?),
        );
    }
    let existed: std::collections::HashSet<Uuid> = current.keys().copied().collect();
    let node_ids: Vec<String> = ops.iter().map(|o| o.node_id.to_string()).collect();
    let mut nodes: HashMap<Uuid, NodePath> = HashMap::new();
    for row in fetch_in(
        &mut tx,
        backend,
        "SELECT id, node_path FROM records WHERE kind = 'org_node' AND deleted = 0 AND id",
        "",
        &node_ids,
    )
    .await?
    {
        let id = parse_uuid(&row.try_get::<String, _>(0)?)?;
        if let Some(p) = NodePath::parse(&row.try_get::<String, _>(1)?) {
            nodes.insert(id, p);
        }
    }

    // Decide every op; seqs are numbered 1.. here and shifted once the lock is held.
    let mut applied = 0_i64;
    let mut results: Vec<OpResult> = Vec::with_capacity(ops.len());
    let mut changed: Vec<Uuid> = Vec::new();
    let mut changed_set: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let mut applied_rows: Vec<AppliedRow> = Vec::new();
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
                applied += 1;
                let path = nodes
                    .get(&op.node_id)
                    .cloned()
                    .ok_or_else(|| ApiError::internal("node vanished".into()))?;
                let (owner, created_at, audience) = match current.get(&op.record_id) {
                    Some(r) => (r.record.owner_id, r.created_at, r.audience.clone()),
                    None => (Some(principal.account_id), now, Vec::new()),
                };
                let stored = StoredRecord {
                    record: Record {
                        id: op.record_id,
                        kind: op.kind,
                        node_id: op.node_id,
                        owner_id: owner,
                        version,
                        seq: applied,
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
                    audience,
                };
                current.insert(op.record_id, stored);
                if changed_set.insert(op.record_id) {
                    changed.push(op.record_id);
                }
                applied_rows.push((op.op_id, op.record_id, version, applied));
                res.version = Some(version);
                res.seq = Some(applied);
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

    if applied > 0 {
        let base = match base_seq {
            Some(b) => b,
            None => reserve_seq(&mut tx, applied).await?,
        };
        for r in results.iter_mut().filter(|r| r.status == OpStatus::Applied) {
            r.seq = r.seq.map(|s| s + base);
        }
        // Duplicates within the batch copied an applied result before the shift.
        for i in 0..results.len() {
            if results[i].status == OpStatus::Duplicate
                && !applied_before.contains_key(&results[i].op_id)
            {
                if let Some(&first) = seen_in_batch.get(&results[i].op_id) {
                    results[i].seq = results[first].seq;
                }
            }
        }
        let mut creates = Vec::new();
        let mut edits = Vec::new();
        for id in &changed {
            if let Some(r) = current.get(id) {
                let mut r = r.clone();
                r.record.seq += base;
                if existed.contains(id) {
                    edits.push(r);
                } else {
                    creates.push(r);
                }
            }
        }
        if backend == Backend::Postgres {
            // One statement, one round trip while the seq lock is held: the records and
            // the applied ops go in together through data-modifying CTEs (a push has at
            // most 1,000 ops: 18,000 parameters, within PostgreSQL's 65,535).
            let mut qb = Sql::new(backend, "WITH ");
            let mut ctes = 0;
            for (rows, upsert) in [(&creates, false), (&edits, true)] {
                if rows.is_empty() {
                    continue;
                }
                if ctes > 0 {
                    qb.push(", ");
                }
                qb.push(&format!("w{ctes} AS ("));
                push_records_insert(&mut qb, rows, upsert)?;
                qb.push(" RETURNING 1)");
                ctes += 1;
            }
            qb.push(" ");
            push_applied_insert(&mut qb, &applied_rows, principal.account_id, base, now)?;
            qb.execute(&mut *tx).await?;
        } else {
            write_records(&mut tx, backend, &creates, false).await?;
            write_records(&mut tx, backend, &edits, true).await?;
            for chunk in applied_rows.chunks(1000) {
                let mut qb = Sql::new(backend, "");
                push_applied_insert(&mut qb, chunk, principal.account_id, base, now)?;
                qb.execute(&mut *tx).await?;
            }
        }
        if base_seq.is_some() {
            set_seq(&mut tx, base + applied).await?;
        }
    }
    tx.commit().await?;
    Ok(results)
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
        .bind(filter.owner_id.to_string())?
        // Audience kinds: the caller is named in the row (ids are fixed-width UUIDs,
        // so a substring match is an exact match of one id).
        .push(" OR audience LIKE ")
        .bind(format!("%{}%", filter.owner_id))?;
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
    let rows = qb.fetch_all(&st.db.pool).await.map_err(ApiError::from)?;
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
            audience: &r.audience,
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

/// A row the server writes itself (org nodes, trust keys, revocations).
pub struct ServerRow {
    pub id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    pub node_path: NodePath,
    pub owner_id: Option<Uuid>,
    pub body: serde_json::Value,
    /// Receivers besides the owner, for `Audience` kinds; empty otherwise.
    pub audience: Vec<Uuid>,
}

/// Writes server-made rows inside the caller's transaction: takes the seq lock, gives
/// each row the next seq (a new version if it exists) and upserts it, so devices pull
/// it like any other change.
pub async fn write_server_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    rows: Vec<ServerRow>,
    actor: Option<Uuid>,
    now: i64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let base = reserve_seq(tx, rows.len() as i64).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    let existing = fetch_in(
        tx,
        backend,
        "SELECT id, version, created_at FROM records WHERE id",
        "",
        &ids,
    )
    .await?;
    let mut versions: HashMap<String, (i64, i64)> = HashMap::new();
    for row in &existing {
        versions.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
    }
    let stored: Vec<StoredRecord> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let (version, created_at) = versions
                .get(&r.id.to_string())
                .map_or((1, now), |(v, c)| (v + 1, *c));
            StoredRecord {
                record: Record {
                    id: r.id,
                    kind: r.kind,
                    node_id: r.node_id,
                    owner_id: r.owner_id,
                    version,
                    seq: base + 1 + i as i64,
                    deleted: false,
                    body: r.body,
                    updated_at: now,
                    updated_by: actor,
                },
                node_path: r.node_path,
                created_at,
                audience: r.audience,
            }
        })
        .collect();
    write_records(tx, backend, &stored, true)
        .await
        .map_err(|e| match e {
            PushError::Other(e) => e,
            PushError::Race => ApiError::internal("server write raced".into()),
        })
}

/// A record with its body read.
#[derive(Debug, Clone)]
pub struct Typed<T> {
    pub rec: StoredRecord,
    pub body: T,
}

/// The live record `id` of `kind`, its body read; `None` when absent, deleted or another
/// kind.
pub async fn typed<T: serde::de::DeserializeOwned>(
    conn: &mut sqlx::AnyConnection,
    id: Uuid,
    kind: RecordKind,
) -> Result<Option<Typed<T>>> {
    let Some(rec) = crate::workflow::get_record(conn, id).await? else {
        return Ok(None);
    };
    if rec.record.kind != kind || rec.record.deleted {
        return Ok(None);
    }
    let body = crate::workflow::from_json(&rec.record.body)?;
    Ok(Some(Typed { rec, body }))
}

impl<T: serde::Serialize> Typed<T> {
    /// The record with this body, to write as the next version.
    pub fn row(&self) -> Result<ServerRow> {
        Ok(ServerRow {
            id: self.rec.record.id,
            kind: self.rec.record.kind,
            node_id: self.rec.record.node_id,
            node_path: self.rec.node_path.clone(),
            owner_id: self.rec.record.owner_id,
            body: crate::workflow::to_json(&self.body)?,
            audience: self.rec.audience.clone(),
        })
    }
}
