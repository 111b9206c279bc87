"""The hot incident frame refreshed by what changed (sql/040_hot_changes.sql, store.hot.refreshed):
after inserts, edits and deletes of EST reports and police crimes, committed in any order, the
refreshed frame is the very frame a whole read gives, in time order; nothing changed costs no
row read; a TRUNCATE or a pruned log sends the reader back to a whole read."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ostan_dash.store import hot, queries
from tests.acting import acting_as

pytestmark = pytest.mark.db

_REPORT = sa.text(
    """
    INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                           organisation_id, description)
    SELECT s.category, s.key, CAST(:t AS timestamptz), CAST(:t AS timestamptz),
           ST_PointOnSurface(a.geom), a.id, (SELECT min(id) FROM organisations), 'hot-refresh'
    FROM (SELECT * FROM est_subtypes ORDER BY category, key LIMIT 1) s,
         (SELECT * FROM areas ORDER BY id LIMIT 1) a
    RETURNING id
    """
)
_CRIME = sa.text(
    """
    INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from, occurred_to,
                               geom, area_id)
    SELECT :ext, 'Skadegörelse', 'skadegorelse', CAST(:t AS timestamptz),
           CAST(:t AS timestamptz), ST_PointOnSurface(a.geom), a.id
    FROM (SELECT * FROM areas ORDER BY id LIMIT 1) a
    RETURNING id
    """
)


def _est_ids(frame: pl.DataFrame) -> list[int]:
    """The EST reports' ids (a police crime may have the same number)."""
    return frame.filter(pl.col("source") == "est")["id"].to_list()


def _whole() -> pl.DataFrame:
    return hot.by_time(hot.read_binary())


def _same(refreshed: pl.DataFrame, whole: pl.DataFrame) -> None:
    assert refreshed.schema == whole.schema
    assert refreshed["occurred_from"].is_sorted()
    assert_frame_equal(
        refreshed.sort("source", "id"), whole.sort("source", "id"), categorical_as_str=True
    )


@pytest.fixture
def cleanup(engine):
    """Rows the test wrote, removed afterwards (their own deletes are logged, harmlessly)."""
    made: dict[str, list[int]] = {"incidents": [], "police_crimes": []}
    yield made
    with engine.begin() as c:
        for table, ids in made.items():
            c.execute(sa.text(f"DELETE FROM {table} WHERE id = ANY(:ids)"), {"ids": ids})  # noqa: S608
        c.execute(sa.text("DELETE FROM hot_changes_pruned"))


def test_inserts_edits_and_deletes_refresh_to_the_whole_frame(engine, cleanup):
    with engine.begin() as c:
        doomed = c.execute(_REPORT, {"t": "2024-03-01 12:00+01"}).scalar_one()
        edited = c.execute(_REPORT, {"t": "2024-03-02 12:00+01"}).scalar_one()
    cleanup["incidents"] += [doomed, edited]
    held = hot.hold(base=None)
    assert held.snapshot is not None
    with engine.begin() as c:
        cleanup["incidents"].append(c.execute(_REPORT, {"t": "2025-06-01 08:00+02"}).scalar_one())
        cleanup["police_crimes"].append(
            c.execute(_CRIME, {"ext": "HOT-REFRESH-1", "t": "2023-01-05 22:00+01"}).scalar_one()
        )
    with engine.begin() as c:  # a later start moves the report in the frame's time order
        c.execute(
            sa.text(
                "UPDATE incidents SET occurred_from = occurred_from - interval '400 days', "
                "occurred_to = occurred_to - interval '400 days' "
                "WHERE id = :i"
            ),
            {"i": edited},
        )
        c.execute(sa.text("DELETE FROM incidents WHERE id = :i"), {"i": doomed})

    fresh = hot.refreshed(held)

    assert fresh is not None and fresh.snapshot != held.snapshot
    whole = _whole()
    _same(fresh.frame, whole)
    assert doomed not in _est_ids(fresh.frame)
    assert fresh.frame.height == held.frame.height + 1  # two added, one deleted


def test_nothing_changed_keeps_the_frame_and_reads_no_row(engine, monkeypatch):
    held = hot.hold(base=None)
    with engine.begin() as c:  # a write elsewhere raises the data version, not the frame
        c.execute(sa.text("UPDATE areas SET name = name WHERE false"))

    def no_rows(*args, **kwargs):
        raise AssertionError("read rows although none changed")

    monkeypatch.setattr(queries, "incidents", no_rows)
    monkeypatch.setattr(hot, "read_binary", no_rows)
    fresh = hot.hold(base=held)
    assert fresh.frame is held.frame


