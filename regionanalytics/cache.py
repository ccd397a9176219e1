"""A cache of parsed, validated tables as parquet, keyed on the source files' content.

Parsing Swedish CSV exports is the slow part of loading. Once a data folder has
been read and validated, its tables are written as parquet under the cache
folder (``$REGIONANALYTICS_CACHE``, default ``~/.cache/regionanalytics``; an
empty value counts as unset); the next load of byte-identical files reads the
parquet instead. The data folder itself is never written to.

An entry is found by the SHA-256 of every table file (a parquet folder's by its
files' names and contents, see :func:`regionanalytics.iorw.file_digest`), the
package version, the data contract and a fingerprint of the pseudonym key (so
pseudonyms made under another key are never served). Each entry records the
SHA-256 of every file it holds; a file that does not match (a flipped bit, a
truncated write, an edit) makes the whole entry absent: it is removed and the
exports are parsed again. Parquet's own page checksums would not do: they cover
the pages, not the footer that says where the pages are and what they hold.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from . import __version__
from .iorw import atomic_folder

_FORMAT = 8  # bump when the parsed representation changes (6: text in NFC; 7: a title block's unit, wide budgets; 8: amounts in parentheses, a column's decimal mark; SIE files that do not balance)
_MANIFEST = "complete"  # written last: the SHA-256 of every other file of the entry


def cache_dir() -> Path:
    """The cache folder: ``$REGIONANALYTICS_CACHE`` when set and not empty.

    >>> import os; saved = os.environ.get("REGIONANALYTICS_CACHE"); os.environ["REGIONANALYTICS_CACHE"] = ""
    >>> cache_dir() == Path.home() / ".cache" / "regionanalytics"
    True
    >>> _ = os.environ.pop("REGIONANALYTICS_CACHE") if saved is None else os.environ.update(REGIONANALYTICS_CACHE=saved)
    """
    given = os.environ.get("REGIONANALYTICS_CACHE", "").strip()
    return Path(given) if given else Path.home() / ".cache" / "regionanalytics"


def _key(digests: dict[str, str]) -> str:
    from .personnummer import key_id
    from .schema import TABLES

    spec = repr([(t.name, t.columns) for t in TABLES.values()])
    payload = json.dumps([digests, __version__, _FORMAT, spec, key_id()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _verified(folder: Path, name: str, sums: dict[str, str]) -> bytes:
    data = (folder / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != sums.get(name):
        raise ValueError(f"{name} does not match its checksum")
    return data


def read(digests: dict[str, str]) -> tuple[dict[str, pd.DataFrame], list[str]] | None:
    """The cached tables for these files and the notes of their loading, or None when
    there is no entry or it is damaged (a damaged entry is removed)."""
    folder = cache_dir() / _key(digests)
    if not (folder / _MANIFEST).exists():
        return None
    try:
        sums = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        notes = json.loads(_verified(folder, "notes.json", sums).decode("utf-8"))
        tables = {t: pd.read_parquet(io.BytesIO(_verified(folder, f"{t}.parquet", sums)))
                  for t in digests}
        if not isinstance(notes, list) or set(sums) != {"notes.json", *(f"{t}.parquet" for t in digests)}:
            raise ValueError("unexpected entry")
        return tables, notes
    except Exception:  # noqa: BLE001 - a damaged cache is only a slower load
        shutil.rmtree(folder, ignore_errors=True)
        return None


def write(digests: dict[str, str], tables: dict[str, pd.DataFrame], notes: list[str] = ()) -> None:
    """Store validated tables; silently skipped where the cache folder is not writable."""
    final = cache_dir() / _key(digests)
    if (final / _MANIFEST).exists():
        return
    files = {f"{t}.parquet": _parquet(tables[t]) for t in digests}
    files["notes.json"] = json.dumps(list(notes), ensure_ascii=False).encode("utf-8")
    _store(final, files)


def _store(final: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` as the entry ``final``, whole or not at all, with the SHA-256 of
    each in its manifest; silently skipped where the cache folder is not writable."""
    try:
        if (final / _MANIFEST).exists():
            return
        with atomic_folder(final) as tmp:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            sums = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
            (tmp / _MANIFEST).write_text(json.dumps(sums, sort_keys=True), encoding="utf-8")
    except OSError:
        pass


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def read_derived(digests: dict[str, str], name: str) -> dict[str, bytes] | None:
    """The files of what was worked out from these files' tables under ``name`` (say, a
    period's key figures under the package's code that computed them), each verified
    against the SHA-256 it was stored with; None when there is no such entry or it is
    damaged (then it is removed)."""
    folder = cache_dir() / f"{_key(digests)}-{_safe(name)}"
    if not (folder / _MANIFEST).exists():
        return None
    try:
        sums = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        return {file: _verified(folder, file, sums) for file in sums}
    except Exception:  # noqa: BLE001 - a damaged entry is only a slower run
        shutil.rmtree(folder, ignore_errors=True)
        return None


def write_derived(digests: dict[str, str], name: str, files: dict[str, bytes]) -> None:
    """Store ``files`` worked out from these files' tables under ``name`` (see
    :func:`read_derived`); silently skipped where the cache folder is not writable."""
    _store(cache_dir() / f"{_key(digests)}-{_safe(name)}", files)


def _safe(name: str) -> str:
    """``name`` as a folder name's part: a digest of it (any text is safe then)."""
    return hashlib.sha256(name.encode()).hexdigest()[:24]


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """A table as the cache stores it (parquet)."""
    return _parquet(frame)


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """A table :func:`frame_bytes` stored."""
    return pd.read_parquet(io.BytesIO(data))
