"""What the Karta och tider page decides around its statistics (no Streamlit, no database): the
view settings read from and written to the address, the cells worth naming, the scope of the
hot-times chart, the areas behind the method caption, the shares of the accuracy check and the
whole months of the season chart.

The statistics themselves are in :mod:`ostan_dash.analysis.areas_compare`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import polars as pl

from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis.exposure import Accuracy

DEFAULT_CELL = 250
DEFAULT_REGION = "befolkade"
DEFAULT_EXPECTATION = "befolkning"
MAX_NAMED = 2_000
"""At most this many cells are described by their nearest street (the map's tooltips, lists)."""
MAX_HOT_LISTED = 25
"""The hot cells listed under the map and offered as hot-times scopes."""
ALL = "alla"


@dataclasses.dataclass(frozen=True)
class View:
    """How the map is computed and shown: cell size (m), study region, what a cell is compared
    with, the density surface and meeting mode."""

    cell_size: int = DEFAULT_CELL
    region: str = DEFAULT_REGION
    expectation: str = DEFAULT_EXPECTATION
    density: bool = False
    large: bool = False

    @classmethod
    def from_url(cls, params: Mapping[str, str]) -> View:
        """The settings an address asks for, each unknown value replaced by its default.

        >>> View.from_url({"ruta": "500", "region": "hela", "tathet": "1", "visning": "stor"})
        View(cell_size=500, region='hela', expectation='befolkning', density=True, large=True)
        >>> View.from_url({"ruta": "300", "vantat": "okänt"}) == View()
        True
        """
        raw_cell = params.get("ruta", str(DEFAULT_CELL))
        cell = int(raw_cell) if raw_cell.isdigit() else DEFAULT_CELL
        region = params.get("region", DEFAULT_REGION)
        expectation = params.get("vantat", DEFAULT_EXPECTATION)
        return cls(
            cell_size=cell if cell in ac.CELL_SIZES else DEFAULT_CELL,
            region=region if region in ac.REGIONS else DEFAULT_REGION,
            expectation=expectation if expectation in ac.EXPECTATIONS else DEFAULT_EXPECTATION,
            density=params.get("tathet") == "1",
            large=params.get("visning") == "stor",
        )

    def effective(self, *, has_population: bool) -> View:
        """Without a population grid the map can only count: the whole municipality, counts.

        >>> View().effective(has_population=False)
        View(cell_size=250, region='hela', expectation='antal', density=False, large=False)
        """
        if has_population:
            return self
        return dataclasses.replace(self, region="hela", expectation="antal")

    def url_entries(self, *, has_population: bool) -> tuple[tuple[str, str, str], ...]:
        """(key, value, default) of each setting in the address; without a population grid the
        region and comparison are not the user's choice and stay out of it."""
        return (
            ("ruta", str(self.cell_size), str(DEFAULT_CELL)),
            ("region", self.region if has_population else DEFAULT_REGION, DEFAULT_REGION),
            (
                "vantat",
                self.expectation if has_population else DEFAULT_EXPECTATION,
                DEFAULT_EXPECTATION,
            ),
            ("tathet", "1" if self.density else "0", "0"),
            ("visning", "stor" if self.large else "", ""),
        )


def url_changes(
    current: Mapping[str, str], entries: tuple[tuple[str, str, str], ...]
) -> dict[str, str | None]:
    """What to change in the address so that it holds each value that is not its default and
    none that is (``None``: remove the key); keys already right are left alone.

    >>> url_changes({"ruta": "250", "tathet": "1"}, (("ruta", "250", "250"),
    ...     ("tathet", "0", "0"), ("region", "hela", "befolkade")))
    {'ruta': None, 'tathet': None, 'region': 'hela'}
    >>> url_changes({"region": "hela"}, (("region", "hela", "befolkade"),))
    {}
    """
    changes: dict[str, str | None] = {}
    for key, value, default in entries:
        if value != default:
            if current.get(key) != value:
                changes[key] = value
        elif key in current:
            changes[key] = None
    return changes


def cells_to_name(grid: pl.DataFrame, *, limit: int = MAX_NAMED) -> pl.DataFrame:
    """The cells worth naming – hot now, or new, growing or shrinking – highest z first."""
    return (
        grid.filter(
            (pl.col("class") == "hot") | pl.col("status").is_in(["ny", "växande", "minskande"])
        )
        .sort("z", descending=True)
        .head(limit)
    )


def hot_and_new(grid: pl.DataFrame, changes: pl.DataFrame) -> tuple[int, int]:
    """The number of hot cells in ``grid``, and of new or growing cells in ``changes``."""
    return (
        grid.filter(pl.col("class") == "hot").height,
        changes.filter(pl.col("status").is_in(["ny", "växande"])).height,
    )


def chosen_km2(study: ac.StudyArea) -> float:
    """The area of the chosen areas, km² (the cells whose centre lies in one), or of the study
    region when the grid has no area mask."""
    if study.area_mask is None:
        return study.km2
    return float(study.area_mask.sum()) * (study.cell_size / 1000) ** 2


def accuracy_shares(acc: Accuracy) -> tuple[float, float]:
    """(share of the studied area, share of the later incidents) in the hot cells, per cent;
    NaN where the whole is zero.

    >>> accuracy_shares(Accuracy(n=30, N=120, a_km2=0.5, A_km2=20.0, pai=10.0, n_best=40,
    ...     pei=0.75))
    (2.5, 25.0)
    """
    share_a = acc.a_km2 / acc.A_km2 * 100 if acc.A_km2 else float("nan")
    share_n = acc.n / acc.N * 100 if acc.N else float("nan")
    return share_a, share_n


@dataclasses.dataclass(frozen=True)
class TimeScope:
    """Whose hot times the chart shows: the whole selection, one area or one hot cell."""

    kind: str
    code: str | None = None
    col: int | None = None
    row: int | None = None

    @classmethod
    def parse(cls, key: str) -> TimeScope:
        """The scope of a key of the address (``tider``).

        >>> TimeScope.parse("omrade:C01"), TimeScope.parse("ruta:12:7").col
        (TimeScope(kind='omrade', code='C01', col=None, row=None), 12)
        """
        if key.startswith("omrade:"):
            return cls("omrade", code=key.split(":", 1)[1])
        if key.startswith("ruta:"):
            _, col, row = key.split(":")
            return cls("ruta", col=int(col), row=int(row))
        return cls(ALL)


def area_scope(code: str) -> str:
    """The key of one area's hot times (``omrade:C01``)."""
    return f"omrade:{code}"


def cell_scope(col: int, row: int) -> str:
    """The key of one hot cell's hot times (``ruta:12:7``)."""
    return f"ruta:{col}:{row}"


def scope_incidents(
    now: pl.DataFrame, scope: TimeScope, *, area_ids: Mapping[str, int], study: ac.StudyArea
) -> pl.DataFrame:
    """The period's incidents in a scope: all, one area's, or those inside one grid cell."""
    if scope.kind == "omrade" and scope.code is not None:
        return now.filter(pl.col("area_id") == area_ids[scope.code])
    if scope.kind == "ruta" and scope.col is not None and scope.row is not None:
        return now.filter(ac.in_cell(study, scope.col, scope.row))
    return now


def whole_months(profile: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """The month profile without this month and the months after it this year.

    >>> p = pl.DataFrame({"year": [2025, 2026, 2026], "month": [12, 1, 2], "count": [1, 2, 3]})
    >>> whole_months(p, dt.date(2026, 2, 10))["month"].to_list()
    [12, 1]
    """
    return profile.filter((pl.col("year") < today.year) | (pl.col("month") < today.month))


def region_figures(compare: pl.DataFrame) -> tuple[float, float]:
    """(the municipality's change %, the dispersion φ) of a compare table; 0 and 1 when empty.

    >>> region_figures(pl.DataFrame({"region_change_pct": [12.0], "dispersion": [1.8]}))
    (12.0, 1.8)
    >>> region_figures(pl.DataFrame())
    (0, 1)
    """
    if not compare.height:
        return 0, 1
    return compare["region_change_pct"][0], compare["dispersion"][0]
