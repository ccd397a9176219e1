"""Read the finance table from a SIE file (types 2, 3 and 4), as ledger systems export it.

The format is SIE's classic file format, "SIE filformat, utgåva 4B" (SIE-gruppen,
2008-09-30; https://sie.se/format/). What is read:

- ``#PSALDO årsnr period konto {objekt} saldo``: the month's change on a result
  account per object (types 2–4), the actuals; ``#PBUDGET``, the same for the
  budget. Lines without an object (``{}``) are the account's total and are used
  only when the file has no object of the dimension at all (a type-2 file): then the
  whole file is one unit, the one its ``#FNR`` code names in the organisation table.
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
from concurrent.futures import ThreadPoolExecutor
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

_FIELD = r'(?:"(?:[^"\\]|\\.)*"|[^\s"{}]+)'
_AMOUNT = r'"?(?P<amount>-?\d+(?:[.,]\d+)?)"?'
_PERIODIC = re.compile(
    r'^#(?P<tag>PSALDO|PBUDGET)\s+"?(?P<year>-?\d+)"?\s+"?(?P<period>\d{6})"?\s+"?(?P<account>\d+)"?'
    r'\s+\{(?P<objects>[^}]*)\}\s+' + _AMOUNT)
_TRANS = re.compile(r'^#TRANS\s+"?(?P<account>\d+)"?\s+\{(?P<objects>[^}]*)\}\s+' + _AMOUNT
                    + r'(?:\s+"?(?P<date>\d{8})?"?)?')
_VER = re.compile(r'^#VER\s+' + _FIELD + r'\s+' + _FIELD + r'\s+"?(?P<date>\d{8})"?')
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


_NULL = pa.scalar(None, pa.string())


def _fields(lines: pa.Array, pattern: re.Pattern) -> tuple[dict[str, pa.Array], pa.Array]:
    """The named groups of ``pattern`` in each line (null where the line does not match),
    and whether it matched."""
    found = pc.extract_regex(lines, pattern.pattern)
    valid = found.is_valid()
    return {name: pc.if_else(valid, found.field(name), _NULL) for name in pattern.groupindex}, valid


def _objects(objects: pa.Array) -> pa.Array:
    """The dimension-1 object of each object list (null where it has none)."""
    found, valid = _fields(objects, _OBJECT)
    value = pc.if_else(pc.equal(found["quoted"], ""), found["bare"], found["quoted"])
    return pc.if_else(pc.or_kleene(pc.invert(valid), pc.equal(value, "")), _NULL, value)


def _malformed(name: str, lines: pa.Array, numbers: pa.Array, matched: pa.Array, tag: str,
               expected: str) -> list[Problem]:
    """A problem for each line of ``tag`` that its pattern did not match (first 20)."""
    bad = pc.filter(numbers, pc.invert(matched))
    shown = pc.filter(lines, pc.invert(matched))
    problems = [Problem(name, int(n), text.split()[0].lstrip("#") if text.split() else tag,
                        text.strip()[:80], expected)
                for n, text in zip(bad[:20].to_pylist(), shown[:20].to_pylist())]
    if len(bad) > 20:
        problems.append(Problem(name, None, tag, None, f"{expected} (and {len(bad) - 20} more lines)"))
    return problems


def _tagged(lines: pa.Array, numbers: pa.Array, *tags: str) -> tuple[pa.Array, pa.Array]:
    """The lines starting with one of ``tags`` (after blanks), with their line numbers."""
    mask = None
    for tag in tags:
        hit = pc.starts_with(lines, "#" + tag)
        mask = hit if mask is None else pc.or_(mask, hit)
    return pc.filter(lines, mask), pc.filter(numbers, mask)


def _token(values: pa.Array) -> pa.Array:
    """A field without its quotes ("4011" is 4011)."""
    if not pc.any(pc.match_substring(values, '"')).as_py():
        return values
    return pc.utf8_trim(values, '"')


def _typed(values: pa.Array, to: pa.DataType, pattern: str) -> tuple[pa.Array, pa.Array]:
    """``values`` as numbers of type ``to`` (null where unreadable) and where they were
    readable: one cast when every value is, the ``pattern`` to find the bad ones when not."""
    text = pc.replace_substring(values, ",", ".") if pa.types.is_floating(to) else values
    try:
        typed = pc.cast(text, to)
        ok = pc.is_valid(typed)
        if pa.types.is_floating(to):
            ok = pc.and_(ok, pc.fill_null(pc.is_finite(typed), False))
        return typed, ok
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = pc.fill_null(pc.match_substring_regex(values, pattern), False)
        clean = pc.if_else(ok, text, pa.scalar("0"))
        return pc.if_else(ok, pc.cast(clean, to), pa.scalar(None, to)), ok


def _record(text: pa.Array, head_fields: int, names: tuple[str, ...]) -> tuple[dict[str, pa.Array], pa.Array]:
    """The fields of records ``#TAG f1 .. fn {objects} amount [date] ...``.

    Most lines of an export have one object of dimension 1 (``{1 "7"}``): they are cut at
    blanks, which is quick. Every other line (no object, several, quotes with blanks) is
    read with the full pattern. Returns the fields (``names``, then ``code``, ``amount``,
    ``date``) and whether each line has the record's shape.
    """
    needed = head_fields + 5  # the tag, the head, two for the object, amount, date
    tokens = pc.ascii_split_whitespace(text, max_splits=needed)
    if pc.min(pc.list_value_length(tokens)).as_py() < needed:  # short lines: padded, so every token exists
        tokens = pc.ascii_split_whitespace(pc.binary_join_element_wise(text, " ~ ~ ~", ""), max_splits=needed)
    opening = pc.list_element(tokens, head_fields + 1)
    closing = pc.list_element(tokens, head_fields + 2)
    quick = pc.and_(pc.is_in(opening, pa.array(["{1", '{"1"'])),
                    pc.and_(pc.ends_with(closing, "}"), pc.invert(pc.match_substring(closing, "{"))))
    out = {name: _token(pc.list_element(tokens, i + 1)) for i, name in enumerate(names)}
    out["code"] = pc.utf8_trim(closing, '"}')
    out["amount"] = _token(pc.list_element(tokens, head_fields + 3))
    out["date"] = _token(pc.list_element(tokens, head_fields + 4))
    if not pc.all(quick).as_py():
        # the other lines by the full pattern, put back in place
        slow = pc.invert(quick)
        pattern = _PERIODIC if head_fields == 3 else _TRANS
        found, valid = _fields(pc.filter(text, slow), pattern)
        code = _objects(found["objects"])
        for name in names:
            out[name] = pc.replace_with_mask(out[name], slow, found[name if name != "year" else "year"])
        out["code"] = pc.replace_with_mask(out["code"], slow, code)
        out["amount"] = pc.replace_with_mask(out["amount"], slow, found["amount"])
        date = found["date"] if "date" in found else pa.nulls(len(code), pa.string())
        out["date"] = pc.replace_with_mask(out["date"], slow, date)
        matched = pc.replace_with_mask(pa.array(np.ones(len(text), dtype=bool)), slow, valid)
    else:
        matched = quick
    out["code"] = pc.if_else(pc.equal(out["code"], ""), _NULL, out["code"])
    out["date"] = pc.if_else(pc.match_substring_regex(out["date"], r"^\d{8}$"), out["date"], _NULL)
    out["amount"], readable = _typed(out["amount"], pa.float64(), r"^-?\d+([.,]\d+)?$")
    return out, pc.and_(pc.fill_null(matched, False), readable)


def _periodic(name: str, lines: pa.Array, numbers: pa.Array) -> tuple[pa.Table | None, list[Problem]]:
    text, rows = _tagged(lines, numbers, "PSALDO ", "PBUDGET ", "PSALDO\t", "PBUDGET\t")
    if not len(text):
        return None, []
    found, valid = _record(text, 3, ("year", "period", "account"))
    year, year_ok = _typed(found["year"], pa.int32(), r"^-?\d+$")
    yyyymm, period_ok = _typed(found["period"], pa.int32(), r"^\d{6}$")
    period_ok = pc.and_(period_ok, pc.equal(pc.utf8_length(found["period"]), 6))
    account, account_ok = _typed(found["account"], pa.int64(), r"^\d+$")
    valid = pc.and_(valid, pc.and_(year_ok, pc.and_(period_ok, account_ok)))
    problems = _malformed(name, text, rows, valid, "PSALDO",
                          "#PSALDO (or #PBUDGET) årsnr period konto {objekt} belopp (SIE 4B: a year "
                          "number, YYYYMM, an account number, an object list, an amount)")
    budget = pc.starts_with(text, "#PB")
    table = pa.table({"_row": rows, "budget": budget, "year_no": year, "yyyymm": yyyymm, "account": account,
                      "code": found["code"], "amount": found["amount"]})
    return table.filter(valid), problems


def _transactions(name: str, lines: pa.Array, numbers: pa.Array) -> tuple[pa.Table | None, list[Problem]]:
    text, rows = _tagged(lines, numbers, "VER ", "VER\t", "TRANS ", "TRANS\t")
    is_trans = pc.starts_with(text, "#TRANS")
    if not pc.any(is_trans).as_py():
        return None, []
    # the verification date of every line: the few #VER lines read, then carried down
    is_ver = pc.invert(is_trans)
    ver_dates, _ = _fields(pc.filter(text, is_ver), _VER)
    dated = pc.replace_with_mask(pa.nulls(len(text), pa.string()), is_ver, ver_dates["date"])
    dated = pc.fill_null_forward(dated)
    trans, trans_rows = pc.filter(text, is_trans), pc.filter(rows, is_trans)
    found, valid = _record(trans, 1, ("account",))
    account, account_ok = _typed(found["account"], pa.int64(), r"^\d+$")
    valid = pc.and_(valid, account_ok)
    problems = _malformed(name, trans, trans_rows, valid, "TRANS", "#TRANS konto {objekt} belopp "
                          "[transdat] (SIE 4B: an account number, an object list, an amount)")
    when = pc.coalesce(found["date"], pc.filter(dated, is_trans))
    undated = pc.and_(valid, pc.is_null(when))
    problems += [Problem(name, int(n), "TRANS", None, "a transaction date, or a #VER line with a date above it")
                 for n in pc.filter(trans_rows, undated)[:20].to_pylist()]
    keep = pc.and_(valid, pc.invert(undated))
    table = pa.table({"_row": trans_rows, "when": when, "account": account, "code": found["code"],
                      "amount": found["amount"]}).filter(keep)
    return pa.table({
        "_row": table["_row"], "budget": pa.array(np.zeros(table.num_rows, dtype=bool)),
        "yyyymm": pc.cast(pc.utf8_slice_codeunits(table["when"], 0, 6), pa.int32()),
        "account": table["account"], "code": table["code"], "amount": table["amount"]}), problems


def read_finance(path: str | Path) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """The finance rows of a SIE file: ``_row`` (its first line), ``month``, ``code``,
    ``account``, ``actual``, ``budget`` (tkr, revenue positive), the problems found and
    notes on what was read."""
    path = Path(path)
    name = path.name
    raw = _lines(path)
    numbers = pa.array(np.arange(1, len(raw) + 1, dtype=np.int64))
    lines = pc.utf8_ltrim_whitespace(raw)
    problems: list[Problem] = []
    years = {}
    for text in _tagged(lines, numbers, "RAR")[0].to_pylist():
        if (m := _RAR.match(text)):
            years[int(m.group(1))] = (m.group(2), m.group(3))
    # without #PSALDO the actuals are the verifications': both kinds are read side by side
    # (Arrow's kernels release the GIL)
    has_balances = pc.any(pc.starts_with(lines, "#PSALDO")).as_py()
    with ThreadPoolExecutor(max_workers=2) as pool:
        reading = pool.submit(_periodic, name, lines, numbers)
        summing = None if has_balances else pool.submit(_transactions, name, lines, numbers)
        periodic, found = reading.result()
        trans, trans_problems = summing.result() if summing else (None, [])
    problems += found
    notes: list[str] = []
    parts = []
    if periodic is not None and periodic.num_rows:
        problems += _outside_years(name, periodic, years)
        parts.append(periodic.drop_columns(["year_no"]))
    if not has_balances:
        problems += trans_problems
        if trans is not None:
            parts.append(trans)
            notes.append(f"{name}: actuals summed from {trans.num_rows} #TRANS lines")
    if not parts or not any(pc.any(pc.invert(t["budget"])).as_py() for t in parts):
        problems.append(Problem(name, None, None, None, "#PSALDO or #TRANS lines with the actuals "
                                "(a SIE file of type 2, 3 or 4); the file has none"))
        return None, problems, notes
    facts = pa.concat_tables(parts)
    facts = facts.filter(pc.greater_equal(facts["account"], FIRST_RESULT_ACCOUNT))
    with_object = pc.is_valid(facts["code"])
    if not pc.any(with_object).as_py():
        # a type-2 file (one company or unit, no objects): the whole file is the unit that
        # its #FNR code names in the organisation table
        fnr = [m.group(1) for text in _tagged(lines, numbers, "FNR")[0].to_pylist()
               if (m := re.match(r'^#FNR\s+"?([^"\s]+)"?', text))]
        if not fnr:
            problems.append(Problem(name, None, "code", None,
                                    f"objects of dimension {DIMENSION} (kostnadsställe) on the #PSALDO or "
                                    "#TRANS lines to give each amount its unit, or a #FNR code that the "
                                    "organisation table maps to a unit; the file has totals only"))
            return None, problems, notes
        facts = facts.set_column(facts.schema.get_field_index("code"), "code",
                                 pa.array([fnr[0]] * facts.num_rows, pa.string()))
        notes.append(f"{name}: no kostnadsställen in the file; every amount is the unit of #FNR {fnr[0]}")
        with_object = pc.is_valid(facts["code"])
    facts = facts.filter(with_object)  # account totals ({}) besides the objects' lines: not again
    if not pc.any(facts["budget"]).as_py():
        problems.append(Problem(name, None, "budget", None, "#PBUDGET lines with the budget per month, "
                                "account and kostnadsställe; the file has none"))
    return _facts_frame(facts, years), problems, notes


def _dense_sums(key, budget, amount, row, space):
    """Per key (a dense range): the distinct keys, actual and budget sums (NaN where a side
    has no line) and the first line; counting sums, no hashing."""
    sides = []
    for side in (False, True):
        mask = budget == side
        k = key[mask]
        sums = np.bincount(k, weights=amount[mask], minlength=space)
        count = np.bincount(k, minlength=space)
        first = np.full(space, np.iinfo(np.int64).max)
        first[k[::-1]] = row[mask][::-1]  # rows grow within a side: the first occurrence wins
        sides.append((sums, count, first))
    (sum_a, count_a, first_a), (sum_b, count_b, first_b) = sides
    keys = np.flatnonzero((count_a > 0) | (count_b > 0))
    actual = np.where(count_a[keys] > 0, sum_a[keys], np.nan)
    planned = np.where(count_b[keys] > 0, sum_b[keys], np.nan)
    return keys, actual, planned, np.minimum(first_a[keys], first_b[keys])


def _hashed_sums(key, budget, amount, row):
    """As :func:`_dense_sums`, for a sparse key space: the keys hashed first."""
    codes, uniques = pd.factorize(key)
    keys, actual, planned, first = _dense_sums(codes, budget, amount, row, len(uniques))
    return uniques[keys], actual, planned, first


def _facts_frame(facts: pa.Table, years: dict) -> pd.DataFrame:
    """Amounts summed per month, kostnadsställe and account, actual and budget side by side.

    Grouped on one integer key with counting sums (a key of three texts for millions of
    lines is slow to hash); the texts are put back once per distinct value."""
    code = pc.dictionary_encode(facts["code"]).combine_chunks()
    yyyymm = facts["yyyymm"].to_numpy().astype(np.int64)
    serial = (yyyymm // 100) * 12 + yyyymm % 100 - 1  # months since year 0
    first_month = int(serial.min())
    month_idx = serial - first_month
    account = facts["account"].to_numpy()
    low, high = int(account.min()), int(account.max())
    if high - low < 1_000_000:  # account numbers as they are: no hashing
        account_idx, accounts = account - low, np.arange(low, high + 1)
    else:
        account_idx, accounts = pd.factorize(account)
    n_codes, n_accounts = len(code.dictionary), len(accounts)
    key = (month_idx * n_accounts + account_idx) * n_codes + code.indices.to_numpy()
    budget = facts["budget"].to_numpy(zero_copy_only=False)
    amount = facts["amount"].to_numpy()
    row = facts["_row"].to_numpy()
    space = (int(month_idx.max()) + 1) * n_accounts * n_codes
    if space <= max(4 * len(key), 1 << 20):
        keys, actual, planned, first_row = _dense_sums(key, budget, amount, row, space)
    else:
        keys, actual, planned, first_row = _hashed_sums(key, budget, amount, row)
    n_months = int(month_idx.max()) + 1
    month_text = [f"{(first_month + i) // 12:04d}-{(first_month + i) % 12 + 1:02d}" for i in range(n_months)]
    account_text = [str(a) for a in accounts]

    def texts(indices: np.ndarray, values) -> pd.Series:
        decoded = pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), pa.array(values, pa.string()))
        return decoded.dictionary_decode().to_pandas()

    month_of = keys // n_codes // n_accounts
    # closed: every month of an earlier financial year (#RAR −1, ...) and this year's months up
    # to the last one with actuals; a closed month without a line for a key has no movement
    # on it: 0, not unknown
    with_actuals = np.flatnonzero(np.bincount(month_of[~np.isnan(actual)], minlength=n_months))
    last = int(with_actuals.max()) if len(with_actuals) else -1
    earlier = {start[:4] for n, (start, _) in years.items() if n < 0}
    closed = np.array([i <= last or m[:4] in earlier for i, m in enumerate(month_text)], dtype=bool)
    actual = np.where(np.isnan(actual) & closed[month_of], 0.0, actual)
    # likewise a key without a #PBUDGET line in a month that has budget lines is budgeted 0
    budgeted = np.bincount(month_of[~np.isnan(planned)], minlength=n_months) > 0
    planned = np.where(np.isnan(planned) & budgeted[month_of], 0.0, planned)
    out = pd.DataFrame({
        "_row": first_row,
        "month": texts(month_of, month_text),
        "code": texts(keys % n_codes, code.dictionary),
        "account": texts((keys // n_codes) % n_accounts, account_text),
        "actual": actual / -1000.0 + 0.0, "budget": planned / -1000.0 + 0.0})
    return out


def _outside_years(name: str, rows: pa.Table, years: dict) -> list[Problem]:
    """Periods outside the financial year their year number names in #RAR."""
    if not years:
        return []
    span = rows.group_by("year_no").aggregate([("yyyymm", "min"), ("yyyymm", "max"), ("_row", "min")])
    problems = []
    for year_no, low, high, first in zip(*(span[c].to_pylist() for c in
                                          ("year_no", "yyyymm_min", "yyyymm_max", "_row_min"))):
        if year_no not in years:
            problems.append(Problem(name, int(first), "årsnr", str(year_no),
                                    f"a year number declared by #RAR ({', '.join(map(str, sorted(years)))})"))
            continue
        start, end = (int(d[:6]) for d in years[year_no])
        if low >= start and high <= end:
            continue
        of_year = rows.filter(pc.equal(rows["year_no"], year_no))
        outside = of_year.filter(pc.or_(pc.less(of_year["yyyymm"], start), pc.greater(of_year["yyyymm"], end)))
        for row, period in zip(outside["_row"][:20].to_pylist(), outside["yyyymm"][:20].to_pylist()):
            problems.append(Problem(name, int(row), "period", str(period),
                                    f"a month of financial year {year_no} ({years[year_no][0]}–"
                                    f"{years[year_no][1]}, per #RAR)"))
    return problems
