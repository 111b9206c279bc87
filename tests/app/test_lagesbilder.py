"""Lägesbilder: an analyst drafts the week from the data, writes the assessment, publishes a
frozen version under their own name, and the archive opens it as it was published; a reader
reads but cannot publish; free text with personal data is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.reports import periods
from ostan_dash.ui import fmt

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/lagesbilder.py"


def last_week() -> periods.Period:
    return periods.complete_weeks(config.today(), n=1)[0]


def sql_est_count(week: periods.Period) -> int:
    return store.scalar(
        "SELECT count(*) FROM incidents WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date "
        "BETWEEN :a AND :b",
        {"a": week.start, "b": week.end},
    )


@pytest.fixture
def cleanup():
    """Publishing from the page commits: remove what the test published afterwards."""
    before = store.scalar("SELECT coalesce(max(id), 0) FROM analysis_versions")
    yield
    with store.begin() as c:
        c.execute(sa.text("ALTER TABLE analysis_versions DISABLE TRIGGER analysis_versions_frozen"))
        c.execute(sa.text("DELETE FROM analysis_versions WHERE id > :i"), {"i": before})
        c.execute(sa.text("ALTER TABLE analysis_versions ENABLE TRIGGER analysis_versions_frozen"))


def test_analyst_publishes_and_the_archive_shows_the_frozen_version(as_role, cleanup):
    week = last_week()
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["EST-rapporter"] == fmt.number(sql_est_count(week))
    at.text_area(key="lb_assessment").input("Lugn vecka. Klotter i Österängen följs upp.")
    at.text_area(key="lb_recommendations").input("Fotpatrull fredag och lördag kväll.")
    at.run()
    at.button(key="lb_publish").click().run()
    assert not at.exception, at.exception
    assert any("publicerad som version" in s.value for s in at.success)
    row = store.read_frame(
        "SELECT v.version, u.username, v.document->'period'->>'key' AS k, v.pdf IS NOT NULL AS pdf "
        "FROM analysis_versions v JOIN users u ON u.id = v.published_by ORDER BY v.id DESC LIMIT 1"
    ).row(0, named=True)
    assert (row["username"], row["k"], row["pdf"]) == ("analytiker", week.key, True)
    # A reader opens the archive: the version as published, with who published it.
    reader = as_role("lasare")
    reader.switch_page(PAGE).run()
    assert not reader.exception, reader.exception
    assert not [b for b in reader.button if b.key == "lb_publish"]
    assert not reader.text_area
    name = store.scalar("SELECT display_name FROM users WHERE username = 'analytiker'")
    stamp = f"Publicerad version {row['version']}, "
    assert any(stamp in c.value and f" av {name}" in c.value for c in reader.caption)
    assert any("Klotter i Österängen följs upp." in t.value for t in reader.text)


def test_personal_data_in_the_assessment_is_refused(as_role):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.text_area(key="lb_assessment").input("Ring 070-123 45 67 om klottret.")
    at.run()
    assert at.error, "no refusal shown"
    assert at.button(key="lb_publish").disabled


def test_analyst_drafts_and_publishes_a_kvartalsanalys(as_role, cleanup):
    quarter = periods.complete_quarters(config.today(), n=1)[0]
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox(key="lb_kind").select("kvartal").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="lb_period_kvartal").value == quarter
    subheaders = [h.value for h in at.subheader]
    for title in ("Kvartalet i siffror", "Uppföljning av kvartalets insatser", "Per område"):
        assert title in subheaders, (title, subheaders)
    assert any(h.startswith("Fokusområden nästa kvartal") for h in subheaders)
    metrics = {m.label: m.value for m in at.metric}
    est = store.scalar(
        "SELECT count(*) FROM incidents WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date "
        "BETWEEN :a AND :b",
        {"a": quarter.start, "b": quarter.end},
    )
    assert metrics["EST-rapporter"] == fmt.number(est)
    labels = [t.label for t in at.text_area]
    assert labels == ["Bedömning", "Planerade insatser nästa kvartal"]
    at.text_area(key="lb_kvartal_assessment").input("Kvartalet höll i sig; Österängen följs.")
    at.run()
    at.button(key="lb_publish").click().run()
    assert not at.exception, at.exception
    assert any(
        "Kvartalsanalys" in s.value and "publicerad som version" in s.value for s in at.success
    )
    row = store.read_frame(
        "SELECT a.kind, v.document->'period'->>'key' AS k, v.document->>'assessment' AS t "
        "FROM analysis_versions v JOIN analyses a ON a.id = v.analysis_id ORDER BY v.id DESC LIMIT 1"
    ).row(0, named=True)
    assert row == {
        "kind": "kvartal",
        "k": quarter.key,
        "t": "Kvartalet höll i sig; Österängen följs.",
    }


def test_the_year_has_its_own_text_about_the_cooperation(as_role):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox(key="lb_kind").select("ar").run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_area] == ["Bedömning", "Hur samverkan fungerat"]
    assert "Områdena: kriterier och trend" in [h.value for h in at.subheader]
    at.text_area(key="lb_ar_cooperation").input("Ring 070-123 45 67 om mötena.")
    at.run()
    assert at.error, "no refusal shown"
    assert at.button(key="lb_publish").disabled


@pytest.mark.parametrize("kind", ["vecka", "kvartal", "ar"])
def test_every_kinds_tables_show_swedish_numbers(as_role, kind):
    """Tables are drawn on a canvas: their display values must already be Swedish."""
    import re

    import pyarrow as pa

    at = as_role("lasare")
    at.switch_page(PAGE).run()
    at.selectbox(key="lb_kind").select(kind).run()
    assert not at.exception, at.exception
    assert at.dataframe, "no table"
    for el in at.dataframe:
        arrow = el.proto.arrow_data
        assert arrow.HasField("styler"), "a table without Swedish display values"
        shown = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pylist()
        for row in shown:
            for value in row.values():
                assert not (isinstance(value, str) and re.search(r"\d\.\d", value)), value
