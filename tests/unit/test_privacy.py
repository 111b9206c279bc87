"""The personal-data guard on free text: a table of texts that must and must not be refused,
the Luhn check against an independent implementation, the right message for the right kind,
and the control-character guard."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ostan_dash.ingest import freetext, privacy
from ostan_dash.ingest.privacy import (
    EMAIL,
    NAME_ADDRESS,
    PERSONNUMMER,
    PHONE,
    SAMORDNINGSNUMMER,
)

TODAY = dt.date(2026, 3, 4)

# (text, the kinds and spans that must be found); an empty list = harmless, must pass.
CASES = [
    # personnummer in every common spelling (19121212-1212 is Skatteverket's "Tolvan")
    ("Sågs av 19121212-1212 igen", [(PERSONNUMMER, "19121212-1212")], "pnr-12-hyphen"),
    ("191212121212", [(PERSONNUMMER, "191212121212")], "pnr-12-together"),
    ("pnr 121212-1212", [(PERSONNUMMER, "121212-1212")], "pnr-10-hyphen"),
    ("Personen 19121212 1212 bor här", [(PERSONNUMMER, "19121212 1212")], "pnr-12-space"),
    ("121212 1212", [(PERSONNUMMER, "121212 1212")], "pnr-10-space"),
    ("121212+1212 (över 100 år)", [(PERSONNUMMER, "121212+1212")], "pnr-10-plus-centenarian"),
    ("1212121212", [(PERSONNUMMER, "1212121212")], "pnr-10-together"),
    ("född 20050101-2389", [(PERSONNUMMER, "20050101-2389")], "pnr-born-2005"),
    ("nr:19850312-1231.", [(PERSONNUMMER, "19850312-1231")], "pnr-punctuation-around"),
    ("19850312–1231", [(PERSONNUMMER, "19850312–1231")], "pnr-en-dash"),
    ("20000229-1235", [(PERSONNUMMER, "20000229-1235")], "pnr-leap-day-2000"),
    # samordningsnummer: day + 60 (701063-2391 is Skatteverket's example)
    ("701063-2391", [(SAMORDNINGSNUMMER, "701063-2391")], "samordning-10"),
    ("197010632391", [(SAMORDNINGSNUMMER, "197010632391")], "samordning-12-together"),
    # look like personnummer but are not
    ("Ordernr 8503121234", [], "10-digit-order-number-fails-luhn"),
    ("19850312-1234", [], "pnr-shape-wrong-check-digit"),
    ("Ärende 1234567890", [], "10-digit-no-valid-date"),
    ("19000229-1235", [], "no-29-february-1900"),
    ("20991212-1218", [], "pnr-born-in-the-future"),
    ("121312-1211", [], "month-13-luhn-valid"),
    ("Faktura 55667788990", [], "11-digits"),
    ("556677-8899 är ett organisationsnummer", [], "org-number"),
    # phone numbers
    ("Ring 070-123 45 67", [(PHONE, "070-123 45 67")], "mobile-hyphen-groups"),
    ("+46 70 123 45 67", [(PHONE, "+46 70 123 45 67")], "mobile-international"),
    ("+46701234567", [(PHONE, "+46701234567")], "mobile-international-together"),
    ("0046 70 123 45 67", [(PHONE, "0046 70 123 45 67")], "mobile-00-prefix"),
    ("08-123 456 78", [(PHONE, "08-123 456 78")], "stockholm"),
    ("tel (08) 123 456 78", [(PHONE, "(08) 123 456 78")], "stockholm-brackets"),
    ("+46 (0)8 123 456 78", [(PHONE, "+46 (0)8 123 456 78")], "international-with-(0)"),
    ("018-12 34 56", [(PHONE, "018-12 34 56")], "uppsala"),
    ("0470-123 45", [(PHONE, "0470-123 45")], "four-digit-area-code"),
    ("0701234567", [(PHONE, "0701234567")], "mobile-together"),
    ("070 123 45 67", [(PHONE, "070 123 45 67")], "mobile-spaces"),
    ("Anna 0731234567", [(PHONE, "0731234567")], "name-and-mobile"),
    # e-mail
    ("mejla anna.svensson@example.se", [(EMAIL, "anna.svensson@example.se")], "email"),
    ("Kontakt: åsa.öberg@kommun.östan.se.", [(EMAIL, "åsa.öberg@kommun.östan.se")], "email-åäö"),
    # name + address
    ("Anna Svensson, Storgatan 12", [(NAME_ADDRESS, "Anna Svensson, Storgatan 12")], "name-street"),
    (
        "Klagomål från Per-Olof Ek som bor på Björkvägen 3 B.",
        [(NAME_ADDRESS, "Per-Olof Ek som bor på Björkvägen 3 B")],
        "hyphenated-name-bor-på",
    ),
    ("Storgatan 12, Anna Svensson", [(NAME_ADDRESS, "Storgatan 12, Anna Svensson")], "street-name"),
    (
        "Ahmed Hassan på Tallstigen 4",
        [(NAME_ADDRESS, "Ahmed Hassan på Tallstigen 4")],
        "name-på-stigen",
    ),
    (
        "Sven Lindqvist, Kyrkbacken 7",
        [(NAME_ADDRESS, "Sven Lindqvist, Kyrkbacken 7")],
        "name-backen",
    ),
    (
        "Tove Holmberg, Ekallén 2",
        [(NAME_ADDRESS, "Tove Holmberg, Ekallén 2")],
        "surname-shape-allén",
    ),
    # several kinds in one text
    (
        "Ring 08-123 456 78 eller 19121212 1212",
        [(PHONE, "08-123 456 78"), (PERSONNUMMER, "19121212 1212")],
        "phone-and-pnr",
    ),
    # harmless: dates, times, sums, weeks, bus lines, addresses without names, shop names
    ("Klotter på väderskyddet", [], "plain"),
    ("2026-03-02 kl 22:30", [], "date-and-time"),
    ("Mellan kl 22-23 varje fredag", [], "kl-22-23"),
    ("Ökning v. 48 och v. 49", [], "weeks"),
    ("070 is the bus line to the centre", [], "bus-line-070"),
    ("Skador för 12 500 kr, 3 rutor", [], "sum"),
    ("Lampan vid Storgatan 12 är trasig", [], "address-without-name"),
    ("Ica Maxi, Storgatan 12", [], "shop-name-and-address"),
    ("Stora Torget 3, vid kiosken", [], "square"),
    ("Nora Centrum, Storgatan 3", [], "place-named-like-a-person"),
    ("Grupp på 15 personer 21.30–23.45, 05-03-2026", [], "times-and-dmy-date"),
    ("Koordinat 6632000, 602000", [], "coordinates"),
    ("Postnummer 753 20 Uppsala", [], "postcode"),
    ("Anna Svensson såg händelsen", [], "name-without-address-is-a-documented-limit"),
    ("Buss 70 mot Gränby, hållplats Storgatan", [], "street-without-number"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in CASES], ids=[c[2] for c in CASES])
def test_the_guard_finds_exactly_the_personal_data(text, expected):
    found = privacy.find_personal_data(text, today=TODAY)
    assert [(f.kind, f.text) for f in found] == expected
    for f in found:
        assert text[f.start : f.end] == f.text


def test_the_table_has_at_least_30_examples_both_ways():
    assert sum(bool(c[1]) for c in CASES) >= 30
    assert sum(not c[1] for c in CASES) >= 15
    assert {k for c in CASES for k, _ in c[1]} == set(privacy.KINDS)


def _luhn_reference(digits: str) -> bool:
    """The textbook Luhn check, written independently: double every second digit from the right."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = sum(divmod(2 * d, 10))
        total += d
    return total % 10 == 0


