"""Exports written the way Swedish HR and finance systems write them, with figures worked
out by hand: title rows, Windows-1252, semicolons, decimal commas, percent rates, empty
cells for hourly-paid staff, personnummer, absence of every kind, payroll sick hours,
two employments in one month, exports that end early."""
import base64
import hashlib
import hmac
import math
import stat

import pandas as pd
import pytest

from regionanalytics import metrics, personnummer
from regionanalytics.data import load_region, validate
from regionanalytics.exceptions import DataValidationError
from regionanalytics.summary import key_metrics

KEY = "test-key-not-secret"

FINANCE = "Månad;Division;Verksamhet;Konto;Utfall;Budget\n" + "".join(
    f"2021-{m:02d};Service;Kost;Personalkostnader;{'-100' if m <= 4 else ''};-90\n" for m in range(1, 13))

EMPLOYEES_HEAD = ("Personalstatistik Region Norr;;;;;;;;;\n"
                  "Uttag 2021-05-03 07:14;;;;;;;;;\n"
                  ";;;;;;;;;\n"
                  "Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
                  "Sysselsättningsgrad;Schemalagd tid;Arbetad tid\n")


def region(folder, employees, absence=None, finance=FINANCE, encoding="cp1252", **more):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "finance.csv").write_bytes(finance.encode(encoding))
    (folder / "employees.csv").write_bytes(employees.encode(encoding))
    if absence is not None:
        (folder / "absence.csv").write_bytes(absence.encode(encoding))
    for name, text in more.items():
        (folder / name).write_bytes(text.encode(encoding))
    return folder


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(personnummer.KEY_ENV, KEY)


# --------------------------------------------------------------------------- employment rate

def test_rates_in_percent_and_hourly_paid_without_rate(tmp_path):
    text = EMPLOYEES_HEAD + (
        "2021-01;P1;Service;Kost;Tillsvidareanställd;Kvinna;1980;100;160;150\n"
        "2021-01;P2;Service;Kost;Tillsvidareanställd;Man;1975;75 %;120;110\n"
        "2021-01;P3;Service;Kost;Vikariat;Kvinna;1990;50,0;80;80\n"
        "2021-01;P4;Service;Kost;Timavlönad;Man;2000;0;0;40\n"
        "2021-01;P5;Service;Kost;Timavlönad;Kvinna;1999;;0;25\n")
    report = validate(region(tmp_path / "d", text))
    assert report.ok, report.problems
    assert any("percent" in n for n in report.notes)
    rates = load_region(tmp_path / "d", cache=False).employees["employment_rate"].tolist()
    assert rates[:4] == [1.0, 0.75, 0.5, 0.0] and math.isnan(rates[4])


def test_rates_as_fractions_stay_fractions(tmp_path):
    text = EMPLOYEES_HEAD + ("2021-01;P1;Service;Kost;Tillsvidare;K;1980;1;160;150\n"
                             "2021-01;P2;Service;Kost;Tillsvidare;M;1975;0,75;120;110\n")
    data = load_region(region(tmp_path / "d", text), cache=False)
    assert data.employees["employment_rate"].tolist() == [1.0, 0.75]


def test_monthly_paid_without_rate_is_refused_with_its_row(tmp_path):
    text = EMPLOYEES_HEAD + ("2021-01;P1;Service;Kost;Tillsvidare;K;1980;100;160;150\n"
                             "2021-01;P2;Service;Kost;Visstid;M;1975;;120;110\n"
                             "2021-01;P3;Service;Kost;Timavlönad;M;1975;;0;10\n")
    problems = validate(region(tmp_path / "d", text)).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("employees.csv", 6, "employment_rate")]
    assert "monthly-paid" in problems[0].expected


# --------------------------------------------------------------------------- personnummer

