-- 017: the public page (/offentlig, no login). What citizens see is what an analyst chose to
-- publish: a focus area, an intervention with its result, or an area's trend, each with a plain
-- Swedish text written by the analyst and the figures FROZEN at publish time, aggregated to
-- areas and periods (never a point, never a report's free text) and already suppressed: the
-- database itself refuses a number below 5 anywhere in the figures (counts under 5 are stored as
-- the text 'färre än 5'). Analysts and admins publish and withdraw as themselves (RLS as in 010).
-- The anonymous page reads through ostan_offentlig, which may read the published, not
-- withdrawn rows of this one table and nothing else; the web login may only SET ROLE to it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_offentlig') THEN
        CREATE ROLE ostan_offentlig NOLOGIN NOINHERIT;
    END IF;
END $$;
GRANT ostan_offentlig TO ostan_switch;
GRANT USAGE ON SCHEMA public TO ostan_offentlig;

CREATE TABLE public_items (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('fokusomrade', 'insats', 'omradestrend')),
    intervention_id integer REFERENCES interventions(id) ON DELETE RESTRICT,
    area_id       integer REFERENCES areas(id) ON DELETE RESTRICT,
    title         text NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
    body          text NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
    figures       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(figures) = 'object'),
    published_by  integer NOT NULL REFERENCES users(id) DEFAULT ostan_user_id(),
    published_at  timestamptz NOT NULL DEFAULT now(),
    withdrawn_by  integer REFERENCES users(id),
    withdrawn_at  timestamptz,
    CHECK ((kind = 'insats') = (intervention_id IS NOT NULL)),
    CHECK (kind = 'insats' OR area_id IS NOT NULL),
    -- Röjandeskydd: no number under 5 anywhere in the frozen figures (a count under 5 is the
    -- text 'färre än 5'; periods and labels are text).
    CONSTRAINT public_items_no_small_numbers CHECK (
        NOT jsonb_path_exists(figures, 'lax $.** ? (@.type() == "number" && @ < 5)')),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX public_items_published ON public_items (published_at DESC) WHERE withdrawn_at IS NULL;

-- Published means frozen: only the withdrawal may change, once.
CREATE OR REPLACE FUNCTION ostan_public_item_frozen() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF OLD.withdrawn_at IS NOT NULL
       OR (to_jsonb(NEW) - 'withdrawn_at' - 'withdrawn_by')
          IS DISTINCT FROM (to_jsonb(OLD) - 'withdrawn_at' - 'withdrawn_by') THEN
        RAISE EXCEPTION 'en publicering ändras inte (dra tillbaka den och publicera en ny)';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER public_items_frozen BEFORE UPDATE ON public_items
    FOR EACH ROW EXECUTE FUNCTION ostan_public_item_frozen();

GRANT SELECT ON public_items TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT, UPDATE (withdrawn_at, withdrawn_by) ON public_items TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;
-- The public: what is shown, not who published it.
GRANT SELECT (id, kind, title, body, figures, published_at, withdrawn_at) ON public_items
    TO ostan_offentlig;

ALTER TABLE public_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY public_items_read ON public_items FOR SELECT
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin USING (true);
CREATE POLICY public_items_public ON public_items FOR SELECT TO ostan_offentlig
    USING (withdrawn_at IS NULL);
CREATE POLICY public_items_publish ON public_items FOR INSERT TO ostan_analytiker, ostan_admin
    WITH CHECK (published_by = (SELECT ostan_user_id()) AND withdrawn_at IS NULL);
CREATE POLICY public_items_withdraw ON public_items FOR UPDATE TO ostan_analytiker, ostan_admin
    USING (withdrawn_at IS NULL)
    WITH CHECK (withdrawn_by = (SELECT ostan_user_id()));
