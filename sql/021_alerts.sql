-- 021 (issue 15): bevakningar som når fram. En användare prenumererar på ett villkor; det
-- schemalagda `ostan-dash alerts run` (operatörens inloggning, ägaren: ser alla rader) prövar
-- dem och skickar e-post. Loggen har UNIQUE (prenumeration, villkor, period): samma villkor
-- skickas högst en gång per period, även om två körningar överlappar.
-- Användarna har ingen e-postadress i users, så prenumerationen bär adressen.
CREATE TABLE IF NOT EXISTS alert_subscriptions (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users(id) ON DELETE CASCADE DEFAULT ostan_user_id(),
    kind        text NOT NULL CHECK (kind IN ('kategori_hog', 'het_ruta', 'narupprepning',
                                              'kritisk_plats')),
    -- Parametrar: område (NULL = hela kommunen), kategori (NULL = alla), plats (NULL = alla
    -- kritiska platser i urvalet).
    area_id     integer REFERENCES areas(id) ON DELETE CASCADE,
    category    text REFERENCES est_categories(key),
    place_id    integer REFERENCES places(id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (category IS NULL OR kind = 'kategori_hog'),
    CHECK (place_id IS NULL OR kind = 'kritisk_plats')
);
CREATE INDEX IF NOT EXISTS alert_subscriptions_user ON alert_subscriptions (user_id);

CREATE TABLE IF NOT EXISTS alert_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id integer NOT NULL REFERENCES alert_subscriptions(id) ON DELETE CASCADE,
    condition_key   text NOT NULL,
    period_key      text NOT NULL,
    subject         text NOT NULL,
    link            text NOT NULL,
    -- 'skickar' is claimed before the SMTP call and stays if the process dies mid-send: at most
    -- once rather than twice. A failed send ('misslyckad') may be claimed again by the next run.
    status          text NOT NULL CHECK (status IN ('skickar', 'skickad', 'misslyckad')),
    error           text,
    attempts        integer NOT NULL DEFAULT 1,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, condition_key, period_key)
);
CREATE INDEX IF NOT EXISTS alert_log_sent_at ON alert_log (sent_at DESC);

-- Every app role keeps its own subscriptions; nobody else's (RLS with ostan_user_id() as in
-- 010 and 016). The log is read-only for the roles, and only for their own subscriptions.
GRANT SELECT, INSERT, UPDATE, DELETE ON alert_subscriptions
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT SELECT ON alert_log TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;

ALTER TABLE alert_subscriptions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS alert_subscriptions_own ON alert_subscriptions;
CREATE POLICY alert_subscriptions_own ON alert_subscriptions FOR ALL
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin
    USING (user_id = (SELECT ostan_user_id()))
    WITH CHECK (user_id = (SELECT ostan_user_id()));

ALTER TABLE alert_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS alert_log_own ON alert_log;
CREATE POLICY alert_log_own ON alert_log FOR SELECT
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin
    USING (subscription_id IN (SELECT id FROM alert_subscriptions
                               WHERE user_id = (SELECT ostan_user_id())));
