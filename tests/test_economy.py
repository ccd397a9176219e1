"""Economy metrics on a two-division fixture worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from regionanalytics.exceptions import PeriodError
from regionanalytics.metrics import (action_plan_fulfilment, budget_deviation, forecast_deviation,
                                     monthly_result)
from regionanalytics.periods import month_span


@pytest.fixture
def finance():
    """A: cost budget −100/month, actual −110 in 2021 and −90 in 2020; funding +110 budget, +100 actual.
    B: cost budget −50, actual −40 in 2021 and −60 in 2020; funding +50 both.
    Actuals are closed up to 2021-04."""
    rows = []
    for month in month_span("2020-01", "2021-12"):
        closed = month <= "2021-04"
        y21 = month >= "2021"
        rows += [
            (month, "A", "a1", "Kostnad", (-110 if y21 else -90) if closed else np.nan, -100.0),
            (month, "A", "a1", "Regionersättning", 100.0 if closed else np.nan, 110.0),
            (month, "B", "b1", "Kostnad", (-40 if y21 else -60) if closed else np.nan, -50.0),
            (month, "B", "b1", "Regionersättning", 50.0 if closed else np.nan, 50.0),
        ]
    return pd.DataFrame(rows, columns=["month", "division", "unit", "account", "actual", "budget"])


def test_budget_deviation_by_division(finance):
    df = budget_deviation(finance, "2021-T1").set_index("division")
    # A: result 4 × (100 − 110) = −40; budget 4 × (110 − 100) = 40; prev 4 × (100 − 90) = 40
    assert df.loc["A"].to_dict() == {"result": -40, "budget": 40, "budget_deviation": -80,
                                     "result_prev_year": 40, "change": -80}
    # B: result 4 × 10 = 40; budget 0; prev 4 × (−10) = −40
    assert df.loc["B"].to_dict() == {"result": 40, "budget": 0, "budget_deviation": 40,
                                     "result_prev_year": -40, "change": 80}


def test_region_total_is_the_same_function(finance):
    df = budget_deviation(finance, "2021-T1", by=[])
    assert len(df) == 1
    assert df.loc[0, "result"] == 0 and df.loc[0, "budget"] == 40 and df.loc[0, "change"] == 0


def test_period_beyond_closed_months_is_refused(finance):
    with pytest.raises(PeriodError, match="ends in 2021-04; 2021-T2 runs to 2021-08, after it"):
        budget_deviation(finance, "2021-T2")


def test_monthly_cumulative(finance):
    df = monthly_result(finance, "2021-T1", by=["division"])
    a = df[df["division"] == "A"]
    assert a["result_cum"].tolist() == [-10, -20, -30, -40]
    assert a["budget_cum"].tolist() == [10, 20, 30, 40]


def test_forecast_latest_within_year_up_to_period(finance):
    forecast = pd.DataFrame([
        ("2020-12", "A", "a1", -5.0),     # last year's: ignored
        ("2021-02", "A", "a1", -300.0),
        ("2021-04", "A", "a1", -200.0),   # latest up to April: used
        ("2021-06", "A", "a1", -999.0),   # after the period: ignored
        ("2021-02", "B", "b1", 50.0),     # B's latest is February
    ], columns=["month", "division", "unit", "forecast"])
    df = forecast_deviation(forecast, finance, "2021-T1").set_index("division")
    # annual budget A: 12 × 10 = 120; B: 0. 2020 full-year result: A 12 × 10 = 120 is not closed
    assert df.loc["A", "forecast"] == -200 and df.loc["A", "annual_budget"] == 120
    assert df.loc["A", "forecast_deviation"] == -320
    assert df.loc["B", "forecast"] == 50 and df.loc["B", "forecast_month"] == "2021-02"
    assert df.loc["B", "forecast_deviation"] == 50
    # 2020 is fully closed: A 12 × (100 − 90) = 120; B 12 × (50 − 60) = −120
    assert df.loc["A", "result_prev_full_year"] == 120
    assert df.loc["A", "forecast_vs_prev_year"] == -320
    region = forecast_deviation(forecast, finance, "2021-T1", by=[])
    assert region.loc[0, "forecast"] == -150 and region.loc[0, "forecast_deviation"] == -270


def test_action_plan_fulfilment():
    plans = pd.DataFrame({"month": month_span("2021-01", "2021-12"), "division": "S",
                          "planned": [100.0] * 12, "achieved": [146.0] * 4 + [np.nan] * 8})
    df = action_plan_fulfilment(plans, "2021-T1")
    assert df.loc[0, "planned"] == 400 and df.loc[0, "achieved"] == 584
    assert df.loc[0, "action_plan_pct"] == pytest.approx(146.0)
    assert df.loc[0, "planned_full_year"] == 1200
