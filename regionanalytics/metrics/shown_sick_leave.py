"""Every sick-leave figure the reports, the summary and the workbook show, decided as one.

A report shows, for the region, each division and each unit: the total rate this year
and last year and its change, the long-term share, women and men, the three age groups,
and the monthly rates of both years (a division's and a unit's chart). Those figures are
bound by linear relations (in sick hours, with the scheduled hours known): a period's
total is the hours-weighted mean of its months, a group's of its genders and of its age
groups, a division's of its units', the region's of its divisions'. :func:`figures`
builds every candidate figure of a period with those relations and lets
:func:`regionanalytics.privacy.decide` hide the small groups' figures and whatever
would let one be worked out; every output reads the result (:func:`key_figure_rows`,
:func:`totals`, :func:`months`), so no figure is shown that the model did not decide on.

Group sizes: a period's figure counts the distinct persons of the group during the
period, a month's the persons of that month (a month of ten persons is hidden even
when the period has eleven). The long-term share and the change in procentenheter
are hidden with the total they belong to (a change also when last year's is hidden).
Unit figures are always part of the model, whether or not the batch makes unit
reports, so a division report's hidden figures do not depend on ``--units``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Period
from ..privacy import NOT_SHOWN, PROTECTS, SMALL, Relation, decide
from .sick_leave import KEY_FIGURES, hours_pair

#: The breakdowns of a group a report shows, by the column of the person-months.
DIMENSIONS = {"gender": "gender", "age_group": "age_group", "month": "month"}
#: The breakdown values a report shows (others, such as an unknown gender, are unknowns).
SHOWN_VALUES = {"gender": {"K", "M"}, "age_group": {"29_or_younger", "30_49", "50_or_older"}}
_LEVELS = {"region": [], "division": ["division"], "unit": ["division", "unit"]}
_KEY = ["year", "level", "division", "unit", "dimension", "key"]


def _cells(pm: pd.DataFrame, year: str) -> pd.DataFrame:
    # group on integer codes (a region's person-months are many; its groups are few)
    codes = {}
    work = pd.DataFrame({"person": pd.factorize(pm["person_id"])[0],
                         "scheduled_hours": pm["scheduled_hours"].to_numpy(float),
                         "sick_hours": pm["sick_hours"].to_numpy(float),
                         "long_term_hours": pm["long_term_hours"].to_numpy(float)})
    for column in ("division", "unit", "gender", "age_group", "month"):
        values = pm[column].astype(object).where(pm[column].notna(), "?").astype(str)
        work[column], codes[column] = pd.factorize(values)
    frames = []
    for level, keys in _LEVELS.items():
        for dimension in ["total", *DIMENSIONS]:
            by = keys + ([] if dimension == "total" else [DIMENSIONS[dimension]])
            if by:
                grouped = work.groupby(by, sort=False)
                df = grouped[["scheduled_hours", "sick_hours", "long_term_hours"]].sum()
                df["persons"] = grouped["person"].nunique()
                df = df.reset_index()
            else:
                df = work[["scheduled_hours", "sick_hours", "long_term_hours"]].sum().to_frame().T
                df["persons"] = work["person"].nunique()
            for column in by:
                df[column] = np.asarray(codes[column], dtype=object)[df[column].to_numpy()]
            df["key"] = "" if dimension == "total" else df[DIMENSIONS[dimension]].astype(str)
            for column in ("division", "unit"):
                if column not in keys:
                    df[column] = ""
            df["level"], df["dimension"], df["year"] = level, dimension, year
            frames.append(df[_KEY + ["persons", "scheduled_hours", "sick_hours", "long_term_hours"]])
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(_KEY[1:], kind="stable").reset_index(drop=True)


def _relations(cells: pd.DataFrame) -> list[Relation]:
    """total = sum of parts within every group (months, genders, ages), and every figure
    of a division = the sum over its units, of the region = the sum over its divisions."""
    pos = pd.Series(np.arange(len(cells)), index=pd.MultiIndex.from_frame(cells[_KEY]))
    out = []
    year, level, division, unit, dimension = (cells[c].to_numpy() for c in _KEY[:5])
    idx = np.arange(len(cells))
    group_total = {(y, l, d, u): i for y, l, d, u, i in
                   zip(year[dimension == "total"], level[dimension == "total"], division[dimension == "total"],
                       unit[dimension == "total"], idx[dimension == "total"])}
    parts: dict[tuple, list[int]] = {}
    for y, l, d, u, dim, i in zip(year, level, division, unit, dimension, idx):
        if dim != "total":
            parts.setdefault((y, l, d, u, dim), []).append(i)
    for (y, l, d, u, dim), members in parts.items():
        out.append(Relation(group_total[(y, l, d, u)], tuple(members), overlapping=dim == "month"))
    children: dict[int, list[int]] = {}
    for y, l, d, u, dim, k, i in zip(year, level, division, unit, dimension, cells["key"], idx):
        if l == "unit":
            parent = pos.get((y, "division", d, "", dim, k))
        elif l == "division":
            parent = pos.get((y, "region", "", "", dim, k))
        else:
            continue
        children.setdefault(int(parent), []).append(i)
    out += [Relation(parent, tuple(members)) for parent, members in children.items()]
    return out


def figures(employees: pd.DataFrame, absence: pd.DataFrame, period: str | Period,
            hours: tuple | None = None) -> pd.DataFrame:
    """Every candidate sick-leave figure of ``period`` with the model's decision.

    Returns
    -------
    DataFrame
        ``year`` (current or previous), ``level`` (region, division, unit), ``division``,
        ``unit`` ("" above their level), ``dimension`` (total, gender, age_group, month),
        ``key`` (K, 30_49, 2021-01; "" for the total), ``persons``, the hours,
        ``sick_leave_pct`` and ``long_term_sick_share_pct`` (empty where hidden),
        ``hidden`` and ``reason`` ("", small, protects, not_shown).

    Examples
    --------
    >>> from regionanalytics import load_region
    >>> data = load_region("data/sample")
    >>> f = figures(data.employees, data.absence, "2021-T1")
    >>> f[f["hidden"] & (f["reason"] != "not_shown")].groupby("reason").size().to_dict()  # doctest: +SKIP
    """
    period = Period.parse(period)
    if hours is not None and _LAST.get("hours") is hours and _LAST.get("period") == period.label:
        return _LAST["cells"]  # the same hours again (the batch's summary and scopes, a kernel's reports)
    hours = hours if hours is not None else hours_pair(employees, absence, period)
    current, previous = hours
    cells = pd.concat([_cells(current, "current"), _cells(previous, "previous")], ignore_index=True)
    shown = np.ones(len(cells), dtype=bool)
    shown &= (cells["level"] != "region").to_numpy() | (cells["dimension"] == "total").to_numpy()
    for dimension, values in SHOWN_VALUES.items():
        shown &= ~((cells["dimension"] == dimension) & ~cells["key"].isin(values)).to_numpy()
    cells["reason"] = decide(cells["persons"].to_numpy(), shown, _relations(cells))
    cells["hidden"] = cells["reason"] != ""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = 100 * cells["sick_hours"] / cells["scheduled_hours"].where(cells["scheduled_hours"] > 0)
        share = 100 * cells["long_term_hours"] / cells["sick_hours"].where(cells["sick_hours"] > 0)
    cells["sick_leave_pct"] = rate.where(~cells["hidden"])
    cells["long_term_sick_share_pct"] = share.where(~cells["hidden"] & (cells["dimension"] == "total"))
    _LAST.clear()
    _LAST.update(hours=hours, period=period.label, cells=cells)
    return cells


#: The last decision, kept with the very hours it was made from (held, so never mistaken).
_LAST: dict = {}


def _both_years(cells: pd.DataFrame, keys: list[str], same_month_last_year: bool = False) -> pd.DataFrame:
    cur = cells[cells["year"] == "current"].drop(columns="year")
    prev = cells[cells["year"] == "previous"].drop(columns="year")
    if same_month_last_year:  # a month against the same month last year
        prev = prev.assign(key=(prev["key"].str[:4].astype(int) + 1).astype(str) + prev["key"].str[4:])
    cols = ["persons", "sick_leave_pct", "long_term_sick_share_pct", "hidden", "reason"]
    on = _KEY[1:]
    out = cur[on + cols].merge(prev[on + cols], on=on, how="left", suffixes=("", "_prev_year"))
    out["persons_prev_year"] = out["persons_prev_year"].fillna(0).astype("int64")
    out["hidden_prev_year"] = out["hidden_prev_year"].fillna(True).astype(bool)
    out["reason_prev_year"] = out["reason_prev_year"].fillna(SMALL)
    out["sick_leave_change_pp"] = (out["sick_leave_pct"] - out["sick_leave_pct_prev_year"]).where(
        ~out["hidden"] & ~out["hidden_prev_year"])
    out = out.rename(columns={"hidden": "suppressed", "hidden_prev_year": "suppressed_prev_year"})
    return out[keys + [c for c in out.columns if c not in on]]


def totals(cells: pd.DataFrame, level: str) -> pd.DataFrame:
    """The total figures of every group of ``level`` (region, division or unit), like
    :func:`~regionanalytics.metrics.sick_leave` with the model's decision: ``persons``,
    ``sick_leave_pct``, ``long_term_sick_share_pct`` and the same ``_prev_year``,
    ``sick_leave_change_pp``, ``suppressed``, ``suppressed_prev_year``, ``reason``,
    ``reason_prev_year``."""
    keys = _LEVELS[level]
    rows = cells[(cells["level"] == level) & (cells["dimension"] == "total")]
    return _both_years(rows, keys).reset_index(drop=True)


def months(cells: pd.DataFrame, division: str, unit: str = "") -> pd.DataFrame:
    """The monthly rates of a division (or a unit) against the same month last year:
    ``month``, ``persons``, ``sick_leave_pct``, ``sick_leave_pct_prev_year``,
    ``suppressed``, ``suppressed_prev_year``, ``reason``, ``reason_prev_year``."""
    level = "unit" if unit else "division"
    rows = cells[(cells["level"] == level) & (cells["division"] == division) & (cells["unit"] == unit)
                 & (cells["dimension"] == "month")]
    out = _both_years(rows, ["key"], same_month_last_year=True).rename(columns={"key": "month"})
    return out.sort_values("month").reset_index(drop=True)


#: A key figure's cell: (dimension, key) of :func:`figures`.
_FIGURE_CELLS = {"total": ("total", ""), "long_term_share": ("total", ""), "women": ("gender", "K"),
                 "men": ("gender", "M"), "age_29_or_younger": ("age_group", "29_or_younger"),
                 "age_30_49": ("age_group", "30_49"), "age_50_or_older": ("age_group", "50_or_older")}


def key_figure_rows(cells: pd.DataFrame, level: str) -> pd.DataFrame:
    """The seven key figures of every group of ``level`` as tidy rows (the shape of
    :func:`~regionanalytics.metrics.sick_leave_key_figures`), with the model's decision
    and each hidden figure's ``reason`` (and ``reason_prev_year``)."""
    keys = _LEVELS[level]
    frames = []
    for figure, (dimension, key) in _FIGURE_CELLS.items():
        assert figure in KEY_FIGURES
        rows = cells[(cells["level"] == level) & (cells["dimension"] == dimension) & (cells["key"] == key)]
        both = _both_years(rows, keys)
        if both.empty:
            continue
        value = "long_term_sick_share_pct" if figure == "long_term_share" else "sick_leave_pct"
        part = both[keys + ["persons", "persons_prev_year", "suppressed", "suppressed_prev_year",
                            "reason", "reason_prev_year"]].copy()
        part["value"] = both[value].to_numpy()
        part["value_prev_year"] = both[f"{value}_prev_year"].to_numpy()
        part["change_pp"] = (part["value"] - part["value_prev_year"]).where(
            ~part["suppressed"] & ~part["suppressed_prev_year"])
        part.insert(len(keys), "figure", figure)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    order = {f: i for i, f in enumerate(_FIGURE_CELLS)}
    out = out.sort_values(keys + ["figure"], key=lambda s: s.map(order) if s.name == "figure" else s,
                          kind="stable")
    return out.reset_index(drop=True)


__all__ = ["figures", "totals", "months", "key_figure_rows", "SMALL", "PROTECTS", "NOT_SHOWN"]
