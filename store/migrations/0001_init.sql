-- 0001: the first schema. Times are INTEGER unix milliseconds.

-- Memory: one row per remembered fact, unique per (namespace, key).
CREATE TABLE facts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace  TEXT    NOT NULL DEFAULT 'user',
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    confidence REAL    NOT NULL DEFAULT 1.0,
    source     TEXT    NOT NULL DEFAULT 'user',
    pinned     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER,              -- NULL = never expires
    UNIQUE (namespace, key)
);
-- GetFact with no namespace looks a key up across all namespaces.
CREATE INDEX facts_key ON facts (key);
CREATE INDEX facts_expires ON facts (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX facts_pinned_updated ON facts (pinned, updated_at);

-- Full-text index over key and value. The unicode61 tokenizer splits
-- "server_ip" into "server" and "ip", so "what is my server IP" finds it.
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    key, value,
    content = 'facts', content_rowid = 'id',
    tokenize = 'porter unicode61'
);
CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts (rowid, key, value) VALUES (new.id, new.key, new.value);
END;
CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
END;
-- Only key or value changes touch the index; pinning a fact does not.
CREATE TRIGGER facts_fts_update AFTER UPDATE OF key, value ON facts BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
    INSERT INTO facts_fts (rowid, key, value) VALUES (new.id, new.key, new.value);
END;

-- Sessions: named conversations. turn_count counts every user turn ever.
CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    turn_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_updated ON sessions (updated_at);

-- The conversation, append-only: a turn adds rows, it never rewrites them.
CREATE TABLE context_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn_id    TEXT    NOT NULL DEFAULT '',
    role       TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    TEXT    NOT NULL,
    skill      TEXT    NOT NULL DEFAULT '',
    pinned     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX context_entries_session ON context_entries (session_id, id);

-- Audit log: one row per turn, hash-chained (see audit.go).
CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    turn_id           TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    session           TEXT    NOT NULL DEFAULT '',
    source            TEXT    NOT NULL DEFAULT '',
    input             TEXT    NOT NULL DEFAULT '',
    route             TEXT    NOT NULL DEFAULT '',
    skill             TEXT    NOT NULL DEFAULT '',
    tier              TEXT    NOT NULL DEFAULT '',
    model             TEXT    NOT NULL DEFAULT '',
    success           INTEGER NOT NULL DEFAULT 0,
    error             TEXT    NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd          REAL    NOT NULL DEFAULT 0,
    elapsed_ms        INTEGER NOT NULL DEFAULT 0,
    plan_steps        INTEGER NOT NULL DEFAULT 0,
    prev_hash         TEXT    NOT NULL,
    hash              TEXT    NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_session ON audit_log (session);
CREATE INDEX audit_log_skill ON audit_log (skill);

-- The chain head: the newest entry's id and hash, updated in the same
-- transaction as each append. Without it, deleting the newest rows would
-- leave a chain that still verifies.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');
