"""Writes from the Problembilder and Insatser pages run as the acting user (issue 16): the store
assumes the user's database role itself (``role=``), so the database checks again what the page
allowed, and the caller's transaction goes on as before afterwards.

Every test runs inside the rolled-back ``db`` transaction.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash.analysis import problems as ap
from ostan_dash.store import interventions as si
from ostan_dash.store import problems as sp

pytestmark = pytest.mark.db


def _user(db):
    return db.execute(sa.text("SELECT id, username FROM users ORDER BY id LIMIT 1")).one()


def _role_now(db) -> tuple[str, str]:
    return tuple(
        db.execute(
            sa.text("SELECT current_user, coalesce(current_setting('ostan.user_id', true), '')")
        ).one()
    )


def _problem(db, user, *, role: str | None = "analytiker") -> int:
    return sp.create_problem(
        title="Klotter i tunneln (test)",
        description=None,
        categories=["skadegorelse"],
        owner_org_id=None,
        user_id=user.id,
        username=user.username,
        role=role,
        conn=db,
    )


def test_an_analyst_writes_and_the_callers_transaction_goes_on_as_before(db):
    user = _user(db)
    before = _role_now(db)
    pid = _problem(db, user)
    assert _role_now(db) == before
    assert pid in sp.problems(conn=db)["problem_id"].to_list()


def test_a_reader_role_is_refused_by_the_database(db):
    """The role is really assumed: the same write as a reader fails on the grants."""
    user = _user(db)
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), db.begin_nested():
        _problem(db, user, role="lasare")


def test_save_criteria_stores_every_decision_as_the_user(db):
    user = _user(db)
    pid = _problem(db, user)
    decisions = [
        ap.CriterionDecision(1, True, "", True, "34 händelser"),
        ap.CriterionDecision(3, False, "Syns inte", None, None),
        ap.CriterionDecision(5, None, "", False, "10 000 kr"),
    ]
    sp.save_criteria(
        pid, decisions, user_id=user.id, username=user.username, role="analytiker", conn=db
    )
    got = sp.criteria(pid, conn=db).sort("criterion")
    assert got.select("criterion", "proposed", "met", "justification").rows() == [
        (1, True, True, None),
        (3, None, False, "Syns inte"),
        (5, False, None, None),
    ]
    n_audit = db.execute(
        sa.text(
            "SELECT count(*) FROM audit_log WHERE entity = 'problem_pictures' "
            "AND entity_id = :i AND action = 'bedom_kriterium'"
        ),
        {"i": str(pid)},
    ).scalar_one()
    assert n_audit == len(decisions)


def test_status_and_log_of_an_intervention_as_the_user(db):
    user = _user(db)
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    area = db.execute(sa.text("SELECT min(id) FROM areas")).scalar_one()
    iid = si.create_intervention(
        title="Belysning (test)",
        description=None,
        kind="situationell",
        intervention_type_id=None,
        problem_id=None,
        cause_hypothesis=None,
        categories=["skadegorelse"],
        target_area_ids=[area],
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
        responsible_org_id=org,
        responsible_role=None,
        cost_sek=0.0,
        cost_of_inaction_sek=None,
        expected_effect=None,
        goal_reduction_pct=30.0,
        user_id=user.id,
        username=user.username,
        role="analytiker",
        conn=db,
    )
    si.add_log_entry(
        iid,
        entry_date=dt.date(2026, 2, 1),
        fidelity="delvis",
        note="Två lampor kvar",
        user_id=user.id,
        username=user.username,
        role="analytiker",
        conn=db,
    )
    si.set_status(
        iid, "avslutad", username=user.username, user_id=user.id, role="analytiker", conn=db
    )
    status = db.execute(
        sa.text("SELECT status FROM interventions WHERE id = :i"), {"i": iid}
    ).scalar_one()
    assert status == "avslutad"
    assert si.log_entries(iid, conn=db)["fidelity"].to_list() == ["delvis"]
    with pytest.raises(ValueError, match="acting user"):
        si.set_status(iid, "pagaende", username=user.username, role="analytiker", conn=db)
