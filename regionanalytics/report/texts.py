"""People's texts beside the figures: ``texts/<period>/*.md`` in the data folder.

A texts folder holds one Markdown file (UTF-8) per scope of the period:

- ``region.md``: the regional director's report;
- one file per division, named by the division as the data writes it
  (``Division Älvdal.md``, ``Länsteknik.md``) or as its report's file name
  (``division-alvdal.md``); optional files per unit the same way (``Kostservice.md``
  or ``unit-service--kostservice.md``).

A file may start with front matter (``author``, ``status: utkast | klar``) between two
``---`` lines. Text before the first heading (``#`` or ``##``) is the summary; every such
heading starts a section. ``{{ metric }}`` writes a key figure of the file's own scope
as the report's tables write it, with its unit (``+3,0 mnkr``, ``5,3 procent``,
``131 personer``); ``{{ metric | abs }}`` its magnitude; in ``region.md``
``{{ Länsteknik: metric }}`` names a division's figure. A figure that is hidden or
cannot be known is written as the report says it, never as a number.

Text is Markdown only (markdown-it-py, CommonMark with tables): raw HTML is shown as
text, images are not loaded, and placeholders are parsed here by a strict grammar, so
a text can never reach Python.
"""
from __future__ import annotations

import difflib
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import labels
from ..exceptions import TextError
from ..formatting import NBSP, fmt_int, fmt_number, is_missing, mnkr
from ..iorw import slugify
from ..summary import KEY_METRICS, REGION_ROW

#: Where a data folder keeps its texts (``<data>/texts/<period>/``).
TEXTS_FOLDER = "texts"
REGION_FILE = "region.md"
STATUSES = ("utkast", "klar")
#: The status of a scope without a text file.
MISSING = "saknas"
#: The status of a file that does not say (not yet declared done).
DEFAULT_STATUS = "utkast"
_FRONT_MATTER_KEYS = ("author", "status")
FILTERS = ("abs",)

#: Amounts written with their sign, as the report's tables write them ("+3,0 mnkr").
SIGNED = {"result", "budget", "budget_deviation", "result_prev_year", "result_change", "annual_budget",
          "forecast", "forecast_deviation", "result_prev_full_year", "forecast_vs_prev_year",
          "forecast_prev_tertial", "forecast_change_since_tertial", "financial_net", "region_result",
          "region_result_budget", "personnel_cost_change_pct", "net_cost_change_pct",
          "tax_revenue_change_pct", "headcount_change", "headcount_change_pct",
          "headcount_change_tillsvidare", "headcount_change_visstid", "worked_hours_change_pct",
          "sick_leave_change_pp"}
#: Hours per årsarbetare have a decimal; other hours are whole.
_HOURS_WITH_DECIMAL = {"overtime_per_fte", "additional_per_fte"}

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_INNER = re.compile(r"^\s*(?:(?P<scope>[^:|{}]+?)\s*:\s*)?(?P<metric>[A-Za-z_][A-Za-z0-9_]*)"
                    r"\s*(?:\|\s*(?P<filter>[A-Za-z_]\w*)\s*)?$")
# private-use characters stand for the placeholders while Markdown is parsed
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


# --------------------------------------------------------------------------- the figures

@dataclass(frozen=True)
class Figure:
    """One key figure of a scope: its value (tkr, percent, persons ...) or why it is empty
    (``flag``: suppressed, missing or none, as :func:`regionanalytics.summary.key_metrics`)."""

    value: float | None
    flag: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        return not self.flag and not is_missing(self.value)


def scope_figures(key_long: pd.DataFrame) -> dict[str, dict[str, Figure]]:
    """The tidy key metrics (``division, metric, value, flag, note``) by scope and metric."""
    out: dict[str, dict[str, Figure]] = {}
    for division, metric, value, flag, note in key_long[["division", "metric", "value", "flag", "note"]] \
            .itertuples(index=False):
        out.setdefault(division, {})[metric] = Figure(
            None if is_missing(value) else float(value), flag if isinstance(flag, str) else "",
            note if isinstance(note, str) else "")
    return out


