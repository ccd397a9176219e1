"""Where reports run: a pool of local worker processes, or a Dask cluster.

Executors are found by name in :data:`EXECUTORS`; :func:`make_executor` picks
one from the command line's options.
"""
from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
import time
from concurrent.futures import as_completed

#: ``prctl(2)`` option: the signal a process gets when its parent ends.
_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """Make this worker process end when the batch's process ``parent`` does, even when
    that is killed with SIGKILL (which runs no clean-up): on Linux the kernel sends it
    SIGKILL (``prctl(PR_SET_PDEATHSIG)``), elsewhere a thread checks every second. Its
    kernel then ends too: ipykernel polls its parent (the worker) and exits when it has
    gone. (Runs first in every worker: the pool's initializer.)"""
    import signal

    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        def watch():
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="end-with-parent").start()
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


def skip_unused_iri_checks() -> None:
    """Keep this process from importing ``rfc3987_syntax``, which jsonschema (under
    nbformat, papermill and nbclient) imports for its "iri" format checks when it is
    installed (jupyterlab brings it, through ``jsonschema[format-nongpl]``). Importing it
    builds some 35 Earley grammars: 1–2 s of every worker's start, the largest import of
    all (python-jsonschema/jsonschema#1428). A notebook's schema has no "iri" format, and
    nbformat checks no formats, so nothing a worker does needs it. (Only in the runner's
    own worker processes; a process that imported it already keeps it.)"""
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: ImportError, skipped


#: Optional modules that papermill, nbformat and nbconvert import when they are installed
#: and a worker never uses: jsonschema's checkers of string formats (nbformat checks no
#: format; jupyterlab brings them, through ``jsonschema[format-nongpl]``: arrow and its
#: date parsing among them) and papermill's HDFS handler (``pyarrow.fs``, which imports
#: pyarrow and numpy into a worker that has no other use for them). Together a third of a
#: worker's imports (about 0.25 s of CPU of each worker's start).
UNUSED_BY_WORKERS = ("pyarrow.fs", "fqdn", "rfc3986_validator", "rfc3339_validator", "webcolors",
                     "jsonpointer", "uri_template", "isoduration")


