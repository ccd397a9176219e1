"""Budget files as budget systems lay them out: a title block above the header, one
column per month, a Helår or Totalt column (regionanalytics/layout.py).

Every file is written here the way the systems write it (Stratsys' and Hypergene's
Excel-based exports, a ledger's budget module, a region's Excel template: semicolons,
decimal commas, Windows-1252 or UTF-8 with BOM, thousands with a space or a
non-breaking space, minus written - or U+2212), and every expected figure is worked out
by hand in the comments. The region is test_budget's: Akutmottagning (1101) and
Ambulans (1102) in Akutsjukvård, Vårdcentral Öst (2101) in Primärvård, the tax revenue
on Finansförvaltning (9001); its ledger books January and February 2021.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from regionanalytics import load_region, metrics, validate
from regionanalytics.summary import key_metrics

from .test_budget import _region

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
NBSP, MINUS = "\u00a0", "\u2212"

#: The budget in tkr, revenue + and cost −, month by month. Akutmottagning's is not flat
#: (January −480, February −490, March to December −500), so a month read into another
#: month's place moves a figure.
PLAN = {
    ("1101", "4011", "Löner"): [-480, -490] + [-500] * 10,  # year −5 970
    ("1102", "4011", "Löner"): [-210] * 12,  # year −2 520
    ("2101", "4011", "Löner"): [-300] * 12,  # year −3 600
    ("2101", "3011", "Patientavgifter"): [20] * 12,  # year 240
    ("9001", "8011", "Skatteintäkter"): [1000] * 12,  # year 12 000
}
YEAR = {key: sum(v) for key, v in PLAN.items()}


def _tkr(value: float, minus: str = "-") -> str:
    """A whole number as the export writes it: a non-breaking space between thousands
    (Excel's Swedish number format), a hyphen for minus (U+2212 is no Windows-1252 character)."""
    text = f"{abs(value):,.0f}".replace(",", NBSP)
    return (minus if value < 0 else "") + text


def _wide(title: list[str], months: list[str], total: str | None = "Helår", plan: dict = PLAN,
          cell=_tkr, change: dict | None = None, encoding: str = "cp1252", extra: list[str] = ()) -> bytes:
    """A wide budget CSV: title lines, then Kostnadsställe;Konto;Kontonamn;<months>;<total>."""
    change = change or {}
    head = ["Kostnadsställe", "Konto", "Kontonamn"] + months + ([total] if total else [])
    rows = list(title) + [";".join(head)]
    for (code, account, name), amounts in plan.items():
        values = [change.get((code, account, i), cell(a)) for i, a in enumerate(amounts)]
        year = change.get((code, account, "total"), cell(sum(amounts)))
        rows.append(";".join([code, account, name] + values + ([year] if total else [])))
    text = "\r\n".join(rows + list(extra)) + "\r\n"
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)


STRATSYS_TITLE = ["Budget 2021 (fastställd), utdrag ur Stratsys 2021-03-02;;;", "Belopp i tkr;;;", ";;;"]