def figure_text(metric: str, figure: Figure, absolute: bool = False) -> str:
    """A figure as running text writes it, with its unit; a hidden or unknown one as the
    report says it (never a number).

    >>> figure_text("budget_deviation", Figure(3000.0)).replace(NBSP, " ")
    '+3,0 mnkr'
    >>> figure_text("result", Figure(-7000.0), absolute=True).replace(NBSP, " ")
    '7,0 mnkr'
    >>> figure_text("sick_leave_pct", Figure(None, "suppressed"))
    'uppgiften visas inte (den gäller en grupp med 10 eller färre anställda, och sjukfrånvaro är hälsouppgifter)'
    """
    if not figure.known:
        return missing_text(figure)
    value = abs(figure.value) if absolute else figure.value
    sign = metric in SIGNED and not absolute
    unit = KEY_METRICS.get(metric, "")
    word = labels.FIGURE_UNITS.get(unit, "")
    if unit == "tkr":
        number = fmt_number(mnkr(value), 1, sign=sign)
    elif unit in ("persons", "units") or (unit == "hours" and metric not in _HOURS_WITH_DECIMAL):
        number = fmt_int(value, sign=sign)
    else:
        number = fmt_number(value, 1, sign=sign)
    return f"{number}{NBSP}{word}" if word else number


def missing_text(figure: Figure) -> str:
    """What a text says in place of a figure it cannot show."""
    words = labels.WRITTEN
    if figure.flag == "suppressed":
        return words["figure_hidden"].format(reason=labels.SMALL_GROUP_SENTENCE)
    if figure.flag == "missing" and figure.note:
        return words["figure_unknown"].format(reason=figure.note)
    return words["figure_none"]


# --------------------------------------------------------------------------- the files

@dataclass
class Part:
    """The summary (``heading`` None) or one section of a text: its Markdown lines and the
    file's line number of the first of them."""

    heading: str | None
    lines: list[str]
    first_line: int

    @property
    def blank(self) -> bool:
        return not "".join(self.lines).strip()


@dataclass
class TextFile:
    """One text file, read and split (nothing is rendered yet)."""

    path: Path
    name: str  # as messages name it: "2021-T1/Division Länsteknik.md"
    author: str | None = None
    status: str = DEFAULT_STATUS
    summary: Part | None = None
    sections: list[Part] = field(default_factory=list)

    def section(self, heading: str) -> Part | None:
        """The section whose heading names ``heading`` (case and spacing aside)."""
        key = _key(heading)
        return next((s for s in self.sections if _key(s.heading) == key), None)

    def own_sections(self, known_sections=labels.TEXT_SECTIONS) -> list[Part]:
        """The sections whose heading names no section of the report (shown at the end)."""
        known = {_key(s) for s in known_sections}
        return [s for s in self.sections if _key(s.heading) not in known]


def _key(heading: str | None) -> str:
    return " ".join((heading or "").split()).casefold()


def texts_folder(data_dir: str | Path, period: str, texts_dir: str | Path | None = None) -> Path:
    """The folder of a period's texts: ``<texts_dir or data_dir/texts>/<period>/``; a
    ``texts_dir`` that holds the Markdown files itself (no ``<period>`` folder in it) is
    used as it is."""
    base = Path(texts_dir) if texts_dir else Path(data_dir) / TEXTS_FOLDER
    inside = base / period
    if texts_dir and not inside.is_dir() and base.is_dir() and any(base.glob("*.md")):
        return base
    return inside


def _shown(folder: Path, path: Path) -> str:
    return unicodedata.normalize("NFC", f"{folder.name}/{path.name}")


def _fold(name: str) -> str:
    """A file name as it is compared: NFC (a Mac writes "ä" as "a" and a combining
    diaeresis) and case aside."""
    return unicodedata.normalize("NFC", name).casefold()


def scope_file_names(division: str, unit: str | None = None) -> set[str]:
    """The names a scope's text file may have: a division's as the data writes it, as
    running text names it ("Division Älvdal.md") or as its report's file name
    ("division-alvdal.md"); a unit's as the data writes it or as its report's file name
    ("unit-service--kostservice.md")."""
    if unit is None:
        return {f"{division}.md", f"{labels.division_name(division, capital=True)}.md",
                f"division-{slugify(division)}.md"}
    return {f"{unit}.md", f"unit-{slugify(division)}--{slugify(unit)}.md"}


