-- Episodes: summaries of session context that fell out of the window, so a
-- long conversation keeps its gist. from_entry/to_entry bound the
-- context_entries ids each one covers.
CREATE TABLE episodes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    summary    TEXT    NOT NULL,
    from_entry INTEGER NOT NULL,
    to_entry   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX episodes_session ON episodes (session_id, id);
