"""The region's statements as a delårsrapport shows them: resultaträkning, balansräkning,
balanskravsutredning and the financial goals of god ekonomisk hushållning.

Pure functions on the finance rows (the divisions' and the central level's), the
forecast, the balance table and the financial goals. Amounts are tkr in the contract's
sign (revenue and assets +, costs and claims −, except where a docstring says so).
A figure the data cannot give is NaN and the frame's ``attrs["notes"]`` says why, per
column (``{column: reason}``) or per line (``{(line, column): reason}``); never 0.
docs/assumptions.md cites the rules (LKBR, kommunallagen 11 kap., RKR R17, Region-Bas).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import accounts as acc
from ..exceptions import StatementError
from ..labels import STATEMENT_REASONS as WHY
from ..periods import Period, months_sv
from ._frames import as_by, check_by, group_sum, in_months, pct
from .economy import forecast_deviation

#: The lines of the resultaträkning in the order regions publish them; subtotals are
#: sums of the lines above them (see :data:`SUBTOTALS`).
INCOME_LINES = ("operating_revenue", "operating_costs", "depreciation", "net_cost",
                "tax_revenue", "general_grants", "operating_result",
                "financial_income", "financial_costs", "result_after_financial",
                "extraordinary", "period_result")
SUBTOTALS = {
    "net_cost": ("operating_revenue", "operating_costs", "depreciation"),
    "operating_result": ("net_cost", "tax_revenue", "general_grants"),
    "result_after_financial": ("operating_result", "financial_income", "financial_costs"),
    "period_result": ("result_after_financial", "extraordinary"),
}
#: The account plan's categories of each detail line. A row the plan cannot place counts in
#: verksamhetens kostnader (above the tax revenue, as :mod:`.costs` counts it); unrealised
#: changes in securities are a financial income or cost by the row's sign.
LINE_CATEGORIES = {
    "operating_revenue": (acc.OPERATING_REVENUE, acc.REALISATION_GAINS),
    "operating_costs": acc.OPERATING_COSTS + (acc.REALISATION_LOSSES,),
    "depreciation": (acc.DEPRECIATION,),
    "tax_revenue": (acc.TAX_REVENUE,),
    "general_grants": (acc.GENERAL_GRANTS,),
    "financial_income": (acc.FINANCIAL_INCOME,),
    "financial_costs": (acc.FINANCIAL_COSTS,),
    "extraordinary": (acc.EXTRAORDINARY,),
}
_COLUMNS = ["actual", "actual_prev_year", "annual_budget", "forecast"]


def statement_line(rows: pd.DataFrame, column: str = "actual") -> pd.Series:
    """The resultaträkning line of every finance row (each row in exactly one line).

    >>> rows = pd.DataFrame({"category": ["Läkemedel", None, "Orealiserade vinster och förluster i värdepapper",
    ...                                   "Orealiserade vinster och förluster i värdepapper"],
    ...                      "actual": [-5.0, 2.0, 3.0, -1.0]})
    >>> statement_line(rows).tolist()
    ['operating_costs', 'operating_costs', 'financial_income', 'financial_costs']
    """
    lookup = {c: line for line, cats in LINE_CATEGORIES.items() for c in cats}
    line = rows["category"].map(lookup)
    unrealised = rows["category"] == acc.UNREALISED_SECURITIES
    line = line.where(~unrealised, np.where(rows[column].fillna(0) >= 0, "financial_income", "financial_costs"))
    return line.fillna("operating_costs").astype(object)


def named_categories(finance: pd.DataFrame, central: pd.DataFrame, plan: pd.DataFrame | None) -> set[str]:
    """The categories the data can give: those of the region's own plan (a category it
    names and nobody booked is 0) and those of any finance row."""
    named = set(finance["category"].dropna()) | set(central["category"].dropna())
    if plan is not None and len(plan):
        named |= set(plan["category"].dropna())
    return named


def _rows(finance: pd.DataFrame, central: pd.DataFrame) -> pd.DataFrame:
    columns = ["month", "division", "unit", "category", "actual", "budget"]
    return pd.concat([finance.reindex(columns=columns), central.reindex(columns=columns)], ignore_index=True)


def _by_line(rows: pd.DataFrame, column: str) -> pd.Series:
    """Sums of ``column`` per detail line (NaN where the rows have no value at all)."""
    if rows[column].notna().sum() == 0:
        return pd.Series(np.nan, index=list(LINE_CATEGORIES))
    lines = statement_line(rows, column)
    sums = rows[column].groupby(lines).sum(min_count=1)
    return sums.reindex(list(LINE_CATEGORIES)).fillna(0.0).round(6) + 0.0


def _with_subtotals(detail: pd.Series) -> pd.Series:
    out = detail.reindex(INCOME_LINES).astype("float64")
    for total, parts in SUBTOTALS.items():
        out[total] = out[list(parts)].sum(min_count=len(parts)) if out[list(parts)].notna().all() else np.nan
    return out


def statement_lines(finance: pd.DataFrame, period: str | Period,
                    by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """The resultaträkning's detail lines per ``by`` group: the period, the same period last
    year and the year's budget (tkr), one row per group and line that has rows. For a
    division its revenue includes the internal funding (Regionersättning); the region's own
    statement, netted, is :func:`income_statement`.

    >>> fin = pd.DataFrame({"month": ["2021-01"] * 3, "division": ["A", "A", "B"],
    ...     "category": ["Personalkostnader", "Läkemedel", "Personalkostnader"],
    ...     "actual": [-5.0, -2.0, -3.0], "budget": [-4.0, -2.0, -3.0]})
    >>> statement_lines(fin, "2021-01").values.tolist()
    [['A', 'operating_costs', -7.0, nan, -6.0], ['B', 'operating_costs', -3.0, nan, -3.0]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(finance, by, "finance")
    rows = in_months(finance, period.two_years_months)
    rows = rows.assign(line=statement_line(rows))
    keys = by + ["line"]
    now = group_sum(in_months(rows, period.months), keys, ["actual"])
    before = group_sum(in_months(rows, period.previous_year().months), keys, ["actual"])
    budget = group_sum(in_months(rows, period.year_months), keys, ["budget"])
    out = now.merge(before.rename(columns={"actual": "actual_prev_year"}), on=keys, how="outer")
    out = out.merge(budget.rename(columns={"budget": "annual_budget"}), on=keys, how="outer")
    order = {line: i for i, line in enumerate(INCOME_LINES)}
    out = out.sort_values(by + ["line"], key=lambda s: s.map(order) if s.name == "line" else s)
    return out[keys + ["actual", "actual_prev_year", "annual_budget"]].reset_index(drop=True)


def region_forecast(forecast: pd.DataFrame, finance: pd.DataFrame, central: pd.DataFrame,
                    period: str | Period) -> dict:
    """The region's full-year result forecast: the divisions' forecasts plus the central
    level's own forecast rows; a unit (the central level's too) without a forecast counts
    its annual budget, and is counted in ``units_without_forecast``.

    Returns ``forecast`` (NaN when a unit has neither a forecast nor a budget),
    ``divisions``, ``central``, ``units_without_forecast`` and ``central_from_budget``.

    >>> fin = pd.DataFrame({"month": ["2021-01"] * 2, "division": "D", "unit": ["a", "b"],
    ...                     "actual": None, "budget": [-10.0, -5.0]})
    >>> cen = pd.DataFrame({"month": ["2021-01"], "division": "F", "unit": "f", "actual": None, "budget": [16.0]})
    >>> fc = pd.DataFrame({"month": ["2021-04"], "division": ["D"], "unit": ["a"], "forecast": [-12.0]})
    >>> out = region_forecast(fc, fin, cen, "2021-T1")
    >>> out["forecast"], out["units_without_forecast"], out["central_from_budget"]
    (-1.0, 2, True)
    """
    period = Period.parse(period)
    central_divisions = set(central["division"].dropna())
    own = forecast["division"].isin(central_divisions)
    parts = {}
    without = 0
    for name, rows, fc in (("divisions", finance, forecast[~own]), ("central", central, forecast[own])):
        if rows.empty and fc.empty:
            parts[name], count = 0.0, 0
        else:
            row = forecast_deviation(fc, rows, period, by=[]).iloc[0]
            parts[name], count = float(row["forecast"]), int(row["units_without_forecast"])
        without += count
        if name == "central":
            central_from_budget = count > 0
    total = parts["divisions"] + parts["central"]
    return {"forecast": total, "divisions": parts["divisions"], "central": parts["central"],
            "units_without_forecast": without, "central_from_budget": central_from_budget}


def income_statement(finance: pd.DataFrame, central: pd.DataFrame, forecast: pd.DataFrame,
                     period: str | Period, plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """The region's resultaträkning: the period, the same period last year, the year's
    budget and the year's forecast.

    Every finance row (the divisions' and the central level's) is in exactly one line
    (:func:`statement_line`); the subtotals are sums of the lines. The forecast is the
    region's result forecast (:func:`region_forecast`): the forecasts are made per unit
    as a result, so only the result lines carry one. A line whose category neither the
    plan names nor any row holds (extraordinära poster with Region-Bas's plan) is missing.

    Returns
    -------
    DataFrame
        ``line`` (:data:`INCOME_LINES`), ``actual``, ``actual_prev_year``,
        ``annual_budget``, ``forecast`` (tkr); ``attrs["notes"]`` the reasons of the
        missing cells, ``attrs["units_without_forecast"]``, ``attrs["central_from_budget"]``
        and ``attrs["unplaced"]`` (the period's amount of rows the plan cannot place).

    Examples
    --------
    >>> fin = pd.DataFrame({"month": ["2020-01", "2021-01", "2021-01"], "division": "D", "unit": "a",
    ...     "category": ["Personalkostnader", "Personalkostnader", "Verksamhetens intäkter"],
    ...     "actual": [-90.0, -100.0, 20.0], "budget": [-90.0, -95.0, 15.0]})
    >>> cen = pd.DataFrame({"month": ["2020-01", "2021-01"], "division": "F", "unit": "f",
    ...     "category": "Skatteintäkter", "actual": [95.0, 110.0], "budget": [95.0, 105.0]})
    >>> rr = income_statement(fin, cen, fin.iloc[:0].assign(forecast=0.0), "2021-01").set_index("line")
    >>> rr.loc[["net_cost", "period_result"], ["actual", "actual_prev_year", "annual_budget"]].values.tolist()
    [[-80.0, -90.0, -80.0], [30.0, 5.0, 25.0]]
    """
    period = Period.parse(period)
    rows = _rows(finance, central)
    named = named_categories(finance, central, plan)
    now = in_months(rows, period.months)
    before = in_months(rows, period.previous_year().months)
    year = in_months(rows, period.year_months)
    out = pd.DataFrame({"line": list(INCOME_LINES)})
    out["actual"] = _with_subtotals(_by_line(now, "actual")).to_numpy()
    out["actual_prev_year"] = _with_subtotals(_by_line(before, "actual")).to_numpy()
    out["annual_budget"] = _with_subtotals(_by_line(year, "budget")).to_numpy()
    notes: dict = {}
    closed_before = set(before.loc[before["actual"].notna(), "month"])
    gone = [m for m in period.previous_year().months if m not in closed_before]
    if gone:
        out["actual_prev_year"] = np.nan
        notes["actual_prev_year"] = WHY["no_months"].format(months=months_sv(gone))
    if year["budget"].notna().sum() == 0:
        out["annual_budget"] = np.nan
        notes["annual_budget"] = WHY["no_budget"]
    if acc.EXTRAORDINARY not in named:
        extraordinary = out["line"] == "extraordinary"
        out.loc[extraordinary, _COLUMNS[:3]] = np.nan
        for column in _COLUMNS[:3]:
            notes[("extraordinary", column)] = WHY["not_in_plan"].format(what="extraordinära poster")
        # the result is every row's, extraordinary or not (none is booked as such)
        out.loc[out["line"] == "period_result", _COLUMNS[:3]] = \
            out.loc[out["line"] == "result_after_financial", _COLUMNS[:3]].to_numpy()
    fc = region_forecast(forecast, finance, central, period)
    out["forecast"] = np.where(out["line"] == "period_result", fc["forecast"], np.nan)
    notes["forecast"] = WHY["forecast_per_unit"]
    if pd.isna(fc["forecast"]):
        notes[("period_result", "forecast")] = WHY["no_forecast"]
    unplaced = now.loc[now["category"].isna(), "actual"].sum()
    out.attrs.update(notes=notes, units_without_forecast=fc["units_without_forecast"],
                     central_from_budget=fc["central_from_budget"], unplaced=float(unplaced))
    return out


# -- balansräkning -------------------------------------------------------------------------

#: Region-Bas's balance classes (two first digits of a four-digit account) and the line of
#: the balansräkning each belongs to (the kontoklasser of Kommun-Bas, which Region-Bas
#: shares: 10–13 anläggningstillgångar, 14–19 omsättningstillgångar, 20 eget kapital,
#: 22 avsättningar, 23 långfristiga skulder, 24–29 kortfristiga skulder).
BALANCE_CLASSES = {
    **dict.fromkeys(range(10, 14), "fixed_assets"),
    14: "inventories",
    **dict.fromkeys(range(15, 19), "receivables"),
    19: "cash",
    20: "equity_accounts",
    22: "provisions",
    23: "long_term_liabilities",
    **dict.fromkeys(range(24, 30), "current_liabilities"),
}
#: The balance table's account text that carries the pension commitments outside the balance
#: sheet (ansvarsförbindelse, the blandmodell of LKBR), read as a claim whatever its sign.
PENSION_COMMITMENTS = "ansvarsförbindelse"
BALANCE_LINES = ("fixed_assets", "current_assets", "total_assets", "equity", "of_which_result",
                 "provisions", "liabilities", "long_term_liabilities", "current_liabilities",
                 "total_equity_liabilities")
#: Differences (tkr) below this are an export's rounding.
TOLERANCE = 1.0


def balance_classes(balance: pd.DataFrame) -> pd.DataFrame:
    """The balance rows with their ``line`` (:data:`BALANCE_CLASSES`); the pension commitments
    outside the balance sheet have line ``pension_commitments``. An account that is no
    balance account of Region-Bas is an error naming it.

    >>> b = pd.DataFrame({"month": "2021-08", "account": ["1110", "1930", "2010", "2241"],
    ...                   "balance": [5.0, 1.0, -4.0, -2.0]})
    >>> balance_classes(b)["line"].tolist()
    ['fixed_assets', 'cash', 'equity_accounts', 'provisions']
    """
    text = balance["account"].astype(str).str.strip()
    # Region-Bas's four digits, or a region's own longer accounts within its groups (19301)
    number = text.where(text.str.fullmatch(r"[1-9]\d{3,7}"))
    line = pd.to_numeric(number.str[:2], errors="coerce").map(BALANCE_CLASSES)
    line = line.where(~text.str.casefold().str.startswith(PENSION_COMMITMENTS), "pension_commitments")
    bad = line.isna()
    if bad.any():
        shown = ", ".join(sorted(set(text[bad]))[:10])
        raise StatementError(
            f"The balance table has accounts that are no balance account of Region-Bas: {shown} "
            "(expected four-digit accounts in the classes 10–20 or 22–29, or an account named "
            "'Ansvarsförbindelse pensioner' for the pension commitments outside the balance sheet).",
            f"balansräkningens underlag har konton som inte är balanskonton: {shown}")
    return balance.assign(line=line.astype(object))


def _result_to(rows: pd.DataFrame, month: str) -> float:
    """The result of ``month``'s year from January through ``month`` (NaN: the ledger does
    not reach back to that year)."""
    months = [f"{month[:4]}-{m:02d}" for m in range(1, int(month[5:]) + 1)]
    return float(in_months(rows, months)["actual"].sum(min_count=1))


def _sheet(balance: pd.DataFrame, rows: pd.DataFrame, month: str) -> dict | None:
    at = balance[balance["month"] == month]
    if at.empty:
        return None
    sums = at.groupby("line")["balance"].sum()
    get = lambda *lines: float(sum(sums.get(x, 0.0) for x in lines))  # noqa: E731
    fixed = get("fixed_assets")
    current = get("inventories", "receivables", "cash")
    assets = fixed + current
    equity_accounts, provisions = -get("equity_accounts"), -get("provisions")
    long_term, short = -get("long_term_liabilities"), -get("current_liabilities")
    claims = equity_accounts + provisions + long_term + short
    result = _result_to(rows, month)
    # an open year's result is still on the income accounts: the equity carries it; a closed
    # one (booked to the equity at the year's end) is in the equity accounts already
    if not np.isnan(result) and abs(assets - claims - result) < TOLERANCE:
        equity = equity_accounts + result
    elif abs(assets - claims) < TOLERANCE:
        equity = equity_accounts
    else:
        raise StatementError(
            f"The balance sheet of {month} does not balance: tillgångar {assets:,.1f} tkr, eget kapital, "
            f"avsättningar och skulder {claims:,.1f} tkr and the year's result to {month} "
            f"{result:,.1f} tkr; the difference is {assets - claims - result:,.1f} tkr "
            "(expected the balance table to hold every balance account of the ledger)."
            .replace(",", " "),
            f"balansräkningen per {month} går inte ihop: tillgångarna och eget kapital, avsättningar "
            f"och skulder skiljer sig med {assets - claims - result:,.1f} tkr".replace(",", " ").replace(".", ","))
    out = {"fixed_assets": fixed, "current_assets": current, "total_assets": assets,
           "equity": equity, "of_which_result": result, "provisions": provisions,
           "liabilities": long_term + short, "long_term_liabilities": long_term,
           "current_liabilities": short, "total_equity_liabilities": equity + provisions + long_term + short,
           "inventories": get("inventories")}
    # a commitment is a claim whichever sign the export gives it (a memo row is often
    # written as the amount): never a negative commitment that would raise the soliditet
    out["pension_commitments"] = (abs(get("pension_commitments")) if "pension_commitments" in sums.index
                                  else np.nan)
    return out


def balance_sheet(balance: pd.DataFrame, finance: pd.DataFrame, central: pd.DataFrame,
                  period: str | Period) -> pd.DataFrame:
    """The balansräkning at the period's end against 31 december last year.

    ``balance`` holds closing balances per month and account (tkr, debit positive); the
    finance rows give the year's result, which the equity carries while the year is open
    (an interim balance sheet's "periodens resultat"). Assets must equal equity, provisions
    and liabilities: otherwise :class:`~regionanalytics.exceptions.StatementError` names
    the difference.

    Returns
    -------
    DataFrame
        ``line`` (:data:`BALANCE_LINES`), ``at_end`` and ``at_prev_year_end`` (tkr,
        assets and claims positive); ``attrs["notes"]`` says why a column is missing,
        ``attrs["pension_commitments"]`` the two dates' ansvarsförbindelse (NaN: not given)
        and ``attrs["inventories"]`` their förråd.

    Examples
    --------
    >>> b = pd.DataFrame({"month": ["2020-12"] * 3 + ["2021-01"] * 3, "account": ["1110", "2010", "2241"] * 2,
    ...                   "balance": [100.0, -60.0, -40.0, 110.0, -60.0, -40.0]})
    >>> fin = pd.DataFrame({"month": ["2021-01"], "category": "Skatteintäkter", "actual": [10.0], "budget": None})
    >>> bs = balance_sheet(b, fin, fin.iloc[:0], "2021-01").set_index("line")
    >>> bs.loc[["total_assets", "equity", "of_which_result"], "at_end"].tolist()
    [110.0, 70.0, 10.0]
    """
    period = Period.parse(period)
    rows = _rows(finance, central)
    classed = balance_classes(balance)
    out = pd.DataFrame({"line": list(BALANCE_LINES)})
    notes, pensions, inventories = {}, {}, {}
    for column, month in (("at_end", period.end_month), ("at_prev_year_end", period.previous_year_end_month)):
        sheet = _sheet(classed, rows, month)
        if sheet is None:
            out[column] = np.nan
            notes[column] = WHY["no_balance"].format(months=months_sv([month]))
            pensions[column] = inventories[column] = np.nan
            continue
        out[column] = [sheet[line] for line in BALANCE_LINES]
        pensions[column], inventories[column] = sheet["pension_commitments"], sheet["inventories"]
    out[["at_end", "at_prev_year_end"]] = out[["at_end", "at_prev_year_end"]].astype("float64").round(6) + 0.0
    out.attrs.update(notes=notes, pension_commitments=pensions, inventories=inventories)
    return out


def balance_key_figures(balance: pd.DataFrame, finance: pd.DataFrame, central: pd.DataFrame,
                        period: str | Period) -> pd.DataFrame:
    """The balance sheet's key figures at the period's end.

    ``equity_ratio_pct`` is soliditet (eget kapital over summa tillgångar × 100);
    ``equity_ratio_incl_pensions_pct`` the same with the pension commitments outside the
    balance sheet taken from the equity (NaN unless the data gives them); ``liquidity_pct``
    kassalikviditet: omsättningstillgångar less förråd over kortfristiga skulder × 100.

    >>> b = pd.DataFrame({"month": "2021-01", "account": ["1110", "1460", "1930", "2010", "2440", "Ansvarsförbindelse"],
    ...                   "balance": [100.0, 5.0, 45.0, -120.0, -30.0, -60.0]})
    >>> fin = pd.DataFrame({"month": ["2021-01"], "category": "Skatteintäkter", "actual": [0.0], "budget": None})
    >>> balance_key_figures(b, fin, fin.iloc[:0], "2021-01").round(1).values.tolist()
    [[150.0, 120.0, 80.0, 60.0, 40.0, 150.0]]
    """
    sheet = balance_sheet(balance, finance, central, period)
    at = sheet.set_index("line")["at_end"]
    pensions = sheet.attrs["pension_commitments"]["at_end"]
    inventories = sheet.attrs["inventories"]["at_end"]
    out = pd.DataFrame([{
        "total_assets": at["total_assets"], "equity": at["equity"],
        "equity_ratio_pct": float(pct(at["equity"], at["total_assets"])),
        "pension_commitments": pensions,
        "equity_ratio_incl_pensions_pct": float(pct(at["equity"] - pensions, at["total_assets"])),
        "liquidity_pct": float(pct(at["current_assets"] - inventories, at["current_liabilities"])),
    }])
    out.attrs["notes"] = sheet.attrs["notes"]
    return out


# -- balanskravsutredning ------------------------------------------------------------------

BALANCE_REQUIREMENT_LINES = ("result", "realisation_gains", "unrealised_securities",
                             "result_after_adjustments", "to_reserve", "from_reserve",
                             "balance_requirement_result")


def balance_requirement(finance: pd.DataFrame, central: pd.DataFrame, forecast: pd.DataFrame,
                        period: str | Period, plan: pd.DataFrame | None = None,
                        balance: pd.DataFrame | None = None) -> pd.DataFrame:
    """The balanskravsutredning for the period and for the forecast year.

    The result less every realisationsvinst, adjusted for unrealised gains and losses in
    securities (taken out: a gain lowers, a loss raises the balanskravsresultat), less what
    is reserved to and plus what is drawn from the resultatutjämningsreserv. Each adjustment
    comes from a category the account plan names (:mod:`regionanalytics.accounts`); one
    it cannot name is missing with its reason, and the balanskravsresultat is then that of
    the adjustments that are known (``attrs["incomplete"]`` lists the others).

    The forecast year's adjustments are those booked by the period's end (a realisation
    gain or a reservation later in the year is not known at it); its result is
    :func:`region_forecast`'s.

    Returns
    -------
    DataFrame
        ``line`` (:data:`BALANCE_REQUIREMENT_LINES`), ``period`` and ``forecast`` (tkr,
        adjustments signed as they act on the result); ``attrs["notes"]``, ``attrs["incomplete"]``.

    Examples
    --------
    >>> cen = pd.DataFrame({"month": ["2021-01"] * 2, "division": "F", "unit": "f",
    ...     "category": ["Skatteintäkter", "Realisationsvinster"], "actual": [50.0, 8.0], "budget": [600.0, 0.0]})
    >>> fin = cen.iloc[:0]
    >>> br = balance_requirement(fin, cen, fin.assign(forecast=0.0), "2021-01").set_index("line")
    >>> br.loc[["result", "realisation_gains", "result_after_adjustments"], "period"].tolist()
    [58.0, -8.0, 50.0]
    >>> float(br.loc["balance_requirement_result", "forecast"]), br.attrs["incomplete"]
    (592.0, ['unrealised_securities', 'to_reserve', 'from_reserve'])
    """
    period = Period.parse(period)
    rows = _rows(finance, central)
    now = in_months(rows, period.months)
    named = named_categories(finance, central, plan)
    result = float(now["actual"].sum())
    fc = region_forecast(forecast, finance, central, period)["forecast"]
    notes: dict = {}
    values = {"result": (result, fc)}
    incomplete = []
    for line, category, what in (("realisation_gains", acc.REALISATION_GAINS, "realisationsvinster"),
                                 ("unrealised_securities", acc.UNREALISED_SECURITIES,
                                  "orealiserade vinster och förluster i värdepapper")):
        if category in named:
            amount = -float(now.loc[now["category"] == category, "actual"].sum()) + 0.0
            values[line] = (amount, amount)
        else:
            values[line] = (np.nan, np.nan)
            notes[(line, "period")] = notes[(line, "forecast")] = WHY["not_in_plan"].format(what=what)
            incomplete.append(line)
    known = [values[k] for k in ("result", "realisation_gains", "unrealised_securities")]
    after = tuple(float(np.nansum([v[i] for v in known])) if not np.isnan(known[0][i]) else np.nan
                  for i in (0, 1))
    values["result_after_adjustments"] = after
    movement = _reserve_movement(balance, plan, period)
    if movement is None:
        for line in ("to_reserve", "from_reserve"):
            values[line] = (np.nan, np.nan)
            notes[(line, "period")] = notes[(line, "forecast")] = WHY["no_reserve"]
            incomplete.append(line)
        reserve = 0.0
    else:
        to, drawn = -max(movement, 0.0) + 0.0, max(-movement, 0.0)
        values["to_reserve"], values["from_reserve"] = (to, to), (drawn, drawn)
        reserve = to + drawn
    values["balance_requirement_result"] = tuple(a + reserve for a in after)
    out = pd.DataFrame({"line": list(BALANCE_REQUIREMENT_LINES),
                        "period": [values[k][0] for k in BALANCE_REQUIREMENT_LINES],
                        "forecast": [values[k][1] for k in BALANCE_REQUIREMENT_LINES]})
    if np.isnan(fc):
        notes["forecast"] = WHY["no_forecast"]
    out[["period", "forecast"]] = out[["period", "forecast"]].astype("float64").round(6) + 0.0
    out.attrs.update(notes=notes, incomplete=incomplete)
    return out


def _reserve_movement(balance: pd.DataFrame | None, plan: pd.DataFrame | None, period: Period) -> float | None:
    """What was reserved to the resultatutjämningsreserv since 31 december (positive) or
    drawn from it (negative), from the balance accounts the plan names as the reserve;
    None when the plan names none or the balance table lacks either date."""
    if balance is None or plan is None or balance.empty or not len(plan):
        return None
    rules = plan[plan["category"] == acc.EQUALISATION_RESERVE]
    if rules.empty:
        return None
    reserve = balance[acc.categorise(balance["account"], rules) == acc.EQUALISATION_RESERVE]
    ends = {m: reserve.loc[reserve["month"] == m, "balance"].sum() for m in
            (period.end_month, period.previous_year_end_month)}
    months = set(balance["month"])
    if period.end_month not in months or period.previous_year_end_month not in months:
        return None
    # credit balances are negative: a reserve that grew has a more negative balance
    return float(-(ends[period.end_month] - ends[period.previous_year_end_month]))


def balance_requirement_met(value: float) -> bool | None:
    """Whether a balanskravsresultat meets the requirement (not below 0; None: unknown).

    >>> balance_requirement_met(0.0), balance_requirement_met(-0.4), balance_requirement_met(float("nan"))
    (True, False, None)
    """
    if value is None or pd.isna(value):
        return None
    return bool(value >= 0)


# -- god ekonomisk hushållning -------------------------------------------------------------

def goal_indicators(finance: pd.DataFrame, central: pd.DataFrame, forecast: pd.DataFrame,
                    investments: pd.DataFrame, balance: pd.DataFrame, period: str | Period) -> dict:
    """The year's figures the financial goals are assessed against, from the forecast.

    ``result_share`` the forecast result over the year's budgeted skatteintäkter och
    generella statsbidrag × 100 (the forecast is made as a result, not per line);
    ``self_financing`` the forecast result plus the year's budgeted depreciation over the
    year's investment budget × 100 (självfinansieringsgrad); ``equity_ratio`` and
    ``equity_ratio_incl_pensions`` soliditet at the period's end. NaN where the data
    cannot give it.

    >>> cen = pd.DataFrame({"month": ["2021-01"] * 2, "division": "F", "unit": "f",
    ...     "category": ["Skatteintäkter", "Avskrivningar"], "actual": [50.0, -2.0], "budget": [600.0, -30.0]})
    >>> inv = pd.DataFrame({"month": ["2021-06"], "division": "F", "project": "P", "actual": None, "budget": [40.0]})
    >>> out = goal_indicators(cen.iloc[:0], cen, cen.iloc[:0].assign(forecast=0.0), inv, pd.DataFrame(), "2021-01")
    >>> round(out["result_share"], 1), round(out["self_financing"], 1), out["equity_ratio"]
    (95.0, 1500.0, nan)
    """
    period = Period.parse(period)
    rows = in_months(_rows(finance, central), period.year_months)
    fc = region_forecast(forecast, finance, central, period)["forecast"]
    tax = rows.loc[rows["category"].isin(list(acc.TAX_FINANCING)), "budget"].sum(min_count=1)
    depreciation = -rows.loc[rows["category"] == acc.DEPRECIATION, "budget"].sum(min_count=1)
    invest = in_months(investments, period.year_months)["budget"].sum(min_count=1) if len(investments) else np.nan
    out = {"result_share": float(pct(fc, tax)),
           "self_financing": float(pct(fc + depreciation, invest)),
           "equity_ratio": np.nan, "equity_ratio_incl_pensions": np.nan}
    if balance is not None and len(balance) and (balance["month"] == period.end_month).any():
        try:
            key = balance_key_figures(balance, finance, central, period).iloc[0]
        except StatementError:  # the balance sheet says why; its goals are not assessed
            return out
        out["equity_ratio"] = key["equity_ratio_pct"]
        out["equity_ratio_incl_pensions"] = key["equity_ratio_incl_pensions_pct"]
    return out


def assess(value: float, target: float) -> str | None:
    """uppfyllt at or above the target, delvis at half of it or more (a positive target),
    ej below; None when the value is not known.

    >>> [assess(v, 100.0) for v in (100.0, 60.0, 40.0, float("nan"))]
    ['uppfyllt', 'delvis', 'ej', None]
    """
    if pd.isna(value) or pd.isna(target):
        return None
    if value >= target:
        return "uppfyllt"
    if target > 0 and value >= target / 2:
        return "delvis"
    return "ej"


def financial_goals(goals: pd.DataFrame, indicators: dict) -> pd.DataFrame:
    """Each financial goal assessed from the forecast: ``goal``, ``indicator``, ``target``,
    ``value`` and ``assessment`` (uppfyllt / delvis / ej; None when the value is unknown).

    >>> g = pd.DataFrame({"goal": ["Resultat", "Investeringar"], "indicator": ["result_share", "self_financing"],
    ...                   "target": [1.0, 100.0]})
    >>> financial_goals(g, {"result_share": 1.4, "self_financing": 70.0})["assessment"].tolist()
    ['uppfyllt', 'delvis']
    """
    out = goals[["goal", "indicator", "target"]].copy()
    out["value"] = [indicators.get(i, np.nan) for i in out["indicator"]]
    out["assessment"] = [assess(v, t) for v, t in zip(out["value"], out["target"])]
    return out.reset_index(drop=True)
