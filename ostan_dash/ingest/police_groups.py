"""The police's and Brå's own crime group names → our crime groups (the police extract's
Brottsgrupp column).

An extract may carry the police's group ("Tillgreppsbrott", "Skadegörelsebrott", "Brott mot
person (3–7 kap. BrB)") where we keep our own (:data:`ostan_dash.vocab.POLICE_GROUPS`). Such a
file is not refused: :data:`GROUP_NAMES` maps each name to one of ours. Some of the police's
groups are wider than ours — Tillgreppsbrott (BrB 8 kap.) holds theft, burglary *and* robbery;
Brott mot person holds violence, threats and sexual crimes — so for those (:data:`BROAD`) the
row's own crime type and Brå code decide (``crime_group_expr`` in
:mod:`ostan_dash.ingest.validate`), and the table's group is used only when they say nothing
more precise. The lookup ignores case, diacritics and a chapter reference in brackets
(``Tillgreppsbrott (8 kap. BrB)``). A name in neither table is still named as a problem with its
row: a typing error must not silently become "Övriga brott".

The municipality may change the table on the Import page (the setting
``polisens_brottsgrupper``, :data:`ostan_dash.store.imports.GROUP_NAMES_SETTING`): a name
re-mapped or added there is looked up the same way (:func:`effective_names`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import polars as pl

from ostan_dash import vocab

# Group names as the police and Brå write them → our group key.
GROUP_NAMES: dict[str, str] = {
    # BrB 3–7 kap.: against the person
    "Brott mot person": "vald",
    "Brott mot liv och hälsa": "vald",
    "Våldsbrott": "vald",
    "Misshandel": "vald",
    "Misshandel inklusive grov": "vald",
    "Dödligt våld": "vald",
    "Våldtäkt": "vald",
    "Sexualbrott": "ovrigt",
    "Brott mot frihet och frid": "hot",
    "Olaga hot": "hot",
    "Ofredande": "hot",
    # BrB 8 kap.: theft, burglary, robbery
    "Tillgreppsbrott": "stold",
    "Tillgrepp": "stold",
    "Stöld": "stold",
    "Stöldbrott": "stold",
    "Stöld och snatteri": "stold",
    "Snatteri": "stold",
    "Fordonsstöld": "stold",
    "Stöld ur eller från fordon": "stold",
    "Inbrott": "inbrott",
    "Inbrottsstöld": "inbrott",
    "Bostadsinbrott": "inbrott",
    "Rån": "rån",
    "Rånbrott": "rån",
    # BrB 9 kap.: fraud (counted with theft, as the crime-type keywords do)
    "Bedrägeri": "stold",
    "Bedrägeribrott": "stold",
    "Bedrägeri, förskingring och trolöshetsbrott": "stold",
    # BrB 12 kap.: criminal damage
    "Skadegörelse": "skadegorelse",
    "Skadegörelsebrott": "skadegorelse",
    "Klotter": "skadegorelse",
    # Special laws
    "Narkotika": "narkotika",
    "Narkotikabrott": "narkotika",
    "Narkotikastrafflagen": "narkotika",
    "Trafikbrott": "trafik",
    "Trafikbrottslagen": "trafik",
    "Brott mot trafikbrottslagen": "trafik",
    "Rattfylleri": "trafik",
    # The rest
    "Vapenbrott": "ovrigt",
    "Brott mot allmänheten": "ovrigt",
    "Brott mot staten": "ovrigt",
    "Övriga brott": "ovrigt",
    "Övriga brott mot brottsbalken": "ovrigt",
    "Övriga brott mot specialstraffrättsliga lagar": "ovrigt",
    "Brott mot specialstraffrättsliga lagar": "ovrigt",
    "Övrigt": "ovrigt",
}

# Groups wider than ours: the row's crime type and code decide, the table's group is the default.
BROAD = frozenset(
    {
        "Brott mot person",
        "Brott mot liv och hälsa",
        "Tillgreppsbrott",
        "Tillgrepp",
        "Övriga brott",
        "Övriga brott mot brottsbalken",
        "Övriga brott mot specialstraffrättsliga lagar",
        "Brott mot specialstraffrättsliga lagar",
        "Brott mot allmänheten",
        "Övrigt",
    }
)


def fold_name(name: str) -> str:
    """A group name as it is looked up: lower case, without diacritics, a chapter reference in
    brackets or extra spaces (``Tillgreppsbrott (8 kap. BrB)`` → ``tillgreppsbrott``).

    The same folding as the Brottsgrupp cells get in :mod:`ostan_dash.ingest.validate`
    (``_fold_expr`` and the bracket removal), for the built-in names and the municipality's own
    alike."""
    t = re.sub(r"\s*\([^)]*\)", "", name)
    t = unicodedata.normalize("NFKD", t.strip().lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[\s_/-]+", " ", t).strip()


def effective_names(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """:data:`GROUP_NAMES` with the municipality's own choices (the setting
    ``polisens_brottsgrupper``: group name → our group key) on top.

    An override replaces the built-in name it folds to (:func:`fold_name`: ``tillgreppsbrott``
    and ``Tillgreppsbrott (8 kap. BrB)`` change Tillgreppsbrott) and else adds the name as
    written. An override whose group is not one of ours (:data:`ostan_dash.vocab.POLICE_GROUPS`),
    or whose name is blank, is ignored, so a stale setting cannot put rows outside the
    database's crime groups.

    The :data:`BROAD` rule (the row's own crime type and Brå code decide) stays with a built-in
    broad name only while it keeps its built-in group (:func:`broad_names`): a name the user
    adds or re-maps (:func:`chosen_names`) is taken as they say, for every row, even where it is
    also one of our own group labels (the police's ``Stöld`` re-mapped to Inbrott) — they chose
    the group on purpose, and a choice that the crime type or our label silently overrode would
    look like a setting that does not work.
    """
    table = dict(GROUP_NAMES)
    folded = {fold_name(k): k for k in table}
    for k, v in (overrides or {}).items():
        if not isinstance(k, str) or not fold_name(k) or v not in vocab.POLICE_GROUPS:
            continue
        key = folded.setdefault(fold_name(k), k.strip())
        table[key] = v
    return table


def chosen_names(names: Mapping[str, str]) -> frozenset[str]:
    """The names of ``names`` (from :func:`effective_names`) the municipality added or re-mapped:
    their group is taken as it is, before our own labels and the crime type."""
    return frozenset(k for k, v in names.items() if GROUP_NAMES.get(k) != v)


def broad_names(names: Mapping[str, str]) -> frozenset[str]:
    """The names of ``names`` (from :func:`effective_names`) whose row's crime type decides: the
    built-in :data:`BROAD` names that still have their built-in group."""
    return BROAD - chosen_names(names)


def lookup(names: Mapping[str, str]) -> dict[str, str]:
    """Folded name (:func:`fold_name`) → our group key, for the Brottsgrupp column."""
    return {fold_name(k): v for k, v in names.items()}


def group_table(overrides: Mapping[str, str] | None = None) -> pl.DataFrame:
    """The group names in effect (:func:`effective_names`) as a table for the Import page:
    Polisens grupp, Vår brottsgrupp (our group's Swedish label)."""
    names = effective_names(overrides)
    return pl.DataFrame(
        {
            "Polisens grupp": list(names),
            "Vår brottsgrupp": [vocab.POLICE_GROUPS[g] for g in names.values()],
        },
        schema={"Polisens grupp": pl.Utf8, "Vår brottsgrupp": pl.Utf8},
    )


def overrides_from_table(table: pl.DataFrame) -> dict[str, str]:
    """The rows of an edited :func:`group_table` that differ from :data:`GROUP_NAMES`, as the
    setting's value (name → our group key). Blank names and rows without one of our groups are
    dropped (the built-in group then stays)."""
    by_label = {v: k for k, v in vocab.POLICE_GROUPS.items()}
    out: dict[str, str] = {}
    for name, label in table.select("Polisens grupp", "Vår brottsgrupp").iter_rows():
        group = by_label.get(str(label)) if label else None
        if not name or not str(name).strip() or group is None:
            continue
        key = str(name).strip()
        if GROUP_NAMES.get(key) != group:
            out[key] = group
    return out
