"""A reporter on a 390 px phone corrects the time and the place of a report sent an hour ago
(issue 12: wrong time or place is the most common correction). The report is stored through the
store as the form would; the correction goes through Mina rapporter in Chromium and is checked in
the database. Screenshots tests/artifacts/rapportera-andra-*.png."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.ingest import reports as report_rules
from ostan_dash.store import reports
from tests.e2e.conftest import logged_in, settled, shot

pytestmark = pytest.mark.e2e


def _place(label_start: str) -> dict:
    places = reports.known_places()
    return places.filter(pl.col("label").str.starts_with(label_start)).row(0, named=True)


def _file_yesterday_evening_at(place: dict) -> tuple[int, dt.date]:
    """A report from the demo reporter about yesterday evening at ``place``, filed now."""
    user = store.read_frame(
        "SELECT id, organisation_id FROM users WHERE username = 'rapportor'"
    ).row(0, named=True)
    day = dt.datetime.now(config.TZ).date() - dt.timedelta(days=1)
    draft = report_rules.ReportDraft(
        category="skadegorelse",
        subtype="klotter",
        occurred_from=dt.datetime.combine(day, dt.time(20, 0), tzinfo=config.TZ),
        occurred_to=dt.datetime.combine(day, dt.time(22, 0), tzinfo=config.TZ),
        x=place["x"],
        y=place["y"],
        client_token=report_rules.new_token(),
        description="Klotter (e2e, ska rättas)",
    )
    filed = reports.write_report(
        draft,
        user_id=user["id"],
        username="rapportor",
        organisation_id=user["organisation_id"],
        role="rapportor",
    )
    return filed.id, day


def _stored(rid: int) -> dict:
    return store.read_frame(
        "SELECT (occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS d0, "
        "(occurred_to AT TIME ZONE 'Europe/Stockholm')::date AS d1, "
        "ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = :i",
        {"i": rid},
    ).row(0, named=True)


def _type_date(page, within, label: str, day: dt.date) -> None:
    """Streamlit's date field is segmented (year, month, day): typing fills and advances."""
    within.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")
    settled(page)


def test_a_reporter_corrects_time_and_place_on_a_phone(server, phone):
    page = phone
    start, target = _place("Ekby skola"), _place("Stora torget")
    rid, day = _file_yesterday_evening_at(start)
    earlier = day - dt.timedelta(days=1)
    try:
        logged_in(page, server, "rapportor")
        page.goto(f"{server}/rapportera")
        page.get_by_role("heading", name="Rapportera").first.wait_for()
        settled(page)
        page.get_by_role("tab", name="Mina rapporter").click()
        # Other reports of the last 48 hours are editable too: work inside this one's expander.
        report = page.get_by_test_id("stExpander").filter(has_text=f"Nr {rid}: Klotter")
        report.get_by_text(f"Nr {rid}: Klotter").click()
        settled(page)

        _type_date(page, report, "Från datum", earlier)
        _type_date(page, report, "Till datum", earlier)
        place_box = report.get_by_label("Ny plats")
        place_box.click()
        page.keyboard.type("Stora torget")
        page.get_by_role("option", name=re.compile("^Stora torget")).first.click()
        settled(page)
        shot(page, "rapportera-andra-ifylld")
        report.get_by_role("button", name="Spara ändringen").click()

        saved = page.get_by_text(f"Ändringen av rapport nr {rid} är sparad.")
        saved.first.wait_for()
        settled(page)
        # At the top of the tab and in the report's own expander, which stays open: one of
        # them is on the screen where the reporter tapped, not above it.
        boxes = [saved.nth(i).bounding_box() for i in range(saved.count())]
        assert any(b is not None and 0 <= b["y"] < 844 for b in boxes), boxes
        shot(page, "rapportera-andra-sparad")

        row = _stored(rid)
        assert (row["d0"], row["d1"]) == (earlier, earlier)
        assert (row["x"], row["y"]) == pytest.approx((target["x"], target["y"]))
        assert (row["x"], row["y"]) != pytest.approx((start["x"], start["y"]))
    finally:
        with store.begin() as c:
            c.execute(
                sa.text("DELETE FROM audit_log WHERE entity = 'incidents' AND entity_id = :i"),
                {"i": str(rid)},
            )
            c.execute(sa.text("DELETE FROM incidents WHERE id = :i"), {"i": rid})
