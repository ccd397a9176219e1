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
from .batch import BatchResult, data_digest, report_fingerprint, run_batch
from .execute import ReportResult, execute_report
from .executors import EXECUTORS, make_executor
from .planning import NOTEBOOKS, ReportSpec, plan_reports, relative_path, slugify

__all__ = ["BatchResult", "ReportResult", "ReportSpec", "EXECUTORS", "NOTEBOOKS", "data_digest",
           "execute_report", "make_executor", "plan_reports", "relative_path", "report_fingerprint",
           "run_batch", "slugify"]
