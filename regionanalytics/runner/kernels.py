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


def warm_kernel(cwd: str):
    """This worker's kernel, started on first use and reused for the next report, and
    whether it ran a report before (then the namespace is to be reset first:
    :data:`RESET_CODE`, run by the report's own client before its first cell).

    Re-using a kernel saves its start-up and the imports (the floor of every
    report). A kernel that failed a report is shut down and replaced. (An async
    kernel manager, so that nbclient's watch for a dead kernel keeps running while
    a cell executes.)
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _WARM.get("km")
    if km is not None and (not run_sync(km.is_alive)() or _WARM.get("cwd") != cwd):
        shutdown_warm()
        km = None
    if km is None:
        km = AsyncKernelManager(kernel_name="python3")
        with open(os.devnull, "w") as devnull:
            run_sync(km.start_kernel)(cwd=cwd, stderr=devnull, extra_arguments=KERNEL_ARGUMENTS)
        _WARM.update(km=km, cwd=cwd, used=False)
        import atexit
        atexit.register(shutdown_warm)
    used, _WARM["used"] = _WARM.get("used", False), True
    return km, used


def shutdown_warm() -> None:
    from jupyter_core.utils import run_sync

    km = _WARM.pop("km", None)
    _WARM.pop("cwd", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone
            pass
