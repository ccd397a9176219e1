"""Writing files so that a reader never sees half of one.

Every file the package writes (reports, summaries, the manifest, the parsed-table
cache) is written under a temporary name in the same folder and renamed into
place: the path is either absent, the old file or the complete new one, even
when the process is killed half-way.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``path`` so it is either absent, the old file, or the complete new one.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(target, "hej"); target.read_text()
    'hej'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: Path):
    """Fill a temporary folder beside ``path`` and rename it to ``path`` when the block ends.

    When ``path`` exists already (another process made it first) the new folder is
    discarded; when the block fails nothing is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError:  # made by another process meanwhile: theirs stands
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of a parquet folder's files: each one's path inside the
    folder and its content, in name order (two folders that differ only in a partition
    folder's name, ``year=2020`` against ``year=2021``, hold different data)."""
    path = Path(path)
    h = hashlib.sha256()
    if not path.is_dir():
        _update(h, path)
        return h.hexdigest()
    for p in sorted(p for p in path.rglob("*") if p.is_file()):
        name = p.relative_to(path).as_posix().encode("utf-8", "surrogateescape")
        h.update(len(name).to_bytes(8, "little") + name + p.stat().st_size.to_bytes(8, "little"))
        _update(h, p)
    return h.hexdigest()


def _update(h, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)


def fingerprint(files: dict[str, Path]) -> dict[str, str]:
    """The content digest of every table file: what the cache and a run's manifest key on."""
    return {table: file_digest(path) for table, path in sorted(files.items())}


def slugify(name: str) -> str:
    """A safe file name for a report: ASCII letters, digits and dashes only.

    >>> slugify("Närsjukvård Luleå-Boden")
    'narsjukvard-lulea-boden'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60] or "division"
