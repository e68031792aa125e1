//! The workflow outbox: submissions and decisions made on this device, each under the
//! id the server dedupes on, kept until the server has them (then deleted) or has
//! refused them (then kept, with the reason, for the user to read).

use huiji_domain::wire::Record;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryOp {
    Submit,
    Action,
}

impl EntryOp {
    fn as_str(self) -> &'static str {
        match self {
            EntryOp::Submit => "submit",
            EntryOp::Action => "action",
        }
    }
}

/// One entry as written.
pub(crate) struct NewEntry<'a> {
    pub id: Uuid,
    pub op: EntryOp,
    pub request_id: Uuid,
    pub account_id: Uuid,
    pub payload: String,
    pub provisional: Option<String>,
    pub title: &'a str,
    pub what: &'a str,
    pub made_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub op: EntryOp,
    pub request_id: String,
    pub payload: String,
    pub title: String,
    pub what: String,
    pub state: String,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub current: Option<String>,
}

const ENTRY_SELECT: &str =
    "SELECT id, op, request_id, payload, title, what, state, code, reason, current \
     FROM workflow_outbox";

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let op: String = r.get(1)?;
    Ok(Entry {
        id: r.get(0)?,
        op: if op == "submit" {
            EntryOp::Submit
        } else {
            EntryOp::Action
        },
        request_id: r.get(2)?,
        payload: r.get(3)?,
        title: r.get(4)?,
        what: r.get(5)?,
        state: r.get(6)?,
        code: r.get(7)?,
        reason: r.get(8)?,
        current: r.get(9)?,
    })
}

pub(crate) fn insert(c: &Connection, e: &NewEntry<'_>) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO workflow_outbox (id, ord, op, request_id, account_id, payload, provisional, \
         title, what, made_at) \
         VALUES (?1, (SELECT COALESCE(MAX(ord), 0) + 1 FROM workflow_outbox), ?2, ?3, ?4, ?5, ?6, \
         ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id.to_string(),
        e.op.as_str(),
        e.request_id.to_string(),
        e.account_id.to_string(),
        e.payload,
        e.provisional,
        e.title,
        e.what,
        e.made_at,
    ])?;
    Ok(())
}

/// `account`'s entries in one state, oldest first.
pub(crate) fn entries(store: &Store, account: Uuid, state: &str) -> Result<Vec<Entry>> {
    store.read(|c| {
        let mut stmt = c.prepare_cached(&format!(
            "{ENTRY_SELECT} WHERE account_id = ?1 AND state = ?2 ORDER BY ord"
        ))?;
        let rows = stmt.query_map(params![account.to_string(), state], entry_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

pub(crate) fn get(c: &Connection, id: &str) -> Result<Option<Entry>> {
    Ok(c.prepare_cached(&format!("{ENTRY_SELECT} WHERE id = ?1"))?
        .query_row([id], entry_row)
        .optional()?)
}

/// The queued submission of a request, if it is still only here.
pub(crate) fn submission(c: &Connection, request_id: &str) -> Result<Option<(String, String)>> {
    Ok(c.prepare_cached(
        "SELECT provisional, state FROM workflow_outbox WHERE request_id = ?1 AND op = 'submit' \
         AND provisional IS NOT NULL ORDER BY ord DESC LIMIT 1",
    )?
    .query_row([request_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

pub(crate) fn has_queued(c: &Connection, request_id: &str, account: Uuid) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM workflow_outbox WHERE request_id = ?1 AND account_id = ?2 \
         AND state = 'queued')",
    )?
    .query_row(params![request_id, account.to_string()], |r| r.get(0))?)
}

pub(crate) fn note_attempt(store: &Store, ids: &[&str]) -> Result<()> {
    note_attempts(store, "workflow_outbox", ids)
}

/// One more try for entries of an outbox table (this one or the payment outbox).
pub(crate) fn note_attempts(store: &Store, table: &'static str, ids: &[&str]) -> Result<()> {
    store.write(|tx| {
        let mut stmt = tx.prepare_cached(&format!(
            "UPDATE {table} SET attempts = attempts + 1 WHERE id = ?1"
        ))?;
        for id in ids {
            stmt.execute([id])?;
        }
        Ok(())
    })
}

/// How the server answered one entry.
pub(crate) enum Settle<'a> {
    /// Applied (or applied before): the entry goes; the record is the request now.
    Done(Option<&'a Record>),
    Rejected {
        code: &'a str,
        reason: &'a str,
    },
    /// Someone acted first: kept with the server's request, which is also stored.
    Conflict(Option<&'a Record>),
}

/// Settles entries and stores the records the server sent back, in one transaction.
pub(crate) fn settle<S: AsRef<str>>(store: &Store, answers: &[(S, Settle<'_>)]) -> Result<()> {
    store.write(|tx| {
        for (id, answer) in answers {
            let id = id.as_ref();
            match answer {
                Settle::Done(record) => {
                    tx.prepare_cached("DELETE FROM workflow_outbox WHERE id = ?1")?
                        .execute([id])?;
                    if let Some(r) = record {
                        crate::pull::apply_server_record(tx, r)?;
                    }
                }
                Settle::Rejected { code, reason } => {
                    tx.prepare_cached(
                        "UPDATE workflow_outbox SET state = 'rejected', code = ?2, reason = ?3 \
                         WHERE id = ?1",
                    )?
                    .execute(params![id, code, reason])?;
                }
                Settle::Conflict(record) => {
                    let current = record.map(serde_json::to_string).transpose()?;
                    tx.prepare_cached(
                        "UPDATE workflow_outbox SET state = 'conflict', code = 'Conflict', \
                         current = ?2 WHERE id = ?1",
                    )?
                    .execute(params![id, current])?;
                    if let Some(r) = record {
                        crate::pull::apply_server_record(tx, r)?;
                    }
                }
            }
        }
        crate::request_index::reindex_dirty(tx)?;
        Ok(())
    })
}

/// Removes an entry the user has read (never one still waiting to be sent).
pub(crate) fn dismiss(store: &Store, id: &str, account: Uuid) -> Result<bool> {
    dismiss_in(store, "workflow_outbox", id, account)
}

/// Removes an entry of an outbox table the user has read (never one still to be sent).
pub(crate) fn dismiss_in(
    store: &Store,
    table: &'static str,
    id: &str,
    account: Uuid,
) -> Result<bool> {
    store.write(|tx| {
        let n = tx
            .prepare_cached(&format!(
                "DELETE FROM {table} WHERE id = ?1 AND account_id = ?2 AND state <> 'queued'"
            ))?
            .execute(params![id, account.to_string()])?;
        Ok(n > 0)
    })
}
