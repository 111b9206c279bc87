"""Rows of its own for an app test, written from another connection as another session would
(the caller deletes them)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.store import interventions as si


def plan_intervention(title: str) -> int:
    """A planned intervention against vandalism in the first area, starting today; its id."""
    with store.engine().connect() as c:
        area, user_id = c.execute(
            sa.text("SELECT (SELECT min(id) FROM areas), id FROM users WHERE username = 'admin'")
        ).one()
    today = config.today()
    return si.create_intervention(
        title=title,
        description=None,
        kind="situationell",
        intervention_type_id=None,
        problem_id=None,
        cause_hypothesis=None,
        categories=["skadegorelse"],
        target_area_ids=[area],
        start_date=today,
        end_date=today + dt.timedelta(days=90),
        responsible_org_id=None,
        responsible_role=None,
        cost_sek=None,
        cost_of_inaction_sek=None,
        expected_effect=None,
        goal_reduction_pct=20.0,
        user_id=user_id,
        username="admin",
    )


def make_problem(title: str) -> int:
    """An open problem picture with nothing but its title; its id."""
    with store.begin() as other:
        return other.execute(
            sa.text("INSERT INTO problem_pictures (title) VALUES (:t) RETURNING id"), {"t": title}
        ).scalar_one()
