"""What the analyst writes in each kind of document, and what its files are called.

The page Lägesbilder shows one text field per entry of :data:`FIELDS` for the chosen kind;
:func:`ostan_dash.reports.load.with_texts` puts them into the document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One free-text field: the document key, its label, a placeholder and the subject the
    personal-data guard names in a refusal."""

    name: str
    label: str
    placeholder: str
    subject: str
    height: int = 120


FIELDS: dict[str, tuple[Field, ...]] = {
    "vecka": (
        Field(
            "assessment",
            "Bedömning",
            "Vad säger veckan? Vad är nytt, vad håller i sig?",
            "Bedömningen",
            140,
        ),
        Field(
            "recommendations",
            "Rekommenderade insatser kommande vecka",
            "Vad, var och när – med fokus på helgen.",
            "Rekommendationerna",
            110,
        ),
    ),
    "kvartal": (
        Field(
            "assessment",
            "Bedömning",
            "Hur gick kvartalet? Vad gav insatserna, vad håller i sig?",
            "Bedömningen",
            140,
        ),
        Field(
            "recommendations",
            "Planerade insatser nästa kvartal",
            "Vilka insatser i fokusområdena, vem ansvarar och när följs de upp?",
            "De planerade insatserna",
            110,
        ),
    ),
    "ar": (
        Field(
            "assessment",
            "Bedömning",
            "Hur utvecklades året? Vilka områden behöver mest, vilka insatser gav resultat?",
            "Bedömningen",
            140,
        ),
        Field(
            "cooperation",
            "Hur samverkan fungerat",
            "Möten, ansvarsfördelning, informationsflöde, vad som ska ändras nästa år.",
            "Texten om samverkan",
            140,
        ),
    ),
}

FILE_STEMS = {"vecka": "veckolagesbild", "kvartal": "kvartalsanalys", "ar": "arsanalys"}
PERIOD_LABELS = {"vecka": "Vecka", "kvartal": "Kvartal", "ar": "År"}
KIND_LABELS = {"vecka": "Vecka", "kvartal": "Kvartal", "ar": "År"}


def key(kind: str, name: str) -> str:
    """The widget key of a field (the weekly's keys stay ``lb_assessment`` and
    ``lb_recommendations``; other kinds keep their own text)."""
    return f"lb_{name}" if kind == "vecka" else f"lb_{kind}_{name}"


def file_name(kind: str, period_key: str, suffix: str) -> str:
    """``kvartalsanalys-2026-Q3-utkast.pdf``."""
    return f"{FILE_STEMS[kind]}-{period_key}-{suffix}"
