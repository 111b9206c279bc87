"""A DeSO GeoPackage with SCB's own columns imports as areas as it is: code as name, type and
population from what is known, and a second import changes nothing (issue 10)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline
from tests.unit.test_ingest_real_scb_areas import DESO_2025, DESO_ROWS, scb_gpkg

pytestmark = pytest.mark.db


def _run(db, data: bytes, name: str = "DeSO_2025.gpkg", **kw):
    return pipeline.run_import("omraden", data, name, conn=db, username="test", **kw)


def _areas(db) -> list[tuple]:
    return [
        tuple(r)
        for r in db.execute(
            sa.text(
                "SELECT code, name, kind, population, round(ST_Area(geom)) FROM areas "
                "WHERE code LIKE '0880%' ORDER BY code"
            )
        )
    ]


def test_deso_file_imports_as_areas_and_again_adds_nothing(db):
    data = scb_gpkg(DESO_2025, DESO_ROWS)
    before = db.execute(sa.text("SELECT count(*) FROM areas")).scalar_one()
    first = _run(db, data)
    assert first.ok, first.problems
    assert first.written and (first.rows_read, first.rows_new) == (3, 3)
    assert _areas(db) == [(r[0], r[0], "blandat", 0, 250_000) for r in DESO_ROWS]
    assert any("koden används som namn" in n for n in first.notes)
    assert any("3 nya områden får typen Blandat" in n for n in first.notes)
    assert any("3 nya områden får 0" in n for n in first.notes)
    again = _run(db, data)
    assert again.written and again.rows_new == 0 and again.rows_existing == 3
    assert db.execute(sa.text("SELECT count(*) FROM areas")).scalar_one() == before + 3


def test_a_known_area_keeps_its_type_and_population_when_scb_gives_none(db):
    _run(db, scb_gpkg(DESO_2025, DESO_ROWS))
    db.execute(
        sa.text("UPDATE areas SET kind = 'villaomrade', population = 812 WHERE code = '0880A0010'")
    )
    again = _run(db, scb_gpkg(DESO_2025, DESO_ROWS))
    assert again.ok and again.rows_new == 0
    assert not any("nya områden" in n for n in again.notes)
    assert _areas(db)[0] == ("0880A0010", "0880A0010", "villaomrade", 812, 250_000)


def test_regso_file_imports_with_scb_names(db):
    cols = ["kommunkod", "kommunnamn", "regsokod", "regso", "version"]
    rows = [
        ("0880", "Kalmar", "0880R001", "Kalmar centrum", "2025"),
        ("0880", "Kalmar", "0880R002", "Berga", "2025"),
    ]
    out = _run(db, scb_gpkg(cols, rows), "RegSO_2025.gpkg")
    assert out.ok and out.written, out.problems
    assert [a[:2] for a in _areas(db)] == [
        ("0880R001", "Kalmar centrum"),
        ("0880R002", "Berga"),
    ]
