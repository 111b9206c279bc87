"""An SMTP server inside the test process (aiosmtpd on loopback, never the network) that keeps
every message it is given, for the tests of sending and alerts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from ostan_dash import mail


class Sink:
    """Keeps every message as (recipients, raw bytes); refuses the addresses in ``refuse`` at
    RCPT with a 550, as a real server refuses an unknown mailbox."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's handler names)
        if address in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_smtp(
    sender: str, *, refuse: tuple[str, ...] = (), **settings
) -> Iterator[tuple[Sink, mail.MailSettings]]:
    """A running :class:`Sink` server and the :class:`mail.MailSettings` that reach it (plain
    SMTP, no login); ``settings`` override the defaults (e.g. ``timeout``)."""
    sink = Sink(refuse)
    ctl = Controller(sink, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        yield (
            sink,
            mail.MailSettings(
                host="127.0.0.1",
                port=ctl.port,
                tls="none",
                user="",
                password="",
                sender=sender,
                **settings,
            ),
        )
    finally:
        ctl.stop()
