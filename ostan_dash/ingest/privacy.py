"""Keep personal data out of free text: find personnummer, phone numbers, e-mail and name + address.

Pure (no database, no Streamlit). :func:`find_personal_data` returns every finding with its kind
and span; :func:`messages` turns findings into one Swedish sentence per kind that names the
offending text, so a reporter sees *what* to remove and a phone number is never called a
personnummer. The form (:mod:`ostan_dash.ingest.reports`), the imports
(:mod:`ostan_dash.ingest.validate`) and any other page with free text use the same guard, through
:func:`ostan_dash.ingest.freetext.problems`.

What is found
-------------
Personnummer and samordningsnummer (Skatteverket, SKV 704 and SKV 707)
    10 or 12 digits, the date and the last four joined by ``-``, ``+`` (a person over 100), a
    space or nothing: ``19121212-1212``, ``191212121212``, ``121212-1212``, ``19121212 1212``,
    ``121212+1212``. A candidate counts only when the last digit is the Luhn check digit of the
    other nine and the date exists (day + 60 for a samordningsnummer; with a century, not in
    the future). An arbitrary 10-digit number passes both by chance about once in 150 (about 7 %
    of ``yymmdd`` are dates, one in ten passes Luhn), so order numbers rarely trigger.
Swedish phone numbers
    A leading ``0`` and an area code of 1–3 more digits, then the subscriber number in groups
    separated by spaces (``070-123 45 67``, ``08-123 456 78``, ``018-12 34 56``,
    ``(08) 123 456 78``), 8–10 digits in all; or ``+46``/``0046`` and 7–9 digits
    (``+46 70 123 45 67``, ``+46 (0)8 123 456 78``); or 8–10 digits run together that start
    with ``0`` and a non-zero digit (``0701234567``). A 10-digit run that starts with ``0`` and
    also passes the personnummer checks is called a phone number (a mobile number written
    together is far more common than a personnummer of someone born 2000–2009 written without
    its hyphen); written with the hyphen it is a personnummer.
E-mail addresses
    ``local@domain.tld`` (letters including å, ä, ö).
Name and address
    A capitalised first and last name next to a street address (within a few words, either
    order): ``Anna Svensson, Storgatan 12``, ``Per-Olof Ek bor på Björkvägen 3 B``,
    ``Storgatan 12, Anna Svensson``. The street is a capitalised word ending in ``gatan``,
    ``vägen``, ``gränd``, ``stigen``, ``backen``, ``torget``, ``allén``, ``plan`` and the like,
    followed by a house number. The first name must be a common given name in Sweden
    (:data:`FIRST_NAMES`) or the last name must end like a Swedish surname (``-sson``,
    ``-berg``, ``-ström``, ``-qvist`` …), so shop and place names such as
    ``Ica Maxi, Storgatan 12`` or ``Stora Torget 3`` do not trigger.

Limits (the guard is a safety net, not a guarantee)
---------------------------------------------------
- A name alone (``Anna Svensson var där``), a name without capitals, an uncommon first name with
  a surname of another shape, and a name with only a street and no house number are not found.
- Phone numbers without an area code (``123 45 67``), foreign numbers other than ``+46``, and
  numbers written with dots are not found; an 8–10 digit reference number that starts with
  ``0`` is taken for a phone number.
- A date and time written as digits (``20240315 2230``) passes the personnummer checks about one
  time in ten; e-mail addresses written out (``anna at exempel dot se``) are not found.
- Other personal data (registration numbers, descriptions of a person) are not looked for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
PHONE = "telefonnummer"
EMAIL = "e-postadress"
NAME_ADDRESS = "namn och adress"

KINDS: tuple[str, ...] = (PERSONNUMMER, SAMORDNINGSNUMMER, PHONE, EMAIL, NAME_ADDRESS)

# What each kind is called in a Swedish sentence ("… innehålla <noun>").
_NOUN = {
    PERSONNUMMER: ("ett personnummer", "personnummer"),
    SAMORDNINGSNUMMER: ("ett samordningsnummer", "samordningsnummer"),
    PHONE: ("ett telefonnummer", "telefonnummer"),
    EMAIL: ("en e-postadress", "e-postadresser"),
    NAME_ADDRESS: ("ett namn med adress", "namn med adresser"),
}
ADVICE = "Skriv inga personuppgifter – bara platsen och händelsen."


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: its kind (:data:`KINDS`) and ``text[start:end]``."""

    kind: str
    start: int
    end: int
    text: str


