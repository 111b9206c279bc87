"""``ostan-dash alerts run``: pröva bevakningarna och skicka e-post (för cron eller en systemd-timer).

Each subscription's condition is evaluated with the pages' own analysis functions
(:mod:`ostan_dash.analysis.alerts`); every alert is reserved in the log before it is sent
(``UNIQUE (subscription, condition, period)``, :func:`ostan_dash.store.alerts.claim`), so a
condition goes out at most once per period however often the timer runs. Failures are logged
with their reason in ``alert_log`` and, with the stack trace, in the server's log file
(``var/log/alerts.log`` or ``OSTAN_ALERTS_LOG``); the terminal gets a Swedish summary only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash import config, mail, store
from ostan_dash.analysis import alerts as aa

log = logging.getLogger(__name__)


def base_url() -> str:
    """The address links in e-mails point to: ``OSTAN_BASE_URL`` or the local default."""
    return os.environ.get("OSTAN_BASE_URL", "").strip() or aa.DEFAULT_BASE_URL


def log_path() -> Path:
    """The server-side log of the alert runs (stack traces go here, never to the terminal)."""
    env = os.environ.get("OSTAN_ALERTS_LOG", "").strip()
    return Path(env) if env else config.VAR_DIR / "log" / "alerts.log"


@dataclass
class RunResult:
    """What one run found and did."""

    today: dt.date
    alerts: list[aa.Alert] = field(default_factory=list)
    sent: list[aa.Alert] = field(default_factory=list)
    already: list[aa.Alert] = field(default_factory=list)
    failed: list[tuple[aa.Alert, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> list[str]:
        """The run in Swedish, one line per fact."""
        verb = "skulle skickas" if self.dry_run else "skickade"
        lines = [
            f"Bevakningar {self.today.isoformat()}: {len(self.alerts)} villkor uppfyllda, "
            f"{len(self.sent)} {verb}, {len(self.already)} redan skickade denna period, "
            f"{len(self.failed)} misslyckade."
        ]
        head = "Skulle skicka" if self.dry_run else "Skickat"
        lines += [f"{head} till {a.email}: {a.subject}" for a in self.sent]
        lines += [f"Misslyckades till {a.email}: {a.subject} ({why})" for a, why in self.failed]
        return lines + self.errors


CELL_SIZE = 250  # Karta's default cell size


def evaluate(
    today: dt.date,
    *,
    base: str | None = None,
    conn: Connection | None = None,
    errors: list[str] | None = None,
) -> list[aa.Alert]:
    """Every alert the active subscriptions give on ``today`` (nothing sent, nothing logged).

    With ``errors`` a kind of condition that fails is logged, described there and skipped
    (the others are still evaluated); without it the error is raised."""
    from ostan_dash.store import alerts as sa
    from ostan_dash.store import queries

    base = base or base_url()
    subs = sa.subscriptions(active_only=True, conn=conn)
    kinds = set(subs["kind"].to_list())
    if not kinds:
        return []
    areas = queries.areas()
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    incidents = sa.incidents(conn=conn) if kinds & {"kategori_hog", "het_ruta"} else None
    checks = {
        "kategori_hog": lambda: _categories(subs, incidents, areas, today, base),
        "kritisk_plats": lambda: _places(subs, areas, today, base, conn),
        "het_ruta": lambda: _hotspots(subs, incidents, areas, today, base, names),
        "narupprepning": lambda: _zones(subs, today, base, conn),
    }
    out: list[aa.Alert] = []
    for kind, check in checks.items():
        if kind not in kinds:
            continue
        try:
            # inside the caller's transaction a failing statement must not abort the rest
            with store.savepoint(conn) if conn is not None else contextlib.nullcontext():
                out += check()
        except Exception:  # one condition that breaks must not stop the others
            log.exception("Bevakningar av slaget %s kunde inte prövas", kind)
            if errors is None:
                raise
            errors.append(f"{aa.KINDS[kind]}: kunde inte prövas (se serverloggen)")
    return out


def _places(subs, areas, today: dt.date, base: str, conn: Connection | None) -> list[aa.Alert]:
    """EST reports filed today or yesterday near a critical place."""
    from ostan_dash.store import alerts as sa

    reports = sa.reports_near_critical_places(
        today - dt.timedelta(days=1), today, radius_m=aa.CRITICAL_RADIUS_M, conn=conn
    )
    codes = dict(zip(areas["area_id"].to_list(), areas["code"].to_list(), strict=True))
    return aa.place_alerts(subs, reports, today=today, area_codes=codes, base_url=base)


def _categories(subs, incidents, areas, today: dt.date, base: str) -> list[aa.Alert]:
    """Översikt's weekly flag per category, for each area filter subscribed to."""
    from ostan_dash.analysis import overview

    cat_subs = subs.filter(pl.col("kind") == "kategori_hog")
    week = overview.last_complete_week(today)
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    scopes = {c or aa.WHOLE for c in cat_subs["area_code"].to_list()}
    tables = {
        s: aa.oversikt_category_table(incidents, week_start=week, area_id=ids.get(s))
        for s in scopes
    }
    return aa.category_alerts(cat_subs, tables, week_start=week, area_names=names, base_url=base)


