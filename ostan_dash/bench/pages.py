"""The whole server run of a page next to its floor (issue 14: "a fair bench").

A page's figure is Streamlit's own run of the page script (``AppTest``, logged in through
app.py as the demo analyst): every widget, filter, aggregation, chart, map layer and download
the page builds per rerun, in wall and CPU seconds of this process. Its floor is written here,
independently of the page's functions: only the aggregation the screen needs, on the fewest
columns held in memory in one chunk with local times already naive (as a local Arrow file
would give them).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import polars as pl

APP = Path(__file__).resolve().parents[2] / "app.py"
DEMO_PASSWORD = "ostan-demo"
PAGES = {
    "oversikt": "content/oversikt.py",
    "karta": "content/karta.py",
    "omraden": "content/omraden.py",
    "trygghet": "content/trygghet.py",
}
KARTA_CLICKS: dict[str, tuple[str, str, object]] = {
    "period_kvartal": ("selectbox", "f_period", "kvartal"),
    "category": ("multiselect", "f_kategori", ["est:skadegorelse"]),
    "cell_100": ("segmented_control", "karta_ruta", 100),
    "density_on": ("toggle", "karta_tathet", True),
}
"""Karta's interactions, each one widget changed from the default screen: (kind, key, value)."""
KARTA_TABS = {"tab_tider": "Tider", "tab_trend": "Säsong och trend", "tab_jamfor": "Jämför områden"}
"""Karta's other tabs, opened one after the other after the clicks (only the open tab runs)."""


def _compile_once() -> None:
    """Compile each script once per process, as the server does: Streamlit's runtime keeps one
    ``ScriptCache`` for the process, while AppTest makes a new one on every run and so compiles
    and rewrites (magic) app.py and the page each time, which a served page never pays."""
    from streamlit.testing.v1 import app_test, local_script_runner

    if getattr(app_test, "_ostan_shared_cache", False):
        return
    shared = app_test.ScriptCache()  # the harness's own import of Streamlit's script cache
    app_test._ostan_shared_cache = True  # type: ignore[attr-defined]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[misc,assignment]
    app_test.ScriptCache = lambda: shared  # type: ignore[misc,assignment]


def _login(username: str = "analytiker"):
    """An AppTest of app.py logged in as the demo ``username``, and the time of the run that
    submits the login and shows the first page (Översikt, reading the incident frame)."""
    from streamlit.testing.v1 import AppTest

    _compile_once()

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    fields = {t.label: t for t in at.text_input}
    fields["Användarnamn"].input(username)
    fields["Lösenord"].input(DEMO_PASSWORD)
    next(b for b in at.button if b.label == "Logga in").click()
    return at, _run(at)


def _run(at) -> dict[str, float]:
    """One run of ``at``: wall seconds, and the server's CPU seconds (:func:`server_cpu`)."""
    t0, c0, h0 = time.perf_counter(), time.process_time(), time.thread_time()
    at.run()
    process, harness = time.process_time() - c0, time.thread_time() - h0
    if at.exception or at.error:  # app.py shows a failed page as an error box
        raise RuntimeError(f"sidan föll: {at.exception or [e.value for e in at.error]}")
    return {
        "wall_s": time.perf_counter() - t0,
        "cpu_s": server_cpu(process, harness, serialize_s(at._tree)),
        "harness_cpu_s": harness,
    }


def server_cpu(process_s: float, harness_s: float, serialize_s: float) -> float:
    """What a served run costs the server: the process's CPU during the run without the test
    harness's own thread, plus serialising what the run sends.

    ``AppTest`` runs the page in a script thread, as the server does, while its calling thread
    polls for the end every millisecond and then parses every message into test objects (at
    2.5 M incidents 3–8 ms of CPU per run, a tenth of a Karta rerun). A server does neither; it
    serialises each message for the browser instead, which is timed here on the same
    messages (``serialize_s``)."""
    return max(process_s - harness_s, 0.0) + serialize_s


def serialize_s(node) -> float:
    """CPU seconds to serialise every element message under ``node`` to bytes, as the server
    does before it sends them (``ForwardMsg.SerializeToString``)."""
    c0 = time.thread_time()
    _serialize(node)
    return time.thread_time() - c0


def _serialize(node) -> None:
    own = getattr(node, "proto", None)
    if own is not None and hasattr(own, "SerializeToString"):
        own.SerializeToString()
    for child in getattr(node, "children", {}).values():
        _serialize(child)


