"""Timing of the weekly and quarterly PDFs for ``ostan-dash bench``: the draft, its figures and
the PDF.

"Warm" is the second and later documents of a process: the kaleido Chromium and WeasyPrint's
fonts are loaded once (the page keeps both between reruns). Aim: a weekly PDF under 5 s warm.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import polars as pl

from ostan_dash.bench.timing import timed


def weekly_pdf(
    incidents: pl.DataFrame, *, today, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Time the last complete week's veckolägesbild: first document, then warm (draft with
    figures from a held incident frame, and HTML → PDF alone)."""
    from ostan_dash.reports import figures, load, periods, render
    from ostan_dash.store import population, queries

    week = periods.complete_weeks(today, n=1)[0]
    areas, cells = queries.areas(), population.cells()

    def document() -> bytes:
        doc = load.draft(week, incidents=incidents, areas=areas, population=cells)
        return render.pdf(doc)

    progress(f"Veckolägesbild {week.key} som PDF …")
    t0 = time.perf_counter()
    first = document()
    first_s = time.perf_counter() - t0
    doc = load.draft(week, incidents=incidents, areas=areas, population=cells, figures=False)
    return {
        "week": week.key,
        "pdf_bytes": len(first),
        "first_document_s": round(first_s, 2),
        "document_warm": timed(document, repeat=3),
        "draft_without_figures": timed(
            lambda: load.draft(
                week, incidents=incidents, areas=areas, population=cells, figures=False
            ),
            repeat=3,
        ),
        "figures_svg": timed(lambda: figures.attach(dict(doc)), repeat=3),
        "pdf_from_content": timed(lambda: render.pdf(figures.attach(dict(doc))), repeat=3),
    }


def quarterly_pdf(
    incidents: pl.DataFrame, *, today, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Time the last complete quarter's kvartalsanalys: first document of its kind, then warm
    (draft with figures from a held incident frame), the draft alone and HTML → PDF alone."""
    from ostan_dash.reports import figures, load, periods, render
    from ostan_dash.store import population, queries

    quarter = periods.complete_quarters(today, n=1)[0]
    areas, cells = queries.areas(), population.cells()

    def document() -> bytes:
        doc = load.draft(quarter, incidents=incidents, areas=areas, population=cells)
        return render.pdf(doc)

    progress(f"Kvartalsanalys {quarter.key} som PDF …")
    t0 = time.perf_counter()
    first = document()
    first_s = time.perf_counter() - t0
    doc = load.draft(quarter, incidents=incidents, areas=areas, population=cells, figures=False)
    return {
        "quarter": quarter.key,
        "pdf_bytes": len(first),
        "first_document_s": round(first_s, 2),
        "document_warm": timed(document, repeat=3),
        "draft_without_figures": timed(
            lambda: load.draft(
                quarter, incidents=incidents, areas=areas, population=cells, figures=False
            ),
            repeat=3,
        ),
        "pdf_from_content": timed(lambda: render.pdf(figures.attach(dict(doc))), repeat=3),
    }
