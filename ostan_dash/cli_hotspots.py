"""``ostan-dash hotspots``: the Karta page's hot spots without the browser.

The same filter model (:mod:`ostan_dash.filters`), the same
study region and the same analysis functions as ``content/karta.py``
(:func:`ostan_dash.analysis.areas_compare.study_area`, :func:`~.grid_results`,
:func:`~.hotspot_cells`), so the command and the page agree cell for cell.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def add_parser(sub) -> None:
    """Register the ``hotspots`` subcommand on the ``ostan-dash`` parser."""
    from ostan_dash import filters
    from ostan_dash.analysis import areas_compare as ac

    p = sub.add_parser(
        "hotspots",
        help="heta rutor mot befolkningen, nya/växande/minskande rutor (som sidan Karta)",
    )
    p.add_argument("--period", choices=list(filters.PRESETS), default="4v")
    p.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="ÅÅÅÅ-MM-DD (eget)")
    p.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="ÅÅÅÅ-MM-DD (eget)")
    p.add_argument("--comparison", choices=list(filters.COMPARISONS), default="foregaende")
    p.add_argument("--source", choices=list(filters.SOURCES), default="alla")
    p.add_argument(
        "--category", action="append", default=[], help="t.ex. est:skadegorelse (upprepas)"
    )
    p.add_argument("--area", action="append", default=[], help="områdeskod, t.ex. C01 (upprepas)")
    p.add_argument("--cell", type=int, choices=list(ac.CELL_SIZES), default=250)
    p.add_argument("--region", choices=list(ac.REGIONS), default="befolkade")
    p.add_argument("--expectation", choices=list(ac.EXPECTATIONS), default="befolkning")
    p.add_argument("--all", action="store_true", help="alla rutor, även tomma utan status")
    p.add_argument("--json", action="store_true", help="en JSON-lista med ett objekt per ruta")
    p.set_defaults(func=cmd_hotspots)


def cmd_hotspots(args: argparse.Namespace) -> int:
    from ostan_dash import config, filters
    from ostan_dash.analysis import areas_compare as ac
    from ostan_dash.store import population, queries

    if args.period == "eget" and not (args.start and args.end and args.start <= args.end):
        print("--period eget kräver --from och --to (från ≤ till)", file=sys.stderr)
        return 2
    f = filters.Filters(
        preset=args.period,
        start=args.start if args.period == "eget" else None,
        end=args.end if args.period == "eget" else None,
        comparison=args.comparison,
        source=args.source,
        categories=tuple(args.category),
        areas=tuple(args.area),
    )
    today = config.today()
    incidents, areas, cells = queries.incidents(), queries.areas(), population.cells()
    unknown = [a for a in f.areas if a not in set(areas["code"].to_list())]
    if unknown:
        print(f"Okända områden: {', '.join(unknown)}", file=sys.stderr)
        return 2
    region, expectation = args.region, args.expectation
    if cells.is_empty() and (region, expectation) != ("hela", "antal"):
        print(
            "Inget befolkningsrutnät är inläst: räknar bara antal i hela kommunen.",
            file=sys.stderr,
        )
        region, expectation = "hela", "antal"
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    bounds, comparison = f.bounds(today), f.comparison_bounds(today)
    now = filters.apply(incidents, f, bounds=bounds, area_ids=ids)
    before = filters.apply(incidents, f, bounds=comparison, area_ids=ids)
    study = ac.study_area(
        areas, cell_size=args.cell, codes=f.areas, population=cells, region=region
    )
    grid, _ = ac.grid_results(now, before, study, expectation=expectation)
    table = ac.hotspot_cells(grid, cell_size=args.cell, only_notable=not args.all)
    if args.json:
        print(json.dumps(table.to_dicts(), ensure_ascii=False))
        return 0
    counts = dict(grid["status"].value_counts().iter_rows())
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    print(filters.describe(f, today=today, area_names=names))
    print(
        f"Rutor {args.cell} m, område: {ac.REGIONS[region].lower()} ({study.km2:.1f} km²), "
        f"jämfört med: {ac.EXPECTATIONS[expectation].lower()}; "
        f"{now.height} händelser nu, {before.height} under jämförelseperioden"
    )
    print(", ".join(f"{s}: {counts.get(s, 0)}" for s in ac.STATUSES))
    for r in table.filter(table["status"].is_not_null()).iter_rows(named=True):
        print(
            f"{r['status']:10s} E {r['x']:9.0f} N {r['y']:9.0f}  antal {r['count']:4d}  "
            f"väntat {r['expected']:6.1f}  före {r['count_before']:4d}"
        )
    return 0
