"""The parameters of a report, checked before any kernel starts.

A period must be one the data covers, a division one the data has, and no
parameter may look like a credential (papermill writes every parameter into
the shared notebook). The runner checks them for a whole batch, each report
notebook again for itself.
"""
from __future__ import annotations

import re

from .data import RegionData
from .exceptions import ParameterError, PeriodError
from .metrics import require_period
from .periods import Period

_CREDENTIAL_NAME = re.compile(r"pass(word|wd)?|secret|token|api[_-]?key|credential|auth", re.I)
_CREDENTIAL_VALUE = re.compile(
    r"://[^/\s:@]+:[^/\s@]+@"          # user:password@ in a URL
    r"|-----BEGIN [A-Z ]*PRIVATE KEY"   # a private key
    r"|\b(ghp|gho|github_pat|xox[bap]|sk)[-_][A-Za-z0-9_]{16,}"  # well-known token prefixes
    r"|\bAKIA[0-9A-Z]{16}\b"            # an AWS access key id
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."  # a JSON web token
    r"|[?&](password|token|secret|key|sig)=", re.I)


def check_period(data: RegionData, period: str) -> Period:
    """Parse ``period`` and check the data covers it, else raise :class:`ParameterError`."""
    try:
        p = Period.parse(period)
        require_period(data.finance, p)
    except PeriodError as exc:
        raise ParameterError(f"Parameter period={period!r}: {exc}") from None
    return p


def check_division(data: RegionData, division: str) -> str:
    if division not in data.divisions:
        raise ParameterError(
            f"Parameter division={division!r} is not a division of the data; "
            f"expected one of: {', '.join(data.divisions)}.")
    return division


def refuse_credentials(parameters: dict) -> None:
    """Refuse a parameter that looks like a credential (papermill copies every
    parameter into the shared notebook and its metadata)."""
    for name, value in parameters.items():
        if _CREDENTIAL_NAME.search(name):
            raise ParameterError(
                f"Parameter {name!r} looks like a credential. Reports are shared and papermill "
                "writes every parameter into them: give secrets to the data source through the "
                "environment instead.")
        if isinstance(value, str) and _CREDENTIAL_VALUE.search(value):
            raise ParameterError(
                f"Parameter {name!r} has a value that looks like a password or token. Reports are "
                "shared and papermill writes every parameter into them: read secrets from the "
                "environment instead.")
