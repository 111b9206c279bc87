-- 024 (issue 14): a data version the database bumps itself, so every app process and session
-- sees a write from any other at once instead of waiting out a cache timer. One row, raised by
-- one statement-level trigger per statement on every table the pages read (an import of 100 000
-- rows is one bump, not 100 000). The row's update commits together with the data it announces,
-- so a reader that reads the version first and the data after can never file new data under an
-- old number (a sequence would: nextval is visible before the writer commits). The price is that
-- concurrent writers to these tables queue on that one row until each commits.
CREATE TABLE IF NOT EXISTS data_version (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    version    bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version (id) VALUES (true) ON CONFLICT (id) DO NOTHING;
COMMENT ON TABLE data_version IS
    'Ökas av varje skrivning till tabeller som sidorna läser (024); appens cachenycklar';

-- SECURITY DEFINER: the writers' roles (ostan_rapportor, ostan_analytiker …) may not update
-- data_version themselves, only cause the bump through this function.
CREATE OR REPLACE FUNCTION ostan_bump_data_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = now() WHERE id;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ostan_bump_data_version() FROM PUBLIC;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'incidents', 'police_crimes', 'areas', 'places', 'organisations', 'population_cells',
        'incident_aggregates', 'est_categories', 'est_subtypes', 'est_object_types',
        'interventions', 'intervention_log', 'intervention_types', 'problem_pictures',
        'problem_criteria', 'cause_analyses', 'knowledge_sources', 'area_indicators',
        'survey_responses', 'analyses', 'analysis_versions', 'focus_areas', 'settings',
        'nearrepeat_patterns', 'events', 'public_items', 'streets', 'imports'
    ] LOOP
        IF to_regclass('public.' || t) IS NOT NULL THEN
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_data_version', t);
            EXECUTE format(
                'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                'FOR EACH STATEMENT EXECUTE FUNCTION ostan_bump_data_version()',
                t || '_data_version', t);
        END IF;
    END LOOP;
END $$;

GRANT SELECT ON data_version TO ostan_web, ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_admin, ostan_offentlig;
