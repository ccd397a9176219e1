"""The sample region reproduces every figure of shared/reference/FIGURES.md for 2021-T1.

Each expected value is read off the reference report (the regional director's
report of June 2021), in mnkr or as printed, and compared after rounding the
way the report rounds.
"""
import pytest

from regionanalytics import metrics
from regionanalytics.summary import REGION, key_metrics

PERIOD = "2021-T1"
NLB, NOL, LSV, FTV, SER, LTK = ("Närsjukvård Luleå-Boden", "Närsjukvård övriga länet", "Länssjukvård",
                                "Folktandvård", "Service", "Länsteknik")


@pytest.fixture(scope="module")
def km(sample):
    rows = key_metrics(sample, PERIOD)
    return {(d, m): v for d, m, v, *_ in rows.itertuples(index=False)}


def mnkr(value_tkr, decimals=0):
    return round(value_tkr / 1000, decimals)


@pytest.mark.parametrize("division,metric,expected,decimals", [
    (NLB, "budget_deviation", -7, 0), (NLB, "forecast_deviation", -49, 0),
    (NOL, "budget_deviation", 2, 0), (NOL, "forecast_deviation", -40, 0),
    (LSV, "result", 15, 0), (LSV, "forecast", -7.5, 1),
    (FTV, "result", -11, 0), (FTV, "budget_deviation", -6, 0), (FTV, "forecast", -22, 0),
    (FTV, "forecast_vs_prev_year", 8, 0),
    (SER, "result", 0.7, 1), (SER, "budget_deviation", 12.6, 1), (SER, "forecast", -1, 0),
    (LTK, "result", 1, 0), (LTK, "budget_deviation", 3, 0), (LTK, "forecast", 8, 0),
    (REGION, "result", 1, 0), (REGION, "result_change", 63, 0),
])
def test_economy(km, division, metric, expected, decimals):
    assert mnkr(km[(division, metric)], decimals) == expected


def test_divisions_better_than_budget(km):
    # "NÖL, Länssjukvård, Service och Länsteknik har resultat som är bättre än budget"
    better = {d for d in (NLB, NOL, LSV, FTV, SER, LTK) if km[(d, "budget_deviation")] > 0}
    assert better == {NOL, LSV, SER, LTK}


def test_forecast_total_is_the_sum_of_the_divisions(km):
    # The report prints −121 mnkr, which its own division figures do not add up to;
    # the data reproduces the divisions, so the total is their sum, about −111.5.
    assert mnkr(km[(REGION, "forecast")], 1) == -111.5


def test_savings_tasks_and_action_plan(km):
    assert mnkr(km[(NLB, "action_plan_planned_full_year")]) == 96
    assert mnkr(km[(NOL, "action_plan_planned_full_year")]) == 37
    assert round(km[(SER, "action_plan_pct")]) == 146


def test_service_same_result_as_last_year(km):
    assert mnkr(km[(SER, "result_prev_year")], 1) == mnkr(km[(SER, "result")], 1)


def test_staff_figures(km):
    assert km[(SER, "headcount_change")] == -25
    assert km[(SER, "headcount_change_tillsvidare")] == -17
    assert km[(LTK, "headcount")] == 131
    assert km[(LTK, "headcount_change")] == -6
    # the report prints "(8 procent)"; 6 of 137 is 4.4 %
    assert round(km[(LTK, "headcount_change_pct")], 1) == -4.4


def test_sick_leave_lansteknik(km):
    assert round(km[(LTK, "sick_leave_pct")], 1) == 5.3
    assert round(km[(LTK, "sick_leave_change_pp")], 1) == -1.0


