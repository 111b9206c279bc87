"""The events calendar in the database: an analyst adds a recurring event at a place, it reads
back with the place's point and local times, its later years are generated, and a reader may
not add one."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.analysis import events as ev
from ostan_dash.config import TZ
from ostan_dash.store import events as store

pytestmark = pytest.mark.db


def user(db, role: str):
    return db.execute(
        sa.text("SELECT id, username FROM users WHERE role = :r ORDER BY id LIMIT 1"), {"r": role}
    ).one()


def test_a_recurring_event_at_a_place_reads_back_and_repeats(db):
    place = db.execute(
        sa.text("SELECT id, name, ST_X(geom) x, ST_Y(geom) y FROM places ORDER BY id LIMIT 1")
    ).one()
    who = user(db, "analytiker")
    new_id = store.add_event(
        title="Valborgsfirande",
        kind="hogtid",
        starts_at=dt.datetime(2026, 4, 30, 19, tzinfo=TZ),
        ends_at=dt.datetime(2026, 4, 30, 23, 30, tzinfo=TZ),
        place_id=place.id,
        expected_crowd=3000,
        recurrence="valborg",
        user_id=who.id,
        username=who.username,
        role="analytiker",
        conn=db,
    )
    row = store.events(conn=db).filter(pl.col("id") == new_id).row(0, named=True)
    assert (row["place"], row["x"], row["y"]) == (place.name, place.x, place.y)
    assert row["starts_at"].hour == 19 and row["starts_at"].tzinfo is not None
    occ = ev.occurrences(
        store.events(conn=db).filter(pl.col("id") == new_id),
        dt.date(2027, 1, 1),
        dt.date(2028, 12, 31),
    )
    assert occ["starts_at"].dt.date().to_list() == [dt.date(2027, 4, 30), dt.date(2028, 4, 30)]
    audited = db.execute(
        sa.text("SELECT count(*) FROM audit_log WHERE action = 'event_add' AND entity_id = :i"),
        {"i": str(new_id)},
    ).scalar_one()
    assert audited == 1
    assert (
        store.delete_event(
            new_id, user_id=who.id, username=who.username, role="analytiker", conn=db
        )
        == 1
    )


def test_a_reader_cannot_add_an_event(db):
    who = user(db, "lasare")
    with pytest.raises(PermissionError):
        store.add_event(
            title="x",
            kind="konsert",
            starts_at=dt.datetime(2026, 6, 1, 18, tzinfo=TZ),
            ends_at=dt.datetime(2026, 6, 1, 22, tzinfo=TZ),
            user_id=who.id,
            username=who.username,
            role="lasare",
            conn=db,
        )
