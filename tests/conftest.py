"""Shared fixtures. Tests run against the test database ``ostan_test`` of the local cluster
(prepared by ``make test``) or against ``DATABASE_URL`` when it is set."""

from __future__ import annotations

import os

os.environ.setdefault("OSTAN_DATABASE", "ostan_test")
os.environ.setdefault("OSTAN_DEMO", "1")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy.engine import Connection, Engine  # noqa: E402

from ostan_dash import store  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _close_pools_at_the_end() -> Iterator[None]:
    """Close every pooled connection when the session ends: an Engine left to the garbage
    collector drops open psycopg connections, whose ResourceWarning fails the run."""
    yield
    store.dispose()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The test database's Engine."""
    return store.engine()


@pytest.fixture
def db(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test: each test isolated."""
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            yield conn
        finally:
            trans.rollback()
