"""Swedish number formats, as the Swedish CLDR locale writes them.

Numbers use a non-breaking space as thousands separator, a decimal comma and a
real minus sign (U+2212); rounding is half away from zero, as in a report.
Babel supplies the locale data; this module only fixes rounding and the minus.

>>> fmt_mnkr(-7_000).replace(NBSP, " ")
'−7,0 mnkr'
>>> fmt_number(1234.5, 1)
'1\\xa0234,5'
>>> fmt_pct(5.25).replace(NBSP, " "), fmt_pp(-1).replace(NBSP, " ")
('5,3 %', '−1,0 procentenheter')
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.core import Locale
from babel.numbers import get_minus_sign_symbol, parse_pattern

LOCALE = "sv_SE"
#: The locale's data, parsed once (babel's ``format_decimal`` parses the locale and the
#: pattern again for every number: two thirds of a table cell's formatting).
_LOCALE = Locale.parse(LOCALE)
MINUS = get_minus_sign_symbol(LOCALE)  # U+2212
NBSP = "\u00a0"
#: Shown in place of a value that is missing or suppressed.
MISSING = "–"
#: Shown in place of a sick-leave figure of a group too small to show.
SUPPRESSED = "*"
#: A sick-leave figure hidden so that a smaller group's figure cannot be worked out from it.
SUPPRESSED_PROTECTS = "**"
#: Amounts are tkr (thousand SEK) in the data and mnkr (million SEK) in reports.
TKR_PER_MNKR = 1000


def mnkr(tkr):
    """An amount in tkr as mnkr: ``mnkr(-7000) == -7.0`` (works on numbers and Series)."""
    return tkr / TKR_PER_MNKR


def is_missing(value) -> bool:
    """True for None and NaN: a value that is absent or suppressed."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _round(value: float, decimals: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(value, decimals: int) -> float:
    """``value`` rounded as a report rounds it (half away from zero), as a float: what a
    cell holds must be what it shows.

    >>> round_half_up(15.00000000000001, 1), round_half_up(0.25, 1), round_half_up(-0.04, 1)
    (15.0, 0.3, 0.0)
    """
    return float(_round(value, decimals)) + 0.0


def fmt_number(value, decimals: int = 1, sign: bool = False) -> str:
    """Format a number the Swedish way; ``sign=True`` writes ``+`` before positive numbers."""
    if is_missing(value):
        return MISSING
    rounded = _round(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "−0,0"
    # what babel's format_decimal(rounded, format=..., locale=LOCALE, decimal_quantization=True) does
    text = _pattern(decimals).apply(rounded, _LOCALE, decimal_quantization=True)
    text = text.replace("-", MINUS)
    if sign and rounded > 0:
        text = "+" + text
    return text


@lru_cache(maxsize=None)
def _pattern(decimals: int):
    """The CLDR number pattern of ``decimals`` decimals, parsed (once per count)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def fmt_mnkr(tkr, decimals: int = 1, sign: bool = False) -> str:
    """An amount given in tkr, written in mnkr: ``fmt_mnkr(-7000) == '−7,0 mnkr'``."""
    if is_missing(tkr):
        return MISSING
    return f"{fmt_number(mnkr(tkr), decimals, sign)}{NBSP}mnkr"


def fmt_pct(value, decimals: int = 1, sign: bool = False) -> str:
    """A percentage given as a percent number: ``fmt_pct(5.3) == '5,3 %'``."""
    if is_missing(value):
        return MISSING
    return f"{fmt_number(value, decimals, sign)}{NBSP}%"


def fmt_pp(value, decimals: int = 1) -> str:
    """A change in percentage points: ``fmt_pp(-1) == '−1,0 procentenheter'``."""
    if is_missing(value):
        return MISSING
    unit = "procentenhet" if abs(float(_round(value, decimals))) == 1 and decimals == 0 else "procentenheter"
    return f"{fmt_number(value, decimals, sign=True)}{NBSP}{unit}"


def fmt_int(value, sign: bool = False) -> str:
    """A whole number: ``fmt_int(7012) == '7\\xa0012'``."""
    return fmt_number(value, 0, sign)


def fmt_mnkr_text(tkr, sign: bool = False) -> str:
    """An amount for running text, as the reference report writes it: whole mnkr
    without decimals (``7 mnkr``), otherwise one decimal (``12,6 mnkr``)."""
    if is_missing(tkr):
        return MISSING
    one = _round(mnkr(tkr), 1)
    decimals = 0 if one == one.to_integral_value() else 1
    return f"{fmt_number(float(one), decimals, sign)}{NBSP}mnkr"


# --------------------------------------------------------------------------- hyphenation

SOFT_HYPHEN = "\u00ad"
#: Words shorter than this are never broken (a table header's short words fit their column).
HYPHENATE_FROM = 10
#: First parts of the reports' compound words: a compound breaks at its seam first
#: ("Personal|omsättning"), where the Swedish dictionary alone would break inside a part
#: ("Personalom-sättning").
COMPOUND_PARTS = ("personal", "sjuk", "helårs", "års", "månads", "tillsvidare", "visstids",
                  "besparings", "investerings", "skatte", "nettokostnads", "sysselsättnings",
                  "procent", "tim", "period")

_HYPHENATOR = None


def hyphenate(text: str) -> str:
    """``text`` with soft hyphens where its long words may break, as Swedish hyphenates
    them (pyphen's Swedish dictionary, from LibreOffice's hyphenation patterns), compounds of
    :data:`COMPOUND_PARTS` at their seam. Chromium prints the hyphen only where it breaks;
    it has no Swedish hyphenation dictionary of its own offline, so ``hyphens: auto``
    alone would break nothing, and ``overflow-wrap: anywhere`` breaks without a hyphen.

    >>> hyphenate("Personalomsättning (%)").replace(SOFT_HYPHEN, "-")
    'Per-so-nal-omsätt-ning (%)'
    >>> hyphenate("Avvikelse mot budget") == "Avvikelse mot budget"
    True
    """
    global _HYPHENATOR
    if _HYPHENATOR is None:
        import pyphen

        _HYPHENATOR = pyphen.Pyphen(lang="sv_SE", left=3, right=3)

    def word(match) -> str:
        w = match.group(0)
        lower = w.casefold()
        for part in sorted(COMPOUND_PARTS, key=len, reverse=True):
            if lower.startswith(part) and len(w) - len(part) >= 4:
                first, rest = w[:len(part)], w[len(part):]
                first = _HYPHENATOR.inserted(first, hyphen=SOFT_HYPHEN) if len(first) >= 8 else first
                rest = _HYPHENATOR.inserted(rest, hyphen=SOFT_HYPHEN) if len(rest) >= 6 else rest
                return first + SOFT_HYPHEN + rest
        return _HYPHENATOR.inserted(w, hyphen=SOFT_HYPHEN)

    return re.sub(r"[^\W\d_]{%d,}" % HYPHENATE_FROM, word, text)
