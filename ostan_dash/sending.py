"""Utskick av en publicerad lägesbild till sändlistan för sin dokumenttyp (issue 11).

:func:`compose` builds the message from the frozen version alone (subject, a short Swedish body
with the classification line, the PDF exactly as stored, never rendered again);
:func:`send_version` sends it to every address on the list through :mod:`ostan_dash.mail`
(one message per recipient: nobody sees the others' addresses) and logs every recipient with
its outcome under the sending user's name. Whatever goes wrong reaches the caller as a
:class:`SendError` with a Swedish message to show; the details go to the server's log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ostan_dash import mail
from ostan_dash.config import TZ
from ostan_dash.reports import forms, periods
from ostan_dash.reports.weekly import CLASSIFICATION
from ostan_dash.store import mail as mail_store
from ostan_dash.store.analyses import Published, version
from ostan_dash.store.mail import Delivery
from ostan_dash.text import long_date

log = logging.getLogger(__name__)

# The document in the body's sentence and the list's name in messages.
DEFINITE = {"vecka": "veckolägesbilden", "kvartal": "kvartalsanalysen", "ar": "årsanalysen"}
PLURAL = {"vecka": "veckolägesbilder", "kvartal": "kvartalsanalyser", "ar": "årsanalyser"}

NOT_CONFIGURED = (
    "E-post är inte konfigurerad, så lägesbilder kan inte skickas härifrån. Systemförvaltaren "
    "anger SMTP-servern i miljövariablerna OSTAN_SMTP_HOST, OSTAN_SMTP_PORT, OSTAN_SMTP_TLS "
    "(none, starttls eller ssl), OSTAN_SMTP_USER, OSTAN_SMTP_PASSWORD och OSTAN_SMTP_SENDER "
    "(avsändaradressen), eller i avsnittet [smtp] i .streamlit/secrets.toml på servern "
    "(host, port, tls, user, password, sender). Värd och avsändare krävs."
)


class SendError(Exception):
    """The send did not happen (or was not logged); the message is Swedish and can be shown."""


@dataclass(frozen=True)
class Message:
    """One lägesbild as an e-mail: subject, body and the PDF (file name, bytes, MIME type)."""

    subject: str
    body: str
    attachment: tuple[str, bytes, str]


@dataclass(frozen=True)
class Outcome:
    """What a send did: one delivery per recipient, in the list's order."""

    deliveries: tuple[Delivery, ...]

    @property
    def sent(self) -> list[str]:
        return [d.recipient for d in self.deliveries if d.ok]

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.ok]


def compose(published: Published) -> Message:
    """The e-mail for a published version, from its frozen content and stored PDF only.

    The subject names the kind and the period (``Veckolägesbild v. 48 2026 (23–29 november)``,
    with the version when it is not the first); the body says what is attached, when and by
    whom it was published, and carries the document's classification line.
    """
    if published.pdf is None:
        raise SendError("Den här versionen har ingen sparad PDF och kan inte skickas.")
    doc = published.document
    kind = doc["kind"]
    period = doc["period"]
    which = f", version {published.version}" if published.version > 1 else ""
    subject = f"{periods.KINDS[kind]} {period['label']}"
    if published.version > 1:
        subject += f" (version {published.version})"
    when = published.published_at.astimezone(TZ)
    body = (
        "Hej!\n\n"
        f"Här kommer {DEFINITE[kind]} för {period['label']}{which}, publicerad "
        f"{long_date(when.date())} kl. {when:%H:%M} av {published.published_by}. "
        "Dokumentet är bifogat som PDF, precis som det publicerades.\n\n"
        f"{doc.get('classification') or CLASSIFICATION}.\n\n"
        "Med vänlig hälsning\n"
        "Östan-dash – lägesbilder för det brottsförebyggande arbetet i Östan kommun\n"
    )
    name = forms.file_name(kind, period["key"], f"v{published.version}.pdf")
    return Message(subject, body, (name, published.pdf, "application/pdf"))


def _denied(exc: DBAPIError) -> bool:
    return isinstance(getattr(exc, "orig", None), psycopg.errors.InsufficientPrivilege)


def send_version(
    version_id: int,
    *,
    user_id: int,
    role: str,
    settings: mail.MailSettings | None = None,
    conn: Connection | None = None,
) -> Outcome:
    """Send published version ``version_id`` to its kind's distribution list and log it.

    Runs as ``role`` acting for ``user_id``: the database lets analysts and admins read the list
    and write the log, and records the user as the sender. Every recipient gets a log row,
    ``ok`` or failed with the server's reason. ``settings`` defaults to
    :func:`ostan_dash.mail.settings`.

    Raises
    ------
    SendError
        Nothing was sent (e-mail not configured, no list, no PDF, no permission, an error) or
        the log could not be written; the message is Swedish.
    """
    try:
        return _send(version_id, user_id=user_id, role=role, settings=settings, conn=conn)
    except SendError:
        raise
    except DBAPIError as exc:
        if _denied(exc):
            raise SendError("Du har inte behörighet att skicka lägesbilder.") from exc
        log.exception("Utskick av version %s misslyckades", version_id)
        raise SendError(
            "Utskicket kunde inte göras: databasen svarade med ett fel. Felet är sparat i "
            "serverns logg."
        ) from exc
    except Exception as exc:
        log.exception("Utskick av version %s misslyckades", version_id)
        raise SendError(
            "Utskicket kunde inte göras på grund av ett oväntat fel. Felet är sparat i "
            "serverns logg."
        ) from exc


def _send(
    version_id: int,
    *,
    user_id: int,
    role: str,
    settings: mail.MailSettings | None,
    conn: Connection | None,
) -> Outcome:
    try:
        cfg = settings if settings is not None else mail.settings()
    except mail.MailError as exc:
        raise SendError(f"{exc} {NOT_CONFIGURED}") from exc
    if cfg is None:
        raise SendError(NOT_CONFIGURED)
    published = version(version_id, conn=conn)
    if published is None:
        raise SendError("Versionen finns inte.")
    kind = published.document["kind"]
    to = mail_store.recipients(kind, user_id=user_id, role=role, conn=conn)["address"].to_list()
    if not to:
        raise SendError(
            f"Sändlistan för {PLURAL[kind]} är tom. En administratör lägger till adresser under "
            "fliken Sändlistor på sidan Lägesbilder."
        )
    msg = compose(published)
    results = mail.send_each(to, msg.subject, msg.body, [msg.attachment], settings=cfg)
    outcome = Outcome(tuple(Delivery(a, results.get(a, "Inget svar från servern.")) for a in to))
    try:
        mail_store.log_deliveries(
            version_id, outcome.deliveries, user_id=user_id, role=role, conn=conn
        )
    except Exception as exc:
        log.exception("Utskicket av version %s kunde inte loggas", version_id)
        raise SendError(
            f"Lägesbilden skickades till {len(outcome.sent)} av {len(to)} mottagare, men "
            "loggen över utskicket kunde inte sparas. Felet är sparat i serverns logg; skicka "
            "inte igen utan att fråga systemförvaltaren."
        ) from exc
    log.info("Version %s skickad till %s av %s mottagare", version_id, len(outcome.sent), len(to))
    return outcome
