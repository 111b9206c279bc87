"""The examples in the docstrings of the page decisions (issue 16) are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ostan_dash.analysis.interventions",
    "ostan_dash.analysis.problems",
    "ostan_dash.ingest.read",
    "ostan_dash.ui.choices",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} har inga exempel"
    assert result.failed == 0
