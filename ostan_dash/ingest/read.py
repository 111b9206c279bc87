"""Read the files people actually have into a table of text cells with their line numbers.

Supported formats
-----------------
- **CSV** as Swedish Excel writes it: ``;`` separator (``,`` and tab are detected too), decimal
  comma, UTF-8 with or without BOM, or Windows-1252 (the default "CSV (semikolonavgränsad)" of
  older Excel). Quoted fields may contain separators and line breaks.
- **Excel** ``.xlsx`` (the first sheet, read with openpyxl): dates, times and numbers become the
  same text a CSV export would hold (``2026-03-02``, ``08:15``, ``6632000``).
- **GeoJSON** (a FeatureCollection): one row per feature, its properties as cells and its
  geometry as GeoJSON text in the column :data:`GEOMETRY`. A legacy ``crs`` member naming
  EPSG:3006 is honoured; otherwise coordinates are classified by magnitude later.
- **GeoPackage** (``.gpkg``, SQLite): the first feature table; the geometry column is turned
  from the GeoPackage binary format (a small header and ISO WKB) into hex WKB in
  :data:`GEOMETRY`.

Every row carries ``rad``: the line number as a person sees it in the file (the header is line 1,
so the first data row is line 2; in a spreadsheet the Excel row number; for GeoJSON and
GeoPackage the feature number, counted from 1). Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

GEOMETRY = "__geometri__"
ROW = "rad"


class ReadError(ValueError):
    """The file cannot be read at all (wrong format, empty, broken); the message is Swedish."""


@dataclass
class RawTable:
    """The cells of a file as text, with ``rad`` (line numbers) and what was learnt reading it."""

    frame: pl.DataFrame
    file_name: str
    sha256: str
    fmt: str  # csv | xlsx | geojson | gpkg
    encoding: str | None = None
    geometry_format: str | None = None  # geojson | wkb
    srid: int | None = None  # declared by the file, when it says
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows in the file (blank lines not counted)."""
        return self.frame.height


def sha256(data: bytes) -> str:
    """Hex SHA-256 of the file's bytes (recorded with every import)."""
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM) when valid, else Windows-1252.

    Windows-1252 decodes any byte string, so the order matters: a file that is valid UTF-8 is
    almost never meant as cp1252 (Swedish å, ä, ö in cp1252 are single bytes ≥ 0xC0 that do not
    form valid UTF-8 sequences with the following ASCII).

    Returns
    -------
    (text, encoding) with encoding one of ``utf-8-sig``, ``utf-8``, ``cp1252``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV header: ``;`` unless ``,`` or tab is clearly the one used."""
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ";"


def _clean_header(names: list[str]) -> list[str]:
    out: list[str] = []
    for i, n in enumerate(names):
        name = (n or "").strip().strip("\ufeff") or f"kolumn_{i + 1}"
        while name in out:
            name += "_"
        out.append(name)
    return out


def _frame(header: list[str], rows: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    header = _clean_header(header)
    width = len(header)
    cols: list[list[str | None]] = [[] for _ in range(width)]
    for r in rows:
        for j in range(width):
            v = r[j] if j < len(r) else None
            cols[j].append(v.strip() if isinstance(v, str) and v.strip() != "" else None)
    data = {h: pl.Series(h, c, dtype=pl.Utf8) for h, c in zip(header, cols, strict=True)}
    return pl.DataFrame({ROW: pl.Series(ROW, lines, dtype=pl.Int64), **data})


def read_csv(data: bytes) -> tuple[pl.DataFrame, str]:
    """Read CSV bytes into text cells; blank lines (also ``;;;`` lines from Excel) are skipped.

    Line numbers are exact even when a quoted cell spans several lines.
    """
    text, encoding = decode_text(data)
    if not text.strip():
        raise ReadError("Filen är tom.")
    first = text.split("\n", 1)[0]
    sep = sniff_separator(first)
    plain = text.replace("\r\n", "\n")
    if '"' not in text and "\n\n" not in plain.rstrip("\n") and "\r" not in plain:
        return _read_plain_csv(plain, sep), encoding
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration as e:  # pragma: no cover - empty text handled above
        raise ReadError("Filen är tom.") from e
    rows: list[list[str | None]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    try:
        for rec in reader:
            if any(c.strip() for c in rec):
                rows.append(rec)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise ReadError(f"Filen går inte att läsa som CSV (rad {start}): {e}") from e
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
    return str(v)


def read_xlsx(data: bytes) -> pl.DataFrame:
    """Read the first sheet of an ``.xlsx`` workbook; the first non-empty row is the header."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise ReadError("Filen går inte att öppna som Excel-arbetsbok (.xlsx).") from e
    try:
        ws = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        lines: list[int] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c is not None and c.strip() for c in cells):
                continue
            if header is None:
                header = [c or "" for c in cells]
                continue
            rows.append(cells)
            lines.append(n)
    finally:
        wb.close()
    if header is None:
        raise ReadError("Arbetsboken är tom.")
    return _frame(header, rows, lines)


