"""SCB's PxWeb answers (API v1 JSON) as one row per area and year (issue 10).

A PxWeb answer is a cube: ``columns`` name its dimensions (``Region``, ``Alder``, ``Kon``,
``Tid``) and its contents column, ``data`` holds one cell per combination (``key`` in the order of
the dimension columns, ``values`` the contents). The importer wants one row per area and year
(:data:`ostan_dash.ingest.validate.SPECS` ``indikatorer``): the cube is made long to wide by

- **region** — SCB's code without its geography suffix (``0880R001_RegSO2025`` → ``0880R001``);
- **year** — the time dimension (``Tid``);
- **Folkmängd** — the ``totalt`` age and the ``1+2`` sex when the table has them, otherwise the
  sum over the age bands and over the two sexes;
- **Folkmängd 0–17 år** — the sum of the age bands that together cover exactly 0–17 years.
  SCB's 5-year bands (``-4``, ``5-9``, ``10-14``, ``15-19``) split at 20, not at 18, so they
  cannot give it (:func:`under18_bands`): the column is then left out, the count is stored as
  unknown (never estimated) and a note (:func:`age_band_note`) names the band that straddles 18.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

REGION_SUFFIX = re.compile(r"_(?:RegSO|DeSO|Reg|kommun)\w*$", re.IGNORECASE)


@dataclass(frozen=True)
class Cube:
    """The dimensions of a PxWeb answer that the importer uses (indexes into ``key``)."""

    region: int
    time: int
    age: int | None
    sex: int | None


def _dimension(columns: list[dict], *names: str) -> int | None:
    for i, c in enumerate(columns):
        code = str(c.get("code", "")).lower()
        text = str(c.get("text", "")).lower()
        if code in names or text in names:
            return i
    return None


def cube(columns: list[dict]) -> Cube | None:
    """Region and time dimensions (required), age and sex (optional) of a PxWeb answer."""
    dims = [c for c in columns if isinstance(c, dict) and c.get("type") in ("d", "t")]
    region = _dimension(dims, "region")
    time = next((i for i, c in enumerate(dims) if c.get("type") == "t"), None)
    if region is None or time is None:
        return None
    return Cube(region, time, _dimension(dims, "alder", "ålder"), _dimension(dims, "kon", "kön"))


def age_band(label: str) -> tuple[int, int | None] | None:
    """SCB's age labels → (first year, last year or None for "and older").

    >>> age_band("-4"), age_band("15-19"), age_band("80-"), age_band("17"), age_band("totalt")
    ((0, 4), (15, 19), (80, None), (17, 17), None)
    """
    t = label.strip().lower().replace("–", "-").removesuffix(" år").replace("+", "-")
    m = re.fullmatch(r"(\d*)\s*-\s*(\d*)|(\d+)", t)
    if not m:
        return None
    if m.group(3):
        n = int(m.group(3))
        return n, n
    lo, hi = m.group(1), m.group(2)
    if not lo and not hi:
        return None
    return (int(lo) if lo else 0), (int(hi) if hi else None)


def under18_bands(labels: list[str]) -> list[str] | None:
    """The age labels whose bands together are exactly 0–17 years, or None when none are.

    >>> under18_bands(["totalt", "-4", "5-9", "10-14", "15-19", "20-24"]) is None
    True
    >>> under18_bands(["0-5", "6-15", "16-17", "18-19"])
    ['0-5', '6-15', '16-17']
    """
    bands = {lab: b for lab in labels if (b := age_band(lab)) is not None}
    chosen = sorted(
        ((b, lab) for lab, b in bands.items() if b[1] is not None and b[1] <= 17),
        key=lambda x: x[0],
    )
    year = 0
    out: list[str] = []
    for (lo, hi), lab in chosen:
        if lo != year:
            return None
        out.append(lab)
        year = (hi or 0) + 1
    return out if year == 18 else None


def age_band_note(ages: list[str]) -> str:
    """Why a table's age bands give no count of 0–17 years, naming the band that straddles 18.

    >>> age_band_note(["-4", "5-9", "10-14", "15-19", "totalt"])[:60]
    'Åldersklasserna (-4, 5-9, 10-14, 15-19) delar inte vid 18 år'
    """
    bands = sorted((a for a in ages if age_band(a)), key=lambda a: age_band(a) or (0,))
    straddles = [
        a for a in bands if (b := age_band(a)) is not None and b[0] <= 17 and (b[1] or 999) >= 18
    ]
    which = f": klassen {straddles[0]} rymmer både 17- och 18-åringar" if straddles else ""
    return (
        f"Åldersklasserna ({', '.join(bands)[:120]}) delar inte vid 18 år{which}. Folkmängd "
        "0–17 år gissas inte: den sparas som uppgift saknas, bara den totala folkmängden "
        "(summan över ålder och kön) importeras. Hämta tabellen med ettårsklasser eller med "
        "klassen 0–17 år för att få den."
    )


def table_label(doc: dict) -> str:
    """The table's title from the answer's metadata ("" when it has none)."""
    meta = doc.get("metadata")
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        return str(meta[0].get("label") or "")[:120]
    return ""


class PxWebError(ValueError):
    """The answer cannot become rows per area and year; the message is Swedish."""


def population_rows(doc: dict) -> tuple[list[str], list[list[str | None]], list[str]]:
    """Rows ``Områdeskod, År, Folkmängd[, Folkmängd 0–17 år]`` of a PxWeb population answer.

    Returns (header, rows, notes). Raises :class:`PxWebError` naming what is missing.
    """
    columns = [c for c in doc.get("columns", []) if isinstance(c, dict)]
    c = cube(columns)
    title = table_label(doc)
    named = f" (”{title}”)" if title else ""
    if c is None:
        raise PxWebError(
            f"SCB-tabellen{named} har ingen dimension Region och år: den kan inte bli värden per "
            "område och år."
        )
    total: dict[tuple[str, str], int] = defaultdict(int)
    summed: dict[tuple[str, str], int] = defaultdict(int)
    kids: dict[tuple[str, str], int] = defaultdict(int)
    has_total: set[tuple[str, str]] = set()
    width = sum(1 for col in columns if col.get("type") in ("d", "t"))
    data = [
        d
        for d in doc.get("data", [])
        if isinstance(d, dict) and isinstance(d.get("key"), list) and len(d["key"]) >= width
    ]
    ages = sorted({str(d["key"][c.age]) for d in data if c.age is not None and "key" in d})
    u18 = set(under18_bands(ages) or []) if c.age is not None else set()
    sexes = {str(d["key"][c.sex]) for d in data if c.sex is not None and "key" in d}
    sex_total = bool(sexes & {"1+2", "totalt", "tot"})
    for d in data:
        key, values = d.get("key"), d.get("values")
        if not isinstance(key, list) or not isinstance(values, list) or not values:
            continue
        try:
            n = int(str(values[0]).replace(" ", ""))
        except ValueError:
            continue  # ".." (secret) or "-": no number
        region = REGION_SUFFIX.sub("", str(key[c.region]))
        cell = (region, str(key[c.time]))
        sex = str(key[c.sex]) if c.sex is not None else "1+2"
        age = str(key[c.age]).lower() if c.age is not None else "totalt"
        both = sex in ("1+2", "totalt", "tot")
        if sex_total and not both:
            continue  # the table has the sum of the sexes: use it, not the parts
        if age == "totalt":
            total[cell] += n
            has_total.add(cell)
        elif age_band(age) is not None:
            summed[cell] += n
            if age in u18:
                kids[cell] += n
    cells = sorted(set(total) | set(summed))
    header = ["Områdeskod", "År", "Folkmängd"]
    notes = [
        f"SCB-tabellen{named} är omformad till en rad per område och år ({len(cells)} rader); "
        "områdeskoderna utan SCB:s tillägg (t.ex. _RegSO2025)."
    ]
    if u18:
        header.append("Folkmängd 0–17 år")
        notes.append("Folkmängd 0–17 år är summan av åldrarna " + ", ".join(sorted(u18)) + ".")
    elif c.age is not None:
        notes.append(age_band_note(ages))
    rows: list[list[str | None]] = []
    for cell in cells:
        pop = total[cell] if cell in has_total else summed[cell]
        row: list[str | None] = [cell[0], cell[1], str(pop)]
        if u18:
            row.append(str(kids[cell]))
        rows.append(row)
    return header, rows, notes


_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DIMENSIONS = {"region": "Region", "ålder": "Alder", "alder": "Alder", "kön": "Kon", "kon": "Kon"}


def is_table(header: list[str]) -> bool:
    """A PxWeb CSV/xlsx download: a ``region`` column and the years as columns (wide).

    >>> is_table(["region", "ålder", "2023", "2024"]), is_table(["Kod", "År", "Folkmängd"])
    (True, False)
    """
    names = [h.strip().lower() for h in header]
    return "region" in names and any(_YEAR.match(n) for n in names)


def from_table(frame_rows: list[dict[str, str | None]], header: list[str], title: str) -> dict:
    """A PxWeb download's rows (wide by year) as the API's JSON answer, so that
    :func:`population_rows` makes it long: ``region`` cells keep their code (the first word,
    ``0880R001_RegSO2025 Kalmar …`` → ``0880R001_RegSO2025``), ages and sexes their labels
    (``0-4 år``, ``män``, ``totalt``)."""
    dims = [h for h in header if h.strip().lower() in _DIMENSIONS]
    years = [h for h in header if _YEAR.match(h.strip())]
    columns = [{"code": _DIMENSIONS[h.strip().lower()], "text": h, "type": "d"} for h in dims]
    columns += [{"code": "Tid", "text": "år", "type": "t"}, {"code": "v", "type": "c"}]
    data = []
    for r in frame_rows:
        key = []
        for h in dims:
            v = (r.get(h) or "").strip()
            if _DIMENSIONS[h.strip().lower()] == "Region":
                v = v.split()[0] if v else v
            else:
                v = _label(v)
            key.append(v)
        for y in years:
            data.append({"key": [*key, y.strip()], "values": [r.get(y) or ".."]})
    return {"columns": columns, "data": data, "metadata": [{"label": title}]}


def _label(v: str) -> str:
    """A download's age or sex label as the API writes it: ``totalt ålder`` → ``totalt``,
    ``män och kvinnor`` → ``1+2``."""
    low = v.lower()
    if low.startswith("totalt") or low in ("män och kvinnor", "båda könen"):
        return "totalt" if "ålder" in low or low == "totalt" else "1+2"
    return v
