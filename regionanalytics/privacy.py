"""The rules that keep health data and person-level data out of reports.

Sick-leave figures are health data. The law on municipal accounting (lag
(2018:597) om kommunal bokföring och redovisning, 11 kap. 9 §) requires the
sick-leave key figures to be left out for a group of ten or fewer employees.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


# --------------------------------------------------------------------------- one model

#: Why a figure is hidden: its group has ten or fewer persons; it is hidden so that a
#: smaller group's figure cannot be worked out from it; no report shows it at all.
SMALL, PROTECTS, NOT_SHOWN = "small", "protects", "not_shown"


@dataclass(frozen=True)
class Relation:
    """``total`` = the sum of ``parts``, in sick hours (cell positions). A rate is sick hours
    over scheduled hours, so with the scheduled hours known every shown rate is a known
    sick-hours figure and each relation is a linear equation between them.
    ``overlapping`` parts share persons (the months of a period): the persons of several
    parts together are then at least the largest part's, not the sum."""

    total: int
    parts: tuple[int, ...]
    overlapping: bool = False


def _components(rows: list[np.ndarray]) -> list[list[int]]:
    """Rows (arrays of cell positions) joined into groups that share a cell."""
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for row_i, row in enumerate(rows):
        for c in row:
            ra, rb = find(-1 - row_i), find(int(c))
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for row_i in range(len(rows)):
        groups.setdefault(find(-1 - row_i), []).append(row_i)
    return list(groups.values())


def exposed(hidden: np.ndarray, relations: Sequence[Relation]) -> np.ndarray:
    """Which hidden cells the shown ones determine through ``relations``.

    The unknowns are the hidden cells' sick hours; every relation that holds a hidden
    cell is an equation between them whose constant the shown cells give. A hidden cell
    is determined exactly when its unit vector lies in the row space of that system,
    that is when every solution of the homogeneous system leaves it at zero (its row of
    the null space's basis is zero).

    >>> r = [Relation(0, (1, 2, 3))]
    >>> exposed(np.array([False, True, False, False]), r).tolist()   # total minus two parts
    [False, True, False, False]
    >>> exposed(np.array([False, True, True, False]), r).tolist()
    [False, False, False, False]
    """
    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros(len(hidden), dtype=bool)
    rows = []
    for rel in relations:
        cells = np.array((rel.total,) + tuple(rel.parts))
        signs = np.r_[1.0, -np.ones(len(rel.parts))]
        keep = hidden[cells]
        if keep.any():
            rows.append((cells[keep], signs[keep]))
    for group in _components([cells for cells, _ in rows]):
        columns = sorted({int(c) for i in group for c in rows[i][0]})
        where = {c: j for j, c in enumerate(columns)}
        A = np.zeros((len(group), len(columns)))
        for k, i in enumerate(group):
            for c, s in zip(*rows[i]):
                A[k, where[int(c)]] += s
        _, sv, vt = np.linalg.svd(A, full_matrices=True)
        rank = int((sv > 1e-9 * max(1.0, sv.max(initial=0.0))).sum())
        null = vt[rank:]
        determined = np.abs(null).max(axis=0) < 1e-9 if len(null) else np.ones(len(columns), bool)
        out[np.array(columns)[determined]] = True
    return out


def decide(persons, shown, relations: Sequence[Relation]) -> np.ndarray:
    """Which sick-leave figures are hidden, and why: the one decision every output reads.

    ``persons`` is each candidate figure's group size (distinct persons of the group in
    its span: the period, or the month of a monthly figure), ``shown`` whether some
    output would show it, ``relations`` every linear relation between the figures. A
    figure of ten or fewer persons is hidden (:data:`SMALL`). Then, until nothing more
    changes, a shown figure is hidden (:data:`PROTECTS`) where

    * a hidden figure (small or protecting) is determined by the shown ones through
      the relations (:func:`exposed`: total minus parts, weighted means over months
      and parts, in any combination), or
    * the hidden parts of a shown total together hold ten or fewer persons (their
      combined figure would follow).

    The figure hidden is the one with the fewest persons among the shown figures of a
    relation that holds the exposed one (a part before a total). Returns each cell's
    reason: ``""`` (shown), :data:`SMALL`, :data:`PROTECTS` or :data:`NOT_SHOWN`.

    >>> units = [Relation(0, (1, 2, 3))]   # a division of three units
    >>> decide([105, 8, 37, 60], [True] * 4, units).tolist()
    ['', 'small', 'protects', '']
    """
    persons = np.asarray(persons, dtype="float64")
    persons = np.where(np.isnan(persons), 0, persons)
    reason = np.where(persons <= SMALL_GROUP_MAX, SMALL, np.where(np.asarray(shown, bool), "", NOT_SHOWN))
    reason = reason.astype(object)
    totals_of = np.zeros(len(persons))
    member_of: list[list[int]] = [[] for _ in persons]
    for i, rel in enumerate(relations):
        totals_of[rel.total] += 1
        for c in (rel.total,) + tuple(rel.parts):
            member_of[c].append(i)

    def cheapest(cells) -> int | None:
        cells = [c for c in cells if reason[c] == ""]
        return min(cells, key=lambda c: (persons[c], totals_of[c], c)) if cells else None

    while True:
        hidden = reason != ""
        picks: set[int] = set()
        for rel in relations:  # hidden parts of a shown total that together are small
            if hidden[rel.total]:
                continue
            parts = np.array(rel.parts)
            gone = parts[hidden[parts]]
            if 0 < len(gone) < len(parts):
                together = persons[gone].max() if rel.overlapping else persons[gone].sum()
                if together <= SMALL_GROUP_MAX and (pick := cheapest(parts)) is not None:
                    picks.add(pick)
        protect = np.isin(reason, [SMALL, PROTECTS])
        if not picks:  # a relation with one hidden figure gives it away: hide another of it
            for rel in relations:
                members = [rel.total, *rel.parts]
                gone = [c for c in members if hidden[c]]
                if len(gone) == 1 and protect[gone[0]] and (pick := cheapest(members)) is not None:
                    picks.add(pick)
        if not picks:  # given away by a combination: one at a time (a pick may settle others)
            for cell in np.flatnonzero(exposed(hidden, relations) & protect):
                # the relations with the fewest hidden figures are the ones that give it away
                rels = sorted(member_of[cell], key=lambda i: int(hidden[[relations[i].total,
                                                                         *relations[i].parts]].sum()))
                for i in rels:
                    pick = cheapest([relations[i].total, *relations[i].parts])
                    if pick is not None:
                        picks.add(pick)
                        break
                if picks:
                    break
        if not picks:
            return reason.astype(str)
        for pick in picks:
            reason[pick] = PROTECTS
