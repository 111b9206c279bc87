"""Sections of the Karta och tider page (content/karta.py): the view settings kept in the
address, the key figures, and the four tabs – the map with its method, accuracy and cell lists,
the hot times, season and trend, and the comparison of areas.

The statistics are in :mod:`ostan_dash.analysis.areas_compare`, the page's decisions in
:mod:`ostan_dash.analysis.karta_choice`, its tables in :mod:`ostan_dash.analysis.karta_tables`,
its sentences in :mod:`ostan_dash.ui.karta_narratives` and its figures in
:mod:`ostan_dash.ui.karta_charts`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import karta_choice as kc
from ostan_dash.analysis import karta_tables, locations
from ostan_dash.analysis.hottimes import hot_time_matrix
from ostan_dash.store import places as places_store
from ostan_dash.store import streets as streets_store
from ostan_dash.ui import charts, data, export, filters, fmt, karta_charts, maps, widgets
from ostan_dash.ui import karta_narratives as say

REGION_HELP = (
    "Befolkade rutor: rutor där någon bor eller som har dagbefolkning (centrum, "
    "resecentrum, köpcentrum), enligt befolkningsrutnätet. Hela kommunen: alla rutor, "
    "även skog och åker."
)
EXPECTATION_HELP = (
    "Befolkning: en ruta är het när den har fler händelser än väntat utifrån hur "
    "många som bor (eller vistas) där. Bara antal: Getis-Ord Gi* på antalen, som visar "
    "var folk finns lika mycket som var problemen är."
)
TABS = ["Karta", "Tider", "Säsong och trend", "Jämför områden"]
TAB_PARAM = "flik"


def tabs() -> Sequence[Any]:
    """The four tabs, the open one kept in the address (``?flik=Tider``; none for the map).
    Streamlit's lazy tabs: only the open tab's content runs, so a click on the map does not
    redraw the charts and tables of the others, and opening one reruns the page."""
    return st.tabs(TABS, key=TAB_PARAM, bind="query-params")


# Every cache below is keyed by the database's data version (``stamp``, sql/024): a write from
# any process shows on the next rerun, and nothing expires by a timer while a user clicks.
@st.cache_resource(max_entries=2, show_spinner=False)
def critical_places(stamp: int) -> pl.DataFrame:
    return places_store.places(critical_only=True)


@st.cache_resource(max_entries=16, show_spinner=False)
def street_lines(codes: tuple[str, ...], stamp: int) -> pl.DataFrame:
    """The streets around the chosen areas, simplified, for the map."""
    return streets_store.for_map(codes)


def search_labels(targets: pl.DataFrame) -> list[str]:
    """The search list's entries, "Storgatan · gata", in the targets' order (one string
    expression, not a Series lookup per option and rerun)."""
    return targets.select(pl.format("{} · {}", "label", "kind")).to_series().to_list()


@st.cache_data(show_spinner=False, max_entries=64)
def locations_of(centres: tuple[tuple[float, float], ...], stamp: int) -> list[str | None]:
    """Each point in words from its nearest street and place ("Storgatan vid Stora torget")."""
    near = streets_store.nearest([x for x, _ in centres], [y for _, y in centres])
    return near.select(locations.describe_expr()).to_series().to_list()


def with_location(cells: pl.DataFrame, *, cell_size: float, stamp: int) -> pl.DataFrame:
    """``cells`` with ``where``: its centre described by the nearest street and place."""
    if cells.is_empty():
        return cells.with_columns(where=pl.lit(None, dtype=pl.Utf8))
    centres = tuple(
        zip(
            (cells["x0"] + cell_size / 2).to_list(),
            (cells["y0"] + cell_size / 2).to_list(),
            strict=True,
        )
    )
    return cells.with_columns(where=pl.Series(locations_of(centres, stamp), dtype=pl.Utf8))


@st.cache_resource(max_entries=16, show_spinner=False)
def study(
    codes: tuple[str, ...], cell_size: int, region: str, stamp: int
) -> tuple[ac.StudyArea, np.ndarray | None]:
    """The study grid and region with the outline of the region (None for the whole
    municipality), per area choice, cell size, region and data version (the population grid is in it)."""
    grid = ac.study_area(
        data.areas(),
        cell_size=cell_size,
        codes=codes,
        population=data.population_cells(),
        region=region,
    )
    return grid, (ac.region_outline(grid) if region == "befolkade" else None)


@st.cache_resource(max_entries=8, show_spinner=False)
def density_raster(codes: tuple[str, ...], stamp: int) -> ac.StudyArea:
    """The fine raster of the density surface (the chosen areas, whatever the region)."""
    return ac.study_area(data.areas(), cell_size=ac.DENSITY_CELL_M, codes=codes)


@st.cache_resource(show_spinner=False, max_entries=16)
def tested_grid(
    view_key: str,
    version: data.Fingerprint,
    _now: pl.DataFrame,
    _before: pl.DataFrame,
    _study: ac.StudyArea,
    expectation: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The tested grid and its changed cells (:func:`ac.grid_results`), kept per filter with
    its dates resolved, view (cell size, region, expectation) and data version: a tab, a table
    sort or the hot-times choice does not test the grid again. Held, not copied (the frames
    are never changed)."""
    return ac.grid_results(_now, _before, _study, expectation=expectation)