# Personnummer ------------------------------------------------------------------------------------
_SEPARATORS = "-+\u2013\u2011 \u00a0"  # hyphen, plus, en dash, non-breaking hyphen, spaces
_PNR = re.compile(
    r"(?<!\d)(?P<century>(?:18|19|20))?(?P<date>\d{6})(?P<sep>[" + _SEPARATORS + r"]?)"
    r"(?P<last>\d{4})(?![\d])"
)


def luhn_ok(digits: str) -> bool:
    """True when the last digit of ``digits`` is its Luhn (mod 10) check digit.

    The personnummer check digit is computed over the ten digits ``yymmddnnnc`` with weights
    2, 1, 2, 1, … (Skatteverket, SKV 704).
    """
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _date_kind(century: str | None, yymmdd: str, *, today: dt.date) -> str | None:
    """PERSONNUMMER or SAMORDNINGSNUMMER when ``yymmdd`` is a birth date (day + 60), else None."""
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    kind = PERSONNUMMER
    if 61 <= dd <= 91:
        dd -= 60
        kind = SAMORDNINGSNUMMER
    years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
    for year in years:
        try:
            born = dt.date(year, mm, dd)
        except ValueError:
            continue
        if century and born > today:
            continue
        return kind
    return None


def _personnummer(text: str, today: dt.date) -> list[Finding]:
    out = []
    for m in _PNR.finditer(text):
        kind = _date_kind(m["century"], m["date"], today=today)
        if kind is not None and luhn_ok(m["date"] + m["last"]):
            out.append(Finding(kind, m.start(), m.end(), m.group()))
    return out


# Phone numbers -----------------------------------------------------------------------------------
_PHONE_NATIONAL = re.compile(
    r"(?<![\d\w+])(?:\(0[1-9]\d{0,2}\)|0[1-9]\d{0,2})"  # area code, maybe in brackets
    r"(?:[ \u00a0]?[-\u2013/][ \u00a0]?|[ \u00a0])"  # 070-, 08 -, 08/, (08) …
    r"\d{2,8}(?:[ \u00a0]\d{2,4}){0,3}(?![\d\w])"  # 123 45 67, 1234567, 123 456 78
)
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\d\w])(?:\+|00)46[ \u00a0-]?(?:\(0\)[ \u00a0]?)?"
    r"(?P<national>[1-9]\d{0,2}(?:[ \u00a0-]?\d{1,4}){1,4})(?![\d\w])"
)
_PHONE_RUN = re.compile(r"(?<![\d\w+])0[1-9]\d{6,8}(?![\d\w])")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _phones(text: str) -> list[Finding]:
    out = []
    for rx in (_PHONE_NATIONAL, _PHONE_RUN):
        for m in rx.finditer(text):
            if 8 <= len(_digits(m.group())) <= 10:
                out.append(Finding(PHONE, m.start(), m.end(), m.group()))
    for m in _PHONE_INTERNATIONAL.finditer(text):
        if 7 <= len(_digits(m["national"])) <= 9:  # after +46 and an optional (0)
            out.append(Finding(PHONE, m.start(), m.end(), m.group()))
    return out


# E-mail ------------------------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-zåäöÅÄÖ]{2,}(?![\w])", re.UNICODE
)


