"""Sending a published lägesbild: every address on its kind's list receives one message with the
PDF exactly as stored (pypdf opens it, its bytes equal the stored ones), a refused address is
logged with the server's reason, every recipient has a log row under the sender's name; without
SMTP settings, without a list or as a reader nothing is sent and the reason is Swedish. The SMTP
server is aiosmtpd in the test process on loopback, never the network."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io

import pypdf
import pytest
import sqlalchemy as sa

from ostan_dash import mail, sending
from ostan_dash.config import TZ
from ostan_dash.reports import periods
from ostan_dash.store import analyses
from ostan_dash.store import mail as mail_store
from tests.mailsink import free_port, local_smtp

pytestmark = pytest.mark.db

REFUSED = "nej@example.se"


@pytest.fixture
def smtp():
    with local_smtp("lagesbild@ostan.se", refuse=(REFUSED,), timeout=5.0) as server:
        yield server


def pdf_bytes() -> bytes:
    """A real PDF with one page (the stored file the test compares against)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Kvartalsanalys kvartal 3 2026"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def user(db, name: str) -> int:
    return db.execute(sa.text("SELECT id FROM users WHERE username = :u"), {"u": name}).scalar_one()


QUARTER = periods.parse("kvartal", "2026-Q3")


@pytest.fixture
def published(db) -> tuple[int, bytes]:
    """Version 2 of a kvartalsanalys, published by the analyst in the test's transaction."""
    doc = {
        "kind": "kvartal",
        "title": QUARTER.title,
        "classification": "Får delas inom samverkan",
        "period": {
            "key": QUARTER.key,
            "label": QUARTER.label,
            "start": QUARTER.start.isoformat(),
            "end": QUARTER.end.isoformat(),
        },
    }
    pdf = pdf_bytes()
    analyst = user(db, "analytiker")
    analyses.publish(doc, user_id=analyst, role="analytiker", pdf=pdf, conn=db)
    vid, version = analyses.publish(doc, user_id=analyst, role="analytiker", pdf=pdf, conn=db)
    assert version == 2
    return vid, pdf


def test_the_list_receives_the_stored_pdf_and_every_recipient_is_logged(db, smtp, published):
    sink, cfg = smtp
    vid, pdf = published
    to = ["anna.berg@ostan.se", REFUSED, "polisen@example.se"]
    mail_store.set_recipients("kvartal", to, user_id=user(db, "admin"), role="admin", conn=db)
    mail_store.set_recipients(
        "vecka", ["bara.vecka@ostan.se"], user_id=user(db, "admin"), role="admin", conn=db
    )
    analyst = user(db, "analytiker")

    outcome = sending.send_version(vid, user_id=analyst, role="analytiker", settings=cfg, conn=db)

    assert outcome.sent == ["anna.berg@ostan.se", "polisen@example.se"]
    assert [(d.recipient, "550" in (d.error or "")) for d in outcome.failed] == [(REFUSED, True)]
    # One message per recipient: nobody sees the others' addresses; the week's list gets nothing.
    assert [rcpts for rcpts, _ in sink.messages] == [["anna.berg@ostan.se"], ["polisen@example.se"]]
    for rcpts, raw in sink.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["To"] == rcpts[0]
        assert msg["From"] == "lagesbild@ostan.se"
        assert msg["Subject"] == "Kvartalsanalys kvartal 3 2026 (version 2)"
        body = msg.get_body(("plain",)).get_content()
        assert "Får delas inom samverkan." in body.splitlines()
        assert "kvartalsanalysen för kvartal 3 2026, version 2" in body
        [att] = list(msg.iter_attachments())
        assert att.get_content_type() == "application/pdf"
        assert att.get_filename() == "kvartalsanalys-2026-Q3-v2.pdf"
        got = att.get_content()
        assert got == pdf
        assert len(pypdf.PdfReader(io.BytesIO(got)).pages) == 1

    logged = mail_store.send_log(vid, user_id=analyst, role="analytiker", conn=db)
    name = db.execute(
        sa.text("SELECT display_name FROM users WHERE id = :i"), {"i": analyst}
    ).scalar_one()
    rows = {r["recipient"]: r for r in logged.iter_rows(named=True)}
    assert set(rows) == set(to)
    assert {r["sent_by"] for r in rows.values()} == {name}
    assert sorted(a for a, r in rows.items() if r["ok"]) == sorted(outcome.sent)
    assert not rows[REFUSED]["ok"] and "Mottagaren finns inte" in rows[REFUSED]["error"]
    now = dt.datetime.now(TZ)
    assert all(abs(r["sent_at"] - now) < dt.timedelta(minutes=5) for r in rows.values())


def test_the_body_names_when_and_by_whom_it_was_published(db, published):
    vid, _ = published
    version = analyses.version(vid, conn=db)
    msg = sending.compose(version)
    when = version.published_at.astimezone(TZ)
    assert f"kl. {when:%H:%M} av {version.published_by}." in msg.body
    assert msg.attachment[1] == version.pdf


def test_a_closed_server_logs_every_recipient_as_failed(db, published):
    vid, _ = published
    mail_store.set_recipients(
        "kvartal", ["a@ostan.se", "b@ostan.se"], user_id=user(db, "admin"), role="admin", conn=db
    )
    cfg = mail.MailSettings("127.0.0.1", free_port(), "none", "", "", "x@ostan.se", timeout=2.0)
    outcome = sending.send_version(
        vid, user_id=user(db, "admin"), role="admin", settings=cfg, conn=db
    )
    assert outcome.sent == []
    logged = mail_store.send_log(vid, conn=db)
    assert sorted(logged["recipient"]) == ["a@ostan.se", "b@ostan.se"]
    assert not any(logged["ok"])
    assert all("Kunde inte skicka via 127.0.0.1" in e for e in logged["error"])


def test_without_smtp_settings_nothing_is_sent_and_the_message_says_what_to_set(
    db, published, monkeypatch, tmp_path
):
    for k in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"OSTAN_SMTP_{k}", raising=False)
    monkeypatch.setenv("OSTAN_SECRETS_FILE", str(tmp_path / "saknas.toml"))
    vid, _ = published
    with pytest.raises(sending.SendError, match="OSTAN_SMTP_HOST") as err:
        sending.send_version(vid, user_id=user(db, "analytiker"), role="analytiker", conn=db)
    assert "[smtp]" in str(err.value) and "secrets.toml" in str(err.value)
    assert mail_store.send_log(vid, conn=db).is_empty()


def test_an_empty_list_is_named(db, smtp, published):
    sink, cfg = smtp
    vid, _ = published
    with pytest.raises(sending.SendError, match="Sändlistan för kvartalsanalyser är tom"):
        sending.send_version(
            vid, user_id=user(db, "analytiker"), role="analytiker", settings=cfg, conn=db
        )
    assert sink.messages == []


def test_a_reader_cannot_send(db, smtp, published):
    sink, cfg = smtp
    vid, _ = published
    mail_store.set_recipients(
        "kvartal", ["a@ostan.se"], user_id=user(db, "admin"), role="admin", conn=db
    )
    with pytest.raises(sending.SendError, match="behörighet"), db.begin_nested():
        sending.send_version(vid, user_id=user(db, "lasare"), role="lasare", settings=cfg, conn=db)
    assert sink.messages == []
