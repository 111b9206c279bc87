"""EST incident reports and police-reported crimes as marked point processes.

Each *stream* is one (source, category, subtype) for EST reports or one (source, crime type) for
police crimes; a source is a hot spot (a spatial Gaussian around a place) or an area's background
(proportional to its population and socio-economic vulnerability). The daily count of a stream is
Poisson with mean

    annual / 365.25 · season(day of year) · weekday(profile) · weekly noise · trend · scale,

the local hour is drawn from the stream's hour-of-week profile (Friday/Saturday nights, school-yard
evenings, office hours), and a report's time *window* models incidents discovered after the fact
(hours, or a whole weekend Friday 18:00 → Monday 07:00). Special events add reports and disorder
around their place and time. Intervention effects are applied last (``interventions.py``).
Everything is vectorised; Python loops run over streams, sources and events only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from ostan_dash import vocab
from ostan_dash.demo import geography as geo
from ostan_dash.demo import interventions as ivs
from ostan_dash.demo import profiles as pr
from ostan_dash.demo.clock import (
    MINUTES_PER_DAY,
    day_number,
    local_minutes_to_utc,
    period,
    weekday,
)
from ostan_dash.demo.people import ORG_KEYS, REPORTERS

# Volumes at scale 1 (per year, before interventions) -------------------------------------------
EST_TOTALS = {
    "skadegorelse": 2900,
    "incident_mot_anstalld": 680,
    "otrygg_plats": 1260,
    "otrygg_samling": 1370,
    "annat_otryggt": 1790,
    "sarskilt_evenemang": 90,
}
EST_HOT_SHARE = {
    "skadegorelse": 0.35,
    "incident_mot_anstalld": 0.30,
    "otrygg_plats": 0.35,
    "otrygg_samling": 0.55,
    "annat_otryggt": 0.50,
    "sarskilt_evenemang": 0.30,
}
CATS = tuple(vocab.CATEGORIES)

# Sources: the five hot spots, the shopping centre (police and staff incidents), the areas.
EXTRA_SPOTS = (
    geo.HotSpot("kopcentrum", "Köpcentrum Norr", "Norra industriområdet", 1750, 2550, 120),
)
SPOTS = geo.HOT_SPOTS + EXTRA_SPOTS
N_SPOTS = len(SPOTS)
N_SOURCES = N_SPOTS + len(geo.AREAS)
EVENT_SOURCE = N_SOURCES  # pseudo-source of event-related incidents (placed by the event)

# hot spot → weight per EST category (order of CATS)
EST_SPOT_W = {
    "centrum": (1.0, 1.3, 0.8, 1.0, 1.4, 2.0),
    "resecentrum": (0.9, 1.1, 1.3, 1.0, 1.0, 0.3),
    "skolgard": (0.8, 0.3, 0.3, 0.7, 0.4, 0.1),
    "norrbacka": (1.0, 0.8, 0.8, 1.3, 1.1, 0.4),
    "osterangen": (0.9, 0.7, 0.8, 1.0, 1.0, 0.4),
    "kopcentrum": (0.15, 0.6, 0.1, 0.15, 0.2, 0.05),
}
VISITORS = {"Centrum": 7000, "Resecentrum": 5000, "Norra industriområdet": 3000}


def _source_kind(src: int) -> str:
    """'centre', 'school', 'housing', 'villa', 'by', 'mixed' or 'work' for subtype/org mixes."""
    if src < N_SPOTS:
        key = SPOTS[src].key
        return {
            "centrum": "centre",
            "resecentrum": "travel",
            "skolgard": "school",
            "kopcentrum": "work",
        }.get(key, "housing")
    kind = geo.AREAS[src - N_SPOTS].kind
    return {
        "centrum": "centre",
        "resecentrum": "travel",
        "flerbostadsomrade": "housing",
        "blandat": "mixed",
        "villaomrade": "villa",
        "by": "by",
        "verksamhetsomrade": "work",
    }[kind]


def _area_of_source(src: int) -> geo.Area:
    if src < N_SPOTS:
        return geo.BY_NAME[SPOTS[src].area]
    return geo.AREAS[src - N_SPOTS]


# EST subtype mixes ----------------------------------------------------------------------------
_SUB = {
    "skadegorelse": {
        "bilbrand": 4,
        "brand": 8,
        "klotter": 42,
        "skadegorelse_fordon": 14,
        "ovrig_skadegorelse": 32,
    },
    "incident_mot_anstalld": {"hindrad": 25, "hotad": 35, "vald": 12, "otrygg_i_arbetet": 28},
    "otrygg_plats": {
        "belysning": 25,
        "insyn": 12,
        "klotter": 18,
        "skadegorelse": 12,
        "nedskrapning": 23,
        "odslig_plats": 10,
    },
    "otrygg_samling": {"trapphus": 35, "utomhus": 55, "annan_inomhus": 10},
    "annat_otryggt": {
        "brak": 30,
        "vald": 12,
        "inbrott": 10,
        "olovlig_trafik": 25,
        "tillhyggen": 8,
        "drogforsaljning": 15,
    },
    "sarskilt_evenemang": {
        "demonstration": 8,
        "idrottsevenemang": 25,
        "konsert": 15,
        "omradesevenemang": 25,
        "ungdomsfest": 17,
        "uthyrning_lokaler": 10,
    },
}
_SUB_OVERRIDE = {
    ("skadegorelse", "housing"): {"bilbrand": 8, "brand": 10},
    ("skadegorelse", "school"): {"bilbrand": 0, "skadegorelse_fordon": 2, "brand": 12},
    ("skadegorelse", "travel"): {"klotter": 50, "skadegorelse_fordon": 6},
    ("otrygg_samling", "housing"): {"trapphus": 55, "utomhus": 38},
    ("otrygg_samling", "centre"): {"trapphus": 5, "utomhus": 70, "annan_inomhus": 25},
    ("otrygg_samling", "travel"): {"trapphus": 2, "utomhus": 75, "annan_inomhus": 23},
    ("otrygg_samling", "villa"): {"trapphus": 3},
    ("otrygg_samling", "by"): {"trapphus": 5},
    ("otrygg_samling", "school"): {"trapphus": 0, "annan_inomhus": 5},
    ("annat_otryggt", "housing"): {"drogforsaljning": 22, "olovlig_trafik": 28},
    ("annat_otryggt", "villa"): {"inbrott": 30, "drogforsaljning": 3, "brak": 15},
    ("annat_otryggt", "by"): {"inbrott": 25, "olovlig_trafik": 40, "drogforsaljning": 3},
    ("annat_otryggt", "centre"): {"brak": 45, "vald": 18, "olovlig_trafik": 10},
    ("otrygg_plats", "travel"): {"belysning": 35, "insyn": 20},
}


def _subtype_mix(cat: str, kind: str) -> dict[str, float]:
    mix = dict(_SUB[cat])
    mix.update(_SUB_OVERRIDE.get((cat, kind), {}))
    total = sum(mix.values())
    return {k: v / total for k, v in mix.items()}


def _est_profile(cat: str, sub: str, kind: str) -> tuple[int, int]:
    """(hour-of-week profile, season) of an EST stream."""
    if kind == "school" and cat != "incident_mot_anstalld":
        return pr.SKOLKVALL, pr.SKOLGARD
    if cat == "skadegorelse":
        return pr.NATT, pr.SOMMAR
    if cat == "incident_mot_anstalld":
        return pr.DAG, pr.ARBETE
    if cat == "otrygg_plats":
        if sub in ("belysning", "insyn", "odslig_plats"):
            return pr.KVALL, pr.MORKER
        return pr.DAG, pr.SOMMAR
    if cat == "otrygg_samling":
        return (pr.KVALL, pr.PLATT) if sub != "utomhus" else (pr.NATT, pr.SOMMAR)
    if cat == "annat_otryggt":
        if sub in ("brak", "vald", "inbrott"):
            return pr.NATT, pr.SOMMAR
        if sub == "tillhyggen":
            return pr.DAG, pr.PLATT
        return pr.KVALL, pr.SOMMAR
    return pr.EVENT, pr.SOMMAR


# (p_exact, p_hours, p_weekend, min hours, max hours) of the report's time window
_EST_WINDOW = {
    ("skadegorelse", "bilbrand"): (0.9, 0.1, 0.0, 1, 5),
    ("skadegorelse", "brand"): (0.8, 0.2, 0.0, 1, 8),
    ("skadegorelse", "klotter"): (0.15, 0.5, 0.35, 2, 16),
    ("skadegorelse", "skadegorelse_fordon"): (0.2, 0.65, 0.15, 4, 14),
    ("skadegorelse", "ovrig_skadegorelse"): (0.3, 0.45, 0.25, 2, 14),
    ("annat_otryggt", "inbrott"): (0.1, 0.6, 0.3, 3, 48),
    ("annat_otryggt", "tillhyggen"): (0.2, 0.6, 0.2, 2, 24),
    ("annat_otryggt", "drogforsaljning"): (0.7, 0.3, 0.0, 1, 5),
}
_CAT_WINDOW = {
    "incident_mot_anstalld": (0.95, 0.05, 0.0, 1, 3),
    "otrygg_plats": (0.6, 0.35, 0.05, 1, 10),
    "otrygg_samling": (0.85, 0.15, 0.0, 1, 4),
    "annat_otryggt": (0.9, 0.1, 0.0, 1, 3),
    "sarskilt_evenemang": (0.0, 1.0, 0.0, 2, 6),
}

# Objects hit by skadegörelse
OBJ = tuple(vocab.OBJECT_TYPES)
_OBJ_BASE = {
    "skola": 12,
    "forskola": 3,
    "bostadshus": 20,
    "trapphus_kallare": 15,
    "fordon": 0,
    "busshallplats": 15,
    "park_lekplats": 7,
    "butik": 12,
    "annan": 16,
}
_OBJ_KIND = {
    "housing": {"bostadshus": 30, "trapphus_kallare": 30, "butik": 5},
    "centre": {
        "butik": 35,
        "busshallplats": 20,
        "bostadshus": 12,
        "trapphus_kallare": 5,
        "skola": 3,
    },
    "travel": {
        "busshallplats": 50,
        "annan": 35,
        "butik": 15,
        "skola": 0,
        "bostadshus": 0,
        "trapphus_kallare": 0,
        "forskola": 0,
    },
    "school": {
        "skola": 85,
        "forskola": 6,
        "annan": 9,
        "bostadshus": 0,
        "trapphus_kallare": 0,
        "busshallplats": 0,
        "park_lekplats": 0,
        "butik": 0,
    },
    "villa": {"bostadshus": 35, "trapphus_kallare": 2, "park_lekplats": 12},
    "by": {"bostadshus": 30, "trapphus_kallare": 2, "butik": 5},
    "work": {"butik": 40, "annan": 30},
}


def _object_mix(sub: str, kind: str) -> np.ndarray:
    if sub in ("bilbrand", "skadegorelse_fordon"):
        mix = dict.fromkeys(OBJ, 0.0) | {"fordon": 1.0}
    else:
        mix = {k: float(v) for k, v in _OBJ_BASE.items()}
        mix.update(_OBJ_KIND.get(kind, {}))
        if sub == "brand":
            mix["annan"] += 20  # containers and rubbish bins
    w = np.array([mix[k] for k in OBJ], dtype=float)
    return w / w.sum()


# Reporting organisations
_ORG_BY_AREA = {
    "centre": {"kommun": 30, "polis": 20, "centrum": 45, "ostanhem": 5},
    "travel": {"kommun": 50, "polis": 35, "centrum": 15},
    "mixed": {"hemvist": 30, "ostanhem": 15, "kommun": 30, "polis": 17, "skola": 8},
    "villa": {"kommun": 50, "polis": 35, "skola": 15},
    "by": {"kommun": 55, "polis": 35, "skola": 10},
    "work": {"kommun": 35, "polis": 35, "centrum": 30},
    "school": {"skola": 60, "kommun": 25, "polis": 15},
}
_HOUSING_ORGS = {
    "Norrbacka": {"ostanhem": 60, "kommun": 17, "polis": 15, "skola": 8},
    "Österängen": {"ostanhem": 60, "kommun": 17, "polis": 15, "skola": 8},
    "Björkdalen": {"hemvist": 60, "kommun": 17, "polis": 15, "skola": 8},
    "Solhöjden": {"ostanhem": 35, "hemvist": 25, "kommun": 17, "polis": 15, "skola": 8},
}


def _org_mix(src: int, cat: str, sub: str) -> np.ndarray:
    kind = _source_kind(src) if src != EVENT_SOURCE else "event"
    if kind == "event":
        mix = {"kommun": 45, "polis": 35, "centrum": 20}
    elif kind == "housing":
        mix = dict(_HOUSING_ORGS[_area_of_source(src).name])
    else:
        mix = dict(_ORG_BY_AREA[kind])
    if cat == "incident_mot_anstalld":
        employer = {
            "housing": "ostanhem",
            "centre": "centrum",
            "work": "centrum",
            "school": "skola",
            "travel": "kommun",
        }.get(kind, "kommun")
        if kind == "housing":
            employer = max(
                _HOUSING_ORGS[_area_of_source(src).name],
                key=_HOUSING_ORGS[_area_of_source(src).name].get,
            )
        mix = {k: v * 0.3 for k, v in mix.items()}
        mix[employer] = mix.get(employer, 0) + 70
    if sub in ("bilbrand", "brand"):
        total = sum(mix.values())
        mix = {k: v * 0.45 / total for k, v in mix.items()}
        mix["rtj"] = mix.get("rtj", 0) + 0.55
    w = np.array([mix.get(k, 0.0) for k in ORG_KEYS], dtype=float)
    return w / w.sum()


_DESCRIPTIONS = {
    ("skadegorelse", "klotter"): ("Klotter på fasad.", "Klotter i busskur.", "Tags på elskåp."),
    ("skadegorelse", "ovrig_skadegorelse"): (
        "Krossad ruta i entrédörr.",
        "Sönderslagen busskur.",
        "Trasig belysningsarmatur.",
    ),
    ("skadegorelse", "brand"): ("Brand i soptunna.", "Brand i container."),
    ("skadegorelse", "bilbrand"): ("Bil i brand på parkeringen.",),
    ("skadegorelse", "skadegorelse_fordon"): ("Sönderslagna backspeglar på flera bilar.",),
    ("otrygg_plats", "belysning"): ("Trasig gatubelysning längs gångvägen.",),
    ("otrygg_plats", "nedskrapning"): ("Mycket skräp och glas vid bänkarna.",),
    ("otrygg_samling", "trapphus"): ("Grupp unga i trapphuset, rökning och högljutt.",),
    ("otrygg_samling", "utomhus"): ("Större grupp samlad vid torget, stökigt.",),
    ("annat_otryggt", "olovlig_trafik"): ("Mopeder i hög fart på gång- och cykelväg.",),
    ("annat_otryggt", "tillhyggen"): ("Stenupplag vid skolan.", "Tillhygge hittat i buskage."),
    ("incident_mot_anstalld", "hotad"): ("Personal hotad vid entrén.",),
}
DESCRIPTION_SHARE = 0.05

# Police crime types --------------------------------------------------------------------------
# type, group, per year, hot-spot share, profile, season, window (p_exact, p_hours, p_weekend,
# min h, max h), share without a point, area weighting
POLICE_TYPES: tuple[tuple, ...] = (
    ("Stöld ur fordon", "stold", 650, 0.15, "natt", "sommar", (0.1, 0.9, 0.0, 2, 12), 0.02, "gen"),
    ("Cykelstöld", "stold", 1000, 0.35, "dag", "cykel", (0.05, 0.95, 0.0, 1, 10), 0.03, "gen"),
    ("Butiksstöld", "stold", 1000, 0.65, "dag", "platt", (0.9, 0.1, 0.0, 1, 3), 0.01, "work"),
    ("Stöld, övrig", "stold", 850, 0.2, "dag", "platt", (0.5, 0.5, 0.0, 1, 24), 0.08, "gen"),
    ("Fickstöld", "stold", 200, 0.7, "dag", "platt", (0.3, 0.7, 0.0, 1, 4), 0.05, "gen"),
    (
        "Bostadsinbrott",
        "inbrott",
        330,
        0.0,
        "dag",
        "morker",
        (0.05, 0.95, 0.0, 2, 240),
        0.0,
        "villa",
    ),
    (
        "Inbrott i källare/vind",
        "inbrott",
        300,
        0.05,
        "natt",
        "platt",
        (0.05, 0.95, 0.0, 4, 120),
        0.0,
        "flat",
    ),
    (
        "Inbrott i butik/lokal",
        "inbrott",
        180,
        0.3,
        "natt",
        "platt",
        (0.1, 0.7, 0.2, 4, 60),
        0.0,
        "work",
    ),
    (
        "Skadegörelse",
        "skadegorelse",
        1150,
        0.3,
        "natt",
        "sommar",
        (0.3, 0.45, 0.25, 2, 14),
        0.03,
        "gen",
    ),
    ("Klotter", "skadegorelse", 400, 0.35, "natt", "sommar", (0.1, 0.5, 0.4, 2, 16), 0.02, "gen"),
    (
        "Skadegörelse genom brand",
        "skadegorelse",
        90,
        0.2,
        "natt",
        "platt",
        (0.7, 0.3, 0.0, 1, 6),
        0.0,
        "flat",
    ),
    ("Misshandel", "vald", 750, 0.45, "natt", "sommar", (0.85, 0.15, 0.0, 1, 3), 0.04, "gen"),
    ("Misshandel, grov", "vald", 70, 0.5, "natt", "sommar", (0.9, 0.1, 0.0, 1, 2), 0.02, "gen"),
    ("Våld mot tjänsteman", "vald", 60, 0.5, "natt", "platt", (1.0, 0.0, 0.0, 1, 1), 0.0, "gen"),
    ("Olaga hot", "hot", 600, 0.3, "jamn", "platt", (0.7, 0.3, 0.0, 1, 12), 0.08, "gen"),
    ("Ofredande", "hot", 420, 0.35, "kvall", "platt", (0.7, 0.3, 0.0, 1, 6), 0.06, "gen"),
    (
        "Narkotikabrott, innehav",
        "narkotika",
        800,
        0.6,
        "kvall",
        "platt",
        (0.95, 0.05, 0.0, 1, 2),
        0.0,
        "gen",
    ),
    (
        "Narkotikabrott, eget bruk",
        "narkotika",
        250,
        0.5,
        "natt",
        "platt",
        (0.95, 0.05, 0.0, 1, 2),
        0.0,
        "gen",
    ),
    (
        "Narkotikabrott, överlåtelse",
        "narkotika",
        50,
        0.7,
        "kvall",
        "platt",
        (0.6, 0.4, 0.0, 1, 24),
        0.0,
        "gen",
    ),
    ("Rån", "rån", 40, 0.5, "natt", "platt", (0.9, 0.1, 0.0, 1, 2), 0.0, "gen"),
    ("Personrån", "rån", 70, 0.55, "natt", "platt", (0.9, 0.1, 0.0, 1, 2), 0.0, "gen"),
    ("Rattfylleri", "trafik", 350, 0.05, "natt", "sommar", (1.0, 0.0, 0.0, 1, 1), 0.0, "rural"),
    ("Olovlig körning", "trafik", 400, 0.05, "jamn", "platt", (1.0, 0.0, 0.0, 1, 1), 0.0, "rural"),
    (
        "Trafikbrott, övrigt",
        "trafik",
        150,
        0.1,
        "jamn",
        "sommar",
        (1.0, 0.0, 0.0, 1, 1),
        0.0,
        "rural",
    ),
    ("Bedrägeri", "ovrigt", 1500, 0.0, "dag", "platt", (0.3, 0.7, 0.0, 2, 720), 0.6, "pop"),
    ("Olaga intrång", "ovrigt", 150, 0.2, "natt", "platt", (0.6, 0.4, 0.0, 1, 8), 0.0, "gen"),
    ("Brott mot knivlagen", "ovrigt", 60, 0.6, "natt", "platt", (1.0, 0.0, 0.0, 1, 1), 0.0, "gen"),
    ("Övriga brott", "ovrigt", 250, 0.1, "jamn", "platt", (0.5, 0.5, 0.0, 1, 48), 0.25, "gen"),
)
# hot spot → weight per police crime group (others 1)
_POLICE_SPOT_W = {
    "centrum": {"stold": 2.0, "vald": 2.5, "narkotika": 1.5, "rån": 1.5, "hot": 1.5},
    "resecentrum": {"stold": 2.0, "vald": 1.2, "narkotika": 1.5, "rån": 1.5},
    "skolgard": {
        "stold": 0.1,
        "vald": 0.3,
        "skadegorelse": 1.2,
        "narkotika": 0.3,
        "rån": 0.2,
        "hot": 0.3,
        "inbrott": 0.5,
        "trafik": 0.1,
        "ovrigt": 0.2,
    },
    "norrbacka": {"stold": 0.5, "narkotika": 1.8, "rån": 1.3},
    "osterangen": {"stold": 0.5, "narkotika": 1.4},
    "kopcentrum": {
        "stold": 2.5,
        "vald": 0.2,
        "narkotika": 0.2,
        "skadegorelse": 0.3,
        "hot": 0.3,
        "rån": 0.5,
    },
}
_POLICE_TYPE_SPOT_W = {
    "Butiksstöld": {
        "centrum": 3.0,
        "kopcentrum": 5.0,
        "resecentrum": 0.3,
        "skolgard": 0.0,
        "norrbacka": 0.6,
        "osterangen": 0.5,
    },
    "Cykelstöld": {"resecentrum": 6.0, "centrum": 2.0, "kopcentrum": 0.5},
    "Stöld ur fordon": {"kopcentrum": 3.0, "resecentrum": 2.0},
    "Fickstöld": {"centrum": 4.0, "resecentrum": 2.0, "kopcentrum": 2.0, "skolgard": 0.0},
}


def _area_weight(area: geo.Area, mode: str) -> float:
    pop = area.population + VISITORS.get(area.name, 0)
    socio = 0.3 + 1.7 * area.vulnerability
    if mode == "villa":
        return area.population * (1.8 if area.kind in ("villaomrade", "by") else 0.6)
    if mode == "flat":
        return (
            area.population
            * (1.6 if area.kind in ("flerbostadsomrade", "blandat") else 0.2)
            * socio
        )
    if mode == "work":
        return pop * (3.0 if area.kind in ("centrum", "verksamhetsomrade") else 0.3)
    if mode == "rural":
        return area.population * (2.0 if area.kind == "by" else 1.0)
    if mode == "pop":
        return float(area.population)
    return pop * socio


# The model ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Streams:
    source: np.ndarray
    cat: np.ndarray  # index into the category (EST) or crime-type (police) list
    sub: np.ndarray  # index into SUB_KEYS (EST) or -1
    annual: np.ndarray
    profile: np.ndarray
    season: np.ndarray
    window: np.ndarray  # [n, 5]
    org_cdf: np.ndarray  # [n, n_orgs]
    obj_cdf: np.ndarray  # [n, n_obj]
    nopoint: np.ndarray


SUB_KEYS = tuple(f"{c}:{s}" for c in CATS for s in vocab.SUBTYPES[c])
SUB_INDEX = {k: i for i, k in enumerate(SUB_KEYS)}


def _est_streams() -> Streams:
    rows = []
    cat_area_w = {}
    for c in CATS:
        w = np.array([_area_weight(a, "gen") for a in geo.AREAS])
        if c == "incident_mot_anstalld":
            w = w * np.array(
                [
                    2.5 if a.kind in ("centrum", "resecentrum", "verksamhetsomrade") else 1.0
                    for a in geo.AREAS
                ]
            )
        cat_area_w[c] = w / w.sum()
    for src in range(N_SOURCES + 1):
        kind = "event" if src == EVENT_SOURCE else _source_kind(src)
        for ci, c in enumerate(CATS):
            mix = _subtype_mix(c, kind if kind != "event" else "centre")
            for s, share in mix.items():
                if src == EVENT_SOURCE:
                    annual = 0.0
                elif src < N_SPOTS:
                    spot_w = np.array([EST_SPOT_W[h.key][ci] for h in SPOTS])
                    annual = EST_TOTALS[c] * EST_HOT_SHARE[c] * spot_w[src] / spot_w.sum() * share
                else:
                    annual = (
                        EST_TOTALS[c]
                        * (1 - EST_HOT_SHARE[c])
                        * cat_area_w[c][src - N_SPOTS]
                        * share
                    )
                prof, season = _est_profile(c, s, kind)
                window = _EST_WINDOW.get((c, s), _CAT_WINDOW.get(c, (0.9, 0.1, 0.0, 1, 4)))
                obj = (
                    _object_mix(s, kind if kind != "event" else "centre")
                    if c == "skadegorelse"
                    else np.full(len(OBJ), 1 / len(OBJ))
                )
                rows.append(
                    (
                        src,
                        ci,
                        SUB_INDEX[f"{c}:{s}"],
                        annual,
                        prof,
                        season,
                        window,
                        _org_mix(src, c, s),
                        obj,
                        0.0,
                    )
                )
    return _pack(rows)


def _police_streams() -> Streams:
    rows = []
    for ti, (name, group, total, hot, prof, season, window, nopoint, mode) in enumerate(
        POLICE_TYPES
    ):
        spot_w = np.array([_POLICE_SPOT_W.get(h.key, {}).get(group, 1.0) for h in SPOTS])
        if name in _POLICE_TYPE_SPOT_W:
            spot_w = np.array(
                [_POLICE_TYPE_SPOT_W[name].get(h.key, spot_w[i]) for i, h in enumerate(SPOTS)]
            )
        area_w = np.array([_area_weight(a, mode) for a in geo.AREAS])
        area_w = area_w / area_w.sum()
        for src in range(N_SOURCES + 1):
            if src == EVENT_SOURCE:
                annual = 0.0
            elif src < N_SPOTS:
                annual = total * hot * spot_w[src] / spot_w.sum()
            else:
                annual = total * (1 - hot) * area_w[src - N_SPOTS]
            rows.append(
                (
                    src,
                    ti,
                    -1,
                    annual,
                    pr.PROFILE_KEYS[prof],
                    pr.SEASON_KEYS[season],
                    window,
                    np.full(len(ORG_KEYS), 1 / len(ORG_KEYS)),
                    np.full(len(OBJ), 1 / len(OBJ)),
                    nopoint,
                )
            )
    return _pack(rows)


def _pack(rows: list[tuple]) -> Streams:
    cols = list(zip(*rows, strict=True))
    return Streams(
        source=np.array(cols[0], dtype=np.int64),
        cat=np.array(cols[1], dtype=np.int64),
        sub=np.array(cols[2], dtype=np.int64),
        annual=np.array(cols[3], dtype=float),
        profile=np.array(cols[4], dtype=np.int64),
        season=np.array(cols[5], dtype=np.int64),
        window=np.array(cols[6], dtype=float),
        org_cdf=np.cumsum(np.array(cols[7]), axis=1),
        obj_cdf=np.cumsum(np.array(cols[8]), axis=1),
        nopoint=np.array(cols[9], dtype=float),
    )


def _grouped_choice(cdf: np.ndarray, group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one category per row from the cumulative distribution ``cdf[group]`` (vectorised)."""
    g, k = cdf.shape
    flat = (cdf / cdf[:, -1:] + np.arange(g)[:, None]).ravel()
    flat[k - 1 :: k] = np.arange(1, g + 1)
    idx = np.searchsorted(flat, group + rng.random(len(group)), side="right") - group * k
    return np.minimum(idx, k - 1)


