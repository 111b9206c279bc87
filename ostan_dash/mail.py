"""E-post via SMTP (standardbibliotekets ``smtplib``) för utskick av lägesbilder.

Inställningar läses som övriga inställningar i :mod:`ostan_dash.config`: först
miljövariabler ``OSTAN_SMTP_HOST``, ``OSTAN_SMTP_PORT``, ``OSTAN_SMTP_TLS``
(``none``/``starttls``/``ssl``), ``OSTAN_SMTP_USER``, ``OSTAN_SMTP_PASSWORD``,
``OSTAN_SMTP_SENDER``; annars avsnittet ``[smtp]`` i Streamlit-filen
``.streamlit/secrets.toml`` (nycklar ``host``, ``port``, ``tls``, ``user``,
``password``, ``sender``).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from ostan_dash.config import PROJECT_DIR

log = logging.getLogger(__name__)

TlsMode = Literal["none", "starttls", "ssl"]
_TLS_MODES = ("none", "starttls", "ssl")


class MailError(RuntimeError):
    """E-post kunde inte skickas; meddelandet är på svenska och kan visas."""


@dataclass(frozen=True)
class MailSettings:
    """SMTP-inställningar."""

    host: str
    port: int
    tls: TlsMode
    user: str
    password: str
    sender: str
    timeout: float = 20.0


def _secrets_section() -> dict:
    path = _secrets_path()
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        log.exception("Kunde inte läsa %s", path)
        return {}
    section = data.get("smtp", {})
    return section if isinstance(section, dict) else {}


def _secrets_path() -> Path:
    """Sökväg till Streamlit-secrets (``OSTAN_SECRETS_FILE`` eller projektets)."""
    env = os.environ.get("OSTAN_SECRETS_FILE", "").strip()
    return Path(env) if env else PROJECT_DIR / ".streamlit" / "secrets.toml"


def settings() -> MailSettings | None:
    """SMTP-inställningar, eller ``None`` när e-post inte är konfigurerad."""
    sec = _secrets_section()

    def get(key: str, default: str = "") -> str:
        val = os.environ.get(f"OSTAN_SMTP_{key.upper()}", "").strip()
        if val:
            return val
        return str(sec.get(key, default)).strip()

    host = get("host")
    sender = get("sender")
    if not host or not sender:
        return None
    tls = get("tls", "starttls").lower()
    if tls not in _TLS_MODES:
        raise MailError(f"Okänt TLS-läge för e-post: {tls!r} (använd none, starttls eller ssl).")
    default_port = {"none": "25", "starttls": "587", "ssl": "465"}[tls]
    try:
        port = int(get("port", default_port))
    except ValueError as exc:
        raise MailError("SMTP-porten måste vara ett heltal.") from exc
    return MailSettings(
        host=host,
        port=port,
        tls=tls,  # type: ignore[arg-type]
        user=get("user"),
        password=get("password"),
        sender=sender,
    )


def build_message(
    sender: str,
    to: list[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    """Bygg ett UTF-8-meddelande med bilagor ``(filnamn, bytes, mime-typ)``."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body, charset="utf-8")
    for filename, data, mime in attachments:
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
        )
    return msg


def send(
    to: list[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    *,
    settings: MailSettings | None = None,
) -> None:
    """Skicka ett e-postmeddelande; höjer :class:`MailError` vid fel."""
    cfg = settings if settings is not None else globals()["settings"]()
    if cfg is None:
        raise MailError("E-post är inte konfigurerad (SMTP-server och avsändare saknas).")
    if not to:
        raise MailError("Inga mottagare angivna.")
    msg = build_message(cfg.sender, to, subject, body, attachments)
    try:
        if cfg.tls == "ssl":
            ctx = ssl.create_default_context()
            client = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=ctx)
        else:
            client = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        with client:
            if cfg.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if cfg.user:
                client.login(cfg.user, cfg.password)
            client.send_message(msg, from_addr=cfg.sender, to_addrs=to)
    except (OSError, smtplib.SMTPException) as exc:
        log.exception("E-post till %s kunde inte skickas via %s:%s", to, cfg.host, cfg.port)
        raise MailError(f"E-post kunde inte skickas via {cfg.host}:{cfg.port}: {exc}") from exc
