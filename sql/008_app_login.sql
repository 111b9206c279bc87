-- 008: the web app logs in as ostan_app: not a superuser, not the owner of anything, subject to
-- row-level security. What it may do before it knows the user (log people in, read the shared
-- picture) comes from ostan_web; the four app roles it may only SET ROLE to (store.as_user),
-- through ostan_switch, which does not inherit them (PostgreSQL 15 lets a member SET ROLE to a
-- role it does not inherit). Its password is set by `ostan-dash setup`, never in a migration.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_web') THEN
        CREATE ROLE ostan_web NOLOGIN INHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_switch') THEN
        CREATE ROLE ostan_switch NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_app') THEN
        CREATE ROLE ostan_app LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END $$;
ALTER ROLE ostan_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;

GRANT ostan_lasare TO ostan_web;
GRANT ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin TO ostan_switch;
GRANT ostan_web, ostan_switch TO ostan_app;

-- Login: accounts, attempts and sessions (the app roles never see these). Password hashes are
-- not readable as a column even by the app: only through ostan_login_credentials().
GRANT SELECT (id, username, display_name, role, organisation_id, active, created_at,
              last_login_at) ON users TO ostan_web;
GRANT SELECT ON user_sessions, login_attempts TO ostan_web;
CREATE OR REPLACE FUNCTION ostan_login_credentials()
    RETURNS TABLE (username text, display_name text, password_hash text, role text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT username, display_name, password_hash, role FROM users WHERE active ORDER BY username $$;
REVOKE ALL ON FUNCTION ostan_login_credentials() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_login_credentials() TO ostan_web;
GRANT UPDATE (last_login_at) ON users TO ostan_web;
GRANT INSERT ON login_attempts TO ostan_web;
GRANT INSERT, UPDATE (last_seen_at, revoked_at) ON user_sessions TO ostan_web;
GRANT EXECUTE ON FUNCTION ostan_audit(text, text, text, text, jsonb) TO ostan_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_web;
