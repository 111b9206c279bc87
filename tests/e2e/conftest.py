"""A real Streamlit server on a free loopback port and Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(
    name: str = "streamlit",
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> Iterator[str]:
    """Start ``streamlit run app.py`` against the test database on ``port`` (a free loopback
    port by default), with ``extra_env`` and ``extra_args`` (e.g. a secrets file); yield its base
    URL once the health endpoint answers, stop it afterwards."""
    port = port or _free_port()
    # As `ostan-dash serve` does: the server connects with the app's own login (ostan_app).
    env = {**os.environ, "OSTAN_DEMO": "1", "OSTAN_DB_LOGIN": "app", **(extra_env or {})}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"{name}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("Streamlit startade inte")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """One server for the whole session; yields its base URL."""
    with serve() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


@pytest.fixture
def phone(browser):
    """A 390 × 844 phone (touch, 2× pixels), Swedish locale and Stockholm time."""
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


def login(page, url: str, username: str, password: str = "ostan-demo") -> None:
    """Log in through the form as a person would."""
    page.goto(url)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def logged_in(page, url: str, username: str) -> None:
    """Log in, see the home page and wait until the login cookie is stored (a component writes it
    after the first page has drawn), so that a new address or a reload keeps the login."""
    from ostan_dash.ui.navigation import pages_for

    login(page, url, username)
    # Demo usernames are role names; each role lands on its home page.
    page.get_by_role("heading", name=pages_for(username)[0].title).first.wait_for()
    for _ in range(300):
        if any(c["name"] == "ostan_dash_auth" for c in page.context.cookies()):
            return
        page.wait_for_timeout(200)
    raise AssertionError("ingen inloggningscookie efter inloggning")


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def settled(page) -> None:
    """Wait until the page's script run has finished (Streamlit marks the app container
    ``data-test-script-state="notRunning"``), so that a click is not undone by a rerun that was
    still drawing the page. A rerun that the last action asked for may not have started yet
    (an upload is sent first, then the rerun): wait briefly for it to start before waiting for it
    to end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator("[data-testid=stApp]:not([data-test-script-state=notRunning])").wait_for(
            timeout=700
        )
    except PlaywrightTimeout:
        pass  # no rerun was coming, or it already finished
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()


def delete_reports_since(user_id: int, started) -> None:
    """Remove the reports ``user_id`` filed from ``started`` on, and their audit rows (what an
    e2e test filed through the page, committed by the server)."""
    import sqlalchemy as sa

    from ostan_dash import store

    with store.begin() as c:
        ids = (
            c.execute(
                sa.text("SELECT id FROM incidents WHERE reported_by = :u AND created_at >= :t"),
                {"u": user_id, "t": started},
            )
            .scalars()
            .all()
        )
        for i in ids:
            c.execute(
                sa.text("DELETE FROM audit_log WHERE entity = 'incidents' AND entity_id = :i"),
                {"i": str(i)},
            )
            c.execute(sa.text("DELETE FROM incidents WHERE id = :i"), {"i": i})
