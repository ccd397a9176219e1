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
from ._base import FIGURES_MIME, TEXTS, figures_from_notebook
from .division import DivisionReport
from .region import RegionOverview
from .unit import UnitReport

__all__ = ["DivisionReport", "UnitReport", "RegionOverview", "figures_from_notebook", "FIGURES_MIME", "TEXTS"]
