"""Write the bytecode of every module a batch's processes import, once, at set-up.

uv installs packages without their bytecode, and a machine whose environment sets
``PYTHONDONTWRITEBYTECODE`` never writes it afterwards either: then every process
(the command line, each worker, each kernel) compiles every module it imports from
source, every time (pandas alone is about 2 s of CPU). Importing them here once, with
bytecode writing on, leaves the ``.pyc`` files beside the modules, which every later
process reads whatever its environment says. Compiling all of site-packages instead
(``--compile-bytecode``) took 22 s of CPU for modules no report imports.
"""
import importlib
import subprocess
import sys

sys.dont_write_bytecode = False

#: What the command line, a worker and a kernel import to make every kind of report, in
#: two groups of about equal cost (the tables and charts; the notebooks and kernels),
#: each imported by a process of its own: on 2 cores, in about half the time. A module
#: both import is written by both, each through a file of its own renamed into place.
GROUPS = [
    ["regionanalytics.cli", "regionanalytics.runner.batch", "regionanalytics.report.director",
     "regionanalytics.report.division", "regionanalytics.report.unit", "regionanalytics.report.region",
     "regionanalytics.report.summary_excel", "regionanalytics.report.text_check", "matplotlib.pyplot",
     "openpyxl", "pyarrow.parquet", "pyarrow.csv"],
    ["regionanalytics.runner.execute", "regionanalytics.runner.render", "regionanalytics.runner.pdf",
     "papermill", "papermill.engines", "nbclient", "nbconvert", "jupyter_client.manager",
     "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel_launcher", "matplotlib_inline.backend_inline",
     "IPython"],
]
#: What printing PDFs imports (the pdf extra), when it is installed: pypdf alone is 1.4 s
#: of CPU per worker compiled from source.
OPTIONAL = ["pypdf", "playwright.sync_api"]


def warm(group: int) -> None:
    for name in GROUPS[group]:
        importlib.import_module(name)
    if group == 1:
        for name in OPTIONAL:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        from regionanalytics.runner.render import html_exporter

        html_exporter()  # the exporter's own imports (its filters and lexers)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        warm(int(sys.argv[1]))
    else:
        procs = [subprocess.Popen([sys.executable, __file__, str(i)]) for i in range(len(GROUPS))]
        sys.exit(max(p.wait() for p in procs))
