"""Tables with CSV and Excel downloads of exactly what is shown (the active filters applied).

Every download begins with a header block saying what it is: the period, the comparison, the
filters, when it was made (Europe/Stockholm) and by whom (:class:`About`,
:func:`header_lines`), so a file that travels by e-mail still says what it shows. The table
on screen shows its numbers in Swedish (``1 234,5``) whatever the browser's language
(:func:`swedish_styler`); the numbers behind stay numbers, so sorting sorts by value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from ostan_dash import config, text

# Cells that a spreadsheet would read as a formula (OWASP, "CSV Injection"): = + - @ tab CR.
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells that begin like a formula, so a spreadsheet shows them as text.

    Only text columns (and categoricals) are touched: a negative number in a numeric column
    stays a number. ``=cmd|' /C calc'!A0`` becomes ``'=cmd|' /C calc'!A0``. See OWASP,
    "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    text_cols = [c for c, t in df.schema.items() if t in (pl.Utf8, pl.Categorical) or t == pl.Enum]
    return df.with_columns(
        pl.when(pl.col(c).cast(pl.Utf8).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(c).cast(pl.Utf8))
        .otherwise(pl.col(c).cast(pl.Utf8))
        .alias(c)
        for c in text_cols
    )


def _neutralise_text(value: str) -> str:
    return "'" + value if re.match(FORMULA_START, value) else value


# The header block ---------------------------------------------------------------------------
@dataclass(frozen=True)
class About:
    """What an exported table shows, for the header block of its file.

    Attributes
    ----------
    title
        What the table is, e.g. ``"Karta och tider – heta rutor"``.
    period, comparison
        The period and the comparison period in words, with their dates.
    filters
        The filters in force, one line (``"Källa: EST-rapporter; Områden: Centrum"``);
        ``None`` says "inga".
    extra
        Further (label, value) lines, e.g. the method.
    """

    title: str
    period: str | None = None
    comparison: str | None = None
    filters: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


def header_lines(
    about: About | None, *, user: str | None, now: dt.datetime, name: str = ""
) -> list[tuple[str, str]]:
    """The (label, value) lines that open every download.

    ``now`` is shown in Europe/Stockholm whatever zone it carries; ``user`` is who made the
    file (name, role and organisation).
    """
    about = about or About(title=name or "Tabell")
    local = now.astimezone(config.TZ) if now.tzinfo else now.replace(tzinfo=config.TZ)
    lines = [("Östan-dash", about.title)]
    if about.period:
        lines.append(("Period", about.period))
    if about.comparison:
        lines.append(("Jämförelse", about.comparison))
    lines.append(("Urval", about.filters or "inga filter"))
    lines.extend(about.extra)
    lines.append(("Skapad", f"{local:%Y-%m-%d %H:%M} (svensk tid, Europe/Stockholm)"))
    lines.append(("Av", user or "–"))
    return lines


def _header_csv(lines: list[tuple[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    for label, value in lines:
        writer.writerow([_neutralise_text(label), _neutralise_text(value)])
    writer.writerow([])
    return buf.getvalue()


def to_csv_bytes(df: pl.DataFrame, *, header: list[tuple[str, str]] | None = None) -> bytes:
    """CSV as Swedish Excel opens it: ``;`` separator, decimal comma, UTF-8 with BOM.

    Text cells that begin like a formula are neutralised (:func:`neutralise_formulas`) before
    the numbers are written as text with a decimal comma. With ``header`` the file begins with
    those (label, value) lines and an empty line, then the table (an import template is
    written without).
    """
    out = neutralise_formulas(df).with_columns(
        pl.col(c).round(2).cast(pl.Utf8).str.replace(r"\.", ",")
        for c, t in df.schema.items()
        if t.is_float()
    )
    head = _header_csv(header) if header else ""
    return "\ufeff".encode() + (head + out.write_csv(separator=";")).encode()


def to_xlsx_bytes(
    df: pl.DataFrame, *, sheet: str = "Data", header: list[tuple[str, str]] | None = None
) -> bytes:
    """An .xlsx workbook with one sheet; with ``header`` the sheet begins with those lines
    (labels in bold) and the table starts two rows below them."""
    import xlsxwriter

    buf = io.BytesIO()
    # strings_to_formulas off: a cell "=cmd|…" stays text (OWASP CSV injection, in xlsx too).
    options = {"in_memory": True, "strings_to_formulas": False, "nan_inf_to_errors": True}
    with xlsxwriter.Workbook(buf, options) as wb:
        ws = wb.add_worksheet(sheet[:31])
        row = 0
        if header:
            bold = wb.add_format({"bold": True})
            for label, value in header:
                ws.write_string(row, 0, label, bold)
                ws.write_string(row, 1, value)
                row += 1
            row += 1
        df.write_excel(workbook=wb, worksheet=ws.get_name(), position=(row, 0), autofit=True)
    return buf.getvalue()


def current_user_text() -> str | None:
    """Who is logged in, as the header block says it: ``Namn (Roll, Organisation)``."""

    from ostan_dash import vocab

    user = st.session_state.get("user")
    if user is None:
        return None
    return f"{user.name} ({vocab.ROLES.get(user.role, user.role)}, {user.organisation})"


# Swedish numbers on screen ----------------------------------------------------------------
_PRINTF = re.compile(
    r"^(?P<pre>.*?)%(?P<flags>[+,]*)(?:\.(?P<prec>\d+))?(?P<conv>[dif])(?P<post>.*)$"
)


def printf_formatter(spec: str) -> Callable[[object], str]:
    """A Swedish formatter for a printf-style number format as ``st.column_config`` takes it
    (``"%.1f"``, ``"%+.0f %%"``, ``"%d"``): ``1 234,5``, real minus sign, ``+`` kept, ``%``
    after a no-break space; a bare ``"%d"`` (a year) without the thousands space."""
    m = _PRINTF.match(spec.replace("%%", "\x00"))
    if not m:
        raise ValueError(f"unsupported number format {spec!r}")
    places = 0 if m["conv"] in "di" else int(m["prec"] if m["prec"] is not None else 6)
    signed = "+" in m["flags"]
    # A bare "%d" is how a year is shown ("2024"); other numbers get the thousands space.
    grouped = m["conv"] == "f" or "," in m["flags"]
    pre = m["pre"].replace("\x00", "%")
    post = m["post"].replace("\x00", "%").replace(" %", text.NBSP + "%")

    def format_(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        x = float(v)  # type: ignore[arg-type]
        body = text.number(x if places else round(x), places)
        if not grouped:
            body = body.replace(text.NBSP, "")
        if signed and x > 0 and body != text.number(0, places):
            body = "+" + body
        return f"{pre}{body}{post}"

    return format_


def infer_decimals(values: pl.Series) -> int:
    """Decimals to show for a float column without a stated format: as many as the values
    carry, up to three (a column rounded to two shows two); for unrounded values three when
    all are below 1 in size (shares, p-values), otherwise one."""
    v = values.drop_nulls()
    if v.dtype.is_float():
        v = v.filter(v.is_finite())
    if v.is_empty():
        return 0
    for places in range(4):
        if ((v - v.round(places)).abs() < 1e-9).all():
            return places
    return 3 if float(v.abs().max()) < 1 else 1


def swedish_styler(
    df: pl.DataFrame,
    *,
    decimals: Mapping[str, int] | None = None,
    formats: Mapping[str, str] | None = None,
    default_decimals: int | None = None,
):
    """A pandas Styler showing every number in Swedish (``1 234,5``, real minus sign) whatever
    the browser's locale; integer columns without decimals, nulls as ``–``. The numbers behind
    stay numbers, so sorting by a column header sorts by value.

    ``formats`` maps a column to a printf format (:func:`printf_formatter`), ``decimals`` to a
    number of decimals; other float columns get ``default_decimals`` or
    :func:`infer_decimals`.
    """
    decimals = dict(decimals or {})
    formats = dict(formats or {})
    out: dict[str, Callable[[object], str]] = {}
    for name, dtype in df.schema.items():
        if name in formats:
            out[name] = printf_formatter(formats[name])
        elif dtype.is_float():
            places = decimals.get(name)
            if places is None:
                places = (
                    default_decimals if default_decimals is not None else infer_decimals(df[name])
                )
            out[name] = lambda v, d=places: text.number(
                None if v is None or v != v else float(v), d
            )
        elif dtype.is_integer():
            out[name] = lambda v: text.number(None if v is None or v != v else int(v))
    return df.to_pandas().style.format(out, na_rep="–")


def split_number_formats(column_config: Mapping | None) -> tuple[dict, dict[str, str]]:
    """Take the printf formats out of ``NumberColumn`` configs (``column_config`` would win
    over the Styler and show ``53.9``); returns the config without them and the formats."""
    if not column_config:
        return {}, {}
    cleaned: dict = {}
    formats: dict[str, str] = {}
    for col, cfg in column_config.items():
        tc = cfg.get("type_config") if isinstance(cfg, dict) else None
        if tc and tc.get("type") == "number" and isinstance(tc.get("format"), str):
            spec = tc["format"]
            if _PRINTF.match(spec.replace("%%", "\x00")):
                formats[col] = spec
                cfg = {**cfg, "type_config": {**tc, "format": None}}
        cleaned[col] = cfg
    return cleaned, formats


# Streamlit --------------------------------------------------------------------------------
ROW_PX = 35
HEADER_PX = 38


def table_height(n_rows: int, *, max_rows: int = 12) -> int:
    """Pixels for a table that shows every row up to ``max_rows``, then scrolls."""
    return HEADER_PX + ROW_PX * max(1, min(n_rows, max_rows))


@dataclass(frozen=True, eq=False)
class Download:
    """A table's CSV and Excel files, built only when :meth:`csv` or :meth:`xlsx` is called.

    Streamlit calls them when the button is clicked, on a thread of its own, so who is logged
    in is read when the page runs (``user``); the header block's time is the time of the click.
    """

    data: pl.DataFrame
    name: str
    about: About | None = None
    user: str | None = None
    sheet: str = "Data"
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(config.TZ))

    def header(self) -> list[tuple[str, str]]:
        """The header block (:func:`header_lines`) as at now."""
        return header_lines(self.about, user=self.user, now=self.clock(), name=self.name)

    def csv(self) -> bytes:
        """The CSV file (:func:`to_csv_bytes`) with the header block."""
        return to_csv_bytes(self.data, header=self.header())

    def xlsx(self) -> bytes:
        """The Excel file (:func:`to_xlsx_bytes`) with the header block."""
        return to_xlsx_bytes(self.data, sheet=self.sheet, header=self.header())


def download_buttons(
    data: pl.DataFrame,
    *,
    name: str,
    key: str,
    about: About | None = None,
    sheet: str | None = None,
) -> None:
    """ "Ladda ned CSV" and "Ladda ned Excel" for ``data``, each file opening with the header
    block of ``about``, the time and the logged-in user.

    The files are built when a button is clicked, not on every rerun (issue 14): Streamlit
    1.67 takes a callable as ``data`` and calls it on the click.
    """
    files = Download(data, name, about, current_user_text(), sheet or "Data")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "Ladda ned CSV",
        files.csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    c2.download_button(
        "Ladda ned Excel",
        files.xlsx,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def table(
    df: pl.DataFrame,
    *,
    name: str,
    key: str,
    column_config: dict | None = None,
    height: int | None = None,
    about: About | None = None,
    decimals: Mapping[str, int] | None = None,
) -> None:
    """Show ``df`` with Swedish numbers and offer it for download as CSV and Excel under
    ``name``, with the header block of ``about``.

    Without ``height`` the table shows every row up to twelve (:func:`table_height`).
    """

    from ostan_dash.ui import widgets

    config_rest, formats = split_number_formats(column_config)
    if widgets.meeting_mode():
        widgets.wall_table(swedish_styler(df, decimals=decimals, formats=formats))
        return
    shown = _shown if df.height <= MAX_HELD_ROWS else _shown.__wrapped__  # type: ignore[attr-defined]
    shown(
        df,
        decimals=tuple(sorted(dict(decimals or {}).items())),
        formats=tuple(sorted(formats.items())),
        column_config=config_rest or None,
        height=height if height is not None else table_height(df.height),
    )
    download_buttons(df, name=name, key=key, about=about)


MAX_HELD_ROWS = 20_000
"""Tables and charts whose frames have up to this many rows are drawn once per content
(:func:`_shown`, :func:`ostan_dash.ui.charts.chart`); Streamlit's hash of a larger frame is a
sample of its rows, which could mistake one table for another."""


@st.cache_data(max_entries=128, show_spinner=False)
def _shown(
    df: pl.DataFrame,
    *,
    decimals: tuple[tuple[str, int], ...],
    formats: tuple[tuple[str, str], ...],
    column_config: dict | None,
    height: int,
) -> None:
    """``df`` as a Streamlit table with Swedish numbers. Held per content (issue 14): a rerun
    with the same table replays the element Streamlit recorded (1 ms for 25 rows) instead of
    rendering the pandas Styler again (7 ms); the key is the table's every value, its formats
    and its height, so an equal key is an equal table whoever asks."""
    st.dataframe(
        swedish_styler(df, decimals=dict(decimals), formats=dict(formats)),
        hide_index=True,
        width="stretch",
        column_config=column_config,
        height=height,
    )
