"""Which pages exist and which roles may open them: the router's table (used by app.py and tests)."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = ("admin", "analytiker", "rapportor", "lasare")


@dataclass(frozen=True)
class PageSpec:
    """A page script under ``pages/``, its title in the navigation and the roles that see it."""

    path: str
    title: str
    icon: str
    roles: tuple[str, ...]
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/oversikt.py", "Översikt", ":material/dashboard:", ALL_ROLES, "oversikt"),
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in navigation order."""
    return [p for p in PAGES if role in p.roles]
