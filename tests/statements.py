"""The SQL statements a call sends, counted in the test process (AppTest runs pages in it)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def statements_of(call: Callable[[], object]) -> list[str]:
    """Every statement any Engine of this process sends while ``call`` runs."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa.event.listen(Engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        sa.event.remove(Engine, "before_cursor_execute", note)
    return sent
