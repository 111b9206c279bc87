"""An SCB PxWeb CSV download with a title line above its header, wide by year, imports as
indicators (issue 10): region codes with SCB's suffix, the total age and the 0–17 band, one row
per area and year, checked against the file's own numbers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db


def _download(codes: list[str]) -> tuple[bytes, dict[tuple[str, int], tuple[int, int]]]:
    lines = [
        '"Folkmängden per region efter region, ålder och år"',
        "",
        '"region";"ålder";"2023";"2024"',
    ]
    expect: dict[tuple[str, int], tuple[int, int]] = {}
    for i, code in enumerate(codes):
        total = (1000 + 10 * i, 1005 + 10 * i)
        kids = (200 + i, 210 + i)
        lines.append(f'"{code}_RegSO2025 Område {i}";"totalt ålder";{total[0]};{total[1]}')
        lines.append(f'"{code}_RegSO2025 Område {i}";"0-17 år";{kids[0]};{kids[1]}')
        expect[(code, 2023)] = (total[0], kids[0])
        expect[(code, 2024)] = (total[1], kids[1])
    return ("\r\n".join(lines) + "\r\n").encode("cp1252"), expect


def test_pxweb_csv_with_title_line_becomes_indicators(db):
    codes = db.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 3")).scalars().all()
    data, expect = _download(codes)
    out = pipeline.run_import("indikatorer", data, "BE0101.csv", conn=db, username="t")
    assert out.problems.is_empty(), out.problems
    assert out.written and out.rows_read == 2 * len(codes) and out.header_row == 3
    assert any("omformad till en rad per område och år" in n for n in out.notes)
    got = {
        (code, year): (pop, kids)
        for code, year, pop, kids in db.execute(
            sa.text(
                "SELECT a.code, i.year, i.population, i.population_under18 "
                "FROM area_indicators i JOIN areas a ON a.id = i.area_id "
                "WHERE a.code = ANY(:c) AND i.year IN (2023, 2024)"
            ),
            {"c": codes},
        ).all()
    }
    assert got == expect


def test_pxweb_csv_is_refused_for_another_kind(db):
    data, _ = _download(["X"])
    out = pipeline.run_import("omraden", data, "BE0101.csv", conn=db, username="t")
    assert not out.written
    assert "kan bara importeras som ”Områdesindikatorer" in out.problems["orsak"][0]
