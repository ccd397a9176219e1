"""Figures as the standards define them (issue 20): SKR's hired-staff share, Kolada's
årsarbetare (N60065) and personnel turnover (N60084), the region's personnel costs with
its central level. Expected values are worked out by hand, or from the sample's files
read here with nothing but pandas and csv (never through the package's loaders).
"""
from __future__ import annotations

import pandas as pd
import pytest

from regionanalytics import load_region, metrics
from regionanalytics.summary import REGION_ROW, key_metrics_wide

from .conftest import SAMPLE


def _finance_file() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE / "finance.csv", sep=";", decimal=",", encoding="cp1252")
    return df.rename(columns={"Månad": "month", "Division": "division", "Konto": "account", "Utfall": "actual"})


def _employees_file() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE / "employees.csv.gz", sep=";", decimal=",", encoding="utf-8-sig")
    return df.rename(columns={"Månad": "month", "Person-id": "person", "Division": "division",
                              "Anställningsform": "employment", "Sysselsättningsgrad": "rate",
                              "Faktisk sysselsättningsgrad": "actual_rate",
                              "Arbetad tid": "worked"})


# --------------------------------------------------------------------------- inhyrd personal

def test_hired_staff_share_is_over_the_own_personnel_costs():
    # SKR: "hyrkostnad ... av de egna personalkostnaderna": 40 hired on 110 own is 36,4 %,
    # not 40 / 150 = 26,7 %
    fin = pd.DataFrame({"month": "2021-01", "division": "D",
                        "category": ["Personalkostnader", "Inhyrd personal"], "actual": [-110.0, -40.0]})
    assert metrics.staff_costs(fin, "2021-01", by=[]).iloc[0]["hired_staff_share_pct"] == pytest.approx(
        100 * 40 / 110)


def test_the_region_per_augusti_from_the_file(sample):
    # the sample region per augusti 2021 (the figure of docs/reference-figures.md), worked out from
    # finance.csv: every row of a personnel account (Personalkostnader, and the central level's
    # Pensionskostnader) over January–August 2021, against Inhyrd personal
    fin = _finance_file()
    t2 = fin[fin["month"].between("2021-01", "2021-08")]
    own = -t2.loc[t2["account"].isin(["Personalkostnader", "Pensionskostnader"]), "actual"].sum()
    hired = -t2.loc[t2["account"] == "Inhyrd personal", "actual"].sum()
    region = key_metrics_wide(sample, "2021-T2").set_index("division").loc[REGION_ROW]
    assert region["personnel_cost"] == pytest.approx(own, abs=0.05)
    assert region["hired_staff_share_pct"] == pytest.approx(100 * hired / own)
    documented = (SAMPLE.parents[1] / "docs" / "reference-figures.md").read_text(encoding="utf-8")
    assert f"{100 * hired / own:.2f}".replace(".", ",") + " %" in documented


# --------------------------------------------------------------------------- central level

def _central_region(folder):
    """A division and the region's central level as an economy system exports them: the
    central level books tax revenue, the divisions' funding and the pension costs."""
    rows = ["Månad;Division;Verksamhet;Konto;Utfall;Budget"]
    for m in range(1, 13):
        month = f"2021-{m:02d}"
        actual = (lambda v: v) if m <= 2 else (lambda v: "")
        rows += [f"{month};Akutsjukvård;Akuten;4011;{actual(-100)};-100",
                 f"{month};Akutsjukvård;Akuten;5511;{actual(-10)};-10",
                 f"{month};Akutsjukvård;Akuten;3911;{actual(110)};110",
                 f"{month};Finansförvaltning;Finansförvaltning;8011;{actual(150)};150",
                 f"{month};Finansförvaltning;Finansförvaltning;3911;{actual(-110)};-110",
                 f"{month};Finansförvaltning;Finansförvaltning;4711;{actual(-25)};-25"]
    (folder / "finance.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")
    staff = ["Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
             "Schemalagd tid;Arbetad tid"]
    for month in ("2020-12", "2021-01", "2021-02"):
        staff += [f"{month};A{i};Akutsjukvård;Akuten;Tillsvidare;K;1980;100;160;150" for i in range(12)]
    (folder / "employees.csv").write_text("\n".join(staff) + "\n", encoding="cp1252")
    return load_region(folder, cache=False)


