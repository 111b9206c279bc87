-- 040 (issue 14): the hot incident frame is refreshed by what changed, not read again whole.
-- Each app process holds every EST report and police crime in memory (ostan_dash/store/hot.py).
-- Until now any write, one report included, made every process read the whole frame again
-- (2.5 M rows: 5 s of binary COPY). Now each writing statement on incidents and police_crimes
-- also logs the ids it touched, under its transaction id. A process keeps the snapshot it read
-- its frame in (pg_current_snapshot(), with the log's own oid); the changes it lacks are
-- exactly the logged rows whose transaction that snapshot does not see (pg_visible_in_snapshot,
-- PostgreSQL docs 9.27 "Transaction ID and Snapshot Information Functions"), whatever order
-- writers commit in. It reads those rows again by id and keeps the rest of its frame.
CREATE TABLE IF NOT EXISTS hot_changes (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
    source text NOT NULL CHECK (source IN ('est', 'polis')),
    ids    bigint[],  -- NULL: every row of the source (TRUNCATE)
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS hot_changes_xid_idx ON hot_changes (xid);
COMMENT ON TABLE hot_changes IS
    'Id:n som varje skrivande sats på incidents och police_crimes rörde, per transaktion (040)';

-- The highest transaction id whose rows were pruned from hot_changes: a process whose snapshot
-- may not have seen it reads its frame whole.
CREATE TABLE IF NOT EXISTS hot_changes_pruned (
    upto xid8 NOT NULL
);
COMMENT ON TABLE hot_changes_pruned IS
    'Högsta transaktions-id som rensats ur hot_changes (040)';

-- SECURITY DEFINER: the writers' roles may not write the log themselves, only cause it.
CREATE OR REPLACE FUNCTION ostan_log_hot_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    src text := CASE TG_TABLE_NAME WHEN 'incidents' THEN 'est' ELSE 'polis' END;
    new_id bigint;
    gone xid8;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO hot_changes (source, ids) VALUES (src, NULL) RETURNING id INTO new_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO hot_changes (source, ids)
        SELECT src, array_agg(id) FROM old_rows HAVING count(*) > 0 RETURNING id INTO new_id;
    ELSE
        INSERT INTO hot_changes (source, ids)
        SELECT src, array_agg(id) FROM new_rows HAVING count(*) > 0 RETURNING id INTO new_id;
    END IF;
    -- Every 128th entry prunes what is older than two days; the pruned transaction ids are
    -- remembered, so no process takes a pruned change for no change.
    IF new_id % 128 = 0 THEN
        WITH pruned AS (
            DELETE FROM hot_changes WHERE at < now() - interval '2 days' RETURNING xid
        )
        SELECT max(xid) INTO gone FROM pruned;
        IF gone IS NOT NULL THEN
            INSERT INTO hot_changes_pruned (upto) VALUES (gone);
            DELETE FROM hot_changes_pruned WHERE upto < gone;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ostan_log_hot_changes() FROM PUBLIC;

DO $$
DECLARE
    t text;
    ev text;
BEGIN
    FOREACH t IN ARRAY ARRAY['incidents', 'police_crimes'] LOOP
        FOREACH ev IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_hot_' || ev, t);
            -- A trigger with a transition table may have one event only.
            EXECUTE format(
                'CREATE TRIGGER %I AFTER %s ON %I %s '
                'FOR EACH STATEMENT EXECUTE FUNCTION ostan_log_hot_changes()',
                t || '_hot_' || ev, upper(ev), t,
                CASE ev WHEN 'delete' THEN 'REFERENCING OLD TABLE AS old_rows'
                        WHEN 'truncate' THEN ''
                        ELSE 'REFERENCING NEW TABLE AS new_rows' END);
        END LOOP;
    END LOOP;
END $$;

-- The snapshot a reader keeps with its frame: the log's table oid and pg_current_snapshot(). The
-- oid names this very log: a database restored (--clean recreates the table) or created anew
-- has another, and then nothing the log says can be trusted against the frame.
CREATE OR REPLACE FUNCTION ostan_hot_snapshot() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT 'hot_changes'::regclass::oid::text || '/' || pg_current_snapshot()::text
$$;

-- What a frame read in snapshot ``since`` (ostan_hot_snapshot()) lacks: per source the ids to
-- read again, or a row with ids NULL when the frame must be read whole (a TRUNCATE, changes
-- pruned that ``since`` may not have seen, or another log than the one ``since`` was taken
-- of). Ids only; the rows themselves are read under the reader's own role.
CREATE OR REPLACE FUNCTION ostan_hot_changes(since text)
    RETURNS TABLE (source text, ids bigint[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    WITH s AS (
        SELECT split_part(since, '/', 1) = 'hot_changes'::regclass::oid::text AS same_log,
               CAST(split_part(since, '/', 2) AS pg_snapshot) AS snap
    )
    SELECT 'est', NULL::bigint[] FROM s
    WHERE NOT s.same_log
       OR EXISTS (SELECT 1 FROM hot_changes_pruned WHERE upto >= pg_snapshot_xmin(s.snap))
    UNION ALL
    SELECT c.source, c.ids FROM s JOIN hot_changes c
        ON c.xid >= pg_snapshot_xmin(s.snap) AND NOT pg_visible_in_snapshot(c.xid, s.snap)
    WHERE s.same_log
$$;
REVOKE ALL ON FUNCTION ostan_hot_snapshot() FROM PUBLIC;
REVOKE ALL ON FUNCTION ostan_hot_changes(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ostan_hot_snapshot(), ostan_hot_changes(text) TO ostan_web,
    ostan_lasare, ostan_rapportor, ostan_analytiker, ostan_admin;
REVOKE ALL ON hot_changes, hot_changes_pruned FROM PUBLIC;
