"""Reads made as a demo user (store.bind), the way a logged-in page makes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ostan_dash import store


@contextmanager
def acting_as(engine: sa.Engine, username: str) -> Iterator[None]:
    """Bind the demo user ``username`` (whose role has the same name) for the block."""
    with engine.connect() as c:
        user = c.execute(
            sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
        ).scalar_one()
    store.bind(user, username)
    try:
        yield
    finally:
        store.bind(None, None)
