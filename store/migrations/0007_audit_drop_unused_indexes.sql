-- No query reads the audit log by time, session or skill through these
-- indexes (it is read in id order; the stats scan it whole), yet every
-- run paid for them: each append wrote three more pages, and every
-- process parsed them when it opened the schema.
DROP INDEX IF EXISTS audit_log_created;
DROP INDEX IF EXISTS audit_log_session;
DROP INDEX IF EXISTS audit_log_skill;
