"""Read the files people actually have into a table of text cells with their line numbers.

Supported formats
-----------------
- **CSV** as Swedish Excel writes it: ``;`` separator (``,`` and tab are detected too), decimal
  comma, UTF-8 with or without BOM, Windows-1252 (the default "CSV (semikolonavgränsad)" of
  older Excel) or UTF-16 with BOM ("Unicode-text"). Quoted fields may contain separators and
  line breaks.
- **Excel** ``.xlsx`` (the first sheet, read with openpyxl): dates, times and numbers become the
  same text a CSV export would hold (``2026-03-02``, ``08:15``, ``6632000``). Every row of the
  sheet is read, whatever its declared dimension says.
- **GeoJSON** (a FeatureCollection): one row per feature, its properties as cells and its
  geometry as GeoJSON text in the column :data:`GEOMETRY`. A legacy ``crs`` member naming
  EPSG:3006 is honoured; otherwise coordinates are classified by magnitude later.
- **The police's events** (``polisen.se/api/events``, a JSON array of events with ``id``,
  ``datetime``, ``name``, ``type`` and ``location``), recognised by that shape: one row per
  event, ``location`` flattened to ``location.name`` and ``location.gps``
  (:mod:`ostan_dash.ingest.police_events`).
- **GeoPackage** (``.gpkg``, SQLite): the first feature table listed in ``gpkg_contents`` that is
  a real table (never a view or a virtual table, which could run arbitrary queries); the geometry
  column is turned from the GeoPackage binary format (a small header and ISO WKB) into hex WKB
  in :data:`GEOMETRY`.

Every row carries ``rad``: the line number as a person sees it in the file (the header is line 1,
so the first data row is line 2; in a spreadsheet the Excel row number; for GeoJSON and
GeoPackage the feature number, counted from 1). Nothing here touches the database.

Hostile files
-------------
Every way a file can be broken ends in a :class:`ReadError` with a Swedish sentence (the whole
file) or in :attr:`RawTable.problems` (one row, e.g. a geometry blob that cannot be decoded).
Limits that hold in any process: at most :data:`MAX_COLUMNS` columns, workbooks that unpack to
at most :data:`MAX_XLSX_UNPACKED` bytes (zip bombs), GeoPackage queries stopped after
:data:`GPKG_SECONDS`. Time and memory as a whole are bounded by running this in a child process
(:mod:`ostan_dash.ingest.worker`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import sqlite3
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

GEOMETRY = "__geometri__"
ROW = "rad"

MAX_COLUMNS = 1000
HEADER_SCAN_LINES = 30  # lines read to find the header below any title lines
MAX_XLSX_UNPACKED = 400 * 1024 * 1024  # bytes of XML a workbook may unpack to
MAX_ZIP_RATIO = 200  # Excel's XML compresses ~5–20 ×; deflate's ceiling is ~1 000 ×
XLSX_MAX_ROWS = 1_048_576  # Excel's last row
GPKG_SECONDS = 45.0  # a query of a GeoPackage is interrupted after this long
CSV_FIELD_LIMIT = 1_000_000  # characters in one quoted CSV cell
GPKG_MAX_VALUE = 50 * 1024 * 1024  # bytes of one GeoPackage value (text, blob, computed column)


class ReadError(ValueError):
    """The file cannot be read at all (wrong format, empty, broken); the message is Swedish."""


@dataclass
class RawTable:
    """The cells of a file as text, with ``rad`` (line numbers) and what was learnt reading it."""

    frame: pl.DataFrame
    file_name: str
    sha256: str
    fmt: str  # csv | xlsx | geojson | gpkg | json
    encoding: str | None = None
    shape: str | None = None  # a known file recognised by its shape: "polishandelser"
    geometry_format: str | None = None  # geojson | wkb
    srid: int | None = None  # declared by the file, when it says
    header_row: int | None = None  # the header's line (CSV) or sheet row (xlsx), 1-based
    notes: list[str] = field(default_factory=list)
    # Rows that could be read but not understood: (rad, falt, orsak, varde), Swedish.
    problems: list[tuple[int, str, str, str | None]] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows in the file (blank lines not counted)."""
        return self.frame.height


