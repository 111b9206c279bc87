"""The import's mapping step: which of a file's columns is which of ours (issue 10).

A real file rarely has our template's header. Before anything is written the importer

1. **finds the header row** (:func:`ostan_dash.ingest.read.header_row`): SCB's and others' downloads put a title line
   or two above it. The header is the first line with as many cells as the table's usual line;
   a title line has one;
2. **proposes a mapping** (:func:`propose`) from the file's columns to ours: first our names and
   aliases (:data:`ostan_dash.ingest.validate.SPECS`, compared as
   :func:`~ostan_dash.ingest.validate.normalise_header` does), then the closest name by
   :func:`difflib.SequenceMatcher` ratio (Ratcliff/Obershelp) at :data:`SIMILARITY` or more, each
   of our columns taken once, best pair first;
3. lets the user confirm or change it; a confirmed mapping is remembered per **source**
   (:func:`source_key`: the header itself, so the next file of the same shape gets it back,
   :mod:`ostan_dash.store.import_mappings`) and is applied by renaming the file's columns to ours
   (:func:`apply`) before validation, in the bounded child like every read.

Everything here is pure: no database, no Streamlit.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

import polars as pl

from ostan_dash.ingest.read import GEOMETRY, ROW
from ostan_dash.ingest.validate import SPECS, normalise_header

SIMILARITY = 0.75  # SequenceMatcher ratio for a proposal by likeness (aliases come first)
NOT_USED = "(används inte)"


@dataclass(frozen=True)
class Proposal:
    """One of the file's columns and what we propose it is."""

    column: str  # the file's header
    target: str | None  # our column's Swedish name, None: not used
    how: str  # "namn" (our name or an alias), "likhet" (similar name), "sparad", ""


def _targets(kind: str) -> dict[str, str]:
    """Normalised name/alias → our column's Swedish name, for ``kind``."""
    out: dict[str, str] = {}
    for c in SPECS[kind]:
        if c.key == GEOMETRY:
            continue
        for n in (c.name, c.key, *c.aliases):
            out.setdefault(normalise_header(n), c.name)
    return out


def targets(kind: str) -> list[str]:
    """Our columns of ``kind`` that a file's column can be mapped to (Swedish names)."""
    return [c.name for c in SPECS[kind] if c.key != GEOMETRY]


def propose(
    kind: str, header: list[str], remembered: dict[str, str] | None = None
) -> list[Proposal]:
    """A proposed target for each of the file's columns: remembered, by name/alias, by likeness.

    >>> [(p.column, p.target, p.how) for p in propose("indikatorer", ["kommun_kod", "År",
    ...     "Folkmangd 0-17", "övrigt"])]  # doctest: +NORMALIZE_WHITESPACE
    [('kommun_kod', 'Områdeskod', 'namn'), ('År', 'År', 'namn'),
     ('Folkmangd 0-17', 'Folkmängd 0–17 år', 'likhet'), ('övrigt', None, '')]
    """
    cols = [h for h in header if h not in (ROW, GEOMETRY)]
    names = _targets(kind)
    ours = targets(kind)
    chosen: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()

    def take(h: str, t: str, how: str) -> None:
        chosen[h] = (t, how)
        taken.add(t)

    for h, t in (remembered or {}).items():
        if h in cols and t in ours and t not in taken:
            take(h, t, "sparad")
    for h in cols:
        found = names.get(normalise_header(h))
        if h not in chosen and found is not None and found not in taken:
            take(h, found, "namn")
    pairs = []
    for h in cols:
        if h in chosen:
            continue
        for n, t in names.items():
            r = difflib.SequenceMatcher(None, normalise_header(h), n).ratio()
            if r >= SIMILARITY:
                pairs.append((r, h, t))
    for _r, h, t in sorted(pairs, key=lambda p: -p[0]):
        if h not in chosen and t not in taken:
            take(h, t, "likhet")
    return [Proposal(h, *chosen.get(h, (None, ""))) for h in cols]


def as_dict(proposals: list[Proposal]) -> dict[str, str]:
    """The mapping ``{file column: our column}`` of the proposals that have a target."""
    return {p.column: p.target for p in proposals if p.target}


def source_key(header: list[str]) -> str:
    """The source a mapping is remembered for: the file's header, normalised, joined by ``|``.

    >>> source_key(["Kommun_kod", " Population "])
    'kommunkod|population'
    """
    return "|".join(normalise_header(h) for h in header if h not in (ROW, GEOMETRY))[:4000]


def apply(frame: pl.DataFrame, mapping: dict[str, str]) -> pl.DataFrame:
    """Rename the file's columns to ours; a column that would clash with a mapped one keeps its
    name with a trailing ``_`` (so the mapped one wins), unmapped columns stay as they are."""
    if not mapping:
        return frame
    wanted = {h: t for h, t in mapping.items() if h in frame.columns and t}
    clash = {c: c + "_" for c in frame.columns if c in wanted.values() and c not in wanted}
    renamed = frame.rename(clash)
    return renamed.rename(wanted)


