"""The package's own digest: a change of its code makes every report again, and ends a kept
pool of workers. (A module of its own, without pandas: the batch's main process starts its
workers before it imports pandas.)"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .. import __version__

#: The package's digest, worked out once per process.
_PACKAGE: dict = {}


def package_fingerprint() -> str:
    """SHA-256 of the whole package as installed: every module and template (the notebooks
    are fingerprinted one by one, per report). A change of code re-runs the reports."""
    if "digest" not in _PACKAGE:
        root = Path(__file__).parents[1]
        h = hashlib.sha256(__version__.encode())
        for path in sorted(root.rglob("*")):
            if path.is_file() and "notebooks" not in path.relative_to(root).parts \
                    and path.suffix in (".py", ".j2", ".json", ".css") and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
        _PACKAGE["digest"] = h.hexdigest()
    return _PACKAGE["digest"]
