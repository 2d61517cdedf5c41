-- RoutIQ schema, version 1. See docs/schema.md for what every column means.
-- Every tenant table carries organization_id, its primary key starts with it, and row-level security limits it
-- to current_setting('routiq.org_id', true). Source ids are text (Cliniko ids exceed 2^53).

CREATE TABLE organizations (
    organization_id   text PRIMARY KEY CHECK (organization_id ~ '^org_[A-Za-z0-9]{1,64}$'),
    name              text NOT NULL,
    slug              text,
    time_zone         text NOT NULL DEFAULT 'UTC',
    phone_region      text NOT NULL DEFAULT 'AU' CHECK (phone_region ~ '^[A-Z]{2}$'),
    clerk_created_at  timestamptz,
    clerk_updated_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    removed_at        timestamptz
);

CREATE TABLE users (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    user_id             text NOT NULL,
    first_name          text,
    last_name           text,
    primary_email       text,
    banned              boolean NOT NULL DEFAULT false,
    locked              boolean NOT NULL DEFAULT false,
    source_created_at   timestamptz,
    source_updated_at   timestamptz,
    last_sign_in_at     timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, user_id)
);

CREATE TABLE organization_members (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    user_id             text NOT NULL,
    membership_id       text NOT NULL,
    role                text NOT NULL,
    source_created_at   timestamptz,
    source_updated_at   timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, user_id),
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, user_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE businesses (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    business_id         text NOT NULL,
    name                text NOT NULL,
    time_zone           text,
    country             text,
    archived_at         timestamptz,
    source_created_at   timestamptz,
    source_updated_at   timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, business_id)
);

CREATE TABLE practitioners (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    practitioner_id     text NOT NULL,
    first_name          text,
    last_name           text,
    title               text,
    designation         text,
    display_name        text,
    active              boolean NOT NULL DEFAULT true,
    source_created_at   timestamptz,
    source_updated_at   timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, practitioner_id)
);

CREATE TABLE appointment_types (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    appointment_type_id text NOT NULL,
    name                text NOT NULL,
    category            text,
    duration_minutes    integer,
    max_attendees       integer,
    telehealth_enabled  boolean NOT NULL DEFAULT false,
    archived_at         timestamptz,
    source_created_at   timestamptz,
    source_updated_at   timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, appointment_type_id)
);

CREATE TABLE patients (
    organization_id       text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    patient_id            text NOT NULL,
    first_name            text,
    last_name             text,
    preferred_first_name  text,
    title                 text,
    email                 text,
    date_of_birth         date,
    sex                   text,
    primary_phone_e164    text,
    archived_at           timestamptz,
    merged_at             timestamptz,
    merged_into_id        text,
    deleted_at            timestamptz,
    source_created_at     timestamptz,
    source_updated_at     timestamptz,
    content_hash          text NOT NULL DEFAULT '',
    loaded_at             timestamptz NOT NULL DEFAULT now(),
    removed_at            timestamptz,
    PRIMARY KEY (organization_id, patient_id)
);
CREATE INDEX patients_email_idx ON patients (organization_id, lower(email));
CREATE INDEX patients_updated_idx ON patients (organization_id, source_updated_at);

