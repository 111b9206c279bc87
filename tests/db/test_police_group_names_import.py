"""A police extract whose Brottsgrupp holds a name the built-in table does not know is refused
with its row; once the municipality has saved a group for that name (the setting
``polisens_brottsgrupper``, saved as the Import page saves it), the same file imports — through
the bounded child, as on the page and the command line — and its rows get the chosen group.
``ostan-dash import`` reads the same setting."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash import cli, store
from ostan_dash.ingest import pipeline
from ostan_dash.store import areas, imports

pytestmark = pytest.mark.db

HEADER = (
    "Diarienummer;Brottsnummer;Brottskod;Brottsbenämning;Brottsgrupp;Från datum;Från tid;"
    "Till datum;Till tid;Kommun;Område;X (SWEREF99);Y (SWEREF99)\r\n"
)
ROWS = (
    "5000-K771001-26;1;0857;Stöld genom inbrott, ej vapen, i bostad (villa);Tillgreppsbrott;"
    "2026-02-27;18:00;;;Östan;C01;6632080;601950\r\n",
    "5000-K771002-26;1;1601;Djurplågeri;Brott mot djur (16 kap. 13 § BrB);"
    "2026-02-28;09:00;;;Östan;C01;6632080;601950\r\n",
    "5000-K771003-26;1;1601;Djurplågeri;brott mot djur;2026-03-01;10:00;;;Östan;C01;6632080;"
    "601950\r\n",
)
DATA = (HEADER + "".join(ROWS)).encode("cp1252")


def _run(db, **kw):
    return pipeline.run_import("polisbrott", DATA, "grupper.csv", conn=db, username="test", **kw)


def _admin(db) -> tuple[int, str]:
    return tuple(db.execute(sa.text("SELECT id, role FROM users WHERE username = 'admin'")).one())


def _count(db) -> int:
    return db.execute(
        sa.text("SELECT count(*) FROM police_crimes WHERE external_id LIKE '5000-K7710%'")
    ).scalar_one()


def test_an_unknown_group_name_is_refused_until_a_group_is_saved_for_it(db):
    db.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": imports.GROUP_NAMES_SETTING})
    refused = _run(db)
    assert not refused.written and refused.import_id is None
    assert refused.problems.select("rad", "falt", "varde").rows() == [
        (3, "Brottsgrupp", "Brott mot djur (16 kap. 13 § BrB)"),
        (4, "Brottsgrupp", "brott mot djur"),
    ]
    assert refused.problems["orsak"].str.starts_with("okänd brottsgrupp").all()
    assert _count(db) == 0

    user_id, role = _admin(db)
    areas.save_setting(
        imports.GROUP_NAMES_SETTING,
        {"Brott mot djur": "ovrigt", "Tillgreppsbrott": "stold"},
        user_id=user_id,
        username="admin",
        role=role,
        conn=db,
    )
    assert imports.group_name_overrides(conn=db) == {
        "Brott mot djur": "ovrigt",
        "Tillgreppsbrott": "stold",
    }
    audited = db.execute(
        sa.text(
            "SELECT details->'value' FROM audit_log WHERE action = 'setting' AND entity_id = :k "
            "ORDER BY id DESC LIMIT 1"
        ),
        {"k": imports.GROUP_NAMES_SETTING},
    ).scalar_one()
    assert audited["Brott mot djur"] == "ovrigt"

    out = _run(db)
    assert out.written, out.problems
    assert out.rows_new == 3
    groups = db.execute(
        sa.text(
            "SELECT external_id, crime_group FROM police_crimes WHERE import_id = :i ORDER BY 1"
        ),
        {"i": out.import_id},
    ).all()
    # Tillgreppsbrott kept its built-in group (stold): still broad, the burglary decides.
    assert [tuple(g) for g in groups] == [
        ("5000-K771001-26/1", "inbrott"),
        ("5000-K771002-26/1", "ovrigt"),
        ("5000-K771003-26/1", "ovrigt"),
    ]


def test_a_re_mapped_group_name_reaches_the_rows(db):
    user_id, role = _admin(db)
    areas.save_setting(
        imports.GROUP_NAMES_SETTING,
        {"Brott mot djur": "skadegorelse", "Tillgreppsbrott": "rån"},
        user_id=user_id,
        username="admin",
        role=role,
        conn=db,
    )
    out = _run(db, dry_run=True)
    assert out.ok, out.problems
    assert not out.written and _count(db) == 0
    assert sorted(out.sample["crime_group"].to_list()) == ["rån", "skadegorelse", "skadegorelse"]


@pytest.fixture
def saved_setting():
    """The setting committed (the command line reads it on its own connection); put back after."""
    key = {"k": imports.GROUP_NAMES_SETTING}
    with store.begin() as c:
        before = c.execute(sa.text("SELECT value FROM settings WHERE key = :k"), key).scalar()
        c.execute(sa.text("DELETE FROM settings WHERE key = :k"), key)
    yield
    with store.begin() as c:
        c.execute(sa.text("DELETE FROM settings WHERE key = :k"), key)
        if before is not None:
            c.execute(
                sa.text("INSERT INTO settings (key, value) VALUES (:k, CAST(:v AS jsonb))"),
                {**key, "v": json.dumps(before)},
            )


def test_the_command_line_reads_the_saved_group_names(tmp_path, capsys, saved_setting):
    path = tmp_path / "grupper.csv"
    path.write_bytes(DATA)
    assert cli.main(["import", "polisbrott", str(path), "--dry-run"]) == 1
    assert "rad 3: Brottsgrupp: okänd brottsgrupp" in capsys.readouterr().err
    with store.begin() as c:
        c.execute(
            sa.text("INSERT INTO settings (key, value) VALUES (:k, CAST(:v AS jsonb))"),
            {"k": imports.GROUP_NAMES_SETTING, "v": json.dumps({"Brott mot djur": "ovrigt"})},
        )
    assert cli.main(["import", "polisbrott", str(path), "--dry-run"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["rader_giltiga"], summary["problem"], summary["skrivet"]) == (3, 0, False)