@st.cache_resource(show_spinner=False, max_entries=16)
def period_rows(
    filter_key: str,
    version: data.Fingerprint,
    _incidents: pl.DataFrame,
    _f: filters.Filters,
    _bounds: tuple[dt.date, dt.date],
    _comparison: tuple[dt.date, dt.date],
    _area_ids: dict[str, int],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The period's and the comparison period's incidents (:func:`filters.apply`), kept per
    filter with its dates resolved (``filter_key``, :func:`period_key`) and data version: a
    change of view, tab or table does not filter 2.5 M rows again. Held, not copied."""
    return (
        filters.apply(_incidents, _f, bounds=_bounds, area_ids=_area_ids),
        filters.apply(_incidents, _f, bounds=_comparison, area_ids=_area_ids),
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def described_cells(
    view_key: str,
    version: data.Fingerprint,
    stamp: int,
    _grid: pl.DataFrame,
    _changes: pl.DataFrame,
    cell_size: float,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, tuple[int, int]]:
    """The cells worth naming described by street and place, the hot cells listed with their
    nearest critical place, the map's grid with the descriptions, and the numbers of hot and of
    new or growing cells; kept with :func:`tested_grid`'s key (held, not copied)."""
    named = with_location(kc.cells_to_name(_grid), cell_size=cell_size, stamp=stamp)
    hot_cells = ac.nearest_place(
        named.filter(pl.col("class") == "hot").head(kc.MAX_HOT_LISTED),
        critical_places(stamp),
        cell_size=cell_size,
    )
    map_grid = _grid.join(named.select("col", "row", "where"), on=["col", "row"], how="left")
    return named, hot_cells, map_grid, kc.hot_and_new(_grid, _changes)


@st.cache_data(show_spinner=False, max_entries=32)
def period_hot_times(
    filter_key: str, version: data.Fingerprint, _now: pl.DataFrame
) -> pl.DataFrame:
    """The aoristic weekday × hour matrix of the period (Ratcliffe 2002), keyed by the filter
    with its dates resolved and the data version; the frame itself is not hashed."""
    return hot_time_matrix(_now)


@st.cache_data(show_spinner=False, max_entries=32)
def period_compare(
    filter_key: str,
    version: data.Fingerprint,
    _k: Karta,
    history: tuple[dt.date, dt.date],
) -> pl.DataFrame:
    """The compare-areas table (:func:`ac.compare_areas`), keyed like
    :func:`period_hot_times`; the year of history (:func:`ac.history_bounds`) is filtered out
    of the whole frame only when the cache does not answer."""
    return ac.compare_areas(
        _k.now,
        _k.before,
        _k.areas,
        days_now=filters.days_in(_k.bounds),
        days_before=filters.days_in(_k.comparison),
        codes=_k.f.areas,
        history=filters.apply(_k.incidents, _k.f, bounds=history, area_ids=_k.area_ids),
        history_start=history[0],
    )


@st.cache_data(show_spinner=False, max_entries=16)
def month_profile(
    filter_key: str,
    version: data.Fingerprint,
    last_month_start: dt.date,
    _incidents: pl.DataFrame,
    _f: filters.Filters,
    _area_ids: dict[str, int],
) -> pl.DataFrame:
    """Incidents per month, year for year, over every year the filter lets through (whole
    months before ``last_month_start``): it scans the whole frame, so it is kept per filter
    and data version instead of redone on each rerun (a cell size or a map layer does not
    change it, nor does the period). Keyed by the filter's URL form without its period; the
    frames are not hashed."""
    all_years = filters.apply(_incidents, _f, period="none", area_ids=_area_ids)
    first_excluded = dt.datetime.combine(last_month_start, dt.time(), tzinfo=config.TZ)
    return ac.month_profile(all_years.filter(pl.col("occurred_from") < first_excluded))


def area_names(areas: pl.DataFrame) -> dict[str, str]:
    """Area code → name."""
    return dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))


