"""A police extract whose Brottsgrupp column holds the police's own group names
("Tillgreppsbrott") imports through the mapping table instead of being blocked (issue 10)."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash import vocab
from ostan_dash.ingest import police_groups, read, validate

HEADER = "Diarienummer;Brottsbenämning;Brottskod;Brottsgrupp;Från datum;Från tid;X;Y"


def _validate(*rows: str) -> validate.Validated:
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    return validate.validate("polisbrott", read.read_file(text.encode("cp1252"), "f.csv").frame)


def _groups(v: validate.Validated) -> list[str]:
    return v.rows.sort("rad")["crime_group"].to_list()


@pytest.mark.parametrize(
    ("benamning", "kod", "grupp", "expected"),
    [
        # Tillgreppsbrott is wider than our groups: the crime type decides where it can.
        ("Stöld genom inbrott, ej vapen, i bostad (villa)", "0857", "Tillgreppsbrott", "inbrott"),
        ("Rån mot privatperson, ej väpnat, utomhus", "0893", "Tillgreppsbrott", "rån"),
        ("Snatteri", "0801", "Tillgreppsbrott (8 kap. BrB)", "stold"),
        ("Egenmäktigt förfarande", "", "Tillgreppsbrott", "stold"),  # says nothing more
        ("Skadegörelse, ej klotter", "1201", "Skadegörelsebrott", "skadegorelse"),
        ("Misshandel, ej grov, utomhus", "0375", "Brott mot person (3–7 kap. BrB)", "vald"),
        ("Olaga hot mot man", "0401", "Brott mot person", "hot"),
        ("Narkotikabrott, innehav", "5011", "NARKOTIKABROTT", "narkotika"),
        ("Rattfylleri", "3005", "Brott mot trafikbrottslagen", "trafik"),
        ("Bedrägeri via internet", "0902", "Bedrägeri, förskingring och trolöshetsbrott", "stold"),
        # our own key and label still work
        ("Snatteri", "0801", "stold", "stold"),
        ("Snatteri", "0801", "Stöld", "stold"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_police_group_names_map_to_our_groups(benamning, kod, grupp, expected):
    v = _validate(f"K1;{benamning};{kod};{grupp};2026-03-02;10:00;6632000;602000")
    assert v.ok, v.problems
    assert _groups(v) == [expected]


def test_a_whole_extract_with_police_group_names_is_not_blocked():
    v = _validate(
        "K1;Stöld genom inbrott i källare;0858;Tillgreppsbrott;2026-03-02;10:00;6632000;602000",
        "K2;Klotter;1203;Skadegörelsebrott;2026-03-02;11:00;6632000;602000",
        "K3;Misshandel, ej grov;0375;Brott mot liv och hälsa;2026-03-02;12:00;6632000;602000",
    )
    assert v.ok, v.problems
    assert _groups(v) == ["inbrott", "skadegorelse", "vald"]


def test_an_unknown_group_is_still_named_with_its_row():
    v = _validate(
        "K1;Snatteri;0801;Tillgreppsbrott;2026-03-02;10:00;6632000;602000",
        "K2;Snatteri;0801;Tilgreppsbrot;2026-03-02;10:00;6632000;602000",
    )
    assert v.problems.select("rad", "falt", "varde").rows() == [(3, "Brottsgrupp", "Tilgreppsbrot")]
    assert "Tillgreppsbrott" in v.problems["orsak"][0]
    assert v.rows["external_id"].to_list() == ["K1"]


def test_every_mapped_group_is_one_of_ours_and_broad_names_are_in_the_table():
    assert set(police_groups.GROUP_NAMES.values()) <= set(vocab.POLICE_GROUPS)
    assert police_groups.BROAD <= set(police_groups.GROUP_NAMES)
    # the folded table has no two names colliding into different groups
    folded = pl.Series(list(police_groups.GROUP_NAMES)).str.to_lowercase()
    assert folded.n_unique() == len(police_groups.GROUP_NAMES)
