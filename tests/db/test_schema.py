"""The store rejects invalid rows itself, derives areas from points and records its migrations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ostan_dash import vocab
from ostan_dash.store import migrate

pytestmark = pytest.mark.db

INSERT = sa.text(
    """
    INSERT INTO incidents (category, subtype, object_type, persons_count, occurred_from, occurred_to,
                           geom, organisation_id)
    VALUES (:cat, :sub, :obj, :persons, :t0, :t1,
            ST_SetSRID(ST_MakePoint(:x, :y), 3006), (SELECT min(id) FROM organisations))
    RETURNING id, area_id
    """
)


def _inside_point(db) -> tuple[float, float]:
    row = db.execute(
        sa.text(
            "SELECT ST_X(p), ST_Y(p), id FROM (SELECT ST_PointOnSurface(geom) p, id FROM areas ORDER BY id LIMIT 1) s"
        )
    ).one()
    return row[0], row[1]


def _row(db, **over):
    x, y = _inside_point(db)
    params = {
        "cat": "skadegorelse",
        "sub": "klotter",
        "obj": "skola",
        "persons": None,
        "t0": "2026-03-02 08:00+01",
        "t1": "2026-03-02 09:00+01",
        "x": x,
        "y": y,
    }
    params.update(over)
    with db.begin_nested():
        return db.execute(INSERT, params).one()


def test_vocabulary_in_database_equals_python(db):
    cats = dict(db.execute(sa.text("SELECT key, label FROM est_categories")).all())
    subs = {
        (c, k): lbl
        for c, k, lbl in db.execute(sa.text("SELECT category, key, label FROM est_subtypes"))
    }
    objs = dict(db.execute(sa.text("SELECT key, label FROM est_object_types")).all())
    assert cats == vocab.CATEGORIES
    assert subs == {(c, k): v for c, d in vocab.SUBTYPES.items() for k, v in d.items()}
    assert objs == vocab.OBJECT_TYPES


def test_valid_incident_gets_its_area_from_the_point(db):
    _, area_id = _row(db)
    x, y = _inside_point(db)
    expected = db.execute(
        sa.text(
            "SELECT id FROM areas WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), 3006))"
        ),
        {"x": x, "y": y},
    ).scalar_one()
    assert area_id == expected


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"cat": "okand"}, id="unknown-category"),
        pytest.param(
            {"sub": "bilbrand", "cat": "otrygg_plats", "obj": None}, id="subtype-of-other-category"
        ),
        pytest.param(
            {"cat": "otrygg_plats", "sub": "belysning", "obj": "skola"},
            id="object-type-outside-skadegorelse",
        ),
        pytest.param({"obj": "rymdskepp"}, id="unknown-object-type"),
        pytest.param(
            {"t0": "2026-03-02 10:00+01", "t1": "2026-03-02 09:00+01"}, id="window-reversed"
        ),
        pytest.param({"t1": "2026-05-02 09:00+01"}, id="window-over-31-days"),
        pytest.param({"persons": 12}, id="persons-outside-gatherings"),
    ],
)
def test_invalid_incident_is_rejected_by_the_database(db, override):
    with pytest.raises(IntegrityError):
        _row(db, **override)


def test_gathering_with_persons_is_accepted(db):
    row_id, _ = _row(db, cat="otrygg_samling", sub="trapphus", obj=None, persons=8)
    assert row_id > 0


def test_police_crime_needs_point_or_area(db):
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            sa.text(
                "INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from, occurred_to) "
                "VALUES ('T-1', 'Misshandel', 'vald', now(), now())"
            )
        )


def test_users_store_only_bcrypt_hashes(db):
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            sa.text(
                "INSERT INTO users (username, display_name, password_hash, role, organisation_id) "
                "VALUES ('klartext', 'K', 'hemligt', 'lasare', (SELECT min(id) FROM organisations))"
            )
        )


def test_migrations_are_recorded_and_idempotent(engine):
    names = [m.name for m in migrate.discover()]
    with engine.connect() as conn:
        recorded = (
            conn.execute(sa.text("SELECT name FROM schema_migrations ORDER BY version"))
            .scalars()
            .all()
        )
    assert recorded == names
    assert migrate.apply(engine) == []