def _write_url(changes: dict[str, str | None]) -> None:
    """Set or remove keys of the address (``None``: remove)."""
    for key, value in changes.items():
        if value is None:
            del st.query_params[key]
        else:
            st.query_params[key] = value


def view_settings(*, has_population: bool) -> kc.View:
    """Rutstorlek, Studerat område, Jämför med, the density surface and meeting mode, read from
    and written back to the address; without a population grid the map counts only."""
    url = kc.View.from_url(st.query_params)
    c1, c2, c3 = st.columns(3)
    cell_size = c1.segmented_control(
        "Rutstorlek",
        ac.CELL_SIZES,
        default=url.cell_size,
        format_func=lambda s: f"{s} m",
        key="karta_ruta",
    )
    region = c2.segmented_control(
        "Studerat område",
        list(ac.REGIONS),
        default=url.region,
        format_func=lambda r: ac.REGIONS[r],
        disabled=not has_population,
        help=REGION_HELP,
        key="karta_region",
    )
    expectation = c3.segmented_control(
        "Jämför med",
        list(ac.EXPECTATIONS),
        default=url.expectation,
        format_func=lambda e: ac.EXPECTATIONS[e],
        disabled=not has_population,
        help=EXPECTATION_HELP,
        key="karta_vantat",
    )
    c4, c5, _ = st.columns(3)
    view = kc.View(
        cell_size=cell_size or kc.DEFAULT_CELL,
        region=region or kc.DEFAULT_REGION,
        expectation=expectation or kc.DEFAULT_EXPECTATION,
        density=c4.toggle("Visa täthetsyta", value=url.density, key="karta_tathet"),
        large=c5.toggle("Presentationsläge", value=widgets.meeting_mode(), key="karta_visning"),
    ).effective(has_population=has_population)
    _write_url(kc.url_changes(st.query_params, view.url_entries(has_population=has_population)))
    if view.large:
        widgets.presentation_mode_css()
    return view


@dataclasses.dataclass(frozen=True, eq=False)
class Karta:
    """What the sections read: the filter and view, the periods, the incidents and results."""

    f: filters.Filters
    view: kc.View
    has_population: bool
    today: dt.date
    stamp: int
    incidents: pl.DataFrame
    areas: pl.DataFrame
    area_ids: dict[str, int]
    area_names: dict[str, str]
    org_names: dict[int, str]
    bounds: tuple[dt.date, dt.date]
    comparison: tuple[dt.date, dt.date]
    now: pl.DataFrame
    before: pl.DataFrame
    study: ac.StudyArea
    outline: np.ndarray | None
    grid: pl.DataFrame
    new_hotspots: pl.DataFrame
    named: pl.DataFrame
    map_grid: pl.DataFrame
    hot_cells: pl.DataFrame
    n_hot: int
    n_new: int
    view_key: str
    """:func:`period_key` with the cell size, region and expectation: what the tested grid and
    everything drawn from it are kept by (with the data version)."""


