"""``ostan-dash lagesbild vecka 2026-W48 --pdf FILE`` (also ``kvartal 2026-Q3``, ``ar 2025``): a
draft lägesbild, kvartalsanalys or årsanalys as PDF (or HTML), not published, from the same
functions as the page Lägesbilder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    """Register the ``lagesbild`` subcommand on the ``ostan-dash`` parser."""
    p = sub.add_parser(
        "lagesbild", help="skriv ett utkast till lägesbild som PDF eller HTML (publicerar inte)"
    )
    p.add_argument("kind", choices=["vecka", "kvartal", "ar"], help="slag: vecka, kvartal eller ar")
    p.add_argument("period", help="perioden, t.ex. 2026-W48, 2026-Q3 eller 2025")
    p.add_argument("--pdf", help="skriv PDF till denna fil")
    p.add_argument("--html", help="skriv utskriftsvänlig HTML till denna fil")
    p.set_defaults(func=cmd_lagesbild)


def cmd_lagesbild(args: argparse.Namespace) -> int:
    from ostan_dash import config
    from ostan_dash.reports import load, periods, render

    try:
        period = periods.parse(args.kind, args.period)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    if period.end >= config.today():
        print(f"{period.label} är inte avslutad än (idag {config.today()}).", file=sys.stderr)
        return 2
    if not (args.pdf or args.html):
        print("Ange --pdf FIL eller --html FIL.", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    doc = load.draft(period)
    if args.html:
        Path(args.html).write_text(render.html(doc), encoding="utf-8")
        print(f"Skrev {args.html}")
    if args.pdf:
        Path(args.pdf).write_bytes(render.pdf(doc))
        print(f"Skrev {args.pdf}")
    print(f"{doc['title']}: utkast, inte publicerat ({time.perf_counter() - t0:.1f} s)")
    return 0
