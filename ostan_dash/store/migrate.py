"""Apply the numbered SQL migrations in ``sql/`` in order, each once, recorded in the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ostan_dash.config import PROJECT_DIR

SQL_DIR = PROJECT_DIR / "sql"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One migration file: its version number, name, text and checksum."""

    version: int
    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def discover(sql_dir: Path = SQL_DIR) -> list[Migration]:
    """The migrations in ``sql_dir``, sorted by version; duplicate versions are an error."""
    found: dict[int, Migration] = {}
    for path in sorted(sql_dir.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise ValueError(f"Migreringsfilen {path.name} ska heta NNN_namn.sql")
        version = int(m.group(1))
        if version in found:
            raise ValueError(f"Två migreringar har version {version}")
        found[version] = Migration(version, path.stem, path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def apply(engine: Engine, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; returns their names.

    A changed checksum of an applied migration is an error: migrations are append-only.
    """
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        applied = {
            r.version: r.checksum
            for r in conn.execute(sa.text("SELECT version, checksum FROM schema_migrations"))
        }
    done: list[str] = []
    for mig in discover(sql_dir):
        if mig.version in applied:
            if applied[mig.version] != mig.checksum:
                raise RuntimeError(f"Migrering {mig.name} har ändrats efter att den kördes")
            continue
        with engine.begin() as conn:
            # The driver runs the file as one multi-statement script, untouched by placeholders.
            conn.connection.driver_connection.execute(mig.text)
            conn.execute(
                sa.text(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (:v, :n, :c)"
                ),
                {"v": mig.version, "n": mig.name, "c": mig.checksum},
            )
        done.append(mig.name)
    return done
