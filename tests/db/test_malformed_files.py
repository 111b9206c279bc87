"""Every file of the generated malformed-file corpus is refused with a Swedish message and
changes nothing (issue 13: "every parser error becomes a row-level or file-level Swedish
message"). The files go through the page's own path: ``pipeline.run_import`` with reading and
validating in the bounded child process, inside the test's rolled-back transaction."""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline, worker

pytestmark = pytest.mark.db

GENERATOR = Path(__file__).resolve().parents[1] / "data" / "malformed" / "generate.py"
TABLES = (
    "police_crimes",
    "areas",
    "area_indicators",
    "survey_responses",
    "places",
    "incidents",
    "population_cells",
    "crime_statistics",
    "imports",
    "audit_log",
)

# English exception text, tracebacks, Python or PostgreSQL error words.
ENGLISH = re.compile(
    r"Traceback|Error\b|Exception|errno|\b(the|invalid|expected|unexpected|line|column|could|"
    r"cannot|failed|must|field|object|error|string|none|null|self-intersection|too few|"
    r"ring|got|not)\b",
    re.IGNORECASE,
)
SWEDISH = re.compile(
    r"[åäöÅÄÖ]|\b(inte|saknas|ogiltig\w*|filen|kolumn\w*|okänd|tal|rad|geometri\w*|en|ett|ska|"
    r"vara|och|som|med|skriv|ange)\b"
)


# What some files must be told (a substring of one of their reasons).
EXPECTED = {
    "omraden/coords_1e300.geojson": "orimliga",
    "omraden/outside_sweden.geojson": "utanför Sverige i SWEREF 99 TM",
    "omraden/degrees_as_metres.geojson": "grader (WGS 84)",
    "omraden/degrees_chosen_metres.geojson": "grader (WGS 84)",
    "omraden/bowtie.geojson": "ytan korsar sig själv",
    "omraden/latitude_200.geojson": "orimliga",
    "omraden/gpkg_recursive_view.gpkg": "vy",
    "omraden/gpkg_contents_view.gpkg": "vy",
    "omraden/gpkg_virtual_table.gpkg": "virtuell tabell",
    "omraden/gpkg_bad_envelope.gpkg": "envelope",
    "omraden/gpkg_huge_value.gpkg": "större än",
    "omraden/deep_coords.geojson": "nästlad",
    "platser/coords_1e300.geojson": "orimliga",
    "platser/degrees_3006.csv": "grader (WGS 84)",
    "polisbrott/degrees_3006.csv": "grader (WGS 84)",
    "polisbrott/coords_1e300.csv": "ligger inte i Sverige",
    "polisbrott/zip_bomb.xlsx": "packas upp",
    "polisbrott/parquet_as.csv": "Parquet",
    "polisbrott/huge_quoted_cell.csv": "längre än",
    "polisbrott/deep_nesting.json": "nästlad",
    "polisbrott/too_many_columns.csv": "kolumner",
    "polisbrott/row_beyond_excel.xlsx": "Excels sista rad",
    "rapporter/year_9999.csv": "framtiden",
    "befolkningsrutor/coords_1e300.geojson": "orimliga",
    "polishandelser/bad_datetime.json": "ogiltig tid",
    "polishandelser/not_an_object.json": "inte ett JSON-objekt",
    "polishandelser/duplicate_id.json": "samma händelse-id",
    "polishandelser/id_text.json": "heltal",
}


def load_generator():
    spec = importlib.util.spec_from_file_location("malformed_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("malformed_generate", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("malformed")
    return out, load_generator().generate(out)


def _snapshot(db) -> None:
    """Fix the transaction's snapshot, so other sessions' commits to the shared test database
    (audit rows of other tests) do not show up as changes made here."""
    db.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))


def _counts(db) -> dict[str, int]:
    sql = ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in TABLES)  # noqa: S608
    return dict(db.execute(sa.text(f"SELECT {sql}")).mappings().one())


