"""Write the demo data set into an empty, migrated database: one transaction, bulk COPY.

Incidents and police crimes are generated a year at a time, written as CSV by Polars and streamed
through ``COPY`` into a temporary staging table; ``INSERT … SELECT`` then moves them into the real
tables with the area looked up set-based (the same rule as ``area_of``: the lowest area id whose
polygon intersects the point), with the per-row ``*_area`` trigger disabled for the duration of the
transaction. The end state equals what the trigger would produce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from ostan_dash.config import TZ
from ostan_dash.demo import geography as geo
from ostan_dash.demo import incidents as inc
from ostan_dash.demo import indicators as ind
from ostan_dash.demo import interventions as ivs
from ostan_dash.demo import people, survey, workflow
from ostan_dash.demo import population as demo_population
from ostan_dash.demo import public as demo_public
from ostan_dash.demo import streets as demo_streets
from ostan_dash.demo.clock import default_today

if TYPE_CHECKING:  # the database stack is imported only when something is loaded
    import psycopg
    from sqlalchemy.engine import Connection, Engine


class DemoAlreadyLoaded(RuntimeError):
    """The database already has areas: the demo loads only into an empty database."""


def is_loaded(conn: Connection) -> bool:
    """True when the database has any areas (demo or real)."""
    import sqlalchemy as sa

    return bool(conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM areas)")).scalar())


def _resolve_engine(engine_or_url: Engine | str | None) -> Engine:
    from ostan_dash import store

    if engine_or_url is None:
        return store.engine()
    if isinstance(engine_or_url, str):
        return store.engine(engine_or_url)
    return engine_or_url


def _local_ts(d: dt.datetime) -> dt.datetime:
    return d.replace(tzinfo=TZ) if d.tzinfo is None else d


def _copy(cur: psycopg.Cursor, table: str, columns: list[str], df: pl.DataFrame) -> None:
    buf = io.BytesIO()
    df.select(columns).write_csv(buf, include_header=False)
    cols = ", ".join(columns)
    with cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as cp:
        cp.write(buf.getvalue())


def load(
    engine_or_url: Engine | str | None = None,
    *,
    scale: float = 1.0,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Load the demo data set; returns the number of rows written per table.

    Deterministic: the same ``(seed, scale, today)`` gives the same data. ``scale`` multiplies
    the volume of EST reports and police crimes only. Raises :class:`DemoAlreadyLoaded` when the
    database already has areas; on any error nothing is written.
    """
    import bcrypt
    import psycopg

    today = today or default_today()
    say = progress or (lambda _msg: None)
    engine = _resolve_engine(engine_or_url)
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    model = inc.Model(seed=seed, scale=scale, today=today)
    years = list(range(model.start.year, today.year + 1))
    password_hash = bcrypt.hashpw(people.DEMO_PASSWORD.encode(), bcrypt.gensalt(12)).decode()

    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        cur = raw.cursor()
        cur.execute("SET LOCAL statement_timeout = 0")
        cur.execute("LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE")
        if is_loaded(conn):
            raise DemoAlreadyLoaded(
                "Databasen har redan områden; demodata laddas bara i en tom databas."
            )

        say("Organisationer och användare")
        org_id = _organisations(cur)
        user_id = _users(cur, org_id, password_hash)
        counts["organisations"] = len(org_id)
        counts["users"] = len(user_id)

        say("Områden och platser")
        area_id = _areas(cur)
        counts["areas"] = len(area_id)
        counts["places"] = _places(cur)
        counts["population_cells"] = demo_population.load_grid(conn=conn, seed=seed, today=today)
        counts["streets"] = demo_streets.load_network(conn=conn, seed=seed)

        say("Kunskapsbank, problembilder och insatser")
        counts |= _interventions(cur, today, seed, org_id, user_id, area_id)

        cur.execute(
            "INSERT INTO imports (kind, file_name, sha256, rows_read, rows_written, imported_by)"
            " VALUES ('demo', %s, %s, 0, 0, %s) RETURNING id",
            (
                f"ostan_dash.demo seed={seed} scale={scale} today={today.isoformat()}",
                hashlib.sha256(f"{seed}|{scale}|{today}".encode()).hexdigest(),
                user_id["admin"],
            ),
        )
        import_id = cur.fetchone()[0]
        counts["imports"] = 1

        est_frames, police_frames = [], []
        n_est = n_pol = 0
        _stage(cur)
        for y in years:
            t = time.perf_counter()
            est = inc.est_year(model, y)
            pol = inc.police_year(model, y)
            t_gen = time.perf_counter() - t
            n_est += _write_est(cur, est, org_id, user_id)
            n_pol += _write_police(cur, pol, area_id, import_id)
            say(
                f"{y}: {est.height} rapporter, {pol.height} polisanmälda brott "
                f"(genererat {t_gen:.1f} s, skrivet {time.perf_counter() - t - t_gen:.1f} s)"
            )
            if y >= today.year - 3:  # the records below look back at most ~2 years
                est_frames.append(est.select("category", "area", "occurred_from"))
                police_frames.append(pol.select("occurred_from"))
        cur.execute("ALTER TABLE incidents ENABLE TRIGGER incidents_area")
        cur.execute("ALTER TABLE police_crimes ENABLE TRIGGER police_crimes_area")
        counts["incidents"] = n_est
        counts["police_crimes"] = n_pol
        cur.execute(
            "UPDATE imports SET rows_read = %s, rows_written = %s WHERE id = %s",
            (n_est + n_pol, n_est + n_pol, import_id),
        )

        say("Områdesindikatorer och trygghetsundersökning")
        counts["area_indicators"] = _indicators(cur, seed, today, area_id, import_id)
        counts["survey_responses"] = _survey(cur, seed, today, area_id, import_id)
        # "Andel otrygga" is the survey's own estimate, with its n and n_eff (issue 9).
        survey.fill_indicator_sampling(conn=conn)

        say("Inställningar, fokusområden och analyser")
        est_all = pl.concat(est_frames)
        pol_all = pl.concat(police_frames)
        counts |= _workflow(cur, seed, scale, today, est_all, pol_all, area_id, user_id)

        say("Offentlig sida")
        counts["public_items"] = demo_public.publish_examples(
            conn, today=today, analyst_id=user_id["analytiker"]
        )

        say("ANALYZE")
        for table in (
            "areas",
            "places",
            "population_cells",
            "streets",
            "incidents",
            "police_crimes",
            "area_indicators",
            "survey_responses",
            "interventions",
            "problem_pictures",
        ):
            cur.execute(f"ANALYZE {table}")
    say(f"Klart på {time.perf_counter() - t0:.1f} s")
    return counts


