-- Events, questionnaires and lotteries. Bodies live in `records` (kinds registration,
-- checkin, survey, answer, lottery, lottery_entry); these tables are what the rules
-- need to be decided in one transaction: one registration per person and event, one
-- answer per person and survey, one entry per person and lottery, in order.

CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    status TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    order_id TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (event_id, account_id)
);
CREATE INDEX registrations_event ON registrations(event_id, status, queued_at);

-- A person's answers, by a key that is the account for a named survey and a keyed hash
-- of it for an anonymous one (so nobody reading the table learns who answered what).
CREATE TABLE survey_answers (
    survey_id TEXT NOT NULL,
    answer_key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    body TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, answer_key)
);

-- Entries in the order they arrived (`n`), which is the order the draw uses.
-- A lottery's seed, secret until the draw (its SHA-256 is in the record from the start).
CREATE TABLE lottery_seeds (
    lottery_id TEXT PRIMARY KEY,
    seed TEXT NOT NULL
);

CREATE TABLE lottery_entries (
    lottery_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    entry_id TEXT NOT NULL UNIQUE,
    n BIGINT NOT NULL,
    name TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (lottery_id, account_id)
);
CREATE INDEX lottery_entries_order ON lottery_entries(lottery_id, n);

-- Check-ins (venue code, by hand) and what they were made with, so the same item
-- sent again is recorded once.
CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    source TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX checkins_event ON checkins(event_id, at);
