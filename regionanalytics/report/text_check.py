"""Typed figures checked: every number a person typed with a unit in a text, against the
figures of the text's scope as the report rounds them.

A number counts when a unit follows it: mnkr (mkr, miljoner kronor), tkr, procent, %, procentenheter
(procentenhet), personer, anställda, årsarbetare; small numbers written as words
("sex anställda") count too. A typed number agrees when some figure of its scope in the
same unit, rounded to as many decimals as were typed, has that magnitude (and the sign
too, where one was typed). ``region.md`` speaks of the region and every division, so its
numbers are checked against all of them.

A number typed for a sick-leave figure that is hidden (a group of ten or fewer) is always
listed and never compared: confirming it would tell the hidden figure.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .. import labels
from ..exceptions import TextError
from ..formatting import round_half_up
from ..summary import KEY_METRICS, REGION_ROW, SICK_LEAVE_FIGURES
from . import texts as tx

#: The typed unit -> (the key metrics' unit, the factor from the metric's value to it).
UNITS = {"mnkr": ("tkr", 1 / 1000), "mkr": ("tkr", 1 / 1000), "miljoner kronor": ("tkr", 1 / 1000),
         "tkr": ("tkr", 1.0), "procent": ("percent", 1.0), "%": ("percent", 1.0),
         "procentenheter": ("procentenheter", 1.0), "procentenhet": ("procentenheter", 1.0),
         "personer": ("persons", 1.0), "anställda": ("persons", 1.0), "årsarbetare": ("årsarbetare", 1.0)}
_WORDS = {"noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
          "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12}
_UNIT = (r"(?P<unit>miljoner\s+kronor|mnkr|mkr|tkr|procentenheter|procentenhet|procent|%|personer|anställda"
         r"|årsarbetare)(?![\wåäö])")
# a sign is +, - or −, or an en dash written against the number ("–7 mnkr", as Word
# writes a minus; "bra – 7 mnkr bättre" is a dash); Markdown emphasis around the number
# ("**131** anställda") does not hide it
_NUMBER = re.compile(
    r"(?<![\w,.\u2212+-])(?P<sign>[+\-\u2212]\s?|\u2013(?=\d))?"
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(?P<decimals>\d+))?[*_]{0,3}"
    r"[ \u00a0\u202f]*(?:\n[ \t]*)?" + _UNIT, re.I)
#: A number written with a full stop ("7.5 mnkr", "1.234 tkr"): not Swedish, and read
#: either way it could move a figure, so it is listed to be written again, never guessed.
_POINT = re.compile(r"(?<![\w,.])[+\-\u2212\u2013]?\d+(?:\.\d+)+[*_]{0,3}[ \u00a0\u202f]*(?:\n[ \t]*)?"
                    + _UNIT, re.I)
_WORD = re.compile(r"(?<![\wåäö])(?P<word>" + "|".join(_WORDS) + r")[ \u00a0]+(?:\n[ \t]*)?" + _UNIT, re.I)
_SICK = re.compile(r"sjuk", re.I)


@dataclass
class Finding:
    """One typed number to look at again."""

    file: str
    line: int | None
    typed: str
    scope: str
    kind: str  # "disagrees", "hidden", "format" (a number written with a full stop) or "error"
    nearest: str | None = None  # the nearest figure's name
    nearest_text: str | None = None  # ... as the report writes it
    message: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def swedish(self) -> str:
        """The finding as the index lists it."""
        w = labels.WRITTEN
        where = f"{self.file}, rad {self.line}" if self.line else self.file
        if self.kind == "error":
            return f"{where}: " + w["review_error"].format(message=self.message)
        scope = _scope_sv(self.scope)
        if self.kind == "format":
            return f"{where}: " + w["review_format"].format(typed=self.typed)
        if self.kind == "hidden":
            return f"{where}: " + w["review_hidden"].format(typed=self.typed, scope=scope,
                                                            reason=labels.SMALL_GROUP_SENTENCE)
        nearest = w["review_nearest"].format(label=labels.metric(self.nearest), value=self.nearest_text) \
            if self.nearest else ""
        return f"{where}: " + w["review_disagrees"].format(typed=self.typed, scope=scope, nearest=nearest)

    def as_dict(self) -> dict:
        return asdict(self)


def _scope_sv(scope: str) -> str:
    if "\x1f" in scope:
        division, unit = scope.split("\x1f", 1)
        return labels.WRITTEN["unit_scope"].format(unit=unit, division=labels.division_name(division))
    return "regionen" if scope == REGION_ROW else labels.division_name(scope)


@dataclass
class Typed:
    """A number typed with a unit: where, as typed, its magnitude and decimals, its sign."""

    line: int
    typed: str
    magnitude: Decimal
    decimals: int
    sign: int  # +1, -1, or 0 when none was typed
    unit: str
    sentence: str


def typed_numbers(part: tx.Part) -> list[Typed]:
    """Every number typed with a unit in a part of a text (placeholders are not typed)."""
    source = "\n".join(_PLACEHOLDER_BLANK(line) for line in part.lines)
    found = []
    for match in list(_NUMBER.finditer(source)) + list(_WORD.finditer(source)):
        if "word" in match.groupdict() and match.groupdict().get("word"):
            magnitude, decimals, sign = Decimal(_WORDS[match.group("word").casefold()]), 0, 0
        else:
            digits = re.sub(r"\D", "", match.group("number"))
            decimals = len(match.group("decimals") or "")
            magnitude = Decimal(digits + ("." + match.group("decimals") if decimals else ""))
            s = (match.group("sign") or "").strip()
            sign = 0 if not s else (1 if s == "+" else -1)
        line = part.first_line + source.count("\n", 0, match.start())
        typed = " ".join(re.sub(r"[*_]", "", match.group(0)).split())
        found.append((match.start(), Typed(line, typed, magnitude, decimals, sign,
                                           " ".join(match.group("unit").casefold().split()),
                                           _sentence(source, match.start(), match.end()))))
    return [t for _, t in sorted(found, key=lambda f: f[0])]


def point_numbers(part: tx.Part) -> list[tuple[int, str]]:
    """Every number typed with a unit and a full stop in it ("7.5 mnkr"): (line, as typed)."""
    source = "\n".join(_PLACEHOLDER_BLANK(line) for line in part.lines)
    return [(part.first_line + source.count("\n", 0, m.start()), " ".join(m.group(0).split()))
            for m in _POINT.finditer(source)]


def _PLACEHOLDER_BLANK(line: str) -> str:
    return tx._PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), line)


def _sentence(source: str, start: int, end: int) -> str:
    """The sentence around a match (from the previous full stop to the next)."""
    left = max(source.rfind(". ", 0, start), source.rfind("\n\n", 0, start))
    right = [i for i in (source.find(". ", end), source.find("\n\n", end)) if i >= 0]
    return source[left + 1:min(right) if right else len(source)]


def check_part(part: tx.Part, file: str, scopes: list[str], figures: dict,
               within: dict[str, tuple[str, Callable[[], dict]]] | None = None) -> list[Finding]:
    """The typed numbers of one part that agree with no figure of ``scopes``.

    ``within`` (unit name -> its key and a function giving its figures) are the units the
    text may speak of (a division's, every unit for ``region.md``): a typed sick-leave
    percentage in a sentence that names a unit whose sick leave is hidden is listed as
    hidden and never compared ("Sjukfrånvaron på Liten var 2,1 procent" in the division's
    text would otherwise be compared with the division's figures).

    The nearest figure named for one that disagrees is, where the sentence's other typed
    numbers agree with figures, the nearest of the same subject (``headcount_change_pct``
    beside ``headcount`` and ``headcount_change``), else the nearest in the same unit."""
    out, matched, pending = [], {}, []
    for line, typed in point_numbers(part):
        out.append(Finding(file, line, typed, scopes[0], "format", message=(
            f"{typed!r} is written with a full stop, so it cannot be checked; write decimals with a "
            "comma (7,5 mnkr) and thousands with a space (1 234 mnkr), as the report does.")))
    for typed in typed_numbers(part):
        family, factor = UNITS[typed.unit]
        hidden = [s for s in scopes if any(figures.get(s, {}).get(m, tx.Figure(None)).flag == "suppressed"
                                           for m in SICK_LEAVE_FIGURES)
                  and (len(scopes) == 1 or s.casefold() in typed.sentence.casefold())]
        sick = family in ("percent", "procentenheter") and _SICK.search(typed.sentence)
        if sick and not hidden:
            hidden = [key for name, (key, get) in (within or {}).items()
                      if re.search(rf"(?<![\wåäö]){re.escape(name)}(?![\wåäö])", typed.sentence, re.I)
                      and any(get().get(m, tx.Figure(None)).flag == "suppressed" for m in SICK_LEAVE_FIGURES)]
        if sick and hidden:
            out.append(Finding(file, typed.line, typed.typed, hidden[0], "hidden",
                               message=f"{typed.typed!r} is typed for the sick leave of {scope_label(hidden[0])}, which is "
                                       "not shown (a group of ten or fewer); remove the number."))
            continue
        candidates, hit = [], None
        for scope in scopes:
            for metric, figure in figures.get(scope, {}).items():
                if KEY_METRICS.get(metric) != family or not figure.known:
                    continue
                value = figure.value * factor
                shown = Decimal(repr(round_half_up(abs(value), typed.decimals)))
                if shown == typed.magnitude and (typed.sign == 0 or shown == 0
                                                  or typed.sign == (1 if value > 0 else -1)):
                    hit = metric
                    break
                candidates.append((abs(float(shown) - float(typed.magnitude)), scope, metric, figure))
            if hit:
                break
        if hit:
            matched.setdefault(typed.sentence, set()).add(hit.split("_")[0])
        else:
            pending.append((typed, candidates))
    for typed, candidates in pending:
        subjects = matched.get(typed.sentence, set())
        near = [c for c in candidates if c[2].split("_")[0] in subjects] or candidates
        nearest = min(near, key=lambda c: c[0]) if near else None
        finding = Finding(file, typed.line, typed.typed, scopes[0], "disagrees")
        if nearest is not None:
            _, scope, metric, figure = nearest
            finding.scope = scope
            finding.nearest, finding.nearest_text = metric, tx.figure_text(metric, figure)
        finding.message = (f"{typed.typed!r} matches no figure of {_scope_en(scopes)}" +
                           (f"; nearest: {finding.nearest} = {finding.nearest_text.replace(chr(160), ' ')}"
                            if finding.nearest else ""))
        out.append(finding)
    return sorted(out, key=lambda f: f.line or 0)


def _scope_en(scopes: list[str]) -> str:
    return "the region or its divisions" if len(scopes) > 1 else scope_label(scopes[0])


@dataclass
class TextStatus:
    """A scope's text: its file (None when there is none) and its status."""

    scope: str  # a division, REGION_ROW for region.md, or "division\x1funit"
    file: str | None
    status: str
    author: str | None = None


def check_texts(folder: Path, figures: dict, divisions: list[str],
                units: dict[str, list[str]] | None = None,
                unit_figures: Callable[[str, str], dict] | None = None) -> tuple[list[TextStatus], list[Finding]]:
    """Every text of a period's folder: each scope's status and every typed number that
    disagrees with the figures (``figures``: :func:`texts.scope_figures`). A text that
    cannot be read or names an unknown figure is listed as an error (``kind="error"``), and
    so is a Markdown file that is the text of no scope of the data (a misspelt name).

    ``units`` (division -> its units) are the units whose optional texts are read;
    ``unit_figures(division, unit)`` gives a unit's own figures (as
    :func:`regionanalytics.report.unit.unit_text_figures`), against which its text's
    placeholders and typed numbers are checked, the hidden sick-leave rule included. A unit
    without a text has no status (its text is optional)."""
    statuses, findings = [], []
    known = {d: list((units or {}).get(d, [])) for d in divisions}
    figures = dict(figures)
    memo: dict[str, dict] = {}

    def of(division: str, unit: str):
        key = unit_key(division, unit)

        def get() -> dict:  # a unit's figures are worked out only when a text needs them
            if key not in memo:
                memo[key] = unit_figures(division, unit) if unit_figures is not None else {}
            return memo[key]
        return key, get

    inner = {d: {u: of(d, u) for u in known[d]} for d in divisions}
    wanted = [(REGION_ROW, _found(lambda: tx.region_file(folder), findings, folder), [REGION_ROW] + list(divisions))]
    for division in divisions:
        wanted.append((division, _found(lambda: tx.division_file(folder, division, known), findings, folder),
                       [division]))
        for unit in known[division]:
            path = _found(lambda: tx.unit_file(folder, division, unit, known), findings, folder)
            key = unit_key(division, unit)
            if path is not None and unit_figures is not None:
                figures[key] = inner[division][unit][1]()
            wanted.append((key, path, [key]))
    for scope, path, scopes in wanted:
        if path is None or not Path(path).is_file():
            if "\x1f" not in scope:
                statuses.append(TextStatus(scope, None, tx.MISSING))
            continue
        name = tx._shown(folder, Path(path))
        try:
            text = tx.read_text(Path(path), name)
            statuses.append(TextStatus(scope, name, text.status, text.author))
            context = tx.Scope(scopes[0], figures, others=scope == REGION_ROW)
            known_scopes = [s for s in scopes if s in figures]
            within = ({u: pair for d in divisions for u, pair in inner[d].items()} if scope == REGION_ROW
                      else inner.get(scope, {}))
            for part in [text.summary] + text.sections:
                tx.render(part, context, name)  # an unknown name is an error here too
                if known_scopes:
                    findings += check_part(part, name, known_scopes, figures, within)
        except TextError as exc:
            statuses.append(TextStatus(scope, name, "fel"))
            findings.append(Finding(exc.file, exc.line, "", scope, "error", message=exc.message))
    for path in tx.stray_files(folder, known):
        if path.suffix.casefold() != ".md":
            findings.append(Finding(tx._shown(folder, path), None, "", "", "error", message=(
                f"the file is not read: a text is a Markdown file, saved as UTF-8 text with the "
                f"ending .md ({path.stem}.md).")))
            continue
        near = tx.closest_file_names(path.name, known)
        findings.append(Finding(tx._shown(folder, path), None, "", "", "error", message=(
            "the file is the text of no division or unit of the data, so no report shows it"
            + (f" (closest: {', '.join(near)})" if near else "") + "; name it as the data names the "
            "division or unit, or as its report's file name.")))
    unique, seen = [], set()
    for finding in findings:  # a name two scopes share is found for each of them
        if (finding.file, finding.line, finding.kind, finding.message, finding.typed) not in seen:
            seen.add((finding.file, finding.line, finding.kind, finding.message, finding.typed))
            unique.append(finding)
    return statuses, unique


def unit_key(division: str, unit: str) -> str:
    """A unit's key among the scopes' figures and statuses."""
    return f"{division}\x1f{unit}"


def scope_label(scope: str) -> str:
    """A scope key as messages name it: the region, a division, or a unit and its division."""
    if "\x1f" in scope:
        division, unit = scope.split("\x1f", 1)
        return f"{unit} ({division})"
    return scope


def _found(find, findings: list, folder: Path):
    try:
        return find()
    except TextError as exc:
        findings.append(Finding(exc.file, exc.line, "", "", "error", message=exc.message))
        return None
