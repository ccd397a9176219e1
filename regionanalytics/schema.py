"""The data contract: tables, columns, types, keys and Swedish header aliases.

This module is the single source of truth for what an input file must hold.
Loaders, validation, the README's contract table and the tests all read it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from .accounts import CATEGORIES

#: Kinds of column and how a cell of that kind is written in an export.
KIND_EXPECTED = {
    "month": "a month written YYYY-MM (e.g. 2021-04; also 202104, apr-21, april 2021)",
    "date": "a date written YYYY-MM-DD",
    "text": "a non-empty text",
    "number": "a number (decimal comma or point; space as thousands separator)",
    "category": "one of the allowed values",
    "bool": "ja/nej (or true/false, 1/0)",
}

EMPLOYMENT_FORMS = ("tillsvidare", "visstid", "timavlönad")
#: Employment forms that are monthly paid; staffing and sick-leave figures count these.
MONTHLY_PAID = ("tillsvidare", "visstid")
GENDERS = ("K", "M")
ASSESSMENTS = ("uppfyllt", "delvis", "ej")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    allowed: tuple[str, ...] = ()
    #: Synonyms of allowed values as exports write them, casefolded.
    value_aliases: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    integer: bool = False
    #: Whether the header must have the column (``required`` is about its cells).
    in_header: bool = True
    #: A share written as a fraction (0,75) or in percent (75, "75 %"): decided per
    #: column; a column mixing the two is an error (see loaders._as_share).
    share: bool = False
    #: Derived from a personnummer in ``person_id`` when the column is left out.
    from_personnummer: bool = False
    #: An amount in tkr: a header that names another unit ("Budget (kr)", "Belopp mnkr")
    #: is read in that unit and turned into tkr (see :data:`AMOUNT_UNITS`).
    amount: bool = False

    @property
    def expected(self) -> str:
        if self.kind == "category":
            return "one of " + ", ".join(self.allowed)
        text = KIND_EXPECTED[self.kind]
        if self.kind == "number":
            if self.integer:
                text = "a whole number"
            if self.min is not None and self.max is not None:
                low = ">" if self.min_exclusive else ">="
                text += f" {low} {self.min:g} and <= {self.max:g}"
            elif self.min is not None:
                text += f" {'>' if self.min_exclusive else '>='} {self.min:g}"
            if self.share:
                text += " (a share of 1, or in percent up to 100 for the whole column)"
        return text


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: Whether every month between the first and the last must be present.
    contiguous_months: bool = False
    #: Whether the file may come wide, one column per month (``jan … dec``, ``2021-01 …``,
    #: ``Period 1 … 12``, a ``Helår`` total): read long by :mod:`regionanalytics.layout`.
    wide: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_MONTH = Column("month", "month", ("månad", "manad", "period", "år-månad", "ar-manad"))
_DIVISION = Column("division", "text", ("division", "förvaltning", "divisionsnamn"))
_UNIT = Column("unit", "text", ("verksamhet", "verksamhetsområde", "enhet", "vo"))
#: A kostnadsställe code: finance rows may carry it instead of division and unit names,
#: the ``organisation`` table gives the unit and division of each code.
_CODE = Column("code", "text", ("kostnadsställe", "kostnadsstalle", "kst", "ksts", "ansvar",
                                "ansvarskod", "kostnadsställenummer"))

_ACCOUNT = Column("account", "text", ("konto", "kontonamn", "kontogrupp", "kontonummer", "kontoslag",
                                       "kontonr", "konto nr", "kontoklass"))

#: Words for the unit of an amount in a header ("Budget (kr)", "Belopp, mnkr", "Belopp i
#: kronor"): the factor that turns it into tkr. A header without one is in tkr.
#: Thousands written out ("Belopp i 1 000-tals kronor", "tusentals kr") are tkr, never kr;
#: "1 000" with any space is read as "1000" (regionanalytics.layout.units_in).
AMOUNT_UNITS = {"kr": 0.001, "kronor": 0.001, "sek": 0.001, ":-": 0.001,
                "tkr": 1.0, "tsek": 1.0, "ksek": 1.0, "tusental kronor": 1.0, "tusen kronor": 1.0,
                "tusentals kronor": 1.0, "tusental kr": 1.0, "tusentals kr": 1.0, "tusen kr": 1.0,
                "1000-tal kronor": 1.0, "1000-tals kronor": 1.0, "1000-tal kr": 1.0, "1000-tals kr": 1.0,
                "1000 kronor": 1.0, "1000 kr": 1.0, "1000 sek": 1.0, "1000-tal": 1.0, "1000-tals": 1.0,
                "mnkr": 1000.0, "mkr": 1000.0, "msek": 1000.0, "miljoner kronor": 1000.0,
                "miljoner kr": 1000.0, "mn kr": 1000.0, "milj kr": 1000.0, "milj. kr": 1000.0,
                "miljontals kronor": 1000.0}

#: Person ids: pseudonymous ids, or personnummer (pseudonymised while read).
_PERSON_ID_ALIASES = ("person-id", "personid", "person", "anställningsid", "anställningsnummer",
                      "personnummer", "personnr", "pnr")

_EMPLOYMENT_ALIASES = {
    "tillsvidareanställd": "tillsvidare", "tillsvidareanställning": "tillsvidare",
    "tv": "tillsvidare", "visstidsanställd": "visstid", "visstidsanställning": "visstid",
    "vikariat": "visstid", "vikarie": "visstid", "timavlönade": "timavlönad",
    "timanställd": "timavlönad", "timavlonad": "timavlönad",
}
_GENDER_ALIASES = {"kvinna": "K", "k": "K", "man": "M", "m": "M"}
_ASSESSMENT_ALIASES = {
    "uppfyllt": "uppfyllt", "uppfylld": "uppfyllt", "ja": "uppfyllt",
    "delvis uppfyllt": "delvis", "delvis": "delvis",
    "ej uppfyllt": "ej", "ej": "ej", "inte uppfyllt": "ej", "nej": "ej",
}

#: The indicators a financial goal can be assessed by (regionanalytics.metrics.statements).
GOAL_INDICATORS = ("result_share", "self_financing", "equity_ratio", "equity_ratio_incl_pensions")
_GOAL_INDICATOR_ALIASES = {
    "resultat i procent av skatteintäkter och generella statsbidrag": "result_share",
    "resultat i procent av skatteintäkter och statsbidrag": "result_share",
    "resultatandel": "result_share", "resultat": "result_share",
    "självfinansieringsgrad av investeringar": "self_financing",
    "självfinansieringsgrad": "self_financing",
    "soliditet": "equity_ratio",
    "soliditet inklusive pensionsåtaganden": "equity_ratio_incl_pensions",
    "soliditet inklusive pensionsförpliktelser": "equity_ratio_incl_pensions",
    "soliditet inkl. pensionsåtaganden": "equity_ratio_incl_pensions",
}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "finance",
            "Actual and budget per month, unit and account (tkr; revenue +, cost −).",
            (
                _MONTH,
                # division and unit, or a kostnadsställe code the organisation table knows
                replace(_DIVISION, required=False, in_header=False),
                replace(_UNIT, required=False, in_header=False),
                replace(_CODE, required=False, in_header=False),
                _ACCOUNT,
                Column("actual", "number", ("utfall", "utfall tkr"), required=False, amount=True),
                # optional: the budget may come from the budget system instead (table budget)
                Column("budget", "number", ("budget", "budget tkr"), required=False, in_header=False,
                       amount=True),
            ),
            key=("month", "division", "unit", "account"),
            contiguous_months=True,
        ),
        Table(
            "budget",
            "The budget per month, unit and account as the budget system exports it "
            "(tkr; revenue +, cost −, or the ledger's sign, see regionanalytics.budget); long, or wide with "
            "one column per month (see regionanalytics.layout).",
            (
                _MONTH,
                replace(_DIVISION, required=False, in_header=False),
                replace(_UNIT, required=False, in_header=False),
                replace(_CODE, required=False, in_header=False),
                _ACCOUNT,
                Column("budget", "number", ("budget", "budget tkr", "belopp", "budgetbelopp",
                                            "budgeterat belopp", "budget belopp"),
                       amount=True),
            ),
            key=("month", "division", "unit", "account"),
            wide=True,
        ),
        Table(
            "forecast",
            "Full-year result forecasts per unit, by the month they were made (tkr).",
            (
                _MONTH, _DIVISION, _UNIT,
                Column("forecast", "number", ("prognos", "helårsprognos", "årsprognos"), amount=True),
            ),
            key=("month", "division", "unit"),
        ),
        Table(
            "employees",
            "One row per person and month employed (pseudonymous person ids).",
            (
                _MONTH,
                Column("person_id", "text", _PERSON_ID_ALIASES),
                _DIVISION, _UNIT,
                Column("employment", "category", ("anställningsform",),
                       allowed=EMPLOYMENT_FORMS, value_aliases=_EMPLOYMENT_ALIASES),
                Column("gender", "category", ("kön", "kon"), allowed=GENDERS,
                       value_aliases=_GENDER_ALIASES, from_personnummer=True),
                Column("birth_year", "number", ("födelseår", "fodelsear"),
                       min=1900, integer=True, from_personnummer=True),
                # 0 or empty is accepted for timavlönade only (validation checks the rest)
                Column("employment_rate", "number", ("sysselsättningsgrad", "syssgrad",
                                                     "tjänstgöringsgrad", "anställningsgrad"),
                       required=False, min=0, max=1, share=True),
                # the contracted rate less leave of absence, where the HR export has it
                # (årsarbetare as Kolada counts them, metrics.annual_workers)
                Column("actual_employment_rate", "number", ("faktisk sysselsättningsgrad",
                                                            "faktisk syssgrad",
                                                            "faktisk tjänstgöringsgrad"),
                       required=False, min=0, max=1, share=True, in_header=False),
                Column("scheduled_hours", "number", ("schemalagd tid", "schemalagda timmar",
                                                     "planerad tid", "ordinarie arbetstid"), min=0),
                Column("worked_hours", "number", ("arbetad tid", "arbetade timmar"), min=0),
                # the payroll's registered sick hours; when given, the sick-leave numerator
                Column("sick_hours", "number", ("sjuktimmar", "sjukfrånvaro timmar",
                                                "sjukfrånvarotimmar", "sjukfrånvarotid",
                                                "sjuk tid", "sjukfrånvaro"),
                       required=False, min=0, in_header=False),
                # övertid and mertid, where the payroll export has them
                Column("overtime_hours", "number", ("övertid", "övertidstimmar", "overtid"),
                       required=False, min=0, in_header=False),
                Column("additional_hours", "number", ("mertid", "mertidstimmar"),
                       required=False, min=0, in_header=False),
            ),
            # two rows of one person in a month are two employments (say tillsvidare plus
            # hourly extra shifts): accepted, hours add, headcount counts the person once
            key=("month", "person_id", "division", "unit", "employment"),
            contiguous_months=True,
        ),
        Table(
            "absence",
            "Sick-leave spells per person, dates inclusive; extent 0–1 (partial sick leave).",
            (
                Column("person_id", "text", _PERSON_ID_ALIASES),
                Column("start", "date", ("från", "fr.o.m.", "from", "startdatum", "fom",
                                          "from datum", "från datum")),
                # empty: the spell was still running when the export was made
                Column("end", "date", ("till", "t.o.m.", "tom", "slutdatum", "till datum"),
                       required=False),
                Column("extent", "number", ("omfattning", "sjukskrivningsgrad", "grad",
                                            "frånvarograd", "procent"),
                       min=0, max=1, min_exclusive=True, share=True),
                # absence exports of every kind: only sick leave is kept (see validation)
                Column("reason", "text", ("frånvaroorsak", "orsak", "frånvarotyp", "frånvaroorsak text",
                                          "frånvaroslag", "typ av frånvaro"),
                       required=False, in_header=False),
                # a one-day spell's sick hours as registered (a PAXml day in hours); when given
                # they are the day's hours instead of the scheduled hours per working day
                Column("hours", "number", (), required=False, min=0, in_header=False),
            ),
            key=("person_id", "start"),
        ),
        Table(
            "production",
            "Production volumes per month, unit and measure.",
            (
                _MONTH, _DIVISION, _UNIT,
                Column("measure", "text", ("mått", "matt", "produktionsmått")),
                Column("value", "number", ("värde", "varde", "antal"), min=0),
            ),
            key=("month", "division", "unit", "measure"),
        ),
        Table(
            "goals",
            "Scorecard (styrkort) indicators per period, division and perspective.",
            (
                Column("period", "text", ("period", "tertial")),
                _DIVISION,
                Column("perspective", "text", ("perspektiv",)),
                Column("goal", "text", ("mål", "mal", "målformulering")),
                Column("indicator", "text", ("indikator", "mätetal", "matetal")),
                Column("target", "number", ("målvärde", "malvarde"), required=False),
                Column("outcome", "number", ("utfall",), required=False),
                Column("higher_is_better", "bool", ("högre är bättre", "hogre ar battre"),
                       required=False),
                Column("assessment", "category", ("bedömning", "bedomning", "måluppfyllelse"),
                       required=False, allowed=ASSESSMENTS, value_aliases=_ASSESSMENT_ALIASES,
                       in_header=False),
            ),
            key=("period", "division", "perspective", "goal", "indicator"),
        ),
        Table(
            "action_plans",
            "Economic action plan: planned and achieved savings per month (tkr).",
            (
                _MONTH, _DIVISION,
                Column("planned", "number", ("planerat", "planerad besparing"), min=0, amount=True),
                Column("achieved", "number", ("uppnått", "genomfört", "utfall"),
                       required=False, min=0, amount=True),
            ),
            key=("month", "division"),
        ),
        Table(
            "accounts",
            "The region's account plan: account (number, range 5000-5999 or name) to category.",
            (
                Column("account", "text", ("konto", "kontonummer", "kontointervall", "kontonamn")),
                Column("category", "category", ("kategori", "kontokategori", "rad", "resultaträkning",
                                                 "post"),
                       allowed=CATEGORIES, value_aliases={c.casefold(): c for c in CATEGORIES}),
            ),
            key=("account",),
        ),
        Table(
            "organisation",
            "Kostnadsställe codes with their unit and division.",
            (_CODE, _UNIT, _DIVISION,
             # the SIE object dimension whose objects these codes are (1, kostnadsställe, when
             # left out): one value for the whole table
             Column("dimension", "text", ("sie-dimension", "siedimension", "objektdimension",
                                          "dimensionsnummer", "dimensionsnr"),
                    required=False, in_header=False)),
            key=("code",),
        ),
        Table(
            "investments",
            "Investments per month, division and project: actual and budget (tkr).",
            (
                _MONTH, _DIVISION,
                Column("project", "text", ("projekt", "investering", "investeringsprojekt", "objekt")),
                Column("actual", "number", ("utfall", "utfall tkr"), required=False, amount=True),
                Column("budget", "number", ("budget", "budget tkr"), required=False, amount=True),
            ),
            key=("month", "division", "project"),
        ),
        Table(
            "balance",
            "Closing balance per month and balance account (tkr, debit positive), as the ledger keeps it.",
            (
                _MONTH,
                Column("account", "text", ("konto", "kontonummer", "balanskonto")),
                Column("balance", "number", ("saldo", "belopp", "utgående saldo", "utgående balans", "ub",
                                             "saldo tkr", "belopp tkr", "balans")),
            ),
            key=("month", "account"),
        ),
        Table(
            "financial_goals",
            "The financial goals of god ekonomisk hushållning: goal, indicator and target (percent).",
            (
                Column("goal", "text", ("mål", "mal", "finansiellt mål", "målformulering")),
                Column("indicator", "category", ("indikator", "mått", "nyckeltal", "mätetal"),
                       allowed=GOAL_INDICATORS, value_aliases=_GOAL_INDICATOR_ALIASES),
                Column("target", "number", ("målvärde", "malvarde", "målnivå")),
            ),
            key=("goal", "indicator"),
        ),
    )
}

#: File endings a table may be stored with, in the order they are looked for.
SUFFIXES = (".parquet", ".csv", ".csv.gz", ".xlsx")
#: The finance table may also be a SIE file (types 2, 3 and 4) from the ledger; its
#: balance accounts are then the balance table, unless the folder has one of its own.
SIE_SUFFIXES = (".se", ".sie", ".si")
SIE_TABLES = ("finance", "balance")
#: The absence table may also be a PAXml 2.0 file from the time or payroll system.
PAXML_SUFFIXES = (".pax", ".xml")


def header_lookup(table: Table) -> dict[str, str]:
    """Map every accepted header spelling (casefolded) to the column name."""
    lookup: dict[str, str] = {}
    for col in table.columns:
        lookup[col.name.casefold()] = col.name
        for alias in col.aliases:
            lookup[alias.casefold()] = col.name
    return lookup


_OTHER_FORMATS = {"finance": SIE_SUFFIXES, "absence": PAXML_SUFFIXES}


def find_table_file(data_dir: str | Path, table: str) -> Path | None:
    """The file (or parquet folder) holding ``table`` in ``data_dir``, if any."""
    data_dir = Path(data_dir)
    for suffix in SUFFIXES + _OTHER_FORMATS.get(table, ()):
        candidate = data_dir / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    if table == "balance":  # the ledger's own balance accounts
        ledger = find_table_file(data_dir, "finance")
        if ledger is not None and ledger.suffix.lower() in SIE_SUFFIXES:
            return ledger
    return None


def table_candidates(data_dir: str | Path, table: str) -> list[Path]:
    """Every file of ``data_dir`` that could hold ``table`` (more than one is ambiguous)."""
    data_dir = Path(data_dir)
    return [data_dir / f"{table}{suffix}" for suffix in SUFFIXES + _OTHER_FORMATS.get(table, ())
            if (data_dir / f"{table}{suffix}").exists()]


def table_files(data_dir: str | Path) -> dict[str, Path]:
    """Every table file of a data folder, by table."""
    return {t: p for t in TABLES if (p := find_table_file(data_dir, t)) is not None}


#: The name of the region's own row in the summaries (``summary.csv``, the workbook):
#: no division may be called so (by what a reader sees, :func:`name_key`).
REGION_ROW = "Region"


def name_key(name: str) -> str:
    """A name as a reader tells it apart, so two divisions (or two units of one division)
    with the same key are one name to a reader, and to a file name. What does not count:

    * Unicode's compatibility form (NFKC): ``Å`` written as A + ring is ``Å``, a
      fullwidth ``Ｖ`` is ``V``, a non-breaking space is a space;
    * invisible characters (Unicode's format characters, category Cf: zero-width space
      U+200B, zero-width joiner U+200D, byte order mark U+FEFF, soft hyphen);
    * a letter of another script that Unicode's confusables (UTS #39, through the
      ``confusable-homoglyphs`` package) list as looking like one Latin letter: Cyrillic
      ``а е о р с`` and Greek ``Α`` read as Latin ``a e o p c`` and ``A`` (:func:`_latin_lookalike`);
    * case and runs of white space.

    Latin letters are never changed, so ``å``, ``ä`` and ``ö`` stay apart from ``a`` and
    ``o``; nor are Latin letters and digits taken for each other (``l`` and ``1``).

    >>> name_key("Folktandv\\u00e5rd") == name_key("FOLKTANDVA\\u030aRD  ")
    True
    >>> name_key("V\\u0430rd") == name_key("Vard") != name_key("Vård")   # Cyrillic a
    True
    """
    import unicodedata

    # each letter apart from its accents (a Cyrillic о with a diaeresis is not Latin ö)
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(_latin_lookalike(c) for c in text if unicodedata.category(c) != "Cf")
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def lookalike_characters(name: str) -> list[str]:
    """The characters of ``name`` that :func:`name_key` reads as others or not at all, as
    ``U+0430 CYRILLIC SMALL LETTER A`` (for a message that tells two spellings apart).

    >>> lookalike_characters("V\\u0430rd\\u200b")
    ['U+0430 CYRILLIC SMALL LETTER A', 'U+200B ZERO WIDTH SPACE']
    """
    import unicodedata

    out = []
    for c in dict.fromkeys(str(name)):
        if (unicodedata.category(c) == "Cf" or (c.isspace() and c != " ")
                or unicodedata.normalize("NFKC", c) != c or _latin_lookalike(c) != c):
            out.append(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}")
    return out


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The Latin letter ``char`` looks like, where it is a letter of another script that
    Unicode's confusables list with one Latin letter (Cyrillic ``а`` is ``a``); else ``char``."""
    import unicodedata

    if char.isascii() or not char.isalpha() or unicodedata.name(char, "").startswith("LATIN "):
        return char  # Latin letters (å, ä, ö) and all but letters are what they are
    from confusable_homoglyphs import categories, confusables

    if categories.alias(char) in ("LATIN", "COMMON"):
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for homoglyph in (found[0]["homoglyphs"] if found else []):
        if len(homoglyph["c"]) == 1 and categories.alias(homoglyph["c"]) == "LATIN":
            return homoglyph["c"]
    return char