def not_swedish(reasons: list[str]) -> list[str]:
    """Reasons that carry English exception text or no Swedish at all."""
    return [r for r in reasons if not r or ENGLISH.search(r) or not SWEDISH.search(r)]


def test_the_corpus_has_hundreds_of_files_for_every_import_kind(corpus):
    from ostan_dash.ingest import validate

    _, cases = corpus
    assert len(cases) >= 200
    per_kind = {k: sum(c.kind == k for c in cases) for k in validate.KINDS}
    assert min(per_kind.values()) >= 30, per_kind


def test_the_english_detector_catches_what_it_should():
    assert not_swedish(["line contains NUL", "Expecting value: line 1 column 1 (char 0)"])
    assert not_swedish(["ogiltig geometri: Self-intersection[601900 6632000]"])
    assert not_swedish(["RecursionError: maximum recursion depth exceeded"])
    assert not not_swedish(["ogiltigt datum (skriv ÅÅÅÅ-MM-DD)", "Filen är tom."])


def test_every_malformed_file_gets_a_swedish_message_and_changes_nothing(db, corpus):
    root, cases = corpus
    _snapshot(db)
    before = _counts(db)
    failures: list[str] = []
    slowest: list[tuple[float, str]] = []
    for case in cases:
        data = (root / case.name).read_bytes()
        t0 = time.perf_counter()
        try:
            out = pipeline.run_import(
                case.kind, data, Path(case.name).name, crs=case.crs, conn=db, username="test"
            )
        except BaseException as e:  # noqa: BLE001 - the point is that nothing escapes
            failures.append(f"{case.name}: raised {type(e).__name__}: {e}"[:300])
            continue
        slowest.append((time.perf_counter() - t0, case.name))
        reasons = out.problems["orsak"].to_list()
        if out.written or out.ok or not reasons:
            failures.append(f"{case.name} ({case.note}): accepted, written={out.written}")
        elif bad := not_swedish(reasons):
            failures.append(f"{case.name} ({case.note}): {bad[:2]}")
        elif case.name in EXPECTED and not any(EXPECTED[case.name] in r for r in reasons):
            failures.append(f"{case.name}: {EXPECTED[case.name]!r} not in {reasons[:3]}")
    after = _counts(db)
    slowest.sort(reverse=True)
    print(f"{len(cases)} files; slowest: {[(round(s, 2), n) for s, n in slowest[:5]]}")
    assert not failures, "\n".join(failures)
    assert set(EXPECTED) <= {c.name for c in cases}
    assert after == before


def test_the_recursive_view_geopackage_is_refused_within_10_s_and_500_mb():
    """Issue 13: an 8 kB GeoPackage whose layer is a never-ending recursive view once ran 118 s
    and reached 5.4 GB in the web server. Now it is refused at once, in the child process,
    whose peak resident memory is measured (``VmHWM``) under the web's limits."""
    data = load_generator().recursive_view_gpkg()
    assert len(data) <= 8192
    limits = worker.Limits(seconds=10, memory_mb=1536)
    worker.read_validate_bounded("omraden", b"Kod;Namn\n", "warm.csv", limits=limits)
    t0 = time.perf_counter()
    out = worker.read_validate_bounded("omraden", data, "vy.gpkg", limits=limits)
    seconds = time.perf_counter() - t0
    assert out.error is not None and "vy" in out.error, out.error
    assert seconds < 10
    assert out.peak_rss_mb is not None and out.peak_rss_mb < 500
    print(f"recursive view refused in {seconds:.3f} s, child peak RSS {out.peak_rss_mb:.0f} MB")


def test_the_layer_a_recursive_view_would_hide_is_not_read_through_the_page_path(db):
    """The same file through ``run_import`` (the page's call): one file-level message."""
    data = load_generator().recursive_view_gpkg()
    _snapshot(db)
    before = _counts(db)
    out = pipeline.run_import("omraden", data, "vy.gpkg", conn=db, username="test")
    assert not out.written
    assert out.problems["rad"].to_list() == [None]
    assert "vy" in out.problems["orsak"][0]
    assert _counts(db) == before
