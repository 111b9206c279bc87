-- 032 (issue 13): what each organisation shares with whom, set by the administrator. Until now
-- the sharing was fixed in the policies (013, 014): every organisation saw every report's
-- category, place and time; the free text only the reporting organisation, the analysts and the
-- administrators; the police's crimes row by row only the police, the analysts and the
-- administrators. Now each organisation's rows in sharing_policy say it, per kind of data:
--   rapporter   the reports' rows (category, subtype, place, time): incidents' row policy
--   fritext     the reports' free text: ostan_incident_description()
--   polisbrott  the police's crimes row by row with their points (an organisation of kind
--               'polis'): ostan_sees_police_rows(); others keep police_crimes_by_area
-- A row shares one kind with everyone ('alla'), with the analysts of every organisation
-- ('analytiker') or with one organisation ('organisation'). Always, whatever the rows: an
-- organisation sees its own, the administrators see everything. The default rows reproduce the
-- earlier fixed policy exactly, for the organisations there are and for every new one.
CREATE TABLE IF NOT EXISTS sharing_policy (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id   integer NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    data_kind      text NOT NULL CHECK (data_kind IN ('rapporter', 'fritext', 'polisbrott')),
    grantee        text NOT NULL CHECK (grantee IN ('alla', 'analytiker', 'organisation')),
    grantee_org_id integer REFERENCES organisations(id) ON DELETE CASCADE,
    CHECK ((grantee = 'organisation') = (grantee_org_id IS NOT NULL)),
    CHECK (grantee_org_id IS DISTINCT FROM owner_org_id),
    UNIQUE NULLS NOT DISTINCT (owner_org_id, data_kind, grantee, grantee_org_id)
);
COMMENT ON TABLE sharing_policy IS
    'Vad varje organisation delar med vilka (032); läses av radpolicyerna, ändras av administratören';

-- Today's policy as rows: reports' rows with everyone, free text with the analysts, and the
-- police's crimes with the analysts.
CREATE OR REPLACE FUNCTION ostan_default_sharing(p_org integer) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    INSERT INTO sharing_policy (owner_org_id, data_kind, grantee)
    SELECT p_org, k.kind, k.grantee
    FROM (VALUES ('rapporter', 'alla'), ('fritext', 'analytiker'), ('polisbrott', 'analytiker'))
         AS k (kind, grantee)
    WHERE k.kind <> 'polisbrott' OR EXISTS (SELECT 1 FROM organisations o
                                            WHERE o.id = p_org AND o.kind = 'polis')
    ON CONFLICT DO NOTHING
$$;
REVOKE ALL ON FUNCTION ostan_default_sharing(integer) FROM PUBLIC;

DO $$ BEGIN PERFORM ostan_default_sharing(id) FROM organisations; END $$;

CREATE OR REPLACE FUNCTION ostan_sharing_for_new_organisation() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    PERFORM ostan_default_sharing(NEW.id);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS organisations_default_sharing ON organisations;
CREATE TRIGGER organisations_default_sharing AFTER INSERT ON organisations
    FOR EACH ROW EXECUTE FUNCTION ostan_sharing_for_new_organisation();

-- The organisations whose data of p_kind the acting user sees (their ids; a STABLE function, so
-- a policy reads it once per statement as an init plan). Without an identity (the web login
-- before anyone is logged in, operators) the reports' rows stay shared as before and nothing
-- else is: the police's rows have their own rule for that case in ostan_sees_police_rows().
CREATE OR REPLACE FUNCTION ostan_shared_orgs(p_kind text) RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    WITH me AS (SELECT ostan_acting_role() AS role, ostan_user_org() AS org)
    SELECT coalesce(array_agg(o.id ORDER BY o.id), '{}')
    FROM organisations o, me
    WHERE CASE
        WHEN me.role IS NULL THEN p_kind = 'rapporter'
        WHEN me.role = 'ostan_admin' THEN true
        ELSE o.id = me.org
          OR EXISTS (SELECT 1 FROM sharing_policy s
                     WHERE s.owner_org_id = o.id AND s.data_kind = p_kind
                       AND (s.grantee = 'alla'
                            OR (s.grantee = 'analytiker' AND me.role = 'ostan_analytiker')
                            OR (s.grantee = 'organisation' AND s.grantee_org_id = me.org)))
    END