def compute(
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    f: filters.Filters,
    view: kc.View,
    *,
    today: dt.date,
    stamp: int,
    has_population: bool,
) -> Karta:
    """The period and comparison period filtered, the grid tested, and the cells worth naming
    described by street and place: what the key figures and every tab need. The hot times and
    the compare table are asked for by the tabs that show them (:func:`period_hot_times`,
    :func:`period_compare`)."""
    area_ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    bounds, comparison = f.bounds(today), f.comparison_bounds(today)
    fingerprint = data.version(incidents)
    filter_key = period_key(f, bounds, comparison)
    now, before = period_rows(filter_key, fingerprint, incidents, f, bounds, comparison, area_ids)
    grid_study, outline = study(f.areas, int(view.cell_size), view.region, stamp)
    view_key = f"{filter_key}|{view.cell_size}|{view.region}|{view.expectation}"
    grid, changes = tested_grid(view_key, fingerprint, now, before, grid_study, view.expectation)
    named, hot_cells, map_grid, (n_hot, n_new) = described_cells(
        view_key, fingerprint, stamp, grid, changes, view.cell_size
    )
    return Karta(
        f=f,
        view=view,
        has_population=has_population,
        today=today,
        stamp=stamp,
        incidents=incidents,
        areas=areas,
        area_ids=area_ids,
        area_names=area_names(areas),
        org_names=dict(data.organisations().select("organisation_id", "name").iter_rows()),
        bounds=bounds,
        comparison=comparison,
        now=now,
        before=before,
        study=grid_study,
        outline=outline,
        grid=grid,
        new_hotspots=changes,
        named=named,
        map_grid=map_grid,
        hot_cells=hot_cells,
        n_hot=n_hot,
        n_new=n_new,
        view_key=view_key,
    )


def period_key(
    f: filters.Filters, bounds: tuple[dt.date, dt.date], comparison: tuple[dt.date, dt.date]
) -> str:
    """The filter with its dates resolved: what the period's caches are keyed by."""
    return f"{sorted(f.to_query_params().items())}|{bounds}|{comparison}"


def _period_key(k: Karta) -> str:
    """:func:`period_key` of ``k``'s filter and periods."""
    return period_key(k.f, k.bounds, k.comparison)


def about(k: Karta, title: str) -> export.About:
    """The header block of this page's downloads: the filters and the method chosen."""
    base = filters.about(
        k.f, today=k.today, title=title, area_names=k.area_names, org_names=k.org_names
    )
    return dataclasses.replace(base, extra=(("Metod", say.download_method(k.view)),))


def key_figures(k: Karta) -> None:
    """The period's and the comparison period's incidents, hot and new or growing cells."""
    k1, k2, k3, k4 = st.columns(4)
    k1.metric("Händelser under perioden", fmt.number(k.now.height))
    k2.metric("Under jämförelseperioden", fmt.number(k.before.height))
    k3.metric("Heta rutor", fmt.number(k.n_hot))
    k4.metric("Nya eller växande heta rutor", fmt.number(k.n_new))


def hotspot_map(k: Karta) -> None:
    """The search for a street or place, the map and its legend with what it leaves out."""
    v = k.view
    street_frame = street_lines(k.f.areas, k.stamp)
    targets = data.search_targets()
    shown = search_labels(targets)
    sought = st.selectbox(
        "Sök gata eller plats",
        range(targets.height),
        index=None,
        format_func=shown.__getitem__,
        placeholder="Skriv ett gatunamn eller en plats …",
        key="karta_sok",
        help="Kartan centreras på gatan eller platsen och en blå ring markerar den.",
    )
    density = v.density and k.now.height > 0
    deck, omitted = hotspot_deck(
        k.view_key, data.version(k.incidents), k.stamp, density, sought, k, targets, street_frame
    )
    left, right = st.columns([4, 1])
    with left:
        st.pydeck_chart(deck, height=720 if v.large else 560, key="karta_map")
    with right:
        st.markdown("**Teckenförklaring**")
        st.html(
            maps.legend_html(
                cell_size=v.cell_size,
                density=density,
                alpha=ac.ALPHA,
                expectation=v.expectation,
                region=v.region,
                bandwidth=ac.DENSITY_BANDWIDTH_M,
                streets=not street_frame.is_empty(),
            )
        )
        if k.now.height > maps.MAX_POINTS:
            st.caption(say.points_hidden(maps.MAX_POINTS))
        if omitted:
            st.caption(say.cells_hidden(omitted, max_features=maps.MAX_FEATURES))
        if no_xy := k.now.filter(pl.col("x").is_null()).height:
            st.caption(say.without_point(no_xy))


