//! Conflicts: a local change made on a version the server has since moved past. The
//! local row stays as the user left it until they choose; pulls keep the server's side
//! of the conflict fresh meanwhile.

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{Op, Record};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::local::insert_new;
use crate::outbox::{enqueue, NewOp};
use crate::pull::{apply_server_record, take_held};
use crate::store::{conversion, kind_col, uuid_col, Store};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub op_id: Uuid,
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    /// `None`: the local change was a delete.
    pub local_body: Option<serde_json::Value>,
    /// The record as the server holds it now.
    pub server: Record,
    pub created_at: i64,
}

/// Sets the op's record aside as a conflict. The record's other pending ops go with it:
/// they were made on the same stale version, and the local row already holds their
/// result, which is what "keep mine" sends.
pub(crate) fn record_conflict(c: &Connection, op: &Op, current: &Record, now: i64) -> Result<()> {
    let key = op.record_id.to_string();
    let local_body: Option<String> = c
        .prepare_cached("SELECT body FROM records WHERE id = ?1 AND deleted = 0")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    let server = match take_held(c, &key)? {
        Some(held) if held.seq > current.seq => held,
        _ => current.clone(),
    };
    c.prepare_cached("DELETE FROM conflicts WHERE record_id = ?1")?
        .execute([&key])?;
    c.prepare_cached(
        "INSERT INTO conflicts (op_id, record_id, kind, node_id, local_body, server_record, server_seq, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        op.op_id.to_string(),
        key,
        op.kind.as_str(),
        op.node_id.to_string(),
        local_body,
        serde_json::to_string(&server)?,
        server.seq,
        now,
    ])?;
    c.prepare_cached("DELETE FROM outbox WHERE record_id = ?1 AND state = 'pending'")?
        .execute([&key])?;
    Ok(())
}

fn conflict_view(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConflictView> {
    let local: Option<String> = r.get(4)?;
    let server: String = r.get(5)?;
    Ok(ConflictView {
        op_id: uuid_col(r, 0)?,
        record_id: uuid_col(r, 1)?,
        kind: kind_col(r, 2)?,
        node_id: uuid_col(r, 3)?,
        local_body: local
            .map(|s| {
                serde_json::from_str(&s).map_err(|e| conversion(4, rusqlite::types::Type::Text, e))
            })
            .transpose()?,
        server: serde_json::from_str(&server)
            .map_err(|e| conversion(5, rusqlite::types::Type::Text, e))?,
        created_at: r.get(6)?,
    })
}

const CONFLICT_SELECT: &str =
    "SELECT op_id, record_id, kind, node_id, local_body, server_record, created_at FROM conflicts";

impl Store {
    pub fn conflicts(&self) -> Result<Vec<ConflictView>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached(&format!("{CONFLICT_SELECT} ORDER BY created_at, op_id"))?;
            let rows = stmt.query_map([], conflict_view)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Takes the server's record: the local change is dropped.
    pub fn resolve_take_theirs(&self, op_id: Uuid) -> Result<()> {
        self.write(|tx| {
            let conflict = take_conflict(tx, op_id)?;
            apply_server_record(tx, &conflict.server)
        })
    }

    /// Keeps the local change: queues it again as an edit of the server's current
    /// version. Returns the id of the record that now holds the local body, which is a
    /// new one when the server has deleted the record (a deleted id cannot come back).
    pub fn resolve_keep_mine(&self, op_id: Uuid) -> Result<Uuid> {
        let now = self.now();
        self.write(|tx| {
            let c = take_conflict(tx, op_id)?;
            let key = c.record_id.to_string();
            let server = &c.server;
            let mine = c.local_body.as_ref().map(|b| b.to_string());
            match (mine, server.deleted) {
                (None, true) => {
                    tx.execute("DELETE FROM records WHERE id = ?1", [&key])?;
                    Ok(c.record_id)
                }
                (Some(body), true) => {
                    tx.execute("DELETE FROM records WHERE id = ?1", [&key])?;
                    insert_new(tx, c.kind, c.node_id, &body, now)
                }
                (mine, false) => {
                    let deleted = mine.is_none();
                    let body = mine.unwrap_or_else(|| server.body.to_string());
                    tx.prepare_cached(
                        "INSERT INTO records (id, kind, node_id, owner_id, version, seq, deleted, body, updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                         ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, \
                         version = excluded.version, seq = excluded.seq, deleted = excluded.deleted, \
                         body = excluded.body, updated_at = excluded.updated_at",
                    )?
                    .execute(params![
                        key,
                        c.kind.as_str(),
                        c.node_id.to_string(),
                        server.owner_id.map(|o| o.to_string()),
                        server.version,
                        server.seq,
                        deleted,
                        body,
                        now,
                    ])?;
                    enqueue(
                        tx,
                        &NewOp {
                            record_id: c.record_id,
                            kind: c.kind,
                            node_id: c.node_id,
                            base_version: Some(server.version),
                            deleted,
                            body: if deleted { "{}" } else { &body },
                            made_at: now,
                        },
                    )?;
                    Ok(c.record_id)
                }
            }
        })
    }
}

fn take_conflict(c: &Connection, op_id: Uuid) -> Result<ConflictView> {
    let key = op_id.to_string();
    let view = c
        .prepare_cached(&format!("{CONFLICT_SELECT} WHERE op_id = ?1"))?
        .query_row([&key], conflict_view)
        .optional()?
        .ok_or(Error::NotFound)?;
    c.execute("DELETE FROM conflicts WHERE op_id = ?1", [&key])?;
    Ok(view)
}

/// A newer server row for a record in conflict replaces the conflict's server side.
pub(crate) fn refresh_conflict(c: &Connection, record: &Record) -> Result<bool> {
    let key = record.id.to_string();
    let exists: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM conflicts WHERE record_id = ?1)")?
        .query_row([&key], |r| r.get(0))?;
    if exists {
        c.prepare_cached(
            "UPDATE conflicts SET server_record = ?2, server_seq = ?3 \
             WHERE record_id = ?1 AND server_seq < ?3",
        )?
        .execute(params![key, serde_json::to_string(record)?, record.seq])?;
    }
    Ok(exists)
}
