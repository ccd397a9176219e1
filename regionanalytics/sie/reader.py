"""The finance and balance tables of a SIE file, read as the file itself says.

See the package's docstring for what each record means here. The records are
read with Arrow's compute functions on the file's bytes: one regular expression
a record type, amounts summed on one integer key; the file's own sums
(``#RES``, ``#UB``, ``#KSUMMA``) are checked before anything is returned.
"""
from __future__ import annotations

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..exceptions import Problem
from ..labels import NO_KOSTNADSSTALLE
from . import checksum, records

#: The object dimension that carries kostnadsställen: SIE's reserved dimension 1,
#: "kostnadsställe / resultatenhet" (SIE 4B 8.17).
DIMENSION = "1"
#: Balance accounts (tillgångar, skulder, eget kapital): BAS classes 1 and 2.
BALANCE_ACCOUNTS = (1000, 2999)
#: Sums are compared to half an öre: amounts have at most two decimals (SIE 4B 5.9).
TOLERANCE = 0.005
_SHOWN = 20  # problems of one kind listed before a count of the rest

_ACCOUNT = rb'"?(?P<account>[^\s"{}]+)"?'
#: An object list: one pair (most lines: the dimension and object captured at once) or any
#: other list, read pair by pair afterwards.
_OBJECTS = (rb'\{(?:\s*"?(?P<dim>\d+)"?\s+(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"{}]+))\s*'
            rb'|(?P<objects>(?:[^"}]|"(?:[^"\\]|\\.)*")*))\}')
_AMOUNT = rb'"?(?P<amount>-?\d+(?:\.\d+)?)"?'
_NEXT = rb'(?:\s+(?P<date>"[^"]*"|[^\s"]+))?'
_PERIODIC = (rb'^#(?P<tag>PSALDO|PBUDGET)\s+"?(?P<year>-?\d+)"?\s+"?(?P<period>\d{6})"?\s+' + _ACCOUNT
             + rb'\s*' + _OBJECTS + rb'\s*' + _AMOUNT + rb'(?:\s|$)')
_TRANS = (rb'^#(?P<tag>TRANS|RTRANS|BTRANS)\s+' + _ACCOUNT + rb'\s*' + _OBJECTS + rb'\s*' + _AMOUNT
          + _NEXT + rb'(?:\s|$)')
_VER = rb'^#VER\s+(?:' + records.TOKEN + rb')\s+(?:' + records.TOKEN + rb')\s+"?(?P<date>\d{8})"?(?:\s|$)'
_PAIRS = rb'^\s*(?:(?:' + records.TOKEN + rb')\s+(?:' + records.TOKEN + rb')\s*)*$'


def _object_of(dimension: str) -> bytes:
    """The object of ``dimension`` in an object list: pairs are read from the start, so
    in ``6 "1" 1 "200"`` dimension 1 is "200", never the 6's object "1"."""
    dim = re.escape(dimension).encode()
    return (rb'^\s*(?:(?:' + records.TOKEN + rb')\s+(?:' + records.TOKEN + rb')\s+)*?"?' + dim
            + rb'"?\s+(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"{}]+))')


@dataclass
class Ledger:
    """What a SIE file gives: the finance table (tkr, revenue positive), the balance
    table (tkr, debit positive), the problems that stop it and notes on what was read."""

    finance: pd.DataFrame | None
    balance: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Head:
    """The file's identification and balance records, read field by field."""

    codec: str
    sietyp: tuple[int, str] | None = None
    fnr: str | None = None
    years: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # årsnr: start, end, line
    res: dict[tuple[int, str], tuple[float, int]] = field(default_factory=dict)
    ib: dict[tuple[int, str], tuple[float, int]] = field(default_factory=dict)
    ub: dict[tuple[int, str], tuple[float, int]] = field(default_factory=dict)
    dims: set[str] = field(default_factory=set)


