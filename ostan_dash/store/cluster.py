"""Start, stop and inspect the project-local PostgreSQL + PostGIS cluster under ``var/``.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user
(``runuser``); as any other user it runs as that user. It listens on a Unix socket only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ostan_dash.config import LOCAL, LocalCluster

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin")]


def pg_bin(name: str) -> str:
    """Full path of a PostgreSQL server program (initdb, pg_ctl, ...)."""
    for d in PG_BIN_CANDIDATES:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} saknas: installera PostgreSQL (make install-system)")
    return found


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _owner_fix(cluster: LocalCluster) -> None:
    for d in (cluster.data_dir.parent, cluster.socket_dir):
        d.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(cluster.data_dir.parent, "postgres", "postgres")
        shutil.chown(cluster.socket_dir, "postgres", "postgres")
        if cluster.log_file.exists():
            shutil.chown(cluster.log_file, "postgres", "postgres")


def is_running(cluster: LocalCluster = LOCAL) -> bool:
    """True when the cluster's postmaster answers on its socket."""
    if not cluster.data_dir.exists():
        return False
    r = subprocess.run(
        [pg_bin("pg_isready"), "-q", "-h", str(cluster.socket_dir), "-p", str(cluster.port)],
        check=False,
    )
    return r.returncode == 0


def init(cluster: LocalCluster = LOCAL) -> bool:
    """Create the cluster if its data directory does not exist yet; True when it was created."""
    if (cluster.data_dir / "PG_VERSION").exists():
        return False
    _owner_fix(cluster)
    subprocess.run(
        _as_server_user(
            [
                pg_bin("initdb"),
                "-D",
                str(cluster.data_dir),
                "-U",
                cluster.superuser,
                "--auth-local=trust",
                "--auth-host=reject",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    conf = cluster.data_dir / "postgresql.conf"
    with conf.open("a") as f:
        f.write(
            "\n# ostan-dash: socket only, tuned for a small 2-core machine\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{cluster.socket_dir}'\n"
            f"port = {cluster.port}\n"
            "shared_buffers = 512MB\nwork_mem = 32MB\nmaintenance_work_mem = 512MB\n"
            "max_wal_size = 4GB\nfsync = on\nsynchronous_commit = off\n"
            "timezone = 'Europe/Stockholm'\nlog_timezone = 'Europe/Stockholm'\n"
        )
    return True


def start(cluster: LocalCluster = LOCAL) -> str:
    """Initialise when needed and start the cluster; idempotent. Returns what was done."""
    created = init(cluster)
    if is_running(cluster):
        return "körs redan"
    _owner_fix(cluster)
    subprocess.run(
        _as_server_user(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(cluster.data_dir),
                "-l",
                str(cluster.log_file),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if is_running(cluster):
            break
        time.sleep(0.1)
    return "skapad och startad" if created else "startad"


def stop(cluster: LocalCluster = LOCAL) -> str:
    """Stop the cluster (fast shutdown) if it runs."""
    if not is_running(cluster):
        return "körs inte"
    subprocess.run(
        _as_server_user(
            [pg_bin("pg_ctl"), "-D", str(cluster.data_dir), "-m", "fast", "-w", "stop"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return "stoppad"


def status(cluster: LocalCluster = LOCAL) -> str:
    """One line on the cluster's state, for operators."""
    if not (cluster.data_dir / "PG_VERSION").exists():
        return f"ingen lokal databas i {cluster.data_dir}"
    state = "körs" if is_running(cluster) else "stoppad"
    return f"{state}: {cluster.data_dir} (socket {cluster.socket_dir}, port {cluster.port})"


def ensure_database(name: str, cluster: LocalCluster = LOCAL) -> bool:
    """Create database ``name`` in the local cluster if missing; True when created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(cluster.socket_dir),
        port=cluster.port,
        user=cluster.superuser,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(name: str, cluster: LocalCluster = LOCAL) -> None:
    """Drop database ``name`` in the local cluster (tests reset their database with it)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(cluster.socket_dir),
        port=cluster.port,
        user=cluster.superuser,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
