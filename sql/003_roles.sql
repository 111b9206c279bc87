-- 003: least privilege in the database itself. The app connects as one owner account and runs
-- each user's writes under SET LOCAL ROLE ostan_<role> with the user's id in `ostan.user_id`
-- (ostan_dash.store.as_user), so a bug in a page cannot exceed what the role may do.
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['ostan_lasare', 'ostan_rapportor', 'ostan_analytiker', 'ostan_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
        EXECUTE format('GRANT %I TO %I', r, current_user);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', r);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', r);
    END LOOP;
END $$;

-- Nobody but the owner reads password hashes, sessions or login attempts through a role.
REVOKE SELECT ON users, user_sessions, login_attempts FROM ostan_lasare, ostan_rapportor, ostan_analytiker;
GRANT SELECT (id, username, display_name, role, organisation_id, active) ON users
    TO ostan_lasare, ostan_rapportor, ostan_analytiker;

-- Reporters file and correct their own reports; everyone may write the audit trail.
GRANT INSERT, UPDATE ON incidents TO ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT ON audit_log TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
-- Analysts run the method: problem pictures, interventions, analyses, imports, settings.
GRANT INSERT, UPDATE, DELETE ON problem_pictures, problem_criteria, cause_analyses, interventions,
    intervention_log, analyses, focus_areas, settings, police_crimes, area_indicators,
    survey_responses, places, areas, imports, knowledge_sources, intervention_types
    TO ostan_analytiker, ostan_admin;
GRANT DELETE ON incidents TO ostan_admin;
GRANT INSERT, UPDATE, DELETE ON users, organisations, user_sessions TO ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_rapportor, ostan_analytiker, ostan_admin;

-- Row-level security on reports: a reporter changes only their own, and only for 48 hours.
ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
CREATE POLICY incidents_read ON incidents FOR SELECT USING (true);
CREATE POLICY incidents_insert_own ON incidents FOR INSERT TO ostan_rapportor
    WITH CHECK (reported_by = nullif(current_setting('ostan.user_id', true), '')::integer);
CREATE POLICY incidents_update_own ON incidents FOR UPDATE TO ostan_rapportor
    USING (reported_by = nullif(current_setting('ostan.user_id', true), '')::integer
           AND created_at > now() - interval '48 hours')
    WITH CHECK (reported_by = nullif(current_setting('ostan.user_id', true), '')::integer);
CREATE POLICY incidents_write_analyst ON incidents FOR ALL TO ostan_analytiker, ostan_admin
    USING (true) WITH CHECK (true);
