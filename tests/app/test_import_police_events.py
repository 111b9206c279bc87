"""Import page, the police's events: the real API answer is previewed with the crimes of the
municipality counted and every other event listed with why it is left out, then imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash import store

pytestmark = [
    pytest.mark.app,
    pytest.mark.skipif(
        not Path("/work/shared/reference/real/polisen_events.json").exists(),
        reason="real reference file not present",
    ),
]

PAGE = "content/importera.py"
REAL = Path("/work/shared/reference/real/polisen_events.json")
NAME = "polisen-events-apptest.json"


@pytest.fixture
def cleanup():
    with store.begin() as c:
        saved = c.execute(sa.text("SELECT value FROM settings WHERE key = 'kommun'")).scalar()
    yield
    with store.begin() as c:
        ids = c.execute(
            sa.text("SELECT id FROM imports WHERE file_name = :n"), {"n": NAME}
        ).scalars()
        for i in list(ids):
            c.execute(sa.text("DELETE FROM police_crimes WHERE import_id = :i"), {"i": i})
            c.execute(
                sa.text("DELETE FROM audit_log WHERE action = 'import' AND entity_id = :i"),
                {"i": str(i)},
            )
            c.execute(sa.text("DELETE FROM imports WHERE id = :i"), {"i": i})
        if saved is None:
            c.execute(sa.text("DELETE FROM settings WHERE key = 'kommun'"))
        else:
            c.execute(
                sa.text("UPDATE settings SET value = CAST(:v AS jsonb) WHERE key = 'kommun'"),
                {"v": json.dumps(saved)},
            )


def test_the_events_file_is_previewed_with_skipped_rows_and_imported(as_role, cleanup):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].set_value("polishandelser").run()
    assert not at.exception, at.exception
    next(t for t in at.text_input if t.label.startswith("Kommun")).input("Malmö").run()
    at.file_uploader[0].set_value((NAME, REAL.read_bytes(), "application/json")).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rader lästa"], metrics["Giltiga rader"], metrics["Nya rader"]) == (
        "500",
        "9",
        "9",
    )
    assert any("359 är inga brott" in i.value and "132" in i.value for i in at.info)
    skipped = next(
        df.value for df in at.dataframe if "Orsak" in df.value.columns and len(df.value) == 491
    )
    assert skipped["Orsak"].str.contains("Trafikolycka är inget brott").any()
    next(b for b in at.button if b.label == "Importera").click().run()
    assert not at.exception, at.exception
    assert any("9 nya eller ändrade rader" in s.value for s in at.success)
    with store.begin() as c:
        rows = c.execute(
            sa.text(
                "SELECT count(*), count(geom) FROM police_crimes p JOIN imports i "
                "ON i.id = p.import_id WHERE i.file_name = :n"
            ),
            {"n": NAME},
        ).one()
        setting = c.execute(sa.text("SELECT value FROM settings WHERE key = 'kommun'")).scalar()
    assert tuple(rows) == (9, 0)
    assert setting["namn"] == "Malmö"
