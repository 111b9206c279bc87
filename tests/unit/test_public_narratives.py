"""The Publicera page's sentences (ui.public_narratives), compared with the exact strings."""

from __future__ import annotations

import datetime as dt

from ostan_dash.ui import public_narratives as say

STOCKHOLM = dt.timezone(dt.timedelta(hours=1))


def test_the_proposed_titles_name_the_area():
    assert say.trend_title("Centrum") == "Utvecklingen i Centrum"
    assert say.focus_title("Norra Östan") == "Fokusområde: Norra Östan"


def test_an_intervention_is_offered_with_its_status_in_swedish():
    row = {"title": "Belysning i parken", "status": "pagaende"}
    assert say.intervention_option(row) == "Belysning i parken (Pågår)"
    assert say.intervention_option({**row, "status": "avslutad"}) == (
        "Belysning i parken (Avslutad)"
    )


def test_a_published_item_names_its_kind_date_and_publisher_as_typed():
    item = {
        "title": "Så går det i *Centrum*",
        "kind": "omradestrend",
        "published_at": dt.datetime(2026, 11, 2, 9, 30, tzinfo=STOCKHOLM),
        "published_by": "anna_a",
    }
    assert say.published_line(item) == (
        r"**Så går det i \*Centrum\***  " + "\nUtvecklingen i ett område · "
        r"publicerad 2026-11-02 av anna\_a"
    )


def test_a_withdrawn_item_is_a_list_entry_with_date_and_who():
    item = {
        "title": "Fokusområde: Norr",
        "withdrawn_at": dt.datetime(2026, 12, 1, 14, 0, tzinfo=STOCKHOLM),
        "withdrawn_by": "admin",
    }
    assert say.withdrawn_line(item) == (
        r"- Fokusområde\: Norr (dragen tillbaka 2026-12-01 av admin)"
    )


def test_the_confirmations_quote_the_title():
    assert say.published_flash("  Klotter i Centrum ") == "”Klotter i Centrum” är publicerad."
    assert say.withdrawn_flash("Klotter i Centrum") == "”Klotter i Centrum” är tillbakadragen."
