"""The sharing policy between organisations (delning), in Swedish words.

Each organisation decides, per kind of data, who besides itself sees it: every organisation, the
analysts of every organisation, and/or organisations it names. The database enforces it on every
read (``sql/032_sharing_policy.sql``): the reports' rows (category, place, time) through the row
policy of ``incidents``, their free text through ``ostan_incident_description()``, the police's
crimes with their points through ``ostan_sees_police_rows()`` (the others keep counts per area
and time). An organisation always sees its own data and the administrators see everything,
whatever the policy says. The SQL is in :mod:`ostan_dash.store.sharing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from ostan_dash.store import sharing as store

KINDS: dict[str, str] = {
    "rapporter": "Händelserapporter (kategori, plats och tid)",
    "fritext": "Fritext i händelserapporter",
    "polisbrott": "Polisanmälda brott med plats",
}
"""The kinds of data a policy is set for, with their Swedish names (sql/032's data_kind)."""


@dataclass(frozen=True)
class Sharing:
    """Who besides the owner sees one kind of the owner's data."""

    owner_org_id: int
    kind: str
    everyone: bool = False
    analysts: bool = False
    organisations: frozenset[int] = field(default_factory=frozenset)

    def grants(self) -> list[store.Grant]:
        """The policy rows this sharing consists of (grantee, grantee organisation)."""
        out: list[store.Grant] = []
        if self.everyone:
            out.append(("alla", None))
        if self.analysts:
            out.append(("analytiker", None))
        out += [("organisation", o) for o in sorted(self.organisations - {self.owner_org_id})]
        return out

    def problems(self) -> list[str]:
        """Why it cannot be saved (Swedish), empty when it can."""
        if self.kind not in KINDS:
            return [f"Okänt slag av data: {self.kind}."]
        return []


def kinds_for(org_kind: str) -> list[str]:
    """The kinds of data an organisation of ``org_kind`` has to share: the police's crimes
    belong to the police."""
    return [k for k in KINDS if k != "polisbrott" or org_kind == "polis"]


def from_rows(rows: pl.DataFrame, orgs: pl.DataFrame) -> dict[tuple[int, str], Sharing]:
    """The policy of every organisation (``orgs``: id, kind) and kind, from the table's rows
    (owner_org_id, data_kind, grantee, grantee_org_id); a kind without rows shares nothing."""
    out: dict[tuple[int, str], Sharing] = {}
    for org in orgs.select("id", "kind").iter_rows(named=True):
        for kind in kinds_for(org["kind"]):
            mine = rows.filter(
                (pl.col("owner_org_id") == org["id"]) & (pl.col("data_kind") == kind)
            )
            grantees = set(mine["grantee"].to_list())
            out[(org["id"], kind)] = Sharing(
                owner_org_id=org["id"],
                kind=kind,
                everyone="alla" in grantees,
                analysts="analytiker" in grantees,
                organisations=frozenset(
                    mine.filter(pl.col("grantee") == "organisation")["grantee_org_id"].to_list()
                ),
            )
    return out


def describe(s: Sharing, org_names: Mapping[int, str]) -> str:
    """Who sees it, in one Swedish sentence ('Egen organisation och analytiker.')."""
    if s.everyone:
        return "Alla organisationer."
    who = ["egen organisation"]
    if s.analysts:
        who.append("analytiker")
    who += sorted(org_names.get(o, f"organisation {o}") for o in s.organisations)
    sentence = _join(who)
    if s.kind == "polisbrott":
        sentence += "; övriga ser antal per område och tid"
    return sentence[0].upper() + sentence[1:] + "."


def _join(words: list[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " och " + words[-1]


def table(policy: Mapping[tuple[int, str], Sharing], orgs: pl.DataFrame) -> pl.DataFrame:
    """The policy as the admin page shows it: one row per organisation, one column per kind."""
    names = dict(zip(orgs["id"], orgs["name"], strict=True))
    rows = []
    for org in orgs.select("id", "name", "kind").iter_rows(named=True):
        row = {"Organisation": org["name"]}
        for kind, label in KINDS.items():
            s = policy.get((org["id"], kind))
            row[label] = describe(s, names) if s is not None else "–"
        rows.append(row)
    return pl.DataFrame(rows, schema=["Organisation", *KINDS.values()], orient="row")


def load(admin_id: int, orgs: pl.DataFrame) -> dict[tuple[int, str], Sharing]:
    """The policy now, read with the administrator's role."""
    return from_rows(store.policy_rows(admin_id), orgs)


def save(admin_id: int, s: Sharing) -> int:
    """Store one organisation's sharing of one kind (refused in Swedish when it cannot be
    saved); returns how many policy rows changed."""
    problems = s.problems()
    if problems:
        raise ValueError(" ".join(problems))
    return store.replace(admin_id, s.owner_org_id, s.kind, s.grants())
