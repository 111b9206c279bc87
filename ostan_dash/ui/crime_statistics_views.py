"""Översikt's comparison with the country and other municipalities (Brå's statistics, issue 10).

The numbers come from :mod:`ostan_dash.analysis.crime_statistics`; this module only draws them:
a year and a crime type, one sentence on our municipality, the table and the method.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from ostan_dash.analysis import crime_statistics as cs
from ostan_dash.store import crime_statistics as store_cs
from ostan_dash.store import imports
from ostan_dash.ui import export, fmt, versioned

TITLE = "Jämfört med riket och andra kommuner (Brå)"
EMPTY = (
    "Ingen brottsstatistik från Brå är importerad. Importera Brås statistik under Import → "
    "Brottsstatistik (Brå): anmälda brott per kommun och år från Brås statistikdatabas "
    "(xlsx eller CSV), med raden för riket och de kommuner ni vill jämföra er med."
)
NO_MUNICIPALITY = (
    "Kommunen är inte inställd, så den kan inte hittas i Brås statistik. En administratör "
    "anger kommunens namn och SCB:s kommunkod under Administration → Kommun."
)
VERDICT_WORDS = {
    cs.HIGHER: "högre än i riket",
    cs.LOWER: "lägre än i riket",
    cs.NO_DIFFERENCE: "ingen säker skillnad mot riket",
}


@versioned.cached()
def loaded(stamp: int) -> tuple[pl.DataFrame, dict[str, str] | None]:
    """Brå's stored rows and our municipality's setting (public statistics: the same for
    every user)."""
    return store_cs.rows(), imports.municipality()


def our_sentence(compared: pl.DataFrame, crime_type: str, name: str, year: int) -> str:
    """One sentence on our municipality for the chosen crime type, or what is missing."""
    ours = compared.filter(pl.col("is_ours") & (pl.col("crime_type") == crime_type))
    if ours.is_empty():
        return (
            f"Brås statistik har ingen rad för {name} {year} ({crime_type.lower()}): importera "
            "en fil där kommunen finns med."
        )
    r = ours.row(0, named=True)
    head = (
        f"**{r['region']} {year}:** {fmt.number(r['count'])} anmälda brott "
        f"({crime_type.lower()}), {fmt.number(r['rate'], 1)} per 100 000 invånare"
    )
    if r["lower"] is not None and r["upper"] is not None:
        head += f" (95 % KI {fmt.number(r['lower'], 1)}–{fmt.number(r['upper'], 1)})"
    if r["national_rate"] is not None:
        head += f"; riket {fmt.number(r['national_rate'], 1)}"
    verdict = VERDICT_WORDS.get(r["verdict"], "kan inte jämföras med riket")
    return f"{head}: {verdict}."


def section() -> None:
    """The expander at the end of Översikt: the empty states, or the choice, sentence and table."""
    with st.expander(TITLE):
        rows, municipality = loaded()
        if rows.is_empty():
            st.info(EMPTY)
            return
        if municipality is None:
            st.info(NO_MUNICIPALITY)
            return
        left, right = st.columns(2)
        year = left.selectbox("År", cs.years(rows), key="bra_year")
        crime_type = right.selectbox("Brottstyp", cs.crime_types(rows, year), key="bra_type")
        compared = cs.compare(
            rows, year=year, code=municipality.get("kod"), name=municipality["namn"]
        )
        st.markdown(our_sentence(compared, crime_type, municipality["namn"], year))
        shown = cs.table(compared, crime_type)
        export.table(
            shown,
            name=f"bra-jamforelse-{year}",
            key="bra_table",
            decimals={"Per 100 000 inv.": 1},
        )
        st.caption(cs.METHOD_TEXT)
