"""Översikt's comparison with the country (Brå, issue 10): before any import the section says
what to do, without the municipality setting it says so, and after an import of Brå's export it
shows our municipality against the country and the others with intervals and verdicts."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.analysis import crime_statistics as cs
from ostan_dash.ingest import pipeline
from ostan_dash.ui import crime_statistics_views as views
from tests.db.test_crime_statistics_import import bra_csv

pytestmark = [pytest.mark.app, pytest.mark.db]

NAME = "bra-apptest.csv"


@pytest.fixture
def kommun():
    """Set the municipality setting to ``value`` (None: remove it); restored afterwards, and
    every row this test imported removed."""
    with store.begin() as c:
        saved = c.execute(sa.text("SELECT value FROM settings WHERE key = 'kommun'")).scalar()

    def set_to(value: dict | None) -> None:
        with store.begin() as c:
            c.execute(sa.text("DELETE FROM settings WHERE key = 'kommun'"))
            if value is not None:
                c.execute(
                    sa.text(
                        "INSERT INTO settings (key, value) VALUES ('kommun', CAST(:v AS jsonb))"
                    ),
                    {"v": json.dumps(value)},
                )

    yield set_to
    with store.begin() as c:
        ids = list(
            c.execute(sa.text("SELECT id FROM imports WHERE file_name = :n"), {"n": NAME}).scalars()
        )
        c.execute(sa.text("DELETE FROM crime_statistics WHERE import_id = ANY(:i)"), {"i": ids})
        c.execute(
            sa.text("DELETE FROM audit_log WHERE action = 'import' AND entity_id = ANY(:i)"),
            {"i": [str(i) for i in ids]},
        )
        c.execute(sa.text("DELETE FROM imports WHERE id = ANY(:i)"), {"i": ids})
    set_to(saved)


def _import() -> None:
    out = pipeline.run_import("brottsstatistik", bra_csv(), NAME, isolate=False, username="test")
    assert out.written, out.problems.to_dicts()


def _section(at):
    assert not at.exception, at.exception
    return next(e for e in at.expander if e.label == views.TITLE)


def _nothing_imported() -> None:
    with store.begin() as c:
        n = c.execute(sa.text("SELECT count(*) FROM crime_statistics")).scalar_one()
    if n:
        pytest.skip("the shared test database already holds Brå's statistics")


def test_before_an_import_the_section_says_what_to_do(as_role, kommun):
    _nothing_imported()
    kommun({"namn": "Håbo"})
    section = _section(as_role("lasare"))
    assert [i.value for i in section.info] == [views.EMPTY]
    assert "Import → Brottsstatistik (Brå)" in views.EMPTY
    assert not section.dataframe


def test_without_the_municipality_setting_the_section_says_so(as_role, kommun):
    _nothing_imported()
    kommun(None)
    _import()
    section = _section(as_role("lasare"))
    assert [i.value for i in section.info] == [views.NO_MUNICIPALITY]
    assert not section.dataframe


def test_after_an_import_our_municipality_is_compared_with_the_country(as_role, kommun):
    _nothing_imported()
    kommun({"namn": "Håbo kommun"})
    _import()
    at = as_role("analytiker")
    section = _section(at)
    assert [s.label for s in section.selectbox] == ["År", "Brottstyp"]
    assert section.selectbox[0].value == 2024 and section.selectbox[0].options == ["2024", "2023"]
    section.selectbox[0].set_value(2023).run()
    section = _section(at)
    assert section.selectbox[1].value == "Samtliga brott"
    table = section.dataframe[0].value
    assert list(table.columns) == [
        "Region",
        "Antal",
        "Per 100 000 inv.",
        "95 % KI",
        "Jämfört med riket",
    ]
    assert list(table["Region"]) == ["Riket", "Håbo (vår kommun)", "Malmö", "Stockholm"]
    assert list(table["Antal"]) == [1_476_011, 1_987, 62_204, 211_118]
    # Håbo's 8 701,2 per 100 000 against the country's 14 005,5 is far lower; Stockholm higher.
    assert list(table["Jämfört med riket"]) == [cs.NATIONAL_VERDICT, "lägre", "högre", "högre"]
    assert table["95 % KI"][1].count("–") == 1 and "," in table["95 % KI"][1]
    said = " ".join(m.value for m in section.markdown)
    assert "Håbo 2023" in said and "8\u00a0701,2 per 100 000" in said and "lägre än i riket" in said
    method = " ".join(c.value for c in section.caption)
    assert "Garwood" in method and "Benjamini–Hochberg" in method and "Poissontest" in method

    section.selectbox[1].set_value("Misshandel").run()
    table = _section(at).dataframe[0].value
    assert list(table["Region"]) == ["Riket", "Håbo (vår kommun)", "Stockholm"]