def test_a_write_in_progress_at_the_read_is_caught_when_it_commits(engine, cleanup):
    """The frame's snapshot saw the writer in progress: its transaction id is below the
    snapshot's xmax, so only visibility, not order, can tell that the frame lacks it."""
    with engine.connect() as writer:
        tx = writer.begin()
        late = writer.execute(_REPORT, {"t": "2024-11-11 11:00+01"}).scalar_one()
        with engine.begin() as c:  # a later writer commits first
            early = c.execute(_REPORT, {"t": "2024-11-12 11:00+01"}).scalar_one()
        held = hot.hold(base=None)
        tx.commit()
    cleanup["incidents"] += [late, early]
    assert late not in _est_ids(held.frame) and early in _est_ids(held.frame)

    fresh = hot.refreshed(held)

    assert fresh is not None
    assert late in _est_ids(fresh.frame)
    _same(fresh.frame, _whole())


def test_police_rows_are_refreshed_under_the_readers_role(engine, cleanup):
    """A reader who sees police crimes by area only gets the new crime without its point, as
    a whole read under that role gives it."""
    with acting_as(engine, "lasare"):
        held = hot.hold(base=None)
        with engine.begin() as c:
            crime = c.execute(_CRIME, {"ext": "HOT-REFRESH-2", "t": "2024-02-02 02:00+01"})
            cleanup["police_crimes"].append(crime.scalar_one())
        fresh = hot.refreshed(held)
        assert fresh is not None
        _same(fresh.frame, _whole())
        assert not queries.sees_police_rows()
    row = fresh.frame.filter(
        (pl.col("source") == "polis") & (pl.col("id") == cleanup["police_crimes"][0])
    )
    assert row.height == 1 and row["x"].is_null().all()


def test_a_truncate_is_logged_as_every_row(db):
    before = db.execute(sa.text("SELECT ostan_hot_snapshot()")).scalar_one()
    db.execute(sa.text("TRUNCATE police_crimes CASCADE"))
    found = db.execute(
        sa.text("SELECT source, ids FROM ostan_hot_changes(:s)"), {"s": before}
    ).all()
    assert ("polis", None) in [tuple(r) for r in found]


def test_a_log_pruned_past_the_snapshot_means_a_whole_read(engine, cleanup):
    held = hot.hold(base=None)
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO hot_changes_pruned (upto) VALUES (pg_current_xact_id())"))
    assert hot.changed_ids(held.snapshot) is None
    assert hot.refreshed(held) is None


def test_a_snapshot_of_another_log_or_none_at_all_means_a_whole_read():
    """A database restored or made anew has another log (its table's oid): the frame's
    snapshot says nothing about it. A snapshot the database cannot read is logged, not shown."""
    log_oid, snapshot = hot.snapshot_now().split("/")
    assert hot.changed_ids(f"{int(log_oid) + 1}/{snapshot}") is None
    assert hot.changed_ids("inte en ögonblicksbild") is None
    assert hot.changed_ids(f"{log_oid}/{snapshot}") is not None


def test_the_log_prunes_entries_older_than_two_days_and_remembers_them(db):
    old = db.execute(
        sa.text(
            "INSERT INTO hot_changes (source, ids, at) VALUES ('est', '{1}', now() - "
            "interval '3 days') RETURNING id, xid"
        )
    ).one()
    # Writes until the log's 128th entry, which prunes.
    touch = sa.text(
        "UPDATE incidents SET description = description WHERE id = (SELECT min(id) FROM incidents)"
    )
    for _ in range(128):
        db.execute(touch)
        if db.execute(sa.text("SELECT max(id) FROM hot_changes")).scalar_one() % 128 == 0:
            break
    assert (
        db.execute(
            sa.text("SELECT count(*) FROM hot_changes WHERE id = :i"), {"i": old.id}
        ).scalar_one()
        == 0
    )
    assert db.execute(sa.text("SELECT max(upto) FROM hot_changes_pruned")).scalar_one() == old.xid


