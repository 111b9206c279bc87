"""The police's public events ("Händelser", ``polisen.se/api/events``): which are crimes, and when.

The API answers a JSON array of events::

    {"id": 650297, "datetime": "2026-08-22 19:51:41 +02:00",
     "name": "22 augusti 17.59, Brand, Kävlinge", "summary": "…", "url": "/aktuellt/…",
     "type": "Brand", "location": {"name": "Skåne län", "gps": "55.990257,13.595769"}}

What we take from it, and why
-----------------------------
- **Which events are crimes**: :data:`EVENT_TYPES`, an explicit table from the police's event
  type to our crime group (:data:`ostan_dash.vocab.POLICE_GROUPS`) or to ``None`` — not a crime
  (traffic accidents, fires, the night's summary, searches, controls …). Events that are not
  crimes, and types the table does not know, are skipped with their reason; they are never
  counted as crimes. A type with a qualifier (``Misshandel, grov``, ``Stöld, försök``) is looked
  up as written and else by the part before the comma.
- **When**: the occurrence time is the date and time at the start of ``name`` (``22 augusti
  17.59``, local Swedish time). ``datetime`` is when the police *published* the notice (often
  hours later; the night's summary the next morning); it carries its UTC offset and is kept as
  the publication time (``published_at``, timestamptz). It gives the year, which the name lacks:
  the name's day is on or before the publication day, so a name after it (``31 december``
  published on 1 January) belongs to the year before. An event whose name has no readable date
  falls back to the publication time, and the preview says how many did.
- **Where**: the place is the last part of ``name`` after the type — a municipality
  (``Kävlinge``) or, for summaries, a county (``Skåne län``). ``location.gps`` is only that
  municipality's or county's centroid, never the place of the event, so **no point is stored**:
  the row keeps the place name and its precision (``kommun`` or ``lan``) and stays out of every
  map and hot-spot analysis. Only events in the municipality that is set as ours are imported;
  the rest are counted and listed as skipped (the database knows the municipality's name).
- **Identity**: the event id. A re-import of the same or an overlapping answer adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

# The police's event type → our crime group (ostan_dash.vocab.POLICE_GROUPS), or None: not a
# crime. Types seen in the API's answers (polisen.se's list of "händelsetyper"); the lookup folds
# case. A type missing here is skipped as unknown, never guessed.
EVENT_TYPES: dict[str, str | None] = {
    # Crimes against life and health (BrB 3 kap.)
    "Misshandel": "vald",
    "Misshandel, grov": "vald",
    "Mord/dråp": "vald",
    "Mord/dråp, försök": "vald",
    "Våld/hot mot tjänsteman": "vald",
    "Våldtäkt": "vald",
    "Våldtäkt, försök": "vald",
    # Usually an accident at work or on the road: a crime only when someone was negligent.
    "Vållande till kroppsskada": "ovrigt",
    # Against liberty and peace (BrB 4 kap.)
    "Olaga hot": "hot",
    "Ofredande/förargelse": "hot",
    "Olaga frihetsberövande": "hot",
    "Hemfridsbrott": "ovrigt",
    "Olaga intrång": "ovrigt",
    # Theft, burglary, robbery, fraud
    "Stöld": "stold",
    "Stöld, försök": "stold",
    # The police use it for both; counted in the wider group, theft.
    "Stöld/inbrott": "stold",
    "Inbrott": "inbrott",
    "Inbrott, försök": "inbrott",
    "Motorfordon, stöld": "stold",
    "Motorfordon, anträffat stulet": None,
    "Bedrägeri": "stold",
    "Häleri": "ovrigt",
    "Rån": "rån",
    "Rån, försök": "rån",
    "Rån väpnat": "rån",
    "Rån övrigt": "rån",
    # Criminal damage
    "Skadegörelse": "skadegorelse",
    "Mordbrand": "skadegorelse",
    "Klotter": "skadegorelse",
    # Narcotics
    "Narkotikabrott": "narkotika",
    # Traffic crimes (not accidents)
    "Rattfylleri": "trafik",
    "Olovlig körning": "trafik",
    "Trafikbrott": "trafik",
    "Smitning": "trafik",
    "Trafikolycka, smitning från": "trafik",  # leaving the scene is the crime
    # Other crimes
    "Knivlagen": "ovrigt",
    "Vapenlagen": "ovrigt",
    "Skyddslagen": "ovrigt",
    "Missbruk av urkund": "ovrigt",
    "Alkohollagen": "ovrigt",
    "Ordningslagen": "ovrigt",
    "Utlänningslagen": "ovrigt",
    "Sedlighetsbrott": "ovrigt",
    "Sexualbrott": "ovrigt",
    "Människosmuggling": "ovrigt",
    "Allmänfarlig ödeläggelse": "ovrigt",
    # Not crimes: accidents, fires, rescue, the police's own work, notices
    "Trafikolycka": None,
    "Trafikolycka, personskada": None,
    "Trafikolycka, singel": None,
    "Trafikolycka, vilt": None,
    "Trafikolycka, övrig": None,
    "Trafikhinder": None,
    "Trafikkontroll": None,
    "Kontroll": None,
    "Kontroll person/fordon": None,
    "Brand": None,
    "Brand automatlarm": None,
    "Explosion": None,
    "Räddningsinsats": None,
    "Fjällräddning": None,
    "Sjöräddning": None,
    "Arbetsplatsolycka": None,
    "Olycka": None,
    "Olycka, övriga": None,
    "Försvunnen person": None,
    "Efterlyst person": None,
    "Anträffad död": None,
    "Anträffat gods": None,
    "Fylleri/LOB": None,
    "Fylleri": None,
    "Bråk": None,
    "Larm inbrott": None,
    "Larm överfall": None,
    "Farligt föremål, misstänkt": None,
    "Polisinsats/kommendering": None,
    "Djur": None,
    "Naturkatastrof": None,
    "Sammanfattning natt": None,
    "Sammanfattning kväll och natt": None,
    "Sammanfattning dag": None,
    "Sammanfattning dygn": None,
    "Sammanfattning helg": None,
    "Sammanfattning vecka": None,
    "Sammanfattning kväll": None,
    "Information": None,
    "Uppdatering": None,
    "Övrigt": None,
    "Gränskontroll": None,
    "Lagen om vård av missbrukare": None,
    "Tillfälligt obemannat": None,
}

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}

NOT_A_CRIME = "ingen brottstyp"
UNKNOWN = "okänd"
# "22 augusti 17.59, Brand, Kävlinge": day, month, hour, minute, the rest
TITLE = r"^\s*(\d{1,2})\s+(\p{L}+)\s+(\d{1,2})[.:](\d{2})\s*,\s*(.*)$"


def fold_type(e: pl.Expr) -> pl.Expr:
    """Event type for lookup: lower case, single spaces, no space before a comma."""
    return (
        e.str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.replace_all(r"\s*,\s*", ", ")
        .str.strip_chars()
    )


def _fold_key(event_type: str) -> str:
    return re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", event_type.lower())).strip()


def effective_types(overrides: Mapping[str, str | None] | None = None) -> dict[str, str | None]:
    """:data:`EVENT_TYPES` with the municipality's own choices (the setting
    ``polishandelser_typer``: event type → group key, or None for "not a crime") on top.

    Overrides with a group that is not ours are ignored, so a stale setting cannot put rows
    outside the database's crime groups.
    """
    from ostan_dash import vocab

    table = dict(EVENT_TYPES)
    folded = {_fold_key(k): k for k in table}
    for k, v in (overrides or {}).items():
        if (
            not isinstance(k, str)
            or not k.strip()
            or (v is not None and v not in vocab.POLICE_GROUPS)
        ):
            continue
        table[folded.get(_fold_key(k), k.strip())] = v
    return table


def _table(types: Mapping[str, str | None]) -> dict[str, str]:
    """Folded type → group key, or :data:`NOT_A_CRIME`."""
    return {_fold_key(k): (v if v is not None else NOT_A_CRIME) for k, v in types.items()}


def group_expr(event_type: pl.Expr, types: Mapping[str, str | None] | None = None) -> pl.Expr:
    """The crime group of an event type (``types``, default :data:`EVENT_TYPES`): a group key,
    :data:`NOT_A_CRIME`, or :data:`UNKNOWN` when neither the type nor its part before the first
    comma is in the table."""
    table = _table(EVENT_TYPES if types is None else types)
    folded = fold_type(event_type)
    exact = folded.replace_strict(table, default=None, return_dtype=pl.Utf8)
    head = folded.str.split(",").list.first().str.strip_chars()
    by_head = head.replace_strict(table, default=None, return_dtype=pl.Utf8)
    return pl.when(event_type.is_not_null()).then(pl.coalesce(exact, by_head, pl.lit(UNKNOWN)))


def title_parts(name: pl.Expr) -> pl.Expr:
    """The groups of :data:`TITLE` as a struct with fields ``1`` … ``5``."""
    return name.str.extract_groups(TITLE)


def place_expr(name: pl.Expr, event_type: pl.Expr) -> pl.Expr:
    """The place at the end of the name: what follows the type (``Kävlinge``, ``Skåne län``).

    When the name does not repeat the type, the last comma-separated part; a name without the
    leading date and time is read whole."""
    rest = pl.coalesce(title_parts(name).struct.field("5"), name.str.strip_chars())
    prefix = event_type.str.strip_chars() + pl.lit(", ")
    after_type = rest.str.slice(prefix.str.len_chars())
    last = rest.str.split(",").list.last().str.strip_chars()
    place = pl.when(rest.str.starts_with(prefix)).then(after_type).otherwise(last)
    return place.str.strip_chars().replace("", None)


def precision_expr(place: pl.Expr) -> pl.Expr:
    """``lan`` for a county (``… län``), else ``kommun``: a notice names no finer place."""
    return (
        pl.when(place.str.contains(r"(?i)\slän$")).then(pl.lit("lan")).otherwise(pl.lit("kommun"))
    )


def title_date(name: pl.Expr, published_local: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Date and minutes after midnight of the name's ``22 augusti 17.59``.

    The year is the publication's (``published_local``, a local Datetime), or the year before
    when the name's day comes after the publication's day (a late-December event published in
    January). Null when the name has no readable date or time.
    """
    parts = title_parts(name)
    day = parts.struct.field("1").cast(pl.Int32, strict=False)
    month = (
        parts.struct.field("2")
        .str.to_lowercase()
        .replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
    )
    hour = parts.struct.field("3").cast(pl.Int32, strict=False)
    minute = parts.struct.field("4").cast(pl.Int32, strict=False)
    pub_year = published_local.dt.year()
    later = (month > published_local.dt.month()) | (
        (month == published_local.dt.month()) & (day > published_local.dt.day())
    )
    year = pl.when(later).then(pub_year - 1).otherwise(pub_year)
    date = pl.concat_str(
        [
            year.cast(pl.Utf8),
            month.cast(pl.Utf8).str.zfill(2),
            day.cast(pl.Utf8).str.zfill(2),
        ],
        separator="-",
    ).str.to_date("%Y-%m-%d", strict=False)
    minutes = pl.when((hour <= 23) & (minute <= 59)).then(hour * 60 + minute)
    return date, minutes


