"""Fixtures of the db tests that connect as the app's own login (``ostan_app``), the way the web
server does, to prove the database's policies with direct SQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash import config, store


@pytest.fixture(scope="module")
def app_engine() -> Iterator[sa.Engine]:
    """An engine on the app's login (skipped where the database has none of its own)."""
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        pytest.skip("ingen egen inloggning för appen (OSTAN_APP_DATABASE_URL) att pröva")
    eng = sa.create_engine(config.app_database_url())
    yield eng
    eng.dispose()


@pytest.fixture
def app_db(app_engine: sa.Engine) -> Iterator[Connection]:
    """One transaction on the app's login, rolled back afterwards."""
    with app_engine.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()


PEOPLE = ("admin", "analytiker", "rapportor", "rapportor.hemvist", "rapportor.polis", "lasare")


@pytest.fixture
def people() -> Iterator[dict[str, dict]]:
    """Demo username → id, role, organisation and a valid login session (made by the owner, as
    the login would; removed afterwards), for :func:`act_as`."""
    made: dict[str, dict] = {}
    with store.begin() as c:
        for name in PEOPLE:
            uid, role, org = c.execute(
                sa.text("SELECT id, role, organisation_id FROM users WHERE username = :u"),
                {"u": name},
            ).one()
            sid = secrets.token_hex(32)
            c.execute(
                sa.text("INSERT INTO user_sessions (id, user_id) VALUES (:s, :u)"),
                {"s": sid, "u": uid},
            )
            made[name] = {"id": uid, "role": role, "org": org, "sid": sid}
    yield made
    with store.begin() as c:
        c.execute(
            sa.text("DELETE FROM user_sessions WHERE id = ANY(:ids)"),
            {"ids": [p["sid"] for p in made.values()]},
        )


def act_as(db: Connection, person: dict) -> None:
    """Act as ``person`` (one of :func:`people`) on the app login, as store.assume does."""
    db.execute(sa.text("RESET ROLE"))
    db_role = db.execute(
        sa.text("SELECT ostan_identify(:s, :u, :r)"),
        {"s": person["sid"], "u": person["id"], "r": person["role"]},
    ).scalar_one()
    db.execute(sa.text("SELECT set_config('role', :r, true)"), {"r": db_role})
