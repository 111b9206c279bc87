"""A point belongs to the finest area that covers it (issue 10, sql/034): with SCB's kommun
polygon imported before our districts, an incident in a district lands in the district, not in
the whole municipality that happens to have the lower id."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db

# Far from the demo's areas, so only these two cover the points: a 10 km municipality square and
# a 1 km district square inside it, the municipality inserted first (the lower id).
X0, Y0 = 700_000, 6_700_000
IN_DISTRICT = (X0 + 500, Y0 + 500)
IN_KOMMUN_ONLY = (X0 + 5_000, Y0 + 5_000)


def _square(db, code: str, size: int) -> int:
    return db.execute(
        sa.text(
            "INSERT INTO areas (code, name, kind, population, geom) VALUES (:c, :c, 'blandat', 0, "
            "ST_Multi(ST_MakeEnvelope(:x, :y, :x + :s, :y + :s, 3006))) RETURNING id"
        ),
        {"c": code, "x": X0, "y": Y0, "s": size},
    ).scalar_one()


@pytest.fixture
def nested(db) -> tuple[int, int]:
    """(kommun id, district id) with the kommun's the lower."""
    kommun = _square(db, "K9999", 10_000)
    district = _square(db, "D9999", 1_000)
    assert kommun < district
    return kommun, district


def _xy(xy: tuple[int, int], **more: object) -> dict[str, object]:
    return {"x": xy[0], "y": xy[1], **more}


def test_area_of_picks_the_smallest_area_that_covers_the_point(db, nested):
    kommun, district = nested
    area_of = sa.text("SELECT area_of(ST_SetSRID(ST_MakePoint(:x, :y), 3006))")
    assert db.execute(area_of, _xy(IN_DISTRICT)).scalar_one() == district
    assert db.execute(area_of, _xy(IN_KOMMUN_ONLY)).scalar_one() == kommun


def test_a_place_in_the_district_gets_the_district(db, nested):
    _, district = nested
    area = db.execute(
        sa.text(
            "INSERT INTO places (name, kind, geom) VALUES ('Skolan', 'skola', "
            "ST_SetSRID(ST_MakePoint(:x, :y), 3006)) RETURNING area_id"
        ),
        _xy(IN_DISTRICT),
    ).scalar_one()
    assert area == district


def test_the_database_corrects_a_wrong_area_of_a_police_crime(db, nested):
    """The trigger runs only when the given area is not area_of()'s, and then overrides it."""
    kommun, district = nested
    insert = sa.text(
        "INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from, "
        "occurred_to, geom, area_id) VALUES ('T-1', 'Snatteri', 'stold', now(), now(), "
        "ST_SetSRID(ST_MakePoint(:x, :y), 3006), :a) RETURNING area_id"
    )
    assert db.execute(insert, _xy(IN_DISTRICT, a=kommun)).scalar_one() == district
    moved = db.execute(
        sa.text(
            "UPDATE police_crimes SET geom = ST_SetSRID(ST_MakePoint(:x, :y), 3006) "
            "WHERE external_id = 'T-1' RETURNING area_id"
        ),
        _xy(IN_KOMMUN_ONLY),
    ).scalar_one()
    assert moved == kommun


def test_an_imported_police_crime_in_the_district_lands_in_the_district(db, nested):
    kommun, district = nested
    header = (
        "Diarienummer;Brottsnummer;Brottskod;Brottsbenämning;Från datum;Från tid;Till datum;"
        "Till tid;Kommun;X (SWEREF99);Y (SWEREF99)\r\n"
    )
    rows = [
        f"5000-K990001-26;1;0866;Snatteri;2026-03-01;12:00;;;Östan;{y};{x}\r\n"
        for x, y in (IN_DISTRICT, IN_KOMMUN_ONLY)
    ]
    data = (header + rows[0] + rows[1].replace("K990001-26;1", "K990002-26;1")).encode("cp1252")
    out = pipeline.run_import("polisbrott", data, "p.csv", conn=db, username="t", isolate=False)
    assert out.written, out.problems
    areas = db.execute(
        sa.text("SELECT external_id, area_id FROM police_crimes WHERE import_id = :i ORDER BY 1"),
        {"i": out.import_id},
    ).all()
    assert [a for _, a in areas] == [district, kommun]
