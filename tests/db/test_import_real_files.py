"""Real public files other than the police's events, through the page's path into the test
database (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db


def _count(db, sql: str) -> int:
    return db.execute(sa.text(sql)).scalar_one()


OSM = Path("/work/shared/reference/real/osm_goteborg_police.geojson")


@pytest.mark.skipif(not OSM.exists(), reason="real reference file not present")
def test_real_osm_police_stations_in_goteborg_are_named_as_outside_our_municipality(db):
    """The OSM file reads and validates as places; its five stations lie in Göteborg, outside
    the test database's municipality, and each is named — nothing is written."""
    before = _count(db, "SELECT count(*) FROM places")
    out = pipeline.run_import("platser", OSM.read_bytes(), OSM.name, conn=db, username="test")
    assert not out.written
    assert out.rows_read == 5
    assert out.problems["rad"].to_list() == [1, 2, 3, 4, 5]
    assert set(out.problems["orsak"]) == {"punkten ligger utanför kommunen"}
    assert _count(db, "SELECT count(*) FROM places") == before
