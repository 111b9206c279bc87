import numpy as np
import polars as pl

from ostan_dash.analysis.public import SUPPRESSED_TEXT, group_totals, suppress_counts


def _table(values):
    rows = [(g, c, v) for g, row in enumerate(values) for c, v in enumerate(row)]
    return pl.DataFrame(rows, schema=["area", "week", "n"], orient="row")


def test_counts_0_to_4_suppressed():
    out = suppress_counts(_table([[0, 1, 2, 3, 4, 5, 9]]), group="area", cell="week", value="n")
    shown = out["shown"].to_list()
    assert shown[:5] == [SUPPRESSED_TEXT] * 5
    assert shown[5:] == ["5", "9"]
    assert out["n"][:5].null_count() == 5


def test_single_primary_gets_complementary_cell():
    out = suppress_counts(_table([[3, 20, 8, 12]]), group="area", cell="week", value="n")
    assert out["suppressed"].to_list() == [True, False, True, False]


def test_no_suppressed_cell_recoverable_from_total_random():
    rng = np.random.default_rng(11)
    vals = rng.poisson(6, size=(300, 5)).tolist()
    df = _table(vals)
    out = suppress_counts(df, group="area", cell="week", value="n")
    tot = group_totals(df, group="area", value="n")
    per = out.group_by("area").agg(
        pl.col("suppressed").sum().alias("k"), pl.col("n").sum().alias("shown_sum")
    )
    # never exactly one hidden cell in a group (else total - shown reveals it)
    assert (per["k"] != 1).all()
    # every shown number is >= 5
    assert out.filter(~pl.col("suppressed"))["n"].min() >= 5
    assert tot.filter(pl.col("total").is_not_null())["total"].min() >= 5
