"""The layout of an export around its table: the title block above the header, and a
budget with its months as columns (the wide shape) read into the contract's long table.

Budget systems and Excel budget templates (Stratsys, Hypergene, a ledger's budget
module) write a title block above the header (``Budget 2021;;;``, ``Belopp i tkr``, a
blank line) and often one row per kostnadsställe and account with one column per month
(``jan … dec``, ``Januari …``, ``2021-01 …``, ``Period 1 … 12``), frequently with a
``Helår`` or ``Totalt`` column. This module reads what such a layout states:

- :func:`stated_unit`: the unit the title block gives the amounts (``Belopp i tkr``);
- :func:`title_years`: the years its title lines name (dates left out);
- :func:`month_of_header` and :func:`total_of_header`: what a column header is;
- :func:`wide_to_long`: the wide table as one row per row and month, its totals checked
  against the months and never added as a thirteenth month.

Loaders call it with the cells as read; it never reads a file.
"""
from __future__ import annotations

import difflib
import re
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from .exceptions import Problem
from .periods import MONTH_NAMES_SV
from .schema import AMOUNT_UNITS, KIND_EXPECTED

#: Month names and their abbreviations as Swedish (and English) exports write them.
MONTH_WORDS: dict[str, int] = {name: i + 1 for i, name in enumerate(MONTH_NAMES_SV)}
MONTH_WORDS.update({name[:3]: i + 1 for i, name in enumerate(MONTH_NAMES_SV)})
MONTH_WORDS.update({"sept": 9, "january": 1, "february": 2, "march": 3, "may": 5, "june": 6,
                    "july": 7, "august": 8, "oct": 10, "october": 10})
#: Headers of a column holding the year's total (``Helår 2021`` and ``Totalt 2021`` too).
TOTAL_WORDS = ("helår", "helårsbudget", "helårsbelopp", "budget helår", "helår budget", "totalt",
               "total", "summa", "summa år", "summa helår", "totalt helår", "totalt år", "årsbudget",
               "årsbelopp", "hela året", "budget totalt", "budget")
#: Headers of a column giving each row's year.
YEAR_WORDS = ("år", "budgetår", "year", "räkenskapsår", "verksamhetsår", "kalenderår")
#: Sub-totals some templates put beside the months: quarters and tertials.
_PART = re.compile(r"^(kv|kvartal|q|tertial|t)\.?\s*([1-4])(?:\s+(\d{4}))?$")
_PART_MONTHS = {"kv": 3, "kvartal": 3, "q": 3, "tertial": 4, "t": 4}

_NAMES = "|".join(sorted(map(re.escape, MONTH_WORDS), key=len, reverse=True))
_BY_NAME = re.compile(rf"^({_NAMES})\.?(?:[\s\-/'’]*(\d{{4}}|\d{{2}}))?$")
_YEAR_NAME = re.compile(rf"^(\d{{4}})[\s\-/]*({_NAMES})\.?$")
_ISO = re.compile(r"^(\d{4})[-/. ]?(\d{1,2})(?:[-/.](\d{1,2})(?:[ t]00:00(?::00)?)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_PERIOD = re.compile(r"^(?:period|per|p|månad|mån|m)\.?\s*(\d{1,2})(?:[\s\-/]+(\d{4}))?$")
_YEAR_PERIOD = re.compile(r"^(\d{4})[\s\-/]*(?:period|per|p|m)\.?\s*(\d{1,2})$")
#: A unit written in an amount's cell by Excel's currency format, and its accounting
#: format's zero (a dash).
_CELL_UNITS = ("kr", "kronor", "sek", "tkr", "tsek", "ksek", "mnkr", "mkr", "msek", ":-")
_CELL_UNIT = rf"(?<=[\d\s\-\u2013\u2212])\s*({'|'.join(map(re.escape, _CELL_UNITS))})\.?\s*$"
_CELL_UNIT = re.compile(_CELL_UNIT, re.IGNORECASE)
_DASH = re.compile(r"[-\u2013\u2212]")
_BUDGET_PREFIX = re.compile(r"^(?:budget|bud)\.?\s+(?=\S)")
_TOTAL = re.compile(rf"^(?:(\d{{4}})\s+)?({'|'.join(map(re.escape, TOTAL_WORDS))})(?:\s+(\d{{4}}))?$")

#: The unit words of :data:`schema.AMOUNT_UNITS`, longest first, any white space between words.
_UNIT_WORDS = "|".join(r"\s+".join(map(re.escape, w.split())) for w in
                       sorted(AMOUNT_UNITS, key=len, reverse=True))
_UNIT_IN_TEXT = re.compile(rf"(?<![\w-])(?:{_UNIT_WORDS})(?!\w)", re.IGNORECASE)
#: Dates and times in a title line (an export's date is not the budget's year).
_DATES = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?|\d{1,2}/\d{1,2}[-/]\d{2,4}"
                    r"|(?<!\d)\d{8}(?!\d)|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?")
