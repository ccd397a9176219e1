"""The key metrics of a period per division plus the region total, as tidy rows.

This is what ``regionanalytics metrics`` prints, what the batch runner writes
to ``summary.csv`` and ``summary.xlsx``, and what the index page shows.
"""
from __future__ import annotations

import pandas as pd

import numpy as np

from . import accounts, labels, metrics
from .data import RegionData
from .metrics import shown_sick_leave
from .metrics.sick_leave import has_payroll_sick_hours, hours_pair
from .periods import Period, months_sv
# REGION_ROW: the ``division`` of the region-total rows (a key in the data, not a label:
# reports write labels.REGION_TOTAL); the contract defines it and refuses a division so named
from .schema import MONTHLY_PAID, REGION_ROW

#: Key metric names, in the order they are reported, with their unit.
KEY_METRICS = {
    "result": "tkr",
    "budget": "tkr",
    "budget_deviation": "tkr",
    "result_prev_year": "tkr",
    "result_change": "tkr",
    "annual_budget": "tkr",
    "forecast": "tkr",
    "forecast_deviation": "tkr",
    "result_prev_full_year": "tkr",
    "forecast_vs_prev_year": "tkr",
    "forecast_prev_tertial": "tkr",
    "forecast_change_since_tertial": "tkr",
    "personnel_cost": "tkr",
    "personnel_cost_change_pct": "percent",
    "hired_staff_cost": "tkr",
    "hired_staff_share_pct": "percent",
    "net_cost": "tkr",
    "net_cost_change_pct": "percent",
    "tax_revenue": "tkr",
    "tax_revenue_change_pct": "percent",
    "financial_net": "tkr",
    "region_result": "tkr",
    "region_result_budget": "tkr",
    "investments": "tkr",
    "investment_budget_year": "tkr",
    "total_assets": "tkr",
    "equity": "tkr",
    "equity_ratio_pct": "percent",
    "equity_ratio_incl_pensions_pct": "percent",
    "liquidity": "percent",
    "balance_requirement_result": "tkr",
    "balance_requirement_forecast": "tkr",
    "headcount": "persons",
    "headcount_start": "persons",
    "headcount_change": "persons",
    "headcount_change_pct": "percent",
    "headcount_change_tillsvidare": "persons",
    "headcount_change_visstid": "persons",
    "worked_hours": "hours",
    "worked_hours_prev_year": "hours",
    "worked_hours_change_pct": "percent",
    "worked_fte": "årsarbetare",
    "worked_fte_prev_year": "årsarbetare",
    "fte": "årsarbetare",
    "fte_kolada": "årsarbetare",
    "fulltime_share_pct": "percent",
    "turnover_pct": "percent",
    "turnover_12m_pct": "percent",
    "overtime_hours": "hours",
    "overtime_per_fte": "hours",
    "additional_hours": "hours",
    "additional_per_fte": "hours",
    "sick_leave_pct": "percent",
    "sick_leave_pct_prev_year": "percent",
    "sick_leave_change_pp": "procentenheter",
    "long_term_sick_share_pct": "percent",
    "action_plan_pct": "percent",
    "action_plan_planned_full_year": "tkr",
    "units_without_forecast": "units",
}


def _division_and_region(func, *args) -> pd.DataFrame:
    per_division = func(*args, by=["division"])
    region = func(*args, by=[])
    region.insert(0, "division", REGION_ROW)
    return pd.concat([per_division, region], ignore_index=True)


def _extra_hours(employees: pd.DataFrame, period: Period, structure: pd.DataFrame, by: list[str]):
    """:func:`metrics.extra_hours` with the årsarbetare of ``structure`` (division and region rows)."""
    own = structure[structure["division"] != REGION_ROW] if by else \
        structure[structure["division"] == REGION_ROW].drop(columns="division")
    return metrics.extra_hours(employees, period, by=by, structure=own.reset_index(drop=True))


