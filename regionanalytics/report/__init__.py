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

import lazy_loader

#: The public names, by the module that defines them: imported on first use, so that the
#: runner's main process can use the summary workbook or the texts without matplotlib.
_NAMES = {
    "division": ["DivisionReport"],
    "unit": ["UnitReport"],
    "region": ["RegionOverview"],
    "director": ["DirectorReport"],
    "recorded": ["figures_from_notebook", "FIGURES_MIME"],
    "_base": ["TEXTS", "TEXT_METHODS", "hand_over", "key_metric_rows", "receive_region_figures", "region_figures"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_NAMES)
