"""The municipality's own police group names (issue 10): ``effective_names`` puts the setting
``polisens_brottsgrupper`` on top of the built-in table, and validation looks the changed and
added names up exactly as the built-in ones."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash.ingest import police_groups, read, validate

HEADER = "Diarienummer;Brottsbenämning;Brottskod;Brottsgrupp;Från datum;Från tid;X;Y"


def _validate(*rows: str, group_names: dict[str, str] | None = None) -> validate.Validated:
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    frame = read.read_file(text.encode("cp1252"), "f.csv").frame
    return validate.validate("polisbrott", frame, group_names=group_names)


def _row(grupp: str, benamning: str = "Snatteri", kod: str = "0801", nr: str = "K1") -> str:
    return f"{nr};{benamning};{kod};{grupp};2026-03-02;10:00;6632000;602000"


def test_an_override_changes_a_built_in_name_and_keeps_the_others():
    names = police_groups.effective_names({"Skadegörelsebrott": "ovrigt"})
    assert names["Skadegörelsebrott"] == "ovrigt"
    assert names["Klotter"] == "skadegorelse"
    assert len(names) == len(police_groups.GROUP_NAMES)
    assert police_groups.GROUP_NAMES["Skadegörelsebrott"] == "skadegorelse"  # not mutated


def test_a_new_name_is_added_as_written():
    names = police_groups.effective_names({"  Brott mot djur ": "ovrigt"})
    assert names["Brott mot djur"] == "ovrigt"
    assert len(names) == len(police_groups.GROUP_NAMES) + 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"Brott mot djur": "djurbrott"},  # not one of our groups
        {"Brott mot djur": None},
        {"Skadegörelsebrott": "Skadegörelse"},  # a label, not a key
        {"": "ovrigt"},
        {" (8 kap.) ": "ovrigt"},  # nothing left once folded
    ],
    ids=["unknown-group", "none", "label", "blank", "only-brackets"],
)
def test_an_override_without_one_of_our_groups_or_a_name_is_ignored(overrides):
    assert police_groups.effective_names(overrides) == police_groups.GROUP_NAMES


@pytest.mark.parametrize(
    "written",
    ["tillgreppsbrott", "TILLGREPPSBROTT (8 kap. BrB)", "Tillgreppsbrött", "  Tillgreppsbrott "],
)
def test_an_override_folds_onto_the_built_in_name(written):
    names = police_groups.effective_names({written: "inbrott"})
    assert names["Tillgreppsbrott"] == "inbrott"
    assert len(names) == len(police_groups.GROUP_NAMES)


def test_folding_applies_to_a_new_name_in_the_file():
    changes = {"Brott mot djur (16 kap. 13 § BrB)": "skadegorelse"}
    v = _validate(
        _row("brott mot djur"),
        _row("BROTT MOT DJUR (16 kap.)", nr="K2"),
        _row("Brött  mot-djur", nr="K3"),
        group_names=changes,
    )
    assert v.ok, v.problems
    assert v.rows.sort("rad")["crime_group"].to_list() == ["skadegorelse"] * 3


def test_an_unknown_name_is_named_with_its_row_and_known_after_an_override():
    rows = (_row("Tillgreppsbrott"), _row("Brott mot djur", nr="K2"))
    refused = _validate(*rows)
    assert refused.problems.select("rad", "falt", "varde").rows() == [
        (3, "Brottsgrupp", "Brott mot djur")
    ]
    accepted = _validate(*rows, group_names={"Brott mot djur": "ovrigt"})
    assert accepted.ok, accepted.problems
    assert accepted.rows.sort("rad")["crime_group"].to_list() == ["stold", "ovrigt"]


def test_a_re_mapped_broad_name_is_taken_as_the_user_says():
    """Brott mot person is broad: by default an assault's crime type decides (vald). Re-mapped
    by the municipality, every row gets the chosen group; an untouched broad name
    (Tillgreppsbrott) still follows the crime type."""
    assault = _row("Brott mot person", "Misshandel, ej grov, utomhus", "0375")
    burglary = _row("Tillgreppsbrott", "Stöld genom inbrott, ej vapen", "0857", nr="K2")
    before = _validate(assault, burglary)
    assert before.rows.sort("rad")["crime_group"].to_list() == ["vald", "inbrott"]
    after = _validate(assault, burglary, group_names={"brott mot person (3-7 kap.)": "hot"})
    assert after.rows.sort("rad")["crime_group"].to_list() == ["hot", "inbrott"]
    # the built-in group again is no change: a threat's crime type still decides (hot)
    threat = _row("Brott mot person", "Olaga hot mot man", "0401", nr="K3")
    same = _validate(threat, group_names={"Brott mot person": "vald"})
    assert same.rows["crime_group"].to_list() == ["hot"]


def test_a_re_mapped_name_that_is_also_our_label_is_taken_as_the_user_says():
    """``Stöld`` is both the police's group name and our label: re-mapped, the choice wins."""
    v = _validate(_row("Stöld"), group_names={"Stöld": "inbrott"})
    assert v.rows["crime_group"].to_list() == ["inbrott"]
    assert _validate(_row("Stöld")).rows["crime_group"].to_list() == ["stold"]


def test_the_page_table_round_trips_to_the_setting():
    table = police_groups.group_table({"Tillgreppsbrott": "inbrott"})
    row = table.filter(pl.col("Polisens grupp") == "Tillgreppsbrott")
    assert row["Vår brottsgrupp"].to_list() == ["Inbrott"]
    added = pl.DataFrame(
        {"Polisens grupp": ["Brott mot djur", "  "], "Vår brottsgrupp": ["Övriga brott", "Rån"]}
    )
    changes = police_groups.overrides_from_table(pl.concat([table, added]))
    assert changes == {"Tillgreppsbrott": "inbrott", "Brott mot djur": "ovrigt"}
