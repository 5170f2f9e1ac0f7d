-- The approval queue: typed actions a proposer asked to run, the gate's
-- decision, who answered and what came of it. Times are unix milliseconds.
-- seq moves on every write to a row (one past the table's highest), so the
-- store watcher sees two changes made in the same millisecond.
CREATE TABLE approvals (
    id            TEXT    PRIMARY KEY,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'running',
                          'succeeded', 'failed', 'rejected', 'expired', 'interrupted')),
    kind          TEXT    NOT NULL,
    host          TEXT    NOT NULL DEFAULT '',
    params        TEXT    NOT NULL DEFAULT '',
    summary       TEXT    NOT NULL DEFAULT '',
    target        TEXT    NOT NULL DEFAULT '',
    dedupe_key    TEXT,
    count         INTEGER NOT NULL DEFAULT 1,
    risk          INTEGER NOT NULL DEFAULT 0,
    verdict       TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    protected     TEXT    NOT NULL DEFAULT '',
    level         TEXT    NOT NULL DEFAULT '',
    proposer      TEXT    NOT NULL DEFAULT '',
    why           TEXT    NOT NULL DEFAULT '',
    session       TEXT    NOT NULL DEFAULT '',
    turn_id       TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    decided_at    INTEGER,
    decided_by    TEXT    NOT NULL DEFAULT '',
    decided_where TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    runner        TEXT    NOT NULL DEFAULT '',
    started_at    INTEGER,
    finished_at   INTEGER,
    exit_code     INTEGER NOT NULL DEFAULT 0,
    output        TEXT    NOT NULL DEFAULT '',
    error         TEXT    NOT NULL DEFAULT '',
    undo          TEXT    NOT NULL DEFAULT '',
    seq           INTEGER NOT NULL
);
-- The queue as the pane shows it: what waits, riskiest then oldest first.
CREATE INDEX approvals_pending ON approvals (risk DESC, created_at, id) WHERE state = 'pending';
-- Identical proposals merge: at most one pending entry per key, across processes.
CREATE UNIQUE INDEX approvals_dedupe ON approvals (dedupe_key) WHERE state = 'pending';
-- The next entry to expire.
CREATE INDEX approvals_expiry ON approvals (expires_at) WHERE state = 'pending';
-- The history, newest first.
CREATE INDEX approvals_done ON approvals (updated_at, id) WHERE state <> 'pending';
-- Counts by state; approved and running entries to check for dead runners.
CREATE INDEX approvals_state ON approvals (state, updated_at);
CREATE INDEX approvals_seq ON approvals (seq);

-- Remembered approvals: the gate approves the same kind of action on the
-- same target (and host, or session, by scope) without asking again.
CREATE TABLE approval_rules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    host       TEXT    NOT NULL DEFAULT '',
    target     TEXT    NOT NULL,
    scope      TEXT    NOT NULL CHECK (scope IN ('session', 'host', 'always')),
    session    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL DEFAULT '',
    from_id    TEXT    NOT NULL DEFAULT '',
    revoked_at INTEGER,
    uses       INTEGER NOT NULL DEFAULT 0,
    seq        INTEGER NOT NULL
);
CREATE INDEX approval_rules_match ON approval_rules (kind, target) WHERE revoked_at IS NULL;
CREATE INDEX approval_rules_seq ON approval_rules (seq);
