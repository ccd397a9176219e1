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

import hmac
import os
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

_SHAPE = r"^\s*(?:\d{2})?\d{6}\s*[-+]?\s*\d{4}\s*$"
_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])


def looks_like(values: pd.Series) -> bool:
    """Whether a column of ids holds personnummer: any value has the shape with a real date.

    >>> looks_like(pd.Series(["19930319-9674", "P0001"]))
    True
    >>> looks_like(pd.Series(["P0001", "1234"]))
    False
    """
    text = values.dropna().astype(str)
    shaped = text[text.str.match(_SHAPE)]
    if shaped.empty:
        return False
    digits = shaped.str.replace(r"[\s+-]", "", regex=True).str[-10:]
    month = pd.to_numeric(digits.str[2:4], errors="coerce")
    day = pd.to_numeric(digits.str[4:6], errors="coerce")
    return bool((month.between(1, 12) & (day.between(1, 31) | day.between(61, 91))).any())


def _luhn(digits10: pd.Series) -> np.ndarray:
    """True where the ten digits YYMMDDNNNC have a correct Luhn check digit (vectorised)."""
    if digits10.empty:
        return np.zeros(0, dtype=bool)
    d = np.frombuffer("".join(digits10).encode("ascii"), dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
    products = d * _LUHN_WEIGHTS
    return (products // 10 + products % 10).sum(axis=1) % 10 == 0


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
    text = values.astype(str).reset_index(drop=True)
    out = pd.DataFrame({"valid": False, "canonical": None, "birth_year": None, "gender": None},
                       index=text.index).astype(object)
    shaped = text.str.match(_SHAPE).fillna(False).to_numpy(bool)
    if shaped.any():
        raw = text[shaped]
        plus = raw.str.contains("+", regex=False).to_numpy(bool)
        digits = raw.str.replace(r"[\s+-]", "", regex=True)
        ten = digits.str[-10:]
        yy = pd.to_numeric(ten.str[0:2]).to_numpy()
        mm = pd.to_numeric(ten.str[2:4]).to_numpy()
        dd = pd.to_numeric(ten.str[4:6]).to_numpy()
        century = pd.to_numeric(digits.str[:-10].where(digits.str.len() == 12), errors="coerce").to_numpy()
        # ten digits: the latest century not after the reference year; "+" one more back
        guess = (reference_year // 100) * 100 + yy
        guess = np.where(guess <= reference_year, guess, guess - 100) - np.where(plus, 100, 0)
        year = np.where(np.isnan(century), guess, np.nan_to_num(century) * 100 + yy).astype(int)
        day = np.where(dd > 60, dd - 60, dd)  # samordningsnummer: day + 60
        dates = pd.to_datetime(pd.DataFrame({"year": year, "month": np.clip(mm, 1, 12),
                                             "day": np.clip(day, 1, 31)}), errors="coerce")
        ok = (dates.notna().to_numpy() & (mm >= 1) & (mm <= 12)
              & (dates.dt.day.to_numpy() == day) & _luhn(ten))
        canonical = pd.Series(year.astype(str), index=raw.index).str.zfill(4) + ten.str[2:]
        idx = raw.index[ok]
        out.loc[idx, "valid"] = True
        out.loc[idx, "canonical"] = canonical[ok].to_numpy()
        out.loc[idx, "birth_year"] = year[ok]
        out.loc[idx, "gender"] = np.where(pd.to_numeric(ten[ok].str[8]).to_numpy() % 2 == 1, "M", "K")
    out.index = values.index
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
    return pd.Series([None if not isinstance(v, str) else PREFIX + hmac.digest(key, v.encode(), "sha256").hex()[:16]
                      for v in canonical], index=canonical.index, dtype=object)
