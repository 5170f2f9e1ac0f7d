-- Model usage: one row per model call, for budgets and `macroa usage`.
-- Times are unix milliseconds.
CREATE TABLE usage (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at        INTEGER NOT NULL,
    turn_id           TEXT    NOT NULL DEFAULT '',
    session           TEXT    NOT NULL DEFAULT '',
    source            TEXT    NOT NULL DEFAULT '',
    tier              TEXT    NOT NULL DEFAULT '',
    provider          TEXT    NOT NULL DEFAULT '',
    model             TEXT    NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd          REAL    NOT NULL DEFAULT 0,
    cached            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX usage_created_at ON usage (created_at);
CREATE INDEX usage_session ON usage (session, created_at);
