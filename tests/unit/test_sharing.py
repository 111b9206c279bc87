"""The sharing policy in words and rows (ostan_dash.sharing): rows → policy → rows round trip,
what each organisation kind has to share, and the Swedish sentences the admin page shows."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash import sharing
from ostan_dash.store.sharing import SCHEMA

ORGS = pl.DataFrame(
    {"id": [1, 2, 3], "name": ["Östan kommun", "Polisen", "Östanhem AB"], "kind": ["kommun", "polis", "bostadsbolag"]}
)  # fmt: skip
NAMES = dict(zip(ORGS["id"], ORGS["name"], strict=True))


def _rows(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA, orient="row")


def test_rows_become_one_sharing_per_organisation_and_kind():
    rows = _rows(
        (1, "rapporter", "alla", None),
        (2, "polisbrott", "analytiker", None),
        (2, "polisbrott", "organisation", 3),
        (3, "fritext", "organisation", 1),
    )
    policy = sharing.from_rows(rows, ORGS)
    # the police's crimes only for the police; a kind without rows shares nothing
    assert sorted(policy) == [
        (1, "fritext"), (1, "rapporter"), (2, "fritext"), (2, "polisbrott"), (2, "rapporter"),
        (3, "fritext"), (3, "rapporter"),
    ]  # fmt: skip
    assert policy[(1, "rapporter")].everyone
    assert policy[(2, "polisbrott")] == sharing.Sharing(
        2, "polisbrott", False, True, frozenset({3})
    )
    assert policy[(3, "rapporter")] == sharing.Sharing(3, "rapporter")
    assert policy[(2, "polisbrott")].grants() == [("analytiker", None), ("organisation", 3)]


def test_grants_never_name_the_owner_and_keep_a_fixed_order():
    s = sharing.Sharing(3, "fritext", True, True, frozenset({3, 2, 1}))
    assert s.grants() == [
        ("alla", None),
        ("analytiker", None),
        ("organisation", 1),
        ("organisation", 2),
    ]


@pytest.mark.parametrize(
    ("s", "words"),
    [
        (sharing.Sharing(1, "rapporter", everyone=True), "Alla organisationer."),
        (sharing.Sharing(1, "fritext", analysts=True), "Egen organisation och analytiker."),
        (sharing.Sharing(1, "fritext"), "Egen organisation."),
        (
            sharing.Sharing(3, "fritext", analysts=True, organisations=frozenset({2, 1})),
            "Egen organisation, analytiker, Polisen och Östan kommun.",
        ),
        (
            sharing.Sharing(2, "polisbrott", analysts=True),
            "Egen organisation och analytiker; övriga ser antal per område och tid.",
        ),
    ],
    ids=["everyone", "analysts", "own-only", "named", "police"],
)
def test_describe_in_swedish(s, words):
    assert sharing.describe(s, NAMES) == words


def test_table_has_one_row_per_organisation_and_a_dash_where_nothing_applies():
    policy = sharing.from_rows(_rows((1, "rapporter", "alla", None)), ORGS)
    t = sharing.table(policy, ORGS)
    assert t.columns == ["Organisation", *sharing.KINDS.values()]
    assert t.row(0) == ("Östan kommun", "Alla organisationer.", "Egen organisation.", "–")


def test_an_unknown_kind_is_refused_before_the_database():
    with pytest.raises(ValueError, match="Okänt slag"):
        sharing.save(1, sharing.Sharing(1, "lösenord"))
