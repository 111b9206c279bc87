-- 025: log in with the organisation's own account (OIDC, e.g. Entra ID) through st.login. The
-- identity the provider vouches for maps to one row of users; role and organisation always come
-- from this table. An identity is the issuer with its subject (the stable match), or an e-mail
-- address the provider has verified (for an administrator who knows the address, not the sub).
ALTER TABLE users ADD COLUMN IF NOT EXISTS oidc_issuer text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS oidc_subject text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS oidc_email text;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'users_oidc_pair') THEN
        ALTER TABLE users ADD CONSTRAINT users_oidc_pair
            CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'users_oidc_email_form') THEN
        ALTER TABLE users ADD CONSTRAINT users_oidc_email_form
            CHECK (oidc_email IS NULL OR (oidc_email = lower(btrim(oidc_email))
                                          AND oidc_email LIKE '_%@_%'));
    END IF;
END $$;
CREATE UNIQUE INDEX IF NOT EXISTS users_oidc_identity ON users (oidc_issuer, oidc_subject)
    WHERE oidc_subject IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS users_oidc_email ON users (oidc_email)
    WHERE oidc_email IS NOT NULL;

-- The login (ostan_web) reads the identity to find the user; administrators read and set it.
GRANT SELECT (oidc_issuer, oidc_subject, oidc_email) ON users TO ostan_web;
GRANT SELECT (oidc_issuer, oidc_subject, oidc_email),
      UPDATE (oidc_issuer, oidc_subject, oidc_email) ON users TO ostan_admin;
