"""Start, stop and inspect the project-local PostgreSQL + PostGIS cluster under ``var/``.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user
(``runuser``); as any other user it runs as that user. It listens on a Unix socket only, in a
directory only the server's user (and root) can enter, and every login needs its password
(SCRAM); the passwords are generated here and kept in ``var/pgpass`` (0600), which libpq reads.
"""

from __future__ import annotations

import os
import secrets
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
    os.chmod(cluster.socket_dir, 0o700)
    if os.geteuid() == 0:
        shutil.chown(cluster.data_dir.parent, "postgres", "postgres")
        shutil.chown(cluster.socket_dir, "postgres", "postgres")
        if cluster.log_file.exists():
            shutil.chown(cluster.log_file, "postgres", "postgres")


def _passwords(cluster: LocalCluster) -> dict[str, str]:
    """The logins' passwords from the passfile (``*:port:*:user:password`` lines)."""
    if not cluster.passfile.exists():
        return {}
    out = {}
    for line in cluster.passfile.read_text().splitlines():
        parts = line.split(":")
        if len(parts) == 5:
            out[parts[3]] = parts[4]
    return out


def password(user: str, cluster: LocalCluster = LOCAL) -> str:
    """``user``'s password, generated and stored in the passfile the first time."""
    known = _passwords(cluster)
    if user not in known:
        known[user] = secrets.token_urlsafe(32)
        cluster.passfile.parent.mkdir(parents=True, exist_ok=True)
        tmp = cluster.passfile.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.writelines(f"*:{cluster.port}:*:{u}:{pw}\n" for u, pw in known.items())
        tmp.replace(cluster.passfile)
    return known[user]


def _connect(cluster: LocalCluster, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=str(cluster.socket_dir),
        port=cluster.port,
        user=cluster.superuser,
        dbname=dbname,
        passfile=str(cluster.passfile),
        autocommit=True,
    )


_HBA = (
    "# ostan-dash: Unix socket only, every login with its password (SCRAM)\n"
    "local all all scram-sha-256\n"
)


def _require_passwords(cluster: LocalCluster) -> bool:
    """A cluster made before passwords (``trust``): set the superuser's password, then switch
    pg_hba.conf to SCRAM and reload. True when something changed."""
    hba = cluster.data_dir / "pg_hba.conf"
    if hba.read_text() == _HBA:
        return False
    from psycopg import sql

    with _connect(cluster) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(cluster.superuser), sql.Literal(password(cluster.superuser, cluster))
            )
        )
    hba.write_text(_HBA)
    subprocess.run(
        _as_server_user([pg_bin("pg_ctl"), "-D", str(cluster.data_dir), "reload"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return True


def set_app_password(login: str, cluster: LocalCluster = LOCAL) -> None:
    """Give the web app's login (made by ``sql/008_app_login.sql``) its password."""
    from psycopg import sql

    with _connect(cluster) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(login), sql.Literal(password(login, cluster))
            )
        )


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
    pwfile = cluster.data_dir.parent / "initdb.pw"
    pwfile.write_text(password(cluster.superuser, cluster) + "\n")
    os.chmod(pwfile, 0o600)
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    subprocess.run(
        _as_server_user(
            [
                pg_bin("initdb"),
                "-D",
                str(cluster.data_dir),
                "-U",
                cluster.superuser,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
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
    pwfile.unlink()
    (cluster.data_dir / "pg_hba.conf").write_text(_HBA)
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
        os.chmod(cluster.socket_dir, 0o700)
        _require_passwords(cluster)
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
    _require_passwords(cluster)
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
    from psycopg import sql

    with _connect(cluster) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(name: str, cluster: LocalCluster = LOCAL) -> None:
    """Drop database ``name`` in the local cluster (tests reset their database with it)."""
    from psycopg import sql

    with _connect(cluster) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
