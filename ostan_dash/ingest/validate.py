"""Validate imported rows: pure functions, Polars in, valid rows and a list of problems out.

Each import kind has a column specification (:data:`SPECS`) with the Swedish column names that
real exports carry and the aliases we accept (matching ignores case, spaces and punctuation, so
``X (SWEREF99)`` and ``x-sweref 99`` are the same header). Columns not in the spec are ignored.

The kinds and their columns (``*`` = required)
-----------------------------------------------
``polisbrott`` – the police's weekly extract of reported crimes
    Diarienummer*, Brottsnummer (one case can hold several crimes; the key is
    ``Diarienummer/Brottsnummer``), Brottskod, Brottsbenämning*, Brottsgrupp (ours, or the
    police's / Brå's own group names through :mod:`ostan_dash.ingest.police_groups` and the
    municipality's changes to that table; derived
    from the benämning and the Brå code's chapter when absent), Från datum*, Från tid,
    Till datum, Till tid, Område (code or name) and/or a coordinate pair X-koordinat,
    Y-koordinat.
``omraden`` – area boundaries (GeoJSON or GeoPackage)
    Kod*, Namn (else the code), Typ, Befolkning (else a known area's own, for a new one
    ``blandat`` and 0), geometry* (Polygon or MultiPolygon). SCB's DeSO, RegSO and kommun files
    are recognised by their own columns (:func:`scb_area_level`). A file of codes and names
    without geometries (SCB's list of municipalities) renames existing areas instead
    (:data:`NAMES_ONLY_NOTE`): DeSO boundaries come without names.
``indikatorer`` – yearly official statistics per area
    Områdeskod*, År*, Folkmängd*, Folkmängd 0–17 år (absent: unknown, NULL, never 0), Andel
    otrygga (%), Andel som inte arbetar (%), Andel utan gymnasieutbildning (%), Andel utan
    fullständiga betyg (%), Andel 0–17 år (%) (computed when absent and the count is known),
    Andel som inte röstade (%), Organiserad
    brottslighet (Ja/Nej), and for an "Andel otrygga" from a survey its Antal svar and Effektivt
    antal svar (Kish's n_eff; at most the number of answers).
``enkat`` – the safety survey, one row per respondent (no personal data)
    Löpnummer*, År*, Områdeskod*, Vikt*, Otrygg utomhus kvällstid, Orolig för brottsligheten,
    Avstår från att gå ut, Utsatt för brott (Ja/Nej/1/0; blank, "Vet ej", "Ej svar" = no answer).
``platser`` – places of interest
    Namn*, Typ*, Skyddsvärd (Ja/Nej; default from the type), coordinates or a point geometry.
``rapporter`` – EST reports exported from another system
    Ärende-id*, Kategori*, Undertyp*, Objekttyp, Antal personer, Från datum*, Från tid,
    Till datum, Till tid, X-koordinat*, Y-koordinat*, Organisation, Beskrivning.
``befolkningsrutor`` – SCB's population grid ("befolkning på rutor"), GeoPackage or CSV
    Befolkning* (``Beftotalt``, ``Totalt``), and the cell as Rutid (``rutid_scb``, ``Ruta``: 13
    digits, easting (6) + northing (7) of the lower-left corner in SWEREF 99 TM), and/or the
    corner as a coordinate pair (``x``/``y``, ``Ostkoordinat``/``Nordkoordinat``), and/or the
    cell's polygon; Rutstorlek (``rutstorl``: 250 or 1000 m; else from the polygon, else from
    the corners), År (``referenstid`` 20241231 counts as 2024), Dagbefolkning (Ja/Nej).
``gator`` – streets and roads with their names (an OpenStreetMap or Lantmäteriet extract,
    GeoJSON or GeoPackage): Namn* (``name``), Typ (``highway``: OSM's values map to gata, väg,
    gång- och cykelväg, landsväg; anything else is övrigt), Källa (default ``import``), a line
    geometry*. A file replaces the streets earlier imported from the same source.
``brottsstatistik`` – Brå's reported crimes per municipality (and the whole country) and year,
    xlsx or CSV as Brå's statistics database exports them (title lines above the header are
    found by the reader): Region* (``0180 Stockholm``: the code is split off; ``Riket`` or
    ``Hela landet`` is the whole country), Brottstyp* (Brå's category as written), År* (1975 to
    this year), Antal* (a whole number ≥ 0), Per 100 000 inv (≥ 0), Folkmängd.
``polishandelser`` – the police's public events API answer (JSON, read as it is)
    id*, datetime*, name*, type*, location.name. Only crimes, by an explicit table of event
    types; other events are *skipped* (:attr:`Validated.skipped`), not problems. See
    :mod:`ostan_dash.ingest.police_events`.

Coordinates are classified per row by magnitude, which is unambiguous inside Sweden: SWEREF 99
TM northing 6.1–7.7 million m and easting 0.18–1.0 million m (in either column order, since
Swedish surveying calls the northing X), WGS 84 latitude 54.5–69.5° and longitude 10–25°.
RT 90 (easting 1.2–1.9 million m) is recognised and refused with a clear message. Dates are ISO
(``2026-03-02``, also ``20260302`` and Excel date-times); times ``08:15``, ``8.15`` or ``0815``;
numbers may carry a decimal comma, spaces as thousands separators and a ``%`` sign.

Every text cell is refused when it holds NUL or another control character (newline and tab only
in free text); a report's Beskrivning when it holds personal data (:mod:`ostan_dash.ingest.privacy`,
the kind and span named); a report's dates before 2000 or after tomorrow.

Problems have the columns ``rad`` (the line in the file, header = 1), ``falt`` (the column as
named in the file), ``orsak`` (Swedish) and ``varde`` (the offending cell).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl

from ostan_dash import config, vocab
from ostan_dash.config import TZ_NAME
from ostan_dash.ingest import freetext, police_events, police_groups, privacy, reports
from ostan_dash.ingest.read import GEOMETRY, ROW
from ostan_dash.store.imports import PROBLEM_SCHEMA

KINDS: dict[str, str] = {
    "polisbrott": "Polisanmälda brott (veckoutdrag)",
    "omraden": "Områdesgränser",
    "indikatorer": "Områdesindikatorer (årlig statistik)",
    "enkat": "Trygghetsundersökning (svar per person)",
    "platser": "Platser (skolor, hållplatser m.m.)",
    "rapporter": "EST-rapporter från annat system",
    "befolkningsrutor": "Befolkning på rutor (SCB)",
    "polishandelser": "Polisens händelser (polisen.se, JSON)",
    "gator": "Gator och vägar (OpenStreetMap, Lantmäteriet)",
    "brottsstatistik": "Brottsstatistik (Brå)",
}

STREET_KINDS = ("gata", "väg", "gång- och cykelväg", "landsväg", "övrigt")  # sql/022
# OpenStreetMap's highway=* values (and Swedish words) → our street kinds.
OSM_STREET_KINDS: dict[str, str] = {
    **dict.fromkeys(
        ("residential", "living_street", "pedestrian", "service", "gata", "gatan"), "gata"
    ),
    **dict.fromkeys(
        (
            "primary",
            "primary_link",
            "secondary",
            "secondary_link",
            "tertiary",
            "tertiary_link",
            "trunk",
            "trunk_link",
            "motorway",
            "motorway_link",
            "unclassified",
            "road",
            "väg",
            "vag",
        ),
        "väg",
    ),
    **dict.fromkeys(
        ("footway", "cycleway", "path", "steps", "bridleway", "gång- och cykelväg", "gc-väg"),
        "gång- och cykelväg",
    ),
    **dict.fromkeys(("track", "landsväg", "landsvag"), "landsväg"),
}

MAX_WINDOW_DAYS_INCIDENT = 31

CRITICAL_PLACE_KINDS = frozenset(
    {"skola", "forskola", "vard", "aldreboende", "polisstation", "centrum", "resecentrum"}
    | {"kopcentrum"}
)

# Coordinate ranges that cover Sweden (metres for SWEREF 99 TM, degrees for WGS 84).
SWEREF_E = (180_000.0, 1_000_000.0)
SWEREF_N = (6_100_000.0, 7_700_000.0)
RT90_E = (1_200_000.0, 1_900_000.0)
WGS_LAT = (54.5, 69.5)
WGS_LON = (10.0, 25.0)

# Free-text columns: checked for personal data (ingest.privacy); newline and tab allowed.
MULTILINE_KEYS = frozenset({"description"})


# OpenStreetMap's amenity / category values (exports such as Overpass or osmnx) → our place kinds.
OSM_PLACE_KINDS: dict[str, str] = {
    "police": "polisstation",
    "school": "skola",
    "kindergarten": "forskola",
    "hospital": "vard",
    "clinic": "vard",
    "doctors": "vard",
    "nursing_home": "aldreboende",
    "bus_station": "busshallplats",
    "bus_stop": "busshallplats",
    "station": "resecentrum",
    "mall": "kopcentrum",
    "marketplace": "centrum",
    "community_centre": "fritidsgard",
    "youth_centre": "fritidsgard",
    "sports_centre": "idrottsplats",
    "pitch": "idrottsplats",
    "park": "park",
}


@dataclass(frozen=True)
class Column:
    """One column of an import kind: its Swedish name, internal key and accepted aliases."""

    name: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()


_COORDS = (
    Column(
        "X-koordinat",
        "coord_a",
        aliases=(
            "X",
            "X (SWEREF99)",
            "X (SWEREF 99 TM)",
            "Nord",
            "N",
            "Northing",
            "Latitud",
            "Lat",
        ),
    ),
    Column(
        "Y-koordinat",
        "coord_b",
        aliases=(
            "Y",
            "Y (SWEREF99)",
            "Y (SWEREF 99 TM)",
            "Öst",
            "Ost",
            "E",
            "Easting",
            "Longitud",
            "Lon",
        ),
    ),
)
_TIMES = (
    Column(
        "Från datum",
        "date_from",
        True,
        ("Datum från", "Brottsdatum från", "Datum", "Fr.o.m. datum"),
    ),
    Column("Från tid", "time_from", False, ("Tid från", "Klockslag från", "Tid", "Fr.o.m. tid")),
    Column("Till datum", "date_to", False, ("Datum till", "Brottsdatum till", "T.o.m. datum")),
    Column("Till tid", "time_to", False, ("Tid till", "Klockslag till", "T.o.m. tid")),
)
_AREA = Column(
    "Områdeskod",
    "area_ref",
    True,
    ("Område", "Kod", "Områdesnamn", "Områdes-id", "Regionkod", "kommun_kod", "Kommunkod"),
)

SPECS: dict[str, tuple[Column, ...]] = {
    "polisbrott": (
        Column(
            "Diarienummer",
            "case_no",
            True,
            ("Ärendenummer", "Diarienr", "K-nummer", "Anmälningsnummer"),
        ),
        Column("Brottsnummer", "crime_no", False, ("Löpnummer", "Brottsnr", "Brott nr")),
        Column("Brottskod", "crime_code", False, ("Brottskod (Brå)", "Kod")),
        Column("Brottsbenämning", "crime_type", True, ("Brott", "Brottstyp", "Benämning")),
        Column("Brottsgrupp", "crime_group_in", False, ("Grupp",)),
        *_TIMES,
        Column("Område", "area_ref", False, ("Områdeskod", "Kommundel", "Stadsdel")),
        *_COORDS,
    ),
    "omraden": (
        Column(
            "Kod",
            "code",
            True,
            ("Områdeskod", "Områdes-id", "Id", "Nyckelkod", "desokod", "regsokod", "kommunkod"),
        ),
        Column("Namn", "name", False, ("Områdesnamn", "Område", "regso", "kommunnamn")),
        Column("Typ", "kind", False, ("Områdestyp",)),
        Column(
            "Befolkning",
            "population",
            False,
            ("Folkmängd", "Invånare", "Antal invånare", "Beftotalt", "Befolkning totalt"),
        ),
        Column("geometri", GEOMETRY, True),
    ),
    "indikatorer": (
        _AREA,
        Column("År", "year", True, ("Ar", "Year")),
        Column("Folkmängd", "population", True, ("Befolkning", "Invånare", "population")),
        Column(
            "Folkmängd 0–17 år",
            "population_under18",
            False,
            ("Folkmängd 0-17 år", "Antal 0–17 år", "Antal 0-17 år", "Befolkning 0-17 år"),
        ),
        Column("Andel otrygga (%)", "pct_unsafe", False, ("Andel otrygga",)),
        Column(
            "Andel som inte arbetar (%)",
            "pct_not_working",
            False,
            ("Andel ej förvärvsarbetande (%)", "Andel som inte arbetar"),
        ),
        Column(
            "Andel utan gymnasieutbildning (%)",
            "pct_low_education",
            False,
            ("Andel utan gymnasieutbildning",),
        ),
        Column(
            "Andel utan fullständiga betyg (%)",
            "pct_no_final_grades",
            False,
            ("Andel utan fullständiga betyg åk 9 (%)", "Andel utan fullständiga betyg"),
        ),
        Column(
            "Andel 0–17 år (%)",
            "pct_under18",
            False,
            ("Andel 0-17 år (%)", "Andel under 18 år (%)"),
        ),
        Column(
            "Andel som inte röstade (%)",
            "pct_non_voters",
            False,
            ("Andel icke-röstande (%)", "Andel som inte röstade"),
        ),
        Column(
            "Organiserad brottslighet",
            "organised_crime",
            False,
            ("Organiserad brottslighet (Ja/Nej)",),
        ),
        # The sample behind "Andel otrygga" when it comes from a survey (issue 9).
        Column("Antal svar (andel otrygga)", "n", False, ("Antal svar", "Svarande", "n")),
        Column(
            "Effektivt antal svar (andel otrygga)",
            "n_eff",
            False,
            ("Effektivt antal svar", "Effektivt n", "Effektiv urvalsstorlek", "n_eff"),
        ),
    ),
    "enkat": (
        Column("Löpnummer", "respondent_ref", True, ("Respondent", "Svars-id", "Id", "Lopnr")),
        Column("År", "year", True, ("Ar", "Undersökningsår")),
        _AREA,
        Column("Vikt", "weight", True, ("Vikt (kalibrerad)", "Weight")),
        Column(
            "Otrygg utomhus kvällstid",
            "unsafe_evening",
            False,
            ("Känner sig otrygg ute sen kväll", "Otrygg kväll"),
        ),
        Column(
            "Orolig för brottsligheten",
            "worried_crime",
            False,
            ("Oroar sig för brottsligheten", "Orolig för brott"),
        ),
        Column("Avstår från att gå ut", "avoids_going_out", False, ("Avstår att gå ut",)),
        Column("Utsatt för brott", "victim", False, ("Utsatt för brott senaste året",)),
    ),
    "platser": (
        Column("Namn", "name", True, ("Platsnamn", "Benämning")),
        Column("Typ", "kind", True, ("Platstyp", "Kategori", "category", "amenity")),
        Column("Skyddsvärd", "critical", False, ("Skyddsvärt objekt", "Kritisk")),
        *_COORDS,
        Column("geometri", GEOMETRY, False),
    ),
    "gator": (
        Column("Namn", "name", True, ("Gatunamn", "Vägnamn", "Gata", "name")),
        Column("Typ", "kind", False, ("Gatutyp", "Vägtyp", "highway")),
        Column("Källa", "source", False, ("Kalla", "source")),
        Column("geometri", GEOMETRY, True),
    ),
    "befolkningsrutor": (
        Column("Rutid", "cell_ref", False, ("Rutid SCB", "Ruta", "Rut-id", "Rutnummer")),
        Column(
            "Befolkning",
            "population",
            True,
            ("Beftotalt", "Bef totalt", "Befolkning totalt", "Totalt", "Folkmängd", "Invånare"),
        ),
        Column("Rutstorlek", "size_in", False, ("Rutstorl", "Rutstorlek (m)", "Storlek")),
        Column(
            "Östkoordinat",
            "coord_a",
            False,
            ("Ostkoordinat", "X", "Öst", "Ost", "E", "Easting", "X-koordinat"),
        ),
        Column("Nordkoordinat", "coord_b", False, ("Y", "Nord", "N", "Northing", "Y-koordinat")),
        Column("År", "year", False, ("Referenstid", "Referensår", "Ar", "Year")),
        Column("Dagbefolkning", "daytime_in", False, ("Dagtid", "Daytime")),
        Column("geometri", GEOMETRY, False),
    ),
    "polishandelser": (
        Column("id", "event_id", True, ("Händelse-id",)),
        Column("datetime", "published_in", True, ("Publicerad",)),
        Column("name", "title", True, ("Rubrik",)),
        Column("type", "event_type", True, ("Händelsetyp",)),
        Column("location.name", "location_name", False, ("Plats",)),
    ),
    "brottsstatistik": (
        Column("Region", "region_in", True, ("Kommun", "Regionnamn", "Län/kommun", "Område")),
        Column("Brottstyp", "crime_type", True, ("Brott", "Brottskategori", "Brottsbenämning")),
        Column("År", "year", True, ("Ar", "Year", "Period")),
        Column(
            "Antal",
            "count_in",
            True,
            ("Antal anmälda brott", "Anmälda brott", "Antal brott", "Anmälda brott, antal"),
        ),
        Column(
            "Per 100 000 inv",
            "per_100k_in",
            False,
            (
                "Per 100 000 invånare",
                "Per 100 000 av medelfolkmängden",
                "Anmälda brott per 100 000 inv",
                "Anmälda brott per 100 000 invånare",
                "Per 100 000",
            ),
        ),
        Column("Folkmängd", "population", False, ("Medelfolkmängd", "Befolkning", "Invånare")),
    ),
    "rapporter": (
        Column("Ärende-id", "external_id", True, ("Id", "Rapport-id", "Ärendenummer", "Ärende")),
        Column("Kategori", "category_in", True, ("Händelsekategori",)),
        Column("Undertyp", "subtype_in", True, ("Typ", "Händelsetyp")),
        Column("Objekttyp", "object_in", False, ("Objekt",)),
        Column("Antal personer", "persons_in", False, ("Ungefärligt antal personer", "Antal")),
        *_TIMES,
        *_COORDS,
        Column("Organisation", "organisation", False, ("Rapporterande organisation",)),
        Column("Beskrivning", "description", False, ("Fritext", "Kommentar")),
    ),
}


@dataclass
class Validated:
    """Valid rows (typed, one per valid line, with ``rad``) and every problem found."""

    rows: pl.DataFrame
    problems: pl.DataFrame
    rows_read: int
    ignored_columns: list[str]
    column_names: dict[str, str] = field(default_factory=dict)  # key → header in the file
    # Rows read and understood but not imported, with why (rad, falt, orsak, varde): e.g. the
    # police's events that are not crimes. They are no problem: the rest of the file imports.
    skipped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    notes: list[str] = field(default_factory=list)  # what the validation assumed, in Swedish

    def field_name(self, key: str) -> str:
        """The column ``key`` as the file names it (else its standard Swedish name)."""
        if key in self.column_names:
            return self.column_names[key]
        return next((c.name for specs in SPECS.values() for c in specs if c.key == key), key)

    @property
    def ok(self) -> bool:
        """True when the whole file is valid (all-or-nothing: only then is anything written)."""
        return self.problems.is_empty()


# Small helpers -----------------------------------------------------------------------------------
def normalise_header(name: str) -> str:
    """Lower case, letters and digits only: ``X (SWEREF99)`` → ``xsweref99``; ``–`` = ``-``."""
    return re.sub(r"[^0-9a-zåäöéü]", "", name.lower())


def _fold(text: str) -> str:
    """Lower case without diacritics and extra spaces, for matching labels: ``Förskola`` → ``forskola``."""
    t = unicodedata.normalize("NFKD", text.strip().lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[\s_/-]+", " ", t).strip()


def label_lookup(labels: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded key and folded label → key, so both ``villaomrade`` and ``Villaområde`` match."""
    out: dict[str, str] = {}
    for key, label in labels.items():
        out[_fold(key)] = key
        out[_fold(label)] = key
    for alias, key in (extra or {}).items():
        out[_fold(alias)] = key
    return out