def read_ledger(path: str | Path, dimension: str = DIMENSION) -> Ledger:
    """Read a SIE file (types 2, 3 and 4) into the finance and balance tables.

    ``dimension`` is the object dimension whose objects are the kostnadsställen
    (1 unless the organisation table says otherwise)."""
    path = Path(path)
    name = path.name
    raw = path.read_bytes()
    if not raw or raw.isspace():  # (strip would copy the whole file)
        return Ledger(None, None, [Problem(name, None, None, None, "a SIE file with the ledger's records; the "
                                           "file is empty")], [])
    if b"\x00" in raw[:1 << 16]:
        return Ledger(None, None, [Problem(name, None, None, None,
                                           "a SIE text file (SIE 4B 5: lines of text in PC8, code page 437); this "
                                           "file holds NUL bytes: binary (a workbook or a zip file named .se?) or "
                                           "UTF-16 text. Export the ledger as SIE again, or save it as PC8 text")], [])
    written = records.as_written(raw)
    lines = records.trimmed(written)
    codec, notes = records.encoding(raw, name)
    numbers = records.line_numbers(len(lines))
    problems: list[Problem] = []
    head = _read_head(lines, numbers, codec, name, problems)
    # the checksum, the period balances and the verifications side by side (Arrow's kernels
    # and zlib release the GIL); problems and notes kept in this order
    found = {k: ([], []) for k in ("checksum", "periodic", "trans")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        summing = pool.submit(checksum.check, raw, lines, written, name, codec)
        if _usable(head, name, problems):
            reading = pool.submit(_periodic, lines, numbers, dimension, codec, name, found["periodic"][0])
            trans = _transactions(lines, numbers, dimension, codec, head, name, *found["trans"])
            periodic = reading.result()
        else:
            periodic = trans = None
        found["checksum"] = summing.result()
    cut_off = _cut_off(lines, raw, name)
    del raw, written, lines, numbers  # the file's bytes and lines: their memory reused for the tables
    problems = found["checksum"][0] + problems + found["periodic"][0] + found["trans"][0]
    notes = found["checksum"][1] + notes + found["trans"][1]
    if periodic is None and trans is None and not _usable(head, name, []):
        return Ledger(None, None, problems, notes)
    if periodic is None and trans is None:
        problems.append(Problem(name, None, None, None, "#PSALDO or #VER/#TRANS lines with the actuals "
                                "(a SIE file of type 2, 3 or 4); the file has none"))
        return Ledger(None, None, problems, notes)
    if periodic is not None:
        periodic, found = _placed_in_years(name, periodic, head.years, notes)
        problems += found
    cells, budget_cells, used = _choose(periodic, trans, head, name, notes)
    problems += _result_problems(cells, head, name, used) + _unbalanced_years(head, name) + cut_off
    if not (~_balance_rows(cells["account"])).any():
        problems.append(Problem(name, None, "konto", None,
                                f"{used} lines on result accounts (outside {BALANCE_ACCOUNTS[0]}–"
                                f"{BALANCE_ACCOUNTS[1]}) with the year's actuals; the file has lines on balance "
                                "accounts only"))
        return Ledger(None, None, problems, notes)
    finance = _finance(cells, budget_cells, head, dimension, name, notes)
    balance, balance_problems = _balance(cells, head, name, finance, notes)
    problems += balance_problems
    if budget_cells is None:
        notes.append(f"{name}: no #PBUDGET lines: the file carries no budget (SIE 4B 5.17: a program writes "
                     "none where no budget was entered); every budget figure is missing")
    return Ledger(finance, balance, problems, notes)


# --------------------------------------------------------------------------- identification

_HEAD_TAGS = ("FORMAT", "SIETYP", "FNR", "RAR", "RES", "IB", "UB", "DIM", "UNDERDIM")


def _read_head(lines, numbers, codec, name, problems) -> _Head:
    head = _Head(codec)
    # the few lines whose tag starts as one of these (never #TRANS, #PSALDO, #VER ...)
    first = pc.binary_slice(lines, 1, 2)
    near = pc.and_(pc.starts_with(lines, pattern=b"#"),
                   pc.is_in(first, value_set=pa.array(sorted({t[:1].encode() for t in _HEAD_TAGS}), pa.binary())))
    lines, numbers = pc.filter(lines, near), pc.filter(numbers, near)
    mask = records.tagged(lines, *_HEAD_TAGS)
    texts = records.decoded(pc.filter(lines, mask), codec)
    rows = pc.filter(numbers, mask).to_pylist()
    for text, row in zip(texts, rows):
        f = records.fields(text)
        tag = f[0][1:]
        try:
            if tag == "SIETYP":
                head.sietyp = (int(f[1]), row)
            elif tag == "FNR" and len(f) > 1 and head.fnr is None:
                head.fnr = f[1]
            elif tag == "RAR":
                year, start, end = int(f[1]), f[2], f[3]
                if not (re.fullmatch(r"\d{8}", start) and re.fullmatch(r"\d{8}", end)):
                    raise ValueError
                head.years[year] = (start, end, row)
            elif tag in ("RES", "IB", "UB"):
                key = (int(f[1]), f[2])
                getattr(head, tag.lower())[key] = (float(f[3]), row)
            elif tag in ("DIM", "UNDERDIM") and len(f) > 1:
                head.dims.add(f[1])
        except (ValueError, IndexError, TypeError):
            expected = {"SIETYP": "#SIETYP typnr", "RAR": "#RAR årsnr start slut (dates YYYYMMDD)",
                        "RES": "#RES årsnr konto saldo", "IB": "#IB årsnr konto saldo",
                        "UB": "#UB årsnr konto saldo"}.get(tag, f"#{tag} as SIE 4B section 11 gives it")
            problems.append(Problem(name, row, tag, text.strip()[:80], expected + " (SIE 4B section 11)"))
    return head


def _usable(head: _Head, name: str, problems: list[Problem]) -> bool:
    """Whether the file is a ledger export this package reads (types 2–4, a calendar year)."""
    ok = True
    if head.sietyp and head.sietyp[0] == 1:
        problems.append(Problem(name, head.sietyp[1], "SIETYP", "1",
                                "a SIE file of type 2, 3 or 4; type 1 holds the year's balances only "
                                "(#IB, #UB, #RES), no months: export the ledger as type 2 (periodsaldon) "
                                "or 4 (transaktioner)"))
        ok = False
    if not head.years:
        problems.append(Problem(name, None, "RAR", None,
                                "#RAR records naming the financial years (SIE 4B section 6: required in "
                                "an export of the books, types 1–3 and 4E); without them this is an "
                                "import file of vouchers (type 4I, from a payroll or invoicing system), "
                                "not the ledger: export the books from the ledger"))
        return False
    for year_no, (start, end, row) in sorted(head.years.items()):
        if start[:4] != end[:4] or start[6:] != "01" or not _month_end(end):
            problems.append(Problem(name, row, "RAR", f"{year_no} {start} {end}",
                                    "a financial year within one calendar year, whole months (a region's "
                                    "räkenskapsår is the calendar year, lag (2018:597) om kommunal "
                                    "bokföring och redovisning 1 kap. 5 §); the months of a split year "
                                    "cannot be placed in the region's tertials"))
            ok = False
    return ok


def _month_end(date: str) -> bool:
    try:
        return (pd.Timestamp(date[:4] + "-" + date[4:6] + "-" + date[6:]) + pd.offsets.Day(1)).day == 1
    except ValueError:
        return False


# --------------------------------------------------------------------------- records

def _malformed(name: str, text: pa.Array, rows: pa.Array, bad: pa.Array, column: str,
               expected: str) -> list[Problem]:
    if not pc.any(bad).as_py():
        return []
    shown_rows = pc.filter(rows, bad)
    shown = records.decoded(pc.filter(text, bad)[:_SHOWN], "latin-1")
    problems = [Problem(name, int(n), column, t.strip()[:80], expected)
                for n, t in zip(shown_rows[:_SHOWN].to_pylist(), shown)]
    if len(shown_rows) > _SHOWN:
        problems.append(Problem(name, None, column, None, f"{expected} (and {len(shown_rows) - _SHOWN} "
                                "more lines like these)"))
    return problems


def _object_codes(found: pa.StructArray, dimension: str, codec: str, name: str, rows: pa.Array,
                  problems: list[Problem]) -> tuple[pa.Array, pa.Array]:
    """The ``dimension`` object of every line's object list (null where it has none) and
    whether the list is empty (``{}``: the account as a whole)."""
    single = pc.greater(pc.binary_length(pc.fill_null(found.field("dim"), b"")), 0)
    if pc.all(single).as_py():  # every list one pair: no second reading
        quoted, bare = found.field("quoted"), found.field("bare")
        code = pc.if_else(pc.equal(found.field("dim"), dimension.encode()),
                          pc.if_else(pc.greater(pc.binary_length(pc.fill_null(bare, b"")), 0), bare, quoted),
                          pa.scalar(None, pa.binary()))
        empty = pa.array(np.zeros(len(found), dtype=bool))
    else:
        # the expressions only on the lists that hold something (most lines are one pair or {})
        n = len(found)
        objects = pc.fill_null(found.field("objects"), b"")
        written = pc.greater(pc.binary_length(objects), 0)
        nonblank = pa.array(np.zeros(n, dtype=bool))
        if pc.any(written).as_py():
            nonblank = pc.replace_with_mask(nonblank, written, pc.greater(pc.binary_length(
                pc.replace_substring_regex(pc.filter(objects, written), r"\s+", b"")), 0))
        empty = pc.and_(pc.invert(single), pc.invert(nonblank))
        lists = pc.and_(pc.invert(single), nonblank)
        well_formed = pa.array(np.ones(n, dtype=bool))
        pair_quoted = pair_bare = pa.nulls(n, pa.binary())
        pair_found = pa.array(np.zeros(n, dtype=bool))
        if pc.any(lists).as_py():
            listed = pc.filter(objects, lists)
            well_formed = pc.replace_with_mask(well_formed, lists,
                                               pc.match_substring_regex(listed, _PAIRS.decode("latin-1")))
            pair = pc.extract_regex(listed, _object_of(dimension).decode("latin-1"))
            pair_quoted = pc.replace_with_mask(pair_quoted, lists, pair.field("quoted"))
            pair_bare = pc.replace_with_mask(pair_bare, lists, pair.field("bare"))
            pair_found = pc.replace_with_mask(pair_found, lists, pair.is_valid())
        problems += _malformed(name, objects, rows, pc.invert(well_formed), "objekt",
                               "an object list of pairs of dimension and object, {1 \"200\" 6 \"P7\"} "
                               "(SIE 4B 8.21)")
        # one object per dimension: {1 "200" 1 "300"} names two kostnadsställen for one amount
        listed = pc.unique(pc.filter(objects, pc.and_(lists, well_formed)))
        twice = []
        for value in listed.to_pylist():
            dims = records.fields(value.decode("latin-1"))[0::2]
            if len(dims) != len(set(dims)):
                twice.append(value)
        if twice:
            doubled = pc.fill_null(pc.and_(lists, pc.is_in(objects, value_set=pa.array(twice, pa.binary()))), False)
            problems += _malformed(name, objects, rows, doubled, "objekt",
                                   "one object per dimension in an object list (SIE 4B 8.21: pairs of dimension "
                                   "and object); the list names one dimension twice, so the amount's "
                                   "kostnadsställe cannot be told")
        quoted = pc.if_else(single, found.field("quoted"), pair_quoted)
        bare = pc.if_else(single, found.field("bare"), pair_bare)
        dim_ok = pc.if_else(single, pc.equal(found.field("dim"), dimension.encode()), pair_found)
        code = pc.if_else(pc.fill_null(dim_ok, False),
                          pc.if_else(pc.greater(pc.binary_length(pc.fill_null(bare, b"")), 0), bare, quoted),
                          pa.scalar(None, pa.binary()))
    code = pc.if_else(pc.fill_null(pc.greater(pc.binary_length(code), 0), False), code,
                      pa.scalar(None, pa.binary()))
    encoded = pc.dictionary_encode(code)
    texts = [records.unescape(t) for t in records.decoded(encoded.dictionary, codec)]
    indices = pc.fill_null(encoded.indices, -1).to_numpy()
    if len(set(texts)) < len(texts):  # two spellings read as one code (an escape): merged
        uniq, inverse = np.unique(np.array(texts, dtype=object), return_inverse=True)
        indices = np.where(indices < 0, -1, inverse[np.maximum(indices, 0)])
        texts = list(uniq)
    return pd.Categorical.from_codes(indices, categories=pd.Index(texts, dtype=object)), empty


def _typed_amounts(amount: pa.Array) -> pa.Array:
    return pc.cast(amount, pa.float64())


#: The lines most of a large export consists of, written with single blanks: read as a
#: table of blank-separated tokens by Arrow's CSV reader (several times faster than
#: extracting a dozen groups with the full expression). Per shape: the expression, the
#: number of tokens and each group's token with the bytes cut from its start and end
#: (``{1`` is dimension 1, ``"200"}`` the object 200); the object list ``{}`` is no group.
_CODE = r'"[^"\\ \t{}]*"'
_NUM = r'-?\d+(?:\.\d+)?'
_PERIODIC_FAST = {
    "pair": (r'^#P(?:SALDO|BUDGET) -?\d+ \d{6} \d+ \{\d+ ' + _CODE + r'\} ' + _NUM + r'$', 7,
             {"tag": (0, 1, 0), "year": (1,), "period": (2,), "account": (3,), "dim": (4, 1, 0),
              "quoted": (5, 1, 2), "amount": (6,)}),
    "empty": (r'^#P(?:SALDO|BUDGET) -?\d+ \d{6} \d+ \{\} ' + _NUM + r'$', 6,
              {"tag": (0, 1, 0), "year": (1,), "period": (2,), "account": (3,), "amount": (5,)}),
}
_TRANS_FAST = {
    "pair": (r'^#TRANS \d+ \{\d+ ' + _CODE + r'\} ' + _NUM + r'$', 5,
             {"tag": (0, 1, 0), "account": (1,), "dim": (2, 1, 0), "quoted": (3, 1, 2), "amount": (4,)}),
    "pair, dated": (r'^#TRANS \d+ \{\d+ ' + _CODE + r'\} ' + _NUM + r' \d{8}$', 6,
                    {"tag": (0, 1, 0), "account": (1,), "dim": (2, 1, 0), "quoted": (3, 1, 2), "amount": (4,),
                     "date": (5,)}),
    "empty": (r'^#TRANS \d+ \{\} ' + _NUM + r'$', 4, {"tag": (0, 1, 0), "account": (1,), "amount": (3,)}),
    "empty, dated": (r'^#TRANS \d+ \{\} ' + _NUM + r' \d{8}$', 5,
                     {"tag": (0, 1, 0), "account": (1,), "amount": (3,), "date": (4,)}),
}
_SNIFFED = 1000  # lines whose shapes decide the order in which the shapes are tried


def _tokens(lines: pa.Array, count: int, layout: dict[str, tuple]) -> dict[str, pa.Array]:
    """The groups of lines of one fast shape: the lines joined with line feeds and read
    in place by the CSV reader as ``count`` blank-separated tokens (bytes), each group's
    token cut as ``layout`` says."""
    joined = pc.binary_join_element_wise(lines, b"\n", b"")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[joined.offset:joined.offset + len(joined) + 1]
    body = joined.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    names = [f"t{i}" for i in range(count)]
    wanted = [names[spec[0]] for spec in layout.values()]
    table = pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),  # (faster than one block)
        parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False, escape_char=False,
                                         ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(wanted, pa.binary()),
                                             include_columns=wanted, strings_can_be_null=False,
                                             check_utf8=False))
    columns = {}
    for n, (i, *cut) in layout.items():
        column = table.column(names[i]).combine_chunks()
        columns[n] = pc.binary_slice(column, cut[0], -cut[1] if cut[1] else 1 << 30) if cut else column
    return columns


