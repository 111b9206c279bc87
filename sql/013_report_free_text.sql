-- 013: the free text of EST reports stays within the reporting organisation (and its analysts):
-- partners share the category, place and time of every report for the common picture, but the
-- description column is readable only by analysts and admins, and by others only through
-- ostan_incident_description(), which answers for reports of the user's own organisation.
REVOKE SELECT ON incidents FROM ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT SELECT (id, category, subtype, object_type, persons_count, occurred_from, occurred_to, geom,
              area_id, organisation_id, reported_by, client_token, import_id, external_id,
              created_at, updated_at)
    ON incidents TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT SELECT ON incidents TO ostan_analytiker, ostan_admin;

CREATE OR REPLACE FUNCTION ostan_incident_description(p_id bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT i.description FROM incidents i
    WHERE i.id = p_id
      AND (ostan_acting_role() IN ('ostan_analytiker', 'ostan_admin')
           OR i.organisation_id = ostan_user_org())
$$;
REVOKE ALL ON FUNCTION ostan_incident_description(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_incident_description(bigint)
    TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