def test_staff_narratives(km, sample):
    # NLB: worked time fell relative to employees; sick leave high
    per_head = km[(NLB, "worked_hours")] / km[(NLB, "headcount")]
    hc_prev = metrics.headcount(sample.employees, PERIOD).set_index("division").loc[NLB, "headcount_prev_year"]
    assert per_head < km[(NLB, "worked_hours_prev_year")] / hc_prev
    # NÖL: worked time up; permanent staff down, temporary staff up
    assert km[(NOL, "worked_hours")] > km[(NOL, "worked_hours_prev_year")]
    assert km[(NOL, "headcount_change_tillsvidare")] < 0 < km[(NOL, "headcount_change_visstid")]
    # sick leave "still high" in both Närsjukvård divisions, low in Service
    for division in (NLB, NOL):
        assert km[(division, "sick_leave_pct")] > km[(REGION, "sick_leave_pct")]
    assert km[(SER, "sick_leave_pct")] < km[(REGION, "sick_leave_pct")]
    # Länssjukvård: higher sick leave and more hired staff (inhyrd personal) than last year
    assert km[(LSV, "sick_leave_change_pp")] > 0
    hired = sample.finance[(sample.finance["division"] == LSV) & (sample.finance["account"] == "Inhyrd personal")]
    cost = lambda months: -hired.loc[hired["month"].isin(months), "actual"].sum()
    assert cost(["2021-01", "2021-02", "2021-03", "2021-04"]) > cost(["2020-01", "2020-02", "2020-03", "2020-04"])


EXPECTED_GOALS = {
    NLB: {"medborgare": "ej", "verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "delvis", "samhälle": "uppfyllt"},
    NOL: {"medborgare": "ej", "verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "delvis", "samhälle": "uppfyllt"},
    FTV: {"medborgare": "delvis", "verksamhet": "delvis", "medarbetare": "ej", "ekonomi": "ej"},
    SER: {"verksamhet": "ej", "medarbetare": "uppfyllt", "ekonomi": "uppfyllt"},
}


@pytest.mark.parametrize("division", list(EXPECTED_GOALS))
def test_goal_fulfilment(sample, division):
    df = metrics.goal_fulfilment(sample.goals, PERIOD)
    got = df[df["division"] == division].set_index("perspective")["assessment"].to_dict()
    assert {p: got[p] for p in EXPECTED_GOALS[division]} == EXPECTED_GOALS[division]


def test_goal_fulfilment_summaries(sample):
    df = metrics.goal_fulfilment(sample.goals, PERIOD)
    lsv = df[df["division"] == LSV]["assessment"]
    assert (lsv == "ej").sum() >= 2                       # "not met in several perspectives"
    ltk = df[df["division"] == LTK]["assessment"]
    assert (ltk == "uppfyllt").sum() > len(ltk) / 2        # "meets most of its goals"


def test_production(sample):
    lsv = sample.production[sample.production["division"] == LSV]
    ops = metrics.production_change(lsv[lsv["measure"] == "Operationer"], PERIOD, by=["measure"])
    assert ops.loc[0, "change_pct"] < -20                                  # far below T1 2020
    monthly = metrics.production_change(lsv[lsv["measure"] == "Operationer"], PERIOD,
                                        by=["measure", "month"]).set_index("month")
    assert monthly.loc["2021-04", "change_pct"] == pytest.approx(30, abs=5)  # about 30 % above April 2020
    visits = metrics.production_change(lsv, PERIOD, by=["measure"]).set_index("measure")
    share = visits.loc["Digitala besök"] / (visits.loc["Digitala besök"] + visits.loc["Läkarbesök"])
    assert share["value"] > share["value_prev_year"]
    ser = metrics.production_change(sample.production, PERIOD, by=["division", "unit"])
    ser = ser[ser["division"] == SER].set_index("unit")["change_pct"]
    assert ser["Kostservice"] < 0 and ser["Patienthotell"] < 0
    assert ser["Bemanningsenheten"] > 0 and ser["Lokalservice"] > 0


@pytest.mark.slow
def test_sample_is_regenerated_byte_for_byte(tmp_path):
    """data/sample is what scripts/make_sample.py writes from its seed."""
    import subprocess
    import sys

    from .conftest import ROOT, SAMPLE

    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample.py"), str(tmp_path)], check=True,
                   cwd=ROOT, capture_output=True)
    for path in SAMPLE.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