def sha256(data: bytes) -> str:
    """Hex SHA-256 of the file's bytes (recorded with every import)."""
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with BOM, UTF-8 (with or without BOM) when valid, else
    Windows-1252.

    Windows-1252 decodes any byte string, so the order matters: a file that is valid UTF-8 is
    almost never meant as cp1252 (Swedish å, ä, ö in cp1252 are single bytes ≥ 0xC0 that do not
    form valid UTF-8 sequences with the following ASCII). A file with many NUL bytes and no
    UTF-16 BOM is not text at all and is refused.

    Returns
    -------
    (text, encoding) with encoding one of ``utf-8-sig``, ``utf-8``, ``utf-16``, ``cp1252``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise ReadError(
                "Filen börjar som UTF-16-text men går inte att avkoda: spara den som CSV (UTF-8)."
            ) from e
    if data[:4096].count(b"\x00") > 8:
        raise ReadError(
            "Filen innehåller binära data (NUL-tecken) och är inte en textfil: spara den som CSV "
            "(UTF-8) eller .xlsx."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV header: ``;`` unless ``,`` or tab is clearly the one used."""
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ";"


def _clean_header(names: list[str], *, reserved: tuple[str, ...] = (ROW, GEOMETRY)) -> list[str]:
    """Column names: blanks named ``kolumn_N``, repeats and our own names (``rad``, the
    geometry column) given a trailing ``_`` so no file header can overwrite them."""
    if len(names) > MAX_COLUMNS:
        raise ReadError(
            f"Filen har {len(names)} kolumner; högst {MAX_COLUMNS} stöds. Kontrollera att "
            "avgränsaren är semikolon, komma eller tabb."
        )
    out: list[str] = []
    seen: set[str] = set(reserved)
    for i, n in enumerate(names):
        name = (n or "").strip().strip("\ufeff") or f"kolumn_{i + 1}"
        while name in seen:
            name += "_"
        seen.add(name)
        out.append(name)
    return out


def _frame(
    header: list[str],
    rows: list[list[str | None]],
    lines: list[int],
    geometry: list[str | None] | None = None,
) -> pl.DataFrame:
    header = _clean_header(header)
    width = len(header)
    cols: list[list[str | None]] = [[] for _ in range(width)]
    for r in rows:
        for j in range(width):
            v = r[j] if j < len(r) else None
            cols[j].append(v.strip() if isinstance(v, str) and v.strip() != "" else None)
    data = {h: pl.Series(h, c, dtype=pl.Utf8) for h, c in zip(header, cols, strict=True)}
    if geometry is not None:
        data[GEOMETRY] = pl.Series(GEOMETRY, geometry, dtype=pl.Utf8)
    return pl.DataFrame({ROW: pl.Series(ROW, lines, dtype=pl.Int64), **data})


_CSV_ERRORS = (
    ("field larger than field limit", f"en cell är längre än {CSV_FIELD_LIMIT:,} tecken"),
    ("line contains nul", "raden innehåller ett NUL-tecken"),
    ("new-line character seen in unquoted field", "en radbrytning mitt i en cell utan citattecken"),
    ("unexpected end of data", "filen tar slut mitt i en cell med citattecken"),
    ("expected", 'citattecknen stämmer inte (ett " saknas eller står fel)'),
)


def _csv_error_text(e: csv.Error) -> str:
    msg = str(e).lower()
    reason = next((sv for en, sv in _CSV_ERRORS if en in msg), "raden går inte att tolka")
    return reason.replace(",", "\u00a0")


def read_csv(data: bytes, header_row: int | None = None) -> tuple[pl.DataFrame, str]:
    """Read CSV bytes into text cells (see :func:`read_csv_at`)."""
    frame, encoding, _ = read_csv_at(data, header_row)
    return frame, encoding


def read_csv_at(data: bytes, header_row: int | None = None) -> tuple[pl.DataFrame, str, int]:
    """Read CSV bytes into text cells; blank lines (also ``;;;`` lines from Excel) are skipped.

    Line numbers are exact even when a quoted cell spans several lines.
    """
    text, encoding = decode_text(data)
    if not text.strip():
        raise ReadError("Filen är tom.")
    sep, skip = header_position(text, header_row)
    if skip:
        text = text.split("\n", skip)[-1] if text.count("\n") >= skip else ""
        if not text.strip():
            raise ReadError(f"Filen har inga rader efter rubrikraden (rad {skip + 1}).")
    frame, encoding = _read_csv_text(text, sep, encoding)
    return (frame.with_columns(pl.col(ROW) + skip) if skip else frame), encoding, skip + 1


def find_header_row(lines: list[list[str]]) -> int:
    """The 1-based index of the header among the first lines' cells (title lines above it).

    The table's usual width is the most common count of filled cells among the first
    :data:`HEADER_SCAN_LINES` non-blank lines (the widest on a tie); the header is the first
    line with at least half of it (and two cells when the table has more than two): a title
    line has one cell, a header may be narrower than rows with extra cells.

    >>> find_header_row([["Folkmängd efter region och år"], [], ["region", "2023", "2024"],
    ...             ["0880 Kalmar", "1", "2"], ["0881 Nybro", "3", "4"]])
    3
    >>> find_header_row([["Kod", "Namn"], ["1", "a"]])
    1
    """
    widths = [sum(1 for c in cells if c and c.strip()) for cells in lines[:HEADER_SCAN_LINES]]
    filled = [w for w in widths if w > 0]
    if not filled:
        return 1
    counts = Counter(filled)
    usual = max(counts, key=lambda w: (counts[w], w))
    need = usual if usual <= 2 else max(2, (usual + 1) // 2)
    return next(i for i, w in enumerate(widths, start=1) if w >= need)


def header_position(text: str, header_row: int | None = None) -> tuple[str, int]:
    """(separator, lines above the header) of CSV text: title lines above the header are found
    by :func:`find_header_row` unless ``header_row`` (1-based) says."""
    head = text.replace("\r\n", "\n").split("\n", HEADER_SCAN_LINES + 1)
    head = head[:HEADER_SCAN_LINES]
    sep = _sniff_lines(head)
    if header_row is not None:
        return sep, max(header_row - 1, 0)
    cells = [line.split(sep) if line.strip() else [] for line in head]
    return sep, find_header_row(cells) - 1


def _sniff_lines(lines: list[str]) -> str:
    """The separator whose count per line is most often the same non-zero number (the header
    line alone decides on a tie, as :func:`sniff_separator`)."""
    from collections import Counter

    best, score = sniff_separator(lines[0] if lines else ""), 0
    for sep in (";", "\t", ","):
        counts = Counter(n for line in lines if (n := line.count(sep)) > 0)
        top = max(counts.values(), default=0)
        if top > score:
            best, score = sep, top
        elif top == score and top > 0 and sep == sniff_separator(lines[0]):
            best = sep
    return best


def _read_csv_text(text: str, sep: str, encoding: str) -> tuple[pl.DataFrame, str]:
    plain = text.replace("\r\n", "\n")
    if '"' not in text and "\n\n" not in plain.rstrip("\n") and "\r" not in plain:
        try:
            return _read_plain_csv(plain, sep), encoding
        except (pl.exceptions.PolarsError, ValueError) as e:
            if isinstance(e, ReadError):
                raise
            # Polars refuses some odd files that the csv module reads (e.g. a lone NUL byte).
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    try:
        header = next(reader)
        rows: list[list[str | None]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        for rec in reader:
            if any(c.strip() for c in rec):
                rows.append(rec)
                lines.append(start)
            start = reader.line_num + 1
    except StopIteration as e:  # pragma: no cover - empty text handled above
        raise ReadError("Filen är tom.") from e
    except csv.Error as e:
        raise ReadError(
            f"Filen går inte att läsa som CSV (rad {start}): {_csv_error_text(e)}."
        ) from e
    return _frame(header, rows, lines), encoding


def _read_plain_csv(text: str, sep: str) -> pl.DataFrame:
    """Fast path for CSV without quotes or blank lines: every record is exactly one line, so
    Polars' reader can be used and line numbers follow from row positions."""
    df = pl.read_csv(
        text.encode(),
        separator=sep,
        has_header=False,
        infer_schema=False,
        quote_char=None,
        truncate_ragged_lines=True,
    )
    header = _clean_header([v or "" for v in df.row(0)])
    body = df.slice(1)
    body.columns = header
    cleaned = body.with_columns(
        pl.when(pl.col(c).str.strip_chars().str.len_chars() > 0).then(pl.col(c).str.strip_chars())
        for c in header
    ).with_row_index(ROW, offset=2)
    return (
        cleaned.filter(pl.any_horizontal(pl.col(header).is_not_null()))
        .with_columns(pl.col(ROW).cast(pl.Int64))
        .select(ROW, *header)
    )


def _cell_text(v: object) -> str | None:
    """An Excel cell as the text a Swedish CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        if v.hour == v.minute == v.second == 0:
            return v.strftime("%Y-%m-%d")
        return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S" if v.second else "%H:%M")
    if isinstance(v, bool):
        return "Ja" if v else "Nej"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v).hex()
    if isinstance(v, dict | list):
        try:
            return json.dumps(v, ensure_ascii=False)
        except (ValueError, RecursionError) as e:
            raise ReadError("Filen innehåller ett värde som är för djupt nästlat.") from e
    return str(v)


def _check_zip(data: bytes) -> None:
    """Refuse a workbook that unpacks to far more than it weighs (a zip bomb) before opening."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise ReadError(
            "Filen går inte att öppna som Excel-arbetsbok (.xlsx): zip-arkivet är trasigt."
        ) from e
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > MAX_XLSX_UNPACKED or (
        unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO
    ):
        raise ReadError(
            f"Arbetsboken packas upp till {unpacked / 1024 / 1024:,.0f} MB från "
            f"{len(data) / 1024 / 1024:,.1f} MB; högst {MAX_XLSX_UNPACKED // 1024 // 1024} MB "
            "stöds. Spara bladet som CSV.".replace(",", "\u00a0")
        )


