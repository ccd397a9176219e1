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

import base64
import hashlib
import os
import secrets
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import PseudonymKeyError

KEY_ENV = "REGIONANALYTICS_PSEUDONYM_KEY"
#: Pseudonyms start with this, so a reader sees what they are.
PREFIX = "p"
#: What an error message shows instead of a personnummer.
HIDDEN = "(personnummer, not shown)"
EXPECTED = ("a valid personnummer (YYYYMMDD-NNNN or YYMMDD-NNNN with a correct check digit); "
            "the number is not shown here")

_SHAPE = r"^(?:\d{2})?\d{6}[-+]?\d{4}$"
_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
#: How spreadsheets write a number as a cell: ``196106055004.0`` (a float's text),
#: ``1.96106055004E+11`` (scientific), ``1,96106055004E+11`` (Swedish decimal comma).
_FLOAT_TEXT = r"^(\d+)[.,]0+$"
_SCIENTIFIC = r"^\d(?:[.,]\d+)?[eE]\+?\d{1,2}$"
#: A number that lost its leading zeros (``0501011234`` read as the number 501011234).
_SHORT = r"^\d{7,9}$"


def looks_like(values: pd.Series) -> bool:
    """Whether a column of ids holds personnummer, in any of the ways spreadsheets write one.

    >>> looks_like(pd.Series(["19930319-9674", "P0001"]))
    True
    >>> looks_like(pd.Series(["'196106055004", "1.96106055004E+11"]))
    True
    >>> looks_like(pd.Series(["P0001", "1234"]))
    False
    """
    return is_personnummer_column(parse(values.dropna().astype(str), date.today().year))


def is_personnummer_column(parsed: pd.DataFrame) -> bool:
    """Whether ids parsed by :func:`parse` are a column of personnummer.

    Yes when any id has the shape of one with a real month and day (10 or 12
    digits, with or without ``-``/``+``), when any id is written as a spreadsheet
    number of 9 to 12 digits (``196106055004.0``, ``1.96106E+11``: a personnummer
    that Excel made a number, perhaps losing digits), or when most of the short
    numbers (7 to 9 digits) are valid personnummer once their lost leading zeros are
    put back. Every id of such a column must then be a valid personnummer.
    """
    if bool(parsed["shaped"].any()):
        return True
    short = parsed["short"].to_numpy(bool)
    return bool(short.any()) and parsed["valid"].to_numpy(bool)[short].mean() >= 0.5


def normalise(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Ids as a spreadsheet may have written them, back in the written form of a personnummer.

    Removes surrounding blanks, a leading apostrophe (Excel's mark for text), Excel's
    ``="..."`` and quotes; turns a number's text (``196106055004.0``, ``1.96106055004E+11``)
    back into its digits; and puts back the leading zeros a number loses (a
    ten-digit personnummer of someone born 2000-2009). Returns the normalised text,
    whether each id was written as a spreadsheet number (9 to 12 digits), and whether
    it had lost zeros (7 to 9 digits).

    >>> text, number, short = normalise(pd.Series([" '19610605-5004 ", "196106055004.0",
    ...                                            "1.96106055004E+11", "501011234", '="6106055004"',
    ...                                            "610605\u2013 5004"]))
    >>> text.tolist(), number.tolist(), short.tolist()
    (['19610605-5004', '196106055004', '196106055004', '0501011234', '6106055004', '610605-5004'], \
[False, True, True, False, False, False], [False, False, False, True, False, False])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.to_numpy(object), type=pa.string(), from_pandas=True)
    none = np.zeros(len(values), dtype=bool)
    if pc.all(pc.fill_null(pc.match_substring_regex(arr, _SHAPE), True)).as_py() is not False:
        return values.astype(object), none, none  # the common case: every id as HR systems write it
    arr = pc.replace_substring_regex(arr, r"^[\s\x{a0}\x{202f}]+|[\s\x{a0}\x{202f}]+$", "")
    arr = pc.replace_substring_regex(arr, r"^=?\"(.*)\"$", r"\1")
    arr = pc.replace_substring_regex(arr, r"^'", "")
    arr = pc.replace_substring_regex(arr, r"[\s\x{a0}\x{202f}\x{2009}]+", "")  # "19610605 - 5004"
    arr = pc.replace_substring_regex(arr, r"^(\d{6,8})[\x{2010}\x{2011}\x{2013}\x{2212}](\d{4})$", r"\1-\2")
    floats = pc.fill_null(pc.match_substring_regex(arr, _FLOAT_TEXT), False)
    arr = pc.replace_substring_regex(arr, _FLOAT_TEXT, r"\1")
    scientific = pc.fill_null(pc.match_substring_regex(arr, _SCIENTIFIC), False).to_numpy(zero_copy_only=False)
    if scientific.any():
        from decimal import Decimal, InvalidOperation

        text = arr.to_numpy(zero_copy_only=False).astype(object)
        for i in np.flatnonzero(scientific):
            try:
                number = Decimal(text[i].replace(",", "."))
            except InvalidOperation:
                continue
            if number == number.to_integral_value():
                text[i] = str(int(number))
        arr = pa.array(text, type=pa.string())
    digits = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False)
    number = (floats.to_numpy(zero_copy_only=False) | scientific) & (digits >= 9) & (digits <= 12)
    short = pc.fill_null(pc.match_substring_regex(arr, _SHORT), False).to_numpy(zero_copy_only=False)
    arr = pc.if_else(pa.array(short), pc.utf8_lpad(arr, 10, "0"), arr)
    text = pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    return text, number, short


