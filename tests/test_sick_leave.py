"""Sick leave on tiny fixtures whose figures are worked out by hand.

Working days used below (see test_workdays): Dec 2020 20, Jan 2021 19,
Feb 2021 20, Mar 2021 23, Apr 2021 20. Full time is 8 h per working day.
"""
import math

import numpy as np
import pandas as pd
import pytest

from regionanalytics.metrics.sick_leave import key_figures, merge_spells, person_months, sick_leave

from .conftest import absence_frame, employees_frame

FULL = {"2020-12": 160, "2021-01": 152, "2021-02": 160, "2021-03": 184, "2021-04": 160}


def hours(pm, person, month, column="sick_hours"):
    row = pm[(pm["person_id"] == person) & (pm["month"] == month)]
    return float(row[column].iloc[0])


def test_partial_extent_over_easter():
    # 1–9 April 2021 at 50 %: working days 1, 6, 7, 8, 9 April (2 and 5 April are holidays)
    emp = employees_frame([("2021-04", "A", "D", "u", "tillsvidare", "K", 1980, 160)])
    absn = absence_frame([("A", "2021-04-01", "2021-04-09", 0.5)])
    pm = person_months(emp, absn, ["2021-04"])
    assert hours(pm, "A", "2021-04") == pytest.approx(5 * 8 * 0.5)  # 20 h


def test_spell_across_year_boundary_uses_each_months_hours_per_day():
    # 75 % employment: Dec 2020 120 h / 20 days = 6 h a day; Jan 2021 114 h / 19 days = 6 h a day
    # 28 Dec–8 Jan: 28, 29, 30 Dec (31st is nyårsafton) and 4, 5, 7, 8 Jan (1st and 6th are holidays)
    emp = employees_frame([("2020-12", "B", "D", "u", "tillsvidare", "M", 1970, 120),
                           ("2021-01", "B", "D", "u", "tillsvidare", "M", 1970, 114)])
    absn = absence_frame([("B", "2020-12-28", "2021-01-08", 1.0)])
    pm = person_months(emp, absn, ["2020-12", "2021-01"])
    assert hours(pm, "B", "2020-12") == pytest.approx(3 * 6)
    assert hours(pm, "B", "2021-01") == pytest.approx(4 * 6)


def test_merge_touching_spells_60_days_is_long_59_is_not():
    # C: 1–30 Jan and 31 Jan–1 Mar touch: one episode of 60 days
    # D: 2–30 Jan and 31 Jan–1 Mar: 59 days
    spells = absence_frame([("C", "2021-01-01", "2021-01-30", 1), ("C", "2021-01-31", "2021-03-01", 1),
                            ("D", "2021-01-02", "2021-01-30", 1), ("D", "2021-01-31", "2021-03-01", 1)])
    merged = merge_spells(spells)
    assert merged.groupby("person_id")["episode_days"].max().to_dict() == {"C": 60, "D": 59}


def test_overlapping_spells_merge_and_gap_of_one_working_day_does_not():
    spells = absence_frame([("E", "2021-01-01", "2021-02-15", 0.5), ("E", "2021-02-01", "2021-03-05", 0.5),
                            ("E", "2021-03-09", "2021-03-10", 1.0)])
    merged = merge_spells(spells)
    # 1 Jan–5 Mar (a Friday) = 31 + 28 + 5 = 64 days; 9 Mar starts after Monday 8 Mar, a
    # working day at work: a new episode
    assert merged["episode_days"].tolist() == [64, 64, 2]


def test_spells_separated_only_by_days_off_are_one_episode():
    # F: Mon 4 Jan–Fri 29 Jan, then Mon 1 Feb–Fri 5 Mar: only a weekend between, one episode
    #    of 4 Jan–5 Mar = 28 + 28 + 5 = 61 days (long-term); G: the same but back at work on
    #    Monday 1 Feb, sick again from Tue 2 Feb: two episodes of 26 and 32 days
    # H: Wed 23 Dec 2020 – Wed 30 Dec, then Mon 4 Jan 2021: 31 Dec (nyårsafton), 1 Jan
    #    (nyårsdagen) and the weekend are all days off: one episode 23 Dec–4 Jan = 13 days
    spells = absence_frame([("F", "2021-01-04", "2021-01-29", 1), ("F", "2021-02-01", "2021-03-05", 1),
                            ("G", "2021-01-04", "2021-01-29", 1), ("G", "2021-02-02", "2021-03-05", 1),
                            ("H", "2020-12-23", "2020-12-30", 1), ("H", "2021-01-04", "2021-01-04", 1)])
    days = merge_spells(spells).groupby("person_id")["episode_days"].apply(list).to_dict()
    assert days == {"F": [61, 61], "G": [26, 32], "H": [13, 13]}