def _extract(text: pa.Array, pattern: bytes, fast: dict) -> pa.StructArray:
    """The named groups of ``pattern`` in each line (a null row where it does not match):
    the lines of a ``fast`` shape read as tokens, the rest by the expression."""
    names = list(re.compile(pattern).groupindex)
    sniffed = text[:_SNIFFED]
    shapes = sorted(fast.values(), key=lambda s: -int(pc.sum(pc.match_substring_regex(sniffed, s[0])).as_py() or 0))
    parts: list[tuple[pa.Array | None, dict]] = []  # (rows or None for all, columns)
    rest = None  # rows not yet read; None: all
    for shape, count, layout in shapes:
        candidates = text if rest is None else pc.filter(text, rest)
        if not len(candidates):
            break
        hit = pc.match_substring_regex(candidates, shape)
        n_hit = int(pc.sum(hit).as_py() or 0)
        if not n_hit:
            continue
        every = n_hit == len(candidates)
        tokens = _tokens(candidates if every else pc.filter(candidates, hit), count, layout)
        empty = pa.repeat(pa.scalar(b"", pa.binary()), n_hit)
        columns = {n: tokens.get(n, empty) for n in names}
        where = hit if rest is None else pc.replace_with_mask(rest, rest, hit)
        parts.append((None if every and rest is None else where, columns))
        rest = pc.invert(where) if rest is None else pc.and_(rest, pc.invert(where))
        if every:
            rest = pa.array(np.zeros(len(text), dtype=bool))
            break
    if len(parts) == 1 and parts[0][0] is None:
        columns = parts[0][1]
        return pa.StructArray.from_arrays([columns[n] for n in names], names=names)
    # the pieces (each shape's lines, then the rest read by the expression) put back in the
    # lines' order: one take per field
    pieces = [(np.flatnonzero(where.to_numpy(zero_copy_only=False)), columns,
               pa.array(np.ones(int(pc.sum(where).as_py() or 0), dtype=bool))) for where, columns in parts]
    rest = pa.array(np.ones(len(text), dtype=bool)) if rest is None else rest
    if pc.any(rest).as_py():
        slow = pc.extract_regex(pc.filter(text, rest), pattern.decode("latin-1"))
        pieces.append((np.flatnonzero(rest.to_numpy(zero_copy_only=False)), {n: slow.field(n) for n in names},
                       slow.is_valid()))
    order = np.empty(len(text), dtype=np.int64)
    order[np.concatenate([p[0] for p in pieces])] = np.arange(len(text))
    order = pa.array(order)
    out = [pa.concat_arrays([p[1][n] for p in pieces]).take(order) for n in names]
    matched = pa.concat_arrays([p[2] for p in pieces]).take(order)
    return pa.StructArray.from_arrays(out, names=names, mask=pc.invert(matched))


#: Per kind of record: its expression, its fast shapes and what a malformed line should be.
_RECORDS = {
    "PSALDO": (_PERIODIC, _PERIODIC_FAST,
               "#PSALDO (or #PBUDGET) årsnr period konto {objekt} belopp (SIE 4B: a year number, a period "
               "YYYYMM, an account, an object list, an amount with a decimal point)"),
    "TRANS": (_TRANS, _TRANS_FAST,
              "#TRANS konto {objektlista} belopp [transdat] [transtext] (SIE 4B: an account, an object list, "
              "an amount with a decimal point, a date YYYYMMDD)"),
}


def _records(text: pa.Array, rows: pa.Array, kind: str, name: str, problems: list[Problem]
             ) -> tuple[pa.StructArray, pa.Array]:
    """The fields of the lines of one ``kind`` of record and whether each line is well
    formed; each malformed line is a problem naming its line."""
    pattern, fast, expected = _RECORDS[kind]
    found = _extract(text, pattern, fast)
    ok = found.is_valid()
    problems += _malformed(name, text, rows, pc.invert(ok), kind, expected)
    return found, ok


