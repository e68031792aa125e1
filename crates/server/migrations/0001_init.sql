-- Accounts: people log in by phone, organisations by unified social credit code.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    phone TEXT UNIQUE,
    credit_code TEXT UNIQUE,
    org_name TEXT UNIQUE,
    password_hash TEXT,
    real_name TEXT,
    id_number TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'active',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Bearer tokens, stored as SHA-256 of the random token.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_account ON tokens(account_id);

CREATE TABLE sms_codes (
    id TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX sms_codes_phone ON sms_codes(phone, created_at);

-- A role at a node of the tree (node_id NULL: the whole platform, system admin only).
CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL,
    node_id TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, role, node_id)
);
CREATE INDEX grants_account ON grants(account_id);

-- Every synced row, of every kind. seq is given by the server, in commit order.
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    node_id TEXT NOT NULL,
    node_path TEXT NOT NULL,
    owner_id TEXT,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL UNIQUE,
    deleted BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);
CREATE INDEX records_kind_path ON records(kind, node_path);
CREATE INDEX records_owner ON records(owner_id);

-- Every applied op, so a replayed push is answered as before and changes nothing.
CREATE TABLE applied_ops (
    op_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    applied_at BIGINT NOT NULL
);

-- The seq counter. Its row is locked by every writer of records, which keeps commit
-- order equal to seq order so a pull cursor never skips a row committed late.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);
