"""Production (visits, digital visits, bed days, operations, ...) against last year."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..periods import Period
from ._frames import as_by, check_by, pct, year_on_year


def production_change(production: pd.DataFrame, period: str | Period,
                      by: str | Sequence[str] | None = ("division", "measure")) -> pd.DataFrame:
    """Production volume of the period against the same span last year.

    Keep ``"measure"`` in ``by``: different measures do not add up. Add
    ``"month"`` for month-by-month comparison (each month against the same
    month a year earlier).

    Returns
    -------
    DataFrame
        ``by`` columns, ``value``, ``value_prev_year``, ``change``, ``change_pct``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> prod = load_region("data/sample").production
    >>> ops = prod[(prod["division"] == "Länssjukvård") & (prod["measure"] == "Operationer")]
    >>> april = production_change(ops, "2021-T1", by=["month"]).set_index("month").loc["2021-04"]
    >>> bool(25 < april["change_pct"] < 35)  # "about 30 % above April 2020"
    True
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(production, by, "production")
    out = year_on_year(production, period, by, ["value"])
    out["change"] = out["value"] - out["value_prev_year"]
    out["change_pct"] = pct(out["change"], out["value_prev_year"])
    return out[by + ["value", "value_prev_year", "change", "change_pct"]]
