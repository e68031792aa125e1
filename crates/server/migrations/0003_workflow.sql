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

-- Organisations that registered themselves (seed 001 §2.1): what the public status
-- look-up searches (credit code, or either phone given), and the request it made.
CREATE TABLE org_registrations (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    request_id TEXT NOT NULL,
    association_id TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    legal_phone TEXT NOT NULL,
    contact TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_registrations_credit_code ON org_registrations(credit_code);
CREATE INDEX org_registrations_contact_phone ON org_registrations(contact_phone);
CREATE INDEX org_registrations_legal_phone ON org_registrations(legal_phone);

-- An organisation's own profile (seed 001 §2.2.2), completed after its first login
-- (`workflow::OrgProfile` as JSON).
CREATE TABLE org_profiles (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