def test_luhn_agrees_with_the_textbook_algorithm_and_published_numbers():
    rng = random.Random(13)
    numbers = [f"{rng.randrange(10**10):010d}" for _ in range(2000)]
    assert [privacy.luhn_ok(n) for n in numbers] == [_luhn_reference(n) for n in numbers]
    # one number in ten passes, as a check digit should
    assert 0.08 < sum(map(privacy.luhn_ok, numbers)) / len(numbers) < 0.12
    # Skatteverket's examples (SKV 704, SKV 707)
    assert privacy.luhn_ok("8112189876") and privacy.luhn_ok("7010632391")
    assert not privacy.luhn_ok("8112189875")


def test_arbitrary_ten_digit_numbers_rarely_trigger():
    """The documented false-positive rate: ~7 % of yymmdd are dates × 1/10 passing Luhn."""
    rng = random.Random(7)
    numbers = [f"{rng.randrange(10**9, 10**10)}" for _ in range(5000)]  # no leading 0
    rate = sum(bool(privacy.find_personal_data(n, today=TODAY)) for n in numbers) / len(numbers)
    assert rate < 0.015


def test_each_kind_gets_its_own_swedish_message_naming_the_span():
    text = "Ring 070-123 45 67, pnr 19121212 1212, a@b.se, Anna Svensson, Storgatan 12"
    msgs = privacy.messages(privacy.find_personal_data(text, today=TODAY), subject="Beskrivningen")
    assert msgs == [
        f"Beskrivningen ser ut att innehålla {what} (”{span}”). {privacy.ADVICE}"
        for what, span in [
            ("ett personnummer", "19121212 1212"),
            ("ett telefonnummer", "070-123 45 67"),
            ("en e-postadress", "a@b.se"),
            ("ett namn med adress", "Anna Svensson, Storgatan 12"),
        ]
    ]
    two = privacy.messages(privacy.find_personal_data("070-123 45 67 eller 08-12 34 56"))
    assert two == [
        f"Texten ser ut att innehålla telefonnummer (”070-123 45 67”, ”08-12 34 56”). "
        f"{privacy.ADVICE}"
    ]
    assert privacy.messages([]) == []