def read_xlsx(data: bytes, header_row: int | None = None) -> pl.DataFrame:
    """The first sheet of an ``.xlsx`` workbook (see :func:`read_xlsx_at`)."""
    return read_xlsx_at(data, header_row)[0]


def read_xlsx_at(data: bytes, header_row: int | None = None) -> tuple[pl.DataFrame, int]:
    """Read the first sheet of an ``.xlsx`` workbook; the first non-empty row is the header.

    The sheet's declared dimension (``<dimension ref="A1:B2"/>``) is ignored
    (``reset_dimensions``): a workbook written by another program may declare fewer rows than it
    holds, and openpyxl's read-only mode would silently stop at the declared last row.
    """
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise ReadError("Filen går inte att öppna som Excel-arbetsbok (.xlsx).") from e
    rows: list[list[str | None]] = []
    lines: list[int] = []
    try:
        if not wb.worksheets:
            raise ReadError("Arbetsboken har inget kalkylblad.")
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if n > XLSX_MAX_ROWS:  # a row number Excel cannot write: openpyxl would fill the gap
                raise ReadError(
                    f"Arbetsboken har rader efter rad {XLSX_MAX_ROWS:,}, Excels sista rad: "
                    "bladet är trasigt.".replace(",", "\u00a0")
                )
            cells = [_cell_text(v) for v in values]
            if not any(c is not None and c.strip() for c in cells):
                continue
            rows.append(cells)
            lines.append(n)
    except ReadError:
        raise
    except Exception as e:  # broken XML inside the archive, bad cell references, …
        raise ReadError(
            f"Arbetsboken går inte att läsa (efter rad {lines[-1] if lines else 1}): "
            "bladet är trasigt. Spara om den i Excel eller som CSV."
        ) from e
    finally:
        wb.close()
    if not rows:
        raise ReadError("Arbetsboken är tom.")
    if header_row is None:  # the n-th non-empty row, title rows above it
        at = find_header_row([[c or "" for c in r] for r in rows]) - 1
    else:  # the sheet's row number as Excel shows it
        at = next((i for i, n in enumerate(lines) if n >= header_row), len(lines) - 1)
    header = [c or "" for c in rows[at]]
    return _frame(header, rows[at + 1 :], lines[at + 1 :]), lines[at]


