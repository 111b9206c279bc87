-- 010: published lägesbilder. A published version is frozen: the document's content (numbers,
-- tables, sentences, figures as SVG and plotly JSON) and the PDF as sent, with who and when.
-- Versions are append-only: analysts and admins insert under their own identity, nobody
-- updates or deletes them; every role reads them, and so does the web login before it knows
-- the user (ostan_web).
CREATE TABLE analysis_versions (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    analysis_id   integer NOT NULL REFERENCES analyses(id) ON DELETE RESTRICT,
    version       integer NOT NULL CHECK (version >= 1),
    document      jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    pdf           bytea CHECK (pdf IS NULL OR substring(pdf FROM 1 FOR 5) = '\x255044462d'::bytea),
    published_by  integer NOT NULL REFERENCES users(id) DEFAULT ostan_user_id(),
    published_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (analysis_id, version)
);
CREATE INDEX analysis_versions_published_at ON analysis_versions (published_at DESC);

-- Frozen means frozen, for the owner too: an UPDATE is refused, whoever runs it.
CREATE OR REPLACE FUNCTION ostan_frozen_version() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'en publicerad version av en lägesbild ändras inte (publicera en ny version)';
END
$$;
CREATE TRIGGER analysis_versions_frozen BEFORE UPDATE ON analysis_versions
    FOR EACH ROW EXECUTE FUNCTION ostan_frozen_version();

GRANT SELECT ON analysis_versions TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin,
    ostan_web;
GRANT INSERT ON analysis_versions TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;

-- A version carries its publisher: acting for a user, only that user's own id.
ALTER TABLE analysis_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY analysis_versions_read ON analysis_versions FOR SELECT USING (true);
CREATE POLICY analysis_versions_publish ON analysis_versions FOR INSERT
    TO ostan_analytiker, ostan_admin
    WITH CHECK (published_by = (SELECT ostan_user_id()));