def parse_published(e: pl.Expr) -> pl.Expr:
    """``2026-08-22 19:51:41 +02:00`` (also ISO with ``T``) → Datetime in UTC."""
    s = e.str.strip_chars()
    return pl.coalesce(
        s.str.to_datetime("%Y-%m-%d %H:%M:%S %:z", strict=False, time_unit="us"),
        s.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", strict=False, time_unit="us"),
    )


NOT_A_CRIME_LABEL = "– (inget brott, importeras inte)"


def type_table(overrides: Mapping[str, str | None] | None = None) -> pl.DataFrame:
    """The event types in effect as a table for the Import page: Händelsetyp, Brottsgrupp
    (Swedish labels; :data:`NOT_A_CRIME_LABEL` for events that are not crimes)."""
    from ostan_dash import vocab

    types = effective_types(overrides)
    return pl.DataFrame(
        {
            "Händelsetyp": list(types),
            "Brottsgrupp": [
                vocab.POLICE_GROUPS[g] if g else NOT_A_CRIME_LABEL for g in types.values()
            ],
        }
    )


def overrides_from_table(table: pl.DataFrame) -> dict[str, str | None]:
    """The rows of an edited :func:`type_table` that differ from :data:`EVENT_TYPES`, as the
    setting's value (type → group key or None). Blank types are dropped; a label that is not a
    group means "not a crime"."""
    from ostan_dash import vocab

    by_label = {v: k for k, v in vocab.POLICE_GROUPS.items()}
    out: dict[str, str | None] = {}
    for event_type, label in table.select("Händelsetyp", "Brottsgrupp").iter_rows():
        if not event_type or not str(event_type).strip():
            continue
        group = by_label.get(str(label)) if label else None
        key = str(event_type).strip()
        if key not in EVENT_TYPES or EVENT_TYPES[key] != group:
            out[key] = group
    return out
