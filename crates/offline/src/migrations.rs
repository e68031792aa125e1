//! Append-only schema migrations. A landed entry is never edited: devices in the field
//! have already run it. Change the schema by adding an entry at the end.

use rusqlite::Connection;

use crate::error::{Error, Result};

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the mirror, the outbox, conflicts awaiting the user, and sync state.
    r#"
    CREATE TABLE records (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        node_id     TEXT NOT NULL,
        owner_id    TEXT,
        version     INTEGER NOT NULL DEFAULT 0,   -- 0: never synced
        seq         INTEGER NOT NULL DEFAULT 0,
        deleted     INTEGER NOT NULL DEFAULT 0,   -- 1: deleted here, delete not yet applied
        body        TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE INDEX records_by_kind ON records (kind, deleted, id);

    -- ord keeps the order ops were made in; rowids may be renumbered by VACUUM.
    CREATE TABLE outbox (
        op_id        TEXT PRIMARY KEY,
        ord          INTEGER NOT NULL UNIQUE,
        record_id    TEXT NOT NULL,
        kind         TEXT NOT NULL,
        node_id      TEXT NOT NULL,
        base_version INTEGER,
        deleted      INTEGER NOT NULL DEFAULT 0,
        body         TEXT NOT NULL,
        made_at      INTEGER NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
        code         TEXT,
        reason       TEXT
    );
    CREATE INDEX outbox_by_record ON outbox (record_id, state);
    CREATE INDEX outbox_by_state ON outbox (state, ord);

    CREATE TABLE conflicts (
        op_id         TEXT PRIMARY KEY,
        record_id     TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL,
        node_id       TEXT NOT NULL,
        local_body    TEXT,                       -- NULL: the local change was a delete
        server_record TEXT NOT NULL,
        server_seq    INTEGER NOT NULL,
        created_at    INTEGER NOT NULL
    );

    -- Server rows a pull could not apply because the record had pending ops. They are
    -- applied if those ops end without superseding them (a rejection), so the cursor
    -- moving past them loses nothing.
    CREATE TABLE held (
        record_id TEXT PRIMARY KEY,
        seq       INTEGER NOT NULL,
        record    TEXT NOT NULL
    );

    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value
    );
    "#,
    // 2: the checkpoint. People registered by staff while offline wait here (with their
    // ID number) until the server has them, then the row is deleted. Scans are looked
    // up by ticket to refuse a second entry.
    r#"
    CREATE TABLE assisted_outbox (
        id         TEXT PRIMARY KEY,
        request    TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX records_scan_ticket ON records (json_extract(body, '$.ticket_id'))
        WHERE kind = 'scan';
    "#,
    // 3: approvals. Submissions and decisions made here wait in workflow_outbox (keyed
    // by the id the server dedupes on) until a sync sends them; a refusal or a conflict
    // stays there for the user to read. The review queues read request_index and
    // request_people, which are rebuilt from the request records: triggers mark a
    // written request dirty, and the app re-indexes dirty ones (with the domain's own
    // rules) in the same transaction as the pull page, or before it reads.
    r#"
    CREATE TABLE workflow_outbox (
        id          TEXT PRIMARY KEY,             -- SubmitRequest.id / ActionItem.action_id
        ord         INTEGER NOT NULL UNIQUE,
        op          TEXT NOT NULL CHECK (op IN ('submit', 'action')),
        request_id  TEXT NOT NULL,
        account_id  TEXT NOT NULL,
        payload     TEXT NOT NULL,                -- the SubmitRequest / ActionItem
        provisional TEXT,                         -- a queued submission's RequestBody, for display
        title       TEXT NOT NULL,
        what        TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected', 'conflict')),
        code        TEXT,
        reason      TEXT,
        current     TEXT,                         -- the server's request record, on conflict
        made_at     INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX workflow_outbox_by_request ON workflow_outbox (request_id, state);
    CREATE INDEX workflow_outbox_by_state ON workflow_outbox (state, ord);

    CREATE TABLE request_index (
        id             TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        state          TEXT NOT NULL,
        applicant_id   TEXT NOT NULL,
        title          TEXT NOT NULL,
        applicant_name TEXT NOT NULL,
        node_name      TEXT NOT NULL,
        step_title     TEXT,
        submitted_at   INTEGER,
        updated_at     INTEGER NOT NULL,
        sms_verified   INTEGER NOT NULL,
        version        INTEGER NOT NULL
    );
    -- Who sees a request in which box: 'todo' (the current step waits on them),
    -- 'done' (acted on it, or a participant of a finished one), 'sent' (applicant).
    CREATE TABLE request_people (
        account_id TEXT NOT NULL,
        box        TEXT NOT NULL,
        sort_at    INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        PRIMARY KEY (account_id, box, sort_at, request_id)
    ) WITHOUT ROWID;
    CREATE INDEX request_people_by_request ON request_people (request_id);

    CREATE TABLE request_dirty (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TRIGGER request_dirty_insert AFTER INSERT ON records WHEN NEW.kind = 'request'
    BEGIN INSERT OR IGNORE INTO request_dirty (id) VALUES (NEW.id); END;
    CREATE TRIGGER request_dirty_update AFTER UPDATE ON records
        WHEN NEW.kind = 'request' OR OLD.kind = 'request'
    BEGIN INSERT OR IGNORE INTO request_dirty (id) VALUES (NEW.id); END;
    CREATE TRIGGER request_dirty_delete AFTER DELETE ON records WHEN OLD.kind = 'request'
    BEGIN INSERT OR IGNORE INTO request_dirty (id) VALUES (OLD.id); END;
    INSERT OR IGNORE INTO request_dirty (id) SELECT id FROM records WHERE kind = 'request';

    -- Inbox entries read on this device.
    CREATE TABLE notification_read (id TEXT PRIMARY KEY, read_at INTEGER NOT NULL);

    -- Attachments uploaded or opened here, for showing them offline.
    CREATE TABLE attachment_cache (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        mime      TEXT NOT NULL,
        bytes     BLOB NOT NULL,
        cached_at INTEGER NOT NULL
    );
    "#,
    // 4: dues. Offline payments and payment decisions made here wait in payment_outbox
    // (keyed by the id the server dedupes on) until a sync sends them; a refusal or a
    // conflict stays for the user to read. A proof photo waits in upload_outbox and goes
    // up in pieces (`sent`: bytes the server confirmed, so an interrupted upload
    // resumes) before the payment that names it.
    r#"
    CREATE TABLE payment_outbox (
        id          TEXT PRIMARY KEY,             -- OfflinePaymentRequest.id / action_id
        ord         INTEGER NOT NULL UNIQUE,
        op          TEXT NOT NULL CHECK (op IN ('submit', 'action')),
        payment_id  TEXT NOT NULL,
        account_id  TEXT NOT NULL,
        payload     TEXT NOT NULL,
        upload_id   TEXT,
        provisional TEXT,                         -- a queued submission's PaymentBody
        what        TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected', 'conflict')),
        code        TEXT,
        reason      TEXT,
        current     TEXT,                         -- the server's payment record, on conflict
        made_at     INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX payment_outbox_by_payment ON payment_outbox (payment_id, state);
    CREATE INDEX payment_outbox_by_state ON payment_outbox (state, ord);

    CREATE TABLE upload_outbox (
        id         TEXT PRIMARY KEY,              -- the upload id the server keys on
        account_id TEXT NOT NULL,
        name       TEXT NOT NULL,
        mime       TEXT NOT NULL,
        bytes      BLOB NOT NULL,
        sha256     TEXT NOT NULL,
        sent       INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    "#,
    // 5: events. Venue-code check-ins, survey answers and lottery entries made here wait
    // in activity_outbox (keyed by the item id the server dedupes on) with the device's
    // time; a sync sends them in order. Accepted ones are deleted (the server's record
    // arrives instead); a refusal stays, with its reason, for the user to read.
    r#"
    CREATE TABLE activity_outbox (
        id         TEXT PRIMARY KEY,
        ord        INTEGER NOT NULL UNIQUE,
        op         TEXT NOT NULL CHECK (op IN ('checkin', 'answer', 'entry')),
        account_id TEXT NOT NULL,
        target_id  TEXT NOT NULL,                 -- the event, survey or lottery
        payload    TEXT NOT NULL,                 -- CheckinItem / AnswerItem / LotteryEnterItem
        state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected')),
        code       TEXT,
        reason     TEXT,
        made_at    INTEGER NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX activity_outbox_by_state ON activity_outbox (state, ord);
    CREATE INDEX activity_outbox_by_target ON activity_outbox (target_id, account_id);
    "#,
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated between our read and our lock.
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
