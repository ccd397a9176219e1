"""Read the finance table from a SIE file (types 2, 3 and 4), as ledger systems export it.

The format is SIE's classic file format, "SIE filformat, utgåva 4B" (SIE-gruppen,
2008-09-30; https://sie.se/format/). What is read:

- ``#PSALDO årsnr period konto {objekt} saldo``: the month's change on a result
  account per object (types 2–4), the actuals; ``#PBUDGET``, the same for the
  budget. Lines without an object (``{}``) are the account's total and are used
  only when the file has no object of the dimension at all.
- ``#VER serie vernr verdatum ...`` with its ``#TRANS konto {objekt} belopp
  [transdat] ...`` lines: summed per month, account and object when the file has
  no ``#PSALDO`` (a type-4 export of verifications only). A transaction's month is
  its own date, else its verification's.
- ``#RAR årsnr start slut``: the financial years (0 this year, −1 the year before);
  a period outside its year is an error.
- ``#FORMAT PC8``: the text is IBM PC 8-bit (code page 437), as the standard says;
  without it UTF-8 is tried, then Windows-1252.

Amounts are kronor with debit positive; the contract's finance table is tkr with
revenue positive, so every amount is divided by −1000. Only result accounts
(3000 and above) are read; balance accounts (1xxx, 2xxx) are left out. The
object is the kostnadsställe of dimension 1 (the standard's "kostnadsställe /
resultatenhet"); an ``organisation`` table gives its unit and division. Errors
name the file's line number.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .exceptions import Problem

#: The object dimension that carries kostnadsställen (SIE's reserved dimension 1).
DIMENSION = "1"
#: Result accounts start at class 3.
FIRST_RESULT_ACCOUNT = 3000
_ROW = "_row"

_FIELD = r'(?:"(?:[^"\\]|\\.)*"|[^\s"{}]+)'
_AMOUNT = r'"?(?P<amount>-?\d+(?:[.,]\d+)?)"?'
_PERIODIC = re.compile(
    r'^\s*#(?P<tag>PSALDO|PBUDGET)\s+"?(?P<year>-?\d+)"?\s+"?(?P<period>\d{6})"?\s+"?(?P<account>\d+)"?'
    r'\s+\{(?P<objects>[^}]*)\}\s+' + _AMOUNT)
_TRANS = re.compile(r'^\s*#TRANS\s+"?(?P<account>\d+)"?\s+\{(?P<objects>[^}]*)\}\s+' + _AMOUNT
                    + r'(?:\s+"?(?P<date>\d{8})?"?)?')
_VER = re.compile(r'^\s*#VER\s+' + _FIELD + r'\s+' + _FIELD + r'\s+"?(?P<date>\d{8})"?')
_OBJECT = re.compile(r'(?:^|\s)"?' + DIMENSION + r'"?\s+(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"]+))')
_RAR = re.compile(r'^\s*#RAR\s+"?(-?\d+)"?\s+"?(\d{8})"?\s+"?(\d{8})"?')


def _encoding(head: bytes) -> str:
    if re.search(rb"^\s*#FORMAT\s+\"?PC8", head, re.MULTILINE):
        return "cp437"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        return "utf-8" if exc.start > len(head) - 4 else "cp1252"


def _lines(path: Path) -> pa.Array:
    """Every line of the file (empty ones kept, so index + 1 is the line number)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=["line"], encoding=_encoding(head), block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter="\x1e", quote_char=False, escape_char=False,
                                         newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False))
    return table.column("line").combine_chunks()


def _extract(lines: pa.Array, pattern: re.Pattern) -> dict[str, np.ndarray]:
    """The named groups of ``pattern`` for every line (None where it does not match)."""
    found = pc.extract_regex(lines, pattern.pattern)
    valid = found.is_valid().to_numpy(zero_copy_only=False)
    out = {}
    for name in pattern.groupindex:
        values = found.field(name).to_numpy(zero_copy_only=False).astype(object)
        values[~valid] = None
        out[name] = values
    return out


def _objects(objects: np.ndarray) -> np.ndarray:
    """The dimension-1 object of each object list (None where it has none)."""
    arr = pa.array(objects, type=pa.string())
    found = pc.extract_regex(arr, _OBJECT.pattern)
    valid = found.is_valid().to_numpy(zero_copy_only=False)
    quoted = found.field("quoted").to_numpy(zero_copy_only=False).astype(object)
    bare = found.field("bare").to_numpy(zero_copy_only=False).astype(object)
    value = np.where(quoted != "", quoted, bare)
    value[~valid | (value == "")] = None
    return value


def _malformed(name: str, lines: pa.Array, tag: str, matched: np.ndarray, expected: str) -> list[Problem]:
    tagged = pc.match_substring_regex(lines, r"^\s*#" + tag + r"\b").to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(tagged & ~matched)
    problems = [Problem(name, int(i) + 1, tag, lines[int(i)].as_py().strip()[:80], expected)
                for i in bad[:20]]
    if len(bad) > 20:
        problems.append(Problem(name, None, tag, None, f"{expected} (and {len(bad) - 20} more lines)"))
    return problems


