"""Backup → restore gives the same database: equal row counts and checksums in every table.

The test database is written by other tests while this one runs (logins, audit rows), so the
round trip that is compared is scratch → dump → scratch: ostan_test is first copied into a
scratch database nobody else touches, that copy is dumped and restored into a second one.
"""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa

from ostan_dash import cli, config
from ostan_dash.store import backup, cluster

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def dumped(tmp_path_factory):
    """A scratch copy of the test database, its dump (made by the CLI) and its fingerprint."""
    if not config.uses_local_cluster():
        pytest.skip("återställningstestet skapar egna databaser i det lokala klustret")
    tmp = tmp_path_factory.mktemp("backup")
    copy = f"ostan_h13_copy_{secrets.token_hex(3)}"
    try:
        backup.backup(tmp / "test.dump", database=config.default_database())
        backup.restore(tmp / "test.dump", database=copy)
        assert cli.main(["backup", str(tmp / "copy.dump"), "--database", copy]) == 0
        yield tmp / "copy.dump", backup.fingerprint(copy)
    finally:
        cluster.drop_database(copy)


@pytest.fixture
def target():
    name = f"ostan_h13_restored_{secrets.token_hex(3)}"
    yield name
    cluster.drop_database(name)


def test_backup_then_restore_gives_identical_tables(dumped, target):
    dump, original = dumped
    assert original["incidents"][0] > 1000  # the demo data came along
    assert {"incidents", "police_crimes", "users", "audit_log", "schema_migrations"} <= set(
        original
    )
    assert cli.main(["restore", str(dump), "--database", target]) == 0
    assert backup.fingerprint(target) == original


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(dumped, target, capsys):
    dump, original = dumped
    backup.restore(dump, database=target)
    eng = sa.create_engine(config.LOCAL.url(target))
    with eng.begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = 'retention'"))
    eng.dispose()
    assert cli.main(["restore", str(dump), "--database", target]) == 1
    assert "inte tom" in capsys.readouterr().err
    assert backup.fingerprint(target)["settings"] != original["settings"]
    assert cli.main(["restore", str(dump), "--database", target, "--force"]) == 0
    assert backup.fingerprint(target) == original
