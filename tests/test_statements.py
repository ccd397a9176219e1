"""The region's statements (regionanalytics.metrics.statements) on a hand-sized ledger.

Every expected figure is worked out by hand in the comments from the rows below, never
copied from the code's output.

The ledger (tkr, revenue +, cost −), every month January–April of 2020 and 2021, budget
every month of 2021; the division D/a and the central level F/f (it books tax revenue):

=========  ======================  ===========  ===========  =========
account    category (the plan)     2021 actual  2020 actual  budget
=========  ======================  ===========  ===========  =========
D 3011     Verksamhetens intäkter  +10          +9           +9
D 3911     (regionersättning)      +45          +45          +45
D 4011     Personalkostnader       −50          −47          −48
D 7810     Avskrivningar           −3           −3           −3
F 3911     (regionersättning)      −45          −45          −45
F 8011     Skatteintäkter          +52          +50          +52
F 8211     Generella statsbidrag   +8           +8           +8
F 8411     Finansiella intäkter    +1           +1           +1
F 8511     Finansiella kostnader   −2           −2           −2
=========  ======================  ===========  ===========  =========

plus D 3710 Realisationsvinster +2 in 2021-03 and F 8471 Orealiserade vinster och förluster
i värdepapper +0,5 in 2021-04 (no budget).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regionanalytics import metrics
from regionanalytics.accounts import categorise, split_central
from regionanalytics.data import read_table
from regionanalytics.exceptions import StatementError
from regionanalytics.labels import STATEMENT_REASONS
from regionanalytics.metrics import statements as st

PLAN = pd.DataFrame({"account": ["3000-3999", "3710", "4000-4999", "7800-7899", "8000-8199", "8200-8399",
                                 "8400-8499", "8471", "8500-8599", "2050"],
                     "category": ["Verksamhetens intäkter", "Realisationsvinster", "Personalkostnader",
                                  "Avskrivningar", "Skatteintäkter", "Generella statsbidrag och utjämning",
                                  "Finansiella intäkter", "Orealiserade vinster och förluster i värdepapper",
                                  "Finansiella kostnader", "Resultatutjämningsreserv"]})

_MONTHLY = [  # division, unit, account, 2021, 2020, budget
    ("D", "a", "3011", 10.0, 9.0, 9.0), ("D", "a", "3911", 45.0, 45.0, 45.0),
    ("D", "a", "4011", -50.0, -47.0, -48.0), ("D", "a", "7810", -3.0, -3.0, -3.0),
    ("F", "f", "3911", -45.0, -45.0, -45.0), ("F", "f", "8011", 52.0, 50.0, 52.0),
    ("F", "f", "8211", 8.0, 8.0, 8.0), ("F", "f", "8411", 1.0, 1.0, 1.0), ("F", "f", "8511", -2.0, -2.0, -2.0),
]


def ledger(budget: bool = True, months_2020: int = 4) -> pd.DataFrame:
    rows = []
    for division, unit, account, now, before, bud in _MONTHLY:
        for m in range(1, 13):
            rows.append(("2021-%02d" % m, division, unit, account, now if m <= 4 else np.nan,
                         bud if budget else np.nan))
            if m <= months_2020:
                rows.append(("2020-%02d" % m, division, unit, account, before, np.nan))
    rows.append(("2021-03", "D", "a", "3710", 2.0, np.nan))
    rows.append(("2021-04", "F", "f", "8471", 0.5, np.nan))
    fin = pd.DataFrame(rows, columns=["month", "division", "unit", "account", "actual", "budget"])
    return fin.assign(category=categorise(fin["account"], PLAN))


def parts(fin):
    return split_central(fin)


FORECAST = pd.DataFrame({"month": ["2021-04"], "division": ["D"], "unit": ["a"], "forecast": [-100.0]})


def test_income_statement_by_hand():
    finance, central = parts(ledger())
    rr = st.income_statement(finance, central, FORECAST, "2021-T1", PLAN).set_index("line")
    # 4 × (10 + 45 − 45) + 2 = 42; 4 × −50; 4 × −3; net −170; 4 × 52; 4 × 8; 70;
    # 4 × 1 + 0,5 = 4,5; −8; 66,5
    assert rr["actual"].drop("extraordinary").to_dict() == {
        "operating_revenue": 42.0, "operating_costs": -200.0, "depreciation": -12.0, "net_cost": -170.0,
        "tax_revenue": 208.0, "general_grants": 32.0, "operating_result": 70.0, "financial_income": 4.5,
        "financial_costs": -8.0, "result_after_financial": 66.5, "period_result": 66.5}
    # 2020: 36, −188, −12 → −164; 200 + 32 → 68; 4 − 8 → 64
    assert rr.loc[["net_cost", "operating_result", "period_result"], "actual_prev_year"].tolist() == [-164.0, 68.0, 64.0]
    # the year's budget, 12 months: 108 − 576 − 36 = −504; + 624 + 96 = 216; + 12 − 24 = 204
    assert rr.loc[["net_cost", "operating_result", "period_result"], "annual_budget"].tolist() == [-504.0, 216.0, 204.0]
    # the forecast: D/a's −100 plus the central level's budget (−45 + 52 + 8 + 1 − 2) × 12 = 168
    assert rr.loc["period_result", "forecast"] == 68.0
    assert rr["forecast"].drop("period_result").isna().all()
    assert rr.attrs["central_from_budget"] is True and rr.attrs["units_without_forecast"] == 1
    # the plan names no extraordinary items: missing with the reason, never 0
    assert rr.loc["extraordinary", ["actual", "actual_prev_year", "annual_budget"]].isna().all()
    assert rr.attrs["notes"][("extraordinary", "actual")] == "kontoplanen skiljer inte ut extraordinära poster"


def test_every_row_in_exactly_one_line_both_ways():
    fin = ledger()
    # a row the plan cannot place (no rule for 6000-6999 in PLAN) still counts once
    fin = pd.concat([fin, pd.DataFrame([{"month": "2021-02", "division": "D", "unit": "a", "account": "6110",
                                         "actual": -1.25, "budget": np.nan, "category": None}])], ignore_index=True)
    finance, central = parts(fin)
    now = metrics.in_months(pd.concat([finance, central]), [f"2021-0{m}" for m in range(1, 5)])
    lines = st.statement_line(now)
    assert lines.notna().all() and len(lines) == len(now)
    rr = st.income_statement(finance, central, FORECAST, "2021-T1", PLAN).set_index("line")
    details = [line for line in st.INCOME_LINES if line not in st.SUBTOTALS]
    # one way: the detail lines add up to the result; the other: the ledger's rows add up to it
    assert rr.loc[details, "actual"].sum() == pytest.approx(rr.loc["period_result", "actual"])
    assert now["actual"].sum() == pytest.approx(rr.loc["period_result", "actual"]) == 65.25
    assert rr.attrs["unplaced"] == -1.25
    # and per line: the rows of each line sum to it
    for line, amount in now["actual"].groupby(lines).sum().items():
        assert rr.loc[line, "actual"] == pytest.approx(amount)


def test_missing_budget_and_last_year_say_why():
    finance, central = parts(ledger(budget=False, months_2020=3))
    rr = st.income_statement(finance, central, FORECAST.iloc[:0], "2021-T1", PLAN)
    assert rr["annual_budget"].isna().all() and rr["actual_prev_year"].isna().all()
    assert rr.attrs["notes"]["annual_budget"] == "budget saknas i underlaget"
    assert rr.attrs["notes"]["actual_prev_year"] == "uppgifter saknas för april 2020"
    # no forecast and no budget to stand in: the forecast is not known
    assert np.isnan(rr.set_index("line").loc["period_result", "forecast"])
    assert rr.attrs["notes"][("period_result", "forecast")] == STATEMENT_REASONS["no_forecast"]


BALANCE_CSV = """\
Balansrapport;Region Hand
Utskriven 2021-05-06;Belopp i tkr
Period;Konto;Kontonamn;Utgående saldo
202012;1110;Byggnader;800,0
202012;1460;Förråd;10,0
202012;1510;Kundfordringar;40,0
202012;1930;Bank;150,0
202012;2010;Eget kapital;-300,0
202012;2050;Resultatutjämningsreserv;-100,0
202012;2240;Avsättningar för pensioner;-350,0
202012;2350;Långfristiga lån;-100,0
202012;2440;Leverantörsskulder;-150,0
202104;1110;Byggnader;790,0
202104;1460;Förråd;10,0
202104;1510;Kundfordringar;50,0
202104;1930;Bank;216,5
202104;2010;Eget kapital;-280,0
202104;2050;Resultatutjämningsreserv;-120,0
202104;2240;Avsättningar för pensioner;-360,0
202104;2350;Långfristiga lån;-100,0
202104;2440;Leverantörsskulder;-140,0
202104;Ansvarsförbindelse pensioner;Pensionsförpliktelser före 1998;-500,0
"""


@pytest.fixture
def balance(tmp_path):
    path = tmp_path / "balance.csv"
    path.write_bytes(BALANCE_CSV.encode("cp1252"))
    return read_table(path, "balance")


def test_balance_sheet_by_hand(balance):
    finance, central = parts(ledger())
    bs = st.balance_sheet(balance, finance, central, "2021-T1").set_index("line")
    # 2021-04: 790 + (10 + 50 + 216,5) = 1 066,5 against 280 + 120 + 360 + 100 + 140 = 1 000:
    # the difference is the open year's result 66,5, which the equity carries
    assert bs["at_end"].to_dict() == {
        "fixed_assets": 790.0, "current_assets": 276.5, "total_assets": 1066.5, "equity": 466.5,
        "of_which_result": 66.5, "provisions": 360.0, "liabilities": 240.0, "long_term_liabilities": 100.0,
        "current_liabilities": 140.0, "total_equity_liabilities": 1066.5}
    # 31 december 2020: closed, 1 000 on both sides
    assert bs.loc[["total_assets", "equity", "provisions", "total_equity_liabilities"], "at_prev_year_end"].tolist() \
        == [1000.0, 400.0, 350.0, 1000.0]
    key = st.balance_key_figures(balance, finance, central, "2021-T1").iloc[0]
    assert key["equity_ratio_pct"] == pytest.approx(100 * 466.5 / 1066.5)          # 43,74 %
    assert key["equity_ratio_incl_pensions_pct"] == pytest.approx(100 * (466.5 - 500) / 1066.5)
    assert key["liquidity_pct"] == pytest.approx(100 * (276.5 - 10) / 140)         # 190,4 %


def test_balance_sheet_that_does_not_balance_names_the_difference(balance):
    finance, central = parts(ledger())
    typo = balance.copy()
    typo.loc[(typo["month"] == "2021-04") & (typo["account"] == "1930"), "balance"] = 261.5
    with pytest.raises(StatementError, match=r"2021-04 does not balance.*difference is 45\.0 tkr"):
        st.balance_sheet(typo, finance, central, "2021-T1")
    odd = pd.concat([balance, pd.DataFrame([{"month": "2021-04", "account": "3011", "balance": 1.0}])])
    with pytest.raises(StatementError, match="3011"):
        st.balance_sheet(odd, finance, central, "2021-T1")


def test_balance_sheet_without_last_december_says_why(balance):
    finance, central = parts(ledger())
    bs = st.balance_sheet(balance[balance["month"] == "2021-04"], finance, central, "2021-T1")
    assert bs["at_prev_year_end"].isna().all()
    assert bs.attrs["notes"]["at_prev_year_end"] == "balansräkningen saknas i underlaget för december 2020"


def test_balance_requirement_by_hand(balance):
    finance, central = parts(ledger())
    br = st.balance_requirement(finance, central, FORECAST, "2021-T1", PLAN, balance).set_index("line")
    # 66,5 − 2 (realisationsvinst) − 0,5 (orealiserad vinst) = 64; 20 reserved (RUR −100 → −120): 44
    assert br["period"].to_dict() == {"result": 66.5, "realisation_gains": -2.0, "unrealised_securities": -0.5,
                                      "result_after_adjustments": 64.0, "to_reserve": -20.0, "from_reserve": 0.0,
                                      "balance_requirement_result": 44.0}
    # the year: 68 − 2 − 0,5 − 20 = 45,5
    assert br.loc["balance_requirement_result", "forecast"] == 45.5
    assert br.attrs["incomplete"] == []


def test_balance_requirement_with_the_default_plan_says_what_it_cannot_know(balance):
    fin = ledger()
    fin = fin.assign(category=categorise(fin["account"]))  # Region-Bas: no realisation gains group
    finance, central = parts(fin)
    br = st.balance_requirement(finance, central, FORECAST, "2021-T1", None, balance).set_index("line")
    assert br.loc[["realisation_gains", "unrealised_securities", "to_reserve", "from_reserve"], "period"].isna().all()
    assert br.attrs["notes"][("realisation_gains", "period")] == "kontoplanen skiljer inte ut realisationsvinster"
    # the result of what is known: every row of the period, 66,5
    assert br.loc["balance_requirement_result", "period"] == 66.5
    assert br.attrs["incomplete"] == ["realisation_gains", "unrealised_securities", "to_reserve", "from_reserve"]


def test_financial_goals_by_hand(balance):
    finance, central = parts(ledger())
    investments = pd.DataFrame({"month": ["2021-06", "2021-09"], "division": "D", "project": "P",
                                "actual": np.nan, "budget": [50.0, 30.0]})
    ind = st.goal_indicators(finance, central, FORECAST, investments, balance, "2021-T1")
    # 68 / (12 × (52 + 8)) = 9,44 %; (68 + 36) / 80 = 130 %
    assert ind["result_share"] == pytest.approx(100 * 68 / 720)
    assert ind["self_financing"] == pytest.approx(130.0)
    goals = pd.DataFrame({"goal": ["Resultat", "Investeringar", "Soliditet"],
                          "indicator": ["result_share", "self_financing", "equity_ratio_incl_pensions"],
                          "target": [10.0, 100.0, 0.0]})
    out = st.financial_goals(goals, ind)
    # 9,44 of 10: delvis (half or more); 130 of 100: uppfyllt; −3,1 of 0: ej
    assert out["assessment"].tolist() == ["delvis", "uppfyllt", "ej"]


def test_financial_goals_file_as_written(tmp_path):
    path = tmp_path / "financial_goals.csv"
    path.write_bytes("Mål;Indikator;Målvärde\nEtt positivt resultat;Resultat i procent av skatteintäkter och "
                     "generella statsbidrag;1,0\nInvesteringarna självfinansierade;Självfinansieringsgrad;100\n"
                     .encode("cp1252"))
    goals = read_table(path, "financial_goals")
    assert goals["indicator"].tolist() == ["result_share", "self_financing"]
    assert goals["target"].tolist() == [1.0, 100.0]


def test_an_unknown_goal_indicator_names_the_row(tmp_path):
    from regionanalytics.exceptions import DataValidationError

    path = tmp_path / "financial_goals.csv"
    path.write_text("Mål;Indikator;Målvärde\nResultat;Resultatandel;2\nSkuld;Skuldsättningsgrad;50\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_table(path, "financial_goals")
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "Indikator", "Skuldsättningsgrad")


def test_region_overview_per_april_and_a_broken_balance(tmp_path, sample):
    """Per april the statements wait for augusti and the balanskrav is the forecast's; a
    balance report that does not balance empties its section (in Swedish), not the report."""
    import shutil

    from regionanalytics.report import RegionOverview

    from .conftest import SAMPLE

    april = RegionOverview.open(period="2021-T1", data_dir=SAMPLE)
    assert "redovisas i delårsrapporten per augusti" in april.income_statement()._repr_html_()
    page = april.balance_requirement()._repr_html_()
    assert "Balanskravet bedöms uppfyllas för 2021" in page
    assert "<th scope=\"col\">Perioden</th>" not in page and "Helårsprognos" in page
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder)
    text = (folder / "balance.csv").read_bytes().decode("cp1252")
    line = next(x for x in text.splitlines() if x.startswith("202108;1930;"))
    amount = float(line.rsplit(";", 1)[1].replace(",", "."))
    text = text.replace(line, line.rsplit(";", 1)[0] + ";" + f"{amount + 1000:.1f}".replace(".", ","))
    (folder / "balance.csv").write_bytes(text.encode("cp1252"))
    august = RegionOverview.open(period="2021-T2", data_dir=folder)
    page = august.balance_sheet()._repr_html_()
    assert "balansräkningen per 2021-08 går inte ihop" in page and "1 000,0 tkr" in page
    assert np.isnan(august._rows["Region"]["total_assets"])
    assert "Resultaträkning per augusti 2021" in august.income_statement()._repr_html_()


def test_region_overview_for_the_year(sample):
    """The year's overview: the balance sheet per den 31 december against the year before,
    the balanskrav on the year's result ("uppfylls"), the result from the export itself."""
    import csv

    from regionanalytics.report import RegionOverview

    from .conftest import SAMPLE

    year = RegionOverview.open(period="2021", data_dir=SAMPLE)
    page = year.balance_sheet()._repr_html_()
    assert "Balansräkning per den 31 december 2021 och per den 31 december året före" in page
    with open(SAMPLE / "finance.csv", encoding="cp1252", newline="") as fh:
        result = sum(float(r["Utfall"].replace(",", ".")) for r in csv.DictReader(fh, delimiter=";")
                     if r["Månad"].startswith("2021-"))
    br = year.balance_requirement()
    assert br.data[0][0].startswith("Balanskravet uppfylls för 2021")
    # the sample's plan names no adjustment: the balanskravsresultat is the year's result
    assert year._rows["Region"]["balance_requirement_result"] == pytest.approx(result, abs=1e-6)


