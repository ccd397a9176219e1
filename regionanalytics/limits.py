"""How much of an input file the package reads: bounds against hostile or broken exports.

A region's real exports are far inside every bound (the largest, a payroll
export of 4 million person-months, is about 450 MB of CSV). A file past one is
refused with a message that names the file (and the row or sheet), before it can
exhaust memory: a gzip file that inflates to 10 GB, a header of a million
columns, a line of 200 MB, a workbook whose one cell at XFD1048576 makes a sheet
of 17 billion cells, a workbook part that inflates to 2 GiB.

Each bound can be changed with an environment variable (a number, optionally
with ``K``, ``M`` or ``G`` for 2**10, 2**20, 2**30):

=============================  ==================================  =========
variable                       bound                               default
=============================  ==================================  =========
REGIONANALYTICS_MAX_FILE_BYTES uncompressed bytes of one file, or   1 GiB
                               of one part of a workbook
REGIONANALYTICS_MAX_LINE_BYTES bytes of one line of a CSV file      1 MiB
REGIONANALYTICS_MAX_COLUMNS    columns of a header                  1000
REGIONANALYTICS_MAX_CELL_CHARS characters of one cell               10000
REGIONANALYTICS_MAX_SHEET_CELLS cells a workbook sheet spans        50 M
                               (rows × columns, or shared strings)
=============================  ==================================  =========
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 1 << 30
    line_bytes: int = 1 << 20
    columns: int = 1000
    cell_chars: int = 10_000
    sheet_cells: int = 50 * (1 << 20)


_ENV = {"file_bytes": "REGIONANALYTICS_MAX_FILE_BYTES", "line_bytes": "REGIONANALYTICS_MAX_LINE_BYTES",
        "columns": "REGIONANALYTICS_MAX_COLUMNS", "cell_chars": "REGIONANALYTICS_MAX_CELL_CHARS",
        "sheet_cells": "REGIONANALYTICS_MAX_SHEET_CELLS"}


def _number(text: str, default: int) -> int:
    m = re.fullmatch(r"\s*(\d+)\s*([KMG]?)i?B?\s*", text, flags=re.IGNORECASE)
    return int(m.group(1)) * _UNITS[m.group(2).upper()] if m else default


def current() -> Limits:
    """The bounds in force: the defaults, or the environment's values where it sets them
    (a value that is not a number keeps the default).

    >>> import os; os.environ["REGIONANALYTICS_MAX_COLUMNS"] = "50"
    >>> current().columns, current().line_bytes == 1 << 20
    (50, True)
    >>> del os.environ["REGIONANALYTICS_MAX_COLUMNS"]
    """
    base = Limits()
    given = {field: _number(os.environ[var], getattr(base, field))
             for field, var in _ENV.items() if os.environ.get(var, "").strip()}
    return Limits(**given) if given else base


def size(n: int) -> str:
    """Bytes as a reader says them.

    >>> size(17), size(1536), size(3 << 30)
    ('17 bytes', '1.5 KiB', '3.0 GiB')
    """
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} bytes"