# Check digits worked out by hand (Luhn over YYMMDDNNN, weights 2,1,2,...):
#   930319-967?: 9·2→9, 3, 0, 3, 1·2=2, 9, 9·2→9, 6, 7·2→5 = 46 → check 4 (gender digit 7: man)
#   850505-124?: 8·2→7, 5, 0, 5, 0, 5, 1·2=2, 2, 4·2=8 = 34 → check 6 (gender digit 4: woman)
#   121212-121?: 2, 2, 2, 2, 2, 2, 2, 2, 2 = 18 → check 2 (gender digit 1: man)
PNR_EMPLOYEES = ("Månad;Personnummer;Division;Verksamhet;Anställningsform;Sysselsättningsgrad;"
                 "Schemalagd tid;Arbetad tid\n"
                 "2021-01;19930319-9674;Service;Kost;Tillsvidare;100;160;150\n"
                 "2021-01;198505051246;Service;Kost;Tillsvidare;100;160;150\n"
                 "2021-01;19121212-1212;Service;Kost;Timavlönad;0;0;10\n")
PNR_ABSENCE = ("Personnummer;From datum;Till datum;Omfattning\n"
               "930319-9674;2021-01-11;2021-01-12;100\n"
               "8505051246;2021-01-13;;50\n")


def _pseudonym(canonical: str) -> str:
    """The pseudonym worked out with the standard library, independently of the package."""
    digest = hmac.new(KEY.encode(), canonical.encode(), hashlib.sha256).digest()
    return "p" + base64.urlsafe_b64encode(digest[:9]).decode()


@pytest.mark.parametrize("key_text", ["", "k", "x" * 64, "y" * 65, "å" * 200])
def test_pseudonyms_are_hmac_sha256_under_keys_of_any_length(key_text):
    # keys shorter than, as long as and longer than SHA-256's block (64 bytes, hashed first)
    numbers = pd.Series(["199303199674", "198505051246", None])
    got = personnummer.pseudonymise(numbers, key=key_text.encode())
    expected = ["p" + base64.urlsafe_b64encode(
        hmac.new(key_text.encode(), n.encode(), hashlib.sha256).digest()[:9]).decode() for n in numbers[:2]]
    assert got.tolist() == expected + [None]


def test_personnummer_become_pseudonyms_and_give_birth_year_and_gender(tmp_path, key, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    folder = region(tmp_path / "d", PNR_EMPLOYEES, PNR_ABSENCE, encoding="utf-8-sig")
    report = validate(folder)
    assert report.ok, report.problems
    assert any("pseudonym" in n for n in report.notes)
    data = load_region(folder)
    emp = data.employees
    assert emp["person_id"].tolist() == [_pseudonym("199303199674"), _pseudonym("198505051246"),
                                         _pseudonym("191212121212")]
    assert emp["birth_year"].tolist() == [1993, 1985, 1912]
    assert emp["gender"].tolist() == ["M", "K", "M"]
    # the ten-digit forms in the absence export are the same persons
    assert data.absence["person_id"].tolist() == [_pseudonym("199303199674"), _pseudonym("198505051246")]
    assert data.absence["extent"].tolist() == [1.0, 0.5]
    assert pd.isna(data.absence["end"].iloc[1])  # still running when exported
    # nothing of a number reached the cache, as bytes or as values
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    for digits in (b"9303199674", b"8505051246", b"1212121212", b"9674", b"1246"):
        assert digits not in stored
    cached = load_region(folder)
    assert cached.employees["person_id"].tolist() == emp["person_id"].tolist()


def test_a_bad_personnummer_is_named_by_row_never_by_number(tmp_path, key):
    text = PNR_EMPLOYEES.replace("19930319-9674", "19930319-9675")  # wrong check digit
    folder = region(tmp_path / "d", text)
    problems = validate(folder).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("employees.csv", 2, "Personnummer")]
    with pytest.raises(DataValidationError) as exc:
        load_region(folder, cache=False)
    assert "9675" not in str(exc.value) and "930319" not in str(exc.value)
    assert "personnummer" in str(exc.value)


