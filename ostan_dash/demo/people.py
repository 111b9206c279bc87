"""Organisations and users of the demo: who cooperates in Östan, who reports, who reads."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

DEMO_PASSWORD = "ostan-demo"


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    kind: str


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation("kommun", "Östan kommun", "kommun"),
    Organisation("polis", "Polisen, lokalpolisområde Östan", "polis"),
    Organisation("ostanhem", "Östanhem AB", "bostadsbolag"),
    Organisation("hemvist", "Hemvist Fastigheter AB", "bostadsbolag"),
    Organisation("rtj", "Räddningstjänsten Östan", "raddningstjanst"),
    Organisation("centrum", "Centrumföreningen Östan", "naringsliv"),
    Organisation("skola", "Östans skolor (utbildningsförvaltningen)", "skola"),
    Organisation("nattvandrarna", "Nattvandrarna i Östan", "ovrig"),
)
ORG_KEYS = tuple(o.key for o in ORGANISATIONS)
ORG_BY_KEY = {o.key: o for o in ORGANISATIONS}


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    organisation: str  # organisation name (see ORGANISATIONS)

    @property
    def org_key(self) -> str:
        return next(o.key for o in ORGANISATIONS if o.name == self.organisation)


def _org(key: str) -> str:
    return ORG_BY_KEY[key].name


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Systemadministratör (demo)", "admin", _org("kommun")),
    DemoUser("analytiker", "Brottsförebyggare, Östan kommun (demo)", "analytiker", _org("kommun")),
    DemoUser("rapportor", "Trygghetsrapportör, Östanhem (demo)", "rapportor", _org("ostanhem")),
    DemoUser("lasare", "Läsare, Centrumföreningen (demo)", "lasare", _org("centrum")),
)

EXTRA_USERS: tuple[DemoUser, ...] = (
    DemoUser("kommunpolis", "Kommunpolis Östan (demo)", "analytiker", _org("polis")),
    DemoUser(
        "rapportor.kommun", "Trygghetsrapportör, kommunen (demo)", "rapportor", _org("kommun")
    ),
    DemoUser("rapportor.polis", "Rapportör, lokalpolisområdet (demo)", "rapportor", _org("polis")),
    DemoUser("rapportor.ostanhem", "Bovärd, Östanhem (demo)", "rapportor", _org("ostanhem")),
    DemoUser(
        "rapportor.hemvist", "Fastighetsskötare, Hemvist (demo)", "rapportor", _org("hemvist")
    ),
    DemoUser("rapportor.rtj", "Rapportör, räddningstjänsten (demo)", "rapportor", _org("rtj")),
    DemoUser("rapportor.centrum", "Centrumvärd (demo)", "rapportor", _org("centrum")),
    DemoUser("rapportor.skola", "Rapportör, skolorna (demo)", "rapportor", _org("skola")),
)

ALL_USERS = DEMO_USERS + EXTRA_USERS

# Who files reports for each organisation (a report may also be filed without a user).
REPORTERS: dict[str, tuple[str, ...]] = {
    "kommun": ("rapportor.kommun", "analytiker"),
    "polis": ("rapportor.polis", "kommunpolis"),
    "ostanhem": ("rapportor", "rapportor.ostanhem"),
    "hemvist": ("rapportor.hemvist",),
    "rtj": ("rapportor.rtj",),
    "centrum": ("rapportor.centrum",),
    "skola": ("rapportor.skola",),
    "nattvandrarna": (),
}


def organisations_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "key": [o.key for o in ORGANISATIONS],
            "name": [o.name for o in ORGANISATIONS],
            "kind": [o.kind for o in ORGANISATIONS],
        }
    )


def users_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "username": [u.username for u in ALL_USERS],
            "display_name": [u.display_name for u in ALL_USERS],
            "role": [u.role for u in ALL_USERS],
            "org_key": [u.org_key for u in ALL_USERS],
        }
    )
