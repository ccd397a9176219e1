"""Read sick leave from a PAXml 2.0 file, as time and payroll systems export it.

PAXml 2.0 (paxml.se; "PAXml 2.0", 2013-03-13, with its schema ``paxml.xsd``) is the
Swedish exchange format between time systems and payroll. What is read:

- ``<tidtransaktioner>``: every ``<tidtrans>`` with a sick-leave ``<tidkod>``
  (:data:`SICK_LEAVE_CODES`). A dated spell (``<datumfrom>``–``<datumtom>``, or one
  ``<datum>``) with ``<omfattning>`` (percent; left out: 100 %, as the standard says)
  becomes a row of the absence table; a day's hours (``<datum>`` with ``<timmar>``, or
  ``<starttid>``–``<sluttid>``) become a one-day row whose ``hours`` are the sick hours
  as registered. Other codes are left out and counted in a note; a code the standard
  does not list is named with its lines.
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
    """An ElementTree parser target keeping only the fields read (never a name or an
    address: their text is not even kept)."""

    def __init__(self):
        self.parser = None  # the XMLParser, for the line of each start tag
        self.path: list[str] = []
        self.tidtrans: list[dict] = []
        self.days: list[dict] = []
        self.persons: list[dict] = []
        self.header: dict[str, str] = {}
        self.root: str | None = None
        self.too_deep: int | None = None
        self._record: dict | None = None
        self._schema: dict | None = None
        self._field: str | None = None
        self._text: list[str] = []

    def _line(self) -> int:
        return int(self.parser.parser.CurrentLineNumber)

    def start(self, tag, attrib):
        tag = tag.rsplit("}", 1)[-1]
        parent = self.path[-1] if self.path else None
        self.path.append(tag)
        if self.root is None:
            self.root = tag
        if len(self.path) > MAX_DEPTH and self.too_deep is None:
            self.too_deep = self._line()
        ids = {k: attrib[k].strip() for k in ("anstid", "persnr") if attrib.get(k, "").strip()}
        if tag == "tidtrans" and parent == "tidtransaktioner":
            self._record = {"line": self._line(), **ids}
            self.tidtrans.append(self._record)
        elif tag == "person" and parent == "personal":
            self._record = {"line": self._line(), **ids}
            self.persons.append(self._record)
        elif tag == "schema" and parent == "schematransaktioner":
            self._schema = {"line": self._line(), **ids}
        elif tag == "dag" and parent == "schema" and self._schema is not None:
            self.days.append({**self._schema, "line": self._line(), "schema_line": self._schema["line"],
                              **{k: attrib.get(k) for k in ("datum", "timmar", "starttid", "sluttid")}})
        elif self._record is not None and parent in ("tidtrans", "person") and (
                tag in (_TIDTRANS_FIELDS if parent == "tidtrans" else _PERSON_FIELDS)):
            self._field, self._text = tag, []
            self._record.setdefault("lines", {})[tag] = self._line()
        elif tag == "resenhet" and self._record is not None and self.path[-3:-1] == ["person", "resenheter"]:
            if attrib.get("dim", "").strip() == "1":
                self._record["code"] = attrib.get("id", "").strip()
        elif parent == "header" and tag in ("version", "programnamn"):
            self._field, self._text = tag, []

    def data(self, text):
        if self._field is not None:
            self._text.append(text)

    def end(self, tag):
        tag = tag.rsplit("}", 1)[-1]
        if self._field == tag:
            value = "".join(self._text).strip()
            target = self.header if self.path[-2:-1] == ["header"] else self._record
            if target is not None:
                target[tag] = value
            self._field = None
        if tag in ("tidtrans", "person") and len(self.path) >= 2 and self.path[-2] in ("tidtransaktioner",
                                                                                     "personal"):
            self._record = None
        elif tag == "schema":
            self._schema = None
        self.path.pop()

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
    collector = _Collector()
    parser = DefusedXMLParser(target=collector, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    collector.parser = parser
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
    if max(raw, default=0) < 0x80:
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

        self.name, self.problems = name, problems
        records = collector.tidtrans + collector.days + collector.persons
        # an anstid may itself be a personnummer (some systems use it so): never kept as written
        ids = sorted({r[k] for r in records for k in ("persnr", "anstid") if k in r})
        self.pseudonym: dict[str, str | None] = {}
        if ids:
            parsed = personnummer.parse(pd.Series(ids, dtype=object), _latest_year(collector))
            shaped = parsed["shaped"].to_numpy(bool)
            numbers = {i for i, s in zip(ids, shaped) if s} | {r["persnr"] for r in records if "persnr" in r}
            ok = parsed["valid"].to_numpy(bool)
            pseudonyms = personnummer.pseudonymise(parsed["canonical"].where(parsed["valid"], None))
            self.pseudonym = {i: (p if good else None) for i, p, good in zip(ids, pseudonyms, ok)
                              if i in numbers}
            if numbers:
                notes.append(f"{name}: personnummer replaced by keyed pseudonyms "
                             f"({sum(p is not None for p in self.pseudonym.values())} persons) before "
                             "anything was stored")
        self.hidden = personnummer.HIDDEN
        # anstid -> persnr, from <personal> and from any record carrying both
        self.linked: dict[str, str] = {}
        for r in collector.persons + collector.tidtrans + collector.days:
            if "anstid" in r and "persnr" in r:
                known = self.linked.setdefault(r["anstid"], r["persnr"])
                if known != r["persnr"]:
                    problems.append(Problem(name, r["line"], "persnr", self.hidden,
                                            f"one personnummer per anstid; anstid '{r['anstid']}' has two"))

    def of(self, record: dict) -> str | None:
        """The person id of a record, or None (its problem reported)."""
        anstid = record.get("anstid", "")
        number = record.get("persnr") or self.linked.get(anstid) or (anstid if anstid in self.pseudonym else None)
        if number is not None:
            pseudonym = self.pseudonym.get(number)
            if pseudonym is None:
                self.problems.append(Problem(self.name, record["line"], "persnr", self.hidden,
                                             "a personnummer with a correct check digit (yyyymmddnnnn)"))
            return pseudonym
        if record.get("anstid"):
            return record["anstid"]
        self.problems.append(Problem(self.name, record["line"], "anstid", None,
                                     "an anstid or persnr attribute naming the employee (PAXml 2.0: "
                                     "\"Anställningsnummer eller personnummer måste finnas med\")"))
        return None


def _latest_year(collector: _Collector) -> int:
    years = [int(v[:4]) for r in collector.tidtrans + collector.days
             for k, v in r.items() if k in ("datum", "datumfrom", "datumtom", "starttid") and
             isinstance(v, str) and re.match(r"^\d{4}-", v)]
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
    """Scheduled hours per person and day (passes of a day added)."""
    rows = []
    for day in collector.days:
        if day.get("datum"):
            date, hours = _date(day["datum"]), _decimal(day.get("timmar"))
            if date is None:
                problems.append(Problem(name, day["line"], "datum", day["datum"], "a date written YYYY-MM-DD"))
                continue
            if hours is None or hours < 0:
                problems.append(Problem(name, day["line"], "timmar", day.get("timmar"),
                                        "the day's scheduled hours, a number of at least 0"))
                continue
        else:
            begin, end = _datetime(day.get("starttid")), _datetime(day.get("sluttid"))
            if begin is None or end is None or end <= begin:
                problems.append(Problem(name, day["line"], "dag", None,
                                        "a <dag> with datum and timmar, or with starttid before sluttid"))
                continue
            date, hours = begin.normalize(), (end - begin).total_seconds() / 3600
        person = people.of(day)
        if person is not None:
            rows.append((person, date, hours))
    frame = pd.DataFrame(rows, columns=["person_id", "day", "hours"]).astype(
        {"person_id": object, "day": "datetime64[ns]", "hours": "float64"})
    return frame.groupby(["person_id", "day"], as_index=False)["hours"].sum()


def _split_by_schedule(spells: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Spells with each day the schedule covers as a row of its own with that day's hours ×
    extent; the days it does not cover stay spells (their hours by the package's rule).
    Covered days of overlapping spells of one person are one row (hours and extents add)."""
    if spells.empty or schedule.empty:
        return spells
    by_person = {p: dict(zip(g["day"], g["hours"])) for p, g in schedule.groupby("person_id")}
    out = []
    for spell in spells.to_dict("records"):
        days = by_person.get(spell["person_id"])
        running = pd.isna(spell["end"])
        last = max(days) if days else None
        if not days or (running and last < spell["start"]):
            out.append(spell)
            continue
        known_end = last if running else spell["end"]
        run_start = None
        for day in pd.date_range(spell["start"], known_end, freq="D"):
            if day in days:
                if run_start is not None:
                    out.append({**spell, "start": run_start, "end": day - pd.Timedelta(days=1)})
                    run_start = None
                out.append({**spell, "start": day, "end": day, "hours": days[day] * spell["extent"]})
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
    >>> pax = read("/work/shared/real-exports/paxml/workify-TimeRegistrationexport.xml")  # doctest: +SKIP
    >>> pax.absence[["person_id", "start", "hours"]].values.tolist()  # doctest: +SKIP
    [['1234', Timestamp('2022-09-20 00:00:00'), 9.5]]
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

    others: Counter = Counter()
    unknown: dict[str, list[int]] = defaultdict(list)
    registered = []
    for record in collector.tidtrans:
        code = record.get("tidkod", "")
        if code not in SICK_LEAVE_CODES:
            if code in TIME_CODES:
                others[code] += 1
            elif code.casefold().startswith("sjk") or code.upper() in SICK_LEAVE_CODES:
                # looks like sick leave but is not the standard's: it would move the figure either way
                problems.append(Problem(name, record.get("lines", {}).get("tidkod", record["line"]), "tidkod",
                                        code, "a sick-leave code of PAXml 2.0 as the standard writes it ("
                                        + ", ".join(SICK_LEAVE_CODES) + ")"))
            else:
                unknown[code].append(record.get("lines", {}).get("tidkod", record["line"]))
            continue
        found = _registration(record, name, problems)
        person = people.of(record)
        if found is None or person is None:
            continue
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
    days = days[days["hours"] > 1e-9]
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
    notes.insert(0, f"{name}: PAXml{source}; {len(registered)} sick-leave time transactions"
                 + (f" ({listing})" if listing else "") + f": {len(days)} days in hours, "
                 f"{n_spells} spells")
    if others:
        notes.append(f"{name}: {sum(others.values())} time transactions of other codes than sick leave "
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


def _staff(collector: _Collector, people: _People, name: str, problems: list[Problem]) -> pd.DataFrame:
    rows = []
    for person in collector.persons:
        pid = people.of(person)
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
