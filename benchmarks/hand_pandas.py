"""The same sick-leave figures written the way an analyst would by hand in pandas:
a loop over spells and their days. The benchmark's "what the package saves"."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import holidays
import pandas as pd


def sick_leave_with_previous_year(employees: pd.DataFrame, absence: pd.DataFrame, year: int,
                                  last_month: int) -> dict:
    """This year's and last year's rate per division: what the package's metric returns."""
    return {"current": sick_leave_by_division(employees, absence, year, last_month),
            "previous": sick_leave_by_division(employees, absence, year - 1, last_month)}


def sick_leave_by_division(employees: pd.DataFrame, absence: pd.DataFrame, year: int, last_month: int) -> dict:
    months = {f"{year}-{m:02d}" for m in range(1, last_month + 1)}
    off = set(holidays.Sweden(years=[year], include_sundays=False, categories=("public", "de_facto")))
    staff = employees[employees["employment"].isin(["tillsvidare", "visstid"]) & employees["month"].isin(months)]
    workdays = defaultdict(int)
    day = pd.Timestamp(f"{year}-01-01")
    while day.year == year:
        if day.weekday() < 5 and day.date() not in off:
            workdays[day.strftime("%Y-%m")] += 1
        day += timedelta(days=1)
    lookup = {(r.person_id, r.month): r for r in staff.itertuples()}
    sick = defaultdict(float)
    for spell in absence.itertuples():
        day = spell.start
        while day <= spell.end:
            month = day.strftime("%Y-%m")
            if month in months and day.weekday() < 5 and day.date() not in off:
                row = lookup.get((spell.person_id, month))
                if row is not None:
                    sick[row.division] += row.scheduled_hours / workdays[month] * spell.extent
            day += timedelta(days=1)
    scheduled = staff.groupby("division")["scheduled_hours"].sum()
    return {d: 100 * sick[d] / scheduled[d] for d in scheduled.index}
