"""Reads and writes for the area pages: indicators, survey answers, incident counts per area,
the analyst's thresholds (``settings``) and the quarterly focus areas (``focus_areas``).

Every statement binds its parameters. Writes check the role (the page checks it too), run under
the user's database role (:func:`ostan_dash.store.as_user`, so the database checks it a third
time) and leave a row in ``audit_log`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.config import TZ
from ostan_dash.schema import Schema
from ostan_dash.store import as_user, audit, begin, copy_frame, execute, read_frame

WRITER_ROLES = ("admin", "analytiker")
SURVEY_QUESTIONS = ("unsafe_evening", "worried_crime", "avoids_going_out", "victim")

INDICATOR_SCHEMA: Schema = {
    "area_id": pl.Int64,
    "year": pl.Int64,
    "population": pl.Int64,
    "population_under18": pl.Int64,
    "pct_unsafe": pl.Float64,
    "pct_not_working": pl.Float64,
    "pct_low_education": pl.Float64,
    "pct_no_final_grades": pl.Float64,
    "pct_under18": pl.Float64,
    "pct_non_voters": pl.Float64,
    "organised_crime": pl.Boolean,
    "n": pl.Int64,
    "n_eff": pl.Float64,
}
SURVEY_SCHEMA: Schema = {
    "year": pl.Int64,
    "area_id": pl.Int64,
    "weight": pl.Float64,
    **dict.fromkeys(SURVEY_QUESTIONS, pl.Boolean),
}
COUNT_SCHEMA: Schema = {
    "area_id": pl.Int64,
    "year": pl.Int64,
    "source": pl.Utf8,
    "category": pl.Utf8,
    "n": pl.Int64,
}


class NotAllowed(PermissionError):
    """The user's role may not make this change."""


def _check_role(role: str) -> None:
    if role not in WRITER_ROLES:
        raise NotAllowed("Endast analytiker och administratörer får ändra detta.")


def indicators(*, conn: Connection | None = None) -> pl.DataFrame:
    """The yearly area indicators (``area_indicators``), numeric columns as floats; ``n`` and
    ``n_eff`` are the answers and Kish's effective sample size behind the survey-based share
    ``pct_unsafe`` (null when unknown). ``population_under18`` and ``pct_under18`` are null when
    the statistics did not give them (sql/031, e.g. SCB's 5-year bands): unknown, never 0."""
    return read_frame(
        """
        SELECT area_id, year, population, population_under18,
               pct_unsafe::float8, pct_not_working::float8, pct_low_education::float8,
               pct_no_final_grades::float8, pct_under18::float8, pct_non_voters::float8,
               organised_crime, n, n_eff
        FROM area_indicators ORDER BY area_id, year
        """,
        conn=conn,
        schema=INDICATOR_SCHEMA,
    )


def indicator_sampling_from_survey(*, min_n: int = 30, conn: Connection | None = None) -> int:
    """Set the survey-based indicator of the demo's rows from its own survey: ``pct_unsafe`` is
    the weighted share answering yes to ``unsafe_evening`` in the area and year, ``n`` the
    number of answers and ``n_eff`` Kish's effective size :math:`(\\sum w)^2 / \\sum w^2`.

    Only rows written by the demo loader (import kind ``demo``) are touched: a municipality's
    imported statistics are never overwritten. Area-years with fewer than ``min_n`` answers are
    left as they are. Idempotent; returns the number of rows changed.
    """
    return execute(
        """
        UPDATE area_indicators i
        SET pct_unsafe = s.pct, n = s.n, n_eff = s.n_eff
        FROM (
            SELECT area_id, year, count(*)::int AS n,
                   round((100 * coalesce(sum(weight) FILTER (WHERE unsafe_evening), 0)
                          / sum(weight))::numeric, 2) AS pct,
                   sum(weight) ^ 2 / sum(weight ^ 2) AS n_eff
            FROM survey_responses WHERE unsafe_evening IS NOT NULL
            GROUP BY area_id, year HAVING count(*) >= :min_n
        ) s
        WHERE i.area_id = s.area_id AND i.year = s.year
          AND i.import_id IN (SELECT id FROM imports WHERE kind = 'demo')
          AND (i.pct_unsafe, i.n, i.n_eff) IS DISTINCT FROM (s.pct, s.n, s.n_eff)
        """,
        {"min_n": int(min_n)},
        conn=conn,
    )


