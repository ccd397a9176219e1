"""Every error regionanalytics raises, in one place.

Each error is written for the analyst who meets it: it says which file, row and
column, what was found, what was expected and what to do next.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as a spreadsheet program shows it (the header is
    row 1 unless the file has title lines above it); ``None`` when the problem
    concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    #: What a message shows of a value found and of what was expected: a 200 MB cell
    #: is never echoed to a terminal.
    MAX_VALUE = 80
    MAX_EXPECTED = 600

    def __post_init__(self):
        for field_, limit in (("value", self.MAX_VALUE), ("expected", self.MAX_EXPECTED),
                              ("column", self.MAX_VALUE), ("file", 2 * self.MAX_VALUE)):
            text = getattr(self, field_)
            if isinstance(text, str) and len(text) > limit:
                object.__setattr__(self, field_, f"{text[:limit - 1]}… ({len(text)} characters)")

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        found = f"found {self.value!r}, " if self.value is not None else ""
        return f"{', '.join(where)}: {found}expected {self.expected}"


class RegionAnalyticsError(Exception):
    """Base class of every error raised by regionanalytics."""


class DataValidationError(RegionAnalyticsError):
    """Input data broke the data contract; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(self.problems)} problem(s) in the input data:\n{shown}{tail}\n"
            "Correct the export (or ask for a new one) and run again; "
            "`regionanalytics validate DATA_DIR` lists every problem."
        )


class PseudonymKeyError(RegionAnalyticsError):
    """The key that turns personnummer into pseudonyms cannot be made or read."""


class PeriodError(RegionAnalyticsError, ValueError):
    """A period string cannot be parsed, or the data does not cover the period."""


class ParameterError(RegionAnalyticsError, ValueError):
    """A report parameter is unknown, malformed or unsafe."""


class OutputError(RegionAnalyticsError):
    """An output folder cannot be written (full, read-only, not permitted) or another run
    is writing it; the message says what, where and what to do."""


def os_error_text(exc: OSError, verb: str = "write") -> str:
    """One line for an :class:`OSError` from writing (or reading) a file: what, where and
    what to do.

    >>> import errno
    >>> os_error_text(OSError(errno.ENOSPC, "No space left on device", "out/2021-T1/region.html"))
    'could not write out/2021-T1/region.html: No space left on device (the file system is full: free space or choose another --out)'
    """
    import errno

    hints = {errno.ENOSPC: "the file system is full: free space or choose another --out",
             errno.EDQUOT: "the disk quota is used up: free space or choose another --out",
             errno.EFBIG: "a limit on file size was reached: raise it or choose another --out",
             errno.EROFS: "the file system is read-only: choose another --out",
             errno.EACCES: "no permission to write there: choose another --out",
             errno.EPERM: "no permission to write there: choose another --out"}
    where = f" {exc.filename}" if exc.filename else ""
    what = exc.strerror or type(exc).__name__
    hint = hints.get(exc.errno)
    return f"could not {verb}{where}: {what}" + (f" ({hint})" if hint and verb == "write" else "")


class RenderError(RegionAnalyticsError):
    """An executed report could not be rendered as shareable HTML."""


class TextError(RegionAnalyticsError, ValueError):
    """A person's text (``texts/<period>/*.md``) cannot be used: ``file`` and ``line`` say
    where (the line as an editor numbers it, front matter included)."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class StatementError(RegionAnalyticsError):
    """The balance data cannot make a balance sheet that balances (the message names the
    month, the accounts or the difference); ``reason_sv`` says it for a report's reader."""

    def __init__(self, message: str, reason_sv: str = "balansräkningen går inte ihop"):
        self.reason_sv = reason_sv
        super().__init__(message)
