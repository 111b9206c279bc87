"""The type-check baseline only goes down (tools/typecheck.py, issue 16)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "typecheck", Path(__file__).resolve().parents[2] / "tools" / "typecheck.py"
)
typecheck = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(typecheck)


def test_a_file_above_its_baseline_or_new_with_errors_fails():
    worse, _ = typecheck.compare(Counter({"a.py": 3, "b.py": 1}), {"a.py": 2})
    assert worse == [
        "a.py: 3 fel (baslinjen tillåter 2)",
        "b.py: 1 fel (baslinjen tillåter 0)",
    ]


def test_fewer_errors_pass_and_ask_for_a_lower_baseline():
    worse, better = typecheck.compare(Counter({"a.py": 1}), {"a.py": 2, "c.py": 4})
    assert worse == []
    assert better == ["a.py: 1 fel (baslinjen 2)", "c.py: 0 fel (baslinjen 4)"]


def test_the_error_line_pattern_takes_the_file():
    m = typecheck._ERROR.match('ostan_dash/store/areas.py:26: error: Dict entry 0 has … "str"')
    assert m is not None and m["file"] == "ostan_dash/store/areas.py"
    assert typecheck._ERROR.match("Found 3 errors in 1 file") is None
