"""Reporting periods: tertials, full years and months, always year to date.

A period is written the way the region writes it:

============  =====================================  ====================
written       span (cumulative, year to date)        Swedish label
============  =====================================  ====================
``2021-T1``   January–April 2021                     per april 2021
``2021-T2``   January–August 2021                    per augusti 2021
``2021-T3``   January–December 2021 (also ``2021``)  per den 31 december 2021
``2021-05``   January–May 2021                       per maj 2021
============  =====================================  ====================

A month that ends a tertial is that tertial: ``2021-04`` is ``2021-T1`` and
``2021-12`` is ``2021-T3`` (same figures, same file names).

Comparisons are always with the same span of the previous year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .exceptions import PeriodError

if TYPE_CHECKING:  # imported where used: the batch's main process parses its period, and
    import pandas as pd  # starts its workers, before it imports pandas

#: Last month of each tertial.
TERTIAL_END = {1: 4, 2: 8, 3: 12}

MONTH_NAMES_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)

_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:T([123])|(\d{2})))?\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A year-to-date reporting period: January up to and including ``last_month``.

    Examples
    --------
    >>> p = Period.parse("2021-T1")
    >>> p.months[0], p.months[-1]
    ('2021-01', '2021-04')
    >>> p.previous_year().label
    '2020-T1'
    >>> p.label_sv
    'per april 2021'
    """

    year: int
    last_month: int
    tertial: int | None = None

    @classmethod
    def parse(cls, text: "str | Period") -> "Period":
        """Parse ``2021-T1``, ``2021-T2``, ``2021-T3``, ``2021`` or ``2021-04``."""
        if isinstance(text, Period):
            return text
        match = _PATTERN.match(str(text))
        if not match:
            raise PeriodError(
                f"Cannot read the period {text!r}: expected YYYY-T1, YYYY-T2, YYYY-T3, "
                "YYYY (full year) or YYYY-MM (year to date to that month)."
            )
        year, tertial, month = match.groups()
        year = int(year)
        if tertial:
            return cls(year, TERTIAL_END[int(tertial)], int(tertial))
        if month:
            m = int(month)
            if not 1 <= m <= 12:
                raise PeriodError(f"Cannot read the period {text!r}: month {m} is not 01–12.")
            # a month that ends a tertial is that tertial: 2021-12 and 2021-T3 are one span
            tertial = next((t for t, last in TERTIAL_END.items() if last == m), None)
            return cls(year, m, tertial)
        return cls(year, 12, 3)

    @property
    def label(self) -> str:
        """Canonical text form, e.g. ``2021-T1`` or ``2021-05``."""
        if self.tertial:
            return f"{self.year}-T{self.tertial}"
        return f"{self.year}-{self.last_month:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> list[str]:
        """The months of the span as ``YYYY-MM`` strings."""
        return [f"{self.year}-{m:02d}" for m in range(1, self.last_month + 1)]

    @property
    def end_month(self) -> str:
        return f"{self.year}-{self.last_month:02d}"

    @property
    def year_months(self) -> list[str]:
        """All twelve months of the period's year (the annual budget's span)."""
        return [f"{self.year}-{m:02d}" for m in range(1, 13)]

    @property
    def start(self) -> pd.Timestamp:
        import pandas as pd

        return pd.Timestamp(self.year, 1, 1)

    @property
    def end(self) -> pd.Timestamp:
        import pandas as pd

        return pd.Timestamp(self.year, self.last_month, 1) + pd.offsets.MonthEnd(0)

    @property
    def previous_year_end_month(self) -> str:
        """December of the previous year: the base of changes "since the turn of the year"."""
        return f"{self.year - 1}-12"

    @property
    def two_years_months(self) -> list[str]:
        """The 24 months of the period's year and the year before: every month the economy
        figures read (the annual budget, last year's full-year result).

        >>> m = Period.parse("2021-T1").two_years_months
        >>> m[0], m[-1], len(m)
        ('2020-01', '2021-12', 24)
        """
        return month_span(f"{self.year - 1}-01", f"{self.year}-12")

    @property
    def compared_months(self) -> list[str]:
        """Every month a period's staff and sick-leave figures read: the span, the same span
        last year and the December before the year (the base of changes since the turn of the year).

        >>> Period.parse("2021-T1").compared_months
        ['2020-01', '2020-02', '2020-03', '2020-04', '2020-12', '2021-01', '2021-02', '2021-03', '2021-04']
        """
        return sorted(set(self.months) | set(self.previous_year().months) | {self.previous_year_end_month})

    def previous_year(self) -> "Period":
        """The same span one year earlier."""
        return Period(self.year - 1, self.last_month, self.tertial)

    def previous_tertial(self) -> "Period | None":
        """The last tertial of the same year that ended before this period (None in T1).

        >>> Period.parse("2021-T2").previous_tertial().label, Period.parse("2021").previous_tertial().label
        ('2021-T1', '2021-T2')
        >>> Period.parse("2021-06").previous_tertial().label, Period.parse("2021-T1").previous_tertial()
        ('2021-T1', None)
        """
        ended = [t for t, last in TERTIAL_END.items() if last < self.last_month]
        return Period(self.year, TERTIAL_END[ended[-1]], ended[-1]) if ended else None

    @property
    def is_full_year(self) -> bool:
        return self.last_month == 12

    @property
    def label_sv(self) -> str:
        """Swedish phrase: ``per april 2021`` or ``per den 31 december 2021``."""
        if self.is_full_year:
            return f"per den 31 december {self.year}"
        return f"per {MONTH_NAMES_SV[self.last_month - 1]} {self.year}"

    @property
    def when_sv(self) -> str:
        """The period in running text without the year: ``per april``, ``per den 31 december``.

        >>> Period.parse("2021").when_sv, Period.parse("2021-T2").when_sv
        ('per den 31 december', 'per augusti')
        """
        return self.label_sv.rsplit(" ", 1)[0]

    @property
    def title_sv(self) -> str:
        """Swedish report title: ``Delårsrapport per april 2021`` or ``Årsrapport 2021``."""
        if self.is_full_year:
            return f"Årsrapport {self.year}"
        return f"Delårsrapport {self.label_sv}"


def month_span(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive.

    >>> month_span("2020-11", "2021-02")
    ['2020-11', '2020-12', '2021-01', '2021-02']
    """
    import pandas as pd

    return [str(p) for p in pd.period_range(first, last, freq="M")]


def months_sv(months: list[str]) -> str:
    """Months in Swedish running text, the year once per year.

    >>> months_sv(["2021-04"]), months_sv(["2021-03", "2021-04"]), months_sv(["2020-12", "2021-01"])
    ('april 2021', 'mars och april 2021', 'december 2020 och januari 2021')
    """
    by_year: dict[str, list[str]] = {}
    for m in sorted(months):
        by_year.setdefault(m[:4], []).append(MONTH_NAMES_SV[int(m[5:7]) - 1])
    parts = [f"{_join_sv(names)} {year}" for year, names in by_year.items()]
    return _join_sv(parts) if len(parts) > 1 else parts[0]


def _join_sv(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
