"""Read the region's exports as real systems write them.

CSV (``.csv``, ``.csv.gz``) with ``;``, ``,`` or tab as delimiter, in UTF-8,
UTF-8 with BOM or Windows-1252; decimal comma or point; spaces or non-breaking
spaces as thousands separators; a minus written ``-``, ``−`` or ``–``; Swedish or
English header names; title lines above the header (as Excel exports write
them). Excel workbooks (``.xlsx``): the first sheet that holds the table.
Parquet files (or folders of them) for large tables.

Every problem is collected, not just the first, and reported with file, row,
column, the value found and what was expected. Files are only ever read.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
import threading
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import layout, limits
from .exceptions import Problem
from .schema import AMOUNT_UNITS, PAXML_SUFFIXES, SIE_SUFFIXES, SIE_TABLES, TABLES, Column, Table, header_lookup

ROW = "_row"  # internal column: the row number as a spreadsheet shows it
MAX_PER_COLUMN = 20  # problems listed per column and kind before summarising
_HEADER_SCAN_LINES = 15
_HEAD_BYTES = 1 << 16  # read to find the header, delimiter and encoding
_BLOCK_BYTES = 1 << 24  # Arrow's CSV block: large blocks parse fastest here
_GZIP_MAGIC = b"\x1f\x8b"


_UNIT_WORDS = "|".join(re.escape(w) for w in sorted(AMOUNT_UNITS, key=len, reverse=True))
_UNIT_SUFFIX = re.compile(rf"[\s,]*(?:i\s+)?(?:{_UNIT_WORDS})\s*$", re.IGNORECASE)


def _norm_header(text: str) -> str:
    text = layout.thousands(str(text).replace("\ufeff", "").replace("_", " "))
    text = re.sub(r"\(.*?\)", "", text)  # "Utfall (tkr)" -> "Utfall"
    text = _UNIT_SUFFIX.sub("", text.strip().strip('"'))  # "Belopp i kronor", "Budget, kr" -> the name
    return " ".join(text.split()).strip().strip('"').casefold()


def amount_unit(label: str) -> tuple[float, str | None]:
    """The factor that turns an amount column into tkr, by the unit its header names, and
    that unit (None: no unit in the header, read as tkr).

    >>> amount_unit("Budget (kr)"), amount_unit("Belopp, mnkr"), amount_unit("Utfall tkr"), amount_unit("Budget")
    ((0.001, 'kr'), (1000.0, 'mnkr'), (1.0, 'tkr'), (1.0, None))
    >>> amount_unit("Belopp i 1 000-tals kronor")
    (1.0, '1000-tals kronor')
    """
    found = layout.units_in(label)
    if not found:
        return 1.0, None
    word = found[-1]
    return AMOUNT_UNITS[word], word


def _lookup(spec: Table) -> dict[str, str]:
    """Every accepted header spelling, normalised as :func:`_norm_header` does, to its column."""
    return {_norm_header(k): v for k, v in header_lookup(spec).items()}


# --------------------------------------------------------------------------- raw reading

#: UTF-8 text decoded as Windows-1252: "å" (C3 A5) becomes "Ã¥", "–" (E2 80 93) "â€“".
#: Lead bytes C2/C3 (every Latin-1 letter: å, ä, ö, é, ü) and E2 (dashes, quotes, €),
#: then continuation bytes 80-BF as Windows-1252 shows them. Neither "Â" nor "Ã" nor
#: "â€" is followed by such a character in Swedish text.
_CONTINUATION = "".join(bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0))
_MOJIBAKE = f"[\u00c2\u00c3][{re.escape(_CONTINUATION)}]|\u00e2[{re.escape(_CONTINUATION)}]{{2}}"


def _long_cells(name: str, column, rows: np.ndarray, bound: int) -> list[Problem]:
    """A problem at the first cell of ``column`` longer than ``bound`` characters."""
    if not len(column.uniques):
        return []
    long = (column.uniques.astype(str).str.len() > bound).to_numpy(bool)
    if not long.any():
        return []
    at = np.flatnonzero(_by_code(long, column.codes, False))
    if not len(at):
        return []
    value = str(column.cells_as_read().iloc[at[0]])
    return [Problem(name, int(rows[at[0]]), column.label, _cut(value),
                    f"a cell of at most {bound} characters; this one has {len(value)} "
                    "(REGIONANALYTICS_MAX_CELL_CHARS sets the bound)")]


def _utf8_read_as_cp1252(path: Path, name: str, column, rows: np.ndarray, encoding: str) -> list[Problem]:
    """A problem at the first row of ``column`` whose text is UTF-8 read as Windows-1252
    (a file that mixes the two: the division "Folktandvård" would become a phantom
    "FolktandvÃ¥rd"); no problem when there is none."""
    uniques = column.uniques
    if not len(uniques):
        return []
    hit = uniques.astype(str).str.contains(_MOJIBAKE, regex=True).to_numpy(bool)
    if not hit.any():
        return []
    at = np.flatnonzero(_by_code(hit, column.codes, False))
    if not len(at):
        return []
    value = column.cells_as_read().iloc[at[0]]
    if encoding == "cp1252":
        other = _first_non_utf8_row(path)
        where = f" (row {other} is not UTF-8)" if other else ""
        found = (f"one encoding for the whole file: the file is Windows-1252{where}, but this row is "
                 "UTF-8 ('Ã¥' is 'å' written in UTF-8); export the file again in one encoding (UTF-8)")
    else:
        found = ("text in UTF-8; this cell is UTF-8 text that was already read as Windows-1252 "
                 "once ('Ã¥' for 'å'); export the file again")
    return [Problem(name, int(rows[at[0]]), column.label, _cut(value), found)]


def _first_non_utf8_row(path: Path) -> int | None:
    """The line number of the first bytes in ``path`` that are not UTF-8 (streamed)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    try:
        with (gzip.open if _is_gzip(path) else open)(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return lines + block.count(b"\n", 0, max(exc.start, 0))
                lines += block.count(b"\n")
    except (OSError, EOFError, zlib.error):
        return None
    return None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Text and encoding name, or None and an explanation."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, "text in UTF-8 or Windows-1252 (cp1252); the file is in neither"


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """The file's bytes (inflated when gzip), or None and what was expected: at most
    :attr:`Limits.file_bytes <regionanalytics.limits.Limits>` of them, read in blocks so
    a gzip bomb stops at the bound, and no line longer than the line bound."""
    limit = limits.current()
    if not _is_gzip(path):
        n = path.stat().st_size
        if n > limit.file_bytes:
            return None, _too_large(n, limit)
        data = path.read_bytes()
    else:
        blocks, n = [], 0
        try:
            with gzip.open(path, "rb") as fh:
                while block := fh.read(1 << 22):
                    n += len(block)
                    if n > limit.file_bytes:
                        return None, _too_large(n, limit, inflated=True)
                    blocks.append(block)
        except (EOFError, OSError, zlib.error) as exc:
            return None, f"a complete gzip file; it is truncated or damaged ({exc})"
        data = b"".join(blocks)
        del blocks
    long_line = _longest_line(data, limit.line_bytes)
    if long_line is not None:
        row, length = long_line
        return None, _LongLine(row, f"lines of at most {limits.size(limit.line_bytes)} (a table's row); "
                                    f"row {row} has {limits.size(length)}: not an export of this table? "
                                    "(REGIONANALYTICS_MAX_LINE_BYTES)")
    return data, None


class _LongLine(str):
    """What was expected of a file with a line over the bound, and the line's number."""

    def __new__(cls, row: int, text: str):
        self = super().__new__(cls, text)
        self.row = row
        return self


def _too_large(n: int, limit, inflated: bool = False) -> str:
    what = "inflates to more than" if inflated else "has"
    return (f"a file of at most {limits.size(limit.file_bytes)} uncompressed; it {what} "
            f"{limits.size(n)} (REGIONANALYTICS_MAX_FILE_BYTES sets the bound)")


def _longest_line(data: bytes, bound: int) -> tuple[int, int] | None:
    """The first line longer than ``bound`` bytes (its number and length), or None."""
    if len(data) <= bound:
        return None
    view = np.frombuffer(data, dtype=np.uint8)
    step, start, line = 1 << 26, 0, 1
    for at in range(0, len(view), step):  # blocks, so the search needs no copy of the file
        ends = np.flatnonzero(view[at:at + step] == 10) + at
        if len(ends):
            lengths = np.diff(np.r_[start - 1, ends]) - 1
            over = np.flatnonzero(lengths > bound)
            if len(over):
                return line + int(over[0]), int(lengths[over[0]])
            line += len(ends)
            start = int(ends[-1]) + 1
        if min(len(view), at + step) - start > bound:
            end = data.find(b"\n", start)
            return line, (end if end >= 0 else len(data)) - start
    return None


def _find_header(rows: list[list[str]], lookup: dict[str, str], wide: bool = False) -> tuple[int, int]:
    """Index of the row that best matches the table's header, and how many columns matched
    (month columns count as one when the table may be ``wide``)."""
    best, best_n = -1, 0
    for i, cells in enumerate(rows[:_HEADER_SCAN_LINES]):
        norms = [_norm_header(c) for c in cells]
        n = len({lookup[c] for c in norms if c in lookup})
        if wide and "month" not in {lookup.get(c) for c in norms} and any(map(layout.is_month_header, norms)):
            n += 1
        if n > best_n:
            best, best_n = i, n
    return best, best_n


def _csv_frame(text: str, spec: Table, name: str) -> tuple[pd.DataFrame | None, int, list[Problem], list]:
    """The tolerant reader: any CSV pandas can read, with row numbers in its errors.
    Returns the frame, its first row's number, problems and the title lines' cells."""
    head = text[:4 * _HEAD_BYTES]  # the header is near the top: never split the whole text
    lines = head.lstrip("\ufeff").splitlines()[:_HEADER_SCAN_LINES]
    header_idx, matched, sep = _header_and_delimiter(lines, spec)
    if matched < 2:
        return None, 0, [Problem(name, None, None, None,
                                 _expected_header(spec) + "; no such header row was found in "
                                 f"the first {_HEADER_SCAN_LINES} lines (wrong delimiter, or not this table?)")], []
    try:
        # header=None: pandas would rename a second "Utfall" to "Utfall.1", hiding the duplicate
        df = pd.read_csv(io.StringIO(text), sep=sep, skiprows=header_idx, header=None, dtype=str,
                         keep_default_na=False, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = header_idx + int(m.group(1)) if m else None
        return None, 0, [Problem(name, row, None, None,
                                 f"the same number of fields on every line as in the header ({str(exc).strip()})")], []
    first_row = header_idx + 2
    header = df.iloc[0].tolist() if len(df) else []
    df = df.iloc[1:].reset_index(drop=True)
    df.columns = header
    return df, first_row, [], _title_rows(lines[:header_idx], sep)


def _title_rows(lines: list[str], sep: str) -> list[list[str]]:
    """The cells of the title lines above a CSV file's header."""
    try:
        return list(csv.reader(lines, delimiter=sep))
    except csv.Error:
        return [[line] for line in lines]


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return path.suffix == ".gz" or fh.read(2) == _GZIP_MAGIC


def _head_text(path: Path) -> tuple[str, str] | None:
    """The first lines of a CSV file and its encoding, or None when they cannot be decoded."""
    try:
        with (gzip.open if _is_gzip(path) else open)(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (EOFError, OSError, zlib.error):
        return None
    if len(head) == _HEAD_BYTES:  # do not cut a character in two
        head = head[: head.rfind(b"\n") + 1]
    text, encoding = _decode(head)
    return (text, encoding) if text is not None else None


def _header_and_delimiter(lines: list[str], spec: Table) -> tuple[int, int, str]:
    """Index of the header line, how many columns it matched and the delimiter."""
    lookup = _lookup(spec)
    best = (-1, 0, ";")
    for sep in (";", ",", "\t"):
        try:
            rows = list(csv.reader(lines, delimiter=sep))
        except csv.Error:  # a field longer than the csv module reads, or a stray newline
            continue
        i, n = _find_header(rows, lookup, spec.wide)
        if n > best[1]:
            best = (i, n, sep)
    return best


def _memory_pool():
    """Arrow's jemalloc pool where the build has it: reading the scale-10 exports it spent
    less time in the kernel than the default (mimalloc) pool on the benchmark machine."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.default_memory_pool()


class _Bounded(io.RawIOBase):
    """A stream that fails once more than ``bound`` bytes were read from it."""

    def __init__(self, inner, bound: int):
        self.inner, self.bound, self.n = inner, bound, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size if size is not None and size >= 0 else self.bound + 1 - self.n)
        self.n += len(data)
        if self.n > self.bound:
            raise OSError(f"inflates to more than {self.bound} bytes")
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def _arrow_csv(path: Path, spec: Table) -> tuple[list, list[str], int, str, list] | None:
    """Read a well-formed CSV export with Arrow's multithreaded reader.

    Returns the cells of every column as Arrow string arrays, the header, the
    first data row's number, the encoding read and the title lines' cells; None when the file is not strictly
    rectangular text in one encoding (blank lines, ragged rows, damage), which the
    tolerant reader then handles and reports with row numbers.
    """
    import pyarrow as pa
    import pyarrow.csv as pv

    head = _head_text(path)
    if head is None:
        return None
    text, encoding = head
    lines = text.lstrip("\ufeff").splitlines()[:_HEADER_SCAN_LINES]
    header_idx, matched, sep = _header_and_delimiter(lines, spec)
    if matched < 2:
        return None
    header = next(csv.reader([lines[header_idx]], delimiter=sep))
    names = [f"c{i}" for i in range(len(header))]
    bound = limits.current().file_bytes
    gz = _is_gzip(path)
    if len(header) > limits.current().columns or (not gz and path.stat().st_size > bound):
        return None  # the tolerant reader names the bound
    for enc in dict.fromkeys((encoding, "cp1252")):
        source = pa.input_stream(str(path), compression="gzip" if gz else None)
        if gz:  # a gzip file's inflated size is known only by inflating it: stop at the bound
            source = pa.PythonFile(_Bounded(source, bound), mode="r")
        try:
            table = pv.read_csv(
                source,
                read_options=pv.ReadOptions(skip_rows=header_idx + 1, column_names=names,
                                            block_size=_BLOCK_BYTES,
                                            encoding="utf8" if enc == "utf-8-sig" else enc),
                parse_options=pv.ParseOptions(delimiter=sep, ignore_empty_lines=False),
                convert_options=pv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                                  strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False),
                memory_pool=_memory_pool())
        except (pa.ArrowInvalid, OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
            if "UTF8" in str(exc) and enc != "cp1252":
                continue  # the head was plain text but the rest is Windows-1252
            return None
        finally:
            source.close()
        return [table.column(n) for n in names], header, header_idx + 2, enc, _title_rows(lines[:header_idx], sep)
    return None


#: A sheet's row and cell tags, in order: calamine places a cell by its ``r`` attribute,
#: or else by counting (its row's ``r``, or one after the last row; one after the last
#: cell), and a self-closing ``<c/>`` (a formatted empty cell) is not read at all.
_SHEET_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>|</(?:\w+:)?row>|<(?:\w+:)?c\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"\sr=\"([A-Z]{0,3})([0-9]{1,7})\"")
_SST_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\s(?:uniqueCount|count)=\"([0-9]+)\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _cell_name(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _check_workbook(path: Path, name: str) -> Problem | None:
    """A problem when a workbook is larger than the package reads, found from its zip
    directory and by streaming its sheets and shared strings, before the workbook reader
    (calamine) allocates anything: it makes a dense grid of every sheet's cells from the
    first cell to the last, and reserves room for as many shared strings as the workbook
    declares, so a 17 KB file with one cell at XFD1048576, or one whose shared strings
    inflate to 2 GiB, would abort the process. None when the workbook is within bounds
    (or is no zip at all: the reader then says it cannot read it)."""
    import zipfile

    bound = limits.current()
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    per_part = (f"a workbook whose parts are at most {limits.size(bound.file_bytes)} each uncompressed "
                "(REGIONANALYTICS_MAX_FILE_BYTES); its part ")
    with book:
        parts = book.infolist()
        for part in parts:
            if part.file_size > bound.file_bytes:
                return Problem(name, None, None, None, per_part + f"{_cut(part.filename)} declares "
                               f"{limits.size(part.file_size)}")
        try:
            for part in parts:
                lower = part.filename.lower()
                if lower.endswith("sharedstrings.xml"):
                    counts = [int(m.group(1)) for text in _inflated(book, part, bound.file_bytes)
                              for m in _SST_COUNT.finditer(text)]
                    if counts and max(counts) > bound.sheet_cells:
                        return Problem(name, None, None, None,
                                       f"a workbook of at most {bound.sheet_cells} shared strings "
                                       f"(REGIONANALYTICS_MAX_SHEET_CELLS); it declares {max(counts)}")
                elif lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                    box = _sheet_span(_inflated(book, part, bound.file_bytes), bound.sheet_cells)
                    if box is not None:
                        first, last, span = box
                        return Problem(name, None, None, None,
                                       f"a sheet of at most {bound.sheet_cells} cells, rows × columns "
                                       f"(REGIONANALYTICS_MAX_SHEET_CELLS); {_cut(part.filename)} spans "
                                       f"{first}:{last}, {span} cells")
        except _TooLarge as exc:
            return Problem(name, None, None, None, per_part + f"{_cut(str(exc))} inflates to more")
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError):
            return None  # the workbook reader reports a damaged workbook
    return None


def _sheet_span(blocks, bound: int) -> tuple[str, str, int] | None:
    """The first and last cell and the cells between (rows × columns) of a sheet whose
    cells with a value span more than ``bound`` cells, placed as calamine places them;
    None within the bound. Stops as soon as the span is past the bound."""
    row = col = 1
    top = bottom = left = right = None
    for text in blocks:
        for m in _SHEET_TAG.finditer(text):
            if m.group(3) is None:  # a row
                if m.group(1) is None:  # </row>
                    row, col = row + 1, 1
                elif not m.group(2) and (r := _R_ATTR.search(m.group(1))):
                    row = int(r.group(2))
                continue
            if m.group(4):  # <c .../>: no value, not read
                continue
            r = _R_ATTR.search(m.group(3))
            if r and r.group(1):
                at_row, col = int(r.group(2)), _column_number(r.group(1))
            else:
                at_row = row
            if top is None:
                top = bottom = at_row
                left = right = col
            else:
                top, bottom, left, right = min(top, at_row), max(bottom, at_row), min(left, col), max(right, col)
            span = (bottom - top + 1) * (right - left + 1)
            if span > bound:
                return _cell_name(left, top), _cell_name(right, bottom), span
            col += 1
    return None


class _TooLarge(Exception):
    pass


def _inflated(book, part, bound: int):
    """One zip part's bytes in blocks that end before a tag (so no tag is cut in two),
    never more than ``bound`` of them whatever the zip directory declares."""
    n, tail = 0, b""
    with book.open(part) as fh:
        while block := fh.read(1 << 22):
            n += len(block)
            if n > bound:
                raise _TooLarge(part.filename)
            text = tail + block
            cut = text.rfind(b"<")
            cut = cut if cut > len(text) - 4096 else len(text)
            yield text[:cut]
            tail = text[cut:]
    yield tail


def _check_parquet(path: Path, name: str) -> Problem | None:
    """A problem when a parquet file (or folder) declares more uncompressed data, or more
    columns, than the bounds; None within them or when the footer cannot be read (the
    reader then says so)."""
    import pyarrow.parquet as pq

    bound = limits.current()
    files = sorted(p for p in path.rglob("*.parquet") if p.is_file()) if path.is_dir() else [path]
    total = 0
    for file in files:
        try:
            meta = pq.ParquetFile(file).metadata
        except Exception:  # noqa: BLE001 - a damaged file fails in many ways; read_parquet reports it
            return None
        if meta.num_columns > bound.columns:
            return Problem(name, None, None, None, f"a table of at most {bound.columns} columns; "
                           f"{_cut(file.name)} has {meta.num_columns} (REGIONANALYTICS_MAX_COLUMNS)")
        total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if total > bound.file_bytes:
            return Problem(name, None, None, None, _too_large(total, bound, inflated=True))
    return None


def _excel_frame(path: Path, spec: Table, name: str) -> tuple[pd.DataFrame | None, int, list[Problem], list]:
    lookup = _lookup(spec)
    too_large = _check_workbook(path, name)
    if too_large is not None:
        return None, 0, [too_large], []
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails in many ways
        return None, 0, [Problem(name, None, None, None, f"a readable .xlsx workbook ({exc})")], []
    best = (None, -1, 0)
    for sheet, frame in sheets.items():
        rows = frame.head(_HEADER_SCAN_LINES).astype(str).values.tolist()
        i, n = _find_header(rows, lookup, spec.wide)
        if n > best[2]:
            best = (sheet, i, n)
    sheet, header_idx, matched = best
    if matched < 2:
        return None, 0, [Problem(name, None, None, None,
                                 _expected_header(spec) + " on one of the workbook's sheets")], []
    frame = sheets[sheet]
    title = [[_excel_cell(v) for v in row] for row in frame.iloc[:header_idx].itertuples(index=False)]
    # a month header may be a date or a number (202101) in the sheet
    header = [_excel_cell(c) if c is None or isinstance(c, (datetime, date, pd.Timestamp, float)) else str(c)
              for c in frame.iloc[header_idx].tolist()]
    body = frame.iloc[header_idx + 1:].reset_index(drop=True)
    body.columns = header
    body = body.apply(lambda col: col.map(_excel_cell))
    return body, header_idx + 2, [], title


def _excel_cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expected_header(spec: Table) -> str:
    return "a header row with the columns " + ", ".join(spec.column_names)


# --------------------------------------------------------------------------- parsing cells

_MINUS = "[\u2212\u2013]"
_SPACES = "[\\s\u00a0\u202f\u2009']"
_PLAIN_NUMBER = r"^-?\d+(?:[.,]\d+)?$"
#: A whole number with one thousands mark, the column's other mark being its decimal one.
_GROUPED_DOT = r"^-?\d{1,3}\.\d{3}$"
_GROUPED_COMMA = r"^-?\d{1,3},\d{3}$"
_MONTH = r"^(\d{4})-?(\d{1,2})(?:-\d{1,2})?(?:[ T]00:00(?::00)?)?$"
_DATE = r"^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]00:00(?::00)?)?$"
_TRUE = {"ja", "j", "true", "sant", "1", "yes", "x"}
_FALSE = {"nej", "n", "false", "falskt", "0", "no"}


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings ('' for empty), keeping pandas' fast string dtype."""
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values.fillna("").str.strip()
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def parse_number(values: pd.Series) -> pd.Series:
    """Numbers as Swedish exports write them; unreadable cells become NaN.

    >>> parse_number(pd.Series(["1 234,5", "−7", "12\u00a0345,6", "3.5", "1.234,5", ""])).tolist()
    [1234.5, -7.0, 12345.6, 3.5, 1234.5, nan]

    A negative number in parentheses (Excel's accounting formats, ``(1 234)``) or with
    its minus after it (SAP and Agresso, ``1 234,50-``) is negative. A column's decimal
    mark is decided once for the column where some cell holds both marks (the last one
    in it is the decimal mark): a cell with only the other mark in groups of three is
    then a whole number, so ``1.234`` beside ``1.234,50`` is 1 234, not 1,234.

    >>> parse_number(pd.Series(["(1 234)", "1 234,50-", "1.234", "1.234,50"])).tolist()
    [-1234.0, -1234.5, 1234.0, 1234.5]
    >>> parse_number(pd.Series(["1,234", "1,234.50", "0,5"])).tolist()
    [1234.0, 1234.5, 0.5]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    s = _as_text(values)
    # the common case, "1234,5" or "1234.5", in one vectorised pass (Arrow's cast)
    plain = s.str.match(_PLAIN_NUMBER)
    out = _to_float(s.where(plain, "nan").str.replace(",", ".", regex=False))
    rest = ~plain & (s != "")
    if rest.any():
        r = s[rest].str.replace(_SPACES, "", regex=True).str.replace(_MINUS, "-", regex=True)
        # (1234) and 1234- are negative: accounting formats and ledgers that sign after
        negative = r.str.match(r"^\(-?[\d.,]+\)$") | r.str.match(r"^[\d.,]+-$")
        r = r.where(~negative, "-" + r.str.strip("()-"))
        last_comma, last_dot = r.str.rfind(","), r.str.rfind(".")
        comma_decimal = last_comma > last_dot
        both = (last_comma >= 0) & (last_dot >= 0)
        r = r.where(~comma_decimal, r.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        r = r.where(comma_decimal, r.str.replace(",", "", regex=False))
        out[rest] = pd.to_numeric(r.where(r != "", None), errors="coerce").astype("float64")
        if both.any():
            marks = set(comma_decimal[both].tolist())
            if len(marks) == 1:  # the column's decimal mark: "," (True) or "."
                grouped = _GROUPED_DOT if marks.pop() else _GROUPED_COMMA
                whole = plain & s.str.match(grouped)
                if whole.any():
                    out[whole] = _to_float(s[whole].str.replace(r"[.,]", "", regex=True))
    return out


def _to_float(text: pd.Series) -> pd.Series:
    """Cast well-formed number strings to float64 (Arrow's C cast where available)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pd.Series(pc.cast(pa.array(text.array, type=pa.string()), pa.float64()).to_numpy(
            zero_copy_only=False), index=text.index, dtype="float64")
    except Exception:  # noqa: BLE001 - no Arrow or an odd cell: the plain route
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _parse_month(text: pd.Series) -> pd.Series:
    plain = text.str.match(r"^\d{4}-(0[1-9]|1[0-2])$")
    out = text.where(plain, None).astype(object)
    rest = ~plain & (text != "")
    if rest.any():
        parts = text[rest].str.extract(_MONTH)
        year, month = pd.to_numeric(parts[0]), pd.to_numeric(parts[1])
        ok = year.notna() & month.between(1, 12)
        fixed = year.astype("Int64").astype(str) + "-" + month.astype("Int64").astype(str).str.zfill(2)
        out[rest] = fixed.where(ok, None).astype(object)
        # a month written as a budget system's or Excel's month header writes it ("jan-21",
        # "januari 2021", "2021 P01"): read as layout reads a wide budget's headers, when
        # the cell names its year
        named = rest & out.isna()
        if named.any():
            by_text = {}
            for value in text[named].unique():
                found = layout.month_of_header(str(value))
                by_text[value] = (f"{found[0]:04d}-{found[1]:02d}" if found and found[0] is not None
                                  and 1 <= found[1] <= 12 else None)
            out[named] = text[named].map(by_text).astype(object)
    return out


def _parse_date(text: pd.Series) -> pd.Series:
    plain = text.str.match(r"^\d{4}-\d{2}-\d{2}$")
    out = pd.to_datetime(text.where(plain, None), format="%Y-%m-%d", errors="coerce")
    rest = ~plain & (text != "")
    if rest.any():
        parts = text[rest].str.extract(_DATE)
        joined = parts[0] + "-" + parts[1] + "-" + parts[2]
        out[rest] = pd.to_datetime(joined, format="%Y-%m-%d", errors="coerce")
    return out


_PERCENT_SIGN = r"\s*%\s*$"


def _parse_column(raw: pd.Series, col: Column) -> tuple[pd.Series, pd.Series]:
    """Typed values and a mask of cells that were present but unreadable."""
    typed = pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw)
    if col.kind == "number" and col.share and not typed:
        raw = _as_text(raw).str.replace(_PERCENT_SIGN, "", regex=True)
    if col.kind == "number":
        parsed = parse_number(raw)
        blank = raw.isna() if typed else _as_text(raw) == ""
        return parsed, ~blank & parsed.isna()
    if col.kind == "date" and pd.api.types.is_datetime64_any_dtype(raw):
        return raw, pd.Series(False, index=raw.index)
    text = _as_text(raw.astype(str).where(raw.notna(), "")) if typed else _as_text(raw)
    blank = text == ""
    if col.kind == "month":
        parsed = _parse_month(text)
    elif col.kind == "date":
        parsed = _parse_date(text)
    elif col.kind == "bool":
        low = text.str.lower()
        parsed = pd.Series(np.where(low.isin(_TRUE), True, np.where(low.isin(_FALSE), False, None)),
                           index=raw.index, dtype=object)
    elif col.kind == "category":
        mapping = {a.casefold(): v for a, v in col.value_aliases.items()}
        mapping.update({v.casefold(): v for v in col.allowed})
        parsed = text.str.lower().map(mapping).astype(object)
    else:  # text: collapse runs of white space (exports pad names)
        needs = (text.str.contains("  ", regex=False) | text.str.contains("\u00a0", regex=False)
                 | text.str.contains("\t", regex=False))
        cleaned = text.copy()
        if needs.any():
            cleaned[needs] = text[needs].str.replace(r"\s+", " ", regex=True)
        # one text in one form (NFC): "Å" as one character or as A + ring is one name
        cleaned = cleaned.str.normalize("NFC")
        parsed = cleaned.astype(object).where(~blank, None)
    bad = ~blank & pd.Series(parsed, index=raw.index).isna()
    return parsed, bad


# --------------------------------------------------------------------------- public

class RawTable(NamedTuple):
    """What :func:`read_raw` found in one file."""

    frame: pd.DataFrame | None
    problems: list[Problem]
    #: True where a cell was present but could not be read (already reported).
    unreadable: pd.DataFrame | None = None
    #: What reading did that a user should know (ids pseudonymised, percent read as shares).
    notes: list[str] = []


def _distinct(values) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values of one column (Arrow array or pandas Series).

    Code ``-1`` marks an absent cell. Exports repeat the same few values (months,
    units, employment forms, hours) millions of times: each distinct value is
    parsed once and the rows take their parsed value by code.
    """
    if isinstance(values, pd.Series):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, pd.Series(uniques, dtype=values.dtype if values.dtype != object else object)
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int64), pd.Series([], dtype="str")
    dictionary = chunks[0].dictionary
    if any(not c.dictionary.equals(dictionary) for c in chunks[1:]):
        encoded = pc.dictionary_encode(values.combine_chunks())
        chunks, dictionary = [encoded], encoded.dictionary
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    return codes, pd.Series(dictionary, dtype="str")


def _by_code(values: np.ndarray, codes: np.ndarray, absent) -> np.ndarray:
    """``values[codes]`` with ``absent`` where the code is -1."""
    full = np.append(values, np.array([absent], dtype=values.dtype))
    return full[codes]


class _Column(NamedTuple):
    """One contract column as read: header label, cells, distinct values and their parse."""

    label: str
    values: object  # every cell as read: an Arrow array or a pandas Series
    codes: np.ndarray  # per row, into ``uniques``; -1 for an absent cell
    uniques: pd.Series
    parsed: pd.Series  # ``uniques`` parsed
    bad: np.ndarray  # per distinct value: present but unreadable
    keep: np.ndarray | None = None  # rows that are not blank lines (None: all rows)

    def without_blank_rows(self, keep: np.ndarray) -> "_Column":
        return self if keep.all() else self._replace(codes=self.codes[keep], keep=keep)

    def typed(self, col: Column) -> pd.Series:
        """The parsed distinct values spread back over the rows."""
        parsed, codes = self.parsed, self.codes
        if col.kind == "number":
            return pd.Series(_by_code(parsed.to_numpy("float64"), codes, np.nan), dtype="float64")
        if col.kind == "date":
            return pd.Series(_by_code(pd.to_datetime(parsed).to_numpy("datetime64[ns]"), codes,
                                      np.datetime64("NaT")))
        if col.kind == "bool":
            return pd.Series(_by_code(parsed.to_numpy(object), codes, None), dtype=object)
        if self._unchanged():  # every cell already as the contract writes it: keep the column
            column = pd.Series(self.values, dtype="str").reset_index(drop=True)
            return column if self.keep is None else column[self.keep].reset_index(drop=True)
        import pyarrow as pa
        import pyarrow.compute as pc

        dictionary = pa.array(parsed.astype(object).where(parsed.notna(), None).tolist() + [None],
                              type=pa.string())
        taken = pc.take(dictionary, pa.array(np.where(codes < 0, len(parsed), codes)))
        return pd.Series(taken, dtype="str")

    def _unchanged(self) -> bool:
        """Whether parsing changed no cell (so the column as read is the column)."""
        return (not (self.codes < 0).any() and bool(self.parsed.notna().all())
                and bool((self.parsed.astype(object).to_numpy()
                          == self.uniques.astype(object).to_numpy()).all()))

    def unreadable(self) -> np.ndarray:
        return _by_code(self.bad, self.codes, False) if self.bad.any() else np.zeros(len(self.codes), bool)

    def cells_as_read(self) -> pd.Series:
        return pd.Series(_by_code(self.uniques.to_numpy(object), self.codes, ""))


class _PersonColumn(_Column):
    """A person_id column of personnummer (or a column derived from one): the values by
    code come from ``parsed``, never from the cells as read."""

    def _unchanged(self) -> bool:
        return False


def read_raw(path: str | Path, table: str, sie_dimension: str | None = None) -> RawTable:
    """Read one file into typed columns plus the internal row-number column.

    Returns the frame (``None`` when the file cannot be read at all), every
    problem found while reading and parsing, and the mask of unreadable cells. Table-level checks (ranges,
    duplicates, gaps) are in :mod:`regionanalytics.validation`. A SIE file gives the
    finance and the balance table; ``sie_dimension`` is the object dimension of its
    kostnadsställen (1 when None).
    """
    path = Path(path)
    spec = TABLES[table]
    name = path.name
    if table in SIE_TABLES and path.suffix.lower() in SIE_SUFFIXES:
        return _sie_table(path, spec, sie_dimension)
    if table == "absence" and path.suffix.lower() in PAXML_SUFFIXES:
        return _paxml_table(path, spec)
    problems: list[Problem] = []
    fast = None if path.is_dir() or path.suffix in (".parquet", ".xlsx") else _arrow_csv(path, spec)
    encoding = None  # of a CSV file: "utf-8-sig" or "cp1252"
    title: list[list[str]] = []  # the cells of the title lines above the header
    if fast is not None:
        cells, header, first_row, encoding, title = fast
    else:
        if path.is_dir() or path.suffix == ".parquet":
            too_large = _check_parquet(path, name)
            if too_large is not None:
                return RawTable(None, [too_large])
            frame, first_row = pd.read_parquet(path), 2
        elif path.suffix == ".xlsx":
            frame, first_row, problems, title = _excel_frame(path, spec, name)
        else:
            data, err = _read_bytes(path)
            if err:
                return RawTable(None, [Problem(name, getattr(err, "row", None), None, None, str(err))])
            text, encoding = _decode(data)
            if text is None:
                return RawTable(None, [Problem(name, None, None, None, encoding)])
            if not text.strip():
                return RawTable(None, [Problem(name, None, None, None, _expected_header(spec) +
                                               "; the file is empty")])
            frame, first_row, problems, title = _csv_frame(text, spec, name)
        if frame is None:
            return RawTable(None, problems)
        header = [str(c) for c in frame.columns]
        cells = [frame.iloc[:, i] for i in range(frame.shape[1])]

    bound = limits.current()
    if len(header) > bound.columns:
        return RawTable(None, [Problem(name, first_row - 1, None, None,
                                       f"a header of at most {bound.columns} columns; it has {len(header)} "
                                       "(REGIONANALYTICS_MAX_COLUMNS sets the bound)")])
    lookup = _lookup(spec)
    notes: list[str] = []
    row_numbers = None  # of a wide file's long rows: the file's row of each
    if spec.wide and header:
        norms = [_norm_header(h) for h in header]
        long = layout.wide_to_long(header, norms, [lookup.get(n) for n in norms], cells, first_row, title,
                                   name, parse_number)
        if long is not None:
            if long.problems:
                return RawTable(None, problems + long.problems, None, long.notes)
            header, cells, row_numbers, notes = long.header, long.cells, long.rows, list(long.notes)
    stated, unit_problems = layout.stated_unit(title, name)
    problems += unit_problems
    # the contract's columns, under whichever accepted header the file uses; two headers
    # for one column (Utfall twice, or Utfall and actual) are an error, never a choice
    found: dict[str, tuple[str, object]] = {}
    position: dict[str, int] = {}
    for i, (label, values) in enumerate(zip(header, cells)):
        canonical = lookup.get(_norm_header(label))
        if canonical and canonical in found and _is_name(found[canonical][0]) != _is_name(label):
            # "Konto" and "Kontonamn": an account's number and its name, as ledgers and budget
            # systems export them side by side: the number is the account
            if _is_name(found[canonical][0]):
                found[canonical], position[canonical] = (label, values), i
        elif canonical and canonical in found:
            first = found[canonical][0]
            problems.append(Problem(name, first_row - 1, canonical, None,
                                    f"one column for {canonical}; the header has it twice: "
                                    f"'{_cut(first)}' (column {position[canonical] + 1}) and "
                                    f"'{_cut(label)}' (column {i + 1})"))
        elif canonical:
            found[canonical] = (label, values)
            position[canonical] = i
    n_rows = len(cells[0]) if cells else 0
    person_ids, from_pnr = (_personnummer_column(found, name, notes) if "person_id" in found
                            else (None, {}))
    derived = {c.name for c in spec.columns if c.from_personnummer and c.name not in found
               and person_ids is not None}
    for col in spec.columns:
        if col.name not in found and col.in_header and col.name not in derived:
            aliases = ", ".join(col.aliases) if col.aliases else "none"
            if spec.wide and col.name == "month":
                aliases += f"; or one column per month: {layout.MONTHS_WRITTEN}"
            problems.append(Problem(name, first_row - 1, col.name, None,
                                    f"a column '{col.name}' (also accepted: {aliases}); "
                                    f"the header has {_cut(', '.join(map(str, header)), 300)}"))

    columns, blank_rows = {}, np.ones(n_rows, dtype=bool)
    misfits: dict[str, tuple[np.ndarray, str]] = {}  # share columns that mix shares and percent
    for col in spec.columns:
        if col.name not in found:
            continue
        label, values = found[col.name]
        if col.name == "person_id" and person_ids is not None:
            column = person_ids  # blanks show as "" among its shown values
        else:
            codes, uniques = _distinct(values)
            parsed, bad = _parse_column(uniques, col)
            if col.share:
                parsed, misfit, expected = _as_share(parsed, uniques, codes, label, name, notes)
                if misfit is not None:
                    misfits[col.name] = (misfit & ~bad.to_numpy(bool), expected)
            column = _Column(label, values, codes, uniques, parsed, bad.to_numpy(bool))
        blank = _blank(column.uniques).to_numpy(bool)
        if blank.any() or (column.codes < 0).any():
            blank_rows &= _by_code(blank, column.codes, True)
        else:
            blank_rows[:] = False
        columns[col.name] = column
    for col_name in derived:
        # a bad number is reported once, on the person_id column
        columns[col_name] = person_ids._replace(label="person_id", parsed=from_pnr[col_name])
    if not found:
        blank_rows[:] = False
    keep = ~blank_rows  # blank lines (e.g. a trailing empty line) are not data
    rows = (np.arange(first_row, first_row + n_rows) if row_numbers is None else row_numbers)[keep]
    if not keep.any():
        problems.append(Problem(name, None, None, None, "at least one data row below the header"))

    out = {ROW: rows}
    unreadable = {}
    mixed_encoding: list[Problem] = []  # reported once per file, at its first row
    for col in spec.columns:
        if col.name not in columns:
            out[col.name] = (pd.Series(np.nan, index=range(len(rows)), dtype="float64")
                             if col.kind == "number" else pd.Series([None] * len(rows), dtype=object))
            continue
        column = columns[col.name].without_blank_rows(keep)
        out[col.name] = column.typed(col)
        if col.amount:
            factor, unit = amount_unit(column.label)
            said = ""
            if stated is not None and unit is not None and factor != stated.factor:
                problems.append(Problem(name, first_row - 1, column.label, column.label,
                                        f"the unit the title states ('{stated.text}', line {stated.line}: "
                                        f"{stated.word}), or no unit in the header; the header says {unit}: "
                                        "correct the title or the header, whichever is wrong"))
            elif stated is not None and unit is None:
                factor, unit = stated.factor, stated.word
                said = f" (by the title line {stated.line}, '{stated.text}')"
            if factor != 1.0:
                out[col.name] = out[col.name] * factor
                notes.append(f"{name}: column '{column.label}' is in {unit}{said}; read as tkr "
                             f"(× {factor:g})")
        unreadable[col.name] = column.unreadable()
        if not isinstance(column, _PersonColumn):
            problems += _long_cells(name, column, rows, bound.cell_chars)
        if encoding is not None and col.kind == "text" and not mixed_encoding \
                and not isinstance(column, _PersonColumn):
            mixed_encoding = _utf8_read_as_cp1252(path, name, column, rows, encoding)
            problems += mixed_encoding
        if unreadable[col.name].any() and col.name not in derived:
            expected = col.expected
            if isinstance(column, _PersonColumn):
                from .personnummer import EXPECTED as expected
            problems += cell_problems(name, pd.Series(rows), column.cells_as_read(),
                                      unreadable[col.name], column.label, expected)
        if col.name in misfits:
            misfit, expected = misfits[col.name]
            mask = _by_code(misfit, column.codes, False)
            problems += cell_problems(name, pd.Series(rows), column.cells_as_read(), mask,
                                      column.label, expected)
            unreadable[col.name] = unreadable[col.name] | mask  # not checked again for its range
    frame = pd.DataFrame(out, copy=False)
    return RawTable(frame, problems, pd.DataFrame(unreadable, index=frame.index), notes)


_SIE_LOCK = threading.Lock()
_SIE_LAST: dict = {}


def _ledger(path: Path, dimension: str | None):
    """The SIE file read once for both its tables (the finance and the balance table
    are read side by side: the second waits for the first's reading)."""
    from . import sie

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, dimension or sie.DIMENSION)
    with _SIE_LOCK:
        if _SIE_LAST.get("key") != key:
            _SIE_LAST.clear()
            _SIE_LAST.update(key=key, ledger=sie.read_ledger(path, dimension or sie.DIMENSION), taken=set())
        return _SIE_LAST["ledger"]


def _taken(table: str) -> None:
    """Forget the kept SIE file once both its tables have been taken (it holds every row)."""
    with _SIE_LOCK:
        if "taken" in _SIE_LAST:
            _SIE_LAST["taken"].add(table)
            if _SIE_LAST["taken"] >= set(SIE_TABLES):
                _SIE_LAST.clear()


def _sie_table(path: Path, spec: Table, dimension: str | None) -> RawTable:
    """The finance or the balance table of a SIE file (see :mod:`regionanalytics.sie`).
    The file's problems and notes come with its finance table."""
    ledger = _ledger(path, dimension)
    _taken(spec.name)
    frame = ledger.finance if spec.name == "finance" else ledger.balance
    problems, notes = (ledger.problems, ledger.notes) if spec.name == "finance" else ([], [])
    if frame is None or ledger.problems:
        return RawTable(None, list(problems), None, list(notes))
    out = {ROW: frame["_row"].to_numpy()}
    for col in spec.columns:
        out[col.name] = frame[col.name] if col.name in frame else pd.Series([None] * len(frame), dtype=object)
    return RawTable(pd.DataFrame(out), list(problems), None, list(notes))


def _paxml_table(path: Path, spec: Table) -> RawTable:
    """The absence table from a PAXml 2.0 file (see :mod:`regionanalytics.paxml`)."""
    from . import paxml

    frame, problems, notes = paxml.read_absence(path)
    if frame is None:
        return RawTable(None, problems, None, notes)
    return RawTable(frame[[ROW] + spec.column_names].reset_index(drop=True), problems, None, notes)


def _as_share(parsed: pd.Series, uniques: pd.Series, codes: np.ndarray, label: str, name: str,
              notes: list[str]) -> tuple[pd.Series, np.ndarray | None, str]:
    """A share column as shares of 1, decided for the whole column (never per cell).

    A value with a % sign, or above 1, is in percent; a value between 0 and 1, or
    exactly 1 without a sign, is a share (``1`` is 100 % as a share but 1 % in
    percent, and 1 % is no typical rate or extent); 0 is either. A column with only
    shares is read as shares; one with only percent (and 0) is divided by 100. A
    column with both is an error: the rows of the kind fewer rows have do not fit
    (on a tie, the percent rows). Returns the values, a mask of the distinct values
    that do not fit (None when all do) and what was expected of them.

    >>> v = pd.Series(["0,5", "1", "100"]); p = pd.Series([0.5, 1.0, 100.0])
    >>> out, misfit, expected = _as_share(p, v, np.array([0, 1, 1, 2]), "extent", "a.csv", [])
    >>> misfit.tolist(), expected[:24]
    ([False, False, True], 'a share of 1 like the co')
    """
    signed = uniques.astype(str).str.contains(_PERCENT_SIGN, regex=True).to_numpy(bool)
    values = parsed.to_numpy("float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        percent = signed | (values > 1)
        share = ~signed & (values > 0) & (values <= 1)
    if not percent.any():
        return parsed, None, ""
    if not share.any():
        notes.append(f"{name}: column '{label}' is in percent (values above 1 or a % sign); "
                     "read as shares of 1")
        return parsed / 100, None, ""
    rows = np.bincount(codes[codes >= 0], minlength=len(values)) if len(codes) else np.zeros(len(values), int)
    n_percent, n_share = int(rows[percent].sum()), int(rows[share].sum())
    if n_percent <= n_share:
        return parsed, percent, (f"a share of 1 like the column's other {n_share} rows (0,75 for 75 %); "
                                 "this value reads as percent: one column holds shares or percent, never both")
    return parsed / 100, share, (f"a value in percent like the column's other {n_percent} rows (75 or "
                                 "75 % for 75 %; 1 % written with its sign); this value reads as a share "
                                 "of 1: one column holds shares or percent, never both")


def _personnummer_column(found: dict, name: str, notes: list[str]) -> tuple["_Column | None", dict]:
    """The person_id column with personnummer replaced by pseudonyms, and the birth year
    and gender derived from each number (per distinct id); ``(None, {})`` when the ids
    are not personnummer."""
    from . import personnummer

    label, values = found["person_id"]
    codes, uniques = _distinct(values)
    text = _as_text(uniques)
    parsed = personnummer.parse(text, lambda: _latest_year(found))  # one pass over the distinct ids
    if not personnummer.is_personnummer_column(parsed):
        return None, {}
    blank = text == ""
    pseudonyms = personnummer.pseudonymise(parsed["canonical"].where(parsed["valid"], None))
    # the column as read is never kept: the shown value of a bad cell is a placeholder
    shown = pd.Series(np.where(blank, "", personnummer.HIDDEN), dtype=object)
    bad = (~parsed["valid"] & ~blank).to_numpy(bool)
    notes.append(f"{name}: person ids are personnummer; replaced by keyed pseudonyms "
                 f"({int(parsed['valid'].sum())} persons) before anything was stored")
    column = _PersonColumn(label, None, codes, shown, pseudonyms.astype(object), bad)
    return column, {"birth_year": pd.to_numeric(parsed["birth_year"], errors="coerce").astype("float64"),
                    "gender": parsed["gender"].astype(object)}


def _latest_year(found: dict) -> int:
    """The latest year in the file's month or start column (the reference for
    ten-digit personnummer); this year when there is none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in ("month", "start"):
        if column in found:
            _, values = found[column]
            if not isinstance(values, (pa.Array, pa.ChunkedArray)):
                values = pa.array(pd.Series(values).astype(str).to_numpy(object), type=pa.string())
            # the few distinct months, not the million cells
            years = pc.utf8_slice_codeunits(pc.unique(pc.cast(values, pa.string())), 0, 4)
            numeric = pc.filter(years, pc.match_substring_regex(years, r"^\d{4}$"))
            if len(numeric):
                return int(pc.max(pc.cast(numeric, pa.int32())).as_py())
    return date.today().year


def _blank(values: pd.Series) -> pd.Series:
    """True for absent cells and cells of only white space."""
    return values.isna() | values.astype(str).str.strip().eq("")


def cell_problems(name: str, rows: pd.Series, values: pd.Series, mask: pd.Series,
                  column: str, expected: str) -> list[Problem]:
    """One problem per flagged cell (the first few), then a count of the rest."""
    mask = pd.Series(mask, index=values.index).fillna(False).astype(bool)
    if not mask.any():
        return []
    idx = mask[mask].index
    problems = [Problem(name, int(rows.loc[i]), column, _shown(values.loc[i]), expected)
                for i in idx[:MAX_PER_COLUMN]]
    if len(idx) > MAX_PER_COLUMN:
        problems.append(Problem(name, None, column, None,
                                f"{expected} (and {len(idx) - MAX_PER_COLUMN} more rows like these)"))
    return problems


def _is_name(label) -> bool:
    """Whether a header names a thing's name beside its code (``Kontonamn``, ``Divisionsnamn``).

    >>> _is_name("Kontonamn"), _is_name("Konto")
    (True, False)
    """
    return _norm_header(label).endswith("namn")


def _cut(text, limit: int = 80) -> str:
    """A cell as an error message shows it: at most ``limit`` characters.

    >>> _cut("x" * 100).endswith("x… (100 chars)"), len(_cut("x" * 100)) < 100
    (True, True)
    """
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text)} chars)"


def _shown(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def empty_table(table: str) -> pd.DataFrame:
    """A table with the contract's columns and no rows."""
    spec = TABLES[table]
    return pd.DataFrame({c.name: pd.Series(dtype="float64" if c.kind == "number" else object)
                         for c in spec.columns})