_YEAR = re.compile(r"(?<!\d)(?<!\d[,.])(19[5-9]\d|20\d\d)(?!\d)(?![,.]\d)")
_THOUSAND = re.compile(r"(?<!\d)1[\s\u00a0\u202f.]000(?!\d)")


class StatedUnit(NamedTuple):
    """The unit a title block states for the amounts: its factor to tkr, the word and
    the line (as a spreadsheet numbers it)."""

    factor: float
    word: str
    line: int
    text: str


def units_in(text: str) -> list[str]:
    """The unit words in a text, normalised (``Belopp i tkr`` gives ``['tkr']``).

    >>> units_in("Belopp i tkr, debet positivt"), units_in("Belopp i 1 000-tals kronor"), units_in("Region Kronoberg")
    (['tkr'], ['1000-tals kronor'], [])
    """
    return [" ".join(w.casefold().split()) for w in _UNIT_IN_TEXT.findall(thousands(str(text)))]


def thousands(text: str) -> str:
    """``1 000`` (any space, or a point) written ``1000``, as a unit's words are kept.

    >>> thousands("Belopp i 1\u00a0000-tal kr")
    'Belopp i 1000-tal kr'
    """
    return _THOUSAND.sub("1000", text)


def stated_unit(title_rows: list[list[str]], name: str) -> tuple[StatedUnit | None, list[Problem]]:
    """The unit the title lines above the header state (None: they state none), and a
    problem when they state two that differ.

    >>> stated_unit([["Budget 2021", ""], ["Belopp i kr", ""]], "b.csv")[0][:3]
    (0.001, 'kr', 2)
    """
    found: list[StatedUnit] = []
    for line, cells in enumerate(title_rows, start=1):
        for cell in cells:
            for word in units_in(cell):
                found.append(StatedUnit(AMOUNT_UNITS[word], word, line, str(cell).strip()))
    if not found:
        return None, []
    if len({u.factor for u in found}) > 1:
        named = "; ".join(f"'{u.text}' (line {u.line}: {u.word})" for u in found)
        return None, [Problem(name, found[0].line, None, found[0].text,
                              "one unit for the file's amounts; its title lines state more than one: "
                              f"{named}. State one ('Belopp i tkr'), or name the unit in each amount "
                              "column's header ('Budget (kr)')")]
    return found[0], []


def title_years(title_rows: list[list[str]]) -> list[int]:
    """The years the title lines name, dates (an export's date) left out.

    >>> title_years([["Budget 2021 (fastställd), utdrag ur Stratsys 2021-03-02"], ["Belopp i tkr"]])
    [2021]
    """
    years: set[int] = set()
    for cells in title_rows:
        for cell in cells:
            years.update(int(y) for y in _YEAR.findall(_DATES.sub(" ", str(cell))))
    return sorted(years)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if len(text) == 4 else 2000 + int(text)


def month_of_header(norm: str) -> tuple[int | None, int] | None:
    """The (year or None, month) a normalised column header names, None when it names no
    month; month 0 for a header written as a month whose number is not 1-12.

    >>> [month_of_header(h) for h in ("jan", "januari 2021", "2021-03", "202104", "period 5", "p13", "konto")]
    [(None, 1), (2021, 1), (2021, 3), (2021, 4), (None, 5), (None, 0), None]
    >>> month_of_header("budget jan 2021"), month_of_header("utfall jan 2021"), month_of_header("budget 2021")
    ((2021, 1), None, None)
    """
    text = " ".join(norm.casefold().split()).rstrip(":")
    text = _BUDGET_PREFIX.sub("", text)  # "Budget jan 2021", as Hypergene heads its months
    if m := _BY_NAME.match(text):
        return _year(m.group(2)), MONTH_WORDS[m.group(1)]
    if m := _YEAR_NAME.match(text):
        return int(m.group(1)), MONTH_WORDS[m.group(2)]
    for pattern, y, n in ((_ISO, 1, 2), (_MONTH_YEAR, 2, 1), (_PERIOD, 2, 1), (_YEAR_PERIOD, 1, 2)):
        if m := pattern.match(text):
            year = _year(m.group(y)) if m.group(y) else None
            if year is not None and not 1950 <= year <= 2099:
                return None
            month = int(m.group(n))
            return year, month if 1 <= month <= 12 else 0
    return None