def _periodic(lines, numbers, dimension, codec, name, problems) -> pd.DataFrame | None:
    """#PSALDO and #PBUDGET lines: ``_row, budget, year_no, yyyymm, account, code, empty, amount``."""
    mask = records.tagged(lines, "PSALDO", "PBUDGET")
    if not pc.any(mask).as_py():
        return None
    text, rows = pc.filter(lines, mask), pc.filter(numbers, mask)
    found, ok = _records(text, rows, "PSALDO", name, problems)
    if not pc.all(ok).as_py():
        found, text, rows = pc.filter(found, ok), pc.filter(text, ok), pc.filter(rows, ok)
    if not len(found):
        return None
    found, text, rows, account = _numeric_accounts(found, text, rows, name, problems)
    if not len(found):
        return None
    code, empty = _object_codes(found, dimension, codec, name, rows, problems)
    period = pc.cast(pc.cast(found.field("period"), pa.string()), pa.int32())
    # a one-pair object list's dimension (NaN for {} and longer lists): where an account has
    # no total line and no kostnadsställe, one other dimension's objects give its amount
    dim = pc.fill_null(found.field("dim"), b"")
    one_dim = pc.cast(pc.cast(pc.if_else(pc.greater(pc.binary_length(dim), 0), dim, pa.scalar(None, pa.binary())),
                              pa.string()), pa.float64()).to_numpy(zero_copy_only=False)
    out = pd.DataFrame({
        "_row": rows.to_numpy(), "budget": pc.equal(found.field("tag"), b"PBUDGET").to_numpy(zero_copy_only=False),
        "year_no": pc.cast(pc.cast(found.field("year"), pa.string()), pa.int32()).to_numpy(),
        "yyyymm": period.to_numpy(), "account": account,
        "code": code, "empty": empty.to_numpy(zero_copy_only=False), "dim": one_dim,
        "amount": _typed_amounts(found.field("amount")).to_numpy()})
    month = out["yyyymm"] % 100
    bad_month = (month < 1) | (month > 12)
    if bad_month.any():
        for row, period in out.loc[bad_month, ["_row", "yyyymm"]].head(_SHOWN).itertuples(index=False):
            problems.append(Problem(name, int(row), "period", str(period), "a period YYYYMM with a month 01–12"))
        out = out[~bad_month]
    return out


def _transactions(lines, numbers, dimension, codec, head, name, problems, notes) -> pd.DataFrame | None:
    """The verifications' #TRANS lines: ``_row, yyyymm, account, code, empty, amount``
    (and ``year_no`` from #RAR). #RTRANS and #BTRANS follow SIE 4B: a row added to a
    verification is written as #RTRANS followed by the same row as #TRANS, which is the
    one counted; a removed row (#BTRANS) is not in the verification's amounts."""
    mask = records.tagged(lines, "VER", "TRANS", "RTRANS", "BTRANS")
    if not pc.any(mask).as_py():
        return None
    text, rows = pc.filter(lines, mask), pc.filter(numbers, mask)
    is_ver = pc.starts_with(text, pattern=b"#VER")
    if not pc.any(pc.invert(is_ver)).as_py():
        return None
    # each line's verification: its date ("" when the #VER has none) and line, carried down
    ver_text, ver_rows = pc.filter(text, is_ver), pc.filter(rows, is_ver)
    ver_found = pc.extract_regex(ver_text, _VER.decode("latin-1"))
    ver_date = pc.if_else(ver_found.is_valid(), pc.cast(ver_found.field("date"), pa.string()), pa.scalar(""))
    ver_date = pc.fill_null(ver_date, "")
    carried = pc.fill_null_forward(pc.replace_with_mask(pa.nulls(len(text), pa.string()), is_ver, ver_date))
    carried_row = pc.fill_null_forward(pc.replace_with_mask(pa.nulls(len(text), pa.int64()), is_ver, ver_rows))
    is_row = pc.invert(is_ver)
    text, rows = pc.filter(text, is_row), pc.filter(rows, is_row)
    carried, carried_row = pc.filter(carried, is_row), pc.filter(carried_row, is_row)
    found, ok = _records(text, rows, "TRANS", name, problems)
    tag = found.field("tag")
    raw_date = pc.fill_null(found.field("date"), b"")
    if pc.max(pc.binary_length(raw_date)).as_py() in (None, 0):  # no line has a transaction date
        bad_date = pa.array(np.zeros(len(found), dtype=bool))
        own = pa.nulls(len(found), pa.string())
    else:
        date = pc.cast(pc.replace_substring(raw_date, pattern=b'"', replacement=b""), pa.string())
        dated = pc.match_substring_regex(date, r"^\d{8}$")
        bad_date = pc.and_(ok, pc.and_(pc.greater(pc.utf8_length(date), 0), pc.invert(dated)))
        problems += _malformed(name, text, rows, bad_date, "transdat",
                               "a transaction date YYYYMMDD (or none) after the amount (SIE 4B #TRANS)")
        own = pc.if_else(dated, date, pa.scalar(None, pa.string()))
    when = pc.coalesce(own, pc.if_else(pc.equal(pc.fill_null(carried, ""), ""), pa.scalar(None, pa.string()),
                                       carried))
    undated = pc.and_(ok, pc.is_null(when))
    if pc.any(undated).as_py():
        for row, ver_row in zip(pc.filter(rows, undated)[:_SHOWN].to_pylist(),
                                pc.filter(carried_row, undated)[:_SHOWN].to_pylist()):
            if ver_row is None:
                problems.append(Problem(name, int(row), "TRANS", None,
                                        "a #TRANS inside a verification (#VER with its date above it)"))
            else:
                problems.append(Problem(name, int(ver_row), "VER", None,
                                        "#VER serie vernr verdatum (a date YYYYMMDD): the verification has no "
                                        f"date, and its #TRANS on line {row} none of its own"))
    # a date that is no day of the calendar (20210230, a typo): an error, never the month it
    # starts with; checked once per distinct date
    def _no_day(value: str) -> bool:
        try:
            datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            return False
        except ValueError:
            return True

    distinct = [d for d in pc.unique(pc.drop_null(when)).to_pylist() if _no_day(d)]
    not_a_day = pa.array(np.zeros(len(when), dtype=bool))
    if distinct:
        not_a_day = pc.and_(ok, pc.fill_null(pc.is_in(when, value_set=pa.array(distinct, pa.string())), False))
        for row, ver_row, day in zip(pc.filter(rows, not_a_day)[:_SHOWN].to_pylist(),
                                     pc.filter(carried_row, not_a_day)[:_SHOWN].to_pylist(),
                                     pc.filter(when, not_a_day)[:_SHOWN].to_pylist()):
            problems.append(Problem(name, int(row), "transdat", day,
                                    f"a date of the calendar, YYYYMMDD (the #TRANS or its #VER on line {ver_row}); "
                                    f"{day} is no day: correct it in the ledger and export again"))
    undated = pc.or_(undated, not_a_day)
    keep = pc.and_(ok, pc.and_(pc.invert(bad_date), pc.invert(undated)))
    # #RTRANS: counted through the #TRANS copy that follows it; one without its copy counts itself
    is_r = pc.fill_null(pc.equal(tag, b"RTRANS"), False)
    is_b = pc.fill_null(pc.equal(tag, b"BTRANS"), False)
    if pc.any(is_r).as_py() or pc.any(is_b).as_py():
        key = pc.binary_join_element_wise(pc.fill_null(found.field("account"), b""),
                                          pc.fill_null(found.field("dim"), b""),
                                          pc.fill_null(found.field("quoted"), b""), pc.fill_null(found.field("bare"), b""),
                                          pc.replace_substring_regex(pc.fill_null(found.field("objects"), b""),
                                                                     r"\s+", b""),
                                          pc.fill_null(found.field("amount"), b""), b"|")
        r, b = is_r.to_numpy(zero_copy_only=False), is_b.to_numpy(zero_copy_only=False)
        plain = ~r & ~b & ok.to_numpy(zero_copy_only=False)
        same_next = np.append(pc.fill_null(pc.equal(key[:-1], key[1:]), False).to_numpy(zero_copy_only=False),
                              False)
        copied = r & same_next & np.append(plain[1:], False)
        orphans = np.flatnonzero(r & ~copied)
        keep = pc.and_(keep, pa.array(np.where(r, ~copied, ~b)))
        notes.append(f"{name}: {int(r.sum())} #RTRANS (rows added to a verification) counted through the "
                     f"#TRANS copy below each, {int(b.sum())} #BTRANS (rows removed) not counted (SIE 4B "
                     "#RTRANS, #BTRANS)")
        if len(orphans):
            row_list = rows.to_numpy()
            notes.append(f"{name}: #RTRANS on line(s) {', '.join(str(row_list[i]) for i in orphans[:10])} "
                         "without the #TRANS copy SIE 4B requires below it; counted as added rows")
    problems += _unbalanced(found, ok, keep, carried_row, name)
    if not pc.all(keep).as_py():
        found, rows, when = pc.filter(found, keep), pc.filter(rows, keep), pc.filter(when, keep)
        text = pc.filter(text, keep)
    found, text, rows, account, when = _numeric_accounts(found, text, rows, name, problems, when)
    if not len(found):
        return None
    code, empty = _object_codes(found, dimension, codec, name, rows, problems)
    yyyymm = pc.cast(pc.utf8_slice_codeunits(when, 0, 6), pa.int32()).to_numpy()
    out = pd.DataFrame({"_row": rows.to_numpy(), "budget": np.zeros(len(found), dtype=bool),
                        "yyyymm": yyyymm, "account": account,
                        "code": code, "empty": empty.to_numpy(zero_copy_only=False),
                        "amount": _typed_amounts(found.field("amount")).to_numpy()})
    month = out["yyyymm"] % 100
    out["year_no"] = _year_of(pc.cast(when, pa.int64()).to_numpy(), head.years)
    outside = out["year_no"].isna() | (month < 1) | (month > 12)
    if outside.any():
        span = ", ".join(f"{s}–{e}" for s, e, _ in head.years.values())
        for row, ym in out.loc[outside, ["_row", "yyyymm"]].head(_SHOWN).itertuples(index=False):
            problems.append(Problem(name, int(row), "transdat", str(ym),
                                    f"a date within the financial years of #RAR ({span})"))
        out = out[~outside]
    out["year_no"] = out["year_no"].astype(np.int32)
    return out


