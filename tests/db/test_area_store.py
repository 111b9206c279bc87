"""The area store against the real PostGIS test database, checked with independent SQL; every
write inside the rolled-back ``db`` transaction."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.store import areas as store

pytestmark = pytest.mark.db


def one(db, sql: str, **params):
    return db.execute(sa.text(sql), params).scalar_one()


def test_indicators_are_every_row_as_numbers(db):
    ind = store.indicators(conn=db)
    assert ind.height == one(db, "SELECT count(*) FROM area_indicators")
    assert ind.schema["pct_unsafe"] == pl.Float64
    area_id, year = ind["area_id"][0], ind["year"][0]
    want = one(
        db,
        "SELECT pct_not_working::float8 FROM area_indicators WHERE area_id = :a AND year = :y",
        a=area_id,
        y=year,
    )
    assert ind.filter((pl.col("area_id") == area_id) & (pl.col("year") == year))["pct_not_working"][
        0
    ] == pytest.approx(want)


def test_incident_counts_add_up_to_the_tables(db):
    counts = store.incident_counts(conn=db)
    est = counts.filter(pl.col("source") == "est")["n"].sum()
    pol = counts.filter(pl.col("source") == "polis")["n"].sum()
    assert est == one(db, "SELECT count(*) FROM incidents WHERE area_id IS NOT NULL")
    assert pol == one(db, "SELECT count(*) FROM police_crimes WHERE area_id IS NOT NULL")
    # A calendar year is a Swedish calendar year
    area_id = counts["area_id"][0]
    year = int(counts["year"].max())
    n = one(
        db,
        "SELECT count(*) FROM incidents WHERE area_id = :a AND occurred_from >= "
        "make_timestamptz(:y, 1, 1, 0, 0, 0, 'Europe/Stockholm') AND occurred_from < "
        "make_timestamptz(:y + 1, 1, 1, 0, 0, 0, 'Europe/Stockholm')",
        a=area_id,
        y=year,
    )
    got = counts.filter(
        (pl.col("area_id") == area_id) & (pl.col("year") == year) & (pl.col("source") == "est")
    )["n"].sum()
    assert got == n


def test_recent_counts_compare_the_same_season_a_year_earlier(db):
    last = one(db, "SELECT max(occurred_from)::date FROM incidents")
    today = last + dt.timedelta(days=1)
    rec = store.recent_incident_counts(today, conn=db)
    area_id = int(rec.sort("recent", descending=True)["area_id"][0])
    sql = (
        "SELECT (SELECT count(*) FROM incidents WHERE area_id = :a AND occurred_from >= "
        "CAST(:s AS date)::timestamp AT TIME ZONE 'Europe/Stockholm' AND occurred_from < "
        "CAST(:e AS date)::timestamp AT TIME ZONE 'Europe/Stockholm') + "
        "(SELECT count(*) FROM police_crimes WHERE area_id = :a AND occurred_from >= "
        "CAST(:s AS date)::timestamp AT TIME ZONE 'Europe/Stockholm' AND occurred_from < "
        "CAST(:e AS date)::timestamp AT TIME ZONE 'Europe/Stockholm')"
    )
    row = rec.filter(pl.col("area_id") == area_id).row(0, named=True)
    start = today - dt.timedelta(days=91)
    assert row["recent"] == one(db, sql, a=area_id, s=start, e=today)
    a_year = today.replace(year=today.year - 1)
    assert row["earlier"] == one(db, sql, a=area_id, s=a_year - dt.timedelta(days=91), e=a_year)
    assert row["recent"] > 0


def test_survey_responses_by_year(db):
    year = one(db, "SELECT max(year) FROM survey_responses")
    got = store.survey_responses(years=[year], conn=db)
    assert got.height == one(db, "SELECT count(*) FROM survey_responses WHERE year = :y", y=year)
    assert got["year"].unique().to_list() == [year]
    assert store.survey_responses(conn=db).height == one(
        db, "SELECT count(*) FROM survey_responses"
    )


def user_id(db, username: str) -> int:
    return one(db, "SELECT id FROM users WHERE username = :u", u=username)


def test_thresholds_are_saved_with_an_audit_row(db):
    value = {"worsening_pp": 1.5, "indicators": {"pct_unsafe": {"mode": "absolute", "value": 30}}}
    store.save_setting(
        "area_thresholds",
        value,
        user_id=user_id(db, "analytiker"),
        username="analytiker",
        role="analytiker",
        conn=db,
    )
    assert store.get_setting("area_thresholds", conn=db) == value
    store.save_setting(
        "area_thresholds",
        {"worsening_pp": 3.0},
        user_id=user_id(db, "admin"),
        username="admin",
        role="admin",
        conn=db,
    )
    assert store.get_setting("area_thresholds", conn=db) == {"worsening_pp": 3.0}
    audit = db.execute(
        sa.text(
            "SELECT username, details->'value' FROM audit_log "
            "WHERE action = 'setting' AND entity_id = 'area_thresholds' ORDER BY id"
        )
    ).all()
    assert [a[0] for a in audit[-2:]] == ["analytiker", "admin"]


def test_a_reader_cannot_change_thresholds(db):
    before = one(db, "SELECT count(*) FROM audit_log")
    with pytest.raises(store.NotAllowed):
        store.save_setting(
            "area_thresholds",
            {},
            user_id=user_id(db, "lasare"),
            username="lasare",
            role="lasare",
            conn=db,
        )
    assert one(db, "SELECT count(*) FROM audit_log") == before


def choices(db, rationale: str = "Hög otrygghet och ökande skadegörelse") -> list[dict]:
    ids = [r[0] for r in db.execute(sa.text("SELECT id FROM areas ORDER BY id LIMIT 3")).all()]
    return [
        {"area_id": a, "rank": i + 1, "score": 5.0 - i, "rationale": f"{rationale} {i}"}
        for i, a in enumerate(ids)
    ]


def test_focus_areas_are_recorded_replaced_and_audited(db):
    quarter = dt.date(2099, 1, 1)
    uid = user_id(db, "analytiker")
    store.save_focus_areas(
        quarter, choices(db), user_id=uid, username="analytiker", role="analytiker", conn=db
    )
    got = store.focus_areas(conn=db).filter(pl.col("quarter_start") == quarter)
    assert got["rank"].to_list() == [1, 2, 3]
    assert got["chosen_by"].n_unique() == 1 and got["chosen_by"][0] is not None
    # A new choice for the same quarter replaces the old one.
    again = choices(db, "Nytt beslut")
    again[0]["rank"], again[2]["rank"] = 3, 1
    store.save_focus_areas(
        quarter, again, user_id=uid, username="analytiker", role="analytiker", conn=db
    )
    got = store.focus_areas(conn=db).filter(pl.col("quarter_start") == quarter)
    assert got.height == 3
    assert got["rationale"][0].startswith("Nytt beslut")
    assert got["area_id"][0] == again[2]["area_id"]
    n_audit = one(
        db,
        "SELECT count(*) FROM audit_log WHERE action = 'focus_areas' AND entity_id = :q",
        q=quarter.isoformat(),
    )
    assert n_audit == 2
    # Earlier quarters stay visible, newest first.
    all_q = store.focus_areas(conn=db)["quarter_start"].to_list()
    assert all_q[0] == quarter and all_q == sorted(all_q, reverse=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda c: c[:2], "exakt tre", id="two-areas"),
        pytest.param(lambda c: [c[0], c[0] | {"rank": 2}, c[2]], "olika", id="same-area-twice"),
        pytest.param(lambda c: [c[0], c[1], c[2] | {"rationale": "  "}], "motivering", id="empty"),
        pytest.param(lambda c: [c[0], c[1], c[2] | {"rank": 2}], "1, 2 och 3", id="bad-rank"),
    ],
)
def test_focus_area_choices_are_validated(db, change, message):
    with pytest.raises(ValueError, match=message):
        store.save_focus_areas(
            dt.date(2099, 1, 1),
            change(choices(db)),
            user_id=user_id(db, "analytiker"),
            username="analytiker",
            role="analytiker",
            conn=db,
        )


def test_a_reader_cannot_record_focus_areas(db):
    with pytest.raises(store.NotAllowed):
        store.save_focus_areas(
            dt.date(2099, 1, 1), choices(db), user_id=1, username="lasare", role="lasare"
        )
    with pytest.raises(ValueError, match="Kvartalet"):
        store.save_focus_areas(
            dt.date(2099, 2, 1),
            choices(db),
            user_id=user_id(db, "admin"),
            username="admin",
            role="admin",
            conn=db,
        )


def test_the_database_refuses_a_reader_even_if_the_app_check_is_bypassed(db, monkeypatch):
    """Least privilege in the database itself: the reader's role has no INSERT on focus_areas."""
    monkeypatch.setattr(store, "_check_role", lambda role: None)
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        store.save_focus_areas(
            dt.date(2099, 1, 1),
            choices(db),
            user_id=user_id(db, "lasare"),
            username="lasare",
            role="lasare",
            conn=db,
        )