def test_the_regions_personnel_costs_count_the_central_level(tmp_path):
    data = _central_region(tmp_path)
    rows = key_metrics_wide(data, "2021-02").set_index("division")
    # the division: 2 × 100 own, 2 × 10 hired (10 %); the region adds the central level's
    # pensions (4711, class 4: personnel costs) 2 × 25: 250 own, 20 hired, 8 %
    assert rows.loc["Akutsjukvård", "personnel_cost"] == 200
    assert rows.loc["Akutsjukvård", "hired_staff_share_pct"] == pytest.approx(10.0)
    assert rows.loc[REGION_ROW, "personnel_cost"] == 250
    assert rows.loc[REGION_ROW, "hired_staff_share_pct"] == pytest.approx(8.0)
    # the region's result counts the same rows: 2 × (150 − 25 − 10 − 100 + 110 − 110) = 30
    assert rows.loc[REGION_ROW, "region_result"] == pytest.approx(30.0)


def test_the_region_pages_staff_cost_table_says_what_its_rows_are(tmp_path):
    from regionanalytics.report import RegionOverview

    data_dir = tmp_path
    _central_region(data_dir)
    table = RegionOverview.open(period="2021-02", data_dir=data_dir).staff_costs()
    assert "divisionerna och regionens centrala nivå (finansförvaltningen: pensioner m.m.)" in table.html
    shown = table.data.set_index("division")
    assert shown.loc["Central nivå (finansförvaltningen)", "personnel_cost"] == 50
    # the central level books no hired staff while the region has such accounts: 0, not unknown
    assert shown.loc["Central nivå (finansförvaltningen)", "hired_staff_cost"] == 0
    assert shown.loc["Regionen totalt", "personnel_cost"] == 250
    assert "egna personalkostnaderna" in table.html


# --------------------------------------------------------------------------- årsarbetare

def test_annual_workers_as_kolada_counts_them():
    # November 2021 starts on a Monday: 22 weekdays, no public holiday on one (Alla helgons dag
    # is Saturday 6 November): 176 hours full time
    emp = pd.DataFrame({
        "month": ["2021-11"] * 4 + ["2021-12"],
        "person_id": ["a", "b", "c", "d", "a"], "division": "D",
        "employment": ["tillsvidare", "visstid", "timavlönad", "timavlönad", "tillsvidare"],
        "employment_rate": [1.0, 0.8, None, None, 1.0],
        # a on half-time parental leave in November: actual 0,5; b has no actual rate: 0,8
        "actual_employment_rate": [0.5, None, None, None, 1.0],
        "worked_hours": [84.0, 130.0, 88.0, 44.0, 150.0]})
    year = metrics.annual_workers(emp, "2021", by=[]).iloc[0]
    assert year["fte_kolada_month"] == "2021-11"  # the year's report: Kolada's month
    # 0,5 + 0,8 + (88 + 44) / 176 = 2,05
    assert year["fte_kolada"] == pytest.approx(2.05)
    assert year["fte_hourly"] == pytest.approx(0.75)
    assert not year["fte_kolada_contracted"]
    # without actual rates in the export: the contracted ones, and it says so
    contracted = metrics.annual_workers(emp.drop(columns="actual_employment_rate"), "2021", by=[]).iloc[0]
    assert contracted["fte_kolada"] == pytest.approx(1.0 + 0.8 + 0.75) and contracted["fte_kolada_contracted"]
    # the contracted measure of monthly-paid staff stays what it was, in the period's last month
    assert metrics.staff_structure(emp, "2021", by=[]).iloc[0]["fte"] == pytest.approx(1.0)


