"""Where reports run: a pool of local worker processes, or a Dask cluster.

Executors are found by name in :data:`EXECUTORS`; :func:`make_executor` picks
one from the command line's options.
"""
from __future__ import annotations

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


class LocalExecutor:
    """A pool of worker processes on this machine; they end with the process that made them."""

    def __init__(self, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=max(1, jobs),
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=end_with_parent, initargs=(os.getpid(),))

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)

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

    def close(self):
        self.client.close()

    @staticmethod
    def as_completed(futures):
        from distributed import as_completed as dask_completed

        return dask_completed(futures)


EXECUTORS = {"local": LocalExecutor, "dask": DaskExecutor}


def make_executor(jobs: int, scheduler: str | None = None):
    """A Dask executor when a scheduler address is given, else a local pool of ``jobs`` workers."""
    return EXECUTORS["dask"](scheduler) if scheduler else EXECUTORS["local"](jobs)