def with_values(frame: pl.DataFrame, values: dict[str, str]) -> pl.DataFrame:
    """Give every row the value the user entered for one of our columns the file lacks (e.g.
    ``{"År": "2024"}`` for a population table without a year).

    The entered columns come first after ``rad``, so they win over a file column of a similar
    name (the validator takes the first column that matches); a file column of the very same
    name keeps its values under the name with a trailing ``_``. Blank values are ignored.

    >>> with_values(pl.DataFrame({"rad": [2, 3], "kod": ["a", "b"]}), {"År": "2024"}).rows()
    [(2, '2024', 'a'), (3, '2024', 'b')]
    """
    given = {t: v.strip() for t, v in values.items() if t and v and v.strip()}
    if not given:
        return frame
    out = frame.rename({c: c + "_" for c in frame.columns if c in given})
    first = [c for c in out.columns if c == ROW]
    rest = [c for c in out.columns if c != ROW]
    return out.with_columns(pl.lit(v, dtype=pl.Utf8).alias(t) for t, v in given.items()).select(
        *first, *given, *rest
    )


def missing_required(kind: str, mapped: list[str]) -> list[str]:
    """Our required columns (no geometry) that none of ``mapped`` (the file's headers after the
    mapping) names, by our name or an alias: the ones a value for the whole file can fill.

    >>> missing_required("indikatorer", ["kommun_kod", "population"])
    ['År']
    """
    have = {normalise_header(h) for h in mapped}
    out = []
    for c in SPECS[kind]:
        if not c.required or c.key == GEOMETRY:
            continue
        names = {normalise_header(n) for n in (c.name, c.key, *c.aliases)}
        if not names & have:
            out.append(c.name)
    return out


YEAR = re.compile(r"^(19[9]\d|20\d\d)\b")


def wide_years(header: list[str]) -> list[str]:
    """The columns that are years (``2023``, ``2024 Folkmängd``): a table wide by year.

    >>> wide_years(["region", "ålder", "2023", "2024 Folkmängd"])
    ['2023', '2024 Folkmängd']
    """
    return [h for h in header if YEAR.match(h.strip())]


def to_long(frame: pl.DataFrame, value_name: str) -> pl.DataFrame:
    """A table wide by year → one row per original row and year (``År`` and ``value_name``),
    keeping ``rad`` so problems still name the file's line. Unchanged when fewer than two
    columns are years."""
    years = wide_years([c for c in frame.columns if c not in (ROW, GEOMETRY)])
    if len(years) < 2:
        return frame
    ids = [c for c in frame.columns if c not in years]
    long = frame.unpivot(index=ids, on=years, variable_name="År", value_name=value_name)
    return long.with_columns(pl.col("År").str.extract(r"^(\d{4})")).sort(ROW, maintain_order=True)


HOW_LABELS = {"sparad": "sparad", "namn": "samma namn", "likhet": "liknande namn", "": ""}


def proposal_table(proposals: list[Proposal], sample: pl.DataFrame) -> pl.DataFrame:
    """The editable table of the mapping step: the file's column, its first value, our column
    (or :data:`NOT_USED`) and why it was proposed."""
    first = sample.head(1).to_dicts()[0] if sample.height else {}
    return pl.DataFrame(
        {
            "Filens kolumn": [p.column for p in proposals],
            "Exempel": [str(first.get(p.column) or "")[:60] for p in proposals],
            "Vår kolumn": [p.target or NOT_USED for p in proposals],
            "Förslag": [HOW_LABELS.get(p.how, p.how) for p in proposals],
        },
        schema=dict.fromkeys(("Filens kolumn", "Exempel", "Vår kolumn", "Förslag"), pl.Utf8),
    )


def mapping_from_table(table: pl.DataFrame) -> tuple[dict[str, str], list[str]]:
    """The mapping the user confirmed in :func:`proposal_table` and our columns chosen twice.

    >>> t = pl.DataFrame({"Filens kolumn": ["a", "b", "c"],
    ...                   "Vår kolumn": ["År", NOT_USED, "År"]})
    >>> mapping_from_table(t)
    ({'a': 'År', 'c': 'År'}, ['År'])
    """
    chosen = {
        str(col): str(ours)
        for col, ours in table.select("Filens kolumn", "Vår kolumn").iter_rows()
        if ours and ours != NOT_USED
    }
    seen: Counter[str] = Counter(chosen.values())
    return chosen, sorted(t for t, n in seen.items() if n > 1)


def stored_sample(rows: pl.DataFrame) -> pl.DataFrame:
    """Valid rows as they will be stored, for the preview: geometries as their length in
    characters (not the blob), every value as text so the table shows what goes in."""
    drop = [c for c in rows.columns if c in ("geom", GEOMETRY, "g")]
    out = rows.drop(drop)
    if drop:
        out = out.with_columns(
            rows[drop[0]].cast(pl.Utf8).str.len_chars().alias("geometri (tecken)")
        )
    return out.with_columns(pl.all().cast(pl.Utf8))
