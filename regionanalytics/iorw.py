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
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except OSError as exc:  # named by the file it was to be, not its temporary name
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if exc.errno is None:
            raise
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        if tmp is not None:
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


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): a field
#: beginning with one of these is written with a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text):
    """A text field as shared CSV writes it: one beginning with ``= + - @``, tab or carriage
    return gets a leading apostrophe, so no spreadsheet runs it as a formula (OWASP's CSV
    injection advice); one beginning with an apostrophe gets another, so
    :func:`restore` gives back every text exactly. Anything else is unchanged.

    >>> neutralise("=HYPERLINK(1)"), neutralise("Service"), neutralise(-1.5)
    ("'=HYPERLINK(1)", 'Service', -1.5)
    """
    if isinstance(text, str) and text[:1] in FORMULA_TRIGGERS + ("'",):
        return "'" + text
    return text


def restore(text):
    """The text :func:`neutralise` was given."""
    return text[1:] if isinstance(text, str) and text[:1] == "'" else text


def write_csv(frame) -> str:
    """A tidy frame as shared CSV text (UTF-8, comma, header): numbers as numbers, every
    text field through :func:`neutralise`."""
    import pandas as pd

    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    safe = frame.assign(**{c: frame[c].map(neutralise, na_action="ignore") for c in text_columns})
    return safe.to_csv(index=False)


def read_csv(path):
    """A CSV file :func:`write_csv` wrote, its text fields as they were."""
    import pandas as pd

    frame = pd.read_csv(path)
    for c in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            frame[c] = frame[c].map(restore, na_action="ignore")
    return frame
