"""The batch runner: every report of a period, executed, rendered and indexed.

One module per job, as papermill splits its own:

- :mod:`~regionanalytics.runner.planning`: which reports, with which parameters;
- :mod:`~regionanalytics.runner.kernels`: one warm kernel per worker process;
- :mod:`~regionanalytics.runner.execute`: execute and render one report;
- :mod:`~regionanalytics.runner.executors`: local worker pool or Dask cluster, by name;
- :mod:`~regionanalytics.runner.render`: an executed notebook as shareable HTML;
- :mod:`~regionanalytics.runner.index`: the index page;
- :mod:`~regionanalytics.runner.batch`: the batch, its summaries and its manifest.
"""
from __future__ import annotations

import importlib

#: The public names, by the module that defines them: imported on first use, so that a
#: worker process (which imports :mod:`.executors` and :mod:`.execute` only) does not
#: import the batch, its scopes and with them pandas and the whole package.
_LAZY = {
    "BatchResult": "batch", "data_digest": "batch", "report_fingerprint": "batch", "run_batch": "batch",
    "ReportResult": "execute", "execute_report": "execute",
    "EXECUTORS": "executors", "make_executor": "executors",
    "NOTEBOOKS": "planning", "ReportSpec": "planning", "plan_reports": "planning",
    "relative_path": "planning", "slugify": "planning",
}

__all__ = sorted(_LAZY, key=str.lower)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'regionanalytics.runner' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