# Writers ----------------------------------------------------------------------------------
def _organisations(cur: psycopg.Cursor) -> dict[str, int]:
    out = {}
    for o in people.ORGANISATIONS:
        cur.execute(
            "INSERT INTO organisations (name, kind) VALUES (%s, %s) ON CONFLICT (name) "
            "DO UPDATE SET kind = EXCLUDED.kind RETURNING id",
            (o.name, o.kind),
        )
        out[o.key] = cur.fetchone()[0]
    return out


def _users(cur: psycopg.Cursor, org_id: dict[str, int], password_hash: str) -> dict[str, int]:
    for u in people.ALL_USERS:
        cur.execute(
            "INSERT INTO users (username, display_name, password_hash, role, "
            "organisation_id) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (username) DO NOTHING",
            (u.username, u.display_name, password_hash, u.role, org_id[u.org_key]),
        )
    cur.execute(
        "SELECT username, id FROM users WHERE username = ANY(%s)",
        ([u.username for u in people.ALL_USERS],),
    )
    return dict(cur.fetchall())


_AREAS_SQL = """
WITH seeds AS (
    SELECT s.*, ST_SetSRID(ST_MakePoint(s.x, s.y), 3006) AS pt
    FROM unnest(%(code)s::text[], %(name)s::text[], %(kind)s::text[], %(pop)s::int[],
                %(town)s::bool[], %(x)s::float8[], %(y)s::float8[])
         WITH ORDINALITY AS s(code, name, kind, population, town, x, y, ord)
), bnd AS (SELECT ST_GeomFromText(%(boundary)s, 3006) AS g),
twn AS (SELECT ST_GeomFromText(%(town_wkt)s, 3006) AS g),
lines AS (
    SELECT ST_ExteriorRing(g) AS g FROM bnd
    UNION ALL SELECT ST_ExteriorRing(g) FROM twn
    UNION ALL SELECT ST_VoronoiLines(ST_Collect(s.pt), 0, (SELECT ST_Expand(g, 5000) FROM bnd))
    FROM seeds s GROUP BY s.town
), faces AS (
    SELECT f.geom AS f, ST_PointOnSurface(f.geom) AS p
    FROM ST_Dump((SELECT ST_Polygonize(u) FROM (SELECT ST_UnaryUnion(ST_Collect(g)) AS u
                                                FROM lines) AS noded)) AS f
), owned AS (
    SELECT fc.f, (SELECT s.code FROM seeds s WHERE s.town = ST_Intersects(twn.g, fc.p)
                  ORDER BY s.pt <-> fc.p, s.ord LIMIT 1) AS code
    FROM faces fc CROSS JOIN twn CROSS JOIN bnd WHERE ST_Intersects(bnd.g, fc.p)
)
INSERT INTO areas (code, name, kind, population, geom)
SELECT s.code, s.name, s.kind, s.population,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(o.f)), 3))
FROM seeds s JOIN owned o ON o.code = s.code
GROUP BY s.code, s.name, s.kind, s.population, s.ord
ORDER BY s.ord
RETURNING id, code
"""


