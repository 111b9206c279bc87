-- 014: the police's crimes with their points are for the police's own users, the analysts and
-- the administrators; everyone else gets them per area and time, without the point
-- (police_crimes_by_area), so partners' reporters and the council's readers see the common
-- picture but not where each crime happened. The web login itself (before anyone is logged
-- in) sees no rows; operators (the owner) all.
CREATE OR REPLACE FUNCTION ostan_sees_police_rows() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT CASE
        WHEN ostan_acting_role() IS NULL THEN session_user::text <> 'ostan_app'
        WHEN ostan_acting_role() IN ('ostan_analytiker', 'ostan_admin') THEN true
        ELSE EXISTS (SELECT 1 FROM organisations o
                     WHERE o.id = ostan_user_org() AND o.kind = 'polis')
    END
$$;
GRANT EXECUTE ON FUNCTION ostan_sees_police_rows()
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin, ostan_web;

ALTER TABLE police_crimes ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS police_crimes_read ON police_crimes;
CREATE POLICY police_crimes_read ON police_crimes FOR SELECT
    USING ((SELECT ostan_sees_police_rows()));
DROP POLICY IF EXISTS police_crimes_write ON police_crimes;
CREATE POLICY police_crimes_write ON police_crimes FOR ALL TO ostan_analytiker, ostan_admin
    USING (true) WITH CHECK (true);

-- Per area and time, no point, no police number: readable by every role (the view runs with
-- its owner's rights, so the row policy above does not hide these columns).
CREATE OR REPLACE VIEW police_crimes_by_area WITH (security_barrier) AS
    SELECT id, crime_group, crime_type, occurred_from, occurred_to, area_id
    FROM police_crimes WHERE area_id IS NOT NULL;
GRANT SELECT ON police_crimes_by_area
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin, ostan_web;