@contextlib.contextmanager
def _absent(names):
    """Import as if the modules ``names`` were not installed (an ``import`` of one raises
    ImportError, which the optional imports above skip); as it ends they are importable
    again, so that nothing imported later is kept from them."""
    marked = [name for name in names if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None
    try:
        yield
    finally:
        for name in marked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def start_worker(parent: int, warm: dict | None = None) -> None:
    """What a worker does as it starts (the pool's initializer): end with ``parent``
    (:func:`end_with_parent`), then, with ``warm`` (``cwd``: the notebooks' folder,
    ``data_dir``), pay before its first report what every report would: its kernel started
    first, importing the package and keeping the data set when the cache holds it
    (:func:`~regionanalytics.runner.kernels.launch_warm`), while this worker imports the
    runner's modules (without those in :data:`UNUSED_BY_WORKERS`) and compiles the HTML
    exporter's templates; then it waits for the kernel
    (:func:`~regionanalytics.runner.kernels.warm_up`); with ``pdf`` in ``warm`` its
    browser started too (:func:`~regionanalytics.runner.pdf.warm_browser`). Last, what it
    has made is frozen out of the garbage collector's full passes (:func:`gc.freeze`): its
    reports' collections and its exit (a full collection of every module's objects, half
    a second that the batch waited for as it ended) skip them."""
    end_with_parent(parent)
    skip_unused_iri_checks()
    if warm:
        from .kernels import launch_warm, warm_up

        launched = launch_warm(warm["cwd"], warm.get("data_dir"))
        try:
            with _absent(UNUSED_BY_WORKERS):
                from . import execute, render

                execute._engine()
                render.html_exporter()
        except Exception:  # noqa: BLE001 - the first report meets it, and says it
            return
        if launched:
            warm_up(warm["cwd"], warm.get("data_dir"))
        if warm.get("pdf"):
            from .pdf import warm_browser

            warm_browser()
        gc.freeze()


def _ready() -> int:
    return os.getpid()


class LocalExecutor:
    """A pool of worker processes on this machine; they end with the process that made them.

    With ``warm`` (see :func:`start_worker`) every worker starts at once and warms its
    kernel while the caller goes on (the batch loads and checks the data meanwhile).
    """

    def __init__(self, jobs: int, warm: dict | None = None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.jobs = max(1, jobs)
        self.pool = ProcessPoolExecutor(max_workers=self.jobs,
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=start_worker, initargs=(os.getpid(), warm))
        if warm:
            for _ in range(self.jobs):  # a worker starts per task waiting for one
                self.pool.submit(_ready)

    @property
    def broken(self) -> bool:
        return bool(getattr(self.pool, "_broken", False)) or bool(getattr(self.pool, "_shutdown_thread", False))

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    def close(self, wait: bool = True):
        self.pool.shutdown(wait=wait, cancel_futures=True)

    @staticmethod
    def as_completed(futures):
        return as_completed(futures)


class DaskExecutor:
    """Spread reports over a Dask cluster (``--scheduler ADDRESS``).

    Every worker needs this package installed and the data folder at the same path.
    """

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address)

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def close(self, wait: bool = True):
        self.client.close()

    @staticmethod
    def as_completed(futures):
        from distributed import as_completed as dask_completed

        return dask_completed(futures)


class SharedLocalExecutor(LocalExecutor):
    """A local pool kept after a batch for the next batch of this process (an analyst's
    notebook or a test session running one batch after another): its workers and their
    kernels are warm already. Kept only while nothing a worker took from this process when
    it started has changed: the environment (the cache folder, the pseudonym key), the
    working folder, the interpreter's path and the package's code. Its workers end with
    the process (or :func:`close_shared`)."""

    def close(self, wait: bool = True):  # kept for the next batch; a broken pool is replaced
        if self.broken:
            super().close(wait)


_SHARED: dict = {}

#: Environment variables that change from call to call without meaning anything to a
#: worker (pytest names the running test in one): a kept pool does not end for them.
VOLATILE_ENVIRONMENT = frozenset({"PYTEST_CURRENT_TEST"})


def _process_state() -> tuple:
    """What a worker took from this process as it started, for :func:`shared_executor`."""
    from .fingerprint import package_fingerprint

    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE_ENVIRONMENT))
    return (environment, os.getcwd(), tuple(sys.path), package_fingerprint())


def shared_executor(jobs: int, warm: dict | None = None) -> SharedLocalExecutor:
    """This process's kept pool of ``jobs`` workers (:class:`SharedLocalExecutor`), made
    (and warmed with ``warm``) when there is none that fits."""
    key = (max(1, jobs), _process_state())
    kept = _SHARED.get("executor")
    if kept is not None and (_SHARED.get("key") != key or kept.broken):
        close_shared()
        kept = None
    if kept is None:
        kept = SharedLocalExecutor(jobs, warm)
        _SHARED.update(executor=kept, key=key)
        if not _SHARED.get("atexit"):  # ended while the interpreter is whole: no noise at exit
            atexit.register(close_shared)
            _SHARED["atexit"] = True
    return kept


def close_shared() -> None:
    """End the kept pool's workers (and with them their kernels)."""
    kept = _SHARED.pop("executor", None)
    _SHARED.pop("key", None)
    if kept is not None:
        kept.pool.shutdown(wait=True, cancel_futures=True)


EXECUTORS = {"local": LocalExecutor, "dask": DaskExecutor}


def make_executor(jobs: int, scheduler: str | None = None, warm: dict | None = None,
                  keep: bool = False):
    """A Dask executor when a scheduler address is given, else a local pool of ``jobs``
    workers, warmed with ``warm`` (:func:`start_worker`), and with ``keep`` the process's
    kept pool (:func:`shared_executor`)."""
    if scheduler:
        return EXECUTORS["dask"](scheduler)
    return shared_executor(jobs, warm) if keep else EXECUTORS["local"](jobs, warm)
