"""Områden: the matrix flags the demo's known worsened criterion, sorts, and only analysts and
administrators can record the quarter's focus areas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.analysis import areas as aa
from ostan_dash.demo import KNOWN
from ostan_dash.ui import fmt

pytestmark = [pytest.mark.app, pytest.mark.db]


def open_page(as_role, role: str):
    at = as_role(role)
    at.switch_page("content/omraden.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def matrix(at):
    return at.dataframe[0].value


def show(at, view: str):
    at.radio(key="omraden_vy").set_value(view).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("role", ["analytiker", "lasare"])
def test_matrix_flags_the_known_worsened_criterion(as_role, db, role):
    at = open_page(as_role, role)
    assert [t.value for t in at.title] == ["Områden"]
    label = aa.INDICATORS[KNOWN.worsened_indicator]
    # The flag is raised at once, above everything else ...
    warning = next(w.value for w in at.warning if "Försämrat sedan" in w.value)
    assert KNOWN.worsened_area in warning
    assert label.lower() in warning
    year, before, after = db.execute(
        sa.text(
            "SELECT cur.year, (to_jsonb(prev) ->> :c)::float8, (to_jsonb(cur) ->> :c)::float8 "
            "FROM area_indicators cur "
            "JOIN area_indicators prev ON prev.area_id = cur.area_id AND prev.year = cur.year - 1 "
            "JOIN areas a ON a.id = cur.area_id WHERE a.name = :n "
            "ORDER BY cur.year DESC LIMIT 1"
        ),
        {"n": KNOWN.worsened_area, "c": KNOWN.worsened_indicator},
    ).one()
    # A register figure: the threshold rule, with the figures it rests on.
    assert (
        f"{fmt.percent(before, 1)} → {fmt.percent(after, 1)} "
        f"(+{fmt.number(after - before, 1)} p.e., gräns +2 p.e.)"
    ) in warning
    assert f"Försämrat sedan {year - 1}" in warning
    # ... and in the matrix row of that area.
    m = matrix(at)
    row = m[m["Område"] == KNOWN.worsened_area].iloc[0]
    assert label in row["Försämrat"]
    for area in KNOWN.organised_crime_areas:
        assert m[m["Område"] == area].iloc[0]["Organiserad brottslighet"] == 1.0
    assert len(m) == KNOWN.n_areas
    # Most criteria met first.
    assert list(m["Kriterier uppfyllda"]) == sorted(m["Kriterier uppfyllda"], reverse=True)


def test_unsafety_rises_within_the_sampling_error_are_named_but_not_flagged(as_role, db):
    """The demo's "andel otrygga" is its survey's estimate (with n and n_eff): every rise of
    2 points or more that the z-test with Benjamini–Hochberg does not confirm is listed under
    the banner as within the sampling error, and none of them is in the banner."""
    at = open_page(as_role, "lasare")
    year = db.execute(sa.text("SELECT max(year) FROM area_indicators")).scalar_one()
    rises = (
        db.execute(
            sa.text(
                "SELECT a.name FROM area_indicators cur "
                "JOIN area_indicators prev ON prev.area_id = cur.area_id AND prev.year = cur.year - 1 "
                "JOIN areas a ON a.id = cur.area_id "
                "WHERE cur.year = :y AND cur.pct_unsafe - prev.pct_unsafe >= 2"
            ),
            {"y": year},
        )
        .scalars()
        .all()
    )
    assert rises, "the demo should have some noisy rises in unsafety"
    quiet = next(c.value for c in at.caption if "ryms inom urvalsfelet" in c.value)
    warning = next(w.value for w in at.warning if "Försämrat sedan" in w.value)
    for name in rises:
        assert f"{name} (otrygga +" in quiet
        assert f"**{name}**: otrygga" not in warning
    # The rule is spelled out where the thresholds are.
    rule = next(e for e in at.expander if e.label.startswith("Trösklar"))
    assert any("Benjamini–Hochberg" in m.value for m in rule.markdown)


def test_matrix_sorts_by_a_chosen_indicator(as_role, db):
    at = open_page(as_role, "lasare")
    at.selectbox(key="omraden_sortera").set_value("Ej i arbete, %").run()
    assert not at.exception
    top = db.execute(
        sa.text(
            "SELECT a.name FROM area_indicators i JOIN areas a ON a.id = i.area_id "
            "WHERE i.year = (SELECT max(year) FROM area_indicators) "
            "ORDER BY i.pct_not_working DESC LIMIT 1"
        )
    ).scalar_one()
    m = matrix(at)
    assert m.iloc[0]["Område"] == top
    assert list(m["Ej i arbete, %"]) == sorted(m["Ej i arbete, %"], reverse=True)


def test_a_reader_sees_proposals_but_cannot_record_or_change_thresholds(as_role):
    at = open_page(as_role, "lasare")
    assert "Spara trösklar" not in [b.label for b in at.button]
    show(at, "Fokusområden")
    assert "Registrera fokusområden" not in [b.label for b in at.button]
    assert any("Förslag till fokusområden" in s.value for s in at.subheader)
    proposal = at.dataframe[0].value
    assert list(proposal["Rang"]) == [1, 2, 3, *range(4, len(proposal) + 1)]
    assert list(proposal["Poäng"]) == sorted(proposal["Poäng"], reverse=True)


def test_profile_map_and_protective_views_render(as_role, db):
    at = open_page(as_role, "lasare")
    show(at, "Områdesprofil")
    area_id = db.execute(
        sa.text("SELECT id FROM areas WHERE name = :n"), {"n": KNOWN.worsened_area}
    ).scalar_one()
    at.selectbox(key="omraden_profil").set_value(area_id).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) >= 3  # indicators, incidents by category, survey
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Försämrade kriterier"] == "1"
    show(at, "Karta")
    assert len(at.get("deck_gl_json_chart")) == 1
    show(at, "Skyddande områden")
    comparison = at.dataframe[-1].value
    assert "Skyddande områden" in comparison.columns
    # The protective areas have less unsafety than the rest, by construction.
    unsafe = comparison[comparison["Mått"] == "Otrygga, %"].iloc[0]
    assert unsafe["Skyddande områden"] < unsafe["Övriga områden"]


def test_an_analyst_records_the_quarters_focus_areas(as_role, engine):
    quarter = aa.next_quarter_start(config.today())
    with engine.connect() as c:
        if c.execute(
            sa.text("SELECT count(*) FROM focus_areas WHERE quarter_start = :q"), {"q": quarter}
        ).scalar_one():
            pytest.skip("the test database already has a choice for next quarter")
    at = open_page(as_role, "analytiker")
    assert "Spara trösklar" in [b.label for b in at.button]
    show(at, "Fokusområden")
    proposed = [at.selectbox(key=f"fokus_omrade_{r}").value for r in (1, 2, 3)]
    for r in (1, 2, 3):
        at.text_area(key=f"fokus_motivering_{r}").input(f"Motivering för plats {r}")
    try:
        next(b for b in at.button if b.label == "Registrera fokusområden").click().run()
        assert not at.exception, at.exception
        with engine.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT f.area_id, f.rationale, u.username FROM focus_areas f "
                    "JOIN users u ON u.id = f.chosen_by WHERE quarter_start = :q ORDER BY rank"
                ),
                {"q": quarter},
            ).all()
        assert [r[0] for r in rows] == proposed
        assert rows[0][1] == "Motivering för plats 1"
        assert {r[2] for r in rows} == {"analytiker"}
        assert any("är registrerade" in s.value for s in at.success)
        history = at.dataframe[-1].value
        assert aa.quarter_label(quarter) in set(history["Kvartal"])
    finally:
        with store.begin() as c:
            c.execute(sa.text("DELETE FROM focus_areas WHERE quarter_start = :q"), {"q": quarter})
            c.execute(
                sa.text("DELETE FROM audit_log WHERE action = 'focus_areas' AND entity_id = :q"),
                {"q": quarter.isoformat()},
            )


def test_recording_without_a_rationale_is_refused(as_role, engine):
    quarter = aa.next_quarter_start(config.today())
    at = show(open_page(as_role, "analytiker"), "Fokusområden")
    with engine.connect() as c:
        before = c.execute(
            sa.text("SELECT count(*) FROM focus_areas WHERE quarter_start = :q"), {"q": quarter}
        ).scalar_one()
    next(b for b in at.button if b.label == "Registrera fokusområden").click().run()
    assert any("motivering" in w.value for w in at.warning)
    with engine.connect() as c:
        after = c.execute(
            sa.text("SELECT count(*) FROM focus_areas WHERE quarter_start = :q"), {"q": quarter}
        ).scalar_one()
    assert after == before


def test_an_analyst_saves_a_threshold_and_the_matrix_follows(as_role, engine):
    with engine.connect() as c:
        if c.execute(
            sa.text("SELECT count(*) FROM settings WHERE key = :k"), {"k": aa.SETTINGS_KEY}
        ).scalar_one():
            pytest.skip("the test database already has saved area thresholds")
    at = open_page(as_role, "analytiker")
    before = matrix(at).set_index("Område")["Kriterier uppfyllda"]
    at.selectbox(key="troskel_satt_pct_unsafe").set_value("absolute")
    at.number_input(key="troskel_varde_pct_unsafe").set_value(5.0)
    try:
        next(b for b in at.button if b.label == "Spara trösklar").click().run()
        assert not at.exception, at.exception
        assert any("Trösklarna är sparade" in s.value for s in at.success)
        after = matrix(at).set_index("Område")
        # Every area has more than 5 % feeling unsafe: criterion 1 is now met everywhere.
        assert all(after["Kriterier uppfyllda"] >= before.reindex(after.index))
        assert (after["Kriterier uppfyllda"] > before.reindex(after.index)).any()
        assert min(after["Kriterier uppfyllda"]) >= 1
        with engine.connect() as c:
            saved = c.execute(
                sa.text("SELECT value FROM settings WHERE key = :k"), {"k": aa.SETTINGS_KEY}
            ).scalar_one()
        assert saved["indicators"]["pct_unsafe"] == {"mode": "absolute", "value": 5.0}
    finally:
        with store.begin() as c:
            c.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": aa.SETTINGS_KEY})
            c.execute(
                sa.text("DELETE FROM audit_log WHERE action = 'setting' AND entity_id = :k"),
                {"k": aa.SETTINGS_KEY},
            )
        from ostan_dash.ui import area_data

        area_data.clear_settings()
