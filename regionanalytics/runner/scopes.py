"""What data each report shows, as one digest per report: a re-run makes a report again
only when that changes.

- A division's report shows its own rows (finance with each row's account category
  and unit as the accounts and organisation tables give them, forecast, staff,
  production, goals, action plans, investments, the sick-leave spells of its staff) and its
  sick-leave figures and its units' as the one model over every shown figure decides them
  (:mod:`regionanalytics.metrics.shown_sick_leave`): when another division's change flips
  which of them are hidden (or why), the report is made again.
- A unit's report shows the unit's rows, the spells of its staff and its sick-leave
  figures as the model decides them (and its division's goals and action plans are
  not shown).
- The region overview shows everything (the central level's rows too).

Row digests are sums of pandas' row hashes per scope, so the order of rows in an
export does not matter and a change in one division leaves the others' digests as
they were.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .. import metrics
from ..data import RegionData
from ..metrics import shown_sick_leave
from ..periods import Period


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """The table in one representation whichever way it was loaded (parsed from the export
    or read from the parquet cache, which may keep dates at another resolution)."""
    out = {}
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.astype("datetime64[ns]").astype("int64")
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype(object).where(values.notna(), None).astype(str)
    return pd.DataFrame(out, index=df.index)


def _hashes(df: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(_canonical(df), index=False).to_numpy(np.uint64)


def _scope_keys(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Each row's scope: its division, or division and unit joined by a unit separator
    (an empty part where a row names none: no unit's scope holds it). Joined column by
    column: a join row by row built a string array per row, some 15 s for the sample's
    staff table, in every unit batch."""
    joined = df[keys[0]].astype(str)
    for key in keys[1:]:
        joined = joined + "\x1f" + df[key].astype(str).fillna("")
    return joined.to_numpy()


def _row_sums(df: pd.DataFrame, keys: list[str], hashes: np.ndarray | None = None) -> pd.Series:
    """Per group of ``keys``: the sum (mod 2**64) of the rows' hashes (``hashes``, when
    worked out already: :func:`_hashes` of ``df``)."""
    if df.empty:
        return pd.Series(dtype="uint64")
    hashes = _hashes(df) if hashes is None else hashes
    return pd.Series(hashes).groupby(_scope_keys(df, keys)).sum()


def _absence_by(region: RegionData, keys: list[str], hashes: np.ndarray | None = None) -> pd.Series:
    """The spells' row hashes (``hashes``, when worked out already) summed per scope their
    persons are employed in (any month)."""
    if region.absence.empty:
        return pd.Series(dtype="uint64")
    hashes = pd.DataFrame({"person_id": region.absence["person_id"].to_numpy(),
                           "_h": _hashes(region.absence) if hashes is None else hashes})
    where = region.employees[["person_id"] + keys].drop_duplicates()
    joined = hashes.merge(where, on="person_id")
    return joined["_h"].groupby(_scope_keys(joined, keys)).sum()


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
    return h.hexdigest()[:16]


def _flags(cells: pd.DataFrame) -> str:
    """A digest of which sick-leave figures are hidden, and why (this year and last)."""
    shown = cells[["year", "level", "division", "unit", "dimension", "key", "reason"]]
    return _digest(shown.sort_values(list(shown.columns)).to_numpy().tolist())


def report_scopes(region: RegionData, period: Period, units: bool = False,
                  hours: tuple | None = None, cells=None) -> dict[str, str]:
    """Digest of the data each report shows: ``"region"``, ``"division:<name>"`` and, with
    ``units``, ``"unit:<division>\\x1f<unit>"``. ``hours`` may hold
    :func:`~regionanalytics.metrics.hours_pair` of the region, and ``cells``
    :func:`~regionanalytics.metrics.shown_sick_leave.figures` of it, computed already."""
    tables = [t for t in ("finance", "forecast", "employees", "production", "goals", "action_plans",
                          "investments")]
    # each table's rows hashed once, for the divisions' digests and the units'
    hashed = {t: _hashes(getattr(region, t)) for t in tables + ["absence"] if not getattr(region, t).empty}
    by_division = [_row_sums(getattr(region, t), ["division"], hashed.get(t)) for t in tables]
    by_division.append(_absence_by(region, ["division"], hashed.get("absence")))
    # one decision over every shown sick-leave figure: a report is made again when that of
    # a figure it shows (its own, its units') changes
    if cells is None:
        hours = hours if hours is not None else metrics.hours_pair(region.employees, region.absence, period)
        cells = shown_sick_leave.figures(region.employees, region.absence, period, hours=hours)
    cells = cells[cells["level"] != "region"]
    out = {"region": _digest(sorted(region.fingerprint.items()))}
    for division in region.divisions:
        rows = [int(s.get(division, 0)) for s in by_division]
        out[f"division:{division}"] = _digest(rows, _flags(cells[cells["division"] == division]))
    if units:
        unit_tables = [t for t in ("finance", "forecast", "employees", "production")]
        by_unit = [_row_sums(getattr(region, t), ["division", "unit"], hashed.get(t)) for t in unit_tables]
        by_unit.append(_absence_by(region, ["division", "unit"], hashed.get("absence")))
        for division in region.divisions:
            units_of = region.finance.loc[region.finance["division"] == division, "unit"].dropna().unique()
            for unit in units_of:
                key = f"{division}\x1f{unit}"
                mine = cells[(cells["division"] == division) & (cells["unit"] == str(unit))]
                out[f"unit:{key}"] = _digest([int(s.get(key, 0)) for s in by_unit], _flags(mine))
    return out


def scope_of(parameters: dict) -> str:
    """The scope key of a report's parameters (see :func:`report_scopes`)."""
    if "unit" in parameters:
        return f"unit:{parameters['division']}\x1f{parameters['unit']}"
    if "division" in parameters:
        return f"division:{parameters['division']}"
    return "region"


def unit_text_figures(region, period):
    """``(division, unit) -> the unit's figures as its text names them`` for
    :func:`regionanalytics.report.text_check.check_texts`, with the unit report's module
    (and so matplotlib) imported only when a unit's text asks: the main process checks
    the texts while its workers start, and most periods have no unit texts."""
    def figures(division: str, unit: str):
        from ..report.unit import unit_scope_figures

        return unit_scope_figures(region, period)(division, unit)

    return figures


def text_digests(folder, specs, known: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Per report (by slug): a digest of the people's texts it shows, so that a changed
    text makes again only its own report and the director's (which shows every division's
    summary). The region overview shows no text. A text that cannot be located (two files
    for one division) gets a digest of its error: the report runs and says what is wrong."""
    from ..exceptions import TextError
    from ..report import texts as tx
    from .planning import DIRECTOR_NOTEBOOK

    def one(find, fallback: str):
        try:
            return find() or folder / fallback
        except TextError as exc:
            return str(exc)

    out = {}
    for spec in specs:
        params = spec.parameters
        if spec.notebook.endswith(DIRECTOR_NOTEBOOK):
            paths = [one(lambda: tx.region_file(folder), tx.REGION_FILE)] + [one(lambda d=d: tx.division_file(folder, d, known), f"{d}.md")
                                                for d, _ in params.get("bilagor", [])]
        elif "unit" in params:
            paths = [one(lambda: tx.unit_file(folder, params["division"], params["unit"], known), f"{params['unit']}.md")]
        elif "division" in params:
            paths = [one(lambda: tx.division_file(folder, params["division"], known), f"{params['division']}.md")]
        else:
            out[spec.slug] = ""
            continue
        errors = [p for p in paths if isinstance(p, str)]
        out[spec.slug] = _digest(errors) if errors else tx.digest(paths)
    return out
