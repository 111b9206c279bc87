"""Import templates: the columns of each kind with one example row that itself passes import.

A header alone says what the columns are called but not how a value is written (a date, a
decimal comma, Ja/Nej, a category's label, which coordinate is which). One plausible row shows
it, and because it validates, a user who edits it starts from something that works.

The example lies in the user's own municipality: the page passes a known area code, a point
inside that area (SWEREF 99 TM) and the municipality's name, so the preview of the unchanged
template finds its area and its place. Area boundaries need a geometry, which a CSV cannot
carry, so their template is GeoJSON.

Pure (no database, no Streamlit).
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from ostan_dash import vocab
from ostan_dash.ingest.read import GEOMETRY
from ostan_dash.ingest.validate import SPECS

# Kinds whose template is a GeoJSON file (their geometry is required); the others are CSV.
GEOJSON_KINDS = frozenset({"omraden", "gator"})


def _example_values(
    kind: str, *, today: dt.date, area_code: str, point: tuple[float, float], municipality: str
) -> dict[str, str]:
    """The example row of ``kind`` by column name, as text the way a Swedish file writes it."""
    east, north = round(point[0]), round(point[1])
    last_week = today - dt.timedelta(days=7)
    year = str(today.year - 1)  # yearly statistics are published for the year before
    coords = {"X-koordinat": str(north), "Y-koordinat": str(east)}  # X is northing in Sweden
    times = {
        "Från datum": last_week.isoformat(),
        "Från tid": "22:30",
        "Till datum": last_week.isoformat(),
        "Till tid": "23:15",
    }
    cell_e, cell_n = east // 250 * 250, north // 250 * 250  # lower-left corner of SCB's cell
    examples: dict[str, dict[str, str]] = {
        "polisbrott": {
            "Diarienummer": f"5000-K{today.year % 100:02d}1234",
            "Brottsnummer": "1",
            "Brottskod": "1206",
            "Brottsbenämning": "Skadegörelse genom klotter",
            "Brottsgrupp": vocab.POLICE_GROUPS["skadegorelse"],
            **times,
            "Område": area_code,
            **coords,
        },
        "omraden": {
            "Kod": "EX01",
            "Namn": "Exempelområdet",
            "Typ": vocab.AREA_KINDS["flerbostadsomrade"],
            "Befolkning": "2 400",
        },
        "indikatorer": {
            "Områdeskod": area_code,
            "År": year,
            "Folkmängd": "4 300",
            "Folkmängd 0–17 år": "860",
            "Andel otrygga (%)": "24,5",
            "Andel som inte arbetar (%)": "18,2",
            "Andel utan gymnasieutbildning (%)": "12,4",
            "Andel utan fullständiga betyg (%)": "21,0",
            "Andel 0–17 år (%)": "20,0",
            "Andel som inte röstade (%)": "27,3",
            "Organiserad brottslighet": "Nej",
            "Antal svar (andel otrygga)": "212",
            "Effektivt antal svar (andel otrygga)": "180,5",
        },
        "enkat": {
            "Löpnummer": "1001",
            "År": year,
            "Områdeskod": area_code,
            "Vikt": "1,25",
            "Otrygg utomhus kvällstid": "Ja",
            "Orolig för brottsligheten": "Ja",
            "Avstår från att gå ut": "Nej",
            "Utsatt för brott": "Nej",
        },
        "platser": {
            "Namn": "Exempelskolan",
            "Typ": vocab.PLACE_KINDS["skola"],
            "Skyddsvärd": "Ja",
            **coords,
        },
        # Brå's export as it reads: the region with SCB's code or as a name (Riket: the country).
        "brottsstatistik": {
            "Region": municipality,
            "Brottstyp": "Samtliga brott",
            "År": year,
            "Antal": "1 234",
            "Per 100 000 inv": "9 876,5",
            "Folkmängd": "12 495",
        },
        "gator": {"Namn": "Exempelgatan", "Typ": "residential", "Källa": "OpenStreetMap"},
        "befolkningsrutor": {
            "Rutid": f"{cell_e:06d}{cell_n:07d}",
            "Befolkning": "120",
            "Rutstorlek": "250",
            "Östkoordinat": str(cell_e),
            "Nordkoordinat": str(cell_n),
            "År": year,
            "Dagbefolkning": "Nej",
        },
        "polishandelser": {
            "id": "512345",
            "datetime": f"{last_week.isoformat()} 23:40:00 +01:00",
            "name": f"{last_week.day} {_MONTHS[last_week.month - 1]} 22.30, Skadegörelse, "
            f"{municipality}",
            "type": "Skadegörelse",
            "location.name": municipality,
        },
        "rapporter": {
            "Ärende-id": "EXEMPEL-1",
            "Kategori": vocab.CATEGORIES["skadegorelse"],
            "Undertyp": vocab.SUBTYPES["skadegorelse"]["klotter"],
            "Objekttyp": vocab.OBJECT_TYPES["busshallplats"],
            "Antal personer": "",
            **times,
            **coords,
            "Organisation": "",
            "Beskrivning": "Klotter på väderskyddet vid hållplatsen",
        },
    }
    return examples[kind]


_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def template(
    kind: str,
    *,
    today: dt.date,
    area_code: str,
    point: tuple[float, float],
    municipality: str = "Östan",
) -> pl.DataFrame:
    """The columns of ``kind`` in file order (all text) with one example row.

    Parameters
    ----------
    kind
        One of :data:`ostan_dash.ingest.validate.KINDS`.
    today
        Dates in the example are the week before (reports may not lie in the future).
    area_code
        A code of one of the municipality's areas (for the columns that name an area).
    point
        A point inside that area, (east, north) in SWEREF 99 TM metres.
    municipality
        Its name, as the police's events name it.
    """
    values = _example_values(
        kind, today=today, area_code=area_code, point=point, municipality=municipality
    )
    names = [c.name for c in SPECS[kind] if c.key != GEOMETRY]
    return pl.DataFrame(
        {n: [values.get(n) or None] for n in names}, schema=dict.fromkeys(names, pl.Utf8)
    )


def template_geojson(
    kind: str,
    *,
    today: dt.date,
    area_code: str,
    point: tuple[float, float],
    municipality: str = "Östan",
) -> bytes:
    """The template of a kind with geometry (:data:`GEOJSON_KINDS`): a FeatureCollection with
    one feature, a 400 m square (a street: a 400 m line) around ``point`` in SWEREF 99 TM (named in the legacy ``crs``
    member, which the reader understands), with the example row as its properties."""
    row = template(
        kind, today=today, area_code=area_code, point=point, municipality=municipality
    ).row(0, named=True)
    e, n = round(point[0]), round(point[1])
    ring = [[e - 200, n - 200], [e + 200, n - 200], [e + 200, n + 200], [e - 200, n + 200]]
    geometry = (
        {"type": "LineString", "coordinates": [[e - 200, n], [e + 200, n]]}  # a 400 m street
        if kind == "gator"
        else {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    )
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {k: v for k, v in row.items() if v is not None},
                "geometry": geometry,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode()


def point_in(geojson_wgs84: str) -> tuple[float, float]:
    """A point inside an area's outline (GeoJSON in WGS 84), as (east, north) in SWEREF 99 TM."""
    from pyproj import Transformer
    from shapely.geometry import shape

    p = shape(json.loads(geojson_wgs84)).representative_point()
    e, n = Transformer.from_crs(4326, 3006, always_xy=True).transform(p.x, p.y)
    return float(e), float(n)
