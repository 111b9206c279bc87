"""The bench's refresh figure (bench.refresh.after_writes) runs against a real database and
checks what it times: the refreshed frame keeps every row of the edited reports."""

from __future__ import annotations

import pytest

from ostan_dash.bench import refresh

pytestmark = pytest.mark.db


def test_the_refresh_after_edits_is_timed_next_to_the_whole_read():
    out = refresh.after_writes(sizes=(1, 3))
    assert out["rows"] > 0
    for key in ("whole_read", "refresh_after_1_edited_ms", "refresh_after_3_edited_ms"):
        assert out[key]["median_ms"] > 0
