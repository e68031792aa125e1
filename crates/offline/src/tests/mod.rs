//! Unit tests without a server: the store, the outbox and page application are driven
//! directly; the client is driven against a scripted HTTP responder.

mod client;
mod conflicts;
mod local;
mod pull;
mod push;

use std::path::PathBuf;
use std::sync::Arc;

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{Op, OpResult, OpStatus, PullResponse, Record};
use serde_json::{json, Value};
use tempfile::TempDir;
use uuid::Uuid;

use crate::clock::ManualClock;
use crate::error::Error;
use crate::migrations::MIGRATIONS;
use crate::outbox::next_batch;
use crate::pull::apply_pull_page;
use crate::store::Store;

pub(crate) const T0: i64 = 1_700_000_000_000;

pub(crate) struct Fx {
    pub dir: TempDir,
    pub store: Store,
    pub clock: Arc<ManualClock>,
}

impl Fx {
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("huiji.db")
    }

    pub fn reopen(self) -> Fx {
        let Fx { dir, store, clock } = self;
        drop(store);
        let store = Store::open_with_clock(dir.path().join("huiji.db"), clock.clone()).unwrap();
        Fx { dir, store, clock }
    }
}

pub(crate) fn fx() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(T0));
    let store = Store::open_with_clock(dir.path().join("huiji.db"), clock.clone()).unwrap();
    Fx { dir, store, clock }
}

pub(crate) fn node() -> Uuid {
    Uuid::from_u128(0x1000)
}

pub(crate) fn member(name: &str) -> Value {
    json!({"name": name, "phone_masked": "138****9776"})
}

pub(crate) fn notice(title: &str) -> Value {
    json!({"title": title, "content": "本周六上午九点开会"})
}

pub(crate) fn server_record(id: Uuid, version: i64, seq: i64, body: Value) -> Record {
    Record {
        id,
        kind: RecordKind::Member,
        node_id: node(),
        owner_id: Some(Uuid::from_u128(0x2000)),
        version,
        seq,
        deleted: false,
        body,
        updated_at: T0 + seq,
        updated_by: Some(Uuid::from_u128(0x2000)),
    }
}

pub(crate) fn tombstone(id: Uuid, version: i64, seq: i64) -> Record {
    Record {
        deleted: true,
        ..server_record(id, version, seq, json!({}))
    }
}

pub(crate) fn page(records: Vec<Record>, next_cursor: i64, server_seq: i64) -> PullResponse {
    PullResponse {
        records,
        next_cursor,
        has_more: next_cursor < server_seq,
        server_seq,
    }
}

/// A record the device holds at `version`, as if pulled.
pub(crate) fn synced(store: &Store, version: i64, seq: i64, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let cursor = store.cursor().unwrap().max(seq);
    apply_pull_page(
        store,
        &page(
            vec![server_record(id, version, seq, member(name))],
            cursor,
            cursor,
        ),
    )
    .unwrap();
    id
}

/// Takes the next push batch as the client would.
pub(crate) fn batch(store: &Store) -> Vec<Op> {
    next_batch(store, 1000).unwrap()
}

fn result(op: &Op, status: OpStatus) -> OpResult {
    OpResult {
        op_id: op.op_id,
        status,
        version: None,
        seq: None,
        code: None,
        reason: None,
        current: None,
    }
}

pub(crate) fn applied(op: &Op, version: i64, seq: i64) -> OpResult {
    OpResult {
        version: Some(version),
        seq: Some(seq),
        ..result(op, OpStatus::Applied)
    }
}

pub(crate) fn duplicate(op: &Op, version: i64, seq: i64) -> OpResult {
    OpResult {
        version: Some(version),
        seq: Some(seq),
        ..result(op, OpStatus::Duplicate)
    }
}

pub(crate) fn rejected(op: &Op, code: &str) -> OpResult {
    OpResult {
        code: Some(code.into()),
        reason: Some("不行".into()),
        ..result(op, OpStatus::Rejected)
    }
}

