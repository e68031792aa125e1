//! The payment outbox: offline payments and payment decisions made on this device, each
//! under the id the server dedupes on, kept until the server has them (then deleted) or
//! refused them (then kept, with the reason, for the user to read). Proof photos wait
//! in the upload outbox beside them.

use huiji_domain::wire::Record;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Submit,
    Action,
}

pub(crate) struct NewEntry<'a> {
    pub id: Uuid,
    pub op: Op,
    pub payment_id: Uuid,
    pub account_id: Uuid,
    pub payload: String,
    pub upload_id: Option<Uuid>,
    pub provisional: Option<String>,
    pub what: &'a str,
    pub made_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub op: Op,
    pub payment_id: String,
    pub payload: String,
    pub upload_id: Option<String>,
    pub provisional: Option<String>,
    pub what: String,
    pub state: String,
    pub reason: Option<String>,
    pub current: Option<String>,
}

const SELECT: &str = "SELECT id, op, payment_id, payload, upload_id, provisional, what, state, \
     reason, current FROM payment_outbox";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let op: String = r.get(1)?;
    Ok(Entry {
        id: r.get(0)?,
        op: if op == "submit" {
            Op::Submit
        } else {
            Op::Action
        },
        payment_id: r.get(2)?,
        payload: r.get(3)?,
        upload_id: r.get(4)?,
        provisional: r.get(5)?,
        what: r.get(6)?,
        state: r.get(7)?,
        reason: r.get(8)?,
        current: r.get(9)?,
    })
}

pub(crate) fn insert(c: &Connection, e: &NewEntry<'_>) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO payment_outbox (id, ord, op, payment_id, account_id, payload, upload_id, \
         provisional, what, made_at) \
         VALUES (?1, (SELECT COALESCE(MAX(ord), 0) + 1 FROM payment_outbox), ?2, ?3, ?4, ?5, ?6, \
         ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id.to_string(),
        if e.op == Op::Submit {
            "submit"
        } else {
            "action"
        },
        e.payment_id.to_string(),
        e.account_id.to_string(),
        e.payload,
        e.upload_id.map(|u| u.to_string()),
        e.provisional,
        e.what,
        e.made_at,
    ])?;
    Ok(())
}

/// `account`'s entries in one state, oldest first.
pub(crate) fn entries(store: &Store, account: Uuid, state: &str) -> Result<Vec<Entry>> {
    store.read(|c| entries_in(c, account, state))
}

pub(crate) fn entries_in(c: &Connection, account: Uuid, state: &str) -> Result<Vec<Entry>> {
    let mut stmt = c.prepare_cached(&format!(
        "{SELECT} WHERE account_id = ?1 AND state = ?2 ORDER BY ord"
    ))?;
    let rows = stmt.query_map(params![account.to_string(), state], entry)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The newest entry of `account` about a payment, if any.
pub(crate) fn latest(c: &Connection, payment_id: &str, account: Uuid) -> Result<Option<Entry>> {
    Ok(c.prepare_cached(&format!(
        "{SELECT} WHERE payment_id = ?1 AND account_id = ?2 ORDER BY ord DESC LIMIT 1"
    ))?
    .query_row(params![payment_id, account.to_string()], entry)
    .optional()?)
}

pub(crate) fn has_queued(c: &Connection, payment_id: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM payment_outbox WHERE payment_id = ?1 AND state = 'queued')",
    )?
    .query_row([payment_id], |r| r.get(0))?)
}

/// Rewrites a queued submission (the payer corrected it before it was sent).
pub(crate) fn rewrite_submission(
    c: &Connection,
    id: &str,
    payload: &str,
    upload_id: Option<&str>,
    provisional: &str,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE payment_outbox SET payload = ?2, upload_id = ?3, provisional = ?4 \
         WHERE id = ?1 AND op = 'submit' AND state = 'queued'",
    )?
    .execute(params![id, payload, upload_id, provisional])?;
    Ok(())
}

