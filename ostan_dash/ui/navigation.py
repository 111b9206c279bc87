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
    # Every role: reporters get feedback on where and when their reports concentrate; the page
    # shows places and events only, no personal data.
    PageSpec("pages/karta.py", "Karta och tider", ":material/map:", ALL_ROLES, "karta"),
    PageSpec(
        "pages/rapportera.py",
        "Rapportera",
        ":material/add_location_alt:",
        ("admin", "analytiker", "rapportor"),
        "rapportera",
    ),
    PageSpec(
        "pages/importera.py", "Import", ":material/upload_file:", ("admin", "analytiker"), "import"
    ),
    PageSpec(
        "pages/problembilder.py",
        "Problembilder",
        ":material/priority_high:",
        ("admin", "analytiker", "lasare"),
        "problembilder",
    ),
    PageSpec(
        "pages/insatser.py",
        "Insatser",
        ":material/task_alt:",
        ("admin", "analytiker", "lasare"),
        "insatser",
    ),
    PageSpec(
        "pages/omraden.py",
        "Områden",
        ":material/location_city:",
        ("admin", "analytiker", "lasare"),
        "omraden",
    ),
    PageSpec(
        "pages/trygghet.py",
        "Trygghetsundersökning",
        ":material/sentiment_satisfied:",
        ("admin", "analytiker", "lasare"),
        "trygghet",
    ),
)


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in navigation order."""
    return [p for p in PAGES if role in p.roles]
