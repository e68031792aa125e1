//! Local writes. Each one changes the mirror and the outbox in the same transaction, so
//! the device never holds an edit it will not push, nor an op for a row it lacks.

use huiji_domain::sync::{validate_body, RecordKind, APPEND_ONLY, SERVER_ONLY_KIND};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::outbox::{enqueue, NewOp};
use crate::store::{kind_col, uuid_col, Store};

struct RowState {
    kind: RecordKind,
    node_id: Uuid,
    version: i64,
}

/// What the outbox holds for one record.
struct Pending {
    /// Some op for it may already have reached the server.
    any_sent: bool,
    /// A create not yet sent, which an edit can simply rewrite.
    unsent_create: Option<String>,
}

impl Store {
    /// Creates a record here and queues its create op. The id is a new UUIDv7.
    pub fn create(&self, kind: RecordKind, node_id: Uuid, body: Value) -> Result<Uuid> {
        check_writable(kind)?;
        validate_body(kind, &body)?;
        let now = self.now();
        self.write(|tx| insert_new(tx, kind, node_id, &body.to_string(), now))
    }

    /// Many creates in one transaction (an import): all are written, or none.
    pub fn create_many(
        &self,
        kind: RecordKind,
        node_id: Uuid,
        bodies: Vec<Value>,
    ) -> Result<Vec<Uuid>> {
        check_writable(kind)?;
        let texts = bodies
            .iter()
            .map(|b| validate_body(kind, b).map(|()| b.to_string()))
            .collect::<huiji_domain::Result<Vec<_>>>()?;
        let now = self.now();
        self.write(|tx| {
            texts
                .iter()
                .map(|body| insert_new(tx, kind, node_id, body, now))
                .collect()
        })
    }

    /// Replaces a record's body. The op carries the version the edit was made on, so a
    /// change someone else made meanwhile comes back as a conflict, not an overwrite.
    pub fn update(&self, id: Uuid, body: Value) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let row = editable_row(tx, id)?;
            validate_body(row.kind, &body)?;
            let pending = pending_ops(tx, id)?;
            let never_sent = row.version == 0 && !pending.any_sent;
            if row.kind.spec().append_only && !never_sent {
                return Err(APPEND_ONLY.into());
            }
            let text = body.to_string();
            match pending.unsent_create.filter(|_| never_sent) {
                Some(op_id) => {
                    tx.prepare_cached(
                        "UPDATE outbox SET body = ?2, made_at = ?3 WHERE op_id = ?1",
                    )?
                    .execute(params![op_id, text, now])?;
                }
                None => {
                    enqueue(
                        tx,
                        &NewOp {
                            record_id: id,
                            kind: row.kind,
                            node_id: row.node_id,
                            base_version: synced_version(row.version),
                            deleted: false,
                            body: &text,
                            made_at: now,
                        },
                    )?;
                }
            }
            tx.prepare_cached("UPDATE records SET body = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![id.to_string(), text, now])?;
            Ok(())
        })
    }

    /// Deletes a record. One the server has never seen simply disappears; otherwise the
    /// row is hidden here and removed when the server applies the delete.
    pub fn delete(&self, id: Uuid) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let row = editable_row(tx, id)?;
            let pending = pending_ops(tx, id)?;
            let key = id.to_string();
            if row.version == 0 && !pending.any_sent {
                tx.execute(
                    "DELETE FROM outbox WHERE record_id = ?1 AND state = 'pending'",
                    [&key],
                )?;
                tx.execute("DELETE FROM records WHERE id = ?1", [&key])?;
                return Ok(());
            }
            if row.kind.spec().append_only {
                return Err(APPEND_ONLY.into());
            }
            enqueue(
                tx,
                &NewOp {
                    record_id: id,
                    kind: row.kind,
                    node_id: row.node_id,
                    base_version: synced_version(row.version),
                    deleted: true,
                    body: "{}",
                    made_at: now,
                },
            )?;
            tx.prepare_cached("UPDATE records SET deleted = 1, updated_at = ?2 WHERE id = ?1")?
                .execute(params![key, now])?;
            Ok(())
        })
    }
}

fn check_writable(kind: RecordKind) -> Result<()> {
    match kind.spec().write {
        Some(_) => Ok(()),
        None => Err(SERVER_ONLY_KIND.into()),
    }
}

/// `None` for a record the server has not confirmed yet. When an earlier op for it is
/// still pending, this is a placeholder: applying that op rewrites it.
fn synced_version(version: i64) -> Option<i64> {
    (version > 0).then_some(version)
}

pub(crate) fn insert_new(
    tx: &Transaction<'_>,
    kind: RecordKind,
    node_id: Uuid,
    body: &str,
    now: i64,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO records (id, kind, node_id, version, seq, deleted, body, updated_at) \
         VALUES (?1, ?2, ?3, 0, 0, 0, ?4, ?5)",
    )?
    .execute(params![
        id.to_string(),
        kind.as_str(),
        node_id.to_string(),
        body,
        now
    ])?;
    enqueue(
        tx,
        &NewOp {
            record_id: id,
            kind,
            node_id,
            base_version: None,
            deleted: false,
            body,
            made_at: now,
        },
    )?;
    Ok(id)
}

/// A live row that the user may change now: not deleted, not waiting on a conflict.
fn editable_row(c: &Connection, id: Uuid) -> Result<RowState> {
    let key = id.to_string();
    let row = c
        .prepare_cached("SELECT kind, node_id, version FROM records WHERE id = ?1 AND deleted = 0")?
        .query_row([&key], |r| {
            Ok(RowState {
                kind: kind_col(r, 0)?,
                node_id: uuid_col(r, 1)?,
                version: r.get(2)?,
            })
        })
        .optional()?
        .ok_or(Error::NotFound)?;
    let conflicted: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM conflicts WHERE record_id = ?1)")?
        .query_row([&key], |r| r.get(0))?;
    if conflicted {
        return Err(Error::Conflict);
    }
    check_writable(row.kind)?;
    Ok(row)
}

fn pending_ops(c: &Connection, id: Uuid) -> Result<Pending> {
    let mut stmt = c.prepare_cached(
        "SELECT op_id, base_version IS NULL AND deleted = 0, attempts FROM outbox \
         WHERE record_id = ?1 AND state = 'pending' ORDER BY ord",
    )?;
    let mut rows = stmt.query([id.to_string()])?;
    let mut out = Pending {
        any_sent: false,
        unsent_create: None,
    };
    while let Some(r) = rows.next()? {
        let op_id: String = r.get(0)?;
        let is_create: bool = r.get(1)?;
        let attempts: i64 = r.get(2)?;
        out.any_sent |= attempts > 0;
        if is_create && attempts == 0 && out.unsent_create.is_none() {
            out.unsent_create = Some(op_id);
        }
    }
    Ok(out)
}