def test_longer_accounts_and_an_unsigned_commitment(balance):
    """A region's own five-digit accounts are in their group; the pension commitments
    written without a sign still lower the soliditet (never raise it)."""
    finance, central = parts(ledger())
    longer = balance.assign(account=balance["account"].where(~balance["account"].str.isdigit(),
                                                             balance["account"] + "1"))
    unsigned = longer.assign(balance=longer["balance"].where(longer["account"].str.isdigit(),
                                                             longer["balance"].abs()))
    key = st.balance_key_figures(unsigned, finance, central, "2021-T1").iloc[0]
    assert key["total_assets"] == 1066.5 and key["pension_commitments"] == 500.0
    assert key["equity_ratio_incl_pensions_pct"] == pytest.approx(100 * (466.5 - 500) / 1066.5)


def test_statement_lines_by_division_add_up_to_the_region():
    finance, central = parts(ledger())
    lines = st.statement_lines(pd.concat([finance, central], ignore_index=True), "2021-T1", by=["division"])
    # D: revenue 4 × (10 + 45) + 2 = 222, costs −200; F: revenue −180 (the internal funding)
    d = lines[lines["division"] == "D"].set_index("line")["actual"]
    assert d["operating_revenue"] == 222.0 and d["operating_costs"] == -200.0
    region = st.income_statement(finance, central, FORECAST, "2021-T1", PLAN).set_index("line")
    summed = lines.groupby("line")[["actual", "actual_prev_year", "annual_budget"]].sum()
    for line in summed.index:
        assert summed.loc[line].tolist() == pytest.approx(region.loc[line, ["actual", "actual_prev_year",
                                                                             "annual_budget"]].tolist())