def _fold_expr(col: str) -> pl.Expr:
    # Polars has no Unicode normalisation; Swedish letters are the diacritics that occur here.
    return (
        pl.col(col)
        .str.to_lowercase()
        .str.replace_all("[åä]", "a")
        .str.replace_all("ö", "o")
        .str.replace_all("[éè]", "e")
        .str.replace_all("ü", "u")
        .str.replace_all(r"[\s_/-]+", " ")
        .str.strip_chars()
    )


def match_columns(
    header: list[str], spec: tuple[Column, ...]
) -> tuple[dict[str, str], list[Column], list[str]]:
    """Map file headers to spec keys. Returns (file header → key, missing required, ignored)."""
    wanted: dict[str, Column] = {}
    for c in spec:
        if c.key == GEOMETRY:
            continue
        for n in (c.name, c.key, *c.aliases):
            wanted.setdefault(normalise_header(n), c)
    geometry = next((s for s in spec if s.key == GEOMETRY), None)
    found: dict[str, str] = {}
    used: set[str] = set()
    ignored: list[str] = []
    for h in header:
        c = geometry if h == GEOMETRY else wanted.get(normalise_header(h))
        if c is None or c.key in used:
            if h not in (ROW, GEOMETRY):
                ignored.append(h)
            continue
        found[h] = c.key
        used.add(c.key)
    missing = [c for c in spec if c.required and c.key not in used]
    return found, missing, ignored


