"""The OIDC identity mapping and its sessions in the database, through the web app's own login
(ostan_app, as `ostan-dash serve` runs): an administrator ties a user to (issuer, subject) or a
verified e-mail; the login finds that row with role and organisation from our tables, refuses
unknown and inactive identities (audited), and opens exactly one user_sessions row per fresh
login, which revocation and the idle limit end."""

from __future__ import annotations

import datetime as dt
import os
import secrets

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash import auth, config, store
from ostan_dash.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.db

ISS = "https://login.microsoftonline.com/test-tenant/v2.0"


@pytest.fixture
def names():
    tag = secrets.token_hex(3)
    out = {"user": f"h13-oidc-{tag}", "other": f"h13-oidc2-{tag}", "sub": f"sub-{tag}"}
    yield out
    with store.begin() as conn:
        for u in (out["user"], out["other"]):
            conn.execute(
                sa.text(
                    "DELETE FROM user_sessions WHERE user_id IN "
                    "(SELECT id FROM users WHERE username = :u)"
                ),
                {"u": u},
            )
            conn.execute(
                sa.text(
                    "DELETE FROM audit_log WHERE details->>'användarnamn' = :u OR username = :u"
                ),
                {"u": u},
            )
            conn.execute(sa.text("DELETE FROM users WHERE username = :u"), {"u": u})
        conn.execute(
            sa.text("DELETE FROM audit_log WHERE details->>'subjekt' LIKE :s"),
            {"s": f"%{out['sub']}%"},
        )


@pytest.fixture
def app_login(names):
    """Store calls run on the app's login; the admin is logged in (a valid session: its id)."""
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        pytest.skip("ingen egen inloggning för appen (OSTAN_APP_DATABASE_URL) att pröva")
    before = os.environ.get("OSTAN_DB_LOGIN")
    os.environ["OSTAN_DB_LOGIN"] = "app"
    store.dispose()
    sid = secrets.token_hex(32)
    try:
        assert store.scalar("SELECT current_user") == config.APP_LOGIN
        auth.open_session(sid, auth.user("admin").id, auth.login_ticket("admin", DEMO_PASSWORD))
        assert auth.check_session(sid)
        yield sid
    finally:
        store.bind(None, None)
        if before is None:
            os.environ.pop("OSTAN_DB_LOGIN", None)
        else:
            os.environ["OSTAN_DB_LOGIN"] = before
        store.dispose()
        store.execute("DELETE FROM user_sessions WHERE id = :id", {"id": sid})


def _new_user(admin: auth.User, username: str, role: str = "lasare") -> int:
    return auth.create_user(
        admin,
        username=username,
        display_name="Olle OIDC",
        role=role,
        organisation_id=admin.organisation_id,
        password=secrets.token_urlsafe(24),
    )


def _identity(sub: str, *, email: str | None = None, at: dt.datetime | None = None):
    claims = {
        "iss": ISS,
        "sub": sub,
        "nonce": secrets.token_hex(8),
        "iat": int((at or dt.datetime.now(dt.UTC)).timestamp()),
    }
    if email:
        claims |= {"email": email, "email_verified": True}
    return auth.oidc_identity(claims)


def _audit(action: str, key: str, value: str) -> int:
    """Audit rows of ``action`` whose details say ``key`` = ``value``."""
    return int(
        store.scalar(
            "SELECT count(*) FROM audit_log WHERE action = :a AND details->>CAST(:k AS text) = :v",
            {"a": action, "k": key, "v": value},
        )
    )


def test_subject_maps_to_our_row_with_our_role(app_login, names):
    admin = auth.user("admin")
    uid = _new_user(admin, names["user"])
    auth.set_oidc_identity(admin, uid, issuer=ISS + "/", subject=names["sub"], email="")
    user, reason = auth.oidc_user(_identity(names["sub"]))
    assert reason is None
    assert (user.id, user.role, user.organisation_id) == (uid, "lasare", admin.organisation_id)
    auth.change_role(admin, uid, role="analytiker", organisation_id=admin.organisation_id)
    assert auth.oidc_user(_identity(names["sub"]))[0].role == "analytiker"
    assert _audit("OIDC-identitet ändrad", "användarnamn", names["user"]) == 1