@st.cache_data(max_entries=16, show_spinner=False)
def outside_region(view_key: str, version: data.Fingerprint, _k: Karta) -> int:
    """The period's incidents outside the studied region (:func:`ac.region_counts`), kept with
    the tested grid's key."""
    return ac.region_counts(_k.now, _k.study)[1]


@st.cache_resource(max_entries=16, show_spinner=False)
def hotspot_deck(
    view_key: str,
    version: data.Fingerprint,
    stamp: int,
    density: bool,
    sought: int | None,
    _k: Karta,
    _targets: pl.DataFrame,
    _streets: pl.DataFrame,
) -> tuple[maps.CompactDeck, int]:
    """The map (:func:`maps.hotspot_deck`) and the number of cells it leaves out, kept with
    the tested grid's key, the density choice and the place sought: a rerun with nothing
    changed sends the deck already built (and written as JSON: :class:`maps.CompactDeck`)."""
    k = _k
    labels = filters.category_options(k.incidents)
    return maps.hotspot_deck(
        k.areas,
        k.map_grid,
        cell_size=k.view.cell_size,
        points=k.now,
        places=critical_places(stamp),
        density=ac.density_grid(
            k.now, density_raster(k.f.areas, stamp), bandwidth=ac.DENSITY_BANDWIDTH_M
        )
        if density
        else None,
        density_cell_size=ac.DENSITY_CELL_M,
        codes=k.f.areas,
        point_labels={key: text.rsplit(" (", 1)[0] for key, text in labels.items()},
        region=k.outline,
        streets=_streets,
        focus=_targets.row(sought, named=True) if sought is not None else None,
    )


def method(k: Karta) -> None:
    """What makes a cell hot, and which cells were tested."""
    outside = outside_region(k.view_key, data.version(k.incidents), k)
    where = say.studied_region(
        k.view.region,
        studied_km2=k.study.km2,
        chosen_km2=kc.chosen_km2(k.study),
        outside=outside,
        has_population=k.has_population,
    )
    st.caption(f"{say.hot_cell_method(k.view.expectation)} {where}")


def accuracy(k: Karta) -> None:
    """PAI and PEI of the period's hot cells on the days after it, once those exist."""
    after = ac.after_period(k.bounds, today=k.today)
    if after is None:
        st.caption(say.accuracy_waiting(k.bounds[1]))
    elif k.n_hot == 0:
        st.caption(say.NO_HOT_TO_TEST)
    else:
        later = filters.apply(k.incidents, k.f, bounds=after, area_ids=k.area_ids)
        acc = ac.accuracy(k.grid, later, k.study)
        st.caption(say.accuracy(after, acc, n_hot=k.n_hot))


def hot_cells(k: Karta) -> None:
    """The hottest cells, described by street and place, with their nearest critical place."""
    cells = k.hot_cells
    if cells.is_empty():
        st.info(say.NO_HOT_CELLS)
        return
    first = cells.row(0, named=True)
    st.caption(
        say.hottest(cells.height, where=first["where"], place=first["place"], n=first["count"])
    )
    export.table(
        karta_tables.hot_cells(cells),
        name=f"heta-rutor-{k.bounds[0].isoformat()}",
        key="hot_cells",
        about=about(k, "Karta och tider – heta rutor"),
        height=export.table_height(cells.height, max_rows=10),
    )


