"""The administrator's account functions and the login backoff through the web app's own
database login (ostan_app: not a superuser, writes only under a role). AppTest runs as the
owner and would not notice a missing grant; this does."""

from __future__ import annotations

import datetime as dt
import os
import secrets

import pytest
import sqlalchemy as sa

from ostan_dash import auth, config, retention, store
from ostan_dash.demo.people import DEMO_PASSWORD
from ostan_dash.store import retention as retention_store

pytestmark = pytest.mark.db


def _dispose_engines() -> None:
    """Close every pooled connection of every Engine."""
    store.dispose()


@pytest.fixture
def app_login(names):
    """Every store call in the test runs on the app's login (as in ``ostan-dash serve``); set
    up after ``names`` so that its clean-up runs on the owner's login again."""
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        pytest.skip("ingen egen inloggning för appen (OSTAN_APP_DATABASE_URL) att pröva")
    before = os.environ.get("OSTAN_DB_LOGIN")
    os.environ["OSTAN_DB_LOGIN"] = "app"
    _dispose_engines()
    sid = secrets.token_hex(32)
    try:
        assert store.scalar("SELECT current_user") == config.APP_LOGIN
        # The admin is logged in, as behind app.py's gate: the database acts for them only
        # with their valid session (sql/026_unforgeable_identity.sql).
        auth.open_session(sid, _admin().id, auth.login_ticket("admin", DEMO_PASSWORD))
        assert auth.check_session(sid)
        yield
    finally:
        store.bind(None, None)  # forgets the session checked here
        if before is None:
            os.environ.pop("OSTAN_DB_LOGIN", None)
        else:
            os.environ["OSTAN_DB_LOGIN"] = before
        _dispose_engines()
        store.execute("DELETE FROM user_sessions WHERE id = :id", {"id": sid})


@pytest.fixture
def names():
    tag = secrets.token_hex(3)
    out = {"user": f"h13-app-{tag}", "org": f"H13 testorganisation {tag}"}
    yield out
    with store.begin() as conn:
        for q in (
            "DELETE FROM login_attempts WHERE username = :u",
            "DELETE FROM login_resets WHERE username = :u",
            "DELETE FROM audit_log WHERE details->>'användarnamn' = :u OR username = :u "
            "OR details->>'namn' = :o",
            "DELETE FROM users WHERE username = :u",
            "DELETE FROM organisations WHERE name = :o",
        ):
            conn.execute(sa.text(q), {"u": out["user"], "o": out["org"]})


def _admin() -> auth.User:
    return auth.user("admin")


def test_every_admin_action_works_through_the_app_login(app_login, names):
    admin = _admin()
    org = auth.add_organisation(admin, name=names["org"], kind="bostadsbolag")
    uid = auth.create_user(
        admin,
        username=names["user"],
        display_name="Test Testsson",
        role="rapportor",
        organisation_id=org,
        password="ett långt lösenord 42",
    )
    auth.change_role(admin, uid, role="analytiker", organisation_id=org)
    sid = secrets.token_hex(32)
    assert auth.open_session(sid, uid, auth.login_ticket(names["user"], "ett långt lösenord 42"))
    assert auth.revoke_sessions(admin, uid) == 1
    assert not auth.check_session(sid)
    now = dt.datetime.now(dt.UTC)
    for k in range(8):
        auth.record_attempt(names["user"], "ip:192.0.2.9", auth.FAILURE, at=now - (9 - k) * S)
    auth.record_attempt(names["user"], "ip:192.0.2.9", auth.REFUSED)
    assert auth.login_wait(names["user"], "ip:192.0.2.9") > 0 * S
    auth.unlock(admin, uid)
    assert auth.login_wait(names["user"], "ip:192.0.2.9") == 0 * S
    assert (
        auth.set_password(admin, uid, username=names["user"], password="ett annat lösenord 7") == 0
    )
    assert auth.set_active(admin, uid, active=False) == 0
    assert auth.user(names["user"]) is None
    auth.set_active(admin, uid, active=True)
    row = auth.users_overview(admin).filter(username=names["user"]).row(0, named=True)
    assert (row["role"], row["organisation"], row["active"]) == ("analytiker", names["org"], True)
    orgs = auth.organisations(admin)
    assert orgs.filter(name=names["org"])["active_users"].item() == 1
    with store.begin() as conn:
        actions = conn.execute(
            sa.text(
                "SELECT action, username, details->>'roll' FROM audit_log "
                "WHERE details->>'användarnamn' = :u ORDER BY id"
            ),
            {"u": names["user"]},
        ).all()
    assert [a[0] for a in actions] == [
        "användare skapad",
        "roll ändrad",
        "sessioner återkallade",
        "inloggning upplåst",
        "lösenord bytt",
        "användare avaktiverad",
        "användare aktiverad",
    ]
    assert {(a[1], a[2]) for a in actions} == {("admin", "ostan_admin")}


S = dt.timedelta(seconds=1)


def test_the_retention_policy_is_saved_and_previewed_through_the_app_login(app_login):
    admin = _admin()
    before = retention.load_policy()
    try:
        retention.save_policy(admin.id, retention.Policy(fritext_manader=18))
        assert retention.load_policy().fritext_manader == 18
        with pytest.raises(ValueError, match="1–120 månader"):
            retention.save_policy(admin.id, retention.Policy(fritext_manader=0))
        cut, counts = retention.preview(admin.id, retention.Policy())
        assert counts.free_texts >= 0 and cut.aggregate_before.day == 1
        assert retention.last_run_text(admin.id).startswith(("Gallringen", "Senaste"))
    finally:
        retention_store.save_policy(admin.id, {**before.__dict__})


def test_a_non_admin_user_is_refused_before_the_database(app_login, names):
    reader = auth.user("lasare")
    with pytest.raises(auth.AccountError, match="Endast en administratör"):
        auth.add_organisation(reader, name=names["org"], kind="ovrig")
    with pytest.raises(auth.AccountError):
        auth.unlock(reader, reader.id)


def test_the_last_admin_cannot_lose_the_role(names):
    admin = _admin()
    with store.begin() as conn:
        others = conn.execute(
            sa.text("SELECT count(*) FROM users WHERE role = 'admin' AND active AND id <> :i"),
            {"i": admin.id},
        ).scalar_one()
    if others:
        pytest.skip("fler administratörer finns i testdatabasen")
    other = auth.User(-1, "annan", "Annan", "admin", admin.organisation_id, admin.organisation)
    with pytest.raises(auth.AccountError, match="minst en aktiv administratör"):
        auth.change_role(other, admin.id, role="lasare", organisation_id=admin.organisation_id)
