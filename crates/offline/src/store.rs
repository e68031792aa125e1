//! The device's SQLite store. One connection behind a std mutex makes the store `Send +
//! Sync` for async callers; no method here is async, so the lock is never held across
//! an `.await` and the sync client does its HTTP with the store unlocked.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use huiji_domain::sync::RecordKind;
use rusqlite::types::Type;
use rusqlite::{
    params, Connection, OptionalExtension, Row, ToSql, Transaction, TransactionBehavior,
};
use serde::Serialize;
use uuid::Uuid;

use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::migrations::migrate;

pub struct Store {
    conn: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    /// Bumped by every committed write, so caches built from the store (the member
    /// search index) know when to rebuild.
    generation: AtomicU64,
}

/// A row as this device holds it: the server's version, or a local edit not yet pushed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub node_id: Uuid,
    pub owner_id: Option<Uuid>,
    /// 0: never synced.
    pub version: i64,
    pub seq: i64,
    pub body: serde_json::Value,
    pub updated_at: i64,
    /// A local change to this record waits in the outbox.
    pub pending: bool,
}

/// What the app shows about sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// The last attempt reached the server.
    pub online: bool,
    pub last_success_ms: Option<i64>,
    pub pending: u64,
    pub rejected: u64,
    pub conflicts: u64,
    pub last_error: Option<String>,
    pub cursor: i64,
    pub server_seq: i64,
}

pub(crate) const META_CURSOR: &str = "cursor";
pub(crate) const META_SERVER_SEQ: &str = "server_seq";
const META_DEVICE_ID: &str = "device_id";
const META_ONLINE: &str = "online";
const META_LAST_SUCCESS: &str = "last_success_ms";
const META_LAST_ERROR: &str = "last_error";
/// The record kinds the version that last opened this store knew.
const META_KINDS: &str = "record_kinds";