def payload_bytes(node) -> int:
    """Bytes of the element messages a run sends to the browser (the protobufs of every
    element on the page, uncompressed): Streamlit sends each element of a rerun again."""
    own = getattr(node, "proto", None)
    total = own.ByteSize() if own is not None and hasattr(own, "ByteSize") else 0
    for child in getattr(node, "children", {}).values():
        total += payload_bytes(child)
    return total


def _set(at, kind: str, key: str, value: object) -> None:
    getattr(at, kind)(key=key).set_value(value)


def karta_clicks(at, *, defaults: dict[str, object]) -> dict[str, dict[str, float]]:
    """Each of :data:`KARTA_CLICKS` from the default screen: the run after the change (CPU and
    wall seconds, bytes sent), then the widget set back (a run not counted); then each of
    :data:`KARTA_TABS` opened in turn, timed the same way."""
    out = {}
    for name, (kind, key, value) in KARTA_CLICKS.items():
        _set(at, kind, key, value)
        out[name] = _measured(at)
        _set(at, kind, key, defaults[key])
        _run(at)
    for name, label in KARTA_TABS.items():  # the tab is in the address (?flik=)
        at.query_params["flik"] = label
        out[name] = _measured(at)
    return out


def _measured(at) -> dict[str, float]:
    """One run after a change: CPU and wall seconds, and the bytes it sends to the browser."""
    run = _run(at)
    return {
        "cpu_s": round(run["cpu_s"], 3),
        "harness_cpu_s": round(run["harness_cpu_s"], 3),
        "wall_s": round(run["wall_s"], 3),
        "payload_bytes": payload_bytes(at._tree),
    }


def page_runs(page: str, *, reruns: int = 3, logins: bool = True) -> dict[str, object]:
    """From a fresh process cache: login to the first page (reads the incident frame), the
    first run of ``page`` and the median of ``reruns`` reruns with nothing changed (what every
    click on it pays at least). With ``logins``, the first page is also timed from a cold
    start (no snapshot on disk), from the snapshot and in a second session."""
    from ostan_dash.store import hot
    from ostan_dash.ui import data

    if logins:
        hot.drop_snapshots()  # a cold start: nothing on disk either
    data.clear_process()  # another scale's database may have the same data version
    at, login = _login()
    at.switch_page(PAGES[page])
    first = _run(at)
    again = [_run(at) for _ in range(reruns)]
    out: dict[str, object] = {
        "login_to_first_page_s": round(login["wall_s"], 3),
        "login_to_first_page_cpu_s": round(login["cpu_s"], 3),
        "first_run_s": round(first["wall_s"], 3),
        "first_run_cpu_s": round(first["cpu_s"], 3),
        "rerun_median_s": round(statistics.median(r["wall_s"] for r in again), 3),
        "rerun_median_cpu_s": round(statistics.median(r["cpu_s"] for r in again), 3),
        "rerun_median_harness_cpu_s": round(
            statistics.median(r["harness_cpu_s"] for r in again), 3
        ),
        "rerun_payload_bytes": payload_bytes(at._tree),
    }
    if page == "karta":
        defaults = {key: getattr(at, kind)(key=key).value for kind, key, _ in KARTA_CLICKS.values()}
        out["clicks"] = karta_clicks(at, defaults=defaults)
    if page == "oversikt":
        out["rerun_after_one_edited_report"] = after_write(at)
    if not logins:
        return out
    _, warm = _login()  # another session of the same process: the frame is held
    out["login_to_first_page_warm_s"] = round(warm["wall_s"], 3)
    out["login_to_first_page_warm_cpu_s"] = round(warm["cpu_s"], 3)
    if _snapshot_written():
        data.clear_process()  # a restarted server: the frame only on disk
        _, snap = _login()
        out["login_to_first_page_snapshot_s"] = round(snap["wall_s"], 3)
        out["login_to_first_page_snapshot_cpu_s"] = round(snap["cpu_s"], 3)
    return out


def after_write(at) -> dict[str, float]:
    """The page's next run after one report is edited elsewhere (its row rewritten as it was,
    ``bench.refresh.TOUCH``): the frame refreshed by that row (sql/040) and the page's caches
    recomputed for the new data version; before sql/040 the frame was read whole here."""
    from ostan_dash import store
    from ostan_dash.bench.refresh import TOUCH

    with store.begin() as c:
        c.execute(TOUCH, {"n": 1})
    run = _run(at)
    return {"wall_s": round(run["wall_s"], 3), "cpu_s": round(run["cpu_s"], 3)}


