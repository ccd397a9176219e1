"""Goal fulfilment (måluppfyllelse) per scorecard perspective.

Each indicator is met, partly met or not met: its given ``assessment`` where the
data has one, else ``outcome`` against ``target`` (respecting
``higher_is_better``). Indicators roll up to their group: all met gives
*uppfyllt*, none met *ej uppfyllt*, anything else *delvis uppfyllt*.
Perspectives come from the data, so every region's scorecard works.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import PeriodError
from ..periods import Period
from ._frames import as_by, check_by

MET, PARTLY, NOT_MET = "uppfyllt", "delvis", "ej"


def indicator_assessment(goals: pd.DataFrame) -> pd.Series:
    """Assessment of every indicator row: given, or computed from target and outcome.

    >>> goals = pd.DataFrame({"target": [5.0, 5.0, 5.0], "outcome": [4.0, 4.0, 6.0],
    ...     "higher_is_better": [False, True, None], "assessment": [None, None, None]})
    >>> indicator_assessment(goals).tolist()[:2], bool(pd.isna(indicator_assessment(goals)[2]))
    (['uppfyllt', 'ej'], True)
    """
    # the direction is never guessed: without it (validation refuses such rows) not assessed
    direction = goals["higher_is_better"]
    known = goals["target"].notna() & goals["outcome"].notna() & direction.notna()
    higher = direction.fillna(False).astype(bool)
    met = np.where(higher, goals["outcome"] >= goals["target"], goals["outcome"] <= goals["target"])
    computed = pd.Series(np.where(known, np.where(met, MET, NOT_MET), None), index=goals.index)
    return goals["assessment"].where(goals["assessment"].notna(), computed)


def goals_period(goals: pd.DataFrame, period: Period) -> str | None:
    """The goals period that reports on ``period``: its own, or the latest earlier one that year."""
    candidates = []
    for text in goals["period"].dropna().unique():
        try:
            p = Period.parse(text)
        except PeriodError:
            continue
        if p.year == period.year and p.last_month <= period.last_month:
            candidates.append((p.last_month, text))
    return max(candidates)[1] if candidates else None


def roll_up(assessments: pd.Series) -> str | None:
    """All met → uppfyllt, none met → ej, otherwise delvis; None if nothing is assessed.

    >>> roll_up(pd.Series(["uppfyllt", "ej"])), roll_up(pd.Series(["ej", "ej"])), roll_up(pd.Series([None]))
    ('delvis', 'ej', None)
    """
    values = assessments.dropna()
    if values.empty:
        return None
    if (values == MET).all():
        return MET
    if (values == NOT_MET).all():
        return NOT_MET
    return PARTLY


def goal_fulfilment(goals: pd.DataFrame, period: str | Period,
                    by: str | Sequence[str] | None = ("division", "perspective")) -> pd.DataFrame:
    """Roll-up of indicator assessments per group (default: division × perspective).

    Returns
    -------
    DataFrame
        ``by`` columns, ``assessment`` (uppfyllt, delvis, ej or None),
        ``indicators``, ``met``, ``partly``, ``not_met``, ``goals_period``.
    
    Examples
    --------
    >>> from regionanalytics import load_region
    >>> df = goal_fulfilment(load_region("data/sample").goals, "2021-T1")
    >>> nlb = df[df["division"] == "Närsjukvård Luleå-Boden"].set_index("perspective")["assessment"]
    >>> nlb["medborgare"], nlb["samhälle"]
    ('ej', 'uppfyllt')
    """
    period = Period.parse(period)
    by = as_by(by)
    check_by(goals, by, "goals")
    chosen = goals_period(goals, period)
    rows = goals[goals["period"] == chosen].copy()
    rows["_assessment"] = indicator_assessment(rows)
    keys = by if by else [lambda _: 0]
    # every group's counts in one grouping (a group's own roll_up, four applies of a Python
    # function per group, was most of a division report's scorecard)
    assessed = rows["_assessment"]
    flags = pd.DataFrame({"indicators": 1, "_known": assessed.notna(), "met": assessed == MET,
                          "partly": assessed == PARTLY, "not_met": assessed == NOT_MET},
                         index=rows.index).astype("int64")
    out = flags.groupby([rows[k] for k in by] if by else keys, sort=True).sum()
    known = out.pop("_known")
    # roll_up's rule: none assessed → None, all met → uppfyllt, none met → ej, else delvis
    # (a list, so that pandas infers the column's type as apply does: text, or objects when None only)
    out.insert(0, "assessment", pd.Series(np.select(
        [known == 0, out["met"] == known, out["not_met"] == known], [None, MET, NOT_MET], PARTLY).tolist(),
        index=out.index))
    out = out.reset_index(drop=not by)
    out["goals_period"] = chosen
    return out[by + ["assessment", "indicators", "met", "partly", "not_met", "goals_period"]]
