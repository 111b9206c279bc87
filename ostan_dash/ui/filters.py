"""The filter widgets of the analysis pages, kept in the address and remembered across pages.

The filter model itself is pure, in :mod:`ostan_dash.filters` (re-exported here for the pages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl

from ostan_dash.filters import (  # the pure model, re-exported for the pages
    COMPARISONS,
    PRESETS,
    SHARED_GROUPS,
    SHARED_STATE,
    SOURCES,
    WEEKDAYS,
    Filters,
    apply,
    attribute_expr,
    category_options,
    comparison_bounds,
    days_in,
    describe,
    fill_shared,
    filter_text,
    period_bounds,
    period_expr,
    shared_part,
    subtype_options,
)
from ostan_dash.text import date
from ostan_dash.ui.export import About

__all__ = [
    "COMPARISONS",
    "PRESETS",
    "SHARED_GROUPS",
    "SHARED_STATE",
    "SOURCES",
    "WEEKDAYS",
    "Filters",
    "apply",
    "attribute_expr",
    "category_options",
    "comparison_bounds",
    "days_in",
    "describe",
    "fill_shared",
    "filter_text",
    "period_bounds",
    "period_expr",
    "shared_part",
    "subtype_options",
    "about",
    "follow",
    "remember",
    "render",
    "write_query_params",
]


def about(
    filters: Filters,
    *,
    today: dt.date,
    title: str,
    area_names: Mapping[str, str] | None = None,
    org_names: Mapping[int, str] | None = None,
):
    """The header block of an export made under these filters
    (:class:`~ostan_dash.ui.export.About`): period and comparison with their dates, filters."""
    a, b = filters.bounds(today)
    c, d = filters.comparison_bounds(today)
    return About(
        title=title,
        period=f"{PRESETS[filters.preset]}: {date(a)} – {date(b)}",
        comparison=f"{COMPARISONS[filters.comparison]}: {date(c)} – {date(d)}",
        filters=filter_text(filters, area_names=area_names, org_names=org_names),
    )


def _url_params() -> dict[str, list[str]]:
    import streamlit as st

    return {k: st.query_params.get_all(k) for k in st.query_params}


def follow() -> dict[str, list[str]]:
    """Fill the remembered filters into this page's address where it says nothing of them;
    returns the address's parameters afterwards. Call before reading filters from the URL."""
    import streamlit as st

    params = _url_params()
    for k, v in fill_shared(params, st.session_state.get(SHARED_STATE, {})).items():
        st.query_params[k] = v if len(v) > 1 else v[0]
        params[k] = v
    return params


def remember(params: Mapping[str, Sequence[str]] | None = None) -> None:
    """Remember this page's shared filters (default: from its address) for the next page.
    A group the address no longer names is forgotten: the user chose its default."""
    import streamlit as st

    st.session_state[SHARED_STATE] = shared_part(params if params is not None else _url_params())


