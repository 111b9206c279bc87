"""Calendar arithmetic shared by the filters, the analyses, the documents and the demo (pure)."""

from __future__ import annotations

import datetime as dt


def quarter_start(d: dt.date) -> dt.date:
    """First day of the quarter ``d`` falls in."""
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_number(d: dt.date) -> int:
    """The quarter (1–4) ``d`` falls in."""
    return (d.month - 1) // 3 + 1
