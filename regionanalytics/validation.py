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

from .accounts import TAX_FINANCING, categorise
from .exceptions import Problem
from .loaders import MAX_PER_COLUMN, ROW, cell_problems
from .periods import month_span
from .schema import MONTHLY_PAID, REGION_ROW, TABLES, Column, Table, lookalike_characters, name_key

#: Absence reasons that count as sick leave (sjukfrånvaro), casefolded. SKR's mandatory
#: sick-leave report counts absence "på grund av sjukdom"; an occupational injury is
#: sickness too. Anything else (vab, semester, tjänstledighet, föräldraledighet, ...)
#: is left out. A reason starting with "sjuk" (sjukdom, sjukfrånvaro, sjuk > 14 dagar)
#: counts as well.
SICK_REASONS = ("sjukdom", "sjuk", "sjukfrånvaro", "sjukskrivning", "sjukskriven", "sjuklön",
                "sjukpenning", "arbetsskada", "arbetsskadesjukfrånvaro", "sjukdom arbetsskada",
                "sickness", "sick leave", "illness")


def broken_cells(values: pd.Series, col: Column) -> list[tuple[np.ndarray, str]]:
    """Cells of one column that break its rules in the contract, and what was expected.

    The rules are the column's in :mod:`regionanalytics.schema`: a value in every
    row when required; for numbers the range and whole numbers.

    >>> from regionanalytics.schema import TABLES
    >>> col = TABLES["production"].column("value")
    >>> [(mask.tolist(), expected) for mask, expected in
    ...  broken_cells(pd.Series([5.0, -1.0, None]), col)]
    [([False, False, True], 'a value in every row (this column is required)'), \
([False, True, False], 'a number (decimal comma or point; space as thousands separator) >= 0')]
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
    # a long key is checked on its first two columns first: only rows that share those
    # (in the employees table, the rare person with two employments in a month) are
    # compared on the whole key, so millions of rows never hash five text columns
    narrow = key[:2] if len(key) > 2 else key
    candidates = df[narrow].duplicated(keep=False)
    if not candidates.any():
        return []
    complete = df.loc[candidates.to_numpy(), key + [ROW]].dropna(subset=key)
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


def _units_or_codes(df: pd.DataFrame, name: str, table: str) -> list[Problem]:
    """Division and unit in every row, unless the row has a kostnadsställe code (which the
    organisation table resolves, see resolve_units)."""
    problems = []
    no_code = df["code"].isna()
    for col in ("division", "unit"):
        if df[col].isna().all() and no_code.all():
            problems.append(Problem(name, None, col, None,
                                    f"a column '{col}' (also accepted: "
                                    f"{', '.join(TABLES[table].column(col).aliases)}), or a "
                                    "column 'Kostnadsställe' with an organisation table"))
        else:
            problems += cell_problems(name, df[ROW], df[col], df[col].isna() & no_code, col,
                                      "a value in every row (this column is required unless the "
                                      "row has a Kostnadsställe)")
    return problems


def _budget_years(df: pd.DataFrame, name: str, years: list[str] | None = None) -> list[Problem]:
    """A budget year is whole: every year with a budget in some month has one in all 12
    (a budget system plans the year; a year cut short is a truncated export). ``years``
    names the years that must have one (default: the years with any budget)."""
    months = set(df.loc[df["budget"].notna() & df["month"].notna(), "month"].unique())
    if years is None:
        years = sorted({m[:4] for m in months})
    problems = []
    for y in years:
        absent = [m for m in month_span(f"{y}-01", f"{y}-12") if m not in months]
        if absent:
            problems.append(Problem(name, None, "budget", None,
                                    f"a budget for all 12 months of {y}; none for {', '.join(absent)}"))
    return problems


def _check_finance(df: pd.DataFrame, name: str) -> list[Problem]:
    problems = _units_or_codes(df, name, "finance")
    present = df[["budget", "actual"]].notna()
    per_month = present[df["month"].notna().to_numpy()].groupby(df["month"].dropna()).any()
    if per_month.empty:
        return problems
    # the budget column may be left out or empty (the budget then comes from the budget
    # system's table, or is missing); a year with a budget in some month needs all 12
    problems += _budget_years(df, name)
    closed = per_month["actual"]
    if closed.any():
        last_closed = closed[closed].index.max()
        open_before = [m for m in closed.index if m < last_closed and not closed[m]]
        if open_before:
            problems.append(Problem(name, None, "actual", None,
                                    f"actuals for every month up to the last closed month {last_closed}; "
                                    f"none for {', '.join(open_before)}"))
    return problems


def _check_budget(df: pd.DataFrame, name: str) -> list[Problem]:
    from .layout import sum_rows

    return _units_or_codes(df, name, "budget") + _budget_years(df, name) + sum_rows(df, name)


def _check_employees(df: pd.DataFrame, name: str) -> list[Problem]:
    codes, months = pd.factorize(df["month"])  # a year per distinct month, not per row
    year = pd.Series(pd.to_numeric(months.str[:4], errors="coerce").to_numpy("float64")[codes],
                     index=df.index).where(codes >= 0)
    future = df["birth_year"] > year
    problems = cell_problems(name, df[ROW], df["birth_year"], future, "birth_year",
                             "a birth year no later than the row's month (a year in the past)")
    # hourly-paid staff have no employment rate (0 or empty); monthly-paid staff must
    monthly = df["employment"].isin(list(MONTHLY_PAID))
    no_rate = monthly & ~(df["employment_rate"] > 0)
    problems += cell_problems(name, df[ROW], df["employment_rate"], no_rate, "employment_rate",
                              "an employment rate above 0 for monthly-paid staff (tillsvidare, visstid); "
                              "0 or empty is accepted only for timavlönade")
    return problems


def _check_absence(df: pd.DataFrame, name: str) -> list[Problem]:
    reversed_ = df["end"] < df["start"]
    problems = cell_problems(name, df[ROW], df["end"], reversed_, "end",
                             "an end date on or after the spell's start date")
    if "hours" in df:  # registered hours belong to one day
        several = df["hours"].notna() & ~(df["end"] == df["start"])
        problems += cell_problems(name, df[ROW], df["hours"], several, "hours",
                                  "hours only on a spell of one day (start = end)")
    # spells of one person that run at the same time add their extents: more than 100 %
    # on any day is impossible, however many spells overlap there
    ok = df.dropna(subset=["person_id", "start", "extent"])
    ok = ok[~(ok["end"] < ok["start"])]
    if ok.empty:
        return problems
    person, _ = pd.factorize(ok["person_id"])
    start = ok["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = ok["end"].to_numpy("datetime64[D]").astype(np.int64)
    end = np.where(ok["end"].isna().to_numpy(), start.max() + 1, end)  # running: past every start
    extent = ok["extent"].to_numpy("float64")
    # only persons with spells that overlap at all need the day-by-day sum: find them with
    # one sort by person and start (a person's spell overlaps when it starts before the
    # latest end of the spells before it)
    span = int(max(start.max(), end.max()) - min(start.min(), end.min()) + 2)
    first = int(min(start.min(), end.min()))
    order = np.argsort(person.astype(np.int64) * span + (start - first), kind="stable")
    p = person[order]
    reach = np.maximum.accumulate(end[order] - first + _lift(p, span))
    s_sorted = start[order] - first + _lift(p, span)
    overlapping = np.zeros(len(ok), dtype=bool)
    overlapping[order[1:]] = (p[1:] == p[:-1]) & (s_sorted[1:] <= reach[:-1])
    people = np.unique(person[overlapping])
    flagged = np.zeros(len(ok), dtype=bool)
    if len(people):
        rows = np.flatnonzero(np.isin(person, people))
        ev_person = np.r_[person[rows], person[rows]]
        ev_day = np.r_[start[rows], end[rows] + 1]
        ev_delta = np.r_[extent[rows], -extent[rows]]
        ev_row = np.r_[rows, rows]
        ev = np.lexsort((ev_delta, ev_day, ev_person))  # on one day, endings before starts
        running = np.cumsum(ev_delta[ev])  # each person's sum returns to 0 after the last end
        over = (running > 1 + 1e-9) & (ev_delta[ev] > 0)
        flagged[ev_row[ev][over]] = True  # the spell whose start takes the sum above 100 %
    problems += cell_problems(name, ok[ROW], ok["extent"], pd.Series(flagged, index=ok.index),
                              "extent", "spells of one person that together are at most 1 (100 %) "
                              "on every day they overlap")
    return problems


def _lift(person: np.ndarray, span: int) -> np.ndarray:
    """Each person's days lifted above every day of the persons before (for running maxima
    that never carry from one person to the next)."""
    return person.astype(np.int64) * (span + 1)


def _check_goals(df: pd.DataFrame, name: str) -> list[Problem]:
    # an indicator assessed from target and outcome needs its direction: never guessed
    computed = df["assessment"].isna() & df["target"].notna() & df["outcome"].notna()
    no_direction = computed & df["higher_is_better"].isna()
    return cell_problems(name, df[ROW], df["higher_is_better"], no_direction, "higher_is_better",
                         "ja or nej (whether a higher outcome is better) for an indicator assessed "
                         "from its target and outcome")


def is_sick_leave(reasons: pd.Series) -> pd.Series:
    """True where an absence reason counts as sick leave (see :data:`SICK_REASONS`).

    >>> is_sick_leave(pd.Series(["Sjukdom", "VAB", "Arbetsskada", "Semester", "Sjuk > 14 dgr"])).tolist()
    [True, False, True, False, True]
    """
    low = reasons.astype(str).str.strip().str.casefold()
    return low.isin(SICK_REASONS) | low.str.startswith("sjuk")


def select_sick_leave(df: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """Keep the sick-leave rows of an absence export that has a reason column.

    Returns the kept rows, a note counting what was left out per reason, and a
    problem for every row without a reason (it cannot be known whether it counts).
    """
    if "reason" not in df or df["reason"].isna().all():
        return df, [], []
    missing = df["reason"].isna()
    problems = cell_problems(name, df[ROW], df["reason"], missing, "reason",
                             "an absence reason (Frånvaroorsak) in every row when the column is given")
    sick = is_sick_leave(df["reason"]) & ~missing
    left_out = df.loc[~sick & ~missing, "reason"].value_counts()
    notes = []
    if len(left_out):
        listing = ", ".join(f"{reason} {count}" for reason, count in left_out.items())
        notes.append(f"{name}: {int(left_out.sum())} rows of other absence than sick leave left out "
                     f"({listing})")
    return df[sick].reset_index(drop=True), notes, problems


def finance_gaps(finance: pd.DataFrame) -> pd.DataFrame:
    """Units without finance rows in a month between their first and last month.

    An export that missed the unit, or a real month without bookings: the result
    is still computed, but a reader should know.

    Returns
    -------
    DataFrame
        ``division``, ``unit``, ``months`` (the list of months without rows).

    >>> fin = pd.DataFrame({"month": ["2021-01", "2021-03", "2021-01", "2021-02", "2021-03"],
    ...                     "division": "D", "unit": ["a", "a", "b", "b", "b"]})
    >>> finance_gaps(fin).values.tolist()
    [['D', 'a', ['2021-02']]]
    """
    rows = finance[["division", "unit", "month"]].dropna().drop_duplicates()
    # a unit's months against the span from its first to its last: only units with fewer
    # months than their span are looked at one by one
    index = pd.PeriodIndex(rows["month"], freq="M")
    rows = rows.assign(_n=index.year * 12 + index.month)
    per_unit = rows.groupby(["division", "unit"], sort=True)["_n"].agg(["min", "max", "count"])
    gappy = per_unit[per_unit["max"] - per_unit["min"] + 1 > per_unit["count"]]
    found = []
    for (division, unit), _ in gappy.iterrows():
        months = set(rows.loc[(rows["division"] == division) & (rows["unit"] == unit), "month"])
        gaps = [m for m in month_span(min(months), max(months)) if m not in months]
        found.append((division, unit, gaps))
    return pd.DataFrame(found, columns=["division", "unit", "months"])


def table_notes(df: pd.DataFrame, spec: Table, name: str) -> list[str]:
    """Warnings about a table that do not stop it from being used."""
    if spec.name != "finance" or df.empty:
        return []
    gaps = finance_gaps(df)
    return [f"{name}: unit '{unit}' ({division}) has no rows for {', '.join(months)}, which other "
            "months have; its result counts nothing for them"
            for division, unit, months in gaps.itertuples(index=False)]


def _check_organisation(df: pd.DataFrame, name: str) -> list[Problem]:
    """A unit belongs to one division: a unit listed under two is an error."""
    pairs = df.dropna(subset=["unit", "division"])
    divisions = pairs.groupby("unit")["division"].nunique()
    twice = pairs["unit"].isin(divisions.index[divisions > 1])
    problems = []
    for unit, group in pairs[twice].groupby("unit", sort=True):
        problems.append(Problem(name, int(group[ROW].iloc[1]), "division", str(group["division"].iloc[1]),
                                f"one division per unit; '{unit}' is in "
                                f"{', '.join(sorted(group['division'].unique()))} (rows "
                                f"{', '.join(str(int(r)) for r in group[ROW])})"))
    return problems


_TABLE_CHECKS = {"finance": _check_finance, "budget": _check_budget, "organisation": _check_organisation, "employees": _check_employees, "absence": _check_absence,
                 "goals": _check_goals}


def isin(values: pd.Series, allowed) -> pd.Series:
    """``values.isin(allowed)`` in Arrow's hash join: fast for many allowed values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(pa.array(values, from_pandas=True), value_set=pa.array(allowed, from_pandas=True))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index).fillna(False).astype(bool)


