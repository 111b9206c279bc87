"""A form instance creates one row (issue 12): the same client_token again returns the problem
picture or intervention it made, under the analyst's own database role, and writes no second
audit row; a new token makes a new row (migration 012)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from ostan_dash.store import problems as sp
from ostan_dash.store.interventions import create_intervention

pytestmark = pytest.mark.db


def _problem(db, token, title="Klotter vid Stora torget"):
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    uid = db.execute(sa.text("SELECT min(id) FROM users")).scalar_one()
    return sp.create_problem(
        title=title,
        description=None,
        categories=["skadegorelse"],
        owner_org_id=org,
        user_id=uid,
        username="test",
        client_token=token,
        conn=db,
    )


def _count(db, table: str, title: str) -> int:
    sql = {
        "problem_pictures": "SELECT count(*) FROM problem_pictures WHERE title = :t",
        "interventions": "SELECT count(*) FROM interventions WHERE title = :t",
    }[table]
    return db.execute(sa.text(sql), {"t": title}).scalar_one()


def _audits(db, table: str) -> int:
    return db.execute(
        sa.text("SELECT count(*) FROM audit_log WHERE entity = :e AND action = 'skapa'"),
        {"e": table},
    ).scalar_one()


def test_the_same_problem_form_twice_makes_one_problem_picture(db):
    token = uuid.uuid4()
    before = _audits(db, "problem_pictures")
    first = _problem(db, token)
    again = _problem(db, token)
    assert again == first
    assert _count(db, "problem_pictures", "Klotter vid Stora torget") == 1
    assert _audits(db, "problem_pictures") == before + 1
    other = _problem(db, uuid.uuid4())
    assert other != first and _count(db, "problem_pictures", "Klotter vid Stora torget") == 2
    # Without a token (the CLI, imports) nothing changes: every call makes a row.
    assert _problem(db, None) != _problem(db, None)


def test_the_same_intervention_form_twice_makes_one_intervention(db):
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    uid = db.execute(sa.text("SELECT min(id) FROM users")).scalar_one()
    area = db.execute(sa.text("SELECT min(id) FROM areas")).scalar_one()
    token = uuid.uuid4()

    def make():
        return create_intervention(
            title="Belysning i gångtunneln",
            description=None,
            kind="situationell",
            intervention_type_id=None,
            problem_id=None,
            cause_hypothesis=None,
            categories=["otrygg_plats"],
            target_area_ids=[area],
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 6, 30),
            responsible_org_id=org,
            responsible_role=None,
            cost_sek=None,
            cost_of_inaction_sek=None,
            expected_effect=None,
            goal_reduction_pct=20,
            user_id=uid,
            username="test",
            client_token=token,
            conn=db,
        )

    assert make() == make()
    assert _count(db, "interventions", "Belysning i gångtunneln") == 1
