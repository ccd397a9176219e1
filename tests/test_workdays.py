"""Working-day counts checked against a wall calendar by hand."""
import numpy as np
import pandas as pd

from regionanalytics.workdays import WorkdayCalendar, non_working_holidays, working_days_per_month


def test_months_counted_by_hand():
    # April 2021: 22 weekdays less Good Friday (2nd) and Easter Monday (5th)
    # December 2020: 23 weekdays less julafton (Thu 24), juldagen (Fri 25), nyårsafton (Thu 31)
    # January 2021: 21 weekdays less nyårsdagen (Fri 1) and trettondedag jul (Wed 6)
    # June 2021: 22 weekdays less midsommarafton (Fri 25); national day is a Sunday
    # March 2021: 23 weekdays, no holiday
    counts = working_days_per_month(["2021-04", "2020-12", "2021-01", "2021-06", "2021-03"])
    assert counts.tolist() == [20, 20, 19, 21, 23]


def test_eves_are_days_off_but_not_other_eves():
    names = non_working_holidays(2021)
    assert {"Midsommarafton", "Julafton", "Nyårsafton"} <= set(names)
    # påskafton is a Saturday anyway; trettondagsafton (Tue 5 Jan) is a working day
    cal = WorkdayCalendar("2021-01-01", "2021-12-31")
    assert int(cal.count(np.datetime64("2021-01-05"), np.datetime64("2021-01-05"))) == 1
    assert int(cal.count(np.datetime64("2021-06-25"), np.datetime64("2021-06-25"))) == 0


def test_count_is_inclusive_and_zero_for_reversed():
    cal = WorkdayCalendar("2021-01-01", "2021-12-31")
    start = np.array(["2021-04-01", "2021-04-10"], dtype="datetime64[D]")
    end = np.array(["2021-04-09", "2021-04-09"], dtype="datetime64[D]")
    # 1 Apr (Thu), 6–9 Apr: 5 working days; reversed range: 0
    assert cal.count(start, end).tolist() == [5, 0]
