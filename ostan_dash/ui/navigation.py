"""Which pages exist and which roles may open them: the router's table (used by app.py and tests)."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = ("admin", "analytiker", "rapportor", "lasare")
EDITORS = ("admin", "analytiker")


@dataclass(frozen=True)
class PageSpec:
    """A page script under ``content/``, its title in the navigation and the roles that see it."""

    path: str
    title: str
    icon: str
    roles: tuple[str, ...]
    url_path: str
    write_roles: tuple[str, ...] = ()


PAGES: tuple[PageSpec, ...] = (
    PageSpec("content/oversikt.py", "Översikt", ":material/dashboard:", ALL_ROLES, "oversikt"),
    # Every role: reporters get feedback on where and when their reports concentrate; the page
    # shows places and events only, no personal data.
    PageSpec("content/karta.py", "Karta och tider", ":material/map:", ALL_ROLES, "karta"),
    # Everyone who sees Karta: the risk zones are places and times, no personal data.
    PageSpec(
        "content/narupprepning.py",
        "Närupprepning",
        ":material/radar:",
        ALL_ROLES,
        "narupprepning",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/rapportera.py",
        "Rapportera",
        ":material/add_location_alt:",
        ("admin", "analytiker", "rapportor"),
        "rapportera",
        write_roles=("admin", "analytiker", "rapportor"),
    ),
    PageSpec(
        "content/importera.py", "Import", ":material/upload_file:", EDITORS, "import", EDITORS
    ),
    PageSpec(
        "content/problembilder.py",
        "Problembilder",
        ":material/priority_high:",
        ("admin", "analytiker", "lasare"),
        "problembilder",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/insatser.py",
        "Insatser",
        ":material/task_alt:",
        ("admin", "analytiker", "lasare"),
        "insatser",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/omraden.py",
        "Områden",
        ":material/location_city:",
        ("admin", "analytiker", "lasare"),
        "omraden",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/lagesbilder.py",
        "Lägesbilder",
        ":material/article:",
        ("admin", "analytiker", "lasare"),
        "lagesbilder",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/trygghet.py",
        "Trygghetsundersökning",
        ":material/sentiment_satisfied:",
        ("admin", "analytiker", "lasare"),
        "trygghet",
    ),
    # Analysts choose what the public page shows (issue 11).
    PageSpec(
        "content/offentlig_val.py",
        "Publicera",
        ":material/public:",
        EDITORS,
        "publicera",
        write_roles=EDITORS,
    ),
    PageSpec(
        "content/admin.py",
        "Administration",
        ":material/admin_panel_settings:",
        ("admin",),
        "admin",
        write_roles=("admin",),
    ),
)


# The public page for citizens: no login and no role (app.py runs it before the login gate);
# logged in, every role sees it last in the navigation. Not in PAGES: nothing there opens
# without login.
PUBLIC = PageSpec(
    "content/offentlig.py", "Offentlig sida", ":material/groups:", ALL_ROLES, "offentlig"
)


# The page a role opens first, where it is not Översikt: a reporter comes to report.
HOME = {"rapportor": "rapportera"}


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in navigation order; the first is the role's home page."""
    allowed = [p for p in PAGES if role in p.roles]
    home = HOME.get(role)
    return sorted(allowed, key=lambda p: p.url_path != home) if home else allowed


def spec(url_path: str) -> PageSpec:
    """The page with this URL path (``KeyError`` for an unknown one)."""
    return next(p for p in PAGES if p.url_path == url_path)


def may_open(role: str | None, url_path: str) -> bool:
    """Whether ``role`` may open the page at ``url_path``."""
    return role is not None and role in spec(url_path).roles


def may_write(role: str | None, url_path: str) -> bool:
    """Whether ``role`` may change what the page at ``url_path`` shows."""
    return role is not None and role in spec(url_path).write_roles
