-- 022 (issue 12): streets and their names, so that a hot cell, a report or a place can be
-- described as "Storgatan vid Stora torget" instead of by SWEREF coordinates, and so that the
-- map has streets to read without any tile server. Reference data like the places and the
-- population grid: an OpenStreetMap or Lantmäteriet extract imported as a kind, or the demo's
-- generated network.
CREATE TABLE IF NOT EXISTS streets (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    -- 'gata' (town street), 'väg' (road), 'gång- och cykelväg', 'landsväg' (between
    -- villages), 'övrigt' (anything else an extract carries).
    kind        text NOT NULL CHECK (kind IN ('gata', 'väg', 'gång- och cykelväg', 'landsväg',
                                              'övrigt')),
    geom        geometry(MultiLineString, 3006) NOT NULL CHECK (ST_IsValid(geom)),
    -- Where it came from: 'demo', 'OpenStreetMap', 'Lantmäteriet' …
    source      text NOT NULL CHECK (length(trim(source)) > 0),
    import_id   integer REFERENCES imports(id)
);
CREATE INDEX IF NOT EXISTS streets_geom_idx ON streets USING gist (geom);
CREATE INDEX IF NOT EXISTS streets_source_idx ON streets (source);
COMMENT ON TABLE streets IS
    'Gator, vägar och gång- och cykelvägar med namn (SWEREF 99 TM), för att beskriva lägen '
    '("Storgatan vid Stora torget") och rita kartans gatunät utan kartbrickor';

-- The importer records the new kind (the list as in 018, plus 'gator').
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('polisbrott', 'omraden', 'indikatorer', 'enkat', 'platser', 'rapporter',
                    'befolkningsrutor', 'polishandelser', 'gator', 'demo'));

-- Readable by every app role (the web login reads as ostan_lasare); written by those who
-- import reference data, as population_cells in 004.
GRANT SELECT ON streets TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT, UPDATE, DELETE ON streets TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;