def _unbalanced(found, ok, keep, ver_rows, name) -> list[Problem]:
    """A problem for each verification whose counted rows do not sum to 0.

    A verification is double entry: its rows' amounts (debit positive) sum to 0 (SIE 4B
    #VER and #TRANS: the transaction rows of one verifikation; bokföringslagen 5 kap. 6 §
    and 7 §: a verification holds the entry). One that does not balance has a row missing
    or an amount mistyped, which would move a figure without a word where the file has no
    #RES for the account. Verifications with a malformed row are named for that row
    already and are not summed here."""
    if not len(found):
        return []
    ver = pc.fill_null(ver_rows, -1).to_numpy(zero_copy_only=False)
    good = ok.to_numpy(zero_copy_only=False)
    counted = keep.to_numpy(zero_copy_only=False) & (ver >= 0)
    if not counted.any():
        return []
    amount = np.zeros(len(found))
    amount[good] = pc.cast(pc.cast(pc.filter(found.field("amount"), ok), pa.string()), pa.float64()).to_numpy()
    amount[~counted] = 0.0
    # the rows of one verification follow each other (its line carried down): summed per run
    starts = np.flatnonzero(np.r_[True, ver[1:] != ver[:-1]])
    totals = np.add.reduceat(amount, starts)
    broken = np.unique(ver[~good])
    # amounts have at most two decimals: a sum of many is compared in öre, rounded
    bad = (np.abs(np.round(totals * 100)) >= 1) & (ver[starts] >= 0) & ~np.isin(ver[starts], broken)
    wrong = pd.Series(totals[bad], index=ver[starts][bad])
    problems = [Problem(name, int(row), "VER", f"{total:.2f}",
                        "the rows (#TRANS) of a verification to sum to 0 (double entry: debit equals credit); "
                        f"they sum to {total:.2f}: a row is missing or an amount mistyped. Correct the "
                        "verification in the ledger and export again")
                for row, total in wrong.head(_SHOWN).items()]
    if len(wrong) > _SHOWN:
        problems.append(Problem(name, None, "VER", None, f"balanced verifications (and {len(wrong) - _SHOWN} "
                                "more that do not sum to 0)"))
    return problems


def _numeric_accounts(found, text, rows, name, problems, *others):
    """The lines whose account is a number (SIE 4B #KONTO 2), their account keys, and a
    problem for each other line."""
    try:
        return (found, text, rows, _account_keys(found.field("account"))) + others
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    numeric = pc.fill_null(pc.match_substring_regex(found.field("account"), r"^\d{1,17}$"), False)
    problems += _malformed(name, text, rows, pc.invert(numeric), "konto",
                           "an account number (SIE 4B #KONTO 2: numeric); correct it in the ledger and export "
                           "again")
    found = pc.filter(found, numeric)
    return ((found, pc.filter(text, numeric), pc.filter(rows, numeric), _account_keys(found.field("account")))
            + tuple(pc.filter(o, numeric) for o in others))


def _year_of(dates: np.ndarray, years: dict) -> np.ndarray:
    out = np.full(len(dates), np.nan)
    for year_no, (start, end, _) in years.items():
        out[(dates >= int(start)) & (dates <= int(end))] = year_no
    return out


def _placed_in_years(name: str, rows: pd.DataFrame, years: dict, notes: list[str]
                     ) -> tuple[pd.DataFrame, list[Problem]]:
    """#PSALDO/#PBUDGET lines whose period lies outside the financial year their year
    number names in #RAR are errors, except #PBUDGET lines that repeat a line of the
    year holding the period exactly (Avendo writes this year's budget a second time as
    year −1): those are left out, with a note."""
    problems = []
    unknown = ~rows["year_no"].isin(list(years))
    for year_no, group in rows[unknown].groupby("year_no", sort=True):
        problems.append(Problem(name, int(group["_row"].min()), "årsnr", str(year_no),
                                f"a year number declared by #RAR ({', '.join(map(str, sorted(years)))})"))
    placed = pd.Series(np.nan, index=rows.index)
    for year_no, (start, end, _) in years.items():
        placed[(rows["yyyymm"] >= int(start[:6])) & (rows["yyyymm"] <= int(end[:6]))] = year_no
    outside = ~unknown & (placed != rows["year_no"])
    if not outside.any():
        return rows[~unknown], problems
    key = ["budget", "yyyymm", "account", "code", "empty", "amount"]
    inside = rows[~unknown & ~outside][key].assign(_copy=True).drop_duplicates(key)
    checked = rows[outside].merge(inside, on=key, how="left")
    copies = (checked["_copy"].fillna(False).astype(bool) & checked["budget"]).to_numpy()
    if copies.any():
        first = int(checked.loc[copies, "_row"].min())
        notes.append(f"{name}: {int(copies.sum())} #PBUDGET line(s) from line {first} on carry a year "
                     "number whose #RAR year does not hold their period, and repeat a line of the right year "
                     "exactly: left out as copies")
    for row, period, year_no in checked.loc[~copies, ["_row", "yyyymm", "year_no"]].head(_SHOWN).itertuples(
            index=False):
        problems.append(Problem(name, int(row), "period", str(period),
                                f"a month of financial year {year_no} ({years[year_no][0]}–"
                                f"{years[year_no][1]}, per #RAR)"))
    return rows[~unknown & ~outside], problems


# --------------------------------------------------------------------------- which lines are the amounts

