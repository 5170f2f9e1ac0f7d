-- Which providers served a turn (a fallback names every one tried) and how
-- many model calls it made. Rows written before this migration keep empty
-- values and their original hashes (see auditFields).
ALTER TABLE audit_log ADD COLUMN providers TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN llm_calls INTEGER NOT NULL DEFAULT 0;
