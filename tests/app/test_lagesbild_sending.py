"""Lägesbilder, sending (issue 11): an admin keeps the distribution lists (a bad address is
refused by name and nothing is saved); an analyst opens a published version in the archive,
sees who is on its list, sends it and sees the log – the in-process SMTP server (aiosmtpd on
loopback, set through OSTAN_SMTP_*) receives the stored PDF; without SMTP settings the page
says what to configure; a reader neither sends nor sees the lists."""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator

import pypdf
import pytest
import sqlalchemy as sa
import streamlit as st

from ostan_dash import config, store
from ostan_dash.reports import load, periods, render
from ostan_dash.store import analyses
from tests.mailsink import local_smtp

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/lagesbilder.py"


@pytest.fixture
def smtp(monkeypatch):
    """aiosmtpd in this process; the page finds it through OSTAN_SMTP_* (no secrets file)."""
    with local_smtp("lagesbild@ostan.se") as (sink, settings):
        monkeypatch.setenv("OSTAN_SMTP_HOST", settings.host)
        monkeypatch.setenv("OSTAN_SMTP_PORT", str(settings.port))
        monkeypatch.setenv("OSTAN_SMTP_TLS", "none")
        monkeypatch.setenv("OSTAN_SMTP_SENDER", settings.sender)
        monkeypatch.setenv("OSTAN_SECRETS_FILE", "/nonexistent/secrets.toml")
        yield sink


@pytest.fixture
def no_smtp(monkeypatch):
    for k in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"OSTAN_SMTP_{k}", raising=False)
    monkeypatch.setenv("OSTAN_SECRETS_FILE", "/nonexistent/secrets.toml")


@pytest.fixture(scope="module")
def published() -> Iterator[int]:
    """Last week's veckolägesbild, published (committed) by the analyst as Publicera does;
    removed with its send log afterwards."""
    week = periods.complete_weeks(config.today(), n=1)[0]
    doc = load.with_texts(load.draft(week), assessment="Lugn vecka.", recommendations="")
    analyst = store.scalar("SELECT id FROM users WHERE username = 'analytiker'")
    vid, _ = analyses.publish(doc, user_id=analyst, role="analytiker", pdf=render.pdf(doc))
    st.cache_data.clear()  # the archive list of an earlier test's run must not hide it
    yield vid
    with store.begin() as c:
        c.execute(sa.text("DELETE FROM mail_log WHERE version_id = :v"), {"v": vid})
        c.execute(sa.text("ALTER TABLE analysis_versions DISABLE TRIGGER analysis_versions_frozen"))
        c.execute(sa.text("DELETE FROM analysis_versions WHERE id = :v"), {"v": vid})
        c.execute(sa.text("ALTER TABLE analysis_versions ENABLE TRIGGER analysis_versions_frozen"))


@pytest.fixture
def lists():
    """The lists are committed by the page: empty before and after each test."""
    store.execute("DELETE FROM mail_recipients")
    yield
    store.execute("DELETE FROM mail_recipients")


def addresses(kind: str) -> list[str]:
    return store.read_frame(
        "SELECT address FROM mail_recipients WHERE kind = :k ORDER BY id", {"k": kind}
    )["address"].to_list()


def plain(markdown: str) -> str:
    """Markdown source of user text (safe_text escapes punctuation) as the reader sees it."""
    return markdown.replace("\\", "")


def test_admin_edits_the_lists_and_a_bad_address_is_named(as_role, lists):
    at = as_role("admin")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert "Sändlistor" in [t.label for t in at.tabs]
    at.text_area(key="lb_list_vecka").input("anna.berg@ostan.se\nanna.berg.ostan.se")
    at.text_area(key="lb_list_ar").input("kommunchef@ostan.se")
    at.button(key="lb_lists_save").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors == [
        "Veckolägesbilder: ”anna.berg.ostan.se” på rad 2 är ingen giltig e-postadress."
    ]
    assert addresses("vecka") == [] and addresses("ar") == []
    at.text_area(key="lb_list_vecka").input("anna.berg@ostan.se, polisen@example.se")
    at.button(key="lb_lists_save").click().run()
    assert not at.error
    assert any("Sändlistorna är sparade" in s.value for s in at.success)
    assert addresses("vecka") == ["anna.berg@ostan.se", "polisen@example.se"]
    assert addresses("ar") == ["kommunchef@ostan.se"]


def test_analyst_sends_a_published_version_to_its_list(as_role, smtp, lists, published):
    store.execute(
        "INSERT INTO mail_recipients (kind, address) VALUES ('vecka', 'anna.berg@ostan.se'), "
        "('vecka', 'polisen@example.se'), ('kvartal', 'bara.kvartal@ostan.se')"
    )
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert "Sändlistor" not in [t.label for t in at.tabs]
    assert at.selectbox(key="lb_archive_pick").value == published
    shown = [plain(m.value) for m in at.markdown]
    assert any(
        "Sändlistan för veckolägesbilder (2): anna.berg@ostan.se, polisen@example.se" in m
        for m in shown
    ), shown
    assert any(c.value == "Versionen har inte skickats än." for c in at.caption)
    send = next(b for b in at.button if b.label == "Skicka till sändlistan")
    assert not send.disabled
    send.click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Skickat till 2 av 2 mottagare."]

    stored = analyses.version(published).pdf
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == [
        "anna.berg@ostan.se",
        "polisen@example.se",
    ]
    for _, raw in smtp.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["Subject"].startswith("Veckolägesbild v.")
        assert "Får delas inom samverkan." in msg.get_body(("plain",)).get_content()
        [att] = list(msg.iter_attachments())
        assert att.get_content() == stored
        assert len(pypdf.PdfReader(io.BytesIO(att.get_content())).pages) >= 1

    name = store.scalar("SELECT display_name FROM users WHERE username = 'analytiker'")
    log_md = "\n".join(plain(m.value) for m in at.markdown)
    for addr in ("anna.berg@ostan.se", "polisen@example.se"):
        assert f"Skickat till {addr} av {name} den " in log_md, log_md
    logged = store.read_frame(
        "SELECT recipient, ok, u.username FROM mail_log l JOIN users u ON u.id = l.sent_by "
        "WHERE version_id = :v ORDER BY recipient",
        {"v": published},
    )
    assert logged.rows() == [
        ("anna.berg@ostan.se", True, "analytiker"),
        ("polisen@example.se", True, "analytiker"),
    ]


def test_without_smtp_the_page_says_what_to_configure(as_role, no_smtp, lists, published):
    store.execute("INSERT INTO mail_recipients (kind, address) VALUES ('vecka', 'a@ostan.se')")
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    info = " ".join(i.value for i in at.info)
    assert "E-post är inte konfigurerad" in info
    assert "OSTAN_SMTP_HOST" in info and "[smtp]" in info and "secrets.toml" in info
    assert next(b for b in at.button if b.label == "Skicka till sändlistan").disabled


def test_a_reader_neither_sends_nor_sees_the_lists(as_role, lists, published):
    at = as_role("lasare")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["Senaste perioden", "Arkiv"]
    assert not [b for b in at.button if b.label == "Skicka till sändlistan"]
