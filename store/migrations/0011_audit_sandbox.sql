-- The confinement a command a model ran unasked ran under: full, partial,
-- none, off, or systemd-run (another host's confinement); '' for every
-- other entry. Rows written before this migration keep '' and their hash
-- version, so they hash as before (see auditFields).
ALTER TABLE audit_log ADD COLUMN sandbox TEXT NOT NULL DEFAULT '';
