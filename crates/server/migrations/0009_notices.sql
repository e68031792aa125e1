-- 消息订阅: which SMS a member receives (`notices::NotifyPrefs` as JSON; no row: all on).
CREATE TABLE notify_prefs (
    account_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
