"""Checks of the data contract beyond reading cells: ranges, keys, gaps, cross-table.

Column checks (required values, ranges, whole numbers) follow the columns'
rules in :mod:`regionanalytics.schema`, one vectorised pass per column; checks
that need more than one row or table (duplicated keys, month gaps, spells, unknown divisions) are
written here. Every check returns a list of :class:`~regionanalytics.exceptions.Problem`
so one run reports everything that is wrong.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .exceptions import Problem
from .loaders import MAX_PER_COLUMN, ROW, cell_problems
from .metrics.sick_leave import spell_order
from .periods import month_span
from .schema import TABLES, Column, Table


def broken_cells(values: pd.Series, col: Column) -> list[tuple[np.ndarray, str]]:
    """Cells of one column that break its rules in the contract, and what was expected.

    The rules are the column's in :mod:`regionanalytics.schema`: a value in every
    row when required; for numbers the range and whole numbers.

    >>> from regionanalytics.schema import TABLES
    >>> col = TABLES["employees"].column("employment_rate")
    >>> [(mask.tolist(), expected) for mask, expected in
    ...  broken_cells(pd.Series([0.5, 0.0, 1.2, None]), col)]
    [([False, False, False, True], 'a value in every row (this column is required)'), \
([False, True, True, False], 'a number (decimal comma or point; space as thousands separator) > 0 and <= 1')]
    """
    present = values.notna().to_numpy()
    found = []
    if col.required:
        found.append((~present, "a value in every row (this column is required)"))
    if col.kind == "number":
        x = values.to_numpy("float64", na_value=np.nan)
        bad = np.zeros(len(x), dtype=bool)
        with np.errstate(invalid="ignore"):
            if col.min is not None:
                bad |= (x <= col.min) if col.min_exclusive else (x < col.min)
            if col.max is not None:
                bad |= x > col.max
            if col.integer:
                bad |= x % 1 != 0
        found.append((present & bad, col.expected))
    return found


def _column_checks(df: pd.DataFrame, spec: Table, name: str, skip: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for col in spec.columns:
        if col.name not in df:
            continue
        # cells that could not be read at all are reported already
        readable = ~skip[col.name].to_numpy(bool) if col.name in skip else True
        for mask, expected in broken_cells(df[col.name], col):
            problems += cell_problems(name, df[ROW], df[col.name],
                                      pd.Series(mask & readable, index=df.index), col.name, expected)
    return problems


def check_table(df: pd.DataFrame, spec: Table, name: str,
                unreadable: pd.DataFrame | None = None) -> list[Problem]:
    """Every problem of one parsed table (with its row-number column)."""
    skip = unreadable if unreadable is not None else pd.DataFrame(index=df.index)
    problems = _column_checks(df, spec, name, skip)
    problems += _duplicate_keys(df, spec, name)
    if spec.contiguous_months and df["month"].notna().any():
        problems += _month_gaps(df, name)
    checker = _TABLE_CHECKS.get(spec.name)
    if checker:
        problems += checker(df, name)
    return problems


def _duplicate_keys(df: pd.DataFrame, spec: Table, name: str) -> list[Problem]:
    key = list(spec.key)
    complete = df[key + [ROW]].dropna(subset=key)
    dup = complete.duplicated(subset=key, keep="first")
    if not dup.any():
        return []
    first_rows = complete.groupby(key, sort=False)[ROW].transform("first")
    problems = []
    for i in dup[dup].index[:MAX_PER_COLUMN]:
        values = ", ".join(str(complete.at[i, k]) for k in key)
        problems.append(Problem(name, int(complete.at[i, ROW]), "+".join(key), values,
                                f"one row per ({', '.join(key)}); row {int(first_rows[i])} "
                                "has the same key"))
    extra = int(dup.sum()) - MAX_PER_COLUMN
    if extra > 0:
        problems.append(Problem(name, None, "+".join(key), None,
                                f"unique keys (and {extra} more duplicated rows)"))
    return problems


def _month_gaps(df: pd.DataFrame, name: str) -> list[Problem]:
    present = set(df["month"].dropna().unique())
    full = month_span(min(present), max(present))
    missing = [m for m in full if m not in present]
    if not missing:
        return []
    return [Problem(name, None, "month", None,
                    f"every month from {full[0]} to {full[-1]}; no rows for {', '.join(missing)}")]


def _check_finance(df: pd.DataFrame, name: str) -> list[Problem]:
    problems = []
    present = df[["budget", "actual"]].notna()
    per_month = present[df["month"].notna().to_numpy()].groupby(df["month"].dropna()).any()
    if per_month.empty:
        return problems
    budget_months = set(per_month.index[per_month["budget"].to_numpy()])
    for y in sorted({m[:4] for m in per_month.index}):
        absent = [m for m in month_span(f"{y}-01", f"{y}-12") if m not in budget_months]
        if absent:
            problems.append(Problem(name, None, "budget", None,
                                    f"a budget for all 12 months of {y}; none for {', '.join(absent)}"))
    closed = per_month["actual"]
    if closed.any():
        last_closed = closed[closed].index.max()
        open_before = [m for m in closed.index if m < last_closed and not closed[m]]
        if open_before:
            problems.append(Problem(name, None, "actual", None,
                                    f"actuals for every month up to the last closed month {last_closed}; "
                                    f"none for {', '.join(open_before)}"))
    return problems


def _check_employees(df: pd.DataFrame, name: str) -> list[Problem]:
    codes, months = pd.factorize(df["month"])  # a year per distinct month, not per row
    year = pd.Series(pd.to_numeric(months.str[:4], errors="coerce").to_numpy("float64")[codes],
                     index=df.index).where(codes >= 0)
    future = df["birth_year"] > year
    return cell_problems(name, df[ROW], df["birth_year"], future, "birth_year",
                         "a birth year no later than the row's month (a year in the past)")


def _check_absence(df: pd.DataFrame, name: str) -> list[Problem]:
    reversed_ = df["end"] < df["start"]
    problems = cell_problems(name, df[ROW], df["end"], reversed_, "end",
                             "an end date on or after the spell's start date")
    # overlapping spells of one person add their extents: more than 100 % is impossible
    ok = df.dropna(subset=["person_id", "start", "end", "extent"])
    if ok.empty:
        return problems
    order, new_person = spell_order(ok)
    start, end, extent = (ok[c].to_numpy()[order] for c in ("start", "end", "extent"))
    overlap = ~new_person[1:] & (start[1:] <= end[:-1]) & (extent[1:] + extent[:-1] > 1 + 1e-9)
    flagged = np.zeros(len(ok), dtype=bool)
    flagged[order[1:][overlap]] = True  # the later spell of each overlapping pair, in file order
    problems += cell_problems(name, ok[ROW], ok["extent"], pd.Series(flagged, index=ok.index),
                              "extent", "overlapping spells of one person whose extents add up to at most 1")
    return problems


_TABLE_CHECKS = {"finance": _check_finance, "employees": _check_employees, "absence": _check_absence}


def isin(values: pd.Series, allowed) -> pd.Series:
    """``values.isin(allowed)`` in Arrow's hash join: fast for many allowed values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(pa.array(values, from_pandas=True), value_set=pa.array(allowed, from_pandas=True))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index).fillna(False).astype(bool)


def check_region(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Checks across tables: divisions known to finance, spells of known persons.

    ``tables`` hold the parsed frames (with row numbers); ``names`` their file names.
    """
    problems: list[Problem] = []
    finance = tables.get("finance")
    if finance is not None and finance["division"].notna().any():
        known = set(finance["division"].dropna().unique())
        for table, df in tables.items():
            if table == "finance" or "division" not in df:
                continue
            unknown = df["division"].notna() & ~df["division"].isin(known)
            for division, group in df[unknown].groupby("division", sort=False):
                problems.append(Problem(names[table], int(group[ROW].iloc[0]), "division", division,
                                        "a division that the finance table knows ("
                                        + ", ".join(sorted(known)) + f"); {len(group)} row(s) have it"))
    employees, absence = tables.get("employees"), tables.get("absence")
    if employees is not None and absence is not None and len(absence):
        unknown = absence["person_id"].notna() & ~isin(absence["person_id"], employees["person_id"].unique())
        problems += cell_problems(names["absence"], absence[ROW], absence["person_id"], unknown,
                                  "person_id", "a person_id found in the employees table")
    return problems
