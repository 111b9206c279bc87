"""The report form's validator (ingest.reports.problems): personal data, control characters and
implausible dates are refused with Swedish reasons that name the field and the offending text."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ostan_dash.config import TZ
from ostan_dash.ingest import reports

NOW = dt.datetime(2026, 3, 4, 9, 30, tzinfo=TZ)
BASE = reports.ReportDraft(
    category="otrygg_plats",
    subtype="belysning",
    occurred_from=NOW - dt.timedelta(hours=2),
    occurred_to=NOW - dt.timedelta(hours=1),
    x=602_000.0,
    y=6_632_000.0,
    client_token=reports.new_token(),
    description="Två lampor trasiga längs gångvägen",
)


def _problems(**over) -> list[str]:
    return reports.problems(dataclasses.replace(BASE, **over), now=NOW)


def test_a_plain_report_has_no_problems():
    assert _problems() == []
    assert _problems(description=None) == []
    assert _problems(description="rad ett\nrad två\tmed tabb") == []


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Det var 19121212 1212", "ett personnummer (”19121212 1212”)"),
        ("Anna, 070-123 45 67, ringde", "ett telefonnummer (”070-123 45 67”)"),
        ("Skriv till a.b@exempel.se", "en e-postadress (”a.b@exempel.se”)"),
        ("Anna Svensson, Storgatan 12", "ett namn med adress (”Anna Svensson, Storgatan 12”)"),
        ("Nr 701063-2391", "ett samordningsnummer (”701063-2391”)"),
    ],
    ids=["pnr-space", "phone", "email", "name-address", "samordningsnummer"],
)
def test_personal_data_is_refused_with_its_kind_and_span(description, expected):
    found = _problems(description=description)
    assert found == [
        f"Beskrivningen ser ut att innehålla {expected}. Skriv inga personuppgifter – "
        "bara platsen och händelsen."
    ]


def test_a_phone_number_is_not_called_a_personnummer():
    (msg,) = _problems(description="Ring 0701234567")
    assert "telefonnummer" in msg and "personnummer" not in msg


def test_a_nul_byte_is_refused_before_it_reaches_the_database():
    (msg,) = _problems(description="Klotter\x00på väggen")
    assert msg.startswith("Beskrivningen innehåller ett tecken som inte kan sparas: NUL (U+0000)")


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {"occurred_from": dt.datetime(1900, 1, 1, 12, tzinfo=TZ)},
            ["Från-tiden (1900-01-01 12:00) ligger före 2000-01-01. Kontrollera datumet."],
        ),
        (
            {
                "occurred_from": dt.datetime(1999, 12, 31, 23, 59, tzinfo=TZ),
                "occurred_to": dt.datetime(1999, 12, 31, 23, 59, tzinfo=TZ),
            },
            ["Från-tiden (1999-12-31 23:59) ligger före 2000-01-01. Kontrollera datumet."],
        ),
        (
            {
                "occurred_from": dt.datetime(9999, 12, 31, 12, tzinfo=TZ),
                "occurred_to": dt.datetime(9999, 12, 31, 12, tzinfo=TZ),
            },
            ["Från-tiden (9999-12-31 12:00) ligger i framtiden. Kontrollera datum och klockslag."],
        ),
        (
            {"occurred_to": NOW + dt.timedelta(hours=3)},
            ["Till-tiden (2026-03-04 12:30) ligger i framtiden. Kontrollera datum och klockslag."],
        ),
        ({"occurred_to": NOW + dt.timedelta(minutes=5)}, []),  # clock skew between devices
        (
            {
                "occurred_from": dt.datetime(2000, 1, 1, tzinfo=TZ),
                "occurred_to": dt.datetime(2000, 1, 1, 1, tzinfo=TZ),
            },
            [],
        ),
    ],
    ids=["1900", "1999-12-31", "9999", "to-in-3-hours", "to-in-5-minutes", "2000-01-01"],
)
def test_dates_outside_the_plausible_range_name_the_field(over, expected):
    got = [p for p in _problems(**over) if "31 dagar" not in p]
    assert got == expected
