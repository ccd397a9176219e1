"""Shared mechanics of the metric functions: grouping and year-on-year alignment."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import ParameterError


def as_by(by: str | Sequence[str] | None) -> list[str]:
    """Normalise a ``by=`` argument to a list (``None`` or ``[]`` means the whole region)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_by(df: pd.DataFrame, by: list[str], table: str) -> None:
    unknown = [b for b in by if b not in df.columns]
    if unknown:
        raise ParameterError(
            f"Cannot group the {table} table by {unknown}: it has the columns {list(df.columns)}."
        )


def group_sum(df: pd.DataFrame, by: list[str], columns: list[str]) -> pd.DataFrame:
    """Sum ``columns`` per group (NaN where a group has no values); ``by=[]`` gives one total row."""
    if by:
        out = df.groupby(by, dropna=False, sort=True)[columns].sum(min_count=1).reset_index()
    else:
        out = pd.DataFrame([{c: df[c].sum(min_count=1) for c in columns}])
    # a float sum carries noise far below any figure's meaning (3.98e-12 for 0, −0.0):
    # amounts, hours and counts are exact to a millionth
    for column in columns:  # one column at a time: a fifth of the frame-wide round's cost
        out[column] = np.round(out[column].to_numpy("float64", na_value=np.nan), 6) + 0.0
    return out


def group_nunique(df: pd.DataFrame, by: list[str], column: str, name: str) -> pd.DataFrame:
    """Distinct values of ``column`` per group; ``by=[]`` gives one total row."""
    if by:
        return df.groupby(by, dropna=False, sort=True)[column].nunique().rename(name).reset_index()
    return pd.DataFrame([{name: df[column].nunique()}])


def shift_month(months: pd.Series, years: int) -> pd.Series:
    """Move ``YYYY-MM`` strings by whole years."""
    return (months.str[:4].astype(int) + years).astype(str) + months.str[4:]


def join_previous(current: pd.DataFrame, previous: pd.DataFrame, by: list[str],
                  suffix: str = "_prev_year") -> pd.DataFrame:
    """Attach the previous year's columns to ``current`` by group.

    A ``month`` among the keys is matched with the same month a year earlier.
    Groups only in the previous year are kept (their current values are NaN).
    """
    previous = previous.copy()
    if "month" in by:
        previous["month"] = shift_month(previous["month"], 1)
    previous = previous.rename(columns={c: c + suffix for c in previous.columns if c not in by})
    if not by:
        return pd.concat([current.reset_index(drop=True), previous.reset_index(drop=True)], axis=1)
    return current.merge(previous, on=by, how="outer").sort_values(by).reset_index(drop=True)


def join_by(left: pd.DataFrame, right: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Two ``by=``-shaped results side by side: an outer merge on ``by``, or the columns of
    two one-row totals when ``by`` is empty."""
    if not by:
        return pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    return left.merge(right, on=by, how="outer").sort_values(by).reset_index(drop=True)


def pct(numerator, denominator):
    """100 × numerator / denominator, NaN where the denominator is 0 or missing."""
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((den != 0) & ~np.isnan(den), 100.0 * num / den, np.nan)


def in_months(df: pd.DataFrame, months: list[str], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of ``months``: select the months a figure reads before anything else
    (a table of many years is then filtered once, not per figure). With ``columns``, only
    those of them the table has (and ``month``), chosen before the rows: a figure that
    reads three columns of the employees' fourteen takes only those.

    >>> in_months(pd.DataFrame({"month": ["2021-01", "2021-05"], "x": [1, 2]}), ["2021-05"])["x"].tolist()
    [2]
    >>> list(in_months(pd.DataFrame({"month": ["2021-05"], "x": [1], "y": [2]}), ["2021-05"], ["y", "z"]))
    ['month', 'y']
    """
    if columns is not None:
        wanted = {"month", *columns}
        df = df[[c for c in df.columns if c in wanted]]
    return df[df["month"].isin(months)]


def is_among(values: pd.Series, among) -> np.ndarray:
    """Whether each of ``values`` is one of ``among``: one hash lookup per value (a text
    column's ``isin`` converts each of a large ``among`` one by one, 10 ms per 1 000).

    >>> is_among(pd.Series(["a", "b", "c"]), pd.Series(["c", "a", "a"])).tolist()
    [True, False, True]
    """
    return pd.Index(pd.unique(pd.Series(among))).get_indexer(values) >= 0


def year_on_year(df: pd.DataFrame, period, by: list[str], columns: list[str]) -> pd.DataFrame:
    """Sums of ``columns`` over the period and over the same span last year, side by side."""
    current = group_sum(in_months(df, period.months, by + columns), by, columns)
    previous = group_sum(in_months(df, period.previous_year().months, by + columns), by, columns)
    return join_previous(current, previous, by)