def _srid_from_crs(crs: object) -> int | None:
    """EPSG code from a GeoJSON ``crs`` member (``urn:ogc:def:crs:EPSG::3006``, ``EPSG:3006``)."""
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties")
    name = str(props.get("name", "")) if isinstance(props, dict) else ""
    if "CRS84" in name.upper():
        return 4326
    digits = name.rsplit(":", 1)[-1]
    return int(digits) if re.fullmatch(r"[0-9]{1,6}", digits) else None


def _load_json(data: bytes) -> object:
    text, _ = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(f"Filen är inte giltig GeoJSON (rad {e.lineno}: {_json_error(e)}).") from e
    except RecursionError as e:
        raise ReadError("GeoJSON-filen är för djupt nästlad för att läsas.") from e
    except ValueError as e:  # e.g. an integer of more than 4 300 digits
        raise ReadError("GeoJSON-filen innehåller ett tal som är för långt.") from e


POLICE_EVENT_KEYS = frozenset({"id", "datetime", "name", "type", "location"})
POLICE_EVENT_COLUMNS = (
    "id",
    "datetime",
    "name",
    "type",
    "summary",
    "url",
    "location.name",
    "location.gps",
)


def is_pxweb(doc: object) -> bool:
    """An answer of SCB's PxWeb API (v1 JSON: ``columns``, ``data`` with ``key``/``values``)."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("columns"), list)
        and isinstance(doc.get("data"), list)
        and "type" not in doc
    )


def pxweb_refusal(doc: dict) -> str:
    """The Swedish refusal of a PxWeb answer, naming the table when the answer says which."""
    meta = doc.get("metadata")
    label = (
        meta[0].get("label")
        if isinstance(meta, list) and meta and isinstance(meta[0], dict)
        else None
    )
    title = f" (”{str(label)[:120]}”)" if label else ""
    return (
        f"Filen är ett svar från SCB:s PxWeb-API{title}, som inte kan importeras direkt än: "
        "räkna fram värdena per område och år och spara dem som CSV enligt mallen för "
        "importtypen (t.ex. Områdesindikatorer)."
    )


def is_police_events(doc: object) -> bool:
    """The police's events API answer (``polisen.se/api/events``): a JSON array whose objects
    have ``id``, ``datetime``, ``name``, ``type`` and ``location`` (the first ten are looked at)."""
    if not isinstance(doc, list) or not doc:
        return False
    head = [e for e in doc[:10] if isinstance(e, dict)]
    return bool(head) and all(POLICE_EVENT_KEYS <= e.keys() for e in head)


def read_police_events(
    doc: list,
) -> tuple[pl.DataFrame, list[tuple[int, str, str, str | None]]]:
    """The events of the police's API → one row per event, numbered from 1 as in the array.

    Columns :data:`POLICE_EVENT_COLUMNS` (``location`` flattened to ``location.name`` and
    ``location.gps``); an element that is not an object is a row problem.
    """
    rows: list[list[str | None]] = []
    problems: list[tuple[int, str, str, str | None]] = []
    for n, e in enumerate(doc, start=1):
        if not isinstance(e, dict):
            problems.append((n, "id", "händelsen är inte ett JSON-objekt", None))
            rows.append([])
            continue
        loc = e.get("location")
        loc = loc if isinstance(loc, dict) else {}
        rows.append(
            [
                _cell_text(e.get("id")),
                _cell_text(e.get("datetime")),
                _cell_text(e.get("name")),
                _cell_text(e.get("type")),
                _cell_text(e.get("summary")),
                _cell_text(e.get("url")),
                _cell_text(loc.get("name")),
                _cell_text(loc.get("gps")),
            ]
        )
    frame = _frame(list(POLICE_EVENT_COLUMNS), rows, list(range(1, len(rows) + 1)))
    return frame, problems


def read_geojson(
    data: bytes, doc: object = None
) -> tuple[pl.DataFrame, int | None, list[tuple[int, str, str, str | None]]]:
    """A GeoJSON FeatureCollection → properties as text cells plus geometry as GeoJSON text.

    Returns the frame, the SRID a legacy ``crs`` member declares and row problems (a feature
    that is not an object, coordinates that are not finite numbers). ``doc``: the file already
    parsed as JSON.
    """
    if doc is None:
        doc = _load_json(data)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ReadError("GeoJSON-filen måste vara en FeatureCollection.")
    features = doc.get("features")
    if features is None:
        features = []
    if not isinstance(features, list):
        raise ReadError("GeoJSON-filens ”features” måste vara en lista av objekt.")
    keys: dict[str, None] = {}
    for f in features:
        props = f.get("properties") if isinstance(f, dict) else None
        if isinstance(props, dict):
            keys.update(dict.fromkeys(str(k) for k in props))
    if len(keys) > MAX_COLUMNS:
        _clean_header(list(keys))  # raises the Swedish message
    rows: list[list[str | None]] = []
    geoms: list[str | None] = []
    problems: list[tuple[int, str, str, str | None]] = []
    for n, f in enumerate(features, start=1):
        if not isinstance(f, dict):
            problems.append((n, "geometri", "objektet är inte ett GeoJSON-Feature", None))
            rows.append([])
            geoms.append(None)
            continue
        props = f.get("properties")
        props = {str(k): v for k, v in props.items()} if isinstance(props, dict) else {}
        geom = f.get("geometry")
        rows.append([_cell_text(props.get(k)) for k in keys])
        try:
            geoms.append(json.dumps(geom, allow_nan=False) if geom else None)
        except (ValueError, RecursionError):
            problems.append(
                (
                    n,
                    "geometri",
                    "geometrin har ogiltiga koordinater (oändliga eller för djup)",
                    None,
                )
            )
            geoms.append(None)
    frame = _frame(list(keys), rows, list(range(1, len(rows) + 1)), geometry=geoms)
    return frame, _srid_from_crs(doc.get("crs")), problems


def _json_error(e: json.JSONDecodeError) -> str:
    msg = e.msg.lower()
    if "expecting value" in msg:
        return "ett värde saknas"
    if "expecting property name" in msg:
        return "ett namn inom citattecken saknas"
    if "extra data" in msg:
        return "text efter slutet"
    if "unterminated string" in msg:
        return "en text saknar avslutande citattecken"
    if "control character" in msg:
        return "ett styrtecken i en text"
    return "fel tecken"


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_to_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage binary header (magic ``GP``, version, flags, srs id, envelope)
    and return the ISO WKB geometry that follows (OGC GeoPackage 1.3, §2.1.3).

    Raises :class:`ValueError` with a Swedish reason for anything that is not a standard
    GeoPackage geometry blob (wrong magic, unknown version, reserved envelope code, extended
    type, a blob shorter than its header).
    """
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise ValueError("geometrin är inte en GeoPackage-geometri (inte binär)")
    blob = bytes(blob)
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("geometrin är inte en GeoPackage-geometri")
    if blob[2] != 0:
        raise ValueError(f"okänd version {blob[2]} av GeoPackage-geometrin")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ValueError("utökade GeoPackage-geometrier stöds inte")
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("okänd envelope-typ i geometrins huvud")
    wkb = blob[8 + envelope :]
    if len(wkb) < 5:
        raise ValueError("geometrin är avkortad (huvudet är längre än blobben)")
    return wkb


