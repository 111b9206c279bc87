"""A kvartalsanalys and an årsanalys drafted on the demo data say what independent SQL says,
print their own Swedish sections, and a published kvartalsanalys stays frozen when the data
change."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
import sqlalchemy as sa

from ostan_dash import config
from ostan_dash.reports import annual, load, periods, quarterly, render
from ostan_dash.store import analyses

pytestmark = pytest.mark.db

QUARTER = periods.parse("kvartal", "2026-Q3")
YEAR = periods.parse("ar", "2025")
COUNT_SQL = {
    "est": "SELECT count(*) FROM incidents "
    "WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b",
    "polis": "SELECT count(*) FROM police_crimes "
    "WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b",
}


def sql_count(conn, source: str, a: dt.date, b: dt.date, category: str | None = None) -> int:
    sql = COUNT_SQL[source] + (" AND category = :c" if category else "")
    return conn.execute(sa.text(sql), {"a": a, "b": b, "c": category}).scalar_one()


def sql_area_counts(conn, a: dt.date, b: dt.date) -> dict[str, int]:
    rows = conn.execute(
        sa.text(
            """
            SELECT ar.name, count(*) FROM (
                SELECT area_id, occurred_from FROM incidents
                UNION ALL SELECT area_id, occurred_from FROM police_crimes) e
            JOIN areas ar ON ar.id = e.area_id
            WHERE (e.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b
            GROUP BY ar.name
            """
        ),
        {"a": a, "b": b},
    ).all()
    return dict(rows)


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(p.extract_text() for p in pages).replace("\u00a0", " ")


def user(conn, name: str) -> int:
    return conn.execute(
        sa.text("SELECT id FROM users WHERE username = :u"), {"u": name}
    ).scalar_one()


@pytest.fixture(scope="module")
def quarter_doc() -> dict:
    return load.with_texts(
        load.draft(QUARTER),
        assessment="Kvartalet höll i sig. Ärendet om klotter i Österängen följs upp.",
        recommendations="Belysning i Stadsparken före årsskiftet.",
    )


@pytest.fixture(scope="module")
def year_doc() -> dict:
    return load.with_texts(
        load.draft(YEAR),
        assessment="Ett år med färre polisanmälda brott. Ärendet om Solhöjden är avslutat.",
        cooperation="Samverkansgruppen träffades varje torsdag; skolorna kom med i höstas.",
    )


@pytest.fixture(scope="module")
def quarter_pdf(quarter_doc) -> bytes:
    return render.pdf(quarter_doc)


@pytest.fixture(scope="module")
def year_pdf(year_doc) -> bytes:
    return render.pdf(year_doc)


def headline(doc: dict) -> dict[str, tuple[int, int]]:
    return {r["key"]: (r["count"], r["count_before"]) for r in doc["headline"]}


@pytest.mark.parametrize("which", ["quarter", "year"])
def test_headline_and_areas_equal_sql(db, request, which):
    doc = request.getfixturevalue(f"{which}_doc")
    period = QUARTER if which == "quarter" else YEAR
    before = (
        period.start.replace(year=period.start.year - 1),
        period.end.replace(year=period.end.year - 1),
    )
    got = headline(doc)
    for source in ("est", "polis"):
        assert got[source] == (
            sql_count(db, source, period.start, period.end),
            sql_count(db, source, *before),
        ), source
    for cat in ("skadegorelse", "otrygg_samling"):
        assert got[cat] == (
            sql_count(db, "est", period.start, period.end, cat),
            sql_count(db, "est", *before, cat),
        ), cat
    now, then = sql_area_counts(db, period.start, period.end), sql_area_counts(db, *before)
    assert {r["name"]: r["count"] for r in doc["areas"]} == now
    assert {r["name"]: r["count_before"] for r in doc["areas"] if r["count_before"]} == then


def test_the_quarter_follows_up_its_interventions_and_names_next_quarters_focus(db, quarter_doc):
    running = (
        db.execute(
            sa.text(
                "SELECT title FROM interventions WHERE start_date <= :b AND end_date >= :a "
                "AND status NOT IN ('planerad', 'installd') ORDER BY title"
            ),
            {"a": QUARTER.start, "b": QUARTER.end},
        )
        .scalars()
        .all()
    )
    assert sorted(r["title"] for r in quarter_doc["interventions"]) == running
    assert all(r["smart_text"] for r in quarter_doc["interventions"])
    chosen = (
        db.execute(
            sa.text(
                "SELECT a.name FROM focus_areas f JOIN areas a ON a.id = f.area_id "
                "WHERE f.quarter_start = '2026-10-01' ORDER BY f.rank"
            )
        )
        .scalars()
        .all()
    )
    assert [f["area"] for f in quarter_doc["focus"]] == chosen and len(chosen) == 3
    assert not quarter_doc["focus_proposed"]
    open_problems = (
        db.execute(
            sa.text(
                "SELECT p.title FROM problem_pictures p JOIN areas a ON a.id = ANY(p.area_ids) "
                "WHERE a.name = :n AND p.status IN ('oppen', 'atgardas') ORDER BY p.title"
            ),
            {"n": chosen[0]},
        )
        .scalars()
        .all()
    )
    assert sorted(p["title"] for p in quarter_doc["focus"][0]["problems"]) == open_problems


def test_every_area_of_the_year_with_its_criteria_and_trend(db, year_doc):
    names = db.execute(sa.text("SELECT name FROM areas ORDER BY name")).scalars().all()
    assert sorted(a["name"] for a in year_doc["area_profiles"]) == names
    assert year_doc["indicator_year"] == 2025 and year_doc["years"][-1] == 2025
    profile = year_doc["area_profiles"][0]
    unsafe = db.execute(
        sa.text(
            "SELECT i.pct_unsafe FROM area_indicators i JOIN areas a ON a.id = i.area_id "
            "WHERE a.name = :n AND i.year = 2025"
        ),
        {"n": profile["name"]},
    ).scalar_one()
    assert profile["matrix"]["pct_unsafe"]["value"] == pytest.approx(float(unsafe), abs=0.05)
    for k, y in enumerate(year_doc["years"]):
        a, b = dt.date(y, 1, 1), dt.date(y, 12, 31)
        assert profile["yearly"]["total"][k] == sql_area_counts(db, a, b).get(profile["name"], 0)


@pytest.mark.parametrize("which", ["quarter", "year"])
def test_the_pdf_has_its_sections_label_and_swedish_letters(db, request, which):
    text = text_of(request.getfixturevalue(f"{which}_pdf"))
    doc = request.getfixturevalue(f"{which}_doc")
    title = "Kvartalsanalys kvartal 3 2026" if which == "quarter" else "Årsanalys 2025"
    assert title in text
    for section in (quarterly if which == "quarter" else annual).SECTIONS:
        assert section in text, section
    assert "Får delas inom samverkan" in text and "FÅR DELAS INOM SAMVERKAN" in text
    assert "Sida 1 av" in text and "Utkast – inte publicerat" in text
    for ch in "åäöÅÄÖ":
        assert ch in text, ch
    assert doc["assessment"] in text
    if which == "year":
        assert doc["cooperation"] in text
    period = QUARTER if which == "quarter" else YEAR
    n_est = sql_count(db, "est", period.start, period.end)
    assert f"EST-rapporter {n_est:,} ".replace(",", " ") in text


def test_a_published_kvartalsanalys_stays_frozen(db, quarter_doc, quarter_pdf):
    vid, version = analyses.publish(
        quarter_doc, user_id=user(db, "analytiker"), role="analytiker", pdf=quarter_pdf, conn=db
    )
    before = headline(quarter_doc)["est"][0]
    db.execute(
        sa.text(
            """
            INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                                   organisation_id, description)
            SELECT 'skadegorelse', 'klotter', t, t, ST_PointOnSurface(a.geom), a.id,
                   (SELECT min(id) FROM organisations), 'testrapport'
            FROM areas a, generate_series(CAST(:t0 AS timestamptz),
                 CAST(:t0 AS timestamptz) + interval '6 hours', interval '1 hour') t
            WHERE a.name = 'Österängen'
            """
        ),
        {"t0": dt.datetime(2026, 8, 14, 20, 0, tzinfo=config.TZ)},
    )
    assert sql_count(db, "est", QUARTER.start, QUARTER.end) == before + 7
    got = analyses.version(vid, conn=db)
    assert got is not None and got.version == version
    assert got.document == quarter_doc and got.pdf == quarter_pdf
    assert headline(got.document)["est"][0] == before
    row = db.execute(
        sa.text("SELECT kind, period_start, period_end FROM analyses WHERE id = :i"),
        {"i": got.analysis_id},
    ).one()
    assert tuple(row) == ("kvartal", QUARTER.start, QUARTER.end)
    listed = analyses.versions(kind="kvartal", conn=db)
    assert vid in listed["version_id"].to_list()
    assert render.html(got.document, publication=got.publication).count("Kvartalsanalys") >= 1


def test_without_a_recorded_choice_the_quarter_shows_the_omraden_proposal(db):
    """No focus areas are recorded for 2027-Q1: the kvartalsanalys of 2026-Q4 names the three
    highest focus scores of the Områden page, marked as a proposal."""
    from ostan_dash.analysis import areas as aa
    from ostan_dash.store import areas as sa

    q4 = periods.parse("kvartal", "2026-Q4")
    assert (
        sa.focus_areas().filter(sa.focus_areas()["quarter_start"] == dt.date(2027, 1, 1)).is_empty()
    )
    got = load.next_focus(q4)
    ind = sa.indicators()
    long = aa.criteria_long(ind, thresholds=load.thresholds(), counts=sa.incident_counts())
    survey = sa.survey_responses()
    scores = aa.focus_scores(
        aa.area_summary(long, year=int(ind["year"].max())),
        trend=sa.recent_incident_counts(dt.date(2027, 1, 1)),
        unsafety=aa.survey_unsafety(survey, year=int(survey["year"].max())),
    )
    assert [f["area_id"] for f in got] == scores["area_id"].head(3).to_list()
    assert all(f["proposed"] and f["rationale"].startswith("Förslag (poäng ") for f in got)


def test_the_cli_writes_an_unpublished_annual_draft(tmp_path, capsys, db):
    from ostan_dash.cli import main

    before = db.execute(sa.text("SELECT count(*) FROM analysis_versions")).scalar_one()
    out = tmp_path / "arsanalys.html"
    assert main(["lagesbild", "ar", "2025", "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>Årsanalys 2025</h1>" in page and "Hur samverkan fungerat" in page
    assert "Årsanalys 2025: utkast, inte publicerat" in capsys.readouterr().out
    assert db.execute(sa.text("SELECT count(*) FROM analysis_versions")).scalar_one() == before
    assert main(["lagesbild", "kvartal", "2026-Q5", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert "skriv perioden som 2026-Q3" in capsys.readouterr().err
