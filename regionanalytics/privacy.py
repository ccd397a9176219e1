"""The rules that keep health data and person-level data out of reports.

Sick-leave figures are health data. The law on municipal accounting (lag
(2018:597) om kommunal bokföring och redovisning, 11 kap. 9 §) requires the
sick-leave key figures to be left out for a group of ten or fewer employees.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: A sick-leave figure is shown only for groups of more than this many persons.
SMALL_GROUP_MAX = 10


def is_small_group(persons) -> np.ndarray | bool:
    """True where a group has ten or fewer persons (its sick-leave figures are suppressed)."""
    return np.asarray(persons) <= SMALL_GROUP_MAX


def suppress(df: pd.DataFrame, persons: str, columns: list[str], flag: str = "suppressed") -> pd.DataFrame:
    """Blank ``columns`` where the group in ``persons`` is small, and flag those rows.

    Returns a new frame; ``flag`` is True where values were blanked. A row that
    was already flagged stays flagged.
    """
    out = df.copy()
    small = is_small_group(out[persons].fillna(0))
    for column in columns:
        out[column] = out[column].astype("float64").where(~small)
    out[flag] = small | (out[flag].to_numpy(dtype=bool) if flag in out else False)
    return out


def protect_partition(parts: pd.DataFrame, columns: list[str], persons: str = "persons",
                      flag: str = "suppressed") -> pd.DataFrame:
    """Secondary suppression within parts that make up a shown total.

    A suppressed part could be worked out from the total and the other parts.
    While exactly one part is suppressed, or the suppressed parts together hold
    ten or fewer persons (their combined figure would describe a small group),
    the smallest part still shown is suppressed too. ``parts`` holds the rows of
    one partition only.

    >>> parts = pd.DataFrame({"persons": [4, 5, 30, 40], "value": [1.0, 2.0, 3.0, 4.0],
    ...                       "suppressed": [True, True, False, False]})
    >>> protect_partition(parts, ["value"])["suppressed"].tolist()  # 4 + 5 persons: one more
    [True, True, True, False]
    """
    out = parts.copy()
    flagged = out[flag].to_numpy(dtype=bool).copy()
    size = out[persons].fillna(0).to_numpy(dtype="float64")
    while 0 < flagged.sum() < len(out) and (
            flagged.sum() == 1 or size[flagged].sum() <= SMALL_GROUP_MAX):
        shown = np.flatnonzero(~flagged)
        flagged[shown[np.argmin(size[shown])]] = True
    newly = flagged & ~out[flag].to_numpy(dtype=bool)
    for column in columns:
        out[column] = out[column].astype("float64").where(~newly, np.nan)
    out[flag] = flagged
    return out


#: The sick-leave columns of this year and of last year, and the change between them.
CURRENT, PREVIOUS, CHANGE = "current", "previous", "change"


def protect_both_years(parts: pd.DataFrame, columns: dict[str, list[str]],
                       persons: tuple[str, str] = ("persons", "persons_prev_year"),
                       flags: tuple[str, str] = ("suppressed", "suppressed_prev_year")) -> pd.DataFrame:
    """:func:`protect_partition` for this year's figures on this year's group sizes and
    for last year's on last year's; a change is hidden where either year is.

    ``columns`` maps :data:`CURRENT`, :data:`PREVIOUS` and :data:`CHANGE` to column names.
    """
    out = protect_partition(parts, columns.get(CURRENT, []), persons[0], flags[0])
    if flags[1] in out:
        out = protect_partition(out, columns.get(PREVIOUS, []), persons[1], flags[1])
    hidden = out[flags[0]].to_numpy(bool) | (out[flags[1]].to_numpy(bool) if flags[1] in out else False)
    for column in columns.get(CHANGE, []):
        out[column] = out[column].astype("float64").where(~hidden, np.nan)
    return out
