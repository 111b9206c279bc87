"""The sharing policy holds in the database (issue 13, ``sql/032_sharing_policy.sql``).

The tests connect as the web app's own login ``ostan_app``, take each user's identity from a
login session as the app does, and read with direct SQL: a row an administrator adds or removes
changes at once what another organisation's users read, nobody but an administrator with a
genuine identity can change a row, and every change is in the audit trail. Sessions are made by
the owner and removed afterwards; everything the app login does is rolled back.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ostan_dash import store
from tests.db.conftest import act_as

pytestmark = pytest.mark.db


def _grant(db: Connection, owner: int, kind: str, grantee: str, org: int | None = None) -> None:
    db.execute(
        sa.text(
            "INSERT INTO sharing_policy (owner_org_id, data_kind, grantee, grantee_org_id) "
            "VALUES (:o, :k, :g, :go)"
        ),
        {"o": owner, "k": kind, "g": grantee, "go": org},
    )


def _withdraw(db: Connection, owner: int, kind: str, grantee: str) -> int:
    return db.execute(
        sa.text(
            "DELETE FROM sharing_policy WHERE owner_org_id = :o AND data_kind = :k AND grantee = :g"
        ),
        {"o": owner, "k": kind, "g": grantee},
    ).rowcount


def _reports_of(db: Connection, org: int) -> int:
    return db.execute(
        sa.text("SELECT count(*) FROM incidents WHERE organisation_id = :o"), {"o": org}
    ).scalar_one()


def _text_of(db: Connection, rid: int) -> str | None:
    return db.execute(sa.text("SELECT ostan_incident_description(:i)"), {"i": rid}).scalar()


def _police_rows(db: Connection) -> int:
    return db.execute(sa.text("SELECT count(*) FROM police_crimes")).scalar_one()


def test_the_default_rows_are_the_earlier_fixed_policy(db):
    """Every organisation shares its reports' rows with everyone and its free text with the
    analysts; the police their crimes with the analysts; nothing else."""
    rows = db.execute(
        sa.text(
            "SELECT o.kind, s.data_kind, s.grantee, s.grantee_org_id FROM organisations o "
            "JOIN sharing_policy s ON s.owner_org_id = o.id ORDER BY o.id, s.data_kind"
        )
    ).all()
    orgs = db.execute(sa.text("SELECT kind FROM organisations")).scalars().all()
    police = sum(k == "polis" for k in orgs)
    assert police >= 1
    assert len(rows) == 2 * len(orgs) + police
    for kind, data, grantee, other in rows:
        assert other is None
        assert (data, grantee) in {("rapporter", "alla"), ("fritext", "analytiker")} or (
            kind,
            data,
            grantee,
        ) == ("polis", "polisbrott", "analytiker")


def test_a_new_organisation_gets_the_default_rows(db):
    org = db.execute(
        sa.text(
            "INSERT INTO organisations (name, kind) VALUES ('H4 testpolis', 'polis') RETURNING id"
        )
    ).scalar_one()
    kinds = db.execute(
        sa.text(
            "SELECT data_kind || ':' || grantee FROM sharing_policy WHERE owner_org_id = :o "
            "ORDER BY 1"
        ),
        {"o": org},
    ).scalars()
    assert list(kinds) == ["fritext:analytiker", "polisbrott:analytiker", "rapporter:alla"]


def test_free_text_shared_with_one_organisation_reaches_its_reporter(app_db, people):
    owner, reader = people["rapportor"], people["rapportor.hemvist"]
    with store.begin() as c:  # a report of the owner's organisation with free text
        rid = c.execute(
            sa.text(
                "SELECT id FROM incidents WHERE organisation_id = :o AND description IS NOT NULL "
                "ORDER BY id LIMIT 1"
            ),
            {"o": owner["org"]},
        ).scalar_one()
    act_as(app_db, reader)
    assert _text_of(app_db, rid) is None
    act_as(app_db, people["admin"])
    _grant(app_db, owner["org"], "fritext", "organisation", reader["org"])
    act_as(app_db, reader)
    assert _text_of(app_db, rid)
    act_as(app_db, people["lasare"])  # a third organisation still gets nothing
    assert _text_of(app_db, rid) is None
    # Withdrawn from the analysts: the analyst no longer reads it, not even the column itself.
    act_as(app_db, people["admin"])
    assert _withdraw(app_db, owner["org"], "fritext", "analytiker") == 1
    act_as(app_db, people["analytiker"])
    assert _text_of(app_db, rid) is None
    with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
        app_db.execute(sa.text("SELECT description FROM incidents WHERE id = :i"), {"i": rid})
    act_as(app_db, owner)  # the owner's own users always
    assert _text_of(app_db, rid)


def test_reports_not_shared_with_everyone_leave_the_others_picture(app_db, people):
    owner = people["rapportor"]
    act_as(app_db, people["rapportor.hemvist"])
    before = _reports_of(app_db, owner["org"])
    assert before > 0
    act_as(app_db, people["admin"])
    assert _withdraw(app_db, owner["org"], "rapporter", "alla") == 1
    _grant(app_db, owner["org"], "rapporter", "analytiker")
    for name, sees in (
        ("rapportor.hemvist", False),
        ("lasare", False),
        ("rapportor.polis", False),
        ("analytiker", True),
        ("admin", True),
        ("rapportor", True),
    ):
        act_as(app_db, people[name])
        assert _reports_of(app_db, owner["org"]) == (before if sees else 0), name
    # the other organisations' reports are untouched
    act_as(app_db, people["rapportor.hemvist"])
    assert _reports_of(app_db, people["lasare"]["org"]) > 0


def test_police_crimes_shared_with_a_housing_company_and_withdrawn_from_analysts(app_db, people):
    police, housing = people["rapportor.polis"], people["rapportor"]
    act_as(app_db, housing)
    assert _police_rows(app_db) == 0
    act_as(app_db, police)
    total = _police_rows(app_db)
    assert total > 0
    act_as(app_db, people["admin"])
    _grant(app_db, police["org"], "polisbrott", "organisation", housing["org"])
    assert _withdraw(app_db, police["org"], "polisbrott", "analytiker") == 1
    act_as(app_db, housing)
    assert _police_rows(app_db) == total
    act_as(app_db, people["analytiker"])
    assert _police_rows(app_db) == 0
    assert app_db.execute(sa.text("SELECT count(*) FROM police_crimes_by_area")).scalar_one() > 0


@pytest.mark.parametrize("name", ["analytiker", "rapportor", "lasare", None])
def test_only_an_administrator_changes_the_policy(app_db, people, name):
    """The app roles (and the app login without anyone's identity) may not read, add, change
    or remove a row."""
    if name is not None:
        act_as(app_db, people[name])
    org = people["rapportor"]["org"]
    for sql in (
        "SELECT count(*) FROM sharing_policy WHERE owner_org_id = :o",
        "INSERT INTO sharing_policy (owner_org_id, data_kind, grantee) VALUES (:o, 'fritext', 'alla')",
        "UPDATE sharing_policy SET grantee = 'alla' WHERE owner_org_id = :o",
        "DELETE FROM sharing_policy WHERE owner_org_id = :o",
    ):
        with pytest.raises(DBAPIError, match="permission denied"), app_db.begin_nested():
            app_db.execute(sa.text(sql), {"o": org})


def test_the_admin_role_set_by_hand_changes_nothing(app_db, people):
    """SET ROLE ostan_admin without the administrator's identity: row-level security refuses."""
    act_as(app_db, people["rapportor"])
    app_db.execute(sa.text("SET LOCAL ROLE ostan_admin"))
    assert app_db.execute(sa.text("DELETE FROM sharing_policy")).rowcount == 0
    with pytest.raises(DBAPIError, match="row-level security"), app_db.begin_nested():
        _grant(app_db, people["rapportor"]["org"], "fritext", "alla")


def test_every_change_is_in_the_audit_trail(app_db, people):
    admin, org = people["admin"], people["rapportor"]["org"]
    act_as(app_db, admin)
    version = app_db.execute(sa.text("SELECT version FROM data_version")).scalar_one()
    _grant(app_db, org, "fritext", "alla")
    _withdraw(app_db, org, "fritext", "alla")
    rows = app_db.execute(
        sa.text(
            "SELECT username, action, details FROM audit_log WHERE entity = 'sharing_policy' "
            "ORDER BY id DESC LIMIT 2"
        )
    ).all()
    assert [r.action for r in rows] == ["delning borttagen", "delning tillagd"]
    for r in rows:
        assert r.username == "admin"
        assert r.details["roll"] == "ostan_admin"
        assert (r.details["ägare_organisation_id"], r.details["med"]) == (org, "alla")
    assert app_db.execute(sa.text("SELECT version FROM data_version")).scalar_one() > version