def read_finance(path: str | Path) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """The finance rows of a SIE file: ``_row`` (its first line), ``month``, ``code``,
    ``account``, ``actual``, ``budget`` (tkr, revenue positive), the problems found and
    notes on what was read."""
    path = Path(path)
    name = path.name
    lines = _lines(path)
    problems: list[Problem] = []
    years = {}
    rar = pc.filter(lines, pc.match_substring_regex(lines, r"^\s*#RAR\b")).to_pylist()
    for text in rar:
        if (m := _RAR.match(text)):
            years[int(m.group(1))] = (m.group(2), m.group(3))

    periodic = _extract(lines, _PERIODIC)
    is_periodic = periodic["tag"] != None  # noqa: E711 (element-wise)
    problems += _malformed(name, lines, "PSALDO", is_periodic, "#PSALDO årsnr period konto {objekt} saldo "
                           "(SIE 4B: a year number, YYYYMM, an account number, an object list, an amount)")
    problems += _malformed(name, lines, "PBUDGET", is_periodic, "#PBUDGET årsnr period konto {objekt} belopp "
                           "(SIE 4B)")
    frames = []
    notes = []
    if is_periodic.any():
        idx = np.flatnonzero(is_periodic)
        rows = pd.DataFrame({
            _ROW: idx + 1, "tag": periodic["tag"][idx], "year_no": periodic["year"][idx].astype(int),
            "period": periodic["period"][idx], "account": periodic["account"][idx],
            "code": _objects(periodic["objects"][idx]),
            "amount": pd.to_numeric(pd.Series(periodic["amount"][idx]).str.replace(",", "."))})
        rows["month"] = rows["period"].str[:4] + "-" + rows["period"].str[4:]
        problems += _outside_years(name, rows, years)
        frames.append(rows)
    trans = _extract(lines, _TRANS)
    is_trans = trans["account"] != None  # noqa: E711
    problems += _malformed(name, lines, "TRANS", is_trans, "#TRANS konto {objekt} belopp [transdat] "
                           "(SIE 4B: an account number, an object list, an amount)")
    if is_trans.any() and not (is_periodic & (periodic["tag"] == "PSALDO")).any():
        ver_date = _extract(lines, _VER)["date"]
        date = pd.Series(ver_date).ffill().to_numpy(object)  # each line's verification date
        idx = np.flatnonzero(is_trans)
        own = trans["date"][idx]
        when = np.where(pd.isna(own) | (own == ""), date[idx], own)
        rows = pd.DataFrame({
            _ROW: idx + 1, "tag": "PSALDO", "account": trans["account"][idx],
            "code": _objects(trans["objects"][idx]),
            "amount": pd.to_numeric(pd.Series(trans["amount"][idx]).str.replace(",", ".")),
            "when": when})
        undated = rows["when"].isna()
        problems += [Problem(name, int(r), "TRANS", None, "a transaction date, or a #VER line with a date "
                             "above it") for r in rows.loc[undated, _ROW].head(20)]
        rows = rows[~undated]
        rows["month"] = rows["when"].str[:4] + "-" + rows["when"].str[4:6]
        frames.append(rows.drop(columns="when"))
        notes.append(f"{name}: actuals summed from {int(is_trans.sum())} #TRANS lines")
    if not frames:
        problems.append(Problem(name, None, None, None, "#PSALDO or #TRANS lines with the actuals "
                                "(a SIE file of type 2, 3 or 4); the file has none"))
        return None, problems, notes
    facts = pd.concat(frames, ignore_index=True)
    facts = facts[pd.to_numeric(facts["account"]) >= FIRST_RESULT_ACCOUNT]
    with_object = facts["code"].notna()
    if with_object.any():
        facts = facts[with_object]
    else:
        problems.append(Problem(name, None, "code", None,
                                f"objects of dimension {DIMENSION} (kostnadsställe) on the #PSALDO or "
                                "#TRANS lines, to give each amount its unit; the file has totals only"))
        return None, problems, notes
    if not (facts["tag"] == "PBUDGET").any():
        problems.append(Problem(name, None, "budget", None, "#PBUDGET lines with the budget per month, "
                                "account and kostnadsställe; the file has none"))
    keys = ["month", "code", "account"]
    wide = facts.pivot_table(index=keys, columns="tag", values="amount", aggfunc="sum")
    first = facts.groupby(keys)[_ROW].min()
    out = pd.DataFrame({_ROW: first}).join(wide).reset_index()
    for tag in ("PSALDO", "PBUDGET"):
        if tag not in out:
            out[tag] = np.nan
    # closed: every month of an earlier financial year (#RAR −1, ...) and this year's months up
    # to the last one with actuals; a closed month without a line for a key has no movement
    # on it: 0, not unknown
    with_actuals = out.loc[out["PSALDO"].notna(), "month"]
    last = with_actuals.max() if len(with_actuals) else ""
    earlier = {y for n, (start, _) in years.items() if n < 0 for y in [start[:4]]}
    closed = set(out["month"][(out["month"] <= last) | out["month"].str[:4].isin(earlier)])
    out["PSALDO"] = out["PSALDO"].where(out["PSALDO"].notna() | ~out["month"].isin(closed), 0.0)
    out["actual"] = out["PSALDO"] / -1000.0 + 0.0
    out["budget"] = out["PBUDGET"] / -1000.0 + 0.0
    out = out.sort_values(_ROW).reset_index(drop=True)
    return out[[_ROW, "month", "code", "account", "actual", "budget"]], problems, notes


def _outside_years(name: str, rows: pd.DataFrame, years: dict) -> list[Problem]:
    """Periods outside the financial year their year number names in #RAR."""
    if not years:
        return []
    problems = []
    for year_no, group in rows.groupby("year_no"):
        if year_no not in years:
            problems.append(Problem(name, int(group[_ROW].iloc[0]), "årsnr", str(year_no),
                                    f"a year number declared by #RAR ({', '.join(map(str, sorted(years)))})"))
            continue
        start, end = years[year_no]
        outside = (group["period"] < start[:6]) | (group["period"] > end[:6])
        for _, row in group[outside].head(20).iterrows():
            problems.append(Problem(name, int(row[_ROW]), "period", row["period"],
                                    f"a month of financial year {year_no} ({start}–{end}, per #RAR)"))
    return problems
