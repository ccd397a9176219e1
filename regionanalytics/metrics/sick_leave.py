"""Sick leave (sjukfrånvaro) with the breakdowns the law requires.

Definitions (see also docs/assumptions.md):

* Sick hours come from spells: each Swedish working day of a spell counts the
  person's scheduled hours per working day of that month
  (``scheduled_hours / working days of the month``) times the spell's extent. A
  one-day spell with registered ``hours`` (a PAXml day in hours, or a day of a spell
  that the file's schedule covers) counts those hours instead, whatever the weekday.
* Hours count where the person is employed that month (people move between
  divisions) and only for monthly-paid staff (tillsvidare and visstid).
* The rate is sick hours over scheduled hours of monthly-paid staff, in percent.
* Long-term sick leave: spells of 60 or more consecutive calendar days, where
  touching or overlapping spells of one person merge and length counts across
  month and year boundaries. Its share is long-term sick hours over all sick
  hours, in percent.
* The seven key figures of the mandatory report: total, long-term share,
  women, men, 29 or younger, 30–49, 50 or older (age = the year's number minus
  birth year).
* A figure for a group of ten or fewer employees (distinct persons in the
  group during the period) is suppressed: no value, ``suppressed`` is True.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..periods import Period
from ..privacy import CHANGE, CURRENT, PREVIOUS, protect_both_years, suppress
from ..workdays import WorkdayCalendar, working_days_per_month
from ._frames import as_by, check_by, group_nunique, group_sum, in_months, join_previous, pct
from .staffing import monthly_paid

#: A merged spell of at least this many calendar days is long-term sick leave.
LONG_TERM_DAYS = 60

#: Age groups of the mandatory report: code -> (lowest age, highest age).
AGE_GROUPS = {"29_or_younger": (0, 29), "30_49": (30, 49), "50_or_older": (50, 200)}

#: The seven key figures: code -> (column to filter, value) or None for all staff.
KEY_FIGURES = {
    "total": None,
    "long_term_share": None,
    "women": ("gender", "K"),
    "men": ("gender", "M"),
    "age_29_or_younger": ("age_group", "29_or_younger"),
    "age_30_49": ("age_group", "30_49"),
    "age_50_or_older": ("age_group", "50_or_older"),
}

#: Figures that together make up the total (secondary suppression applies within each).
PARTITIONS = (("women", "men"), ("age_29_or_younger", "age_30_49", "age_50_or_older"))

#: The columns of :func:`sick_leave` by year, for secondary suppression.
RATE_COLUMNS = {CURRENT: ["sick_leave_pct", "long_term_sick_share_pct"],
                PREVIOUS: ["sick_leave_pct_prev_year", "long_term_sick_share_pct_prev_year"],
                CHANGE: ["sick_leave_change_pp"]}
#: The columns of :func:`key_figures` by year.
FIGURE_COLUMNS = {CURRENT: ["value"], PREVIOUS: ["value_prev_year"], CHANGE: ["change_pp"]}


def age_group(year: int, birth_year: pd.Series) -> pd.Series:
    """Age-group code of the mandatory report for ages reached in ``year`` (the bins are
    :data:`AGE_GROUPS`' upper ages).

    >>> age_group(2021, pd.Series([1992, 1991, 1972, 1971])).tolist()
    ['29_or_younger', '30_49', '30_49', '50_or_older']
    """
    age = year - birth_year
    bins = [-np.inf] + [high for _, high in list(AGE_GROUPS.values())[:-1]] + [np.inf]
    return pd.cut(age, bins=bins, labels=list(AGE_GROUPS)).astype(object)


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970-01-01."""
    return dates.to_numpy("datetime64[D]").astype(np.int64)


def spell_order(absence: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the spells ordered by person, start and end, and where a new person begins.

    >>> spells = pd.DataFrame({"person_id": ["b", "a", "a"],
    ...     "start": pd.to_datetime(["2021-01-01", "2021-03-01", "2021-01-01"]),
    ...     "end": pd.to_datetime(["2021-01-02", "2021-03-01", "2021-01-05"])})
    >>> order, new_person = spell_order(spells)
    >>> order.tolist(), new_person.tolist()
    ([2, 1, 0], [True, False, True])
    """
    if absence.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    person, _ = pd.factorize(absence["person_id"], sort=True)  # integer codes sort fast
    start, end = _days(absence["start"]), _days(absence["end"])
    first = int(min(start.min(), end.min()))
    days = int(max(start.max(), end.max())) - first + 1
    if (int(person.max()) + 1) * days * days < 2**62:  # one int64 key: one fast sort
        order = np.argsort((person * days + (start - first)) * days + (end - first), kind="stable")
    else:
        order = np.lexsort((end, start, person))
    person = person[order]
    return order, np.r_[True, person[1:] != person[:-1]]


def merge_spells(absence: pd.DataFrame, bridge_days_off: bool = True) -> pd.DataFrame:
    """Add ``episode_days``: the length of the merged spell each spell belongs to.

    Spells of one person that overlap or touch (the next starts the day after
    the previous ends) form one episode; with ``bridge_days_off`` so do spells
    separated only by days off (a weekend, a public holiday): the person was away
    on every working day between them, as an HR system's sick-leave case counts it.
    The days off between count in the episode's length (calendar days).

    >>> spells = pd.DataFrame({"person_id": ["a", "a", "a", "a"],
    ...     "start": pd.to_datetime(["2021-01-01", "2021-01-31", "2021-03-10", "2021-03-15"]),
    ...     "end": pd.to_datetime(["2021-01-30", "2021-03-01", "2021-03-12", "2021-03-16"]),
    ...     "extent": [1.0, 0.5, 1.0, 1.0]})
    >>> merge_spells(spells)["episode_days"].tolist()  # 2021-03-13/14 is a weekend
    [60, 60, 7, 7]
    >>> merge_spells(spells, bridge_days_off=False)["episode_days"].tolist()
    [60, 60, 3, 2]
    """
    if absence.empty:
        return absence.reset_index(drop=True).assign(episode=pd.Series(dtype="int64"),
                                                     episode_days=pd.Series(dtype="int64"))
    order, new_person = spell_order(absence)
    start, end = _days(absence["start"])[order], _days(absence["end"])[order]
    # running max of end within a person, in one pass: lift each person's days above
    # every day of the persons before, so the maximum never carries across persons
    base = min(start.min(), end.min())
    lift = np.cumsum(new_person) * (max(start.max(), end.max()) - base + 2)
    reach = np.maximum.accumulate(end - base + lift) + base - lift
    prev_reach = np.r_[np.iinfo(np.int64).min, reach[:-1]]
    gap = start > prev_reach + 1
    if bridge_days_off and gap.any():
        first_day = np.datetime64(int(base), "D")
        cal = WorkdayCalendar(first_day, np.datetime64(int(max(start.max(), end.max())), "D"))
        after = np.maximum(prev_reach, base - 1) + 1  # first day after the previous reach
        workdays_between = cal.count((after).astype("datetime64[D]"), (start - 1).astype("datetime64[D]"))
        gap &= workdays_between > 0
    new_episode = new_person | gap
    episode = np.cumsum(new_episode)
    # an episode starts at its first spell and ends at the running max of its last spell
    first_start = start[new_episode]
    last_row = np.r_[np.flatnonzero(new_episode)[1:] - 1, len(episode) - 1]
    days = reach[last_row] - first_start + 1
    spells = absence.iloc[order].reset_index(drop=True)
    return spells.assign(episode=episode, episode_days=days[episode - 1])


def known_at(absence: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """The spells as an export made at ``last_day`` shows them.

    Spells starting later are left out; a spell still running then (or with no
    end yet) ends on ``last_day``. Episode lengths computed from the result are
    what was known at the end of a period, so a period's figures never change
    when a later export shows a spell running on.

    >>> spells = pd.DataFrame({"person_id": ["a", "b"], "start": pd.to_datetime(["2021-03-01", "2021-05-02"]),
    ...     "end": pd.to_datetime(["2021-06-30", None]), "extent": [1.0, 1.0]})
    >>> known_at(spells, pd.Timestamp("2021-04-30"))["end"].dt.strftime("%Y-%m-%d").tolist()
    ['2021-04-30']
    """
    spells = absence.dropna(subset=["person_id", "start", "extent"])
    spells = spells[spells["start"] <= last_day]
    return spells.assign(end=spells["end"].fillna(last_day).clip(upper=last_day))


def person_months(employees: pd.DataFrame, absence: pd.DataFrame, months: list[str],
                  merged: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scheduled and sick hours per person and month of monthly-paid staff.

    This is person-level health data: use it for analysis, never show it in a report.
    ``merged`` may hold :func:`merge_spells` of ``absence`` when already computed.

    Returns
    -------
    DataFrame
        The employee columns of each monthly-paid person-month in ``months``,
        ``age_group``, ``sick_hours`` and ``long_term_hours``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> pm = person_months(data.employees, data.absence, ["2021-01", "2021-02", "2021-03", "2021-04"])
    >>> ltk = pm[pm["division"] == "Länsteknik"]
    >>> round(float(100 * ltk["sick_hours"].sum() / ltk["scheduled_hours"].sum()), 1)  # the rate, by hand
    5.3
    """
    staff = monthly_paid(in_months(employees, months)).copy()  # months first: the smaller frame
    codes, distinct = pd.factorize(staff["month"])  # each distinct month's year read once
    staff["age_group"] = age_group(np.array([int(m[:4]) for m in distinct], dtype=np.int64)[codes],
                                   staff["birth_year"])
    if has_payroll_sick_hours(employees):
        # an empty cell is a month without registered sick hours
        staff["sick_hours_payroll"] = staff["sick_hours"].fillna(0.0)
    staff["sick_hours"] = staff["sick_hours_payroll"] if "sick_hours_payroll" in staff else 0.0
    staff["long_term_hours"] = 0.0
    if staff.empty or absence.empty:
        return staff.drop(columns="sick_hours_payroll", errors="ignore").reset_index(drop=True)

    first = pd.Timestamp(min(months) + "-01")
    last = pd.Timestamp(max(months) + "-01") + pd.offsets.MonthEnd(0)
    spells = merged if merged is not None else merge_spells(known_at(absence, last))
    spells = spells[(spells["end"] >= first) & (spells["start"] <= last)]
    if spells.empty:
        return staff.drop(columns="sick_hours_payroll", errors="ignore").reset_index(drop=True)
    start = spells["start"].clip(lower=first).to_numpy("datetime64[D]")
    end = spells["end"].clip(upper=last).to_numpy("datetime64[D]")
    m0 = start.astype("datetime64[M]")
    n = (end.astype("datetime64[M]") - m0).astype(np.int64) + 1
    idx = np.repeat(np.arange(len(spells)), n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    month = m0[idx] + offset.astype("timedelta64[M]")
    piece_start = np.maximum(start[idx], month.astype("datetime64[D]"))
    piece_end = np.minimum(end[idx], (month + 1).astype("datetime64[D]") - 1)
    cal = WorkdayCalendar(first, last)
    # a one-day spell with its registered hours (a PAXml day in hours) counts those hours
    fixed = (spells["hours"].to_numpy("float64", na_value=np.nan) if "hours" in spells
             else np.full(len(spells), np.nan))[idx]
    has_fixed = ~np.isnan(fixed)
    fixed = np.where(offset == 0, fixed, 0.0)  # once, in the spell's first month (validation: one day)
    days = np.where(has_fixed, 0.0, cal.count(piece_start, piece_end) * spells["extent"].to_numpy()[idx])
    fixed = np.where(has_fixed, fixed, 0.0)
    long = spells["episode_days"].to_numpy()[idx] >= LONG_TERM_DAYS
    pieces = pd.DataFrame({
        "person_id": spells["person_id"].to_numpy()[idx],
        "month": np.datetime_as_string(month, unit="M"),
        "sick_days": days,
        "long_days": np.where(long, days, 0.0),
        "sick_fixed": fixed,
        "long_fixed": np.where(long, fixed, 0.0),
    })
    pieces = pieces.groupby(["person_id", "month"], sort=False).sum().reset_index()
    payroll = staff["sick_hours_payroll"] if "sick_hours_payroll" in staff else None
    staff = staff.drop(columns=["sick_hours", "long_term_hours"]).merge(
        pieces, on=["person_id", "month"], how="left")
    codes, distinct = pd.factorize(staff["month"])  # the months are few: look each up once
    days_of = working_days_per_month(months).reindex(distinct).to_numpy("float64")
    per_day = staff["scheduled_hours"] / days_of[codes]
    spell_hours = staff["sick_days"].fillna(0.0) * per_day
    spell_long = staff["long_days"].fillna(0.0) * per_day
    if has_fixed.any():
        # registered hours are the person's, not each employment's: two monthly-paid
        # employments in a month share them by their scheduled hours
        keys = [staff["person_id"], staff["month"]]
        total = staff["scheduled_hours"].groupby(keys).transform("sum")
        count = staff["scheduled_hours"].groupby(keys).transform("size")
        share = (staff["scheduled_hours"] / total).where(total > 0, 1.0 / count)
        spell_hours = spell_hours + staff["sick_fixed"].fillna(0.0) * share
        spell_long = spell_long + staff["long_fixed"].fillna(0.0) * share
    if payroll is None:
        staff["sick_hours"] = spell_hours
        staff["long_term_hours"] = spell_long
    else:  # the payroll's hours are the numerator; spells say which share is long-term
        staff["sick_hours"] = staff["sick_hours_payroll"]
        share = np.where(spell_hours > 0, spell_long / spell_hours.where(spell_hours > 0, 1.0), 0.0)
        staff["long_term_hours"] = staff["sick_hours"] * share
    return staff.drop(columns=["sick_days", "long_days", "sick_fixed", "long_fixed", "sick_hours_payroll"],
                      errors="ignore")


_RATE_COLUMNS = ["sick_hours", "sick_leave_pct", "long_term_hours", "long_term_sick_share_pct"]


def _rates(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    sums = group_sum(rows, by, ["scheduled_hours", "sick_hours", "long_term_hours"])
    persons = group_nunique(rows, by, "person_id", "persons")
    out = sums.merge(persons, on=by) if by else pd.concat([sums, persons], axis=1)
    out["sick_leave_pct"] = pct(out["sick_hours"], out["scheduled_hours"])
    out["long_term_sick_share_pct"] = pct(out["long_term_hours"], out["sick_hours"])
    return out


def hours_pair(employees: pd.DataFrame, absence: pd.DataFrame, period: str | Period) -> tuple:
    """Person-month hours of the period and of the same span last year (see :func:`person_months`).

    Compute once and pass to :func:`sick_leave` or :func:`key_figures` as ``hours=``
    when several groupings of the same data are needed.
    

    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> this_year, last_year = hours_pair(data.employees, data.absence, "2021-T1")
    >>> sorted(this_year["month"].unique()), sorted(last_year["month"].unique())[-1]
    (['2021-01', '2021-02', '2021-03', '2021-04'], '2020-04')
    """
    period = Period.parse(period)
    previous = period.previous_year()
    # each span's episodes as known at its own end (see known_at)
    return (person_months(employees, absence, period.months, merge_spells(known_at(absence, period.end))),
            person_months(employees, absence, previous.months, merge_spells(known_at(absence, previous.end))))


def has_payroll_sick_hours(employees: pd.DataFrame) -> bool:
    """Whether the employees table carries the payroll's sick hours (then the numerator)."""
    return "sick_hours" in employees and bool(employees["sick_hours"].notna().any())


def sick_leave(employees: pd.DataFrame, absence: pd.DataFrame, period: str | Period,
               by: str | Sequence[str] | None = ("division",),
               suppress_small: bool = True, hours: tuple | None = None) -> pd.DataFrame:
    """Sick leave in percent of scheduled hours, against the same span last year.

    Parameters
    ----------
    employees, absence : DataFrame
        The employees and absence tables.
    period : str or Period
    by : list of str
        Any employee column, ``"age_group"`` or ``"month"``; ``[]`` for the region.
    suppress_small : bool
        Blank the figures of groups of ten or fewer persons (default). Turn off
        only for analysis that is never shown.
    hours : tuple, optional
        The result of :func:`hours_pair` for these tables and period, to skip
        recomputing it.

    Returns
    -------
    DataFrame
        ``by`` columns, ``persons``, ``scheduled_hours``, ``sick_hours``,
        ``sick_leave_pct``, ``long_term_hours``, ``long_term_sick_share_pct``,
        the same with ``_prev_year``, ``sick_leave_change_pp`` (procentenheter)
        and ``suppressed``.

    Examples
    --------
    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> df = sick_leave(data.employees, data.absence, "2021-T1", by=["division"])
    >>> float(round(df.set_index("division").loc["Länsteknik", "sick_leave_pct"], 1))
    5.3
    """
    period = Period.parse(period)
    by = as_by(by)
    derived = {"age_group", "month"}
    check_by(employees, [b for b in by if b not in derived], "employees")
    current_pm, previous_pm = hours if hours is not None else hours_pair(employees, absence, period)
    current = _rates(current_pm, by)
    previous = _rates(previous_pm, by)
    if suppress_small:
        current = suppress(current, "persons", _RATE_COLUMNS)
        previous = suppress(previous, "persons", _RATE_COLUMNS)
    out = join_previous(current, previous, by)
    out["sick_leave_change_pp"] = out["sick_leave_pct"] - out["sick_leave_pct_prev_year"]
    if suppress_small:
        out["suppressed"] = out["suppressed"].fillna(True).astype(bool)
        out["suppressed_prev_year"] = out["suppressed_prev_year"].fillna(True).astype(bool)
    else:
        out["suppressed"] = False
        out["suppressed_prev_year"] = False
    out["persons"] = out["persons"].fillna(0).astype("int64")
    cols = ["persons", "scheduled_hours", "sick_hours", "sick_leave_pct", "long_term_hours",
            "long_term_sick_share_pct", "persons_prev_year", "sick_leave_pct_prev_year",
            "long_term_sick_share_pct_prev_year", "sick_leave_change_pp", "suppressed",
            "suppressed_prev_year"]
    return out[by + cols]


def key_figures(employees: pd.DataFrame, absence: pd.DataFrame, period: str | Period,
                by: str | Sequence[str] | None = ("division",), hours: tuple | None = None) -> pd.DataFrame:
    """The seven key figures of the mandatory sick-leave report, small groups suppressed.

    Returns
    -------
    DataFrame
        Tidy rows: ``by`` columns, ``figure`` (total, long_term_share, women,
        men, age_29_or_younger, age_30_49, age_50_or_older), ``persons``,
        ``value`` (percent), ``value_prev_year``, ``change_pp``, ``suppressed``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> kf = key_figures(data.employees, data.absence, "2021-T1").set_index(["division", "figure"])
    >>> round(float(kf.loc[("Länsteknik", "total"), "value"]), 1), round(float(kf.loc[("Länsteknik", "total"), "change_pp"]), 1)
    (5.3, -1.0)
    """
    by = as_by(by)
    hours = hours if hours is not None else hours_pair(employees, absence, period)
    frames = []
    for figure, split in KEY_FIGURES.items():
        if split is None:
            df = sick_leave(employees, absence, period, by=by, hours=hours)
        else:
            column, value = split
            df = sick_leave(employees, absence, period, by=by + [column], hours=hours)
            df = df[df[column] == value].drop(columns=column)
        if figure == "long_term_share":
            value_cols = ("long_term_sick_share_pct", "long_term_sick_share_pct_prev_year")
        else:
            value_cols = ("sick_leave_pct", "sick_leave_pct_prev_year")
        part = df[by + ["persons", "persons_prev_year", "suppressed", "suppressed_prev_year"]].copy()
        part["value"] = df[value_cols[0]].to_numpy()
        part["value_prev_year"] = df[value_cols[1]].to_numpy()
        part["change_pp"] = part["value"] - part["value_prev_year"]
        part.insert(len(by), "figure", figure)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out = protect_figures(out, by)
    return out[by + ["figure", "persons", "value", "value_prev_year", "change_pp", "suppressed",
                     "persons_prev_year", "suppressed_prev_year"]]


def protect_figures(figures: pd.DataFrame, by: list[str], across: str | None = None) -> pd.DataFrame:
    """Secondary suppression of key-figure rows (see :func:`key_figures`).

    Women + men and the three age groups each make up a group's total: a lone
    suppressed part could be worked out from the others, so it is protected, for
    this year and last year each. With ``across`` (say ``"division"``), the values
    of that column also make up the region's figure, so each figure is protected
    across them too (the region's women minus the other divisions' women); the two
    rules are applied until neither hides anything more.
    """
    out = figures.copy()
    out["persons_prev_year"] = out["persons_prev_year"].fillna(0)
    while True:
        before = out["suppressed"].sum() + out["suppressed_prev_year"].sum()
        for partition in PARTITIONS:
            rows = out[out["figure"].isin(partition)]
            groups = rows.groupby(by, sort=False, dropna=False) if by else [(None, rows)]
            for _, part in groups:
                out.loc[part.index] = protect_both_years(part, FIGURE_COLUMNS)
        if across:
            rest = [b for b in by if b != across]
            for _, part in out.groupby(rest + ["figure"], sort=False, dropna=False):
                out.loc[part.index] = protect_both_years(part, FIGURE_COLUMNS)
        if out["suppressed"].sum() + out["suppressed_prev_year"].sum() == before:
            break
    out["suppressed"] = out["suppressed"].astype(bool)
    out["suppressed_prev_year"] = out["suppressed_prev_year"].astype(bool)
    return out
