"""Staffing: headcount of monthly-paid staff, its change, worked hours and årsarbetare."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..periods import Period
from ..schema import MONTHLY_PAID
from ..workdays import working_days_per_month
from ._frames import as_by, check_by, group_nunique, in_months, pct, shift_month, year_on_year

#: Full-time hours per working day (40-hour week); the base of årsarbetare.
FULL_TIME_HOURS_PER_DAY = 8.0


def monthly_paid(employees: pd.DataFrame) -> pd.DataFrame:
    """Rows of monthly-paid staff (tillsvidare and visstid).

    >>> monthly_paid(pd.DataFrame({"employment": ["tillsvidare", "timavlönad", "visstid"]}))["employment"].tolist()
    ['tillsvidare', 'visstid']
    """
    return employees[employees["employment"].isin(list(MONTHLY_PAID))]


def headcount(employees: pd.DataFrame, period: str | Period,
              by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Monthly-paid staff (distinct persons) in the period's last month and its change.

    The change is counted since the turn of the year (December of the previous
    year); the same month of the previous year is given too. Add
    ``"employment"`` to ``by`` for the split by employment form.

    Returns
    -------
    DataFrame
        ``by`` columns, ``headcount``, ``headcount_start`` (December of the
        previous year), ``headcount_change``, ``headcount_change_pct`` and
        ``headcount_prev_year`` (same month last year).
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> df = headcount(load_region("data/sample").employees, "2021-T1").set_index("division")
    >>> int(df.loc["Länsteknik", "headcount"]), int(df.loc["Länsteknik", "headcount_change"])
    (131, -6)
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    months = [period.end_month, period.previous_year_end_month, period.previous_year().end_month]
    staff = monthly_paid(in_months(employees, months))  # months first: the smaller frame
    end = group_nunique(in_months(staff, [period.end_month]), by, "person_id", "headcount")
    start = group_nunique(in_months(staff, [period.previous_year_end_month]), by, "person_id",
                          "headcount_start")
    prev = group_nunique(in_months(staff, [period.previous_year().end_month]), by, "person_id",
                         "headcount_prev_year")
    if by:
        out = end.merge(start, on=by, how="outer").merge(prev, on=by, how="outer")
        out = out.sort_values(by).reset_index(drop=True)
    else:
        out = pd.concat([end, start, prev], axis=1)
    counts = ["headcount", "headcount_start", "headcount_prev_year"]
    # a group present in only one month has no staff in the other: 0, not unknown
    out[counts] = out[counts].fillna(0).astype("int64")
    out["headcount_change"] = out["headcount"] - out["headcount_start"]
    out["headcount_change_pct"] = pct(out["headcount_change"], out["headcount_start"])
    return out[by + ["headcount", "headcount_start", "headcount_change", "headcount_change_pct",
                     "headcount_prev_year"]]


def worked_hours(employees: pd.DataFrame, period: str | Period,
                 by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Worked hours of all staff (hourly paid included) and årsarbetare, against last year.

    Årsarbetare (full-time equivalents) are worked hours divided by the full-time
    hours of the span: its Swedish working days × 8 hours.

    Returns
    -------
    DataFrame
        ``by`` columns, ``worked_hours``, ``worked_hours_prev_year``,
        ``worked_hours_change_pct``, ``fte``, ``fte_prev_year``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> df = worked_hours(load_region("data/sample").employees, "2021-T1").set_index("division")
    >>> bool(df.loc["Närsjukvård övriga länet", "worked_hours_change_pct"] > 0)  # "worked time up"
    True
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    out = year_on_year(employees, period, by, ["worked_hours"])
    out["worked_hours_change_pct"] = pct(out["worked_hours"] - out["worked_hours_prev_year"],
                                         out["worked_hours_prev_year"])
    if "month" in by:  # each month against its own full-time hours
        days = working_days_per_month(period.months + period.previous_year().months)
        full_time = out["month"].map(days) * FULL_TIME_HOURS_PER_DAY
        full_time_prev = shift_month(out["month"], -1).map(days) * FULL_TIME_HOURS_PER_DAY
    else:
        full_time = working_days_per_month(period.months).sum() * FULL_TIME_HOURS_PER_DAY
        full_time_prev = working_days_per_month(period.previous_year().months).sum() * FULL_TIME_HOURS_PER_DAY
    out["fte"] = out["worked_hours"] / full_time
    out["fte_prev_year"] = out["worked_hours_prev_year"] / full_time_prev
    return out[by + ["worked_hours", "worked_hours_prev_year", "worked_hours_change_pct",
                     "fte", "fte_prev_year"]]