def test_unknown_and_inactive_are_refused(app_login, names):
    admin = auth.user("admin")
    unknown = _identity(names["sub"] + "-okand")
    assert auth.oidc_user(unknown) == (None, auth.OIDC_UNKNOWN)
    auth.record_oidc_refusal(unknown, auth.OIDC_UNKNOWN)
    assert _audit("inloggning med organisationens konto nekad", "subjekt", unknown.subject) == 1

    uid = _new_user(admin, names["user"])
    auth.set_oidc_identity(admin, uid, issuer=ISS, subject=names["sub"], email="")
    auth.set_active(admin, uid, active=False)
    assert auth.oidc_user(_identity(names["sub"])) == (None, auth.OIDC_INACTIVE)


def test_verified_email_maps_and_identities_are_unique(app_login, names):
    admin = auth.user("admin")
    uid = _new_user(admin, names["user"])
    email = f"{names['user']}@ostan.invalid"
    auth.set_oidc_identity(admin, uid, issuer="", subject="", email=email.upper())
    assert auth.oidc_user(_identity("vilken-som-helst", email=email))[0].id == uid
    assert auth.oidc_user(_identity("vilken-som-helst"))[0] is None  # no verified address

    other = _new_user(admin, names["other"])
    with pytest.raises(auth.AccountError, match="används redan"):
        auth.set_oidc_identity(admin, other, issuer="", subject="", email=email)
    auth.set_oidc_identity(admin, uid, issuer=ISS, subject=names["sub"], email="")
    with pytest.raises(auth.AccountError, match="används redan"):
        auth.set_oidc_identity(admin, other, issuer=ISS, subject=names["sub"], email="")
    with pytest.raises(auth.AccountError, match="både utfärdare och subjekt"):
        auth.set_oidc_identity(admin, other, issuer=ISS, subject="", email="")


def test_the_database_holds_identities_unique(db):
    """Whatever a caller checks: one (issuer, subject) and one e-mail per user, pairs complete."""
    ids = db.execute(sa.text("SELECT id FROM users ORDER BY id LIMIT 2")).scalars().all()
    sub = secrets.token_hex(4)
    db.execute(
        sa.text(
            "UPDATE users SET oidc_issuer = :i, oidc_subject = :s, oidc_email = :e WHERE id = :id"
        ),
        {"i": ISS, "s": sub, "e": f"{sub}@ostan.invalid", "id": ids[0]},
    )
    for stmt, params in [
        (
            "UPDATE users SET oidc_issuer = :i, oidc_subject = :s WHERE id = :id",
            {"i": ISS, "s": sub},
        ),
        ("UPDATE users SET oidc_issuer = :i WHERE id = :id", {"i": ISS}),
        ("UPDATE users SET oidc_email = :e WHERE id = :id", {"e": f"{sub}@ostan.invalid"}),
        ("UPDATE users SET oidc_email = :e WHERE id = :id", {"e": "Stor@Ostan.invalid"}),
    ]:
        with pytest.raises(sa.exc.IntegrityError), db.begin_nested():
            db.execute(sa.text(stmt), {**params, "id": ids[1]})


def test_one_session_per_fresh_login_and_it_ends_like_a_local_one(app_login, names):
    admin = auth.user("admin")
    uid = _new_user(admin, names["user"])
    auth.set_oidc_identity(admin, uid, issuer=ISS, subject=names["sub"], email="")
    ident = _identity(names["sub"])
    user, _ = auth.oidc_user(ident)
    key = "k" * 48
    sid = auth.oidc_session_id(ident, key)
    assert auth.oidc_session(sid, user, ident)
    assert auth.oidc_session(sid, user, ident)  # the next rerun: the same session
    # counted as the admin sees it in a request of their own (the app's login reads no
    # sessions, sql/033)
    assert auth.check_session(app_login)
    opened = auth.users_overview(admin).filter(pl.col("id") == uid)["open_sessions"]
    assert opened.to_list() == [1]
    assert _audit("inloggning med organisationens konto", "utfärdare", ISS) >= 1
    assert store.scalar("SELECT last_login_at IS NOT NULL FROM users WHERE id = :u", {"u": uid})

    assert auth.revoke_sessions(admin, uid) == 1
    assert not auth.oidc_session(sid, user, ident)  # the same cookie cannot revive it

    stale = _identity(names["sub"], at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert not auth.oidc_session(auth.oidc_session_id(stale, key), user, stale)

    fresh = _identity(names["sub"])
    sid2 = auth.oidc_session_id(fresh, key)
    later = dt.datetime.now(dt.UTC) + auth.IDLE_TIMEOUT + dt.timedelta(minutes=1)
    assert auth.oidc_session(sid2, user, fresh)
    assert not auth.oidc_session(sid2, user, fresh, now=later)  # idled out
