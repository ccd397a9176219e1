"""``#KSUMMA``: the checksum a SIE file may carry (SIE 4B section 10, "Kontrollsummering").

A file that is checksummed has ``#KSUMMA`` without a value near its start and
``#KSUMMA <number>`` as its last record (10.4). The number is CRC-32 (generator
polynomial EDB88320H, preset FFFFFFFFH, inverted at the end: 10.11–10.13, which
is the CRC-32 of zlib) over the records from the first after the opening
``#KSUMMA`` up to the closing one (10.14): the tags and the fields only, in code
page 437 bytes, without the blanks and tabs between fields, the quotes around
fields and the braces around object lists and verifications; of an escaped quote
``\\"`` only the quote. A reader must refuse a file with the opening record and
no closing one: it is truncated (10.6).
"""
from __future__ import annotations

import re
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..exceptions import Problem
from . import records

_QUOTED_OR_SEPARATOR = re.compile(rb'"((?:[^"\\]|\\.)*)"|[\s{}]+')
#: A line where some quoted field holds a blank, a brace or a backslash: those stay in
#: the sum, so the line is read field by field. The quotes before it pair up (RE2, on
#: every line at once).
_NEEDS_FIELDS = r'^[^"]*(?:"[^"\\ \t{}]*"[^"]*)*"[^"]*[ \t{}\\]'
_DELETED = b' \t\r\n{}"'
_RECORD = re.compile(rb'^[ \t]*#KSUMMA(?:[ \t]+"?(\d+)"?)?[ \t]*\r?$', re.MULTILINE)


def summed(line: bytes) -> bytes:
    """The bytes of one record that count in the sum (SIE 4B 10.14).

    >>> summed(b'#KONTO 1915 "Kassa \\\\"special\\\\""')
    b'#KONTO1915Kassa "special"'
    """
    kept = _QUOTED_OR_SEPARATOR.sub(lambda m: m.group(1) or b"", line)
    return kept.replace(b'\\"', b'"')


def crc(raw, start: int, end: int, fields: list[tuple[int, int]]) -> int:
    """The checksum of ``raw[start:end]`` (bytes or a memoryview: the records between the
    two #KSUMMA): every blank, quote, brace and line break left out in one pass, except on
    the lines ``fields`` (byte spans) whose quoted fields hold one, which are read field
    by field."""
    value, at = 0, start
    for line_start, line_end in fields:
        value = _plain(raw, at, line_start, value)
        value = zlib.crc32(summed(bytes(raw[line_start:line_end])), value)
        at = line_end
    return _plain(raw, at, end, value)


_PIECE = 1 << 22


def _plain(raw, start: int, end: int, value: int) -> int:
    """``value`` carried over ``raw[start:end]`` without its blanks, quotes, braces and line
    breaks, a few MB at a time (the same memory used again)."""
    for at in range(start, end, _PIECE):
        value = zlib.crc32(bytes(raw[at:min(at + _PIECE, end)]).translate(None, _DELETED), value)
    return value


def check(raw: bytes, lines: pa.Array, written: pa.Array, name: str, codec: str = "cp437"
          ) -> tuple[list[Problem], list[str]]:
    """Problems with the file's #KSUMMA (none when it has none) and a note when it was
    checked. ``lines`` are the file's lines without blanks around them (index + 1 is the
    line number), ``written`` the same lines as written (with or without their line
    breaks, which count for nothing).

    ``codec`` is the character set the bytes are in (``records.encoding``): the sum is
    over the text in code page 437 (10.14), so a file saved again as UTF-8 or
    Windows-1252 (opened in an editor) is summed as its text in code page 437, not as
    the bytes it has now."""
    if b"#KSUMMA" not in raw:
        return [], []
    if codec not in ("ascii", "cp437"):
        raw = raw.decode(codec, "replace").encode("cp437", "replace")
        written = records.as_written(raw)
        lines = records.trimmed(written)
    marks = pc.starts_with(lines, pattern=b"#KSUMMA")
    rows = np.flatnonzero(marks.to_numpy(zero_copy_only=False))
    found = [(int(i), _RECORD.match(lines[int(i)].as_py())) for i in rows]
    found = [(i, m) for i, m in found if m]
    if not found:
        return [], []
    (first, opening), (last, closing) = found[0], found[-1]
    if opening.group(1) is not None:
        return [Problem(name, first + 1, "KSUMMA", opening.group(0).strip().decode(),
                        "#KSUMMA without a value near the start of the file and #KSUMMA with the "
                        "checksum as its last record (SIE 4B 10.4)")], []
    if closing.group(1) is None or last == first:
        return [Problem(name, first + 1, "KSUMMA", None,
                        "a closing #KSUMMA record with the checksum after the opening one (SIE 4B 10.6): "
                        "the file ends without it, so it is truncated; export it again")], []
    if raw.count(b"\n") + 1 < len(lines):
        return [Problem(name, None, "KSUMMA", None,
                        "records that each end with a line feed (SIE 4B 5.5); this file breaks lines with "
                        "carriage returns alone, so its checksum cannot be checked: export it again")], []
    # the lines' bytes one after the other: a line's span is given by the array's offsets
    starts = np.frombuffer(written.buffers()[1], dtype=np.int32)[written.offset:written.offset + len(written) + 1]
    data = memoryview(written.buffers()[2])
    body = written[first + 1:last]  # blanks before a line and its line break do not change the test
    needs = np.flatnonzero(pc.fill_null(pc.match_substring_regex(body, _NEEDS_FIELDS), False)
                           .to_numpy(zero_copy_only=False)) + first + 1
    spans = [(int(starts[i]), int(starts[i + 1])) for i in needs]
    value = crc(data, int(starts[first + 1]), int(starts[last]), spans)
    stated = int(closing.group(1))
    if value != stated:
        return [Problem(name, last + 1, "KSUMMA", str(stated),
                        f"the checksum of the file's records (SIE 4B section 10), {value}: the file was "
                        "changed or damaged after it was written; export it again")], []
    return [], [f"{name}: its #KSUMMA checksum ({stated}) matches its records"]


