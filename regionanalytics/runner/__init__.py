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

import lazy_loader

#: The public names, by the module that defines them: imported on first use, so that a
#: worker process (which imports :mod:`.executors` and :mod:`.execute` only) does not
#: import the batch, its scopes and with them pandas and the whole package.
_NAMES = {
    "batch": ["BatchResult", "data_digest", "report_fingerprint", "run_batch"],
    "execute": ["ReportResult", "execute_report"],
    "executors": ["EXECUTORS", "make_executor"],
    "planning": ["NOTEBOOKS", "ReportSpec", "plan_reports", "relative_path", "slugify"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_NAMES)