pub(crate) fn conflict(op: &Op, current: Record) -> OpResult {
    OpResult {
        code: Some("Conflict".into()),
        reason: Some("该记录已被他人修改".into()),
        current: Some(current),
        ..result(op, OpStatus::Conflict)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutRow {
    pub op_id: Uuid,
    pub record_id: Uuid,
    pub base_version: Option<i64>,
    pub deleted: bool,
    pub body: Value,
    pub attempts: i64,
    pub state: String,
}

pub(crate) fn outbox(store: &Store) -> Vec<OutRow> {
    store
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT op_id, record_id, base_version, deleted, body, attempts, state FROM outbox ORDER BY ord",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(OutRow {
                    op_id: crate::store::uuid_col(r, 0)?,
                    record_id: crate::store::uuid_col(r, 1)?,
                    base_version: r.get(2)?,
                    deleted: r.get(3)?,
                    body: crate::store::json_col(r, 4)?,
                    attempts: r.get(5)?,
                    state: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap()
}

pub(crate) fn table_count(store: &Store, table: &str) -> i64 {
    store
        .read(|c| Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?))
        .unwrap()
}

/// Makes every later statement matching `when` fail, to prove a transaction all-or-nothing.
pub(crate) fn fail_on(store: &Store, event: &str, when: &str) {
    store
        .read(|c| {
            c.execute_batch(&format!(
                "CREATE TEMP TRIGGER boom BEFORE {event} WHEN {when} BEGIN SELECT RAISE(ABORT, 'injected'); END;"
            ))?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn store_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Store>();
    check::<crate::SyncClient>();
}

#[test]
fn open_sets_wal_and_the_safety_pragmas() {
    let f = fx();
    let (mode, sync, fk, busy): (String, i64, i64, i64) = f
        .store
        .read(|c| {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "FULL: a commit is on disk when it returns");
    assert_eq!(fk, 1);
    assert_eq!(busy, 5000);
}

#[test]
fn reopening_runs_no_migration_twice_and_keeps_data_and_device_id() {
    let f = fx();
    let device = f.store.device_id().unwrap();
    let id = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let f = f.reopen().reopen();
    let version: i64 = f
        .store
        .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    assert_eq!(f.store.device_id().unwrap(), device);
    assert_eq!(device.get_version_num(), 7);
    assert!(f.store.get(id).unwrap().is_some());
    assert_eq!(f.store.pending_count().unwrap(), 1);
}

#[test]
fn a_database_from_a_newer_app_is_refused() {
    let f = fx();
    let path = f.path();
    f.store
        .read(|c| Ok(c.pragma_update(None, "user_version", 99)?))
        .unwrap();
    drop(f.store);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn status_counts_pending_rejected_and_conflicts_and_the_last_attempt() {
    let f = fx();
    let s = &f.store;
    let fresh = s.status().unwrap();
    assert!(!fresh.online);
    assert_eq!((fresh.pending, fresh.rejected, fresh.conflicts), (0, 0, 0));
    assert_eq!(fresh.last_success_ms, None);

    let synced_id = synced(s, 2, 5, "王芳");
    s.create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    s.create(RecordKind::Member, node(), member("李四"))
        .unwrap();
    s.update(synced_id, member("王芳芳")).unwrap();
    let ops = batch(s);
    assert_eq!(ops.len(), 3);
    let current = server_record(synced_id, 3, 9, member("王小芳"));
    crate::outbox::apply_push_results(
        s,
        &ops,
        &[
            applied(&ops[0], 1, 7),
            rejected(&ops[1], "Forbidden"),
            conflict(&ops[2], current),
        ],
    )
    .unwrap();
    s.create(RecordKind::Member, node(), member("赵六"))
        .unwrap();

    f.clock.set(T0 + 500);
    s.note_attempt(&Ok(()));
    let st = s.status().unwrap();
    assert_eq!((st.pending, st.rejected, st.conflicts), (1, 1, 1));
    assert!(st.online);
    assert_eq!(st.last_success_ms, Some(T0 + 500));
    assert_eq!(st.last_error, None);
    assert_eq!(st.cursor, 5);

    f.clock.set(T0 + 900);
    let failed: crate::Result<()> = Err(Error::Server {
        status: 401,
        code: "Unauthorized".into(),
        message: "请先登录".into(),
    });
    s.note_attempt(&failed);
    let st = s.status().unwrap();
    assert!(st.online, "a 4xx still reached the server");
    assert_eq!(
        st.last_success_ms,
        Some(T0 + 500),
        "a failure keeps the last success"
    );
    assert!(st
        .last_error
        .as_deref()
        .unwrap_or("")
        .contains("Unauthorized"));
}

#[test]
fn a_version_that_knows_more_kinds_pulls_from_the_start_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let set = |key: &str, value: &dyn rusqlite::ToSql| {
        let store = Store::open(&path).unwrap();
        store
            .write(|tx| crate::store::set_meta(tx, key, value))
            .unwrap();
    };
    // First open, a pull got somewhere; reopening the same version keeps the cursor.
    set("cursor", &50i64);
    assert_eq!(Store::open(&path).unwrap().cursor().unwrap(), 50);
    // The last version knew fewer kinds (it skipped the rest while pulling).
    set("record_kinds", &"org_node,member,notice,scan");
    assert_eq!(Store::open(&path).unwrap().cursor().unwrap(), 0);
    set("cursor", &70i64);
    assert_eq!(Store::open(&path).unwrap().cursor().unwrap(), 70);
}
