"""Yearly area indicators: the six area criteria (DOMAIN.md "Prioritising areas").

Levels follow each area's socio-economic vulnerability (which also drives its incidence), drift
slowly and carry a little noise. Exactly one indicator worsens sharply in the latest year
(:data:`WORSENED`), so a "flag any change for the worse at once" rule has one clear case to find.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from ostan_dash.demo import geography as geo
from ostan_dash.demo.clock import complete_years

WORSENED = ("Björkdalen", "pct_not_working")
WORSENED_JUMP_PP = 6.5
ORGANISED_CRIME = {"Norrbacka": 0, "Österängen": 1}  # area → first year offset with it
INDICATORS = (
    "pct_unsafe",
    "pct_not_working",
    "pct_low_education",
    "pct_no_final_grades",
    "pct_under18",
    "pct_non_voters",
)


def _under18(a: geo.Area) -> float:
    return {
        "centrum": 11.0,
        "resecentrum": 9.0,
        "verksamhetsomrade": 6.0,
        "villaomrade": 24.0,
        "by": 21.0,
        "blandat": 17.0,
    }.get(a.kind, 17.0 + 12.0 * a.vulnerability)


def unsafe_truth(a: geo.Area, year: int, y0: int) -> float:
    """Share (%) of residents feeling unsafe outdoors in the evening: the survey's target."""
    base = 9.0 + 38.0 * a.vulnerability
    if a.kind in ("centrum", "resecentrum"):
        base += 6.0
    if a.name == "Resecentrum" and year >= y0 + 2:
        base -= 7.0  # the lighting (interventions.py)
    return base


def indicators(*, seed: int, today: dt.date) -> pl.DataFrame:
    """Every area × every complete year (official statistics lag a year)."""
    years = complete_years(today)
    y0 = years[0]
    rng = np.random.default_rng([seed, 21])
    rows = []
    for a in geo.AREAS:
        s = a.vulnerability
        level = {
            "pct_not_working": 3.0 + 30.0 * s**1.3 + rng.normal(0, 0.8),
            "pct_low_education": 6.0 + 28.0 * s + rng.normal(0, 1.0),
            "pct_no_final_grades": 4.0 + 30.0 * s + rng.normal(0, 1.0),
            "pct_under18": _under18(a) + rng.normal(0, 0.8),
            "pct_non_voters": 8.0 + 38.0 * s + rng.normal(0, 1.0),
        }
        drift = {
            "pct_not_working": -0.25,
            "pct_low_education": -0.3,
            "pct_no_final_grades": -0.2,
            "pct_under18": 0.0,
            "pct_non_voters": -0.2,
        }
        for i, y in enumerate(years):
            row = {"area": a.code, "year": y}
            for k, v in level.items():
                val = v + drift[k] * i + rng.normal(0, 0.25)
                if (a.name, k) == WORSENED and y == years[-1]:
                    val += WORSENED_JUMP_PP
                row[k] = float(np.clip(round(val, 2), 0.5, 99.0))
            row["pct_unsafe"] = round(unsafe_truth(a, y, y0) + rng.normal(0, 0.3), 2)
            pop = round(a.population * (1 - 0.006 * (len(years) - 1 - i)))
            row["population"] = pop
            row["population_under18"] = round(pop * row["pct_under18"] / 100)
            first = ORGANISED_CRIME.get(a.name)
            row["organised_crime"] = first is not None and y >= y0 + first
            rows.append(row)
    return pl.DataFrame(rows).select(
        "area", "year", "population", "population_under18", *INDICATORS, "organised_crime"
    )
