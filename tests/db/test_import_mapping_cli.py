"""``ostan-dash import … --map kolumn=vår_kolumn --spara-mappning`` (issue 10): a file with title
lines and its own column names imports through the mapping on the command line; the mapping is
remembered per source, so the next file of the same shape needs no --map."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash import cli, store
from ostan_dash.ingest import mapping

pytestmark = pytest.mark.db

HEADER = ["Omr", "Statistikår", "Invånare totalt", "Barn"]
MAPS = ["Omr=Områdeskod", "Statistikår=År", "Invånare totalt=Folkmängd", "Barn=Folkmängd 0–17 år"]


def _file(tmp_path, codes: list[str]):
    lines = ["Befolkning per område", "", ";".join(HEADER)]
    lines += [f"{c};2025;{900 + i};{100 + i}" for i, c in enumerate(codes)]
    path = tmp_path / "bef.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def codes():
    source = mapping.source_key(HEADER)
    with store.begin() as c:
        found = c.execute(sa.text("SELECT code FROM areas ORDER BY code LIMIT 2")).scalars().all()
    yield found
    with store.begin() as c:
        c.execute(sa.text("DELETE FROM import_mappings WHERE source = :s"), {"s": source})


def _summary(capsys) -> dict:
    out = capsys.readouterr().out.strip().splitlines()
    return json.loads(out[-1])


def test_map_options_import_and_are_remembered(tmp_path, capsys, codes):
    path = _file(tmp_path, codes)
    assert cli.main(["import", "indikatorer", str(path), "--dry-run"]) == 1
    assert _summary(capsys)["rader_giltiga"] == 0  # no column of ours without a mapping
    args = ["import", "indikatorer", str(path), "--dry-run", "--spara-mappning"]
    for m in MAPS:
        args += ["--map", m]
    assert cli.main(args) == 0
    got = _summary(capsys)
    assert got["rader_lasta"] == got["rader_giltiga"] == len(codes)
    with store.begin() as c:
        saved = c.execute(
            sa.text("SELECT mapping, header_row FROM import_mappings WHERE source = :s"),
            {"s": mapping.source_key(HEADER)},
        ).one()
    assert saved.header_row == 3 and saved.mapping["Barn"] == "Folkmängd 0–17 år"
    # Next time: the remembered mapping, no --map.
    assert cli.main(["import", "indikatorer", str(path), "--dry-run"]) == 0
    assert _summary(capsys)["rader_giltiga"] == len(codes)


def test_a_map_to_a_column_we_do_not_have_is_refused(tmp_path, capsys, codes):
    path = _file(tmp_path, codes)
    assert cli.main(["import", "indikatorer", str(path), "--map", "Omr=Kommunnummer"]) == 2
    assert "Okänd kolumn för indikatorer: Kommunnummer" in capsys.readouterr().err


def test_a_value_for_the_whole_file_fills_the_year_it_lacks(tmp_path, capsys, codes):
    """``--varde År=2023``: a population file without a year validates with that year on every
    row (and no 0–17 column: unknown); without it the year is named as missing."""
    path = tmp_path / "kommuner.csv"
    path.write_text(
        "kommun_kod,population\n" + "".join(f"{c},{500 + i}\n" for i, c in enumerate(codes)),
        encoding="utf-8",
    )
    assert cli.main(["import", "indikatorer", str(path), "--dry-run"]) == 1
    assert "rad 1: År: kolumnen saknas" in capsys.readouterr().err
    assert cli.main(["import", "indikatorer", str(path), "--dry-run", "--varde", "År=2023"]) == 0
    got = _summary(capsys)
    assert got["rader_lasta"] == got["rader_giltiga"] == got["rader_nya"] == len(codes)
    assert any("uppgift saknas" in n for n in got["noteringar"])
    assert cli.main(["import", "indikatorer", str(path), "--varde", "Årtal=2023"]) == 2
    assert "Okänd kolumn för indikatorer: Årtal" in capsys.readouterr().err
