"""An error inside a page (issue 16): the user reads a Swedish message, never a stack trace, and
the server's log has the error with its traceback."""

from __future__ import annotations

import logging

import pytest

from ostan_dash.ui import texts

pytestmark = [pytest.mark.app, pytest.mark.db]


@pytest.mark.page_error
def test_a_failing_page_says_so_in_swedish_and_logs_the_trace(as_role, monkeypatch, caplog):
    from ostan_dash.analysis import overview

    def broken(today):
        raise RuntimeError("trasig beräkning")

    monkeypatch.setattr(overview, "last_complete_week", broken)
    with caplog.at_level(logging.ERROR, logger="ostan_dash.app"):
        at = as_role("analytiker")  # lands on Översikt
    assert not at.exception
    assert [e.value for e in at.error] == [texts.PAGE_FAILED]
    assert "Traceback" not in " ".join(m.value for m in at.markdown)
    (record,) = [r for r in caplog.records if r.name == "ostan_dash.app"]
    assert record.levelno == logging.ERROR
    assert "Översikt" in record.getMessage() and "analytiker" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert "trasig beräkning" in caplog.text and "Traceback" in caplog.text


def test_a_working_page_logs_no_error(as_role, caplog):
    with caplog.at_level(logging.ERROR, logger="ostan_dash.app"):
        at = as_role("analytiker")
    assert not at.error
    assert not [r for r in caplog.records if r.name == "ostan_dash.app"]
