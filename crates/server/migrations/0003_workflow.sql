-- The approval engine. A request reaches its applicant (owner) and the accounts named
-- in `audience` (its approvers), space-separated, and nobody else.
ALTER TABLE records ADD COLUMN audience TEXT;

-- Files attached to requests (type checked by content, at most 5 MiB).
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_id);

-- Every request action ever applied, by the id the device gave it, so a replayed
-- action is answered as before and changes nothing.
CREATE TABLE request_actions (
    action_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    result TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);
CREATE INDEX request_actions_request ON request_actions(request_id);
