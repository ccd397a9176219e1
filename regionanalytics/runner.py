"""The batch runner: every report of a period, executed, rendered and indexed.

``run_batch`` checks the parameters and the data before any kernel starts,
executes the region overview and the division reports with papermill in
parallel, renders each to shareable HTML, and writes ``OUT/<period>/`` with
the executed notebooks, the HTML files, ``index.html``, ``summary.csv``,
``summary.xlsx`` and ``manifest.json``.

Every file is written atomically (to a temporary name, then renamed), so a
crashed or killed run never leaves a half-written file that looks complete. A
failed report keeps its executed notebook as ``<name>.error.ipynb``; the
previous complete outputs are left as they were and the other reports finish.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import traceback
import unicodedata
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__, labels
from .exceptions import ParameterError, RegionAnalyticsError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
DIVISION_NOTEBOOK = "division_report.ipynb"
REGION_NOTEBOOK = "region_overview.ipynb"
REGION_SLUG = "region"
KERNEL_START_TIMEOUT = 180  # parallel start-ups on 2 cores must not time each other out

_CREDENTIAL_NAME = re.compile(r"pass(word|wd)?|secret|token|api[_-]?key|credential|auth", re.I)
_CREDENTIAL_VALUE = re.compile(
    r"://[^/\s:@]+:[^/\s@]+@"          # user:password@ in a URL
    r"|-----BEGIN [A-Z ]*PRIVATE KEY"   # a private key
    r"|\b(ghp|gho|github_pat|xox[bap]|sk)[-_][A-Za-z0-9_]{16,}"  # well-known token prefixes
    r"|\bAKIA[0-9A-Z]{16}\b"            # an AWS access key id
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."  # a JSON web token
    r"|[?&](password|token|secret|key|sig)=", re.I)


# --------------------------------------------------------------------------- planning

@dataclass
class ReportSpec:
    """One report to produce."""

    slug: str
    title: str
    notebook: str
    parameters: dict

    @property
    def key(self) -> str:
        return self.parameters.get("division", REGION_SLUG)


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
    #: Digest of the data the report was made from (:func:`data_digest`).
    data: str | None = None


@dataclass
class BatchResult:
    period: str
    out_dir: Path
    reports: list[ReportResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status in ("ok", "skipped") for r in self.reports)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if r.status == "failed"]


def slugify(name: str) -> str:
    """A safe file name for a report: ASCII letters, digits and dashes only.

    >>> slugify("Närsjukvård Luleå-Boden")
    'narsjukvard-lulea-boden'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60] or "division"


def check_parameters(parameters: dict) -> None:
    """Refuse a parameter that looks like a credential (papermill copies every
    parameter into the shared notebook and its metadata)."""
    for name, value in parameters.items():
        if _CREDENTIAL_NAME.search(name):
            raise ParameterError(
                f"Parameter {name!r} looks like a credential. Reports are shared and papermill "
                "writes every parameter into them: give secrets to the data source through the "
                "environment instead.")
        if isinstance(value, str) and _CREDENTIAL_VALUE.search(value):
            raise ParameterError(
                f"Parameter {name!r} has a value that looks like a password or token. Reports are "
                "shared and papermill writes every parameter into them: read secrets from the "
                "environment instead.")


def relative_path(path: str | Path, start: Path) -> str:
    """``path`` relative to ``start`` (as text), absolute only where no relative path exists."""
    try:
        return os.path.relpath(Path(path).resolve(), start.resolve())
    except ValueError:  # another drive
        return str(Path(path).resolve())


