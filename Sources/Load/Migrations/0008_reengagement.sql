-- Re-engagement (docs/scoring.md): each patient's BG/NBD figures, rhythm, RFM quintiles and place on the call list,
-- and each organization's fitted model. Every value is computed by the scorer, which keeps them in these ranges.

ALTER TABLE patient_activity
    ADD COLUMN probability_alive      double precision CHECK (probability_alive BETWEEN 0 AND 1),
    ADD COLUMN expected_visits_90d    double precision CHECK (expected_visits_90d >= 0),
    ADD COLUMN typical_interval_days  numeric(8, 1) CHECK (typical_interval_days > 0),
    ADD COLUMN overdue_ratio          numeric(12, 3) CHECK (overdue_ratio >= 0),
    ADD COLUMN rfm_recency            smallint CHECK (rfm_recency BETWEEN 1 AND 5),
    ADD COLUMN rfm_frequency          smallint CHECK (rfm_frequency BETWEEN 1 AND 5),
    ADD COLUMN rfm_monetary           smallint CHECK (rfm_monetary BETWEEN 1 AND 5),
    ADD COLUMN rfm_segment            text CHECK (rfm_segment IN ('champions', 'loyal', 'potential_loyalists',
                                          'new_patients', 'needs_attention', 'at_risk', 'hibernating', 'lost')),
    ADD COLUMN call_rank              integer CHECK (call_rank >= 1),
    ADD COLUMN call_reason            text;

-- The call list in its order, for the report and the API.
CREATE INDEX patient_activity_call_list_idx
    ON patient_activity (organization_id, call_rank, patient_id) WHERE call_rank IS NOT NULL;

-- One row per organization: the model the last run scored with (replaced by each run, like patient_activity).
CREATE TABLE reengagement_models (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    as_of               timestamptz NOT NULL,
    run_id              uuid,
    model               text NOT NULL CHECK (model IN ('bgnbd', 'rules_v1')),
    fitted              boolean NOT NULL,
    failure_reason      text,
    r                   double precision CHECK (r > 0),
    alpha               double precision CHECK (alpha > 0),
    a                   double precision CHECK (a > 0),
    b                   double precision CHECK (b > 0),
    log_likelihood      double precision,
    patients            integer NOT NULL CHECK (patients >= 0),
    repeat_visitors     integer NOT NULL CHECK (repeat_visitors >= 0),
    visit_patterns      integer NOT NULL CHECK (visit_patterns >= 0),
    iterations          integer CHECK (iterations >= 0),
    call_list_patients  integer NOT NULL CHECK (call_list_patients >= 0),
    PRIMARY KEY (organization_id),
    CHECK (fitted = (r IS NOT NULL AND alpha IS NOT NULL AND a IS NOT NULL AND b IS NOT NULL)),
    CHECK (fitted OR failure_reason IS NOT NULL)
);
ALTER TABLE reengagement_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE reengagement_models FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reengagement_models
    USING (organization_id = current_setting('routiq.org_id', true));
DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY owner_access ON reengagement_models TO %I USING (true) WITH CHECK (true)',
        (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'reengagement_models'::regclass)
    );
END
$$;
GRANT SELECT ON reengagement_models TO routiq_reader;
