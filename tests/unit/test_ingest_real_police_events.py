"""The police's real events API answer (polisen_events.json, unedited) is recognised by its
shape and read as crimes only, with the time from the name and no point (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from ostan_dash.ingest import police_events, read, validate, worker

REAL = Path("/work/shared/reference/real/polisen_events.json")
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="real reference file not present")

STHLM = ZoneInfo("Europe/Stockholm")
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september"]
MONTHS += ["oktober", "november", "december"]
# Written out here, independently of the importer's table: types that are never crimes.
NOT_CRIMES = re.compile(
    r"^(Trafikolycka(?!, smitning)|Brand|Sammanfattning|Övrigt|Trafikkontroll|Fjällräddning|"
    r"Information|Försvunnen person|Arbetsplatsolycka|Räddningsinsats|Uppdatering|Djur|"
    r"Fylleri|Kontroll|Explosion|Farligt föremål)"
)


def _events() -> list[dict]:
    return json.loads(REAL.read_text(encoding="utf-8"))


def _validated(events: list[dict] | None = None) -> validate.Validated:
    data = REAL.read_bytes() if events is None else json.dumps(events).encode()
    raw = read.read_file(data, REAL.name)
    return validate.validate("polishandelser", raw.frame)


def _expected_time(event: dict) -> dt.datetime:
    """The name's '22 augusti 17.59' in the publication's year, Swedish local time."""
    m = re.match(r"(\d+) (\w+) (\d+)\.(\d+),", event["name"])
    assert m is not None
    published = dt.datetime.strptime(event["datetime"], "%Y-%m-%d %H:%M:%S %z")
    return dt.datetime(
        published.year,
        MONTHS.index(m.group(2)) + 1,
        int(m.group(1)),
        int(m.group(3)),
        int(m.group(4)),
        tzinfo=STHLM,
    )


def test_the_events_array_is_recognised_by_its_shape_not_refused_as_geojson():
    raw = read.read_file(REAL.read_bytes(), REAL.name)
    events = _events()
    assert (raw.fmt, raw.shape) == ("json", "polishandelser")
    assert raw.rows_read == len(events) == 500
    first = raw.frame.row(0, named=True)
    assert first["rad"] == 1
    assert first["id"] == str(events[0]["id"])
    assert first["name"] == events[0]["name"]
    assert first["location.name"] == events[0]["location"]["name"]
    assert first["location.gps"] == events[0]["location"]["gps"]


def test_no_problem_blocks_the_real_file_and_every_event_is_imported_or_skipped_with_a_reason():
    v = _validated()
    assert v.ok, v.problems
    assert v.rows.height + v.skipped.height == 500
    assert set(v.rows["rad"]).isdisjoint(set(v.skipped["rad"]))
    assert v.skipped["orsak"].str.contains("importeras inte").all()


def test_accidents_fires_and_summaries_are_never_crimes():
    v = _validated()
    events = _events()
    imported_types = set(v.rows["crime_type"])
    assert not {t for t in imported_types if NOT_CRIMES.match(t)}
    skipped_types = {events[r - 1]["type"] for r in v.skipped["rad"]}
    all_non_crimes = {e["type"] for e in events if NOT_CRIMES.match(e["type"])}
    assert all_non_crimes <= skipped_types
    brand = v.skipped.filter(v.skipped["rad"] == 1).row(0, named=True)  # "Brand, Kävlinge"
    assert brand["falt"] == "type" and "Brand är inget brott" in brand["orsak"]
    # The police's crime types land in our groups.
    groups = dict(zip(v.rows["crime_type"], v.rows["crime_group"], strict=True))
    assert groups["Misshandel"] == "vald"
    assert groups["Rån"] == "rån"
    assert groups["Narkotikabrott"] == "narkotika"
    assert groups["Skadegörelse"] == "skadegorelse"
    assert groups["Inbrott"] == "inbrott"
    assert groups["Stöld"] == "stold"


def test_time_comes_from_the_name_and_the_publication_time_is_kept_apart():
    v = _validated()
    events = _events()
    for row in v.rows.iter_rows(named=True):
        e = events[row["rad"] - 1]
        assert row["external_id"] == f"polisen.se:{e['id']}"
        assert row["t_from"] == row["t_to"] == int(_expected_time(e).timestamp())
        published = dt.datetime.strptime(e["datetime"], "%Y-%m-%d %H:%M:%S %z")
        assert row["t_published"] == int(published.timestamp())
        assert row["t_from"] <= row["t_published"]


def test_place_is_the_municipality_in_the_name_never_the_centroid():
    v = _validated()
    events = _events()
    row = v.rows.filter(v.rows["external_id"] == "polisen.se:650284").row(0, named=True)
    e = next(e for e in events if e["id"] == 650284)
    assert e["name"].endswith(", Malmö") and e["location"]["name"] == "Skåne län"
    assert (row["place"], row["precision"]) == ("Malmö", "kommun")
    assert not {"x", "y", "geom", "g"} & set(v.rows.columns)
    assert "location.gps" in v.ignored_columns


def _event(**kw) -> dict:
    base = {
        "id": 1,
        "datetime": "2027-01-01 00:20:00 +01:00",
        "name": "31 december 23.50, Misshandel, Malmö",
        "summary": "",
        "url": "/",
        "type": "Misshandel",
        "location": {"name": "Skåne län", "gps": "55.6,13.0"},
    }
    return {**base, **kw}


def test_a_late_december_event_published_in_january_belongs_to_the_year_before():
    v = _validated([_event()])
    assert v.ok, v.problems
    expected = dt.datetime(2026, 12, 31, 23, 50, tzinfo=STHLM)
    assert v.rows["t_from"][0] == int(expected.timestamp())


def test_an_unknown_type_is_skipped_not_forced_in_as_a_crime():
    v = _validated([_event(type="Helt ny händelsetyp", name="1 januari 00.10, X, Malmö")])
    assert v.ok and v.rows.is_empty()
    assert "finns inte i tabellen" in v.skipped["orsak"][0]


def test_a_type_with_a_qualifier_is_looked_up_by_its_head_and_a_county_is_imprecise():
    v = _validated(
        [
            _event(
                type="Misshandel, mycket grov",
                name="31 december 23.50, Misshandel, mycket grov, Skåne län",
            )
        ]
    )
    row = v.rows.row(0, named=True)
    assert (row["crime_group"], row["place"], row["precision"]) == ("vald", "Skåne län", "lan")


def test_a_name_without_time_falls_back_to_the_publication_with_a_note():
    v = _validated([_event(name="Misshandel, Malmö")])
    assert v.ok, v.problems
    published = dt.datetime(2027, 1, 1, 0, 20, tzinfo=STHLM)
    assert v.rows["t_from"][0] == int(published.timestamp())
    assert v.rows["place"][0] == "Malmö"
    assert any("publiceringstid" in n for n in v.notes)


def test_a_broken_crime_row_is_named_but_a_broken_non_crime_row_is_only_skipped():
    v = _validated(
        [
            _event(id=1, datetime="igår"),
            _event(id=2, datetime="igår", type="Trafikolycka", name="1 januari 00.10, T, Malmö"),
        ]
    )
    assert v.problems.select("rad", "falt").rows() == [(1, "datetime")]
    assert v.skipped["rad"].to_list() == [2]


def test_the_events_file_chosen_as_another_kind_is_refused_with_the_right_kind_named():
    out = worker.read_validate("polisbrott", REAL.read_bytes(), REAL.name)
    assert out.error is not None and "Polisens händelser" in out.error


def test_every_group_in_the_type_table_is_one_of_ours():
    from ostan_dash import vocab

    groups = {g for g in police_events.EVENT_TYPES.values() if g is not None}
    assert groups <= set(vocab.POLICE_GROUPS)
    table = police_events.type_table()
    assert table.height == len(police_events.EVENT_TYPES)


def test_the_municipality_can_change_the_type_table():
    """Bråk counted as violence and Knivlagen left out: the setting's changes win."""
    events = _events()
    raw = read.read_file(REAL.read_bytes(), REAL.name)
    changes = {"bråk": "vald", "Knivlagen": None, "Okänd ny typ": "stold", "Brand": "nonsense"}
    v = validate.validate("polishandelser", raw.frame, event_types=changes)
    assert v.ok, v.problems
    types = set(v.rows["crime_type"])
    assert "Bråk" in types and "Knivlagen" not in types
    assert "Brand" not in types  # a group that is not ours is ignored
    n_brak = sum(e["type"] == "Bråk" for e in events)
    n_kniv = sum(e["type"] == "Knivlagen" for e in events)
    assert v.rows.height == _validated().rows.height + n_brak - n_kniv


def test_an_edited_table_becomes_only_the_changes():
    table = police_events.type_table()
    edited = table.with_columns(
        Brottsgrupp=pl.when(pl.col("Händelsetyp") == "Bråk")
        .then(pl.lit("Våldsbrott"))
        .otherwise(pl.col("Brottsgrupp"))
    ).vstack(pl.DataFrame({"Händelsetyp": ["Ny typ", None], "Brottsgrupp": ["Rån", None]}))
    assert police_events.overrides_from_table(edited) == {"Bråk": "vald", "Ny typ": "rån"}
    shown = police_events.type_table({"Bråk": "vald"})
    assert shown.filter(pl.col("Händelsetyp") == "Bråk")["Brottsgrupp"][0] == "Våldsbrott"
