//! Applying pulled pages. A page and the cursor after it commit together, so a pull cut
//! short resumes at the first page it did not finish.

use huiji_domain::wire::{PullResponse, Record};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::conflicts::refresh_conflict;
use crate::error::Result;
use crate::outbox::has_pending;
use crate::store::{meta_i64, set_meta, Store, META_CURSOR, META_SERVER_SEQ};

/// Where a pull stands, for a progress bar: `cursor` climbs towards `server_seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Rows received so far in this pull.
    pub rows: usize,
    pub pages: usize,
    pub cursor: i64,
    pub server_seq: i64,
}

impl Progress {
    /// 0.0 ..= 1.0.
    pub fn fraction(&self) -> f64 {
        if self.server_seq <= 0 {
            return 1.0;
        }
        (self.cursor as f64 / self.server_seq as f64).clamp(0.0, 1.0)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PullReport {
    pub rows: usize,
    pub pages: usize,
}

/// Applies one page and its cursor in one transaction. Rows with local changes still
/// pending or in conflict are not overwritten: they are held until those settle.
pub(crate) fn apply_pull_page(store: &Store, page: &PullResponse) -> Result<()> {
    store.write(|tx| {
        // Most pulls meet an empty outbox; then no row needs the per-row checks.
        let guarded: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending') \
             OR EXISTS (SELECT 1 FROM conflicts)",
            [],
            |r| r.get(0),
        )?;
        for record in &page.records {
            if guarded && hold(tx, record)? {
                continue;
            }
            apply_server_record(tx, record)?;
        }
        // The review queues see the page's requests when it commits, not later.
        crate::request_index::reindex_dirty(tx)?;
        let cursor = meta_i64(tx, META_CURSOR)?
            .unwrap_or(0)
            .max(page.next_cursor);
        set_meta(tx, META_CURSOR, cursor)?;
        set_meta(tx, META_SERVER_SEQ, page.server_seq)?;
        Ok(())
    })
}

impl Store {
    /// Applies one pulled page and moves the cursor, exactly as a sync does: for
    /// benchmarks and tests that fill a device's store without a server.
    pub fn apply_pull_page(&self, page: &PullResponse) -> Result<()> {
        apply_pull_page(self, page)
    }
}

/// Keeps a server row aside when the local one must not be overwritten yet.
fn hold(c: &Connection, record: &Record) -> Result<bool> {
    if refresh_conflict(c, record)? {
        return Ok(true);
    }
    let key = record.id.to_string();
    if !has_pending(c, &key)? {
        return Ok(false);
    }
    c.prepare_cached(
        "INSERT INTO held (record_id, seq, record) VALUES (?1, ?2, ?3) \
         ON CONFLICT (record_id) DO UPDATE SET seq = excluded.seq, record = excluded.record \
         WHERE excluded.seq > held.seq",
    )?
    .execute(params![key, record.seq, serde_json::to_string(record)?])?;
    Ok(true)
}

/// Writes a server row into the mirror, unless the mirror already holds a later one.
pub(crate) fn apply_server_record(c: &Connection, r: &Record) -> Result<()> {
    let key = r.id.to_string();
    if r.deleted {
        c.prepare_cached("DELETE FROM records WHERE id = ?1 AND seq <= ?2")?
            .execute(params![key, r.seq])?;
        return Ok(());
    }
    c.prepare_cached(
        "INSERT INTO records (id, kind, node_id, owner_id, version, seq, deleted, body, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, node_id = excluded.node_id, \
         owner_id = excluded.owner_id, version = excluded.version, seq = excluded.seq, deleted = 0, \
         body = excluded.body, updated_at = excluded.updated_at \
         WHERE excluded.seq >= records.seq",
    )?
    .execute(params![
        key,
        r.kind.as_str(),
        r.node_id.to_string(),
        r.owner_id.map(|o| o.to_string()),
        r.version,
        r.seq,
        r.body.to_string(),
        r.updated_at,
    ])?;
    Ok(())
}

/// Removes and returns the row held for a record. One that no longer parses is dropped:
/// the next change to the record brings it again.
pub(crate) fn take_held(c: &Connection, record_id: &str) -> Result<Option<Record>> {
    let text: Option<String> = c
        .prepare_cached("SELECT record FROM held WHERE record_id = ?1")?
        .query_row([record_id], |r| r.get(0))
        .optional()?;
    let Some(text) = text else {
        return Ok(None);
    };
    c.prepare_cached("DELETE FROM held WHERE record_id = ?1")?
        .execute([record_id])?;
    match serde_json::from_str(&text) {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            tracing::warn!(record_id, error = %e, "dropping an unreadable held row");
            Ok(None)
        }
    }
}

/// The record's pending ops have all settled: a row held meanwhile is now the truth,
/// unless the mirror already has something later.
pub(crate) fn settle_held(c: &Connection, record_id: &str) -> Result<()> {
    match take_held(c, record_id)? {
        Some(r) => apply_server_record(c, &r),
        None => Ok(()),
    }
}
