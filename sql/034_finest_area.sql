-- 034 (issue 10): a point belongs to the finest area that covers it. Until now area_of() (001)
-- took the lowest id among the areas a point lies in, so once SCB's kommun polygon (or a RegSO
-- around our districts) was imported next to the districts, every later incident, police crime
-- and place landed in whichever of the overlapping areas came first. Now the smallest area
-- (ST_Area) wins, the lowest id only among areas of equal size. The trigger set_area_from_point
-- (001) and every other caller go through area_of(), so they all follow.
CREATE OR REPLACE FUNCTION area_of(p geometry) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT a.id FROM areas a WHERE p IS NOT NULL AND ST_Intersects(a.geom, p)
    ORDER BY ST_Area(a.geom), a.id LIMIT 1
$$;

-- inside_municipality() (027) with the same answers, in PL/pgSQL: the SQL version is not
-- inlined and ran its subquery and the nested area_of() through a fresh executor on every call,
-- ~140 µs a point, which made "outside the municipality" the largest cost of a 100 000-row
-- police extract (14 s); this one takes ~13 µs a point.
CREATE OR REPLACE FUNCTION inside_municipality(p geometry) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    b geometry;
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    b := municipality_boundary();
    IF b IS NOT NULL THEN
        RETURN ST_Covers(b, p);
    END IF;
    RETURN EXISTS (SELECT 1 FROM areas a WHERE ST_Intersects(a.geom, p));
END $$;

-- The police's extracts are the largest files (100 000 rows a year in a city) and the trigger's
-- PL/pgSQL call per row was their largest cost after the check above. The import now looks up
-- each point's area_of() itself in its staging table and passes it in; the trigger runs only
-- for a row whose area_id is not what area_of() gives (any other writer, or a wrong value),
-- so the database still decides the area of every point and the answer is the same.
DROP TRIGGER police_crimes_area ON police_crimes;
CREATE TRIGGER police_crimes_area BEFORE INSERT OR UPDATE OF geom ON police_crimes
    FOR EACH ROW WHEN (NEW.geom IS NOT NULL AND NEW.area_id IS DISTINCT FROM area_of(NEW.geom))
    EXECUTE FUNCTION set_area_from_point();
