"""Swedish working days, as semesterlagen counts them.

A working day is Monday–Friday that is not a public holiday (allmän helgdag)
nor midsommarafton, julafton or nyårsafton. The holiday dates come from the
maintained ``holidays`` package (categories ``public`` and ``de_facto``).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd


@lru_cache(maxsize=64)
def _holidays(first_year: int, last_year: int) -> np.ndarray:
    import holidays

    days = holidays.Sweden(
        years=range(first_year, last_year + 1),
        include_sundays=False,
        categories=("public", "de_facto"),
    )
    return np.array(sorted(days), dtype="datetime64[D]")


def non_working_holidays(year: int) -> pd.Series:
    """The weekday-independent days off of ``year`` with their Swedish names.

    >>> names = non_working_holidays(2021)
    >>> names[pd.Timestamp("2021-06-25")]
    'Midsommarafton'
    """
    import holidays

    days = holidays.Sweden(years=year, include_sundays=False,
                           categories=("public", "de_facto"), language="sv")
    return pd.Series({pd.Timestamp(d): n for d, n in sorted(days.items())})


class WorkdayCalendar:
    """Counts working days between dates, vectorised over arrays of dates.

    Parameters
    ----------
    first, last : date-like
        The range the calendar covers; dates outside it are clipped.

    Examples
    --------
    >>> cal = WorkdayCalendar("2021-01-01", "2021-12-31")
    >>> int(cal.count(np.datetime64("2021-04-01"), np.datetime64("2021-04-30")))
    20
    """

    def __init__(self, first, last):
        self.first = np.datetime64(pd.Timestamp(first).date(), "D")
        self.last = np.datetime64(pd.Timestamp(last).date(), "D")
        days = np.arange(self.first, self.last + 1, dtype="datetime64[D]")
        first_year = int(str(self.first)[:4])
        last_year = int(str(self.last)[:4])
        is_work = np.is_busday(days, holidays=_holidays(first_year, last_year))
        # cumulative[i] = working days strictly before day i
        self._cum = np.concatenate([[0], np.cumsum(is_work)])

    def _index(self, dates) -> np.ndarray:
        offsets = (np.asarray(dates, dtype="datetime64[D]") - self.first).astype(np.int64)
        return np.clip(offsets, 0, len(self._cum) - 1)

    def count(self, start, end) -> np.ndarray:
        """Working days from ``start`` to ``end``, both inclusive (0 where end < start)."""
        s = self._index(start)
        e = self._index(np.asarray(end, dtype="datetime64[D]") + 1)
        return np.maximum(self._cum[e] - self._cum[s], 0)


def working_days_per_month(months) -> pd.Series:
    """Number of working days in each ``YYYY-MM`` month.

    >>> working_days_per_month(["2021-04", "2021-12"]).tolist()
    [20, 21]
    """
    return _working_days(tuple(months)).copy()


@lru_cache(maxsize=256)
def _working_days(months: tuple[str, ...]) -> pd.Series:
    """:func:`working_days_per_month` of ``months``, counted once per list of months (a
    report's figures read the same few spans again and again; the caller gets a copy)."""
    if not months:
        return pd.Series(dtype="int64")
    months = list(months)
    starts = pd.to_datetime(pd.Series(months), format="%Y-%m")
    ends = starts + pd.offsets.MonthEnd(0)
    cal = WorkdayCalendar(starts.min(), ends.max())
    counts = cal.count(starts.values.astype("datetime64[D]"), ends.values.astype("datetime64[D]"))
    return pd.Series(counts, index=months, name="working_days")
