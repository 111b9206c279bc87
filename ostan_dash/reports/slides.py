"""The veckolägesbild as slides for the Thursday meeting: one question per slide, in the order the
operative group works through it (what happened, where, when, what we do about it, what is
coming), from the document's own content — a published version is shown as it was sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ostan_dash.reports import sentences

MAX_AREAS = 8
"""Areas on the area slide: the ones with most incidents (all flagged ones are kept)."""


@dataclass(frozen=True)
class Slide:
    """One slide: a title, sentences to read out, and at most one of the document's figures
    (``map``, ``hottimes``, ``trend``) or tables (``areas``)."""

    title: str
    sentences: list[str] = field(default_factory=list)
    figure: str | None = None
    table: str | None = None
    note: str = ""


def week_slides(doc: Mapping[str, Any]) -> list[Slide]:
    """The slides of a veckolägesbild (``doc`` as drafted by :func:`..weekly.draft` or as stored
    in a published version). Slides without content (no assessment written, no events) are left
    out rather than shown empty."""
    out = [
        Slide(
            "Veckan i siffror",
            [
                sentences.headline_sentence(r["label"], r["count"], r["expected"] or 0.0)
                for r in doc["headline"]
                if r.get("group") == "source"
            ],
            figure="trend",
            note=doc["method"],
        ),
        Slide("Det viktigaste", list(doc["changes"])),
        Slide("Heta rutor under veckan", figure="map", note=doc["hotspots"]["method"]),
        Slide(
            "Heta tider",
            figure="hottimes",
            note="Aoristisk fördelning av tidsfönstren över veckodag och timme (Ratcliffe 2002).",
        ),
        Slide("Per område", table="areas"),
        Slide(
            "Pågående insatser",
            [f"{r['smart_text']}: {r['text']}" for r in doc["interventions"]]
            or ["Inga insatser pågick under veckan."],
        ),
    ]
    if "week_ahead" in doc:
        out.append(
            Slide(
                "Evenemang veckan som kommer",
                list(doc["week_ahead"]) or ["Inga evenemang i kalendern."],
            )
        )
    if doc["focus_areas"]:
        out.append(
            Slide(
                f"Fokusområden {doc.get('focus_quarter', '')}".strip(),
                [f"{f['rank']}. {f['area']} – {f['rationale']}" for f in doc["focus_areas"]],
            )
        )
    texts = [doc.get("assessment", ""), doc.get("recommendations", "")]
    if any(texts):
        out.append(
            Slide(
                "Bedömning och rekommenderade insatser",
                [t for t in texts if t],
            )
        )
    return out


def area_rows(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The area slide's rows: every flagged area, then the most incidents, at most
    :data:`MAX_AREAS` in all, in the document's order."""
    rows = list(doc["areas"])
    keep = {id(r) for r in rows if r.get("unusual")}
    for r in sorted(rows, key=lambda r: -r["count"]):
        if len(keep) >= MAX_AREAS:
            break
        keep.add(id(r))
    return [r for r in rows if id(r) in keep]