def _gpkg_feature_table(con: sqlite3.Connection) -> tuple[str, str, object]:
    """The first feature table that is a real table: (table, geometry column, srs id).

    Reads only ``sqlite_master`` until it knows that the catalogue tables themselves are tables:
    a view named ``gpkg_contents`` could otherwise run any query. Feature "tables" that are
    views or virtual tables are refused rather than skipped, so the user learns why.
    """
    kinds = {
        name: (kind, sql or "")
        for name, kind, sql in con.execute(
            "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view')"
        )
    }

    def real_table(name: str) -> bool:
        kind, sql = kinds.get(name, ("", ""))
        return kind == "table" and not sql.lstrip().upper().startswith("CREATE VIRTUAL")

    if "gpkg_geometry_columns" not in kinds:
        raise ReadError("GeoPackage-filen har ingen tabell med geometrier (gpkg_geometry_columns).")
    for catalogue in ("gpkg_geometry_columns", "gpkg_contents"):
        if catalogue in kinds and not real_table(catalogue):
            raise ReadError(
                f"GeoPackage-filens katalog {catalogue} är en vy, inte en tabell: filen läses inte."
            )
    if "gpkg_contents" in kinds:
        candidates = con.execute(
            "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name) "
            "WHERE c.data_type = 'features' ORDER BY c.table_name LIMIT 100"
        ).fetchall()
    else:  # GeoPackages written by hand often lack gpkg_contents; gpkg_geometry_columns says it
        candidates = con.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns "
            "ORDER BY table_name LIMIT 100"
        ).fetchall()
    if not candidates:
        raise ReadError("GeoPackage-filen har ingen tabell med geometrier.")
    lower = {k.lower(): k for k in kinds}
    for table, geom_col, srid in candidates:
        name = lower.get(str(table).lower())
        if name is None:
            continue
        if not real_table(name):
            raise ReadError(
                f"GeoPackage-filens lager ”{table}” är en vy eller virtuell tabell, inte en "
                "tabell: bara riktiga tabeller läses. Spara lagret som en tabell."
            )
        return name, str(geom_col), srid
    raise ReadError("GeoPackage-filens lager med geometrier finns inte i filen.")


