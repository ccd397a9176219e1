"""A region's data set: every table of the contract, read and validated together."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import budget as _budget
from .accounts import categorise, split_central
from .exceptions import DataValidationError, Problem
from .iorw import fingerprint
from .loaders import ROW, empty_table, read_raw
from .schema import SIE_SUFFIXES, TABLES, table_candidates, table_files
from .validation import check_region, check_table, resolve_units, select_sick_leave, table_notes

#: Tables without which no report can be made.
REQUIRED_TABLES = ("finance", "employees")


@dataclass
class RegionData:
    """The tables of one data folder as tidy DataFrames (see the README's data contract).

    Tables absent from the folder are empty frames with the contract's columns;
    ``missing`` names them.
    """

    finance: pd.DataFrame
    forecast: pd.DataFrame
    employees: pd.DataFrame
    absence: pd.DataFrame
    production: pd.DataFrame
    goals: pd.DataFrame
    action_plans: pd.DataFrame
    accounts: pd.DataFrame
    organisation: pd.DataFrame
    investments: pd.DataFrame
    #: The budget system's table as read (signed and in tkr); its budget is already in
    #: ``finance`` (see :mod:`regionanalytics.budget`).
    budget: pd.DataFrame = field(default_factory=lambda: empty_table("budget"))
    #: Closing balances per month and balance account (tkr, debit positive): the balance
    #: table, or the balance accounts of a SIE ledger file (see regionanalytics.sie).
    balance: pd.DataFrame = field(default_factory=lambda: empty_table("balance"))
    #: The financial goals of god ekonomisk hushållning (goal, indicator, target).
    financial_goals: pd.DataFrame = field(default_factory=lambda: empty_table("financial_goals"))
    #: Finance rows of the region's central level (finansförvaltningen: a division that books
    #: tax revenue); they count in the region's result only, see accounts.split_central.
    central: pd.DataFrame = field(default_factory=lambda: empty_table("finance"))
    source: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    #: SHA-256 of every table file (what the cache, the runner and the manifest key on).
    fingerprint: dict[str, str] = field(default_factory=dict)
    #: What loading did or noticed that does not stop a report (pseudonymised ids,
    #: absence of other kinds left out, months without rows), one sentence each.
    notes: list[str] = field(default_factory=list)

    @property
    def divisions(self) -> list[str]:
        """The divisions of the region, as the finance table names them."""
        return sorted(self.finance["division"].dropna().unique())

    @property
    def has_accounts(self) -> bool:
        """Whether the finance rows carry categories (see :mod:`regionanalytics.accounts`)
        for the figures on staff costs, hired staff and net costs."""
        return bool(self.finance["category"].notna().any())

    @property
    def months(self) -> list[str]:
        """Months with closed actuals in the finance table."""
        return sorted(self.finance.loc[self.finance["actual"].notna(), "month"].unique())

    def copy(self) -> "RegionData":
        """The same data set with tables of its own (shallow: pandas copies on write)."""
        from dataclasses import replace

        frames = {name: getattr(self, name).copy(deep=False) for name in list(TABLES) + ["central"]}
        return replace(self, **frames, files=dict(self.files), missing=list(self.missing),
                       fingerprint=dict(self.fingerprint), notes=list(self.notes))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the contract (finance without the central level's rows)."""
        return {name: getattr(self, name) for name in TABLES}


@dataclass
class ValidationReport:
    """What :func:`validate` read and every problem it found."""

    problems: list[Problem]
    rows: dict[str, int]
    files: dict[str, Path]
    missing: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_one(path: Path, table: str, sie_dimension: str | None = None
              ) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    frame, problems, unreadable, notes = read_raw(path, table, sie_dimension)
    notes = list(notes)
    if frame is not None and table == "absence":
        kept = len(frame)
        frame, left_out, reason_problems = select_sick_leave(frame, path.name)
        notes += left_out
        problems += reason_problems
        if len(frame) != kept:
            unreadable = None  # unreadable cells are reported already; their rows may be gone
    if frame is not None:
        problems += check_table(frame, TABLES[table], path.name, unreadable)
        notes += table_notes(frame, TABLES[table], path.name)
    return frame, problems, notes


def read_table(path: str | Path, table: str) -> pd.DataFrame:
    """Read and validate one table file; raise :class:`DataValidationError` on any problem.

    Examples
    --------
    >>> df = read_table("data/sample/finance.csv", "finance")
    >>> list(df.columns)
    ['month', 'division', 'unit', 'code', 'account', 'actual', 'budget']
    """
    path = Path(path)
    frame, problems, _ = _read_one(path, table)
    if problems:
        raise DataValidationError(problems)
    return frame.drop(columns=ROW)


def _read_all(data_dir: Path):
    """Read and check every table; tables are read side by side in threads (Arrow's reader
    and most of the checks release the GIL), problems are listed in the contract's order.

    Returns the frames, the files, the missing tables, the problems and the notes."""
    from concurrent.futures import ThreadPoolExecutor

    if not data_dir.is_dir():
        what = "is a file, not a folder" if data_dir.exists() else "does not exist"
        return {}, {}, list(TABLES), [Problem(str(data_dir), None, None, None,
                                              f"a folder with the region's exports; it {what}")], []
    files = table_files(data_dir)
    missing = [t for t in TABLES if t not in files]
    problems = [Problem(str(data_dir), None, None, None,
                        f"{'an' if t[0] in 'aeio' else 'a'} '{t}' table ({t}.csv, .csv.gz, .xlsx or .parquet)")
                for t in missing if t in REQUIRED_TABLES]
    for table in files:  # two files for one table: which one is meant cannot be known
        if len(found := table_candidates(data_dir, table)) > 1:
            problems.append(Problem(str(data_dir), None, None, None,
                                    f"one file for the '{table}' table; the folder has "
                                    f"{', '.join(p.name for p in found)} (remove all but one)"))
    # a SIE ledger's kostnadsställen are the objects of the dimension the organisation
    # table names: that table (small) is read first
    results, dimension = {}, None
    if "finance" in files and files["finance"].suffix.lower() in SIE_SUFFIXES and "organisation" in files:
        results["organisation"] = _read_one(files["organisation"], "organisation")
        dimension, dimension_problems = sie_dimension(results["organisation"][0], files["organisation"].name)
        problems += dimension_problems
    # largest first (by the bytes to parse), so the small ones fill in beside them
    order = sorted((t for t in files if t not in results), key=lambda t: -_size(files[t]))
    with ThreadPoolExecutor(max_workers=min(len(order), os.cpu_count() or 1) or 1) as pool:
        results.update(zip(order, pool.map(lambda t: _read_one(files[t], t, dimension), order)))
    frames, notes = {}, []
    for table in files:
        frame, found, table_notes_ = results[table]
        problems += found
        notes += table_notes_
        if frame is not None:
            frames[table] = frame
    names = {t: p.name for t, p in files.items()}
    problems += resolve_units(frames, names)  # kostnadsställen to units and divisions, in place
    problems += check_region(frames, names)
    if "finance" in frames and not problems:
        problems, more = _combine_budget(frames, names)
        notes += more
    notes += _paxml_staff_notes(files, frames, names)
    return frames, files, missing, problems, notes


def _combine_budget(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> tuple[list[Problem], list[str]]:
    """The budget table signed and joined to the finance rows (in ``frames``, in place),
    and what ``validate`` says about them: where budget and actuals disagree, accounts the
    default plan cannot place (see :mod:`regionanalytics.budget`)."""
    rules = frames.get("accounts")
    problems, notes = [], []
    if "budget" in frames:
        frames["budget"], notes, problems = _budget.signed(frames["budget"], rules, names["budget"])
        problems += _budget.unit_problems(frames["finance"], frames["budget"], names)
        if problems:
            return problems, notes
    finance, more = _budget.combine(frames["finance"], frames.get("budget"), names)
    notes += more
    notes += _budget.disagreement_notes(finance, names.get("budget", names["finance"]))
    if rules is None:  # with the region's own plan an unplaced account is an error already
        notes += _budget.unplaced_notes(finance.assign(category=categorise(finance["account"])),
                                        names["finance"])
    frames["finance"] = finance
    return problems, notes


def _paxml_staff_notes(files: dict[str, Path], frames: dict, names: dict[str, str]) -> list[str]:
    """Where a PAXml absence file's <personal> disagrees with the employees table."""
    from . import paxml
    from .schema import PAXML_SUFFIXES
    from .validation import staff_differences

    path = files.get("absence")
    if path is None or path.suffix.lower() not in PAXML_SUFFIXES or "employees" not in frames:
        return []
    return staff_differences(paxml.read(path).staff, frames["employees"], frames.get("organisation"),
                             names["absence"], names["employees"])


def sie_dimension(organisation: pd.DataFrame | None, name: str) -> tuple[str | None, list[Problem]]:
    """The SIE object dimension that the organisation table's codes are (its
    ``dimension`` column; None, dimension 1, when it has none)."""
    if organisation is None or "dimension" not in organisation or organisation["dimension"].isna().all():
        return None, []
    values = sorted(set(organisation["dimension"].dropna().astype(str).str.strip()))
    if len(values) > 1 or not values[0].isdigit():
        return None, [Problem(name, None, "dimension", ", ".join(values),
                              "one SIE dimension number for the whole table (1 kostnadsställe, 6 projekt, "
                              "or the ledger's own dimension)")]
    return values[0], []


def _size(path: Path) -> int:
    """About how many bytes reading ``path`` parses: a gzip file's own record of its
    uncompressed size (its last four bytes), else the file's size."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*"))
    size = path.stat().st_size
    if path.suffix.lower() == ".gz" and size >= 18:
        with path.open("rb") as fh:
            fh.seek(-4, os.SEEK_END)
            return max(size, int.from_bytes(fh.read(4), "little"))  # modulo 4 GiB
    return size


def validate(data_dir: str | Path) -> ValidationReport:
    """Read every table of ``data_dir`` and report all problems (raises nothing).

    Examples
    --------
    >>> report = validate("data/sample")
    >>> report.ok
    True
    """
    data_dir = Path(data_dir)
    frames, files, missing, problems, notes = _read_all(data_dir)
    rows = {t: len(f) for t, f in frames.items()}
    return ValidationReport(problems, rows, files, missing, notes)


def _with_categories(tables: dict[str, pd.DataFrame], files: dict) -> dict[str, pd.DataFrame]:
    """The finance rows with their account ``category``: by the region's accounts table
    when it has one (every account maps, validation checked), else by the default plan."""
    finance = tables["finance"]
    rules = tables["accounts"] if "accounts" in files else None
    tables["finance"], tables["central"] = split_central(
        finance.assign(category=categorise(finance["account"], rules)))
    return tables


#: The last data set loaded from the cache in this process, by folder and file digests: a
#: warm kernel making one report after another loads it once. Callers get shallow copies
#: (pandas' copy-on-write keeps the kept tables as they were whatever a caller changes).
_LOADED: dict = {}


#: A file in the data folder whose first line names the region (for the PDFs' page headers).
REGION_NAME_FILE = "region.txt"


def region_name(data_dir: str | Path) -> str | None:
    """The region's name as its data folder gives it: the first line of ``region.txt``,
    else the ``#FNAMN`` of its SIE ledger (the finance table as a SIE file or a folder of
    them); None when neither names it.

    >>> region_name("data/sample")
    'Region Exempellän'
    """
    from .schema import SIE_SUFFIXES
    from .sie import company_name

    folder = Path(data_dir)
    setting = folder / REGION_NAME_FILE
    if setting.is_file():
        for line in setting.read_text(encoding="utf-8-sig", errors="replace").splitlines():
            if line.strip():
                return line.strip()
    finance = table_files(folder).get("finance") if folder.is_dir() else None
    if finance is None:
        return None
    ledgers = sorted(p for p in finance.iterdir() if p.suffix.lower() in SIE_SUFFIXES) if finance.is_dir() \
        else [finance] if finance.suffix.lower() in SIE_SUFFIXES else []
    for ledger in ledgers:
        if (name := company_name(ledger)):
            return name
    return None


def _kept_or_cached(data_dir: Path, files: dict, digests: dict) -> RegionData | None:
    """The data set of these files as this process keeps it (:data:`_LOADED`) or as the
    parsed-table cache holds it (then kept); None when neither has it."""
    from . import cache as _cache
    from .personnummer import key_id

    # the folder, its files and the cache they were stored in (another cache: another load)
    memo = (str(data_dir.resolve()), tuple(sorted(digests.items())), str(_cache.cache_dir()), key_id())
    if _LOADED.get("key") == memo:
        return _LOADED["region"]
    cached = _cache.read(digests) if set(files) >= set(REQUIRED_TABLES) else None
    if cached is None:
        return None
    tables_cached, notes = cached
    missing = [t for t in TABLES if t not in files]
    tables = _with_categories({t: tables_cached.get(t, empty_table(t)) for t in TABLES}, files)
    region = RegionData(**tables, source=data_dir, files=files, missing=missing, fingerprint=digests,
                        notes=notes)
    _LOADED.update(key=memo, region=region)
    return region


def preload(data_dir: str | Path) -> bool:
    """Keep the data set of ``data_dir`` in this process when the parsed-table cache holds
    it already, so that the next :func:`load_region` of it reads nothing; True when it is
    kept. Never parses a file and never raises: a data set that is not cached (or not
    valid) is left to :func:`load_region`, which says what is wrong. (A batch's kernels
    call it as they start, while the main process checks the data.)"""
    data_dir = Path(data_dir)
    try:
        files = table_files(data_dir) if data_dir.is_dir() else {}
        return bool(files) and _kept_or_cached(data_dir, files, fingerprint(files)) is not None
    except Exception:  # noqa: BLE001 - load_region says it, with the file and the row
        return False


def load_region(data_dir: str | Path, cache: bool = True) -> RegionData:
    """Load and validate every table of a data folder.

    Raises :class:`~regionanalytics.exceptions.DataValidationError` listing every
    problem when any table breaks the contract. Input files are only read.
    With ``cache=True`` validated tables are kept as parquet (see
    :mod:`regionanalytics.cache`) and byte-identical files load from there.

    Examples
    --------
    >>> data = load_region("data/sample")
    >>> data.divisions[:2]
    ['Folktandvård', 'Länssjukvård']
    """
    from . import cache as _cache

    data_dir = Path(data_dir)
    files = table_files(data_dir) if data_dir.is_dir() else {}
    digests = fingerprint(files) if cache else {}
    if cache and (region := _kept_or_cached(data_dir, files, digests)) is not None:
        return region.copy()
    frames, files, missing, problems, notes = _read_all(data_dir)
    if problems:
        raise DataValidationError(problems)
    tables = {t: (frames[t].drop(columns=ROW) if t in frames else empty_table(t)) for t in TABLES}
    if cache:
        _cache.write(digests, {t: tables[t] for t in files}, notes)
    tables = _with_categories(tables, files)
    return RegionData(**tables, source=data_dir, files=files, missing=missing,
                      fingerprint=digests or fingerprint(files), notes=notes)
