-- 027 (issue 10): the import's mapping step remembers confirmed mappings per source, and the
-- municipality's own boundary decides "outside the municipality" instead of the union of areas.

-- A confirmed mapping from a file's columns to ours, per source: the source is the file's
-- header as a signature (lower-case column names joined by |), so the next file of the same
-- shape is proposed the same mapping whatever it is called.
CREATE TABLE IF NOT EXISTS import_mappings (
    kind        text NOT NULL,
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 4000),
    header_row  integer NOT NULL DEFAULT 1 CHECK (header_row BETWEEN 1 AND 100),
    mapping     jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
    updated_by  text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, source)
);
COMMENT ON TABLE import_mappings IS
    'bekräftade kolumnmappningar vid import: filens kolumn → vår kolumn, per källa (027)';
GRANT SELECT ON import_mappings TO ostan_web, ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_admin;
GRANT INSERT, UPDATE, DELETE ON import_mappings TO ostan_analytiker, ostan_admin;

-- The municipality's own boundary: settings 'kommungrans' = {"kod": "0880"} names one of the
-- imported areas (e.g. SCB's kommun polygon). Without it (or when that area is gone) a point is
-- inside the municipality when it lies in any area, as before.
CREATE OR REPLACE FUNCTION municipality_boundary() RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT a.geom FROM settings s JOIN areas a ON a.code = s.value->>'kod'
    WHERE s.key = 'kommungrans'
$$;

CREATE OR REPLACE FUNCTION inside_municipality(p geometry) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p IS NULL THEN NULL
                WHEN b.g IS NOT NULL THEN ST_Covers(b.g, p)
                ELSE area_of(p) IS NOT NULL END
    FROM (SELECT municipality_boundary() AS g) b
$$;
