-- 018: the police's public events (polisen.se/api/events) as police rows without a point.
-- An event names only a municipality (or a county); its "gps" is that municipality's centroid,
-- not the place. Such a row keeps the place name and its precision and no point and no area,
-- so no map or hot-spot analysis can place it (issue 10). Rows of the police's own extract keep
-- location_precision NULL: their point or area says how precise they are.
ALTER TABLE police_crimes
    ADD COLUMN IF NOT EXISTS location_precision text
        CHECK (location_precision IN ('kommun', 'lan')),
    ADD COLUMN IF NOT EXISTS location_name text
        CHECK (location_name IS NULL OR length(trim(location_name)) > 0),
    ADD COLUMN IF NOT EXISTS published_at timestamptz;

COMMENT ON COLUMN police_crimes.location_precision IS
    'platsen är bara känd som kommun eller län (polisens händelser): ingen punkt, inget område';
COMMENT ON COLUMN police_crimes.location_name IS
    'platsen som polisen namnger den (kommun eller län), när punkt och område saknas';
COMMENT ON COLUMN police_crimes.published_at IS
    'när polisen publicerade händelsen (händelse-API:ets datetime); tidpunkten står i rubriken';

-- A row has a point, an area, or is known only by a named municipality/county, never a point then.
ALTER TABLE police_crimes DROP CONSTRAINT IF EXISTS police_crimes_check1;
ALTER TABLE police_crimes DROP CONSTRAINT IF EXISTS police_crimes_location_check;
ALTER TABLE police_crimes ADD CONSTRAINT police_crimes_location_check CHECK (
    CASE WHEN location_precision IS NULL THEN geom IS NOT NULL OR area_id IS NOT NULL
         ELSE geom IS NULL AND location_name IS NOT NULL END
);

-- The importer records the new kind.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('polisbrott', 'omraden', 'indikatorer', 'enkat', 'platser', 'rapporter',
                    'befolkningsrutor', 'polishandelser', 'demo'));
