"""Trygghetsundersökning: the shares a user reads equal an independent SQL computation, and a
cell with too few answers is never shown as a number."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.store import areas as area_store
from ostan_dash.ui import area_data

pytestmark = [pytest.mark.app, pytest.mark.db]

UNSAFE = "Otrygg ute i området en sen kväll, %"


def open_page(as_role, role: str):
    at = as_role(role)
    at.switch_page("content/trygghet.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def clear_cache() -> None:
    area_data.survey_responses.clear()
    area_data.survey_shares.clear()


@pytest.mark.parametrize("role", ["analytiker", "lasare"])
def test_shares_equal_independent_sql(as_role, db, role):
    at = open_page(as_role, role)
    assert [t.value for t in at.title] == ["Trygghetsundersökning"]
    year = db.execute(sa.text("SELECT max(year) FROM survey_responses")).scalar_one()
    assert at.selectbox(key="trygghet_ar").value == year
    whole, area_name, area_share = db.execute(
        sa.text(
            """
            WITH w AS (
              SELECT sum(weight) FILTER (WHERE unsafe_evening) / sum(weight) AS s
              FROM survey_responses WHERE year = :y AND unsafe_evening IS NOT NULL),
            a AS (
              SELECT a.name, sum(r.weight) FILTER (WHERE r.unsafe_evening) / sum(r.weight) AS s
              FROM survey_responses r JOIN areas a ON a.id = r.area_id
              WHERE r.year = :y AND r.unsafe_evening IS NOT NULL
              GROUP BY a.name ORDER BY a.name LIMIT 1)
            SELECT w.s, a.name, a.s FROM w, a
            """
        ),
        {"y": year},
    ).one()
    table = at.dataframe[0].value
    got = dict(zip(table["Område"], table[UNSAFE], strict=True))
    assert got["Hela kommunen"] == pytest.approx(whole * 100)
    assert got[area_name] == pytest.approx(area_share * 100)
    # The trend chart and the scatter are drawn.
    assert len(at.get("plotly_chart")) == 2


def test_a_cell_with_too_few_answers_is_suppressed(as_role, db, monkeypatch):
    """An extra survey year in which one area has 12 answers: its cell must say so, not show a
    share."""
    area_id, name = db.execute(sa.text("SELECT id, name FROM areas ORDER BY id LIMIT 1")).one()
    real = area_store.survey_responses
    rng = np.random.default_rng(5)
    few = pl.DataFrame(
        {
            "year": [2001] * 12,
            "area_id": [area_id] * 12,
            "weight": rng.uniform(0.5, 2, 12),
            **{q: rng.random(12) < 0.5 for q in area_store.SURVEY_QUESTIONS},
        },
        schema=area_store.SURVEY_SCHEMA,
    )
    monkeypatch.setattr(area_store, "survey_responses", lambda **kw: pl.concat([real(**kw), few]))
    clear_cache()
    try:
        at = open_page(as_role, "lasare")
        at.selectbox(key="trygghet_ar").set_value(2001).run()
        assert not at.exception, at.exception
        table = at.dataframe[0].value
        row = table[table["Område"] == name].iloc[0]
        for col in table.columns:
            if col.endswith(", %"):
                assert row[col] is None or math.isnan(row[col]), col
        assert any("För få svar" in c.value for c in at.caption)
        detail = at.dataframe[1].value
        cell = detail[detail["Område"] == name].iloc[0]
        assert cell["Anmärkning"].startswith("För få svar")
        assert cell.iloc[1] is None or math.isnan(cell.iloc[1])
        assert cell["Svar"] == 12
    finally:
        monkeypatch.undo()
        clear_cache()


def test_significance_is_corrected_over_the_areas_and_says_so(as_role, db):
    """The change table's adjusted p-values are statsmodels' fdr_bh of its own p-values over
    the areas (the municipality apart), "Signifikant" follows them, and the captions and the
    ring's legend name the correction with the number of areas."""
    from statsmodels.stats.multitest import multipletests

    at = open_page(as_role, "lasare")
    n_areas = db.execute(sa.text("SELECT count(*) FROM areas")).scalar_one()
    detail = at.dataframe[1].value
    areas = detail[(detail["Område"] != "Hela kommunen") & detail["p"].notna()]
    assert len(areas) == n_areas
    reject, adjusted, _, _ = multipletests(areas["p"].to_numpy(), method="fdr_bh")
    assert areas["p justerat (BH)"].to_numpy() == pytest.approx(adjusted, rel=1e-9)
    assert list(areas["Signifikant (BH, FDR 5 %)"]) == ["Ja" if r else "Nej" for r in reject]
    text = f"Benjamini–Hochberg över de {n_areas} områdena, FDR 5\u00a0%"
    assert sum(text in c.value for c in at.caption) >= 2
    rings = [
        t["name"]
        for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
        if t.get("name", "").startswith("Signifikant")
    ]
    assert all(text in name for name in rings)