def plan_reports(period: str, data_dir: Path, divisions: list[str] | None, known: list[str],
                 notebooks: Path = NOTEBOOKS) -> list[ReportSpec]:
    """The reports to run; unknown divisions are refused here, before any kernel starts."""
    if divisions:
        unknown = [d for d in divisions if d not in known]
        if unknown:
            raise ParameterError(
                f"Unknown division(s): {', '.join(map(repr, unknown))}. The data has: {', '.join(known)}.")
    chosen = divisions or known
    notebooks = Path(notebooks).resolve()
    # relative to the notebooks' folder (the kernel's working folder): no local absolute
    # path is written into the executed notebooks
    data = relative_path(data_dir, notebooks)
    specs = [ReportSpec(REGION_SLUG, "Regionen", str(notebooks / REGION_NOTEBOOK),
                        {"period": period, "data_dir": data})]
    used = {REGION_SLUG}
    for division in chosen:
        slug = base = "division-" + slugify(division)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        specs.append(ReportSpec(slug, labels.division_name(division, capital=True), str(notebooks / DIVISION_NOTEBOOK),
                                {"period": period, "division": division, "data_dir": data}))
    for spec in specs:
        check_parameters(spec.parameters)
    return specs


# --------------------------------------------------------------------------- files

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``path`` so it is either absent, the old file, or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_digest(data_digests: dict) -> str:
    """One short digest of every table file's SHA-256: which data a report was made from."""
    return hashlib.sha256(json.dumps(data_digests, sort_keys=True).encode()).hexdigest()[:16]