def _cells(periodic: pd.DataFrame, combinations: bool) -> pd.DataFrame:
    """#PSALDO/#PBUDGET lines as cells that add up: a line per month, account and
    kostnadsställe, and the rest of the account's total without one (``code`` null).

    SIE 4B (#PSALDO 5) gives the account's total on the line without objects and the
    objects' balances besides; some programs instead write disjoint cells, the line
    without objects being the amount without any (``combinations``)."""
    keys = ["budget", "year_no", "yyyymm", "account"]
    columns = keys + ["code", "amount", "_row"]
    if combinations:  # every line is a cell of its own
        return periodic[columns]
    periodic = _without_subcells(periodic, keys)
    if not periodic["empty"].any():  # no account totals: the object lines are the amounts
        with_code = periodic.loc[periodic["code"].notna(), columns]
        # an account (month) with objects of other dimensions only (projects, {6 "P1"}): each
        # dimension's objects split the whole account, so one dimension's lines (the lowest
        # number) are its amount, without a kostnadsställe; never two dimensions added
        others = periodic[periodic["code"].isna() & periodic["dim"].notna()]
        if len(others):
            coded = with_code[keys].drop_duplicates().assign(_coded=True)
            others = others.merge(coded, on=keys, how="left")
            others = others[others["_coded"].isna()]
            lowest = others.groupby(keys)["dim"].transform("min")
            others = others[others["dim"] == lowest]
            if len(others):
                rest = others.groupby(keys, sort=False).agg(amount=("amount", "sum"), _row=("_row", "min"))
                rest = rest.reset_index().assign(code=None)[columns]
                return pd.concat([with_code, rest], ignore_index=True)
        return with_code
    with_code = periodic[periodic["code"].notna()]
    split = with_code.groupby(keys + ["code"], sort=False, dropna=False, observed=True).agg(
        amount=("amount", "sum"), _row=("_row", "min")).reset_index()
    split_sum = split.groupby(keys, sort=False)["amount"].sum()
    if combinations:
        total = periodic.groupby(keys, sort=False)["amount"].sum()
    else:
        totals = periodic[periodic["empty"]].groupby(keys, sort=False)["amount"].sum()
        total = totals.combine_first(split_sum)  # objects without a total line: their sum
    first = periodic.groupby(keys, sort=False)["_row"].min()
    rest = (total - split_sum.reindex(total.index).fillna(0.0)).rename("amount").to_frame()
    rest["_row"] = first.reindex(rest.index)
    rest = rest[rest["amount"].abs() >= TOLERANCE].reset_index()
    rest["code"] = None
    return pd.concat([split, rest], ignore_index=True)[keys + ["code", "amount", "_row"]]


def _without_subcells(periodic: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The lines without the combinations that split a kostnadsställe's own line: where a
    month and account has ``{1 "200"}`` (the kostnadsställe's balance, #PSALDO 5), a line
    ``{1 "200" 6 "P1"}`` is a part of it (its project), never added to it."""
    lists = periodic["code"].notna() & periodic["dim"].isna() & ~periodic["empty"]
    if not lists.any():
        return periodic
    own = periodic.loc[periodic["code"].notna() & periodic["dim"].notna(), keys + ["code"]]
    if not len(own):
        return periodic
    own = own.drop_duplicates().assign(_own=True)
    listed = periodic.loc[lists, keys + ["code"]].merge(own, on=keys + ["code"], how="left")
    part = np.zeros(len(periodic), dtype=bool)
    part[np.flatnonzero(lists.to_numpy())] = listed["_own"].notna().to_numpy()
    return periodic[~part]


def _year_sums(cells: pd.DataFrame) -> pd.Series:
    """The actual amounts per year number and account (its text)."""
    actual = cells[~cells["budget"]]
    return _texts(actual.groupby(["year_no", "account"])["amount"].sum())


def _account_keys(accounts: pa.Array) -> np.ndarray:
    """Account numbers as integers that keep their leading zeros: "1" before the digits
    ("0351" is 10351, "351" 1351), so rows group on a number, not a text."""
    return pc.cast(pc.binary_join_element_wise(pa.scalar(b"1"), accounts, b""), pa.int64()).to_numpy()


def _account_text(key) -> str:
    return str(int(key))[1:]


def _texts(series: pd.Series) -> pd.Series:
    """A series indexed by (..., account key) re-indexed by the accounts' texts."""
    if not len(series):
        return series
    levels = [series.index.get_level_values(i) for i in range(series.index.nlevels)]
    keys = levels[-1]
    codes, uniques = pd.factorize(keys)
    texts = np.array([_account_text(k) for k in uniques], dtype=object)[codes]
    names = list(series.index.names)
    return pd.Series(series.to_numpy(), index=pd.MultiIndex.from_arrays(levels[:-1] + [texts], names=names))


def _cut_off(lines: pa.Array, raw: bytes, name: str) -> list[Problem]:
    """Problems when the file was cut off: it ends inside a verification (its ``{`` never
    closed), or in the middle of a record (the last record has no line feed after it,
    which SIE 4B 5.5 gives every record: its last amount may be cut short, ``1000.00``
    read as ``10``). Every file of SIE-gruppen's 18 programs ends its last record with
    one (Fortnox leaves it off only after the closing ``}``)."""
    problems = []
    opens = np.flatnonzero(pc.starts_with(lines, pattern=b"{").to_numpy(zero_copy_only=False))
    if len(opens):
        closes = np.flatnonzero(pc.starts_with(lines, pattern=b"}").to_numpy(zero_copy_only=False))
        if not len(closes) or closes[-1] < opens[-1]:
            problems.append(Problem(name, int(opens[-1]) + 1, "VER", "{",
                                    "a verification closed by '}' (SIE 4B #VER); the file ends inside it, so it "
                                    "was cut off and its last records are missing: export it again"))
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].as_py().strip()), None)
    # (a closing #KSUMMA is its own check: a cut in its number is a checksum that differs)
    if last is not None and lines[last].as_py().startswith(b"#") and not raw.endswith((b"\n", b"\r")) \
            and not lines[last].as_py().startswith(b"#KSUMMA"):
        problems.append(Problem(name, last + 1, lines[last].as_py().split()[0][1:].decode("latin-1"),
                                lines[last].as_py()[:80].decode("latin-1"),
                                "a line feed after the last record (SIE 4B 5.5: every record ends with one); "
                                "the file ends in the middle of it, so it was cut off and the record's amount "
                                "may be cut short: export it again"))
    return problems


def _unbalanced_years(head: _Head, name: str) -> list[Problem]:
    """A problem for each financial year whose balance records do not balance.

    Every entry has two sides, so a year's movements over all accounts sum to 0: the sum
    of its closing balances (#UB) and of its results (#RES) equals the sum of its opening
    balances (#IB; none written: the year before's #UB). Checked for each year with both
    #UB and #RES records. A file cut off (no #KSUMMA to say so) loses the records of its
    last accounts, their #RES and their lines together, which no account's own check
    sees; an amount changed in one record shows here too."""
    problems = []
    for year_no in sorted(head.years):
        ub = [v for (y, _), (v, _) in head.ub.items() if y == year_no]
        res = [v for (y, _), (v, _) in head.res.items() if y == year_no]
        ib = [v for (y, _), (v, _) in head.ib.items() if y == year_no]
        if not ub or not res:
            continue
        if not ib:
            ib = [v for (y, _), (v, _) in head.ub.items() if y == year_no - 1]
            if not ib:
                continue
        total_ub, total_res, total_ib = sum(ub), sum(res), sum(ib)
        off = round((total_ub + total_res - total_ib) * 100)
        if off:
            problems.append(Problem(name, head.years[year_no][2], "RAR", str(year_no),
                                    f"the records of financial year {year_no} to balance: its #UB sum to "
                                    f"{total_ub:.2f} and its #RES to {total_res:.2f}, together {off / 100:.2f} "
                                    f"more than its opening balances ({total_ib:.2f}), where every entry has two "
                                    "sides; records are missing (a file cut off) or an amount was changed: "
                                    "export it again"))
    return problems