# Streamlit ---------------------------------------------------------------------------------
def render(
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    organisations: pl.DataFrame,
    *,
    today: dt.date,
    key: str = "f",
    container=None,
) -> Filters:
    """Draw the filter widgets (in the sidebar unless `container` is given), seeded from the
    URL, and write the resulting filter back to ``st.query_params``.

    Returns the filter in force. Query parameters that other code owns are left alone.
    """
    import streamlit as st

    box = container if container is not None else st.sidebar
    current = Filters.from_query_params(follow())
    with box:
        st.markdown("**Urval**")
        preset = st.selectbox(
            "Period",
            list(PRESETS),
            index=list(PRESETS).index(current.preset),
            format_func=PRESETS.get,
            key=f"{key}_period",
        )
        start, end = current.start, current.end
        if preset == "eget":
            default = (start, end) if start and end else period_bounds("4v", today)
            picked = st.date_input(
                "Från och med – till och med",
                value=default,
                max_value=today,
                format="YYYY-MM-DD",
                key=f"{key}_interval",
            )
            if isinstance(picked, (tuple, list)) and len(picked) == 2:
                start, end = picked
            else:
                start, end = default
        comparison = st.radio(
            "Jämför med",
            list(COMPARISONS),
            index=list(COMPARISONS).index(current.comparison),
            format_func=COMPARISONS.get,
            key=f"{key}_jfr",
        )
        source = st.radio(
            "Källa",
            list(SOURCES),
            index=list(SOURCES).index(current.source),
            format_func=SOURCES.get,
            horizontal=True,
            key=f"{key}_kalla",
        )
        cat_opts = category_options(incidents, source)
        categories = st.multiselect(
            "Kategori",
            list(cat_opts),
            default=[c for c in current.categories if c in cat_opts],
            format_func=cat_opts.get,
            placeholder="Alla kategorier",
            key=f"{key}_kategori",
            select_all=False,
        )
        sub_opts = subtype_options(incidents, categories)
        subtypes = st.multiselect(
            "Undertyp",
            list(sub_opts),
            default=[s for s in current.subtypes if s in sub_opts],
            format_func=sub_opts.get,
            placeholder="Alla undertyper" if categories else "Välj först en kategori",
            disabled=not sub_opts,
            key=f"{key}_undertyp",
            select_all=False,
        )
        area_names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
        chosen_areas = st.multiselect(
            "Områden",
            list(area_names),
            default=[a for a in current.areas if a in area_names],
            format_func=area_names.get,
            placeholder="Hela kommunen",
            key=f"{key}_omrade",
            select_all=False,
        )
        org_names = dict(
            zip(
                organisations["organisation_id"].to_list(),
                organisations["name"].to_list(),
                strict=True,
            )
        )
        orgs = st.multiselect(
            "Rapporterande organisation",
            list(org_names),
            default=[o for o in current.organisations if o in org_names],
            format_func=org_names.get,
            placeholder="Alla (även polisens brott)",
            help="Polisanmälda brott har ingen rapporterande organisation och "
            "visas inte när en organisation är vald.",
            key=f"{key}_org",
            select_all=False,
        )
        weekdays = st.multiselect(
            "Veckodagar",
            list(WEEKDAYS),
            default=list(current.weekdays),
            format_func=WEEKDAYS.get,
            placeholder="Alla dagar",
            key=f"{key}_dag",
            select_all=False,
        )
        h1, h2 = st.columns(2)
        hour_opts = list(range(24))
        first_hour = h1.selectbox(
            "Från kl.",
            hour_opts,
            index=current.hours[0],
            format_func=lambda h: f"{h:02d}:00",
            key=f"{key}_tim_fran",
        )
        last_hour = h2.selectbox(
            "Till kl.",
            hour_opts,
            index=current.hours[1],
            format_func=lambda h: f"{h:02d}:59",
            help="Klockslaget då händelsens tidsfönster började. En sluttid före starttiden "
            "går över midnatt (t.ex. 22–04).",
            key=f"{key}_tim_till",
        )
        hours = (first_hour, last_hour)
    chosen = Filters(
        preset=preset,
        start=start if preset == "eget" else None,
        end=end if preset == "eget" else None,
        comparison=comparison,
        source=source,
        categories=tuple(categories),
        subtypes=tuple(subtypes),
        areas=tuple(chosen_areas),
        organisations=tuple(orgs),
        weekdays=tuple(sorted(weekdays)),
        hours=(int(hours[0]), int(hours[1])),
    )
    write_query_params(chosen)
    remember()
    return chosen


_OWNED = (
    "period",
    "fran",
    "till",
    "jfr",
    "kalla",
    "kategori",
    "undertyp",
    "omrade",
    "org",
    "dag",
    "timmar",
)


def write_query_params(filters: Filters) -> None:
    """Make the URL say `filters` (only the keys this module owns are touched)."""
    import streamlit as st

    wanted = filters.to_query_params()
    for k in _OWNED:
        if k not in wanted and k in st.query_params:
            del st.query_params[k]
    for k, v in wanted.items():
        if st.query_params.get_all(k) != ([v] if isinstance(v, str) else v):
            st.query_params[k] = v