def test_a_phone_number_is_never_called_a_personnummer():
    for text in ["070-123 45 67", "0701234567", "+46 70 123 45 67", "08-123 456 78"]:
        msgs = freetext.problems(text)
        assert len(msgs) == 1 and "telefonnummer" in msgs[0] and "personnummer" not in msgs[0]


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("rad ett\nrad två\tmed tabb\r\n", True, None),
        ("rad ett\nrad två", False, "radbrytning (U+000A) vid tecken 8"),
        ("tabb\there", False, "tabb (U+0009) vid tecken 5"),
        ("nul\x00byte", True, "NUL (U+0000) vid tecken 4"),
        ("\x1b[31mröd", True, "kontrolltecken (U+001B) vid tecken 1"),
        ("abc\u202edcba", True, "riktningstecken (U+202E) vid tecken 4"),
        ("x\x7fy\x85z", True, "kontrolltecken (U+007F) vid tecken 2 och 1 till"),
        ("vanlig text med å, ä, ö och – tankstreck", False, None),
    ],
    ids=[
        "newline-tab-ok",
        "newline-one-line",
        "tab-one-line",
        "nul",
        "escape",
        "bidi",
        "del-c1",
        "ok",
    ],
)
def test_control_characters_are_named_with_their_position(text, multiline, refused):
    msg = freetext.control_message(text, subject="Beskrivningen", multiline=multiline)
    if refused is None:
        assert msg is None
    else:
        assert msg.startswith("Beskrivningen innehåller ett tecken som inte kan sparas: ")
        assert refused in msg


def test_polars_and_python_control_classes_agree():
    import polars as pl

    chars = [chr(c) for c in [*range(0, 0xA0), 0x202A, 0x202E, 0x2066, 0x2069, 0x2028, 0xE5]]
    s = pl.Series(chars)
    for rx_pl, rx_py in [
        (freetext.POLARS_CONTROL_MULTILINE, freetext.CONTROL_MULTILINE),
        (freetext.POLARS_CONTROL_SINGLE_LINE, freetext.CONTROL_SINGLE_LINE),
    ]:
        assert s.str.contains(rx_pl).to_list() == [bool(rx_py.search(c)) for c in chars]


def test_the_polars_prefilter_never_drops_a_text_with_findings():
    import polars as pl

    texts = pl.Series([c[0] for c in CASES])
    passes = texts.to_frame("t").select(privacy.may_contain(pl.col("t")))["t"].to_list()
    for (_text, expected, case_id), p in zip(CASES, passes, strict=True):
        assert p or not expected, case_id
    assert not all(passes)  # it does filter


def test_a_form_is_refused_field_by_field_and_clean_fields_pass():
    freetext.ensure_clean(
        {"Rubriken": "Klotter vid skolan", "Beskrivningen": "rad 1\nrad 2"}, one_line=("Rubriken",)
    )
    with pytest.raises(ValueError) as caught:
        freetext.ensure_clean(
            {"Rubriken": "Ring 070-123 45 67", "Beskrivningen": "Sågs av 19121212-1212",
             "Orsakshypotesen": "rad 1\nrad 2"},
            one_line=("Rubriken", "Orsakshypotesen"),
        )  # fmt: skip
    msg = str(caught.value)
    assert "Rubriken ser ut att innehålla ett telefonnummer" in msg
    assert "Beskrivningen ser ut att innehålla ett personnummer" in msg
    assert "Orsakshypotesen innehåller ett tecken som inte kan sparas: radbrytning" in msg
