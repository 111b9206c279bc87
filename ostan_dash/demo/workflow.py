"""Records of the EST rhythm: settings, earlier quarters' focus areas and written analyses.

Their numbers are computed from the generated incidents, so the texts agree with the data.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ostan_dash import vocab
from ostan_dash.dates import quarter_number, quarter_start
from ostan_dash.demo import geography as geo

UNIT_COSTS_SEK = {
    "skadegorelse": 9_000,
    "incident_mot_anstalld": 20_000,
    "otrygg_plats": 1_500,
    "otrygg_samling": 2_500,
    "annat_otryggt": 12_000,
    "sarskilt_evenemang": 0,
}
CRITERIA_THRESHOLDS = {
    "okning_pct": 20,
    "min_antal": 20,
    "hot_spot_z": 1.96,
    "hot_time_andel": 0.25,
    "otrygghet_pct": 30,
    "ej_i_arbete_pct": 20,
    "lag_utbildning_pct": 25,
    "ej_slutbetyg_pct": 25,
    "under18_pct": 25,
    "ej_rostat_pct": 35,
}


def settings(*, seed: int, scale: float, today: dt.date) -> dict[str, object]:
    return {
        "unit_costs": UNIT_COSTS_SEK,
        "criteria_thresholds": CRITERIA_THRESHOLDS,
        "demo": {"seed": seed, "scale": scale, "today": today.isoformat()},
    }


def _local(est: pl.DataFrame) -> pl.DataFrame:
    return est.select(
        "category",
        "area",
        d=pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm").dt.date(),
        h=pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm").dt.hour(),
    )


def _add_quarters(d: dt.date, k: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + 3 * k
    return dt.date(m // 12, m % 12 + 1, 1)


def _name(code: str) -> str:
    return geo.BY_CODE[code].name


def focus_areas(est: pl.DataFrame, today: dt.date, n_quarters: int = 7) -> pl.DataFrame:
    """The three focus areas chosen for each of the last quarters (and the current one): the
    areas with most reports in the quarter before, as the quarterly analysis would propose."""
    loc = _local(est)
    current = quarter_start(today)
    rows = []
    for k in range(n_quarters - 1, -1, -1):
        q = _add_quarters(current, -k)
        prev = _add_quarters(q, -1)
        top = (
            loc.filter((pl.col("d") >= prev) & (pl.col("d") < q))
            .group_by("area")
            .len()
            .sort(["len", "area"], descending=[True, False])
            .head(3)
        )
        total = int(loc.filter((pl.col("d") >= prev) & (pl.col("d") < q)).height) or 1
        for rank, (code, n) in enumerate(top.iter_rows(), start=1):
            rows.append(
                {
                    "quarter_start": q,
                    "area": code,
                    "rank": rank,
                    "score": round(n / total, 4),
                    "rationale": f"{_name(code)}: {n} rapporter kvartalet innan "
                    f"({100 * n / total:.0f} % av kommunens), plats {rank}.",
                    "chosen_by": "analytiker",
                    "chosen_at": dt.datetime.combine(q - dt.timedelta(days=6), dt.time(10, 0)),
                }
            )
    return pl.DataFrame(rows)


def analyses(est: pl.DataFrame, police: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Weekly situational pictures (last 8 weeks), quarterly (last 4) and annual (last 2)."""
    loc = _local(est)
    pol = police.select(
        d=pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm").dt.date()
    )
    rows = []

    def counts(a: dt.date, b: dt.date) -> pl.DataFrame:
        return loc.filter((pl.col("d") >= a) & (pl.col("d") <= b))

    def top_areas(df: pl.DataFrame, n: int = 2) -> str:
        t = df.group_by("area").len().sort(["len", "area"], descending=[True, False]).head(n)
        parts = [f"{_name(c)} ({k})" for c, k in t.iter_rows()]
        return ", ".join(parts[:-1]) + " och " + parts[-1] if len(parts) > 1 else "".join(parts)

    def top_cat(df: pl.DataFrame) -> str:
        t = (
            df.group_by("category")
            .len()
            .sort(["len", "category"], descending=[True, False])
            .head(1)
        )
        return vocab.category_label(t.item(0, 0)).lower() if t.height else "–"

    monday = today - dt.timedelta(days=today.weekday())
    for k in range(8, 0, -1):
        a = monday - dt.timedelta(weeks=k)
        b = a + dt.timedelta(days=6)
        cur = counts(a, b)
        before = counts(a - dt.timedelta(weeks=4), a - dt.timedelta(days=1)).height / 4
        night = cur.filter(
            ((pl.col("d") == a + dt.timedelta(days=4)) & (pl.col("h") >= 18))
            | (pl.col("d") == a + dt.timedelta(days=5))
            | ((pl.col("d") == a + dt.timedelta(days=6)) & (pl.col("h") < 3))
        )
        npol = pol.filter((pl.col("d") >= a) & (pl.col("d") <= b)).height
        week = a.isocalendar().week
        rows.append(
            {
                "kind": "vecka",
                "period_start": a,
                "period_end": b,
                "title": f"Veckolägesbild vecka {week} {a.isocalendar().year}",
                "body": (
                    f"{cur.height} rapporter (snitt de fyra veckorna innan: {before:.0f}). "
                    f"Flest i {top_areas(cur)}; vanligast {top_cat(cur)}. "
                    f"{night.height} händelser fredag kväll till söndag natt. "
                    f"Polisen: {npol} anmälda brott. Kommande helg: fokus på de två "
                    f"mest belastade områdena, fredag–lördag 20–02."
                ),
                "created_by": "analytiker",
                "created_at": dt.datetime.combine(b + dt.timedelta(days=4), dt.time(9, 30)),
            }
        )
    q = quarter_start(today)
    for k in range(4, 0, -1):
        a = _add_quarters(q, -k)
        b = _add_quarters(a, 1) - dt.timedelta(days=1)
        cur = counts(a, b)
        ly = counts(a.replace(year=a.year - 1), b.replace(year=b.year - 1)).height
        change = 100 * (cur.height - ly) / ly if ly else 0.0
        rows.append(
            {
                "kind": "kvartal",
                "period_start": a,
                "period_end": b,
                "title": f"Kvartalsanalys {a.year} kvartal {quarter_number(a)}",
                "body": (
                    f"{cur.height} rapporter ({change:+.0f} % mot samma kvartal året innan). "
                    f"Mest belastade: {top_areas(cur, 3)}. Insatserna följdes upp; de tre "
                    f"fokusområdena för nästa kvartal valdes utifrån lägesbilden."
                ),
                "created_by": "analytiker",
                "created_at": dt.datetime.combine(b + dt.timedelta(days=12), dt.time(13, 0)),
            }
        )
    for k in (2, 1):
        y = today.year - k
        a, b = dt.date(y, 1, 1), dt.date(y, 12, 31)
        cur = counts(a, b)
        rows.append(
            {
                "kind": "ar",
                "period_start": a,
                "period_end": b,
                "title": f"Årsanalys {y}",
                "body": (
                    f"{cur.height} rapporter under året. Mest belastade områden: "
                    f"{top_areas(cur, 3)}. Samverkan i EST har fungerat väl; "
                    f"återkopplingen till rapportörerna behöver bli tätare."
                ),
                "created_by": "analytiker",
                "created_at": dt.datetime.combine(dt.date(y + 1, 2, 10), dt.time(13, 0)),
            }
        )
    return pl.DataFrame(rows)