def _luhn(digits: np.ndarray) -> np.ndarray:
    """True where the rows of ten digits YYMMDDNNNC have a correct Luhn check digit."""
    products = digits * _LUHN_WEIGHTS
    return (products // 10 + products % 10).sum(axis=1) % 10 == 0


def _digits(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which values have the shape of a personnummer, and for those: their ten digits as a
    (n, 10) array, whether a century was written (and which), and whether "+" was (all with
    Arrow's string kernels: one pass over the distinct ids)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.to_numpy(object), type=pa.string(), from_pandas=True)
    shaped = pc.fill_null(pc.match_substring_regex(arr, _SHAPE), False).to_numpy(zero_copy_only=False)
    kept = pc.filter(arr, pa.array(shaped))
    digits = pc.replace_substring_regex(kept, r"[+-]", "")
    plus = pc.match_substring(kept, "+").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    ten = pc.utf8_slice_codeunits(digits, -10)
    century = pc.utf8_slice_codeunits(digits, 0, 2).to_numpy(zero_copy_only=False)
    raw = "".join(ten.to_pylist()).encode("ascii")
    grid = (np.frombuffer(raw, dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48) if raw else \
        np.zeros((0, 10), dtype=np.int64)
    cent = np.where(length == 12, np.array([int(c) if c else 0 for c in century]) if len(century) else 0, -1)
    return shaped, grid, np.asarray(cent, dtype=np.int64), plus


def _parse(text: pd.Series, reference_year) -> pd.DataFrame:
    shaped, d, century, plus = _digits(text)
    n = len(text)
    out = {"dated": np.zeros(n, bool), "valid": np.zeros(n, bool), "year": np.zeros(n, np.int64),
           "gender_odd": np.zeros(n, bool), "ten": np.zeros(n, np.int64)}
    if not shaped.any():
        return pd.DataFrame(out, index=text.index)
    yy, mm, dd = d[:, 0] * 10 + d[:, 1], d[:, 2] * 10 + d[:, 3], d[:, 4] * 10 + d[:, 5]
    year = century * 100 + yy
    ten_digits = century < 0
    if ten_digits.any():
        if callable(reference_year):  # found only when some number lacks its century
            reference_year = reference_year()
        # ten digits: the latest century not after the reference year; "+" one more back
        guess = (reference_year // 100) * 100 + yy
        guess = np.where(guess <= reference_year, guess, guess - 100) - np.where(plus, 100, 0)
        year = np.where(ten_digits, guess, year)
    day = np.where(dd > 60, dd - 60, dd)  # samordningsnummer: day + 60
    in_range = (mm >= 1) & (mm <= 12) & (day >= 1)
    month_days = pd.to_datetime(pd.DataFrame({"year": np.clip(year, 1, 9999), "month": np.clip(mm, 1, 12),
                                              "day": 1})).dt.days_in_month.to_numpy()
    dated = in_range & (day <= month_days)
    idx = np.flatnonzero(shaped)
    out["dated"][idx] = (mm >= 1) & (mm <= 12) & (((dd >= 1) & (dd <= 31)) | ((dd >= 61) & (dd <= 91)))
    out["valid"][idx] = dated & _luhn(d)
    out["year"][idx] = year
    out["gender_odd"][idx] = d[:, 8] % 2 == 1
    out["ten"][idx] = d @ (10 ** np.arange(9, -1, -1))
    return pd.DataFrame(out, index=text.index)


def parse(values: pd.Series, reference_year: int) -> pd.DataFrame:
    """Check and normalise personnummer.

    Parameters
    ----------
    values : Series of str
        The ids as written.
    reference_year : int, or a function that returns it
        A year the numbers are read in (the export's year): a ten-digit number
        gets the century that puts the birth at most 100 years before it (``+``:
        100 years or more).

    Returns
    -------
    DataFrame
        ``shaped`` (has the shape of a personnummer with a real month and day, or
        is a spreadsheet number of its size: see :func:`is_personnummer_column`),
        ``short`` (a number of 7 to 9 digits, read with its lost leading zeros), ``valid`` (bool), ``canonical`` (``YYYYMMDDNNNN``), ``birth_year`` and
        ``gender`` (``K`` or ``M``, from the second-to-last digit), aligned with
        ``values``.

    Examples
    --------
    >>> df = parse(pd.Series(["19930319-9674", "930319-9674", "930319-9675"]), 2021)
    >>> df["valid"].tolist()  # the last has a wrong check digit
    [True, True, False]
    >>> df.loc[:1, ["canonical", "birth_year", "gender"]].values.tolist()
    [['199303199674', 1993, 'M'], ['199303199674', 1993, 'M']]
    >>> parse(pd.Series(["'196106055004", "196106055004.0", "6,106055004E+9"]), 2021)["canonical"].tolist()
    ['196106055004', '196106055004', '196106055004']
    """
    text, spreadsheet_number, short = normalise(values if pd.api.types.is_string_dtype(values) else values.astype(str))
    found = _parse(text, reference_year)
    valid = found["valid"].to_numpy()
    canonical = np.full(len(found), None, dtype=object)
    if valid.any():
        # YYYY then MMDDNNNC: one 12-digit number, written with its leading zeros
        number = found["year"].to_numpy()[valid] * 10**8 + found["ten"].to_numpy()[valid] % 10**8
        canonical[valid] = np.char.zfill(number.astype(str), 12)
    birth_year = np.full(len(found), None, dtype=object)
    birth_year[valid] = found["year"].to_numpy()[valid].tolist()
    gender = np.full(len(found), None, dtype=object)
    gender[valid] = np.where(found["gender_odd"].to_numpy()[valid], "M", "K")
    shaped = (found["dated"].to_numpy() & ~short) | spreadsheet_number
    return pd.DataFrame({"shaped": shaped, "short": short, "valid": valid, "canonical": canonical,
                         "birth_year": birth_year, "gender": gender}, index=values.index)


def key_file() -> Path:
    """Where the pseudonym key is kept when the environment does not give one."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "regionanalytics" / "pseudonym.key"


def _key() -> bytes:
    given = os.environ.get(KEY_ENV)
    if given:
        return given.encode()
    path = key_file()
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(32))
        key = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise PseudonymKeyError(
            f"the personnummer in the data need a pseudonym key, and the key file {path} cannot be "
            f"made or read ({reason}); set {KEY_ENV}, or XDG_CONFIG_HOME to a folder you can write") from None
    if not key:
        raise PseudonymKeyError(f"the pseudonym key file {path} is empty; restore the key (or delete "
                                f"the file to make a new one: the pseudonyms then change), or set {KEY_ENV}")
    return key.encode()


def key_id() -> str:
    """A fingerprint of the configured pseudonym key (never the key itself), or ``"none"``
    when there is none yet; nothing is created. The parsed-table cache keys on it, so
    pseudonyms made under another key are never served.

    >>> import os
    >>> os.environ[KEY_ENV] = "k"; a = key_id(); os.environ[KEY_ENV] = "j"; b = key_id()
    >>> del os.environ[KEY_ENV]
    >>> a != b and len(a) == 16
    True
    """
    import hmac

    given = os.environ.get(KEY_ENV)
    if given:
        key = given.encode()
    else:
        try:
            key = key_file().read_text().strip().encode()
        except (OSError, UnicodeDecodeError):
            return "none"
        if not key:
            return "none"
    return hmac.new(key, b"regionanalytics parsed-table cache", hashlib.sha256).hexdigest()[:16]


def pseudonymise(canonical: pd.Series, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms of canonical personnummer: ``p`` and the first 72 bits of the
    HMAC-SHA-256 in URL-safe base64 (12 characters; a collision among a million persons
    has a chance of about one in ten billion).

    ``key`` defaults to the configured key (see the module docstring).

    >>> pseudonymise(pd.Series(["199303199674"]), key=b"k").str.len().tolist()
    [13]
    """
    key = key if key is not None else _key()
    # the same persons stand in the employees and the absence export: each number is
    # hashed once per process and key (the numbers stay in memory only)
    known = _MEMO.setdefault(hashlib.sha256(key).hexdigest(), {})
    values = canonical.tolist()
    new = list(dict.fromkeys(v for v in values if isinstance(v, str) and v not in known))
    if new:
        digest = _hmac_sha256(key)
        # 9 bytes of each digest, all encoded in one call: 9 bytes are 12 base64 characters
        # exactly, so the encoded text splits into the pseudonyms without padding
        text = base64.urlsafe_b64encode(b"".join([digest(v.encode())[:9] for v in new])).decode()
        known.update(zip(new, [PREFIX + text[i:i + 12] for i in range(0, len(text), 12)]))
    return pd.Series([known.get(v) if isinstance(v, str) else None for v in values],
                     index=canonical.index, dtype=object)


_MEMO: dict[str, dict[str, str]] = {}


def _hmac_sha256(key: bytes):
    """HMAC-SHA-256 under one key, as a function of the message.

    The same function as ``hmac.digest(key, message, "sha256")`` (RFC 2104), with the
    hash states after the padded key computed once: a region's 100 000 numbers then
    take two hash blocks each instead of four.

    >>> import hmac
    >>> _hmac_sha256(b"key")(b"msg") == hmac.digest(b"key", b"msg", "sha256")
    True
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: bytes) -> bytes:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        return o.digest()

    return digest
