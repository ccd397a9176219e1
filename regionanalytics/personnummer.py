"""Swedish personal identity numbers (personnummer) in HR exports, and their pseudonyms.

HR systems often identify employees by personnummer. The package never keeps
one: a column of them is recognised while a file is read, each number is
checked (date and Luhn check digit), the birth year and legal gender are
derived from it, and it is replaced by a keyed pseudonym (HMAC-SHA-256) before
anything is cached, computed or written. Errors name the row, never the number.

The key comes from the environment variable ``REGIONANALYTICS_PSEUDONYM_KEY``
or else from a key file created on first use in the user's configuration
folder (``$XDG_CONFIG_HOME/regionanalytics/pseudonym.key``, by default under
``~/.config``), never in a data or output folder. The same key gives the same
pseudonym for a person in every table and every run; keep it to compare
tertials, and keep it secret (with the key and a list of personnummer, the
pseudonyms can be reversed).

Forms accepted (``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``YYMMDD-NNNN``,
``YYMMDDNNNN``, ``YYMMDD+NNNN`` for persons 100 or older); samordningsnummer
(day + 60) too.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

KEY_ENV = "REGIONANALYTICS_PSEUDONYM_KEY"
#: Pseudonyms start with this, so a reader sees what they are.
PREFIX = "ps-"
#: What an error message shows instead of a personnummer.
HIDDEN = "(personnummer, not shown)"
EXPECTED = ("a valid personnummer (YYYYMMDD-NNNN or YYMMDD-NNNN with a correct check digit); "
            "the number is not shown here")

_SHAPE = re.compile(r"^\s*(\d{2})?(\d{2})(\d{2})(\d{2})\s*([-+]?)\s*(\d{3})(\d)\s*$")


def looks_like(values: pd.Series) -> bool:
    """Whether a column of ids holds personnummer: any value has the shape with a real date.

    >>> looks_like(pd.Series(["19930319-9674", "P0001"]))
    True
    >>> looks_like(pd.Series(["P0001", "1234"]))
    False
    """
    parts = values.dropna().astype(str).str.extract(_SHAPE)
    if parts.empty:
        return False
    month = pd.to_numeric(parts[2], errors="coerce")
    day = pd.to_numeric(parts[3], errors="coerce")
    return bool((month.between(1, 12) & (day.between(1, 31) | day.between(61, 91))).any())


def _luhn(digits10: pd.Series) -> np.ndarray:
    """True where the ten digits YYMMDDNNNC have a correct Luhn check digit."""
    d = np.array([[int(c) for c in s] for s in digits10], dtype=np.int64).reshape(-1, 10)
    weights = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    products = d * weights
    total = (products // 10 + products % 10).sum(axis=1)
    return total % 10 == 0


def parse(values: pd.Series, reference_year: int) -> pd.DataFrame:
    """Check and normalise personnummer.

    Parameters
    ----------
    values : Series of str
        The ids as written.
    reference_year : int
        A year the numbers are read in (the export's year): a ten-digit number
        gets the century that puts the birth at most 100 years before it (``+``:
        100 years or more).

    Returns
    -------
    DataFrame
        ``valid`` (bool), ``canonical`` (``YYYYMMDDNNNN``), ``birth_year`` and
        ``gender`` (``K`` or ``M``, from the second-to-last digit), aligned with
        ``values``.

    Examples
    --------
    >>> parse(pd.Series(["19930319-9674", "930319-9674", "930319-9675"]), 2021)[
    ...     ["valid", "canonical", "birth_year", "gender"]].values.tolist()
    [[True, '199303199674', 1993, 'M'], [True, '199303199674', 1993, 'M'], [False, None, None, None]]
    """
    parts = values.astype(str).str.extract(_SHAPE)
    shaped = parts[1].notna()
    out = pd.DataFrame({"valid": False, "canonical": None, "birth_year": None, "gender": None},
                       index=values.index).astype(object)
    if not shaped.any():
        out["valid"] = out["valid"].astype(bool)
        return out
    p = parts[shaped]
    yy, mm, dd = p[1].astype(int), p[2].astype(int), p[3].astype(int)
    century = pd.to_numeric(p[0], errors="coerce")
    year = century * 100 + yy
    # ten digits: the latest century not after the reference year; "+" one more back
    guess = (reference_year // 100) * 100 + yy
    guess = guess.where(guess <= reference_year, guess - 100)
    guess = guess.where(p[4] != "+", guess - 100)
    year = year.where(century.notna(), guess).astype(int)
    day = dd.where(dd <= 31, dd - 60)  # samordningsnummer: day + 60
    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": mm.clip(1, 12), "day": day.clip(1, 31)}),
                           errors="coerce")
    date_ok = dates.notna() & mm.between(1, 12) & dates.dt.day.eq(day)
    ten = p[1] + p[2] + p[3] + p[5] + p[6]
    ok = date_ok & pd.Series(_luhn(ten), index=p.index)
    canonical = year.astype(str).str.zfill(4) + ten.str[2:]
    out.loc[p.index, "valid"] = ok
    ok_idx = ok[ok].index
    out.loc[ok_idx, "canonical"] = canonical[ok_idx]
    out.loc[ok_idx, "birth_year"] = year[ok_idx]
    out.loc[ok_idx, "gender"] = np.where(p.loc[ok_idx, 5].str[2].astype(int) % 2 == 1, "M", "K")
    out["valid"] = out["valid"].astype(bool)
    return out


def key_file() -> Path:
    """Where the pseudonym key is kept when the environment does not give one."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "regionanalytics" / "pseudonym.key"


def _key() -> bytes:
    given = os.environ.get(KEY_ENV)
    if given:
        return given.encode()
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def pseudonymise(canonical: pd.Series, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms (HMAC-SHA-256, first 16 hex digits) of canonical personnummer.

    ``key`` defaults to the configured key (see the module docstring).

    >>> pseudonymise(pd.Series(["199303199674"]), key=b"k").str.len().tolist()
    [19]
    """
    key = key if key is not None else _key()
    return canonical.map(
        lambda v: None if v is None else PREFIX + hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16])
