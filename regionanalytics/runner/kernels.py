"""One warm Jupyter kernel per worker process, reset between reports."""
from __future__ import annotations

import os

#: Seconds a kernel may take to start: parallel start-ups on 2 cores must not time each other out.
KERNEL_START_TIMEOUT = 180

_WARM: dict = {}  # per worker process: the kernel kept warm between reports


def warm_kernel(cwd: str):
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
        shutdown_warm()
        km = None
    if km is None:
        km = AsyncKernelManager(kernel_name="python3")
        with open(os.devnull, "w") as devnull:
            run_sync(km.start_kernel)(cwd=cwd, stderr=devnull)
        _WARM.update(km=km, cwd=cwd)
        import atexit
        atexit.register(shutdown_warm)
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


def shutdown_warm() -> None:
    from jupyter_core.utils import run_sync

    km = _WARM.pop("km", None)
    _WARM.pop("cwd", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone
            pass
