-- 026: an identity the session cannot forge (issue 13). Until now RLS read `ostan.user_id`, a
-- setting any session may change, and the web login could SET ROLE to any app role. Now the
-- identity is a transaction-local token that only ostan_identify() can make: it checks the
-- caller's server-side login session (user_sessions: not revoked, neither idle for 30 min nor
-- older than 8 h, the user active), decides the role from users.role and signs user, role,
-- backend and transaction start with a key only the owner reads. ostan_user_id() and the app
-- role in force (ostan_acting_role) count only a token whose signature holds for this backend,
-- this transaction and the role now set; a plain SET ostan.user_id changes nothing RLS sees.
-- Operators and tests connecting as the owner (or a superuser) may act for anyone without a
-- session: they could anyway.

CREATE TABLE IF NOT EXISTS ostan_identity_key (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    key      bytea NOT NULL
);
REVOKE ALL ON ostan_identity_key FROM PUBLIC, ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_admin, ostan_web;
INSERT INTO ostan_identity_key (key)
VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                          || clock_timestamp()::text, 'UTF8')))
ON CONFLICT DO NOTHING;

-- The signature of (user, role) for this backend and this transaction: sha256(key ‖ sha256(key ‖
-- message)), the nested form, so that no length extension of one token gives another.
CREATE OR REPLACE FUNCTION ostan_identity_sign(p_user_id integer, p_role text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT encode(sha256(k.key || sha256(k.key || convert_to(
              concat_ws(':', p_user_id, p_role, pg_backend_pid(),
                        extract(epoch FROM pg_postmaster_start_time()),
                        extract(epoch FROM now())), 'UTF8'))), 'hex')
   FROM ostan_identity_key k $$;
REVOKE ALL ON FUNCTION ostan_identity_sign(integer, text) FROM PUBLIC;

-- The acting user and role of the transaction's token, when it is genuine and its role is the
-- one in force; nothing otherwise.
CREATE OR REPLACE FUNCTION ostan_identity() RETURNS TABLE (user_id integer, role text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    parts text[] := string_to_array(current_setting('ostan.identity', true), ':');
BEGIN
    IF coalesce(array_length(parts, 1), 0) <> 3 OR parts[1] !~ '^[0-9]{1,9}$'
       OR parts[2] <> current_setting('role')
       OR parts[3] IS DISTINCT FROM ostan_identity_sign(parts[1]::integer, parts[2]) THEN
        RETURN;
    END IF;
    user_id := parts[1]::integer;
    role := parts[2];
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION ostan_identity() FROM PUBLIC;

CREATE OR REPLACE FUNCTION ostan_user_id() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT user_id FROM ostan_identity() $$;

CREATE OR REPLACE FUNCTION ostan_user_org() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT organisation_id FROM users WHERE id = ostan_user_id() $$;

-- The app role in force, only with a genuine identity for it ('none' as an operator: NULL).
CREATE OR REPLACE FUNCTION ostan_acting_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT role FROM ostan_identity() $$;

-- True unless an app role is in force without a genuine identity for it: the web login on its
-- own (ostan_web), the public role and the owner pass; SET ROLE ostan_admin by hand does not.
CREATE OR REPLACE FUNCTION ostan_identity_ok() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT current_setting('role') NOT IN ('ostan_lasare', 'ostan_rapportor', 'ostan_analytiker',
                                          'ostan_admin')
          OR EXISTS (SELECT 1 FROM ostan_identity()) $$;

-- The one way to an identity. p_session: the login session's id (the secret behind the cookie);
-- p_role: the app role asked for, which must be the user's own. Returns the database role to
-- SET LOCAL (the caller sets it: PostgreSQL lets no SECURITY DEFINER function change the role);
-- NULL, with any earlier identity of the transaction cleared, when no session is given.
CREATE OR REPLACE FUNCTION ostan_identify(p_session text, p_user_id integer, p_role text)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    owner_login boolean := pg_has_role(session_user,
        (SELECT relowner FROM pg_class WHERE oid = 'public.users'::regclass), 'USAGE');
    own_role text;
    db_role text;
BEGIN
    IF p_role NOT IN ('lasare', 'rapportor', 'analytiker', 'admin') THEN
        RAISE EXCEPTION 'okänd roll: %', p_role USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT owner_login THEN
        IF p_session IS NULL THEN
            -- No session to show: no identity (the caller may still SET ROLE, and then every
            -- table under row-level security refuses it: ostan_identity_required).
            PERFORM set_config('ostan.identity', '', true);
            PERFORM set_config('ostan.user_id', '', true);
            RETURN NULL;
        END IF;
        SELECT u.role INTO own_role
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = p_session AND s.user_id = p_user_id AND u.active
          AND s.revoked_at IS NULL
          AND s.last_seen_at > now() - interval '30 minutes'
          AND s.created_at > now() - interval '8 hours';
        IF own_role IS NULL THEN
            RAISE EXCEPTION 'ingen giltig inloggning för användare %', p_user_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF own_role <> p_role THEN
            RAISE EXCEPTION 'användare % har inte rollen %', p_user_id, p_role
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    db_role := 'ostan_' || p_role;
    PERFORM set_config('ostan.identity',
                       concat_ws(':', p_user_id, db_role,
                                 ostan_identity_sign(p_user_id, db_role)), true);
    -- For people reading the settings; RLS does not trust it.
    PERFORM set_config('ostan.user_id', p_user_id::text, true);
    RETURN db_role;
END
$$;
REVOKE ALL ON FUNCTION ostan_identify(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_identify(text, integer, text) TO ostan_web;

-- 003's reporter policies read the setting itself: they now read the identity.
DROP POLICY IF EXISTS incidents_update_own ON incidents;
CREATE POLICY incidents_update_own ON incidents FOR UPDATE TO ostan_rapportor
    USING (reported_by = (SELECT ostan_user_id()) AND created_at > now() - interval '48 hours')
    WITH CHECK (reported_by = (SELECT ostan_user_id()));

-- Every table under row-level security refuses an app role set by hand without its identity
-- (a restrictive policy, in force beside the others).
DO $$
DECLARE t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity LOOP
        EXECUTE format('DROP POLICY IF EXISTS ostan_identity_required ON %s', t);
        EXECUTE format('CREATE POLICY ostan_identity_required ON %s AS RESTRICTIVE FOR ALL '
                       'USING ((SELECT ostan_identity_ok())) '
                       'WITH CHECK ((SELECT ostan_identity_ok()))', t);
    END LOOP;
END $$;

-- The audit trail is append-only and written by the database: nobody but the owner (through
-- ostan_audit and the triggers) inserts, updates, deletes or truncates it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, ostan_lasare, ostan_rapportor,
    ostan_analytiker, ostan_admin, ostan_web, ostan_app;
