"""What the report notebooks show: one module per report kind on a shared base.

- :mod:`.division`, :mod:`.unit`, :mod:`.region`: the division report, a unit's report
  and the region overview, each a class whose methods return what a notebook cell shows;
- :mod:`._base`: what they share (the figures computed once per kernel, the header, the
  recorded figures);
- :mod:`.views` (tables, charts and text as objects with their ``.data``), :mod:`.charts`,
  :mod:`.narrative` (the Swedish sentences) and :mod:`.summary_excel` beside them.

The notebooks import from here, one call a cell::

    from regionanalytics.report import DivisionReport
    r = DivisionReport.open(period="2021-T1", division="Länsteknik", data_dir="../data/sample")
"""
from __future__ import annotations

import importlib

#: The public names, by the module that defines them: imported on first use, so that the
#: runner's main process can use the summary workbook or the texts without matplotlib.
_LAZY = {
    "DivisionReport": "division",
    "UnitReport": "unit",
    "RegionOverview": "region",
    "DirectorReport": "director",
    "figures_from_notebook": "recorded",
    "FIGURES_MIME": "recorded",
    "TEXTS": "_base",
    "TEXT_METHODS": "_base",
    "hand_over": "_base",
    "key_metric_rows": "_base",
    "receive_region_figures": "_base",
    "region_figures": "_base",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'regionanalytics.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
