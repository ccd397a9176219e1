"""The delårsrapport's staff figures, what is missing without the data for it, and changes.csv.

The HR export is written as a payroll system writes it (Windows-1252, semicolons,
employment rates in percent with a % sign, empty övertid cells, an hourly-paid
extra without a rate); the expected figures are worked out by hand in comments.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from regionanalytics import load_region, metrics
from regionanalytics.runner.batch import _write_changes
from regionanalytics.periods import Period
from regionanalytics.summary import key_metrics, unknown_figures

HEADER = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
          "Schemalagd tid;Arbetad tid;Övertid;Mertid")


def _finance(folder: Path, accounts=("Personalkostnader", "Material och tjänster")) -> None:
    rows = ["Månad;Division;Verksamhet;Konto;Utfall;Budget"]
    for m in range(1, 13):
        month = f"2021-{m:02d}"
        for account in accounts:
            actual = "-100" if m <= 4 else ""
            rows.append(f"{month};Kirurgi;Avd 1;{account};{actual};-100")
    for m in range(1, 13):
        rows.append(f"2020-{m:02d};Kirurgi;Avd 1;{accounts[0]};-90;-90")
    (folder / "finance.csv").write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")


def _employees(folder: Path) -> None:
    """December 2020 to April 2021: 12 tillsvidare at first; P03 leaves in February,
    P04 moves to visstid in March (not leaving), P05 leaves in April; extra staff."""
    rows = [HEADER]
    months = ["2020-12", "2021-01", "2021-02", "2021-03", "2021-04"]
    for m in months:
        for i in range(12):
            pid = f"P{i:02d}"
            if pid == "P03" and m >= "2021-02":
                continue
            if pid == "P05" and m >= "2021-04":
                continue
            form = "Visstidsanställd" if pid == "P04" and m >= "2021-03" else "Tillsvidare"
            rate = "75 %" if i < 4 else "100 %"
            overtime = "6,5" if i == 0 else ""  # empty: no overtime that month
            additional = "4" if i == 1 else ""
            rows.append(f"{m};{pid};Kirurgi;Avd 1;{form};K;1980;{rate};160;150;{overtime};{additional}")
        rows.append(f"{m};X01;Kirurgi;Avd 1;Timavlönad;M;1999;;0;20;;")  # an hourly extra
    (folder / "employees.csv").write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")


@pytest.fixture()
def region(tmp_path):
    _finance(tmp_path)
    _employees(tmp_path)
    return load_region(tmp_path, cache=False)


def test_arsarbetare_fulltime_share_turnover_and_overtime_by_hand(region):
    emp = region.employees
    structure = metrics.staff_structure(emp, "2021-T1", by=[]).iloc[0]
    # April: P00–P02 at 75 % (P03, also 75 %, has left), P04 and P06–P11 at 100 % (P05 has
    # left): 3 × 0.75 + 7 × 1 = 9.25 årsarbetare of 10 persons, 7 full time; the hourly
    # extra is not counted
    assert structure["fte"] == pytest.approx(9.25)
    assert structure["fulltime_share_pct"] == pytest.approx(70.0)
    turnover = metrics.turnover(emp, "2021-T1", by=[]).iloc[0]
    # P03 (gone in February) and P05 (gone in April) left the region; P04 only changed form.
    # Tillsvidare per month Jan–Apr: 12, 11, 10, 9 → average 10.5; 2 / 10.5 = 19.05 %
    assert turnover["leavers"] == 2
    assert turnover["tillsvidare_avg"] == pytest.approx(10.5)
    assert turnover["turnover_pct"] == pytest.approx(100 * 2 / 10.5)
    extra = metrics.extra_hours(emp, "2021-T1", by=[]).iloc[0]
    # P00 6,5 h övertid each of January–April; P01 4 h mertid each month
    assert extra["overtime_hours"] == pytest.approx(26.0)
    assert extra["additional_hours"] == pytest.approx(16.0)
    assert extra["overtime_per_fte"] == pytest.approx(26.0 / 9.25)


def test_figures_the_data_cannot_give_are_missing_with_their_reason(tmp_path):
    _finance(tmp_path, accounts=("Konto A", "Konto B"))  # names no account plan knows
    _employees(tmp_path)
    (tmp_path / "employees.csv").write_text(
        "\r\n".join(";".join(line.split(";")[:10])
                    for line in (tmp_path / "employees.csv").read_text(encoding="cp1252").splitlines()) + "\r\n",
        encoding="cp1252")  # the same export without Övertid and Mertid
    data = load_region(tmp_path, cache=False)
    unknown = unknown_figures(data, "2021-T1")
    assert unknown["personnel_cost"] == "ekonomiunderlaget har inga konton för personalkostnader"
    assert unknown["hired_staff_cost"] == "ekonomiunderlaget har inga konton för inhyrd personal"
    assert unknown["region_result"].startswith("ekonomiunderlaget saknar regionens skatteintäkter")
    assert unknown["overtime_hours"] == "personalunderlaget saknar övertid"
    assert unknown["investments"] == "uppgifter om investeringar saknas"
    rows = key_metrics(data, "2021-T1").set_index(["division", "metric"])
    for metric in ("personnel_cost", "region_result", "overtime_per_fte", "investments"):
        assert pd.isna(rows.loc[("Region", metric), "value"])
        assert rows.loc[("Region", metric), "flag"] == "missing"
    # figures the data has stay
    assert rows.loc[("Region", "fte"), "value"] == pytest.approx(9.25)


def test_changes_against_the_published_previous_tertial(tmp_path, region):
    out = tmp_path / "2021-T2"
    out.mkdir()
    summary = pd.DataFrame({"division": ["Kirurgi", "Kirurgi"], "metric": ["forecast", "headcount"],
                            "value": [-1500.0, 10.0], "flag": "", "note": ""})
    (tmp_path / "2021-T1").mkdir()
    published = pd.DataFrame({"division": ["Kirurgi", "Kirurgi"], "metric": ["forecast", "headcount"],
                              "value": [-1200.0, 12.0], "flag": "", "note": ""})
    published.to_csv(tmp_path / "2021-T1" / "summary.csv", index=False)
    _write_changes(out, region, Period.parse("2021-T2"), summary)
    changes = pd.read_csv(out / "changes.csv").set_index("metric")
    # what the board saw per april: −1 200 tkr; now −1 500: the forecast fell by 300 tkr
    assert changes.loc["forecast", "previous_tertial"] == -1200
    assert changes.loc["forecast", "difference"] == -300
    assert changes.loc["headcount", "difference"] == -2
    assert set(changes["previous_source"]) == {"2021-T1/summary.csv"}


def test_changes_in_the_first_tertial_have_no_previous(tmp_path, region):
    out = tmp_path / "2021-T1"
    out.mkdir()
    summary = key_metrics(region, "2021-T1")
    _write_changes(out, region, Period.parse("2021-T1"), summary)
    changes = pd.read_csv(out / "changes.csv")
    assert len(changes) == len(summary) and changes["previous_tertial"].isna().all()


def test_investments_from_a_workbook_as_the_economy_system_writes_it(tmp_path, region):
    """A workbook with a title row, Swedish headers with units, amounts as text with spaces
    and decimal commas, and no actuals yet for the months after April."""
    from openpyxl import Workbook

    _finance(tmp_path)
    _employees(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Investeringar"
    ws.append(["Investeringsuppföljning 2021, Kirurgi"])
    ws.append([])
    ws.append(["Månad", "Division", "Investeringsprojekt", "Utfall (tkr)", "Budget (tkr)"])
    for m in range(1, 13):
        actual = {1: "1 200,5", 2: "800", 3: None, 4: "2 000"}.get(m) if m <= 4 else None
        ws.append([f"2021-{m:02d}", "Kirurgi", "Ny operationssal", actual, "1 000"])
    ws.append(["2021-03", "Kirurgi", "Röntgen", "350,0", None])  # an unbudgeted purchase
    wb.save(tmp_path / "investments.xlsx")
    data = load_region(tmp_path, cache=False)
    inv = metrics.investments(data.investments, "2021-T1", by=["project"]).set_index("project")
    # Ny operationssal: 1 200,5 + 800 + (nothing in March) + 2 000 = 4 000,5 tkr against
    # 4 × 1 000 to date and 12 × 1 000 for the year: 33,3 % of the year's budget used
    assert inv.loc["Ny operationssal", "investments"] == pytest.approx(4000.5)
    assert inv.loc["Ny operationssal", "investment_budget"] == pytest.approx(4000)
    assert inv.loc["Ny operationssal", "investment_pct"] == pytest.approx(100 * 4000.5 / 12000)
    # the purchase without a budget: 350 tkr spent, no budget, so no share of it
    assert inv.loc["Röntgen", "investments"] == pytest.approx(350)
    assert pd.isna(inv.loc["Röntgen", "investment_pct"])