def read_gpkg(
    data: bytes,
) -> tuple[pl.DataFrame, int | None, list[tuple[int, str, str, str | None]]]:
    """The first feature table of a GeoPackage: attributes as text, geometry as hex WKB.

    Returns the frame, the declared SRID and row problems (geometry blobs that cannot be
    decoded: the row is kept with no geometry and the problem names it). The file is opened
    read-only with ``trusted_schema`` off and every query is interrupted after
    :data:`GPKG_SECONDS`.
    """
    problems: list[tuple[int, str, str, str | None]] = []
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.gpkg"
        path.write_bytes(data)
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as e:  # pragma: no cover
            raise ReadError("Filen går inte att öppna som GeoPackage.") from e
        deadline = time.monotonic() + GPKG_SECONDS
        con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        # A generated column such as hex(zeroblob(4e8)) would build one huge value per row.
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, GPKG_MAX_VALUE)
        try:
            con.execute("PRAGMA trusted_schema = OFF")
            con.execute("PRAGMA query_only = ON")
            table, geom_col, srid = _gpkg_feature_table(con)
            # Identifiers come from the file's own catalogue; quote them as identifiers.
            q_table = '"' + table.replace('"', '""') + '"'
            cur = con.execute(f"SELECT * FROM {q_table}")  # noqa: S608
            names = [c[0] for c in cur.description]
            if not any(n.lower() == geom_col.lower() for n in names):
                raise ReadError(f"GeoPackage-filens geometrikolumn ”{geom_col}” saknas i tabellen.")
            geom_col = next(n for n in names if n.lower() == geom_col.lower())
            rows: list[list[str | None]] = []
            geoms: list[str | None] = []
            for n, rec in enumerate(cur, start=1):
                cells: list[str | None] = []
                geom_hex = None
                for name, v in zip(names, rec, strict=True):
                    if name == geom_col:
                        if v is not None:
                            try:
                                geom_hex = gpkg_to_wkb(v).hex()
                            except ValueError as e:
                                problems.append((n, "geometri", str(e), None))
                    elif name.lower() != "fid":
                        cells.append(_cell_text(v))
                rows.append(cells)
                geoms.append(geom_hex)
        except sqlite3.DataError as e:  # string or blob too big
            raise ReadError(
                f"GeoPackage-filen har ett värde större än {GPKG_MAX_VALUE // 1024 // 1024} MB: "
                "filen läses inte."
            ) from e
        except sqlite3.OperationalError as e:
            if "interrupted" in str(e).lower():
                raise ReadError(
                    f"GeoPackage-filen tog mer än {GPKG_SECONDS:.0f} s att läsa och avbröts."
                ) from e
            raise ReadError("Filen går inte att läsa som GeoPackage.") from e
        except sqlite3.Error as e:
            raise ReadError("Filen går inte att läsa som GeoPackage (databasen är trasig).") from e
        finally:
            con.close()
    header = [n for n in names if n != geom_col and n.lower() != "fid"]
    try:
        declared = int(srid) if srid is not None and int(srid) > 0 else None
    except (TypeError, ValueError):
        declared = None
    frame = _frame(header, rows, list(range(1, len(rows) + 1)), geometry=geoms)
    return frame, declared, problems


