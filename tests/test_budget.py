"""The budget from its own system, figures without a budget, and no ledger row lost.

Files are written as the systems write them: the ledger's export with kostnadsställen
and no budget column, the budget system's (Stratsys, Hypergene) export with a title
row, periods as YYYYMM, decimal commas, thousands separators and the amount in kronor
with the ledger's sign. Every expected figure is worked out by hand in the comments.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from regionanalytics import load_region, metrics, validate
from regionanalytics.exceptions import DataValidationError
from regionanalytics.summary import key_metrics

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

ORGANISATION = ("Kostnadsställe;Verksamhet;Division\r\n"
                "1101;Akutmottagning;Akutsjukvård\r\n1102;Ambulans;Akutsjukvård\r\n"
                "1103;Akutlabb;Akutsjukvård\r\n2101;Vårdcentral Öst;Primärvård\r\n"
                "9001;Finansförvaltning;Regionstyrelsen\r\n")

#: The ledger's export (Raindance-style report): kostnadsställe, account, actual; no budget.
LEDGER = [
    "Utfall per kostnadsställe och konto;;;", "Månad;Kst;Konto;Utfall",
    "2021-01;1101;4011;-500,5", "2021-01;1102;4011;-200", "2021-01;2101;4011;-300",
    "2021-01;2101;3011;25", "2021-01;9001;8011;1 010",
    "2021-02;1101;4011;-510", "2021-02;1102;4011;-190", "2021-02;2101;4011;-280",
    "2021-02;2101;3011;15", "2021-02;9001;8011;990",
]

#: What the budget system plans per month, in kronor with the ledger's sign (debit +).
MONTHLY_BUDGET_KR = {("1101", "4011"): "480 000,00", ("1102", "4011"): "210 000,00",
                     ("2101", "4011"): "300 000,00", ("2101", "3011"): "-20 000,00",
                     ("9001", "8011"): "-1 000 000,00"}


def _staff(folder: Path) -> None:
    rows = ["Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
            "Schemalagd tid;Arbetad tid"]
    for m in ["2020-12", "2021-01", "2021-02"]:
        for d, u in (("Akutsjukvård", "Akutmottagning"), ("Primärvård", "Vårdcentral Öst")):
            rows += [f"{m};{d[:2]}{i};{d};{u};Tillsvidare;K;1980;100;160;150" for i in range(12)]
    (folder / "employees.csv").write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")


def _budget_csv(lines: dict | None = None, header: str = "Period;Kostnadsställe;Konto;Belopp (kr)",
                extra: list[str] = ()) -> bytes:
    lines = MONTHLY_BUDGET_KR if lines is None else lines
    rows = ["Budget 2021 (fastställd), utdrag ur Stratsys 2021-03-02;;;", ";;;", header]
    for m in range(1, 13):
        for (code, account), amount in lines.items():
            rows.append(f"2021{m:02d};{code};{account};{amount}")
    return ("\r\n".join(rows + list(extra)) + "\r\n").encode("cp1252")


def _region(folder: Path, budget: bytes | None = None, ledger: list[str] = LEDGER,
            forecast: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisation.csv").write_bytes(ORGANISATION.encode("cp1252"))
    (folder / "finance.csv").write_bytes(("\r\n".join(ledger) + "\r\n").encode("cp1252"))
    if budget is not None:
        (folder / "budget.csv").write_bytes(budget)
    if forecast:  # Akutmottagning forecasts −6 100 tkr for the year; the others none
        (folder / "forecast.csv").write_text("Månad;Division;Verksamhet;Prognos\n"
                                             "2021-02;Akutsjukvård;Akutmottagning;-6100\n", encoding="utf-8")
    _staff(folder)
    return folder


def _values(data, period="2021-02") -> pd.DataFrame:
    return key_metrics(data, period).set_index(["division", "metric"])


# --------------------------------------------------------------------------- a budget table

def test_budget_system_export_combines_with_ledger_actuals(tmp_path):
    folder = _region(tmp_path, _budget_csv())
    report = validate(folder)
    assert report.ok, report.problems
    # kronor with debit positive: turned to tkr with revenue positive, and said so
    assert any("'Belopp (kr)' is in kr" in n for n in report.notes)
    assert any("the ledger's sign" in n for n in report.notes)
    data = load_region(folder, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    # Akutsjukvård: result −500,5 −200 −510 −190 = −1 400,5; budget (−480 −210) × 2 = −1 380
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1380)
    assert dev.loc["Akutsjukvård", "budget_deviation"] == pytest.approx(-20.5)
    # Primärvård: −300 + 25 − 280 + 15 = −540 against (−300 + 20) × 2 = −560: 20 better
    assert dev.loc["Primärvård", "budget_deviation"] == pytest.approx(20)
    v = _values(data)["value"]
    # the region: divisions −1 940,5 plus tax revenue 1 010 + 990 = 59,5 against −1 940 + 2 000 = 60
    assert v[("Region", "region_result")] == pytest.approx(59.5)
    assert v[("Region", "region_result_budget")] == pytest.approx(60)
    # forecast: Akutmottagning −6 100; Ambulans without one takes its annual budget −210 × 12
    # = −2 520; against the annual budget −690 × 12 = −8 280: −8 620 − (−8 280) = −340
    assert v[("Akutsjukvård", "forecast")] == pytest.approx(-8620)
    assert v[("Akutsjukvård", "forecast_deviation")] == pytest.approx(-340)
    assert v[("Akutsjukvård", "units_without_forecast")] == 1
    # the budget of the months not closed yet is there, without actuals
    march = data.finance[(data.finance["month"] == "2021-12") & (data.finance["unit"] == "Ambulans")]
    assert march["budget"].tolist() == [-210] and march["actual"].isna().all()


def test_budget_workbook_with_month_dates_and_amounts_in_tkr(tmp_path):
    from openpyxl import Workbook

    folder = _region(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["Hypergene – Budget 2021, Region Testlän"])
    ws.append([])
    ws.append(["Månad", "Kostnadsställe", "Konto", "Kontonamn", "Budget tkr"])
    from datetime import datetime
    names = {"4011": "Löner", "3011": "Patientavgifter", "8011": "Skatteintäkter"}
    for m in range(1, 13):
        for (code, account), amount in MONTHLY_BUDGET_KR.items():
            tkr = -float(amount.replace(" ", "").replace(",", ".")) / 1000  # revenue +, cost −
            ws.append([datetime(2021, m, 1), int(code), int(account), names[account], tkr])
    wb.save(folder / "budget.xlsx")
    data = load_region(folder, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1380)
    assert dev.loc["Primärvård", "budget"] == pytest.approx(-560)


def test_amounts_without_sign_take_it_from_the_account(tmp_path):
    # costs and revenue both positive (as many budget modules enter them): 3011 and 8011 are
    # revenue, 4011 a cost, whatever the file's sign
    unsigned = {k: v.lstrip("-") for k, v in MONTHLY_BUDGET_KR.items()}
    folder = _region(tmp_path, _budget_csv(unsigned))
    data = load_region(folder, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    assert dev.loc["Primärvård", "budget"] == pytest.approx(-560)
    assert _values(data)["value"][("Region", "region_result_budget")] == pytest.approx(60)
    # an account that the plan cannot place has no sign to take: an error naming it
    (folder / "budget.csv").write_bytes(_budget_csv(unsigned, extra=["202101;2101;Övrigt;5 000"]))
    with pytest.raises(DataValidationError) as err:
        load_region(folder, cache=False)
    [problem] = err.value.problems
    # three title/blank/header lines, 12 × 5 rows: the extra line is row 64
    assert (problem.file, problem.row, problem.column, problem.value) == ("budget.csv", 64, "account", "Övrigt")


def test_a_budget_year_cut_short_is_an_error(tmp_path):
    text = _budget_csv().decode("cp1252").splitlines()
    cut = [line for line in text if not line.startswith("202112")]
    folder = _region(tmp_path, ("\r\n".join(cut) + "\r\n").encode("cp1252"))
    problems = validate(folder).problems
    assert [(p.file, p.column) for p in problems] == [("budget.csv", "budget")]
    assert "all 12 months of 2021; none for 2021-12" in problems[0].expected


def test_budget_table_wins_over_the_ledger_budget_and_says_so(tmp_path):
    ledger = [LEDGER[0], LEDGER[1] + ";Budget"] + [line + ";-1" for line in LEDGER[2:]]
    ledger += [f"2021-{m:02d};1101;4011;;-1" for m in range(3, 13)]
    folder = _region(tmp_path, _budget_csv(), ledger=ledger)
    report = validate(folder)
    [note] = [n for n in report.notes if "gives the budget too" in n]
    # the ledger's −1 on 20 rows, the budget system's (−480 − 210 − 300 + 20 + 1 000) × 12 = 360
    assert "budget.csv is used" in note and "-20.0 tkr in finance.csv" in note and "360.0 tkr in budget.csv" in note
    dev = metrics.budget_deviation(load_region(folder, cache=False).finance, "2021-02").set_index("division")
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1380)


# --------------------------------------------------------------------------- budget and actuals disagree

def test_units_and_accounts_where_budget_and_actuals_disagree_are_named(tmp_path):
    lines = {k: v for k, v in MONTHLY_BUDGET_KR.items() if k[0] != "1102"}  # Ambulans not budgeted
    lines[("1103", "4011")] = "50 000,00"  # Akutlabb budgeted, nothing booked yet
    ledger = LEDGER + ["2021-01;2101;6411;-12"]  # Läkemedel at the health centre, not budgeted
    folder = _region(tmp_path, _budget_csv(lines), ledger=ledger)
    report = validate(folder)
    assert report.ok, report.problems
    notes = " ".join(report.notes)
    # Ambulans: −200 − 190 = −390 booked in January–February without a budget
    assert "actuals without a budget in the closed months of 2021" in notes
    assert "unit 'Ambulans' (Akutsjukvård) -390.0 tkr" in notes
    assert "account '6411' of unit 'Vårdcentral Öst' (Primärvård) -12.0 tkr" in notes
    # Akutlabb: −50 × 2 budgeted for the closed months, nothing booked
    assert "a budget without actuals in the closed months of 2021" in notes
    assert "unit 'Akutlabb' (Akutsjukvård) -100.0 tkr" in notes
    data = load_region(folder, cache=False)
    units = metrics.budget_deviation(data.finance, "2021-02", by=["unit"]).set_index("unit")
    # the unit without a budget row is budgeted 0 (the deviation is its whole result) and
    # the budgeted unit without bookings has a result of 0 in the closed months
    assert units.loc["Ambulans", "budget"] == 0 and units.loc["Ambulans", "budget_deviation"] == pytest.approx(-390)
    assert units.loc["Akutlabb", "result"] == 0 and units.loc["Akutlabb", "budget_deviation"] == pytest.approx(100)


# --------------------------------------------------------------------------- no budget at all

def test_without_any_budget_every_budget_figure_is_missing_with_its_reason(tmp_path):
    data = load_region(_region(tmp_path), cache=False)
    rows = _values(data)
    for metric in ("budget", "budget_deviation", "annual_budget", "forecast_deviation"):
        for division in ("Akutsjukvård", "Primärvård", "Region"):
            value, flag, note = rows.loc[(division, metric)]
            assert pd.isna(value) and flag == "missing" and note == "budget saknas i underlaget", (division, metric)
    value, flag, note = rows.loc[("Region", "region_result_budget")]
    assert pd.isna(value) and (flag, note) == ("missing", "budget saknas i underlaget")
    # the result is known: the region's −1 940,5 + 2 000 = 59,5, the divisions' as booked
    assert rows.loc[("Region", "region_result"), "value"] == pytest.approx(59.5)
    assert rows.loc[("Akutsjukvård", "result"), "value"] == pytest.approx(-1400.5)
    # Ambulans has no forecast and no budget to stand in: Akutsjukvård's forecast is not
    # known (never Akutmottagning's −6 100 alone); Primärvård has none at all
    for division in ("Akutsjukvård", "Primärvård", "Region"):
        value, flag, note = rows.loc[(division, "forecast")]
        assert pd.isna(value) and (flag, note) == ("missing", "budget saknas i underlaget"), division
    # nothing of the budget is ever a 0
    budget_rows = rows[rows.index.get_level_values("metric").isin(["budget", "budget_deviation"])]
    assert budget_rows["value"].isna().all()


def test_without_a_budget_a_unit_with_a_forecast_keeps_it(tmp_path):
    folder = _region(tmp_path)
    (folder / "forecast.csv").write_text(
        "Månad;Division;Verksamhet;Prognos\n2021-02;Akutsjukvård;Akutmottagning;-6100\n"
        "2021-02;Akutsjukvård;Ambulans;-2400\n", encoding="utf-8")
    rows = _values(load_region(folder, cache=False))
    # both units have forecasts: −6 100 − 2 400 = −8 500, known without a budget
    assert rows.loc[("Akutsjukvård", "forecast"), "value"] == pytest.approx(-8500)
    assert rows.loc[("Akutsjukvård", "forecast_deviation"), "flag"] == "missing"
    # Primärvård's unit has none: missing, and so the region's
    assert rows.loc[("Primärvård", "forecast"), "flag"] == "missing"
    assert pd.isna(rows.loc[("Region", "forecast"), "value"])


# --------------------------------------------------------------------------- no row lost

def test_an_account_outside_the_plan_still_counts_in_the_region_result(tmp_path):
    ledger = LEDGER + ["2021-02;2101;Köpt vård extern;-191"]
    folder = _region(tmp_path, _budget_csv(), ledger=ledger)
    report = validate(folder)
    assert report.ok
    [note] = [n for n in report.notes if "Köpt vård extern" in n and "account plan" in n]
    assert "1 rows (rows 13)" in note and "-191.0 tkr" in note
    rows = _values(load_region(folder, cache=False))
    # every row of the period: 59,5 − 191 = −131,5; Primärvård's result −540 − 191 = −731
    assert rows.loc[("Region", "region_result"), "value"] == pytest.approx(-131.5)
    assert rows.loc[("Primärvård", "result"), "value"] == pytest.approx(-731)
    # above the tax revenue it is in the net cost: 1 940,5 + 191 = 2 131,5, so result =
    # tax revenue 2 000 − net cost 2 131,5 = −131,5 still adds up
    assert rows.loc[("Region", "net_cost"), "value"] == pytest.approx(2131.5)


def _sample_copy(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    return folder


def test_sample_with_an_account_renamed_keeps_the_region_result(tmp_path, sample):
    """The issue's case: "Köpt vård" renamed "Köpt vård extern" moved the region's result
    from 220 to 412 mnkr and validate said nothing."""
    folder = _sample_copy(tmp_path / "sample")
    text = (folder / "finance.csv").read_bytes().decode("cp1252")
    (folder / "finance.csv").write_bytes(text.replace(";Köpt vård;", ";Köpt vård extern;").encode("cp1252"))
    # the renamed account's actuals in 2021-T1, summed from the export with the csv module
    moved, total = 0.0, 0.0
    with open(folder / "finance.csv", encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if "2021-01" <= row["Månad"] <= "2021-04":
                total += float(row["Utfall"].replace(",", "."))
                if row["Konto"] == "Köpt vård extern":
                    moved += float(row["Utfall"].replace(",", "."))
    assert moved < -150_000  # the sample's purchased care: some −190 mnkr in the period
    # the untouched sample's result is every row's sum (220 mnkr when the issue was filed)
    before = _values(sample, "2021-T1")["value"][("Region", "region_result")]
    assert before == pytest.approx(total, abs=1e-6)
    report = validate(folder)
    assert report.ok
    [note] = [n for n in report.notes if "'Köpt vård extern'" in n]
    assert "not in the default account plan" in note and "744 rows" in note
    after = _values(load_region(folder, cache=False), "2021-T1")["value"][("Region", "region_result")]
    assert after == pytest.approx(before, abs=1e-6) and after == pytest.approx(total, abs=1e-6)


def test_sample_with_an_accounts_table_names_the_account_it_cannot_place(tmp_path):
    folder = _sample_copy(tmp_path / "sample")
    text = (folder / "finance.csv").read_bytes().decode("cp1252")
    (folder / "finance.csv").write_bytes(text.replace(";Köpt vård;", ";Köpt vård extern;").encode("cp1252"))
    plan = {"Personalkostnader": "Personalkostnader", "Pensionskostnader": "Personalkostnader",
            "Inhyrd personal": "Inhyrd personal",
            "Köpt vård": "Köpt verksamhet", "Läkemedel": "Läkemedel",
            "Material och tjänster": "Övriga verksamhetskostnader", "Lokalkostnader": "Övriga verksamhetskostnader",
            "Avskrivningar": "Avskrivningar", "Patientavgifter": "Verksamhetens intäkter",
            "Försäljning av tjänster": "Verksamhetens intäkter", "Statsbidrag": "Verksamhetens intäkter",
            "Regionersättning": "Verksamhetens intäkter"}
    (folder / "accounts.csv").write_text("Konto;Kategori\n" + "".join(f"{a};{c}\n" for a, c in plan.items()),
                                         encoding="utf-8")
    problems = validate(folder).problems
    [problem] = problems
    assert (problem.file, problem.column, problem.value) == ("finance.csv", "account", "Köpt vård extern")
    # the sample's fourth line is the first Köpt vård row
    assert problem.row == 4 and "rows 4, " in problem.expected and "more have it" in problem.expected


def test_a_header_that_names_kronor_is_read_as_kronor(tmp_path):
    ledger = [LEDGER[0], "Månad;Kst;Konto;Utfall (kr)"] + [
        ";".join(line.split(";")[:3] + [str(float(line.split(";")[3].replace(" ", "").replace(",", ".")) * 1000)])
        for line in LEDGER[2:]]
    folder = _region(tmp_path, _budget_csv(), ledger=ledger)
    data = load_region(folder, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    assert dev.loc["Akutsjukvård", "result"] == pytest.approx(-1400.5)


# --------------------------------------------------------------------------- what the reports show

def test_reports_without_a_budget_show_it_missing_and_claim_no_deviation(tmp_path):
    from regionanalytics.report import DivisionReport, RegionOverview, UnitReport

    folder = _region(tmp_path)
    report = DivisionReport.open("2021-02", "Akutsjukvård", folder)
    sentences = report.summary().data
    assert sentences[0] == "Resultatet kan inte jämföras med budget: budget saknas i underlaget."
    assert not any("än budget" in s or "nivå med budget" in s for s in sentences)
    table = report.economy_table()
    total = table.data.iloc[-1]
    assert total["result"] == pytest.approx(-1400.5) and pd.isna(total["budget"]) and pd.isna(total["budget_deviation"])
    assert "Budget och avvikelse mot budget kan inte redovisas: budget saknas i underlaget." in table.html
    chart = report.result_chart()
    # the result alone: no budget line, no budget column in the chart's numbers
    assert chart.alt == "Diagram: Ackumulerat resultat (mnkr). Serier: Resultat."
    assert "budget_cum" not in chart.data and "Ackumulerad budget" not in chart.table
    forecast = report.forecast_table()
    assert pd.isna(forecast.data.iloc[-1]["forecast"])  # Ambulans has neither forecast nor budget
    assert "Årsbudget och prognos mot budget kan inte redovisas" in forecast.html
    notes = report.data_notes().data
    assert "Prognos och budget saknas per februari för Ambulans; deras prognos kan inte redovisas." in notes
    assert "Jämförelser med budget kan inte redovisas: budget saknas i underlaget." in notes

    region = RegionOverview.open("2021-02", folder)
    assert region.deviation_chart().data == ["Uppgiften kan inte redovisas: budget saknas i underlaget."]
    text, table, note = region.region_result().data
    # −1 940,5 + 2 000 = 59,5 tkr: "ett överskott på 0,1 mnkr", and no deviation claimed
    assert text == ["Regionens resultat per februari 2021 är ett överskott på 0,1\xa0mnkr."]
    assert "Jämförelser med budget kan inte redovisas: budget saknas i underlaget." in note
    assert "budget saknas i underlaget" in region.division_table().html

    unit = UnitReport.open("2021-02", "Akutsjukvård", "Akutmottagning", folder)
    assert unit.summary().data[0] == "Resultatet kan inte jämföras med budget: budget saknas i underlaget."


def test_division_notes_name_units_where_budget_and_actuals_disagree(tmp_path):
    from regionanalytics.report import DivisionReport

    lines = {k: v for k, v in MONTHLY_BUDGET_KR.items() if k[0] != "1102"}
    lines[("1103", "4011")] = "50 000,00"
    folder = _region(tmp_path, _budget_csv(lines), ledger=LEDGER + ["2021-01;2101;6411;-12"])
    notes = DivisionReport.open("2021-02", "Akutsjukvård", folder).data_notes().data
    # Ambulans booked −390 tkr without a budget; Akutlabb budgeted −100 tkr, booked nothing
    assert "Budget saknas för Ambulans (−0,4\xa0mnkr); budgeten räknas som 0, så avvikelsen är hela utfallet." in notes
    assert "Budget men inget utfall per februari för Akutlabb (−0,1\xa0mnkr)." in notes
    notes = DivisionReport.open("2021-02", "Primärvård", folder).data_notes().data
    assert any(n.startswith("Budget saknas för Vårdcentral Öst, konto 6411 (−12\xa0tkr)") for n in notes)


def test_reports_name_the_account_outside_the_plan_with_its_amount(tmp_path):
    from regionanalytics.formatting import fmt_mnkr_text
    from regionanalytics.report import DivisionReport, RegionOverview

    folder = _sample_copy(tmp_path / "sample")
    text = (folder / "finance.csv").read_bytes().decode("cp1252")
    (folder / "finance.csv").write_bytes(text.replace(";Köpt vård;", ";Köpt vård extern;").encode("cp1252"))
    region_moved, service_moved = 0.0, 0.0
    with open(folder / "finance.csv", encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if "2021-01" <= row["Månad"] <= "2021-04" and row["Konto"] == "Köpt vård extern":
                region_moved += float(row["Utfall"].replace(",", "."))
                if row["Division"] == "Service":
                    service_moved += float(row["Utfall"].replace(",", "."))
    notes = DivisionReport.open("2021-T1", "Service", folder).data_notes().data
    expected = (f"Kontot Köpt vård extern finns inte i kontoplanen ({fmt_mnkr_text(service_moved, sign=True)} "
                "per april 2021): det räknas i resultatet och i nettokostnaden, men i ingen rad som "
                "personalkostnader eller köpt verksamhet.")
    assert expected in notes
    *_, note = RegionOverview.open("2021-T1", folder).region_result().data
    assert any(f"({fmt_mnkr_text(region_moved, sign=True)} per april 2021)" in n for n in note)
    assert region_moved < -150_000


@pytest.mark.slow
def test_a_batch_without_any_budget_makes_every_report(tmp_path):
    from regionanalytics.runner import run_batch

    folder = _sample_copy(tmp_path / "sample")
    text = (folder / "finance.csv").read_bytes().decode("cp1252")
    lines = [";".join(line.split(";")[:5]) for line in text.splitlines()]  # no Budget column
    (folder / "finance.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = run_batch("2021-T1", folder, tmp_path / "out", divisions=["Länsteknik"], jobs=2, progress=False)
    out = tmp_path / "out" / "2021-T1"
    assert all(r.status == "ok" for r in result.reports), [(r.title, r.error) for r in result.reports]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Uppgifter som saknas (–): budget saknas i underlaget." in index
    page = (out / "division-lansteknik.html").read_text(encoding="utf-8")
    assert "Resultatet kan inte jämföras med budget: budget saknas i underlaget." in page
    summary = pd.read_csv(out / "summary.csv").set_index(["division", "metric"])
    assert summary.loc[("Länsteknik", "budget_deviation"), "flag"] == "missing"
    assert summary.loc[("Länsteknik", "budget_deviation"), "note"] == "budget saknas i underlaget"
    total = 0.0
    with open(folder / "finance.csv", encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if "2021-01" <= row["Månad"] <= "2021-04":
                total += float(row["Utfall"].replace(",", "."))
    assert summary.loc[("Region", "region_result"), "value"] == pytest.approx(total, abs=1e-3)


def test_a_revenue_only_budget_in_the_ledgers_sign_is_turned(tmp_path):
    # the central level's budget alone, as the ledger writes revenue: credit, negative
    folder = _region(tmp_path, _budget_csv({("9001", "8011"): "-1 000 000,00"}))
    rows = _values(load_region(folder, cache=False))
    # 2 × 1 000 tkr of tax revenue budgeted; the divisions' keys in budgeted months are 0
    assert rows.loc[("Region", "region_result_budget"), "value"] == pytest.approx(2000)
    assert rows.loc[("Akutsjukvård", "budget"), "value"] == 0


def test_a_misspelt_account_in_the_budget_is_named_on_both_sides(tmp_path):
    lines = dict(MONTHLY_BUDGET_KR)
    lines[("1101", "Personalkostnder")] = lines.pop(("1101", "4011"))  # a typo in the budget export
    folder = _region(tmp_path, _budget_csv(lines))
    notes = " ".join(validate(folder).notes)
    # the actuals on 4011 without a budget, the budget on the typo without actuals (−480 × 2)
    assert "account '4011' of unit 'Akutmottagning' (Akutsjukvård) -1 010.5 tkr" in notes
    assert "account 'Personalkostnder' of unit 'Akutmottagning' (Akutsjukvård) -960.0 tkr" in notes
    # and the typo is no account of the plan: 12 budget rows, −480 × 12 = −5 760 tkr
    assert "account 'Personalkostnder' is not in the default account plan" in notes
    assert "budget -5 760.0 tkr" in notes


def test_a_sie_ledger_without_pbudget_takes_the_budget_systems_table(tmp_path):
    # the ledger's SIE 3 export: period balances per kostnadsställe, no #PBUDGET (SIE 4B:
    # none is written where no budget was entered); kronor with debit positive
    folder = _region(tmp_path, _budget_csv())
    (folder / "finance.csv").unlink()
    sie = ['#FLAGGA 0', '#PROGRAM "Raindance" 2.1', '#FORMAT PC8', '#GEN 20210310', '#SIETYP 3',
           '#FNAMN "Region Testlän"', '#RAR 0 20210101 20211231', '#DIM 1 "Kostnadsställe"',
           '#KONTO 3011 "Patientavgifter"', '#KONTO 4011 "Löner"', '#KONTO 8011 "Skatteintäkter"']
    for line in LEDGER[2:]:
        month, code, account, amount = line.split(";")
        kronor = -float(amount.replace(" ", "").replace(",", ".")) * 1000
        sie.append(f'#PSALDO 0 {month.replace("-", "")} {account} {{1 "{code}"}} {kronor:.2f}')
    (folder / "finance.se").write_bytes(("\r\n".join(sie) + "\r\n").encode("cp437"))
    data = load_region(folder, cache=False)
    rows = _values(data)
    # the same books and budget as the CSV ledger: Akutsjukvård −1 400,5 against −1 380
    assert rows.loc[("Akutsjukvård", "budget_deviation"), "value"] == pytest.approx(-20.5)
    assert rows.loc[("Region", "region_result"), "value"] == pytest.approx(59.5)
    assert rows.loc[("Region", "region_result_budget"), "value"] == pytest.approx(60)
    # and without the budget table every budget figure is missing, never 0
    (folder / "budget.csv").unlink()
    rows = _values(load_region(folder, cache=False))
    assert rows.loc[("Akutsjukvård", "budget"), "flag"] == "missing"
    assert rows.loc[("Region", "region_result"), "value"] == pytest.approx(59.5)
