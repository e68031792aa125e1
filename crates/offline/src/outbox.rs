//! The outbox: choosing what to push and applying the server's answers.
//!
//! Several ops for one record may be pending (an edit made while an earlier one was in
//! flight). Each later op was made on top of the earlier one, so its base version must be
//! the version the earlier op produces, which only the server's answer tells. Hence a
//! batch carries at most the first pending op of each record, and applying that op
//! rewrites the base version of the record's later ops before they are sent.

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{Op, OpResult, OpStatus};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

use crate::conflicts::record_conflict;
use crate::error::{Error, Result};
use crate::pull::settle_held;
use crate::store::{json_col, kind_col, uuid_col, Store};

/// What the server answered to a push, counted by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub applied: usize,
    pub duplicate: usize,
    pub rejected: usize,
    pub conflicts: usize,
    pub batches: usize,
}

impl PushReport {
    pub(crate) fn add(&mut self, other: &PushReport) {
        self.applied += other.applied;
        self.duplicate += other.duplicate;
        self.rejected += other.rejected;
        self.conflicts += other.conflicts;
        self.batches += other.batches;
    }

    pub fn ops(&self) -> usize {
        self.applied + self.duplicate + self.rejected + self.conflicts
    }
}

/// An op the server refused; kept so the user can see why, never retried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedOp {
    pub op_id: Uuid,
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub deleted: bool,
    pub body: serde_json::Value,
    pub made_at: i64,
    pub code: Option<String>,
    pub reason: Option<String>,
}

pub(crate) struct NewOp<'a> {
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    pub base_version: Option<i64>,
    pub deleted: bool,
    pub body: &'a str,
    pub made_at: i64,
}

pub(crate) fn enqueue(c: &Connection, op: &NewOp<'_>) -> Result<Uuid> {
    let op_id = Uuid::now_v7();
    c.prepare_cached(
        "INSERT INTO outbox (op_id, ord, record_id, kind, node_id, base_version, deleted, body, made_at) \
         VALUES (?1, (SELECT COALESCE(MAX(ord), 0) + 1 FROM outbox), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        op_id.to_string(),
        op.record_id.to_string(),
        op.kind.as_str(),
        op.node_id.to_string(),
        op.base_version,
        op.deleted,
        op.body,
        op.made_at,
    ])?;
    Ok(op_id)
}

pub(crate) fn has_pending(c: &Connection, record_id: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE record_id = ?1 AND state = 'pending')",
    )?
    .query_row([record_id], |r| r.get(0))?)
}

const PENDING_SELECT: &str =
    "SELECT op_id, record_id, kind, node_id, base_version, deleted, body, made_at \
     FROM outbox WHERE state = 'pending' ORDER BY ord";

fn op_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Op> {
    Ok(Op {
        op_id: uuid_col(r, 0)?,
        record_id: uuid_col(r, 1)?,
        kind: kind_col(r, 2)?,
        node_id: uuid_col(r, 3)?,
        base_version: r.get(4)?,
        deleted: r.get(5)?,
        body: json_col(r, 6)?,
        made_at: r.get(7)?,
    })
}

/// The next ops to send, oldest first, at most one per record, counted as attempted.
/// Once counted, an op may have reached the server, so local edits stop rewriting it.
pub(crate) fn next_batch(store: &Store, max: usize) -> Result<Vec<Op>> {
    store.write(|tx| {
        let mut ops = Vec::new();
        // A delete whose record never reached the server needs no server at all.
        let mut local_only: Vec<(String, String)> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(PENDING_SELECT)?;
            let mut rows = stmt.query([])?;
            let mut seen = HashSet::new();
            while let Some(r) = rows.next()? {
                let op = op_row(r)?;
                if !seen.insert(op.record_id) {
                    continue;
                }
                if op.deleted && op.base_version.is_none() {
                    local_only.push((op.op_id.to_string(), op.record_id.to_string()));
                    continue;
                }
                ops.push(op);
                if ops.len() >= max {
                    break;
                }
            }
        }
        for (op_id, record_id) in &local_only {
            tx.execute("DELETE FROM outbox WHERE op_id = ?1", [op_id])?;
            tx.execute(
                "DELETE FROM records WHERE id = ?1 AND version = 0",
                [record_id],
            )?;
        }
        let mut bump =
            tx.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE op_id = ?1")?;
        for op in &ops {
            bump.execute([op.op_id.to_string()])?;
        }
        Ok(ops)
    })
}

/// Applies the server's answers to a pushed batch, all in one transaction. Answers to
/// ops already settled (a response replayed) change nothing.
pub(crate) fn apply_push_results(
    store: &Store,
    ops: &[Op],
    results: &[OpResult],
) -> Result<PushReport> {
    check_results(ops, results)?;
    let now = store.now();
    store.write(|tx| {
        let mut report = PushReport {
            batches: 1,
            ..PushReport::default()
        };
        for (op, res) in ops.iter().zip(results) {
            match (res.status, res.version, res.seq, &res.current) {
                (OpStatus::Applied | OpStatus::Duplicate, Some(version), Some(seq), _) => {
                    if res.status == OpStatus::Applied {
                        report.applied += 1;
                    } else {
                        report.duplicate += 1;
                    }
                    on_applied(tx, op, version, seq)?;
                }
                (OpStatus::Conflict, _, _, Some(current)) => {
                    report.conflicts += 1;
                    if still_pending(tx, op)? {
                        record_conflict(tx, op, current, now)?;
                    }
                }
                // A conflict without the server's row cannot be resolved here; show it
                // like a rejection rather than lose the op.
                _ => {
                    report.rejected += 1;
                    on_rejected(tx, op, res)?;
                }
            }
        }
        Ok(report)
    })
}

