//! The review queues' index: one row per request record (`request_index`) and one per
//! person and box (`request_people`: todo, done, sent), so a queue of ten thousand
//! opens and pages without reading a single JSON body. Triggers on `records` mark a
//! written request dirty (whatever wrote it); `reindex_dirty` rebuilds those rows with
//! the domain's own rules (`RequestBody::waiting_on`, `acted_by`), in the same
//! transaction as the pull page that wrote them, or before a read finds them dirty.

use huiji_domain::wire::Record;
use huiji_domain::workflow::RequestBody;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::Result;
use crate::pull::apply_server_record;
use crate::store::Store;

pub(crate) const BOX_TODO: &str = "todo";
pub(crate) const BOX_DONE: &str = "done";
pub(crate) const BOX_SENT: &str = "sent";

/// Who finds a request in which box: the people its current step waits on (todo);
/// those who acted on it, and the approvers of a finished one (done); the applicant
/// (sent).
pub(crate) fn boxes(b: &RequestBody) -> Vec<(Uuid, &'static str)> {
    let waiting = b.waiting_on();
    let mut people = b.participants();
    for w in &waiting {
        if !people.contains(w) {
            people.push(*w);
        }
    }
    let done_state = b.state.is_final();
    let mut out = Vec::with_capacity(people.len() + 1);
    for p in people {
        if waiting.contains(&p) {
            out.push((p, BOX_TODO));
        } else if p != b.applicant.id && (done_state || b.acted_by(p)) {
            out.push((p, BOX_DONE));
        }
    }
    out.push((b.applicant.id, BOX_SENT));
    out
}

/// Rebuilds the index rows of every request written since the last rebuild.
pub(crate) fn reindex_dirty(c: &Connection) -> Result<usize> {
    let ids: Vec<String> = {
        let mut stmt = c.prepare_cached("SELECT id FROM request_dirty")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in &ids {
        reindex_one(c, id)?;
    }
    if !ids.is_empty() {
        c.prepare_cached("DELETE FROM request_dirty")?.execute([])?;
    }
    Ok(ids.len())
}

fn reindex_one(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM request_index WHERE id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM request_people WHERE request_id = ?1")?
        .execute([id])?;
    let row: Option<(i64, String, i64)> = c
        .prepare_cached(
            "SELECT version, body, updated_at FROM records \
             WHERE id = ?1 AND kind = 'request' AND deleted = 0",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((version, body, updated_at)) = row else {
        return Ok(());
    };
    let b: RequestBody = match serde_json::from_str(&body) {
        Ok(b) => b,
        Err(e) => {
            // A body this version cannot read stays out of the lists, not fatal.
            tracing::warn!(id, error = %e, "request record not indexed");
            return Ok(());
        }
    };
    c.prepare_cached(
        "INSERT INTO request_index (id, kind, state, applicant_id, title, applicant_name, \
         node_name, step_title, submitted_at, updated_at, sms_verified, version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        b.kind.as_str(),
        b.state.as_str(),
        b.applicant.id.to_string(),
        b.title,
        b.applicant.name,
        b.node_name,
        b.current_step().map(|s| s.title.clone()),
        b.submitted_at,
        updated_at,
        b.sms_verified,
        version,
    ])?;
    let mut ins = c.prepare_cached(
        "INSERT OR IGNORE INTO request_people (account_id, box, sort_at, request_id) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (who, bx) in boxes(&b) {
        ins.execute(params![who.to_string(), bx, updated_at, id])?;
    }
    Ok(())
}

pub(crate) fn has_dirty(c: &Connection) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT EXISTS (SELECT 1 FROM request_dirty)")?
            .query_row([], |r| r.get(0))?,
    )
}

impl Store {
    /// Brings the request index up to date (a no-op unless something wrote requests
    /// outside a pull).
    pub fn ensure_request_index(&self) -> Result<()> {
        if self.read(has_dirty)? {
            self.write(|tx| reindex_dirty(tx).map(|_| ()))?;
        }
        Ok(())
    }

    /// Writes server rows as a pull page does (a later row wins; the cursor does not
    /// move), in one transaction. The app uses it for answers that carry a record (a
    /// submission, a decision); tests and benchmarks use it to fill a device's store.
    pub fn apply_server_records(&self, records: &[Record]) -> Result<()> {
        self.write(|tx| {
            for r in records {
                apply_server_record(tx, r)?;
            }
            reindex_dirty(tx)?;
            Ok(())
        })
    }
}