def total_of_header(norm: str) -> tuple[int | None, tuple[int, ...]] | None:
    """The (year or None, months) that a total's header sums (``Helår``: all twelve;
    ``Kv 2``: April to June; ``Tertial 1``: January to April), None for another header.

    >>> total_of_header("helår 2021"), total_of_header("kv 2"), total_of_header("konto")
    ((2021, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)), (None, (4, 5, 6)), None)
    """
    text = " ".join(norm.casefold().split())
    if m := _TOTAL.match(text):
        return _year(m.group(1) or m.group(3)), tuple(range(1, 13))
    if m := _PART.match(text):
        size, n = _PART_MONTHS[m.group(1)], int(m.group(2))
        if n * size > 12:
            return None
        return _year(m.group(3)), tuple(range(size * (n - 1) + 1, size * n + 1))
    return None


def is_month_header(norm: str) -> bool:
    """Whether a normalised header names a month (for finding the header row).

    >>> is_month_header("feb"), is_month_header("budget 2021")
    (True, False)
    """
    found = month_of_header(norm)
    return found is not None and found[1] != 0


def _looks_like_month(norm: str) -> bool:
    """A header close to a month's or a total's name (``mras``, ``okotber``, ``helåe``)."""
    letters = re.sub(r"[\d\s\-/.]+", " ", norm).strip()
    if not letters or len(letters) > 12:
        return False
    words = list(MONTH_WORDS) + list(TOTAL_WORDS)
    return bool(difflib.get_close_matches(letters, words, n=1, cutoff=0.75))


def _decimals(text: pd.Series) -> pd.Series:
    """Decimals written in each number cell ('1 234,50': 2)."""
    digits = text.str.extract(r"[.,](\d+)\s*$")[0]
    return digits.str.len().fillna(0).astype(int)


def _fmt(value: float) -> str:
    return f"{value:,.6f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")


class LongTable(NamedTuple):
    """The wide table as the contract's long one: header, cells per column, the file's
    row number of each long row, problems and notes."""

    header: list[str]
    cells: list[pd.Series]
    rows: np.ndarray
    problems: list[Problem]
    notes: list[str]


_HOW = ("state it: a title line naming the year above the header ('Budget 2021'), month "
        "headers with the year ('2021-01', 'jan 2021'), or a column 'År' with each row's year")
MONTHS_WRITTEN = "jan … dec, Januari … December, 2021-01 … 2021-12, Period 1 … 12"
MAX_LISTED = 20


