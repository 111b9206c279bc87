"""Administration page: an administrator creates a user, unlocks a login and logs a user out
everywhere; other roles neither see the page nor get anything from it."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash import auth
from ostan_dash.store import begin
from ostan_dash.ui import navigation
from tests.app.conftest import APP

pytestmark = pytest.mark.app


def _cleanup(username: str) -> None:
    with begin() as conn:
        for q in (
            "DELETE FROM login_attempts WHERE username = :u",
            "DELETE FROM login_resets WHERE username = :u",
            "DELETE FROM audit_log WHERE details->>'användarnamn' = :u OR username = :u",
            "DELETE FROM users WHERE username = :u",
        ):
            conn.execute(sa.text(q), {"u": username})


@pytest.fixture
def new_name():
    name = f"h13-ny-{secrets.token_hex(3)}"
    yield name
    _cleanup(name)


def _admin_page(as_role):
    at = as_role("admin")
    at.switch_page("content/admin.py").run()
    assert not at.exception, at.exception
    return at


def _create(at, name: str, password: str = "ett långt lösenord 42"):
    fields = {t.label: t for t in at.text_input}
    fields["Användarnamn"].input(name)
    fields["Namn"].input("Test Testsson")
    fields["Första lösenord"].input(password)
    next(b for b in at.button if b.label == "Skapa användare").click()
    return at.run()


def test_admin_creates_a_user_with_a_bcrypt_hash_and_an_audit_row(as_role, new_name):
    at = _admin_page(as_role)
    assert at.title[0].value == "Administration"
    _create(at, new_name)
    assert not at.exception, at.exception
    assert any(f"Användaren {new_name} är skapad" in s.value for s in at.success)
    with begin() as conn:
        row = conn.execute(
            sa.text("SELECT password_hash, role, active FROM users WHERE username = :u"),
            {"u": new_name},
        ).one()
        audited = conn.execute(
            sa.text(
                "SELECT username, details->>'roll', details->>'ny_roll' FROM audit_log "
                "WHERE action = 'användare skapad' AND details->>'användarnamn' = :u"
            ),
            {"u": new_name},
        ).one()
    assert row.password_hash.startswith("$2b$12$") and row.role == "lasare" and row.active
    # The acting admin and their database role, recorded by the database itself.
    assert tuple(audited) == ("admin", "ostan_admin", "lasare")
    # The new user is in the page's table and can log in with the initial password.
    assert new_name in at.dataframe[0].value["Användarnamn"].to_list()
    from tests.app.conftest import login

    assert login(new_name, "ett långt lösenord 42").session_state["authentication_status"]


def test_a_bad_username_or_short_password_is_refused_in_swedish(as_role, new_name):
    at = _admin_page(as_role)
    _create(at, "Åsa Ö", password="kort")
    messages = " ".join(e.value for e in at.error)
    assert "Användarnamnet ska vara 2–64 tecken" in messages
    assert f"minst {auth.MIN_PASSWORD_LENGTH} tecken" in messages
    with begin() as conn:
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM users WHERE username = 'Åsa Ö'")
            ).scalar_one()
            == 0
        )


def test_admin_unlocks_a_login_and_logs_a_user_out_everywhere(as_role, new_name):
    at = _admin_page(as_role)
    _create(at, new_name)
    with begin() as conn:
        uid = conn.execute(
            sa.text("SELECT id FROM users WHERE username = :u"), {"u": new_name}
        ).scalar_one()
    now = dt.datetime.now(dt.UTC)
    for k in range(10):
        auth.record_attempt(
            new_name, "ip:192.0.2.44", auth.FAILURE, at=now - (20 - k) * dt.timedelta(seconds=1)
        )
    assert auth.login_wait(new_name, "ip:192.0.2.44") > dt.timedelta(0)
    sid = secrets.token_hex(32)
    assert auth.open_session(sid, uid, auth.login_ticket(new_name, "ett långt lösenord 42"))
    assert auth.check_session(sid)

    at.run()
    at.selectbox(key="admin_user").set_value(uid).run()
    table = at.dataframe[0].value
    row = table[table["Användarnamn"] == new_name].iloc[0]
    assert row["Misslyckade inloggningar (24 h)"] == 10 and row["Öppna sessioner"] == 1

    next(b for b in at.button if b.label == "Lås upp inloggningen").click().run()
    assert any("är upplåst" in s.value for s in at.success), [e.value for e in at.error]
    assert auth.login_wait(new_name, "ip:192.0.2.44") == dt.timedelta(0)

    next(b for b in at.button if b.label == "Logga ut överallt").click().run()
    assert any(
        "Återkallade sessioner för " in s.value and s.value.endswith(": 1.") for s in at.success
    )
    assert not auth.check_session(sid)
    table = at.dataframe[0].value
    row = table[table["Användarnamn"] == new_name].iloc[0]
    assert row["Misslyckade inloggningar (24 h)"] == 0 and row["Öppna sessioner"] == 0
    with begin() as conn:
        actions = (
            conn.execute(
                sa.text(
                    "SELECT action FROM audit_log WHERE details->>'användarnamn' = :u ORDER BY id"
                ),
                {"u": new_name},
            )
            .scalars()
            .all()
        )
    assert actions == ["användare skapad", "inloggning upplåst", "sessioner återkallade"]


def test_admin_cannot_deactivate_themselves(as_role):
    at = _admin_page(as_role)
    with begin() as conn:
        admin_id = conn.execute(
            sa.text("SELECT id FROM users WHERE username = 'admin'")
        ).scalar_one()
    at.selectbox(key="admin_user").set_value(admin_id).run()
    next(b for b in at.button if b.label == "Avaktivera kontot").click().run()
    assert any("Du kan inte avaktivera dig själv" in e.value for e in at.error)
    with begin() as conn:
        assert conn.execute(
            sa.text("SELECT active FROM users WHERE id = :i"), {"i": admin_id}
        ).scalar_one()


@pytest.mark.parametrize("role", ["analytiker", "rapportor", "lasare"])
def test_the_router_does_not_offer_the_page_to_other_roles(as_role, role):
    assert "admin" not in [p.url_path for p in navigation.pages_for(role)]
    at = as_role(role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("content/admin.py")


@pytest.mark.parametrize("role", ["analytiker", "rapportor", "lasare", None])
def test_the_page_script_itself_stops_everyone_but_an_admin(role):
    """Run content/admin.py directly, past the router: page_user('admin') stops it."""
    at = AppTest.from_file(str(APP.parent / "content" / "admin.py"), default_timeout=60)
    if role is not None:
        at.session_state["user"] = auth.User(1, role, role, role, 1, "Östan kommun")
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Du har inte behörighet att se den här sidan. Logga in med ett konto som har den."
    ]
    assert not at.title and not at.dataframe and not at.button


@pytest.fixture
def housing_orgs():
    """The housing company the reporter belongs to and another organisation; the sharing rows
    the test adds (and their audit rows) are removed afterwards."""
    with begin() as conn:
        owner, other = conn.execute(
            sa.text(
                "SELECT (SELECT organisation_id FROM users WHERE username = 'rapportor'), "
                "(SELECT organisation_id FROM users WHERE username = 'rapportor.hemvist')"
            )
        ).one()
    yield owner, other
    with begin() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM sharing_policy WHERE owner_org_id = :o AND grantee = 'organisation'"
            ),
            {"o": owner},
        )
        conn.execute(
            sa.text(
                "DELETE FROM audit_log WHERE entity = 'sharing_policy' "
                "AND (details->>'ägare_organisation_id')::int = :o"
            ),
            {"o": owner},
        )


def test_admin_shares_one_organisations_free_text_with_another(as_role, housing_orgs):
    """The Delning tab: the table says what is shared; sharing the free text with one named
    organisation is one new policy row, written with the admin's role and audited."""
    owner, other = housing_orgs
    at = _admin_page(as_role)
    table = next(d.value for d in at.dataframe if "Organisation" in d.value.columns and
                 "Fritext i händelserapporter" in d.value.columns)  # fmt: skip
    assert set(table["Händelserapporter (kategori, plats och tid)"]) == {"Alla organisationer."}
    at.selectbox(key="share_org").set_value(owner).run()
    # a form's widgets count only with its submit button, in the same run
    at.multiselect(key=f"share_{owner}_fritext_org").set_value([other])
    next(b for b in at.button if b.label == "Spara delning").click().run()
    assert not at.exception, at.exception
    assert any("(1 ändring)" in s.value for s in at.success), [e.value for e in at.error]
    with begin() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT data_kind, grantee_org_id FROM sharing_policy "
                "WHERE owner_org_id = :o AND grantee = 'organisation'"
            ),
            {"o": owner},
        ).all()
        audited = conn.execute(
            sa.text(
                "SELECT username, details->>'roll' FROM audit_log WHERE entity = 'sharing_policy' "
                "AND action = 'delning tillagd' AND (details->>'ägare_organisation_id')::int = :o "
                "AND (details->>'med_organisation_id')::int = :g"
            ),
            {"o": owner, "g": other},
        ).all()
    assert [tuple(r) for r in rows] == [("fritext", other)]
    assert [tuple(r) for r in audited] == [("admin", "ostan_admin")]
