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

from ..exceptions import Problem

_QUOTED_OR_SEPARATOR = re.compile(rb'"((?:[^"\\]|\\.)*)"|[\s{}]+')
#: A line where some quoted field holds a blank, a brace or a backslash: those stay in
#: the sum, so the line is read field by field.
_NEEDS_FIELDS = re.compile(rb'^[^"\n]*(?:"[^"\\ \t{}\n]*"[^"\n]*)*"[^"\n]*[ \t{}\\]', re.MULTILINE)
_DELETED = b' \t\r\n{}"'
_RECORD = re.compile(rb'^[ \t]*#KSUMMA(?:[ \t]+"?(\d+)"?)?[ \t]*\r?$', re.MULTILINE)


def summed(line: bytes) -> bytes:
    """The bytes of one record that count in the sum (SIE 4B 10.14).

    >>> summed(b'#KONTO 1915 "Kassa \\\\"special\\\\""')
    b'#KONTO1915Kassa "special"'
    """
    kept = _QUOTED_OR_SEPARATOR.sub(lambda m: m.group(1) or b"", line)
    return kept.replace(b'\\"', b'"')


def crc(body: bytes) -> int:
    """The checksum of the records in ``body`` (the bytes between the two #KSUMMA
    records). Lines whose quoted fields hold no blank, brace or backslash lose every
    blank, quote and brace in one pass; the others are read field by field."""
    value = 0
    start = 0
    for m in _NEEDS_FIELDS.finditer(body):
        line_start = body.rfind(b"\n", 0, m.start()) + 1
        if line_start < start:  # a second hit on a line already read
            continue
        line_end = body.find(b"\n", m.end())
        line_end = len(body) if line_end < 0 else line_end
        value = zlib.crc32(body[start:line_start].translate(None, _DELETED), value)
        value = zlib.crc32(summed(body[line_start:line_end]), value)
        start = line_end
    return zlib.crc32(body[start:].translate(None, _DELETED), value)


def check(raw: bytes, name: str, line_of) -> tuple[list[Problem], list[str]]:
    """Problems with the file's #KSUMMA (none when it has none) and a note when it
    was checked. ``line_of(offset)`` gives the line number of a byte offset."""
    if b"#KSUMMA" not in raw:
        return [], []
    found = list(_RECORD.finditer(raw))
    if not found:
        return [], []
    opening = found[0] if found[0].group(1) is None else None
    closing = found[-1] if found[-1].group(1) is not None else None
    if opening is None:
        return [Problem(name, line_of(found[0].start()), "KSUMMA", found[0].group(0).strip().decode(),
                        "#KSUMMA without a value near the start of the file and #KSUMMA with the "
                        "checksum as its last record (SIE 4B 10.4)")], []
    if closing is None or closing.start() < opening.end():
        return [Problem(name, line_of(opening.start()), "KSUMMA", None,
                        "a closing #KSUMMA record with the checksum after the opening one (SIE 4B 10.6): "
                        "the file ends without it, so it is truncated; export it again")], []
    body_start = raw.find(b"\n", opening.start()) + 1
    value = crc(raw[body_start:closing.start()])
    stated = int(closing.group(1))
    if value != stated:
        return [Problem(name, line_of(closing.start()), "KSUMMA", str(stated),
                        f"the checksum of the file's records (SIE 4B section 10), {value}: the file was "
                        "changed or damaged after it was written; export it again")], []
    return [], [f"{name}: its #KSUMMA checksum ({stated}) matches its records"]


def line_finder(raw: bytes):
    """A function from a byte offset to its line number."""
    return lambda offset: raw.count(b"\n", 0, offset) + 1
