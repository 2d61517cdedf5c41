-- A quarantined record stays open until a later run loads it, the source no longer has it, or a later run
-- quarantines it again (the newer entry then stands for it). Open entries are retried by id.
ALTER TABLE quarantine
    ADD COLUMN resolved_at timestamptz,
    ADD COLUMN resolution text CHECK (resolution IN ('loaded', 'gone', 'superseded')),
    ADD COLUMN resolved_run_id uuid,
    ADD CONSTRAINT quarantine_resolution_complete CHECK ((resolved_at IS NULL) = (resolution IS NULL));
CREATE INDEX quarantine_open_idx ON quarantine (organization_id, source, resource, source_id)
    WHERE resolved_at IS NULL;

-- The reader sees what was quarantined and why, never the raw payload (it may hold patient data).
REVOKE SELECT ON quarantine FROM routiq_reader;
GRANT SELECT (
    organization_id, quarantine_id, run_id, source, resource, source_id, reason, created_at, resolved_at, resolution,
    resolved_run_id
) ON quarantine TO routiq_reader;