def test_long_term_share_counts_merged_spells_only():
    emp = employees_frame([(m, p, "D", "u", "tillsvidare", "K", 1980, FULL[m])
                           for p in ("C", "D") for m in ("2021-01", "2021-02", "2021-03")])
    absn = absence_frame([("C", "2021-01-01", "2021-01-30", 1), ("C", "2021-01-31", "2021-03-01", 1),
                          ("D", "2021-01-02", "2021-01-30", 1), ("D", "2021-01-31", "2021-03-01", 1)])
    pm = person_months(emp, absn, ["2021-01", "2021-02", "2021-03"])
    # both are off every working day of Jan (19) and Feb (20) and 1 Mar: 40 days = 320 h each
    assert pm.groupby("person_id")["sick_hours"].sum().to_dict() == pytest.approx({"C": 320, "D": 320})
    assert pm.groupby("person_id")["long_term_hours"].sum().to_dict() == pytest.approx({"C": 320, "D": 0})


def test_long_spell_counts_from_before_the_period():
    # a spell from 1 Nov 2020 to 5 Jan 2021 (66 days) is long-term in January too
    emp = employees_frame([("2021-01", "F", "D", "u", "tillsvidare", "K", 1980, 152)])
    absn = absence_frame([("F", "2020-11-01", "2021-01-05", 1)])
    pm = person_months(emp, absn, ["2021-01"])
    assert hours(pm, "F", "2021-01") == pytest.approx(2 * 8)  # 4 and 5 January
    assert hours(pm, "F", "2021-01", "long_term_hours") == pytest.approx(16)


def test_hours_count_where_the_person_is_employed_that_month():
    # G moves from division X to Y on 1 Feb; a spell 25 Jan–5 Feb splits between them.
    # Jan: 25–29 = 5 days; Feb: 1–5 = 5 days. Hourly paid H is never counted.
    emp = employees_frame([("2021-01", "G", "X", "x", "tillsvidare", "K", 1980, 152),
                           ("2021-02", "G", "Y", "y", "tillsvidare", "K", 1980, 160),
                           ("2021-01", "H", "X", "x", "timavlönad", "K", 1980, 0)])
    absn = absence_frame([("G", "2021-01-25", "2021-02-05", 1), ("H", "2021-01-04", "2021-01-08", 1)])
    pm = person_months(emp, absn, ["2021-01", "2021-02"])
    by_div = pm.groupby("division")["sick_hours"].sum()
    assert by_div.to_dict() == pytest.approx({"X": 40.0, "Y": 40.0})
    assert "H" not in set(pm["person_id"])


def _group(n, unit, sick_person_days):
    """n persons in ``unit`` for April 2021 (160 h each); the first is off ``sick_person_days`` days."""
    emp = employees_frame([("2021-04", f"{unit}{i}", "D", unit, "tillsvidare", "K", 1980, 160)
                           for i in range(n)])
    start = pd.Timestamp("2021-04-06")  # 6–9 April are 4 working days
    absn = absence_frame([(f"{unit}0", start, start + pd.Timedelta(days=sick_person_days - 1), 1)])
    return emp, absn


def test_suppression_at_ten_and_eleven_persons():
    emp10, abs10 = _group(10, "small", 4)
    emp11, abs11 = _group(11, "large", 4)
    emp = pd.concat([emp10, emp11], ignore_index=True)
    absn = pd.concat([abs10, abs11], ignore_index=True)
    df = sick_leave(emp, absn, "2021-04", by=["unit"]).set_index("unit")
    assert df.loc["small", "suppressed"]
    assert math.isnan(df.loc["small", "sick_leave_pct"]) and math.isnan(df.loc["small", "sick_hours"])
    assert not df.loc["large", "suppressed"]
    # 4 days × 8 h = 32 h of 11 × 160 h
    assert df.loc["large", "sick_leave_pct"] == pytest.approx(100 * 32 / 1760)
    assert df.loc["large", "persons"] == 11


