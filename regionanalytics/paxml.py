"""Read sick leave from a PAXml 2.0 file, as time and payroll systems export it.

PAXml 2.0 (paxml.se; "PAXml 2.0", 2013-03-13, with its schema ``paxml.xsd``) is the
Swedish exchange format between time systems and payroll. What is read:

- ``<tidtransaktioner>``: every ``<tidtrans>`` with a sick-leave ``<tidkod>``
  (:data:`SICK_LEAVE_CODES`). A dated spell (``<datumfrom>``–``<datumtom>``, or one
  ``<datum>``) with ``<omfattning>`` (percent; left out: 100 %, as the standard says)
  becomes a row of the absence table; a day's hours (``<datum>`` with ``<timmar>``, or
  ``<starttid>``–``<sluttid>``) become a one-day row whose ``hours`` are the sick hours
  as registered. Other codes are left out and counted in a note; a code the standard
  does not list is named with its lines. A day's registrations of one person add up
  (a negative ``<timmar>`` corrects); more than 24 hours, a day in hours inside a spell,
  or a ``postid`` given twice is an error.
- ``<schematransaktioner>``: the scheduled hours per person and day. On the days it
  covers, a spell's hours are that day's scheduled hours × its extent (the standard:
  "omfattning kräver schematid"); on other days the package's rule applies
  (scheduled hours per working day of the month, see ``metrics.sick_leave``).
- ``<personal>``: per person the link of ``anstid`` to ``persnr``, the employment rate
  (``<sysgrad>``), form (``<anstform>``/``<lonform>``) and kostnadsställe (``<resenhet
  dim="1">``). Names, addresses, phone numbers and salaries are never read.

A person is their personnummer (``persnr``, or the one ``<personal>`` gives their
``anstid``), replaced by its keyed pseudonym while the file is read; else their
``anstid`` as written. The file is parsed by defusedxml (no DTD, no entities, no
external references) and must be at most :data:`MAX_BYTES`. Errors name the file, the
element's line and what was expected.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import Problem

#: The largest PAXml file read (a region's month of time transactions is far smaller).
MAX_BYTES = 512 * 2**20
#: PAXml nests five levels; a deeper file is not PAXml.
MAX_DEPTH = 32

#: Time codes that are sick leave, with the standard's names ("PAXml 2.0", section
#: "Koder", "Frånvaro (Endast tidkod)", page 18). Arbetsskada (absence for an
#: occupational injury) is sickness too, as the absence table's reasons count it. Not
#: sick leave: Sjukjour JS1–JS3 and Sjukberedskap BS1–BS3 (on-call time, page 18),
#: Sjuk-OB OS1–OS5 (a pay supplement, page 20), Havandeskapspenning HAV, Smittbärare SMB.
SICK_LEAVE_CODES = {
    "SJK": "Sjukdom",
    "SJK_KAR": "Sjukdom - Karensdag",
    "SJK_LÖN": "Sjukdom - Sjuklön (Arbetsgivaren betalar)",
    "SJK_ERS": "Sjukdom - Sjukersättning (FK + 10% sjuklön)",
    "SJK_PEN": "Sjukdom - Sjukpenning (Försäkringskassan)",
    "ASK": "Arbetsskada",
}

#: Every ``<tidkod>`` of PAXml 2.0: the specification's lists of time codes (pages
#: 18–20) and the schema's ``tidkodTYPE`` (which adds RE4 and leaves out SCH).
TIME_CODES = frozenset(
    list(SICK_LEAVE_CODES)
    + "HAV FPE VAB SMB UTB MIL SVE NÄR TJL SEM SEM_BET SEM_SPA SEM_OBE SEM_FÖR KOM PEM PER FAC "
      "ATK KON PAP JS1 JS2 JS3 BS1 BS2 BS3 ATF".split()
    + [f"FR{i}" for i in range(1, 10)]
    + ["SCH", "FLX"] + [f"TS{i}" for i in range(1, 10)]
    + "TID ARB MER".split() + [f"ÖT{i}" for i in range(1, 6)] + [f"ÖK{i}" for i in range(1, 6)]
    + "JR1 JR2 JR3 BE1 BE2 BE3 RE1 RE2 RE3 RE4".split() + [f"NV{i}" for i in range(1, 10)]
    + [f"OB{i}" for i in range(1, 6)] + [f"OS{i}" for i in range(1, 6)] + ["HLG", "SKI"]
    + [f"LT{i}" for i in range(1, 10)])

#: ``<anstform>`` as the standard suggests it (page 12), and ``<lonform>`` TIM, to the
#: contract's employment forms.
EMPLOYMENT_FORMS = {"FAST": "tillsvidare", "PROV": "visstid", "VISSTID": "visstid",
                    "VIKARIAT": "visstid", "PENSION": "visstid", "PROJEKT": "visstid",
                    "PRAKTIK": "visstid", "FERIE": "visstid", "SÄSONG": "visstid"}

_TIDTRANS_FIELDS = {"tidkod", "datum", "datumfrom", "datumtom", "starttid", "sluttid", "timmar",
                    "omfattning"}
_PERSON_FIELDS = {"sysgrad", "anstform", "lonform"}
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                       r"(?:Z|[+-]\d{2}:\d{2})?(?:\[[^\]]*\])?$")
_DECIMAL = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_SPELL_EXPECTED = ("<datum> (one day), <datumfrom> with <datumtom> (a spell), or <starttid> "
                   "with <sluttid> (PAXml 2.0, Tidtransaktioner)")


@dataclass
class PaxmlFile:
    """What :func:`read` found in one PAXml file (person ids pseudonymous)."""

    #: Sick leave as absence rows: ``_row`` (the ``<tidtrans>``' line), person_id, start,
    #: end, extent, reason, hours (the day's registered sick hours; NaN for a spell).
    absence: pd.DataFrame
    #: ``<schematransaktioner>``: person_id, month, scheduled_hours, days.
    schedule: pd.DataFrame
    #: ``<personal>``: person_id, employment_rate (0–1), employment, code (kostnadsställe).
    staff: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: False when the file could not be parsed at all (``problems`` say why).
    parsed: bool = True


class _Collector:
    """Callbacks of defusedxml's expat parser keeping only the fields read (never a name or an
    address: their text is not even kept). Time transactions of other codes are counted as
    they end, not kept: a time system's file is mostly presence (ARB, ÖT1, OB1, ...)."""

    def __init__(self, expat):
        self._xp = expat  # for the line of each start tag
        self.path: list[str] = []
        self.sick: list[dict] = []  # sick-leave <tidtrans>
        self.suspicious: list[tuple[str, int]] = []  # codes that look like sick leave but are not
        self.others: Counter = Counter()
        self.unknown: dict[str, list[int]] = defaultdict(list)
        self.links: list[tuple[str, str, int]] = []  # (anstid, persnr, line) wherever both are given
        self.days: list[tuple] = []  # (line, anstid, persnr, datum, timmar, starttid, sluttid)
        self.persons: list[dict] = []
        self.header: dict[str, str] = {}
        self.root: str | None = None
        self.too_deep: int | None = None
        self._record: dict | None = None
        self._schema: tuple | None = None
        self._field: str | None = None
        self._text: list[str] = []

    @staticmethod
    def _ids(attrs: list) -> tuple[str | None, str | None]:
        found = dict(zip(attrs[::2], attrs[1::2]))
        return (found.get("anstid", "").strip() or None), (found.get("persnr", "").strip() or None)

    def start(self, tag, attrs):
        path = self.path
        parent = path[-1] if path else None
        if "}" in tag:
            tag = tag[tag.rindex("}") + 1:]
        path.append(tag)
        if parent == "tidtrans":
            if self._record is not None and tag in _TIDTRANS_FIELDS:
                self._field, self._text = tag, []
                self._record["lines"][tag] = self._xp.CurrentLineNumber
            return
        if parent == "schema":
            if tag == "dag" and self._schema is not None:
                found = dict(zip(attrs[::2], attrs[1::2]))
                self.days.append((self._xp.CurrentLineNumber, *self._schema, found.get("datum"),
                                  found.get("timmar"), found.get("starttid"), found.get("sluttid")))
            return
        line = self._xp.CurrentLineNumber
        if self.root is None:
            self.root = tag
        if len(path) > MAX_DEPTH and self.too_deep is None:
            self.too_deep = line
        if tag == "tidtrans" and parent == "tidtransaktioner":
            anstid, persnr = self._ids(attrs)
            postid = dict(zip(attrs[::2], attrs[1::2])).get("postid")
            self._record = {"line": line, "anstid": anstid, "persnr": persnr, "postid": postid, "lines": {}}
        elif tag == "schema" and parent == "schematransaktioner":
            self._schema = self._ids(attrs)
            if all(self._schema):
                self.links.append((*self._schema, line))
        elif tag == "person" and parent == "personal":
            anstid, persnr = self._ids(attrs)
            self._record = {"line": line, "anstid": anstid, "persnr": persnr, "lines": {}}
            self.persons.append(self._record)
        elif parent == "person" and self._record is not None and tag in _PERSON_FIELDS:
            self._field, self._text = tag, []
            self._record["lines"][tag] = line
        elif tag == "resenhet" and self._record is not None and path[-3:-1] == ["person", "resenheter"]:
            found = dict(zip(attrs[::2], attrs[1::2]))
            if found.get("dim", "").strip() == "1":
                self._record["code"] = found.get("id", "").strip()
        elif parent == "header" and tag in ("version", "programnamn"):
            self._field, self._text = tag, []

    def data(self, text):
        if self._field is not None:
            self._text.append(text)

    def end(self, tag):
        path = self.path
        if "}" in tag:
            tag = tag[tag.rindex("}") + 1:]
        if self._field == tag:
            target = self.header if len(path) >= 2 and path[-2] == "header" else self._record
            if target is not None:
                target[tag] = "".join(self._text).strip()
            self._field = None
        parent = path[-2] if len(path) >= 2 else None
        if tag == "tidtrans" and parent == "tidtransaktioner" and self._record is not None:
            self._end_tidtrans(self._record)
            self._record = None
        elif tag == "person" and parent == "personal":
            if self._record and self._record["anstid"] and self._record["persnr"]:
                self.links.append((self._record["anstid"], self._record["persnr"], self._record["line"]))
            self._record = None
        elif tag == "schema":
            self._schema = None
        path.pop()

    def _end_tidtrans(self, record: dict) -> None:
        code = record.get("tidkod", "")
        if record["anstid"] and record["persnr"]:
            self.links.append((record["anstid"], record["persnr"], record["line"]))
        line = record["lines"].get("tidkod", record["line"])
        if code in SICK_LEAVE_CODES:
            self.sick.append(record)
        elif code in TIME_CODES:
            self.others[code] += 1
        elif code.casefold().startswith("sjk") or code.upper() in SICK_LEAVE_CODES:
            self.suspicious.append((code, line))
        else:
            self.unknown[code].append(line)

    def close(self):
        return self


