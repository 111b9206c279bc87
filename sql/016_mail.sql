-- Issue 11 (Sändning): sändlistor per dokumenttyp och en logg över vad som skickats till vem.
-- Admin redigerar listorna; analytiker och admin skickar. Webbappen skriver som användaren
-- (store.as_user / store.assume), därför RLS med ostan_user_id() som i 010.
CREATE TABLE IF NOT EXISTS mail_recipients (
    id          serial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('vecka', 'kvartal', 'ar')),
    address     text NOT NULL CHECK (address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    added_by    integer REFERENCES users(id) DEFAULT ostan_user_id(),
    added_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, address)
);

CREATE TABLE IF NOT EXISTS mail_log (
    id          bigserial PRIMARY KEY,
    version_id  integer NOT NULL REFERENCES analysis_versions(id),
    recipient   text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    sent_by     integer REFERENCES users(id) DEFAULT ostan_user_id(),
    ok          boolean NOT NULL,
    error       text
);
CREATE INDEX IF NOT EXISTS mail_log_version ON mail_log (version_id, sent_at);

GRANT SELECT ON mail_recipients TO ostan_analytiker, ostan_admin, ostan_web;
GRANT INSERT, UPDATE, DELETE ON mail_recipients TO ostan_admin;
GRANT SELECT ON mail_log TO ostan_analytiker, ostan_admin, ostan_web;
GRANT INSERT ON mail_log TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;

ALTER TABLE mail_recipients ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS mail_recipients_read ON mail_recipients;
CREATE POLICY mail_recipients_read ON mail_recipients FOR SELECT USING (true);
DROP POLICY IF EXISTS mail_recipients_admin ON mail_recipients;
CREATE POLICY mail_recipients_admin ON mail_recipients FOR ALL TO ostan_admin
    USING (true) WITH CHECK (true);

ALTER TABLE mail_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS mail_log_read ON mail_log;
CREATE POLICY mail_log_read ON mail_log FOR SELECT USING (true);
DROP POLICY IF EXISTS mail_log_write ON mail_log;
CREATE POLICY mail_log_write ON mail_log FOR INSERT TO ostan_analytiker, ostan_admin
    WITH CHECK (sent_by = (SELECT ostan_user_id()));
