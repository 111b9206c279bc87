-- 038 (issue 13): a login session is opened only with proof of the login. Until now the web
-- login (ostan_web, and so ostan_app) could open a session for any active user
-- (ostan_session_open, 033) and then act as that user through ostan_identify (026): whoever
-- held the app's database password could become anyone. Now a session is opened only
--   * with a one-time login ticket, which the database gives for the user's own password,
--     checked here against the stored bcrypt hash (pgcrypto's crypt(); Python's bcrypt writes
--     $2b$, pgcrypto reads the same algorithm as $2a$). The ticket is asked for the moment the
--     password passes and spent when the session opens (the login's cookie, and so the
--     session's id, may come a run later); it lasts five minutes and opens one session; or
--   * for a login through the organisation's account (OIDC), which Streamlit has verified,
--     and only for a user an administrator has tied to such an account (issuer and subject,
--     or e-mail).
-- The owner (operators, tests) keeps ostan_session_open.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE IF NOT EXISTS login_tickets (
    ticket     text PRIMARY KEY CHECK (length(ticket) >= 32),
    user_id    integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON login_tickets FROM PUBLIC;

-- Whether p_password is the password of bcrypt hash p_hash ($2a$, $2b$ or $2y$).
CREATE OR REPLACE FUNCTION ostan_password_ok(p_hash text, p_password text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS
$$ SELECT coalesce(p_hash ~ '^\$2[aby]\$[0-9]{2}\$'
                   AND crypt(p_password, '$2a$' || substr(p_hash, 5)) = '$2a$' || substr(p_hash, 5),
                   false) $$;
REVOKE ALL ON FUNCTION ostan_password_ok(text, text) FROM PUBLIC;

-- A one-time ticket for active user p_username who gave their password, else NULL.
CREATE OR REPLACE FUNCTION ostan_login_ticket(p_username text, p_password text) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    t text;
BEGIN
    DELETE FROM login_tickets WHERE created_at < now() - interval '5 minutes';
    INSERT INTO login_tickets (ticket, user_id)
    SELECT encode(gen_random_bytes(32), 'hex'), u.id FROM users u
    WHERE u.username = lower(btrim(p_username)) AND u.active
      AND ostan_password_ok(u.password_hash, p_password)
    RETURNING ticket INTO t;
    RETURN t;
END
$$;

-- A new session p_sid of user p_user_id, paid for with a ticket of that user (spent here);
-- false when the ticket is unknown, old, another user's, or the user is no longer active.
CREATE OR REPLACE FUNCTION ostan_session_open_with_ticket(p_sid text, p_user_id integer,
                                                          p_ticket text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    holder integer;
BEGIN
    DELETE FROM login_tickets
    WHERE ticket = p_ticket AND user_id = p_user_id AND created_at >= now() - interval '5 minutes'
    RETURNING user_id INTO holder;
    IF holder IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO user_sessions (id, user_id)
    SELECT p_sid, u.id FROM users u WHERE u.id = holder AND u.active
    ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
END
$$;

-- A new session of an active user tied to the organisation's account, after that login.
CREATE OR REPLACE FUNCTION ostan_session_open_oidc(p_sid text, p_user_id integer) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    INSERT INTO user_sessions (id, user_id)
    SELECT p_sid, u.id FROM users u
    WHERE u.id = p_user_id AND u.active
      AND (u.oidc_subject IS NOT NULL OR u.oidc_email IS NOT NULL)
    ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
END
$$;

REVOKE ALL ON FUNCTION ostan_login_ticket(text, text),
    ostan_session_open_with_ticket(text, integer, text),
    ostan_session_open_oidc(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_login_ticket(text, text),
    ostan_session_open_with_ticket(text, integer, text),
    ostan_session_open_oidc(text, integer) TO ostan_web;
REVOKE EXECUTE ON FUNCTION ostan_session_open(text, integer) FROM ostan_web;
