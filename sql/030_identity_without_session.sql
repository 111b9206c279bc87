-- 030: ostan_identify (026) without a valid session of the user gives no identity instead of
-- an error, whatever session was shown (none, another user's, revoked or expired): the web
-- login then acts without identity, and every table under row-level security refuses it. A
-- valid session in another role than the user's own is still an error.

-- The one way to an identity. p_session: the login session's id (the secret behind the cookie);
-- p_role: the app role asked for, which must be the user's own. Returns the database role to
-- SET LOCAL (the caller sets it: PostgreSQL lets no SECURITY DEFINER function change the role);
-- NULL, with any earlier identity of the transaction cleared, without a valid session of
-- that user (not revoked, not idle 30 min, not older than 8 h, the user active).
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
        SELECT u.role INTO own_role
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = p_session AND s.user_id = p_user_id AND u.active
          AND s.revoked_at IS NULL
          AND s.last_seen_at > now() - interval '30 minutes'
          AND s.created_at > now() - interval '8 hours';
        IF own_role IS NULL THEN
            -- No valid session of this user: no identity (the caller may still SET ROLE, and
            -- then every table under row-level security refuses it: ostan_identity_required).
            PERFORM set_config('ostan.identity', '', true);
            PERFORM set_config('ostan.user_id', '', true);
            RETURN NULL;
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