def wide_to_long(header: list[str], norms: list[str], canonical: list[str | None], cells: list,
                 first_row: int, title_rows: list[list[str]], name: str,
                 parse: Callable[[pd.Series], pd.Series]) -> LongTable | None:
    """A budget with one column per month as one row per row and month; None when the
    header has no month columns (the long shape, read as it is).

    ``norms`` are the headers normalised, ``canonical`` the contract column each names
    (None for others), ``cells`` every column's cells as read, ``first_row`` the first
    data row's number; ``parse`` reads a column of number cells (NaN where unreadable).

    Every ``Helår``/``Totalt`` (and quarter, tertial) column is checked against the sum of
    its months in each row, within what rounding can explain: half a unit of the last
    decimal written, for each amount summed. The year comes from the month headers, a
    year column or the title lines, in that order, and the sources must agree.
    """
    header_row = first_row - 1
    months, totals, ids, problems = [], [], [], []
    year_col = None
    if "month" in canonical:
        wide = [h for h, n in zip(header, norms) if is_month_header(n)]
        if not wide:
            return None
        return LongTable([], [], np.zeros(0, int), [Problem(
            name, header_row, header[canonical.index("month")], None,
            "a long table (a month column and one amount column) or a wide one (one column per "
            f"month), not both; the header has a month column and the month columns {', '.join(wide[:4])}")], [])
    for i, (label, norm, canon) in enumerate(zip(header, norms, canonical)):
        found = month_of_header(norm)
        if canon in ("division", "unit", "code", "account"):
            ids.append(i)
        elif found is not None and found[1] == 0:
            problems.append(Problem(name, header_row, label, label,
                                    f"a month column ({MONTHS_WRITTEN}); this header's month is not 1-12"))
        elif found is not None:
            months.append((i, found[0], found[1]))
        elif (total := total_of_header(norm)) is not None or canon == "budget":
            totals.append((i, *(total or (None, tuple(range(1, 13))))))
        elif norm in YEAR_WORDS:
            year_col = i
    if not months:
        return None
    first, last = months[0][0], months[-1][0]
    n = len(cells[0]) if cells else 0
    text = [_text(c) for c in cells]
    for i, (label, norm) in enumerate(zip(header, norms)):
        if i in ids or i == year_col or any(i == t[0] for t in totals) or any(i == m[0] for m in months):
            continue
        if norm in ("", "nan") and (text[i] == "").all():
            continue  # an empty separator column
        if first < i < last or _looks_like_month(norm):
            problems.append(Problem(name, header_row, label, label,
                                    f"a month ({MONTHS_WRITTEN}) or a total (Helår, Totalt) among the "
                                    f"month columns; '{label}' (column {i + 1}) is neither, and its "
                                    "amounts would be left out: correct the header"))

    # the year: the month headers', each row's year column, or the title's
    header_years = {y for _, y, _ in months if y is not None}
    said = title_years(title_rows)
    row_year = None
    if len(header_years) > 1 and any(y is None for _, y, _ in months):
        problems.append(Problem(name, header_row, None, None,
                                "month headers that all name their year, or none; some name "
                                f"{', '.join(map(str, sorted(header_years)))} and "
                                f"{', '.join(header[i] for i, y, _ in months if y is None)} none"))
        return LongTable([], [], np.zeros(0, int), problems, [])
    if header_years:
        year = next(iter(header_years)) if len(header_years) == 1 else None
        months = [(i, y if y is not None else year, m) for i, y, m in months]
        source = "its month headers"
        if len(said) == 1 and said[0] not in header_years:
            problems.append(Problem(name, 1, None, None,
                                    f"one year in the title lines and the month headers; the title names "
                                    f"{said[0]}, the month headers {', '.join(map(str, sorted(header_years)))}"))
    elif year_col is not None:
        years = pd.to_numeric(text[year_col].where(text[year_col].str.fullmatch(r"(19|20)\d\d"), None),
                              errors="coerce")
        bad = years.isna() & (text[year_col] != "")
        problems += _cells(name, first_row, text[year_col], bad, header[year_col], "a year written YYYY")
        row_year = years
        source = f"the column '{header[year_col]}'"
    elif len(said) == 1:
        months = [(i, said[0], m) for i, _, m in months]
        source = f"the title line ('{_title_with(title_rows, said[0])}')"
    else:
        which = (f"the title lines name {' and '.join(map(str, said))}" if said
                 else "neither the title lines nor the month headers name it")
        problems.append(Problem(name, header_row, header[months[0][0]], None,
                                f"the year of the month columns ({header[first]} … {header[last]}): "
                                f"{which}; {_HOW}"))
        return LongTable([], [], np.zeros(0, int), problems, [])

    # every month once, and all twelve of each year
    seen: dict[tuple, int] = {}
    for i, y, m in months:
        if (y, m) in seen:
            problems.append(Problem(name, header_row, header[i], header[i],
                                    f"one column per month; {MONTH_NAMES_SV[m - 1]}"
                                    f"{'' if y is None else ' ' + str(y)} is in column {seen[(y, m)] + 1} "
                                    f"('{header[seen[(y, m)]]}') and column {i + 1} ('{header[i]}')"))
        else:
            seen[(y, m)] = i
    for y in sorted({y for y, _ in seen}, key=lambda v: v or 0):
        absent = [MONTH_NAMES_SV[m - 1] for m in range(1, 13) if (y, m) not in seen]
        if absent:
            problems.append(Problem(name, header_row, None, None,
                                    f"a column for each of the 12 months{'' if y is None else ' of ' + str(y)} "
                                    f"(a budget plans the whole year); the header has none for "
                                    f"{', '.join(absent)}"))
    # cells written in Excel's currency or accounting format ("480 000 kr", "- kr" for 0):
    # the unit taken off (it is the column's), the dash read as 0
    amount_columns = [c for c, _, _ in months] + [t[0] for t in totals]
    in_cells, dashes = set(), 0
    for i in amount_columns:
        found = text[i].str.extract(_CELL_UNIT, expand=False).dropna()
        if len(found):
            in_cells.update(" ".join(w.casefold().split()) for w in found.unique())
            text[i] = text[i].str.replace(_CELL_UNIT, "", regex=True).str.strip()
        dash = text[i].str.fullmatch(_DASH)
        if dash.any():
            dashes += int(dash.sum())
            text[i] = text[i].where(~dash, "0")
    # one unit for the months and totals named in their headers and cells
    from_headers = {w for i in amount_columns for w in units_in(header[i])} | in_cells
    if len({AMOUNT_UNITS[w] for w in from_headers}) > 1:
        problems.append(Problem(name, header_row, None, None,
                                "one unit in the month and total columns' headers and cells; they name "
                                f"{', '.join(sorted(from_headers))}"))
    if problems:
        return LongTable([], [], np.zeros(0, int), problems, [])

    amounts = {i: parse(text[i]) for i, _, _ in months}
    decimals = {i: _decimals(text[i]) for i, _, _ in months}
    for i, _, _ in months:
        problems += _cells(name, first_row, text[i], amounts[i].isna() & (text[i] != ""), header[i],
                           KIND_EXPECTED["number"])
    checked, rounding = [], []
    for t, t_year, t_months in totals:
        scope = [i for i, y, m in months if m in t_months and (t_year is None or y == t_year
                                                                 or (y is None and row_year is not None))]
        if t_year is not None and row_year is None and not any(y == t_year for _, y, _ in months):
            problems.append(Problem(name, header_row, header[t], header[t],
                                    f"a total of the file's months; it names {t_year}, the months are "
                                    f"{', '.join(str(y) for y in sorted({y for _, y, _ in months}))}"))
            continue
        total = parse(text[t])
        problems += _cells(name, first_row, text[t], total.isna() & (text[t] != ""), header[t],
                           KIND_EXPECTED["number"])
        summed = sum((amounts[i].fillna(0.0) for i in scope), pd.Series(0.0, index=total.index))
        count = sum(((text[i] != "").astype(int) for i in scope), pd.Series(1, index=total.index))
        places = pd.concat([decimals[i] for i in scope] + [_decimals(text[t])], axis=1).max(axis=1)
        bound = 0.5 * np.power(10.0, -places) * count
        bound = np.maximum(bound, 1e-9 * np.maximum(summed.abs(), 1.0))
        # a row with an unreadable month is named by that cell, not by its total
        unread = pd.concat([amounts[i].isna() & (text[i] != "") for i in scope], axis=1).any(axis=1)
        off = total.notna() & ~unread & ((total - summed).abs() > bound + 1e-12)
        blank = pd.concat([text[i] == "" for i in scope], axis=1).all(axis=1)
        for r in np.flatnonzero(off.to_numpy())[:MAX_LISTED]:
            months_of = f"the row's months ({header[scope[0]]} … {header[scope[-1]]})"
            if blank.iloc[r]:
                expected = (f"{months_of} beside the total; they are blank, so how the total "
                            f"{text[t].iloc[r]} falls on the months cannot be known: export the months")
            else:
                expected = (f"the sum of {months_of} within rounding (± {_fmt(float(bound.iloc[r]))}); "
                            f"they sum to {_fmt(float(summed.iloc[r]))}, "
                            f"{_fmt(float(total.iloc[r] - summed.iloc[r]))} from the total: a month typed "
                            "wrong, a month's column missing or moved, or a total from another version "
                            "of the budget")
            problems.append(Problem(name, first_row + int(r), header[t], text[t].iloc[r], expected))
        if off.sum() > MAX_LISTED:
            problems.append(Problem(name, None, header[t], None,
                                    f"(and {int(off.sum()) - MAX_LISTED} more rows whose total disagrees)"))
        # within rounding but not equal: said, so that no difference passes unseen
        near = total.notna() & ~off & ~unread & ((total - summed).abs() > 1e-9 * np.maximum(summed.abs(), 1.0))
        if near.any():
            worst = float((total - summed)[near].abs().max())
            at = ", ".join(str(first_row + int(r)) for r in np.flatnonzero(near.to_numpy())[:5])
            k = int(near.sum())
            rounding.append(f"{name}: in {k} row{'s' if k > 1 else ''} ({at}{' …' if k > 5 else ''}) "
                            f"'{header[t]}' differs from the sum of the months by at most {_fmt(worst)}, "
                            "which the rounding of the amounts written can explain; the months are used")
        checked.append(header[t])

    # one long row per row and month with an amount; blank cells plan nothing
    frames = []
    for i, y, m in months:
        present = (text[i] != "").to_numpy()
        if row_year is not None:
            month = row_year.map(lambda v, m=m: f"{int(v):04d}-{m:02d}" if pd.notna(v) else None)
        else:
            month = pd.Series(f"{y:04d}-{m:02d}", index=range(n), dtype=object)
        part = {f"c{j}": text[j] for j in ids}
        part.update(month=month, amount=amounts[i], _row=pd.Series(np.arange(first_row, first_row + n)))
        frames.append(pd.DataFrame(part)[present])
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    long = long.sort_values(["_row", "month"], kind="stable").reset_index(drop=True)
    units = sorted(from_headers)
    label = "Budget" + (f" {units[0]}" if units else "") + f" ({norms[first]} … {norms[last]})"
    out_header = [header[j] for j in ids] + ["Månad", label]
    out_cells = [long[f"c{j}"].reset_index(drop=True) for j in ids] + [
        long["month"].astype(object), long["amount"].astype("float64")]
    notes = [f"{name}: one column per month ({header[first]} … {header[last]}, the year from {source}); "
             f"read as one row per row and month ({len(long)} rows from {n})"
             + (f"; {', '.join(repr(c) for c in checked)} checked against the months of each row and "
                "not added to them" if checked else "")
             + (f"; {dashes} cells written '-' (the accounting format's 0) read as 0" if dashes else "")
             + (f"; the unit written in the cells ({', '.join(sorted(in_cells))}) taken as the columns'"
                if in_cells else "")] + rounding
    return LongTable(out_header, out_cells, long["_row"].to_numpy(), problems, notes)


