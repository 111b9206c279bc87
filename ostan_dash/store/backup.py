"""Backup and restore of the whole database with PostgreSQL's own tools (``pg_dump -Fc`` and
``pg_restore``), as the owner: the local cluster's superuser over its socket with the password
from ``var/pgpass``, or ``DATABASE_URL``.

A dump holds the database but not the cluster-wide roles; :data:`ROLES_SQL` creates the app's
roles and memberships (the same as ``sql/003_roles.sql``, ``sql/008_app_login.sql`` and
``sql/017_public.sql``) before a restore, so a dump restores on a new server too. Restores go
into an empty database only, unless forced (then the dump's objects replace the existing ones).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from ostan_dash import config
from ostan_dash.store import cluster

# Cluster-wide roles the dump's grants refer to (idempotent; see the module docstring).
ROLES_SQL = """
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['ostan_lasare', 'ostan_rapportor', 'ostan_analytiker',
                             'ostan_admin', 'ostan_web'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_switch') THEN
        CREATE ROLE ostan_switch NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_offentlig') THEN
        CREATE ROLE ostan_offentlig NOLOGIN NOINHERIT;  -- the public page (017)
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ostan_app') THEN
        CREATE ROLE ostan_app LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    FOREACH r IN ARRAY ARRAY['ostan_lasare', 'ostan_rapportor', 'ostan_analytiker',
                             'ostan_admin'] LOOP
        EXECUTE format('GRANT %I TO %I', r, current_user);
        EXECUTE format('GRANT %I TO ostan_switch', r);
    END LOOP;
    GRANT ostan_lasare TO ostan_web;
    GRANT ostan_offentlig TO ostan_switch;
    GRANT ostan_web, ostan_switch TO ostan_app;
END $$;
"""


class RestoreRefused(RuntimeError):
    """The target database is not empty (the message is Swedish)."""


@dataclass(frozen=True)
class Target:
    """How PostgreSQL's programs and psycopg reach one database as its owner."""

    args: list[str]  # connection options for pg_dump / pg_restore
    conninfo: str  # for psycopg
    env: dict[str, str]
    name: str


def target(database: str | None = None) -> Target:
    """The owner's connection to ``database`` (default: the configured one): the local
    cluster's socket and passfile, or ``DATABASE_URL`` with its database name replaced."""
    env = dict(os.environ)
    if config.uses_local_cluster():
        c = config.LOCAL
        name = database or config.default_database()
        env["PGPASSFILE"] = str(c.passfile)
        args = ["-h", str(c.socket_dir), "-p", str(c.port), "-U", c.superuser, "-d", name]
        conninfo = make_conninfo(
            host=str(c.socket_dir), port=c.port, user=c.superuser, dbname=name,
            passfile=str(c.passfile),
        )  # fmt: skip
        return Target(args, conninfo, env, name)
    url = config.database_url().replace("postgresql+psycopg://", "postgresql://", 1)
    parts = urlsplit(url)
    if database:
        parts = parts._replace(path="/" + database)
    url = urlunsplit(parts)
    return Target(["-d", url], url, env, parts.path.lstrip("/"))


def _run(program: str, args: list[str], env: dict[str, str]) -> None:
    r = subprocess.run(
        [cluster.pg_bin(program), *args], env=env, capture_output=True, text=True, check=False
    )
    if r.returncode != 0:
        raise RuntimeError(f"{program} misslyckades: {r.stderr.strip()[-2000:]}")


def backup(file: Path, *, database: str | None = None) -> int:
    """Dump ``database`` to ``file`` in pg_dump's custom format (compressed); returns its size.

    Written to a temporary name first, so an interrupted dump never leaves a half file under
    the real name.
    """
    t = target(database)
    file = Path(file)
    tmp = file.with_name(file.name + ".part")
    try:
        _run("pg_dump", ["-Fc", "--no-password", "-f", str(tmp), *t.args], t.env)
        os.chmod(tmp, 0o600)  # the dump holds password hashes and reports
        tmp.replace(file)
    finally:
        tmp.unlink(missing_ok=True)
    return file.stat().st_size


_USER_RELATIONS = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
"""


def user_relations(database: str | None = None) -> int:
    """Tables, views and sequences in ``database`` that are not part of an extension."""
    with psycopg.connect(target(database).conninfo) as conn:
        return int(conn.execute(_USER_RELATIONS).fetchone()[0])


def restore(file: Path, *, database: str | None = None, force: bool = False) -> None:
    """Restore a dump made by :func:`backup` into ``database`` in one transaction.

    The local cluster's database is created when missing. A database that already has tables
    is refused (:class:`RestoreRefused`) unless ``force``: then the dump's objects are dropped
    and recreated (``--clean --if-exists``).
    """
    if not Path(file).is_file():
        raise FileNotFoundError(f"Filen {file} finns inte")
    t = target(database)
    if config.uses_local_cluster():
        cluster.ensure_database(t.name)
    n = user_relations(database)
    if n and not force:
        raise RestoreRefused(
            f"Databasen {t.name} är inte tom ({n} tabeller, vyer och sekvenser). Återställ till "
            "en tom databas, eller ange --force för att ersätta innehållet."
        )
    try:
        with psycopg.connect(t.conninfo, autocommit=True) as conn:
            conn.execute(ROLES_SQL)
    except psycopg.errors.InsufficientPrivilege:
        pass  # a managed server's owner may not create roles: then they must exist already
    args = ["--no-password", "--exit-on-error", "--single-transaction"]
    if force:
        args += ["--clean", "--if-exists"]
    _run("pg_restore", [*args, *t.args, str(file)], t.env)


def fingerprint(database: str | None = None) -> dict[str, tuple[int, str]]:
    """Row count and an md5 checksum of every table (rows as text, sorted), by table name:
    two databases with equal fingerprints hold the same data."""
    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(target(database).conninfo) as conn:
        tables = conn.execute(
            """
            SELECT n.nspname, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY c.relname
            """
        ).fetchall()
        for schema, table in tables:
            q = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                "FROM {}.{} AS t"
            ).format(sql.Identifier(schema), sql.Identifier(table))
            n, digest = conn.execute(q).fetchone()
            out[table] = (int(n), digest)
    return out
