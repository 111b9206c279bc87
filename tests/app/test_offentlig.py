"""The public page opens without login and never shows a count under 5 or a point; an analyst
chooses what it shows on Publicera."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import polars as pl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash import config, store
from ostan_dash.analysis import public_figures as pf
from ostan_dash.store import public as public_store
from ostan_dash.ui import public_views, texts
from tests.app.conftest import APP

pytestmark = pytest.mark.app


@pytest.fixture
def clean_public(engine) -> Iterator[int]:
    """Publications made by a test are committed (the page reads on its own connection):
    remove them afterwards. The page's cache is not cleared: it is keyed by what is published
    (store.public.version), so every test also shows that nothing stale is served. Yields the
    highest id before the test."""
    with engine.connect() as c:
        start = c.execute(sa.text("SELECT coalesce(max(id), 0) FROM public_items")).scalar()
    yield start
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM public_items WHERE id > :s"), {"s": start})


def _user_id(username: str) -> int:
    return store.scalar("SELECT id FROM users WHERE username = :u", {"u": username})


def _small_area() -> tuple[int, str]:
    """The area with the fewest reports in the last twelve months that still has some month
    with 5 or more, so its trend shows both numbers and 'färre än 5'."""
    first, last = pf.last_full_months(config.today())
    areas = store.read_frame("SELECT id AS area_id, name FROM areas ORDER BY id")
    counts = public_store.area_month_counts(areas["area_id"].to_list(), first, last).filter(
        source="est"
    )
    per_area = (
        counts.group_by("area_id")
        .agg(pl.col("n").sum().alias("total"), pl.col("n").min().alias("low"), pl.col("n").max())
        .filter((pl.col("low") < 5) & (pl.col("n") >= 5))
        .sort("total")
        .join(areas, on="area_id")
    )
    assert per_area.height, "the test data has no area with months both under and over 5"
    return int(per_area["area_id"][0]), str(per_area["name"][0])


def _publish_a_little_of_everything() -> str:
    analyst = _user_id("analytiker")
    area_id, area = _small_area()
    today = config.today()
    public_store.publish(
        kind="omradestrend",
        title=f"Utvecklingen i {area}",
        body="Klotter och skadegörelse är vanligast på helgerna.",
        figures=public_views.trend_figures(area_id, area, today),
        user_id=analyst,
        role="analytiker",
        area_id=area_id,
    )
    ivs = store.read_frame(
        "SELECT id AS intervention_id, title, start_date, end_date, baseline, status, "
        "(SELECT string_agg(a.name, ', ') FROM areas a WHERE a.id = ANY(target_area_ids)) "
        "AS target_areas FROM interventions WHERE status IN ('pagaende', 'avslutad') ORDER BY id"
    )
    for row in ivs.unique("status", keep="first", maintain_order=True).to_dicts():
        public_store.publish(
            kind="insats",
            title=row["title"],
            body="Mer belysning och tätare tillsyn.",
            figures=public_views.intervention_figures(row, today),
            user_id=analyst,
            role="analytiker",
            intervention_id=row["intervention_id"],
        )
    public_store.publish(
        kind="fokusomrade",
        title=f"Fokusområde: {area}",
        body="Här lägger vi extra kraft i höst.",
        figures=pf.focus_area(area=area, quarter_start=dt.date(2026, 10, 1)),
        user_id=analyst,
        role="analytiker",
        area_id=area_id,
    )
    return area


def _logged_out_public_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("content/offentlig.py").run()
    return at


def _visible_texts(at: AppTest) -> list[str]:
    out = [
        e.value for kind in ("title", "header", "markdown", "caption", "info") for e in at.get(kind)
    ]
    for table in at.table:
        frame = table.value
        out += [str(v) for v in frame.index] + [str(v) for v in frame.to_numpy().ravel()]
    return out


def test_the_public_page_opens_without_login(clean_public):
    at = _logged_out_public_page()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [texts.PUBLIC_TITLE]
    assert not at.text_input, "the login form is shown on the public page"
    assert not at.sidebar.button
    assert not at.error, [e.value for e in at.error]


def _empty_public_page() -> None:
    import polars as pl

    from ostan_dash.store import public as public_store
    from ostan_dash.ui import public_views

    public_views.render_published(pl.DataFrame(schema=public_store.PUBLISHED_SCHEMA))


def test_an_empty_public_page_says_in_swedish_what_to_do():
    at = AppTest.from_function(_empty_public_page).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [texts.PUBLIC_EMPTY]
    assert "logga in som analytiker och välj sidan *Publicera*" in texts.PUBLIC_EMPTY


def test_the_public_page_never_shows_a_count_under_5_or_a_point(clean_public):
    area = _publish_a_little_of_everything()
    at = _logged_out_public_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert not at.text_input
    shown = _visible_texts(at)
    page = "\n".join(shown)
    assert f"Utvecklingen i {area}" in page
    assert [h.value for h in at.header][:1] == [texts.PUBLIC_FOCUS]
    assert texts.PUBLIC_TRENDS in [h.value for h in at.header]
    # The small area's table has months under 5 and months over it.
    cells = [str(v) for t in at.table for v in t.value.to_numpy().ravel()]
    assert "färre än 5" in cells
    assert any(c.replace("\u00a0", "").isdigit() for c in cells)
    for cell in cells:
        assert cell == "färre än 5" or int(cell.replace("\u00a0", "")) >= 5, cell
    for text in shown:
        assert pf.small_numbers(text) == [], text
    # No map, no point, nothing of the reports' free text.
    for kind in ("deck_gl_json_chart", "map", "plotly_chart", "dataframe"):
        assert not at.get(kind), kind
    for word in ("lat", "lon", "POINT", "geom", "koordinat"):
        assert word not in page.lower().split(), word


def test_a_logged_in_user_finds_the_public_page_in_the_navigation(as_role, clean_public):
    at = as_role("lasare")
    at.switch_page("content/offentlig.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [texts.PUBLIC_TITLE]


def test_an_analyst_publishes_a_trend_and_a_count_under_5_in_the_text_is_refused(
    as_role, clean_public, engine
):
    at = as_role("analytiker")
    at.switch_page("content/offentlig_val.py").run()
    assert not at.exception, at.exception
    area_id, area = _small_area()
    at.radio(key="pub_kind").set_value("omradestrend").run()
    next(s for s in at.selectbox if s.label == "Område").set_value(area_id).run()
    assert "färre än 5" in [str(v) for t in at.table for v in t.value.to_numpy().ravel()]
    at.text_area[0].input("Det brann 3 gånger i januari.")
    next(b for b in at.button if b.label == "Publicera").click().run()
    assert any("antalet 3" in e.value for e in at.error), [e.value for e in at.error]
    mine = "FROM public_items WHERE id > :s"
    with engine.connect() as c:
        assert c.execute(sa.text(f"SELECT count(*) {mine}"), {"s": clean_public}).scalar() == 0

    at.text_area[0].input("Klottret har minskat sedan i somras.")
    title = f"Så har det gått i {area} i år"
    next(t for t in at.text_input if t.label == "Rubrik").input(title)
    next(b for b in at.button if b.label == "Publicera").click().run()
    assert not at.exception, at.exception
    assert any("är publicerad" in s.value for s in at.success), [s.value for s in at.success]
    with engine.connect() as c:
        item, kind, area_ref, figures, by = c.execute(
            sa.text(
                "SELECT id, kind, area_id, figures, "
                "(SELECT username FROM users WHERE id = published_by) "
                "FROM public_items WHERE id > :s"
            ),
            {"s": clean_public},
        ).one()
    assert (kind, area_ref, by) == ("omradestrend", area_id, "analytiker")
    assert figures["omrade"] == area
    assert "färre än 5" in json.dumps(figures, ensure_ascii=False)

    public = _logged_out_public_page()
    assert title in "\n".join(_visible_texts(public))

    at.run()
    at.button(key=f"pub_withdraw_{item}").click().run()
    assert any("tillbakadragen" in s.value for s in at.success), [s.value for s in at.success]
    with engine.connect() as c:
        withdrawn = c.execute(
            sa.text("SELECT withdrawn_at IS NOT NULL FROM public_items WHERE id = :i"),
            {"i": item},
        ).scalar_one()
    assert withdrawn
    public = _logged_out_public_page()
    assert title not in "\n".join(_visible_texts(public))


@pytest.mark.parametrize("kind", ["insats", "fokusomrade"])
def test_publicera_previews_an_intervention_and_a_focus_area(as_role, kind):
    at = as_role("admin")
    at.switch_page("content/offentlig_val.py").run()
    at.radio(key="pub_kind").set_value(kind).run()
    assert not at.exception, at.exception
    choice = at.selectbox[0]
    assert choice.options, "the demo has something to choose"
    choice.select(choice.options[0]).run()
    assert not at.exception, at.exception
    title = next(t for t in at.text_input if t.label == "Rubrik")
    assert title.value and not pf.small_numbers(title.value)
    if kind == "insats":
        assert any(m.value.startswith("**Resultat som det visas:**") for m in at.markdown)


def _one_published_item() -> None:
    import datetime as dt

    import polars as pl

    from ostan_dash.store import public as public_store
    from ostan_dash.ui import public_views

    item = {
        "id": 1,
        "kind": "fokusomrade",
        "title": "[Klicka här](http://example.invalid)",
        "body": "![x](http://example.invalid/x.png) :red[rött]",
        "figures": '{"omrade": "Centrum", "kvartal": "oktober–december 2026"}',
        "published_at": dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
    }
    public_views.render_published(pl.DataFrame([item], schema=public_store.PUBLISHED_SCHEMA))


def test_an_analysts_text_is_shown_as_typed_not_as_markdown():
    at = AppTest.from_function(_one_published_item).run()
    assert not at.exception, at.exception
    sources = [m.value for m in at.markdown]
    assert r"**\[Klicka här\]\(http\:\/\/example\.invalid\)**" in sources
    assert any(s.startswith(r"\!\[x\]\(http") and r"\:red\[rött\]" in s for s in sources)
