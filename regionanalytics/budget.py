"""The budget from its own system, combined with the ledger's actuals; what the two disagree on.

A region keeps its budget in a budget system (Stratsys, Hypergene, a budget module),
not in the ledger: the ledger's SIE export then has no ``#PBUDGET`` and a finance
CSV no budget column. A ``budget`` table in the data folder gives it (month,
division and unit or a kostnadsställe code, account, budget), read as such a
system exports it (title rows, decimal commas, the unit in the amount's header:
``Belopp (kr)`` is kronor, no unit is tkr).

Signs are decided once per file, from the accounts the account plan places (never per
row): a file whose costs (Personalkostnader, Köpt verksamhet, ... Finansiella kostnader)
sum negative is in the contract's sign (revenue +, cost −) and read as it is; costs
positive and revenue negative (or, in a file without costs, revenue negative) is the
ledger's sign (debit +), every amount is turned;
costs and revenue both positive is a file of amounts without sign (the account says
which it is), the costs are turned, and an account the plan cannot place is then an
error (its sign cannot be known).

When the finance table has budget figures too (a budget column, or ``#PBUDGET``), the
budget table wins: it is the budget system's, adopted budget; a note names both
sources and their totals.

Within a month that has any budget, a key (month, unit, account) without a budget row
is budgeted 0: a budget system exports every budgeted key. A month without any budget
row has no budget: its budget figures are missing, never 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import (DEPRECIATION, FINANCIAL_COSTS, FINANCIAL_INCOME, OPERATING_COSTS,
                       OPERATING_REVENUE, REALISATION_GAINS, REALISATION_LOSSES, TAX_FINANCING,
                       categorise)
from .exceptions import Problem
from .loaders import ROW

KEY = ["month", "division", "unit", "account"]
#: Categories whose amounts are costs, and those that are revenue, in the contract's sign.
COST_CATEGORIES = OPERATING_COSTS + (DEPRECIATION, FINANCIAL_COSTS, REALISATION_LOSSES)
REVENUE_CATEGORIES = (OPERATING_REVENUE,) + TAX_FINANCING + (FINANCIAL_INCOME, REALISATION_GAINS)
#: How many units or accounts a note lists before it counts the rest.
LISTED = 10
#: A budget this many times the actuals (or this share of them) is in another unit: real
#: budgets and actuals of one region differ by a few tens of percent, a unit by 1 000.
UNIT_RATIO = 100
#: Amounts (tkr) smaller than this are 0: a rounded export's noise.
_ZERO = 0.0005


def _tkr(value: float) -> str:
    return f"{value:,.1f} tkr".replace(",", " ")


def signed(budget: pd.DataFrame, rules, name: str) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """The budget table in the contract's sign (revenue +, cost −), a note on what was
    turned, and a problem for every account whose sign cannot be known.

    ``rules`` is the region's accounts table (None: the default plan).

    >>> b = pd.DataFrame({"month": "2021-01", "division": "D", "unit": "U", "code": None,
    ...                   "account": ["4011", "3011"], "budget": [100.0, -20.0], "_row": [3, 4]})
    >>> out, notes, problems = signed(b, None, "budget.csv")
    >>> out["budget"].tolist(), "the ledger's sign" in notes[0], problems
    ([-100.0, 20.0], True, [])
    """
    if budget.empty:
        return budget, [], []
    category = categorise(budget["account"], rules)
    amount = budget["budget"]
    costs = amount[category.isin(list(COST_CATEGORIES))].sum()
    revenue = amount[category.isin(list(REVENUE_CATEGORIES))].sum()
    # a file of revenue only (the central level's tax revenue) tells its sign by the revenue
    if costs < 0 or (costs == 0 and revenue >= 0):
        return budget, [], []
    out = budget.copy()
    if revenue <= 0:
        out["budget"] = -amount + 0.0
        return out, [f"{name}: costs are positive and revenue negative (the ledger's sign, debit "
                     f"positive): every amount read with its sign turned (revenue +, cost −)"], []
    # amounts without sign: the account says whether it is a cost
    is_cost = category.isin(list(COST_CATEGORIES))
    out["budget"] = amount.where(~is_cost, -amount) + 0.0
    problems = []
    unplaced = category.isna() & budget["account"].notna()
    for account, group in budget[unplaced].groupby("account", sort=True):
        rows = ", ".join(str(int(r)) for r in group[ROW].head(5))
        problems.append(Problem(name, int(group[ROW].iloc[0]), "account", str(account),
                                "an account the account plan places (costs and revenue are both "
                                "positive in this file, so only the account tells a cost from revenue); "
                                f"rows {rows}{' and more' if len(group) > 5 else ''} have it"))
    return out, [f"{name}: costs and revenue are both positive (amounts without sign): costs read as "
                 "negative, revenue as positive, by the account plan's category of each account"], problems


def unit_problems(finance: pd.DataFrame, budget: pd.DataFrame, names: dict[str, str]) -> list[Problem]:
    """A problem when the budget table is :data:`UNIT_RATIO` times the actuals or more (or
    that share of them or less) over the closed months it budgets and the units and
    accounts it budgets (the units alone where no account is in both): one of the two is in another unit than its header or title says (kronor
    read as tkr), and every budget figure would be wrong by that factor.

    >>> fin = pd.DataFrame({"month": "2021-01", "division": "D", "unit": ["a", "b"], "actual": [-500.0, -300.0]})
    >>> bud = pd.DataFrame({"month": "2021-01", "division": "D", "unit": ["a", "b"],
    ...                     "budget": [-480_000.0, -310_000.0]})
    >>> [p.column for p in unit_problems(fin, bud, {"budget": "b.csv", "finance": "f.csv"})]
    ['budget']

    A budget for one unit of a large region is compared with that unit's actuals:

    >>> big = pd.DataFrame({"month": "2021-01", "division": "D", "unit": ["a", "z"], "actual": [-500.0, -1e6]})
    >>> unit_problems(big, bud.iloc[:1].assign(budget=-480.0), {"budget": "b.csv", "finance": "f.csv"})
    []

    A budget of one account of a unit is compared with that account's actuals:

    >>> fin = pd.DataFrame({"month": "2021-01", "division": "D", "unit": "a", "account": ["4011", "5011"],
    ...                     "actual": [-100.0, -90_000.0]})
    >>> bud = pd.DataFrame({"month": "2021-01", "division": "D", "unit": "a", "account": ["4011"],
    ...                     "budget": [-110.0]})
    >>> unit_problems(fin, bud, {"budget": "b.csv", "finance": "f.csv"})
    []
    """
    if budget is None or budget.empty:
        return []
    closed = set(finance.loc[finance["actual"].notna(), "month"]) & set(budget["month"].dropna())
    if not closed:
        return []
    planned = float(budget.loc[budget["month"].isin(closed), "budget"].abs().sum())
    # the actuals of the units and accounts budgeted: a budget for a few units (or a staff
    # budget of a few accounts) is not the region's; where the two name their accounts
    # differently, the units'
    booked = 0.0
    for keys in (["division", "unit", "account"], ["division", "unit"]):
        if not all(k in budget and k in finance for k in keys):
            continue
        budgeted = pd.MultiIndex.from_frame(budget[keys].drop_duplicates().astype(str))
        of_keys = pd.MultiIndex.from_frame(finance[keys].astype(str)).isin(budgeted)
        booked = float(finance.loc[finance["month"].isin(closed) & of_keys, "actual"].abs().sum())
        if booked > 0:
            break
    if planned <= 0 or booked <= 0 or 1 / UNIT_RATIO < planned / booked < UNIT_RATIO:
        return []
    ratio = planned / booked
    how = f"{ratio:.0f} times" if ratio > 1 else f"1/{1 / ratio:.0f} of"
    months = f"{min(closed)} to {max(closed)}" if len(closed) > 1 else min(closed)
    return [Problem(names["budget"], None, "budget", None,
                    f"a budget in the unit of the actuals; over the closed months {months} the budget sums "
                    f"to {_tkr(planned)} (absolute amounts), {how} the actuals' {_tkr(booked)} in "
                    f"{names['finance']}: one of them is in another unit than it says (kronor read as "
                    "tkr?). State the unit: a title line above the header ('Belopp i kr') or the amount's "
                    "header ('Budget (kr)'); a file without one is read as tkr")]


def fill_budgeted_months(finance: pd.DataFrame) -> pd.DataFrame:
    """Keys without a budget in a month that has budget rows are budgeted 0; months
    without any budget keep NaN (their budget is not known).

    >>> fin = pd.DataFrame({"month": ["2021-01", "2021-01", "2021-02"], "budget": [-5.0, None, None]})
    >>> fill_budgeted_months(fin)["budget"].tolist()
    [-5.0, 0.0, nan]
    """
    budgeted = finance.loc[finance["budget"].notna(), "month"].unique()
    blank = finance["budget"].isna() & finance["month"].isin(budgeted)
    if not blank.any():
        return finance
    return finance.assign(budget=finance["budget"].where(~blank, 0.0))


def combine(finance: pd.DataFrame, budget: pd.DataFrame | None, names: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """The finance rows with the budget table's budget (when there is one) and the
    budget's zeros filled in (see :func:`fill_budgeted_months`), and notes on the
    sources.

    Rows of the budget table without a finance row become finance rows: without an
    actual in a month not closed yet, with 0 in a closed month (nothing was booked).
    """
    notes: list[str] = []
    if budget is not None and len(budget):
        theirs = finance["budget"].notna()
        if theirs.any():
            own = finance.loc[theirs].groupby(finance.loc[theirs, "month"].str[:4])["budget"].sum()
            table = budget.groupby(budget["month"].str[:4])["budget"].sum()
            sums = "; ".join(f"{y}: {_tkr(own.get(y, 0.0))} in {names['finance']}, "
                             f"{_tkr(table.get(y, 0.0))} in {names['budget']}"
                             for y in sorted(set(own.index) | set(table.index)))
            notes.append(f"{names['finance']} has budget figures and {names['budget']} gives the budget "
                         f"too: {names['budget']} is used (the budget system's) and the budget of "
                         f"{names['finance']} is left out ({sums})")
        planned = budget.groupby(KEY, sort=False)["budget"].sum().reset_index()
        closed = finance.loc[finance["actual"].notna(), "month"].unique()
        finance = finance.drop(columns="budget").merge(planned, on=KEY, how="outer", indicator=True)
        # a budgeted key without a ledger row in a closed month had no bookings: 0
        booked_nothing = (finance["_merge"] == "right_only") & finance["month"].isin(closed)
        finance["actual"] = finance["actual"].where(~booked_nothing, 0.0)
        finance = finance.drop(columns="_merge")
        finance[ROW] = finance[ROW].fillna(0).astype("int64")
        finance = finance.sort_values(["month", "division", "unit", "account"], kind="stable")
        finance = finance.reset_index(drop=True)
    return fill_budgeted_months(finance), notes


def disagreements(finance: pd.DataFrame, months: list[str] | None = None) -> pd.DataFrame:
    """Units and accounts where budget and actuals disagree, over the closed months of
    every budgeted year (or over ``months``): actuals without any budget, and a budget
    without any actuals. A unit that disagrees as a whole is named once, not per account.

    Returns
    -------
    DataFrame
        ``year``, ``division``, ``unit``, ``account`` (None for a whole unit), ``kind``
        (``no_budget`` or ``no_actuals``), ``actual`` and ``budget`` (sums, tkr).

    >>> fin = pd.DataFrame({"month": "2021-01", "division": "D", "unit": ["a", "a", "b", "c"],
    ...     "account": ["4011", "5011", "4011", "4011"], "actual": [-10.0, -3.0, -7.0, None],
    ...     "budget": [-9.0, 0.0, 0.0, -4.0]})
    >>> disagreements(fin)[["unit", "account", "kind", "actual", "budget"]].values.tolist()
    [['b', None, 'no_budget', -7.0, 0.0], ['c', None, 'no_actuals', 0.0, -4.0], ['a', '5011', 'no_budget', -3.0, 0.0]]
    """
    columns = ["year", "division", "unit", "account", "kind", "actual", "budget"]
    rows = finance[["month", "division", "unit", "account", "actual", "budget"]]
    if months is not None:
        rows = rows[rows["month"].isin(months)]
    else:
        closed = set(rows.loc[rows["actual"].notna(), "month"])
        budgeted = {m[:4] for m in rows.loc[rows["budget"].notna(), "month"]}
        rows = rows[rows["month"].isin(closed) & rows["month"].str[:4].isin(budgeted)]
    if rows.empty or rows["budget"].isna().all():
        return pd.DataFrame(columns=columns)
    rows = rows.assign(year=rows["month"].str[:4], _a=rows["actual"].abs(), _b=rows["budget"].abs())

    def test(by: list[str]) -> pd.DataFrame:
        # the four sums in one grouping (as named aggregations they were four)
        g = rows.groupby(by, sort=True, dropna=False)[["actual", "budget", "_a", "_b"]].sum().reset_index()
        g["kind"] = np.where((g["_b"] < _ZERO) & (g["_a"] >= _ZERO), "no_budget",
                             np.where((g["_a"] < _ZERO) & (g["_b"] >= _ZERO), "no_actuals", ""))
        return g[g["kind"] != ""]

    units = test(["year", "division", "unit"]).assign(account=None)
    accounts = test(["year", "division", "unit", "account"])
    if len(units):  # a flagged unit's accounts are not named again (one lookup per account)
        flagged = pd.MultiIndex.from_frame(units[["year", "division", "unit"]])
        accounts = accounts[~pd.MultiIndex.from_frame(accounts[["year", "division", "unit"]]).isin(flagged)]
    out = pd.concat([units[columns], accounts[columns]], ignore_index=True)
    out[["actual", "budget"]] = np.round(out[["actual", "budget"]].astype("float64"), 6) + 0.0
    return out


def disagreement_notes(finance: pd.DataFrame, name: str) -> list[str]:
    """:func:`disagreements` as the notes ``validate`` prints (English, amounts in tkr)."""
    found = disagreements(finance)
    notes = []
    for (year, kind), group in found.groupby(["year", "kind"], sort=True):
        items = []
        for rec in group.head(LISTED).itertuples(index=False):
            where = (f"unit '{rec.unit}' ({rec.division})" if rec.account is None
                     else f"account '{rec.account}' of unit '{rec.unit}' ({rec.division})")
            amount = rec.actual if kind == "no_budget" else rec.budget
            items.append(f"{where} {_tkr(amount)}")
        more = f" and {len(group) - LISTED} more" if len(group) > LISTED else ""
        if kind == "no_budget":
            notes.append(f"{name}: actuals without a budget in the closed months of {year}, budgeted 0 "
                         f"(the deviation is the whole result): {'; '.join(items)}{more}")
        else:
            notes.append(f"{name}: a budget without actuals in the closed months of {year} (nothing "
                         f"booked where the budget plans it): {'; '.join(items)}{more}")
    return notes


def unplaced(finance: pd.DataFrame, months: list[str] | None = None) -> pd.DataFrame:
    """Accounts of the finance rows that the account plan cannot place (``category`` NaN):
    they count in every result but in no line of the income statement.

    Returns ``account``, ``rows`` (how many), ``first_rows`` (the file's row numbers, up to
    five), ``actual`` and ``budget`` (sums, tkr), over ``months`` or all rows.

    >>> fin = pd.DataFrame({"month": "2021-01", "account": ["Köpt vård extern", "4011"],
    ...     "category": [None, "Personalkostnader"], "actual": [-191.0, -5.0], "budget": [0.0, -5.0],
    ...     "_row": [2, 3]})
    >>> unplaced(fin)[["account", "rows", "actual"]].values.tolist()
    [['Köpt vård extern', 1, -191.0]]
    """
    rows = finance if months is None else finance[finance["month"].isin(months)]
    rows = rows[rows["category"].isna() & rows["account"].notna()]
    columns = ["account", "rows", "first_rows", "actual", "budget"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    if ROW not in rows:
        rows = rows.assign(**{ROW: 0})
    out = rows.groupby("account", sort=True).agg(
        rows=("account", "size"), actual=("actual", lambda s: s.sum(min_count=1)),
        budget=("budget", lambda s: s.sum(min_count=1)),
        first_rows=(ROW, lambda s: [int(r) for r in s[s > 0].head(5)])).reset_index()
    out[["actual", "budget"]] = np.round(out[["actual", "budget"]].astype("float64"), 6) + 0.0
    return out[columns]


def unplaced_notes(finance: pd.DataFrame, name: str) -> list[str]:
    """The warning ``validate`` prints for each account the default plan cannot place."""
    notes = []
    for rec in unplaced(finance).itertuples(index=False):
        rows = (f" (rows {', '.join(map(str, rec.first_rows))}{' ...' if rec.rows > 5 else ''})"
                if rec.first_rows else "")
        notes.append(f"{name}: account '{rec.account}' is not in the default account plan (Region-Bas "
                     f"classes and names, regionanalytics/accounts.py): {rec.rows} rows{rows}, actuals "
                     f"{_tkr(0.0 if pd.isna(rec.actual) else rec.actual)}"
                     f"{'' if pd.isna(rec.budget) or rec.budget == 0 else ', budget ' + _tkr(rec.budget)}"
                     " in all months; they count in every "
                     "result (the region's too) but in no line of the income statement (personnel "
                     "costs, net cost, ...); an accounts table places them")
    return notes