def read_pxweb(doc: dict, file_name: str, digest: str) -> RawTable:
    """An SCB PxWeb answer as one row per area and year (:mod:`ostan_dash.ingest.pxweb`);
    an answer that cannot become such rows is refused with the reason."""
    from ostan_dash.ingest import pxweb

    try:
        header, rows, notes = pxweb.population_rows(doc)
    except pxweb.PxWebError as e:
        raise ReadError(str(e)) from e
    frame = _frame(header, rows, list(range(1, len(rows) + 1)))
    return RawTable(frame, file_name, digest, "pxweb", shape="pxweb", notes=notes)


PARQUET_MAX_ROWS = 2_000_000


def _geoparquet_srid(crs: object) -> int | None:
    """EPSG code of a GeoParquet column's PROJJSON ``crs`` (absent: OGC:CRS84, i.e. 4326)."""
    if crs is None:
        return 4326
    if isinstance(crs, dict):
        ident = crs.get("id")
        if isinstance(ident, dict) and str(ident.get("authority", "")).upper() == "EPSG":
            try:
                return int(str(ident.get("code")))
            except (TypeError, ValueError):
                return None
        if isinstance(ident, dict) and str(ident.get("code", "")).upper() == "CRS84":
            return 4326
        name = str(crs.get("name", ""))
        if name in ("WGS 84", "WGS 84 (CRS84)"):
            return 4326
        if "SWEREF99 TM" in name.replace(" 99", "99"):
            return 3006
    if isinstance(crs, str):
        return _srid_from_crs({"properties": {"name": crs}})
    return None


def read_geoparquet(data: bytes) -> tuple[pl.DataFrame, int | None]:
    """A GeoParquet file (``geo`` metadata, WKB geometry) read with pyarrow: attributes as
    text, the primary geometry column as hex WKB, the SRID from its PROJJSON CRS (GeoParquet
    1.0/1.1 §crs: absent means OGC:CRS84). A Parquet file without the ``geo`` metadata, or
    with another encoding than WKB, is refused by name."""
    import os

    # Arrow's own allocators reserve far more address space than they use, which the child's
    # memory limit (RLIMIT_AS, ingest.worker) counts: use malloc.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as e:
        raise ReadError("Filen går inte att läsa som Parquet-fil (den är trasig).") from e
    meta = pf.schema_arrow.metadata or {}
    geo_raw = meta.get(b"geo")
    if geo_raw is None:
        raise ReadError(
            "Parquet-filer utan geometrikolumn (GeoParquet) stöds inte: spara tabellen som CSV "
            "eller .xlsx."
        )
    try:
        geo = json.loads(geo_raw)
        col = geo["primary_column"]
        spec = geo["columns"][col]
    except (ValueError, KeyError, TypeError) as e:
        raise ReadError("GeoParquet-filens geo-metadata går inte att tolka.") from e
    if str(spec.get("encoding", "")).upper() != "WKB":
        raise ReadError(
            f"GeoParquet-filens geometrier är kodade som {spec.get('encoding')!s:.40}; bara WKB "
            "stöds: spara som GeoPackage eller GeoJSON."
        )
    if pf.metadata.num_rows > PARQUET_MAX_ROWS:
        raise ReadError(
            f"Parquet-filen har {pf.metadata.num_rows:,} rader; högst {PARQUET_MAX_ROWS:,} "
            "stöds.".replace(",", "\u00a0")
        )
    try:
        table = pf.read()
    except (pa.ArrowException, OSError, ValueError) as e:
        raise ReadError("Filen går inte att läsa som Parquet-fil (den är trasig).") from e
    names = [n for n in table.column_names if n != col and not _is_bbox(table, n)]
    if col not in table.column_names:
        raise ReadError(f"GeoParquet-filens geometrikolumn ”{col}” saknas i tabellen.")
    rows = [
        [_cell_text(v) for v in r] for r in zip(*(table[n].to_pylist() for n in names), strict=True)
    ]
    if not names:
        rows = [[] for _ in range(table.num_rows)]
    geoms = [bytes(g).hex() if g is not None else None for g in table[col].to_pylist()]
    frame = _frame(names, rows, list(range(1, table.num_rows + 1)), geometry=geoms)
    return frame, _geoparquet_srid(spec.get("crs"))


