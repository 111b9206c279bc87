"""Every table on the pages is sent to the browser with Swedish display values (``1 234,5``):
no decimal point in any cell, and every number column formatted. The browser draws tables on
a canvas, so this is where what the user reads can be checked (the e2e scan reads the page)."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from ostan_dash.ui.navigation import spec

pytestmark = pytest.mark.app

PAGES = ["oversikt", "karta", "rapportera", "importera", "problembilder", "insatser"]
PAGES += ["omraden", "trygghet"]
DECIMAL_POINT = re.compile(r"\d\.\d")


def _tables(at):
    for el in at.dataframe:
        arrow = el.proto.arrow_data
        data = pa.ipc.open_stream(arrow.data).read_all()
        shown = (
            pa.ipc.open_stream(arrow.styler.display_values).read_all()
            if arrow.HasField("styler")
            else None
        )
        yield data, shown


@pytest.mark.parametrize(
    ("url_path", "tab"),
    [(p if p != "importera" else "import", None) for p in PAGES] + [("karta", "Jämför områden")],
)
def test_every_table_shows_swedish_numbers(as_role, url_path, tab):
    at = as_role("admin")
    at.switch_page(spec(url_path).path)
    if tab:  # a lazy tab draws its tables only when open (?flik=)
        at.query_params["flik"] = tab
    at.run()
    assert not at.exception, at.exception
    checked = 0
    for data, shown in _tables(at):
        numeric = [
            f.name
            for f in data.schema
            if pa.types.is_floating(f.type) or pa.types.is_integer(f.type)
            if not f.name.startswith("__index")
        ]
        if numeric:
            assert shown is not None, f"a table with numbers {numeric} has no Swedish display"
        cells = shown.to_pylist() if shown is not None else data.to_pylist()
        for row in cells:
            for col, value in row.items():
                if isinstance(value, str) and not value.startswith(("http://", "https://")):
                    assert not DECIMAL_POINT.search(value), (url_path, col, value)
        checked += 1
    if url_path in ("oversikt", "karta", "problembilder", "insatser", "omraden", "trygghet"):
        assert checked, "no table on the page"
