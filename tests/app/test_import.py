"""Import in AppTest: an analyst previews a file, sees every bad row, and imports a valid one."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.ui.navigation import pages_for

pytestmark = pytest.mark.app

PAGE = "content/importera.py"
DATA = Path(__file__).resolve().parents[1] / "data" / "import"
POLICE = DATA / "polisbrott_v10_cp1252.csv"
CSV_MIME = "text/csv"


def _open(as_role):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def cleanup():
    names: list[str] = []
    yield names
    with store.begin() as c:
        for n in names:
            ids = (
                c.execute(sa.text("SELECT id FROM imports WHERE file_name = :n"), {"n": n})
                .scalars()
                .all()
            )
            for i in ids:
                c.execute(sa.text("DELETE FROM police_crimes WHERE import_id = :i"), {"i": i})
                c.execute(
                    sa.text("DELETE FROM audit_log WHERE action = 'import' AND entity_id = :i"),
                    {"i": str(i)},
                )
                c.execute(sa.text("DELETE FROM imports WHERE id = :i"), {"i": i})


def test_only_analysts_and_admins_see_import():
    for role, sees in [
        ("admin", True),
        ("analytiker", True),
        ("rapportor", False),
        ("lasare", False),
    ]:
        assert any(p.path == PAGE for p in pages_for(role)) is sees, role


def test_a_file_with_one_bad_row_is_previewed_with_that_row_and_cannot_be_imported(as_role):
    at = _open(as_role)
    text = POLICE.read_bytes().decode("cp1252").replace("2026-03-01;14:20", "2026-03-01;14:70")
    at.file_uploader[0].set_value(("polis-fel.csv", text.encode("cp1252"), CSV_MIME)).run()
    assert not at.exception, at.exception
    assert _metrics(at)["Rader lästa"] == "10"
    assert _metrics(at)["Giltiga rader"] == "9"
    assert any("1 problem på 1 rader" in e.value for e in at.error)
    # The mapping step's table comes first; the problems are the table with Rad and Fält.
    problems = next(d.value for d in at.dataframe if "Fält" in d.value.columns)
    assert problems[["Rad", "Fält"]].values.tolist() == [[7, "Från tid"]]
    assert not [b for b in at.button if b.label == "Importera"]


def test_a_valid_police_extract_is_imported_and_listed_in_the_history(as_role, cleanup):
    name = "polisbrott-v10-apptest.csv"
    cleanup.append(name)
    at = _open(as_role)
    at.file_uploader[0].set_value((name, POLICE.read_bytes(), CSV_MIME)).run()
    assert not at.error, [e.value for e in at.error]
    already = int(_metrics(at)["Finns redan"])
    at.button(key="imp_go").click().run()
    assert not at.exception, at.exception
    assert any("Importen är klar" in s.value for s in at.success)
    rows = store.scalar(
        "SELECT rows_written FROM imports WHERE file_name = :n ORDER BY id DESC LIMIT 1",
        {"n": name},
    )
    assert rows == 10 - already
    history = next(df.value for df in at.dataframe if "Fil" in df.value.columns)
    assert name in history["Fil"].tolist()
