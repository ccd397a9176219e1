"""Economy: result against budget, full-year forecast, economic action plan.

Amounts are in tkr as in the data (revenue positive, cost negative); a positive
deviation is better than budget.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..exceptions import PeriodError
from ..periods import Period
from ._frames import as_by, check_by, group_sum, in_months, join_previous, pct


def closed_months(finance: pd.DataFrame) -> list[str]:
    """Months that have actuals.

    >>> closed_months(pd.DataFrame({"month": ["2021-02", "2021-01", "2021-03"], "actual": [1.0, 2.0, None]}))
    ['2021-01', '2021-02']
    """
    return sorted(finance.loc[finance["actual"].notna(), "month"].unique())


def require_period(finance: pd.DataFrame, period: Period) -> None:
    """Raise :class:`PeriodError` unless the finance data has actuals for the whole period.

    >>> fin = pd.DataFrame({"month": ["2020-01", "2020-02"], "actual": [1.0, 2.0]})
    >>> require_period(fin, Period.parse("2019-T1"))
    Traceback (most recent call last):
    ...
    regionanalytics.exceptions.PeriodError: The data starts in 2020-01 and ends in 2020-02; 2019-T1 is before it.
    """
    closed = closed_months(finance)
    if not closed:
        raise PeriodError("The finance data has no month with actuals yet; no period can be reported.")
    first, last = closed[0], closed[-1]
    where = f"The data starts in {first} and ends in {last}"
    if period.end_month < first:
        raise PeriodError(f"{where}; {period.label} is before it.")
    if period.end_month > last:
        raise PeriodError(f"{where}; {period.label} runs to {period.end_month}, after it. "
                          "Choose an earlier period or load a newer export.")
    absent = [m for m in period.months if m not in set(closed)]
    if absent:
        raise PeriodError(f"{where}; {period.label} needs {period.months[0]} to {period.end_month}, "
                          f"and {', '.join(absent)} have no actuals.")


def budget_deviation(finance: pd.DataFrame, period: str | Period,
                     by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Result against the period budget and against the same span last year.

    Parameters
    ----------
    finance : DataFrame
        The finance table (month, division, unit, account, actual, budget).
    period : str or Period
        E.g. ``"2021-T1"``: January–April 2021.
    by : list of str
        Grouping columns; ``[]`` gives the region total.

    Returns
    -------
    DataFrame
        ``by`` columns, ``result``, ``budget``, ``budget_deviation`` (result −
        budget), ``result_prev_year`` and ``change`` (result − result_prev_year), tkr.

    Examples
    --------
    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> df = budget_deviation(data.finance, "2021-T1", by=[])
    >>> round(df.loc[0, "result"] / 1000)
    1
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(finance, by, "finance")
    require_period(finance, period)
    current = group_sum(in_months(finance, period.months), by, ["actual", "budget"])
    current = current.rename(columns={"actual": "result"})
    previous = group_sum(in_months(finance, period.previous_year().months), by, ["actual"])
    previous = previous.rename(columns={"actual": "result"})
    out = join_previous(current, previous, by)[by + ["result", "budget", "result_prev_year"]]
    out["budget_deviation"] = out["result"] - out["budget"]
    out["change"] = out["result"] - out["result_prev_year"]
    return out[by + ["result", "budget", "budget_deviation", "result_prev_year", "change"]]


def monthly_result(finance: pd.DataFrame, period: str | Period,
                   by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Cumulative result and budget month by month through the period (tkr).

    Returns ``by`` columns, ``month``, ``result``, ``budget``, ``result_cum``,
    ``budget_cum``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> df = monthly_result(load_region("data/sample").finance, "2021-T1", by=[])
    >>> df["month"].tolist(), round(df["result_cum"].iloc[-1] / 1000)  # the period's result, +1 mnkr
    (['2021-01', '2021-02', '2021-03', '2021-04'], 1)
    """
    period = Period.parse(period)
    by = as_by(by)
    require_period(finance, period)
    rows = group_sum(in_months(finance, period.months), by + ["month"], ["actual", "budget"])
    rows = rows.rename(columns={"actual": "result"}).sort_values(by + ["month"])
    grouped = rows.groupby(by, sort=False) if by else rows.groupby(lambda _: 0)
    rows["result_cum"] = grouped["result"].cumsum()
    rows["budget_cum"] = grouped["budget"].cumsum()
    return rows.reset_index(drop=True)