def report_fingerprint(spec: ReportSpec, data_digests: dict) -> str:
    """What a report's outputs depend on: notebook, data, parameters, package version."""
    payload = json.dumps([_sha(Path(spec.notebook)), data_digests, spec.parameters, __version__,
                          _sha(Path(__file__).parent / "report.py")], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- one report

_WARM: dict = {}  # per worker process: the kernel kept warm between reports


def _warm_kernel(cwd: str):
    """This worker's kernel, started on first use and reused for the next report.

    Re-using a kernel saves its start-up and the imports (the floor of every
    report); before each report the namespace is reset, so every report still
    runs top to bottom from its parameters alone. A kernel that failed a report
    is shut down and replaced. (An async kernel manager, so that nbclient's
    watch for a dead kernel keeps running while a cell executes.)
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _WARM.get("km")
    if km is not None and (not run_sync(km.is_alive)() or _WARM.get("cwd") != cwd):
        _shutdown_warm()
        km = None
    if km is None:
        km = AsyncKernelManager(kernel_name="python3")
        with open(os.devnull, "w") as devnull:
            run_sync(km.start_kernel)(cwd=cwd, stderr=devnull)
        _WARM.update(km=km, cwd=cwd)
        import atexit
        atexit.register(_shutdown_warm)
    else:
        run_sync(_reset_namespace)(km)
    return km


async def _reset_namespace(km) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
        await kc.execute_interactive("get_ipython().run_line_magic('reset', '-f')\n"
                                     "import matplotlib.pyplot as _plt; _plt.close('all'); del _plt",
                                     timeout=60, store_history=False)
    finally:
        kc.stop_channels()


def _shutdown_warm() -> None:
    from jupyter_core.utils import run_sync

    km = _WARM.pop("km", None)
    _WARM.pop("cwd", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone
            pass


def execute_report(spec: ReportSpec, out_dir: str, timeout: int, fingerprint: str,
                   warm: bool = True) -> ReportResult:
    """Execute and render one report (runs in a worker process)."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .render import notebook_to_html
    from .report import figures_from_notebook

    out = Path(out_dir)
    work = out / ".work"
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = work / f"{spec.slug}.ipynb"
    result = ReportResult(spec.slug, spec.title, "failed", fingerprint=fingerprint,
                          division=spec.parameters.get("division"))
    cwd = str(Path(spec.notebook).parent)
    try:
        for attempt in (1, 2):
            try:
                km = _warm_kernel(cwd) if warm else None
                pm.execute_notebook(
                    spec.notebook, str(partial), parameters=spec.parameters,
                    kernel_name="python3", cwd=cwd, progress_bar=False, log_output=False,
                    execution_timeout=timeout, start_timeout=KERNEL_START_TIMEOUT,
                    report_mode=False, km=km)
                break
            except PapermillExecutionError:
                raise
            except Exception:
                # a kernel that could not start (port race, slow start-up) gets one more try;
                # a failure after cells ran is the report's own and is not retried
                _shutdown_warm()
                ran = partial.exists() and any(c.get("execution_count") for c in
                                               nbformat.read(partial, as_version=4).cells)
                if attempt == 2 or ran:
                    raise
        nb = nbformat.read(partial, as_version=4)
        html = notebook_to_html(nb, spec.title)
        atomic_write(out / f"{spec.slug}.html", html)
        _without_local_paths(partial, nb)
        os.replace(partial, out / f"{spec.slug}.ipynb")
        (out / f"{spec.slug}.error.ipynb").unlink(missing_ok=True)
        result.status, result.html, result.notebook = "ok", f"{spec.slug}.html", f"{spec.slug}.ipynb"
        result.figures = figures_from_notebook(nb)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        _shutdown_warm()  # never run the next report in a kernel left in an unknown state
        result.error = _describe(exc)
        if partial.exists():
            os.replace(partial, out / f"{spec.slug}.error.ipynb")
            result.notebook = f"{spec.slug}.error.ipynb"
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _without_local_paths(path: Path, nb) -> None:
    """Papermill records where it read and wrote the notebook on this machine; keep only
    the file names (the manifest says which notebook and version made the report)."""
    import nbformat

    meta = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if meta.get(key):
            meta[key] = Path(meta[key]).name
    nbformat.write(nb, str(path))


def _describe(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


# --------------------------------------------------------------------------- executors

class LocalExecutor:
    """A pool of worker processes on this machine."""

    def __init__(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=max(1, jobs),
                                        mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Spread reports over a Dask cluster (``--scheduler ADDRESS``).

    Every worker needs this package installed and the data folder at the same path.
    """

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address)

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def close(self):
        self.client.close()


EXECUTORS = {"local": LocalExecutor, "dask": DaskExecutor}


def _as_completed(futures, executor):
    if isinstance(executor, DaskExecutor):
        from distributed import as_completed as dask_completed
        return dask_completed(futures)
    return as_completed(futures)


# --------------------------------------------------------------------------- the batch

def run_batch(period: str, data_dir: str | Path = "data/sample", out_dir: str | Path = "outputs",
              divisions: list[str] | None = None, jobs: int = 2, force: bool = False,
              scheduler: str | None = None, timeout: int = 600, progress: bool = True,
              notebooks: str | Path = NOTEBOOKS) -> BatchResult:
    """Produce every report of ``period``. See the module docstring.

    Raises :class:`ParameterError` or :class:`DataValidationError` before any
    kernel starts when a parameter or the data is wrong.
    """
    from .data import load_region
    from .report import check_period
    from .summary import key_metrics

    check_parameters({"period": period, "data_dir": data_dir if isinstance(data_dir, str) else os.fspath(data_dir)})
    data_dir = Path(data_dir)
    data = load_region(data_dir)
    p = check_period(data, period)
    specs = plan_reports(p.label, data_dir, divisions, data.divisions, Path(notebooks))
    digests = data.fingerprint

    out = Path(out_dir) / p.label
    out.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(out)
    summary = key_metrics(data, p)
    _write_summaries(out, summary)

    batch = BatchResult(p.label, out)
    todo = []
    for spec in specs:
        fp = report_fingerprint(spec, digests)
        old = previous.get("reports", {}).get(spec.slug, {})
        if (not force and old.get("status") in ("ok", "skipped") and old.get("fingerprint") == fp
                and (out / f"{spec.slug}.html").exists()):
            batch.reports.append(ReportResult(spec.slug, spec.title, "skipped", html=old.get("html"),
                                              notebook=old.get("notebook"), fingerprint=fp,
                                              figures=old.get("figures"),
                                              division=spec.parameters.get("division")))
        else:
            todo.append((spec, fp))

    started = datetime.now(timezone.utc)
    nb_versions = {Path(s.notebook).name: _sha(Path(s.notebook)) for s in specs}
    manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started, batch.reports,
                         [(s, "running") for s, _ in todo], nb_versions)
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))

    if todo:
        executor = DaskExecutor(scheduler) if scheduler else LocalExecutor(jobs)
        try:
            futures = {executor.submit(execute_report, spec, str(out), timeout, fp): spec for spec, fp in todo}
            bar = _progress(len(futures), progress)
            for future in _as_completed(list(futures), executor):
                spec = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker that died takes only its own report
                    result = ReportResult(spec.slug, spec.title, "failed", error=_describe(exc),
                                          division=spec.parameters.get("division"))
                batch.reports.append(result)
                bar.update(1)
                running = [(s, "running") for s, _ in todo if s.slug not in {r.slug for r in batch.reports}]
                manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started,
                                     batch.reports, running, nb_versions)
                atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            bar.close()
        finally:
            executor.close()

    order = {s.slug: i for i, s in enumerate(specs)}
    batch.reports.sort(key=lambda r: order.get(r.slug, 99))
    current = data_digest(digests)
    for r in batch.reports:
        if r.status in ("ok", "skipped"):
            r.data = current
    # reports of this period made by earlier runs (other divisions) stay listed
    carried = [ReportResult(slug=slug, **{k: v for k, v in entry.items() if k in ReportResult.__dataclass_fields__})
               for slug, entry in previous.get("reports", {}).items()
               if slug not in order and entry.get("status") in ("ok", "skipped", "failed")
               and "title" in entry]
    listed = batch.reports + sorted(carried, key=lambda r: r.title)
    manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started, listed, [],
                         nb_versions)
    manifest["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    from .index import write_index
    write_index(out, p, data_dir, listed, summary, current)
    try:
        (out / ".work").rmdir()  # only when empty: leftovers of a killed run stay for inspection
    except OSError:
        pass
    _print_outcome(batch)
    return batch


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Reports", unit="report", disable=not enabled)


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _manifest(period, data_dir, digests, jobs, scheduler, force, started, reports, running,
              nb_versions) -> dict:
    entries = {r.slug: {k: v for k, v in asdict(r).items() if k != "slug"} for r in reports}
    for spec, status in running:
        entries.setdefault(spec.slug, {"title": spec.title, "status": status})
    return {
        "period": period,
        "parameters": {"period": period, "data_dir": relative_path(data_dir, Path.cwd()), "jobs": jobs,
                       "scheduler": scheduler, "force": force},
        "data_fingerprint": digests,
        "package_version": __version__,
        "notebook_versions": nb_versions,
        "started": started.isoformat(timespec="seconds"),
        "reports": entries,
    }


def _write_summaries(out: Path, summary) -> None:
    import io

    from .summary_excel import summary_workbook

    buffer = io.StringIO()
    summary.assign(value=summary["value"].round(4) + 0.0).to_csv(buffer, index=False)  # never -0.0
    atomic_write(out / "summary.csv", buffer.getvalue())
    atomic_write(out / "summary.xlsx", summary_workbook(summary))


def _print_outcome(batch: BatchResult) -> None:
    import sys

    for r in batch.reports:
        mark = {"ok": "ok", "skipped": "up to date", "failed": "FAILED"}[r.status]
        where = r.html or r.notebook or ""
        print(f"  {mark:<10} {r.title:<36} {where}", file=sys.stderr)
    if batch.failed:
        print(f"{len(batch.failed)} report(s) failed; see the .error.ipynb files in {batch.out_dir}:",
              file=sys.stderr)
        for r in batch.failed:
            print(f"  - {r.title}: {r.error}", file=sys.stderr)
    else:
        print(f"All reports written to {batch.out_dir} (open index.html)", file=sys.stderr)