def rss_mb() -> float | None:
    """This process's resident memory now (``VmRSS``), in MB: what a server holding the frame
    and the pages' caches uses (the peak of the whole bench includes its own extra reads)."""
    from ostan_dash.procinfo import status_mb

    return status_mb("VmRSS")


def _snapshot_written(timeout_s: float = 120) -> bool:
    """Whether the background write of the frame's snapshot (store.hot) has finished."""
    from ostan_dash.store import hot

    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        if any(hot.SNAPSHOT_DIR.glob("*.arrow")) and not any(hot.SNAPSHOT_DIR.glob("*.tmp")):
            return True
        time.sleep(0.5)
    return False


def floor_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """What the floors read: source, category, area, point and local start time (naive)."""
    return frame.select(
        "source",
        "category",
        "area_id",
        "x",
        "y",
        t=pl.col("occurred_from").dt.replace_time_zone(None),
    ).rechunk()


def oversikt_floor(floor: pl.DataFrame, week: dt.date, *, years: int = 3) -> pl.DataFrame:
    """Översikt's necessary work: counts per week by source, EST category and area over the
    13 weeks shown and, for each of ``years`` earlier years, the ±4 weeks around the same week
    and the 12 before them (the seasonal expectation's windows). Returns the counts per week
    and source."""
    windows = [(week - dt.timedelta(weeks=12), week + dt.timedelta(days=7))]
    for y in range(1, years + 1):
        then = week - dt.timedelta(weeks=52 * y)
        windows.append((then - dt.timedelta(weeks=12), then + dt.timedelta(weeks=5)))
    inside = pl.any_horizontal(
        pl.col("t").is_between(
            dt.datetime.combine(a, dt.time()), dt.datetime.combine(b, dt.time()), closed="left"
        )
        for a, b in windows
    )
    rows = floor.filter(inside).with_columns(w=pl.col("t").dt.truncate("1w"))
    rows.filter(pl.col("source") == "est").group_by("w", "category").len()
    rows.group_by("w", "area_id").len()
    return rows.group_by("w", "source").len()


def _between(a: dt.date, b: dt.date) -> pl.Expr:
    """Local start time from midnight of ``a`` up to midnight of ``b``."""
    midnight = dt.time()
    return pl.col("t").is_between(
        dt.datetime.combine(a, midnight), dt.datetime.combine(b, midnight), closed="left"
    )


def _periods(today: dt.date, bounds: tuple[dt.date, dt.date] | None) -> tuple[dt.date, ...]:
    """Start of the comparison period, start and end (exclusive) of the period: inclusive
    ``bounds``, by default the four weeks before ``today``, and as many days before them."""
    if bounds is None:
        bounds = (today - dt.timedelta(weeks=4), today - dt.timedelta(days=1))
    end = bounds[1] + dt.timedelta(days=1)
    return bounds[0] - (end - bounds[0]), bounds[0], end