# Special events ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    day: int
    start_min: int  # minute of day
    hours: float
    place: str
    subtype: str
    size: float


def events(year: int, start: dt.date, end: dt.date, seed: int) -> list[Event]:
    """The year's special events: Valborg, national day, midsummer, the town festival, New
    Year's Eve, football matches, youth parties, demonstrations and rented premises."""
    rng = np.random.default_rng([seed, year, 3])
    out: list[Event] = []

    def add(d: dt.date, hour: float, hours: float, place: str, sub: str, size: float) -> None:
        if start <= d < end:
            out.append(Event(day_number(d), int(hour * 60), hours, place, sub, size))

    add(dt.date(year, 4, 30), 20, 4, "Stadsparken", "omradesevenemang", 3.0)
    add(dt.date(year, 6, 6), 13, 4, "Stora torget", "omradesevenemang", 0.8)
    midsummer = dt.date(year, 6, 19) + dt.timedelta(days=(4 - dt.date(year, 6, 19).weekday()) % 7)
    add(midsummer, 14, 8, "Ekby skola", "omradesevenemang", 2.0)
    july = dt.date(year, 7, 1)
    fri = july + dt.timedelta(days=(4 - july.weekday()) % 7 + 7)
    add(fri, 18, 7, "Stora torget", "konsert", 4.0)
    add(fri + dt.timedelta(days=1), 17, 8, "Stora torget", "konsert", 5.0)
    add(dt.date(year, 12, 31), 22, 4, "Stora torget", "omradesevenemang", 4.0)
    spring = dt.date(year, 4, 4)
    for k in sorted(rng.choice(24, 8, replace=False)):
        d = spring + dt.timedelta(days=int(k) * 7 + (5 - spring.weekday()) % 7)
        add(d, 15, 3, "Östans IP", "idrottsevenemang", 1.2)
    party_places = [
        "Fritidsgården Norrbacka",
        "Fritidsgården Solhöjden",
        "Ekby skola",
        "Rävsta skola",
        "Hållplats Österängen",
        "Förskolan Tallkotten",
    ]
    for _ in range(6):
        d = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        d += dt.timedelta(days=(5 - d.weekday()) % 7 - int(rng.integers(0, 2)))
        add(d, 21, 5, str(rng.choice(party_places)), "ungdomsfest", 1.5)
    for _ in range(2):
        d = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        add(d, 12, 2, "Stora torget", "demonstration", 0.5)
    for place in ("Norrbackaparken", "Hållplats Österängen"):
        d = dt.date(year, 8, 10) + dt.timedelta(days=int(rng.integers(0, 30)))
        add(d, 12, 5, place, "omradesevenemang", 0.6)
    for _ in range(5):
        d = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        d += dt.timedelta(days=(4 - d.weekday()) % 7)
        add(
            d,
            20,
            5,
            str(rng.choice(["Fritidsgården Norrbacka", "Fritidsgården Solhöjden"])),
            "uthyrning_lokaler",
            0.8,
        )
    return out


