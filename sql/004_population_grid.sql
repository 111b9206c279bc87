-- 004: where people live. SCB's "befolkning på rutor" (population per 250 m / 1 km grid cell in
-- SWEREF 99 TM) as reference data, so hot spots can be tested against an expected count and the
-- study region can be the settled cells instead of the whole municipality (issue 9).

-- One row per cell: SCB's rutid, the cell's lower-left corner and size, the number of residents
-- and the year they were counted. SCB lists only cells with residents; a cell with a day-time
-- population (the centre, the travel centre, schools, malls) may be kept with population 0 and
-- `daytime` set by an analyst.
CREATE TABLE population_cells (
    cell_id     text PRIMARY KEY CHECK (length(trim(cell_id)) > 0),
    cell_size   integer NOT NULL CHECK (cell_size IN (250, 1000)),
    x0          integer NOT NULL CHECK (x0 BETWEEN 0 AND 1200000),
    y0          integer NOT NULL CHECK (y0 BETWEEN 6000000 AND 7800000),
    population  integer NOT NULL CHECK (population >= 0),
    daytime     boolean NOT NULL DEFAULT false,
    year        integer CHECK (year BETWEEN 1990 AND 2100),
    source      text,
    import_id   integer REFERENCES imports(id),
    -- The cell as a polygon, for spatial joins (which area, which cells a point falls in).
    geom        geometry(Polygon, 3006) GENERATED ALWAYS AS
                    (ST_MakeEnvelope(x0, y0, x0 + cell_size, y0 + cell_size, 3006)) STORED,
    -- SCB's grid is aligned: every corner is a multiple of the cell size.
    CHECK (x0 % cell_size = 0 AND y0 % cell_size = 0)
);
CREATE INDEX population_cells_geom_idx ON population_cells USING gist (geom);
COMMENT ON TABLE population_cells IS
    'SCB befolkning på rutor (rutid, nedre vänstra hörnet i SWEREF 99 TM, rutstorlek i meter, '
    'folkmängd och år); daytime = rutan har en dagbefolkning (centrum, resecentrum, skolor, köpcentrum)';
COMMENT ON COLUMN population_cells.cell_id IS 'SCB:s rutid, t.ex. 4910006994000 = öst 491000, nord 6994000';
COMMENT ON COLUMN population_cells.daytime IS
    'rutan har en dagbefolkning (besökare, arbetande, elever) och hör till studieområdet även utan boende';

-- The importer records the new kind.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('polisbrott', 'omraden', 'indikatorer', 'enkat', 'platser', 'rapporter',
                    'befolkningsrutor', 'demo'));

-- Readable by every role; written by those who import reference data (003_roles.sql).
GRANT SELECT ON population_cells TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT, UPDATE, DELETE ON population_cells TO ostan_analytiker, ostan_admin;
