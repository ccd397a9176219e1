"""regionanalytics: tertial follow-up reports for a Swedish region.

Load a data folder, compute metrics on tidy DataFrames, format the Swedish way::

    >>> import regionanalytics as ra
    >>> data = ra.load_region("data/sample")
    >>> deviation = ra.metrics.budget_deviation(data.finance, "2021-T1", by=["division"])

Submodules are imported lazily so ``import regionanalytics`` stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from pathlib import Path as _Path

#: The generated sample region of the repository (``data/sample``), whatever the working folder.
SAMPLE_DATA = _Path(__file__).resolve().parents[1] / "data" / "sample"

_LAZY = {
    "load_region": ("data", "load_region"),
    "validate": ("data", "validate"),
    "RegionData": ("data", "RegionData"),
    "read_table": ("data", "read_table"),
    "Period": ("periods", "Period"),
    "key_metrics": ("summary", "key_metrics"),
    "key_metrics_wide": ("summary", "key_metrics_wide"),
    "summary": ("summary", None),
    "metrics": ("metrics", None),
    "formatting": ("formatting", None),
    "labels": ("labels", None),
    "charts": ("report.charts", None),
    "narrative": ("report.narrative", None),
    "views": ("report.views", None),
    "report": ("report", None),
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'regionanalytics' has no attribute {name!r}")
    module_name, attr = _LAZY[name]
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
