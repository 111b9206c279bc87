"""The login gate asks the database about the session at most once per ``auth.RECHECK``
(issue 14), and a revoked session is still shut out once the window has passed. (Its data are
refused at once: the database checks the session on every transaction of the app's login,
``tests/db/test_identity_forgery.py``; these app tests run as the owner, who may act for
anyone, so that half is shown there.)"""

from __future__ import annotations

import dataclasses

import pytest

from ostan_dash import auth
from ostan_dash.ui import texts
from tests.app.conftest import login

pytestmark = [pytest.mark.app, pytest.mark.db]


def test_a_revoked_session_is_logged_out_when_the_window_has_passed():
    at = login("analytiker")
    at.switch_page("content/oversikt.py").run()
    assert not at.exception and at.title[0].value == "Översikt"
    checked = at.session_state["ostan_checked"]
    assert isinstance(checked, auth.Checked) and checked.user.username == "analytiker"

    auth.revoke_session(checked.sid)  # an administrator's revocation, or an expiry
    at.run()  # within the window the gate relies on its last check
    assert at.title[0].value == "Översikt"
    assert at.session_state["ostan_checked"] == checked

    # The window has passed: the gate asks the database, which says no.
    at.session_state["ostan_checked"] = dataclasses.replace(checked, at=checked.at - 60)
    at.run()
    assert any(texts.LOGIN_EXPIRED in w.value for w in at.warning)
    assert "Logga in" in [b.label for b in at.button]
    assert "ostan_checked" not in at.session_state
