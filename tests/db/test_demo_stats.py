"""`ostan-dash stats --json` on the demo data: what the foundation issue promises is there."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from ostan_dash import cli, vocab

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def stats():
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["stats", "--json"]) == 0
    return json.loads(buf.getvalue())


def test_stats_has_the_promised_shape(stats):
    assert set(stats) >= {"tables", "incidents"}
    assert {"first", "last", "by_category"} <= set(stats["incidents"])
    assert all(isinstance(n, int) for n in stats["tables"].values())


def test_at_least_five_years_of_all_six_categories(stats):
    first = dt.date.fromisoformat(stats["incidents"]["first"])
    last = dt.date.fromisoformat(stats["incidents"]["last"])
    assert (last - first).days >= 5 * 365
    assert set(stats["incidents"]["by_category"]) == set(vocab.CATEGORIES)
    assert stats["tables"]["areas"] >= 15
    assert stats["tables"]["interventions"] >= 8


def test_survey_and_indicators_for_every_area_and_year(db):
    missing = db.execute(
        sa.text(
            """
        SELECT count(*) FROM areas a CROSS JOIN (SELECT DISTINCT year FROM area_indicators) y
        WHERE NOT EXISTS (SELECT 1 FROM area_indicators i WHERE i.area_id = a.id AND i.year = y.year)
           OR (SELECT count(*) FROM survey_responses s WHERE s.area_id = a.id AND s.year = y.year) < 100
        """
        )
    ).scalar_one()
    years = db.execute(sa.text("SELECT count(DISTINCT year) FROM area_indicators")).scalar_one()
    assert years >= 5
    assert missing == 0
