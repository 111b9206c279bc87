"""The demo's publications on the public page: the latest quarter's focus areas with their trend,
and the latest running and finished intervention with its result, published by the demo analyst
exactly as the Publicera page would (figures counted, suppressed and frozen at load time)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.analysis import interventions as ai
from ostan_dash.analysis import public_figures as pf
from ostan_dash.store import interventions as iv_store
from ostan_dash.store import public as public_store
from ostan_dash.store import read_frame

BODY = {
    "fokusomrade": "Här lägger polisen, kommunen och bostadsbolagen extra kraft under kvartalet.",
    "omradestrend": "Så har antalet rapporterade händelser och polisanmälda brott utvecklats.",
    "insats": "Insatsen följs upp varje vecka av den operativa gruppen.",
}


def publish_examples(conn: Connection, *, today: dt.date, analyst_id: int) -> int:
    """Publish the demo's examples inside ``conn``'s transaction; returns how many."""
    n = 0

    def publish(kind: str, title: str, figures: dict, **ref: int) -> None:
        nonlocal n
        if pf.small_numbers(title):  # the page would refuse it; so does the demo
            return
        public_store.publish(
            kind=kind,
            title=title,
            body=BODY[kind],
            figures=figures,
            user_id=analyst_id,
            role="analytiker",
            conn=conn,
            **ref,
        )
        n += 1

    focus = read_frame(
        """
        SELECT f.quarter_start, f.area_id, a.name FROM focus_areas f
        JOIN areas a ON a.id = f.area_id
        WHERE f.quarter_start = (SELECT max(quarter_start) FROM focus_areas)
        ORDER BY f.rank
        """,
        conn=conn,
        schema={"quarter_start": pl.Date, "area_id": pl.Int64, "name": pl.Utf8},
    )
    first, last = pf.last_full_months(today)
    for row in focus.iter_rows(named=True):
        fig = pf.focus_area(area=row["name"], quarter_start=row["quarter_start"])
        publish("fokusomrade", f"Fokusområde: {row['name']}", fig, area_id=row["area_id"])
        counts = public_store.area_month_counts([row["area_id"]], first, last, conn=conn)
        trend = pf.area_trend(counts.drop("area_id"), area=row["name"])
        publish("omradestrend", f"Utvecklingen i {row['name']}", trend, area_id=row["area_id"])

    ivs = iv_store.interventions(conn=conn).filter(pl.col("status").is_in(["pagaende", "avslutad"]))
    for row in ivs.unique("status", keep="first", maintain_order=True).iter_rows(named=True):
        periods = ai.comparison_periods(row["start_date"], row["end_date"], today, row["baseline"])
        n_before = n_after = None
        if periods is not None:
            zc = iv_store.zone_counts(
                row["intervention_id"], before=periods[0], after=periods[1], conn=conn
            )
            target = iv_store.counts_summary(zc)["target"]
            n_before, n_after = target["before"], target["after"]
        fig = pf.intervention_result(
            status=row["status"],
            areas=row["target_areas"] or "insatsens område",
            start=row["start_date"],
            end=row["end_date"],
            periods=periods,
            n_before=n_before,
            n_after=n_after,
        )
        publish("insats", row["title"], fig, intervention_id=row["intervention_id"])
    return n