def test_the_key_file_is_made_once_outside_the_data_with_owner_only_access(tmp_path, monkeypatch):
    monkeypatch.delenv(personnummer.KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = region(tmp_path / "d", PNR_EMPLOYEES)
    first = load_region(folder, cache=False).employees["person_id"].tolist()
    key_file = tmp_path / "config" / "regionanalytics" / "pseudonym.key"
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["employees.csv", "finance.csv"]
    assert load_region(folder, cache=False).employees["person_id"].tolist() == first


# --------------------------------------------------------------------------- absence kinds

def _one_person(month="2021-01", scheduled=160):
    return EMPLOYEES_HEAD + f"{month};P1;Service;Kost;Tillsvidare;K;1980;100;{scheduled};150\n"


def test_only_sick_leave_counts_from_an_absence_export_of_every_kind(tmp_path):
    # January 2021 has 19 working days (21 weekdays less nyårsdagen and trettondedag jul);
    # sick leave: Sjukdom Mon 11–Tue 12 (2 days) + Arbetsskada Mon 25 (1 day) = 3 days;
    # VAB and Semester are not sick leave. Rate = 3 / 19 = 15.789... %
    absence = ("Anställningsid;Frånvaroorsak;Fr.o.m.;T.o.m.;Omfattning\n"
               "P1;Sjukdom;2021-01-11;2021-01-12;100\n"
               "P1;VAB;2021-01-13;2021-01-13;100\n"
               "P1;Semester;2021-01-18;2021-01-22;100\n"
               "P1;Arbetsskada;2021-01-25;2021-01-25;100\n")
    folder = region(tmp_path / "d", _one_person(), absence)
    report = validate(folder)
    assert report.ok, report.problems
    assert any("2 rows of other absence than sick leave left out (VAB 1, Semester 1)" in n
               for n in report.notes)
    data = load_region(folder, cache=False)
    df = metrics.sick_leave(data.employees, data.absence, "2021-01", by=[], suppress_small=False)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * 3 / 19)


def test_payroll_sick_hours_are_the_numerator_and_spells_say_what_is_long_term(tmp_path):
    # P1: 16 of 160 h sick, in a spell running since November (long-term);
    # P2: 8 of 160 h, a one-day spell; P3: 160 h, the cell empty (no sick hours).
    # Rate = (16 + 8) / 480 = 5 %; long-term share = 16 / 24 = 66.67 %
    employees = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
                 "Sysselsättningsgrad;Schemalagd tid;Arbetad tid;Sjuktimmar\n"
                 "2021-01;P1;Service;Kost;Tillsvidare;K;1980;100;160;144;16\n"
                 "2021-01;P2;Service;Kost;Tillsvidare;M;1970;100;160;152;8\n"
                 "2021-01;P3;Service;Kost;Tillsvidare;M;1960;100;160;160;\n")
    absence = ("Person-id;Från;Till;Omfattning\n"
               "P1;2020-11-01;2021-01-31;100\n"
               "P2;2021-01-11;2021-01-11;100\n")
    data = load_region(region(tmp_path / "d", employees, absence), cache=False)
    df = metrics.sick_leave(data.employees, data.absence, "2021-01", by=[], suppress_small=False)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(5.0)
    assert df.loc[0, "long_term_sick_share_pct"] == pytest.approx(100 * 16 / 24)


def test_two_employments_in_one_month_are_one_person_whose_hours_add(tmp_path):
    text = EMPLOYEES_HEAD + ("2021-01;P1;Service;Kost;Tillsvidare;K;1980;80;128;120\n"
                             "2021-01;P1;Service;Kost;Timavlönad;K;1980;;0;20\n"
                             "2021-01;P2;Service;Kost;Tillsvidare;M;1980;100;160;150\n")
    data = load_region(region(tmp_path / "d", text), cache=False)
    assert metrics.headcount(data.employees, "2021-01", by=[]).loc[0, "headcount"] == 2
    assert metrics.worked_hours(data.employees, "2021-01", by=[]).loc[0, "worked_hours"] == 120 + 20 + 150


