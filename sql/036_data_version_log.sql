-- 036 (issue 14): writers no longer queue on one row. 024 raised the data version by updating a
-- single row, so every writing transaction held that row's lock until it committed: a long
-- import made a report filed at the same moment wait, and concurrent writers could fail with a
-- serialization error. Now each writing statement appends a row to a log (no two writers touch
-- the same row) and the version is the sum of the log's weights. The sum still changes only
-- when a write commits and never goes back, whatever order concurrent writers commit in, so a
-- reader that reads the version first and the data after still never files new data under an
-- old number. Older rows are now and then folded into one row of the same total weight (in the
-- writer's own transaction, so the sum is never seen changed by the fold), which keeps the log
-- a few hundred rows long.
CREATE TABLE IF NOT EXISTS data_version_log (
    id     bigserial PRIMARY KEY,
    weight bigint NOT NULL DEFAULT 1 CHECK (weight > 0),
    at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE data_version_log IS
    'En rad per skrivande sats på tabeller som sidorna läser (036); versionen är summan';

-- The numbering goes on from 024's row (a local snapshot file names its version).
INSERT INTO data_version_log (weight, at)
SELECT version, changed_at FROM data_version
WHERE NOT EXISTS (SELECT 1 FROM data_version_log);

CREATE OR REPLACE FUNCTION ostan_bump_data_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO data_version_log DEFAULT VALUES RETURNING id INTO new_id;
    -- Every 256th statement folds the committed rows older than the last 64 into one. A row a
    -- concurrent fold already took is not returned by this DELETE, so no weight counts twice.
    IF new_id % 256 = 0 THEN
        WITH gone AS (
            DELETE FROM data_version_log WHERE id < new_id - 64 RETURNING weight, at
        )
        INSERT INTO data_version_log (weight, at)
        SELECT sum(weight), max(at) FROM gone HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ostan_bump_data_version() FROM PUBLIC;

DROP TABLE IF EXISTS data_version;
CREATE VIEW data_version AS
SELECT coalesce(sum(weight), 0)::bigint AS version, max(at) AS changed_at
FROM data_version_log;
COMMENT ON VIEW data_version IS
    'Summan av data_version_log (036): ökar med varje skrivning som sidorna läser';

-- Read through the view only (as 024/028: every app role and the web login, not the public page).
REVOKE ALL ON data_version_log FROM PUBLIC;
GRANT SELECT ON data_version TO ostan_web, ostan_lasare, ostan_rapportor, ostan_analytiker,
    ostan_admin;
