"""Read a region's ledger from a SIE file (types 2, 3 and 4), as the file itself says.

The format is SIE's classic file format, "SIE filformat, utgåva 4B" (SIE-gruppen,
2008-09-30; https://sie.se/format/; section numbers below are that text's). How
each record is read:

- ``#FORMAT PC8``: the bytes are code page 437 (5.8). Bytes that are UTF-8 (or
  Windows-1252 letters) whatever the file declares are read as such, with a note;
  without ``#FORMAT`` code page 437 is assumed.
- ``#SIETYP``: type 1 (the year's balances only, no months) is refused.
- ``#RAR årsnr start slut``: the financial years (0 this year, −1 the year before).
  A year must lie within one calendar year in whole months (a region's books follow
  the calendar year); a file without ``#RAR`` is an import file (type 4I) of a
  subsystem, not the books, and is refused.
- ``#PSALDO årsnr period konto {objekt} saldo``: the month's change on the account
  (#PSALDO 1); ``#PBUDGET`` the month's budget. The line without objects is the
  account's total and the object lines its split (#PSALDO 5); where only the
  reading of the object lines as disjoint cells (the line without objects being the
  amount without any, as some programs write) agrees with ``#RES``, that reading.
- ``#VER serie vernr verdatum`` with ``#TRANS konto {objekt} belopp [transdat]``:
  a transaction's month is its own date, else its verification's; a verification
  without a date is an error naming it. ``#RTRANS`` (a row added afterwards) is
  counted through the ``#TRANS`` copy that SIE 4B puts right below it, ``#BTRANS``
  (a row removed) not at all.
- Both ``#PSALDO`` and ``#TRANS``: the period balances are the actuals where they
  agree with ``#RES`` (they cover the year before too), the verifications a check
  month by month and account, with a note on where they differ.
- ``#RES årsnr konto saldo``: each result account's year must equal the lines'
  sum; ``#IB``/``#UB``: each balance account's opening balance plus the year's
  movements must equal its closing balance. A file that disagrees with itself is
  refused, naming the account and both sums.
- ``#KSUMMA``: the CRC-32 checksum of section 10, checked when present.
- The kostnadsställe is the object of dimension 1 ("kostnadsställe /
  resultatenhet", 8.17) unless the organisation table names another; an amount
  without such an object stays in the figures on the unit "Utan kostnadsställe".
  A file with no object of the dimension at all is the unit its ``#FNR`` names.
  Objects of other dimensions do not split or add to anything.

Amounts are kronor with debit positive; the finance table is tkr with revenue
positive (÷ −1000) and holds every account outside 1000–2999; the balance table
(month, account, balance) holds the balance accounts 1000–2999 at each month's
end in tkr, debit positive (÷ 1000).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..exceptions import Problem
from .reader import BALANCE_ACCOUNTS, DIMENSION, Ledger, read_ledger

__all__ = ["BALANCE_ACCOUNTS", "DIMENSION", "Ledger", "company_name", "read_finance", "read_ledger"]


def read_finance(path: str | Path, dimension: str = DIMENSION
                 ) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """The finance rows of a SIE file (``_row`` is a line number), its problems and notes."""
    ledger = read_ledger(path, dimension)
    frame = ledger.finance if not ledger.problems else None
    return frame, ledger.problems, ledger.notes


def company_name(path: str | Path) -> str | None:
    """The name a SIE file's ``#FNAMN`` record gives (the company: for a region, its own
    name), read from the file's head; None without one.

    >>> import tempfile; f = Path(tempfile.mkdtemp()) / "r.se"
    >>> _ = f.write_bytes('#FLAGGA 0\\n#FORMAT PC8\\n#FNAMN "Region Exempellän"\\n'.encode("cp437"))
    >>> company_name(f)
    'Region Exempellän'
    """
    import re

    from .records import encoding, fields

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    codec, _ = encoding(head, Path(path).name)
    match = re.search(r"^[ \t]*#FNAMN[ \t].*$", head.decode("utf-8" if codec == "ascii" else codec, "replace"),
                      re.MULTILINE)
    if not match:
        return None
    parts = fields(match.group(0))
    return parts[1].strip() or None if len(parts) > 1 and isinstance(parts[1], str) else None
