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


def exposed(hidden: np.ndarray, relations: Sequence[Relation], protected: np.ndarray | None = None,
            memo: dict | None = None) -> np.ndarray:
    """Which hidden cells the shown ones determine through ``relations``.

    The unknowns are the hidden cells' sick hours; every relation that holds a hidden
    cell is an equation between them whose constant the shown cells give. A hidden cell
    is determined exactly when its unit vector lies in the row space of that system,
    that is when every solution of the homogeneous system leaves it at zero (its row of
    the null space's basis is zero).

    Before the null space is computed the system is made smaller without changing the
    answer for the cells that matter: an equation with one unknown determines it (it
    becomes a constant of the others, so a part whose total and other parts are known
    is known), and, given ``protected`` (the cells whose exposure matters), an
    unprotected unknown that only one equation holds is dropped with that equation
    (whatever the others are, it can satisfy it, so the equation tells nothing about
    them). Only protected cells' answers are then exact; unprotected ones may be False.
    ``memo`` (a dict kept between calls) holds each independent part's answer, so a
    part that did not change is not solved again.

    >>> r = [Relation(0, (1, 2, 3))]
    >>> exposed(np.array([False, True, False, False]), r).tolist()   # total minus two parts
    [False, True, False, False]
    >>> exposed(np.array([False, True, True, False]), r).tolist()
    [False, False, False, False]
    >>> r = [Relation(0, (1, 2)), Relation(2, (3, 4))]   # 2 follows from 0 and 1; then 3 from 2 and 4
    >>> exposed(np.array([False, False, True, True, False]), r).tolist()
    [False, False, True, True, False]
    """
    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros(len(hidden), dtype=bool)
    rows: list[dict[int, float]] = []
    for rel in relations:
        row: dict[int, float] = {}
        for c, s in zip((rel.total,) + tuple(rel.parts), [1.0] + [-1.0] * len(rel.parts)):
            if hidden[c]:
                row[int(c)] = row.get(int(c), 0.0) + s
        row = {c: s for c, s in row.items() if s != 0.0}
        if row:
            rows.append(row)
    rows_of: dict[int, set[int]] = {}
    for i, row in enumerate(rows):
        for c in row:
            rows_of.setdefault(c, set()).add(i)
    alive = [True] * len(rows)

    def drop_cell(c: int) -> list[int]:
        touched = []
        for i in rows_of.pop(c, ()):
            rows[i].pop(c, None)
            touched.append(i)
        return touched

    # an equation with one unknown determines it: a constant from then on
    queue = [i for i, row in enumerate(rows) if len(row) == 1]
    while queue:
        i = queue.pop()
        if not alive[i] or len(rows[i]) != 1:
            if alive[i] and not rows[i]:
                alive[i] = False
            continue
        (c,) = rows[i]
        out[c] = True
        alive[i] = False
        for j in drop_cell(c):
            if alive[j] and len(rows[j]) <= 1:
                if rows[j]:
                    queue.append(j)
                else:
                    alive[j] = False
    if protected is not None:  # an unprotected unknown in one equation only: both dropped
        protected = np.asarray(protected, dtype=bool)
        lone = [c for c, rs in rows_of.items() if len(rs) == 1 and not protected[c]]
        while lone:
            c = lone.pop()
            rs = rows_of.get(c)
            if not rs or len(rs) != 1:
                continue
            (i,) = rs
            alive[i] = False
            for d in list(rows[i]):
                rows_of[d].discard(i)
                if len(rows_of[d]) == 1 and not protected[d]:
                    lone.append(d)
                elif not rows_of[d]:
                    del rows_of[d]
            rows[i] = {}
    live = [i for i in range(len(rows)) if alive[i] and rows[i]]
    cells_of = [np.fromiter(rows[i], dtype=np.int64) for i in live]
    for group in _components(cells_of):
        columns = sorted({int(c) for k in group for c in cells_of[k]})
        key = frozenset(tuple(sorted(rows[live[g]].items())) for g in group) if memo is not None else None
        if key is not None and key in memo:
            out[memo[key]] = True
            continue
        where = {c: j for j, c in enumerate(columns)}
        A = np.zeros((len(group), len(columns)))
        for k, g in enumerate(group):
            for c, s in rows[live[g]].items():
                A[k, where[c]] += s
        # V whole (the null space) either way; U only as large as needed
        _, sv, vt = np.linalg.svd(A, full_matrices=A.shape[0] < A.shape[1])
        rank = int((sv > 1e-9 * max(1.0, sv.max(initial=0.0))).sum())
        null = vt[rank:]
        determined = np.abs(null).max(axis=0) < 1e-9 if len(null) else np.ones(len(columns), bool)
        out[np.array(columns)[determined]] = True
        if key is not None:
            memo[key] = np.array(columns)[determined]
    return out


