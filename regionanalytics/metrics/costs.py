"""Costs by account category: staff costs and hired staff, net cost development, the
region's result with its financial items, and investments.

Amounts are tkr. Costs are shown as positive amounts (what was spent), as the
text of a delårsrapport speaks of them; the finance table holds them negative.
Every figure needs the finance rows' ``category`` (see
:mod:`regionanalytics.accounts`) and is NaN where no row has one of its categories. A row
the account plan cannot place counts in the net cost (it is above the tax revenue in the
income statement) and in the region's result, never in a named line.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..accounts import (FINANCIAL_ITEMS, HIRED_STAFF, NET_COST, OPERATING_REVENUE, PERSONNEL,
                        TAX_FINANCING)
from ..periods import Period
from ._frames import as_by, check_by, group_sum, in_months, join_by, pct


#: The net cost (verksamhetens nettokostnad) is every row above the tax revenue: the
#: operating categories and an account the plan cannot place (``None`` here), which the
#: income statement would still show somewhere above the financing.
_NET_COST_ROWS = NET_COST + (None,)


def _in(finance: pd.DataFrame, categories) -> pd.DataFrame:
    categories = list(categories)
    if None in categories:
        return finance[finance["category"].isin([c for c in categories if c is not None])
                       | finance["category"].isna()]
    return finance[finance["category"].isin(categories)]


def _sum(rows: pd.DataFrame, by: list[str], categories, name: str,
         column: str = "actual", sign: float = -1.0) -> pd.DataFrame:
    """``sign`` × the sum of ``column`` over ``rows`` of ``categories`` (NaN where a group
    has none), as column ``name``. ``rows`` are those of one span (selected once)."""
    rows = _in(rows, categories)
    out = group_sum(rows, by, [column]).rename(columns={column: name})
    out[name] = out[name] * sign + 0.0
    return out


def _complete(finance: pd.DataFrame, by: list[str], frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``frames`` joined on ``by``, with every group of the finance table present."""
    out = frames[0]
    for frame in frames[1:]:
        out = join_by(out, frame, by)
    if by:
        groups = finance[by].drop_duplicates()
        out = groups.merge(out, on=by, how="left").sort_values(by).reset_index(drop=True)
    return out


