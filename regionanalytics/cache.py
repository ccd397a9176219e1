"""A cache of parsed, validated tables as parquet, keyed on the source files' content.

Parsing Swedish CSV exports is the slow part of loading. Once a data folder has
been read and validated, its tables are written as parquet under the cache
folder (``$REGIONANALYTICS_CACHE``, default ``~/.cache/regionanalytics``); the
next load of byte-identical files reads the parquet instead. The data folder
itself is never written to.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from . import __version__
from .iorw import atomic_folder

_FORMAT = 3  # bump when the parsed representation changes


def cache_dir() -> Path:
    return Path(os.environ.get("REGIONANALYTICS_CACHE", Path.home() / ".cache" / "regionanalytics"))


def _key(digests: dict[str, str]) -> str:
    from .schema import TABLES

    spec = repr([(t.name, t.columns) for t in TABLES.values()])
    payload = json.dumps([digests, __version__, _FORMAT, spec], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def read(digests: dict[str, str]) -> tuple[dict[str, pd.DataFrame], list[str]] | None:
    """The cached tables for these files and the notes of their loading, or None."""
    folder = cache_dir() / _key(digests)
    if not (folder / "complete").exists():
        return None
    try:
        notes = json.loads((folder / "notes.json").read_text(encoding="utf-8"))
        return {t: pd.read_parquet(folder / f"{t}.parquet") for t in digests}, notes
    except Exception:  # a damaged cache is only a slower load
        return None


def write(digests: dict[str, str], tables: dict[str, pd.DataFrame], notes: list[str] = ()) -> None:
    """Store validated tables; silently skipped where the cache folder is not writable."""
    try:
        final = cache_dir() / _key(digests)
        if (final / "complete").exists():
            return
        with atomic_folder(final) as tmp:
            for table in digests:
                tables[table].to_parquet(tmp / f"{table}.parquet", index=False)
            (tmp / "notes.json").write_text(json.dumps(list(notes), ensure_ascii=False), encoding="utf-8")
            (tmp / "complete").write_text("ok")
    except OSError:
        pass
