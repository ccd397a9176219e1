"""Checks of the data contract beyond reading cells: ranges, keys, gaps, cross-table.

Column checks (required values, ranges, whole numbers) are declared as pandera
schemas built from :mod:`regionanalytics.schema`; checks that need more than
one row or table (duplicated keys, month gaps, spells, unknown divisions) are
written here. Every check returns a list of :class:`~regionanalytics.exceptions.Problem`
so one run reports everything that is wrong.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .exceptions import Problem
from .loaders import MAX_PER_COLUMN, ROW, cell_problems
from .periods import month_span
from .schema import TABLES, Table


@lru_cache(maxsize=None)
def pandera_schema(table: str):
    """The pandera schema of the column-level rules of ``table``."""
    import pandera.pandas as pa

    columns = {}
    for col in TABLES[table].columns:
        checks = []
        if col.kind == "number":
            if col.min is not None and col.max is not None:
                checks.append(pa.Check.in_range(col.min, col.max, include_min=not col.min_exclusive))
            elif col.min is not None:
                checks.append(pa.Check.gt(col.min) if col.min_exclusive else pa.Check.ge(col.min))
            if col.integer:
                checks.append(pa.Check(lambda s: s % 1 == 0, element_wise=False, name="integer"))
        columns[col.name] = pa.Column(checks=checks, nullable=not col.required, required=False,
                                      coerce=False)
    return pa.DataFrameSchema(columns, strict=False)


def _column_checks(df: pd.DataFrame, spec: Table, name: str, skip: pd.DataFrame) -> list[Problem]:
    import pandera.pandas as pa

    try:
        pandera_schema(spec.name).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    problems: list[Problem] = []
    cases = cases[cases["index"].notna() & cases["column"].isin(spec.column_names)]
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        idx = pd.Index(group["index"].astype(int).unique())
        idx = idx[~skip.loc[idx, column].to_numpy()] if column in skip else idx
        if idx.empty:
            continue
        col = spec.column(column)
        expected = ("a value in every row (this column is required)"
                    if check == "not_nullable" else col.expected)
        mask = df.index.isin(idx)
        problems += cell_problems(name, df[ROW], df[column], pd.Series(mask, index=df.index),
                                  column, expected)
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
    complete = df.dropna(subset=key)
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
    present = set(df["month"].dropna())
    full = month_span(min(present), max(present))
    missing = [m for m in full if m not in present]
    if not missing:
        return []
    return [Problem(name, None, "month", None,
                    f"every month from {full[0]} to {full[-1]}; no rows for {', '.join(missing)}")]


def _check_finance(df: pd.DataFrame, name: str) -> list[Problem]:
    problems = []
    months = df.dropna(subset=["month"])
    if months.empty:
        return problems
    year = months["month"].str[:4]
    for y, group in months.groupby(year):
        budget_months = set(group.loc[group["budget"].notna(), "month"])
        if len(budget_months) < 12:
            absent = [m for m in month_span(f"{y}-01", f"{y}-12") if m not in budget_months]
            problems.append(Problem(name, None, "budget", None,
                                    f"a budget for all 12 months of {y}; none for {', '.join(absent)}"))
    closed = months.groupby("month")["actual"].apply(lambda s: s.notna().any())
    if closed.any():
        last_closed = closed[closed].index.max()
        open_before = [m for m in closed.index if m < last_closed and not closed[m]]
        if open_before:
            problems.append(Problem(name, None, "actual", None,
                                    f"actuals for every month up to the last closed month {last_closed}; "
                                    f"none for {', '.join(open_before)}"))
    return problems


def _check_employees(df: pd.DataFrame, name: str) -> list[Problem]:
    year = pd.to_numeric(df["month"].str[:4], errors="coerce")
    future = df["birth_year"] > year
    return cell_problems(name, df[ROW], df["birth_year"], future, "birth_year",
                         "a birth year no later than the row's month (a year in the past)")


def _check_absence(df: pd.DataFrame, name: str) -> list[Problem]:
    reversed_ = df["end"] < df["start"]
    problems = cell_problems(name, df[ROW], df["end"].dt.strftime("%Y-%m-%d"), reversed_, "end",
                             "an end date on or after the spell's start date")
    # overlapping spells of one person add their extents: more than 100 % is impossible
    ok = df.dropna(subset=["person_id", "start", "end", "extent"]).sort_values(["person_id", "start"])
    same = ok["person_id"].eq(ok["person_id"].shift())
    overlap = same & (ok["start"] <= ok["end"].shift()) & (ok["extent"] + ok["extent"].shift() > 1 + 1e-9)
    problems += cell_problems(name, ok[ROW], ok["extent"], overlap, "extent",
                              "overlapping spells of one person whose extents add up to at most 1")
    return problems


_TABLE_CHECKS = {"finance": _check_finance, "employees": _check_employees, "absence": _check_absence}


def check_region(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Checks across tables: divisions known to finance, spells of known persons.

    ``tables`` hold the parsed frames (with row numbers); ``names`` their file names.
    """
    problems: list[Problem] = []
    finance = tables.get("finance")
    if finance is not None and finance["division"].notna().any():
        known = set(finance["division"].dropna())
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
        unknown = absence["person_id"].notna() & ~absence["person_id"].isin(set(employees["person_id"]))
        problems += cell_problems(names["absence"], absence[ROW], absence["person_id"], unknown,
                                  "person_id", "a person_id found in the employees table")
    return problems