def test_annual_workers_of_the_sample_from_the_file(sample):
    # April 2021: 20 working days (Good Friday, Easter Monday), 160 hours full time
    emp = _employees_file()
    april = emp[emp["month"] == "2021-04"]
    monthly = april[april["employment"] != "timavlönad"]
    hourly = april[april["employment"] == "timavlönad"]
    # the export's actual rates (contracted less leave of absence) for Kolada's figure
    assert (monthly["actual_rate"] < monthly["rate"]).any()
    per_division = (monthly.groupby("division")["actual_rate"].sum()
                    + hourly.groupby("division")["worked"].sum() / 160)
    rows = key_metrics_wide(sample, "2021-T1").set_index("division")
    for division, expected in per_division.items():
        assert rows.loc[division, "fte_kolada"] == pytest.approx(expected, abs=1e-6)
        assert rows.loc[division, "fte"] == pytest.approx(monthly[monthly["division"] == division]["rate"].sum())


# --------------------------------------------------------------------------- personalomsättning

def test_turnover_over_twelve_months_as_kolada_counts_it():
    emp = pd.DataFrame([
        ("2020-08", "a", "D", "tillsvidare"), ("2021-08", "a", "D", "tillsvidare"),  # stays
        ("2020-08", "b", "D", "tillsvidare"),                                        # leaves
        ("2020-08", "c", "D", "tillsvidare"), ("2021-08", "c", "E", "tillsvidare"),  # moves: stays
        ("2020-08", "d", "D", "tillsvidare"), ("2021-08", "d", "D", "visstid"),      # new form: stays
        ("2020-08", "e", "D", "tillsvidare"), ("2020-08", "e", "D", "tillsvidare"),  # two rows, leaves
        ("2020-08", "f", "D", "visstid"),                                            # not tillsvidare
        ("2021-08", "g", "D", "tillsvidare"),                                        # joined
        # left in March and came back in June: present both Augusts, not a leaver (Kolada)
        ("2020-08", "h", "E", "tillsvidare"), ("2021-08", "h", "E", "tillsvidare"),
    ], columns=["month", "person_id", "division", "employment"])
    out = metrics.turnover_12_months(emp, "2021-T2", by=["division"]).set_index("division")
    # D: a, b, c, d, e of August 2020; b and e gone in August 2021: 2 of 5
    assert out.loc["D", ["leavers_12m", "tillsvidare_year_before"]].tolist() == [2.0, 5.0]
    assert out.loc["D", "turnover_12m_pct"] == pytest.approx(40.0)
    assert out.loc["E", "turnover_12m_pct"] == 0.0
    region = metrics.turnover_12_months(emp, "2021-T2", by=[]).iloc[0]
    assert region["turnover_12m_pct"] == pytest.approx(100 * 2 / 6)


def test_turnover_of_the_sample_from_the_file(sample):
    emp = _employees_file()
    before = emp[(emp["month"] == "2020-04") & (emp["employment"] == "tillsvidare")]
    present = set(emp.loc[emp["month"] == "2021-04", "person"])
    rows = key_metrics_wide(sample, "2021-T1").set_index("division")
    for division, group in before.groupby("division"):
        persons = set(group["person"])
        expected = 100 * len(persons - present) / len(persons)
        assert rows.loc[division, "turnover_12m_pct"] == pytest.approx(expected)
    # the year-to-date figure is a different one and stays
    assert not rows["turnover_pct"].equals(rows["turnover_12m_pct"])


def test_turnover_over_twelve_months_is_missing_without_last_year(tmp_path):
    from regionanalytics.summary import unknown_figures

    data = _central_region(tmp_path)  # employees from December 2020 only
    reasons = unknown_figures(data, "2021-02")
    assert reasons["turnover_12m_pct"] == "uppgifter saknas för januari och februari 2020"
    assert "fte_kolada" not in reasons


# --------------------------------------------------------------------------- sick leave's span

