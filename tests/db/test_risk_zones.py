"""Near-repeat risk zones from the database: an imported burglary opens a zone for the saved
pattern of its kind, and a second burglary inside it is marked as inside that zone."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.ingest import pipeline
from ostan_dash.store import as_user
from ostan_dash.store import nearrepeat as store
from ostan_dash.store import places as places_store

pytestmark = pytest.mark.db

# 2020: before the demo data, so only this test's burglaries are in the window.
HEADER = (
    "Diarienummer;Brottsnummer;Brottskod;Brottsbenämning;Från datum;Från tid;Till datum;"
    "Till tid;Kommun;Område;X (SWEREF99);Y (SWEREF99)"
)
VILLA = "Stöld genom inbrott, ej vapen, i bostad (villa)"


def extract(*rows: tuple[str, str, int, int]) -> bytes:
    """A police extract with one burglary per (case number, date, northing, easting)."""
    lines = [HEADER] + [
        f"{case};1;0857;{VILLA};{day};18:00;;;Östan;;{north};{east}"
        for case, day, north, east in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def imported_id(db, case: str) -> int:
    return db.execute(
        sa.text("SELECT id FROM police_crimes WHERE external_id = :e"), {"e": f"{case}/1"}
    ).scalar_one()


def save_villa_pattern(db) -> None:
    analyst = db.execute(
        sa.text("SELECT id, username FROM users WHERE role = 'analytiker' ORDER BY id LIMIT 1")
    ).one()
    store.save_pattern(
        source="polis",
        category="inbrott",
        subtype=None,
        label="Inbrott",
        distance_m=200.0,
        days=14.0,
        metric="manhattan",
        ratio=1.6,
        n_events=420,
        permutations=999,
        period_from=dt.date(2019, 1, 1),
        period_to=dt.date(2019, 12, 31),
        reading="Inom 200 m och 14 dagar efter ett inbrott är risken för ett nytt förhöjd med 60 %",
        user_id=analyst.id,
        username=analyst.username,
        role="analytiker",
        conn=db,
    )


def stored_pattern(db) -> nr.Pattern:
    row = store.patterns(conn=db).filter(store_key_is("polis/inbrott/*")).row(0, named=True)
    return nr.Pattern(
        distance_m=row["distance_m"],
        days=row["days"],
        ratio=row["ratio"],
        metric=row["metric"],
        same_place=False,
    )


def store_key_is(key: str) -> pl.Expr:
    return pl.col("selection") == key


def test_an_imported_burglary_opens_a_zone_and_a_second_inside_it_is_marked(db):
    outcome = pipeline.run_import(
        "polisbrott",
        extract(
            ("5000-K900001-20", "2020-03-02", 6630350, 599550),
            ("5000-K900002-20", "2020-03-05", 6630400, 599620),  # 50 + 70 = 120 m, 3 days
            ("5000-K900003-20", "2020-03-04", 6633350, 599550),  # 3 km away: its own zone
        ),
        "utdrag-v10.csv",
        conn=db,
    )
    assert outcome.written, outcome.problems
    first, second, far = (imported_id(db, f"5000-K90000{k}-20") for k in (1, 2, 3))
    save_villa_pattern(db)

    today = dt.date(2020, 3, 6)
    incidents = store.kind_incidents("polis", "inbrott", None, since=dt.date(2020, 2, 1), conn=db)
    zones = nr.risk_zones(incidents, stored_pattern(db), today)
    by_id = {r["incident_id"]: r for r in zones.iter_rows(named=True)}
    assert set(by_id) == {first, second, far}
    assert by_id[first]["valid_from"] == dt.date(2020, 3, 2)
    assert by_id[first]["valid_to"] == dt.date(2020, 3, 15)  # the day itself and 13 more
    assert by_id[first]["radius_m"] == 200.0
    assert (by_id[first]["x"], by_id[first]["y"]) == (599550.0, 6630350.0)
    assert by_id[first]["inside_zone_of"] is None
    assert by_id[second]["inside_zone_of"] == first
    assert by_id[far]["inside_zone_of"] is None

    # on 18 March the zones of 2 and 4 March have ended; the one of 5 March lasts that day
    later = nr.risk_zones(incidents, stored_pattern(db), dt.date(2020, 3, 18))
    assert later["incident_id"].to_list() == [second]


def test_zones_are_named_after_the_nearest_place_and_need_a_saved_pattern(db):
    place = places_store.places().row(0, named=True)
    outcome = pipeline.run_import(
        "polisbrott",
        extract(("5000-K900011-20", "2020-03-02", int(place["y"]) + 30, int(place["x"]) + 20)),
        "utdrag-v11.csv",
        conn=db,
    )
    assert outcome.written, outcome.problems
    assert store.patterns(conn=db).filter(store_key_is("polis/inbrott/*")).is_empty()
    save_villa_pattern(db)
    incidents = store.kind_incidents("polis", "inbrott", None, since=dt.date(2020, 2, 1), conn=db)
    zones = nr.risk_zones(
        incidents, stored_pattern(db), dt.date(2020, 3, 6), places=places_store.places()
    )
    row = zones.row(0, named=True)
    assert row["place"] == place["name"]
    assert row["place_distance_m"] == pytest.approx((30**2 + 20**2) ** 0.5, abs=1)
    assert nr.zone_sentence(row, label="inbrott") == (
        f"Förhöjd risk för inbrott kring {place['name']} till 15 mars"
    )


def test_a_reader_cannot_save_a_pattern(db):
    reader = db.execute(
        sa.text("SELECT id, username FROM users WHERE role = 'lasare' LIMIT 1")
    ).one()
    with pytest.raises(PermissionError):
        store.delete_pattern(
            "polis/inbrott/*", user_id=reader.id, username="x", role="lasare", conn=db
        )
    # and the database refuses the role too, whatever the page did
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        with db.begin_nested(), as_user(reader.id, "lasare", conn=db) as c:
            c.execute(sa.text("DELETE FROM nearrepeat_patterns"))
