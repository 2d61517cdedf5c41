-- Isolation twice (DESIGN §5, §8): every read on behalf of one organization runs as routiq_reader with
-- routiq.org_id set, and row-level security is FORCEd, so a query that forgot its organization_id filter still sees
-- only that organization. Also the reports table: the report stage's summary.json and report.html, served by
-- `routiq serve` from the warehouse so it needs no shared disk.

CREATE TABLE reports (
    organization_id   text NOT NULL REFERENCES organizations ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('summary', 'report_html')),
    content           bytea NOT NULL,
    content_type      text NOT NULL,
    etag              text NOT NULL,
    generated_at      timestamptz NOT NULL,
    run_id            uuid,
    stored_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, kind)
);
ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reports USING (organization_id = current_setting('routiq.org_id', true));
GRANT SELECT ON reports TO routiq_reader;

-- FORCE row-level security on every tenant table: every table of this schema with a tenant_isolation policy (the
-- 21 tables of migration 1, and reports).
--
-- FORCE also binds the table's owner, which is the role the pipeline writes with, so each table gets an
-- owner_access policy for its owner. Policies are permissive, hence OR-ed: the owner (and the roles that have its
-- privileges) keeps full access, while routiq_reader and every other role see only what tenant_isolation allows.
--
-- The policy names the table's owner rather than CURRENT_USER. The two are the same when one role runs every
-- migration and the pipeline, which is how RoutIQ is used with a DATABASE_URL role; when a superuser runs this
-- migration on tables another role owns, CURRENT_USER would be the superuser (who bypasses RLS anyway) and the
-- owner would lose its rows. For the embedded cluster the owner is the cluster's superuser, whom RLS never binds,
-- so there the policy changes nothing. Membership goes one way only: the owner is made a member of routiq_reader
-- below, never the reverse, so SET ROLE routiq_reader drops the owner's policy.
DO $$
DECLARE
    tenant_table record;
BEGIN
    FOR tenant_table IN
        SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner
        FROM pg_policies p
        JOIN pg_class c ON c.relname = p.tablename
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = p.schemaname
        WHERE p.policyname = 'tenant_isolation' AND p.schemaname = current_schema()
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table.name);
        EXECUTE format(
            'CREATE POLICY owner_access ON %I TO %I USING (true) WITH CHECK (true)',
            tenant_table.name, tenant_table.owner
        );
    END LOOP;
END
$$;

-- The writer's connections switch to routiq_reader for reads (SET LOCAL ROLE), which needs membership. Granting an
-- existing membership again only raises a notice, but a role without ADMIN on routiq_reader cannot grant at all, so
-- grant only when missing.
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'routiq_reader', 'MEMBER') THEN
        EXECUTE format('GRANT routiq_reader TO %I', current_user);
    END IF;
END
$$;
