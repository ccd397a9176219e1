"""The parameters of a report, checked before any kernel starts.

A period must be one the data covers and a division one the data has. The
runner checks them for a whole batch, each report notebook again for itself.
"""
from __future__ import annotations

from .data import RegionData
from .exceptions import ParameterError, PeriodError
from .metrics import require_period
from .periods import Period

def check_period(data: RegionData, period: str) -> Period:
    """Parse ``period`` and check the data covers it, else raise :class:`ParameterError`."""
    try:
        p = Period.parse(period)
        require_period(data.finance, p)
    except PeriodError as exc:
        raise ParameterError(f"Parameter period={period!r}: {exc}") from None
    return p


def check_division(data: RegionData, division: str) -> str:
    """``division`` when the data has it, else :class:`ParameterError` listing those it has."""
    if division not in data.divisions:
        raise ParameterError(
            f"Parameter division={division!r} is not a division of the data; "
            f"expected one of: {', '.join(data.divisions)}.")
    return division


def check_unit(data: RegionData, division: str, unit: str) -> str:
    """``unit`` when the division has it in the finance table, else :class:`ParameterError`."""
    units = sorted(data.finance.loc[data.finance["division"] == division, "unit"].dropna().unique())
    if unit not in units:
        raise ParameterError(f"Parameter unit={unit!r} is not a unit of {division}; "
                             f"expected one of: {', '.join(units)}.")
    return unit
