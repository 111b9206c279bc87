"""Brå's reported crimes per region, crime type and year (``sql/037_crime_statistics.sql``).

Written only by the importer (the kind ``brottsstatistik``, :mod:`ostan_dash.store.imports`);
read here for the comparison on Översikt. Public statistics: every app role reads every row.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.schema import CRIME_STATISTICS
from ostan_dash.store import read_frame

SCHEMA = CRIME_STATISTICS


def rows(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every stored row with :data:`SCHEMA`, by year, crime type and region."""
    return read_frame(
        """
        SELECT region_code, region_name, is_national, crime_type, year, count::bigint AS count,
               per_100k::float8 AS per_100k, population::bigint AS population
        FROM crime_statistics
        ORDER BY year, crime_type, is_national DESC, region_name
        """,
        conn=conn,
        schema=SCHEMA,
    )