def _figures(folder):
    data = load_region(folder, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    values = key_metrics(data, "2021-02").set_index(["division", "metric"])["value"]
    return data, dev, values


def _problems(folder):
    report = validate(folder)
    assert not report.ok
    return report.problems


# --------------------------------------------------------------------------- the shapes read

@pytest.mark.parametrize("reader", ["arrow", "tolerant"])
def test_stratsys_wide_export_reads_as_the_long_table(tmp_path, monkeypatch, reader):
    if reader == "tolerant":  # the reader of ragged files: the same table
        from regionanalytics import loaders

        monkeypatch.setattr(loaders, "_arrow_csv", lambda *a: None)
    # Ambulans' row written with an en dash for minus (Windows-1252 0x96), as report
    # generators do
    dash = {("1102", "4011", i): "\u2013210" for i in range(12)}
    dash[("1102", "4011", "total")] = "\u20132" + NBSP + "520"
    folder = _region(tmp_path, _wide(STRATSYS_TITLE, MONTHS, change=dash))
    report = validate(folder)
    assert report.ok, report.problems
    [note] = [n for n in report.notes if "one column per month" in n]
    # 5 rows × 12 months; the year from the title line, Helår checked and not added
    assert "60 rows from 5" in note and "Budget 2021 (fastställd)" in note and "'Helår' checked" in note
    data, dev, v = _figures(folder)
    # Akutsjukvård per februari: Akutmottagning −480 − 490, Ambulans −210 × 2: −1 390;
    # booked −500,5 − 200 − 510 − 190 = −1 400,5: 10,5 worse than budget
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    assert dev.loc["Akutsjukvård", "budget_deviation"] == pytest.approx(-10.5)
    # Primärvård: (−300 + 20) × 2 = −560 against −540 booked: 20 better
    assert dev.loc["Primärvård", "budget_deviation"] == pytest.approx(20)
    # the region: −1 390 − 560 + 2 × 1 000 = 50 budgeted, 59,5 booked
    assert v[("Region", "region_result_budget")] == pytest.approx(50)
    # the year's budget is the twelve months, never the months plus Helår: Akutsjukvård
    # −5 970 − 2 520 = −8 490; forecast −6 100 and Ambulans' −2 520: −8 620, 130 worse
    assert v[("Akutsjukvård", "annual_budget")] == pytest.approx(-8490)
    assert v[("Akutsjukvård", "forecast_deviation")] == pytest.approx(-130)
    # each month in its place, and no thirteenth month
    fin = data.finance.set_index(["month", "unit", "account"])["budget"]
    assert [fin[(f"2021-{m:02d}", "Akutmottagning", "4011")] for m in (1, 2, 3, 12)] == [-480, -490, -500, -500]
    assert fin[("2021-12", "Ambulans", "4011")] == -210
    assert sorted(data.budget["month"].unique()) == [f"2021-{m:02d}" for m in range(1, 13)]


def test_month_names_written_out_utf8_with_bom_and_a_year_column(tmp_path):
    # a region's Excel template saved as CSV UTF-8: Januari … December, a column År, two
    # years in one file (2022 planned at 10 % more for Akutmottagning), Totalt
    months = ["Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September",
              "Oktober", "November", "December"]
    lines = ["Budgetmall Region Testlän;;;", ";;;",
             "År;Ansvar;Konto;" + ";".join(months) + ";Totalt"]
    for year, factor in (("2021", 1.0), ("2022", 1.1)):
        for (code, account, _), amounts in PLAN.items():
            scaled = [a * factor if code == "1101" else a for a in amounts]
            # UTF-8 lets the template write the true minus sign, U+2212
            cells = [f"{a:.1f}".replace(".", ",").replace("-", MINUS) for a in scaled]
            total = f"{sum(scaled):.1f}".replace(".", ",").replace("-", MINUS)
            lines.append(";".join([year, code, account] + cells + [total]))
    data = (("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    folder = _region(tmp_path, data)
    assert validate(folder).ok, validate(folder).problems
    data, dev, v = _figures(folder)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    fin = data.finance.set_index(["month", "unit", "account"])["budget"]
    # 2022: Akutmottagning's March −500 × 1,1 = −550; Ambulans unchanged −210
    assert fin[("2022-03", "Akutmottagning", "4011")] == pytest.approx(-550)
    assert fin[("2022-03", "Ambulans", "4011")] == pytest.approx(-210)
    assert len(data.budget) == 2 * 5 * 12


def test_iso_month_headers_with_quarters_and_amounts_in_kr_by_the_title(tmp_path):
    # a ledger's budget module: 2021-01 … 2021-12 with a quarter's sum after every third
    # month, amounts in kronor (the title says so) with two decimals, the ledger's sign
    months = []
    for q in range(4):
        months += [f"2021-{3 * q + m:02d}" for m in (1, 2, 3)] + [f"Kv {q + 1}"]
    head = "Kst;Konto;" + ";".join(months) + ";Summa"
    lines = ["Budget per kostnadsställe och konto", "Belopp i kr", "", head]
    for (code, account, _), amounts in PLAN.items():
        cells = []
        for q in range(4):
            three = [-a * 1000 for a in amounts[3 * q:3 * q + 3]]  # kronor, debit positive
            cells += [f"{x:,.2f}".replace(",", " ").replace(".", ",") for x in three]
            cells.append(f"{sum(three):,.2f}".replace(",", " ").replace(".", ","))
        cells.append(f"{-sum(amounts) * 1000:,.2f}".replace(",", " ").replace(".", ","))
        lines.append(";".join([code, account] + cells))
    folder = _region(tmp_path, ("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report = validate(folder)
    assert report.ok, report.problems
    assert any("is in kr (by the title line 2, 'Belopp i kr')" in n for n in report.notes)
    data, dev, v = _figures(folder)
    # kronor to tkr and the ledger's sign turned: the same figures as the tkr file
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    assert v[("Region", "region_result_budget")] == pytest.approx(50)
    assert v[("Akutsjukvård", "annual_budget")] == pytest.approx(-8490)  # the quarters not added
    # a quarter that disagrees with its months is named: Kv 2 of Ambulans 10 kr off
    parts = lines[5].split(";")  # Kst, Konto, three months, Kv 1, three months, Kv 2
    assert parts[9] == "630 000,00"  # 3 × 210 000 kr
    parts[9] = "630 010,00"
    lines[5] = ";".join(parts)
    (folder / "budget.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    [problem] = _problems(folder)
    assert (problem.file, problem.row, problem.column, problem.value) == ("budget.csv", 6, "Kv 2", "630 010,00")
    assert "they sum to 630 000, 10 from the total" in problem.expected


def test_hypergene_workbook_with_date_headers_and_period_headers(tmp_path):
    from openpyxl import Workbook

    folder = _region(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["Hypergene – Budget 2021, Region Testlän"])
    ws.append(["Belopp i tkr"])
    ws.append([])
    ws.append(["Kostnadsställe", "Konto"] + [datetime(2021, m, 1) for m in range(1, 13)] + ["Helår"])
    for (code, account, _), amounts in PLAN.items():
        ws.append([int(code), int(account)] + [float(a) for a in amounts] + [float(sum(amounts))])
    wb.save(folder / "budget.xlsx")
    data, dev, v = _figures(folder)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    assert v[("Akutsjukvård", "annual_budget")] == pytest.approx(-8490)
    # Period 1 … 12 with the year in the title: the same budget
    wb = Workbook()
    ws = wb.active
    ws.append(["Budget 2021"])
    ws.append(["Kostnadsställe", "Konto"] + [f"Period {m}" for m in range(1, 13)])
    for (code, account, _), amounts in PLAN.items():
        ws.append([code, account] + amounts)
    wb.save(folder / "budget.xlsx")
    data, dev, v = _figures(folder)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)


# --------------------------------------------------------------------------- attacks

def test_a_total_that_disagrees_with_its_months_is_an_error(tmp_path):
    # Akutmottagning's March typed −510 instead of −500: Helår −5 970 no longer adds up
    changed = _wide(STRATSYS_TITLE, MONTHS, change={("1101", "4011", 2): _tkr(-510)})
    [problem] = _problems(_region(tmp_path, changed))
    # line 5 is Akutmottagning; the months sum to −5 980, 10 from −5 970; rounding of 13
    # whole numbers explains at most 6,5
    assert (problem.file, problem.row, problem.column) == ("budget.csv", 5, "Helår")
    assert problem.value == _tkr(-5970)
    assert "(± 6,5); they sum to -5 980, 10 from the total" in problem.expected


def test_a_difference_rounding_can_explain_is_said_not_hidden(tmp_path):
    # an annual 100 tkr spread over 12 months and written in whole tkr: 8 × 12 = 96
    plan = dict(PLAN)
    plan[("1103", "4011", "Löner")] = [-8] * 12
    text = _wide(STRATSYS_TITLE, MONTHS, plan=plan, change={("1103", "4011", "total"): _tkr(-100)})
    report = validate(_region(tmp_path, text))
    assert report.ok, report.problems
    [note] = [n for n in report.notes if "rounding" in n]
    assert "in 1 row (10) 'Helår' differs from the sum of the months by at most 4" in note


def test_a_month_column_twice_is_an_error(tmp_path):
    months = MONTHS[:2] + ["Februari"] + MONTHS[2:]  # February exported twice
    [problem] = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, months, total=None,
                                                  plan={k: v[:2] + v[1:] for k, v in PLAN.items()})))
    assert (problem.file, problem.row, problem.column) == ("budget.csv", 4, "Februari")
    assert "februari 2021 is in column 5 ('Feb') and column 6 ('Februari')" in problem.expected


def test_a_month_missing_is_an_error(tmp_path):
    months = [m for m in MONTHS if m != "Jun"]
    plan = {k: v[:5] + v[6:] for k, v in PLAN.items()}
    [problem] = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, months, total=None, plan=plan)))
    assert (problem.file, problem.row) == ("budget.csv", 4)
    assert "a column for each of the 12 months of 2021" in problem.expected and "none for juni" in problem.expected


