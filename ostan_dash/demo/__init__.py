"""The synthetic Östan data set: a municipality of 100,000 with five years of EST reports,
police-reported crimes, area indicators, safety surveys and interventions with built-in effects.

``load()`` writes it into an empty migrated database (``ostan-dash demo load``); the generators
(``incidents``, ``indicators``, ``survey``, ``interventions``) are pure and return Polars frames.
Everything is a function of ``(seed, scale, today)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ostan_dash.demo.clock import complete_years, default_today, period, years
from ostan_dash.demo.indicators import WORSENED
from ostan_dash.demo.load import DemoAlreadyLoaded, is_loaded, load
from ostan_dash.demo.people import DEMO_PASSWORD, DEMO_USERS, EXTRA_USERS, DemoUser


@dataclass(frozen=True)
class Known:
    """Facts about the demo data that tests and demos can rely on (look interventions up by
    title: ids depend on the database's sequences)."""

    hot_spot_areas: tuple[str, ...]
    school_yard_area: str
    successful_interventions: tuple[str, ...]
    successful_intervention: str
    successful_intervention_id: int  # ids as in a freshly migrated database (insert order)
    displaced_intervention_id: int
    no_effect_intervention_id: int
    displaced_intervention: str
    diffusion_intervention: str
    no_effect_intervention: str
    running_intervention: str
    planned_intervention: str
    cancelled_intervention: str
    worsened_area: str
    worsened_indicator: str
    organised_crime_areas: tuple[str, ...]
    n_areas: int
    population: int


def _known() -> Known:
    import datetime as dt

    from ostan_dash.demo import geography as geo
    from ostan_dash.demo import interventions as ivs

    all_ivs = ivs.interventions(dt.date(2026, 1, 1))
    by_key = {iv.key: iv.title for iv in all_ivs}
    id_of = {iv.key: i for i, iv in enumerate(all_ivs, start=1)}
    return Known(
        hot_spot_areas=tuple(dict.fromkeys(h.area for h in geo.HOT_SPOTS)),
        school_yard_area=geo.HOT_SPOT_BY_KEY["skolgard"].area,
        successful_interventions=(
            by_key["resecentrum_belysning"],
            by_key["torget_kamera"],
            by_key["solhojden_skolgard"],
        ),
        successful_intervention=by_key["resecentrum_belysning"],
        successful_intervention_id=id_of["resecentrum_belysning"],
        displaced_intervention_id=id_of["norrbacka_fotpatrull"],
        no_effect_intervention_id=id_of["kvarnbacken_foraldrastod"],
        displaced_intervention=by_key["norrbacka_fotpatrull"],
        diffusion_intervention=by_key["osterangen_nattvandring"],
        no_effect_intervention=by_key["kvarnbacken_foraldrastod"],
        running_intervention=by_key["osterangen_klotter"],
        planned_intervention=by_key["stadsparken_belysning"],
        cancelled_intervention=by_key["kopcentrum_ordningsvakter"],
        worsened_area=WORSENED[0],
        worsened_indicator=WORSENED[1],
        organised_crime_areas=("Norrbacka", "Österängen"),
        n_areas=len(geo.AREAS),
        population=sum(a.population for a in geo.AREAS),
    )


KNOWN = _known()

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "EXTRA_USERS",
    "KNOWN",
    "DemoAlreadyLoaded",
    "DemoUser",
    "Known",
    "complete_years",
    "default_today",
    "is_loaded",
    "load",
    "period",
    "years",
]