def _as_seen(incidents: pl.DataFrame, sees_police: bool) -> pl.DataFrame:
    """The frame a user sees: police crimes without their points unless the database shows
    the user those (sql/014_police_rows.sql)."""
    if sees_police:
        return incidents
    hidden = pl.col("source").cast(pl.Utf8) == "polis"
    return incidents.with_columns(
        x=pl.when(hidden).then(None).otherwise(pl.col("x")),
        y=pl.when(hidden).then(None).otherwise(pl.col("y")),
    )


def _hotspots(subs, incidents, areas, today: dt.date, base: str, names) -> list[aa.Alert]:
    """Karta's default view (last four weeks against the four before, 250 m cells) per area."""
    from ostan_dash import filters
    from ostan_dash.analysis import areas_compare as ac
    from ostan_dash.store import places as places_store
    from ostan_dash.store import population

    cells = population.cells()
    region, expectation = ("befolkade", "befolkning") if cells.height else ("hela", "antal")
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    places = places_store.places()
    out: list[aa.Alert] = []
    for sees in (True, False):
        group = subs.filter((pl.col("kind") == "het_ruta") & (pl.col("sees_police") == sees))
        if group.is_empty():
            continue
        frame = _as_seen(incidents, sees)
        tables, bounds = {}, None
        for scope in {c or aa.WHOLE for c in group["area_code"].to_list()}:
            f = filters.Filters(areas=(scope,) if scope else ())
            bounds = f.bounds(today)
            now = filters.apply(frame, f, bounds=bounds, area_ids=ids)
            before = filters.apply(frame, f, bounds=f.comparison_bounds(today), area_ids=ids)
            study = ac.study_area(
                areas, cell_size=CELL_SIZE, codes=f.areas, population=cells, region=region
            )
            _, changed = ac.grid_results(now, before, study, expectation=expectation)
            tables[scope] = ac.nearest_place(changed, places, cell_size=CELL_SIZE)
        out += aa.hotspot_alerts(
            group, tables, period=bounds, cell_size=CELL_SIZE, area_names=names, base_url=base
        )
    return out


def _zones(subs, today: dt.date, base: str, conn: Connection | None) -> list[aa.Alert]:
    """The risk zones of every saved near-repeat pattern valid today, as Närupprepning and
    Översikt compute them (ui/nearrepeat_views.active_zones), each with its area."""
    from ostan_dash.analysis import nearrepeat as nr
    from ostan_dash.store import alerts as sa
    from ostan_dash.store import nearrepeat as nr_store
    from ostan_dash.store import places as places_store

    places = places_store.places()
    frames = []
    for row in nr_store.patterns(conn=conn).iter_rows(named=True):
        found = nr.Pattern(
            distance_m=float(row["distance_m"]),
            days=float(row["days"]),
            ratio=float(row["ratio"]),
            metric=str(row["metric"]),
            same_place=float(row["distance_m"]) <= nr.SAME_PLACE_M,
        )
        since = today - dt.timedelta(days=2 * nr.zone_days(found))
        kind = nr_store.kind_incidents(
            row["source"], row["category"], row["subtype"], since=since, conn=conn
        )
        zones = nr.risk_zones(kind, found, today, places=places)
        if not zones.is_empty():
            frames.append(
                zones.with_columns(
                    selection=pl.lit(row["selection"]),
                    label=pl.lit(row["label"]),
                    source=pl.lit(row["source"]),
                )
            )
    if not frames:
        return []
    zones = pl.concat(frames)
    zones = zones.with_columns(
        area_id=pl.Series(
            sa.area_ids_of(zones["x"].to_list(), zones["y"].to_list(), conn=conn), dtype=pl.Int64
        )
    )
    out: list[aa.Alert] = []
    for sees in (True, False):
        group = subs.filter((pl.col("kind") == "narupprepning") & (pl.col("sees_police") == sees))
        if not group.is_empty():
            seen = zones if sees else zones.filter(pl.col("source") != "polis")
            out += aa.zone_alerts(group, seen, today=today, base_url=base)
    return out


