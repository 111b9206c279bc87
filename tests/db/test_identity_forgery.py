"""Nobody can forge the identity RLS sees, or an audit row (issue 13;
``sql/026_unforgeable_identity.sql``, ``sql/030_identity_without_session.sql``).

Every test connects as the web app's own login ``ostan_app`` and tries with direct SQL what code
running on that login could try: set ``ostan.user_id`` or a made-up identity token, replay a
token, switch to a role the user does not hold, act on a revoked or expired session, write the
audit trail itself. Sessions are made by the owner and removed afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ostan_dash import config, store

pytestmark = pytest.mark.db

REPORT = (
    "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
    "organisation_id, reported_by) SELECT 'otrygg_plats', 'belysning', now(), now(), "
    "ST_PointOnSurface(geom), :o, :by FROM areas LIMIT 1"
)


@pytest.fixture
def sessions() -> Iterator[dict]:
    """A valid, a revoked and an idle session for the reporter, and a valid one for the admin
    (made by the owner, as the login would); removed afterwards."""
    made: dict = {}
    with store.begin() as c:
        users = dict(c.execute(sa.text("SELECT username, id FROM users")).all())
        made["rapportor_id"] = users["rapportor"]
        made["admin_id"] = users["admin"]
        for name, user, created, seen, revoked in (
            ("valid", "rapportor", "0", "0", False),
            ("revoked", "rapportor", "0", "0", True),
            ("idle", "rapportor", "1 hour", "31 minutes", False),
            ("old", "rapportor", "9 hours", "0", False),
            ("admin", "admin", "0", "0", False),
        ):
            sid = secrets.token_hex(32)
            c.execute(
                sa.text(
                    "INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, revoked_at) "
                    "VALUES (:id, :u, now() - CAST(:c AS interval), now() - CAST(:s AS interval), "
                    "CASE WHEN :r THEN now() END)"
                ),
                {"id": sid, "u": users[user], "c": created, "s": seen, "r": revoked},
            )
            made[name] = sid
    yield made
    with store.begin() as c:
        c.execute(
            sa.text("DELETE FROM user_sessions WHERE id = ANY(:ids)"),
            {"ids": [v for k, v in made.items() if not k.endswith("_id")]},
        )


def _identify(db: Connection, sid: str | None, user_id: int, role: str) -> str | None:
    """What store.assume does: ask ostan_identify, then set the role it decided."""
    db_role = db.execute(
        sa.text("SELECT ostan_identify(:s, :u, :r)"), {"s": sid, "u": user_id, "r": role}
    ).scalar()
    if db_role is not None:
        db.execute(sa.text("SELECT set_config('role', :r, true)"), {"r": db_role})
    return db_role


def _who(db: Connection) -> tuple:
    return tuple(
        db.execute(sa.text("SELECT ostan_user_id(), ostan_acting_role(), ostan_user_org()")).one()
    )


def _org(db: Connection, user_id: int) -> int:
    return db.execute(
        sa.text("SELECT organisation_id FROM users WHERE id = :u"), {"u": user_id}
    ).scalar_one()


def test_the_app_login_is_not_a_superuser(app_db):
    assert app_db.execute(sa.text("SELECT current_user")).scalar_one() == config.APP_LOGIN
    assert not app_db.execute(
        sa.text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar_one()


def test_a_valid_session_gives_its_user_and_the_users_own_role(app_db, sessions):
    uid = sessions["rapportor_id"]
    assert _identify(app_db, sessions["valid"], uid, "rapportor") == "ostan_rapportor"
    assert _who(app_db) == (uid, "ostan_rapportor", _org(app_db, uid))


def test_setting_the_user_id_changes_nothing_rls_sees(app_db, sessions):
    uid, admin = sessions["rapportor_id"], sessions["admin_id"]
    app_db.execute(sa.text("SELECT set_config('ostan.user_id', :u, true)"), {"u": str(admin)})
    assert _who(app_db) == (None, None, None)
    _identify(app_db, sessions["valid"], uid, "rapportor")
    app_db.execute(sa.text("SET LOCAL ostan.user_id = " + str(int(admin))))
    assert _who(app_db)[0] == uid
    # Filing under the admin's name is refused although the setting now says admin.
    with pytest.raises(DBAPIError, match="row-level security"), app_db.begin_nested():
        app_db.execute(sa.text(REPORT), {"o": _org(app_db, admin), "by": admin})


def test_a_made_up_or_replayed_token_is_not_an_identity(app_db, app_engine, sessions):
    uid, admin = sessions["rapportor_id"], sessions["admin_id"]
    _identify(app_db, sessions["valid"], uid, "rapportor")
    token = app_db.execute(sa.text("SELECT current_setting('ostan.identity')")).scalar_one()
    user, role, sig = token.split(":")
    assert (int(user), role) == (uid, "ostan_rapportor")
    # The same signature under another user, or a changed signature: nobody.
    for forged in (f"{admin}:{role}:{sig}", f"{user}:{role}:{'0' * len(sig)}"):
        app_db.execute(sa.text("SELECT set_config('ostan.identity', :t, true)"), {"t": forged})
        assert _who(app_db) == (None, None, None)
    # The genuine token replayed in a later transaction of the same login: nobody.
    with app_engine.connect() as other, other.begin():
        other.execute(sa.text("SET LOCAL ROLE ostan_rapportor"))
        other.execute(sa.text("SELECT set_config('ostan.identity', :t, true)"), {"t": token})
        assert _who(other) == (None, None, None)
        with pytest.raises(DBAPIError, match="row-level security"), other.begin_nested():
            other.execute(sa.text(REPORT), {"o": _org(other, uid), "by": uid})


def test_the_key_and_the_signing_are_out_of_reach(app_db, sessions):
    with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
        app_db.execute(sa.text("SELECT key FROM ostan_identity_key"))
    with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
        app_db.execute(sa.text("SELECT ostan_identity_sign(1, 'ostan_admin')"))
    _identify(app_db, sessions["valid"], sessions["rapportor_id"], "rapportor")
    with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
        app_db.execute(sa.text("SELECT key FROM ostan_identity_key"))


@pytest.mark.parametrize("which", ["revoked", "idle", "old", "admin", None])
def test_no_identity_without_a_valid_session_of_that_user(app_db, sessions, which):
    """Revoked, idled out, past 8 hours, another user's session or none: no identity, and an
    earlier identity of the transaction is cleared."""
    uid = sessions["rapportor_id"]
    _identify(app_db, sessions["valid"], uid, "rapportor")
    app_db.execute(sa.text("RESET ROLE"))
    sid = sessions[which] if which else None
    assert _identify(app_db, sid, uid, "rapportor") is None
    app_db.execute(sa.text("SET LOCAL ROLE ostan_rapportor"))
    assert _who(app_db) == (None, None, None)
    with pytest.raises(DBAPIError, match="row-level security"), app_db.begin_nested():
        app_db.execute(sa.text(REPORT), {"o": _org(app_db, uid), "by": uid})


def test_a_role_the_user_does_not_hold_is_refused(app_db, sessions):
    uid = sessions["rapportor_id"]
    for role in ("admin", "analytiker", "lasare"):
        with pytest.raises(DBAPIError, match="har inte rollen"), app_db.begin_nested():
            _identify(app_db, sessions["valid"], uid, role)
    with pytest.raises(DBAPIError, match="okänd roll"), app_db.begin_nested():
        _identify(app_db, sessions["valid"], uid, "postgres")


def test_switching_role_by_hand_loses_the_identity(app_db, sessions):
    """The reporter's identity does not travel to ostan_admin set by hand: the tables under
    row-level security show nothing and take nothing (ostan_identity_required)."""
    uid = sessions["rapportor_id"]
    _identify(app_db, sessions["valid"], uid, "rapportor")
    visible = app_db.execute(sa.text("SELECT count(*) FROM incidents")).scalar_one()
    app_db.execute(sa.text("SET LOCAL ROLE ostan_admin"))
    assert _who(app_db) == (None, None, None)
    assert not app_db.execute(sa.text("SELECT ostan_identity_ok()")).scalar_one()
    assert app_db.execute(sa.text("SELECT count(*) FROM incidents")).scalar_one() == 0
    assert app_db.execute(sa.text("DELETE FROM incidents")).rowcount == 0
    with pytest.raises(DBAPIError, match="row-level security"), app_db.begin_nested():
        app_db.execute(sa.text(REPORT), {"o": _org(app_db, uid), "by": uid})
    app_db.execute(sa.text("SET LOCAL ROLE ostan_rapportor"))
    assert _who(app_db)[0] == uid
    assert app_db.execute(sa.text("SELECT count(*) FROM incidents")).scalar_one() == visible


def test_every_table_under_rls_requires_the_identity(app_db):
    """The restrictive policy is on every table under row-level security."""
    missing = app_db.execute(
        sa.text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relrowsecurity AND NOT EXISTS ("
            "  SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid "
            "  AND p.polname = 'ostan_identity_required' AND NOT p.polpermissive)"
        )
    ).scalars()
    assert list(missing) == []


@pytest.mark.parametrize(
    "role", [None, "ostan_lasare", "ostan_rapportor", "ostan_analytiker", "ostan_admin"]
)
def test_nobody_writes_the_audit_trail_directly(app_db, role):
    if role:
        app_db.execute(sa.text(f"SET LOCAL ROLE {role}"))
    for sql in (
        "INSERT INTO audit_log (username, action) VALUES ('admin', 'förfalskad')",
        "UPDATE audit_log SET username = 'admin' WHERE id = (SELECT max(id) FROM audit_log)",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
            app_db.execute(sa.text(sql))


def test_the_audit_function_records_the_identity_not_the_callers_word(app_db, sessions):
    uid = sessions["rapportor_id"]
    _identify(app_db, sessions["valid"], uid, "rapportor")
    app_db.execute(
        sa.text("SELECT ostan_audit('admin', 'identitetsprov', NULL, NULL, '{}'::jsonb)")
    )
    app_db.execute(sa.text("RESET ROLE"))
    row = app_db.execute(
        sa.text(
            "SELECT username, details->>'roll', (details->>'organisation_id')::integer "
            "FROM audit_log WHERE action = 'identitetsprov' ORDER BY id DESC LIMIT 1"
        )
    ).one()
    assert tuple(row) == ("rapportor", "ostan_rapportor", _org(app_db, uid))


def test_the_store_acts_only_with_the_session_checked(app_engine, sessions):
    """store.assume on the app's login: with the session auth.check_session found valid the
    reporter is themself; without it the role comes without an identity."""
    uid = sessions["rapportor_id"]
    with app_engine.connect() as conn, conn.begin():
        store.session_checked(sessions["valid"])
        try:
            store.assume(conn, uid, "rapportor")
            assert _who(conn)[:2] == (uid, "ostan_rapportor")
        finally:
            store.bind(None, None)
        store.assume(conn, uid, "rapportor")
        assert _who(conn) == (None, None, None)
