"""Karta och tider renders for every period preset and for filters from the URL; its
compare-areas table equals independent SQL counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import config
from ostan_dash.ui.filters import PRESETS, Filters

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/karta.py"
COMPARE = "Jämför områden"  # the tab, opened through the address (?flik=)

# Counted straight from the tables: EST reports and police crimes by local start date.
AREA_SQL = """
SELECT a.code, count(i.area_id) AS n
FROM areas a
LEFT JOIN (
    SELECT area_id, occurred_from, 'est' AS source, category FROM incidents
    UNION ALL
    SELECT area_id, occurred_from, 'polis', crime_group FROM police_crimes
) i ON i.area_id = a.id
   AND (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b
   AND (CAST(:source AS text) IS NULL OR i.source = :source)
   AND (CAST(:category AS text) IS NULL OR i.category = :category)
GROUP BY a.code
"""


def open_page(as_role, params: dict | None = None, role: str = "analytiker"):
    at = as_role(role)
    at.switch_page(PAGE)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def compare_table(at):
    for df in at.dataframe:
        value = df.value
        if "Antal jämförelseperiod" in value.columns and "Område" in value.columns:
            return value
    raise AssertionError("no compare table on the page")


def sql_counts(db, first, last, *, source=None, category=None) -> dict[str, int]:
    rows = db.execute(
        sa.text(AREA_SQL),
        {"a": first, "b": last, "source": source, "category": category},
    ).all()
    return dict(rows)


def area_names(db) -> dict[str, str]:
    return dict(db.execute(sa.text("SELECT name, code FROM areas")).all())


@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "eget"])
def test_every_preset_renders_with_its_counts(as_role, db, preset):
    at = open_page(as_role, {"period": preset, "flik": COMPARE})
    assert at.title[0].value == "Karta och tider"
    f = Filters(preset=preset)
    a, b = f.bounds(config.today())
    c, d = f.comparison_bounds(config.today())
    table = compare_table(at)
    names = area_names(db)
    now = sql_counts(db, a, b)
    before = sql_counts(db, c, d)
    got = {names[n]: int(v) for n, v in zip(table["Område"], table["Antal"], strict=True)}
    got_before = {
        names[n]: int(v)
        for n, v in zip(table["Område"], table["Antal jämförelseperiod"], strict=True)
    }
    assert got == now
    assert got_before == before
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Händelser under perioden"].replace("\u00a0", "") == str(
        sum(now.values()) + _without_area(db, a, b)
    )


def _without_area(db, a, b) -> int:
    return db.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM incidents WHERE area_id IS NULL AND "
            "(occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b) + "
            "(SELECT count(*) FROM police_crimes WHERE area_id IS NULL AND "
            "(occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b)"
        ),
        {"a": a, "b": b},
    ).scalar_one()


def test_custom_interval_and_filters_from_the_url(as_role, db):
    params = {
        "period": "eget",
        "fran": "2026-01-01",
        "till": "2026-03-31",
        "jfr": "forra_aret",
        "kalla": "est",
        "kategori": ["est:skadegorelse"],
    }
    at = open_page(as_role, params | {"flik": COMPARE})
    f = Filters.from_query_params(params)
    assert f.preset == "eget"
    a, b = f.bounds(config.today())
    c, d = f.comparison_bounds(config.today())
    table = compare_table(at)
    names = area_names(db)
    assert {
        names[n]: int(v) for n, v in zip(table["Område"], table["Antal"], strict=True)
    } == sql_counts(db, a, b, source="est", category="skadegorelse")
    assert {
        names[n]: int(v)
        for n, v in zip(table["Område"], table["Antal jämförelseperiod"], strict=True)
    } == sql_counts(db, c, d, source="est", category="skadegorelse")
    # The widgets show what the URL said, and the URL still says it after the run.
    assert at.selectbox(key="f_period").value == "eget"
    assert at.radio(key="f_kalla").value == "est"
    assert at.query_params["kategori"] in ("est:skadegorelse", ["est:skadegorelse"])


def test_area_filter_limits_the_table_and_map(as_role, db):
    code = db.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 1")).scalar_one()
    at = open_page(
        as_role,
        {"omrade": [code], "ruta": "100", "dag": ["6", "7"], "timmar": "18-23", "flik": COMPARE},
    )
    table = compare_table(at)
    assert len(table) == 1
    assert at.multiselect(key="f_omrade").value == [code]
    assert at.multiselect(key="f_dag").value == [6, 7]
    assert at.query_params["ruta"] in ("100", ["100"])


def test_presentation_mode_and_density_from_the_url(as_role):
    at = open_page(as_role, {"visning": "stor", "tathet": "1", "period": "kvartal"})
    assert at.toggle(key="karta_visning").value is True
    assert at.toggle(key="karta_tathet").value is True
    css = [m.value for m in at.markdown if "stSidebar" in m.value]
    assert css, "presentation mode CSS missing"


def test_only_the_open_tab_is_drawn(as_role):
    """Lazy tabs: the map screen draws no chart or compare table; a tab named in the address
    draws its own content and not the map's; the address keeps the tab."""
    at = open_page(as_role)
    assert list(at.get("plotly_chart")) == []
    assert list(at.get("deck_gl_json_chart")) != []
    with pytest.raises(AssertionError):
        compare_table(at)
    at = open_page(as_role, {"flik": "Tider"})
    assert len(at.get("plotly_chart")) == 1
    assert list(at.get("deck_gl_json_chart")) == []
    assert at.selectbox(key="karta_tider").label == "Visa tider för"
    at = open_page(as_role, {"flik": "Säsong och trend"})
    assert len(at.get("plotly_chart")) == 2
    at = open_page(as_role, {"flik": COMPARE})
    assert len(compare_table(at)) > 0
    assert at.query_params["flik"] in (COMPARE, [COMPARE])


@pytest.mark.parametrize("role", ["rapportor", "lasare"])
def test_every_role_may_open_it(as_role, role):
    at = open_page(as_role, role=role)
    assert at.title[0].value == "Karta och tider"


def test_nothing_matches_gives_guidance_not_an_error(as_role):
    at = open_page(
        as_role, {"period": "eget", "fran": "2001-01-01", "till": "2001-01-07", "flik": COMPARE}
    )
    assert any("Inga händelser matchar urvalet" in i.value for i in at.info)
    assert all(int(n) == 0 for n in compare_table(at)["Antal"])


# Hot spots against the population (issue 9) -----------------------------------------------------
def _demo_map(preset: str = "4v", *, cell: int = 250, region="befolkade", expectation="befolkning"):
    """The page's map computed straight from the store with the page's analysis functions."""
    import polars as pl

    from ostan_dash.analysis import areas_compare as ac
    from ostan_dash.store import population, queries
    from ostan_dash.ui import filters

    incidents, areas, cells = queries.incidents(), queries.areas(), population.cells()
    assert cells.height > 0, "the demo database has no population grid (ostan-dash setup)"
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    f = Filters(preset=preset)
    today = config.today()
    now = filters.apply(incidents, f, bounds=f.bounds(today), area_ids=ids)
    before = filters.apply(incidents, f, bounds=f.comparison_bounds(today), area_ids=ids)
    study = ac.study_area(areas, cell_size=cell, population=cells, region=region)
    grid, changes = ac.grid_results(now, before, study, expectation=expectation)
    return grid, changes, study, areas, pl


def _metric(at, label: str) -> int:
    value = {m.label: m.value for m in at.metric}[label]
    return int(value.replace("\u00a0", "").replace(" ", ""))


def test_default_map_picks_out_the_planted_hot_spots_not_the_centre(as_role):
    import numpy as np

    from ostan_dash.analysis import areas_compare as ac
    from ostan_dash.demo import geography as geo
    from ostan_dash.demo.incidents import SPOTS

    at = open_page(as_role)
    grid, _, study, areas, pl = _demo_map()
    hot = grid.filter(pl.col("class") == "hot")
    assert _metric(at, "Heta rutor") == hot.height
    cx, cy = hot["x0"].to_numpy() + 125, hot["y0"].to_numpy() + 125
    near_any = np.zeros(hot.height, dtype=bool)
    for spot in SPOTS:
        x, y = geo.xy(spot.dx, spot.dy)
        d = np.hypot(cx - x, cy - y)
        # Every planted hot spot (a Gaussian of sd sigma) has a hot cell within reach.
        assert (d <= max(2 * spot.sigma, 250) + 180).any(), spot.key
        near_any |= d <= 2 * spot.sigma + 250
    assert (~near_any).sum() <= 2, hot.filter(~pl.Series(near_any))
    # Not the whole centre: few of the centre's settled cells are hot.
    centre = ac.study_area(areas, cell_size=250, codes=("C01",))
    x0, y0, _, _ = centre.layout
    col = ((cx - 125 - x0) // 250).astype(int)
    row = ((cy - 125 - y0) // 250).astype(int)
    ok = (col >= 0) & (row >= 0) & (col < centre.mask.shape[1]) & (row < centre.mask.shape[0])
    in_centre = int(centre.mask[row[ok], col[ok]].sum())
    assert in_centre <= 6, in_centre
    # The counts-only map of the whole municipality (the old default) paints far more.
    old, *_ = _demo_map(region="hela", expectation="antal")
    assert old.filter(pl.col("class") == "hot").height > 4 * hot.height
    captions = " ".join(c.value for c in at.caption)
    assert "fler händelser än väntat utifrån befolkningen" in captions
    assert "Benjamini–Yekutieli, FDR 5 %" in captions
    assert "befolkade rutor" in captions


def test_region_and_expectation_come_from_the_url(as_role):
    at = open_page(as_role, {"region": "hela", "vantat": "antal", "jfr": "forra_aret"})
    grid, changes, *_ = _demo_map(region="hela", expectation="antal")
    assert at.query_params["region"] in ("hela", ["hela"])
    assert at.query_params["vantat"] in ("antal", ["antal"])
    assert _metric(at, "Heta rutor") == int((grid["class"] == "hot").sum())
    captions = " ".join(c.value for c in at.caption)
    assert "Getis-Ord Gi*" in captions and "hela kommunen" in captions
    assert "samma period förra året" in captions


def test_accuracy_is_shown_when_the_weeks_after_exist(as_role):
    import polars as pl

    from ostan_dash.analysis import areas_compare as ac
    from ostan_dash.store import queries
    from ostan_dash.ui import filters

    four = open_page(as_role)
    assert any("räknas när veckorna efter perioden finns" in c.value for c in four.caption)
    at = open_page(as_role, {"period": "kvartal"})
    grid, _, study, areas, _ = _demo_map("kvartal")
    f = Filters(preset="kvartal")
    after = ac.after_period(f.bounds(config.today()), today=config.today())
    assert after is not None
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    later = filters.apply(queries.incidents(), f, bounds=after, area_ids=ids)
    acc = ac.accuracy(grid, later, study)
    text = next(c.value for c in at.caption if "PAI =" in c.value)
    assert f"PAI = {acc.pai:.1f}".replace(".", ",") in text
    assert f"fick {acc.n} av" in text.replace("\u00a0", "").replace(" av", " av")
    assert acc.pai > 2  # the hot cells of a quarter still point somewhere the weeks after
    assert pl.Series([acc.pei]).is_between(0, 1).all()


def test_hot_cells_are_described_by_a_demo_street_and_place(as_role):
    """Issue 12: a hot cell says where it is – the nearest demo street and place – not only
    SWEREF coordinates; the same words in the list, the hot-times choice and the map."""
    import json

    from ostan_dash.demo import geography as geo
    from ostan_dash.demo import streets as ds

    at = open_page(as_role)
    streets = set(ds.network()["name"])
    places = {p.name for p in geo.PLACES}
    table = next(
        df.value
        for df in at.dataframe
        if "Läge" in df.value.columns and "Väntat" in df.value.columns
    )
    assert len(table) > 0
    assert not any("SWEREF" in c for c in table.columns)
    words = table["Läge"].tolist()
    on_street = [w for w in words if w.split(",")[0].split(" vid ")[0] in streets]
    # Every planted hot spot lies on a demo street, so the hot cells are on streets too.
    assert len(on_street) >= 0.8 * len(words), words
    assert words[0] in on_street
    assert any(p in w for w in on_street for p in places), words
    # The map draws the streets and puts the location in the hot cell's tooltip.
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids.index("gator") < ids.index("hotspots")
    tips = [c["tooltip"] for c in spec["layers"][ids.index("hotspots")]["data"]]
    assert any(words[0] in t for t in tips)
    # The hot-times choice (its own tab) names the same locations.
    choice = open_page(as_role, {"flik": "Tider"}).selectbox(key="karta_tider")
    assert any(o.startswith(f"Het ruta 1: {words[0]}, ") for o in choice.options), choice.options


def test_the_map_goes_to_a_searched_street(as_role):
    """Issue 12: an address search – choosing a street centres the map on it and rings it."""
    import json

    from ostan_dash.ui import maps

    at = open_page(as_role)
    search = at.selectbox(key="karta_sok")
    assert search.value is None and search.label == "Sök gata eller plats"
    before = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "sokt-plats" not in [layer["id"] for layer in before["layers"]]
    search.select_index(search.options.index("Storgatan · gata")).run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ring = next(layer for layer in spec["layers"] if layer["id"] == "sokt-plats")
    lon, lat = ring["data"][0]["position"]
    view = spec["initialViewState"]
    assert (round(view["longitude"], 6), round(view["latitude"], 6)) == (lon, lat)
    assert view["zoom"] > before["initialViewState"]["zoom"]
    assert view["zoom"] <= maps.zoom_for_span(400.0, lat)
