"""`ostan-dash alerts run` end to end: a subscribed condition (a category above its expected level,
a new report at a critical place, a new hot cell) sends one e-mail through an aiosmtpd server
inside the test process (never the network), and not again. Each test is rolled back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash import cli, config, filters, mail
from ostan_dash.analysis import alerts as aa
from ostan_dash.analysis import overview
from ostan_dash.cli_alerts import run
from ostan_dash.store import alerts as store_alerts
from ostan_dash.store import as_user
from tests.mailsink import free_port, local_smtp

pytestmark = pytest.mark.db

CATEGORY, SUBTYPE = "otrygg_plats", "belysning"


@pytest.fixture
def smtp():
    with local_smtp("bevakning@example.se") as server:
        yield server


def _user(db, username: str) -> int:
    return db.execute(
        sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
    ).scalar_one()


def _quiet_area(db, week: dt.date) -> tuple[int, str, str]:
    """An area whose CATEGORY is not flagged this week (Översikt's own table says so)."""
    incidents = store_alerts.incidents(conn=db)
    for area_id, code, name in db.execute(sa.text("SELECT id, code, name FROM areas ORDER BY id")):
        table = aa.oversikt_category_table(incidents, week_start=week, area_id=area_id)
        row = table.filter(pl.col("category").cast(pl.Utf8) == CATEGORY)
        if row.is_empty() or not row["unusual"].item():
            return area_id, code, name
    pytest.fail("no area without a flag for the category")


def _add_reports(db, area_id: int, week: dt.date, n: int) -> None:
    db.execute(
        sa.text(
            """
            INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                                   organisation_id)
            SELECT :c, :s, t, t + interval '1 hour', ST_PointOnSurface(a.geom), a.id,
                   (SELECT min(id) FROM organisations)
            FROM areas a,
                 generate_series(CAST(:t0 AS timestamp) AT TIME ZONE 'Europe/Stockholm',
                                 CAST(:t0 AS timestamp) AT TIME ZONE 'Europe/Stockholm'
                                     + interval '4 days', interval '4 days' / :n) AS t
            WHERE a.id = :a
            LIMIT :n
            """
        ),
        {
            "c": CATEGORY,
            "s": SUBTYPE,
            "a": area_id,
            "n": n,
            "t0": dt.datetime.combine(week, dt.time(18)),
        },
    )


def test_a_subscribed_condition_sends_exactly_one_mail_and_not_a_second_time(db, smtp):
    sink, cfg = smtp
    today = config.today()
    week = overview.last_complete_week(today)
    area_id, code, name = _quiet_area(db, week)
    sid = store_alerts.add(
        user_id=_user(db, "analytiker"),
        kind="kategori_hog",
        email="analytiker@example.se",
        area_id=area_id,
        category=CATEGORY,
        conn=db,
    )

    # The null check: the same subscription on a week with no unusual change sends nothing.
    quiet = run(today, settings=cfg, base="https://ostan.example.se", conn=db)
    assert [a for a in quiet.alerts if a.subscription_id == sid] == []
    assert sink.messages == []
    assert store_alerts.log(user_id=_user(db, "analytiker"), conn=db).is_empty()

    _add_reports(db, area_id, week, 30)
    first = run(today, settings=cfg, base="https://ostan.example.se", conn=db)
    mine = [a for a in first.sent if a.subscription_id == sid]
    assert len(mine) == 1 and not first.failed
    assert len(sink.messages) == len(first.sent)
    rcpts, raw = next(m for m in sink.messages if m[0] == ["analytiker@example.se"])
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"].startswith(f"Bevakning: Otrygg plats ovanligt högt i {name}, v.")
    body = msg.get_body(("plain",)).get_content()
    assert f"https://ostan.example.se/oversikt?omrade={code}" in body

    again = run(today, settings=cfg, base="https://ostan.example.se", conn=db)
    assert [a.subscription_id for a in again.already] == [a.subscription_id for a in first.sent]
    assert again.sent == [] and len(sink.messages) == len(first.sent)
    logged = store_alerts.log(conn=db).filter(pl.col("subscription_id") == sid)
    assert logged.select("status", "period_key", "attempts").rows() == [
        ("skickad", aa.week_key(week), 1)
    ]
    # The database itself refuses a second row for the same condition and period.
    with pytest.raises(DBAPIError, match="duplicate key"), db.begin_nested():
        db.execute(
            sa.text(
                "INSERT INTO alert_log (subscription_id, condition_key, period_key, subject, "
                "link, status) VALUES (:s, :c, :p, 'x', 'x', 'skickad')"
            ),
            {"s": sid, "c": mine[0].condition_key, "p": mine[0].period_key},
        )


def test_a_failed_send_is_logged_with_its_reason_and_tried_again(db, smtp):
    sink, cfg = smtp
    today = config.today()
    week = overview.last_complete_week(today)
    area_id, _, _ = _quiet_area(db, week)
    sid = store_alerts.add(
        user_id=_user(db, "lasare"),
        kind="kategori_hog",
        email="lasare@example.se",
        area_id=area_id,
        category=CATEGORY,
        conn=db,
    )
    _add_reports(db, area_id, week, 30)
    closed = mail.MailSettings(
        host="127.0.0.1",
        port=free_port(),
        tls="none",
        user="",
        password="",
        sender="x@example.se",
        timeout=2.0,
    )
    failed = run(today, settings=closed, conn=db)
    assert [a.subscription_id for a, _ in failed.failed] == [sid]
    row = store_alerts.log(conn=db).filter(pl.col("subscription_id") == sid).row(0, named=True)
    assert row["status"] == "misslyckad" and "kunde inte skickas" in row["error"]
    retry = run(today, settings=cfg, conn=db)
    assert [a.subscription_id for a in retry.sent] == [sid] and len(sink.messages) == 1
    row = store_alerts.log(conn=db).filter(pl.col("subscription_id") == sid).row(0, named=True)
    assert (row["status"], row["attempts"], row["error"]) == ("skickad", 2, None)


def test_a_user_sees_and_changes_only_their_own_subscriptions(db):
    mine, other = _user(db, "lasare"), _user(db, "analytiker")
    theirs = store_alerts.add(user_id=other, kind="narupprepning", email="a@example.se", conn=db)
    with as_user(mine, "lasare", conn=db):
        own = store_alerts.add(user_id=mine, kind="kategori_hog", email="l@example.se", conn=db)
        seen = store_alerts.subscriptions(conn=db)["subscription_id"].to_list()
        assert seen == [own]
        assert store_alerts.set_active(theirs, False, conn=db) == 0
        assert store_alerts.delete(theirs, conn=db) == 0
    with pytest.raises(DBAPIError, match="row-level security"), db.begin_nested():
        with as_user(mine, "lasare", conn=db):
            store_alerts.add(user_id=other, kind="kategori_hog", email="x@example.se", conn=db)
    assert store_alerts.subscriptions(user_id=other, conn=db)["active"].to_list() == [True]


def test_cli_without_mail_settings_says_so_in_swedish(monkeypatch, tmp_path, capsys):
    for k in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"OSTAN_SMTP_{k}", raising=False)
    monkeypatch.setenv("OSTAN_SECRETS_FILE", str(tmp_path / "saknas.toml"))
    monkeypatch.setenv("OSTAN_ALERTS_LOG", str(tmp_path / "alerts.log"))
    assert cli.main(["alerts", "run"]) == 2
    assert "e-post är inte konfigurerad" in capsys.readouterr().err
    assert cli.main(["alerts", "run", "--dry-run", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Bevakningar 2026-11-30: ") and "Traceback" not in out.err


# The other conditions ------------------------------------------------------------------------

INSERT_NEAR = sa.text(
    """
    INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                           organisation_id, created_at)
    SELECT 'skadegorelse', 'klotter', t, t + interval '1 hour', ST_Translate(p.geom, :dx, 0),
           p.area_id, (SELECT min(id) FROM organisations), :filed
    FROM places p, generate_series(1, :n) AS k,
         LATERAL (SELECT CAST(:t0 AS timestamptz) + k * interval '7 hours' AS t) AS w
    WHERE p.id = :p
    """
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=config.TZ)


def _quiet_critical_place(db, today: dt.date) -> int:
    """A critical place with no report filed near it today or yesterday."""
    return db.execute(
        sa.text(
            """
            SELECT p.id FROM places p
            WHERE p.critical AND p.area_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM incidents i
                WHERE ST_DWithin(i.geom, p.geom, 100) AND i.created_at >= :since)
            ORDER BY p.id LIMIT 1
            """
        ),
        {"since": _at(today - dt.timedelta(days=1), 0)},
    ).scalar_one()


def test_a_new_report_at_a_school_sends_one_mail_per_day(db, smtp):
    sink, cfg = smtp
    today = config.today()
    place = _quiet_critical_place(db, today)
    sid = store_alerts.add(
        user_id=_user(db, "rapportor"),
        kind="kritisk_plats",
        email="r@example.se",
        place_id=place,
        conn=db,
    )
    assert [a for a in run(today, settings=cfg, conn=db).alerts if a.subscription_id == sid] == []
    db.execute(
        INSERT_NEAR,
        {"p": place, "dx": 30, "n": 1, "t0": _at(today, 6), "filed": _at(today, 14)},
    )
    first = run(today, settings=cfg, conn=db)
    mine = [a for a in first.sent if a.subscription_id == sid]
    assert [(a.condition_key, a.period_key) for a in mine] == [
        (f"kritisk_plats:{place}", today.isoformat())
    ]
    assert sum(rcpt == ["r@example.se"] for rcpt, _ in sink.messages) == 1
    # A second report the same day: the condition has been sent for this period already.
    db.execute(
        INSERT_NEAR,
        {"p": place, "dx": 50, "n": 1, "t0": _at(today, 8), "filed": _at(today, 16)},
    )
    again = run(today, settings=cfg, conn=db)
    assert [a.subscription_id for a in again.sent] == []
    assert sum(rcpt == ["r@example.se"] for rcpt, _ in sink.messages) == 1


def test_a_new_hot_cell_in_my_area_sends_one_mail(db, smtp):
    sink, cfg = smtp
    today = config.today()
    place, area_id, code = db.execute(
        sa.text(
            "SELECT p.id, a.id, a.code FROM places p JOIN areas a ON a.id = p.area_id "
            "ORDER BY p.id LIMIT 1"
        )
    ).one()
    sid = store_alerts.add(
        user_id=_user(db, "analytiker"),
        kind="het_ruta",
        email="h@example.se",
        area_id=area_id,
        conn=db,
    )
    quiet = run(today, settings=cfg, conn=db, dry_run=True)
    assert [a for a in quiet.alerts if a.subscription_id == sid] == []  # the demo: none
    first_day, _ = filters.Filters().bounds(today)
    db.execute(
        INSERT_NEAR,
        {"p": place, "dx": 60, "n": 60, "t0": _at(first_day, 1), "filed": _at(first_day, 2)},
    )
    first = run(today, settings=cfg, conn=db)
    (alert,) = [a for a in first.sent if a.subscription_id == sid]
    assert alert.condition_key == f"het_ruta:{code}"
    assert alert.link.endswith(f"/karta?omrade={code}")
    assert "Ny het ruta" in alert.body or "Växande ruta" in alert.body
    assert sum(rcpt == ["h@example.se"] for rcpt, _ in sink.messages) == 1
    again = run(today, settings=cfg, conn=db)
    assert sid in [a.subscription_id for a in again.already]
    assert sum(rcpt == ["h@example.se"] for rcpt, _ in sink.messages) == 1


def test_a_condition_that_breaks_is_reported_and_the_others_still_run(db, smtp, monkeypatch):
    from ostan_dash import cli_alerts

    def broken(*args, **kwargs):
        db.execute(sa.text("SELECT 1 / 0"))

    monkeypatch.setattr(cli_alerts, "_zones", broken)
    sink, cfg = smtp
    today = config.today()
    place = _quiet_critical_place(db, today)
    uid = _user(db, "analytiker")
    store_alerts.add(user_id=uid, kind="narupprepning", email="n@example.se", conn=db)
    sid = store_alerts.add(
        user_id=uid, kind="kritisk_plats", email="k@example.se", place_id=place, conn=db
    )
    db.execute(
        INSERT_NEAR, {"p": place, "dx": 10, "n": 1, "t0": _at(today, 6), "filed": _at(today, 9)}
    )
    result = run(today, settings=cfg, conn=db)
    assert result.errors == ["En riskzon för närupprepning: kunde inte prövas (se serverloggen)"]
    assert sid in [a.subscription_id for a in result.sent]
    assert result.summary()[-1] == result.errors[0]


def test_cli_reads_the_smtp_settings_from_the_environment(monkeypatch, tmp_path, capsys, smtp):
    _, cfg = smtp
    monkeypatch.setenv("OSTAN_SECRETS_FILE", str(tmp_path / "saknas.toml"))
    monkeypatch.setenv("OSTAN_ALERTS_LOG", str(tmp_path / "alerts.log"))
    for key, value in {"HOST": cfg.host, "PORT": str(cfg.port), "TLS": "none"}.items():
        monkeypatch.setenv(f"OSTAN_SMTP_{key}", value)
    monkeypatch.setenv("OSTAN_SMTP_SENDER", cfg.sender)
    monkeypatch.delenv("OSTAN_SMTP_USER", raising=False)
    monkeypatch.delenv("OSTAN_SMTP_PASSWORD", raising=False)
    assert cli.main(["alerts", "run", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Bevakningar 2026-11-30: ") and out.err == ""
