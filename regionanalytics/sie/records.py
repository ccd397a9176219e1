"""A SIE file's bytes as records: the character set, the lines, the fields.

SIE 4B (SIE-gruppen, "SIE filformat, utgåva 4B", 2008-09-30) section 5: every
record is one line starting with its tag (``#TRANS``); fields are separated by
one or more blanks or tabs (5.7); any field may be quoted and must be when it
holds a blank; a quote inside a field is written ``\\"``; an object list is a
field in braces (``{1 "200" 6 "P7"}``: pairs of dimension and object); blank
lines are ignored (5.6). The character set is IBM PC 8-bit, code page 437
(5.8, ``#FORMAT PC8``).

The lines are kept as bytes (Arrow binary arrays): numbers, tags and dates are
ASCII, and only the few texts that are used (object codes, ``#FNR``) are
decoded, once per distinct value.
"""
from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

#: One field of a record: quoted (with ``\\"`` escapes) or bare.
TOKEN = rb'"(?:[^"\\]|\\.)*"|[^\s"{}]+'
_TOKEN_TEXT = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{)|(\})|([^\s"{}]+)')
#: Bytes that are Swedish letters in code page 437 (äåöÄÅÖé) and in Windows-1252.
_CP437_LETTERS = bytes([0x84, 0x86, 0x94, 0x8E, 0x8F, 0x99, 0x82])
_CP1252_LETTERS = bytes([0xE4, 0xE5, 0xF6, 0xC4, 0xC5, 0xD6, 0xE9])
_SAMPLE = 1 << 22


def encoding(raw: bytes, name: str) -> tuple[str, list[str]]:
    """The character set of a SIE file's bytes (a Python codec name) and a note when
    the bytes are not what the file declares.

    ``#FORMAT PC8`` is code page 437 (SIE 4B 5.8 and ``#FORMAT``); a file whose bytes
    are UTF-8 with letters outside ASCII is read as UTF-8 whatever it declares, and
    one holding Windows-1252 letters and no code-page-437 letters as Windows-1252.
    """
    declared = re.search(rb'^[ \t]*#FORMAT[ \t]+"?([^"\s]*)', raw[:1 << 16], re.MULTILINE)
    label = declared.group(1).decode("ascii", "replace") if declared else None
    if raw.isascii():
        return "ascii", []
    first = re.search(rb"[\x80-\xff]", raw).start()
    window = raw[max(0, raw.rfind(b"\n", 0, first) + 1):first + _SAMPLE]
    window = window[:window.rfind(b"\n") + 1] or window
    said = f"#FORMAT {label}" if label else "no #FORMAT"
    try:
        window.decode("utf-8")
        return "utf-8", [f"{name}: {said}, but its letters are written in UTF-8 (two bytes each); "
                         "read as UTF-8"]
    except UnicodeDecodeError:
        pass
    sample = raw[:_SAMPLE]
    cp437 = sum(sample.count(bytes([b])) for b in _CP437_LETTERS)
    cp1252 = sum(sample.count(bytes([b])) for b in _CP1252_LETTERS)
    if cp1252 and not cp437:
        return "cp1252", [f"{name}: {said}, but its letters are Windows-1252 bytes (å, ä, ö as "
                          "E5, E4, F6); read as Windows-1252"]
    if label is None:
        return "cp437", [f"{name}: no #FORMAT; read as PC8 (code page 437), the character set SIE 4B "
                         "prescribes"]
    return "cp437", []


def lines(raw: bytes) -> pa.Array:
    """Every line of the file as bytes without blanks around it (empty lines kept, so
    index + 1 is the line number)."""
    return trimmed(as_written(raw))


_BLOCK = 1 << 24


def as_written(raw: bytes) -> pa.Array:
    """Every line of the file as its bytes (index + 1 is the line number), its line break
    (CR LF or LF) kept: the array is a view of the file's bytes, nothing copied. A file
    that breaks lines with a CR alone is read by Arrow's CSV reader instead, each line
    without its line break."""
    if not raw:
        return pa.array([], pa.binary())
    if len(raw) >= 1 << 31:
        return _split_by_reader(raw)
    if raw.count(b"\r") != raw.count(b"\r\n"):  # some lines broken by a CR alone (an old Mac)
        # each line without its line break; split in Python, not by the CSV reader, whose
        # delimiter byte a line may hold (a binary file's bytes ended in a traceback)
        text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return pa.array(text[:-1].split(b"\n") if text.endswith(b"\n") else text.split(b"\n"), pa.binary())
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = [np.flatnonzero(data[at:at + _BLOCK] == 10) + (at + 1) for at in range(0, len(raw), _BLOCK)]
    if raw[-1:] != b"\n":
        ends.append(np.array([len(raw)]))
    offsets = np.concatenate([np.zeros(1, dtype=np.int64)] + ends).astype(np.int32)
    return pa.Array.from_buffers(pa.binary(), len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(raw)])


def _split_by_reader(raw: bytes) -> pa.Array:
    table = pacsv.read_csv(
        pa.BufferReader(raw),
        read_options=pacsv.ReadOptions(column_names=["line"], block_size=_BLOCK),
        parse_options=pacsv.ParseOptions(delimiter="\x1e", quote_char=False, escape_char=False,
                                         newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.binary()}, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False, check_utf8=False))
    return table.column("line").combine_chunks()


def trimmed(lines: pa.Array) -> pa.Array:
    """The lines without the blanks and line breaks around them."""
    # ASCII blanks only: the bytes are viewed as text for the trim, never decoded
    return pc.ascii_trim_whitespace(lines.view(pa.string())).view(pa.binary())


def tagged(text: pa.Array, *tags: str) -> pa.Array:
    """Whether each line is a record of one of ``tags`` (the tag followed by a blank)."""
    mask = None
    for tag in tags:
        for blank in (b" ", b"\t"):
            hit = pc.starts_with(text, pattern=b"#" + tag.encode() + blank)
            mask = hit if mask is None else pc.or_(mask, hit)
    return mask


def fields(text: str) -> list:
    """The fields of one record as text: quoted fields without their quotes and with
    ``\\"`` (and ``\\\\``) read as the character; an object list as a list.

    >>> fields('#TRANS 4011 {1 "200" 6 "P 7"} -12.50 20210131 "Lön \\\\"extra\\\\""')
    ['#TRANS', '4011', ['1', '200', '6', 'P 7'], '-12.50', '20210131', 'Lön "extra"']
    """
    out: list = []
    current: list | None = None
    for quoted, opening, closing, bare in _TOKEN_TEXT.findall(text):
        if opening:
            current = []
            continue
        if closing:
            out.append(current if current is not None else [])
            current = None
            continue
        value = unescape(quoted) if quoted or not bare else bare
        (current if current is not None else out).append(value)
    if current is not None:
        out.append(current)
    return out


def unescape(value: str) -> str:
    """A quoted field's text: ``\\"`` is a quote and ``\\\\`` a backslash (SIE 4B 5.7)."""
    return re.sub(r'\\(["\\])', r"\1", value) if "\\" in value else value


def decoded(values: pa.Array, codec: str) -> list[str]:
    """Byte strings as text in the file's character set."""
    return [None if v is None else v.decode("utf-8" if codec == "ascii" else codec, "replace")
            for v in values.to_pylist()]


def line_numbers(n: int) -> pa.Array:
    return pa.array(np.arange(1, n + 1, dtype=np.int64))