pub(crate) fn remove(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM payment_outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub(crate) fn note_attempt(store: &Store, ids: &[&str]) -> Result<()> {
    crate::app::workflow::queue::note_attempts(store, "payment_outbox", ids)
}

pub(crate) enum Settle<'a> {
    Done(Option<&'a Record>),
    Rejected { code: &'a str, reason: &'a str },
    Conflict(Option<&'a Record>),
}

/// Settles entries and stores the records the server sent back, in one transaction.
pub(crate) fn settle<S: AsRef<str>>(store: &Store, answers: &[(S, Settle<'_>)]) -> Result<()> {
    store.write(|tx| {
        for (id, answer) in answers {
            let id = id.as_ref();
            match answer {
                Settle::Done(record) => {
                    remove(tx, id)?;
                    if let Some(r) = record {
                        crate::pull::apply_server_record(tx, r)?;
                    }
                }
                Settle::Rejected { code, reason } => {
                    tx.prepare_cached(
                        "UPDATE payment_outbox SET state = 'rejected', code = ?2, reason = ?3 \
                         WHERE id = ?1",
                    )?
                    .execute(params![id, code, reason])?;
                }
                Settle::Conflict(record) => {
                    let current = record.map(serde_json::to_string).transpose()?;
                    tx.prepare_cached(
                        "UPDATE payment_outbox SET state = 'conflict', code = 'Conflict', \
                         reason = NULL, current = ?2 WHERE id = ?1",
                    )?
                    .execute(params![id, current])?;
                    if let Some(r) = record {
                        crate::pull::apply_server_record(tx, r)?;
                    }
                }
            }
        }
        Ok(())
    })
}

/// Removes an entry the user has read (never one still waiting to be sent).
pub(crate) fn dismiss(store: &Store, id: &str, account: Uuid) -> Result<bool> {
    crate::app::workflow::queue::dismiss_in(store, "payment_outbox", id, account)
}

// ---------------------------------------------------------------- uploads

pub(crate) struct Upload {
    pub id: String,
    pub name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

pub(crate) fn put_upload(
    c: &Connection,
    id: Uuid,
    account: Uuid,
    name: &str,
    mime: &str,
    bytes: &[u8],
    now: i64,
) -> Result<()> {
    use sha2::Digest;
    c.prepare_cached(
        "INSERT INTO upload_outbox (id, account_id, name, mime, bytes, sha256, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id.to_string(),
        account.to_string(),
        name,
        mime,
        bytes,
        hex::encode(sha2::Sha256::digest(bytes)),
        now
    ])?;
    Ok(())
}

pub(crate) fn upload(c: &Connection, id: &str) -> Result<Option<Upload>> {
    Ok(
        c.prepare_cached("SELECT id, name, bytes, sha256 FROM upload_outbox WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(Upload {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    bytes: r.get(2)?,
                    sha256: r.get(3)?,
                })
            })
            .optional()?,
    )
}

/// The photo of an upload still on this device (for showing it before it is sent).
pub(crate) fn upload_image(c: &Connection, id: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(
        c.prepare_cached("SELECT mime, bytes FROM upload_outbox WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

pub(crate) fn set_sent(store: &Store, id: &str, sent: u64) -> Result<()> {
    store.write(|tx| {
        tx.prepare_cached("UPDATE upload_outbox SET sent = ?2 WHERE id = ?1")?
            .execute(params![id, i64::try_from(sent).unwrap_or(i64::MAX)])?;
        Ok(())
    })
}

/// The photo is on the server: keep a copy to show offline, drop it from the outbox.
pub(crate) fn upload_done(c: &Connection, id: &str, now: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO attachment_cache (id, name, mime, bytes, cached_at) \
         SELECT id, name, mime, bytes, ?2 FROM upload_outbox WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    drop_upload(c, id)
}

pub(crate) fn drop_upload(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM upload_outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