def staff_cost_rows(finance: pd.DataFrame, central: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Personnel costs and hired staff per division, and the region's row over the divisions
    and the central level (finansförvaltningen: pensions and other staff costs booked
    centrally): the region's own personnel costs are all of them, as its net cost counts them."""
    per_division = metrics.staff_costs(finance, period, by=["division"])
    columns = ["month", "division", "category", "actual"]
    everything = pd.concat([finance[columns], central[columns]], ignore_index=True)
    region = metrics.staff_costs(everything, period, by=[])
    region.insert(0, "division", REGION_ROW)
    return pd.concat([per_division, region], ignore_index=True)


#: The region's balance sheet and balanskrav figures (regionanalytics.metrics.statements).
STATEMENT_FIGURES = ["total_assets", "equity", "equity_ratio_pct", "equity_ratio_incl_pensions_pct",
                     "liquidity", "balance_requirement_result", "balance_requirement_forecast"]
_BALANCE_FIGURES = STATEMENT_FIGURES[:5]


def account_plan(data: RegionData) -> pd.DataFrame | None:
    """The region's own account plan, None when the default (Region-Bas) applies."""
    return data.accounts if "accounts" in data.files else None


def statement_figures(data: RegionData, period: str | Period) -> tuple[dict, dict]:
    """The region's balance sheet and balanskrav key figures, and the reason of each one the
    data cannot give (a balance sheet that does not balance is one: its message says why).

    >>> from regionanalytics import load_region
    >>> figures, why = statement_figures(load_region("data/sample"), "2021-T2")
    >>> sorted(figures) == sorted(STATEMENT_FIGURES)
    True
    """
    period = Period.parse(period)
    # the key metrics and the figures they cannot give both ask: computed once per data set
    # the memo keeps the frames themselves (compared by identity): a frame freed and another
    # made at its address can never be taken for it
    frames = (data, data.finance, data.central, data.forecast, data.balance, data.accounts)
    key = (tuple(sorted(data.fingerprint.items())), period.label)
    held = _STATEMENT_MEMO.get("frames", ())
    if _STATEMENT_MEMO.get("key") != key or len(held) != len(frames) or any(a is not b for a, b in zip(held, frames)):
        _STATEMENT_MEMO.update(key=key, frames=frames, value=_statement_figures(data, period))
    figures, reasons = _STATEMENT_MEMO["value"]
    return dict(figures), dict(reasons)


_STATEMENT_MEMO: dict = {}


def _statement_figures(data: RegionData, period: Period) -> tuple[dict, dict]:
    from .exceptions import StatementError
    from .metrics import statements as st

    figures = dict.fromkeys(STATEMENT_FIGURES, float("nan"))
    reasons: dict[str, str] = {}
    balance = data.balance
    if balance.empty or not (balance["month"] == period.end_month).any():
        reasons.update(dict.fromkeys(_BALANCE_FIGURES, st.WHY["no_balance"].format(
            months=months_sv([period.end_month]))))
    else:
        try:
            key = st.balance_key_figures(balance, data.finance, data.central, period).iloc[0]
            figures.update(total_assets=key["total_assets"], equity=key["equity"],
                           equity_ratio_pct=key["equity_ratio_pct"],
                           equity_ratio_incl_pensions_pct=key["equity_ratio_incl_pensions_pct"],
                           liquidity=key["liquidity_pct"])
            if pd.isna(key["pension_commitments"]):
                reasons["equity_ratio_incl_pensions_pct"] = "underlaget saknar pensionsförpliktelser utanför balansräkningen"
        except StatementError as error:
            reasons.update(dict.fromkeys(_BALANCE_FIGURES, error.reason_sv))
    if not set(accounts.TAX_FINANCING) & set(data.central["category"].dropna()):
        reasons.update(dict.fromkeys(STATEMENT_FIGURES[5:], "ekonomiunderlaget saknar regionens skatteintäkter "
                                                           "och generella statsbidrag"))
    else:
        br = st.balance_requirement(data.finance, data.central, data.forecast, period, account_plan(data),
                                    balance).set_index("line")
        figures["balance_requirement_result"] = br.loc["balance_requirement_result", "period"]
        figures["balance_requirement_forecast"] = br.loc["balance_requirement_result", "forecast"]
        if pd.isna(figures["balance_requirement_forecast"]):
            reasons["balance_requirement_forecast"] = st.WHY["no_forecast"]
    return figures, reasons


def _region_only(row: pd.DataFrame) -> pd.DataFrame:
    return row.assign(division=REGION_ROW)[["division"] + list(row.columns)]


def _sick_leave_rows(employees: pd.DataFrame, absence: pd.DataFrame, period: Period,
                     hours: tuple | None = None) -> pd.DataFrame:
    """Sick leave per division plus the region as the one model of every shown sick-leave
    figure decides it (:mod:`regionanalytics.metrics.shown_sick_leave`)."""
    hours = hours if hours is not None else hours_pair(employees, absence, period)
    cells = shown_sick_leave.figures(employees, absence, period, hours=hours)
    per_division = shown_sick_leave.totals(cells, "division")
    region = shown_sick_leave.totals(cells, "region")
    region.insert(0, "division", REGION_ROW)
    rows = pd.concat([per_division, region], ignore_index=True)
    rows["reason"] = rows["reason"].where(rows["suppressed"], "")
    rows["reason_prev_year"] = rows["reason_prev_year"].where(rows["suppressed_prev_year"], "")
    return rows[["division", "sick_leave_pct", "sick_leave_pct_prev_year", "sick_leave_change_pp",
                 "long_term_sick_share_pct", "suppressed", "suppressed_prev_year", "reason",
                 "reason_prev_year"]].rename(columns={
        "suppressed": "sick_leave_suppressed", "suppressed_prev_year": "sick_leave_suppressed_prev_year",
        "reason": "sick_leave_reason", "reason_prev_year": "sick_leave_reason_prev_year"})


#: Why a sick-leave figure of the key metrics is empty, in the ``note`` of a suppressed row.
SUPPRESSED_NOTES = {"small": f"gruppen har {labels.SMALL_GROUP}",
                    "protects": labels.PROTECTS_REASON}
_SICK_FLAGS = ["sick_leave_suppressed", "sick_leave_suppressed_prev_year", "sick_leave_reason",
               "sick_leave_reason_prev_year"]


#: The sick-leave columns of the key metrics (suppressed together).
SICK_LEAVE_FIGURES = ["sick_leave_pct", "sick_leave_pct_prev_year", "sick_leave_change_pp",
                      "long_term_sick_share_pct"]
#: Which year's decision hides each sick-leave figure of the key metrics.
_SICK_YEARS = {"sick_leave_pct": "now", "long_term_sick_share_pct": "now", "sick_leave_pct_prev_year": "before",
               "sick_leave_change_pp": "both"}
#: Staff figures of the period itself, and those that compare with last year or with December.
STAFF_FIGURES = ["headcount", "headcount_start", "headcount_change", "headcount_change_pct",
                 "headcount_change_tillsvidare", "headcount_change_visstid", "worked_hours",
                 "worked_hours_prev_year", "worked_hours_change_pct", "worked_fte", "worked_fte_prev_year",
                 "fte", "fte_kolada", "fulltime_share_pct", "turnover_pct", "turnover_12m_pct", "overtime_hours", "overtime_per_fte",
                 "additional_hours", "additional_per_fte"]
_SINCE_DECEMBER = ["headcount_start", "headcount_change", "headcount_change_pct",
                   "headcount_change_tillsvidare", "headcount_change_visstid", "turnover_pct"]
#: Figures that need the finance rows' account categories, by the category they need.
_BY_CATEGORY = {
    accounts.PERSONNEL: ["personnel_cost", "personnel_cost_change_pct", "hired_staff_share_pct"],
    accounts.HIRED_STAFF: ["hired_staff_cost", "hired_staff_share_pct"],
}
_REGION_RESULT = ["net_cost", "net_cost_change_pct", "tax_revenue", "tax_revenue_change_pct", "financial_net", "region_result",
                  "region_result_budget"]
#: Figures that need the budget: missing when the data has none for the period's year.
BUDGET_FIGURES = ["budget", "budget_deviation", "annual_budget", "forecast_deviation", "region_result_budget"]
#: Figures missing without a budget only where a unit has no forecast either (its annual
#: budget would stand in): empty values of these say so.
_FORECAST_FIGURES = ["forecast", "forecast_vs_prev_year", "forecast_prev_tertial",
                     "forecast_change_since_tertial"]
#: The reason a budget figure is missing.
NO_BUDGET = "budget saknas i underlaget"
_LAST_YEAR = ["worked_hours_prev_year", "worked_hours_change_pct", "worked_fte_prev_year",
              "sick_leave_pct_prev_year", "sick_leave_change_pp", "turnover_12m_pct"]


def unknown_figures(data: RegionData, period: str | Period) -> dict[str, str]:
    """The key metrics the data cannot give for ``period``, each with the reason in Swedish.

    A figure that cannot be known is shown as missing with its reason, never as 0:
    staff and sick-leave figures need the HR export to cover every month they
    read, sick leave needs an absence table (or the payroll's sick hours), the budget
    figures a budget for the period's year.

    Examples
    --------
    >>> from regionanalytics import load_region
    >>> unknown_figures(load_region("data/sample"), "2021-T1")
    {}
    """
    period = Period.parse(period)
    have = set(data.employees["month"].dropna().unique())
    reasons: dict[str, str] = {}

    def missing(months: list[str]) -> str | None:
        gone = [m for m in months if m not in have]
        return f"uppgifter saknas för {months_sv(gone)}" if gone else None

    if (why := missing(period.months)):
        return {m: why for m in STAFF_FIGURES + SICK_LEAVE_FIGURES}
    if (why := missing([period.previous_year_end_month])):
        reasons.update(dict.fromkeys(_SINCE_DECEMBER, why))
    if (why := missing(period.previous_year().months)):
        reasons.update(dict.fromkeys(_LAST_YEAR, why))
    if "absence" in data.missing and not has_payroll_sick_hours(data.employees):
        reasons.update(dict.fromkeys(SICK_LEAVE_FIGURES, "uppgifter om sjukfrånvaro saknas"))
    if not has_budget(data, period):
        reasons.update(dict.fromkeys(BUDGET_FIGURES, NO_BUDGET))
    categories = set(data.finance["category"].dropna())
    for category, figures in _BY_CATEGORY.items():
        if category not in categories:
            reasons.update(dict.fromkeys(figures, f"ekonomiunderlaget har inga konton för {category.lower()}"))
    if not set(accounts.TAX_FINANCING) & set(data.central["category"].dropna()):
        reasons.update(dict.fromkeys(_REGION_RESULT, "ekonomiunderlaget saknar regionens skatteintäkter "
                                                     "och generella statsbidrag"))
    for column, figures in (("overtime_hours", ["overtime_hours", "overtime_per_fte"]),
                            ("additional_hours", ["additional_hours", "additional_per_fte"])):
        if data.employees[column].isna().all():
            what = "övertid" if column == "overtime_hours" else "mertid"
            reasons.update(dict.fromkeys(figures, f"personalunderlaget saknar {what}"))
    reasons.update(statement_figures(data, period)[1])
    if "investments" in data.missing:
        reasons.update(dict.fromkeys(["investments", "investment_budget_year"],
                                     "uppgifter om investeringar saknas"))
    plans = data.action_plans
    if len(plans):
        # savings achieved are reported after the month: none for the period's last month
        # means the figure to date is not yet known (a lower percentage would be wrong)
        reported = set(plans.loc[plans["achieved"].notna(), "month"])
        if period.end_month not in reported:
            reasons["action_plan_pct"] = (f"uppgifter om genomförda åtgärder saknas för "
                                          f"{months_sv([period.end_month])}")
    return reasons


def has_budget(data: RegionData, period: str | Period) -> bool:
    """Whether the data has a budget for the period's year (the finance table's budget
    column, ``#PBUDGET`` or the budget system's table; see :mod:`regionanalytics.budget`).

    >>> from regionanalytics import load_region
    >>> has_budget(load_region("data/sample"), "2021-T1")
    True
    """
    period = Period.parse(period)
    rows = metrics.in_months(data.finance, period.year_months)
    central = metrics.in_months(data.central, period.year_months)
    return bool(rows["budget"].notna().any() or central["budget"].notna().any())


def missing_where_empty(data: RegionData, period: str | Period) -> dict[str, str]:
    """Figures that are missing, with the reason, wherever their value is empty, though
    they are known elsewhere: without a budget, the forecast of a division with a unit
    that has no forecast (its annual budget cannot stand in).

    >>> from regionanalytics import load_region
    >>> missing_where_empty(load_region("data/sample"), "2021-T1")
    {}
    """
    period = Period.parse(period)
    if has_budget(data, period):
        return {}
    figures = _FORECAST_FIGURES if period.previous_tertial() is not None else _FORECAST_FIGURES[:2]
    return dict.fromkeys(figures, NO_BUDGET)


def months_without_rows(table: pd.DataFrame, months: list[str]) -> list[str]:
    """The ``months`` a table with a month column has no rows for (all of them for an
    empty table).

    >>> months_without_rows(pd.DataFrame({"month": ["2021-01", "2021-02"]}), ["2021-01", "2021-02", "2021-03"])
    ['2021-03']
    """
    have = set(table["month"].dropna().unique())
    return [m for m in months if m not in have]


def _headcount_change_by_form(employees: pd.DataFrame, period: Period, by: list[str]) -> pd.DataFrame:
    """A ``by=``-style function: the headcount change of each monthly-paid employment form."""
    df = metrics.headcount(employees, period, by=by + ["employment"])
    wide = df.pivot_table(index=by or None, columns="employment", values="headcount_change",
                          aggfunc="sum", fill_value=0) if by else \
        df.set_index("employment")[["headcount_change"]].T.reset_index(drop=True)
    wide = wide.reindex(columns=list(MONTHLY_PAID), fill_value=0).add_prefix("headcount_change_")
    wide.columns.name = None
    return wide.reset_index() if by else wide


def key_metrics_wide(data: RegionData, period: str | Period, hours: tuple | None = None) -> pd.DataFrame:
    """The key metrics as one row per division plus a ``Region`` row.

    Figures the data cannot give (see :func:`unknown_figures`) are empty; so are
    sick-leave figures of small groups (``sick_leave_suppressed`` is True).
    ``hours`` may hold :func:`~regionanalytics.metrics.hours_pair` of the whole region.
    """
    period = Period.parse(period)
    # every figure reads only these months: select them once from the large tables
    employees = metrics.in_months(data.employees, period.compared_months)
    finance = metrics.in_months(data.finance, period.two_years_months)
    structure = _division_and_region(metrics.staff_structure, employees, period)
    frames = [
        _division_and_region(metrics.budget_deviation, finance, period)
        .rename(columns={"change": "result_change"}),
        _division_and_region(metrics.forecast_deviation, data.forecast, finance, period)
        .drop(columns="forecast_month"),
        _division_and_region(metrics.headcount, employees, period),
        _division_and_region(_headcount_change_by_form, employees, period),
        _division_and_region(metrics.worked_hours, employees, period),
        structure,
        _division_and_region(metrics.annual_workers, employees, period)[["division", "fte_kolada"]],
        _division_and_region(metrics.turnover, employees, period)[["division", "turnover_pct"]],
        _division_and_region(metrics.turnover_12_months, employees, period)[["division", "turnover_12m_pct"]],
        _division_and_region(_extra_hours, employees, period, structure),
        _division_and_region(metrics.forecast_prev_tertial, data.forecast, finance, period),
        staff_cost_rows(finance, metrics.in_months(data.central, period.two_years_months), period),
        _region_only(metrics.region_result(finance, metrics.in_months(data.central, period.two_years_months),
                                           period).drop(columns=["net_cost_prev_year",
                                                                 "tax_revenue_prev_year",
                                                                 "region_result_prev_year"])),
        _division_and_region(metrics.investments, data.investments, period),
        pd.DataFrame([{"division": REGION_ROW, **statement_figures(data, period)[0]}]),
        _sick_leave_rows(employees, data.absence, period, hours),
        _division_and_region(metrics.action_plan_fulfilment, data.action_plans, period)
        .rename(columns={"planned_full_year": "action_plan_planned_full_year"}),
    ]
    wide = frames[0]
    for frame in frames[1:]:
        wide = wide.merge(frame, on="division", how="outer", suffixes=("", "_dup"))
    order = {d: i for i, d in enumerate(sorted(set(wide["division"]) - {REGION_ROW}))}
    order[REGION_ROW] = len(order)
    wide = wide.sort_values("division", key=lambda s: s.map(order)).reset_index(drop=True)
    wide["forecast_change_since_tertial"] = wide["forecast"] - wide["forecast_prev_tertial"]
    for col in KEY_METRICS:
        if col not in wide:
            wide[col] = float("nan")
    for col in unknown_figures(data, period):
        wide[col] = float("nan")
    wide = wide[["division"] + list(KEY_METRICS) + _SICK_FLAGS]
    # sums of floats carry noise far below any shown decimal (3.98e-12, -0.0): drop it
    numbers = list(KEY_METRICS)
    wide[numbers] = np.round(wide[numbers].astype("float64"), 6) + 0.0
    for flag in _SICK_FLAGS[:2]:
        wide[flag] = wide[flag].fillna(False).astype(bool)
    for reason in _SICK_FLAGS[2:]:
        wide[reason] = wide[reason].fillna("")
    return wide


def key_metrics(data: RegionData, period: str | Period, hours: tuple | None = None) -> pd.DataFrame:
    """The key metrics as tidy rows ``division, metric, value, flag, note``.

    Amounts are in tkr and percentages are percent numbers. A value that is
    empty says why in ``flag``: ``suppressed`` (a sick-leave figure of a group of
    ten or fewer), ``missing`` (the data cannot give it; ``note`` says why, in
    Swedish) or ``none`` (nothing to compute, such as an action plan a division
    does not have).

    Examples
    --------
    >>> from regionanalytics import load_region
    >>> rows = key_metrics(load_region("data/sample"), "2021-T1")
    >>> list(rows.columns)
    ['division', 'metric', 'value', 'flag', 'note']
    """
    period = Period.parse(period)
    unknown = {**missing_where_empty(data, period), **unknown_figures(data, period)}
    return tidy_key_metrics(key_metrics_wide(data, period, hours=hours), unknown)


def tidy_key_metrics(wide: pd.DataFrame, unknown: dict[str, str]) -> pd.DataFrame:
    """:func:`key_metrics_wide` as the tidy rows of :func:`key_metrics`, each empty value
    flagged with why (``unknown``: :func:`missing_where_empty` and :func:`unknown_figures`
    of the same data and period)."""
    # a sick-leave figure is hidden on this year's decision, last year's on last year's, a
    # change on either
    now = dict(zip(wide["division"], wide["sick_leave_reason"]))
    before = dict(zip(wide["division"], wide["sick_leave_reason_prev_year"]))
    long = wide.drop(columns=_SICK_FLAGS).melt(id_vars="division", var_name="metric", value_name="value")
    empty = long["value"].isna()
    missing = long["metric"].isin(list(unknown))
    why = pd.Series("", index=long.index, dtype=object)
    for metric, years in _SICK_YEARS.items():
        rows = long["metric"] == metric
        for reasons in ([now] if years == "now" else [before] if years == "before" else [now, before]):
            fill = rows & (why == "")
            why[fill] = long.loc[fill, "division"].map(reasons).fillna("")
    hidden = why != ""
    long["flag"] = np.where(~empty, "", np.where(missing, "missing", np.where(hidden, "suppressed", "none")))
    long["note"] = np.where(empty & missing, long["metric"].map(unknown),
                            np.where(empty & ~missing & hidden, why.map(SUPPRESSED_NOTES).fillna(""), ""))
    order = {m: i for i, m in enumerate(KEY_METRICS)}
    divisions = {d: i for i, d in enumerate(wide["division"])}
    long = long.sort_values(["division", "metric"],
                            key=lambda s: s.map(divisions) if s.name == "division" else s.map(order))
    return long.reset_index(drop=True)


def changes(current: pd.DataFrame, previous: pd.DataFrame | None, source: str = "") -> pd.DataFrame:
    """Every key figure beside its value at the previous tertial of the same year.

    ``current`` and ``previous`` are :func:`key_metrics` rows; ``previous`` is None in
    the first tertial (no earlier tertial that year: the previous values are empty).

    Returns
    -------
    DataFrame
        ``division``, ``metric``, ``value``, ``previous_tertial``, ``difference``
        (value − previous_tertial) and ``previous_source`` (``source``: where the previous
        values come from).

    >>> now = pd.DataFrame({"division": ["D"], "metric": ["forecast"], "value": [-162.0]})
    >>> before = pd.DataFrame({"division": ["D"], "metric": ["forecast"], "value": [-150.0]})
    >>> changes(now, before, "summary.csv of 2021-T1")[["value", "previous_tertial", "difference"]].values.tolist()
    [[-162.0, -150.0, -12.0]]
    """
    out = current[["division", "metric", "value"]].copy()
    if previous is None:
        out["previous_tertial"] = float("nan")
    else:
        before = previous[["division", "metric", "value"]].rename(columns={"value": "previous_tertial"})
        out = out.merge(before, on=["division", "metric"], how="left")
    out["difference"] = np.round(out["value"] - out["previous_tertial"], 6) + 0.0
    out["previous_source"] = source if previous is not None else ""
    return out
