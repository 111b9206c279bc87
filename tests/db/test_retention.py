"""The retention policy on the database: a dry run changes nothing and counts; a run removes
exactly the old free texts, replaces exactly the oldest reports by counts (totals preserved in
incident_monthly_counts) and deletes old login attempts, with one audit row."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ostan_dash import retention
from ostan_dash.config import TZ
from ostan_dash.store import retention as store

pytestmark = pytest.mark.db

AGG = dt.datetime(2002, 1, 1, tzinfo=TZ)
FT = dt.datetime(2003, 6, 1, tzinfo=TZ)
ATT = dt.datetime(2000, 1, 1, tzinfo=TZ)
USER = "h13-retention-test"


def _insert(db, when: str, n: int, *, text: str | None, outside: bool = False) -> None:
    """``n`` reports on ``when`` (local time), at an existing report's place or outside every area."""
    db.execute(
        sa.text(
            """
            INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom,
                                   organisation_id, description)
            SELECT 'otrygg_plats', 'belysning',
                   CAST(:t AS timestamp) AT TIME ZONE 'Europe/Stockholm',
                   CAST(:t AS timestamp) AT TIME ZONE 'Europe/Stockholm',
                   CASE WHEN :outside THEN ST_SetSRID(ST_MakePoint(200000, 6200000), 3006)
                        ELSE (SELECT geom FROM incidents WHERE area_id IS NOT NULL
                              ORDER BY id LIMIT 1) END,
                   (SELECT min(id) FROM organisations), :d
            FROM generate_series(1, :n)
            """
        ),
        {"t": when, "n": n, "d": text, "outside": outside},
    )


@pytest.fixture
def old_and_new(db):
    """Reports before 2000 do not exist in the demo; these are the only ones the cut-offs hit."""
    _insert(db, "2001-03-10 12:00", 7, text="gammal text")
    _insert(db, "2001-03-31 23:30", 2, text=None)  # local March, UTC March too
    _insert(db, "2001-11-05 08:00", 4, text="gammal text", outside=True)  # area_id NULL
    _insert(db, "2003-03-15 12:00", 6, text="text som ska bort")
    _insert(db, "2003-03-16 12:00", 3, text=None)
    _insert(db, "2003-09-01 12:00", 5, text="text som får stå kvar")
    for k in range(3):
        db.execute(
            sa.text(
                "INSERT INTO login_attempts (username, client, success, at) "
                "VALUES (:u, 'ip:192.0.2.1', false, :at)"
            ),
            {"u": USER, "at": dt.datetime(1999, 5, 1 + k, tzinfo=TZ)},
        )
    return db


def _state(db):
    return db.execute(
        sa.text(
            """
            SELECT (SELECT count(*) FROM incidents),
                   (SELECT count(description) FROM incidents),
                   (SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM incident_aggregates t),
                   (SELECT count(*) FROM login_attempts),
                   (SELECT count(*) FROM audit_log WHERE action = 'gallring')
            """
        )
    ).one()


def _run(db, *, dry_run: bool) -> store.Counts:
    return store.run(
        free_text_before=FT,
        aggregate_before=AGG,
        attempts_before=ATT,
        dry_run=dry_run,
        policy={"test": True},
        conn=db,
    )


def test_a_dry_run_counts_and_changes_nothing(old_and_new):
    db = old_and_new
    before = _state(db)
    counts = _run(db, dry_run=True)
    assert counts == store.Counts(
        free_texts=6, aggregated_rows=13, aggregate_groups=2, login_attempts=3
    )
    assert _state(db) == before


def test_a_run_blanks_exactly_the_old_texts_and_aggregates_exactly_the_old_rows(old_and_new):
    db = old_and_new
    trends_before = store.monthly_counts(conn=db)
    n_before, texts_before, *_ = _state(db)
    counts = _run(db, dry_run=False)
    assert counts == store.Counts(
        free_texts=6, aggregated_rows=13, aggregate_groups=2, login_attempts=3
    )
    # Long-term trends: every month × area × organisation × category count is unchanged.
    assert_frame_equal(store.monthly_counts(conn=db), trends_before)
    n_after, texts_after, *_ = _state(db)
    assert n_after == n_before - 13
    assert texts_after == texts_before - 11 - 6  # 11 texts went with aggregated rows, 6 blanked
    left = db.execute(
        sa.text(
            "SELECT description, count(*) FROM incidents "
            "WHERE occurred_from < '2004-01-01' GROUP BY 1 ORDER BY 1"
        )
    ).all()
    assert [tuple(r) for r in left] == [("text som får stå kvar", 5), (None, 9)]
    agg = db.execute(
        sa.text("SELECT month, area_id IS NULL, n FROM incident_aggregates ORDER BY month")
    ).all()
    assert [tuple(r) for r in agg] == [
        (dt.date(2001, 3, 1), False, 9),
        (dt.date(2001, 11, 1), True, 4),
    ]
    assert (
        db.execute(
            sa.text("SELECT count(*) FROM login_attempts WHERE username = :u"), {"u": USER}
        ).scalar_one()
        == 0
    )
    details = db.execute(
        sa.text("SELECT details FROM audit_log WHERE action = 'gallring' ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert details["aggregated_rows"] == 13 and details["free_texts"] == 6
    # A second run finds nothing; a late old report is added to its month's count.
    assert _run(db, dry_run=False) == store.Counts(0, 0, 0, 0)
    _insert(db, "2001-11-20 10:00", 2, text=None, outside=True)
    assert _run(db, dry_run=False).aggregated_rows == 2
    n = db.execute(
        sa.text("SELECT n FROM incident_aggregates WHERE month = '2001-11-01' AND area_id IS NULL")
    ).scalar_one()
    assert n == 6


def test_cutoffs_follow_the_policy_in_local_time():
    cut = retention.cutoffs(retention.Policy(), dt.date(2026, 3, 31))
    assert cut.free_text_before == dt.datetime(2025, 3, 31, tzinfo=TZ)
    assert cut.aggregate_before == dt.datetime(2021, 3, 1, tzinfo=TZ)
    assert cut.attempts_before == dt.datetime(2025, 12, 31, tzinfo=TZ)
    short = retention.cutoffs(retention.Policy(fritext_manader=1), dt.date(2026, 3, 31))
    assert short.free_text_before == dt.datetime(2026, 2, 28, tzinfo=TZ)


def test_the_cli_dry_run_prints_swedish_counts_and_changes_nothing(capsys, engine):
    from ostan_dash import cli

    with engine.connect() as conn:
        before = _state(conn)
    assert cli.main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Torrkörning" in out and "Ingenting har ändrats" in out
    assert "Fritext: beskrivningen i" in out and "Aggregering:" in out
    with engine.connect() as conn:
        after = _state(conn)
    # Login attempts are left out: other tests log in meanwhile.
    assert after[:3] + after[4:] == before[:3] + before[4:]