def _parse_xml(path: Path, name: str, raw: bytes) -> tuple[_Collector | None, list[Problem]]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [Problem(name, None, None, None, f"a PAXml file of at most {MAX_BYTES // 2**20} MB; "
                              f"this one is {size / 2**20:.0f} MB (export a shorter period)")]
    declared = re.match(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", raw.lstrip(b"\xef\xbb\xbf"))
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in ("iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252") and _is_utf8_text(raw):
        return None, [Problem(name, 1, None, encoding.upper(),
                              "text in the encoding the XML declaration names; the file declares "
                              f"{encoding.upper()} but its letters are UTF-8 bytes (Ö would read as "
                              "Ã–): export it again, or correct the declaration to UTF-8")]
    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    # defusedxml's expat parser (its DTD, entity and external-reference guards in place) calls
    # the collector directly: no tree is built, and no ElementTree layer between
    collector = _Collector(parser.parser)
    parser.target = parser._target = collector
    parser.parser.StartElementHandler = collector.start
    parser.parser.EndElementHandler = collector.end
    parser.parser.CharacterDataHandler = collector.data
    try:
        parser.feed(raw)
        parser.close()
    except DefusedXmlException as exc:
        return None, [Problem(name, _exc_line(parser), None, None,
                              "a PAXml file without a document type declaration, entities or external "
                              f"references (PAXml 2.0 uses none; refused for safety: {type(exc).__name__})")]
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        return None, [Problem(name, line, None, None, f"well-formed XML in the encoding it declares "
                              f"({encoding.upper()}); the parser stopped: {str(exc).split(':')[0]}")]
    except (LookupError, ValueError) as exc:  # an encoding Python does not know
        return None, [Problem(name, 1, None, encoding, f"an XML encoding such as ISO-8859-1 or UTF-8 ({exc})")]
    if collector.too_deep is not None:
        return None, [Problem(name, collector.too_deep, None, None,
                              f"PAXml's few levels of elements; the file nests deeper than {MAX_DEPTH}")]
    if collector.root != "paxml":
        return None, [Problem(name, 1, None, collector.root,
                              "a PAXml 2.0 file: the root element <paxml> (paxml.se)")]
    return collector, []


def _exc_line(parser) -> int | None:
    try:
        return int(parser.parser.CurrentLineNumber)
    except Exception:  # noqa: BLE001 - a line is a courtesy here
        return None


def _is_utf8_text(raw: bytes) -> bool:
    """Whether bytes beyond ASCII are all UTF-8 sequences (a file mislabelled ISO-8859-1)."""
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _date(value: str | None) -> pd.Timestamp | None:
    m = _DATE.match(value or "")
    if not m:
        return None
    try:
        return pd.Timestamp(m.group(1))
    except ValueError:
        return None


def _datetime(value: str | None) -> pd.Timestamp | None:
    m = _DATETIME.match((value or "").strip())
    if not m:
        return None
    try:
        return pd.Timestamp(f"{m.group(1)} {m.group(2)}:{m.group(3)}:{m.group(4) or '00'}")
    except ValueError:
        return None


def _decimal(value: str | None) -> float | None:
    text = (value or "").strip()
    return float(text.replace(",", ".")) if _DECIMAL.match(text) else None


class _People:
    """Person ids: personnummer (checked, then pseudonymised) or anstid."""

    def __init__(self, name: str, collector: _Collector, problems: list[Problem], notes: list[str]):
        from . import personnummer

        self.name, self.problems, self.hidden = name, problems, personnummer.HIDDEN
        pairs = ([(r["anstid"], r["persnr"]) for r in collector.sick + collector.persons]
                 + [(d[1], d[2]) for d in collector.days] + [(a, p) for a, p, _ in collector.links])
        numbers = {p for _, p in pairs if p}
        anstids = {a for a, _ in pairs if a}
        # an anstid may itself be a personnummer (some systems use it so): never kept as written
        ids = sorted(numbers | anstids)
        self.pseudonym: dict[str, str | None] = {}
        if ids:
            parsed = personnummer.parse(pd.Series(ids, dtype=object), lambda: _latest_year(collector))
            shaped = parsed["shaped"].to_numpy(bool)
            numbers |= {i for i, is_shaped in zip(ids, shaped) if is_shaped}
            ok = parsed["valid"].to_numpy(bool)
            pseudonyms = personnummer.pseudonymise(parsed["canonical"].where(parsed["valid"], None))
            self.pseudonym = {i: (p if good else None) for i, p, good in zip(ids, pseudonyms, ok)
                              if i in numbers}
            if numbers:
                notes.append(f"{name}: personnummer replaced by keyed pseudonyms "
                             f"({sum(p is not None for p in self.pseudonym.values())} persons) before "
                             "anything was stored")
        # anstid -> persnr, from <personal> and from any element carrying both
        self.linked: dict[str, str] = {}
        for anstid, persnr, line in collector.links:
            if self.linked.setdefault(anstid, persnr) != persnr:
                problems.append(Problem(name, line, "persnr", self.hidden,
                                        f"one personnummer per anstid; anstid '{anstid}' has two"))

    def number(self, anstid: str | None, persnr: str | None) -> str | None:
        return persnr or self.linked.get(anstid) or (anstid if anstid in self.pseudonym else None)

    def of(self, anstid: str | None, persnr: str | None, line: int) -> str | None:
        """The person id of an element, or None (its problem reported)."""
        number = self.number(anstid, persnr)
        if number is not None:
            pseudonym = self.pseudonym.get(number)
            if pseudonym is None:
                self.problems.append(Problem(self.name, line, "persnr", self.hidden,
                                             "a personnummer with a correct check digit (yyyymmddnnnn)"))
            return pseudonym
        if anstid:
            return anstid
        self.problems.append(Problem(self.name, line, "anstid", None,
                                     "an anstid or persnr attribute naming the employee (PAXml 2.0: "
                                     "\"Anställningsnummer eller personnummer måste finnas med\")"))
        return None


def _latest_year(collector: _Collector) -> int:
    """The latest year of the file's dates (the reference for ten-digit personnummer)."""
    years = [int(v[:4]) for r in collector.sick for k in ("datum", "datumfrom", "datumtom", "starttid")
             if re.match(r"^\d{4}-", v := r.get(k) or "")]
    years += [int(d[3][:4]) for d in collector.days[-1:] + collector.days[:1] if re.match(r"^\d{4}-", d[3] or "")]
    return max(years) if years else pd.Timestamp.today().year


def _registration(record: dict, name: str, problems: list[Problem]) -> tuple | None:
    """A sick-leave ``<tidtrans>`` as ``("hours", day, hours)`` or ``("spell", start, end,
    extent)``; None (and a problem) when it breaks the standard."""
    line = record["line"]
    lines = record.get("lines", {})

    def problem(field_: str, expected: str, value: str | None = None):
        problems.append(Problem(name, lines.get(field_, line), field_, value, expected))

    has = {k for k in _TIDTRANS_FIELDS if record.get(k, "") != ""}
    hours = extent = None
    if "timmar" in has:
        hours = _decimal(record["timmar"])
        if hours is None:
            return problem("timmar", "hours as a decimal number (9.5)", record["timmar"])
    if "omfattning" in has:
        percent = _decimal(record["omfattning"])
        if percent is None or not 0 < percent <= 100:
            return problem("omfattning", "an extent in percent above 0 and at most 100", record["omfattning"])
        extent = percent / 100
    if hours is not None and extent is not None:
        return problem("omfattning", "<timmar> or <omfattning>, not both (PAXml 2.0: \"Omfattning får ej "
                       "anges ... i kombination med timmar\")", record["omfattning"])
    forms = [f for f in (("datum",), ("datumfrom", "datumtom"), ("starttid", "sluttid")) if has & set(f)]
    if len(forms) != 1:
        field_ = "datum" if not forms else forms[1][0]
        return problem(field_, _SPELL_EXPECTED + ("; the element has none" if not forms else
                                                  "; the element has more than one"))
    if forms[0] == ("starttid", "sluttid"):
        begin, end = _datetime(record.get("starttid")), _datetime(record.get("sluttid"))
        for f, v in (("starttid", begin), ("sluttid", end)):
            if v is None:
                return problem(f, "a date and time written YYYY-MM-DDThh:mm:ss", record.get(f))
        if hours is not None or extent is not None:
            return problem("starttid", "<starttid>–<sluttid> without <timmar> or <omfattning> (the time "
                           "between them is the hours)")
        if end <= begin:
            return problem("sluttid", "an end time after the start time", record["sluttid"])
        return ("hours", begin.normalize(), (end - begin).total_seconds() / 3600)
    if forms[0] == ("datum",):
        day = _date(record["datum"])
        if day is None:
            return problem("datum", "a date written YYYY-MM-DD", record["datum"])
        return ("hours", day, hours) if hours is not None else ("spell", day, day, extent or 1.0)
    start, end = _date(record.get("datumfrom")), _date(record.get("datumtom"))
    if "datumfrom" not in has:
        return problem("datumfrom", "a <datumfrom> with the <datumtom> (the spell's first day)")
    if start is None:
        return problem("datumfrom", "a date written YYYY-MM-DD", record["datumfrom"])
    if "datumtom" in has and end is None:
        return problem("datumtom", "a date written YYYY-MM-DD", record["datumtom"])
    if end is not None and end < start:
        return problem("datumtom", f"an end date on or after <datumfrom> {record['datumfrom']}",
                       record["datumtom"])
    if hours is not None:
        if end != start:
            return problem("timmar", "<omfattning> for a spell of several days (PAXml 2.0: \"Timmar får "
                           "inte anges i kombination med datumintervall\")", record["timmar"])
        return ("hours", start, hours)
    return ("spell", start, end, extent or 1.0)  # without omfattning: 100 % (PAXml 2.0, note T)


def _schedule(collector: _Collector, people: _People, name: str, problems: list[Problem]) -> pd.DataFrame:
    """Scheduled hours per person and day (passes of a day added), read column-wise: a
    schedule has a day per person and day of the period."""
    frame = pd.DataFrame(collector.days, columns=["line", "anstid", "persnr", "datum", "timmar", "starttid",
                                                  "sluttid"])
    if frame.empty:
        return pd.DataFrame({"person_id": pd.Series(dtype=object), "day": pd.Series(dtype="datetime64[ns]"),
                             "hours": pd.Series(dtype="float64")})
    datum = frame["datum"].fillna("").str.strip()
    dated = datum != ""
    day = pd.to_datetime(datum.where(datum.str.match(_DATE.pattern)).str[:10], format="%Y-%m-%d", errors="coerce")
    timmar = frame["timmar"].fillna("").str.strip()
    hours = pd.to_numeric(timmar.where(timmar.str.match(_DECIMAL.pattern)).str.replace(",", "."), errors="coerce")
    bad = dated & (day.isna() | hours.isna() | (hours < 0) | (hours > 24))
    for row in frame[bad].head(20).itertuples(index=False):
        problems.append(Problem(name, int(row.line), "dag", None,
                                "a <dag> with datum (YYYY-MM-DD) and timmar (the day's scheduled hours, a "
                                "number from 0 to 24), or with starttid before sluttid"))
    for i in np.flatnonzero(~dated.to_numpy()):  # passes by start and end time (few)
        begin, end = _datetime(frame.at[i, "starttid"]), _datetime(frame.at[i, "sluttid"])
        if begin is None or end is None or end <= begin:
            problems.append(Problem(name, int(frame.at[i, "line"]), "dag", None,
                                    "a <dag> with datum and timmar, or with starttid before sluttid"))
            bad.iloc[i] = True
            continue
        day.iloc[i], hours.iloc[i] = begin.normalize(), (end - begin).total_seconds() / 3600
    frame = frame.assign(day=day, hours=hours)[~bad]
    # person ids once per distinct (anstid, persnr), not per day
    keys = frame[["anstid", "persnr", "line"]].drop_duplicates(["anstid", "persnr"])
    person = {(a, p): people.of(a, p, line) for a, p, line in keys.itertuples(index=False)}
    frame["person_id"] = [person[k] for k in zip(frame["anstid"], frame["persnr"])]
    frame = frame.dropna(subset=["person_id"])
    per_day = frame.groupby(["person_id", "day"], as_index=False).agg(hours=("hours", "sum"), line=("line", "first"))
    for row in per_day[per_day["hours"] > 24].head(20).itertuples(index=False):
        problems.append(Problem(name, int(row.line), "dag", f"{row.hours:g}",
                                "at most 24 scheduled hours per person and day (the day's passes added)"))
    return per_day[per_day["hours"] <= 24].drop(columns="line")


def _split_by_schedule(spells: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Spells with each day the schedule covers as a row of its own with that day's hours ×
    extent; the days it does not cover stay spells (their hours by the package's rule).
    Covered days of overlapping spells of one person are one row (hours and extents add)."""
    if spells.empty or schedule.empty:
        return spells
    schedule = schedule[schedule["person_id"].isin(spells["person_id"])]
    hours_on = dict(zip(zip(schedule["person_id"], schedule["day"]), schedule["hours"]))
    last_day = schedule.groupby("person_id")["day"].max().to_dict()
    out = []
    for spell in spells.to_dict("records"):
        person = spell["person_id"]
        running = pd.isna(spell["end"])
        last = last_day.get(person)
        if last is None or (running and last < spell["start"]):
            out.append(spell)
            continue
        known_end = last if running else spell["end"]
        run_start = None
        for day in pd.date_range(spell["start"], known_end, freq="D"):
            if (person, day) in hours_on:
                if run_start is not None:
                    out.append({**spell, "start": run_start, "end": day - pd.Timedelta(days=1)})
                    run_start = None
                out.append({**spell, "start": day, "end": day, "hours": hours_on[person, day] * spell["extent"]})
            elif run_start is None:
                run_start = day
        if run_start is not None:
            out.append({**spell, "start": run_start, "end": spell["end"]})
        elif running:  # still running after the schedule's last day: the rest by the rule
            out.append({**spell, "start": known_end + pd.Timedelta(days=1), "end": spell["end"]})
    split = pd.DataFrame(out, columns=spells.columns)
    hourly = split["hours"].notna()
    days = split[hourly].groupby(["person_id", "start"], as_index=False).agg(
        _row=("_row", "first"), reason=("reason", "first"), end=("end", "first"),
        extent=("extent", "sum"), hours=("hours", "sum"))
    return pd.concat([split[~hourly], days[split.columns]], ignore_index=True)


#: The last file read, by path and content: loading reads the absence
#: rows, the region's checks then the same file's staff, without parsing it twice.
_LAST: dict = {}


def read(path: str | Path) -> PaxmlFile:
    """Read a PAXml 2.0 file: its sick leave, schedule and staff (see the module's text).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "absence.pax"
    >>> _ = path.write_text('<paxml><tidtransaktioner><tidtrans anstid="7"><tidkod>SJK</tidkod>'
    ...                     '<datum>2022-09-20</datum><timmar>9.5</timmar></tidtrans>'
    ...                     '<tidtrans anstid="7"><tidkod>VAB</tidkod><datum>2022-09-21</datum>'
    ...                     '<timmar>8</timmar></tidtrans></tidtransaktioner></paxml>')
    >>> read(path).absence[["person_id", "reason", "hours"]].values.tolist()
    [['7', 'Sjukdom', 9.5]]
    """
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        return _read(path, b"")
    raw = path.read_bytes()
    key = (str(path.resolve()), hashlib.sha256(raw).hexdigest())
    if _LAST.get("key") == key:
        return _LAST["file"]
    found = _read(path, raw)
    _LAST.update(key=key, file=found)
    return found


def _read(path: Path, raw: bytes) -> PaxmlFile:
    name = path.name
    columns = ["_row", "person_id", "start", "end", "extent", "reason", "hours"]
    empty = PaxmlFile(pd.DataFrame(columns=columns), pd.DataFrame(columns=["person_id", "month",
                      "scheduled_hours", "days"]), pd.DataFrame(columns=["person_id", "employment_rate",
                                                                          "employment", "code"]))
    collector, problems = _parse_xml(path, name, raw)
    if collector is None:
        empty.problems, empty.parsed = problems, False
        return empty
    notes: list[str] = []
    version = collector.header.get("version")
    if version is not None and version.strip() != "2.0":
        problems.append(Problem(name, None, "version", version, "PAXml version 2.0 (<header><version>)"))
    people = _People(name, collector, problems, notes)
    for code, line in collector.suspicious:
        # looks like sick leave but is not the standard's: counting it or not would both be a guess
        problems.append(Problem(name, line, "tidkod", code, "a sick-leave code of PAXml 2.0 as the standard "
                                "writes it (" + ", ".join(SICK_LEAVE_CODES) + ")"))
    others, unknown = collector.others, collector.unknown
    # postid is "Unikt löpnummer för denna post": a transaction sent twice would count twice
    first_line: dict[str, int] = {}
    for record in collector.sick:
        postid = (record.get("postid") or "").strip()
        if postid and first_line.setdefault(postid, record["line"]) != record["line"]:
            problems.append(Problem(name, record["line"], "postid", postid,
                                    f"a unique postid; line {first_line[postid]} has the same (the "
                                    "transaction twice would count twice)"))
    registered = []
    for record in collector.sick:
        found = _registration(record, name, problems)
        person = people.of(record["anstid"], record["persnr"], record["line"])
        if found is None or person is None:
            continue
        code = record["tidkod"]
        registered.append((record["line"], person, SICK_LEAVE_CODES[code], code) + found)

    # registered: (line, person, reason, code, "hours", day, hours) or
    #             (line, person, reason, code, "spell", start, end, extent)
    hour_rows = [r[:3] + r[5:7] for r in registered if r[4] == "hours"]
    spell_rows = [r[:3] + r[5:8] for r in registered if r[4] == "spell"]
    spells = pd.DataFrame(spell_rows, columns=["_row", "person_id", "reason", "start", "end", "extent"]).astype(
        {"_row": "int64", "start": "datetime64[ns]", "end": "datetime64[ns]", "extent": "float64"})
    spells["hours"] = np.nan
    days = pd.DataFrame(hour_rows, columns=["_row", "person_id", "reason", "start", "hours"]).astype(
        {"_row": "int64", "start": "datetime64[ns]", "hours": "float64"})
    # a day's registrations add up (SJK_KAR and SJK_LÖN on one day; a negative one corrects)
    days = days.groupby(["person_id", "start"], as_index=False).agg(
        _row=("_row", "first"), reason=("reason", "first"), hours=("hours", "sum"))
    negative = days["hours"] < -1e-9
    for row in days[negative].to_dict("records"):
        problems.append(Problem(name, int(row["_row"]), "timmar", f"{row['hours']:g}",
                                "sick hours that add up to 0 or more per person and day (a negative "
                                "<timmar> corrects hours registered on the same day)"))
    for row in days[days["hours"] > 24].to_dict("records"):
        problems.append(Problem(name, int(row["_row"]), "timmar", f"{row['hours']:g}",
                                "at most 24 sick hours per person and day (the day's registrations added)"))
    days = days[(days["hours"] > 1e-9) & (days["hours"] <= 24)]
    days = days.assign(end=days["start"], extent=1.0)
    # a day registered in hours that a spell of the same person covers is counted twice
    if not days.empty and not spells.empty:
        both = days.reset_index().merge(spells, on="person_id", suffixes=("", "_spell"))
        inside = both[(both["start"] >= both["start_spell"])
                      & (both["end_spell"].isna() | (both["start"] <= both["end_spell"]))]
        for row in inside.drop_duplicates("index").to_dict("records"):
            problems.append(Problem(name, int(row["_row"]), "datum", row["start"].strftime("%Y-%m-%d"),
                                    f"one registration per day: the spell at line {int(row['_row_spell'])} "
                                    "already covers this day (hours and a spell on the same day count twice)"))
        days = days[~days.index.isin(inside["index"])]

    schedule_days = _schedule(collector, people, name, problems)
    n_spells = len(spells)
    spells = _split_by_schedule(spells, schedule_days)
    covered = int(spells["hours"].notna().sum())
    absence = pd.concat([spells, days[spells.columns]], ignore_index=True) if len(days) else spells
    absence = absence.sort_values(["_row", "start"], kind="stable").reset_index(drop=True)[columns]
    absence["_row"] = absence["_row"].astype("int64")
    absence["hours"] = absence["hours"].astype("float64")
    absence["extent"] = absence["extent"].astype("float64")

    schedule = schedule_days.assign(month=schedule_days["day"].dt.strftime("%Y-%m")).groupby(
        ["person_id", "month"], as_index=False).agg(scheduled_hours=("hours", "sum"), days=("day", "nunique"))
    staff = _staff(collector, people, name, problems)

    program = collector.header.get("programnamn")
    source = f" from {program}" if program else ""
    codes = Counter(r[3] for r in registered)
    listing = ", ".join(f"{c} {n}" for c, n in sorted(codes.items()))
    notes.insert(0, f"{name}: PAXml{source}; {_count(len(registered), 'sick-leave time transaction')}"
                 + (f" ({listing})" if listing else "") + f": {_count(len(days), 'day')} in hours, "
                 f"{_count(n_spells, 'spell')}")
    extents = [r[7] for r in registered if r[4] == "spell" and r[7] is not None]
    if extents and max(extents) <= 0.01 + 1e-9:
        notes.append(f"{name}: every <omfattning> is at most 1 %; read in percent as PAXml 2.0 defines it "
                     "(0.5 is 0.5 %): a system that writes shares of 1 there gives far too little sick leave")
    if others:
        notes.append(f"{name}: {_count(sum(others.values()), 'time transaction')} of other codes than sick leave "
                     "left out (" + ", ".join(f"{c} {n}" for c, n in sorted(others.items())) + ")")
    for code, lines in sorted(unknown.items()):
        shown = ", ".join(str(n) for n in lines[:10]) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
        notes.append(f"{name}: time code '{code}' is not one of PAXml 2.0's; its {len(lines)} "
                     f"transaction(s) (line {shown}) are left out as not sick leave")
    if len(schedule_days):
        notes.append(f"{name}: <schematransaktioner> give {len(schedule_days)} scheduled days of "
                     f"{schedule_days['person_id'].nunique()} persons; {covered} spell days take their "
                     "hours from it")
    return PaxmlFile(absence, schedule, staff, problems, notes)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _staff(collector: _Collector, people: _People, name: str, problems: list[Problem]) -> pd.DataFrame:
    rows = []
    for person in collector.persons:
        pid = people.of(person["anstid"], person["persnr"], person["line"])
        if pid is None:
            continue
        rate = None
        if person.get("sysgrad"):
            percent = _decimal(person["sysgrad"])
            if percent is None or not 0 <= percent <= 100:
                problems.append(Problem(name, person.get("lines", {}).get("sysgrad", person["line"]), "sysgrad",
                                        person["sysgrad"], "an employment rate in percent, 0 to 100"))
            else:
                rate = percent / 100
        form = EMPLOYMENT_FORMS.get(person.get("anstform", "").upper())
        if person.get("lonform", "").upper() == "TIM":
            form = "timavlönad"
        rows.append((pid, rate, form, person.get("code") or None))
    return pd.DataFrame(rows, columns=["person_id", "employment_rate", "employment", "code"])


def read_absence(path: str | Path) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """The absence rows of a PAXml file (see :func:`read`), its problems and notes; the
    frame is None when the file cannot be read at all."""
    pax = read(path)
    return (pax.absence if pax.parsed else None), pax.problems, pax.notes