def test_counts_equal_an_independent_polars_computation(db):
    """The SQL aggregation against the same counts grouped by Polars from the raw rows
    (the benchmark's in-memory floor), Swedish calendar years included."""
    from ostan_dash.bench.areas import counts_in_memory, recent_in_memory
    from ostan_dash.store import queries

    incidents = queries.incidents()
    keys = ["area_id", "year", "source", "category"]
    sql = store.incident_counts(conn=db).sort(keys)
    mem = counts_in_memory(incidents).select(sql.columns).sort(keys)
    assert sql.equals(mem)
    today = dt.date.fromisoformat(
        str(one(db, "SELECT max(occurred_from)::date + 1 FROM incidents"))
    )
    rec = store.recent_incident_counts(today, conn=db).select("area_id", "recent", "earlier")
    assert rec.sort("area_id").equals(recent_in_memory(incidents, today).sort("area_id"))


# The sample behind "andel otrygga" (issue 9, part 4) ----------------------------------------------


def test_the_demos_unsafety_indicator_is_its_own_survey_with_n_and_n_eff(db):
    """The demo loader's fill: pct_unsafe, n and n_eff equal an independent Polars computation
    from the survey answers; running it again changes nothing; a municipality's own imported row
    is never touched."""
    area_id, year = db.execute(
        sa.text("SELECT area_id, year FROM area_indicators ORDER BY area_id, year LIMIT 1")
    ).one()
    db.execute(
        sa.text(
            "UPDATE area_indicators SET pct_unsafe = 1, n = NULL, n_eff = NULL "
            "WHERE area_id = :a AND year = :y"
        ),
        {"a": area_id, "y": year},
    )
    # An imported (non-demo) row of the same kind keeps its figures.
    other_id, other_year = db.execute(
        sa.text("SELECT area_id, year FROM area_indicators ORDER BY area_id, year OFFSET 1 LIMIT 1")
    ).one()
    imp = db.execute(
        sa.text(
            "INSERT INTO imports (kind, file_name, sha256, rows_read, rows_written) "
            "VALUES ('indikatorer', 'egen.csv', repeat('a', 64), 1, 1) RETURNING id"
        )
    ).scalar_one()
    db.execute(
        sa.text(
            "UPDATE area_indicators SET pct_unsafe = 7, n = NULL, n_eff = NULL, import_id = :i "
            "WHERE area_id = :a AND year = :y"
        ),
        {"i": imp, "a": other_id, "y": other_year},
    )
    assert store.indicator_sampling_from_survey(conn=db) == 1
    assert store.indicator_sampling_from_survey(conn=db) == 0
    answers = store.survey_responses(conn=db).filter(
        (pl.col("area_id") == area_id)
        & (pl.col("year") == year)
        & pl.col("unsafe_evening").is_not_null()
    )
    w = answers["weight"]
    row = store.indicators(conn=db).filter(
        (pl.col("area_id") == area_id) & (pl.col("year") == year)
    )
    assert row["n"][0] == answers.height
    assert row["n_eff"][0] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    unsafe = (w * answers["unsafe_evening"].cast(pl.Float64)).sum() / w.sum() * 100
    assert row["pct_unsafe"][0] == pytest.approx(round(unsafe, 2), abs=1e-9)
    kept = one(
        db,
        "SELECT pct_unsafe::float8 FROM area_indicators WHERE area_id = :a AND year = :y",
        a=other_id,
        y=other_year,
    )
    assert kept == 7.0


