"""Hot times and seasons: hour-of-week profiles and day-of-year factors of the demo's streams.

Routine-activity theory puts crime where offenders and targets meet without guardians: town
centres and travel hubs on Friday and Saturday nights, school yards on spring and summer evenings
(DOMAIN.md), outdoor disorder in summer, unlit places in the dark months.
"""

from __future__ import annotations

import numpy as np

# Hour-of-week profiles ------------------------------------------------------------------------
NATT, KVALL, DAG, JAMN, EVENT, SKOLKVALL = range(6)
PROFILE_KEYS = {
    "natt": NATT,
    "kvall": KVALL,
    "dag": DAG,
    "jamn": JAMN,
    "event": EVENT,
    "skolkvall": SKOLKVALL,
}

_NIGHT_BASE = np.array(
    [
        1.7,
        1.5,
        1.2,
        0.8,
        0.4,
        0.2,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.8,
        0.9,
        1.0,
        1.1,
        1.2,
        1.4,
        1.6,
        1.9,
        2.1,
        2.2,
        2.0,
    ]
)
_EVENING_BASE = np.array(
    [
        0.9,
        0.6,
        0.4,
        0.2,
        0.1,
        0.1,
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        1.0,
        1.4,
        1.7,
        1.9,
        2.1,
        2.2,
        2.3,
        2.1,
        1.8,
        1.3,
    ]
)
_DAY_BASE = np.array(
    [
        0.1,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.4,
        1.0,
        1.7,
        1.9,
        2.0,
        2.0,
        1.8,
        1.9,
        2.0,
        1.9,
        1.7,
        1.3,
        0.9,
        0.7,
        0.5,
        0.35,
        0.25,
        0.15,
    ]
)
_EVEN_BASE = np.array(
    [
        0.6,
        0.5,
        0.4,
        0.3,
        0.3,
        0.3,
        0.5,
        0.8,
        1.0,
        1.1,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.3,
        1.4,
        1.4,
        1.4,
        1.3,
        1.2,
        1.1,
        0.9,
        0.7,
    ]
)
_EVENT_BASE = np.array(
    [
        0.3,
        0.2,
        0.05,
        0.0,
        0.0,
        0.0,
        0.0,
        0.05,
        0.2,
        0.5,
        0.9,
        1.2,
        1.5,
        1.6,
        1.6,
        1.6,
        1.7,
        1.9,
        2.2,
        2.2,
        1.8,
        1.2,
        0.8,
        0.5,
    ]
)
_SCHOOL_BASE = np.array(
    [
        0.8,
        0.5,
        0.3,
        0.1,
        0.05,
        0.05,
        0.05,
        0.1,
        0.15,
        0.15,
        0.15,
        0.2,
        0.2,
        0.2,
        0.3,
        0.6,
        1.2,
        2.0,
        2.6,
        2.9,
        3.0,
        2.7,
        2.0,
        1.3,
    ]
)


def _weekly(
    base: np.ndarray, weekend_night: float, weekend_day: float, workdays_only: float = 1.0
) -> np.ndarray:
    w = np.tile(base, (7, 1)).astype(float)
    # Friday and Saturday evenings (18–23) and the nights after them (Sat/Sun 00–03).
    w[4, 18:] *= weekend_night
    w[5, 18:] *= weekend_night
    w[5, :4] *= weekend_night * 1.15
    w[6, :4] *= weekend_night * 1.15
    w[5, 8:18] *= weekend_day
    w[6, 4:18] *= weekend_day
    w[5:, :] *= workdays_only
    return w


def hour_of_week() -> np.ndarray:
    """Weights ``[profile, weekday (Mon=0), hour]``, each profile summing to 168."""
    out = np.stack(
        [
            _weekly(_NIGHT_BASE, 3.0, 1.0),
            _weekly(_EVENING_BASE, 1.9, 1.1),
            _weekly(_DAY_BASE, 1.0, 1.0, workdays_only=0.3),
            _weekly(_EVEN_BASE, 1.3, 1.0),
            _weekly(_EVENT_BASE, 1.6, 2.5)
            * np.array([0.35, 0.35, 0.35, 0.45, 0.9, 1.5, 1.1])[:, None],
            _weekly(_SCHOOL_BASE, 1.6, 1.4),
        ]
    )
    return out / out.sum(axis=(1, 2), keepdims=True) * 168


def day_factor(weights: np.ndarray) -> np.ndarray:
    """``[profile, weekday]``: a weekday's share of the week relative to 1/7 (mean 1)."""
    return weights.sum(axis=2) / 24.0


def hour_cdf(weights: np.ndarray) -> np.ndarray:
    """``[profile, weekday, 24]`` cumulative hour distribution within each day."""
    c = np.cumsum(weights, axis=2)
    return c / c[:, :, -1:]


# Seasons ---------------------------------------------------------------------------------
PLATT, SOMMAR, MORKER, SKOLGARD, ARBETE, CYKEL = range(6)
SEASON_KEYS = {
    "platt": PLATT,
    "sommar": SOMMAR,
    "morker": MORKER,
    "skolgard": SKOLGARD,
    "arbete": ARBETE,
    "cykel": CYKEL,
}


def seasons() -> np.ndarray:
    """``[season, day_of_year 0..365]`` factors with mean 1 over a year."""
    doy = np.arange(366, dtype=float)
    w = 2 * np.pi / 365.25
    rows = [
        np.ones_like(doy),
        1 + 0.30 * np.cos(w * (doy - 196)),
        1 + 0.55 * np.cos(w * (doy - 355)),
        0.25 + 1.9 * np.exp(-(((doy - 165) / 48) ** 2)),
        1 - 0.40 * np.exp(-(((doy - 200) / 16) ** 2)),
        1 + 0.75 * np.cos(w * (doy - 190)),
    ]
    out = np.stack(rows)
    return out / out[:, :365].mean(axis=1, keepdims=True)
