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
import re
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


def _connect(cfg: MailSettings) -> smtplib.SMTP:
    """An open, greeted (and with ``starttls`` encrypted, with ``user`` logged-in) client."""
    if cfg.tls == "ssl":
        ctx = ssl.create_default_context()
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            cfg.host, cfg.port, timeout=cfg.timeout, context=ctx
        )
    else:
        client = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
    try:
        if cfg.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if cfg.user:
            client.login(cfg.user, cfg.password)
    except BaseException:
        client.close()
        raise
    return client


def _configured(cfg: MailSettings | None) -> MailSettings:
    cfg = cfg if cfg is not None else settings()
    if cfg is None:
        raise MailError("E-post är inte konfigurerad (SMTP-server och avsändare saknas).")
    return cfg


def send(
    to: list[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    *,
    settings: MailSettings | None = None,
) -> None:
    """Skicka ett e-postmeddelande; höjer :class:`MailError` vid fel."""
    cfg = _configured(settings)
    if not to:
        raise MailError("Inga mottagare angivna.")
    msg = build_message(cfg.sender, to, subject, body, attachments)
    try:
        with _connect(cfg) as client:
            client.send_message(msg, from_addr=cfg.sender, to_addrs=to)
    except (OSError, smtplib.SMTPException) as exc:
        log.exception("E-post till %s kunde inte skickas via %s:%s", to, cfg.host, cfg.port)
        raise MailError(f"E-post kunde inte skickas via {cfg.host}:{cfg.port}: {exc}") from exc


def _reply(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return " ".join(str(p) for p in (code, text) if p not in (None, "")).strip()


def send_each(
    to: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    *,
    settings: MailSettings | None = None,
) -> dict[str, str | None]:
    """Skicka ett eget meddelande till varje mottagare över en och samma anslutning.

    Ingen mottagare ser de andras adresser, och varje adress får sitt eget utfall: ``None``
    när servern tog emot meddelandet, annars orsaken på svenska. Fel på anslutningen ger
    orsaken till varje adress som inte hunnit skickas. Höjer :class:`MailError` bara när
    e-post inte är konfigurerad.
    """
    cfg = _configured(settings)
    results: dict[str, str | None] = {}
    try:
        with _connect(cfg) as client:
            for addr in to:
                msg = build_message(cfg.sender, [addr], subject, body, attachments)
                try:
                    refused = client.send_message(msg, from_addr=cfg.sender, to_addrs=[addr])
                except smtplib.SMTPRecipientsRefused as exc:
                    code, text = exc.recipients.get(addr, (None, b""))
                    results[addr] = f"Servern tog inte emot adressen ({_reply(code, text)})."
                    log.warning("E-post till %s avvisades: %s", addr, exc.recipients)
                except smtplib.SMTPResponseException as exc:
                    # The server refused the sender or the message; smtplib has reset the
                    # session, so the next recipient is tried on the same connection.
                    results[addr] = (
                        f"Servern avvisade meddelandet ({_reply(exc.smtp_code, exc.smtp_error)})."
                    )
                    log.warning("E-post till %s avvisades: %s", addr, exc)
                else:
                    results[addr] = (
                        None
                        if addr not in refused
                        else f"Servern tog inte emot adressen ({_reply(*refused[addr])})."
                    )
    except (OSError, smtplib.SMTPException) as exc:
        log.exception("E-post kunde inte skickas via %s:%s", cfg.host, cfg.port)
        reason = f"Kunde inte skicka via {cfg.host}:{cfg.port}: {exc}"
        for addr in to:
            results.setdefault(addr, reason)
    return results


# An address a person types: a local part of the usual characters, a domain with a dot and a
# top-level domain of letters. Stricter than the database's CHECK (which only guards the shape).
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)
_SEPARATORS = re.compile(r"[\s,;]+")


def address(text: str) -> str | None:
    """``text`` as an e-mail address with its domain in lower case, or ``None`` when it is none.

    >>> address(" Anna.Berg@Ostan.SE ")
    'Anna.Berg@ostan.se'
    >>> address("anna.berg.ostan.se") is None
    True
    """
    text = text.strip().removeprefix("<").removesuffix(">")
    if len(text) > 254 or not _ADDRESS.match(text):
        return None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """The addresses in ``text`` (one or more per line, separated by space, comma or
    semicolon), each once regardless of case, in the order given; and one Swedish error per
    entry that is not an address, naming it and its line."""
    found: list[str] = []
    seen: set[str] = set()
    errors: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        for part in _SEPARATORS.split(line):
            if not part:
                continue
            addr = address(part)
            if addr is None:
                errors.append(f"”{part}” på rad {line_no} är ingen giltig e-postadress.")
            elif addr.lower() not in seen:
                seen.add(addr.lower())
                found.append(addr)
    return found, errors
