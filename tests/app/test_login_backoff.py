"""The login form's backoff in the running app: the same browser waits after repeated wrong
passwords, is told how long, and the right password is not checked during the wait."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash import auth
from ostan_dash.store import begin
from tests.app.conftest import APP, DEMO_PASSWORD

pytestmark = pytest.mark.app


def _submit(at: AppTest, username: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["Användarnamn"].input(username)
    fields["Lösenord"].input(password)
    next(b for b in at.button if b.label == "Logga in").click()
    return at.run()


def test_repeated_wrong_passwords_make_this_browser_wait_and_the_wait_is_shown():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    for _ in range(auth.FREE_FAILURES):
        _submit(at, "lasare", "fel-lösenord")
    assert any("Nästa försök härifrån tidigast om" in e.value for e in at.error)
    client = at.session_state["ostan_client_session"]
    # The right password during the wait: refused without a check, and told to wait.
    _submit(at, "lasare", DEMO_PASSWORD)
    assert at.session_state["authentication_status"] is False
    assert any("Vänta" in e.value for e in at.error)
    with begin() as conn:
        refused = conn.execute(
            sa.text(
                "SELECT count(*) FROM login_attempts "
                "WHERE username = 'lasare' AND client = :c AND refused"
            ),
            {"c": f"session:{client}"},
        ).scalar_one()
    assert refused == 1
    # Another browser (another client) logs in at once.
    from tests.app.conftest import login

    other = login("lasare")
    assert other.session_state["authentication_status"] is True
