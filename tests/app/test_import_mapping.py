"""The Import page's mapping step in AppTest (issue 10): a CSV with title lines above its
header and none of our column names is read from its header, our columns are proposed by
likeness, the preview validates it with that mapping, and the mapping is remembered."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.ingest import mapping

pytestmark = pytest.mark.app

PAGE = "content/importera.py"
HEADER = ["Område kod", "År", "Folkmängd totalt", "Antal 0-17"]


def _file(codes: list[str]) -> bytes:
    lines = ["Befolkning per område och år", "Källa: kommunens statistik", ";".join(HEADER)]
    lines += [f"{c};2025;{1000 + i};{200 + i}" for i, c in enumerate(codes)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def forget():
    source = mapping.source_key(HEADER)
    yield source
    with store.begin() as c:
        c.execute(sa.text("DELETE FROM import_mappings WHERE source = :s"), {"s": source})


def test_mapping_step_reads_below_the_titles_proposes_and_remembers(as_role, forget):
    with store.begin() as c:
        codes = c.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 3")).scalars().all()
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].select("indikatorer").run()
    at.file_uploader[0].set_value(("befolkning.csv", _file(codes), "text/csv")).run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Rubrikerna står på rad 3" in captions and "utf-8" in captions
    table = next(d.value for d in at.dataframe if "Filens kolumn" in d.value.columns)
    assert table["Filens kolumn"].tolist() == HEADER
    assert table["Vår kolumn"].tolist() == [
        "Områdeskod",
        "År",
        "Folkmängd",
        "Folkmängd 0–17 år",
    ]
    assert table["Förslag"].tolist() == ["liknande namn", "samma namn", "liknande namn"] + [
        "liknande namn"
    ]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rader lästa"] == str(len(codes))
    assert metrics["Giltiga rader"] == str(len(codes)), [e.value for e in at.error]
    save = next(b for b in at.button if b.label.startswith("Kom ihåg mappningen"))
    save.click().run()
    assert not at.exception, at.exception
    with store.begin() as c:
        saved = c.execute(
            sa.text("SELECT mapping, header_row FROM import_mappings WHERE source = :s"),
            {"s": forget},
        ).one()
    assert saved.header_row == 3
    assert saved.mapping == {
        "Område kod": "Områdeskod",
        "År": "År",
        "Folkmängd totalt": "Folkmängd",
        "Antal 0-17": "Folkmängd 0–17 år",
    }
    # The next run proposes the remembered mapping: nothing left to save.
    at.run()
    assert not [b for b in at.button if b.label.startswith("Kom ihåg mappningen")]
    assert any("sparad sedan tidigare" in c.value for c in at.caption)


def test_the_municipality_boundary_is_chosen_among_the_areas(as_role):
    with store.begin() as c:
        code = c.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 1")).scalar_one()
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].select("omraden").run()
    try:
        box = next(s for s in at.selectbox if s.label == "Kommunens gräns")
        assert box.value == "(alla områden tillsammans)"
        box.select(code).run()
        next(b for b in at.button if b.label == "Spara kommunens gräns").click().run()
        assert not at.exception, at.exception
        with store.begin() as c:
            saved = c.execute(
                sa.text("SELECT value->>'kod' FROM settings WHERE key = 'kommungrans'")
            ).scalar_one()
        assert saved == code
        assert next(s for s in at.selectbox if s.label == "Kommunens gräns").value == code
    finally:
        with store.begin() as c:
            c.execute(sa.text("DELETE FROM settings WHERE key = 'kommungrans'"))


def test_a_year_the_file_lacks_is_given_for_the_whole_file(as_role):
    """A population table without a year (as SCB's per-municipality file): the mapping step asks
    for the year; with it every row validates, 0–17 years stays unknown and the preview says so."""
    with store.begin() as c:
        codes = c.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 2")).scalars().all()
    body = "kommun_kod,kommun_namn,population\n" + "".join(
        f"{c},Namn {i},{700 + i}\n" for i, c in enumerate(codes)
    )
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].select("indikatorer").run()
    at.file_uploader[0].set_value(("kommuner.csv", body.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("Filen saknar År" in m.value for m in at.markdown)
    assert {m.label: m.value for m in at.metric}["Giltiga rader"] == "0"
    at.text_input(key="imp_value_indikatorer_År").input("2024").run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Giltiga rader"] == str(len(codes)), [e.value for e in at.error]
    assert any("uppgift saknas" in i.value for i in at.info)
    stored = next(d.value for d in at.dataframe if "year" in d.value.columns)
    assert stored["year"].tolist() == ["2024"] * len(codes)
    assert stored["population_under18"].isna().all()
