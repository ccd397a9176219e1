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
import sys

sys.dont_write_bytecode = False

#: What the command line, a worker and a kernel import to make every kind of report.
MODULES = [
    "regionanalytics.cli", "regionanalytics.runner.batch", "regionanalytics.runner.execute",
    "regionanalytics.runner.render", "regionanalytics.runner.pdf", "regionanalytics.report.director",
    "regionanalytics.report.division", "regionanalytics.report.unit", "regionanalytics.report.region",
    "regionanalytics.report.summary_excel", "regionanalytics.report.text_check",
    "papermill", "papermill.engines", "nbclient", "nbconvert", "jupyter_client.manager",
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel_launcher", "matplotlib.pyplot",
    "matplotlib_inline.backend_inline", "openpyxl", "pyarrow.parquet", "pyarrow.csv", "IPython",
]
#: What printing PDFs imports (the pdf extra), when it is installed: pypdf alone is 1.4 s
#: of CPU per worker compiled from source.
OPTIONAL = ["pypdf", "playwright.sync_api"]

if __name__ == "__main__":
    for name in MODULES:
        importlib.import_module(name)
    for name in OPTIONAL:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    from regionanalytics.runner.render import html_exporter

    html_exporter()  # the exporter's own imports (its filters and lexers)
