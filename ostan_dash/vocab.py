"""The controlled vocabulary of EST incident reports (DOMAIN.md), keys and Swedish labels.

The database holds the same vocabulary (``sql/002_vocabulary.sql``) and enforces it with foreign
keys; ``tests/db/test_schema.py`` checks that the two agree.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "skadegorelse": "Skadegörelse",
    "incident_mot_anstalld": "Incident mot anställd",
    "otrygg_plats": "Otrygg plats",
    "otrygg_samling": "Otrygghetsskapande samling av personer",
    "annat_otryggt": "Annat otrygghetsskapande",
    "sarskilt_evenemang": "Särskilt evenemang",
}

SUBTYPES: dict[str, dict[str, str]] = {
    "skadegorelse": {
        "bilbrand": "Bilbrand",
        "brand": "Brand",
        "klotter": "Klotter",
        "skadegorelse_fordon": "Skadegörelse mot fordon",
        "ovrig_skadegorelse": "Övrig skadegörelse (t.ex. glaskross)",
    },
    "incident_mot_anstalld": {
        "hindrad": "Hindrad att utföra arbete",
        "hotad": "Hotad",
        "vald": "Utsatt för våld",
        "otrygg_i_arbetet": "Otrygg i arbetet",
    },
    "otrygg_plats": {
        "belysning": "Bristfällig belysning",
        "insyn": "Bristfällig insyn",
        "klotter": "Klotter",
        "skadegorelse": "Skadegörelse",
        "nedskrapning": "Nedskräpning",
        "odslig_plats": "Ödslig plats",
    },
    "otrygg_samling": {
        "trapphus": "I trapphus",
        "utomhus": "Utomhus",
        "annan_inomhus": "Annan inomhusmiljö",
    },
    "annat_otryggt": {
        "brak": "Bråk",
        "vald": "Våld",
        "inbrott": "Inbrott",
        "olovlig_trafik": "Olovlig trafik (moped/bil)",
        "tillhyggen": "Funna tillhyggen (vapen, stenupplag)",
        "drogforsaljning": "Öppen drogförsäljning",
    },
    "sarskilt_evenemang": {
        "demonstration": "Demonstration",
        "idrottsevenemang": "Idrottsevenemang",
        "konsert": "Konsert",
        "omradesevenemang": "Områdesevenemang",
        "ungdomsfest": "Ungdomsfest",
        "uthyrning_lokaler": "Uthyrning av lokaler",
    },
}

OBJECT_TYPES: dict[str, str] = {
    "skola": "Skola",
    "forskola": "Förskola",
    "bostadshus": "Bostadshus",
    "trapphus_kallare": "Trapphus/källare",
    "fordon": "Fordon",
    "busshallplats": "Busshållplats",
    "park_lekplats": "Park/lekplats",
    "butik": "Butik",
    "annan": "Annan",
}

POLICE_GROUPS: dict[str, str] = {
    "vald": "Våldsbrott",
    "hot": "Hot och ofredande",
    "inbrott": "Inbrott",
    "stold": "Stöld",
    "skadegorelse": "Skadegörelse",
    "narkotika": "Narkotikabrott",
    "rån": "Rån",
    "trafik": "Trafikbrott",
    "ovrigt": "Övriga brott",
}

# Kinds of areas and places: the same keys as the CHECK constraints in sql/001_schema.sql.
AREA_KINDS: dict[str, str] = {
    "centrum": "Centrum",
    "resecentrum": "Resecentrum",
    "flerbostadsomrade": "Flerbostadsområde",
    "blandat": "Blandat",
    "villaomrade": "Villaområde",
    "by": "By",
    "verksamhetsomrade": "Verksamhetsområde",
}
PLACE_KINDS: dict[str, str] = {
    "skola": "Skola",
    "forskola": "Förskola",
    "centrum": "Centrum",
    "resecentrum": "Resecentrum",
    "vard": "Vård",
    "aldreboende": "Äldreboende",
    "polisstation": "Polisstation",
    "kopcentrum": "Köpcentrum",
    "fritidsgard": "Fritidsgård",
    "idrottsplats": "Idrottsplats",
    "park": "Park",
    "busshallplats": "Busshållplats",
    "annan": "Annan",
}

ROLES: dict[str, str] = {
    "admin": "Administratör",
    "analytiker": "Analytiker",
    "rapportor": "Rapportör",
    "lasare": "Läsare",
}

# Kinds of organisations: the keys of the CHECK constraint on organisations.kind.
ORGANISATION_KINDS: dict[str, str] = {
    "kommun": "Kommun",
    "polis": "Polis",
    "bostadsbolag": "Bostadsbolag",
    "raddningstjanst": "Räddningstjänst",
    "naringsliv": "Näringsliv",
    "skola": "Skola",
    "ovrig": "Övrig",
}


def category_label(key: str) -> str:
    """Swedish label of an EST category key (the key itself when unknown)."""
    return CATEGORIES.get(key, key)


def subtype_label(category: str, key: str) -> str:
    """Swedish label of a subtype within its category (the key itself when unknown)."""
    return SUBTYPES.get(category, {}).get(key, key)


def vocabulary_sql() -> str:
    """The INSERT statements of ``sql/002_vocabulary.sql``, generated from this module."""

    def q(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    lines = ["INSERT INTO est_categories (key, label, sort) VALUES"]
    lines.append(
        ",\n".join(f"    ({q(k)}, {q(v)}, {i})" for i, (k, v) in enumerate(CATEGORIES.items()))
        + ";"
    )
    rows = [
        f"    ({q(c)}, {q(k)}, {q(v)}, {i})"
        for c, subs in SUBTYPES.items()
        for i, (k, v) in enumerate(subs.items())
    ]
    lines.append("INSERT INTO est_subtypes (category, key, label, sort) VALUES")
    lines.append(",\n".join(rows) + ";")
    lines.append("INSERT INTO est_object_types (key, label, sort) VALUES")
    lines.append(
        ",\n".join(f"    ({q(k)}, {q(v)}, {i})" for i, (k, v) in enumerate(OBJECT_TYPES.items()))
        + ";"
    )
    return "\n".join(lines) + "\n"
