"""Insatser: the demo's known interventions are reported as the data built them to be."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash.auth import User
from ostan_dash.demo import KNOWN
from ostan_dash.ui.navigation import pages_for

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/insatser.py"
REDUCTION = ("Minskning", "Minskning med spridningseffekt till omgivningen")


def _overview(at) -> dict[str, dict]:
    df = at.dataframe[0].value
    return {r["Insats"]: r for r in df.to_dict("records")}


def _id(db, title: str) -> int:
    return db.execute(
        sa.text("SELECT id FROM interventions WHERE title = :t"), {"t": title}
    ).scalar_one()


def _box(at, prefix: str) -> str:
    texts = [e.value for e in [*at.success, *at.warning, *at.info]]
    hits = [t for t in texts if t.startswith(prefix)]
    assert hits, texts
    return hits[0]


def test_overview_reports_known_outcomes(as_role):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    rows = _overview(at)
    assert rows[KNOWN.successful_intervention]["Utvärdering"] == "Minskning"
    for title in KNOWN.successful_interventions:
        assert rows[title]["Utvärdering"] in REDUCTION, title
        assert rows[title]["SMART-status"] == "uppnått", title
    assert rows[KNOWN.displaced_intervention]["Utvärdering"] == (
        "Minskning men omfördelning till omgivningen"
    )
    assert rows[KNOWN.no_effect_intervention]["Utvärdering"] == "Ingen säkerställd effekt"
    # One story: the list never calls a displaced or unestablished fall "uppnått".
    assert rows[KNOWN.displaced_intervention]["SMART-status"] == "omfördelat"
    assert rows[KNOWN.no_effect_intervention]["SMART-status"] != "uppnått"
    for r in rows.values():
        if r["SMART-status"] == "uppnått":
            assert r["Utvärdering"] in REDUCTION, r
    labels = {m.label for m in at.metric}
    assert {"Uppnått", "Omfördelat"} <= labels
    assert any("Uppnått kräver" in c.value for c in at.caption)
    assert rows[KNOWN.planned_intervention]["SMART-status"] == "ej startad"
    assert rows[KNOWN.cancelled_intervention]["SMART-status"] == "inställd"
    assert rows[KNOWN.running_intervention]["Status"] == "Pågående"
    assert int(rows[KNOWN.running_intervention]["Dagar kvar"].replace("\u00a0", "")) > 0


def test_intervention_pages_explain_the_verdict(as_role, db):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox(key="iv_pick").set_value(_id(db, KNOWN.displaced_intervention)).run()
    assert not at.exception, at.exception
    text = _box(at, "**Minskning men omfördelning")
    assert "flyttat" in text and "WDQ = −" in text and "WDD" in text

    at.selectbox(key="iv_pick").set_value(_id(db, KNOWN.no_effect_intervention)).run()
    text = _box(at, "**Ingen säkerställd effekt.**")
    assert "statistiskt säkerställd" not in text.replace("inte statistiskt säkerställd", "")
    assert "Minsta påvisbara effekt" in text
    metrics = {m.label: m.value for m in at.metric}
    assert {"Kvot efter/före", "Mot kontrollområdet", "WDQ", "WDD"} <= set(metrics)
    assert metrics["Minsta påvisbara effekt"].endswith("%")
    assert metrics["Status"] != "uppnått"

    at.selectbox(key="iv_pick").set_value(_id(db, KNOWN.successful_intervention)).run()
    text = _box(at, "**Minskning.**")
    assert "Minskningen är statistiskt säkerställd" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Status"] == "uppnått"
    ratio = metrics["Kvot mot jämförelsen (95 % KI)"]  # e.g. "0,55 (0,46–0,67)"
    low, high = (float(x.replace(",", ".")) for x in ratio.split("(")[1].rstrip(")").split("–"))
    assert low < high < 1
    assert not any("regression mot medelvärdet" in w.value for w in at.warning)

    # The analyst switches to the period just before: the page says why that may mislead.
    iid = _id(db, KNOWN.successful_intervention)
    at.radio(key=f"iv_baseline_{iid}").set_value("foregaende_period").run()
    assert not at.exception, at.exception
    assert any("regression mot medelvärdet" in w.value for w in at.warning)


def test_readers_read_and_analysts_write(as_role):
    reader = as_role("lasare")
    reader.switch_page(PAGE).run()
    assert not reader.exception
    labels = {b.label for b in reader.button}
    assert "Spara uppföljning" not in labels and "Spara insatsen" not in labels
    assert reader.dataframe  # the overview is there
    analyst = as_role("analytiker")
    analyst.switch_page(PAGE).run()
    labels = {b.label for b in analyst.button}
    assert {"Spara uppföljning", "Spara insatsen"} <= labels


def test_reporters_neither_see_nor_open_the_page():
    assert "Insatser" not in [p.title for p in pages_for("rapportor")]
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / PAGE), default_timeout=60)
    at.session_state["user"] = User(1, "rapportor", "R", "rapportor", 1, "Östan kommun")
    at.run()
    assert any("behörighet" in e.value for e in at.error)
    assert not at.dataframe