$$;
REVOKE ALL ON FUNCTION ostan_shared_orgs(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_shared_orgs(text)
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin, ostan_web;

-- The reports' rows (013 and 003 shared them with everyone).
DROP POLICY IF EXISTS incidents_read ON incidents;
CREATE POLICY incidents_read ON incidents FOR SELECT
    USING (organisation_id = ANY ((SELECT ostan_shared_orgs('rapporter'))::integer[]));

-- The free text (013): the analysts no longer read the column itself, only through the function,
-- so an organisation that does not share its free text with them keeps it from them too.
REVOKE SELECT ON incidents FROM ostan_analytiker;
GRANT SELECT (id, category, subtype, object_type, persons_count, occurred_from, occurred_to, geom,
              area_id, organisation_id, reported_by, client_token, import_id, external_id,
              created_at, updated_at)
    ON incidents TO ostan_analytiker;
CREATE OR REPLACE FUNCTION ostan_incident_description(p_id bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT i.description FROM incidents i
    WHERE i.id = p_id AND i.organisation_id = ANY (ostan_shared_orgs('fritext'))
$$;

-- The police's crimes row by row (014). With no police organisation registered nobody can have
-- set a policy for its crimes: the analysts see them, as before.
CREATE OR REPLACE FUNCTION ostan_sees_police_rows() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT CASE
        WHEN ostan_acting_role() IS NULL THEN session_user::text <> 'ostan_app'
        WHEN ostan_acting_role() = 'ostan_admin' THEN true
        WHEN NOT EXISTS (SELECT 1 FROM organisations WHERE kind = 'polis')
            THEN ostan_acting_role() = 'ostan_analytiker'
        ELSE EXISTS (SELECT 1 FROM organisations o
                     WHERE o.kind = 'polis' AND o.id = ANY (ostan_shared_orgs('polisbrott')))
    END
$$;

-- 014's write policy was FOR ALL and so let the analysts read every row as well: it becomes one
-- policy per write, so that reading is decided by the sharing above alone.
DROP POLICY IF EXISTS police_crimes_write ON police_crimes;
DROP POLICY IF EXISTS police_crimes_insert ON police_crimes;
DROP POLICY IF EXISTS police_crimes_update ON police_crimes;
DROP POLICY IF EXISTS police_crimes_delete ON police_crimes;
CREATE POLICY police_crimes_insert ON police_crimes FOR INSERT TO ostan_analytiker, ostan_admin
    WITH CHECK (true);
CREATE POLICY police_crimes_update ON police_crimes FOR UPDATE TO ostan_analytiker, ostan_admin
    USING (true) WITH CHECK (true);
CREATE POLICY police_crimes_delete ON police_crimes FOR DELETE TO ostan_analytiker, ostan_admin
    USING (true);

-- What the acting user sees, as a cache key for the pages' shared frames (ui.data): two users
-- with the same key see the same rows.
CREATE OR REPLACE FUNCTION ostan_visibility_key() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT concat_ws(':', ostan_sees_police_rows(),
                    array_to_string(ostan_shared_orgs('rapporter'), ',')) $$;
REVOKE ALL ON FUNCTION ostan_visibility_key() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_visibility_key()
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin, ostan_web;

-- Only the administrators change the policy (with their identity: ostan_identity_required);
-- the functions above read it with the owner's rights, so nobody else needs to see it.
REVOKE ALL ON sharing_policy FROM PUBLIC, ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_web, ostan_app;
GRANT SELECT, INSERT, DELETE ON sharing_policy TO ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_admin;
ALTER TABLE sharing_policy ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS sharing_policy_admin ON sharing_policy;
CREATE POLICY sharing_policy_admin ON sharing_policy FOR ALL TO ostan_admin
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS ostan_identity_required ON sharing_policy;
CREATE POLICY ostan_identity_required ON sharing_policy AS RESTRICTIVE FOR ALL
    USING ((SELECT ostan_identity_ok())) WITH CHECK ((SELECT ostan_identity_ok()));

-- Every change leaves a row in the audit trail, written by the database with the administrator's
-- name, role and organisation (ostan_audit, 007).
CREATE OR REPLACE FUNCTION ostan_audit_sharing() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    r sharing_policy;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    PERFORM ostan_audit(NULL,
                        CASE TG_OP WHEN 'INSERT' THEN 'delning tillagd'
                                   WHEN 'DELETE' THEN 'delning borttagen'
                                   ELSE 'delning ändrad' END,
                        'sharing_policy', r.id::text,
                        jsonb_build_object('ägare_organisation_id', r.owner_org_id,
                                           'data', r.data_kind, 'med', r.grantee,
                                           'med_organisation_id', r.grantee_org_id));
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS sharing_policy_audit ON sharing_policy;
CREATE TRIGGER sharing_policy_audit AFTER INSERT OR UPDATE OR DELETE ON sharing_policy
    FOR EACH ROW EXECUTE FUNCTION ostan_audit_sharing();

-- The pages' caches are keyed by the data version (024): a new policy is read at once.
DROP TRIGGER IF EXISTS sharing_policy_data_version ON sharing_policy;
CREATE TRIGGER sharing_policy_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON sharing_policy FOR EACH STATEMENT EXECUTE FUNCTION ostan_bump_data_version();
