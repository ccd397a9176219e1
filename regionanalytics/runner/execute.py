"""Execute one report with papermill and render it to shareable HTML (runs in a worker)."""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..iorw import atomic_write
from .kernels import KERNEL_START_TIMEOUT, receive_code, shutdown_warm, warm_kernel
from .planning import ReportSpec


@dataclass
class ReportResult:
    slug: str
    title: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    html: str | None = None
    notebook: str | None = None
    error: str | None = None
    fingerprint: str | None = None
    figures: dict | None = None
    division: str | None = None  # None for the region overview
    unit: str | None = None  # the unit of a unit report
    pdf: str | None = None
    #: Digest of the data the report was made from (:func:`~regionanalytics.runner.batch.data_digest`).
    data_digest: str | None = None
    #: SHA-256 of the executed notebook as the run wrote it: a re-run that re-renders the
    #: report's text (:mod:`.rerender`) keeps its other outputs only from that very file.
    notebook_sha256: str | None = None


def execute_report(spec: ReportSpec, out_dir: str, timeout: int, fingerprint: str,
                   warm: bool = True, pdf: dict | None = None, figures: bytes | None = None) -> ReportResult:
    """Execute and render one report (runs in a worker process); with ``pdf`` (the page
    header's ``period_sv`` and ``region``) also print it as a PDF beside the HTML. With
    ``figures`` (the region's figures from the batch's main process:
    :func:`regionanalytics.report.hand_over`) the kernel is handed them before the
    report's first cell (:func:`~regionanalytics.runner.kernels.receive_code`) and uses
    them when they are of the report's data and period."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..report import figures_from_notebook
    from .render import notebook_to_html

    out = Path(out_dir)
    work = out / ".work"
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = work / f"{spec.slug}.ipynb"
    result = ReportResult(spec.slug, spec.title, "failed", fingerprint=fingerprint,
                          division=spec.parameters.get("division"), unit=spec.unit)
    cwd = str(Path(spec.notebook).parent)
    try:
        for attempt in (1, 2):
            try:
                km, used = warm_kernel(cwd) if warm else (None, False)
                nb = pm.execute_notebook(
                    spec.notebook, str(partial), parameters=spec.parameters,
                    kernel_name="python3", cwd=cwd, progress_bar=False, log_output=False,
                    execution_timeout=timeout, start_timeout=KERNEL_START_TIMEOUT,
                    report_mode=False, km=km, engine_name=_engine(), reset_namespace=used,
                    prelude=receive_code(figures) if figures else "")
                break
            except PapermillExecutionError:
                raise
            except Exception:
                # a kernel that could not start (port race, slow start-up) gets one more try;
                # a failure after cells ran is the report's own and is not retried
                shutdown_warm()
                if attempt == 2 or _cells_ran(partial):
                    raise
        html = notebook_to_html(nb, spec.title)
        atomic_write(out / f"{spec.slug}.html", html)
        if pdf is not None:
            from .pdf import print_pdf

            print_pdf(out / f"{spec.slug}.html", out / f"{spec.slug}.pdf", **pdf)
            result.pdf = f"{spec.slug}.pdf"
        os.replace(partial, out / f"{spec.slug}.ipynb")  # written once, by papermill, as it ends
        (out / f"{spec.slug}.error.ipynb").unlink(missing_ok=True)
        result.status, result.html, result.notebook = "ok", f"{spec.slug}.html", f"{spec.slug}.ipynb"
        result.figures = figures_from_notebook(nb)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        shutdown_warm()  # never run the next report in a kernel left in an unknown state
        if isinstance(exc, OSError) and exc.errno is not None and exc.filename is None:
            exc.filename = str(partial)  # papermill's own write of the notebook names no file
            # (an OSError without errno is no failed write: nbclient's CellTimeoutError)
        result.error = describe_error(exc)
        if _complete_notebook(partial):
            try:
                os.replace(partial, out / f"{spec.slug}.error.ipynb")
                result.notebook = f"{spec.slug}.error.ipynb"
            except OSError:
                pass
        partial.unlink(missing_ok=True)  # half-written (a full disk): nothing that looks like a notebook
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _cells_ran(path: Path) -> bool:
    """Whether the report's notebook shows that cells ran (a half-written one: they did)."""
    import nbformat

    if not path.exists():
        return False
    try:
        return any(c.get("execution_count") for c in nbformat.read(path, as_version=4).cells)
    except Exception:  # noqa: BLE001 - written in part: it ran, and failed writing
        return True


def _complete_notebook(path: Path) -> bool:
    """Whether ``path`` is a whole notebook (papermill writes it in place: a disk that
    filled up while it wrote leaves half a file, which is no notebook to keep)."""
    import nbformat

    try:
        nbformat.read(path, as_version=4)
        return True
    except Exception:  # noqa: BLE001 - absent, truncated or not JSON
        return False


