-- 007: a write carries its writer. Reports are filed only under the writer's own organisation
-- (an admin may attribute them elsewhere), and the audit trail is written by the database:
-- roles may no longer insert audit rows themselves (they could forge them), only call
-- ostan_audit(), which takes the user and role from the transaction's identity.

CREATE OR REPLACE FUNCTION ostan_user_id() RETURNS integer
    LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('ostan.user_id', true), '')::integer $$;

-- SECURITY DEFINER: the roles do not read users.organisation_id for other users' sake.
CREATE OR REPLACE FUNCTION ostan_user_org() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT organisation_id FROM users WHERE id = nullif(current_setting('ostan.user_id', true), '')::integer $$;

-- The app role in force ('none' when the connection runs as its own login: an operator).
CREATE OR REPLACE FUNCTION ostan_acting_role() RETURNS text
    LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN current_setting('role') IN ('ostan_lasare', 'ostan_rapportor',
                                               'ostan_analytiker', 'ostan_admin')
               THEN current_setting('role') END $$;

DROP POLICY IF EXISTS incidents_insert_own ON incidents;
CREATE POLICY incidents_insert_own ON incidents FOR INSERT TO ostan_rapportor
    WITH CHECK (reported_by = (SELECT ostan_user_id())
                AND organisation_id = (SELECT ostan_user_org()));

-- Analysts import and correct reports, but add them only under their own organisation.
DROP POLICY IF EXISTS incidents_write_analyst ON incidents;
CREATE POLICY incidents_analyst_insert ON incidents FOR INSERT TO ostan_analytiker
    WITH CHECK (organisation_id = (SELECT ostan_user_org()));
CREATE POLICY incidents_analyst_update ON incidents FOR UPDATE TO ostan_analytiker
    USING (true) WITH CHECK (true);
CREATE POLICY incidents_admin_all ON incidents FOR ALL TO ostan_admin
    USING (true) WITH CHECK (true);

-- The audit trail: append-only, written through one function.
REVOKE INSERT, UPDATE, DELETE ON audit_log FROM ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_admin;

CREATE OR REPLACE FUNCTION ostan_audit(p_username text, p_action text, p_entity text,
                                       p_entity_id text, p_details jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    acting text := ostan_acting_role();
    who text := p_username;
BEGIN
    IF acting IS NOT NULL THEN
        -- Acting for a user: the name comes from the identity, never from the caller.
        SELECT username INTO who FROM users WHERE id = ostan_user_id();
    END IF;
    INSERT INTO audit_log (username, action, entity, entity_id, details)
    VALUES (who, p_action, p_entity, p_entity_id,
            coalesce(p_details, '{}'::jsonb)
            || jsonb_build_object('roll', coalesce(acting, session_user::text),
                                  'organisation_id', ostan_user_org()));
END
$$;
REVOKE ALL ON FUNCTION ostan_audit(text, text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_audit(text, text, text, text, jsonb)
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;

-- Every statement that writes reports leaves a row, whoever runs it (one row per statement:
-- a million-row import is one entry with its count, not a million).
CREATE OR REPLACE FUNCTION ostan_audit_incidents() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    n bigint;
    first_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT count(*), min(id) INTO n, first_id FROM old_rows;
    ELSE
        SELECT count(*), min(id) INTO n, first_id FROM new_rows;
    END IF;
    IF n > 0 THEN
        PERFORM ostan_audit(NULL, 'incidents ' || lower(TG_OP), 'incidents',
                            CASE WHEN n = 1 THEN first_id::text END,
                            jsonb_build_object('rader', n));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER incidents_audit_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ostan_audit_incidents();
CREATE TRIGGER incidents_audit_update AFTER UPDATE ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ostan_audit_incidents();
CREATE TRIGGER incidents_audit_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ostan_audit_incidents();