def test_a_misspelt_month_header_is_an_error(tmp_path):
    months = ["Jan", "Feb", "Mras"] + MONTHS[3:]
    problems = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, months)))
    assert [(p.row, p.column) for p in problems] == [(4, "Mras"), (4, None)]
    assert "'Mras' (column 6) is neither" in problems[0].expected
    assert "none for mars" in problems[1].expected
    # a typo after the months, in the total: not silently ignored either
    problems = _problems(_region(tmp_path / "b", _wide(STRATSYS_TITLE, MONTHS, total="Helåe")))
    assert [(p.row, p.column) for p in problems] == [(4, "Helåe")]
    # a column without a header among the months, with amounts: named, never left out
    months = MONTHS[:6] + [""] + MONTHS[6:]
    plan = {k: v[:6] + [-5] + v[6:] for k, v in PLAN.items()}
    problems = _problems(_region(tmp_path / "d", _wide(STRATSYS_TITLE, months, total=None, plan=plan)))
    assert [(p.row, p.column) for p in problems] == [(4, "")]
    # and a month number that is none
    months = [f"2021-{m:02d}" for m in range(1, 12)] + ["2021-13"]
    problems = _problems(_region(tmp_path / "c", _wide([], months)))
    assert [(p.row, p.column) for p in problems][0] == (1, "2021-13")


