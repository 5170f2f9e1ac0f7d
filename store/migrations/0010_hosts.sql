-- The fleet: each host's state now, its history for sparklines, and its
-- alerts. Times are unix milliseconds. seq moves on every write to a row
-- (one past the table's highest), so the store watcher sees two changes
-- made in the same millisecond.
CREATE TABLE host_status (
    host        TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL,
    why         TEXT    NOT NULL DEFAULT '',
    since       INTEGER NOT NULL,
    last_seen   INTEGER,
    probed_at   INTEGER,
    latency_ms  INTEGER NOT NULL DEFAULT 0,
    -- snapshot: the last probe that answered, as JSON; '' until one did.
    snapshot    TEXT    NOT NULL DEFAULT '',
    -- The key an untrusted or refused host presented.
    fingerprint TEXT    NOT NULL DEFAULT '',
    key_type    TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    seq         INTEGER NOT NULL
);
CREATE INDEX host_status_seq ON host_status (seq);

-- One row per probe: the headline numbers, NULL when not measured. The
-- table is its (host, at) index, so a sample costs one row and no index
-- entry of its own.
CREATE TABLE host_samples (
    host TEXT    NOT NULL,
    at   INTEGER NOT NULL,
    ok   INTEGER NOT NULL,
    load1 REAL,
    cpu   REAL,
    mem   REAL,
    disk  REAL,
    PRIMARY KEY (host, at)
) WITHOUT ROWID;

-- Alerts: firing while resolved_at is NULL, at most one per (host, rule,
-- subject) at a time.
CREATE TABLE host_alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    host        TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    subject     TEXT    NOT NULL DEFAULT '',
    message     TEXT    NOT NULL DEFAULT '',
    value       REAL,
    threshold   REAL,
    fired_at    INTEGER NOT NULL,
    resolved_at INTEGER,
    seq         INTEGER NOT NULL
);
CREATE UNIQUE INDEX host_alerts_firing ON host_alerts (host, rule, subject) WHERE resolved_at IS NULL;
CREATE INDEX host_alerts_host ON host_alerts (host, id);
CREATE INDEX host_alerts_seq ON host_alerts (seq);
