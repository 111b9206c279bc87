-- 009: login throttling that cannot be turned against a user, and the retention policy.
--
-- Login attempts carry the client they came from (IP address, or a browser session when the
-- address is unknown). ostan_dash.auth waits 2^k seconds per (username, client) after a few
-- failures; attempts refused during the wait are recorded with `refused` and do not count, so
-- they never lengthen it. An administrator's unlock is a row in login_resets (history is kept).
ALTER TABLE login_attempts
    ADD COLUMN client  text NOT NULL DEFAULT '' CHECK (length(client) <= 200),
    ADD COLUMN refused boolean NOT NULL DEFAULT false;
CREATE INDEX login_attempts_user_client_at_idx ON login_attempts (username, client, at);

CREATE TABLE login_resets (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL,
    client   text,                      -- NULL: every client
    at       timestamptz NOT NULL DEFAULT now(),
    by_user  integer REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX login_resets_user_at_idx ON login_resets (username, at);

GRANT SELECT ON login_resets TO ostan_web;
GRANT SELECT, INSERT ON login_resets TO ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_admin, ostan_web;

-- Retention: reports older than the policy's limit are replaced by counts per month, area,
-- organisation and category (ostan_dash.retention). Long-term trends read
-- incident_monthly_counts, which adds the counts of the reports still kept; security_invoker
-- so that row-level security on incidents applies to whoever reads the view.
CREATE TABLE incident_aggregates (
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    area_id         integer REFERENCES areas(id),
    organisation_id integer NOT NULL REFERENCES organisations(id),
    category        text NOT NULL REFERENCES est_categories(key),
    n               integer NOT NULL CHECK (n > 0),
    aggregated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (month, area_id, organisation_id, category)
);
GRANT SELECT ON incident_aggregates TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;

CREATE VIEW incident_monthly_counts WITH (security_invoker = true) AS
SELECT month, area_id, organisation_id, category, sum(n)::bigint AS n
FROM (
    SELECT date_trunc('month', occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS month,
           area_id, organisation_id, category, count(*) AS n
    FROM incidents
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT month, area_id, organisation_id, category, n FROM incident_aggregates
) AS both_sources
GROUP BY month, area_id, organisation_id, category;
GRANT SELECT ON incident_monthly_counts TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;

-- The default policy, editable by an administrator on the Administration page.
INSERT INTO settings (key, value)
VALUES ('retention', '{"fritext_manader": 12, "aggregera_efter_ar": 5, "inloggningsforsok_dagar": 90}')
ON CONFLICT (key) DO NOTHING;