def _areas(cur: psycopg.Cursor) -> dict[str, int]:
    a = geo.areas_frame()
    cur.execute(
        _AREAS_SQL,
        {
            "code": a["code"].to_list(),
            "name": a["name"].to_list(),
            "kind": a["kind"].to_list(),
            "pop": a["population"].to_list(),
            "town": a["town"].to_list(),
            "x": a["seed_x"].to_list(),
            "y": a["seed_y"].to_list(),
            "boundary": geo.polygon_wkt(geo.boundary()),
            "town_wkt": geo.polygon_wkt(geo.town()),
        },
    )
    out = {code: i for i, code in cur.fetchall()}
    if len(out) != len(geo.AREAS):
        raise RuntimeError("Kunde inte bygga alla områden")
    return out


def _places(cur: psycopg.Cursor) -> int:
    p = geo.places_frame()
    cur.executemany(
        "INSERT INTO places (name, kind, critical, geom) "
        "VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 3006))",
        list(p.iter_rows()),
    )
    return p.height


def _interventions(
    cur: psycopg.Cursor,
    today: dt.date,
    seed: int,
    org_id: dict[str, int],
    user_id: dict[str, int],
    area_id: dict[str, int],
) -> dict[str, int]:
    from psycopg.types.json import Jsonb

    src_id = {}
    for s in ivs.KNOWLEDGE_SOURCES:
        cur.execute(
            "INSERT INTO knowledge_sources (title, publisher, year, url, summary) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (title) DO UPDATE "
            "SET publisher = EXCLUDED.publisher RETURNING id",
            (s.title, s.publisher, s.year, s.url, s.summary),
        )
        src_id[s.key] = cur.fetchone()[0]
    type_id = {}
    for t in ivs.INTERVENTION_TYPES:
        cur.execute(
            "INSERT INTO intervention_types (name, kind, evidence, source_id, description)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE "
            "SET kind = EXCLUDED.kind RETURNING id",
            (t.name, t.kind, t.evidence, src_id[t.source], t.description),
        )
        type_id[t.name] = cur.fetchone()[0]

    def ids(names: tuple[str, ...]) -> list[int]:
        return [area_id[geo.BY_NAME[n].code] for n in names]

    def circle(spot: str | None, radius: float) -> str | None:
        if spot is None:
            return None
        if spot in geo.HOT_SPOT_BY_KEY:
            h = geo.HOT_SPOT_BY_KEY[spot]
            c = geo.xy(h.dx, h.dy)
        else:
            p = geo.PLACE_BY_NAME[spot]
            c = geo.xy(p.dx, p.dy)
        return geo.circle_wkt(c[0], c[1], radius)

    n_crit = 0

    def problem(
        pb: ivs.Problem, created: dt.datetime, author: str, p_from: dt.date, p_to: dt.date
    ) -> int:
        nonlocal n_crit
        cur.execute(
            "INSERT INTO problem_pictures (title, description, categories, subtypes, area_ids, "
            "geom, weekdays, hour_from, hour_to, period_from, period_to, status, owner_org_id, "
            "created_by, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, "
            "ST_GeomFromText(%s, 3006), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                pb.title,
                pb.description,
                list(pb.categories),
                list(pb.subtypes),
                ids(pb.areas),
                circle(pb.hot_spot, pb.radius),
                list(pb.weekdays),
                pb.hour_from,
                pb.hour_to,
                p_from,
                p_to,
                pb.status,
                org_id[pb.owner_org],
                user_id[author],
                created,
                created,
            ),
        )
        pid = cur.fetchone()[0]
        decided = created + dt.timedelta(days=7)
        for k, (met, why) in enumerate(pb.criteria, start=1):
            computable = k in (1, 2)
            cur.execute(
                "INSERT INTO problem_criteria (problem_id, criterion, proposed, proposed_basis, "
                "met, justification, decided_by, decided_at) VALUES (%s, %s, %s, %s, %s, %s, "
                "%s, %s)",
                (
                    pid,
                    k,
                    met if computable else None,
                    "Beräknat från rapporterna senaste året" if computable else None,
                    met,
                    why,
                    user_id[author],
                    decided,
                ),
            )
            n_crit += 1
        tri = ivs.TRIANGLES.get(pb.title, {})
        cur.execute(
            "INSERT INTO cause_analyses (problem_id, known_facts, hypotheses, evidence_ids, "
            "conclusion, updated_by, updated_at, triangle_place, triangle_offender, "
            "triangle_target, triangle_place_manager, triangle_handler, triangle_guardian) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                pid,
                pb.known_facts,
                Jsonb([{"hypotes": h, "stod": s} for h, s in pb.hypotheses]),
                [src_id[e] for e in pb.evidence],
                pb.conclusion,
                user_id[author],
                decided,
                *(
                    tri.get(k)
                    for k in ("place", "offender", "target", "place_manager", "handler", "guardian")
                ),
            ),
        )
        return pid

    n_iv = n_pb = 0
    iv_id = {}
    for iv in ivs.interventions(today):
        created = dt.datetime.combine(iv.start - dt.timedelta(days=45), dt.time(10, 0), tzinfo=TZ)
        pid = None
        if iv.problem is not None:
            pid = problem(
                iv.problem,
                created - dt.timedelta(days=14),
                iv.created_by,
                iv.start - dt.timedelta(days=365),
                iv.start - dt.timedelta(days=60),
            )
            n_pb += 1
        cur.execute(
            "INSERT INTO interventions (title, description, kind, intervention_type_id, "
            "problem_id, cause_hypothesis, categories, police_groups, target_area_ids, "
            "target_geom, control_area_ids, buffer_m, start_date, end_date, responsible_org_id, "
            "responsible_role, cost_sek, cost_of_inaction_sek, expected_effect, "
            "goal_reduction_pct, baseline, status, created_by, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, ST_GeomFromText(%s, 3006), %s, %s, %s, "
            "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                iv.title,
                iv.description,
                iv.kind,
                type_id.get(iv.type_name or ""),
                pid,
                iv.cause_hypothesis,
                list(iv.categories),
                list(iv.police_groups),
                ids(iv.target_areas),
                iv.target_wkt(),
                ids(iv.control_areas),
                iv.buffer_m,
                iv.start,
                iv.end,
                org_id[iv.responsible_org],
                iv.responsible_role,
                iv.cost_sek,
                iv.cost_of_inaction_sek,
                iv.expected_effect,
                iv.goal_reduction_pct,
                iv.baseline,
                iv.status,
                user_id[iv.created_by],
                created,
                created,
            ),
        )
        iv_id[iv.key] = cur.fetchone()[0]
        n_iv += 1
    for pb in ivs.EXTRA_PROBLEMS:
        created = dt.datetime.combine(today - dt.timedelta(days=20), dt.time(10, 0), tzinfo=TZ)
        problem(
            pb, created, "analytiker", today - dt.timedelta(days=365), today - dt.timedelta(days=21)
        )
        n_pb += 1
    log = ivs.log_entries(today, seed)
    cur.executemany(
        "INSERT INTO intervention_log (intervention_id, entry_date, fidelity, note, created_by, "
        "created_at) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (iv_id[k], d, f, note, user_id[u], dt.datetime.combine(d, dt.time(15, 0), tzinfo=TZ))
            for k, d, f, note, u in log.iter_rows()
        ],
    )
    return {
        "knowledge_sources": len(src_id),
        "intervention_types": len(type_id),
        "problem_pictures": n_pb,
        "problem_criteria": n_crit,
        "cause_analyses": n_pb,
        "interventions": n_iv,
        "intervention_log": log.height,
    }


