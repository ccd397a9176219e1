"""The sample region reproduces every figure of docs/reference-figures.md for 2021-T1.

Each expected value is read off the reference report (the regional director's
report of June 2021), in mnkr or as printed, and compared after rounding the
way the report rounds. The single figures come from the table in
docs/reference-figures.md; the statements below cite the report's words.
"""
import pytest

from .conftest import ROOT

from regionanalytics import metrics
from regionanalytics.summary import REGION_ROW, key_metrics

pytestmark = pytest.mark.xdist_group("reference-figures")  # its module fixtures are made once, on one worker

PERIOD = "2021-T1"
NLB, NOL, LSV, FTV, SER, LTK = ("Närsjukvård Luleå-Boden", "Närsjukvård övriga länet", "Länssjukvård",
                                "Folktandvård", "Service", "Länsteknik")


@pytest.fixture(scope="module")
def km(sample):
    rows = key_metrics(sample, PERIOD)
    return {(d, m): v for d, m, v, *_ in rows.itertuples(index=False)}


def mnkr(value_tkr, decimals=0):
    return round(value_tkr / 1000, decimals)


def reference_figures():
    """The rows of the checked-figures table of docs/reference-figures.md."""
    lines = (ROOT / "docs" / "reference-figures.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("## Checked figures")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    rows = []
    for line in lines[start:end]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("division", "---"):
            division, metric, value, decimals, unit, _ = cells
            rows.append((REGION_ROW if division == "Region" else division, metric, float(value),
                         int(decimals), unit))
    return rows


def test_the_table_is_read():
    assert len(reference_figures()) == 29


@pytest.mark.parametrize("division,metric,expected,decimals,unit", reference_figures(),
                         ids=lambda v: str(v))
def test_reference_figure(km, division, metric, expected, decimals, unit):
    value = km[(division, metric)] / 1000 if unit == "mnkr" else km[(division, metric)]
    assert round(value, decimals) == expected


def test_divisions_better_than_budget(km):
    # "NÖL, Länssjukvård, Service och Länsteknik har resultat som är bättre än budget"
    better = {d for d in (NLB, NOL, LSV, FTV, SER, LTK) if km[(d, "budget_deviation")] > 0}
    assert better == {NOL, LSV, SER, LTK}


def test_service_same_result_as_last_year(km):
    assert mnkr(km[(SER, "result_prev_year")], 1) == mnkr(km[(SER, "result")], 1)


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
        assert km[(division, "sick_leave_pct")] > km[(REGION_ROW, "sick_leave_pct")]
    assert km[(SER, "sick_leave_pct")] < km[(REGION_ROW, "sick_leave_pct")]
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
    """data/sample and its SIE export data/sample-sie are what scripts/make_sample.py
    writes from its seed (the people's texts in data/sample/texts are written by hand)."""
    import subprocess
    import sys

    from .conftest import ROOT, SAMPLE

    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample.py"), str(tmp_path / "sample")],
                   check=True, cwd=ROOT, capture_output=True)
    for folder in (SAMPLE, SAMPLE.parent / "sample-sie"):
        for path in folder.iterdir():
            if path.name == "texts" and path.is_dir():
                continue
            assert (tmp_path / folder.name / path.name).read_bytes() == path.read_bytes(), path.name
