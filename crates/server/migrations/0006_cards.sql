-- Electronic business cards (电子名片). The settings are the member's choices
-- (`community::card::CardSettings`); the share link's token is never stored: it is
-- derived from a server secret, the account and `generation`, and only its SHA-256 is
-- kept for the lookup. Revoking clears the hash and moves to the next generation, so
-- an old link never opens again.
CREATE TABLE cards (
    account_id TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    generation BIGINT NOT NULL DEFAULT 0,
    share_hash TEXT UNIQUE,
    shared_at BIGINT,
    updated_at BIGINT NOT NULL
);
