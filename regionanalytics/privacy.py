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

    When exactly one part of a partition is suppressed, its figure could be
    worked out from the total and the other parts; the smallest other part is
    then suppressed too. ``parts`` holds the rows of one partition only.
    """
    out = parts.copy()
    flagged = out[flag].to_numpy(dtype=bool)
    if flagged.sum() == 1 and len(out) > 1:
        others = out.loc[~flagged, persons]
        victim = others.idxmin()
        for column in columns:
            out[column] = out[column].astype("float64")
            out.loc[victim, column] = np.nan
        out.loc[victim, flag] = True
    return out