def changed_cells(k: Karta) -> None:
    """The new, growing and shrinking cells against the comparison period."""
    st.caption(say.changes_method(filters.COMPARISONS[k.f.comparison].lower(), k.comparison))
    changed = ac.nearest_place(
        k.new_hotspots.join(k.named.select("col", "row", "where"), on=["col", "row"], how="left"),
        critical_places(k.stamp),
        cell_size=k.view.cell_size,
    )
    if changed.is_empty():
        st.info(say.NO_CHANGES)
        return
    export.table(
        karta_tables.changed_cells(changed),
        name=f"nya-heta-rutor-{k.bounds[0].isoformat()}",
        key="new_hot",
        about=about(k, "Karta och tider – nya, växande och minskande rutor"),
        height=export.table_height(changed.height, max_rows=15),
        column_config={"p (förändring)": st.column_config.NumberColumn(format="%.4f")},
    )


def hot_times(k: Karta) -> None:
    """The weekday × hour chart for the whole selection, one area or one hot cell (in the
    address as ``tider``)."""
    scopes = say.time_scopes(
        k.f.areas or tuple(k.area_names),
        k.area_names,
        k.hot_cells.select("col", "row", "count", "place", "where").iter_rows(),
    )
    keys = list(scopes)
    url_scope = st.query_params.get("tider", kc.ALL)
    key = (
        st.selectbox(
            "Visa tider för",
            keys,
            index=keys.index(url_scope) if url_scope in scopes else 0,
            format_func=lambda s: scopes[s],
            key="karta_tider",
        )
        or kc.ALL
    )
    _write_url(kc.url_changes(st.query_params, (("tider", key, kc.ALL),)))
    scope = kc.TimeScope.parse(key)
    part = kc.scope_incidents(k.now, scope, area_ids=k.area_ids, study=k.study)
    if part.is_empty():
        st.info(say.NO_TIMES)
        return
    matrix = (
        period_hot_times(_period_key(k), data.version(k.incidents), k.now)
        if scope.kind == kc.ALL
        else hot_time_matrix(part)
    )
    title = say.hot_times_title(scopes[key], whole=scope.kind == kc.ALL, n=part.height)
    charts.chart(karta_charts.hot_times, matrix, title=title, large=k.view.large)
    st.caption(say.AORISTIC)


def weekly(k: Karta) -> None:
    """Incidents per ISO week, the period beside the comparison period."""
    table = ac.weekly_comparison(k.now, k.before, bounds=k.bounds, comparison=k.comparison)
    labels = say.weekly_labels(k.bounds, k.comparison, filters.COMPARISONS[k.f.comparison])
    charts.chart(
        karta_charts.weekly_comparison,
        table,
        title=say.WEEKLY_TITLE,
        labels=labels,
        large=k.view.large,
    )


def season(k: Karta) -> None:
    """Incidents per month, year for year, over every year the filter lets through."""
    undated = dataclasses.replace(k.f, preset="4v", start=None, end=None, comparison="foregaende")
    profile = month_profile(
        f"{sorted(undated.to_query_params().items())}",
        data.version(k.incidents),
        k.today.replace(day=1),
        k.incidents,
        undated,
        k.area_ids,
    )
    if profile.is_empty():
        st.info(say.NO_MONTHS)
        return
    charts.chart(
        karta_charts.month_profile,
        kc.whole_months(profile, k.today),
        title=say.SEASON_TITLE,
        partial_year=k.today.year,
        large=k.view.large,
    )


def compare_areas(k: Karta) -> None:
    """Each area's change against the municipality's, with its verdict."""
    compare = period_compare(
        _period_key(k), data.version(k.incidents), k, ac.history_bounds(k.bounds, k.comparison)
    )
    change, dispersion = kc.region_figures(compare)
    st.caption(
        say.compare_method(
            k.bounds,
            k.comparison,
            region_change_pct=change,
            dispersion=dispersion,
            n_areas=compare.height,
        )
    )
    export.table(
        karta_tables.compare_areas(compare),
        name=f"jamfor-omraden-{k.bounds[0].isoformat()}",
        key="compare",
        about=about(k, "Karta och tider – jämförelse av områden"),
        height=export.table_height(compare.height, max_rows=15),
        column_config={
            "Per 1 000 inv.": st.column_config.NumberColumn(format="%.2f"),
            "Förändring %": st.column_config.NumberColumn(format="%+.0f %%"),
        },
    )
