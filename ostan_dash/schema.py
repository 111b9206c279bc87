"""The type of a Polars schema as this project writes it: column name → dtype, where a dtype is
an instance (``pl.Datetime("us", TZ)``) or the class itself (``pl.Int64``), as Polars accepts;
and the schemas of frames that the store reads and the statistics use, which may not import
each other."""

from __future__ import annotations

from typing import TypeAlias

import polars as pl

Schema: TypeAlias = dict[str, pl.DataType | type[pl.DataType]]

CRIME_STATISTICS: Schema = {
    "region_code": pl.Utf8,
    "region_name": pl.Utf8,
    "is_national": pl.Boolean,
    "crime_type": pl.Utf8,
    "year": pl.Int32,
    "count": pl.Int64,
    "per_100k": pl.Float64,
    "population": pl.Int64,
}
"""Brå's stored rows (``sql/037_crime_statistics.sql``): read by
``ostan_dash.store.crime_statistics.rows``, compared by ``ostan_dash.analysis.crime_statistics``."""
