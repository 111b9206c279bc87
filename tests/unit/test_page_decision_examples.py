"""The docstring examples of the decisions moved out of Rapportera, Områden, Närupprepning and
Trygghetsundersökning (issue 16) are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ostan_dash.analysis.own_reports",
    "ostan_dash.analysis.area_profile",
    "ostan_dash.analysis.nearrepeat_choice",
    "ostan_dash.analysis.survey_compare",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} har inga exempel"
    assert result.failed == 0
