"""SCB PxWeb answers become one row per area and year (issue 10)."""

import json

import pytest

from ostan_dash.ingest import pxweb
from ostan_dash.ingest.read import read_file
from ostan_dash.ingest.validate import validate

COLUMNS = [
    {"code": "Region", "text": "region", "type": "d"},
    {"code": "Alder", "text": "ålder", "type": "d"},
    {"code": "Kon", "text": "kön", "type": "d"},
    {"code": "Tid", "text": "år", "type": "t"},
    {"code": "BE0101N1", "text": "Folkmängden per region", "type": "c"},
]


def _answer(counts: dict[tuple[str, str, str, str], int]) -> dict:
    return {
        "columns": COLUMNS,
        "comments": [],
        "data": [{"key": list(k), "values": [str(v)]} for k, v in counts.items()],
        "metadata": [{"label": "Folkmängd per RegSO", "source": "SCB"}],
    }


def test_single_year_ages_are_summed_to_0_17_and_the_sexes_to_their_total():
    counts: dict[tuple[str, str, str, str], int] = {}
    for region, base in (("0880R001_RegSO2025", 10), ("0880R002_RegSO2025", 3)):
        for age in range(0, 25):
            for sex in ("1", "2"):
                counts[(region, str(age), sex, "2024")] = base + age
            counts[(region, str(age), "1+2", "2024")] = 2 * (base + age)
    raw = read_file(json.dumps(_answer(counts)).encode(), "px.json")
    assert raw.shape == "pxweb"
    rows = {r["Områdeskod"]: r for r in raw.frame.to_dicts()}
    assert set(rows) == {"0880R001", "0880R002"}
    expect_kids = sum(2 * (10 + a) for a in range(18))
    expect_all = sum(2 * (10 + a) for a in range(25))
    assert rows["0880R001"]["Folkmängd 0–17 år"] == str(expect_kids)
    assert rows["0880R001"]["Folkmängd"] == str(expect_all)
    checked = validate("indikatorer", raw.frame)
    assert checked.ok, checked.problems
    assert checked.rows["year"].to_list() == [2024, 2024]


def test_five_year_bands_give_the_total_and_leave_0_17_unknown_naming_the_band_at_18():
    """No 0–17 column (not a guess, not 0) and a note naming the band that straddles 18; the
    population is the sum of the bands (no 'totalt' age in this answer)."""
    bands = ("-4", "5-9", "10-14", "15-19", "20-24")
    counts = {("0880R001_RegSO2025", a, "1+2", "2024"): 5 + i for i, a in enumerate(bands)}
    header, rows, notes = pxweb.population_rows(_answer(counts))
    assert header == ["Områdeskod", "År", "Folkmängd"]
    assert rows == [["0880R001", "2024", str(5 + 6 + 7 + 8 + 9)]]
    assert any("klassen 15-19 rymmer både 17- och 18-åringar" in n for n in notes)
    checked = validate(
        "indikatorer", read_file(json.dumps(_answer(counts)).encode(), "p.json").frame
    )
    assert checked.ok, checked.problems
    assert checked.rows.select("population", "population_under18", "pct_under18").rows() == [
        (35, None, None)
    ]


def test_an_answer_without_region_is_refused():
    doc = {"columns": [{"code": "Tid", "type": "t"}], "data": [], "metadata": []}
    with pytest.raises(pxweb.PxWebError, match="Region"):
        pxweb.population_rows(doc)