def _emails(text: str) -> list[Finding]:
    if "@" not in text:
        return []
    return [Finding(EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]


# Name and address --------------------------------------------------------------------------------
FIRST_NAMES = frozenset(
    """
    Agnes Agneta Aisha Alice Alma Amanda Amina Ann Anna Anne Anneli Annika Astrid Birgitta Britt
    Camilla Carina Caroline Cecilia Charlotte Clara Ebba Elena Elin Elisabeth Ella Ellen Elsa Emelie
    Emilia Emma Ester Eva Ewa Fatima Felicia Freja Frida Gunilla Hanna Helen Helena Ida Inger Ingrid
    Isabelle Jenny Jessica Johanna Jonna Josefin Julia Karin Karolina Katarina Kerstin Klara Kristina
    Leila Lena Lilly Linda Linnea Linnéa Lisa Lotta Louise Lova Madeleine Maja Malin Margareta Maria
    Mariam Marianne Marie Matilda Moa Mona Monica Nathalie Nora Nour Olivia Petra Pia Rebecka
    Sabrina Saga Sandra Sara Selma Signe Sofia Sofie Stella Susanne Therese Tilde Ulla Ulrika
    Vera Victoria Viktoria Wilma Yasmin Yvonne Åsa
    Abdi Abdullah Adam Ahmed Albin Alexander Alfred Ali Amir Anders Andreas Anton Arvid Axel Bengt
    Björn Bo Carl Christer Christian Daniel David Dennis Dragan Ebbe Edvin Elias Elliot Emil Erik
    Filip Folke Fredrik Gabriel Gustav Göran Hampus Hans Harry Hassan Henrik Hugo Hussein Ibrahim
    Ingvar Isak Ivan Jacob Jakob Jan Jesper Jimmy Joakim Johan Jonas Jonathan Kalle Karim Karl
    Kent Kevin Kjell Kristian Lars Lennart Leif Leo Liam Love Lucas Ludvig Magnus Marcus Markus
    Martin Mats Mattias Mehmet Melvin Mikael Milan Mohammad Mohammed Muhammad Mustafa Måns Niklas
    Nils Noah Ola Olle Olof Omar Oliver Oscar Oskar Patrik Pelle Per Peter Rasmus Richard Rickard
    Robert Robin Roger Rolf Sebastian Simon Sixten Stefan Sven Sören Theo Thomas Tobias Tommy
    Ture Ulf Victor Viggo Viktor Vincent William Yusuf Åke
    """.split()
)
_SURNAME_ENDINGS = (
    "sson|son|berg|bergh|ström|qvist|kvist|quist|gren|lund|lind|dahl|holm|stedt|blad|borg|"
    "ander|ius|lin"
)
_CAP = r"[A-ZÅÄÖÉÜ][a-zåäöéüè]+"
_NAME = rf"(?P<first>{_CAP}(?:-{_CAP})?)[ \u00a0]+(?P<last>{_CAP}(?:-{_CAP})?)"
_STREET_ENDINGS = (
    "gatan|gata|vägen|väg|gränd|gränden|stigen|stig|backen|backe|torget|torg|allén|allé|plan|"
    "platsen|leden|gången|slingan|ringen|esplanaden|kajen|promenaden|parken|liden|höjden"
)
_STREET = (
    rf"[A-ZÅÄÖÉ][a-zåäöé]*(?:-[A-ZÅÄÖa-zåäöé][a-zåäöé]*)?(?:{_STREET_ENDINGS})"
    r"[ \u00a0]+\d{1,4}(?:[ \u00a0]?[A-Za-z](?![\wåäö]))?(?![\d])"
)
_GAP = r"[^.!?\n\d@]{0,30}?"  # a few words between name and street, within one sentence
_NAME_THEN_STREET = re.compile(rf"(?<![\w-]){_NAME}{_GAP}(?<![\w])(?P<street>{_STREET})")
_STREET_THEN_NAME = re.compile(rf"(?<![\w-])(?P<street>{_STREET}){_GAP}(?<![\w]){_NAME}(?![\wåäö])")


# Capitalised words after a given name that make it a place, not a person ("Nora Centrum").
_NOT_SURNAMES = frozenset(
    """
    Arena Bibliotek Biblioteket Café Centrum City Galleria Gymnasium Hallen Hotell Kafé Kiosk
    Kommun Kyrka Kyrkan Maxi Nära Park Parken Pizzeria Resecentrum Sjukhus Skola Skolan Station
    Stationen Torg Torget Vårdcentral
    """.split()
)


def _looks_like_name(first: str, last: str) -> bool:
    if last in _NOT_SURNAMES or re.search(rf"(?:{_STREET_ENDINGS})$", last):
        return False
    if any(f in FIRST_NAMES for f in first.split("-")):
        return True
    return bool(re.search(rf"(?:{_SURNAME_ENDINGS})$", last.split("-")[-1]))


def _names_with_addresses(text: str) -> list[Finding]:
    out = []
    for rx in (_NAME_THEN_STREET, _STREET_THEN_NAME):
        pos = 0
        # Not finditer: "Klotter Anna Svensson, Storgatan 12" first matches "Klotter Anna"; the
        # search must go on from the next word, not after the rejected match.
        while (m := rx.search(text, pos)) is not None:
            if _looks_like_name(m["first"], m["last"]):
                out.append(Finding(NAME_ADDRESS, m.start(), m.end(), m.group()))
                pos = m.end()
            else:
                pos = m.start() + 1
    return out


# All together ------------------------------------------------------------------------------------
def may_contain(e: pl.Expr) -> pl.Expr:
    """A cheap Polars pre-filter: False only where :func:`find_personal_data` surely finds nothing.

    Every kind needs an ``@`` (e-mail), at least seven digits (a personnummer has 10, a phone
    number 8 or more, ``+46`` and 7) or a street name followed by a house number. An import of
    a million descriptions runs the Python guard only on the rows that pass.
    """
    return (
        e.str.contains("@", literal=True)
        | (e.str.count_matches(r"\d") >= 7)
        | e.str.contains(rf"(?:{_STREET_ENDINGS})\s+\d")
    )


def _pnr_spelled_as_such(f: Finding) -> bool:
    """A personnummer with its separator or century cannot be a phone number."""
    return len(_digits(f.text)) == 12 or not f.text.isdigit()


def find_personal_data(text: str | None, *, today: dt.date | None = None) -> list[Finding]:
    """Every piece of personal data in ``text``, in order of position (overlaps resolved).

    Parameters
    ----------
    text
        Free text from a form or an imported cell (``None`` and ``""`` have no findings).
    today
        For the rule that a birth date with a century is not in the future (default: the
        system date; the check only needs to be right to the day).

    Returns
    -------
    list of Finding
        Non-overlapping findings. Where two kinds claim the same characters, an e-mail address
        wins, then a personnummer written with its separator or century, then a phone number
        (see the module docstring for why ``0701234567`` is a phone number).
    """
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return []  # every kind needs a digit (number, house number) or an @
    today = today or dt.date.today()
    pnr = _personnummer(text, today)
    ranked = (
        _emails(text)
        + [f for f in pnr if _pnr_spelled_as_such(f)]
        + _phones(text)
        + [f for f in pnr if not _pnr_spelled_as_such(f)]
        + _names_with_addresses(text)
    )
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def messages(findings: list[Finding], *, subject: str = "Texten", advice: bool = True) -> list[str]:
    """One Swedish sentence per kind found, naming the offending text.

    ``subject`` is what the sentence is about (``Beskrivningen``, ``Texten``, ``Fältet Namn``):
    ``Beskrivningen ser ut att innehålla ett telefonnummer (”070-123 45 67”). Skriv inga
    personuppgifter – bara platsen och händelsen.``
    """
    out = []
    for kind in KINDS:
        spans = list(dict.fromkeys(f.text for f in findings if f.kind == kind))
        if not spans:
            continue
        one, many = _NOUN[kind]
        quoted = ", ".join(f"”{s}”" for s in spans)
        sentence = f"{subject} ser ut att innehålla {one if len(spans) == 1 else many} ({quoted})."
        out.append(f"{sentence} {ADVICE}" if advice else sentence)
    return out