def text_owners(known: dict[str, list[str]]) -> dict[str, list[tuple[str, str | None]]]:
    """Every file name a text of the data may have (folded) -> the scopes it would name:
    ``(division, None)`` or ``(division, unit)``. ``known`` is division -> its units."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for division, units in known.items():
        for scope in [(division, None)] + [(division, u) for u in units]:
            for name in {_fold(n) for n in scope_file_names(*scope)}:
                out.setdefault(name, []).append(scope)
    return out


def scope_name(division: str, unit: str | None = None) -> str:
    """A scope as messages name it: "division Service", "unit Kostservice of division Service"."""
    if unit is None:
        return f"division {division}"
    return f"unit {unit} of division {division}"


def division_file(folder: Path, division: str, known: dict[str, list[str]] | None = None) -> Path | None:
    """The text file of a division: named as the data writes it, as running text names it
    ("Division Älvdal.md") or as its report's file name ("division-alvdal.md"); two files for
    the same division are an error (which one would the board read?). With ``known`` (the
    data's divisions and their units) a file whose name would name another scope too is an
    error naming both (see :func:`text_owners`)."""
    return _one(folder, (division, None), known)


def unit_file(folder: Path, division: str, unit: str, known: dict[str, list[str]] | None = None) -> Path | None:
    """The text file of a unit: named as the data writes it or as its report's file name;
    with ``known``, a name another scope has too is an error (a unit named as a division, a
    unit name two divisions have, two units whose report names are the same)."""
    return _one(folder, (division, unit), known)


def region_file(folder: Path) -> Path | None:
    """The director's text, ``region.md`` (``Region.md`` too: names are compared as the
    others are, case aside); two are an error."""
    return _one(folder, None, None)


def _one(folder: Path, scope: tuple[str, str | None] | None, known: dict[str, list[str]] | None) -> Path | None:
    if not folder.is_dir():
        return None
    what = scope_name(*scope) if scope else "the regional director's report"
    wanted = {_fold(n) for n in scope_file_names(*scope)} if scope else {REGION_FILE}
    found = sorted(p for p in folder.iterdir() if p.is_file() and _fold(p.name) in wanted)
    if len(found) > 1:
        raise TextError(_shown(folder, found[0]), None,
                        f"{' and '.join(_nfc(p.name) for p in found)} are both the text of {what}; keep one.")
    if found and known is not None:
        owners = text_owners(known)
        others = [s for s in owners.get(_fold(found[0].name), [scope]) if s != scope]
        if others:  # the same message whichever scope asks: divisions first, then units
            both = sorted([scope] + others, key=lambda s: (s[1] is not None, s[0], s[1] or ""))
            fix = "; ".join(f"{scope_name(*s)}: {_unambiguous(s, owners)}" for s in both)
            raise TextError(_shown(folder, found[0]), None,
                            f"the name is that of the {' and of the '.join(scope_name(*s) for s in both)}; "
                            f"name each text so that it is one scope's only ({fix}).")
    return found[0] if found else None


def _unambiguous(scope: tuple[str, str | None], owners: dict) -> str:
    names = sorted(n for n in scope_file_names(*scope) if owners.get(_fold(n)) == [scope])
    return names[-1] if names else "no file name is its alone; rename the unit in the data"


#: Files of a texts folder that look like a text but are not read (only ``.md`` is).
NOT_TEXTS = (".markdown", ".txt", ".docx", ".doc", ".odt", ".rtf")


def stray_files(folder: Path, known: dict[str, list[str]]) -> list[Path]:
    """The Markdown files of a texts folder that are the text of no scope of the data (a
    misspelt name would otherwise be left out without a word), and the files that look
    like a text but are not Markdown (``Länsteknik.docx``, see :data:`NOT_TEXTS`)."""
    if not folder.is_dir():
        return []
    owners = text_owners(known)
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and (
        p.suffix.casefold() in NOT_TEXTS
        or (p.suffix.casefold() == ".md" and _fold(p.name) != REGION_FILE and _fold(p.name) not in owners)))


def closest_file_names(name: str, known: dict[str, list[str]]) -> list[str]:
    """The file names of the data's scopes nearest to ``name`` (for a stray file)."""
    names = {_fold(n): n for d, units in known.items()
             for s in [(d, None)] + [(d, u) for u in units] for n in scope_file_names(*s)}
    return [names[n] for n in difflib.get_close_matches(_fold(name), list(names), n=3, cutoff=0.6)]


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def read_text(path: Path, name: str | None = None) -> TextFile:
    """Read and split one text file; a file that is not UTF-8, bad front matter or a
    malformed placeholder is a :class:`TextError` naming the file and the line."""
    name = name or _shown(path.parent, path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise TextError(name, line, "the file is not UTF-8 text; save it as UTF-8 (\"Unicode\") "
                                    "and run again.") from None
    # a text pasted from a PDF or saved on a Mac may write "ä" as "a" and a combining
    # diaeresis: as NFC its headings, units ("anställda") and division names are the same
    text = unicodedata.normalize("NFC", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = TextFile(path=path, name=name)
    start = _front_matter(lines, out)
    body = lines[start:]
    for number, line in enumerate(body, start + 1):
        _check_braces(line, name, number)
    cuts = _headings("\n".join(body))
    first = cuts[0][0] if cuts else len(body)
    out.summary = Part(None, body[:first], start + 1)
    for n, (i, after, heading) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(body)
        out.sections.append(Part(heading, body[after:end], start + after + 1))
    return out


def _front_matter(lines: list[str], out: TextFile) -> int:
    """Read the front matter into ``out``; the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, len(lines)):
        line = lines[i].strip()
        if line == "---":
            return i + 1
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip().strip("\"'")
        if not sep or key not in _FRONT_MATTER_KEYS:
            hint = "" if sep else " (is the front matter that starts on line 1 closed by a '---' line?)"
            raise TextError(out.name, i + 1, f"found {line!r} in the front matter; expected "
                            f"'author: NAME' or 'status: utkast' / 'status: klar'"
                            f"{_closest(key, _FRONT_MATTER_KEYS)}{hint}.")
        if key == "status":
            if value.casefold() not in STATUSES:
                raise TextError(out.name, i + 1, f"found status {value!r}; expected one of "
                                                 f"{', '.join(STATUSES)}{_closest(value, STATUSES)}.")
            out.status = value.casefold()
        else:
            out.author = value
    raise TextError(out.name, 1, "the front matter that starts on line 1 is not closed by a '---' line.")


def _check_braces(line: str, name: str, number: int) -> None:
    rest = _PLACEHOLDER.sub("", line)
    if "{{" in rest or "}}" in rest:
        raise TextError(name, number, "a placeholder is not closed on its line; write figures as "
                                      "{{ metric }} or {{ metric | abs }}.")


def _closest(word: str, names, n: int = 3) -> str:
    near = difflib.get_close_matches(word, list(names), n=n, cutoff=0.5)
    return f" (closest: {', '.join(near)})" if near else ""


@lru_cache(maxsize=1)
def _markdown():
    """CommonMark with tables, raw HTML off (shown as text) and no images (a text must not
    make a shared report load anything)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").disable("image")
    return md


def _headings(source: str) -> list[tuple[int, int, str]]:
    """The body's ``#`` and ``##`` headings: (first line index, the index after it, text)."""
    tokens = _markdown().parse(source)
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2") and token.map:
            out.append((token.map[0], token.map[1], tokens[i + 1].content.strip()))
    return out


# --------------------------------------------------------------------------- rendering

@dataclass
class Scope:
    """Whose figures a text's placeholders name: ``own`` (a division, ``Region`` for
    ``region.md``, or a unit's figures under its own key) and, for ``region.md``, every
    division by name."""

    own: str
    figures: dict[str, dict[str, Figure]]
    others: bool = False  # region.md may name another scope's figures

    def resolve(self, scope_text: str | None, metric: str, file: str, line: int) -> Figure:
        scope = self.own
        if scope_text is not None:
            if not self.others:
                raise TextError(file, line, f"{{{{ {scope_text}: {metric} }}}} names another scope's figure; "
                                            f"only {REGION_FILE} may. Write {{{{ {metric} }}}} for this "
                                            "text's own figure.")
            scope = self._scope(scope_text, file, line)
        figures = self.figures.get(scope, {})
        if metric not in KEY_METRICS:
            raise TextError(file, line, f"unknown figure {metric!r}; the names are those of "
                                        f"`regionanalytics metrics`{_closest(metric, KEY_METRICS)}.")
        return figures.get(metric, Figure(None, "none"))

    def _scope(self, text: str, file: str, line: int) -> str:
        wanted = " ".join(text.split()).casefold()
        for scope in self.figures:
            names = {scope, labels.division_name(scope), f"division-{slugify(scope)}"}
            if scope == REGION_ROW:
                names |= {"regionen", "region"}
            if wanted in {n.casefold() for n in names}:
                return scope
        raise TextError(file, line, f"unknown division {text!r} in a placeholder; the data has "
                                    f"{', '.join(s for s in self.figures if s != REGION_ROW)}"
                                    f"{_closest(text, list(self.figures))}.")


def placeholders(line: str):
    """The placeholders of one line: (start, end, scope text or None, metric, filter or None);
    a malformed one has metric None."""
    for match in _PLACEHOLDER.finditer(line):
        inner = _INNER.match(match.group(1))
        if inner is None:
            yield match.start(), match.end(), match.group(1).strip(), None, None
        else:
            yield match.start(), match.end(), inner.group("scope"), inner.group("metric"), inner.group("filter")


def render(part: Part | None, scope: Scope, file: str, level: int = 2) -> str:
    """A part of a text as HTML: its placeholders written as figures, its Markdown as
    HTML with raw HTML escaped. Every unknown name is an error naming the file and line.

    ``level`` is the heading level the part stands under: its own headings are nested
    below it, never skipping a level (a ``####`` under the page's ``h2`` becomes ``h3``),
    so that a screen reader's outline of the page holds."""
    if part is None or part.blank:
        return ""
    shown: list[str] = []
    where: list[int] = []  # the line of each placeholder
    lines = []
    for number, line in enumerate(part.lines, part.first_line):
        line = line.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")
        out, at = [], 0
        for start, end, scope_text, metric, filter_ in placeholders(line):
            if metric is None:
                raise TextError(file, number, f"cannot read the placeholder {{{{ {scope_text} }}}}; write "
                                              "{{ metric }}, {{ metric | abs }} or, in region.md, "
                                              "{{ Division: metric }}.")
            if filter_ is not None and filter_ not in FILTERS:
                raise TextError(file, number, f"unknown filter {filter_!r}; the only filter is "
                                              f"'abs'{_closest(filter_, FILTERS)}.")
            figure = scope.resolve(scope_text, metric, file, number)
            text = html.escape(figure_text(metric, figure, absolute=filter_ == "abs"))
            if not figure.known:
                text = f'<span class="ra-missing">{text}</span>'
            out.append(line[at:start] + f"{_MARK_OPEN}{len(shown)}{_MARK_CLOSE}")
            shown.append(text)
            where.append(number)
            at = end
        lines.append("".join(out) + line[at:])
    body = _nest_headings(_markdown().render("\n".join(lines)), level)
    in_address = _MARK_IN_ADDRESS.search(body)
    if in_address:  # a figure is text: a link's address made of one would lead nowhere
        raise TextError(file, where[int(in_address.group(1))], "a placeholder is part of a link's address; "
                        "write figures in the text, and links as [words](https://…).")
    return _MARK.sub(lambda m: shown[int(m.group(1))], body)


#: A placeholder's mark as Markdown writes it in a link's address (percent-encoded).
_MARK_IN_ADDRESS = re.compile(r"%EE%80%80(\d+)%EE%80%81", re.I)


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _nest_headings(body: str, level: int) -> str:
    """Every heading at least one level below ``level`` and at most one below the one before."""
    state = {"previous": level}

    def shift(match) -> str:
        if match.group(1):  # a closing tag: the level its opening tag was given
            return f"</h{state['open']}>"
        new = max(level + 1, min(int(match.group(2)), state["previous"] + 1))
        state["previous"] = state["open"] = min(new, 6)
        return f"<h{state['open']}>"

    return _HEADING.sub(shift, body)


def digest(paths) -> str:
    """A digest of text files' names and contents (an absent file counts as absent)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(Path(path).name).encode() + b"\0")
        h.update(Path(path).read_bytes() if Path(path).is_file() else b"\0absent\0")
    return h.hexdigest()[:16]


def folder_digest(folder: Path) -> str:
    """A digest of every Markdown file of a texts folder: what the texts' check lists
    (a unit's text, a misspelt file name) changes with it even when no report shows it."""
    folder = Path(folder)
    return digest(sorted(folder.glob("*.md"))) if folder.is_dir() else ""