def survey_responses(
    *, years: Sequence[int] | None = None, conn: Connection | None = None
) -> pl.DataFrame:
    """One row per survey respondent: year, area_id, weight and the four standard answers
    (null = not answered). ``years`` limits the years read.

    Read through ``COPY`` (tens of thousands of rows); answers travel as 0/1.
    """
    answers = ", ".join(f"{q}::int AS {q}" for q in SURVEY_QUESTIONS)
    raw = copy_frame(
        f"SELECT year, area_id, weight, {answers} FROM survey_responses "  # noqa: S608 (constants)
        "WHERE %(years)s::int[] IS NULL OR year = ANY(%(years)s::int[]) ORDER BY year, area_id",
        {"years": list(years) if years is not None else None},
        schema={"year": pl.Int64, "area_id": pl.Int64, "weight": pl.Float64}
        | dict.fromkeys(SURVEY_QUESTIONS, pl.Int8),
        conn=conn,
    )
    return raw.with_columns(pl.col(q).cast(pl.Boolean) for q in SURVEY_QUESTIONS).select(
        list(SURVEY_SCHEMA)
    )


def incident_counts(*, conn: Connection | None = None) -> pl.DataFrame:
    """EST reports and police-reported crimes per area, calendar year (Swedish time) and category.

    Columns ``area_id``, ``year``, ``source`` (``est`` | ``polis``), ``category`` (EST category or
    police crime group), ``n``. Rows without an area are left out.
    """
    return read_frame(
        """
        SELECT area_id, extract(year FROM occurred_from AT TIME ZONE 'Europe/Stockholm')::int AS year,
               'est' AS source, category, count(*) AS n
        FROM incidents WHERE area_id IS NOT NULL GROUP BY 1, 2, 4
        UNION ALL
        SELECT area_id, extract(year FROM occurred_from AT TIME ZONE 'Europe/Stockholm')::int,
               'polis', crime_group, count(*)
        FROM police_crimes_by_area WHERE area_id IS NOT NULL GROUP BY 1, 2, 4
        ORDER BY 1, 2, 3, 4
        """,
        conn=conn,
        schema=COUNT_SCHEMA,
    )


def recent_incident_counts(
    today: dt.date, *, days: int = 91, conn: Connection | None = None
) -> pl.DataFrame:
    """Incidents (EST reports and police crimes) per area in the ``days`` before ``today`` and in
    the same window one year earlier (same season).

    Returns ``area_id``, ``recent``, ``earlier``, ``window_start``, ``window_end`` (exclusive).
    """
    end = dt.datetime.combine(today, dt.time(), tzinfo=TZ)
    start = end - dt.timedelta(days=days)
    prev_end = dt.datetime.combine(year_earlier(today), dt.time(), tzinfo=TZ)
    prev_start = prev_end - dt.timedelta(days=days)
    out = read_frame(
        """
        WITH events AS (
            SELECT area_id, occurred_from FROM incidents
            WHERE area_id IS NOT NULL AND occurred_from >= :ps AND occurred_from < :e
            UNION ALL
            SELECT area_id, occurred_from FROM police_crimes_by_area
            WHERE area_id IS NOT NULL AND occurred_from >= :ps AND occurred_from < :e
        )
        SELECT area_id,
               count(*) FILTER (WHERE occurred_from >= :s AND occurred_from < :e) AS recent,
               count(*) FILTER (WHERE occurred_from >= :ps AND occurred_from < :pe) AS earlier
        FROM events GROUP BY area_id ORDER BY area_id
        """,
        {"s": start, "e": end, "ps": prev_start, "pe": prev_end},
        conn=conn,
        schema={"area_id": pl.Int64, "recent": pl.Int64, "earlier": pl.Int64},
    )
    return out.with_columns(window_start=pl.lit(start.date()), window_end=pl.lit(end.date()))


def year_earlier(d: dt.date) -> dt.date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


# Settings -------------------------------------------------------------------------------------


def get_setting(key: str, *, conn: Connection | None = None) -> Any:
    """The stored JSON value of ``key`` (None when not set)."""
    df = read_frame(
        "SELECT value::text AS value FROM settings WHERE key = :k",
        {"k": key},
        conn=conn,
        schema={"value": pl.Utf8},
    )
    return None if df.is_empty() else json.loads(df["value"][0])


def save_setting(
    key: str,
    value: Any,
    *,
    user_id: int,
    username: str,
    role: str,
    conn: Connection | None = None,
) -> None:
    """Store ``value`` (JSON) under ``key``, recording who changed it in ``audit_log``."""
    _check_role(role)
    with as_user(user_id, role, conn=conn) as c:
        execute(
            """
            INSERT INTO settings (key, value, updated_by, updated_at)
            VALUES (:k, CAST(:v AS jsonb), :u, now())
            ON CONFLICT (key) DO UPDATE
              SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()
            """,
            {"k": key, "v": json.dumps(value, ensure_ascii=False), "u": user_id},
            conn=c,
        )
        audit(
            c,
            username=username,
            action="setting",
            entity="settings",
            entity_id=key,
            details={"value": value},
        )


