"""The production profile (deploy/nginx/ostan-dash.conf) on loopback: TLS, the security headers on
every answer, the websocket passed through, and a page that works under its Content-Security-
Policy with no violation and no request past the proxy."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ROOT, logged_in, shot

pytestmark = pytest.mark.e2e

HEADERS = {
    "content-security-policy": "frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory) -> str:
    """nginx with the deploy profile in front of the test server; yields its https URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx saknas: make install installerar det"
    tmp = tmp_path_factory.mktemp("nginx")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    site = (ROOT / "deploy" / "nginx" / "ostan-dash.conf").read_text()
    for name, value in {
        "LISTEN": f"127.0.0.1:{port}",
        "SERVER_NAME": "127.0.0.1",
        "CERT": str(cert),
        "KEY": str(key),
        "UPSTREAM": urlparse(server).netloc,
    }.items():
        site = site.replace("{{" + name + "}}", value)
    (tmp / "site.conf").write_text(site)
    temps = "\n".join(
        f"    {t}_temp_path {tmp / t};"
        for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp / "nginx.conf").write_text(
        f"daemon off;\nuser root;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temps}\n    include {tmp / 'site.conf'};\n}}\n"
    )
    proc = subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
    url = f"https://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _insecure() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test's own throwaway certificate
    return ctx


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/karta?omrade=F01"])
def test_every_answer_carries_the_security_headers(proxy, path):
    with urllib.request.urlopen(proxy + path, context=_insecure(), timeout=10) as r:
        assert r.status == 200
        headers = {k.lower(): v for k, v in r.headers.items()}
    for name, part in HEADERS.items():
        assert part in headers.get(name, ""), (name, headers.get(name))
    assert "nginx/" not in headers.get("server", "")


def test_the_app_works_through_the_proxy_under_its_policy(proxy, browser):
    ctx = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    violations: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).netloc != urlparse(proxy).netloc
            else None
        ),
    )
    logged_in(page, proxy, "analytiker")  # the login needs the websocket and a component frame
    page.goto(f"{proxy}/karta")
    try:
        page.get_by_test_id("stDeckGlJsonChart").first.wait_for()
    except PlaywrightTimeout as exc:  # say what the page showed instead
        shot(page, "proxy-karta")
        shown = page.locator("[data-testid=stApp]").inner_text()[:1500]
        raise AssertionError(f"{page.url}\n{shown}\n{violations}") from exc
    page.goto(f"{proxy}/oversikt")
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    page.wait_for_timeout(1_500)
    ctx.close()
    assert violations == []
    assert outside == []