@dataclass(frozen=True)
class ScbLevel:
    """SCB's geography a boundary file holds, and its columns for our Kod and Namn."""

    label: str  # DeSO | RegSO | kommun
    code: str  # the file's header
    name: str | None  # None: SCB gives the areas no names (DeSO)


# SCB's own column names (normalised) per geography, finest first: a DeSO file also carries its
# RegSO and kommun codes, a RegSO file its kommun. DeSO 2018: deso, kommun (the code),
# kommunnamn; DeSO/RegSO 2025: desokod, regsokod, regso, kommunkod, kommunnamn, lanskod;
# SCB's kommun polygons: KnKod, KnNamn; SwedenMaps: kommun_kod, kommun (the name).
_SCB_LEVELS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("DeSO", ("desokod", "deso"), ()),
    ("RegSO", ("regsokod",), ("regso", "regsonamn")),
    (
        "kommun",
        ("kommunkod", "knkod", "municipalitycode"),
        ("kommunnamn", "knnamn", "kommun", "municipalityname"),
    ),
)
_OUR_AREA_CODE = frozenset(
    normalise_header(n) for n in ("Kod", "code", "Områdeskod", "Områdes-id", "Id", "Nyckelkod")
)


def scb_area_level(header: list[str]) -> ScbLevel | None:
    """The SCB geography of a boundary file by its column names (None: not SCB's, or the file
    has our own Kod column, which then wins)."""
    norm: dict[str, str] = {}
    for h in header:
        norm.setdefault(normalise_header(h), h)
    if _OUR_AREA_CODE & norm.keys():
        return None
    for label, codes, names in _SCB_LEVELS:
        code = next((norm[c] for c in codes if c in norm), None)
        if code is not None:
            name = next((norm[n] for n in names if n in norm and norm[n] != code), None)
            return ScbLevel(label, code, name)
    return None


class _Checks:
    """Collects problems row by row, vectorised: each check is one filter over the frame."""

    def __init__(self, df: pl.DataFrame, names: dict[str, str]):
        self.df = df
        self.names = names  # key → column name as in the file
        self.parts: list[pl.DataFrame] = []
        self.skips: list[pl.DataFrame] = []
        self.notes: list[str] = []

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def flag(
        self, mask: pl.Expr, key: str, reason: str | pl.Expr, value: str | None = None
    ) -> None:
        value = value if value is not None else key
        val = (
            pl.col(value).cast(pl.Utf8) if value in self.df.columns else pl.lit(None, dtype=pl.Utf8)
        )
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        part = self.df.filter(mask.fill_null(False)).select(
            pl.col(ROW).alias("rad"),
            pl.lit(self.name(key)).alias("falt"),
            reason_expr.cast(pl.Utf8).alias("orsak"),
            val.alias("varde"),
        )
        if part.height:
            self.parts.append(part)

    def skip(
        self, mask: pl.Expr, key: str, reason: str | pl.Expr, value: str | None = None
    ) -> None:
        """Leave the rows of ``mask`` out of the import with ``reason`` (not a problem); a row is
        skipped once, for the first reason."""
        before = len(self.parts)
        self.flag(mask, key, reason, value)
        self.skips.extend(self.parts[before:])
        del self.parts[before:]

    def skipped(self) -> pl.DataFrame:
        if not self.skips:
            return pl.DataFrame(schema=PROBLEM_SCHEMA)
        return (
            pl.concat(self.skips)
            .sort("rad", maintain_order=True)
            .unique("rad", keep="first", maintain_order=True)
        )

    def problems(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema=PROBLEM_SCHEMA)
        return pl.concat(self.parts).sort("rad", maintain_order=True)


def _col(df: pl.DataFrame, key: str) -> pl.Expr:
    return pl.col(key) if key in df.columns else pl.lit(None, dtype=pl.Utf8)


def parse_number(e: pl.Expr) -> pl.Expr:
    """``"1 234,5"``, ``"12,5 %"``, ``"6632000"`` → Float64 (null when not a number)."""
    return (
        e.str.replace_all(r"[\s\u00a0%]", "")
        .str.replace(r"^−", "-")
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
    )


def parse_date(e: pl.Expr) -> pl.Expr:
    """ISO ``2026-03-02`` (also with a time after it, as Excel writes) or ``20260302`` → Date."""
    return pl.coalesce(
        e.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        e.str.to_date("%Y%m%d", strict=False),
    )


def parse_time_minutes(e: pl.Expr) -> pl.Expr:
    """``08:15``, ``8.15``, ``0815``, ``08:15:00`` → minutes after midnight (null when invalid)."""
    parts = e.str.extract_groups(r"^(\d{1,2})[:.]?(\d{2})(?::\d{2})?$")
    h = parts.struct.field("1").cast(pl.Int32, strict=False)
    m = parts.struct.field("2").cast(pl.Int32, strict=False)
    return pl.when((h <= 23) & (m <= 59)).then(h * 60 + m)


def _time_in_date_cell(e: pl.Expr) -> pl.Expr:
    """A time written in the date cell (``2026-03-02 08:15``, an Excel date-time), else null."""
    return parse_time_minutes(e.str.slice(11, 8).str.strip_chars())


