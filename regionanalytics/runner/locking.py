"""One run at a time writes a period's output folder: a lock that says who holds it.

Two runs into one folder would each rewrite the manifest and the index from what
they know, so one run's reports drop out of them, and one clears the working
folder the other is writing in. The lock is an OS file lock (``filelock``'s
``flock`` on Linux): it ends with the process that holds it, so a killed run
leaves no stale lock. Beside it the holder writes who it is (process, user,
host, since when, what it makes), which a second run shows while it waits or
when it gives up.
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..exceptions import OutputError
from ..iorw import atomic_write

LOCK_FILE = ".regionanalytics.lock"
HOLDER_FILE = ".regionanalytics.lock.json"


def _me(what: str) -> dict:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return {"pid": os.getpid(), "user": user, "host": socket.gethostname(),
            "since": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "what": what}


def holder(folder: Path) -> str:
    """Who holds the lock of ``folder``, as one phrase (as far as the holder said)."""
    try:
        h = json.loads((Path(folder) / HOLDER_FILE).read_text(encoding="utf-8"))
        return f"process {h['pid']} of {h['user']} on {h['host']}, since {h['since']}: {h['what']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that has not said who it is yet"


@contextmanager
def output_lock(folder: Path, wait: float = 600, what: str = "regionanalytics run"):
    """Hold the lock of the output folder ``folder`` for the block.

    When another run holds it, say so on stderr and wait up to ``wait`` seconds; then,
    or at once with ``wait`` 0, raise :class:`OutputError` naming the holder.
    """
    from filelock import FileLock, Timeout

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_FILE, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = holder(folder)
        if wait <= 0:
            raise OutputError(f"{folder} is being written by another run ({who}). Run again when it has "
                              "finished (its reports are then up to date and skipped), or give --wait SECONDS."
                              ) from None
        print(f"{folder} is being written by another run ({who}); waiting up to {wait:g} s for it to finish",
              file=sys.stderr)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise OutputError(f"{folder} is still being written by another run after {wait:g} s "
                              f"({holder(folder)}). Run again when it has finished, or give a longer --wait."
                              ) from None
    try:
        atomic_write(folder / HOLDER_FILE, json.dumps(_me(what), ensure_ascii=False))
        yield
    finally:
        try:
            (folder / HOLDER_FILE).unlink(missing_ok=True)
        finally:
            lock.release()
