//! The activity outbox: venue-code check-ins, answers and lottery entries made on this
//! device, each under the item id the server dedupes on, kept until the server has them
//! (then deleted, its record applied here) or refused them (then kept, with the reason).
//! Like the payment outbox, it survives a logout: rows are keyed by account.

use rusqlite::{params, Connection};
use uuid::Uuid;

use super::views::OutboxState;
use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Checkin,
    Answer,
    Entry,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Checkin => "checkin",
            Op::Answer => "answer",
            Op::Entry => "entry",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub target_id: String,
    pub payload: String,
    pub outbox: OutboxState,
}

const SELECT: &str =
    "SELECT id, target_id, payload, state, code, reason, made_at FROM activity_outbox";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        target_id: r.get(1)?,
        payload: r.get(2)?,
        outbox: OutboxState {
            state: r.get(3)?,
            code: r.get(4)?,
            reason: r.get(5)?,
            made_at: r.get(6)?,
        },
    })
}

pub(crate) fn insert(
    c: &Connection,
    id: Uuid,
    op: Op,
    account: Uuid,
    target: Uuid,
    payload: &str,
    made_at: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO activity_outbox (id, ord, op, account_id, target_id, payload, made_at) \
         VALUES (?1, (SELECT COALESCE(MAX(ord), 0) + 1 FROM activity_outbox), ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id.to_string(),
        op.as_str(),
        account.to_string(),
        target.to_string(),
        payload,
        made_at
    ])?;
    Ok(())
}

/// `account`'s entries of one kind, oldest first (queued and refused).
pub(crate) fn entries(c: &Connection, account: Uuid, op: Op) -> Result<Vec<Entry>> {
    let mut stmt = c.prepare_cached(&format!(
        "{SELECT} WHERE account_id = ?1 AND op = ?2 ORDER BY ord"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), op.as_str()], entry)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// `account`'s entries still to send, oldest first.
pub(crate) fn queued(store: &Store, account: Uuid, op: Op) -> Result<Vec<Entry>> {
    store.read(|c| {
        Ok(entries(c, account, op)?
            .into_iter()
            .filter(|e| e.outbox.state == "queued")
            .collect())
    })
}

/// The newest entry about `target` (a survey, a lottery), if any.
pub(crate) fn latest_for(
    c: &Connection,
    account: Uuid,
    op: Op,
    target: &str,
) -> Result<Option<Entry>> {
    Ok(entries(c, account, op)?
        .into_iter()
        .rev()
        .find(|e| e.target_id == target))
}

pub(crate) fn note_attempt(store: &Store, ids: &[String]) -> Result<()> {
    store.write(|tx| {
        for id in ids {
            tx.execute(
                "UPDATE activity_outbox SET attempts = attempts + 1 WHERE id = ?1",
                [id],
            )?;
        }
        Ok(())
    })
}

/// The server took it: forget the entry, keep its record.
pub(crate) fn done(
    store: &Store,
    id: &str,
    current: Option<&huiji_domain::wire::Record>,
) -> Result<()> {
    store.write(|tx| {
        if let Some(r) = current {
            crate::pull::apply_server_record(tx, r)?;
        }
        tx.execute("DELETE FROM activity_outbox WHERE id = ?1", [id])?;
        Ok(())
    })
}

pub(crate) fn rejected(store: &Store, id: &str, code: &str, reason: &str) -> Result<()> {
    store.write(|tx| {
        tx.execute(
            "UPDATE activity_outbox SET state = 'rejected', code = ?2, reason = ?3 WHERE id = ?1",
            params![id, code, reason],
        )?;
        Ok(())
    })
}

/// Drops the caller's refused entries about `target` (they answer again or read it).
pub(crate) fn clear_rejected(c: &Connection, account: Uuid, target: &str) -> Result<()> {
    c.execute(
        "DELETE FROM activity_outbox WHERE account_id = ?1 AND target_id = ?2 AND state = 'rejected'",
        params![account.to_string(), target],
    )?;
    Ok(())
}