# EST disorder around an event: (category, subtype, weight)
_EVENT_EST = (
    ("annat_otryggt", "brak", 35),
    ("annat_otryggt", "vald", 10),
    ("otrygg_samling", "utomhus", 25),
    ("skadegorelse", "ovrig_skadegorelse", 18),
    ("skadegorelse", "klotter", 7),
    ("otrygg_plats", "nedskrapning", 5),
)
_EVENT_POLICE = (
    ("Misshandel", 40),
    ("Olaga hot", 15),
    ("Narkotikabrott, innehav", 20),
    ("Skadegörelse", 15),
    ("Ofredande", 10),
)


# Generation --------------------------------------------------------------------------------
class Model:
    """Everything fixed by (seed, scale, today): streams, daily intensities, noise."""

    def __init__(self, *, seed: int = 2026, scale: float = 1.0, today: dt.date) -> None:
        if scale <= 0:
            raise ValueError("scale måste vara större än 0")
        self.seed = seed
        self.scale = float(scale)
        self.today = today
        self.start, self.end = period(today)
        self.day0 = day_number(self.start)
        self.days = np.arange(self.day0, day_number(self.end), dtype=np.int64)
        self.effects = ivs.effects(today)

    @cached_property
    def _calendar(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dates = np.array(self.days, dtype="datetime64[D]")
        years = dates.astype("datetime64[Y]").astype(int) + 1970
        doy = (dates - dates.astype("datetime64[Y]")).astype(int)
        return years, np.minimum(doy, 365), weekday(self.days)

    def _rates(self, streams: Streams, salt: int, trend: np.ndarray) -> np.ndarray:
        years, doy, wd = self._calendar
        weights = pr.hour_of_week()
        dayf = pr.day_factor(weights)
        season = pr.seasons()
        rng = np.random.default_rng([self.seed, salt])
        n_weeks = len(self.days) // 7 + 2
        sigma = 0.12
        noise = np.exp(rng.normal(0, sigma, (N_SOURCES + 1, n_weeks)) - sigma**2 / 2)
        week = (self.days - self.day0) // 7
        trend_d = trend[years - self.start.year]
        base = streams.annual[:, None] / 365.25 * self.scale
        return (
            base
            * season[streams.season][:, doy]
            * dayf[streams.profile][:, wd]
            * noise[streams.source][:, week]
            * trend_d[None, :]
        )

    @cached_property
    def est_streams(self) -> Streams:
        return _est_streams()

    @cached_property
    def police_streams(self) -> Streams:
        return _police_streams()

    @cached_property
    def est_rates(self) -> np.ndarray:
        n = len(range(self.start.year, self.today.year + 1))
        return self._rates(self.est_streams, 11, 0.93 + 0.035 * np.arange(n))

    @cached_property
    def police_rates(self) -> np.ndarray:
        n = len(range(self.start.year, self.today.year + 1))
        return self._rates(self.police_streams, 12, 1.03 - 0.012 * np.arange(n))

    def year_slice(self, year: int) -> slice:
        years = self._calendar[0]
        idx = np.nonzero(years == year)[0]
        return slice(int(idx[0]), int(idx[-1]) + 1) if len(idx) else slice(0, 0)


def _draw(
    model: Model, streams: Streams, rates: np.ndarray, year: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson counts per stream and day → (stream, day, local minute) of each incident."""
    sl = model.year_slice(year)
    counts = rng.poisson(rates[:, sl])
    s_idx, d_idx = np.nonzero(counts)
    n = counts[s_idx, d_idx]
    stream = np.repeat(s_idx, n)
    day = np.repeat(model.days[sl][d_idx], n)
    cdf = pr.hour_cdf(pr.hour_of_week()).reshape(-1, 24)
    hour = _grouped_choice(cdf, streams.profile[stream] * 7 + weekday(day), rng)
    minute = day * MINUTES_PER_DAY + hour * 60 + rng.integers(0, 60, len(day))
    return stream, day, minute


def _place_points(
    stream_src: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros(len(stream_src))
    y = np.zeros(len(stream_src))
    for src in range(N_SOURCES):
        sel = np.nonzero(stream_src == src)[0]
        if not len(sel):
            continue
        if src < N_SPOTS:
            h = SPOTS[src]
            cx, cy = geo.xy(h.dx, h.dy)
            x[sel], y[sel] = geo.sample_gaussian(cx, cy, h.sigma, len(sel), rng)
        else:
            x[sel], y[sel] = geo.sample_in_area(src - N_SPOTS, len(sel), rng)
    return x, y


def _event_incidents(
    model: Model,
    year: int,
    streams: Streams,
    kinds: tuple,
    rng: np.random.Generator,
    *,
    police: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Reports of the year's events and the disorder around them (stream, day, minute, x, y)."""
    evs = events(year, model.start, model.end, model.seed)
    cols: list[list[np.ndarray]] = [[], [], [], [], []]
    weights = np.array([k[-1] for k in kinds], dtype=float)
    if police:
        ids = np.array(
            [
                np.nonzero(
                    (streams.source == EVENT_SOURCE)
                    & (streams.cat == [t[0] for t in POLICE_TYPES].index(k[0]))
                )[0][0]
                for k in kinds
            ]
        )
    else:
        ids = np.array(
            [
                np.nonzero(
                    (streams.source == EVENT_SOURCE) & (streams.sub == SUB_INDEX[f"{k[0]}:{k[1]}"])
                )[0][0]
                for k in kinds
            ]
        )
    for ev in evs:
        p = geo.PLACE_BY_NAME[ev.place]
        cx, cy = geo.xy(p.dx, p.dy)
        n_dis = rng.poisson(ev.size * (4.0 if police else 6.0) * model.scale)
        st = ids[rng.choice(len(kinds), n_dis, p=weights / weights.sum())]
        if not police:
            n_rep = 1 + int(rng.random() < 0.4)
            rep = np.nonzero(
                (streams.source == EVENT_SOURCE)
                & (streams.sub == SUB_INDEX[f"sarskilt_evenemang:{ev.subtype}"])
            )[0]
            st = np.concatenate([np.repeat(rep, n_rep), st])
            offs = np.concatenate([np.zeros(n_rep), rng.uniform(0, (ev.hours + 3) * 60, n_dis)])
            sig = np.concatenate([np.full(n_rep, 30.0), np.full(n_dis, 180.0)])
        else:
            offs = rng.uniform(0, (ev.hours + 3) * 60, n_dis)
            sig = np.full(n_dis, 180.0)
        m = len(st)
        x, y = geo.sample_gaussian(cx, cy, 1.0, m, rng)
        x = cx + (x - cx) * sig
        y = cy + (y - cy) * sig
        bad = ~geo.inside_municipality(x, y)
        x[bad], y[bad] = cx, cy
        minute = ev.day * MINUTES_PER_DAY + ev.start_min + offs.astype(np.int64)
        cols[0].append(st)
        cols[1].append(minute // MINUTES_PER_DAY)
        cols[2].append(minute)
        cols[3].append(x)
        cols[4].append(y)
    if not evs:
        e = np.zeros(0)
        return e.astype(np.int64), e.astype(np.int64), e.astype(np.int64), e, e
    return tuple(np.concatenate(c) for c in cols)  # type: ignore[return-value]


def _windows(
    minute: np.ndarray,
    window: np.ndarray,
    start_minute: int,
    end_minute: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Report windows around the true local minute: exact, hours, or the whole weekend."""
    n = len(minute)
    u = rng.random(n)
    p_exact, p_hours = window[:, 0], window[:, 1]
    lo, hi = window[:, 3] * 60, window[:, 4] * 60
    # exact: to the nearest 5 minutes, lasting 0–60 minutes
    f_exact = minute - minute % 5
    t_exact = f_exact + rng.choice(np.array([0, 5, 10, 15, 30, 60]), n)
    # hours: log-uniform length, the true time somewhere inside, on quarter hours
    length = np.exp(rng.uniform(np.log(lo), np.log(np.maximum(hi, lo + 1))))
    f_hours = minute - (rng.random(n) * length).astype(np.int64)
    f_hours -= f_hours % 15
    t_hours = np.maximum(f_hours + length.astype(np.int64), minute)
    t_hours += (-t_hours) % 15
    # weekend: Friday 18:00 → Monday 07:00 when the true time falls in it
    week_min = weekday(minute // MINUTES_PER_DAY) * MINUTES_PER_DAY + minute % MINUTES_PER_DAY
    fri18, mon07 = 4 * MINUTES_PER_DAY + 18 * 60, 7 * 60
    in_weekend = (week_min >= fri18) | (week_min < mon07)
    since = np.where(week_min >= fri18, week_min - fri18, week_min + 7 * MINUTES_PER_DAY - fri18)
    f_week = minute - since
    t_week = f_week + (7 * MINUTES_PER_DAY + mon07 - fri18)
    mode = np.where(u < p_exact, 0, np.where(u < p_exact + p_hours, 1, 2))
    mode = np.where((mode == 2) & ~in_weekend, 1, mode)
    f = np.choose(mode, [f_exact, f_hours, f_week])
    t = np.choose(mode, [t_exact, t_hours, t_week])
    t = np.minimum(t, end_minute - 1)
    f = np.minimum(np.maximum(f, start_minute), t)
    return f, t


def _created(to_min: np.ndarray, end_minute: int, rng: np.random.Generator) -> np.ndarray:
    """Reported within hours to a few days after the window closed (never after the data end)."""
    delay = rng.exponential(1.5 * MINUTES_PER_DAY, len(to_min)).astype(np.int64) + 10
    return np.maximum(np.minimum(to_min + delay, end_minute), to_min)


def _str_col(name: str, keys: tuple[str, ...] | list[str], idx: np.ndarray) -> pl.Series:
    """A string column from an index array (-1 → null), gathered in Rust, not Python."""
    lookup = pl.Series(name, [*keys, None], dtype=pl.String)
    idx = np.where(idx < 0, len(keys), idx)
    return lookup.gather(idx.astype(np.int64)).alias(name)


def est_year(model: Model, year: int) -> pl.DataFrame:
    """EST incident reports of one calendar year (only days inside the data period)."""
    rng = np.random.default_rng([model.seed, year, 1])
    st = model.est_streams
    stream, day, minute = _draw(model, st, model.est_rates, year, rng)
    x, y = _place_points(st.source[stream], rng)
    e_st, e_day, e_min, e_x, e_y = _event_incidents(model, year, st, _EVENT_EST, rng, police=False)
    stream = np.concatenate([stream, e_st])
    day = np.concatenate([day, e_day])
    minute = np.concatenate([minute, e_min])
    x = np.concatenate([x, e_x])
    y = np.concatenate([y, e_y])
    area = geo.label(x, y)
    cat_keys = np.array(CATS)[st.cat[stream]]
    sub_keys = np.array([k.split(":", 1)[1] for k in SUB_KEYS])[st.sub[stream]]
    keep, x, y = ivs.apply_effects(
        x, y, day, cat_keys, sub_keys, area, model.effects, police=False, rng=rng
    )
    area = geo.label(x, y)
    stream, minute, x, y, area = stream[keep], minute[keep], x[keep], y[keep], area[keep]
    order = np.argsort(minute, kind="stable")
    stream, minute, x, y, area = stream[order], minute[order], x[order], y[order], area[order]
    reports = _est_frame(model, stream, minute, x, y, area, rng)
    # Near repeats drawn from their own generator, so that the reports above stay as they were.
    again = np.random.default_rng([model.seed, year, 7])
    r_stream, r_minute, r_x, r_y = _near_repeats(model, stream, minute, x, y, again)
    if len(r_stream) == 0:
        return reports
    repeats = _est_frame(model, r_stream, r_minute, r_x, r_y, geo.label(r_x, r_y), again)
    return pl.concat([reports, repeats])


# Burglaries in villa areas and villages bring another within a few days and under 100 m (the near
# repeat of Johnson & Bowers 2004; Townsley et al. 2003): the share that does, and its reach.
NEAR_REPEAT_SUBTYPES = ("annat_otryggt:inbrott",)
NEAR_REPEAT_SHARE = 0.5
NEAR_REPEAT_METRES = (10.0, 70.0)
NEAR_REPEAT_DAYS = (0.5, 5.0)


def _near_repeats(
    model: Model,
    stream: np.ndarray,
    minute: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Follow-up incidents of the same stream near a share of the burglaries (stream, local
    minute, x, y); those that would fall after the data end or outside the municipality are
    dropped."""
    subs = [SUB_INDEX[k] for k in NEAR_REPEAT_SUBTYPES]
    src = np.nonzero(np.isin(model.est_streams.sub[stream], subs))[0]
    src = src[rng.random(len(src)) < NEAR_REPEAT_SHARE]
    angle = rng.uniform(0, 2 * np.pi, len(src))
    reach = rng.uniform(*NEAR_REPEAT_METRES, len(src))
    later = (rng.uniform(*NEAR_REPEAT_DAYS, len(src)) * MINUTES_PER_DAY).astype(np.int64)
    rx, ry = x[src] + reach * np.cos(angle), y[src] + reach * np.sin(angle)
    rm = minute[src] + later
    ok = (rm < day_number(model.end) * MINUTES_PER_DAY) & geo.inside_municipality(rx, ry)
    return stream[src][ok], rm[ok], rx[ok], ry[ok]


def _est_frame(
    model: Model,
    stream: np.ndarray,
    minute: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    area: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """The reports of the given streams, local minutes and points: their time windows, report
    times, objects, organisations, reporters and descriptions drawn from ``rng``."""
    st = model.est_streams
    n = len(stream)
    end_minute = day_number(model.end) * MINUTES_PER_DAY
    f, t = _windows(minute, st.window[stream], model.day0 * MINUTES_PER_DAY, end_minute, rng)
    created = _created(t, end_minute, rng)
    cat = st.cat[stream]
    is_skad = cat == CATS.index("skadegorelse")
    obj = np.where(is_skad, _grouped_choice(st.obj_cdf, stream, rng), -1)
    org = _grouped_choice(st.org_cdf, stream, rng)
    # reporter: one of the organisation's reporters, or none (a shared account, a phone call)
    rep_keys = sorted({u for us in REPORTERS.values() for u in us})
    rep_cdf = np.zeros((len(ORG_KEYS), len(rep_keys) + 1))
    for i, k in enumerate(ORG_KEYS):
        users = REPORTERS[k]
        rep_cdf[i, -1] = 0.25 if users else 1.0
        for u in users:
            rep_cdf[i, rep_keys.index(u)] = 0.75 / len(users)
    rep = _grouped_choice(np.cumsum(rep_cdf, axis=1), org, rng)
    rep = np.where(rep == len(rep_keys), -1, rep)
    is_saml = cat == CATS.index("otrygg_samling")
    persons = np.where(is_saml, 2 + rng.poisson(rng.gamma(2.0, 3.0, n)), 0)
    sub = st.sub[stream]
    desc_keys = list(_DESCRIPTIONS)
    desc_texts = [t for k in desc_keys for t in _DESCRIPTIONS[k]]
    desc_first = np.full(len(SUB_KEYS), -1)
    desc_count = np.zeros(len(SUB_KEYS), dtype=np.int64)
    pos = 0
    for k in desc_keys:
        desc_first[SUB_INDEX[f"{k[0]}:{k[1]}"]] = pos
        desc_count[SUB_INDEX[f"{k[0]}:{k[1]}"]] = len(_DESCRIPTIONS[k])
        pos += len(_DESCRIPTIONS[k])
    has_desc = (desc_first[sub] >= 0) & (rng.random(n) < DESCRIPTION_SHARE)
    desc_idx = np.where(
        has_desc, desc_first[sub] + rng.integers(0, 1 << 30, n) % np.maximum(desc_count[sub], 1), -1
    )
    sub_only = [k.split(":", 1)[1] for k in SUB_KEYS]
    return pl.DataFrame(
        [
            _str_col("category", list(CATS), cat),
            _str_col("subtype", sub_only, sub),
            _str_col("object_type", list(OBJ), obj),
            pl.Series(
                "persons_count", np.where(is_saml, np.clip(persons, 1, 1000), 0), dtype=pl.Int32
            ),
            local_minutes_to_utc(f, "occurred_from"),
            local_minutes_to_utc(t, "occurred_to"),
            local_minutes_to_utc(created, "created_at"),
            pl.Series("x", np.round(x, 1)),
            pl.Series("y", np.round(y, 1)),
            _str_col("area", list(geo.CODES), area),
            _str_col("organisation", list(ORG_KEYS), org),
            _str_col("reported_by", rep_keys, rep),
            _str_col("description", desc_texts, desc_idx),
        ]
    ).with_columns(
        persons_count=pl.when(pl.col("category") == "otrygg_samling").then(pl.col("persons_count")),
        occurred_to=pl.max_horizontal("occurred_from", "occurred_to"),
    )


def police_year(model: Model, year: int) -> pl.DataFrame:
    """Police-reported crimes of one calendar year."""
    rng = np.random.default_rng([model.seed, year, 2])
    st = model.police_streams
    stream, day, minute = _draw(model, st, model.police_rates, year, rng)
    x, y = _place_points(st.source[stream], rng)
    e_st, e_day, e_min, e_x, e_y = _event_incidents(
        model, year, st, _EVENT_POLICE, rng, police=True
    )
    stream = np.concatenate([stream, e_st])
    day = np.concatenate([day, e_day])
    minute = np.concatenate([minute, e_min])
    x = np.concatenate([x, e_x])
    y = np.concatenate([y, e_y])
    area = geo.label(x, y)
    groups = np.array([t[1] for t in POLICE_TYPES])[st.cat[stream]]
    keep, x, y = ivs.apply_effects(
        x, y, day, groups, groups, area, model.effects, police=True, rng=rng
    )
    area = geo.label(x, y)
    stream, minute, x, y, area = stream[keep], minute[keep], x[keep], y[keep], area[keep]
    end_minute = day_number(model.end) * MINUTES_PER_DAY
    f, t = _windows(minute, st.window[stream], model.day0 * MINUTES_PER_DAY, end_minute, rng)
    created = _created(t, end_minute, rng)
    order = np.argsort(created, kind="stable")
    stream, f, t, created, x, y, area = (a[order] for a in (stream, f, t, created, x, y, area))
    n = len(stream)
    nopoint = rng.random(n) < st.nopoint[stream] + 0.02
    number = int(rng.integers(10_000, 40_000)) + np.cumsum(rng.integers(1, 4, n))
    types = [tp[0] for tp in POLICE_TYPES]
    return (
        pl.DataFrame(
            [
                pl.Series("number", number),
                _str_col("crime_type", types, st.cat[stream]),
                _str_col("crime_group", [tp[1] for tp in POLICE_TYPES], st.cat[stream]),
                local_minutes_to_utc(f, "occurred_from"),
                local_minutes_to_utc(t, "occurred_to"),
                local_minutes_to_utc(created, "created_at"),
                pl.Series("x", np.where(nopoint, np.nan, np.round(x, 1))),
                pl.Series("y", np.where(nopoint, np.nan, np.round(y, 1))),
                _str_col("area", list(geo.CODES), area),
            ]
        )
        .select(
            pl.format("5000-K{}-{}", pl.col("number"), pl.lit(f"{year % 100:02d}")).alias(
                "external_id"
            ),
            pl.exclude("number"),
        )
        .with_columns(
            pl.col("x").fill_nan(None),
            pl.col("y").fill_nan(None),
            occurred_to=pl.max_horizontal("occurred_from", "occurred_to"),
        )
    )


def generate(
    *, seed: int = 2026, scale: float = 1.0, today: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All EST reports and police crimes of the data period (for tests and small loads)."""
    model = Model(seed=seed, scale=scale, today=today)
    years = range(model.start.year, today.year + 1)
    est = pl.concat([est_year(model, y) for y in years])
    police = pl.concat([police_year(model, y) for y in years])
    return est, police
