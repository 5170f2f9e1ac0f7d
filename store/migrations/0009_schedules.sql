-- The scheduler: tasks, the history of their runs, and the lease that says
-- which process runs them. Times are unix milliseconds. seq moves on every
-- write to a row (one past the table's highest), so the store watcher sees
-- two changes made in the same millisecond.
CREATE TABLE tasks (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('request', 'reminder')),
    spec        TEXT    NOT NULL,
    session     TEXT    NOT NULL DEFAULT '',
    paused      INTEGER NOT NULL DEFAULT 0,
    missed      TEXT    NOT NULL DEFAULT 'once' CHECK (missed IN ('once', 'skip', 'all')),
    missed_cap  INTEGER NOT NULL DEFAULT 10,
    -- next_run_at is the next due time; NULL when the task fires no more
    -- (a once: that fired).
    next_run_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    run_count   INTEGER NOT NULL DEFAULT 0,
    last_run_at INTEGER,
    last_state  TEXT    NOT NULL DEFAULT '',
    last_error  TEXT    NOT NULL DEFAULT '',
    seq         INTEGER NOT NULL
);
-- The next task due: the runner's one query when it plans its sleep.
CREATE INDEX tasks_due ON tasks (next_run_at) WHERE paused = 0 AND next_run_at IS NOT NULL;
CREATE INDEX tasks_seq ON tasks (seq);

-- One row per run: claimed (state running) before it starts, so a due run
-- starts once whichever process claims it; the unique index is the second
-- guard. A manual run has trigger 'now'.
CREATE TABLE task_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     TEXT    NOT NULL,
    due_at      INTEGER NOT NULL,
    trigger     TEXT    NOT NULL CHECK (trigger IN ('schedule', 'missed', 'now')),
    state       TEXT    NOT NULL CHECK (state IN ('running', 'waiting', 'succeeded', 'failed',
                        'interrupted', 'skipped')),
    runner      TEXT    NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    turn_id     TEXT    NOT NULL DEFAULT '',
    approval    TEXT    NOT NULL DEFAULT '',
    output      TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    -- shown_at: when a reminder's text reached a person (a cockpit showed
    -- it, or a notification channel took it); NULL until then.
    shown_at    INTEGER,
    seq         INTEGER NOT NULL
);
CREATE UNIQUE INDEX task_runs_once ON task_runs (task_id, due_at, trigger) WHERE trigger <> 'now';
CREATE INDEX task_runs_task ON task_runs (task_id, id);
CREATE INDEX task_runs_live ON task_runs (state) WHERE state IN ('running', 'waiting');
CREATE INDEX task_runs_seq ON task_runs (seq);
CREATE INDEX task_runs_unshown ON task_runs (finished_at) WHERE shown_at IS NULL AND state = 'succeeded';

-- Leases: the process named holder may do the work called name until
-- expires_at, renewing it before then; a holder that died is replaced.
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    role        TEXT    NOT NULL DEFAULT '',
    acquired_at INTEGER NOT NULL,
    renewed_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
