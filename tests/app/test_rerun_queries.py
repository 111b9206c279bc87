"""A rerun with nothing changed asks the database nothing (issue 14): the data version is held
by the listening thread (store/version_watch.py), the login gate relies on its last check for
``auth.RECHECK``, the visibility key and the login library's credentials are held as long, and
every frame and table is held per data version."""

from __future__ import annotations

import datetime as dt

import pytest

from ostan_dash import auth, store
from ostan_dash.store import version_watch
from tests.app.conftest import APP
from tests.statements import statements_of

pytestmark = [pytest.mark.app, pytest.mark.db]


@pytest.mark.parametrize("page", ["content/karta.py", "content/oversikt.py"])
def test_a_rerun_with_nothing_changed_sends_no_query(as_role, monkeypatch, page):
    monkeypatch.setattr(auth, "RECHECK", dt.timedelta(hours=1))  # a slow machine stays inside it
    at = as_role("analytiker")
    at.switch_page(page)
    at.run()
    assert version_watch.watch(store.engine()).ready.wait(10)
    at.run()  # settles what the first run's reads left unsure
    assert not at.exception, at.exception
    sent = statements_of(at.run)
    assert sent == [], "\n".join(s[:300] for s in sent)
    assert not at.exception, at.exception


def test_the_login_form_reads_the_credentials_every_time():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    sent = statements_of(at.run)
    assert any("ostan_login_credentials" in s for s in sent), sent
