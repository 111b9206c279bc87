-- 033 (issue 13): the login sessions are out of the app's reach. Until now the web login
-- (ostan_web, and so ostan_app) read and wrote user_sessions directly and the administrators read
-- it: anyone running SQL on the app's login could read every session's id, the secret
-- ostan_identify() (026) takes as proof, and act as any logged-in user. Now only these
-- SECURITY DEFINER functions touch the table, each for one session whose id the caller already
-- holds, or, for an administrator with a genuine identity, one user's sessions at a time.

-- An administrator acting with a genuine identity, or the owner (operators, tests).
CREATE OR REPLACE FUNCTION ostan_manages_sessions() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT coalesce(ostan_acting_role() = 'ostan_admin', false)
          OR (ostan_acting_role() IS NULL
              AND pg_has_role(session_user, (SELECT relowner FROM pg_class
                                             WHERE oid = 'public.users'::regclass), 'USAGE')) $$;
REVOKE ALL ON FUNCTION ostan_manages_sessions() FROM PUBLIC;

-- A new session of an active user at login; false when the id is already taken (a second call
-- for the same login) or the user is not active.
CREATE OR REPLACE FUNCTION ostan_session_open(p_sid text, p_user_id integer) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    INSERT INTO user_sessions (id, user_id)
    SELECT p_sid, u.id FROM users u WHERE u.id = p_user_id AND u.active
    ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
END
$$;

-- Whether session p_sid is valid at p_now: it exists, is not revoked and has neither been idle
-- longer than p_idle nor lived longer than p_max (neither limit beyond the 30 minutes and 8
-- hours ostan_identify holds to). A valid session's last-seen time becomes p_now; one past a
-- limit is revoked at p_now for good. The row is locked for the rest of the transaction.
CREATE OR REPLACE FUNCTION ostan_session_check(p_sid text, p_now timestamptz, p_idle interval,
                                               p_max interval) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    s user_sessions;
BEGIN
    SELECT * INTO s FROM user_sessions WHERE id = p_sid FOR UPDATE;
    IF NOT FOUND OR s.revoked_at IS NOT NULL THEN
        RETURN false;
    END IF;
    IF p_now - s.last_seen_at > least(p_idle, interval '30 minutes')
       OR p_now - s.created_at > least(p_max, interval '8 hours') THEN
        UPDATE user_sessions SET revoked_at = p_now WHERE id = p_sid;
        RETURN false;
    END IF;
    UPDATE user_sessions SET last_seen_at = p_now WHERE id = p_sid;
    RETURN true;
END
$$;

-- Logout: session p_sid is revoked now, unless it already is.
CREATE OR REPLACE FUNCTION ostan_session_revoke(p_sid text) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE user_sessions SET revoked_at = now() WHERE id = p_sid AND revoked_at IS NULL $$;

-- Whether session p_sid was ever opened (revoked or not): an OIDC login opens its session once.
CREATE OR REPLACE FUNCTION ostan_session_known(p_sid text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT EXISTS (SELECT 1 FROM user_sessions WHERE id = p_sid) $$;

-- An administrator logs a user out everywhere: every open session of p_user_id is revoked now;
-- returns how many. Anyone else: refused.
CREATE OR REPLACE FUNCTION ostan_sessions_revoke(p_user_id integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    n integer;
BEGIN
    IF NOT ostan_manages_sessions() THEN
        RAISE EXCEPTION 'bara en administratör återkallar andras sessioner'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE user_sessions SET revoked_at = now() WHERE user_id = p_user_id AND revoked_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- How many open sessions p_user_id has (not revoked, seen after p_seen, started after
-- p_started), for the administrators' overview; NULL for anyone else.
CREATE OR REPLACE FUNCTION ostan_open_sessions(p_user_id integer, p_seen timestamptz,
                                               p_started timestamptz) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT CASE WHEN ostan_manages_sessions() THEN
       (SELECT count(*) FROM user_sessions
        WHERE user_id = p_user_id AND revoked_at IS NULL
          AND last_seen_at > p_seen AND created_at > p_started) END $$;

REVOKE ALL ON FUNCTION ostan_session_open(text, integer), ostan_session_check(text, timestamptz,
    interval, interval), ostan_session_revoke(text), ostan_session_known(text),
    ostan_sessions_revoke(integer), ostan_open_sessions(integer, timestamptz, timestamptz)
    FROM PUBLIC;
-- The login (before anyone acts) opens, checks, ends and recognises sessions by their id.
GRANT EXECUTE ON FUNCTION ostan_session_open(text, integer), ostan_session_check(text,
    timestamptz, interval, interval), ostan_session_revoke(text), ostan_session_known(text)
    TO ostan_web;
-- Logout may come while the request acts for its user.
GRANT EXECUTE ON FUNCTION ostan_session_revoke(text)
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT EXECUTE ON FUNCTION ostan_sessions_revoke(integer),
    ostan_open_sessions(integer, timestamptz, timestamptz) TO ostan_admin;

-- Nobody but the owner reads or writes the table itself.
REVOKE ALL ON user_sessions FROM PUBLIC, ostan_web, ostan_app, ostan_switch, ostan_lasare,
    ostan_rapportor, ostan_analytiker, ostan_admin, ostan_offentlig;