def forecast_deviation(forecast: pd.DataFrame, finance: pd.DataFrame, period: str | Period,
                       by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """The latest full-year forecast against the annual budget.

    For every unit the latest forecast made in the period's year up to the
    period's last month is used; units are then summed to ``by``. A unit with a
    budget for the year but no forecast in the period counts its annual budget
    as its forecast (it has not said it will deviate) and is counted in
    ``units_without_forecast``, so a total never mixes a unit's budget with a
    missing forecast. Without a budget for the year (none in the data) the annual
    budget and the deviation are NaN, and so is the forecast of a unit without one
    and of every total that holds such a unit.

    Returns
    -------
    DataFrame
        ``by`` columns, ``forecast``, ``forecast_month`` (latest month used),
        ``annual_budget`` (all 12 months), ``forecast_deviation`` (forecast −
        annual budget), ``result_prev_full_year``, ``forecast_vs_prev_year``
        (tkr) and ``units_without_forecast``.

    Examples
    --------
    >>> fin = pd.DataFrame({"month": [f"2021-{m:02d}" for m in range(1, 13)] * 2,
    ...     "division": "D", "unit": ["a"] * 12 + ["b"] * 12, "account": "x",
    ...     "actual": None, "budget": [-10.0] * 12 + [-5.0] * 12})
    >>> fc = pd.DataFrame({"month": ["2021-03"], "division": ["D"], "unit": ["a"], "forecast": [-150.0]})
    >>> df = forecast_deviation(fc, fin, "2021-T1", by=[])
    >>> df[["forecast", "annual_budget", "forecast_deviation"]].values.tolist()
    [[-210.0, -180.0, -30.0]]
    >>> int(df.loc[0, "units_without_forecast"])
    1
    """
    return forecast_deviations(forecast, finance, period, by)[0]


def forecast_deviations(forecast: pd.DataFrame, finance: pd.DataFrame, period: str | Period,
                        *levels: str | Sequence[str] | None) -> list[pd.DataFrame]:
    """:func:`forecast_deviation` at several levels, from one pass over the units' latest
    forecasts: one frame per ``by`` of ``levels``, each the very frame
    ``forecast_deviation(forecast, finance, period, by=by)`` gives (a report's units
    and their total).

    >>> fin = pd.DataFrame({"month": ["2021-01"] * 2, "division": "D", "unit": ["a", "b"],
    ...     "account": "x", "actual": None, "budget": [-10.0, -5.0]})
    >>> fc = pd.DataFrame({"month": ["2021-03"], "division": "D", "unit": ["a"], "forecast": [-15.0]})
    >>> units, total = forecast_deviations(fc, fin, "2021-T1", ["unit"], [])
    >>> units["forecast"].tolist(), total["forecast"].tolist()
    ([-15.0, -5.0], [-20.0])
    """
    period = Period.parse(period)
    levels = [as_by(by) for by in levels]
    for by in levels:
        check_by(forecast, by, "forecast")
    units = ["division", "unit"]
    made = forecast[(forecast["month"].str[:4] == str(period.year))
                    & (forecast["month"] <= period.end_month)]
    latest = made.sort_values("month").groupby(units, sort=False).tail(1)
    year = in_months(finance, period.year_months)
    prev_months = Period(period.year - 1, 12, 3).months
    prev = in_months(finance, prev_months)
    prev_closed = prev["month"][prev["actual"].notna()].nunique() == 12
    per_units: dict = {}
    out = []
    for by in levels:
        keys = list(dict.fromkeys(units + by))
        if tuple(keys) not in per_units:
            per_units[tuple(keys)] = _per_unit_forecast(latest, year, keys)
        out.append(_forecast_at(per_units[tuple(keys)], prev, prev_closed, by))
    return out


def _per_unit_forecast(latest: pd.DataFrame, year: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every unit's latest forecast (``latest``) against its annual budget (the finance rows
    of the year, ``year``), by ``keys``: see :func:`forecast_deviation`."""
    budget = group_sum(year, keys, ["budget"])
    budget = budget.rename(columns={"budget": "annual_budget"})
    per_unit = budget.merge(latest[keys + ["forecast", "month"]], on=keys, how="outer")
    without = per_unit["forecast"].isna() & per_unit["annual_budget"].notna()
    per_unit["forecast"] = per_unit["forecast"].where(~without, per_unit["annual_budget"])
    per_unit["units_without_forecast"] = without.astype("int64")
    # a unit with neither a forecast nor a budget (none in the data): its forecast is not
    # known, and neither is a total that needs it (never a sum of the other units only)
    per_unit["_unknown"] = per_unit["forecast"].isna().astype("int64")
    return per_unit


def _forecast_at(per_unit: pd.DataFrame, prev: pd.DataFrame, prev_closed: bool, by: list[str]) -> pd.DataFrame:
    """The units' forecasts (:func:`_per_unit_forecast`) summed to ``by``, with last year's
    result (``prev``: its finance rows, ``prev_closed``: all twelve months closed)."""
    out = group_sum(per_unit, by, ["forecast", "annual_budget", "units_without_forecast", "_unknown"])
    out["forecast"] = out["forecast"].where(~(out["_unknown"] > 0))
    out["units_without_forecast"] = out["units_without_forecast"].fillna(0).astype("int64")
    out = (out.merge(per_unit.groupby(by)["month"].max().rename("forecast_month").reset_index(), on=by, how="left")
           if by else out.assign(forecast_month=per_unit["month"].max() if per_unit["month"].notna().any()
                                 else None))
    prev_result = group_sum(prev, by, ["actual"]).rename(columns={"actual": "result_prev_full_year"})
    if not prev_closed:
        prev_result["result_prev_full_year"] = float("nan")
    out = out.merge(prev_result, on=by, how="left") if by else pd.concat([out, prev_result], axis=1)
    out["forecast_deviation"] = out["forecast"] - out["annual_budget"]
    out["forecast_vs_prev_year"] = out["forecast"] - out["result_prev_full_year"]
    return out[by + ["forecast", "forecast_month", "annual_budget", "forecast_deviation",
                     "result_prev_full_year", "forecast_vs_prev_year", "units_without_forecast"]]


def action_plan_fulfilment(action_plans: pd.DataFrame, period: str | Period,
                           by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """Savings achieved against savings planned in the economic action plan, to date.

    Returns ``by`` columns, ``planned``, ``achieved`` (to date, tkr),
    ``action_plan_pct`` (achieved / planned × 100) and ``planned_full_year``
    (the year's savings task, tkr).
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> df = action_plan_fulfilment(load_region("data/sample").action_plans, "2021-T1").set_index("division")
    >>> round(df.loc["Service", "action_plan_pct"]), round(df.loc["Närsjukvård Luleå-Boden", "planned_full_year"] / 1000)
    (146, 96)
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(action_plans, by, "action_plans")
    to_date = group_sum(in_months(action_plans, period.months), by, ["planned", "achieved"])
    year = group_sum(in_months(action_plans, period.year_months), by, ["planned"])
    year = year.rename(columns={"planned": "planned_full_year"})
    out = to_date.merge(year, on=by, how="outer") if by else pd.concat([to_date, year], axis=1)
    out["action_plan_pct"] = pct(out["achieved"], out["planned"])
    return out[by + ["planned", "achieved", "action_plan_pct", "planned_full_year"]]


def forecast_prev_tertial(forecast: pd.DataFrame, finance: pd.DataFrame, period: str | Period,
                          by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """The full-year forecast as it stood at the end of the previous tertial of the same year
    (:func:`forecast_deviation` at that tertial, so only forecasts made by then count); no
    rows in T1, which has no earlier tertial in the year.

    Returns ``by`` columns and ``forecast_prev_tertial`` (tkr).

    >>> fc = pd.DataFrame({"month": ["2021-04"], "division": "D", "unit": "a", "forecast": [-150.0]})
    >>> fin = pd.DataFrame({"month": ["2021-01"], "division": "D", "unit": "a", "actual": None, "budget": -10.0})
    >>> forecast_prev_tertial(fc, fin, "2021-T2", by=[]).values.tolist(), len(forecast_prev_tertial(fc, fin, "2021-T1"))
    ([[-150.0]], 0)
    """
    period = Period.parse(period)
    by = as_by(by)
    earlier = period.previous_tertial()
    if earlier is None:
        return pd.DataFrame(columns=by + ["forecast_prev_tertial"])
    before = forecast_deviation(forecast, finance, earlier, by=by)[by + ["forecast"]]
    return before.rename(columns={"forecast": "forecast_prev_tertial"})


def forecast_change(forecast: pd.DataFrame, finance: pd.DataFrame, period: str | Period,
                    by: str | Sequence[str] | None = ("division",)) -> pd.DataFrame:
    """The full-year forecast now and as it stood at the end of the previous tertial.

    Per augusti this shows how the forecast moved since april; in T1 the previous
    forecast is empty (there is no earlier tertial in the year). Each side is
    :func:`forecast_deviation` at its own period, so it reads only forecasts made
    by then.

    Returns
    -------
    DataFrame
        ``by`` columns, ``forecast``, ``forecast_prev_tertial`` and
        ``forecast_change_since_tertial`` (tkr; positive is an improvement).

    Examples
    --------
    >>> fin = pd.DataFrame({"month": [f"2021-{m:02d}" for m in range(1, 13)], "division": "D",
    ...     "unit": "a", "account": "x", "actual": None, "budget": -10.0})
    >>> fc = pd.DataFrame({"month": ["2021-04", "2021-08"], "division": "D", "unit": "a",
    ...                    "forecast": [-150.0, -162.0]})
    >>> forecast_change(fc, fin, "2021-T2", by=[]).values.tolist()
    [[-162.0, -150.0, -12.0]]
    """
    period = Period.parse(period)
    by = as_by(by)
    now = forecast_deviation(forecast, finance, period, by=by)[by + ["forecast"]]
    before = forecast_prev_tertial(forecast, finance, period, by=by)
    if by:
        out = now.merge(before, on=by, how="outer")
    else:
        out = now.assign(forecast_prev_tertial=before["forecast_prev_tertial"].iloc[0] if len(before)
                         else float("nan"))
    out["forecast_change_since_tertial"] = out["forecast"] - out["forecast_prev_tertial"]
    return out[by + ["forecast", "forecast_prev_tertial", "forecast_change_since_tertial"]]