def test_every_demo_indicator_row_carries_its_sample(db):
    ind = store.indicators(conn=db)
    assert ind.schema["n"] == pl.Int64 and ind.schema["n_eff"] == pl.Float64
    assert ind["n"].null_count() == 0
    assert ((ind["n_eff"] > 0) & (ind["n_eff"] <= ind["n"])).all()


def test_an_indicator_file_with_sample_sizes_is_imported_with_them(db):
    from ostan_dash.ingest import pipeline

    code = one(db, "SELECT code FROM areas ORDER BY id LIMIT 1")
    text = (
        "Områdeskod;År;Folkmängd;Folkmängd 0–17 år;Andel otrygga (%);Antal svar;"
        f"Effektivt antal svar\n{code};2099;4 210;612;24,5;312;241,7\n"
    )
    out = pipeline.run_import("indikatorer", text.encode(), "f.csv", conn=db, username="test")
    assert out.ok, out.problems
    got = db.execute(
        sa.text(
            "SELECT i.pct_unsafe::float8, i.n, i.n_eff FROM area_indicators i "
            "JOIN areas a ON a.id = i.area_id WHERE a.code = :c AND i.year = 2099"
        ),
        {"c": code},
    ).one()
    assert tuple(got) == (24.5, 312, 241.7)
    # The same file with a corrected effective size updates the row.
    again = pipeline.run_import(
        "indikatorer", text.replace("241,7", "250").encode(), "g.csv", conn=db, username="test"
    )
    assert again.ok, again.problems
    assert one(
        db,
        "SELECT i.n_eff FROM area_indicators i JOIN areas a ON a.id = i.area_id "
        "WHERE a.code = :c AND i.year = 2099",
        c=code,
    ) == pytest.approx(250.0)
