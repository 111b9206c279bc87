"""The import templates (issue 12): every kind's template has one example row, in our own
municipality, that passes the importer's whole check as the page's file (the preview: read,
validate, match areas and places in the database, rolled back)."""

from __future__ import annotations

import pytest

from ostan_dash import config
from ostan_dash.ingest import pipeline, read, templates, validate
from ostan_dash.store import queries
from ostan_dash.ui import export

pytestmark = pytest.mark.db


def _template_file(kind: str) -> tuple[bytes, str]:
    """The file the Import page offers for ``kind`` (same calls as content/importera.py)."""
    first = queries.areas().sort("code").row(0, named=True)
    example = {
        "today": config.today(),
        "area_code": first["code"],
        "point": templates.point_in(first["geojson_wgs84"]),
        "municipality": "Östan",
    }
    if kind in templates.GEOJSON_KINDS:
        return templates.template_geojson(kind, **example), f"mall-{kind}.geojson"
    return export.to_csv_bytes(templates.template(kind, **example)), f"mall-{kind}.csv"


@pytest.mark.parametrize("kind", list(validate.KINDS))
def test_the_template_has_an_example_row_that_passes_import(db, kind):
    data, name = _template_file(kind)
    raw = read.read_file(data, name)
    # The header is every column of the kind, and there is exactly one row under it.
    header = [c for c in raw.frame.columns if c not in (read.ROW, read.GEOMETRY)]
    assert header == [c.name for c in validate.SPECS[kind] if c.key != read.GEOMETRY]
    assert raw.frame.height == 1
    # The required columns are filled in, not left for the user to guess.
    row = raw.frame.row(0, named=True)
    for c in validate.SPECS[kind]:
        if c.required:
            assert row[read.GEOMETRY if c.key == read.GEOMETRY else c.name], c.name
    checked = validate.validate(kind, raw.frame)
    assert checked.problems.is_empty(), checked.problems.to_dicts()
    assert checked.skipped.is_empty(), checked.skipped.to_dicts()
    out = pipeline.run_import(
        kind,
        data,
        name,
        dry_run=True,
        conn=db,
        isolate=False,
        username="test",
        organisation_id=1,
        municipality="Östan",
    )
    assert out.problems.is_empty(), out.problems.to_dicts()
    assert out.rows_valid == 1
    assert not out.written