# Focus areas ----------------------------------------------------------------------------------


def focus_areas(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every quarter's chosen focus areas, newest quarter first, by rank."""
    return read_frame(
        """
        SELECT f.quarter_start, f.rank, f.area_id, a.name AS area, f.score, f.rationale,
               u.display_name AS chosen_by, f.chosen_at
        FROM focus_areas f
        JOIN areas a ON a.id = f.area_id
        LEFT JOIN users u ON u.id = f.chosen_by
        ORDER BY f.quarter_start DESC, f.rank
        """,
        conn=conn,
        schema={
            "quarter_start": pl.Date,
            "rank": pl.Int64,
            "area_id": pl.Int64,
            "area": pl.Utf8,
            "score": pl.Float64,
            "rationale": pl.Utf8,
            "chosen_by": pl.Utf8,
            "chosen_at": pl.Datetime("us", "Europe/Stockholm"),
        },
    )


def save_focus_areas(
    quarter_start: dt.date,
    choices: Sequence[Mapping[str, Any]],
    *,
    user_id: int,
    username: str,
    role: str,
    conn: Connection | None = None,
) -> None:
    """Record the quarter's three focus areas (replacing an earlier choice for that quarter).

    ``choices``: three mappings with ``area_id``, ``rank`` (1–3), ``score`` (may be None) and
    ``rationale`` (non-empty). Raises ``ValueError`` for anything else, ``NotAllowed`` for a
    role that may not choose.
    """
    _check_role(role)
    if quarter_start.day != 1 or quarter_start.month not in (1, 4, 7, 10):
        raise ValueError("Kvartalet måste börja 1 januari, april, juli eller oktober.")
    if len(choices) != 3:
        raise ValueError("Välj exakt tre fokusområden.")
    if len({int(c["area_id"]) for c in choices}) != 3:
        raise ValueError("Välj tre olika områden.")
    if sorted(int(c["rank"]) for c in choices) != [1, 2, 3]:
        raise ValueError("Rangordningen ska vara 1, 2 och 3.")
    if any(not str(c.get("rationale") or "").strip() for c in choices):
        raise ValueError("Varje fokusområde behöver en motivering.")

    with as_user(user_id, role, conn=conn) as c:
        execute("DELETE FROM focus_areas WHERE quarter_start = :q", {"q": quarter_start}, conn=c)
        for ch in choices:
            execute(
                """
                INSERT INTO focus_areas (quarter_start, area_id, rank, score, rationale, chosen_by)
                VALUES (:q, :a, :r, :s, :t, :u)
                """,
                {
                    "q": quarter_start,
                    "a": int(ch["area_id"]),
                    "r": int(ch["rank"]),
                    "s": None if ch.get("score") is None else float(ch["score"]),
                    "t": str(ch["rationale"]).strip(),
                    "u": user_id,
                },
                conn=c,
            )
        audit(
            c,
            username=username,
            action="focus_areas",
            entity="focus_areas",
            entity_id=quarter_start.isoformat(),
            details={
                "areas": [int(ch["area_id"]) for ch in sorted(choices, key=lambda x: x["rank"])]
            },
        )


def insert_voronoi_areas(
    areas: Sequence[Mapping[str, Any]], *, boundary_wkt: str, seeds_wkt: str, url: str
) -> None:
    """Insert areas as the Voronoi cells of ``seeds_wkt`` clipped to ``boundary_wkt`` (SWEREF 99 TM).

    For the import benchmark's scratch database (``url``): no role check and no audit row. Each
    area (code, name, kind, population, x, y) gets the cell that contains its seed (x, y).
    """
    with begin(url) as c:
        for a in areas:
            execute(
                """
                INSERT INTO areas (code, name, kind, population, geom)
                SELECT :code, :name, :kind, :pop,
                       ST_Multi(ST_Intersection(d.geom, ST_GeomFromText(:b, 3006)))
                FROM (SELECT (ST_Dump(ST_VoronoiPolygons(ST_GeomFromText(:s, 3006), 0,
                              ST_Buffer(ST_GeomFromText(:b, 3006), 5000)))).geom) d
                WHERE ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(:x, :y), 3006))
                """,
                {
                    "code": a["code"],
                    "name": a["name"],
                    "kind": a["kind"],
                    "pop": a["population"],
                    "b": boundary_wkt,
                    "s": seeds_wkt,
                    "x": a["x"],
                    "y": a["y"],
                },
                conn=c,
            )
