"""The web app's own database login (``ostan_app``) is neither a superuser nor an owner: row-level
security and the grants hold for it, and it reads password hashes only through the login function."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash import config
from ostan_dash.store import as_user

pytestmark = pytest.mark.db


@pytest.fixture
def app_db():
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        pytest.skip("ingen egen inloggning för appen (OSTAN_APP_DATABASE_URL) att pröva")
    eng = sa.create_engine(config.app_database_url())
    with eng.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()
    eng.dispose()


def test_the_app_login_is_not_a_superuser_and_owns_nothing(app_db):
    row = app_db.execute(
        sa.text(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname = current_user"
        )
    ).one()
    assert tuple(row) == (False, False, False, False)
    owned = app_db.execute(
        sa.text(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = current_user"
        )
    ).scalar_one()
    assert owned == 0


def test_the_app_login_reads_no_password_hash_directly(app_db):
    with pytest.raises(DBAPIError, match="permission denied"):
        app_db.execute(sa.text("SELECT password_hash FROM users"))


def test_the_app_login_gets_hashes_only_through_the_login_function(app_db):
    n = app_db.execute(sa.text("SELECT count(*) FROM ostan_login_credentials()")).scalar_one()
    assert n > 0
    user = app_db.execute(sa.text("SELECT id FROM users WHERE username = 'lasare'")).scalar_one()
    with pytest.raises(DBAPIError, match="permission denied"), as_user(user, "lasare", conn=app_db):
        app_db.execute(sa.text("SELECT count(*) FROM ostan_login_credentials()"))


def test_the_app_login_writes_reports_only_through_a_role(app_db):
    with pytest.raises(DBAPIError, match="permission denied"):
        app_db.execute(sa.text("UPDATE incidents SET description = 'x' WHERE id = 1"))


def test_rls_holds_for_the_app_login(app_db):
    """Acting as a reporter, the app's connection cannot file under someone else's name."""
    row = app_db.execute(
        sa.text("SELECT id, organisation_id FROM users WHERE username = 'rapportor'")
    ).one()
    other = app_db.execute(sa.text("SELECT id FROM users WHERE username = 'admin'")).scalar_one()
    with (
        pytest.raises(DBAPIError, match="row-level security"),
        as_user(row.id, "rapportor", conn=app_db),
    ):
        app_db.execute(
            sa.text(
                "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
                "organisation_id, reported_by) SELECT 'otrygg_plats', 'belysning', now(), now(), "
                "ST_PointOnSurface(geom), :o, :by FROM areas LIMIT 1"
            ),
            {"o": row.organisation_id, "by": other},
        )