def test_a_wide_file_without_its_year_says_how_to_state_it(tmp_path):
    [problem] = _problems(_region(tmp_path, _wide(["Belopp i tkr;;;"], MONTHS)))
    assert (problem.file, problem.row, problem.column) == ("budget.csv", 2, "Jan")
    assert "neither the title lines nor the month headers name it" in problem.expected
    assert "'Budget 2021'" in problem.expected and "'2021-01'" in problem.expected and "'År'" in problem.expected
    # a title naming two years does not say which
    [problem] = _problems(_region(tmp_path / "b", _wide(["Budget 2022 jämfört med 2021;;;"], MONTHS)))
    assert "the title lines name 2021 and 2022" in problem.expected
    # a title and month headers that disagree
    months = [f"2022-{m:02d}" for m in range(1, 13)]
    problems = _problems(_region(tmp_path / "c", _wide(STRATSYS_TITLE, months)))
    assert any("the title names 2021, the month headers 2022" in p.expected for p in problems)


def test_amounts_in_kr_are_never_read_as_tkr(tmp_path):
    kronor = lambda a: f"{a * 1000:,.0f}".replace(",", " ")  # noqa: E731 - the cell as kronor
    # the title says kr: read as kronor (× 0,001), the same figures as the tkr file
    folder = _region(tmp_path, _wide(["Budget 2021;;;", "Belopp i kr;;;"], MONTHS, cell=kronor))
    _, dev, _ = _figures(folder)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    # the title says tkr, the month headers kr: which is meant cannot be known
    months = [f"{m} (kr)" for m in MONTHS]
    problems = _problems(_region(tmp_path / "b", _wide(STRATSYS_TITLE, months, total=None, cell=kronor)))
    assert [(p.row, p.column) for p in problems] == [(4, "Budget kr (jan … dec)")]
    assert "the unit the title states ('Belopp i tkr', line 2: tkr)" in problems[0].expected
    # no unit anywhere and kronor in the cells: a budget 1 000 times the actuals
    problems = _problems(_region(tmp_path / "c", _wide(["Budget 2021;;;"], MONTHS, cell=kronor)))
    [problem] = problems
    assert (problem.file, problem.column) == ("budget.csv", "budget")
    # January-February in absolute amounts: Akutmottagning 480 + 490, Ambulans 420, the
    # health centre 600 + 40, tax revenue 2 000: 4 030 tkr, read from kronor as 4 030 000;
    # booked 500,5 + 200 + 300 + 25 + 1 010 + 510 + 190 + 280 + 15 + 990 = 4 020,5
    assert "4 030 000.0 tkr" in problem.expected and "4 020.5 tkr" in problem.expected
    assert "kronor read as tkr" in problem.expected