CREATE TABLE patient_phones (
    organization_id     text NOT NULL,
    patient_id          text NOT NULL,
    position            integer NOT NULL,
    raw_number          text NOT NULL,
    phone_type          text,
    e164                text,
    number_kind         text,
    normalization       text NOT NULL,
    PRIMARY KEY (organization_id, patient_id, position),
    FOREIGN KEY (organization_id, patient_id) REFERENCES patients (organization_id, patient_id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX patient_phones_e164_idx ON patient_phones (organization_id, e164) WHERE e164 IS NOT NULL;

CREATE TABLE appointments (
    organization_id       text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    appointment_id        text NOT NULL,
    patient_id            text,
    practitioner_id       text,
    appointment_type_id   text,
    business_id           text,
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz,
    cancelled_at          timestamptz,
    cancellation_reason   integer,
    cancellation_note     text,
    did_not_arrive        boolean NOT NULL DEFAULT false,
    patient_arrived       boolean NOT NULL DEFAULT false,
    archived_at           timestamptz,
    deleted_at            timestamptz,
    repeated_from_id      text,
    source_created_at     timestamptz,
    source_updated_at     timestamptz,
    content_hash          text NOT NULL DEFAULT '',
    loaded_at             timestamptz NOT NULL DEFAULT now(),
    removed_at            timestamptz,
    PRIMARY KEY (organization_id, appointment_id),
    FOREIGN KEY (organization_id, patient_id) REFERENCES patients (organization_id, patient_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX appointments_patient_idx ON appointments (organization_id, patient_id, starts_at);
CREATE INDEX appointments_starts_idx ON appointments (organization_id, starts_at);
CREATE INDEX appointments_type_idx ON appointments (organization_id, appointment_type_id);

CREATE TABLE contacts (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    contact_id          text NOT NULL,
    name                text,
    email               text,
    phone_number        text,
    phone_e164          text,
    identifier          text,
    cliniko_patient_id  text,
    source_created_at   timestamptz,
    last_activity_at    timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, contact_id)
);

CREATE TABLE conversations (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    conversation_id     text NOT NULL,
    contact_id          text,
    inbox_id            text,
    status              text NOT NULL,
    channel             text,
    labels              text[] NOT NULL DEFAULT '{}',
    source_created_at   timestamptz,
    last_activity_at    timestamptz,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, conversation_id),
    FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, contact_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX conversations_contact_idx ON conversations (organization_id, contact_id);

CREATE TABLE messages (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    message_id          text NOT NULL,
    conversation_id     text NOT NULL,
    message_type        text NOT NULL CHECK (message_type IN ('incoming', 'outgoing', 'activity', 'template')),
    private             boolean NOT NULL DEFAULT false,
    status              text,
    content             text,
    source_created_at   timestamptz NOT NULL,
    content_hash        text NOT NULL DEFAULT '',
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (organization_id, message_id),
    FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, conversation_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX messages_conversation_idx ON messages (organization_id, conversation_id, source_created_at);

CREATE TABLE contact_matches (
    organization_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    contact_id          text NOT NULL,
    status              text NOT NULL CHECK (status IN ('matched', 'ambiguous', 'unmatched')),
    method              text CHECK (method IN ('phone', 'email', 'identifier')),
    patient_id          text,
    candidate_ids       text[] NOT NULL DEFAULT '{}',
    confidence          numeric(4, 3),
    matched_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, contact_id),
    FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, contact_id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (organization_id, patient_id) REFERENCES patients (organization_id, patient_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX contact_matches_patient_idx ON contact_matches (organization_id, patient_id) WHERE patient_id IS NOT NULL;

CREATE TABLE patient_activity (
    organization_id               text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    patient_id                    text NOT NULL,
    as_of                         timestamptz NOT NULL,
    run_id                        uuid,
    first_visit_at                timestamptz,
    last_visit_at                 timestamptz,
    next_visit_at                 timestamptz,
    next_appointment_type_id      text,
    attended_recent               integer NOT NULL DEFAULT 0,
    attended_90d                  integer NOT NULL DEFAULT 0,
    attended_total                integer NOT NULL DEFAULT 0,
    upcoming_count                integer NOT NULL DEFAULT 0,
    cancelled_90d                 integer NOT NULL DEFAULT 0,
    late_cancelled_90d            integer NOT NULL DEFAULT 0,
    did_not_arrive_90d            integer NOT NULL DEFAULT 0,
    attendance_rate_90d           numeric(5, 4),
    primary_appointment_type_id   text,
    last_message_at               timestamptz,
    last_contact_at               timestamptz,
    days_since_last_contact       integer,
    activity_status               text NOT NULL
        CHECK (activity_status IN ('active', 'recently_active', 'upcoming_only', 'lapsed', 'new', 'never_seen')),
    engagement                    text NOT NULL CHECK (engagement IN ('active', 'dormant', 'stale')),
    risk_level                    text NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
    risk_score                    smallint NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    action_priority               smallint NOT NULL CHECK (action_priority BETWEEN 1 AND 4),
    recommended_action            text NOT NULL,
    lifetime_value                numeric(12, 2),
    PRIMARY KEY (organization_id, patient_id),
    FOREIGN KEY (organization_id, patient_id) REFERENCES patients (organization_id, patient_id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX patient_activity_priority_idx ON patient_activity (organization_id, action_priority, risk_score DESC);

CREATE TABLE appointment_type_stats (
    organization_id       text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    appointment_type_id   text NOT NULL,
    as_of                 timestamptz NOT NULL,
    run_id                uuid,
    patients              integer NOT NULL DEFAULT 0,
    upcoming              integer NOT NULL DEFAULT 0,
    attended_90d          integer NOT NULL DEFAULT 0,
    cancelled_90d         integer NOT NULL DEFAULT 0,
    did_not_arrive_90d    integer NOT NULL DEFAULT 0,
    total_appointments    integer NOT NULL DEFAULT 0,
    share_of_total        numeric(5, 4),
    most_recent_at        timestamptz,
    PRIMARY KEY (organization_id, appointment_type_id)
);

CREATE TABLE appointment_weekly_stats (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    week_start        date NOT NULL,
    iso_year          integer NOT NULL,
    iso_week          integer NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    as_of             timestamptz NOT NULL,
    run_id            uuid,
    attended          integer NOT NULL DEFAULT 0,
    cancelled         integer NOT NULL DEFAULT 0,
    did_not_arrive    integer NOT NULL DEFAULT 0,
    booked            integer NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, week_start)
);

CREATE TABLE sync_runs (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    run_id            uuid NOT NULL,
    pipeline          text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('incremental', 'full')),
    status            text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'skipped')),
    started_by        text NOT NULL,
    host              text,
    started_at        timestamptz NOT NULL,
    finished_at       timestamptz,
    as_of             timestamptz,
    error             text,
    records_read          bigint NOT NULL DEFAULT 0,
    records_inserted      bigint NOT NULL DEFAULT 0,
    records_updated       bigint NOT NULL DEFAULT 0,
    records_unchanged     bigint NOT NULL DEFAULT 0,
    records_removed       bigint NOT NULL DEFAULT 0,
    records_quarantined   bigint NOT NULL DEFAULT 0,
    stats             jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (organization_id, run_id),
    CHECK (finished_at IS NOT NULL OR status = 'running')
);
CREATE INDEX sync_runs_started_idx ON sync_runs (organization_id, started_at DESC);

CREATE TABLE sync_state (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    source            text NOT NULL CHECK (source IN ('cliniko', 'chatwoot', 'clerk')),
    resource          text NOT NULL,
    cursor_value      text,
    last_success_at   timestamptz,
    last_full_at      timestamptz,
    run_id            uuid,
    PRIMARY KEY (organization_id, source, resource)
);

CREATE TABLE quarantine (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    quarantine_id     bigint GENERATED ALWAYS AS IDENTITY,
    run_id            uuid NOT NULL,
    source            text NOT NULL,
    resource          text NOT NULL,
    source_id         text,
    reason            text NOT NULL,
    raw               text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, quarantine_id)
);
CREATE INDEX quarantine_run_idx ON quarantine (organization_id, run_id);

CREATE TABLE service_credentials (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    service           text NOT NULL CHECK (service IN ('cliniko', 'chatwoot', 'clerk')),
    sealed            bytea NOT NULL,
    key_fingerprint   text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text NOT NULL,
    PRIMARY KEY (organization_id, service)
);

CREATE TABLE audit_log (
    organization_id   text NOT NULL,
    audit_id          bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at       timestamptz NOT NULL DEFAULT now(),
    actor             text NOT NULL,
    action            text NOT NULL,
    target            text,
    details           jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (organization_id, audit_id)
);

-- Row-level security: every tenant table only shows the organization named by routiq.org_id.
DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY[
        'organizations', 'users', 'organization_members', 'businesses', 'practitioners', 'appointment_types',
        'patients', 'patient_phones', 'appointments', 'contacts', 'conversations', 'messages', 'contact_matches',
        'patient_activity', 'appointment_type_stats', 'appointment_weekly_stats', 'sync_runs', 'sync_state',
        'quarantine', 'service_credentials', 'audit_log'
    ] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (organization_id = current_setting(''routiq.org_id'', true))',
            tenant_table
        );
    END LOOP;
END
$$;

-- The read-only role the API connects as. Roles are cluster-wide, so another database may have created it.
DO $$
BEGIN
    CREATE ROLE routiq_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO routiq_reader;
GRANT SELECT ON
    organizations, users, organization_members, businesses, practitioners, appointment_types, patients,
    patient_phones, appointments, contacts, conversations, messages, contact_matches, patient_activity,
    appointment_type_stats, appointment_weekly_stats, sync_runs, sync_state, quarantine
TO routiq_reader;
REVOKE ALL ON service_credentials, audit_log, schema_migrations FROM routiq_reader;
