"""mail.send mot en lokal aiosmtpd-server i testprocessen (aldrig nätet)."""

from __future__ import annotations

import email
import email.policy

import pytest

from ostan_dash import mail
from tests.mailsink import free_port, local_smtp


@pytest.fixture
def smtp():
    with local_smtp("lagesbild@example.se") as server:
        yield server


def test_send_delivers_utf8_subject_and_pdf(smtp):
    sink, cfg = smtp
    pdf = b"%PDF-1.7\n\x00\xff binary data \n%%EOF"
    mail.send(
        ["a@example.se", "b@example.se"],
        "Veckolägesbild vecka 48 – Östersund",
        "Hej!\nHär är åäö.",
        [("lagesbild.pdf", pdf, "application/pdf")],
        settings=cfg,
    )
    assert len(sink.messages) == 1
    rcpts, raw = sink.messages[0]
    assert rcpts == ["a@example.se", "b@example.se"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Veckolägesbild vecka 48 – Östersund"
    assert "åäö" in msg.get_body(("plain",)).get_content()
    atts = list(msg.iter_attachments())
    assert [a.get_filename() for a in atts] == ["lagesbild.pdf"]
    assert atts[0].get_content_type() == "application/pdf"
    assert atts[0].get_content() == pdf


def test_closed_port_raises_swedish_mailerror(caplog):
    cfg = mail.MailSettings(
        host="127.0.0.1",
        port=free_port(),
        tls="none",
        user="",
        password="",
        sender="x@example.se",
        timeout=2.0,
    )
    with pytest.raises(mail.MailError, match="kunde inte skickas"):
        mail.send(["a@example.se"], "Ämne", "text", settings=cfg)
    assert any(r.name == "ostan_dash.mail" for r in caplog.records)


def test_settings_none_when_unconfigured(monkeypatch, tmp_path):
    for k in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"OSTAN_SMTP_{k}", raising=False)
    monkeypatch.setenv("OSTAN_SECRETS_FILE", str(tmp_path / "saknas.toml"))
    assert mail.settings() is None
    monkeypatch.setenv("OSTAN_SMTP_HOST", "smtp.example.se")
    monkeypatch.setenv("OSTAN_SMTP_SENDER", "a@example.se")
    monkeypatch.setenv("OSTAN_SMTP_TLS", "ssl")
    s = mail.settings()
    assert s is not None and s.port == 465 and s.tls == "ssl"


def test_send_each_gives_every_recipient_its_own_message_and_outcome():
    with local_smtp("lagesbild@example.se", refuse=("okand@example.se",)) as (sink, cfg):
        result = mail.send_each(
            ["a@example.se", "okand@example.se", "b@example.se"],
            "Årsanalys 2026",
            "Hej!",
            [("arsanalys-2026-v1.pdf", b"%PDF-1.7\n%%EOF", "application/pdf")],
            settings=cfg,
        )
    assert result["a@example.se"] is None and result["b@example.se"] is None
    assert "550" in result["okand@example.se"] and "finns inte" in result["okand@example.se"]
    # One message each, addressed to that recipient only: nobody sees the others.
    assert [r for r, _ in sink.messages] == [["a@example.se"], ["b@example.se"]]
    for rcpts, raw in sink.messages:
        assert email.message_from_bytes(raw, policy=email.policy.default)["To"] == rcpts[0]


def test_send_each_on_a_closed_port_gives_every_recipient_the_reason(caplog):
    cfg = mail.MailSettings("127.0.0.1", free_port(), "none", "", "", "x@example.se", 2.0)
    result = mail.send_each(["a@example.se", "b@example.se"], "Ämne", "text", settings=cfg)
    assert set(result) == {"a@example.se", "b@example.se"}
    assert all(r.startswith("Kunde inte skicka via 127.0.0.1:") for r in result.values())
    assert any(r.name == "ostan_dash.mail" and r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("typed", "addresses", "errors"),
    [
        ("anna@ostan.se", ["anna@ostan.se"], []),
        (
            " Anna.Berg@Ostan.SE ; polis@example.se,\n\n<x@y.com>",
            ["Anna.Berg@ostan.se", "polis@example.se", "x@y.com"],
            [],
        ),
        ("a@ostan.se\nA@OSTAN.SE", ["a@ostan.se"], []),
        (
            "a@ostan.se\nanna.ostan.se b@ostan\n@ostan.se",
            ["a@ostan.se"],
            [
                "”anna.ostan.se” på rad 2 är ingen giltig e-postadress.",
                "”b@ostan” på rad 2 är ingen giltig e-postadress.",
                "”@ostan.se” på rad 3 är ingen giltig e-postadress.",
            ],
        ),
        ("a..b@ostan.se", [], ["”a..b@ostan.se” på rad 1 är ingen giltig e-postadress."]),
        ("", [], []),
    ],
    ids=[
        "one",
        "separators-and-case",
        "duplicate-any-case",
        "bad-ones-named",
        "double-dot",
        "empty",
    ],
)
def test_parse_addresses(typed, addresses, errors):
    assert mail.parse_addresses(typed) == (addresses, errors)
