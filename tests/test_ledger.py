"""The ledger: account plan, kostnadsställen, SIE files, and the figures built on them.

Files are written the way the systems write them (Windows-1252 or code page 437,
title rows, kostnadsställe codes instead of names, kronor with debit positive);
expected figures are worked out by hand in the comments.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionanalytics import load_region, metrics, validate
from regionanalytics.accounts import categorise
from regionanalytics.exceptions import DataValidationError
from regionanalytics.summary import key_metrics

ROOT = Path(__file__).resolve().parents[1]


def _staff(folder: Path, divisions=("Akutsjukvård", "Primärvård")) -> None:
    rows = ["Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
            "Schemalagd tid;Arbetad tid"]
    for m in ["2020-12", "2021-01", "2021-02"]:
        for d in divisions:
            rows += [f"{m};{d[:2]}{i};{d};U;Tillsvidare;K;1980;100;160;150" for i in range(12)]
    (folder / "employees.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")


def _budget_months(text_rows: list[str], line) -> list[str]:
    """Budget rows for every month of 2021 (the contract wants a whole year's budget)."""
    return text_rows + [line(f"2021-{m:02d}") for m in range(3, 13)]


# --------------------------------------------------------------------------- account plan

def test_default_plan_maps_region_bas_classes_and_names():
    accounts = pd.Series(["3011", "4011", "4711", "5011", "5512", "6411", "7011", "7811", "8011",
                          "8211", "8412", "8511", "Inhyrd personal", "LÄKEMEDEL", "1930"])
    assert categorise(accounts).tolist() == [
        "Verksamhetens intäkter", "Personalkostnader", "Personalkostnader", "Köpt verksamhet",
        "Inhyrd personal", "Läkemedel", "Övriga verksamhetskostnader", "Avskrivningar", "Skatteintäkter",
        "Generella statsbidrag och utjämning", "Finansiella intäkter", "Finansiella kostnader",
        "Inhyrd personal", "Läkemedel", np.nan]


def test_region_accounts_table_replaces_the_default_and_every_account_must_map(tmp_path):
    # the region's own plan, as its economy system exports it: a title row, ranges with spaces
    (tmp_path / "accounts.csv").write_bytes(
        ("Kontoplan Region Testlän 2021;\r\n;\r\nKonto;Kategori\r\n4000 - 4999;Personalkostnader\r\n"
         "4590;Inhyrd personal\r\n3000-3999;verksamhetens intäkter\r\n").encode("cp1252"))
    rows = ["Månad;Division;Verksamhet;Konto;Utfall;Budget",
            "2021-01;Primärvård;U;4011;-100;-90", "2021-01;Primärvård;U;4590;-30;-10",
            "2021-01;Primärvård;U;3011;20;20", "2021-02;Primärvård;U;4011;-100;-90",
            "2021-02;Primärvård;U;4590;-30;-10", "2021-02;Primärvård;U;3011;20;20",
            "2021-02;Primärvård;U;6411;-5;-5"]
    rows = _budget_months(rows, lambda m: f"{m};Primärvård;U;4011;;-90")
    (tmp_path / "finance.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")
    _staff(tmp_path, ("Primärvård",))
    report = validate(tmp_path)
    # 6411 is Läkemedel in Region-Bas, but this region's plan does not list it: an error
    # naming the account and its row (the header is row 1: 6411 is on row 8)
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("finance.csv", 8, "account", "6411")
    assert "accounts.csv maps" in problem.expected and "rows 8 have it" in problem.expected

    rows = rows[:7] + rows[8:]
    (tmp_path / "finance.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")
    data = load_region(tmp_path, cache=False)
    costs = metrics.staff_costs(data.finance, "2021-02", by=[]).iloc[0]
    # 4011: 100 + 100 personnel; 4590 (this region's hired staff): 30 + 30; share of the own
    # personnel costs (SKR): 60/200
    assert costs["personnel_cost"] == 200 and costs["hired_staff_cost"] == 60
    assert costs["hired_staff_share_pct"] == pytest.approx(30.0)


# --------------------------------------------------------------------------- kostnadsställen

ORGANISATION = ("Kostnadsställe;Verksamhet;Division\r\n"
                "1101;Akutmottagning;Akutsjukvård\r\n1102;Ambulans;Akutsjukvård\r\n"
                "2101;Vårdcentral Öst;Primärvård\r\n")


def _coded_finance(folder: Path, extra: list[str] = ()) -> None:
    rows = ["Ekonomirapport per kostnadsställe;;;;", "Månad;Kst;Konto;Utfall;Budget",
            "2021-01;1101;Personalkostnader;-500,5;-480", "2021-01;1102;Personalkostnader;-200;-210",
            "2021-01;2101;Personalkostnader;-300;-300", "2021-02;1101;Personalkostnader;-510;-480",
            "2021-02;1102;Personalkostnader;-190;-210", "2021-02;2101;Personalkostnader;-280;-300",
            *extra]
    rows = _budget_months(rows, lambda m: f"{m};2101;Personalkostnader;;-300")
    rows = _budget_months(rows, lambda m: f"{m};1101;Personalkostnader;;-480")
    rows = _budget_months(rows, lambda m: f"{m};1102;Personalkostnader;;-210")
    (folder / "finance.csv").write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")


def test_finance_rows_with_kostnadsstalle_codes_get_unit_and_division(tmp_path):
    (tmp_path / "organisation.csv").write_bytes(ORGANISATION.encode("cp1252"))
    _coded_finance(tmp_path)
    _staff(tmp_path)
    data = load_region(tmp_path, cache=False)
    assert data.divisions == ["Akutsjukvård", "Primärvård"]
    dev = metrics.budget_deviation(data.finance, "2021-02").set_index("division")
    # Akutsjukvård: result −500.5 −200 −510 −190 = −1400.5; budget −480·2 −210·2 = −1380
    assert dev.loc["Akutsjukvård", "result"] == pytest.approx(-1400.5)
    assert dev.loc["Akutsjukvård", "budget_deviation"] == pytest.approx(-20.5)
    # Primärvård: −580 against −600: 20 better than budget
    assert dev.loc["Primärvård", "budget_deviation"] == pytest.approx(20)
    by_unit = metrics.budget_deviation(data.finance, "2021-02", by=["unit"]).set_index("unit")
    assert by_unit.loc["Ambulans", "result"] == pytest.approx(-390)


def test_unknown_code_unit_in_two_divisions_and_code_twice_are_errors(tmp_path):
    (tmp_path / "organisation.csv").write_bytes(
        (ORGANISATION + "2102;Ambulans;Primärvård\r\n1101;Labb;Akutsjukvård\r\n").encode("cp1252"))
    _coded_finance(tmp_path, ["2021-02;9999;Personalkostnader;-1;-1"])
    _staff(tmp_path)
    problems = {(p.file, p.row, p.column): p for p in validate(tmp_path).problems}
    # the unknown kostnadsställe on finance row 9 (title row 1, header row 2)
    assert "a kostnadsställe listed in organisation.csv" in problems[("finance.csv", 9, "code")].expected
    # Ambulans under two divisions (rows 3 and 5); code 1101 twice (rows 2 and 6)
    assert "one division per unit" in problems[("organisation.csv", 5, "division")].expected
    assert "row 2 has the same key" in problems[("organisation.csv", 6, "code")].expected


# --------------------------------------------------------------------------- SIE

SIE_HEAD = """#FLAGGA 0
#PROGRAM "Raindance" 2.1
#FORMAT PC8
#GEN 20210510
#SIETYP {type}
#FNAMN "Region Testlän"
#RAR 0 20210101 20211231
#RAR -1 20200101 20201231
#DIM 1 "Kostnadsställe"
#DIM 6 "Projekt"
#OBJEKT 1 "1101" "Akutmottagning"
#OBJEKT 1 "2101" "Vårdcentral Öst"
#KONTO 3011 "Patientavgifter"
#KONTO 4011 "Löner"
#KONTO 1930 "Bank"
"""


def _sie_budget(year_no: int, year: int) -> str:
    lines = []
    for m in range(1, 13):
        lines.append(f'#PBUDGET {year_no} {year}{m:02d} 4011 {{1 "1101"}} 100000.00')
        lines.append(f'#PBUDGET {year_no} {year}{m:02d} 3011 {{1 "2101"}} -20000')
    return "\n".join(lines) + "\n"


def _sie_folder(tmp_path: Path, body: str, sie_type: int = 3) -> Path:
    text = SIE_HEAD.format(type=sie_type) + _sie_budget(-1, 2020) + _sie_budget(0, 2021) + body
    (tmp_path / "finance.se").write_bytes(text.replace("\n", "\r\n").encode("cp437"))
    (tmp_path / "organisation.csv").write_bytes(
        "Kostnadsställe;Verksamhet;Division\r\n1101;Akutmottagning;Akutsjukvård\r\n"
        "2101;Vårdcentral Öst;Primärvård\r\n".encode("cp1252"))
    _staff(tmp_path)
    return tmp_path


def test_sie_period_balances_are_tkr_with_revenue_positive(tmp_path):
    body = (
        '#PSALDO 0 202101 4011 {1 "1101"} 104500.50\n'
        '#PSALDO 0 202101 4011 {} 104500.50\n'  # the account's total: not counted again
        '#PSALDO 0 202101 3011 {1 "2101" 6 "P7"} -21000.00\n'
        '#PSALDO 0 202102 4011 {1 "1101"} 98000\n'
        '#PSALDO -1 202001 4011 {1 "1101"} 90000\n'
        '#PSALDO 0 202102 1930 {} -5000\n'  # a balance account: left out
    )
    data = load_region(_sie_folder(tmp_path, body), cache=False)
    fin = data.finance.set_index(["month", "unit", "account"])
    # debit-positive kronor to tkr with revenue positive: 104 500,50 kr cost = −104,5005 tkr
    assert fin.loc[("2021-01", "Akutmottagning", "4011"), "actual"] == pytest.approx(-104.5005)
    assert fin.loc[("2021-01", "Vårdcentral Öst", "3011"), "actual"] == pytest.approx(21.0)
    # a closed month without a line for a key has no movement: 0
    assert fin.loc[("2021-02", "Vårdcentral Öst", "3011"), "actual"] == 0
    assert fin.loc[("2021-03", "Akutmottagning", "4011"), "budget"] == -100
    assert "1930" not in set(data.finance["account"])
    assert fin.loc[("2021-01", "Akutmottagning", "4011"), "category"] == "Personalkostnader"
    dev = metrics.budget_deviation(data.finance, "2021-02", by=[]).iloc[0]
    # result −104.5005 + 21 − 98 = −181.5005; budget −100·2 + 20·2 = −160; last year −90
    assert dev["result"] == pytest.approx(-181.5005)
    assert dev["budget_deviation"] == pytest.approx(-21.5005)
    assert dev["result_prev_year"] == pytest.approx(-90)


def test_sie_verifications_only_are_summed_per_month_account_and_object(tmp_path):
    body = (
        '#VER "A" "1" 20210115 "Lön januari"\n{\n'
        '   #TRANS 4011 {1 "1101"} 60000.00\n'
        '   #TRANS 1930 {} -60000.00\n'
        '   #TRANS 4011 {"1" "1101"} 45500.50 20210131 "Övertid"\n'
        '   #TRANS 2710 {} -45500.50 20210131 "Övertid"\n'
        '}\n'
        '#VER A 2 20210203 "Patientavgifter, bokförda i februari för januari"\n{\n'
        '   #TRANS 3011 {1 "2101"} -12000 20210129\n'
        '   #TRANS 3011 {1 "2101"} -3000\n'
        '   #TRANS 1510 {} 15000\n'
        '}\n'
        '#VER A 3 20200110 "Föregående år"\n{\n   #TRANS 4011 {1 "1101"} 80000\n   #TRANS 1930 {} -80000\n}\n'
    )
    data = load_region(_sie_folder(tmp_path, body, sie_type=4), cache=False)
    fin = data.finance.set_index(["month", "unit", "account"])
    assert fin.loc[("2021-01", "Akutmottagning", "4011"), "actual"] == pytest.approx(-105.5005)
    # the transaction's own date wins over its verification's
    assert fin.loc[("2021-01", "Vårdcentral Öst", "3011"), "actual"] == pytest.approx(12)
    assert fin.loc[("2021-02", "Vårdcentral Öst", "3011"), "actual"] == pytest.approx(3)
    assert fin.loc[("2020-01", "Akutmottagning", "4011"), "actual"] == pytest.approx(-80)


def test_sie_errors_name_the_line(tmp_path):
    body = ('#PSALDO 0 202101 4011 {1 "1101"} 1000\n'
            '#PSALDO 0 2021-02 4011 {1 "1101"} 1000\n'  # not YYYYMM
            '#PSALDO -1 202101 4011 {1 "1101"} 1000\n')  # 2021 is not year −1
    _sie_folder(tmp_path, body)
    lines = (tmp_path / "finance.se").read_bytes().decode("cp437").splitlines()
    bad_format = lines.index('#PSALDO 0 2021-02 4011 {1 "1101"} 1000') + 1
    outside = lines.index('#PSALDO -1 202101 4011 {1 "1101"} 1000') + 1
    with pytest.raises(DataValidationError) as err:
        load_region(tmp_path, cache=False)
    found = {(p.row, p.column) for p in err.value.problems if p.file == "finance.se"}
    assert (bad_format, "PSALDO") in found and (outside, "period") in found


def test_sample_sie_export_gives_the_same_figures_as_the_csv(tmp_path):
    for f in (ROOT / "data" / "sample").iterdir():
        if f.is_file() and f.name != "finance.csv":  # not the texts/ folder
            shutil.copy(f, tmp_path / f.name)
    for f in (ROOT / "data" / "sample-sie").iterdir():
        shutil.copy(f, tmp_path / f.name)
    from_csv = key_metrics(load_region(ROOT / "data" / "sample"), "2021-T2")
    from_sie = key_metrics(load_region(tmp_path, cache=False), "2021-T2")
    pd.testing.assert_frame_equal(from_sie, from_csv, check_exact=False, rtol=1e-9)
    assert from_sie["value"].notna().sum() > 300


# --------------------------------------------------------------------------- the region's result

def test_region_result_of_the_sample_by_an_independent_route():
    """Every finance row of T1 2021 summed straight from the export with the csv module."""
    total = 0.0
    with open(ROOT / "data" / "sample" / "finance.csv", encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if "2021-01" <= row["Månad"] <= "2021-04":
                total += float(row["Utfall"].replace(",", "."))
    rows = key_metrics(load_region(ROOT / "data" / "sample"), "2021-T1")
    value = rows.set_index(["division", "metric"])["value"]
    assert value[("Region", "region_result")] == pytest.approx(total, abs=1e-6)
    # the central level is not a division: the divisions' total stays the reference's +1 mnkr
    assert round(value[("Region", "result")] / 1000) == 1
    assert "Finansförvaltning" not in set(rows["division"])


def test_sie_type_2_without_objects_is_the_unit_its_fnr_names(tmp_path):
    text = ("#FLAGGA 0\n#FORMAT PC8\n#SIETYP 2\n#FNR \"9001\"\n#FNAMN \"Länstrafiken i Testlän AB\"\n"
            "#RAR 0 20210101 20211231\n#RAR -1 20200101 20201231\n")
    text += "".join(f"#PBUDGET {y - 2021} {y}{m:02d} 4011 {{}} 50000\n" for y in (2020, 2021) for m in range(1, 13))
    text += "#PSALDO 0 202101 4011 {} 52000\n#PSALDO 0 202101 3011 {} -7000\n#PSALDO -1 202001 4011 {} 48000\n"
    (tmp_path / "finance.se").write_bytes(text.replace("\n", "\r\n").encode("cp437"))
    (tmp_path / "organisation.csv").write_bytes(
        "Kostnadsställe;Verksamhet;Division\r\n9001;Länstrafiken;Regionala bolag\r\n".encode("cp1252"))
    _staff(tmp_path, ("Regionala bolag",))
    data = load_region(tmp_path, cache=False)
    dev = metrics.budget_deviation(data.finance, "2021-01", by=["unit"]).iloc[0]
    # 52 000 kr cost and 7 000 kr revenue: −45 tkr against a budget of −50 tkr
    assert dev["unit"] == "Länstrafiken"
    assert dev["result"] == pytest.approx(-45) and dev["budget_deviation"] == pytest.approx(5)
    assert dev["result_prev_year"] == pytest.approx(-48)
