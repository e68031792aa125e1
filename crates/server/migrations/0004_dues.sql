-- Dues and payments. The bodies live in `records` (kinds dues_order, payment,
-- dues_rule) like every synced row; these tables are their queryable index, written
-- in the same transaction: the ledger's filters and totals read them, and their unique
-- keys make the dues job and replayed payments safe on any number of processes.

-- One order per membership and period (the dues job, an approval and a hand-made
-- order can never bill the same period twice).
CREATE TABLE dues_orders (
    id TEXT PRIMARY KEY,
    membership_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    period TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (membership_id, period)
);
-- The ledger's standing by period reads only this index.
CREATE INDEX dues_orders_totals ON dues_orders(period, status, amount_fen, paid_fen, unit_path);
CREATE INDEX dues_orders_account ON dues_orders(account_id);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    period TEXT NOT NULL,
    payer TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    -- Online: our trade number at the provider (at most one payment per trade).
    out_trade_no TEXT UNIQUE,
    channel TEXT,
    -- The hash of what the payer sent, so the same offline submission sent again is
    -- answered as before and a different one under the same id is refused.
    request_hash TEXT,
    -- Given when confirmed; a receipt's QR leads to its public check by this number.
    receipt_no TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The ledger's totals read only this index (a period's rows, or all of them); its
-- pages walk the newest first by period, or overall.
CREATE INDEX payments_ledger ON payments(period, status, method, amount_fen, unit_path, payer);
CREATE INDEX payments_period_recent ON payments(period, created_at);
CREATE INDEX payments_recent ON payments(created_at);
CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX payments_account ON payments(account_id);

-- Payment actions applied, by the id the device gave them (replays change nothing).
CREATE TABLE payment_actions (
    action_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);

-- Provider notifications seen: a nonce is accepted once (a replayed notification is
-- refused even while its timestamp is fresh).
CREATE TABLE payment_nonces (
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, nonce)
);

-- The sandbox provider's side of a trade (it plays the payment company in the demo).
CREATE TABLE sandbox_trades (
    out_trade_no TEXT PRIMARY KEY,
    amount_fen BIGINT NOT NULL,
    subject TEXT NOT NULL,
    merchant TEXT NOT NULL,
    notify_url TEXT NOT NULL,
    state TEXT NOT NULL,
    trade_no TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    paid_at BIGINT
);

-- Chunked, resumable uploads of proof images: announced with size and hash, pieces
-- stored at their offsets, processed once complete.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    -- Set once complete: the processed image's attachment ids and size.
    image_id TEXT,
    thumb_id TEXT,
    width BIGINT,
    height BIGINT,
    stored_size BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE upload_chunks (
    upload_id TEXT NOT NULL REFERENCES uploads(id),
    offset_bytes BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (upload_id, offset_bytes)
);

-- Secrets the server makes once and keeps (the sandbox provider's signing key).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO counters (name, value) VALUES ('receipt', 0);