def _without_local_paths(nb) -> None:
    """Papermill records where it read and wrote the notebook on this machine; keep only
    the file names (the manifest says which notebook and version made the report)."""
    meta = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if meta.get(key):
            meta[key] = Path(meta[key]).name


_ENGINE = "regionanalytics"


def _engine() -> str:
    """Our papermill engine, registered in papermill's engine registry on first use.

    - The notebook is written once, when the run ends, instead of as it starts and twice
      per cell: 40 writes of a report with its images were a tenth of its time. A report
      that fails or whose kernel dies is still written, with every output so far, when
      papermill completes the run.
    - An output is not checked against the notebook schema as it arrives (a jsonschema
      walk per output, 15 ms a division report): the whole notebook is checked once, by
      nbformat's compiled schema (3 ms), when its cells have run; an output that does not
      fit fails the report as the check per output did.
    - The notebook keeps only the file names of where it was read and written.
    - In a reused kernel the namespace is reset by the report's own kernel client before
      its first cell (``reset_namespace``): a second client only for the reset cost a
      connection and a round trip per report. In the same cell the kernel is handed what
      ``prelude`` holds (the region's figures, :func:`.kernels.receive_code`); the cell is
      not kept in the notebook.
    - The report's connection to the kernel is closed when it ends (the kernel stays):
      a worker making hundreds of unit reports would otherwise run out of file descriptors.
    """
    import nbformat
    import nbformat.v4.nbbase as nbbase
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    from .kernels import RESET_CODE

    if _ENGINE not in papermill_engines._engines:
        class ResetFirstClient(PapermillNotebookClient):
            reset_first = False
            prelude = ""

            def papermill_execute_cells(self):
                code = (RESET_CODE if self.reset_first else "") + self.prelude
                if code and self.nb.cells:
                    first = self.nb.cells[0]  # nbclient puts an executed cell in its place
                    try:
                        self.execute_cell(nbformat.v4.new_code_cell(code), 0, store_history=False)
                    finally:
                        self.nb.cells[0] = first
                super().papermill_execute_cells()

            def output(self, outs, msg, display_id, cell_index):
                check, nbbase.validate = nbbase.validate, lambda node, ref=None: None
                try:  # nbformat's output_from_msg, unchecked (the notebook is, whole, when its cells have run)
                    return super().output(outs, msg, display_id, cell_index)
                finally:
                    nbbase.validate = check

        class SaveAtEndEngine(NBClientEngine):
            @classmethod
            def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                                 log_output=False, autosave_cell_every=30, **kwargs):
                # papermill's Engine.execute_notebook, without the write as the run starts
                nb_man = NotebookExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                                  log_output=log_output, autosave_cell_every=autosave_cell_every)
                save, nb_man.save = nb_man.save, lambda **_: None
                try:
                    nb_man.notebook_start()
                finally:
                    nb_man.save = save
                try:
                    cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
                finally:
                    nb_man.cleanup_pbar()
                    nb_man.notebook_complete()
                return nb_man.nb

            @classmethod
            def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                         stderr_file=None, start_timeout=60, execution_timeout=None,
                                         reset_namespace=False, prelude="", **kwargs):
                # papermill's own engine, with our client (its arguments passed on as it does)
                kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
                final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                     kernel_name=kernel_name, log=logger, log_output=log_output,
                                     stdout_file=stdout_file, stderr_file=stderr_file)
                save, nb_man.save = nb_man.save, lambda **_: None
                done, client = False, None
                try:
                    client = ResetFirstClient(nb_man, **final)
                    client.reset_first, client.prelude = reset_namespace, prelude
                    result = client.execute()
                    nbformat.validate(nb_man.nb)  # the outputs, unchecked as they came
                    done = True
                    return result
                finally:
                    _without_local_paths(nb_man.nb)
                    if not done:  # a dead kernel: papermill's notebook_complete writes what ran
                        nb_man.save = save
                    if client is not None and client.kc is not None:
                        # nbclient leaves the connection to a kernel it was given open
                        # (jupyter/nbclient#348): its sockets, heartbeat thread and zmq
                        # context, 14 file descriptors and 3 threads per report
                        client.kc.stop_channels()

        papermill_engines.register(_ENGINE, SaveAtEndEngine)
    return _ENGINE


def describe_error(exc: Exception) -> str:
    """One line for the manifest and the index: what went wrong in a report."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    from nbclient.exceptions import CellTimeoutError

    if isinstance(exc, CellTimeoutError):  # its message goes on with the cell's code: the first line
        return f"nbclient.exceptions.CellTimeoutError: {str(exc).splitlines()[0]} Raise --timeout if the report needs longer."
    if isinstance(exc, OSError) and exc.errno is not None:
        from ..exceptions import os_error_text

        return os_error_text(exc)
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
