"""``ostan-dash retention run``, ``ostan-dash backup`` and ``ostan-dash restore``: the operator's
upkeep of the database (issue 13)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ostan_dash import text


def cmd_retention(args: argparse.Namespace) -> int:
    """Apply the retention policy (or only tell what it would do), in Swedish."""
    from ostan_dash import retention

    policy, cut, counts = retention.run(dry_run=args.dry_run)
    for line in retention.report_lines(policy, cut, counts, dry_run=args.dry_run):
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Dump the database to FILE (pg_dump's custom format)."""
    from ostan_dash.store import backup

    size = backup.backup(Path(args.file), database=args.database)
    print(f"Säkerhetskopia skriven: {args.file} ({text.number(size / 1e6, 1)} MB)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore FILE into an empty database (or replace the contents with --force)."""
    from ostan_dash.store import backup

    try:
        backup.restore(Path(args.file), database=args.database, force=args.force)
    except (backup.RestoreRefused, FileNotFoundError) as e:
        print(str(e), file=sys.stderr)
        return 1
    counts = backup.fingerprint(args.database)
    rows = sum(n for n, _ in counts.values())
    print(
        f"Återställd från {args.file}: {len(counts)} tabeller, {text.number(rows)} rader. "
        "Kör ostan-dash setup för att ge appens inloggning ett lösenord på en ny server."
    )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the three commands on the main parser."""
    ret = sub.add_parser("retention", help="gallring enligt policyn (fritext, aggregering)")
    ret_sub = ret.add_subparsers(dest="retention_action", required=True)
    run = ret_sub.add_parser("run", help="gallra nu (eller visa vad som skulle gallras)")
    run.add_argument("--dry-run", action="store_true", help="visa bara vad som skulle ändras")
    run.set_defaults(func=cmd_retention)

    bk = sub.add_parser("backup", help="säkerhetskopiera databasen (pg_dump -Fc)")
    bk.add_argument("file", help="filen som skrivs")
    bk.add_argument("--database", help="databas i det lokala klustret (standard: den aktuella)")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="återställ en säkerhetskopia till en tom databas")
    rs.add_argument("file", help="säkerhetskopian (från ostan-dash backup)")
    rs.add_argument("--database", help="databas i det lokala klustret (standard: den aktuella)")
    rs.add_argument(
        "--force", action="store_true", help="ersätt innehållet i en databas som inte är tom"
    )
    rs.set_defaults(func=cmd_restore)
