"""The type of a Polars schema as this project writes it: column name → dtype, where a dtype is
an instance (``pl.Datetime("us", TZ)``) or the class itself (``pl.Int64``), as Polars accepts."""

from __future__ import annotations

from typing import TypeAlias

import polars as pl

Schema: TypeAlias = dict[str, pl.DataType | type[pl.DataType]]