def test_three_spells_together_above_full_time_are_found(tmp_path):
    # each pair adds to 80 %, all three to 120 % from Wednesday 6 January
    absence = ("Person-id;Från;Till;Omfattning\n"
               "P1;2021-01-04;2021-01-08;40\n"
               "P1;2021-01-05;2021-01-08;40\n"
               "P1;2021-01-06;2021-01-08;40\n"
               "P1;2021-01-11;2021-01-12;60\nP1;2021-01-13;2021-01-14;60\n")
    problems = validate(region(tmp_path / "d", _one_person(), absence)).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("absence.csv", 4, "extent")]


# --------------------------------------------------------------------------- what is missing

def _months(first, last):
    return [f"2021-{m:02d}" for m in range(first, last + 1)]


def test_hr_export_that_ends_before_the_period_gives_no_staff_figures(tmp_path):
    rows = "".join(f"{m};P{i};Service;Kost;Tillsvidare;K;1980;100;160;150\n"
                   for m in ["2020-12"] + _months(1, 3) for i in range(12))
    data = load_region(region(tmp_path / "d", EMPLOYEES_HEAD + rows), cache=False)
    rows = key_metrics(data, "2021-T1").set_index(["division", "metric"])
    for metric in ("headcount", "headcount_change", "sick_leave_pct", "worked_hours", "worked_fte"):
        row = rows.loc[("Service", metric)]
        assert pd.isna(row["value"]) and row["flag"] == "missing", metric
        assert row["note"] == "uppgifter saknas för april 2021"
    assert rows.loc[("Service", "result"), "value"] == -400  # the finance figures stand


def test_no_absence_table_means_sick_leave_is_missing_not_zero(tmp_path):
    rows = "".join(f"{m};P{i};Service;Kost;Tillsvidare;K;1980;100;160;150\n"
                   for m in ["2020-12"] + _months(1, 4) for i in range(12))
    data = load_region(region(tmp_path / "d", EMPLOYEES_HEAD + rows), cache=False)
    rows = key_metrics(data, "2021-T1").set_index(["division", "metric"])
    sick = rows.loc[("Service", "sick_leave_pct")]
    assert pd.isna(sick["value"]) and sick["flag"] == "missing"
    assert sick["note"] == "uppgifter om sjukfrånvaro saknas"
    assert rows.loc[("Service", "headcount"), "value"] == 12


def test_a_unit_without_finance_rows_in_a_month_is_a_warning(tmp_path):
    finance = FINANCE + "".join(f"2021-{m:02d};Service;Städ;Personalkostnader;{'-5' if m <= 4 else ''};-5\n"
                                for m in range(1, 13) if m != 3)
    report = validate(region(tmp_path / "d", _one_person(), finance=finance))
    assert report.ok, report.problems
    assert [n for n in report.notes if n.startswith("finance.csv")] == [
        "finance.csv: unit 'Städ' (Service) has no rows for 2021-03, which other "
        "months have; its result counts nothing for them"]


def test_a_goal_assessed_from_its_figures_needs_its_direction(tmp_path):
    goals = ("Period;Division;Perspektiv;Mål;Indikator;Målvärde;Utfall;Högre är bättre;Bedömning\n"
             "2021-T1;Service;ekonomi;Budget i balans;Resultat;0;5;ja;\n"
             "2021-T1;Service;medarbetare;Frisk personal;Sjukfrånvaro;6;5;;\n"
             "2021-T1;Service;verksamhet;Nöjda;Index;80;70;;uppfyllt\n")
    problems = validate(region(tmp_path / "d", _one_person(), **{"goals.csv": goals})).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("goals.csv", 3, "higher_is_better")]


# --------------------------------------------------------------------------- known at the period's end

