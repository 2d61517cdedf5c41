-- Short transactions and many workers (issue #14, DESIGN §4 and §11).
--
-- 1. Per-run staging. An organization's extract no longer runs inside its final transaction: each batch of pages is
--    copied into these tables in its own short statement, tagged with the run (run_id, taken from the session
--    setting routiq.staging_run that the loader sets on the connection before each COPY), and the final transaction
--    merges the run's rows into the warehouse and deletes them. Nothing here is ever read by anything but that
--    merge, so the tables are UNLOGGED (no WAL; emptied after a server crash, which only loses the staged rows of
--    runs that the crash killed anyway). Rows of a run that died are deleted by the organization's next run, which
--    holds its lock and so knows no live run owns them.
--
-- 2. Batch claims. `routiq run --batch ID` lets many processes share one run: each organization is claimed by one
--    process per batch, and the claim records how it ended, so a batch started again skips what already succeeded.

CREATE SCHEMA routiq_staging;

DO $$
DECLARE
    staged text;
BEGIN
    FOREACH staged IN ARRAY ARRAY[
        'patients', 'appointments', 'appointment_types', 'practitioners', 'businesses', 'contacts',
        'conversations', 'messages', 'users', 'organization_members'
    ]
    LOOP
        EXECUTE format(
            'CREATE UNLOGGED TABLE routiq_staging.%I (LIKE %I INCLUDING DEFAULTS, '
            'run_id uuid NOT NULL DEFAULT (current_setting(''routiq.staging_run''))::uuid)',
            staged, staged
        );
        EXECUTE format('CREATE INDEX ON routiq_staging.%I (organization_id, run_id)', staged);
    END LOOP;
END
$$;

-- A patient's phones, with the patient's version (the newest staged version of a patient wins).
CREATE UNLOGGED TABLE routiq_staging.patient_phones (
    LIKE patient_phones INCLUDING DEFAULTS,
    version           timestamptz,
    run_id            uuid NOT NULL DEFAULT (current_setting('routiq.staging_run'))::uuid
);
CREATE INDEX ON routiq_staging.patient_phones (organization_id, run_id);

-- Records quarantined while extracting: moved into `quarantine` by the final transaction, with the data.
CREATE UNLOGGED TABLE routiq_staging.quarantine (
    organization_id   text NOT NULL,
    run_id            uuid NOT NULL,
    staged_id         bigint GENERATED ALWAYS AS IDENTITY,
    source            text NOT NULL,
    resource          text NOT NULL,
    source_id         text,
    reason            text NOT NULL,
    raw               text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON routiq_staging.quarantine (organization_id, run_id);

CREATE TABLE batch_claims (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    batch_id          text NOT NULL CHECK (length(batch_id) BETWEEN 1 AND 200),
    run_id            uuid NOT NULL,
    worker            text NOT NULL,
    status            text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
    claimed_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at       timestamptz,
    PRIMARY KEY (organization_id, batch_id),
    CHECK (finished_at IS NOT NULL OR status = 'running')
);
CREATE INDEX batch_claims_batch_idx ON batch_claims (batch_id);

-- A tenant table like every other (migration 5): isolated for routiq_reader, full access for its owner.
ALTER TABLE batch_claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE batch_claims FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON batch_claims USING (organization_id = current_setting('routiq.org_id', true));
DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY owner_access ON batch_claims TO %I USING (true) WITH CHECK (true)',
        (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'batch_claims'::regclass)
    );
END
$$;