def _res_mismatches(sums: pd.Series, head: _Head) -> int | None:
    """How many result accounts' yearly sums differ from #RES (None without #RES)."""
    years = {y for y, _ in head.res}
    if not years:
        return None
    res = pd.Series([v for v, _ in head.res.values()], dtype="float64",
                    index=pd.MultiIndex.from_tuples(list(head.res), names=["year_no", "account"]))
    sums = sums[np.array([y in years and not _is_balance(a) for y, a in sums.index], dtype=bool)]
    covered = {y for y, _ in sums.index}
    res = res[np.array([y in covered and not _is_balance(a) for y, a in res.index], dtype=bool)]
    diff = sums.sub(res, fill_value=0.0)
    return int((diff.abs() >= TOLERANCE).sum())


def _is_balance(account: str) -> bool:
    return account.isdigit() and BALANCE_ACCOUNTS[0] <= int(account) <= BALANCE_ACCOUNTS[1]


def _balance_rows(accounts: pd.Series) -> np.ndarray:
    """Whether each row's account (key) is a balance account (decided once per account)."""
    codes, uniques = pd.factorize(accounts)
    if not len(uniques):
        return np.zeros(len(accounts), dtype=bool)
    return np.array([_is_balance(_account_text(a)) for a in uniques], dtype=bool)[codes]


def _choose(periodic, trans, head: _Head, name: str, notes: list[str]):
    """The actual cells, the budget cells and which lines the actuals are.

    #PSALDO when the file has them and their year sums agree with #RES (the spec's
    reading, or the programs' disjoint cells when only those agree); else the
    verifications. The other kind is then a check, month by month and account."""
    budget_cells = actual_periodic = None
    if periodic is not None:
        spec, combos = _cells(periodic, False), None
        wrong = _res_mismatches(_year_sums(spec), head)
        chosen = spec
        if wrong and (~periodic["empty"]).any():
            combos = _cells(periodic, True)
            if _res_mismatches(_year_sums(combos), head) == 0:
                chosen = combos
                notes.append(f"{name}: the #PSALDO lines are disjoint cells (the line without objects is the "
                             "amount without any, each object line a part): their sums agree with #RES so "
                             "read, not as SIE 4B's account totals")
        actual_periodic = chosen[~chosen["budget"]]
        if chosen["budget"].any():
            budget_cells = chosen[chosen["budget"]]
    trans_cells = None
    if trans is not None:
        trans_cells = trans[["budget", "year_no", "yyyymm", "account", "code", "amount", "_row"]]
    if actual_periodic is not None and len(actual_periodic):
        periodic_wrong = _res_mismatches(_year_sums(actual_periodic), head)
        trans_wrong = _res_mismatches(_year_sums(trans_cells), head) if trans_cells is not None else None
        if trans_cells is None or not periodic_wrong or trans_wrong:
            if trans_cells is not None:
                notes.append(_compare(actual_periodic, trans_cells, name))
            return actual_periodic, budget_cells, "#PSALDO"
        notes.append(f"{name}: the #PSALDO lines disagree with #RES for {periodic_wrong} account(s), the "
                     "verifications (#TRANS) agree: the actuals are the verifications'")
        return trans_cells, budget_cells, "#TRANS"
    if trans_cells is None:
        return actual_periodic, budget_cells, "#PSALDO"
    notes.append(f"{name}: actuals summed from {len(trans_cells)} #TRANS lines")
    return trans_cells, budget_cells, "#TRANS"


def _compare(periodic: pd.DataFrame, trans: pd.DataFrame, name: str) -> str:
    """A note on where the verifications and the period balances differ."""
    years = set(trans["year_no"].unique())
    p = _texts(periodic[periodic["year_no"].isin(years)].groupby(["yyyymm", "account"])["amount"].sum())
    t = _texts(trans.groupby(["yyyymm", "account"])["amount"].sum())
    diff = p.sub(t, fill_value=0.0)
    wrong = diff[diff.abs() >= TOLERANCE]
    if wrong.empty:
        return (f"{name}: the actuals are the #PSALDO lines; the verifications (#TRANS) agree with them for "
                "every month and account")
    shown = "; ".join(f"{ym // 100}-{ym % 100:02d} account {a}: #PSALDO {p.get((ym, a), 0.0):.2f}, "
                      f"#TRANS {t.get((ym, a), 0.0):.2f}" for ym, a in wrong.index[:10])
    return (f"{name}: the actuals are the #PSALDO lines; the verifications (#TRANS) differ for "
            f"{len(wrong)} month(s) and account(s): {shown}")


def _result_problems(cells: pd.DataFrame, head: _Head, name: str, used: str) -> list[Problem]:
    """Each result account's year against #RES (SIE 4B #RES: the year's balance)."""
    problems = []
    sums = _year_sums(cells)
    res_years = {y for y, _ in head.res}
    first_row = _texts(cells.groupby(["year_no", "account"])["_row"].min())
    for (year_no, account), total in sums.items():
        if year_no not in res_years or _is_balance(account):
            continue
        stated, row = head.res.get((year_no, account), (0.0, None))
        if abs(total - stated) >= TOLERANCE:
            where = f"its #RES on line {row} says {stated:.2f}" if row else "the file has no #RES for it (0)"
            problems.append(Problem(name, row or int(first_row[(year_no, account)]), "RES", account,
                                    f"the {used} lines of year {year_no} on account {account} to sum to the "
                                    f"year's result the file gives; they sum to {total:.2f}, {where}: the "
                                    "file disagrees with itself, export it again"))
    for (year_no, account), (stated, row) in head.res.items():
        if (year_no, account) not in sums.index and abs(stated) >= TOLERANCE and not _is_balance(account) \
                and year_no in set(cells["year_no"].unique()):
            problems.append(Problem(name, row, "RES", account,
                                    f"{used} lines for account {account} in year {year_no}, whose #RES is "
                                    f"{stated:.2f}; the file has none: it disagrees with itself"))
    return problems


# --------------------------------------------------------------------------- the tables