def resolve_units(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Give finance and budget rows their unit and division from the organisation table
    (in place).

    Rows may carry a kostnadsställe ``code`` instead of names: the organisation
    table gives both. Rows that name a unit keep it, and the organisation table
    then must agree on its division. Every row ends with a division and a unit or
    is reported (its code unknown, or neither given).
    """
    problems: list[Problem] = []
    for table in ("finance", "budget"):
        if tables.get(table) is not None:
            problems += _resolve(tables[table], tables.get("organisation"), table, names)
    return problems


def _resolve(frame: pd.DataFrame, org: pd.DataFrame | None, table: str, names: dict[str, str]) -> list[Problem]:
    name = names[table]
    problems: list[Problem] = []
    if org is not None and frame["code"].notna().any():
        by_code = org.dropna(subset=["code"]).drop_duplicates("code").set_index("code")
        known = frame["code"].isin(by_code.index)
        problems += cell_problems(name, frame[ROW], frame["code"], frame["code"].notna() & ~known,
                                  "code", f"a kostnadsställe listed in {names['organisation']}")
        for col in ("unit", "division"):
            mapped = frame["code"].map(by_code[col])
            frame[col] = frame[col].where(frame[col].notna(), mapped)
    if org is not None and frame["unit"].notna().any():
        division_of = org.dropna(subset=["unit", "division"]).drop_duplicates("unit").set_index("unit")["division"]
        expected = frame["unit"].map(division_of)
        frame["division"] = frame["division"].where(frame["division"].notna(), expected)
        wrong = expected.notna() & frame["division"].notna() & (frame["division"] != expected)
        for (unit, division), group in frame[wrong].groupby(["unit", "division"], sort=True):
            problems.append(Problem(name, int(group[ROW].iloc[0]), "division", division,
                                    f"the division {names['organisation']} gives unit '{unit}' "
                                    f"({division_of[unit]}); {len(group)} row(s) say otherwise"))
    if org is not None and frame["code"].notna().any():
        problems += _duplicate_keys(frame, TABLES[table], name)
    return problems


def account_problems(finance: pd.DataFrame, accounts: pd.DataFrame | None, name: str,
                     accounts_name: str | None) -> list[Problem]:
    """With an ``accounts`` table, every finance account must map to a category; one
    problem per unmapped account, naming its rows."""
    if accounts is None or finance.empty:
        return []
    categories = categorise(finance["account"], accounts)
    unmapped = finance["account"].notna() & categories.isna()
    problems = []
    for account, group in finance[unmapped].groupby("account", sort=True):
        rows = [str(int(r)) for r in group[ROW].head(5)]
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        problems.append(Problem(name, int(group[ROW].iloc[0]), "account", str(account),
                                f"an account that {accounts_name} maps to a category (a number, a "
                                f"range such as 5000-5999, or a name); rows {', '.join(rows)}{more} "
                                "have it"))
    return problems


#: Characters no text from an export may hold: C0 and C1 control characters (NUL, ESC, ...:
#: they end text in C and in Excel's files and drive terminals) and the bidirectional
#: embeddings, overrides and isolates that make text read otherwise than it is stored.
#: Tab, line feed and carriage return are allowed in free text (a goal written on two
#: lines), not in names.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_NAME_CONTROL = _CONTROL + "\t\n\r"
#: Columns that name something a report shows by name (and a file name is made of).
_NAMES = ("division", "unit")


def text_problems(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Text that is not plain text: control characters in any text column (names also
    without tabs and line breaks), each cell named by its row. Person ids are left out:
    they are never shown (a bad one is the person_id checks' to report, without the id)."""
    import re

    problems = []
    for table, df in tables.items():
        spec = TABLES.get(table)
        for col in spec.columns if spec else ():
            if col.kind != "text" or col.name == "person_id" or col.name not in df:
                continue
            pattern = re.compile(f"[{_NAME_CONTROL if col.name in _NAMES else _CONTROL}]")
            distinct = df[col.name].dropna().unique()
            bad = [v for v in distinct if pattern.search(str(v))]
            if bad:
                what = "a name" if col.name in _NAMES else "text"
                problems += cell_problems(names[table], df[ROW], df[col.name], df[col.name].isin(bad),
                                          col.name, f"{what} without control characters (such as NUL, ESC"
                                          + (", tab or a line break" if col.name in _NAMES else "")
                                          + " or a direction override)")
    return problems


def _spelling(value: str, row) -> str:
    """A name as a message shows it beside another spelling: its text, its row and the
    characters a reader cannot see or tells from a Latin letter only by their code."""
    odd = lookalike_characters(value)
    return f"{value!r} (row {int(row)}" + (f", with {', '.join(odd)})" if odd else ")")


def name_problems(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Names a reader cannot tell apart: two divisions, or two units of one division,
    that differ only in case, spaces or Unicode form (:func:`~regionanalytics.schema.name_key`),
    and a division called as the summaries' region row (``Region``), unless it is the
    region's central level, which is never reported as a division."""
    problems = []
    for table, df in tables.items():
        if "division" not in df or table == "organisation":
            continue
        groups = [("division", ["division", ROW])]
        if "unit" in df:
            groups.append(("unit", ["division", "unit", ROW]))
        for column, columns in groups:
            # each name's first row: the distinct names first, then those with a gap left
            # out (the same rows as leaving the gaps out first, without copying a large table)
            first = df[columns].drop_duplicates(columns[:-1]).dropna()
            scope = first["division"] if column == "unit" else pd.Series("", index=first.index)
            keys = scope + "\x1f" + first[column].map(name_key)
            same_key = keys.duplicated(keep=False)
            if not same_key.any():
                continue
            for _, same in first[same_key].groupby(keys[same_key], sort=False):
                shown = " and ".join(_spelling(v, r) for v, r in zip(same[column], same[ROW]))
                where = f" of division {same['division'].iloc[0]!r}" if column == "unit" else ""
                problems.append(Problem(names[table], int(same[ROW].iloc[-1]), column, same[column].iloc[-1],
                                        f"one way of writing each {column}{where}: {shown} differ only in "
                                        "case, spaces, how a letter is encoded, invisible characters or "
                                        "letters of another script that look like Latin ones, which a reader "
                                        "(and a file name) cannot tell apart"))
    finance = tables.get("finance")
    if finance is not None and finance["division"].notna().any():
        # each distinct name read once (the rows are many, the divisions few)
        named = [d for d in finance["division"].dropna().unique() if name_key(d) == name_key(REGION_ROW)]
        region = finance["division"].isin(named)
        if region.any():  # the central level's accounts are looked up only for a division so named
            pairs = finance.loc[region, ["division", "account"]].dropna().drop_duplicates()
            central = set(pairs.loc[categorise(pairs["account"], tables.get("accounts")).isin(list(TAX_FINANCING)).to_numpy(),
                                    "division"])
            region &= ~finance["division"].isin(central)
        if region.any():
            row = finance.loc[region, ROW].iloc[0]
            problems.append(Problem(names["finance"], int(row), "division", finance.loc[region, "division"].iloc[0],
                                    f"a division name other than {REGION_ROW!r}, which names the region's own "
                                    "row in summary.csv, the workbook and the metrics (or tax revenue on the "
                                    f"division's accounts, when it is the region's central level); "
                                    f"{int(region.sum())} row(s) have it"))
    return problems


def check_region(tables: dict[str, pd.DataFrame], names: dict[str, str]) -> list[Problem]:
    """Checks across tables: accounts the plan maps, divisions known to finance, spells of
    known persons. Run after :func:`resolve_units` (finance rows then have their units).

    ``tables`` hold the parsed frames (with row numbers); ``names`` their file names.
    """
    problems: list[Problem] = text_problems(tables, names) + name_problems(tables, names)
    finance = tables.get("finance")
    for table in ("finance", "budget"):
        if tables.get(table) is not None:
            problems += account_problems(tables[table], tables.get("accounts"), names[table],
                                         names.get("accounts"))
    if finance is not None and finance["division"].notna().any():
        known = set(finance["division"].dropna().unique())
        if tables.get("budget") is not None:  # a division budgeted without actuals yet
            known |= set(tables["budget"]["division"].dropna().unique())
        for table, df in tables.items():
            if table in ("finance", "organisation", "budget") or "division" not in df:
                continue
            unknown = df["division"].notna() & ~df["division"].isin(known)
            by_key = {name_key(k): k for k in known}
            for division, group in df[unknown].groupby("division", sort=False):
                alike = by_key.get(name_key(division))
                # a name a reader cannot tell from a known one says what tells them apart
                seen = (f"; it is {_spelling(division, group[ROW].iloc[0])}, which a reader cannot tell "
                        f"from {alike!r} in {names.get('finance', 'the finance table')}" if alike else "")
                problems.append(Problem(names[table], int(group[ROW].iloc[0]), "division", division,
                                        "a division that the finance table knows ("
                                        + ", ".join(sorted(known)) + f"); {len(group)} row(s) have it" + seen))
    employees, absence = tables.get("employees"), tables.get("absence")
    if employees is not None and absence is not None and len(absence):
        unknown = absence["person_id"].notna() & ~isin(absence["person_id"], employees["person_id"].unique())
        problems += cell_problems(names["absence"], absence[ROW], absence["person_id"], unknown,
                                  "person_id", "a person_id found in the employees table")
    return problems


def staff_differences(staff: pd.DataFrame, employees: pd.DataFrame | None, organisation: pd.DataFrame | None,
                      name: str, employees_name: str) -> list[str]:
    """Notes where a PAXml file's ``<personal>`` (see :mod:`regionanalytics.paxml`) and the
    employees table disagree on a person's employment rate, form or unit, in the person's
    latest month in the employees table (PAXml gives the state when it was exported).

    Rows are named by the employees table's row numbers, never by person.
    """
    if staff is None or staff.empty or employees is None or employees.empty:
        return []
    latest = employees["month"].eq(employees.groupby("person_id")["month"].transform("max"))
    rows = employees[latest]
    monthly = rows[rows["employment"].isin(list(MONTHLY_PAID))]
    rate = monthly.groupby("person_id")["employment_rate"].sum()
    forms = rows.groupby("person_id")["employment"].agg(set)
    units = rows.groupby("person_id")["unit"].agg(set)
    first_row = rows.groupby("person_id")[ROW].min()
    month = rows.groupby("person_id")["month"].first()
    unit_of = {}
    if organisation is not None and not organisation.empty:
        unit_of = organisation.dropna(subset=["code"]).drop_duplicates("code").set_index("code")["unit"].to_dict()
    found: dict[str, list[str]] = {"employment rate (sysgrad)": [], "employment form (anstform)": [],
                                   "unit (kostnadsställe)": []}
    unknown = 0
    for person in staff.to_dict("records"):
        pid = person["person_id"]
        if pid not in first_row.index:
            unknown += 1
            continue
        where = f"row {int(first_row[pid])} ({month[pid]})"
        if pd.notna(person["employment_rate"]) and abs(rate.get(pid, 0.0) - person["employment_rate"]) > 1e-9:
            found["employment rate (sysgrad)"].append(
                f"{where}: {100 * rate.get(pid, 0.0):g} % against {100 * person['employment_rate']:g} %")
        if person["employment"] and person["employment"] not in forms[pid]:
            found["employment form (anstform)"].append(
                f"{where}: {', '.join(sorted(forms[pid]))} against {person['employment']}")
        unit = unit_of.get(person["code"]) if person["code"] else None
        if unit is not None and unit not in units[pid]:
            found["unit (kostnadsställe)"].append(f"{where}: {', '.join(sorted(units[pid]))} against {unit}")
    notes = [f"{name}: <personal> and {employees_name} disagree on the {what} of {len(items)} person(s) "
             f"(the employees table counts): {'; '.join(items[:5])}" + (" ..." if len(items) > 5 else "")
             for what, items in found.items() if items]
    if unknown:
        notes.append(f"{name}: <personal> lists {unknown} person(s) that {employees_name} does not have")
    return notes