const RECORD_SELECT: &str =
    "SELECT r.id, r.kind, r.node_id, r.owner_id, r.version, r.seq, r.body, r.updated_at, \
     EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = r.id AND o.state = 'pending') \
     FROM records r";

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_clock(path, Arc::new(SystemClock))
    }

    pub fn open_with_clock(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        // journal_mode answers with the mode it chose, so it must be read back.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        // FULL: a commit is on disk when it returns. A checkpoint's scans are records
        // people are turned back on; they must survive a power cut, and FULL measured
        // faster at the tail than NORMAL here (no fsync storms at WAL checkpoints).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_millis(5000))?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        let store = Store {
            conn: Mutex::new(conn),
            clock,
            generation: AtomicU64::new(0),
        };
        store.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                params![META_DEVICE_ID, Uuid::now_v7().to_string()],
            )?;
            // An older version skipped rows of kinds it did not know while pulling. When
            // this one knows more, pull from the start again to get them (applying a row
            // twice changes nothing).
            let known: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = ?1", [META_KINDS], |r| {
                    r.get(0)
                })
                .optional()?;
            let now: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
            if let Some(known) = known {
                let before: Vec<&str> = known.split(',').collect();
                if now.iter().any(|k| !before.contains(k)) {
                    set_meta(tx, META_CURSOR, 0)?;
                }
            }
            set_meta(tx, META_KINDS, now.join(","))?;
            Ok(())
        })?;
        Ok(store)
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while locked dropped its transaction, which rolled back: the
        // connection itself is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it commits, or none of it.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(out)
    }

    /// `synchronous = FULL` (the default): every commit is fsynced before it returns,
    /// so a scan survives a power cut, not just a crash of the app; `NORMAL` only the
    /// latter (for benchmarks that compare the two).
    pub fn set_full_sync(&self, on: bool) -> Result<()> {
        self.lock()
            .pragma_update(None, "synchronous", if on { "FULL" } else { "NORMAL" })?;
        Ok(())
    }

    /// Changes whenever a write commits.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs a read-only closure on the connection (for views built elsewhere in the
    /// crate, such as the app's home screens and search).
    pub fn with_conn<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.read(f)
    }

    /// An app setting or session value kept on the device.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([format!("app.{key}")], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        })
    }

    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        let key = format!("app.{key}");
        self.write(|tx| {
            match value {
                Some(v) => set_meta(tx, &key, v)?,
                None => {
                    tx.execute("DELETE FROM meta WHERE key = ?1", [&key])?;
                }
            }
            Ok(())
        })
    }

    /// Forgets every synced row, pending change and sync position (on logout: the next
    /// account on this device must not see the last one's data). Settings stay.
    pub fn clear_data(&self) -> Result<()> {
        self.write(|tx| {
            tx.execute_batch(
                "DELETE FROM records; DELETE FROM outbox; DELETE FROM conflicts; DELETE FROM held; \
                 DELETE FROM assisted_outbox; DELETE FROM workflow_outbox; DELETE FROM request_index; \
                 DELETE FROM request_people; DELETE FROM request_dirty; DELETE FROM notification_read; \
                 DELETE FROM attachment_cache; \
                 DELETE FROM meta WHERE key NOT LIKE 'app.%' AND key <> 'device_id';",
            )?;
            Ok(())
        })
    }

    /// Made at first open; the server keys nothing on it but logs it with each push.
    pub fn device_id(&self) -> Result<Uuid> {
        self.read(|c| {
            let s: String = c.query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [META_DEVICE_ID],
                |r| r.get(0),
            )?;
            Uuid::parse_str(&s).map_err(|e| conversion(0, Type::Text, e).into())
        })
    }

    pub fn get(&self, id: Uuid) -> Result<Option<LocalRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{RECORD_SELECT} WHERE r.id = ?1 AND r.deleted = 0"
            ))?;
            Ok(stmt.query_row([id.to_string()], local_record).optional()?)
        })
    }

    /// Records of a kind, oldest first (ids are UUIDv7, so id order is creation order).
    pub fn list(&self, kind: RecordKind, limit: u32, offset: u32) -> Result<Vec<LocalRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{RECORD_SELECT} WHERE r.kind = ?1 AND r.deleted = 0 ORDER BY r.id LIMIT ?2 OFFSET ?3"
            ))?;
            let rows = stmt.query_map(params![kind.as_str(), limit, offset], local_record)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn count(&self, kind: RecordKind) -> Result<u64> {
        self.read(|c| {
            let n: i64 = c
                .prepare_cached("SELECT COUNT(*) FROM records WHERE kind = ?1 AND deleted = 0")?
                .query_row([kind.as_str()], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
    }

    /// The last server seq this device holds; the next pull starts after it.
    pub fn cursor(&self) -> Result<i64> {
        self.read(|c| Ok(meta_i64(c, META_CURSOR)?.unwrap_or(0)))
    }

    pub fn pending_count(&self) -> Result<u64> {
        self.read(|c| count_where(c, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"))
    }

    pub fn status(&self) -> Result<SyncStatus> {
        self.read(|c| {
            Ok(SyncStatus {
                online: meta_i64(c, META_ONLINE)?.unwrap_or(0) != 0,
                last_success_ms: meta_i64(c, META_LAST_SUCCESS)?,
                pending: count_where(c, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")?,
                rejected: count_where(c, "SELECT COUNT(*) FROM outbox WHERE state = 'rejected'")?,
                conflicts: count_where(c, "SELECT COUNT(*) FROM conflicts")?,
                last_error: c
                    .query_row(
                        "SELECT value FROM meta WHERE key = ?1",
                        [META_LAST_ERROR],
                        |r| r.get::<_, Option<String>>(0),
                    )
                    .optional()?
                    .flatten(),
                cursor: meta_i64(c, META_CURSOR)?.unwrap_or(0),
                server_seq: meta_i64(c, META_SERVER_SEQ)?.unwrap_or(0),
            })
        })
    }

    /// When the last sync succeeded (unix ms): a single key read, for hot paths that
    /// need no counts.
    pub fn last_success_ms(&self) -> Result<Option<i64>> {
        self.read(|c| meta_i64(c, META_LAST_SUCCESS))
    }

    /// Changes when trust data (keys, revocations, risk regions) may have changed: a
    /// pull moved the cursor, or such a row was written here.
    pub fn trust_version(&self) -> Result<(i64, i64, i64)> {
        self.read(|c| {
            let cursor = meta_i64(c, META_CURSOR)?.unwrap_or(0);
            let (n, max): (i64, i64) = c
                .prepare_cached(
                    "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM records \
                     WHERE kind IN ('trust_key', 'revocation', 'risk_region')",
                )?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok((cursor, n, max))
        })
    }

    /// Records how a sync attempt ended, for `status()`.
    pub(crate) fn note_attempt<T>(&self, outcome: &Result<T>) {
        let now = self.now();
        let res = self.write(|tx| {
            match outcome {
                Ok(_) => {
                    set_meta(tx, META_ONLINE, 1)?;
                    set_meta(tx, META_LAST_SUCCESS, now)?;
                    set_meta(tx, META_LAST_ERROR, None::<String>)?;
                }
                Err(e) => {
                    if let Some(reached) = e.reached_server() {
                        set_meta(tx, META_ONLINE, i64::from(reached))?;
                    }
                    set_meta(tx, META_LAST_ERROR, format!("{}: {e}", e.code()))?;
                }
            }
            Ok(())
        });
        // Failing to record the status must not turn a finished sync into a failure.
        if let Err(e) = res {
            tracing::warn!(error = %e, "could not record the sync status");
        }
    }
}

fn count_where(c: &Connection, sql: &str) -> Result<u64> {
    let n: i64 = c.prepare_cached(sql)?.query_row([], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

pub(crate) fn meta_i64(c: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten())
}

pub(crate) fn set_meta(c: &Connection, key: &str, value: impl ToSql) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

fn local_record(r: &Row<'_>) -> rusqlite::Result<LocalRecord> {
    Ok(LocalRecord {
        id: uuid_col(r, 0)?,
        kind: kind_col(r, 1)?,
        node_id: uuid_col(r, 2)?,
        owner_id: opt_uuid_col(r, 3)?,
        version: r.get(4)?,
        seq: r.get(5)?,
        body: json_col(r, 6)?,
        updated_at: r.get(7)?,
        pending: r.get(8)?,
    })
}

#[derive(Debug, thiserror::Error)]
#[error("unknown record kind {0:?}")]
struct UnknownKind(String);

pub(crate) fn conversion(
    i: usize,
    ty: Type,
    e: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, ty, Box::new(e))
}

pub(crate) fn uuid_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Uuid> {
    let s: String = r.get(i)?;
    Uuid::parse_str(&s).map_err(|e| conversion(i, Type::Text, e))
}

pub(crate) fn opt_uuid_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Uuid>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| Uuid::parse_str(&s).map_err(|e| conversion(i, Type::Text, e)))
        .transpose()
}

pub(crate) fn kind_col(r: &Row<'_>, i: usize) -> rusqlite::Result<RecordKind> {
    let s: String = r.get(i)?;
    RecordKind::parse(&s).ok_or_else(|| conversion(i, Type::Text, UnknownKind(s)))
}

pub(crate) fn json_col(r: &Row<'_>, i: usize) -> rusqlite::Result<serde_json::Value> {
    let s: String = r.get(i)?;
    serde_json::from_str(&s).map_err(|e| conversion(i, Type::Text, e))
}