def _same_codes(parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The parts with one set of object codes (so that they concatenate as categories)."""
    if len(parts) < 2 or not all(isinstance(p["code"].dtype, pd.CategoricalDtype) for p in parts):
        return parts
    union = parts[0]["code"].cat.categories
    for p in parts[1:]:
        union = union.union(p["code"].cat.categories)
    return [p.assign(code=p["code"].cat.set_categories(union)) for p in parts]


def _finance(cells, budget_cells, head: _Head, dimension: str, name: str, notes: list[str]) -> pd.DataFrame:
    parts = [_without_balance(cells)] + ([_without_balance(budget_cells)] if budget_cells is not None else [])
    facts = pd.concat(_same_codes(parts), ignore_index=True)
    no_code = facts["code"].isna()
    label = None
    if no_code.all() and head.fnr is not None:
        facts["code"] = head.fnr
        notes.append(f"{name}: no objects of dimension {dimension} (kostnadsställe) in the file; every amount "
                     f"is the unit of #FNR {head.fnr}")
    elif no_code.any():
        label = NO_KOSTNADSSTALLE
        amounts = facts.loc[no_code & ~facts["budget"], "amount"]
        budgets = facts.loc[no_code & facts["budget"], "amount"]
        what = [f"{len(amounts)} actual amount(s) of {-amounts.sum() / 1000:.3f} tkr" if len(amounts) else "",
                f"{len(budgets)} budget amount(s) of {-budgets.sum() / 1000:.3f} tkr" if len(budgets) else ""]
        notes.append(f"{name}: {' and '.join(w for w in what if w)} (per month and account) carry no object of "
                     f"dimension {dimension} (kostnadsställe); they are on the unit '{NO_KOSTNADSSTALLE}', so "
                     "every account's total is the file's")
    return _facts_frame(facts, head.years, label)


def _without_balance(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells of the result accounts (no copy when there are only those)."""
    balance = _balance_rows(cells["account"])
    return cells[~balance] if balance.any() else cells


def _facts_frame(facts: pd.DataFrame, years: dict, unplaced: str | None) -> pd.DataFrame:
    """Amounts summed per month, kostnadsställe and account, actual and budget side by side
    (tkr, revenue positive). Closed months without a line for a key moved by 0."""
    codes, code_values = pd.factorize(facts["code"], sort=False, use_na_sentinel=True)
    code_values = list(code_values) + [None]  # the amounts without an object: the last code
    codes = np.where(codes < 0, len(code_values) - 1, codes)
    accounts, account_values = pd.factorize(facts["account"], sort=False)
    yyyymm = facts["yyyymm"].to_numpy().astype(np.int64)
    serial = (yyyymm // 100) * 12 + yyyymm % 100 - 1
    first_month = int(serial.min())
    month_idx = serial - first_month
    n_codes, n_accounts = len(code_values), len(account_values)
    key = (month_idx * n_accounts + accounts) * n_codes + codes
    budget = facts["budget"].to_numpy(bool)
    amount = facts["amount"].to_numpy("float64")
    row = facts["_row"].to_numpy(np.int64)
    n_months = int(month_idx.max()) + 1
    space = n_months * n_accounts * n_codes
    if space <= max(4 * len(key), 1 << 20):
        keys, actual, planned, first_row = _dense_sums(key, budget, amount, row, space)
    else:
        uniq, dense = np.unique(key, return_inverse=True)
        k, actual, planned, first_row = _dense_sums(dense, budget, amount, row, len(uniq))
        keys = uniq[k]
    month_text = np.array([f"{(first_month + i) // 12:04d}-{(first_month + i) % 12 + 1:02d}"
                           for i in range(n_months)], dtype=object)
    month_of = keys // n_codes // n_accounts
    with_actuals = np.flatnonzero(np.bincount(month_of[~np.isnan(actual)], minlength=n_months))
    last = int(with_actuals.max()) if len(with_actuals) else -1
    earlier = {start[:4] for n, (start, _, _) in years.items() if n < 0}
    closed = np.array([i <= last or m[:4] in earlier for i, m in enumerate(month_text)], dtype=bool)
    actual = np.where(np.isnan(actual) & closed[month_of], 0.0, actual)
    budgeted = np.bincount(month_of[~np.isnan(planned)], minlength=n_months) > 0
    planned = np.where(np.isnan(planned) & budgeted[month_of], 0.0, planned)
    code_index = keys % n_codes
    no_code = np.array([v is None for v in code_values], dtype=bool)[code_index]
    unit_of = np.where(no_code, unplaced, None)
    return pd.DataFrame({
        "_row": first_row, "month": _strings(list(month_text), month_of),
        "code": _strings(code_values, code_index),
        "division": np.where(no_code, unit_of, None), "unit": unit_of,
        "account": _strings([_account_text(a) for a in account_values], (keys // n_codes) % n_accounts),
        "actual": actual / -1000.0 + 0.0, "budget": planned / -1000.0 + 0.0})


def _strings(values: list, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[index]`` as a text column (pandas' ``str``), taken in Arrow: no Python
    object per row."""
    return pd.array(pa.array(values, pa.large_string()).take(pa.array(index)), dtype="str")


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
        _first_rows(first, k, row[mask])
        sides.append((sums, count, first))
    (sum_a, count_a, first_a), (sum_b, count_b, first_b) = sides
    keys = np.flatnonzero((count_a > 0) | (count_b > 0))
    actual = np.where(count_a[keys] > 0, sum_a[keys], np.nan)
    planned = np.where(count_b[keys] > 0, sum_b[keys], np.nan)
    return keys, actual, planned, np.minimum(first_a[keys], first_b[keys])


def _first_rows(first, k, rows):
    """The smallest row per key: written in descending order, the last write wins."""
    if len(rows) > 1 and not (rows[1:] >= rows[:-1]).all():
        order = np.argsort(rows, kind="stable")
        k, rows = k[order], rows[order]
    first[k[::-1]] = rows[::-1]


def _balance(cells, head: _Head, name: str, finance: pd.DataFrame, notes_out: list[str]
             ) -> tuple[pd.DataFrame, list[Problem]]:
    """The closing balance of every balance account at each month's end (tkr, debit
    positive): the year's opening balance (#IB, else the year before's #UB) plus the
    months' movements, checked against the year's #UB."""
    problems: list[Problem] = []
    moves = cells[_balance_rows(cells["account"])]
    by_month = _texts(moves.groupby(["year_no", "yyyymm", "account"])["amount"].sum())
    moved = {_account_text(a) for a in moves["account"].unique()}
    accounts = sorted(a for a in {a for _, a in head.ib} | {a for _, a in head.ub} | moved if _is_balance(a))
    ib_years, ub_years = {y for y, _ in head.ib}, {y for y, _ in head.ub}
    moved_years = set(moves["year_no"].unique()) if len(moves) else set()
    last_closed = finance.loc[finance["actual"].notna(), "month"].max() if len(finance) else None
    rows: dict[tuple[str, str], tuple[float, int]] = {}
    for year_no in sorted(head.years):
        start, end, rar_row = head.years[year_no]
        months = [f"{p.year:04d}-{p.month:02d}" for p in pd.period_range(
            f"{start[:4]}-{start[4:6]}", f"{end[:4]}-{end[4:6]}", freq="M")]
        if year_no in ib_years:
            opening = {a: head.ib.get((year_no, a), (0.0, rar_row)) for a in accounts}
        elif year_no - 1 in ub_years:
            opening = {a: head.ub.get((year_no - 1, a), (0.0, rar_row)) for a in accounts}
        else:
            opening = None
        if opening is not None and year_no in moved_years:
            for a in accounts:
                level, row = opening[a]
                for m in months:
                    if year_no == 0 and last_closed is not None and m > last_closed:
                        break
                    level += by_month.get((year_no, int(m[:4] + m[5:]), a), 0.0)
                    rows[(m, a)] = (level, row)
                total = opening[a][0] + sum(by_month.get((year_no, int(m[:4] + m[5:]), a), 0.0) for m in months)
                if year_no in ub_years:
                    stated, ub_row = head.ub.get((year_no, a), (0.0, None))
                    if abs(total - stated) >= TOLERANCE:
                        where = f"#UB on line {ub_row} says {stated:.2f}" if ub_row else "the file has no #UB (0)"
                        problems.append(Problem(name, ub_row or row, "UB", a,
                                                f"the opening balance of account {a} in year {year_no} "
                                                f"({opening[a][0]:.2f}) plus the year's movements to give its "
                                                f"closing balance; they give {total:.2f}, {where}: the file "
                                                "disagrees with itself, export it again"))
        if year_no in ub_years:  # the year's end as the file gives it
            for a in accounts:
                stated, row = head.ub.get((year_no, a), (0.0, head.years[year_no][2]))
                rows.setdefault((months[-1], a), (stated, row))
        if opening is not None:  # the month before the year: its opening balance
            before = (pd.Period(months[0], freq="M") - 1).strftime("%Y-%m")
            for a in accounts:
                rows.setdefault((before, a), opening[a])
    differ = sorted(a for y, a in head.ib if (y - 1, a) in head.ub and _is_balance(a)
                    and abs(head.ib[(y, a)][0] - head.ub[(y - 1, a)][0]) >= TOLERANCE)
    if differ:
        problems_note = (f"{name}: the opening balance (#IB) of account(s) {', '.join(differ[:10])} differs from "
                         "the closing balance (#UB) of the year before (the year-end entries); each year's months "
                         "run from its own #IB, the last month of the year before is its #UB")
        notes_out.append(problems_note)
    if not rows:
        return pd.DataFrame({"_row": pd.Series(dtype="int64"), "month": pd.Series(dtype=object),
                             "account": pd.Series(dtype=object), "balance": pd.Series(dtype="float64")}), problems
    out = pd.DataFrame([(row, m, a, value / 1000.0 + 0.0) for (m, a), (value, row) in rows.items()],
                       columns=["_row", "month", "account", "balance"])
    return out.sort_values(["month", "account"], ignore_index=True), problems
