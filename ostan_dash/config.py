"""Where things are: the project directory, the local database cluster and the database URL.

``DATABASE_URL`` (a ``postgresql+psycopg://`` URL) points everything at an existing PostGIS
database; without it the project-local cluster under ``var/`` is used (``ostan-dash db start``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OSTAN_VAR_DIR", PROJECT_DIR / "var"))
TZ_NAME = "Europe/Stockholm"
TZ = ZoneInfo(TZ_NAME)
SRID = 3006  # SWEREF 99 TM


@dataclass(frozen=True)
class LocalCluster:
    """The project-local PostgreSQL cluster: data and socket inside ``var/``, its own port."""

    data_dir: Path = VAR_DIR / "pgdata"
    socket_dir: Path = VAR_DIR / "run"
    log_file: Path = VAR_DIR / "postgres.log"
    port: int = int(os.environ.get("OSTAN_PG_PORT", "54329"))
    superuser: str = "postgres"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` in this cluster, over its Unix socket (no TCP at all)."""
        return (
            f"postgresql+psycopg://{self.superuser}@/{database}"
            f"?host={self.socket_dir}&port={self.port}"
        )


LOCAL = LocalCluster()


def default_database() -> str:
    """Name of the database in the local cluster: ``OSTAN_DATABASE`` or ``ostan`` (tests: ``ostan_test``)."""
    return os.environ.get("OSTAN_DATABASE", "ostan")


def database_url() -> str:
    """The database this process uses: ``DATABASE_URL`` if set, else the local cluster's."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return LOCAL.url(default_database())


def uses_local_cluster() -> bool:
    """True when no ``DATABASE_URL`` is given and the project-local cluster is the store."""
    return not os.environ.get("DATABASE_URL", "").strip()


def demo_mode() -> bool:
    """Demo mode allows the well-known demo passwords and a generated cookie key."""
    return os.environ.get("OSTAN_DEMO", "1") == "1"


def today() -> dt.date:
    """Today's date in Europe/Stockholm (``OSTAN_TODAY`` overrides it, for tests and demos)."""
    fixed = os.environ.get("OSTAN_TODAY", "").strip()
    if fixed:
        return dt.date.fromisoformat(fixed)
    return dt.datetime.now(TZ).date()
