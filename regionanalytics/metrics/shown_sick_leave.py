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


def _work(pm: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Person-months as integer codes (a region's person-months are many; its groups are few)."""
    codes = {}
    work = pd.DataFrame({"person": pd.factorize(pm["person_id"])[0],
                         "scheduled_hours": pm["scheduled_hours"].to_numpy(float),
                         "sick_hours": pm["sick_hours"].to_numpy(float),
                         "long_term_hours": pm["long_term_hours"].to_numpy(float)})
    for column in ("division", "unit", "gender", "age_group", "month"):
        work[column], codes[column] = _factorize(pm[column])
    return work, codes


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``values`` as text in the order they first appear, an empty value as ``?``
    (the factorised values themselves: as text, each one converted once)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    names = ["?" if pd.isna(v) else str(v) for v in distinct]
    if len(set(names)) < len(names):  # an empty value and a "?" (or 1 and "1"): one group
        return pd.factorize(values.astype(object).where(values.notna(), "?").astype(str))
    return codes, pd.Index(names, dtype="str")


def _cells(pm: pd.DataFrame | tuple, year: str, months: bool = True, ordered: bool = True) -> pd.DataFrame:
    """Every group's figure of ``pm`` (person-months, or their :func:`_work`), by level and
    breakdown; without the monthly ones when ``months`` is False; in the order of the keys
    unless ``ordered`` is False (cells the model decides on but no output lists)."""
    work, codes = pm if isinstance(pm, tuple) else _work(pm)
    arrays = {c: work[c].to_numpy() for c in work.columns}
    hours = ["scheduled_hours", "sick_hours", "long_term_hours"]
    columns = ("division", "unit", "gender", "age_group", "month")
    radix = {c: len(codes[c]) + 1 for c in columns}
    # each person's distinct groups over the period (a few rows a person): the period's
    # distinct persons are counted on these, a month's on the month's rows
    combo = arrays["person"].astype(np.int64)
    for column in columns[:4]:
        combo = combo * radix[column] + arrays[column]
    _, once = np.unique(combo, return_index=True)
    parts: dict[str, list] = {c: [] for c in _KEY + ["persons", *hours]}
    for level, keys in _LEVELS.items():
        for dimension in ["total", *(d for d in DIMENSIONS if months or d != "month")]:
            by = keys + ([] if dimension == "total" else [DIMENSIONS[dimension]])

            def group_of(rows):
                g = np.zeros(len(arrays["person"]) if rows is None else len(rows), dtype=np.int64)
                for column in by:  # one integer per group, in mixed radix (the codes are few)
                    g = g * radix[column] + (arrays[column] if rows is None else arrays[column][rows])
                return g

            group = group_of(None)
            size = int(np.prod([radix[c] for c in by])) if by else 1
            count = np.bincount(group, minlength=size)
            found = np.flatnonzero(count)
            for h in hours:
                parts[h].append(np.bincount(group, weights=arrays[h], minlength=size)[found])
            rows = None if dimension == "month" else once
            people = int(arrays["person"].max(initial=0)) + 1
            pairs = np.unique((group if rows is None else group_of(rows)) * people
                              + arrays["person"][slice(None) if rows is None else rows])
            parts["persons"].append(np.bincount(pairs // people, minlength=size)[found])
            rest = found.copy()
            values = {}
            for column in reversed(by):  # the group's codes back from its number
                values[column] = rest % radix[column]
                rest //= radix[column]
            for column in ("division", "unit"):
                parts[column].append(np.asarray(codes[column], dtype=object)[values[column]] if column in keys
                                     else np.full(len(found), "", dtype=object))
            parts["key"].append(np.asarray(codes[DIMENSIONS[dimension]], dtype=object)[values[DIMENSIONS[dimension]]]
                                if dimension != "total" else np.full(len(found), "", dtype=object))
            for column, value in (("level", level), ("dimension", dimension), ("year", year)):
                parts[column].append(np.full(len(found), value, dtype=object))
    out = pd.DataFrame({c: np.concatenate(parts[c]) for c in _KEY + ["persons", *hours]})
    out["persons"] = out["persons"].astype("int64")
    return out.sort_values(_KEY[1:], kind="stable").reset_index(drop=True) if ordered else out


def _relations(cells: pd.DataFrame) -> list[Relation]:
    """total = sum of parts within every group (months, genders, ages), and every figure
    of a division = the sum over its units, of the region = the sum over its divisions."""
    keys = list(zip(*(cells[c].tolist() for c in _KEY)))
    pos = {k: i for i, k in enumerate(keys)}
    group_total = {k[:4]: i for i, k in enumerate(keys) if k[4] == "total"}
    parts: dict[tuple, list[int]] = {}
    children: dict[int, list[int]] = {}
    for i, (y, l, d, u, dim, k) in enumerate(keys):
        if dim != "total":
            parts.setdefault((y, l, d, u, dim), []).append(i)
        if l == "unit":
            children.setdefault(pos[(y, "division", d, "", dim, k)], []).append(i)
        elif l == "division":
            children.setdefault(pos[(y, "region", "", "", dim, k)], []).append(i)
    out = [Relation(group_total[(y, l, d, u)], tuple(members), overlapping=dim == "month")
           for (y, l, d, u, dim), members in parts.items()]
    out += [Relation(parent, tuple(members)) for parent, members in children.items()]
    return out


def _shown(cells: pd.DataFrame) -> np.ndarray:
    """Which cells some output shows (not the region's genders, ages or months, nor an
    unknown gender or age)."""
    shown = (cells["level"] != "region").to_numpy() | (cells["dimension"] == "total").to_numpy()
    for dimension, values in SHOWN_VALUES.items():
        shown &= ~((cells["dimension"] == dimension) & ~cells["key"].isin(values)).to_numpy()
    return shown


def _positions(cells: pd.DataFrame) -> dict[tuple, int]:
    return {k: i for i, k in enumerate(zip(*(cells[c].tolist() for c in _KEY)))}


def _since(at_earlier: dict[tuple, int], at_own: dict[tuple, int], hours: tuple, since: Period,
           offset: int, label: str) -> tuple[pd.DataFrame, list[Relation]]:
    """The parts of this period's figures that an earlier tertial's published figures leave:
    for every group and breakdown (not the months), the months after ``since`` ended, as
    cells of their own (never shown; their persons those of these months), with the
    relations ``figure = earlier figure + part`` and ``part = its months``.

    ``at_earlier`` and ``at_own`` give the earlier tertial's and this period's cells by key
    (their positions in the system), ``hours`` this period's person-months of both years
    (as :func:`_work`), ``offset`` where the part cells begin."""
    parts = []
    for (work, codes), year, months in ((hours[0], "current", since.months),
                                        (hours[1], "previous", since.previous_year().months)):
        later = ~np.isin(np.asarray(codes["month"], dtype=object)[work["month"].to_numpy()], months)
        if later.any():
            parts.append(_cells((work[later], codes), year, months=False, ordered=False))
    part = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_KEY + ["persons"])
    part["period"] = f"{label} since {since.label}"
    at_part = {k: offset + i for k, i in _positions(part).items()}
    out = [Relation(r.total + offset, tuple(c + offset for c in r.parts), r.overlapping)
           for r in (_relations(part) if len(part) else [])]
    earlier_months = set(since.months) | set(since.previous_year().months)
    months_of: dict[tuple, list[int]] = {}
    for key, i in at_own.items():
        if key[4] == "month" and key[5] not in earlier_months:
            months_of.setdefault(key[:4], []).append(i)
    for key, i in at_own.items():
        if key[4] == "month" or (before := at_earlier.get(key)) is None:
            continue  # a group the earlier tertial had no figure of published nothing of it
        after = at_part.get(key)
        # the group's figure is the earlier one and the months since (with none since, the same)
        out.append(Relation(i, (before,) if after is None else (before, after), overlapping=True))
        if after is not None and key[4] == "total" and months_of.get(key[:4]):
            out.append(Relation(after, tuple(months_of[key[:4]]), overlapping=True))
    return part, out


def _in_months(work: tuple, months: list[str]) -> tuple:
    """:func:`_work` person-months of ``months`` only."""
    frame, codes = work
    keep = np.isin(np.asarray(codes["month"], dtype=object)[frame["month"].to_numpy()], months)
    return frame[keep], codes


def _system(period: Period, work: tuple, ordered: bool = True) -> tuple[pd.DataFrame, list[Relation]]:
    """Every candidate figure of ``period`` decided together with what the earlier tertials
    of its year published (``work``: the period's person-months of both years, as :func:`_work`).

    Their figures take part as they decided them, fixed, with the relations that bind
    them to this period's: a cumulative figure is the earlier tertial's figure and the
    months since, each month is the same month the earlier report showed. The months
    since each earlier tertial are a part of every figure, with the persons of those
    months: where it is a small group, a figure that would give it away (this period's,
    the earlier one being published) is hidden. An earlier tertial is decided by this
    same function on its own months only: a decision reads the persons of each group and
    month, never the hours, so it is the one that tertial made from what was known at its
    end, and later data never changes it. Returns every cell (this period's first;
    ``period`` says whose each is: a label, or ``2021-T2 since 2021-T1`` for a part) with
    its ``reason``, and the relations."""
    own = pd.concat([_cells(work[0], "current", ordered=ordered), _cells(work[1], "previous", ordered=ordered)],
                    ignore_index=True)
    own["period"] = period.label
    relations = _relations(own)
    earlier = period.previous_tertial()
    if earlier is None:
        own["reason"] = decide(own["persons"].to_numpy(), _shown(own), relations)
        return own, relations
    before, before_relations = _system(earlier, (_in_months(work[0], earlier.months),
                                                 _in_months(work[1], earlier.previous_year().months)),
                                         ordered=False)
    n = len(own)
    relations += [Relation(r.total + n, tuple(c + n for c in r.parts), r.overlapping) for r in before_relations]
    at_own = _positions(own)
    published = {}  # each earlier tertial's own cells by key, at their place in the system
    for label in before["period"].unique():
        if " since " not in str(label):
            rows = before[before["period"] == label]
            published[label] = {k: n + int(i) for k, i in zip(zip(*(rows[c].tolist() for c in _KEY)), rows.index)}
    for key, i in at_own.items():  # a month is the month the previous tertial showed
        if key[4] == "month" and (j := published.get(earlier.label, {}).get(key)) is not None:
            relations.append(Relation(i, (j,)))
    every, offset = [own, before], n + len(before)
    for label, at_earlier in published.items():
        part, rels = _since(at_earlier, at_own, work, Period.parse(label), offset, period.label)
        every.append(part)
        relations += rels
        offset += len(part)
    cells = pd.concat(every, ignore_index=True)
    shown = np.r_[_shown(own), np.zeros(len(cells) - n, dtype=bool)]
    fixed = np.r_[np.full(n, None, dtype=object), before["reason"].to_numpy(object),
                  np.full(len(cells) - n - len(before), None, dtype=object)]
    cells["reason"] = decide(cells["persons"].to_numpy(), shown, relations, fixed=fixed)
    return cells, relations


def figures(employees: pd.DataFrame, absence: pd.DataFrame, period: str | Period,
            hours: tuple | None = None) -> pd.DataFrame:
    """Every candidate sick-leave figure of ``period`` with the model's decision.

    The earlier tertials of the year take part as they decided (see :func:`_system`); a
    period's decision never depends on a later period's data.

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
    system, _ = _system(period, (_work(hours[0]), _work(hours[1])))
    cells = system[system["period"] == period.label].drop(columns="period").reset_index(drop=True)
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


def months_of_every_group(cells: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """:func:`months` of every division and unit at once: ``(division, unit)`` (``""`` for
    a division's own) to the very frame :func:`months` gives it (a kernel making several
    reports reads each one's from here)."""
    rows = cells[cells["level"].isin(["division", "unit"]) & (cells["dimension"] == "month")]
    both = _both_years(rows, ["level", "division", "unit", "key"], same_month_last_year=True)
    both = both.rename(columns={"key": "month"})
    return {(division, unit): part.drop(columns=["level", "division", "unit"]).sort_values("month")
            .reset_index(drop=True)
            for (division, unit), part in both.groupby(["division", "unit"], sort=False)}


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


__all__ = ["figures", "totals", "months", "months_of_every_group", "key_figure_rows", "SMALL", "PROTECTS", "NOT_SHOWN"]
