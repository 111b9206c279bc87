"""Shared fixtures. Tests run against the test database ``ostan_test`` of the local cluster
(prepared by ``make test``) or against ``DATABASE_URL`` when it is set."""

from __future__ import annotations

import gc
import os
import sys
import warnings

os.environ.setdefault("OSTAN_DATABASE", "ostan_test")
os.environ.setdefault("OSTAN_DEMO", "1")

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Connection, Engine

from ostan_dash import store


@pytest.fixture(scope="session", autouse=True)
def _close_pools_at_the_end() -> Iterator[None]:
    """Close what the session leaves open when it ends, so no ResourceWarning fails the run:
    every pooled connection, any psycopg connection still checked out (an AppTest script thread
    that ran into its timeout keeps one), and Streamlit AppTest's module-level temporary
    directory, which it otherwise leaves to the interpreter's exit."""
    yield
    store.dispose()
    _close_stray_connections()
    app_test = sys.modules.get("streamlit.testing.v1.app_test")
    if app_test is not None:
        app_test.TMP_DIR.cleanup()


def _close_stray_connections() -> None:
    """Close every psycopg connection object still open in this process."""
    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    for obj in gc.get_objects():
        if isinstance(obj, psycopg.Connection) and not obj.closed:
            obj.close()


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
