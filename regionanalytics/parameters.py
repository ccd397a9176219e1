"""The parameters of a report, checked before any report starts.

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


def units_of(data: RegionData) -> dict[str, list[str]]:
    """Every division of the data -> its units, as the finance table names them (sorted)."""
    pairs = data.finance[["division", "unit"]].dropna().drop_duplicates()
    found = {d: sorted(g["unit"]) for d, g in pairs.groupby("division", observed=True)}
    return {d: found.get(d, []) for d in data.divisions}


def check_unit(data: RegionData, division: str, unit: str) -> str:
    """``unit`` when the division has it in the finance table, else :class:`ParameterError`."""
    units = units_of(data).get(division, [])
    if unit not in units:
        raise ParameterError(f"Parameter unit={unit!r} is not a unit of {division}; "
                             f"expected one of: {', '.join(units)}.")
    return unit