def staff_costs(finance: pd.DataFrame, period: str | Period,
                by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Personnel costs and hired staff (inhyrd personal) against the same period last year.

    Returns
    -------
    DataFrame
        ``by`` columns, ``personnel_cost``, ``personnel_cost_prev_year``,
        ``personnel_cost_change_pct``, ``hired_staff_cost``,
        ``hired_staff_cost_prev_year`` and ``hired_staff_share_pct`` (hired staff cost over
        the group's own personnel costs, as SKR measures it: "hyrkostnad i procent av de
        egna personalkostnaderna"), tkr as positive costs.

    Examples
    --------
    >>> fin = pd.DataFrame({"month": ["2020-01", "2020-01", "2021-01", "2021-01"], "division": "D",
    ...     "category": ["Personalkostnader", "Inhyrd personal"] * 2,
    ...     "actual": [-100.0, -10.0, -110.0, -40.0]})
    >>> staff_costs(fin, "2021-01", by=[]).round(1).values.tolist()
    [[110.0, 100.0, 10.0, 40.0, 10.0, 36.4]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(finance, by, "finance")
    staff = _in(finance, [PERSONNEL, HIRED_STAFF])
    now, before = staff["month"].isin(period.months), staff["month"].isin(period.previous_year().months)
    staff, now, before = staff[now | before], now[now | before], before[now | before]
    # the four sums, each over its own rows, in one grouping (NaN where a group has none)
    cost = -staff["actual"]
    personnel = staff["category"] == PERSONNEL
    parts = staff[by].assign(personnel_cost=cost.where(now & personnel),
                             personnel_cost_prev_year=cost.where(before & personnel),
                             hired_staff_cost=cost.where(now & ~personnel),
                             hired_staff_cost_prev_year=cost.where(before & ~personnel))
    out = _complete(finance, by, [group_sum(parts, by, ["personnel_cost", "personnel_cost_prev_year",
                                                        "hired_staff_cost", "hired_staff_cost_prev_year"])])
    out["personnel_cost_change_pct"] = pct(out["personnel_cost"] - out["personnel_cost_prev_year"],
                                           out["personnel_cost_prev_year"])
    # SKR: hired staff against the region's own personnel costs, not against both together
    out["hired_staff_share_pct"] = pct(out["hired_staff_cost"], out["personnel_cost"])
    return out[by + ["personnel_cost", "personnel_cost_prev_year", "personnel_cost_change_pct",
                     "hired_staff_cost", "hired_staff_cost_prev_year", "hired_staff_share_pct"]]


def net_cost(finance: pd.DataFrame, period: str | Period,
             by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Nettokostnadsutveckling: the operating costs (depreciation included) net of the
    operating revenue, against the same period last year.

    For a group whose revenue includes the region's internal funding (a division's
    Regionersättning) this is only its result with the sign turned; the region's figure,
    where that funding nets out against the central level, is :func:`region_result`'s.

    Returns
    -------
    DataFrame
        ``by`` columns, ``operating_revenue``, ``operating_costs`` (positive, depreciation
        included), ``net_cost``, ``net_cost_prev_year`` and ``net_cost_change_pct``.

    Examples
    --------
    >>> fin = pd.DataFrame({"month": ["2020-01"] * 2 + ["2021-01"] * 2, "division": "D",
    ...     "category": ["Verksamhetens intäkter", "Personalkostnader"] * 2,
    ...     "actual": [20.0, -120.0, 30.0, -135.0]})
    >>> net_cost(fin, "2021-01", by=[]).values.tolist()
    [[30.0, 135.0, 105.0, 100.0, 5.0]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(finance, by, "finance")
    now, before = in_months(finance, period.months), in_months(finance, period.previous_year().months)
    out = _complete(finance, by, [
        _sum(now, by, [OPERATING_REVENUE], "operating_revenue", sign=1.0),
        _sum(now, by, [c for c in NET_COST if c != OPERATING_REVENUE], "operating_costs"),
        _sum(now, by, _NET_COST_ROWS, "net_cost"),
        _sum(before, by, _NET_COST_ROWS, "net_cost_prev_year"),
    ])
    out["net_cost_change_pct"] = pct(out["net_cost"] - out["net_cost_prev_year"],
                                     out["net_cost_prev_year"])
    return out[by + ["operating_revenue", "operating_costs", "net_cost", "net_cost_prev_year",
                     "net_cost_change_pct"]]


def region_result(finance: pd.DataFrame, central: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """The region's result: the divisions' and the central level's operating result, tax
    revenue and general grants, and the financial items, against budget and last year.

    ``central`` holds the finance rows of the region's central level (finansförvaltningen:
    the rows of divisions that book tax revenue, see :func:`regionanalytics.accounts.split_central`).

    Returns
    -------
    DataFrame
        One row: ``net_cost`` (verksamhetens nettokostnad, positive; the divisions'
        internal funding nets out against the central level's), ``net_cost_prev_year``,
        ``net_cost_change_pct`` (nettokostnadsutveckling), ``tax_revenue``
        (skatteintäkter plus generella statsbidrag och utjämning), ``tax_revenue_prev_year``,
        ``tax_revenue_change_pct``, ``financial_net``, ``region_result`` (every row of the
        period, an account outside the account plan's categories included),
        ``region_result_budget`` (NaN without a budget), ``region_result_prev_year`` (NaN
        where the data has no tax revenue).

    Examples
    --------
    >>> central = pd.DataFrame({"month": ["2020-01", "2021-01", "2021-01"], "division": "F",
    ...     "category": ["Skatteintäkter", "Skatteintäkter", "Finansiella kostnader"],
    ...     "actual": [180.0, 200.0, -5.0], "budget": [170.0, 190.0, -4.0]})
    >>> fin = pd.DataFrame({"month": ["2020-01", "2021-01"], "division": "D",
    ...     "category": "Personalkostnader", "actual": [-150.0, -160.0], "budget": [-150.0, -150.0]})
    >>> region_result(fin, central, "2021-01").values.tolist()
    [[160.0, 150.0, 6.666666666666667, 200.0, 180.0, 11.11111111111111, -5.0, 35.0, 36.0, 30.0]]
    """
    period = Period.parse(period)
    columns = ["month", "category", "actual", "budget"]
    rows = pd.concat([finance[columns], central[columns]], ignore_index=True)
    now, before = in_months(rows, period.months), in_months(rows, period.previous_year().months)
    # the region's result is every row of the period, whatever its category: an account
    # the plan cannot place still moved the result (validate and the report name it)
    parts = [
        _sum(now, [], _NET_COST_ROWS, "net_cost"),
        _sum(before, [], _NET_COST_ROWS, "net_cost_prev_year"),
        _sum(now, [], TAX_FINANCING, "tax_revenue", sign=1.0),
        _sum(before, [], TAX_FINANCING, "tax_revenue_prev_year", sign=1.0),
        _sum(now, [], FINANCIAL_ITEMS, "financial_net", sign=1.0),
        group_sum(now, [], ["actual"]).rename(columns={"actual": "region_result"}),
        group_sum(now, [], ["budget"]).rename(columns={"budget": "region_result_budget"}),
        group_sum(before, [], ["actual"]).rename(columns={"actual": "region_result_prev_year"}),
    ]
    out = pd.concat(parts, axis=1)
    out["net_cost_change_pct"] = pct(out["net_cost"] - out["net_cost_prev_year"], out["net_cost_prev_year"])
    out["tax_revenue_change_pct"] = pct(out["tax_revenue"] - out["tax_revenue_prev_year"],
                                        out["tax_revenue_prev_year"])
    if out["tax_revenue"].isna().all():  # without its financing the region has no result
        # (and the divisions' internal funding is not netted out of the net cost)
        for column in ("region_result", "region_result_budget", "region_result_prev_year", "net_cost",
                       "net_cost_prev_year", "net_cost_change_pct"):
            out[column] = float("nan")
    return out[["net_cost", "net_cost_prev_year", "net_cost_change_pct", "tax_revenue", "tax_revenue_prev_year", "tax_revenue_change_pct",
                "financial_net", "region_result", "region_result_budget", "region_result_prev_year"]]


def investments(table: pd.DataFrame, period: str | Period,
                by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Investments to date against their budget, and the year's investment budget.

    Returns
    -------
    DataFrame
        ``by`` columns, ``investments`` (actual to date), ``investment_budget`` (to date),
        ``investment_budget_year`` and ``investment_pct`` (actual over the year's budget).

    Examples
    --------
    >>> inv = pd.DataFrame({"month": ["2021-01", "2021-02", "2021-12"], "division": "D",
    ...     "project": "P", "actual": [10.0, 5.0, None], "budget": [8.0, 8.0, 14.0]})
    >>> investments(inv, "2021-02", by=[]).values.tolist()
    [[15.0, 16.0, 30.0, 50.0]]
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(table, by, "investments")
    to_date = group_sum(in_months(table, period.months), by, ["actual", "budget"])
    to_date = to_date.rename(columns={"actual": "investments", "budget": "investment_budget"})
    year = group_sum(in_months(table, period.year_months), by, ["budget"])
    out = join_by(to_date, year.rename(columns={"budget": "investment_budget_year"}), by)
    out["investment_pct"] = pct(out["investments"], out["investment_budget_year"])
    return out[by + ["investments", "investment_budget", "investment_budget_year", "investment_pct"]]
