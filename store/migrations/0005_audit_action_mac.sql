-- What actually ran (the exact command, the path written, or the
-- parameters as JSON) and who chose it (user, keyword, classifier, planner,
-- agent...). hash_version names the field list the row's hash covers
-- (0 = written before this migration: v1 or v2, see auditFields); mac is
-- HMAC-SHA256 of the hash under the key kept outside the database (audit.key
-- beside it), '' for rows written before MACs existed.
ALTER TABLE audit_log ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN chosen_by TEXT NOT NULL DEFAULT '';
-- 'start' for the record written before a state-changing action runs; ''
-- for a run's outcome.
ALTER TABLE audit_log ADD COLUMN stage TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT '';

-- The head also keeps the newest entry's MAC (so an append knows the log is
-- keyed even when the key file has gone) and the number of entries.
ALTER TABLE audit_head ADD COLUMN last_mac TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN count INTEGER NOT NULL DEFAULT 0;
UPDATE audit_head SET count = (SELECT count(*) FROM audit_log);