def test_a_long_file_whose_title_and_header_disagree_on_the_unit_is_an_error(tmp_path):
    lines = ["Budget 2021;;;", "Belopp i tkr;;;", "Period;Kst;Konto;Belopp (kr)"]
    lines += [f"2021{m:02d};{code};{account};{-a * 1000:.0f}" for (code, account, _), amounts
              in PLAN.items() for m, a in enumerate(amounts, start=1)]
    [problem] = _problems(_region(tmp_path, ("\r\n".join(lines) + "\r\n").encode("cp1252")))
    assert (problem.file, problem.row, problem.column) == ("budget.csv", 3, "Belopp (kr)")
    # a title stating thousands written out is tkr, never kronor
    lines[1] = "Belopp i 1 000-tals kronor;;;"
    lines[2] = "Period;Kst;Konto;Belopp"
    lines[3:] = [f"2021{m:02d};{code};{account};{a}" for (code, account, _), amounts
                 in PLAN.items() for m, a in enumerate(amounts, start=1)]
    folder = _region(tmp_path / "b", ("\r\n".join(lines) + "\r\n").encode("cp1252"))
    _, dev, _ = _figures(folder)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)


def test_an_unreadable_month_cell_is_named_by_row_and_month(tmp_path):
    changed = _wide(STRATSYS_TITLE, MONTHS, change={("1102", "4011", 3): "-2l0"})
    [problem] = _problems(_region(tmp_path, changed))
    # Ambulans is line 6; April's cell
    assert (problem.file, problem.row, problem.column, problem.value) == ("budget.csv", 6, "Apr", "-2l0")


def test_the_same_unit_and_account_on_two_rows_is_an_error(tmp_path):
    extra = ["1101;4011;Löner;" + ";".join(["-1"] * 12) + ";-12"]
    problems = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, MONTHS, extra=extra)))
    # one problem per month, each naming the two lines (5 and the extra line 10)
    assert len(problems) == 12 and {(p.file, p.row) for p in problems} == {("budget.csv", 10)}
    assert problems[2].value == "2021-03, Akutsjukvård, Akutmottagning, 4011"
    assert all(p.expected.endswith("row 5 has the same key") for p in problems)


def test_a_row_with_only_its_total_is_an_error(tmp_path):
    # Ambulans exported with Helår only: how −2 520 falls on the months cannot be known
    blank = {("1102", "4011", i): "" for i in range(12)}
    [problem] = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, MONTHS, change=blank)))
    assert (problem.row, problem.column, problem.value) == (6, "Helår", _tkr(-2520))
    assert "they are blank" in problem.expected


def test_a_title_unit_holds_for_the_ledger_export_too(tmp_path):
    from .test_budget import LEDGER

    # the ledger's report with its amounts in kronor, said in the title only
    kronor = [LEDGER[0], "Belopp i kr;;;", LEDGER[1]] + [
        ";".join(line.split(";")[:3] + [f"{float(line.split(';')[3].replace(' ', '').replace(',', '.')) * 1000:.0f}"])
        for line in LEDGER[2:]]
    folder = _region(tmp_path, _wide(STRATSYS_TITLE, MONTHS), ledger=kronor)
    _, dev, _ = _figures(folder)
    # −500 500 − 200 000 − 510 000 − 190 000 kr = −1 400,5 tkr
    assert dev.loc["Akutsjukvård", "result"] == pytest.approx(-1400.5)
    # a title that says tkr over a header that says kr: an error, never a guess
    kronor[1], kronor[2] = "Belopp i tkr;;;", "Månad;Kst;Konto;Utfall (kr)"
    folder = _region(tmp_path / "b", _wide(STRATSYS_TITLE, MONTHS), ledger=kronor)
    [problem] = _problems(folder)
    assert (problem.file, problem.row, problem.column) == ("finance.csv", 3, "Utfall (kr)")


def test_months_headed_budget_with_their_year_and_a_budget_for_one_unit(tmp_path):
    # Hypergene heads its months "Budget jan 2021"; a budget for Akutmottagning alone
    months = [f"Budget {m.lower()} 2021" for m in MONTHS]
    plan = {k: v for k, v in PLAN.items() if k[0] == "1101"}
    folder = _region(tmp_path, _wide(["Region Testlän;;;"], months, total="Budget 2021", plan=plan))
    report = validate(folder)
    # the one unit's budget (970 tkr in January-February) against its own actuals
    # (1 010,5 tkr), not the region's 4 020,5: no unit problem
    assert report.ok, report.problems
    _, dev, _ = _figures(folder)
    # Akutsjukvård: −970 budgeted (Ambulans, not in the budget, is budgeted 0)
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-970)
    # an actuals column beside the budget's months is no budget: left out, and one
    # among the months is an error
    months = months[:3] + ["Utfall mar 2021"] + months[3:]
    plan = {k: v[:3] + [-1] + v[3:] for k, v in plan.items()}
    problems = _problems(_region(tmp_path / "b", _wide([], months, total=None, plan=plan)))
    assert [(p.row, p.column) for p in problems] == [(1, "Utfall mar 2021")]