#: A row that sums others, as a report's layout writes it ("Summa Akutmottagning", "Totalt").
_SUM_ROW = re.compile(r"^(?:summa|totalt?|delsumma|s:a|sum)\b", re.IGNORECASE)


def sum_rows(frame: pd.DataFrame, name: str, columns=("account", "code", "unit", "division"),
             row: str = "_row") -> list[Problem]:
    """A problem for each row whose unit, kostnadsställe or account is a sum (``Summa``,
    ``Totalt``, ``Delsumma``): a budget template's sum rows would count their rows twice.

    >>> df = pd.DataFrame({"account": ["4011", "Summa personalkostnader"], "code": "1101", "_row": [5, 6]})
    >>> [(p.row, p.column) for p in sum_rows(df, "b.csv")]
    [(6, 'account')]
    """
    problems, seen = [], set()
    for column in columns:
        if column not in frame:
            continue
        values = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
        hit = values.str.match(_SUM_ROW).to_numpy(bool)
        # a wide row is many long rows: named once
        at = [i for i in np.flatnonzero(hit) if not ((r := int(frame[row].iloc[i])) in seen or seen.add(r))]
        for i in at[:MAX_LISTED]:
            problems.append(Problem(name, int(frame[row].iloc[i]), column, values.iloc[i],
                                    "a row per unit and account; this row is a sum of others, and would "
                                    "count them twice: export without sum rows (or delete them)"))
    return problems


def _title_with(title_rows: list[list[str]], year: int) -> str:
    for cells in title_rows:
        for cell in cells:
            if str(year) in _DATES.sub(" ", str(cell)):
                return str(cell).strip()
    return str(year)


def _text(values) -> pd.Series:
    """Cells as stripped strings ('' for empty), from an Arrow array or a pandas Series."""
    if not isinstance(values, pd.Series):
        values = pd.Series(values.to_pandas() if hasattr(values, "to_pandas") else list(values))
    return values.astype(object).where(values.notna(), "").astype(str).str.strip().reset_index(drop=True)


def _cells(name: str, first_row: int, text: pd.Series, mask: pd.Series, label: str, expected: str) -> list[Problem]:
    at = np.flatnonzero(mask.to_numpy(bool))
    problems = [Problem(name, first_row + int(r), label, text.iloc[r], expected) for r in at[:MAX_LISTED]]
    if len(at) > MAX_LISTED:
        problems.append(Problem(name, None, label, None, f"{expected} (and {len(at) - MAX_LISTED} more rows)"))
    return problems
