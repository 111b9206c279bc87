-- 037 (issue 10): Brå's reported crimes per municipality (and the whole country) and year, for
-- comparing our municipality with the national rate and with other municipalities. Public
-- statistics, imported as the kind 'brottsstatistik' from Brå's own xlsx/CSV export.
CREATE TABLE IF NOT EXISTS crime_statistics (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SCB's four-digit municipality code when the file gives one (``0180 Stockholm``); NULL for
    -- the whole country and for a region named without a code.
    region_code  text CHECK (region_code ~ '^[0-9]{4}$'),
    region_name  text NOT NULL CHECK (length(trim(region_name)) > 0),
    is_national  boolean NOT NULL DEFAULT false,
    -- Brå's crime category as written (Samtliga brott, Misshandel, Skadegörelsebrott …).
    crime_type   text NOT NULL CHECK (length(trim(crime_type)) > 0),
    year         integer NOT NULL CHECK (year BETWEEN 1975 AND 2100),
    count        integer NOT NULL CHECK (count >= 0),
    per_100k     numeric CHECK (per_100k >= 0),
    population   integer CHECK (population >= 0),
    import_id    integer REFERENCES imports(id),
    -- One row per region, crime type and year: the code when there is one, else the name.
    region_key   text GENERATED ALWAYS AS (coalesce(region_code, lower(region_name))) STORED,
    CHECK (NOT is_national OR region_code IS NULL),
    UNIQUE (region_key, crime_type, year)
);
CREATE INDEX IF NOT EXISTS crime_statistics_year_type_idx ON crime_statistics (year, crime_type);
COMMENT ON TABLE crime_statistics IS
    'Brås anmälda brott per kommun (och riket), brottstyp och år: offentlig statistik för att '
    'jämföra kommunen med riket och andra kommuner (037)';
COMMENT ON COLUMN crime_statistics.per_100k IS
    'Brås anmälda brott per 100 000 av medelfolkmängden; NULL när filen inte anger den';
COMMENT ON COLUMN crime_statistics.population IS
    'Folkmängden som takten avser; NULL när filen inte anger den';

-- The importer records the new kind (the list as in 022, plus 'brottsstatistik').
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('polisbrott', 'omraden', 'indikatorer', 'enkat', 'platser', 'rapporter',
                    'befolkningsrutor', 'polishandelser', 'gator', 'brottsstatistik', 'demo'));

-- Public statistics: every app role reads every row (the web login reads as ostan_lasare);
-- written only by those who import (the analysts and administrators, as area_indicators in
-- 003), through the importer.
GRANT SELECT ON crime_statistics TO ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
GRANT INSERT, UPDATE, DELETE ON crime_statistics TO ostan_analytiker, ostan_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ostan_analytiker, ostan_admin;
ALTER TABLE crime_statistics ENABLE ROW LEVEL SECURITY;
CREATE POLICY crime_statistics_read ON crime_statistics FOR SELECT USING (true);
CREATE POLICY crime_statistics_insert ON crime_statistics FOR INSERT TO ostan_analytiker, ostan_admin
    WITH CHECK (true);
CREATE POLICY crime_statistics_update ON crime_statistics FOR UPDATE TO ostan_analytiker, ostan_admin
    USING (true) WITH CHECK (true);
CREATE POLICY crime_statistics_delete ON crime_statistics FOR DELETE TO ostan_analytiker, ostan_admin
    USING (true);
-- As every table under row-level security (026): an app role set by hand without its identity
-- is refused.
CREATE POLICY ostan_identity_required ON crime_statistics AS RESTRICTIVE FOR ALL
    USING ((SELECT ostan_identity_ok())) WITH CHECK ((SELECT ostan_identity_ok()));

-- The pages' caches are keyed by the data version (024, 036): an import is read at once.
DROP TRIGGER IF EXISTS crime_statistics_data_version ON crime_statistics;
CREATE TRIGGER crime_statistics_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON crime_statistics FOR EACH STATEMENT EXECUTE FUNCTION ostan_bump_data_version();