def _stage(cur: psycopg.Cursor) -> None:
    cur.execute(
        "CREATE TEMP TABLE demo_stage_incidents (category text, subtype text, object_type text, "
        "persons_count integer, occurred_from timestamptz, occurred_to timestamptz, "
        "geom geometry(Point, 3006), organisation_id integer, reported_by integer, "
        "description text, created_at timestamptz) ON COMMIT DROP"
    )
    cur.execute(
        "CREATE TEMP TABLE demo_stage_police (external_id text, crime_type text, "
        "crime_group text, occurred_from timestamptz, occurred_to timestamptz, "
        "geom geometry(Point, 3006), area_id integer, created_at timestamptz) ON COMMIT DROP"
    )
    cur.execute("ALTER TABLE incidents DISABLE TRIGGER incidents_area")
    cur.execute("ALTER TABLE police_crimes DISABLE TRIGGER police_crimes_area")


_POINT = pl.format("SRID=3006;POINT({} {})", pl.col("x"), pl.col("y"))
# The area of a point is looked up exactly as area_of() decides it (sql/034): the smallest of
# the areas whose polygon intersects the point, the lowest id among equals.
_INSERT_INCIDENTS = """
INSERT INTO incidents (category, subtype, object_type, persons_count, occurred_from, occurred_to,
                       geom, organisation_id, reported_by, description, created_at, area_id,
                       updated_at)
SELECT s.category, s.subtype, s.object_type, s.persons_count, s.occurred_from, s.occurred_to,
       s.geom, s.organisation_id, s.reported_by, s.description, s.created_at,
       (SELECT a.id FROM areas a WHERE ST_Intersects(a.geom, s.geom)
        ORDER BY ST_Area(a.geom), a.id LIMIT 1),
       s.created_at
FROM demo_stage_incidents s ORDER BY s.occurred_from
"""
_INSERT_POLICE = """
INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from, occurred_to,
                           geom, area_id, import_id, created_at)
SELECT s.external_id, s.crime_type, s.crime_group, s.occurred_from, s.occurred_to, s.geom,
       CASE WHEN s.geom IS NULL THEN s.area_id
            ELSE (SELECT a.id FROM areas a WHERE ST_Intersects(a.geom, s.geom)
                  ORDER BY ST_Area(a.geom), a.id LIMIT 1) END,
       %s, s.created_at
FROM demo_stage_police s ORDER BY s.occurred_from
"""


