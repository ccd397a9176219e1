"""Staffing: headcount of monthly-paid staff, its change, worked hours, årsarbetare and turnover.

Two årsarbetare figures, each named for what it counts: :func:`staff_structure`'s ``fte``
(contracted employment rates of monthly-paid staff, "avtalad sysselsättningsgrad") and
:func:`annual_workers`'s ``fte_kolada`` (actual rates plus hourly-paid staff's worked hours in
full-time equivalents, as Kolada's N60065 counts them). Turnover likewise: the year to date
(:func:`turnover`) and the rolling twelve months comparable with Kolada's N60084
(:func:`turnover_12_months`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..periods import Period
from ..schema import MONTHLY_PAID
from ..workdays import working_days_per_month
from ._frames import (as_by, check_by, group_nunique, group_sum, in_months, is_among, join_by, pct,
                      shift_month, year_on_year)

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
    staff = monthly_paid(in_months(employees, months, by + ["employment", "person_id"]))  # months first
    counts = ["headcount", "headcount_start", "headcount_prev_year"]
    # distinct persons per group and month in one grouping; a full year's start and the
    # same month last year are one month (December)
    per_month = staff.groupby(by + ["month"], dropna=False, sort=True)["person_id"].nunique()
    if by:
        wide = per_month.unstack("month")
        out = wide.reindex(columns=months).set_axis(counts, axis=1).reset_index()
        out.columns.name = None
    else:
        out = pd.DataFrame([per_month.reindex(months).to_numpy()], columns=counts)
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
    staff = monthly_paid(in_months(employees, [period.end_month], by + ["employment", "person_id", "employment_rate"]))
    per_person = staff.groupby(by + ["person_id"], dropna=False, sort=False)["employment_rate"].sum()
    per_person = per_person.reset_index()
    per_person["fulltime"] = (per_person["employment_rate"] >= 1 - 1e-9).astype("float64")
    per_person["persons"] = 1.0
    out = group_sum(per_person.rename(columns={"employment_rate": "fte"}), by,
                    ["fte", "fulltime", "persons"])
    out["fulltime_share_pct"] = pct(out["fulltime"], out["persons"])
    return out[by + ["fte", "fulltime_share_pct"]]


def kolada_month(period: str | Period) -> str:
    """The month in which :func:`annual_workers` counts årsarbetare: Kolada (N60065) counts
    them in November; a tertial report counts them in its last month (what is known at its
    end), the full year's report in November, so that it gives Kolada's figure.

    >>> kolada_month("2021-T1"), kolada_month("2021")
    ('2021-04', '2021-11')
    """
    period = Period.parse(period)
    return f"{period.year}-11" if period.is_full_year else period.end_month


def annual_workers(employees: pd.DataFrame, period: str | Period,
                   by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Årsarbetare as Kolada counts them (N60065, "årsarbetare, omräknade heltidstjänster"):
    the actual employment rates of monthly-paid staff plus the worked hours of hourly-paid
    staff converted to full time, in the month of :func:`kolada_month`.

    The actual rate (faktisk sysselsättningsgrad) is the contracted rate less leave of
    absence; it is the export's ``actual_employment_rate`` where the export has that column
    (a row without it counts its contracted rate), else the contracted rate, and
    ``fte_kolada_contracted`` says so (True: the export gives no actual rates). An hourly-paid
    person's full time is the month's Swedish working days × 8 hours.

    Returns
    -------
    DataFrame
        ``by`` columns, ``fte_kolada``, ``fte_hourly`` (the hourly-paid part),
        ``fte_kolada_month`` and ``fte_kolada_contracted``.

    Examples
    --------
    >>> emp = pd.DataFrame({"month": "2021-04", "person_id": ["a", "b", "c"], "division": "D",
    ...     "employment": ["tillsvidare", "visstid", "timavlönad"], "employment_rate": [1.0, 0.75, None],
    ...     "actual_employment_rate": [0.5, None, None], "worked_hours": [80.0, 120.0, 40.0]})
    >>> annual_workers(emp, "2021-T1", by=[]).values.tolist()  # April 2021: 20 working days, 160 h
    [[1.5, 0.25, '2021-04', False]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    month = kolada_month(period)
    rows = in_months(employees, [month],
                     by + ["employment", "employment_rate", "actual_employment_rate", "worked_hours"])
    monthly = rows["employment"].isin(list(MONTHLY_PAID))
    contracted = "actual_employment_rate" not in rows or employees["actual_employment_rate"].isna().all()
    rate = rows["employment_rate"] if contracted else \
        rows["actual_employment_rate"].fillna(rows["employment_rate"])
    full_time = working_days_per_month([month]).iloc[0] * FULL_TIME_HOURS_PER_DAY
    hourly = np.where(monthly, 0.0, rows["worked_hours"].fillna(0.0) / full_time)
    frame = rows[by].assign(fte_kolada=np.where(monthly, rate.fillna(0.0), 0.0) + hourly, fte_hourly=hourly)
    out = group_sum(frame, by, ["fte_kolada", "fte_hourly"])
    out["fte_kolada_month"] = month
    out["fte_kolada_contracted"] = bool(contracted)
    return out[by + ["fte_kolada", "fte_hourly", "fte_kolada_month", "fte_kolada_contracted"]]


def turnover(employees: pd.DataFrame, period: str | Period,
             by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Personnel turnover of tillsvidare staff, year to date: those leaving the region during
    the period, month by month (see :func:`turnover_12_months` for Kolada's figure).

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
    rows = in_months(employees, months, by + ["person_id", "employment"])
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


def turnover_12_months(employees: pd.DataFrame, period: str | Period,
                       by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Personnel turnover over the twelve months ending the period's last month, as Kolada
    counts it (N60084, "personalomsättning tillsvidareanställda"): the tillsvidare staff of the
    month a year before who are in no row of the employees table in the period's last month
    (Kolada: present one November, absent the next), over the tillsvidare of the month a
    year before. Counted in the group they were in a year before; a move to another
    division or form of employment is not leaving the region.

    Returns
    -------
    DataFrame
        ``by`` columns, ``leavers_12m``, ``tillsvidare_year_before`` and ``turnover_12m_pct``.

    Examples
    --------
    >>> emp = pd.DataFrame({"month": ["2020-04"] * 4 + ["2021-04"] * 3,
    ...     "person_id": ["a", "b", "c", "d", "a", "b", "e"], "division": "D",
    ...     "employment": ["tillsvidare"] * 3 + ["visstid", "tillsvidare", "visstid", "tillsvidare"]})
    >>> turnover_12_months(emp, "2021-T1", by=[]).values.tolist()  # c left; b now visstid stays
    [[1.0, 3.0, 33.333333333333336]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(employees, by, "employees")
    before, now = period.previous_year().end_month, period.end_month
    then = in_months(employees, [before], by + ["person_id", "employment"])
    then = then[then["employment"] == "tillsvidare"]
    staying = in_months(employees, [now], ["person_id"])["person_id"]
    frame = then[by + ["person_id"]].drop_duplicates()  # a person once per group
    frame = frame.assign(leavers_12m=(~is_among(frame["person_id"], staying)).astype("float64"),
                         tillsvidare_year_before=1.0)
    out = group_sum(frame, by, ["leavers_12m", "tillsvidare_year_before"])
    out["turnover_12m_pct"] = pct(out["leavers_12m"], out["tillsvidare_year_before"])
    return out[by + ["leavers_12m", "tillsvidare_year_before", "turnover_12m_pct"]]


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
    rows = in_months(employees, period.months, by + ["overtime_hours", "additional_hours"])
    columns = [c for c in ("overtime_hours", "additional_hours") if c in rows]
    sums = group_sum(rows, by, columns) if columns else group_sum(rows.assign(_n=0.0), by, ["_n"])
    structure = structure if structure is not None else staff_structure(employees, period, by=by)
    out = join_by(sums, structure, by)
    for column, per in (("overtime_hours", "overtime_per_fte"), ("additional_hours", "additional_per_fte")):
        if column not in out:
            out[column] = float("nan")
        out[per] = out[column] / out["fte"].where(out["fte"] > 0)
    return out[by + ["overtime_hours", "additional_hours", "overtime_per_fte", "additional_per_fte"]]
