"""One warm Jupyter kernel per worker process, reset between reports."""
from __future__ import annotations

import os

#: Seconds a kernel may take to start: parallel start-ups on 2 cores must not time each other out.
KERNEL_START_TIMEOUT = 180

_WARM: dict = {}  # per worker process: the kernel kept warm between reports


#: A report's kernel keeps no input history (a database write per cell) and no output
#: cache (``Out``, which would keep every earlier report's tables alive).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False", "--InteractiveShell.cache_size=0"]

#: Run in a reused kernel before a report's first cell: every report runs top to bottom
#: from its parameters alone. Every name the previous report left is deleted and its
#: figures closed; IPython's own names stay. (``%reset -f`` does the same and a full garbage
#: collection besides, which took a quarter of a report's kernel time.)
RESET_CODE = """\
def _regionanalytics_reset(ip=get_ipython()):
    import matplotlib.pyplot as plt
    for name in [n for n in ip.user_ns if n not in ip.user_ns_hidden]:
        del ip.user_ns[name]
    plt.close("all")
_regionanalytics_reset()
"""


def receive_code(figures: bytes) -> str:
    """Run in a report's kernel before its first cell (after :data:`RESET_CODE`): keep the
    region's figures the batch's main process worked out (``figures``, from
    :func:`regionanalytics.report.hand_over`), so that the kernel does not work them
    out again. It leaves no name behind, and the executed notebook does not keep it."""
    import base64

    return ("__import__('regionanalytics.report', fromlist=['_']).receive_region_figures("
            f"__import__('base64').b64decode({base64.b64encode(figures).decode('ascii')!r})) and None\n")


def warm_kernel(cwd: str, data_dir: str | None = None):
    """This worker's kernel, started on first use and reused for the next report, and
    whether it ran a report before (then the namespace is to be reset first:
    :data:`RESET_CODE`, run by the report's own client before its first cell).

    Re-using a kernel saves its start-up and the imports (the floor of every
    report). A kernel that failed a report is shut down and replaced. (An async
    kernel manager, so that nbclient's watch for a dead kernel keeps running while
    a cell executes.) With ``data_dir`` a new kernel runs :data:`WARM_UP_CODE` as it
    starts (:func:`launch_warm`).
    """
    from jupyter_core.utils import run_sync

    km = _WARM.get("km")
    if km is not None and (not run_sync(km.is_alive)() or _WARM.get("cwd") != cwd):
        shutdown_warm()
        km = None
    if km is None:
        km = _start(cwd, None if data_dir is None else warm_up_code(data_dir))
    used, _WARM["used"] = _WARM.get("used", False), True
    return km, used


def _start(cwd: str, startup_code: str | None):
    """Start this worker's kernel process (and return at once), with ``startup_code`` run
    in it before it answers its first request."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    arguments = KERNEL_ARGUMENTS + ([f"--IPKernelApp.exec_lines={startup_code}"] if startup_code else [])
    km = AsyncKernelManager(kernel_name="python3")
    with open(os.devnull, "w") as devnull:
        run_sync(km.start_kernel)(cwd=cwd, stderr=devnull, extra_arguments=arguments)
    _WARM.update(km=km, cwd=cwd, used=False)
    if not _WARM.get("atexit"):
        import atexit
        atexit.register(shutdown_warm)
        _WARM["atexit"] = True
    return km


#: Run once in a new kernel as it starts, before it answers its first request (its
#: ``exec_lines``: the imports begin the moment the process does, while its worker imports
#: papermill and nbconvert and the batch checks the data): the imports every report pays
#: (pandas, matplotlib and its inline backend, every report kind), and the data set when
#: the parsed-table cache holds it already (so the first report reads no file; never a
#: parse: a cold cache is left to the first report, after the main process has filled it).
#: Then the objects it made are frozen out of the garbage collector's full passes
#: (:func:`gc.freeze`): every report's collections skip the modules' objects. It leaves no
#: name behind. An error in it only costs its time: IPython shows it (on the kernel's
#: stderr, not kept) and the kernel starts as it would have.
WARM_UP_CODE = """\
def _regionanalytics_warm_up(data_dir):
    import gc
    import matplotlib.pyplot
    import regionanalytics.report as report
    for name in report.__all__:  # every report kind, imported on first use
        getattr(report, name)
    if data_dir:
        from regionanalytics.data import preload
        preload(data_dir)
    gc.freeze()
_regionanalytics_warm_up({data_dir!r})
del _regionanalytics_warm_up
"""


def warm_up_code(data_dir: str | None) -> str:
    """:data:`WARM_UP_CODE` for the data folder ``data_dir`` (None or "": imports only)."""
    return WARM_UP_CODE.format(data_dir=data_dir or "")


def launch_warm(cwd: str, data_dir: str | None = None) -> bool:
    """Start this worker's kernel process now, with :data:`WARM_UP_CODE` as its start-up
    code, and return at once (:func:`warm_up` waits for it). Run first as a worker starts.
    False when it could not be started: the first report starts its kernel as it would have."""
    try:
        warm_kernel(cwd, data_dir or "")
        _WARM["used"] = False
        return True
    except Exception:  # noqa: BLE001 - the report's own start says what is wrong
        shutdown_warm()
        return False


def warm_up(cwd: str, data_dir: str | None = None) -> bool:
    """Start this worker's kernel (unless :func:`launch_warm` did) and wait until it has
    run :data:`WARM_UP_CODE` and is ready, so that the worker's first report starts warm;
    True when the kernel is ready. Run as a worker starts, while the batch's main process
    loads and checks the data. A warm-up that fails only costs its time: the report starts
    its kernel as it would have."""
    from jupyter_core.utils import run_sync

    try:
        km, _ = warm_kernel(cwd, data_dir or "")
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=KERNEL_START_TIMEOUT)
        finally:
            kc.stop_channels()
        return True
    except Exception:  # noqa: BLE001 - the report's own start says what is wrong
        shutdown_warm()
        return False


def shutdown_warm() -> None:
    from jupyter_core.utils import run_sync

    km = _WARM.pop("km", None)
    _WARM.pop("cwd", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone
            pass
