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

-- Institution accounts (seed 003): staff (教师工号) and students (学生学号) of an
-- institution node log in with their number and the password of the school's identity
-- system (initially the last 8 characters of the ID number), then bind a phone of their
-- own. `account_id` is the bound person account, NULL while unbound; one binding per
-- account per institution. `grant_id`, `membership_id` and `roster_id` are what the
-- binding made (NULL when the account was a member there already); unbinding removes
-- the grant, ends the membership and takes the roster entry out. A retired number (a
-- 学号 replaced by a new one: 预科生转本科, 本科生读研) cannot log in or be bound; it can
-- still be unbound. Failed passwords lock the number like a password login.
CREATE TABLE institution_identities (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    real_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    account_id TEXT REFERENCES accounts(id),
    bound_at BIGINT,
    grant_id TEXT,
    membership_id TEXT,
    roster_id TEXT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (institution_id, number),
    UNIQUE (institution_id, account_id)
);
CREATE INDEX institution_identities_account ON institution_identities(account_id);

-- Binding tickets: what an unbound number's login hands out (random, kept as SHA-256),
-- good for one binding within ten minutes.
CREATE TABLE institution_tickets (
    ticket_hash TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL REFERENCES institution_identities(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
