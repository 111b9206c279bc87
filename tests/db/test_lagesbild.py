"""A published veckolägesbild is frozen: after the data change, the stored version still holds
the figures of the day it was published, its PDF is the one sent, and its figures equal an
independent SQL count of that day. Publishing is for analysts and admins under their own name."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets

import pypdf
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash import auth, config, store
from ostan_dash.demo.people import DEMO_PASSWORD
from ostan_dash.reports import load, periods, render
from ostan_dash.store import analyses

pytestmark = pytest.mark.db

WEEK = periods.parse("vecka", "2026-W48")
COUNT_SQL = {
    "est": "SELECT count(*) FROM incidents WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b",
    "polis": "SELECT count(*) FROM police_crimes WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b",
}


def sql_count(conn, source: str, category: str | None = None) -> int:
    sql = COUNT_SQL[source] + (" AND category = :c" if category else "")
    return conn.execute(sa.text(sql), {"a": WEEK.start, "b": WEEK.end, "c": category}).scalar_one()


def user(conn, name: str) -> int:
    return conn.execute(
        sa.text("SELECT id FROM users WHERE username = :u"), {"u": name}
    ).scalar_one()


@pytest.fixture(scope="module")
def draft() -> dict:
    doc = load.draft(WEEK)
    return load.with_texts(
        doc,
        assessment="Lugn vecka i Östan. Ärendet om skadegörelse i Norrbacka följs.",
        recommendations="Fotpatrull fredag–lördag kväll.",
    )


@pytest.fixture(scope="module")
def pdf(draft) -> bytes:
    return render.pdf(draft)


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(p.extract_text() for p in pages).replace("\u00a0", " ")


def headline(doc: dict) -> dict[str, int]:
    return {r["key"]: r["count"] for r in doc["headline"]}


def test_published_version_keeps_its_figures_after_the_data_change(db, draft, pdf):
    before = {"est": sql_count(db, "est"), "polis": sql_count(db, "polis")}
    assert headline(draft)["est"] == before["est"] and headline(draft)["polis"] == before["polis"]
    vid, version = analyses.publish(
        draft, user_id=user(db, "analytiker"), role="analytiker", pdf=pdf, conn=db
    )
    # The data change: five more reports of vandalism in Norrbacka during the week.
    db.execute(
        sa.text(
            """
            INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                                   organisation_id, description)
            SELECT 'skadegorelse', 'klotter', t, t, ST_PointOnSurface(a.geom), a.id,
                   (SELECT min(id) FROM organisations), 'testrapport'
            FROM areas a, generate_series(CAST(:t0 AS timestamptz), CAST(:t0 AS timestamptz) + interval '4 hours', interval '1 hour') t
            WHERE a.name = 'Norrbacka'
            """
        ),
        {"t0": dt.datetime(2026, 11, 27, 20, 0, tzinfo=config.TZ)},
    )
    assert sql_count(db, "est") == before["est"] + 5
    got = analyses.version(vid, conn=db)
    assert got is not None and got.version == version
    assert headline(got.document)["est"] == before["est"]  # frozen, not recomputed
    assert got.document == draft
    assert got.pdf == pdf
    assert render.html(got.document, publication=got.publication) == render.html(
        draft, publication=got.publication
    )
    listed = analyses.versions(conn=db).filter(analyses.versions(conn=db)["version_id"] == vid)
    assert (
        listed.row(0, named=True)["published_by"]
        == db.execute(
            sa.text("SELECT display_name FROM users WHERE username = 'analytiker'")
        ).scalar_one()
    )
    # A second publication is version + 1; the first stays as it was.
    vid2, version2 = analyses.publish(
        {**draft, "assessment": "Ny bedömning."}, user_id=user(db, "admin"), role="admin", conn=db
    )
    assert version2 == version + 1
    assert analyses.version(vid, conn=db).document["assessment"] == draft["assessment"]
    audit = db.execute(
        sa.text(
            "SELECT username FROM audit_log WHERE entity = 'analysis_versions' AND entity_id = :i"
        ),
        {"i": str(vid)},
    ).scalar_one()
    assert audit == "analytiker"


def test_the_pdf_says_what_the_sql_says(pdf, db):
    text = text_of(pdf)
    assert "Veckolägesbild v. 48 2026" in text
    assert "Får delas inom samverkan" in text and "FÅR DELAS INOM SAMVERKAN" in text
    assert "Sida 1 av" in text
    assert (
        "Bedömning" in text
        and "Lugn vecka i Östan. Ärendet om skadegörelse i Norrbacka följs." in text
    )
    for ch in "åäöÅÄÖ":
        assert ch in text, ch
    n_est, n_pol = sql_count(db, "est"), sql_count(db, "polis")
    assert f"EST-rapporter {n_est:,} ".replace(",", " ") in text
    assert f"Polisanmälda brott {n_pol:,} ".replace(",", " ") in text
    n_skad = sql_count(db, "est", "skadegorelse")
    assert f"\nSkadegörelse {n_skad} " in text
    assert f"{n_est + n_pol} händelser under veckan" in text


def test_a_reader_cannot_publish_and_nobody_edits_a_version(db, draft):
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        analyses.publish(draft, user_id=user(db, "lasare"), role="lasare", conn=db)
    vid, _ = analyses.publish(draft, user_id=user(db, "analytiker"), role="analytiker", conn=db)
    with pytest.raises(DBAPIError, match="ändras inte"), db.begin_nested():
        db.execute(sa.text("UPDATE analysis_versions SET version = 99 WHERE id = :i"), {"i": vid})


def test_a_version_carries_its_own_publisher(db, draft):
    """Acting for a user, the database refuses another user's id as publisher."""
    import json

    from ostan_dash.store import as_user

    aid = db.execute(sa.text("SELECT id FROM analyses LIMIT 1")).scalar_one()
    with (
        pytest.raises(DBAPIError, match="row-level security"),
        db.begin_nested(),
        as_user(user(db, "analytiker"), "analytiker", conn=db),
    ):
        db.execute(
            sa.text(
                "INSERT INTO analysis_versions (analysis_id, version, document, published_by) "
                "VALUES (:a, 1000, CAST(:d AS jsonb), :u)"
            ),
            {"a": aid, "d": json.dumps({"x": 1}), "u": user(db, "admin")},
        )