def _key(alert: aa.Alert) -> tuple[int, str, str]:
    return alert.subscription_id, alert.condition_key, alert.period_key


def run(
    today: dt.date,
    *,
    dry_run: bool = False,
    settings: mail.MailSettings | None = None,
    base: str | None = None,
    conn: Connection | None = None,
) -> RunResult:
    """Evaluate, reserve each alert in the log, send it and record how it went."""
    from ostan_dash.store import alerts as sa

    result = RunResult(today=today, dry_run=dry_run)
    result.alerts = evaluate(today, base=base, conn=conn, errors=result.errors)
    for alert in result.alerts:
        if dry_run:
            (result.already if sa.already_logged(*_key(alert), conn=conn) else result.sent).append(
                alert
            )
            continue
        log_id = sa.claim(*_key(alert), subject=alert.subject, link=alert.link, conn=conn)
        if log_id is None:
            result.already.append(alert)
            continue
        try:
            mail.send([alert.email], alert.subject, alert.body, settings=settings)
        except mail.MailError as exc:  # mail.send has logged the trace
            sa.finish(log_id, ok=False, error=str(exc), conn=conn)
            result.failed.append((alert, str(exc)))
        except Exception as exc:  # one bad alert must not stop the others
            log.exception("Bevakning %s kunde inte skickas", alert.condition_key)
            reason = f"oväntat fel ({type(exc).__name__}), se serverloggen"
            sa.finish(log_id, ok=False, error=reason, conn=conn)
            result.failed.append((alert, reason))
        else:
            sa.finish(log_id, ok=True, conn=conn)
            result.sent.append(alert)
    return result


def _file_logging() -> logging.Handler | None:
    """Send this package's log records (with traces) to the server log file, not the terminal."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("ostan_dash").addHandler(handler)
    return handler


def cmd_run(args: argparse.Namespace) -> int:
    handler = _file_logging()
    pkg = logging.getLogger("ostan_dash")
    propagate, pkg.propagate = pkg.propagate, False
    try:
        today = args.today or config.today()
        settings = None
        if not args.dry_run:
            try:
                settings = mail.settings()
            except mail.MailError as exc:
                print(f"Bevakningarna skickas inte: {exc}", file=sys.stderr)
                return 2
            if settings is None:
                print(
                    "Bevakningarna skickas inte: e-post är inte konfigurerad (OSTAN_SMTP_HOST och "
                    "OSTAN_SMTP_SENDER eller [smtp] i secrets.toml). Prova med --dry-run.",
                    file=sys.stderr,
                )
                return 2
        try:
            result = run(today, dry_run=args.dry_run, settings=settings)
        except Exception:  # the trace goes to the server log, not the terminal
            log.exception("alerts run avbröts")
            print(
                f"Bevakningarna kunde inte prövas (se serverloggen {log_path()}).",
                file=sys.stderr,
            )
            return 1
        print("\n".join(result.summary()))
        return 1 if result.failed or result.errors else 0
    finally:
        pkg.propagate = propagate
        if handler is not None:
            pkg.removeHandler(handler)
            handler.close()


def add_parser(sub) -> None:
    """Register ``alerts run`` on the ``ostan-dash`` parser."""
    p = sub.add_parser("alerts", help="bevakningar: pröva villkoren och skicka e-post")
    asub = p.add_subparsers(dest="alerts_action", required=True)
    r = asub.add_parser(
        "run", help="pröva alla aktiva bevakningar och skicka e-post (högst en gång per period)"
    )
    r.add_argument("--dry-run", action="store_true", help="visa bara vad som skulle skickas")
    r.add_argument(
        "--today", type=dt.date.fromisoformat, help="ÅÅÅÅ-MM-DD i stället för dagens datum"
    )
    r.set_defaults(func=cmd_run)