def _srid_from_crs(crs: object) -> int | None:
    """EPSG code from a GeoJSON ``crs`` member (``urn:ogc:def:crs:EPSG::3006``, ``EPSG:3006``)."""
    if not isinstance(crs, dict):
        return None
    name = str(crs.get("properties", {}).get("name", ""))
    if "CRS84" in name.upper():
        return 4326
    digits = name.rsplit(":", 1)[-1]
    return int(digits) if digits.isdigit() else None


def read_geojson(data: bytes) -> tuple[pl.DataFrame, int | None]:
    """A GeoJSON FeatureCollection → properties as text cells plus geometry as GeoJSON text."""
    text, _ = decode_text(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(f"Filen är inte giltig GeoJSON (rad {e.lineno}: {e.msg}).") from e
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ReadError("GeoJSON-filen måste vara en FeatureCollection.")
    features = doc.get("features") or []
    keys: list[str] = []
    for f in features:
        for k in (f.get("properties") or {}) if isinstance(f, dict) else {}:
            if k not in keys:
                keys.append(k)
    rows: list[list[str | None]] = []
    for f in features:
        props = (f.get("properties") or {}) if isinstance(f, dict) else {}
        geom = f.get("geometry") if isinstance(f, dict) else None
        rows.append([_cell_text(props.get(k)) for k in keys] + [json.dumps(geom) if geom else None])
    frame = _frame([*keys, GEOMETRY], rows, list(range(1, len(rows) + 1)))
    return frame, _srid_from_crs(doc.get("crs"))


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_to_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage binary header (magic ``GP``, version, flags, srs id, envelope)
    and return the ISO WKB geometry that follows (OGC GeoPackage 1.3, §2.1.3)."""
    if blob[:2] != b"GP":
        raise ValueError("inte en GeoPackage-geometri")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("okänd envelope-typ")
    return bytes(blob[8 + envelope :])


def read_gpkg(data: bytes) -> tuple[pl.DataFrame, int | None]:
    """The first feature table of a GeoPackage: attributes as text, geometry as hex WKB."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.gpkg"
        path.write_bytes(data)
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as e:  # pragma: no cover
            raise ReadError("Filen går inte att öppna som GeoPackage.") from e
        try:
            meta = con.execute(
                "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns "
                "ORDER BY table_name LIMIT 1"
            ).fetchone()
            if meta is None:
                raise ReadError("GeoPackage-filen har ingen tabell med geometrier.")
            table, geom_col, srid = meta
            # Identifiers come from the file's own catalogue; quote them as identifiers.
            q_table = '"' + str(table).replace('"', '""') + '"'
            cur = con.execute(f"SELECT * FROM {q_table}")  # noqa: S608
            names = [c[0] for c in cur.description]
            rows: list[list[str | None]] = []
            for rec in cur:
                cells: list[str | None] = []
                geom_hex = None
                for name, v in zip(names, rec, strict=True):
                    if name == geom_col:
                        geom_hex = gpkg_to_wkb(v).hex() if v else None
                    elif name.lower() != "fid":
                        cells.append(_cell_text(v))
                rows.append([*cells, geom_hex])
        except sqlite3.DatabaseError as e:
            raise ReadError("Filen går inte att läsa som GeoPackage.") from e
        finally:
            con.close()
    header = [n for n in names if n != geom_col and n.lower() != "fid"]
    return _frame([*header, GEOMETRY], rows, list(range(1, len(rows) + 1))), (
        int(srid) if srid and int(srid) > 0 else None
    )


def detect_format(file_name: str, data: bytes) -> str:
    """``csv``, ``xlsx``, ``geojson`` or ``gpkg`` from the content (and the name as a hint)."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    head = data[:200].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] == b"{" or file_name.lower().endswith((".geojson", ".json")):
        return "geojson"
    return "csv"


def read_file(data: bytes, file_name: str) -> RawTable:
    """Read any supported file into a :class:`RawTable` (see the module docstring)."""
    if not data:
        raise ReadError("Filen är tom.")
    fmt = detect_format(file_name, data)
    if fmt == "xlsx":
        return RawTable(read_xlsx(data), file_name, sha256(data), fmt)
    if fmt == "gpkg":
        frame, srid = read_gpkg(data)
        return RawTable(frame, file_name, sha256(data), fmt, geometry_format="wkb", srid=srid)
    if fmt == "geojson":
        frame, srid = read_geojson(data)
        return RawTable(frame, file_name, sha256(data), fmt, geometry_format="geojson", srid=srid)
    frame, encoding = read_csv(data)
    return RawTable(frame, file_name, sha256(data), fmt, encoding=encoding)
