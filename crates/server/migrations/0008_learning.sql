-- The learning platform (学习平台). `courses.body` is `community::learning::Course`,
-- published to its node (and its subtree's members at the member price).
-- `enrolments.progress` is JSON: per lesson, the reading time earned and the page's last
-- report (`community::learning::ReadState`), counted on the server's clock.
CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    node_id TEXT NOT NULL,
    body TEXT NOT NULL,
    published BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX courses_node ON courses(node_id);

CREATE TABLE enrolments (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    member BIGINT NOT NULL,
    price_fen BIGINT NOT NULL,
    order_id TEXT,
    active BIGINT NOT NULL,
    progress TEXT NOT NULL,
    passed_at BIGINT,
    certificate_no TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (course_id, account_id)
);
CREATE INDEX enrolments_account ON enrolments(account_id, created_at);
