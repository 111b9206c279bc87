"""AppTest helpers: log in through the real login form of app.py."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
DEMO_PASSWORD = "ostan-demo"


def login(username: str, password: str = DEMO_PASSWORD) -> AppTest:
    """Run app.py, fill in the login form and submit it; returns the AppTest after login."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    fields = {t.label: t for t in at.text_input}
    fields["Användarnamn"].input(username)
    fields["Lösenord"].input(password)
    next(b for b in at.button if b.label == "Logga in").click()
    at.run()
    return at


@pytest.fixture
def as_role():
    """Factory: an AppTest logged in as the demo user of a role (usernames equal role names)."""
    return login


@pytest.fixture(autouse=True)
def _no_page_failed(request, caplog):
    """app.py turns an error inside a page into a Swedish message and a log line, so a page that
    breaks would no longer show up as ``at.exception``: fail every app test whose run logged one
    (unless the test breaks a page on purpose, marked ``page_error``)."""
    yield
    if request.node.get_closest_marker("page_error"):
        return
    failed = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name == "ostan_dash.app" and r.levelno >= logging.ERROR
    ]
    assert not failed, failed
