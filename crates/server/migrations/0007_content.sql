-- Reviewed content (供需, 荣誉证书, 专家信息, 会员风采, 企业风采). `body` is the item
-- (`community::content::ContentItem`: the shown version and the one under review);
-- `public` is 1 while an approved version is on the shelf; `request_id` is the approval
-- engine's request for the version waiting for review.
CREATE TABLE content_items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    public BIGINT NOT NULL DEFAULT 0,
    request_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX content_items_public ON content_items(public, kind, updated_at);
CREATE INDEX content_items_owner ON content_items(owner_id, created_at);