def test_rate_against_previous_year_in_procentenheter():
    # 12 persons both years; April 2020 has 20 working days too (Good Friday 10th, Easter Monday 13th)
    rows, spells = [], []
    for year, days in ((2020, 8), (2021, 4)):
        for i in range(12):
            rows.append((f"{year}-04", f"P{i}", "D", "u", "tillsvidare", "K", 1980, 160))
        spells.append(("P0", f"{year}-04-20", f"{year}-04-{19 + days}", 1))  # Mon 20 Apr 2020 / Tue 20 Apr 2021
    emp, absn = employees_frame(rows), absence_frame(spells)
    df = sick_leave(emp, absn, "2021-04", by=[])
    # 2021: 20–23 April = 4 days = 32 h; 2020: 20–27 April = 6 working days = 48 h; of 12 × 160 h
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * 32 / 1920)
    assert df.loc[0, "sick_leave_pct_prev_year"] == pytest.approx(100 * 48 / 1920)
    assert df.loc[0, "sick_leave_change_pp"] == pytest.approx(100 * (32 - 48) / 1920)


def test_key_figures_split_by_gender_and_age():
    # 12 women born 1995 (age 26: 29 or younger) and 12 men born 1960 (age 61: 50 or older), April 2021
    rows = [("2021-04", f"W{i}", "D", "u", "tillsvidare", "K", 1995, 160) for i in range(12)]
    rows += [("2021-04", f"M{i}", "D", "u", "tillsvidare", "M", 1960, 160) for i in range(12)]
    absn = absence_frame([("W0", "2021-04-06", "2021-04-09", 1)])  # 32 h
    kf = key_figures(employees_frame(rows), absn, "2021-04", by=[]).set_index("figure")
    assert kf.loc["total", "value"] == pytest.approx(100 * 32 / (24 * 160))
    assert kf.loc["women", "value"] == pytest.approx(100 * 32 / (12 * 160))
    assert kf.loc["men", "value"] == 0
    assert kf.loc["age_29_or_younger", "value"] == pytest.approx(100 * 32 / (12 * 160))
    assert kf.loc["age_50_or_older", "value"] == 0
    assert "age_30_49" not in kf.index  # nobody in that group
    assert kf.loc["long_term_share", "value"] == 0


def test_key_figures_suppress_small_subgroups_and_their_complement():
    rows = [("2021-04", f"W{i}", "D", "u", "tillsvidare", "K", 1980, 160) for i in range(15)]
    rows += [("2021-04", f"M{i}", "D", "u", "tillsvidare", "M", 1980, 160) for i in range(5)]
    kf = key_figures(employees_frame(rows), absence_frame([]), "2021-04", by=[]).set_index("figure")
    assert kf.loc["men", "suppressed"] and np.isnan(kf.loc["men", "value"])
    assert kf.loc["total", "value"] == 0 and not kf.loc["total", "suppressed"]


def test_lone_small_part_of_a_total_is_protected_by_suppressing_another():
    # 15 women and 5 men: men are suppressed, so women (total − men) must be too
    rows = [("2021-04", f"W{i}", "D", "u", "tillsvidare", "K", 1980, 160) for i in range(15)]
    rows += [("2021-04", f"M{i}", "D", "u", "tillsvidare", "M", 1980, 160) for i in range(5)]
    kf = key_figures(employees_frame(rows), absence_frame([]), "2021-04", by=[]).set_index("figure")
    assert kf.loc["men", "suppressed"] and kf.loc["women", "suppressed"]
    assert np.isnan(kf.loc["women", "value"])
    assert not kf.loc["total", "suppressed"]


def test_registered_hours_of_a_day_count_whatever_the_weekday_and_are_shared_by_employments():
    # A: Saturday 9 January 2021, 10 h registered (a weekend shift the working-day rule would not
    # count). B: two monthly-paid employments in January, 114 h and 38 h scheduled, and 8 h
    # registered on Monday 11 January: 8 h in all, 6 and 2 by the employments' hours (not 8 twice)
    emp = employees_frame([("2021-01", "A", "D", "u", "tillsvidare", "K", 1980, 152),
                           ("2021-01", "B", "D", "u", "tillsvidare", "M", 1970, 114),
                           ("2021-01", "B", "D", "v", "visstid", "M", 1970, 38)])
    absn = absence_frame([("A", "2021-01-09", "2021-01-09", 1.0), ("B", "2021-01-11", "2021-01-11", 1.0)])
    absn["hours"] = [10.0, 8.0]
    pm = person_months(emp, absn, ["2021-01"])
    assert hours(pm, "A", "2021-01") == pytest.approx(10)
    b = pm[pm["person_id"] == "B"].set_index("unit")["sick_hours"]
    assert b.to_dict() == pytest.approx({"u": 6.0, "v": 2.0})
