"""Streamlit's and plotly's own English texts have Swedish replacements; filters follow the
user from page to page (the pure parts; the pages are tested in tests/app and tests/e2e)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from ostan_dash.ui import charts, filters, swedish

ROOT = Path(__file__).resolve().parents[2]

# What Streamlit 1.67 and plotly show in English (seen in headless Chromium, issue 12).
ENGLISH = [
    ("Drag and drop file here", "Dra och släpp filen här"),
    ("Drag and drop files here", "Dra och släpp filerna här"),
    ("Browse files", "Välj fil"),
    ("Upload", "Välj fil"),
    ("Limit 200MB per file", "Högst 200 MB per fil"),
    ("200MB per file", "Högst 200 MB per fil"),
    ("Choose options", "Välj …"),
    ("Select all", "Välj alla"),
    ("Press Enter to submit form", "Tryck Enter för att skicka formuläret"),
    ("Press Enter to apply", "Tryck Enter för att verkställa"),
    ("Press Ctrl+Enter to submit form", "Tryck Ctrl+Enter för att skicka formuläret"),
    ("Press ⌘+Enter to apply", "Tryck ⌘+Enter för att verkställa"),
    ("Download as CSV", "Ladda ned som CSV"),
    ("Search", "Sök"),
    ("Fullscreen", "Helskärm"),
    ("Show/hide columns", "Visa eller dölj kolumner"),
    ("Sort ascending", "Sortera stigande"),
    ("Help for Sök gata eller plats", "Hjälp om Sök gata eller plats"),
]


@pytest.mark.parametrize(("english", "swedish_text"), ENGLISH, ids=[e for e, _ in ENGLISH])
def test_each_known_english_text_has_its_swedish_replacement(english, swedish_text):
    assert swedish.translate(english) == swedish_text
    assert swedish.translate(f"  {english} ") == f"  {swedish_text} "


def test_swedish_text_and_parts_of_sentences_are_left_alone():
    for kept in ["Ladda ned CSV", "Sök plats", "Uploaded by", "Search results", "Upload it"]:
        assert swedish.translate(kept) == kept


def test_the_script_carries_every_table_entry_and_installs_once():
    js = swedish.script()
    assert "window.__ostanSwedish" in js and "MutationObserver" in js
    for english in swedish.TRANSLATIONS:
        assert english.replace("/", "\\/") in js or english in js
    # The JavaScript patterns are the same strings the Python translate() uses.
    for pattern, _ in swedish.PATTERNS:
        assert pattern.replace("\\", "\\\\") in js


# The pages and widgets checked here (pages added later should join the list).
# Every page and every ui module: a widget moved from a page into a section module stays checked.
CHECKED = sorted(
    str(p.relative_to(ROOT))
    for p in [*(ROOT / "content").glob("*.py"), *(ROOT / "ostan_dash" / "ui").glob("*.py")]
)


def _calls(name: str):
    for path in (ROOT / p for p in CHECKED):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == name
            ):
                yield path.relative_to(ROOT), node


def test_no_multiselect_offers_select_all_or_an_english_placeholder():
    """Streamlit 1.67 puts "Select all" first in every multiselect (one tap selects all 13
    knowledge sources) and says "Choose options": each call must say select_all=False and
    give a Swedish placeholder."""
    seen = 0
    for path, call in _calls("multiselect"):
        kw = {k.arg: k.value for k in call.keywords}
        where = f"{path}:{call.lineno}"
        assert "select_all" in kw and isinstance(kw["select_all"], ast.Constant), where
        assert kw["select_all"].value is False, where
        assert "placeholder" in kw, where
        seen += 1
    assert seen >= 10


def test_every_plotly_chart_gets_the_swedish_locale():
    seen = 0
    for path, call in _calls("plotly_chart"):
        kw = {k.arg: k.value for k in call.keywords}
        assert "config" in kw, f"{path}:{call.lineno} without config=charts.PLOTLY_CONFIG"
        seen += 1
    assert seen >= 10


def test_the_plotly_locale_is_swedish_with_decimal_comma():
    fmt_ = charts.SV_LOCALE["format"]
    assert fmt_["months"][4] == "maj" and fmt_["shortMonths"][4] == "maj"
    assert fmt_["shortMonths"][9] == "okt"
    assert fmt_["decimal"] == "," and fmt_["thousands"] == "\u00a0"
    assert charts.PLOTLY_CONFIG["locale"] == "sv"
    assert charts.PLOTLY_CONFIG["locales"]["sv"] is charts.SV_LOCALE
    assert charts.SV_LOCALE["dictionary"]["Download plot as a png"].startswith("Ladda ned")


def test_month_ticks_are_swedish_with_the_year_on_january_and_the_first():
    days = [dt.date(2024, 4, 20) + dt.timedelta(days=i) for i in range(300)]
    vals, texts = charts.month_ticks(days)
    assert vals[0] == dt.date(2024, 5, 1) and texts[0] == "maj 2024"
    assert texts[1:4] == ["jun", "jul", "aug"]
    assert texts[vals.index(dt.date(2025, 1, 1))] == "jan 2025"
    assert not any("May" in t or "Oct" in t for t in texts)


# Filters that follow ----------------------------------------------------------------------
def test_remembered_filters_fill_only_what_the_address_does_not_say():
    remembered = {
        "period": ["eget"],
        "fran": ["2026-01-01"],
        "till": ["2026-01-31"],
        "omrade": ["C01", "F01"],
        "kalla": ["est"],
    }
    # A page opened from the sidebar (nothing in the address) gets all of them.
    assert filters.fill_shared({}, remembered) == remembered
    # A shared link's own choice wins, group by group: its period keeps its own dates.
    link = {"period": ["kvartal"], "omrade": ["S02"]}
    assert filters.fill_shared(link, remembered) == {"kalla": ["est"]}
    # Keys outside the shared groups are neither taken nor given.
    assert filters.fill_shared({"dag": ["5"]}, {"dag": ["6"]}) == {}


def test_what_is_remembered_is_the_shared_part_of_the_address():
    params = {"period": ["ar"], "omrade": ["C01"], "dag": ["5"], "jfr": [], "ruta": ["500"]}
    assert filters.shared_part(params) == {"period": ["ar"], "omrade": ["C01"]}
    f = filters.Filters.from_query_params(
        {**params, **filters.fill_shared(params, {"kalla": ["polis"]})}
    )
    assert (f.preset, f.areas, f.source, f.weekdays) == ("ar", ("C01",), "polis", (5,))


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0 händelser"), (1, "1 händelse"), (2, "2 händelser"), (1234, "1\u00a0234 händelser")],
)
def test_one_handelse_two_handelser(n, shown):
    from ostan_dash import text

    assert text.count(n, "händelse", "händelser") == shown


def test_the_weekly_comparison_hover_inflects_the_count():
    import polars as pl

    from ostan_dash.ui import karta_charts

    table = pl.DataFrame(
        {
            "week_start": [dt.date(2026, 11, 23), dt.date(2026, 11, 30)],
            "week_start_before": [dt.date(2026, 10, 26), dt.date(2026, 11, 2)],
            "count": [1, 3],
            "count_before": [2, 1],
        }
    )
    fig = karta_charts.weekly_comparison(table, title="t", labels=("nu", "före"))
    before, now = fig.data
    assert list(now.customdata) == ["1 händelse", "3 händelser"]
    assert [tuple(c) for c in before.customdata][1][1] == "1 händelse"
    assert "händelser" not in now.hovertemplate