@pytest.fixture
def app_db():
    if not config.uses_local_cluster() and not os.environ.get("OSTAN_APP_DATABASE_URL"):
        pytest.skip("ingen egen inloggning för appen (OSTAN_APP_DATABASE_URL) att pröva")
    eng = sa.create_engine(config.app_database_url())
    with eng.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()
    eng.dispose()


def test_the_web_login_reads_and_publishes_through_the_role(app_db, draft):
    """What the web server runs as (ostan_app): reads the archive itself, publishes as the user."""
    analyses.versions(conn=app_db)
    uid = app_db.execute(sa.text("SELECT id FROM users WHERE username = 'analytiker'")).scalar_one()
    small = {k: v for k, v in draft.items() if k != "figures"}
    # Logged in: the database acts for the analyst only with their valid session (sql/026).
    sid = secrets.token_hex(32)
    assert auth.open_session(sid, uid, auth.login_ticket("analytiker", DEMO_PASSWORD))
    assert auth.check_session(sid)
    try:
        vid, _ = analyses.publish(small, user_id=uid, role="analytiker", conn=app_db)
    finally:
        store.bind(None, None)
        store.execute("DELETE FROM user_sessions WHERE id = :id", {"id": sid})
    assert analyses.version(vid, conn=app_db).document == small
    with pytest.raises(DBAPIError, match="permission denied"):
        app_db.execute(sa.text("DELETE FROM analysis_versions"))


def test_the_week_ahead_lists_the_calendar_for_the_meeting_week():
    """Issue 15: the veckolägesbild lists the events of the week after its own (the week the
    Thursday meeting plans for), recurring ones generated, others left out."""
    import datetime as dt

    import polars as pl

    cal = pl.DataFrame(
        {
            "id": [1, 2],
            "title": ["Julmarknad på torget", "Konsert i parken"],
            "kind": ["omradesevenemang", "konsert"],
            "place": ["Stora torget", None],
            "x": [600_000.0, 601_000.0],
            "y": [6_630_000.0, 6_631_000.0],
            "starts_at": [dt.datetime(2026, 12, 5, 10), dt.datetime(2026, 12, 12, 19)],
            "ends_at": [dt.datetime(2026, 12, 5, 16), dt.datetime(2026, 12, 12, 22)],
            "expected_crowd": [4000, None],
            "recurrence": [None, None],
        }
    ).with_columns(pl.col("starts_at", "ends_at").dt.replace_time_zone("Europe/Stockholm"))
    doc = load.draft(WEEK, figures=False, events=cal)
    assert doc["week_ahead"] == [
        "Julmarknad på torget vid Stora torget: lördag 5 december 2026 kl. 10.00–16.00, "
        "väntat 4\u00a0000 besökare."
    ]
    html = render.html(doc)
    assert "Evenemang veckan som kommer" in html and "Julmarknad på torget" in html
    assert "Konsert i parken" not in html
