"""``ostan-dash``: the operators' command line (database, migrations, demo data, serving, stats)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence

from ostan_dash import config


def _setup_database() -> None:
    """Start the local cluster and create the database when no DATABASE_URL is given."""
    if config.uses_local_cluster():
        from ostan_dash.store import cluster

        print(f"Lokal databas: {cluster.start()}")
        if cluster.ensure_database(config.default_database()):
            print(f"Databasen {config.default_database()} skapad")


def cmd_db(args: argparse.Namespace) -> int:
    from ostan_dash.store import cluster

    if not config.uses_local_cluster():
        from ostan_dash.store import scalar

        print(
            "DATABASE_URL är satt: "
            + ("databasen svarar" if scalar("SELECT 1") == 1 else "inget svar")
        )
        return 0
    action = {"start": cluster.start, "stop": cluster.stop, "status": cluster.status}[args.action]
    print(action())
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    from ostan_dash.store import engine, migrate

    _setup_database()
    done = migrate.apply(engine())
    print("Migreringar körda: " + (", ".join(done) if done else "inga nya"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ostan_dash import demo
    from ostan_dash.store import engine

    with engine().connect() as conn:
        loaded = demo.is_loaded(conn)
    if loaded:
        if args.if_empty:
            print("Databasen har redan data: demodata laddas inte igen")
            return 0
        print(
            "Databasen har redan data. Använd en tom databas (ostan-dash db reset) för att ladda om.",
            file=sys.stderr,
        )
        return 1
    written = demo.load(scale=args.scale, progress=print)
    print(json.dumps(written, ensure_ascii=False))
    return 0


def cmd_demo_population(_: argparse.Namespace) -> int:
    """(Re)write the demo's population grid in a database that holds the demo."""
    from ostan_dash.demo import population

    n = population.reload_grid()
    if n is None:
        print("Databasen har inte demodata: importera SCB:s befolkning på rutor i stället.")
        return 1
    print(f"Demons befolkningsrutnät skrivet: {n} rutor")
    return 0


def cmd_demo_streets(_: argparse.Namespace) -> int:
    """(Re)write the demo's street network in a database that holds the demo."""
    from ostan_dash.demo import streets

    n = streets.reload_network()
    if n is None:
        print("Databasen har inte demodata: importera gatorna från OpenStreetMap i stället.")
        return 1
    print(f"Demons gatunät skrivet: {n} gator")
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    """Everything ``make demo`` and ``make test`` need before serving or testing."""
    cmd_migrate(args)
    if config.uses_local_cluster():
        from ostan_dash.store import cluster

        cluster.set_app_password(config.APP_LOGIN)
    args.if_empty = True
    args.scale = 1.0
    rc = cmd_demo(args)
    from ostan_dash.store import population

    # A database loaded before the grid existed (migration 004) gets the demo's grid once.
    if rc == 0 and population.count() == 0 and population.demo_import() is not None:
        rc = cmd_demo_population(args)
    from ostan_dash.store import streets

    # Likewise the demo's streets for a database loaded before migration 022.
    if rc == 0 and streets.count() == 0 and population.demo_import() is not None:
        rc = cmd_demo_streets(args)
    return rc


def cmd_serve(args: argparse.Namespace) -> int:
    app = config.PROJECT_DIR / "app.py"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
    ]
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        print(
            "Varning: OSTAN_APP_DATABASE_URL saknas, så appen använder DATABASE_URL:s inloggning. "
            "Ge appen en egen inloggning utan superanvändar- och ägarrättigheter "
            "(se sql/008_app_login.sql).",
            file=sys.stderr,
        )
    print(f"Östan-dash körs på http://localhost:{args.port}")
    env = {**os.environ, "OSTAN_DB_LOGIN": "app"}
    return subprocess.call(cmd, cwd=config.PROJECT_DIR, env=env)


