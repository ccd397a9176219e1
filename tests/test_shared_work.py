"""Work shared between figures (once per grouping, once per kernel) gives what each
figure's own route gives: the figures of issue 19's speed work never moved."""
from __future__ import annotations

import pandas as pd
import pytest

from regionanalytics.metrics import headcount, turnover_12_months
from regionanalytics.metrics._frames import group_sum, is_among
from regionanalytics.metrics.shown_sick_leave import figures, months, months_of_every_group, totals
from regionanalytics.periods import Period
from regionanalytics.report._base import _sick_months, _unit_sick_totals


def _staff(rows):
    return pd.DataFrame(rows, columns=["month", "person_id", "division", "employment"])


def test_headcount_counts_each_month_of_one_grouping_as_alone():
    # by hand: April 2021 D has a, b (b twice: two employments) -> 2; December 2020 D has
    # a, c -> 2; April 2020 D has c -> 1; E only in December 2020 (1) and never in April
    emp = _staff([("2021-04", "a", "D", "tillsvidare"), ("2021-04", "b", "D", "visstid"),
                  ("2021-04", "b", "D", "tillsvidare"), ("2021-04", "h", "D", "timavlönad"),
                  ("2020-12", "a", "D", "tillsvidare"), ("2020-12", "c", "D", "visstid"),
                  ("2020-12", "e", "E", "tillsvidare"), ("2020-04", "c", "D", "tillsvidare"),
                  ("2021-03", "z", "D", "tillsvidare")])
    df = headcount(emp, "2021-T1", by=["division"]).set_index("division")
    assert df.loc["D", ["headcount", "headcount_start", "headcount_prev_year"]].tolist() == [2, 2, 1]
    assert df.loc["E", ["headcount", "headcount_start", "headcount_prev_year"]].tolist() == [0, 1, 0]
    assert df.loc["E", "headcount_change"] == -1
    region = headcount(emp, "2021-T1", by=[]).iloc[0]
    assert [region["headcount"], region["headcount_start"], region["headcount_prev_year"]] == [2, 3, 1]
    # a full year: its start and the same month last year are one month (December 2020)
    year = headcount(emp.assign(month=emp["month"].replace({"2021-04": "2021-12"})), "2021", by=[]).iloc[0]
    assert [year["headcount"], year["headcount_start"], year["headcount_prev_year"]] == [2, 3, 3]
    assert headcount(emp.iloc[:0], "2021-T1", by=["division"]).empty


def test_turnover_12_months_looks_up_staying_persons_as_isin_would():
    emp = _staff([("2020-04", "a", "D", "tillsvidare"), ("2020-04", "b", "D", "tillsvidare"),
                  ("2020-04", "c", "D", "tillsvidare"), ("2021-04", "a", "E", "visstid")])
    row = turnover_12_months(emp, "2021-T1", by=[]).iloc[0]
    assert (row["leavers_12m"], row["tillsvidare_year_before"]) == (2.0, 3.0)  # b and c left
    values = pd.Series(["x", "y", "z", None], dtype="str")
    assert is_among(values, pd.Series(["z", "x", "x"], dtype="str")).tolist() == [True, False, True, False]
    assert is_among(values, pd.Series([], dtype="str")).tolist() == [False] * 4


def test_group_sum_rounds_each_column_to_a_millionth():
    df = pd.DataFrame({"g": ["a", "a", "b"], "x": [0.1, 0.2, -1e-12], "n": [1, 2, None]})
    out = group_sum(df, ["g"], ["x", "n"])
    assert out["x"].tolist() == [0.3, 0.0] and str(out["x"].iloc[1]) == "0.0"  # never -0.0
    assert out["n"].tolist()[0] == 3.0 and pd.isna(out["n"].tolist()[1])
    assert list(out.dtypes) == [df["g"].dtype, "float64", "float64"]


@pytest.mark.parametrize("period", ["2021-T1", "2021-T2"])
def test_every_groups_months_at_once_are_each_groups_own(sample, period):
    cells = figures(sample.employees, sample.absence, period)
    every = months_of_every_group(cells)
    groups = cells.loc[(cells["level"] != "region") & (cells["dimension"] == "month"), ["division", "unit"]]
    groups = groups.drop_duplicates()
    assert len(groups) == len(every) > 6
    for division, unit in groups.itertuples(index=False):
        pd.testing.assert_frame_equal(every[(division, unit)], months(cells, division, unit), check_exact=True)


def test_a_reports_sick_leave_views_are_the_models_own(sample):
    period = Period.parse("2021-T2")
    cells = figures(sample.employees, sample.absence, period)
    division = sample.divisions[0]
    pd.testing.assert_frame_equal(_sick_months(sample, period, division), months(cells, division),
                                  check_exact=True)
    pd.testing.assert_frame_equal(_unit_sick_totals(sample, period), totals(cells, "unit"), check_exact=True)
    # a copy each time: a report that changes its frame changes no other report's
    mine = _sick_months(sample, period, division)
    mine.loc[0, "sick_leave_pct"] = -1.0
    pd.testing.assert_frame_equal(_sick_months(sample, period, division), months(cells, division))


def test_a_reports_totals_once_are_the_metrics_own(sample):
    from regionanalytics.metrics import budget_deviation, headcount as headcount_of
    from regionanalytics.report.division import _parts, total_of

    period = Period.parse("2021-T1")
    parts = _parts(sample, "finance", ("division", "unit"))
    (one, two) = [parts[k] for k in list(parts) if k is not None][:2]
    first = total_of(budget_deviation, period, one)
    pd.testing.assert_frame_equal(first, budget_deviation(one, period, by=[]), check_exact=True)
    # other rows are other figures, never the ones held
    pd.testing.assert_frame_equal(total_of(budget_deviation, period, two), budget_deviation(two, period, by=[]))
    assert total_of(budget_deviation, period, two).loc[0, "result"] != first.loc[0, "result"]
    # a copy: a report that changes its total changes no other one's
    again = total_of(budget_deviation, period, two)
    again.loc[0, "result"] = 1e12
    assert total_of(budget_deviation, period, two).loc[0, "result"] != 1e12
    # another metric of the same rows, and another period, are their own
    emp = _parts(sample, "employees", ("division", "unit"))[next(k for k in parts if k is not None)]
    pd.testing.assert_frame_equal(total_of(headcount_of, period, emp), headcount_of(emp, period, by=[]))
    later = Period.parse("2021-T2")
    pd.testing.assert_frame_equal(total_of(budget_deviation, later, two), budget_deviation(two, later, by=[]))
