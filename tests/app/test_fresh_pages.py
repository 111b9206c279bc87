"""What another session or process writes shows on the very next rerun of Problembilder,
Insatser, Närupprepning and Rapportera (issue 14): their caches are keyed by the database's
data version, not a timer. No sleeping, no cache clearing; the deletion shows at once too."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from tests.app.fixtures import make_problem, plan_intervention

pytestmark = [pytest.mark.app, pytest.mark.db]


def _open(as_role, page: str, role: str = "analytiker"):
    at = as_role(role)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _offers(key: str, title: str) -> Callable[[object], bool]:
    return lambda at: any(title in option for option in at.selectbox(key=key).options)


def _write(sql: str, **params) -> None:
    with store.begin() as other:  # another connection, committed before the rerun
        other.execute(sa.text(sql), params)


def _shown_then_gone(at, shown: Callable[[object], bool], write, undo) -> None:
    """Not shown; ``write`` elsewhere: shown on the next rerun; ``undo``: gone on the next."""
    assert not shown(at)
    write()
    try:
        at.run()
        assert not at.exception, at.exception
        assert shown(at)
    finally:
        undo()
    at.run()
    assert not shown(at)


def test_a_problem_picture_made_elsewhere_is_offered_on_the_next_rerun(as_role):
    title = f"Apptest bild annanstans {uuid.uuid4().hex[:8]}"
    _shown_then_gone(
        _open(as_role, "content/problembilder.py"),
        _offers("pb_pick", title),
        lambda: make_problem(title),
        lambda: _write("DELETE FROM problem_pictures WHERE title = :t", t=title),
    )


def _in_overview(title: str) -> Callable[[object], bool]:
    def shown(at) -> bool:
        overview = next(d.value for d in at.dataframe if "Insats" in d.value.columns)
        return _offers("iv_pick", title)(at) and title in overview["Insats"].tolist()

    return shown


def test_an_intervention_planned_elsewhere_is_listed_on_the_next_rerun(as_role):
    title = f"Apptest insats annanstans {uuid.uuid4().hex[:8]}"
    _shown_then_gone(
        _open(as_role, "content/insatser.py"),
        _in_overview(title),
        lambda: plan_intervention(title),
        lambda: _write("DELETE FROM interventions WHERE title = :t", t=title),
    )


def _in_calendar(title: str) -> Callable[[object], bool]:
    return lambda at: any(
        title in d.value["Evenemang"].tolist()
        for d in at.dataframe
        if "Evenemang" in d.value.columns and "Dag" in d.value.columns
    )


def test_an_event_added_elsewhere_is_in_the_calendar_on_the_next_rerun(as_role):
    title = f"Apptest evenemang {uuid.uuid4().hex[:8]}"
    _shown_then_gone(
        _open(as_role, "content/narupprepning.py"),
        _in_calendar(title),
        lambda: _write(
            "INSERT INTO events (title, kind, place_id, starts_at, ends_at) "
            "SELECT :t, 'hogtid', min(id), "
            "(:d + time '18:00') AT TIME ZONE 'Europe/Stockholm', "
            "(:d + time '22:00') AT TIME ZONE 'Europe/Stockholm' FROM places",
            t=title,
            d=config.today() + dt.timedelta(days=3),
        ),
        lambda: _write("DELETE FROM events WHERE title = :t", t=title),
    )


def test_a_place_added_elsewhere_can_be_chosen_on_rapportera_at_once(as_role):
    name = f"Apptestplats {uuid.uuid4().hex[:8]}"
    _shown_then_gone(
        _open(as_role, "content/rapportera.py", role="rapportor"),
        _offers("rap_place", name),
        lambda: _write(
            "INSERT INTO places (name, kind, geom, area_id) "
            "SELECT :n, 'annan', ST_PointOnSurface(geom), id FROM areas ORDER BY id LIMIT 1",
            n=name,
        ),
        lambda: _write("DELETE FROM places WHERE name = :n", n=name),
    )