def test_an_excel_template_in_currency_format_saved_as_csv(tmp_path):
    # Excel's Swedish currency/accounting format as "Spara som CSV" writes it: the unit in
    # every cell, a padded dash for 0; Akutlabb budgets only December's −60 tkr
    plan = dict(PLAN)
    plan[("1103", "4011", "Löner")] = [0] * 11 + [-60]

    def currency(a):
        return f"{a * 1000:,.0f} kr".replace(",", NBSP) if a else " -   kr "

    folder = _region(tmp_path, _wide(["Budgetmall 2021;;;", ";;;"], MONTHS, plan=plan, cell=currency))
    report = validate(folder)
    assert report.ok, report.problems
    [note] = [n for n in report.notes if "one column per month" in n]
    assert "11 cells written '-'" in note and "unit written in the cells (kr)" in note
    _, dev, v = _figures(folder)
    # kronor to tkr: the same −1 390 per februari; the year −8 490 and Akutlabb's −60
    assert dev.loc["Akutsjukvård", "budget"] == pytest.approx(-1390)
    assert v[("Akutsjukvård", "annual_budget")] == pytest.approx(-8550)
    # cells in kr under a title that says tkr: an error, never 1 000 times the budget
    folder = _region(tmp_path / "b", _wide(STRATSYS_TITLE, MONTHS, plan=plan, cell=currency))
    [problem] = _problems(folder)
    assert (problem.row, problem.column) == (4, "Budget kr (jan … dec)")


@pytest.mark.parametrize("header, expected", [
    ("jan", (None, 1)), ("jan.", (None, 1)), ("januari", (None, 1)), ("sept", (None, 9)),
    ("jan-21", (2021, 1)), ("okt 2021", (2021, 10)), ("2021 dec", (2021, 12)), ("budget maj 2021", (2021, 5)),
    ("2021-01", (2021, 1)), ("202112", (2021, 12)), ("2021-03-31", (2021, 3)), ("2021-04-01 00:00:00", (2021, 4)),
    ("01-2021", (2021, 1)), ("period 1", (None, 1)), ("period 01", (None, 1)), ("p12", (None, 12)),
    ("2021 p07", (2021, 7)), ("mån 3", (None, 3)),
    ("p13", (None, 0)), ("2021-13", (2021, 0)), ("period 0", (None, 0)),
    ("konto", None), ("helår", None), ("2021", None), ("utfall jan", None), ("kontonamn", None),
])
def test_month_headers_as_exports_write_them(header, expected):
    from regionanalytics.layout import month_of_header

    assert month_of_header(header) == expected


@pytest.mark.parametrize("title, factor", [
    ("Belopp i tkr", 1.0), ("Tkr", 1.0), ("kr", 0.001), ("Belopp i kronor", 0.001), ("mnkr", 1000.0),
    ("Belopp i 1 000-tals kronor", 1.0), ("Belopp i 1\u00a0000-tal kr", 1.0), ("tusentals kr", 1.0),
    ("Belopp, miljoner kronor", 1000.0), ("Region Kronoberg", None), ("Utskriven 2021-05-06", None),
])
def test_the_unit_a_title_states(title, factor):
    from regionanalytics.layout import stated_unit

    unit, problems = stated_unit([["Budget 2021", ""], [title, ""]], "budget.csv")
    assert problems == [] and (unit.factor if unit else None) == factor


def test_a_title_stating_two_units_is_an_error():
    from regionanalytics.layout import stated_unit

    unit, [problem] = stated_unit([["Belopp i tkr"], ["Avgifter i kr"]], "budget.csv")
    assert unit is None and (problem.file, problem.row) == ("budget.csv", 1)
    assert "'Belopp i tkr' (line 1: tkr); 'Avgifter i kr' (line 2: kr)" in problem.expected


def test_a_sum_row_in_the_budget_is_an_error(tmp_path):
    # the template's row summing the health centre's two accounts: −300 + 20 = −280 a month
    extra = ["2101;Summa;Summa Vårdcentral Öst;" + ";".join(["-280"] * 12) + ";-3" + NBSP + "360"]
    [problem] = _problems(_region(tmp_path, _wide(STRATSYS_TITLE, MONTHS, extra=extra)))
    assert (problem.file, problem.row, problem.column, problem.value) == ("budget.csv", 10, "account", "Summa")