def _write_est(
    cur: psycopg.Cursor, est: pl.DataFrame, org_id: dict[str, int], user_id: dict[str, int]
) -> int:
    df = est.with_columns(
        geom=_POINT,
        organisation_id=pl.col("organisation").replace_strict(org_id, return_dtype=pl.Int32),
        reported_by=pl.col("reported_by").replace_strict(
            user_id, default=None, return_dtype=pl.Int32
        ),
    )
    cols = [
        "category",
        "subtype",
        "object_type",
        "persons_count",
        "occurred_from",
        "occurred_to",
        "geom",
        "organisation_id",
        "reported_by",
        "description",
        "created_at",
    ]
    _copy(cur, "demo_stage_incidents", cols, df)
    cur.execute(_INSERT_INCIDENTS)
    n = cur.rowcount
    cur.execute("TRUNCATE demo_stage_incidents")
    return n


def _write_police(
    cur: psycopg.Cursor, pol: pl.DataFrame, area_id: dict[str, int], import_id: int
) -> int:
    df = pol.with_columns(
        geom=pl.when(pl.col("x").is_not_null()).then(_POINT),
        area_id=pl.col("area").replace_strict(area_id, return_dtype=pl.Int32),
    )
    cols = [
        "external_id",
        "crime_type",
        "crime_group",
        "occurred_from",
        "occurred_to",
        "geom",
        "area_id",
        "created_at",
    ]
    _copy(cur, "demo_stage_police", cols, df)
    cur.execute(_INSERT_POLICE, (import_id,))
    n = cur.rowcount
    cur.execute("TRUNCATE demo_stage_police")
    return n


