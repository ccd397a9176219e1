"""Where reports run: a pool of local worker processes, or a Dask cluster.

Executors are found by name in :data:`EXECUTORS`; :func:`make_executor` picks
one from the command line's options.
"""
from __future__ import annotations

from concurrent.futures import as_completed


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
