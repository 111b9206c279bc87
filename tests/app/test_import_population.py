"""Import in AppTest: the analyst previews SCB's real population grid and is told how its
undeclared coordinate system was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ostan_dash.store import population

pytestmark = pytest.mark.app

PAGE = "content/importera.py"
REAL = Path(__file__).resolve().parents[1] / "data" / "import" / "scb_population_1km_subset.gpkg"


def test_the_real_scb_grid_previews_with_the_crs_it_was_read_in(as_role):
    before = population.count()
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].set_value("befolkningsrutor").run()
    assert not at.exception, at.exception
    at.file_uploader[0].set_value((REAL.name, REAL.read_bytes(), "application/geopackage+sqlite3"))
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rader lästa"] == "200" and metrics["Giltiga rader"] == "200"
    assert any("inget koordinatsystem" in i.value and "EPSG:3006" in i.value for i in at.info)
    assert [b for b in at.button if b.label == "Importera"]
    assert population.count() == before  # a preview writes nothing
