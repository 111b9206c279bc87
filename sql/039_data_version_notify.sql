-- 039 (issue 14): the data version is announced, not polled. Every page rerun keyed its caches
-- by reading the data version, several queries per rerun. Now each writing statement also
-- sends NOTIFY ostan_data_version; PostgreSQL delivers it when the write commits (once per
-- transaction: equal notifications are folded), and an app process that listens
-- (ostan_dash/store/version_watch.py) then reads the version again and holds it in memory.
-- The function is 036's with one line added.
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
    PERFORM pg_notify('ostan_data_version', '');
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ostan_bump_data_version() FROM PUBLIC;
