import pandas as pd
import pytest

from regionanalytics.metrics import goal_fulfilment, production_change


def test_production_change_and_by_month():
    rows = [(f"{y}-{m:02d}", "L", "VO Kirurgi", "Operationer", v)
            for y, vals in ((2020, (100, 100, 80, 50)), (2021, (55, 56, 60, 65))) for m, v in enumerate(vals, 1)]
    prod = pd.DataFrame(rows, columns=["month", "division", "unit", "measure", "value"])
    df = production_change(prod, "2021-T1")
    assert df.loc[0, "value"] == 236 and df.loc[0, "value_prev_year"] == 330
    assert df.loc[0, "change_pct"] == pytest.approx(100 * (236 - 330) / 330)
    monthly = production_change(prod, "2021-T1", by=["measure", "month"]).set_index("month")
    assert monthly.loc["2021-04", "value_prev_year"] == 50
    assert monthly.loc["2021-04", "change_pct"] == pytest.approx(30.0)


def _goals(rows):
    return pd.DataFrame(rows, columns=["period", "division", "perspective", "goal", "indicator",
                                       "target", "outcome", "higher_is_better", "assessment"])


def test_goal_roll_up_rules():
    g = _goals([
        ("2021-T1", "D", "ekonomi", "g", "i1", 0, 1, True, None),          # met
        ("2021-T1", "D", "ekonomi", "g", "i2", 100, 90, True, None),       # not met
        ("2021-T1", "D", "medarbetare", "g", "i1", 5.5, 5.0, False, None),  # lower is better: met
        ("2021-T1", "D", "medarbetare", "g", "i2", 8, 7, False, None),      # met
        ("2021-T1", "D", "samhälle", "g", "i1", 40, 50, True, "ej"),        # given assessment wins
        ("2021-T1", "D", "samhälle", "g", "i2", 40, 10, True, None),        # not met
        ("2021-T1", "D", "medborgare", "g", "i1", None, None, None, "delvis"),
        ("2020-T3", "D", "ekonomi", "g", "i1", 0, 1, True, None),           # another period
    ])
    df = goal_fulfilment(g, "2021-T1").set_index("perspective")["assessment"].to_dict()
    assert df == {"ekonomi": "delvis", "medarbetare": "uppfyllt", "samhälle": "ej", "medborgare": "delvis"}


def test_goals_of_latest_earlier_period_in_the_year():
    g = _goals([("2021-T1", "D", "ekonomi", "g", "i", 0, 1, True, None)])
    df = goal_fulfilment(g, "2021-06")
    assert df.loc[0, "goals_period"] == "2021-T1" and df.loc[0, "assessment"] == "uppfyllt"