def cmd_stats(args: argparse.Namespace) -> int:
    from ostan_dash.store import queries

    out = {"tables": queries.table_counts(), "incidents": queries.incident_summary()}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for name, n in out["tables"].items():
            print(f"{name:24s} {n:>10,d}".replace(",", " "))
        inc = out["incidents"]
        print(f"Händelser {inc['first']} – {inc['last']}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file as ``ostan-dash import KIND FILE``: all or nothing, problems per line."""
    from pathlib import Path

    from ostan_dash.ingest import pipeline, worker
    from ostan_dash.store import scalar

    path = Path(args.file)
    user_id = None
    if args.user:
        user_id = scalar("SELECT id FROM users WHERE username = :u", {"u": args.user})
        if user_id is None:
            print(f"Okänd användare: {args.user}", file=sys.stderr)
            return 2
    org = scalar(
        "SELECT coalesce((SELECT organisation_id FROM users WHERE id = :u), "
        "(SELECT min(id) FROM organisations))",
        {"u": user_id},
    )
    data = path.read_bytes()
    try:
        header_row, mapping = _import_mapping(args, data, path.name)
        values = _import_values(args)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    out = pipeline.run_import(
        args.kind,
        data,
        path.name,
        header_row=header_row,
        mapping=mapping or None,
        values=values or None,
        user_id=user_id,
        username=args.user or "cli",
        organisation_id=org,
        crs=args.crs,
        dry_run=args.dry_run,
        progress=(lambda f, t: print(f"{f:4.0%} {t}", file=sys.stderr)) if args.progress else None,
        limits=worker.Limits.cli(),
        municipality=args.kommun,
    )
    summary = {
        "fil": out.file_name,
        "typ": out.kind,
        "rader_lasta": out.rows_read,
        "rader_giltiga": out.rows_valid,
        "rader_nya": out.rows_new,
        "rader_fanns": out.rows_existing,
        "skrivet": out.written,
        "import_id": out.import_id,
        "sekunder": round(out.seconds, 2),
        "problem": out.problems.height,
        "noteringar": out.notes,
        "rader_utelamnade": out.skipped.height,
    }
    print(json.dumps(summary, ensure_ascii=False))
    if not out.ok:
        for r in out.problems.head(args.max_problems).iter_rows(named=True):
            rad = r["rad"] if r["rad"] is not None else "–"
            varde = f" ({r['varde']})" if r["varde"] else ""
            print(f"rad {rad}: {r['falt']}: {r['orsak']}{varde}", file=sys.stderr)
        if args.problems:
            out.problems.write_csv(args.problems, separator=";")
        print("Ingenting har importerats.", file=sys.stderr)
        return 1
    return 0


def _import_values(args: argparse.Namespace) -> dict[str, str]:
    """``--varde 'vår_kolumn=värde'`` (repeatable): a value on every row for one of our columns
    the file lacks, e.g. ``--varde År=2024``. Raises ValueError (Swedish) when badly written or
    not one of the kind's columns."""
    from ostan_dash.ingest import mapping

    given: dict[str, str] = {}
    for item in args.varde or []:
        ours, sep, value = item.partition("=")
        if not sep or not ours.strip() or not value.strip():
            raise ValueError(f"--varde ska skrivas vår_kolumn=värde, inte {item!r}")
        given[ours.strip()] = value.strip()
    unknown = [t for t in given if t not in mapping.targets(args.kind)]
    if unknown:
        raise ValueError(
            f"Okänd kolumn för {args.kind}: {', '.join(unknown)}. Möjliga: "
            + ", ".join(mapping.targets(args.kind))
        )
    return given


def _import_mapping(
    args: argparse.Namespace, data: bytes, file_name: str
) -> tuple[int | None, dict[str, str]]:
    """The mapping step on the command line: ``--map kolumn=vår_kolumn`` (repeatable) on top of
    the mapping remembered for this source; ``--rubrikrad N``; ``--spara-mappning`` remembers
    the result. Raises ValueError (Swedish) for a bad ``--map``."""
    from ostan_dash.ingest import mapping, pipeline, worker
    from ostan_dash.store import import_mappings

    given: dict[str, str] = {}
    for item in args.map or []:
        col, sep, ours = item.partition("=")
        if not sep or not col.strip() or not ours.strip():
            raise ValueError(f"--map ska skrivas kolumn=vår_kolumn, inte {item!r}")
        given[col.strip()] = ours.strip()
    unknown = [t for t in given.values() if t not in mapping.targets(args.kind)]
    if unknown:
        raise ValueError(
            f"Okänd kolumn för {args.kind}: {', '.join(unknown)}. Möjliga: "
            + ", ".join(mapping.targets(args.kind))
        )
    peeked = pipeline.peek(data, file_name, header_row=args.rubrikrad, limits=worker.Limits.cli())
    if peeked.error is not None or peeked.rows is None:
        return args.rubrikrad, given  # the import itself reports why the file cannot be read
    source = mapping.source_key(peeked.rows.columns)
    saved = import_mappings.remembered(args.kind, source) or {}
    chosen = {**(saved.get("mapping") or {}), **given}
    header_row = args.rubrikrad or saved.get("header_row") or peeked.header_row
    if chosen:
        print("Mappning: " + ", ".join(f"{k} → {v}" for k, v in chosen.items()), file=sys.stderr)
    if args.spara_mappning and chosen:
        import_mappings.remember(
            args.kind, source, chosen, header_row=header_row or 1, username=args.user or "cli"
        )
    return header_row, chosen


def cmd_bench(args: argparse.Namespace) -> int:
    from ostan_dash import bench

    result = bench.run(
        scales=args.scales,
        output=args.output,
        import_rows=args.import_rows,
        progress=print,
        database=args.database,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_bench_scaleout(args: argparse.Namespace) -> int:
    """Ten municipalities' batch aggregations, one process against map/reduce (bench.scaleout)."""
    from ostan_dash.bench import scaleout

    result = scaleout.run(
        database=args.database, copies=args.copies, workers=args.workers, output=args.output
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Follow up one intervention with the Insatser page's functions (verdict, SMART, warnings)."""
    import polars as pl

    from ostan_dash.analysis import interventions as ai
    from ostan_dash.store import interventions as si
    from ostan_dash.store import problems as sp

    rows = si.interventions().filter(pl.col("intervention_id") == args.id)
    if rows.is_empty():
        print(f"Ingen insats med id {args.id}", file=sys.stderr)
        return 2
    row = rows.row(0, named=True)
    today = config.today()
    baseline = args.baseline or row["baseline"]
    buffer_m = args.buffer or int(row["buffer_m"])
    plan = ai.followup_plan(row["start_date"], row["end_date"], today, baseline)
    daily = si.zone_daily_counts(row["intervention_id"], plan.first, plan.last, buffer_m=buffer_m)
    unit_costs = dict(sp.setting("unit_costs", {}))
    fu = ai.follow_up_row(
        daily, row, plan=plan, buffer_m=buffer_m, today=today, unit_costs=unit_costs
    )
    out = ai.followup_json(fu, intervention={**row, "buffer_m": buffer_m})
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{row['title']} ({ai.STATUS_LABELS.get(row['status'], row['status'])})")
    print(f"Utvärdering: {out['verdict_text'] or '–'}")
    if fu.evaluation is not None:
        print(fu.evaluation.conclusion)
    print(f"SMART: {out['smart']['status_text']} – {fu.progress.reason}")
    for warning in fu.warnings:
        print(f"Varning: {warning}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ostan-dash", description="Östan-dash: drift och data")
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="den lokala databasen")
    db.add_argument("action", choices=["start", "stop", "status"])
    db.set_defaults(func=cmd_db)

    sub.add_parser("migrate", help="kör nya migreringar i sql/").set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="demodata för Östan")
    demo_sub = demo.add_subparsers(dest="demo_action", required=True)
    load = demo_sub.add_parser("load", help="ladda demodata i en tom databas")
    load.add_argument("--scale", type=float, default=1.0, help="multiplicera antalet händelser")
    load.add_argument("--if-empty", action="store_true", help="gör inget om data redan finns")
    load.set_defaults(func=cmd_demo)
    demo_sub.add_parser(
        "population", help="skriv om demons befolkningsrutnät (om demodata finns)"
    ).set_defaults(func=cmd_demo_population)
    demo_sub.add_parser("streets", help="skriv om demons gatunät (om demodata finns)").set_defaults(
        func=cmd_demo_streets
    )

    sub.add_parser("setup", help="starta, migrera och ladda demodata vid behov").set_defaults(
        func=cmd_setup
    )

    serve = sub.add_parser("serve", help="starta webbappen")
    serve.add_argument("--port", type=int, default=int(os.environ.get("OSTAN_PORT", "8501")))
    serve.add_argument("--address", default="localhost")
    serve.set_defaults(func=cmd_serve)

    stats = sub.add_parser("stats", help="antal rader per tabell och händelsernas tidsspann")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)

    imp = sub.add_parser("import", help="importera en fil (allt eller inget)")
    imp.add_argument(
        "kind",
        choices=[
            "polisbrott",
            "omraden",
            "indikatorer",
            "enkat",
            "platser",
            "rapporter",
            "befolkningsrutor",
            "polishandelser",
            "gator",
        ],
    )
    imp.add_argument("file")
    imp.add_argument("--crs", choices=["auto", "3006", "4326"], default="auto")
    imp.add_argument("--dry-run", action="store_true", help="kontrollera bara, skriv inget")
    imp.add_argument("--user", help="användarnamn som importen registreras på")
    imp.add_argument("--problems", help="skriv alla problem till denna CSV-fil")
    imp.add_argument("--max-problems", type=int, default=50)
    imp.add_argument("--progress", action="store_true")
    imp.add_argument(
        "--map",
        action="append",
        metavar="KOLUMN=VÅR_KOLUMN",
        help="filens kolumn är vår kolumn (kan upprepas), t.ex. --map 'Antal barn=Folkmängd 0–17 år'",
    )
    imp.add_argument(
        "--varde",
        action="append",
        metavar="VÅR_KOLUMN=VÄRDE",
        help="samma värde på varje rad för en kolumn som filen saknar (kan upprepas), "
        "t.ex. --varde År=2024",
    )
    imp.add_argument(
        "--rubrikrad", type=int, help="raden där kolumnrubrikerna står (annars hittas den)"
    )
    imp.add_argument(
        "--spara-mappning",
        action="store_true",
        help="kom ihåg mappningen för filer med samma kolumner",
    )
    imp.add_argument(
        "--kommun",
        help="kommunens namn (som SCB skriver det) för polisens händelser; annars inställningen",
    )
    imp.set_defaults(func=cmd_import)

    bench = sub.add_parser("bench", help="mät laddning och interaktioner")
    bench.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    bench.add_argument("--output", default="var/bench.json")
    bench.add_argument(
        "--import-rows", type=int, default=100_000, help="rader i importmätningen (0 = hoppa över)"
    )
    bench.add_argument(
        "--database",
        help="mät sidorna i en befintlig databas i det lokala klustret (ingen laddning, "
        "i stället för --scales)",
    )
    bench.set_defaults(func=cmd_bench)

    scaleout = sub.add_parser(
        "bench-scaleout", help="simulera fler kommuner: en process mot map/reduce över partitioner"
    )
    scaleout.add_argument("--database", required=True, help="databas med stadens händelser")
    scaleout.add_argument("--copies", type=int, default=10, help="antal simulerade kommuner")
    scaleout.add_argument("--workers", type=int, default=2, help="arbetsprocesser i map-steget")
    scaleout.add_argument("--output", default="var/scaleout.json")
    scaleout.set_defaults(func=cmd_bench_scaleout)

    from ostan_dash import cli_alerts, cli_hotspots, cli_maintenance

    cli_hotspots.add_parser(sub)
    cli_maintenance.add_parser(sub)
    cli_alerts.add_parser(sub)
    from ostan_dash.reports import cli as cli_lagesbild

    cli_lagesbild.add_parser(sub)

    ev = sub.add_parser("evaluate", help="utvärdera en insats som sidan Insatser gör")
    ev.add_argument("id", type=int, help="insatsens id")
    ev.add_argument(
        "--json", action="store_true", help="skriv utfall, skattningar och varningar som JSON"
    )
    ev.add_argument(
        "--baseline",
        choices=["samma_period_forra_aret", "foregaende_period"],
        help="jämförelseperiod (standard: insatsens egen)",
    )
    ev.add_argument("--buffer", type=int, help="omgivningens bredd i meter (standard: insatsens)")
    ev.set_defaults(func=cmd_evaluate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