def karta_floor(
    floor: pl.DataFrame,
    today: dt.date,
    *,
    cell: int = 250,
    bounds: tuple[dt.date, dt.date] | None = None,
    category: str | None = None,
    density_cell: int | None = None,
) -> pl.DataFrame:
    """Karta's map tab: the period (inclusive dates; default the four weeks before ``today``)
    and as many days before it, ``cell`` m cell counts for both (the hot-spot grid's and the
    change test's input; the period's total is the filtered height); with ``category`` (``"source:category"``)
    only its rows, with ``density_cell`` also the counts on that finer raster (the density
    surface's input). Returns the period's cells."""
    before0, now0, end = _periods(today, bounds)
    if category is not None:
        source, _, cat = category.partition(":")
        floor = floor.filter((pl.col("source") == source) & (pl.col("category") == cat))
    cells = []
    for a, b in ((now0, end), (before0, now0)):
        part = floor.filter(_between(a, b))
        cells.append(
            part.filter(pl.col("x").is_not_null())
            .group_by((pl.col("x") // cell).alias("cx"), (pl.col("y") // cell).alias("cy"))
            .len()
        )
    if density_cell:
        floor.filter(_between(now0, end) & pl.col("x").is_not_null()).group_by(
            (pl.col("x") // density_cell).alias("cx"), (pl.col("y") // density_cell).alias("cy")
        ).len()
    return cells[0]


def karta_times_floor(
    floor: pl.DataFrame, today: dt.date, bounds: tuple[dt.date, dt.date] | None = None
) -> pl.DataFrame:
    """Karta's Tider tab: the period's counts per weekday and hour of the start time."""
    _, now0, end = _periods(today, bounds)
    t = pl.col("t")
    return (
        floor.filter(_between(now0, end))
        .group_by(t.dt.weekday().alias("d"), t.dt.hour().alias("h"))
        .len()
    )


def karta_trend_floor(
    floor: pl.DataFrame, today: dt.date, bounds: tuple[dt.date, dt.date] | None = None
) -> pl.DataFrame:
    """Karta's Säsong och trend tab: counts per week of the period and of the comparison
    period, and per year and month over every year before this month. Returns the latter."""
    before0, _, end = _periods(today, bounds)
    t = pl.col("t")
    floor.filter(_between(before0, end)).group_by(t.dt.truncate("1w").alias("w")).len()
    return (
        floor.filter(t < dt.datetime(today.year, today.month, 1))
        .group_by(t.dt.year().alias("year"), t.dt.month().alias("month"))
        .len()
    )


def karta_compare_floor(
    floor: pl.DataFrame, today: dt.date, bounds: tuple[dt.date, dt.date] | None = None
) -> pl.DataFrame:
    """Karta's Jämför områden tab: counts per area in the period and the comparison period,
    and per area and week over the 52 weeks before them (the week-to-week dispersion).
    Returns the period's counts."""
    before0, now0, end = _periods(today, bounds)
    placed = floor.filter(pl.col("area_id").is_not_null())
    t = pl.col("t")
    placed.filter(_between(before0 - dt.timedelta(weeks=52), before0)).group_by(
        "area_id", t.dt.truncate("1w").alias("w")
    ).len()
    placed.filter(_between(before0, now0)).group_by("area_id").len()
    return placed.filter(_between(now0, end)).group_by("area_id").len()


def omraden_floor(floor: pl.DataFrame, today: dt.date, *, days: int = 91) -> pl.DataFrame:
    """Områden's necessary work on the incidents: counts per area, year, source and category
    (the criteria matrix's incident rows), and per area the last ``days`` days against the
    same days a year earlier (the trend of the focus score). Returns the yearly counts."""
    end = dt.datetime.combine(today, dt.time())
    start = end - dt.timedelta(days=days)
    prev_end = end.replace(year=end.year - 1) if (end.month, end.day) != (2, 29) else end
    prev_start = prev_end - dt.timedelta(days=days)
    t = pl.col("t")
    placed = floor.filter(pl.col("area_id").is_not_null())
    placed.filter(t >= prev_start).group_by("area_id").agg(
        recent=t.is_between(start, end, closed="left").sum(),
        earlier=t.is_between(prev_start, prev_end, closed="left").sum(),
    )
    return placed.group_by("area_id", t.dt.year().alias("year"), "source", "category").len()


def trygghet_floor(floor: pl.DataFrame) -> pl.DataFrame:
    """Trygghetsundersökning's necessary work on the incidents: counts per area and year (the
    survey side is a few thousand answers and left out of the floor)."""
    return (
        floor.filter(pl.col("area_id").is_not_null())
        .group_by("area_id", pl.col("t").dt.year().alias("year"))
        .len()
    )


def floors(frame: pl.DataFrame, today: dt.date) -> dict[str, dict[str, float]]:
    """Median milliseconds of each page's floor on ``frame``'s minimal columns."""
    from ostan_dash import filters as flt
    from ostan_dash.analysis import overview
    from ostan_dash.analysis.areas_compare import DENSITY_CELL_M
    from ostan_dash.bench.timing import timed

    floor = floor_columns(frame)
    week = overview.last_complete_week(today)
    four_weeks = flt.period_bounds("4v", today)
    return {
        "oversikt": timed(lambda: oversikt_floor(floor, week)),
        "karta": timed(lambda: karta_floor(floor, today, bounds=four_weeks)),
        "omraden": timed(lambda: omraden_floor(floor, today)),
        "trygghet": timed(lambda: trygghet_floor(floor)),
        "karta:period_kvartal": timed(
            lambda: karta_floor(floor, today, bounds=flt.period_bounds("kvartal", today))
        ),
        "karta:category": timed(
            lambda: karta_floor(floor, today, bounds=four_weeks, category="est:skadegorelse")
        ),
        "karta:cell_100": timed(lambda: karta_floor(floor, today, bounds=four_weeks, cell=100)),
        "karta:density_on": timed(
            lambda: karta_floor(floor, today, bounds=four_weeks, density_cell=DENSITY_CELL_M)
        ),
        "karta:tab_tider": timed(lambda: karta_times_floor(floor, today, four_weeks)),
        "karta:tab_trend": timed(lambda: karta_trend_floor(floor, today, four_weeks)),
        "karta:tab_jamfor": timed(lambda: karta_compare_floor(floor, today, four_weeks)),
    }


def server_runs(output: str) -> None:
    """The pages' runs (:func:`page_runs`) in this process alone, as a served app would hold
    them, written as JSON to ``output`` with the process's peak resident memory."""
    import json

    from ostan_dash.procinfo import peak_rss_mb

    runs: dict[str, object] = {
        page: page_runs(page, logins=page == "oversikt") | {"rss_after_mb": rss_mb()}
        for page in PAGES
    }
    runs["fixed"] = fixed_cost()
    Path(output).write_text(json.dumps({"runs": runs, "peak_rss_mb": peak_rss_mb()}))


def fixed_cost(reruns: int = 3) -> dict[str, float]:
    """Karta's rerun when no incident matches (a week in 2001): the login check, navigation,
    filter and view widgets, empty map and tables, with no data to filter, test or draw.
    What every click pays whatever the data (median CPU seconds)."""
    at, _ = _login()
    at.switch_page(PAGES["karta"])
    for key, value in {"period": "eget", "fran": "2001-01-01", "till": "2001-01-07"}.items():
        at.query_params[key] = value
    _run(at)
    cpu = [_run(at)["cpu_s"] for _ in range(reruns)]
    return {"karta_rerun_cpu_s": round(statistics.median(cpu), 3)}


def _in_server_process() -> dict[str, object]:
    """:func:`server_runs` in a fresh Python process (the database from ``OSTAN_DATABASE``,
    inherited): its memory is the app's, not the bench's with its floors and extra reads."""
    import json
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "server.json"
        code = f"from ostan_dash.bench import pages; pages.server_runs({str(out)!r})"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=3600
        )
        if done.returncode != 0:
            raise RuntimeError(f"sidornas process föll: {done.stderr[-3000:]}")
        return json.loads(out.read_text())


def interactions(frame: pl.DataFrame, today: dt.date) -> dict[str, object]:
    """Översikt, Karta, Områden and Trygghetsundersökning: the page's whole server run (in a
    process of its own) next to its floor, and the ratio; the server process's peak memory;
    Karta's fixed cost per run and each click's CPU beyond it, against the floor."""
    floor = floors(frame, today)
    server = _in_server_process()
    runs = dict(server["runs"])  # type: ignore[call-overload]
    fixed = float(runs["fixed"]["karta_rerun_cpu_s"])
    out: dict[str, object] = {"server_peak_rss_mb": server["peak_rss_mb"], "fixed": runs["fixed"]}
    for page in PAGES:
        run = runs[page]
        floor_ms = floor[page]["median_ms"]
        out[page] = run | {
            "floor_ms": floor_ms,
            "ratio_rerun_to_floor": round(run["rerun_median_s"] * 1000 / floor_ms, 1),
            "ratio_rerun_cpu_to_floor": round(run["rerun_median_cpu_s"] * 1000 / floor_ms, 1),
        }
        if page == "karta":
            beyond = max(run["rerun_median_cpu_s"] - fixed, 0.0) * 1000
            out[page]["ratio_rerun_beyond_fixed_to_floor"] = round(beyond / floor_ms, 1)
        for name, click in dict(run.get("clicks", {})).items():
            click_floor = floor[f"{page}:{name}"]["median_ms"]
            click["floor_ms"] = click_floor
            click["ratio_cpu_to_floor"] = round(click["cpu_s"] * 1000 / click_floor, 1)
            beyond = max(click["cpu_s"] - fixed, 0.0) * 1000
            click["ratio_beyond_fixed_to_floor"] = round(beyond / click_floor, 1)
    return out
