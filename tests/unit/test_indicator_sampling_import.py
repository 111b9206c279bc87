"""The indicator import takes the sample behind "Andel otrygga" (Antal svar, Effektivt antal
svar) when the file has it, and refuses sizes that cannot be (issue 9, part 4)."""

from __future__ import annotations

import polars as pl

from ostan_dash.ingest import read, validate

HEAD = (
    "Områdeskod;År;Folkmängd;Folkmängd 0–17 år;Andel otrygga (%);Andel som inte arbetar (%);"
    "Antal svar;Effektivt antal svar\n"
)


def _validate(text: str) -> validate.Validated:
    return validate.validate("indikatorer", read.read_file(text.encode("utf-8"), "f.csv").frame)


def test_answers_and_effective_size_are_read_with_the_share():
    v = _validate(
        HEAD + "C01;2025;4 210;612;24,5;18,2;312;241,7\nF01;2025;9 655;3 120;41,8;38,6;;\n"
    )
    assert v.ok, v.problems
    rows = v.rows.sort("area_ref")
    assert rows.select("area_ref", "n", "n_eff").rows() == [
        ("C01", 312, 241.7),
        ("F01", None, None),
    ]
    assert rows.schema["n"] == pl.Int64


def test_a_file_without_the_columns_still_imports_with_unknown_sizes():
    v = _validate("Områdeskod;År;Folkmängd;Folkmängd 0–17 år\nC01;2025;4210;612\n")
    assert v.ok, v.problems
    assert v.rows.select("n", "n_eff").rows() == [(None, None)]


def test_impossible_sample_sizes_are_refused_with_their_line():
    v = _validate(
        HEAD
        + "C01;2025;4210;612;24,5;18,2;200;250\n"  # n_eff > n
        + "C02;2025;4210;612;24,5;18,2;0;\n"  # no answers
        + "C03;2025;4210;612;24,5;18,2;;-3\n"  # negative effective size
        + "C04;2025;4210;612;;18,2;150;120\n"  # a sample without its share
        + "C05;2025;4210;612;24,5;18,2;12,5;\n"  # not a whole number of answers
    )
    got = v.problems.select("rad", "falt", "orsak").rows()
    assert (
        2,
        "Effektivt antal svar",
        "det effektiva antalet svar kan inte vara större än antalet svar",
    ) in got
    assert any(r[:2] == (3, "Antal svar") for r in got)
    assert (4, "Effektivt antal svar", "måste vara större än 0") in got
    assert (5, "Antal svar", "antal svar hör till andelen otrygga, som saknas") in got
    assert (6, "Antal svar", "inte ett heltal") in got
    assert {r[0] for r in got} == {2, 3, 4, 5, 6}