def parse_bool(e: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Ja/Nej/1/0/Sant/Falskt → Boolean; blank, "Vet ej", "Ej svar", "Uppgift saknas" → null.

    Returns (value, invalid mask).
    """
    f = e.str.to_lowercase().str.strip_chars()
    yes = f.is_in(["ja", "j", "1", "sant", "true", "x"])
    no = f.is_in(["nej", "n", "0", "falskt", "false"])
    blank = f.is_null() | f.is_in(["vet ej", "vet inte", "ej svar", "uppgift saknas", "-", "9"])
    value = pl.when(yes).then(pl.lit(True)).when(no).then(pl.lit(False))
    return value, ~(yes | no | blank)


def local_epoch(date: pl.Expr, minutes: pl.Expr) -> pl.Expr:
    """Local Europe/Stockholm date + minutes → epoch seconds.

    An autumn time that occurs twice is read as the first (summer time); a spring time that does
    not exist (02:00–02:59 on the last Sunday of March) is moved forward one hour, as clocks are.
    """

    def at(m: pl.Expr) -> pl.Expr:
        return (
            (date.cast(pl.Datetime("us")) + pl.duration(minutes=m))
            .dt.replace_time_zone(TZ_NAME, ambiguous="earliest", non_existent="null")
            .dt.epoch("s")
        )

    return pl.coalesce(at(minutes), at(minutes + 60))


def _times(df: pl.DataFrame, ck: _Checks) -> pl.DataFrame:
    """Från/Till datum and tid → ``t_from``, ``t_to`` (epoch seconds), with problems flagged.

    Rules: a missing Från tid means the whole day from 00:00 (or the time in the date cell);
    without Till datum the window ends the same day — at Till tid (the next day when it is
    earlier than Från tid: 22:00–02:00), at Från tid when only that is given, else at 23:59.
    """
    d0 = parse_date(_col(df, "date_from"))
    d1 = parse_date(_col(df, "date_to"))
    m0_in = parse_time_minutes(_col(df, "time_from"))
    m1_in = parse_time_minutes(_col(df, "time_to"))
    df = df.with_columns(
        _d0=d0,
        _d1=d1,
        _m0=pl.coalesce(m0_in, _time_in_date_cell(_col(df, "date_from"))),
        _m1=pl.coalesce(m1_in, _time_in_date_cell(_col(df, "date_to"))),
    )
    ck.df = df
    ck.flag(_col(df, "date_from").is_null(), "date_from", "datum saknas")
    ck.flag(
        _col(df, "date_from").is_not_null() & pl.col("_d0").is_null(),
        "date_from",
        "ogiltigt datum (skriv ÅÅÅÅ-MM-DD)",
    )
    ck.flag(
        _col(df, "date_to").is_not_null() & pl.col("_d1").is_null(),
        "date_to",
        "ogiltigt datum (skriv ÅÅÅÅ-MM-DD)",
    )
    ck.flag(
        _col(df, "time_from").is_not_null() & m0_in.is_null(),
        "time_from",
        "ogiltig tid (skriv TT:MM)",
    )
    ck.flag(
        _col(df, "time_to").is_not_null() & m1_in.is_null(), "time_to", "ogiltig tid (skriv TT:MM)"
    )
    start_min = pl.col("_m0").fill_null(0)
    end_same_day = (
        pl.when(pl.col("_m1").is_not_null())
        .then(pl.col("_m1"))
        .when(pl.col("_m0").is_not_null())
        .then(pl.col("_m0"))
        .otherwise(23 * 60 + 59)
    )
    overnight = (
        pl.col("_d1").is_null()
        & pl.col("_m1").is_not_null()
        & pl.col("_m0").is_not_null()
        & (pl.col("_m1") < pl.col("_m0"))
    )
    end_date = (
        pl.when(pl.col("_d1").is_not_null())
        .then(pl.col("_d1"))
        .when(overnight)
        .then(pl.col("_d0") + pl.duration(days=1))
        .otherwise(pl.col("_d0"))
    )
    end_min = (
        pl.when(pl.col("_d1").is_not_null())
        .then(pl.col("_m1").fill_null(23 * 60 + 59))
        .otherwise(end_same_day)
    )
    df = df.with_columns(
        t_from=local_epoch(pl.col("_d0"), start_min), t_to=local_epoch(end_date, end_min)
    )
    ck.df = df
    ck.flag(
        pl.col("t_from").is_not_null()
        & pl.col("t_to").is_not_null()
        & (pl.col("t_to") < pl.col("t_from")),
        "date_to" if "date_to" in df.columns else "time_to",
        "till-tiden ligger före från-tiden",
    )
    return df


def _coordinates(df: pl.DataFrame, ck: _Checks, crs: str, *, required: bool) -> pl.DataFrame:
    """A coordinate pair → ``x``, ``y`` and ``srid`` (3006 or 4326), classified by magnitude."""
    a = parse_number(_col(df, "coord_a"))
    b = parse_number(_col(df, "coord_b"))
    df = df.with_columns(_a=a, _b=b)
    a, b = pl.col("_a"), pl.col("_b")

    def within(e: pl.Expr, rng: tuple[float, float]) -> pl.Expr:
        return e.is_between(*rng)

    sw_ab = within(a, SWEREF_E) & within(b, SWEREF_N)
    sw_ba = within(a, SWEREF_N) & within(b, SWEREF_E)
    wg_ab = within(a, WGS_LON) & within(b, WGS_LAT)
    wg_ba = within(a, WGS_LAT) & within(b, WGS_LON)
    rt90 = (within(a, RT90_E) & within(b, SWEREF_N)) | (within(a, SWEREF_N) & within(b, RT90_E))
    # Degrees in a file said to be in metres (13.5, 55.6 with SWEREF 99 TM chosen): named as such.
    degrees = (wg_ab | wg_ba) if crs == "3006" else pl.lit(False)
    if crs == "3006":
        wg_ab = wg_ba = pl.lit(False)
    elif crs == "4326":
        sw_ab = sw_ba = pl.lit(False)
    df = df.with_columns(
        x=pl.when(sw_ab).then(a).when(sw_ba).then(b).when(wg_ab).then(a).when(wg_ba).then(b),
        y=pl.when(sw_ab).then(b).when(sw_ba).then(a).when(wg_ab).then(b).when(wg_ba).then(a),
        srid=pl.when(sw_ab | sw_ba).then(3006).when(wg_ab | wg_ba).then(4326).cast(pl.Int32),
    )
    ck.df = df
    raw_a, raw_b = _col(df, "coord_a"), _col(df, "coord_b")
    has_any = raw_a.is_not_null() | raw_b.is_not_null()
    ck.flag(raw_a.is_not_null() & a.is_null(), "coord_a", "inte ett tal")
    ck.flag(raw_b.is_not_null() & b.is_null(), "coord_b", "inte ett tal")
    ck.flag(has_any & (raw_a.is_null() | raw_b.is_null()), "coord_a", "båda koordinaterna behövs")
    expected = {"3006": "SWEREF 99 TM", "4326": "WGS 84"}.get(crs, "SWEREF 99 TM eller WGS 84")
    ck.flag(
        a.is_not_null() & b.is_not_null() & pl.col("srid").is_null() & rt90,
        "coord_a",
        "koordinaten ser ut att vara RT 90, som inte stöds: exportera i SWEREF 99 TM",
    )
    ck.flag(
        a.is_not_null() & b.is_not_null() & pl.col("srid").is_null() & degrees,
        "coord_a",
        pl.format(
            "koordinaten ({}, {}) ser ut att vara grader (WGS 84), men SWEREF 99 TM (meter) är "
            "valt: välj WGS 84 eller Upptäck automatiskt",
            raw_a,
            raw_b,
        ),
    )
    ck.flag(
        a.is_not_null() & b.is_not_null() & pl.col("srid").is_null() & ~rt90 & ~degrees,
        "coord_a",
        pl.format("koordinaten ({}, {}) ligger inte i Sverige i " + expected, raw_a, raw_b),
    )
    if required:
        ck.flag(~has_any, "coord_a", "koordinater saknas")
    return df


def _unique(df: pl.DataFrame, ck: _Checks, key_expr: pl.Expr, field: str, what: str) -> None:
    """Flag rows whose key repeats an earlier row of the same file."""
    first = df.with_columns(_k=key_expr).with_columns(_first=pl.col(ROW).first().over("_k"))
    ck.df = first
    ck.flag(
        pl.col("_k").is_not_null() & (pl.col("_first") != pl.col(ROW)),
        field,
        pl.format(what + " finns redan på rad {}", pl.col("_first")),
    )


def _int(
    df: pl.DataFrame, ck: _Checks, key: str, lo: float, hi: float, *, required: bool
) -> pl.Expr:
    v = parse_number(_col(df, key))
    raw = _col(df, key)
    ck.flag(raw.is_not_null() & v.is_null(), key, "inte ett heltal")
    ck.flag(v.is_not_null() & (v != v.round(0)), key, "inte ett heltal")
    ck.flag(
        v.is_not_null() & ~v.is_between(lo, hi), key, f"utanför tillåtet intervall {lo:g}–{hi:g}"
    )
    if required:
        ck.flag(raw.is_null(), key, "värde saknas")
    return v.cast(pl.Int64, strict=False)


def _pct(df: pl.DataFrame, ck: _Checks, key: str) -> pl.Expr:
    v = parse_number(_col(df, key))
    ck.flag(_col(df, key).is_not_null() & v.is_null(), key, "inte ett tal")
    ck.flag(v.is_not_null() & ~v.is_between(0, 100), key, "en andel måste ligga mellan 0 och 100 %")
    return v


def _required_text(df: pl.DataFrame, ck: _Checks, key: str) -> None:
    ck.flag(_col(df, key).is_null(), key, "värde saknas")


def _lookup(df: pl.DataFrame, ck: _Checks, key: str, table: dict[str, str], what: str) -> pl.Expr:
    value = _fold_expr(key).replace_strict(table, default=None, return_dtype=pl.Utf8)
    ck.flag(
        pl.col(key).is_not_null() & value.is_null(),
        key,
        f"okänd {what} (tillåtna: " + ", ".join(dict.fromkeys(table.values())) + ")",
    )
    return value


# Crime groups ------------------------------------------------------------------------------------
_GROUP_WORDS: tuple[tuple[str, str], ...] = (
    (r"\brån\b|\brånet\b|grovt rån|väpnat rån", "rån"),
    (r"inbrott", "inbrott"),
    (r"narkotika", "narkotika"),
    (r"skadegörelse|klotter|åverkan|mordbrand|anlagd brand", "skadegorelse"),
    (r"misshandel|mord|dråp|våld mot|våldtäkt|grov fridskränkning", "vald"),
    (r"olaga hot|\bhot\b|ofredande|trakasseri", "hot"),
    (r"stöld|snatteri|tillgrepp|bedrägeri", "stold"),
    (r"rattfylleri|olovlig körning|vårdslöshet i trafik|trafik|smitning", "trafik"),
)
_GROUP_CHAPTER = {
    "03": "vald",
    "04": "hot",
    "08": "stold",
    "12": "skadegorelse",
    "50": "narkotika",
    "30": "trafik",
    "31": "trafik",
}


def crime_group_expr(crime_type: pl.Expr, code: pl.Expr) -> pl.Expr:
    """Police crime group from the benämning (keywords) or else the Brå code's chapter.

    Brå's crime codes start with the chapter of the Penal Code (03 = crimes against life and
    health, 04 = against liberty and peace, 08 = theft, 12 = criminal damage) or the special law
    (50 = narcotics, 30–31 = road traffic). Unknown → ``ovrigt``.
    """
    t = crime_type.str.to_lowercase()
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Utf8))
    for pattern, group in _GROUP_WORDS:
        expr = expr.when(t.str.contains(pattern)).then(pl.lit(group))
    chapter = code.str.replace_all(r"\D", "").str.zfill(4).str.slice(0, 2)
    return expr.otherwise(
        chapter.replace_strict(_GROUP_CHAPTER, default="ovrigt", return_dtype=pl.Utf8)
    )


def _police_group(
    df: pl.DataFrame,
    ck: _Checks,
    derived: pl.Expr,
    group_names: dict[str, str] | None = None,
) -> pl.Expr:
    """The Brottsgrupp column: a name the municipality added or re-mapped (``group_names``,
    :func:`~ostan_dash.ingest.police_groups.effective_names`) as they chose it; else our group
    (key or label); else the police's or Brå's own group name through
    :data:`ostan_dash.ingest.police_groups.GROUP_NAMES` — for a built-in group wider than ours
    (Tillgreppsbrott) the row's crime type and code decide when they say more — else a problem
    naming the row."""
    pg = police_groups
    names = pg.effective_names(group_names)
    folded = _fold_expr("crime_group_in").str.replace_all(r"\s*\([^)]*\)", "").str.strip_chars()
    ours = folded.replace_strict(
        label_lookup(vocab.POLICE_GROUPS), default=None, return_dtype=pl.Utf8
    )
    theirs = folded.replace_strict(pg.lookup(names), default=None, return_dtype=pl.Utf8)
    broad = folded.is_in([pg.fold_name(k) for k in pg.broad_names(names)])
    chosen = folded.is_in([pg.fold_name(k) for k in pg.chosen_names(names)])
    ck.flag(
        pl.col("crime_group_in").is_not_null() & ours.is_null() & theirs.is_null(),
        "crime_group_in",
        "okänd brottsgrupp (tillåtna: "
        + ", ".join(vocab.POLICE_GROUPS.values())
        + ", eller polisens egna gruppnamn som Tillgreppsbrott; se tabellen på sidan Import)",
    )
    refined = pl.when(broad & (derived != "ovrigt")).then(derived).otherwise(theirs)
    return pl.when(chosen).then(theirs).otherwise(pl.coalesce(ours, refined))


# Per kind ----------------------------------------------------------------------------------------
def _police(
    df: pl.DataFrame, ck: _Checks, crs: str, *, group_names: dict[str, str] | None = None
) -> pl.DataFrame:
    """``polisbrott``; ``group_names``: the municipality's changes to the police's group names."""
    _required_text(df, ck, "case_no")
    _required_text(df, ck, "crime_type")
    external = (
        pl.when(_col(df, "crime_no").is_not_null())
        .then(pl.concat_str([pl.col("case_no"), pl.lit("/"), _col(df, "crime_no")]))
        .otherwise(pl.col("case_no"))
    )
    df = df.with_columns(external_id=external)
    ck.df = df
    _unique(df, ck, pl.col("external_id"), "case_no", "samma diarienummer och brottsnummer")
    df = ck.df
    derived = crime_group_expr(pl.col("crime_type"), _col(df, "crime_code"))
    explicit = (
        _police_group(df, ck, derived, group_names)
        if "crime_group_in" in df.columns
        else pl.lit(None)
    )
    df = df.with_columns(crime_group=pl.coalesce(explicit, derived))
    ck.df = df
    df = _times(df, ck)
    df = _coordinates(df, ck, crs, required=False)
    ck.flag(
        pl.col("x").is_null() & _col(df, "coord_a").is_null() & _col(df, "area_ref").is_null(),
        "coord_a",
        "platsen saknas: ange koordinater eller område",
    )
    return df.select(
        ROW,
        "external_id",
        "crime_type",
        "crime_group",
        "t_from",
        "t_to",
        "x",
        "y",
        "srid",
        _col(df, "area_ref").alias("area_ref"),
    )


NAMES_ONLY_NOTE = (
    "Filen har koder och namn men inga gränser (geometrier): den importeras som områdesnamn. "
    "Områdena med filens koder får filens namn; gränser, typ och befolkning ändras inte. "
    "Varje kod måste redan finnas bland områdena (importera gränserna först)."
)


def _names_only(header: list[str], found: dict[str, str]) -> bool:
    """An ``omraden`` file of codes and names without geometries (e.g. SCB's list of
    municipalities): it renames the areas it names, nothing else."""
    return GEOMETRY not in header and {"code", "name"} <= set(found.values())


def _area_names(df: pl.DataFrame, ck: _Checks) -> pl.DataFrame:
    """Codes and names only (:func:`_names_only`): both filled in, each once in the file."""
    for k in ("code", "name"):
        _required_text(df, ck, k)
    _unique(df, ck, pl.col("code"), "code", "samma kod")
    _unique(ck.df, ck, pl.col("name"), "name", "samma namn")
    return ck.df.select(ROW, "code", "name")


def _areas(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    """Area boundaries. Without a Namn column the code is the name (SCB's DeSO have none);
    without Typ or Befolkning the store keeps a known area's and gives a new one ``blandat`` and
    0 (and says so). A column that is there must be filled in on every row. Without geometries
    a file of codes and names renames the areas (:func:`_area_names`)."""
    if GEOMETRY not in df.columns:
        return _area_names(df, ck)
    if "name" not in df.columns:
        df = df.with_columns(name=pl.col("code"))
        ck.df = df
    for k in ("code", "name", GEOMETRY):
        _required_text(df, ck, k)
    _unique(df, ck, pl.col("code"), "code", "samma kod")
    _unique(ck.df, ck, pl.col("name"), "name", "samma namn")
    df = ck.df
    if "kind" in df.columns:
        kind = _lookup(
            df,
            ck,
            "kind",
            label_lookup(
                vocab.AREA_KINDS, {"landsbygd": "by", "industriomrade": "verksamhetsomrade"}
            ),
            "områdestyp",
        )
        _required_text(df, ck, "kind")
    else:
        kind = pl.lit(None, dtype=pl.Utf8)
    if "population" in df.columns:
        pop = _int(df, ck, "population", 0, 10_000_000, required=True)
    else:
        pop = pl.lit(None, dtype=pl.Int64)
    return df.with_columns(kind=kind, population=pop).select(
        ROW,
        "code",
        "name",
        "kind",
        "population",
        pl.col(GEOMETRY).alias("geom"),
        pl.lit(int(crs) if crs in ("3006", "4326") else None, dtype=pl.Int32).alias("srid"),
    )


def _indicators(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    _required_text(df, ck, "area_ref")
    year = _int(df, ck, "year", 1990, 2100, required=True)
    pop = _int(df, ck, "population", 0, 10_000_000, required=True)
    u18 = _int(df, ck, "population_under18", 0, 10_000_000, required=False)
    if "population_under18" not in df.columns:
        ck.notes.append(
            "Filen anger inte Folkmängd 0–17 år: antalet och andelen 0–17 år sparas som "
            "uppgift saknas (inte 0), och kriteriet om andelen unga bedöms inte för de åren."
        )
    pcts = {
        k: _pct(df, ck, k)
        for k in (
            "pct_unsafe",
            "pct_not_working",
            "pct_low_education",
            "pct_no_final_grades",
            "pct_under18",
            "pct_non_voters",
        )
    }
    oc, bad = parse_bool(_col(df, "organised_crime"))
    ck.flag(bad, "organised_crime", "skriv Ja eller Nej")
    n = _int(df, ck, "n", 1, 10_000_000, required=False)
    n_eff = parse_number(_col(df, "n_eff"))
    ck.flag(_col(df, "n_eff").is_not_null() & n_eff.is_null(), "n_eff", "inte ett tal")
    ck.flag(n_eff.is_not_null() & (n_eff <= 0), "n_eff", "måste vara större än 0")
    df = df.with_columns(
        year=year,
        population=pop,
        population_under18=u18,
        organised_crime=oc.fill_null(False),
        n=n,
        n_eff=n_eff,
        **pcts,
    )
    ck.df = df
    ck.flag(
        pl.col("population_under18") > pl.col("population"),
        "population_under18",
        "fler barn än invånare",
    )
    ck.flag(
        pl.col("n_eff") > pl.col("n") + 0.01,
        "n_eff",
        "det effektiva antalet svar kan inte vara större än antalet svar",
    )
    ck.flag(
        (pl.col("n").is_not_null() | pl.col("n_eff").is_not_null())
        & pl.col("pct_unsafe").is_null(),
        "n",
        "antal svar hör till andelen otrygga, som saknas",
    )
    _unique(
        df,
        ck,
        pl.concat_str(
            [pl.col("area_ref").str.to_lowercase(), pl.col("year").cast(pl.Utf8)], separator="|"
        ),
        "area_ref",
        "samma område och år",
    )
    df = ck.df.with_columns(
        pct_under18=pl.coalesce(
            pl.col("pct_under18"),
            pl.when(pl.col("population") > 0)
            .then(pl.col("population_under18") / pl.col("population") * 100)
            .round(2),
        )
    )
    return df.select(
        ROW,
        "area_ref",
        "year",
        "population",
        "population_under18",
        *pcts,
        "organised_crime",
        "n",
        "n_eff",
    )


def _survey(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    _required_text(df, ck, "respondent_ref")
    _required_text(df, ck, "area_ref")
    year = _int(df, ck, "year", 1990, 2100, required=True)
    w = parse_number(_col(df, "weight"))
    ck.flag(_col(df, "weight").is_null(), "weight", "värde saknas")
    ck.flag(_col(df, "weight").is_not_null() & w.is_null(), "weight", "inte ett tal")
    ck.flag(w.is_not_null() & (w <= 0), "weight", "vikten måste vara större än 0")
    answers = {}
    for k in ("unsafe_evening", "worried_crime", "avoids_going_out", "victim"):
        v, bad = parse_bool(_col(df, k))
        ck.flag(bad, k, "svaret ska vara Ja, Nej eller tomt")
        answers[k] = v
    df = df.with_columns(year=year, weight=w, **answers)
    ck.df = df
    _unique(
        df,
        ck,
        pl.concat_str([pl.col("year").cast(pl.Utf8), pl.col("respondent_ref")], separator="|"),
        "respondent_ref",
        "samma löpnummer samma år",
    )
    return ck.df.select(ROW, "respondent_ref", "year", "area_ref", "weight", *answers)


def _places(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    _required_text(df, ck, "name")
    _required_text(df, ck, "kind")
    kind = _lookup(
        df,
        ck,
        "kind",
        label_lookup(
            vocab.PLACE_KINDS,
            {
                "hallplats": "busshallplats",
                "vardcentral": "vard",
                "polis": "polisstation",
                "grundskola": "skola",
                "gymnasium": "skola",
                **OSM_PLACE_KINDS,
            },
        ),
        "platstyp",
    )
    crit, bad = parse_bool(_col(df, "critical"))
    ck.flag(bad, "critical", "skriv Ja eller Nej")
    df = df.with_columns(kind=kind, critical=crit)
    ck.df = df
    df = _coordinates(df, ck, crs, required=False)
    has_geom = GEOMETRY in df.columns
    geom = pl.col(GEOMETRY) if has_geom else pl.lit(None, dtype=pl.Utf8)
    ck.flag(
        pl.col("x").is_null() & _col(df, "coord_a").is_null() & geom.is_null(),
        "coord_a",
        "platsen saknas: ange koordinater",
    )
    _unique(
        df,
        ck,
        pl.concat_str([_fold_expr("name"), pl.col("kind")], separator="|"),
        "name",
        "samma namn och typ",
    )
    df = ck.df
    return df.with_columns(
        critical=pl.coalesce(pl.col("critical"), pl.col("kind").is_in(list(CRITICAL_PLACE_KINDS))),
        srid=pl.coalesce(
            pl.col("srid"), pl.lit(int(crs) if crs in ("3006", "4326") else None, dtype=pl.Int32)
        ),
    ).select(ROW, "name", "kind", "critical", "x", "y", "srid", geom.alias("geom"))


def _streets(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    """Streets: a name and a line on every row; the kind from OpenStreetMap's ``highway`` or our
    own words (:data:`OSM_STREET_KINDS`), anything else ``övrigt`` – an extract carries many
    kinds of way and none of them is an error; the source names the extract (default
    ``import``), so a new extract from the same source replaces the old one."""
    _required_text(df, ck, "name")
    _required_text(df, ck, GEOMETRY)
    kind = (
        _fold_expr("kind").replace_strict(
            {_fold(k): v for k, v in OSM_STREET_KINDS.items()}, default="övrigt"
        )
        if "kind" in df.columns
        else pl.lit("övrigt")
    )
    source = (
        pl.col("source").str.strip_chars().replace("", None).fill_null("import")
        if "source" in df.columns
        else pl.lit("import")
    )
    return df.with_columns(kind=kind, source=source).select(
        ROW,
        "name",
        pl.col("kind").cast(pl.Utf8),
        pl.col("source").cast(pl.Utf8),
        pl.col(GEOMETRY).alias("geom"),
        pl.lit(int(crs) if crs in ("3006", "4326") else None, dtype=pl.Int32).alias("srid"),
    )


FIRST_CRIME_STATISTICS_YEAR = 1975  # Brå's series of reported crimes begins here
NATIONAL_NAMES = frozenset({"riket", "hela riket", "hela landet", "sverige", "riket totalt"})
NATIONAL_NAME = "Riket"
MISSING_MARKERS = ("..", ".", "…", "-", "–", "x", "X")
"""How Brå's and SCB's tables mark a figure that is missing or withheld (``..`` in Brå's
statistics database): such a count leaves its row out, such a rate or population is empty."""


def _crime_statistics(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    """``brottsstatistik``: Brå's reported crimes per region, crime type and year.

    The region is ``0180 Stockholm`` (SCB's code split off), ``Stockholm`` or the whole country
    (:data:`NATIONAL_NAMES`, stored as :data:`NATIONAL_NAME`). The year lies between 1975 (Brå's
    series) and this year; the count is a whole number ≥ 0; the rate per 100 000 and the
    population, when given, are ≥ 0. A region, crime type and year come once in a file.

    Left out with their reason, not refused (:meth:`_Checks.skip`): the footnotes under Brå's
    table (``Källa: Brå``: a text in the first column and no figures, below a row with
    figures), rows whose count is marked missing (:data:`MISSING_MARKERS`) and county rows (``Stockholms län``: the
    comparison is between municipalities and the country). A rate or population marked
    missing is empty.
    """
    df = df.with_columns(
        pl.when(pl.col(k).str.strip_chars().is_in(list(MISSING_MARKERS)))
        .then(pl.lit(None, dtype=pl.Utf8))
        .otherwise(pl.col(k))
        .alias(k)
        for k in ("per_100k_in", "population")
        if k in df.columns
    )
    ck.df = df
    figures = _col(df, "year").is_not_null() | _col(df, "count_in").is_not_null()
    ck.skip(  # under the table: after a row with figures (a file of such rows is refused)
        _col(df, "region_in").is_not_null()
        & ~figures
        & (pl.col(ROW) > pl.col(ROW).filter(figures).min()).fill_null(False),
        "region_in",
        "fotnot eller anmärkning utan siffror",
    )
    ck.skip(
        _col(df, "count_in").str.strip_chars().is_in(list(MISSING_MARKERS)),
        "count_in",
        "antalet saknas i filen",
    )
    ck.skip(
        _col(df, "region_in").str.strip_chars().str.to_lowercase().str.ends_with(" län"),
        "region_in",
        "ett län (jämförelsen gäller kommuner och riket)",
    )
    for k in ("region_in", "crime_type", "year", "count_in"):
        _required_text(df, ck, k)
    region = _col(df, "region_in").str.strip_chars().str.replace_all(r"\s+", " ")
    parts = region.str.extract_groups(r"^(\d{4})(?:\s+(.+))?$")
    code = parts.struct.field("1")
    name = pl.coalesce(parts.struct.field("2"), pl.when(code.is_null()).then(region), code)
    national = name.str.to_lowercase().is_in(list(NATIONAL_NAMES))
    last_year = config.today().year
    year = _int(df, ck, "year", FIRST_CRIME_STATISTICS_YEAR, last_year, required=False)
    count = parse_number(_col(df, "count_in"))
    ck.flag(_col(df, "count_in").is_not_null() & count.is_null(), "count_in", "inte ett heltal")
    ck.flag(count.is_not_null() & (count != count.round(0)), "count_in", "inte ett heltal")
    ck.flag(count < 0, "count_in", "antalet kan inte vara negativt")
    rate = parse_number(_col(df, "per_100k_in"))
    ck.flag(_col(df, "per_100k_in").is_not_null() & rate.is_null(), "per_100k_in", "inte ett tal")
    ck.flag(rate < 0, "per_100k_in", "antalet per 100 000 invånare kan inte vara negativt")
    pop = parse_number(_col(df, "population"))
    ck.flag(_col(df, "population").is_not_null() & pop.is_null(), "population", "inte ett heltal")
    ck.flag(
        pop.is_not_null() & ((pop != pop.round(0)) | (pop < 0) | (pop > 20_000_000)),
        "population",
        "folkmängden ska vara ett heltal mellan 0 och 20 000 000",
    )
    crime_type = _col(df, "crime_type").str.strip_chars().str.replace_all(r"\s+", " ")
    df = df.with_columns(
        region_code=pl.when(~national).then(code),
        region_name=pl.when(national).then(pl.lit(NATIONAL_NAME)).otherwise(name),
        is_national=national.fill_null(False),
        crime_type=crime_type,
        year=year.cast(pl.Int32),
        count=pl.when(count >= 0).then(count).cast(pl.Int64, strict=False),
        per_100k=pl.when(rate >= 0).then(rate),
        population=pl.when(pop >= 0).then(pop).cast(pl.Int64, strict=False),
    )
    ck.df = df
    _unique(
        df,
        ck,
        pl.concat_str(
            [
                pl.coalesce(pl.col("region_code"), pl.col("region_name").str.to_lowercase()),
                pl.col("crime_type"),
                pl.col("year").cast(pl.Utf8),
            ],
            separator="|",
        ),
        "region_in",
        "samma region, brottstyp och år",
    )
    return ck.df.select(
        ROW,
        "region_code",
        "region_name",
        "is_national",
        "crime_type",
        "year",
        "count",
        "per_100k",
        "population",
    )


def _control_characters(df: pl.DataFrame, ck: _Checks) -> None:
    """NUL and other control characters are refused in every text cell, at the edge.

    PostgreSQL cannot store NUL; see :mod:`ostan_dash.ingest.freetext` for the classes. Newline
    and tab are allowed only in :data:`MULTILINE_KEYS`. The cell is shown with the refused
    characters replaced by ``�``.
    """
    for key, dtype in df.schema.items():
        if key in (ROW, GEOMETRY) or dtype != pl.Utf8:
            continue
        multiline = key in MULTILINE_KEYS
        rx = freetext.POLARS_CONTROL_MULTILINE if multiline else freetext.POLARS_CONTROL_SINGLE_LINE
        shown = freetext.CONTROL_MULTILINE if multiline else freetext.CONTROL_SINGLE_LINE
        bad = df.filter(pl.col(key).str.contains(rx)).select(ROW, key)
        if bad.height:
            cells = bad[key].to_list()
            ck.parts.append(
                pl.DataFrame(
                    {
                        "rad": bad[ROW],
                        "falt": [ck.name(key)] * bad.height,
                        "orsak": [
                            freetext.control_message(c, subject="cellen", multiline=multiline)
                            for c in cells
                        ],
                        "varde": [shown.sub("\ufffd", c) for c in cells],
                    },
                    schema=PROBLEM_SCHEMA,
                )
            )


def _personal_data(df: pl.DataFrame, ck: _Checks, key: str) -> None:
    """Flag free-text cells holding personal data (:mod:`ostan_dash.ingest.privacy`).

    The reason names the kind and the offending span; the cell itself is not repeated. The
    Python guard runs only on the cells that pass the Polars pre-filter (``privacy.may_contain``).
    """
    if key not in df.columns:
        return
    today = config.today()
    rows, reasons = [], []
    cand = df.filter(privacy.may_contain(pl.col(key))).select(ROW, key)
    for rad, text in cand.iter_rows():
        found = privacy.messages(
            privacy.find_personal_data(text, today=today), subject="texten", advice=False
        )
        if found:
            rows.append(rad)
            reasons.append("; ".join(m.rstrip(".") for m in found) + ": inga personuppgifter")
    if rows:
        ck.parts.append(
            pl.DataFrame(
                {"rad": rows, "falt": [ck.name(key)] * len(rows), "orsak": reasons},
                schema={k: v for k, v in PROBLEM_SCHEMA.items() if k != "varde"},
            ).with_columns(varde=pl.lit(None, dtype=pl.Utf8))
        )


def _plausible_report_dates(df: pl.DataFrame, ck: _Checks) -> None:
    """A report's times lie between :data:`ostan_dash.ingest.reports.EARLIEST_DATE` and
    ``IMPORT_FUTURE_DAYS`` after today (``config.today()``): 1900 and 9999 are typing errors."""
    tz = config.TZ
    floor = int(dt.datetime.combine(reports.EARLIEST_DATE, dt.time(), tz).timestamp())
    last_day = config.today() + dt.timedelta(days=reports.IMPORT_FUTURE_DAYS)
    ceiling = int(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tz).timestamp())
    # Till: only a date written in the file (else the end follows from Från and is flagged there)
    ends = [("t_from", "date_from", pl.lit(True)), ("t_to", "date_to", pl.col("_d1").is_not_null())]
    for t, key, written in ends:
        ck.flag(
            written & (pl.col(t) < floor),
            key,
            f"datumet ligger före {reports.EARLIEST_DATE.isoformat()}: kontrollera året",
        )
        ck.flag(
            written & (pl.col(t) >= ceiling),
            key,
            f"datumet ligger i framtiden (senast {last_day.isoformat()}): kontrollera året",
        )


def _reports(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    _required_text(df, ck, "external_id")
    _unique(df, ck, pl.col("external_id"), "external_id", "samma ärende-id")
    df = ck.df
    cat = _lookup(df, ck, "category_in", label_lookup(vocab.CATEGORIES), "kategori")
    _required_text(df, ck, "category_in")
    df = df.with_columns(category=cat)
    ck.df = df
    sub_table = {
        f"{c}|{k}": v for c, subs in vocab.SUBTYPES.items() for k, v in label_lookup(subs).items()
    }
    sub = pl.concat_str(
        [pl.col("category"), _fold_expr("subtype_in")], separator="|"
    ).replace_strict(sub_table, default=None, return_dtype=pl.Utf8)
    _required_text(df, ck, "subtype_in")
    ck.flag(
        pl.col("category").is_not_null() & pl.col("subtype_in").is_not_null() & sub.is_null(),
        "subtype_in",
        "undertypen finns inte i kategorin",
    )
    obj = (
        _lookup(df, ck, "object_in", label_lookup(vocab.OBJECT_TYPES), "objekttyp")
        if "object_in" in df.columns
        else pl.lit(None, dtype=pl.Utf8)
    )
    ck.flag(
        _col(df, "object_in").is_not_null() & (pl.col("category") != "skadegorelse"),
        "object_in",
        "objekttyp anges bara för skadegörelse",
    )
    persons = _int(df, ck, "persons_in", 1, 1000, required=False)
    ck.flag(
        _col(df, "persons_in").is_not_null() & (pl.col("category") != "otrygg_samling"),
        "persons_in",
        "antal personer anges bara för samlingar av personer",
    )
    desc = _col(df, "description")
    ck.flag(
        desc.str.len_chars() > 2000,
        "description",
        "texten är längre än 2 000 tecken",
        value="_none",
    )
    _personal_data(df, ck, "description")
    df = df.with_columns(subtype=sub, object_type=obj, persons_count=persons, description=desc)
    ck.df = df
    df = _times(df, ck)
    _plausible_report_dates(df, ck)
    ck.flag(
        (pl.col("t_to") - pl.col("t_from")) > MAX_WINDOW_DAYS_INCIDENT * 86400,
        "date_to" if "date_to" in df.columns else "date_from",
        f"tidsfönstret är längre än {MAX_WINDOW_DAYS_INCIDENT} dagar",
    )
    df = _coordinates(df, ck, crs, required=True)
    return df.select(
        ROW,
        "external_id",
        "category",
        "subtype",
        "object_type",
        "persons_count",
        "t_from",
        "t_to",
        "x",
        "y",
        "srid",
        _col(df, "organisation").alias("organisation"),
        "description",
    )


GRID_SIZES = (250, 1000)  # metres: SCB's cells in towns and in the countryside


def _population_cells(df: pl.DataFrame, ck: _Checks, crs: str) -> pl.DataFrame:
    """SCB's population grid: the cell's lower-left corner from its rutid and/or coordinates
    (checked against each other here; against the polygon, the grid and Sweden in the store)."""
    pop = _int(df, ck, "population", 0, 10_000_000, required=True)
    size = _int(df, ck, "size_in", 1, 100_000, required=False)
    ck.flag(
        size.is_not_null() & ~size.is_in(list(GRID_SIZES)),
        "size_in",
        "rutstorleken ska vara 250 eller 1000 (meter)",
    )
    ref = _col(df, "cell_ref").str.replace_all(r"\s", "")
    ref_ok = ref.str.contains(r"^\d{13}$")
    # Eurostat's grid ids (1kmN3996E4605, CRS3035RES1000mN…) name cells of another grid.
    eu = ref.str.contains(r"(?i)^(?:\d+k?mN\d+E\d+|CRS3035RES\d+mN\d+E\d+)$")
    ck.flag(
        eu,
        "cell_ref",
        "rutid i EU:s rutnät (ETRS89-LAEA, EPSG:3035) stöds inte: använd SCB:s rutor i "
        "SWEREF 99 TM",
    )
    ck.flag(
        ref.is_not_null() & ~ref_ok & ~eu,
        "cell_ref",
        "rutid ska ha 13 siffror: östkoordinat (6) och nordkoordinat (7) för rutans nedre "
        "vänstra hörn i SWEREF 99 TM, t.ex. 4910006994000",
    )
    ref = pl.when(ref_ok).then(ref)
    # A coordinate pair in SWEREF 99 TM metres, in either column order (classified by magnitude).
    a, b = parse_number(_col(df, "coord_a")), parse_number(_col(df, "coord_b"))
    sw_ab = a.is_between(*SWEREF_E) & b.is_between(*SWEREF_N)
    sw_ba = a.is_between(*SWEREF_N) & b.is_between(*SWEREF_E)
    east = pl.when(sw_ab).then(a).when(sw_ba).then(b)
    north = pl.when(sw_ab).then(b).when(sw_ba).then(a)
    raw_a, raw_b = _col(df, "coord_a"), _col(df, "coord_b")
    has_xy = raw_a.is_not_null() | raw_b.is_not_null()
    ck.flag(raw_a.is_not_null() & a.is_null(), "coord_a", "inte ett tal")
    ck.flag(raw_b.is_not_null() & b.is_null(), "coord_b", "inte ett tal")
    ck.flag(has_xy & (raw_a.is_null() | raw_b.is_null()), "coord_a", "båda koordinaterna behövs")
    ck.flag(
        a.is_not_null() & b.is_not_null() & east.is_null(),
        "coord_a",
        pl.format(
            "koordinaten ({}, {}) ligger inte i Sverige i SWEREF 99 TM (SCB:s rutor anges i "
            "SWEREF 99 TM)",
            raw_a,
            raw_b,
        ),
    )
    ck.flag(
        east.is_not_null() & ((east != east.round(0)) | (north != north.round(0))),
        "coord_a",
        "rutans hörn ska anges i hela meter",
    )
    df = df.with_columns(
        _ref_given=_col(df, "cell_ref").is_not_null(),
        cell_ref=ref,
        _ex=ref.str.slice(0, 6).cast(pl.Int64, strict=False),
        _ny=ref.str.slice(6, 7).cast(pl.Int64, strict=False),
        _cx=east.round(0).cast(pl.Int64),
        _cy=north.round(0).cast(pl.Int64),
    )
    ck.df = df
    ck.flag(
        pl.col("_ex").is_not_null()
        & pl.col("_cx").is_not_null()
        & ((pl.col("_ex") != pl.col("_cx")) | (pl.col("_ny") != pl.col("_cy"))),
        "coord_a",
        pl.format(
            "koordinaterna ({}, {}) är inte rutans nedre vänstra hörn enligt rutid ({}, {})",
            pl.col("_cx"),
            pl.col("_cy"),
            pl.col("_ex"),
            pl.col("_ny"),
        ),
    )
    x0 = pl.coalesce(pl.col("_ex"), pl.col("_cx"))
    y0 = pl.coalesce(pl.col("_ny"), pl.col("_cy"))
    geom = _col(df, GEOMETRY)
    ck.flag(
        x0.is_null() & geom.is_null() & ~has_xy & ~pl.col("_ref_given"),
        "cell_ref",
        "rutans läge saknas: ange rutid, rutans hörn (x, y) eller rutans polygon",
    )
    # Without a size column or polygon: a file whose corners all lie on whole kilometres is a
    # 1 km grid; a single corner between them makes it the 250 m grid (the store says which).
    off_km = ((x0 % 1000 != 0) | (y0 % 1000 != 0)).fill_null(False)
    guess = (
        pl.when(x0.is_not_null().any())
        .then(pl.when(off_km.any()).then(pl.lit(250)).otherwise(pl.lit(1000)))
        .cast(pl.Int64)
    )
    year_raw = _col(df, "year")
    year = year_raw.str.extract(r"^\s*(\d{4})(?:\d{4}|-\d{2}-\d{2})?\s*$").cast(pl.Int32)
    ck.flag(
        year_raw.is_not_null() & (year.is_null() | ~year.is_between(1990, 2100)),
        "year",
        "ogiltigt år (skriv t.ex. 2024 eller SCB:s referenstid 20241231)",
    )
    day, bad = parse_bool(_col(df, "daytime_in"))
    ck.flag(bad, "daytime_in", "skriv Ja eller Nej")
    return ck.df.select(
        ROW,
        "cell_ref",
        x0.alias("x0_in"),
        y0.alias("y0_in"),
        size.alias("size_in"),
        guess.alias("size_guess"),
        pop.alias("population"),
        year.alias("year"),
        day.alias("daytime"),
        geom.alias("geom"),
        pl.lit(int(crs) if crs.isdigit() else None, dtype=pl.Int32).alias("srid"),
    )


def _police_events(
    df: pl.DataFrame,
    ck: _Checks,
    crs: str,
    *,
    event_types: dict[str, str | None] | None = None,
) -> pl.DataFrame:
    """The police's public events (:mod:`ostan_dash.ingest.police_events`): crimes only, the
    time from the name, the place as a municipality or county name, never a point.
    ``event_types``: the municipality's changes to the table of event types."""
    pe = police_events
    _required_text(df, ck, "event_id")
    _required_text(df, ck, "title")
    _required_text(df, ck, "event_type")
    ident = _col(df, "event_id").str.strip_chars()
    ck.flag(
        ident.is_not_null() & ~ident.str.contains(r"^\d{1,18}$"),
        "event_id",
        "händelsens id ska vara ett heltal",
    )
    group = pe.group_expr(_col(df, "event_type"), pe.effective_types(event_types))
    published = pe.parse_published(_col(df, "published_in"))
    df = df.with_columns(
        external_id=pl.lit("polisen.se:") + ident,
        crime_group=group,
        _pub=published,
        _pub_local=published.dt.convert_time_zone(TZ_NAME),
    )
    ck.df = df
    ck.skip(
        pl.col("crime_group") == pe.NOT_A_CRIME,
        "event_type",
        pl.format("händelsetypen {} är inget brott: importeras inte", pl.col("event_type")),
    )
    ck.skip(
        pl.col("crime_group") == pe.UNKNOWN,
        "event_type",
        pl.format(
            "händelsetypen {} finns inte i tabellen över polisens händelsetyper: importeras "
            "inte som brott",
            pl.col("event_type"),
        ),
    )
    _unique(df, ck, pl.col("external_id"), "event_id", "samma händelse-id")
    df = ck.df
    ck.flag(
        _col(df, "published_in").is_not_null() & pl.col("_pub").is_null(),
        "published_in",
        "ogiltig tid (väntat t.ex. 2026-08-22 19:51:41 +02:00)",
    )
    date, minutes = pe.title_date(pl.col("title"), pl.col("_pub_local"))
    occurred = local_epoch(date, minutes)
    place = pl.coalesce(
        pe.place_expr(pl.col("title"), pl.col("event_type")), _col(df, "location_name")
    )
    df = df.with_columns(
        _occ=occurred,
        t_published=pl.col("_pub").dt.epoch("s"),
        place=place,
    )
    ck.df = df
    fallback = df.filter(
        pl.col("_occ").is_null()
        & pl.col("t_published").is_not_null()
        & ~pl.col("crime_group").is_in([pe.NOT_A_CRIME, pe.UNKNOWN])
    ).height
    if fallback:
        ck.notes.append(
            f"{fallback} händelser har ingen läsbar tid i rubriken (t.ex. ”22 augusti 17.59, "
            "Brand, Kävlinge”): polisens publiceringstid används som tidpunkt."
        )
    t = pl.coalesce(pl.col("_occ"), pl.col("t_published"))
    ck.flag(pl.col("place").is_null(), "title", "platsen saknas i rubriken")
    return df.select(
        ROW,
        "external_id",
        pl.col("event_type").str.strip_chars().alias("crime_type"),
        "crime_group",
        t.alias("t_from"),
        t.alias("t_to"),
        "t_published",
        "place",
        pe.precision_expr(pl.col("place")).alias("precision"),
    )


_KIND_FN = {
    "polisbrott": _police,
    "omraden": _areas,
    "indikatorer": _indicators,
    "enkat": _survey,
    "platser": _places,
    "rapporter": _reports,
    "befolkningsrutor": _population_cells,
    "polishandelser": _police_events,
    "gator": _streets,
    "brottsstatistik": _crime_statistics,
}


def validate(
    kind: str,
    raw: pl.DataFrame,
    *,
    crs: str = "auto",
    event_types: dict[str, str | None] | None = None,
    group_names: dict[str, str] | None = None,
) -> Validated:
    """Validate the text cells of a file (``rad`` + one column per header) as import ``kind``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`.
    raw
        The frame of :class:`ostan_dash.ingest.read.RawTable` (all columns text).
    crs
        ``auto`` (classify each coordinate by magnitude), ``3006`` or ``4326`` (only accept that).
    event_types
        For ``polishandelser``: changes to :data:`ostan_dash.ingest.police_events.EVENT_TYPES`
        (event type → crime group key, or None for "not a crime").
    group_names
        For ``polisbrott``: changes to :data:`ostan_dash.ingest.police_groups.GROUP_NAMES`
        (the police's or Brå's group name → crime group key).

    Returns
    -------
    Validated
        ``rows``: the valid rows only, typed, ready to write; ``problems``: every problem with
        line, field and reason. The file is importable only when there are no problems.
    """
    if kind not in SPECS:
        raise ValueError(f"okänd importtyp: {kind}")
    spec = SPECS[kind]
    header = [c for c in raw.columns if c != ROW]
    found, missing, ignored = match_columns(header, spec)
    notes: list[str] = []
    level = scb_area_level(header) if kind == "omraden" else None
    if level is not None:
        # SCB's columns decide Kod and Namn by the geography, not by the order in the file.
        found = {h: k for h, k in found.items() if k not in ("code", "name")}
        found[level.code] = "code"
        if level.name is not None:
            found[level.name] = "name"
        ignored = [h for h in header if h not in found and h not in (ROW, GEOMETRY)]
        missing = [c for c in spec if c.required and c.key not in found.values()]
        notes.append(
            f"Filen har SCB:s kolumner för {level.label}: Kod från ”{level.code}”"
            + (
                f", Namn från ”{level.name}”."
                if level.name
                else f"; SCB ger {level.label} inga namn, så koden används som namn."
            )
        )
    if kind == "omraden" and _names_only(header, found):
        missing = [c for c in missing if c.key != GEOMETRY]
        notes.append(NAMES_ONLY_NOTE)
    if missing:
        problems = pl.DataFrame(
            {
                "rad": [1] * len(missing),
                "falt": [c.name for c in missing],
                "orsak": [
                    "kolumnen saknas"
                    if c.key != GEOMETRY
                    else "filen saknar geometrier (använd GeoJSON eller GeoPackage)"
                    for c in missing
                ],
                "varde": [None] * len(missing),
            },
            schema=PROBLEM_SCHEMA,
        )
        return Validated(pl.DataFrame(), problems, raw.height, ignored)
    df = raw.select(ROW, *[pl.col(h).alias(k) for h, k in found.items()])
    names = {k: (h if h != GEOMETRY else "geometri") for h, k in found.items()}
    ck = _Checks(df, names)
    ck.notes.extend(notes)
    _control_characters(df, ck)
    if kind == "polishandelser":
        out = _police_events(df, ck, crs, event_types=event_types)
    elif kind == "polisbrott":
        out = _police(df, ck, crs, group_names=group_names)
    else:
        out = _KIND_FN[kind](df, ck, crs)
    problems = ck.problems()
    skipped = ck.skipped().sort("rad")
    if not skipped.is_empty():  # a row left out for a reason cannot block the file
        problems = problems.filter(~pl.col("rad").is_in(skipped["rad"].implode()))
    bad = set(problems["rad"].to_list()) | set(skipped["rad"].to_list())
    rows = out.filter(~pl.col(ROW).is_in(list(bad))) if bad else out
    return Validated(rows, problems, raw.height, ignored, names, skipped, ck.notes)


def template(kind: str) -> pl.DataFrame:
    """An empty frame with the column names of ``kind`` in file order (a download for users)."""
    return pl.DataFrame(schema={c.name: pl.Utf8 for c in SPECS[kind] if c.key != GEOMETRY})
