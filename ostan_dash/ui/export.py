"""Tables with CSV and Excel downloads of exactly what is shown (the active filters applied)."""

from __future__ import annotations

import io

import polars as pl
import streamlit as st

# Cells that a spreadsheet would read as a formula (OWASP, "CSV Injection"): = + - @ tab CR.
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells that begin like a formula, so a spreadsheet shows them as text.

    Only text columns (and categoricals) are touched: a negative number in a numeric column
    stays a number. ``=cmd|' /C calc'!A0`` becomes ``'=cmd|' /C calc'!A0``. See OWASP,
    "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    text = [c for c, t in df.schema.items() if t in (pl.Utf8, pl.Categorical) or t == pl.Enum]
    return df.with_columns(
        pl.when(pl.col(c).cast(pl.Utf8).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(c).cast(pl.Utf8))
        .otherwise(pl.col(c).cast(pl.Utf8))
        .alias(c)
        for c in text
    )


def to_csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV as Swedish Excel opens it: ``;`` separator, decimal comma, UTF-8 with BOM.

    Text cells that begin like a formula are neutralised (:func:`neutralise_formulas`) before
    the numbers are written as text with a decimal comma.
    """
    out = neutralise_formulas(df).with_columns(
        pl.col(c).round(2).cast(pl.Utf8).str.replace(r"\.", ",")
        for c, t in df.schema.items()
        if t.is_float()
    )
    return "\ufeff".encode() + out.write_csv(separator=";").encode()


def to_xlsx_bytes(df: pl.DataFrame, *, sheet: str = "Data") -> bytes:
    """An .xlsx workbook with one sheet."""
    buf = io.BytesIO()
    df.write_excel(buf, worksheet=sheet[:31], autofit=True)
    return buf.getvalue()


ROW_PX = 35
HEADER_PX = 38


def table_height(n_rows: int, *, max_rows: int = 12) -> int:
    """Pixels for a table that shows every row up to ``max_rows``, then scrolls."""
    return HEADER_PX + ROW_PX * max(1, min(n_rows, max_rows))


def table(
    df: pl.DataFrame,
    *,
    name: str,
    key: str,
    column_config: dict | None = None,
    height: int | None = None,
) -> None:
    """Show ``df`` and offer it for download as CSV and Excel under ``name``.

    Without ``height`` the table shows every row up to twelve (:func:`table_height`).
    """
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        height=height if height is not None else table_height(df.height),
    )
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "Ladda ned CSV",
        to_csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    c2.download_button(
        "Ladda ned Excel",
        to_xlsx_bytes(df),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )
