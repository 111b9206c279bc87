-- 035 (issue 10): new area boundaries move the points they concern. An area import
-- (ostan_dash.store.imports) calls ostan_recompute_areas() in its own transaction with the
-- polygons that changed (the new ones and the old ones they replaced); every incident, police
-- crime and place in them whose area_of() (034) is no longer its area_id gets the new area, and
-- the counts that moved come back for the import's note. Before this, points kept the area
-- they had when they were written. SECURITY DEFINER because an analyst may import areas but
-- sees only the incidents of the organisations that share them with hers, while the area of a
-- point is the database's to decide for every row; it writes nothing but what area_of() says.
CREATE OR REPLACE FUNCTION ostan_recompute_areas(changed geometry[])
RETURNS TABLE (tbl text, moved bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE incidents t SET area_id = c.a
    FROM (SELECT DISTINCT i.id, area_of(i.geom) AS a FROM unnest(changed) r(g)
          JOIN incidents i ON ST_Intersects(i.geom, r.g)) c
    WHERE t.id = c.id AND t.area_id IS DISTINCT FROM c.a;
    GET DIAGNOSTICS n = ROW_COUNT;
    tbl := 'incidents'; moved := n; RETURN NEXT;
    UPDATE police_crimes t SET area_id = c.a
    FROM (SELECT DISTINCT p.id, area_of(p.geom) AS a FROM unnest(changed) r(g)
          JOIN police_crimes p ON ST_Intersects(p.geom, r.g)) c
    WHERE t.id = c.id AND t.area_id IS DISTINCT FROM c.a;
    GET DIAGNOSTICS n = ROW_COUNT;
    tbl := 'police_crimes'; moved := n; RETURN NEXT;
    UPDATE places t SET area_id = c.a
    FROM (SELECT DISTINCT p.id, area_of(p.geom) AS a FROM unnest(changed) r(g)
          JOIN places p ON ST_Intersects(p.geom, r.g)) c
    WHERE t.id = c.id AND t.area_id IS DISTINCT FROM c.a;
    GET DIAGNOSTICS n = ROW_COUNT;
    tbl := 'places'; moved := n; RETURN NEXT;
END $$;
REVOKE ALL ON FUNCTION ostan_recompute_areas(geometry[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_recompute_areas(geometry[]) TO ostan_analytiker, ostan_admin;
