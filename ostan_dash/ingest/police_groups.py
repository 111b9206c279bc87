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
"""

from __future__ import annotations

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


def group_table() -> pl.DataFrame:
    """:data:`GROUP_NAMES` as a table for the Import page: Polisens grupp, Vår brottsgrupp."""
    return pl.DataFrame(
        {
            "Polisens grupp": list(GROUP_NAMES),
            "Vår brottsgrupp": [
                vocab.POLICE_GROUPS[g] + (" (eller enligt brottstypen)" if k in BROAD else "")
                for k, g in GROUP_NAMES.items()
            ],
        }
    )