def decide(persons, shown, relations: Sequence[Relation], fixed=None) -> np.ndarray:
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
    relation that holds the exposed one (a part before a total); where none of those
    relations has a figure left to hide, the nearest relation that has. Returns each
    cell's reason: ``""`` (shown), :data:`SMALL`, :data:`PROTECTS` or :data:`NOT_SHOWN`.

    ``fixed`` (optional, one entry per figure) holds the reason of a figure that was
    decided before (an earlier tertial's published figure, None for the others): it
    keeps that reason and is never hidden now, so what it shows is known to the attacker
    and what it hid is protected.

    >>> units = [Relation(0, (1, 2, 3))]   # a division of three units
    >>> decide([105, 8, 37, 60], [True] * 4, units).tolist()
    ['', 'small', 'protects', '']

    An earlier tertial's figures 0–2 are settled (0 shown, 1 small, 2 never shown); 2 is
    now the sum of two new figures, which would give it, and so 1: the smaller is hidden.

    >>> rels = [Relation(0, (1, 2)), Relation(2, (3, 4))]
    >>> decide([100, 5, 50, 20, 30], [True, False, False, True, True], rels,
    ...        fixed=["", "small", "not_shown", None, None]).tolist()
    ['', 'small', 'not_shown', 'protects', '']
    """
    persons = np.asarray(persons, dtype="float64")
    persons = np.where(np.isnan(persons), 0, persons)
    reason = np.where(persons <= SMALL_GROUP_MAX, SMALL, np.where(np.asarray(shown, bool), "", NOT_SHOWN))
    reason = reason.astype(object)
    settled = np.zeros(len(persons), dtype=bool)
    if fixed is not None:
        fixed = np.asarray(fixed, dtype=object)
        settled = np.array([f is not None for f in fixed], dtype=bool)
        reason[settled] = fixed[settled]
    totals_of = np.zeros(len(persons))
    member_of: list[list[int]] = [[] for _ in persons]
    for i, rel in enumerate(relations):
        totals_of[rel.total] += 1
        for c in (rel.total,) + tuple(rel.parts):
            member_of[c].append(i)

    def cheapest(cells) -> int | None:
        cells = [c for c in cells if reason[c] == "" and not settled[c]]
        return min(cells, key=lambda c: (persons[c], totals_of[c], c)) if cells else None

    memo: dict = {}
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
            for cell in np.flatnonzero(exposed(hidden, relations, protect, memo) & protect):
                # the relations with the fewest hidden figures are the ones that give it away
                rels = sorted(member_of[cell], key=lambda i: int(hidden[[relations[i].total,
                                                                         *relations[i].parts]].sum()))
                for i in rels:
                    pick = cheapest([relations[i].total, *relations[i].parts])
                    if pick is not None:
                        picks.add(pick)
                        break
                else:  # its own relations hold only hidden or settled figures: the nearest that has one
                    pick = _nearest_pick(cell, relations, member_of, cheapest)
                    if pick is not None:
                        picks.add(pick)
                if picks:
                    break
        if not picks:
            return reason.astype(str)
        for pick in picks:
            reason[pick] = PROTECTS


def _nearest_pick(cell: int, relations: Sequence[Relation], member_of: list[list[int]], cheapest) -> int | None:
    """The figure to hide for an exposed ``cell`` none of whose relations has one left:
    the cheapest in the nearest relation (breadth first through shared figures) that has."""
    seen_rel: set[int] = set()
    seen_cell = {cell}
    frontier = [cell]
    while frontier:
        nxt = []
        for c in frontier:
            for i in member_of[c]:
                if i in seen_rel:
                    continue
                seen_rel.add(i)
                members = [relations[i].total, *relations[i].parts]
                if (pick := cheapest(members)) is not None:
                    return pick
                for m in members:
                    if m not in seen_cell:
                        seen_cell.add(m)
                        nxt.append(m)
        frontier = nxt
    return None