@pytest.mark.parametrize("period,words", [
    ("2021-T1", "Sjukfrånvaron avser januari–april 2021, hittills i år. Lagens nyckeltal"),
    ("2021", "Sjukfrånvaron avser hela året (januari–december 2021), som lagens nyckeltal"),
])
def test_sick_leave_tables_say_which_span_they_cover(period, words):
    from regionanalytics.report import DivisionReport, RegionOverview, UnitReport

    division = DivisionReport.open(period=period, division="Länsteknik", data_dir=SAMPLE)
    unit = UnitReport.open(period=period, division="Länsteknik", unit="IT-drift", data_dir=SAMPLE)
    region = RegionOverview.open(period=period, data_dir=SAMPLE)
    for table in (division.sick_leave_table(), division.sick_leave_by_unit(), unit.sick_leave_table(),
                  region.division_table()):
        assert f'<p class="ra-note">{words}' in table.html


def test_the_staff_structure_names_each_measure():
    from regionanalytics.report import DivisionReport

    table = DivisionReport.open(period="2021-T1", division="Länsteknik", data_dir=SAMPLE).staff_structure()
    html = table.html.replace("\u00ad", "")  # the headers' soft hyphens
    for header in ("Årsarbetare, avtalad sysselsättningsgrad", "Årsarbetare inkl. timavlönade",
                   "Personalomsättning hittills i år (%)", "Personalomsättning 12 mån (%)"):
        assert f">{header}<" in html
    # the note says when and how each is counted
    assert "i april 2021 (Kolada mäter november)" in html
    assert "månadsanställdas faktiska sysselsättningsgrader (avtalad minus tjänstledighet)" in html
    assert "tillsvidareanställda i april 2020 som inte är anställda i april 2021" in html


# --------------------------------------------------------------------------- the sample's books

def test_the_sample_looks_like_a_regions_books():
    # read off finance.csv: every cost account is a cost (negative) and every revenue a revenue
    # (positive) in every month and unit; VO Lab's Material och tjänster per april 2021 was
    # +30,4 mnkr before the generator was fixed
    fin = _finance_file()
    costs = ["Personalkostnader", "Pensionskostnader", "Inhyrd personal", "Köpt vård", "Läkemedel",
             "Material och tjänster", "Lokalkostnader", "Avskrivningar", "Finansiella kostnader"]
    revenues = ["Patientavgifter", "Statsbidrag", "Försäljning av tjänster", "Skatteintäkter",
                "Generella statsbidrag och utjämning", "Finansiella intäkter"]
    assert set(fin["account"]) == set(costs) | set(revenues) | {"Regionersättning"}
    booked = fin.dropna(subset=["actual"])
    assert (booked.loc[booked["account"].isin(costs), "actual"] < 0).all()
    assert (booked.loc[booked["account"].isin(revenues), "actual"] > 0).all()
    lab = fin[(fin["Verksamhet"] == "VO Lab") & (fin["account"] == "Material och tjänster")]
    for year in ("2020", "2021"):
        assert lab.loc[lab["month"].str.startswith(year), "actual"].sum() < 0
    # the central level books the pensions (class 4), about a tenth of the divisions' staff costs
    central = fin[fin["division"] == "Finansförvaltning"]
    pensions = -central.loc[central["account"] == "Pensionskostnader", "actual"].sum()
    staff = -fin.loc[fin["account"] == "Personalkostnader", "actual"].sum()
    assert 0.08 < pensions / staff < 0.12


def test_the_region_is_named_by_its_data_folder(tmp_path):
    from regionanalytics.data import region_name

    assert region_name(SAMPLE) == "Region Exempellän"                    # region.txt
    assert region_name(SAMPLE.parent / "sample-sie") == "Region Exempellän"  # the SIE #FNAMN
    (tmp_path / "finance.csv").write_text("Månad;Division\n", encoding="utf-8")
    assert region_name(tmp_path) is None  # nothing names it: the runner falls back to "Regionen"
    (tmp_path / "region.txt").write_text("\n  Region Norrbotten \n", encoding="utf-8-sig")
    assert region_name(tmp_path) == "Region Norrbotten"
