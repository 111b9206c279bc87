"""A document's print-friendly HTML (Jinja2, CSS ``@page``) and its A4 PDF (WeasyPrint).

Both are rendered from the document's content alone (:mod:`.weekly`'s dict, as stored when it
was published), never from the data: an old version prints as it was sent. WeasyPrint only
reads ``data:`` and ``file:`` URLs here, so rendering never touches the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ostan_dash.text import long_date, number, percent

TEMPLATES = Path(__file__).parent / "templates"


def _signed_pct(x: float | None) -> str:
    return percent(x, signed=True) if x is not None else "–"


def _local(ts: str | None) -> str:
    if not ts:
        return ""
    t = dt.datetime.fromisoformat(ts)
    if t.tzinfo is not None:
        from ostan_dash.config import TZ

        t = t.astimezone(TZ)
    return t.strftime("%Y-%m-%d %H:%M")


@cache
def environment() -> jinja2.Environment:
    """The templates with Swedish number filters; HTML is escaped unless marked safe."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda x, d=0: number(x, d) if x is not None else "–"
    env.filters["pct"] = _signed_pct
    env.filters["local"] = _local
    env.filters["longdate"] = lambda iso: long_date(dt.date.fromisoformat(iso))
    return env


def html(doc: Mapping[str, Any], *, publication: Mapping[str, Any] | None = None) -> str:
    """The document as one self-contained HTML page (figures inline as SVG).

    ``publication`` (``version``, ``published_at``, ``published_by``) marks a published version;
    without it the page says it is a draft.
    """
    template = environment().get_template(f"{doc['kind']}.html")
    css = (TEMPLATES / "lagesbild.css").read_text(encoding="utf-8")
    return template.render(doc=doc, pub=publication, css=css)


def pdf(doc: Mapping[str, Any], *, publication: Mapping[str, Any] | None = None) -> bytes:
    """The document as an A4 PDF (WeasyPrint; vector figures; page numbers from CSS)."""
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols={"data", "file"})
    return weasyprint.HTML(
        string=html(doc, publication=publication), base_url=str(TEMPLATES), url_fetcher=fetcher
    ).write_pdf()