def test_the_apps_login_and_a_reader_may_ask_what_changed(app_db):
    app_db.execute(sa.text("SET LOCAL ROLE ostan_lasare"))
    found = app_db.execute(
        sa.text("SELECT count(*) FROM ostan_hot_changes(ostan_hot_snapshot())")
    ).scalar_one()
    assert found == 0
    with pytest.raises(sa.exc.ProgrammingError):
        app_db.execute(sa.text("SELECT * FROM hot_changes"))


def test_writers_committing_in_any_order_never_leave_the_refreshed_frame_behind(engine, cleanup):
    """Three writers insert, move and delete reports in open transactions and commit in a
    random order, while the frame is refreshed now and then: after every refresh it equals a
    whole read taken at the same moment (each writer touches only its own rows, so no one
    waits for a lock)."""
    rng = random.Random(20261206)
    held = hot.hold(base=None)
    writers = [engine.connect() for _ in range(3)]
    open_tx: list = [None, None, None]
    own: list[list[int]] = [[], [], []]
    refreshes = 0
    try:
        for step in range(90):
            k = rng.randrange(3)
            c = writers[k]
            op = rng.choice(["insert", "insert", "move", "delete", "commit", "refresh"])
            if op in ("insert", "move", "delete") and open_tx[k] is None:
                open_tx[k] = c.begin()
            if op == "insert":
                day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
                new = c.execute(_REPORT, {"t": f"{day} 12:00+01"}).scalar_one()
                own[k].append(new)
                cleanup["incidents"].append(new)
            elif op == "move" and own[k]:
                c.execute(
                    sa.text(
                        "UPDATE incidents SET occurred_from = occurred_from - :d, "
                        "occurred_to = occurred_to - :d WHERE id = :i"
                    ),
                    {"d": dt.timedelta(days=rng.randrange(1, 300)), "i": rng.choice(own[k])},
                )
            elif op == "delete" and own[k]:
                gone = own[k].pop(rng.randrange(len(own[k])))
                c.execute(sa.text("DELETE FROM incidents WHERE id = :i"), {"i": gone})
            elif op == "commit" and open_tx[k] is not None:
                open_tx[k].commit()
                open_tx[k] = None
            elif op == "refresh":
                fresh = hot.refreshed(held)
                assert fresh is not None, f"step {step}: read whole"
                _same(fresh.frame, _whole())
                held, refreshes = fresh, refreshes + 1
        for k, tx in enumerate(open_tx):
            if tx is not None:
                tx.commit()
                open_tx[k] = None
        fresh = hot.refreshed(held)
        assert fresh is not None
        _same(fresh.frame, _whole())
    finally:
        for tx in open_tx:
            if tx is not None:
                tx.rollback()
        for c in writers:
            c.close()
    assert refreshes >= 5


def test_the_page_cache_holds_one_frame_per_visibility_and_refreshes_it(
    engine, cleanup, monkeypatch
):
    """ui/data.py: the same or an older data version gets the held frame without a read; a
    newer one after a report refreshes it, and the frame before is let go (one frame per
    visibility, not one per version)."""
    import gc
    import weakref

    from ostan_dash.ui import data

    data.clear_process()
    visibility = queries.visibility_key()
    stamp = queries.data_version()
    first = data._incidents(visibility, stamp)
    reads: list[object] = []
    monkeypatch.setattr(hot, "read_binary", lambda *a, **k: reads.append(a) or _whole())
    assert data._incidents(visibility, stamp) is first
    assert data._incidents(visibility, stamp - 1) is first  # a session a version behind
    with engine.begin() as c:
        cleanup["incidents"].append(c.execute(_REPORT, {"t": "2024-06-06 06:00+02"}).scalar_one())
    gone = weakref.ref(first)
    fresh = data._incidents(visibility, queries.data_version())
    assert fresh is not first and cleanup["incidents"][0] in _est_ids(fresh)
    assert reads == []  # refreshed, not read whole
    del first
    gc.collect()
    assert gone() is None
    data.clear_process()


def test_each_visibility_keeps_a_frame_of_its_own(engine):
    from ostan_dash.ui import data

    data.clear_process()
    frames = {}
    for role in ("lasare", "analytiker"):
        with acting_as(engine, role):
            frames[role] = data._incidents(queries.visibility_key(), queries.data_version())
    police = [f.filter(pl.col("source") == "polis") for f in frames.values()]
    assert police[0]["x"].null_count() != police[1]["x"].null_count()
    assert len(data._HELD) == 2
    data.clear_process()