fn check_results(ops: &[Op], results: &[OpResult]) -> Result<()> {
    if ops.len() != results.len() {
        return Err(Error::Protocol(format!(
            "{} results for {} ops",
            results.len(),
            ops.len()
        )));
    }
    for (op, res) in ops.iter().zip(results) {
        if op.op_id != res.op_id {
            return Err(Error::Protocol(format!(
                "result for op {} where op {} was expected",
                res.op_id, op.op_id
            )));
        }
        let bad = match res.status {
            OpStatus::Applied | OpStatus::Duplicate => {
                !matches!((res.version, res.seq), (Some(v), Some(s)) if v >= 1 && s >= 1)
            }
            OpStatus::Conflict => res.current.as_ref().is_some_and(|c| c.id != op.record_id),
            OpStatus::Rejected => false,
        };
        if bad {
            return Err(Error::Protocol(format!(
                "malformed {:?} result for op {}",
                res.status, op.op_id
            )));
        }
    }
    Ok(())
}

fn still_pending(c: &Connection, op: &Op) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM outbox WHERE op_id = ?1 AND state = 'pending'")?
            .query_row([op.op_id.to_string()], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

fn on_applied(c: &Connection, op: &Op, version: i64, seq: i64) -> Result<()> {
    let removed = c
        .prepare_cached("DELETE FROM outbox WHERE op_id = ?1 AND state = 'pending'")?
        .execute([op.op_id.to_string()])?;
    if removed == 0 {
        return Ok(());
    }
    let key = op.record_id.to_string();
    let more = has_pending(c, &key)?;
    if op.deleted && !more {
        c.prepare_cached("DELETE FROM records WHERE id = ?1")?
            .execute([&key])?;
        c.prepare_cached("DELETE FROM held WHERE record_id = ?1")?
            .execute([&key])?;
        return Ok(());
    }
    // MAX: an old answer arriving late must not move the row backwards.
    c.prepare_cached(
        "UPDATE records SET version = MAX(version, ?2), seq = MAX(seq, ?3) WHERE id = ?1",
    )?
    .execute(params![key, version, seq])?;
    if more {
        c.prepare_cached(
            "UPDATE outbox SET base_version = ?2 WHERE record_id = ?1 AND state = 'pending'",
        )?
        .execute(params![key, version])?;
    } else {
        settle_held(c, &key)?;
    }
    Ok(())
}

fn on_rejected(c: &Connection, op: &Op, res: &OpResult) -> Result<()> {
    let code = res.code.as_deref().unwrap_or(match res.status {
        OpStatus::Conflict => "Conflict",
        _ => "Rejected",
    });
    let changed = c
        .prepare_cached(
            "UPDATE outbox SET state = 'rejected', code = ?2, reason = ?3 \
             WHERE op_id = ?1 AND state = 'pending'",
        )?
        .execute(params![op.op_id.to_string(), code, res.reason])?;
    let key = op.record_id.to_string();
    if changed == 0 || has_pending(c, &key)? {
        return Ok(());
    }
    if op.deleted {
        // The server kept the record, so it comes back here too.
        c.prepare_cached("UPDATE records SET deleted = 0 WHERE id = ?1")?
            .execute([&key])?;
    }
    settle_held(c, &key)
}

impl Store {
    /// Pending ops in the order they were made, as they would go on the wire. Only a
    /// look: nothing is marked as sent.
    pub fn pending_ops(&self, limit: usize) -> Result<Vec<Op>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(PENDING_SELECT)?;
            let rows = stmt.query_map([], op_row)?;
            Ok(rows.take(limit).collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn rejected(&self) -> Result<Vec<RejectedOp>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT op_id, record_id, kind, deleted, body, made_at, code, reason \
                 FROM outbox WHERE state = 'rejected' ORDER BY ord",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RejectedOp {
                    op_id: uuid_col(r, 0)?,
                    record_id: uuid_col(r, 1)?,
                    kind: kind_col(r, 2)?,
                    deleted: r.get(3)?,
                    body: json_col(r, 4)?,
                    made_at: r.get(5)?,
                    code: r.get(6)?,
                    reason: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The user has seen a rejection; forget it.
    pub fn dismiss_rejected(&self, op_id: Uuid) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "DELETE FROM outbox WHERE op_id = ?1 AND state = 'rejected'",
                [op_id.to_string()],
            )?;
            if n == 0 {
                return Err(Error::NotFound);
            }
            Ok(())
        })
    }
}
