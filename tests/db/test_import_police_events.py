"""The police's real events file (polisen_events.json, unedited) imports into the database:
crimes in our municipality only, no point, all or nothing, and a re-import adds nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline
from ostan_dash.store import imports

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        not Path("/work/shared/reference/real/polisen_events.json").exists(),
        reason="real reference file not present",
    ),
]

REAL = Path("/work/shared/reference/real/polisen_events.json")
OURS = "Malmö"
# Independent of the importer's table: the types in the file that are not crimes.
NOT_CRIMES = re.compile(
    r"^(Trafikolycka|Brand|Sammanfattning|Övrigt|Trafikkontroll|Fjällräddning|Information|"
    r"Försvunnen person|Arbetsplatsolycka|Räddningsinsats|Uppdatering|Djur|Fylleri|Kontroll|"
    r"Explosion|Farligt föremål|Bråk)"
)


def _events() -> list[dict]:
    return json.loads(REAL.read_text(encoding="utf-8"))


def _ours(events: list[dict]) -> list[dict]:
    """Malmö's crimes, read from the name's last part and the type, by hand."""
    return [
        e
        for e in events
        if e["name"].rsplit(", ", 1)[-1] == OURS and not NOT_CRIMES.match(e["type"])
    ]


def _set_municipality(db, name: str = OURS) -> None:
    db.execute(
        sa.text(
            "INSERT INTO settings (key, value) VALUES ('kommun', CAST(:v AS jsonb)) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        ),
        {"v": json.dumps({"namn": name, "kod": "1280"})},
    )


def _run(db, data: bytes, **kw):
    return pipeline.run_import("polishandelser", data, REAL.name, conn=db, username="test", **kw)


def _count(db, sql: str = "SELECT count(*) FROM police_crimes") -> int:
    return db.execute(sa.text(sql)).scalar_one()


def test_the_real_file_imports_our_crimes_once_without_points(db):
    _set_municipality(db)
    events = _events()
    expected = _ours(events)
    assert len(expected) == 9  # 19 Malmö events, of them 9 crimes (checked by hand)
    before = _count(db)
    first = _run(db, REAL.read_bytes())
    assert first.ok, first.problems
    assert first.written
    assert (first.rows_read, first.rows_valid, first.rows_new) == (500, 9, 9)
    assert first.skipped.height == 491
    outside = first.skipped.filter(first.skipped["orsak"].str.contains("inte kommunen"))
    elsewhere = [
        e
        for e in events
        if not NOT_CRIMES.match(e["type"]) and e["name"].rsplit(", ", 1)[-1] != OURS
    ]
    assert outside["rad"].to_list() == [events.index(e) + 1 for e in elsewhere]
    assert outside["falt"].unique().to_list() == ["name"]
    assert any("utan punkt" in n for n in first.notes)
    assert _count(db) == before + 9

    rows = db.execute(
        sa.text(
            "SELECT external_id, crime_type, crime_group, occurred_from, occurred_to, geom, "
            "area_id, location_precision, location_name, published_at FROM police_crimes "
            "WHERE import_id = :imp ORDER BY external_id"
        ),
        {"imp": first.import_id},
    ).mappings()
    by_id = {r["external_id"]: r for r in rows}
    assert set(by_id) == {f"polisen.se:{e['id']}" for e in expected}
    for r in by_id.values():
        assert r["geom"] is None and r["area_id"] is None
        assert (r["location_precision"], r["location_name"]) == ("kommun", OURS)
        assert not NOT_CRIMES.match(r["crime_type"])
    # One event checked value by value against the file: "22 augusti 14.16, Misshandel, Malmö".
    e = next(e for e in expected if e["id"] == 650284)
    r = by_id["polisen.se:650284"]
    m = re.match(r"(\d+) augusti (\d+)\.(\d+),", e["name"])
    assert m is not None
    when = dt.datetime(
        2026, 8, int(m[1]), int(m[2]), int(m[3]), tzinfo=ZoneInfo("Europe/Stockholm")
    )
    assert r["occurred_from"] == r["occurred_to"] == when
    assert r["published_at"] == dt.datetime.strptime(e["datetime"], "%Y-%m-%d %H:%M:%S %z")
    assert (r["crime_type"], r["crime_group"]) == ("Misshandel", "vald")
    kind = db.execute(
        sa.text("SELECT kind, rows_read, rows_written FROM imports WHERE id = :id"),
        {"id": first.import_id},
    ).one()
    assert tuple(kind) == ("polishandelser", 500, 9)

    again = _run(db, REAL.read_bytes())
    assert again.written and again.rows_new == 0 and again.rows_existing == 9
    assert _count(db) == before + 9


def test_one_broken_crime_event_writes_nothing(db):
    _set_municipality(db)
    events = _events()
    bad = next(i for i, e in enumerate(events) if e["id"] == 650284)
    events[bad] = {**events[bad], "datetime": "i går kväll"}
    before, imports_before = _count(db), _count(db, "SELECT count(*) FROM imports")
    out = _run(db, json.dumps(events, ensure_ascii=False).encode())
    assert not out.written and out.import_id is None
    assert out.problems.select("rad", "falt").rows() == [(bad + 1, "datetime")]
    assert _count(db) == before
    assert _count(db, "SELECT count(*) FROM imports") == imports_before


def test_the_municipality_given_for_the_run_wins_and_none_at_all_is_refused(db):
    db.execute(sa.text("DELETE FROM settings WHERE key = 'kommun'"))
    refused = _run(db, REAL.read_bytes())
    assert not refused.written
    assert "kommunen är inte inställd" in refused.problems["orsak"][0]
    assert imports.municipality(conn=db) is None
    out = _run(db, REAL.read_bytes(), municipality="Göteborgs kommun", dry_run=True)
    assert out.problems.is_empty()
    # "Göteborgs kommun" is the long form; the police write "Göteborg": 2 Misshandel, 2 Rån.
    assert out.rows_new == 4


def test_preview_counts_what_would_be_written_and_writes_nothing(db):
    _set_municipality(db, "Göteborg")
    before = _count(db)
    out = _run(db, REAL.read_bytes(), dry_run=True)
    assert out.ok and not out.written
    assert out.rows_new == 4  # Misshandel ×2, Rån ×2
    assert _count(db) == before


def test_the_setting_of_event_types_reaches_the_validation_in_the_child(db):
    _set_municipality(db)
    db.execute(
        sa.text(
            "INSERT INTO settings (key, value) VALUES (:k, CAST(:v AS jsonb)) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        ),
        {"k": imports.EVENT_TYPES_SETTING, "v": json.dumps({"Fylleri": "ovrigt"})},
    )
    out = _run(db, REAL.read_bytes(), dry_run=True)
    assert out.ok, out.problems
    assert out.rows_new == 10  # Malmö's 9 crimes and its one Fylleri


def test_police_events_are_not_counted_as_crimes_in_the_incident_frame(db, monkeypatch):
    """The events carry no point and no area: the analysts' incident frame (both readers) and
    the crime counts of the summary stay as they were; the summary counts the events apart."""
    from contextlib import contextmanager

    from ostan_dash import store
    from ostan_dash.store import hot, queries

    @contextmanager
    def same_connection():
        yield db

    monkeypatch.setattr(store, "_reading", same_connection)
    monkeypatch.setattr(hot, "_reading", same_connection)

    def counts():
        frame = queries.incidents()
        binary = hot.read_binary()
        police = frame.filter(frame["source"].cast(str) == "polis")
        summary = queries.incident_summary()
        return frame.height, binary.height, police.height, summary["police_by_group"]

    _set_municipality(db)
    before = counts()
    assert before[2] > 0  # the test database has police crimes of its own
    out = _run(db, REAL.read_bytes())
    assert out.written and out.rows_new == 9
    assert counts() == before
    events = queries.incident_summary()["police_events_by_group"]
    assert sum(events.values()) == 9
    assert (
        _count(db, "SELECT count(*) FROM police_crimes WHERE location_precision IS NOT NULL") == 9
    )
