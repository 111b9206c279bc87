"""The one reader of this process's memory (``/proc/self/status``) that the bench and the import
worker share: resident now, the peak so far, and a new peak measurement."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from ostan_dash import procinfo

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux")


def test_the_peak_follows_an_allocation_and_starts_again_after_a_reset():
    procinfo.reset_peak()
    before = procinfo.peak_rss_mb()
    block = np.ones(300 * 1024 * 1024 // 8)  # 300 MB, written so it is resident
    high = procinfo.peak_rss_mb()
    del block
    assert high - before > 250
    assert procinfo.status_mb("VmRSS") < high - 250  # freed: resident again as before
    procinfo.reset_peak()
    assert procinfo.peak_rss_mb() < high - 250  # the new peak starts from now


def test_an_unknown_line_is_none():
    assert procinfo.status_mb("VmNoSuchLine") is None
    assert procinfo.status_mb("VmRSS") > 0
