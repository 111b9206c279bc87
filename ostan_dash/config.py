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
    passfile: Path = VAR_DIR / "pgpass"

    def url(self, database: str, *, user: str | None = None) -> str:
        """SQLAlchemy URL of ``database`` in this cluster, over its Unix socket (no TCP at all);
        the password comes from the cluster's passfile (SCRAM, never trust)."""
        return (
            f"postgresql+psycopg://{user or self.superuser}@/{database}"
            f"?host={self.socket_dir}&port={self.port}&passfile={self.passfile}"
        )


LOCAL = LocalCluster()


def default_database() -> str:
    """Name of the database in the local cluster: ``OSTAN_DATABASE`` or ``ostan`` (tests: ``ostan_test``)."""
    return os.environ.get("OSTAN_DATABASE", "ostan")


def database_url() -> str:
    """The database this process uses: the app login in the web server (:func:`runs_as_app`),
    else ``DATABASE_URL`` if set, else the local cluster's owner login (operators, tests)."""
    if runs_as_app():
        return app_database_url()
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return LOCAL.url(default_database())


APP_LOGIN = "ostan_app"


def app_database_url() -> str:
    """The web app's own login: ``OSTAN_APP_DATABASE_URL``, else the local cluster's
    ``ostan_app`` (not a superuser, not an owner: ``sql/008_app_login.sql``). With a
    ``DATABASE_URL`` and no app URL the operator's login is used (``ostan-dash serve`` warns)."""
    url = os.environ.get("OSTAN_APP_DATABASE_URL", "").strip()
    if url:
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if not uses_local_cluster():
        return database_url()
    return LOCAL.url(default_database(), user=APP_LOGIN)


def runs_as_app() -> bool:
    """True in the web server's process (``OSTAN_DB_LOGIN=app``, set by ``ostan-dash serve``)."""
    return os.environ.get("OSTAN_DB_LOGIN", "") == "app"


def uses_local_cluster() -> bool:
    """True when no ``DATABASE_URL`` is given and the project-local cluster is the store."""
    return not os.environ.get("DATABASE_URL", "").strip()


def demo_mode() -> bool:
    """Demo mode allows the well-known demo passwords and a generated cookie key."""
    return os.environ.get("OSTAN_DEMO", "1") == "1"


def listens_for_versions() -> bool:
    """Whether this process holds the data version in memory, kept fresh by the database's
    notifications (``store/version_watch.py``); ``OSTAN_VERSION_LISTEN=0`` reads it on every
    lookup instead (a process that reads from a replica: docs/larger-deployments.md)."""
    return os.environ.get("OSTAN_VERSION_LISTEN", "1") != "0"


def today() -> dt.date:
    """Today's date in Europe/Stockholm (``OSTAN_TODAY`` overrides it, for tests and demos)."""
    fixed = os.environ.get("OSTAN_TODAY", "").strip()
    if fixed:
        return dt.date.fromisoformat(fixed)
    return dt.datetime.now(TZ).date()


@dataclass(frozen=True)
class MapTiles:
    """A base map the operator configured: a raster tile URL template (``{z}/{x}/{y}``) or a
    WMS GetMap URL with ``{bbox-epsg-3857}``, and the attribution its licence asks for."""

    url: str
    attribution: str


def map_tiles() -> MapTiles | None:
    """``OSTAN_MAP_TILES`` (and ``OSTAN_MAP_ATTRIBUTION``): the municipality's own tile or WMS
    server, or Lantmäteriet's open topographic map, drawn under our layers. ``None`` when not
    set or not usable (only http(s) URLs with ``{z}``, ``{x}`` and ``{y}``, or with
    ``{bbox-epsg-3857}``, are) – the map then has no base map and needs no network."""
    url = os.environ.get("OSTAN_MAP_TILES", "").strip()
    if not url:
        return None
    tiled = all(p in url for p in ("{z}", "{x}", "{y}"))
    if not url.startswith(("https://", "http://")) or not (tiled or "{bbox-epsg-3857}" in url):
        import logging

        logging.getLogger(__name__).warning(
            "OSTAN_MAP_TILES används inte: en http(s)-adress med {z}/{x}/{y} eller "
            "{bbox-epsg-3857} behövs, fick %r",
            url,
        )
        return None
    return MapTiles(url, os.environ.get("OSTAN_MAP_ATTRIBUTION", "").strip())
