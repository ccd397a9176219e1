"""Staffing: headcount of monthly-paid staff, its change, worked hours and årsarbetare."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..periods import Period
from ..schema import MONTHLY_PAID
from ..workdays import working_days_per_month
from ._frames import (as_by, check_by, group_nunique, group_sum, in_months, join_by, pct, shift_month,
                      year_on_year)

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
        ``worked_hours_change_pct``, ``worked_fte`` (worked hours in full-time equivalents)
        and ``worked_fte_prev_year``.
    
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
    out["worked_fte"] = out["worked_hours"] / full_time
    out["worked_fte_prev_year"] = out["worked_hours_prev_year"] / full_time_prev
    return out[by + ["worked_hours", "worked_hours_prev_year", "worked_hours_change_pct",
                     "worked_fte", "worked_fte_prev_year"]]


def staff_structure(employees: pd.DataFrame, period: str | Period,
                    by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Årsarbetare and the share working full time, in the period's last month.

    Årsarbetare as regions count them in personnel reports ("omräknat till
    heltid"): the sum of monthly-paid staff's employment rates. A person works
    full time when their monthly-paid employment rates add up to 1 (100 %).

    Returns
    -------
    DataFrame
        ``by`` columns, ``fte`` and ``fulltime_share_pct`` (of monthly-paid persons).

    Examples
    --------
    >>> emp = pd.DataFrame({"month": "2021-04", "person_id": ["a", "b", "c", "c"],
    ...     "division": "D", "employment": ["tillsvidare", "visstid", "tillsvidare", "timavlönad"],
    ...     "employment_rate": [1.0, 0.75, 0.5, None]})
    >>> staff_structure(emp, "2021-T1", by=[]).round(2).values.tolist()
    [[2.25, 33.33]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    staff = monthly_paid(in_months(employees, [period.end_month]))
    per_person = staff.groupby(by + ["person_id"], dropna=False, sort=False)["employment_rate"].sum()
    per_person = per_person.reset_index()
    per_person["fulltime"] = (per_person["employment_rate"] >= 1 - 1e-9).astype("float64")
    per_person["persons"] = 1.0
    out = group_sum(per_person.rename(columns={"employment_rate": "fte"}), by,
                    ["fte", "fulltime", "persons"])
    out["fulltime_share_pct"] = pct(out["fulltime"], out["persons"])
    return out[by + ["fte", "fulltime_share_pct"]]


def turnover(employees: pd.DataFrame, period: str | Period,
             by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Personnel turnover of tillsvidare staff: those leaving the region during the period.

    A person leaves in month *m* when they are tillsvidare in the month before *m*
    and in no row of the employees table in *m* (a move to another division, or
    to another form of employment, is not leaving the region). Months counted:
    January to the period's last month (December of the year before is the start).
    They are counted in the group they left. The rate is over the average number
    of tillsvidare in the period's months.

    Returns
    -------
    DataFrame
        ``by`` columns, ``leavers``, ``tillsvidare_avg`` and ``turnover_pct``.

    Examples
    --------
    >>> emp = pd.DataFrame({"month": ["2020-12"] * 3 + ["2021-01"] * 2 + ["2021-02"],
    ...     "person_id": ["a", "b", "c", "a", "b", "a"], "division": "D",
    ...     "employment": "tillsvidare"})
    >>> turnover(emp, "2021-02", by=[]).values.tolist()  # c left in January, b in February
    [[2.0, 1.5, 133.33333333333334]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    months = [period.previous_year_end_month] + period.months
    rows = in_months(employees, months)
    # persons and months as integers: "in no row the next month" is one lookup per row
    person, _ = pd.factorize(rows["person_id"])
    codes, distinct = pd.factorize(rows["month"])
    month = np.array([months.index(m) for m in distinct], dtype=np.int64)[codes]
    key = person.astype(np.int64) * len(months) + month
    permanent = (rows["employment"] == "tillsvidare").to_numpy()
    frame = rows.loc[permanent, by].copy() if by else pd.DataFrame(index=rows.index[permanent])
    frame["_key"], frame["_month"] = key[permanent], month[permanent]
    frame = frame.drop_duplicates()  # a person once per group and month
    was = frame[frame["_month"] < len(months) - 1]
    stays = np.isin(was["_key"].to_numpy() + 1, key)
    leavers = group_sum(was.assign(leavers=(~stays).astype("float64")), by, ["leavers"])
    monthly = frame[frame["_month"] > 0].assign(tillsvidare_avg=1.0)
    average = group_sum(monthly, by, ["tillsvidare_avg"])
    average["tillsvidare_avg"] = average["tillsvidare_avg"] / len(period.months)
    out = join_by(leavers, average, by)
    out["leavers"] = out["leavers"].fillna(0.0)
    out["turnover_pct"] = pct(out["leavers"], out["tillsvidare_avg"])
    return out[by + ["leavers", "tillsvidare_avg", "turnover_pct"]]


def extra_hours(employees: pd.DataFrame, period: str | Period,
                by: str | Sequence[str] | None = ("division",),
                structure: pd.DataFrame | None = None) -> pd.DataFrame:
    """Övertid and mertid over the period, in hours and per årsarbetare.

    NaN where the export has no such column. Per årsarbetare divides by
    :func:`staff_structure`'s ``fte`` in the period's last month (``structure`` may hold
    it, computed already for the same ``by``).

    Returns
    -------
    DataFrame
        ``by`` columns, ``overtime_hours``, ``additional_hours``,
        ``overtime_per_fte``, ``additional_per_fte``.
    """
    period = Period.parse(period)
    by = as_by(by)
    rows = in_months(employees, period.months)
    columns = [c for c in ("overtime_hours", "additional_hours") if c in rows]
    sums = group_sum(rows, by, columns) if columns else group_sum(rows.assign(_n=0.0), by, ["_n"])
    structure = structure if structure is not None else staff_structure(employees, period, by=by)
    out = join_by(sums, structure, by)
    for column, per in (("overtime_hours", "overtime_per_fte"), ("additional_hours", "additional_per_fte")):
        if column not in out:
            out[column] = float("nan")
        out[per] = out[column] / out["fte"].where(out["fte"] > 0)
    return out[by + ["overtime_hours", "additional_hours", "overtime_per_fte", "additional_per_fte"]]