def _indicators(
    cur: psycopg.Cursor, seed: int, today: dt.date, area_id: dict[str, int], import_id: int
) -> int:
    df = ind.indicators(seed=seed, today=today).with_columns(
        area_id=pl.col("area").replace_strict(area_id, return_dtype=pl.Int32),
        import_id=pl.lit(import_id),
    )
    cols = [
        "area_id",
        "year",
        "population",
        "population_under18",
        *ind.INDICATORS,
        "organised_crime",
        "import_id",
    ]
    _copy(cur, "area_indicators", cols, df)
    return df.height


def _survey(
    cur: psycopg.Cursor, seed: int, today: dt.date, area_id: dict[str, int], import_id: int
) -> int:
    df = survey.survey(seed=seed, today=today).with_columns(
        area_id=pl.col("area").replace_strict(area_id, return_dtype=pl.Int32),
        import_id=pl.lit(import_id),
    )
    cols = [
        "year",
        "area_id",
        "weight",
        "unsafe_evening",
        "worried_crime",
        "avoids_going_out",
        "victim",
        "import_id",
        "respondent_ref",
    ]
    _copy(cur, "survey_responses", cols, df)
    return df.height


def _workflow(
    cur: psycopg.Cursor,
    seed: int,
    scale: float,
    today: dt.date,
    est: pl.DataFrame,
    police: pl.DataFrame,
    area_id: dict[str, int],
    user_id: dict[str, int],
) -> dict[str, int]:
    from psycopg.types.json import Jsonb

    n_set = 0
    for key, value in workflow.settings(seed=seed, scale=scale, today=today).items():
        cur.execute(
            "INSERT INTO settings (key, value, updated_by) VALUES (%s, %s, %s) "
            "ON CONFLICT (key) DO NOTHING",
            (key, Jsonb(value), user_id["admin"]),
        )
        n_set += cur.rowcount
    fa = workflow.focus_areas(est, today)
    rows: list[Any] = [
        (
            r["quarter_start"],
            area_id[r["area"]],
            r["rank"],
            r["score"],
            r["rationale"],
            user_id[r["chosen_by"]],
            _local_ts(r["chosen_at"]),
        )
        for r in fa.iter_rows(named=True)
    ]
    cur.executemany(
        "INSERT INTO focus_areas (quarter_start, area_id, rank, score, rationale, "
        "chosen_by, chosen_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        rows,
    )
    an = workflow.analyses(est, police, today)
    rows = [
        (
            r["kind"],
            r["period_start"],
            r["period_end"],
            r["title"],
            r["body"],
            user_id[r["created_by"]],
            _local_ts(r["created_at"]),
            _local_ts(r["created_at"]),
        )
        for r in an.iter_rows(named=True)
    ]
    cur.executemany(
        "INSERT INTO analyses (kind, period_start, period_end, title, body, "
        "created_by, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (kind, period_start) DO NOTHING",
        rows,
    )
    return {"settings": n_set, "focus_areas": fa.height, "analyses": an.height}
