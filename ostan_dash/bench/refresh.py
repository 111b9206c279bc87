"""The hot frame after a write, in ``ostan-dash bench`` (issue 14, ``sql/040_hot_changes.sql``):
reports edited, one and then a thousand (a week's import), and the held frame refreshed by the
rows that changed (``store.hot.refreshed``), next to reading every row again. The edits rewrite
the rows as they were (``description = description``): the bench database keeps its data, only
its data version and change log move on."""

from __future__ import annotations

import sqlalchemy as sa

from ostan_dash.bench.timing import timed

TOUCH = sa.text(
    "UPDATE incidents SET description = description "
    "WHERE id IN (SELECT id FROM incidents ORDER BY id DESC LIMIT :n)"
)


def after_writes(sizes: tuple[int, ...] = (1, 1000)) -> dict[str, object]:
    """Per number of reports edited since the frame was read: the refresh in milliseconds and
    the frame's rows; and the whole read the refresh replaces, for comparison."""
    from ostan_dash import store
    from ostan_dash.store import hot

    snapshot = hot.snapshot_now()  # before the rows, as hot.hold takes it
    held = hot.Held(hot.by_time(hot.read_binary()), snapshot)
    out: dict[str, object] = {
        "rows": held.frame.height,
        "whole_read": timed(lambda: hot.by_time(hot.read_binary()), repeat=2),
    }
    for n in sizes:
        with store.begin() as c:
            c.execute(TOUCH, {"n": n})
        result = hot.refreshed(held)
        if result is None or result.frame.height != held.frame.height:
            raise RuntimeError("uppdateringen av händelseramen gav inte samma rader")
        out[f"refresh_after_{n}_edited_ms"] = timed(lambda: hot.refreshed(held), repeat=3)
    return out