def test_an_april_export_and_a_later_one_agree_on_every_tertial_1_figure(sample, tmp_path):
    """The same region as the April export showed it: no actuals, forecasts, staff or
    spells after April; spells running at the end of April have no end date yet."""
    end = pd.Timestamp("2021-04-30")
    april = tmp_path / "april"
    april.mkdir()
    fin = pd.concat([sample.finance, sample.central], ignore_index=True).drop(columns="category")
    fin.loc[fin["month"] > "2021-04", "actual"] = None
    fin.to_csv(april / "finance.csv", index=False)
    invest = sample.investments.copy()
    invest.loc[invest["month"] > "2021-04", "actual"] = None
    invest.to_csv(april / "investments.csv", index=False)
    sample.forecast[sample.forecast["month"] <= "2021-04"].to_csv(april / "forecast.csv", index=False)
    sample.employees[sample.employees["month"] <= "2021-04"].to_csv(april / "employees.csv", index=False)
    spells = sample.absence[sample.absence["start"] <= end].copy()
    spells["end"] = spells["end"].where(spells["end"] <= end)  # running: no end date yet
    spells.to_csv(april / "absence.csv", index=False, date_format="%Y-%m-%d")
    sample.production[sample.production["month"] <= "2021-04"].to_csv(april / "production.csv", index=False)
    plans = sample.action_plans.copy()
    plans.loc[plans["month"] > "2021-04", "achieved"] = None
    plans.to_csv(april / "action_plans.csv", index=False)
    goals = sample.goals[sample.goals["period"] == "2021-T1"].copy()
    goals["higher_is_better"] = goals["higher_is_better"].map({True: "ja", False: "nej"})
    goals.to_csv(april / "goals.csv", index=False)
    # the balance report as of April's close, and the financial goals (set for the year)
    sample.balance[sample.balance["month"] <= "2021-04"].to_csv(april / "balance.csv", index=False)
    sample.financial_goals.to_csv(april / "financial_goals.csv", index=False)
    assert spells["end"].isna().sum() > 100  # the test means something: many spells were running

    later = key_metrics(sample, "2021-T1")
    early = key_metrics(load_region(april, cache=False), "2021-T1")
    pd.testing.assert_frame_equal(early, later, check_exact=False, rtol=1e-9)


def test_savings_not_yet_reported_for_the_last_month_are_missing_not_lower(tmp_path):
    rows = "".join(f"{m};P{i};Service;Kost;Tillsvidare;K;1980;100;160;150\n"
                   for m in ["2020-12"] + _months(1, 4) for i in range(12))
    plans = "Månad;Division;Planerat;Uppnått\n" + "".join(
        f"2021-{m:02d};Service;100;{'80' if m <= 3 else ''}\n" for m in range(1, 13))
    folder = region(tmp_path / "d", EMPLOYEES_HEAD + rows, **{"action_plans.csv": plans})
    rows = key_metrics(load_region(folder, cache=False), "2021-T1").set_index(["division", "metric"])
    row = rows.loc[("Service", "action_plan_pct")]
    assert pd.isna(row["value"]) and row["note"] == "uppgifter om genomförda åtgärder saknas för april 2021"
    # per mars all is known: 3 × 80 of 3 × 100 = 80 %
    rows = key_metrics(load_region(folder, cache=False), "2021-03").set_index(["division", "metric"])
    assert rows.loc[("Service", "action_plan_pct"), "value"] == pytest.approx(80.0)


def test_a_unit_without_forecast_counts_its_budget_and_is_counted(tmp_path):
    # Kost's annual budget −90 × 12 = −1 080 tkr; Städ's −5 × 12 = −60 tkr has a forecast of −100.
    finance = FINANCE + "".join(f"2021-{m:02d};Service;Städ;Personalkostnader;{'-5' if m <= 4 else ''};-5\n"
                                for m in range(1, 13))
    forecast = "Månad;Division;Verksamhet;Prognos\n2021-03;Service;Städ;-100\n"
    folder = region(tmp_path / "d", _one_person(), finance=finance, **{"forecast.csv": forecast})
    rows = key_metrics(load_region(folder, cache=False), "2021-T1").set_index(["division", "metric"])["value"]
    assert rows[("Service", "forecast")] == -1080 - 100
    assert rows[("Service", "forecast_deviation")] == -40
    assert rows[("Service", "units_without_forecast")] == 1