def _is_bbox(table: object, name: str) -> bool:
    """GeoParquet 1.1's covering column (``bbox`` struct): not an attribute."""
    import pyarrow as pa

    return name == "bbox" and pa.types.is_struct(table.schema.field(name).type)  # type: ignore[attr-defined]


# Magic numbers of files people pick by mistake, with what to do instead.
_NOT_SUPPORTED = (
    (
        b"\xd0\xcf\x11\xe0",
        "Filen är i Excels gamla format (.xls), som inte stöds: spara som .xlsx eller CSV.",
    ),
    (b"%PDF", "Filen är en PDF, som inte kan importeras: exportera data som CSV eller .xlsx."),
    (b"\x1f\x8b", "Filen är packad (gzip): packa upp den först."),
    (b"ARROW1", "Filen är en Arrow-fil, som inte stöds: spara som CSV."),
)


def detect_format(file_name: str, data: bytes) -> str:
    """``csv``, ``xlsx``, ``geojson`` or ``gpkg`` from the content (and the name as a hint)."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    if data[:4] == b"PAR1":
        return "parquet"
    for magic, _ in _NOT_SUPPORTED:
        if data.startswith(magic):
            return "unsupported"
    head = data[:200].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] in (b"{", b"[") or file_name.lower().endswith((".geojson", ".json")):
        return "geojson"
    return "csv"


def read_file(data: bytes, file_name: str, header_row: int | None = None) -> RawTable:
    """Read any supported file into a :class:`RawTable` (see the module docstring).

    ``header_row``: the line of the header in a CSV or the sheet's row in an ``.xlsx`` (1 =
    the first); None finds it below any title lines (:func:`find_header_row`).
    """
    if not data or not data.strip():
        raise ReadError("Filen är tom.")
    fmt = detect_format(file_name, data)
    if fmt == "parquet":
        frame, srid = read_geoparquet(data)
        return RawTable(frame, file_name, sha256(data), fmt, geometry_format="wkb", srid=srid)
    if fmt == "unsupported":
        raise ReadError(next(msg for magic, msg in _NOT_SUPPORTED if data.startswith(magic)))
    if fmt == "xlsx":
        frame, at = read_xlsx_at(data, header_row)
        raw = RawTable(frame, file_name, sha256(data), fmt, header_row=at)
        return _pxweb_download(raw, data) or raw
    if fmt == "gpkg":
        frame, srid, problems = read_gpkg(data)
        return RawTable(
            frame, file_name, sha256(data), fmt, geometry_format="wkb", srid=srid, problems=problems
        )
    if fmt == "geojson":
        doc = _load_json(data)
        if is_police_events(doc):
            assert isinstance(doc, list)
            frame, problems = read_police_events(doc)
            return RawTable(
                frame, file_name, sha256(data), "json", shape="polishandelser", problems=problems
            )
        if is_pxweb(doc):
            assert isinstance(doc, dict)
            return read_pxweb(doc, file_name, sha256(data))
        frame, srid, problems = read_geojson(data, doc)
        return RawTable(
            frame,
            file_name,
            sha256(data),
            fmt,
            geometry_format="geojson",
            srid=srid,
            problems=problems,
        )
    frame, encoding, at = read_csv_at(data, header_row)
    raw = RawTable(frame, file_name, sha256(data), fmt, encoding=encoding, header_row=at)
    return _pxweb_download(raw, data) or raw


def _pxweb_download(raw: RawTable, data: bytes) -> RawTable | None:
    """A PxWeb CSV/xlsx download (``region`` and the years as columns) read as the API answer
    (:func:`ostan_dash.ingest.pxweb.from_table`); None for any other table. Its title is the
    first title line above the header."""
    from ostan_dash.ingest import pxweb

    header = [c for c in raw.frame.columns if c != ROW]
    if not pxweb.is_table(header):
        return None
    title = ""
    if raw.fmt == "csv" and raw.header_row and raw.header_row > 1:
        text, _ = decode_text(data)
        title = text.lstrip("\ufeff").split("\n", 1)[0].strip().strip('"').strip()
    doc = pxweb.from_table(raw.frame.to_dicts(), header, title)
    out = read_pxweb(doc, raw.file_name, raw.sha256)
    out.fmt, out.encoding, out.header_row = raw.fmt, raw.encoding, raw.header_row
    return out
