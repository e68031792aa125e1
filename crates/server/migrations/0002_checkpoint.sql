-- Credential signing keys (Ed25519). `seed` is the private key: this table is as
-- secret as the password hashes. One key is active (signs); others still verify until
-- retired, and a revoked key verifies nothing.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    seed TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    valid_from BIGINT NOT NULL,
    retired_at BIGINT,
    revoked BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 0
);

-- Credentials issued, so a status change can revoke them (by hash, on every device).
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    kid TEXT NOT NULL,
    text TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX credentials_subject ON credentials(subject_id, kind);

-- A person's health status (green / yellow / red), set by the health authority.
CREATE TABLE health_status (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    colour TEXT NOT NULL,
    from_high_risk BIGINT NOT NULL DEFAULT 0,
    note TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);

-- People registered at a checkpoint by staff (辅助登记). The id is made on the
-- scanner, so a resend after a lost answer is recognised. `verified_at` is set when the
-- person confirms the phone by SMS (at once, or later when they first log in).
CREATE TABLE assisted_registrations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    site_id TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    temperature_tenths BIGINT,
    remark TEXT,
    recorded_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    verified_at BIGINT
);
CREATE INDEX assisted_registrations_account ON assisted_registrations(account_id);
