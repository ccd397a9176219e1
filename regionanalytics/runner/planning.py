"""Which reports a batch makes: one per division plus the region overview, with their parameters."""
from __future__ import annotations

import difflib
import hashlib
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ParameterError
from ..iorw import slugify

#: The report notebooks, shipped inside the package (in a checkout a link to notebooks/).
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DIVISION_NOTEBOOK = "division_report.ipynb"
REGION_NOTEBOOK = "region_overview.ipynb"
UNIT_NOTEBOOK = "unit_report.ipynb"
DIRECTOR_NOTEBOOK = "director_report.ipynb"
REGION_SLUG = "region"
#: The regional director's report is ``rapport-<period>.html``.
DIRECTOR_PREFIX = "rapport-"

_CREDENTIAL_NAME = re.compile(r"pass(word|wd)?|secret|token|api[_-]?key|credential|auth", re.I)
_CREDENTIAL_VALUE = re.compile(
    r"://[^/\s:@]+:[^/\s@]+@"          # user:password@ in a URL
    r"|-----BEGIN [A-Z ]*PRIVATE KEY"   # a private key
    r"|\b(ghp|gho|github_pat|xox[bap]|sk)[-_][A-Za-z0-9_]{16,}"  # well-known token prefixes
    r"|\bAKIA[0-9A-Z]{16}\b"            # an AWS access key id
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."  # a JSON web token
    r"|[?&](password|token|secret|key|sig)=", re.I)


@dataclass
class ReportSpec:
    """One report to produce."""

    slug: str
    title: str
    notebook: str
    parameters: dict

    @property
    def key(self) -> str:
        return self.parameters.get("division", REGION_SLUG)

    @property
    def unit(self) -> str | None:
        return self.parameters.get("unit")


def relative_path(path: str | Path, start: Path) -> str:
    """``path`` relative to ``start`` (as text), absolute only where no relative path exists."""
    try:
        return os.path.relpath(Path(path).resolve(), start.resolve())
    except ValueError:  # another drive
        return str(Path(path).resolve())


def resolve_divisions(names: list[str], known: list[str],
                      units: dict[str, list[str]] | None = None) -> list[str]:
    """The divisions ``names`` mean, as the data names them; refused before any report starts.

    A name may be written as the data writes it or as the reports do ("Division
    Service"), in any case and Unicode form. An unknown name is refused with the nearest
    division's name, or, when it is a unit's, with how to get that unit's report.

    >>> resolve_divisions(["division service", "Länsteknik"], ["Länsteknik", "Service"])
    ['Service', 'Länsteknik']
    """
    # imported here: a worker unpickling a ReportSpec needs neither, nor pandas through them
    from .. import labels
    from ..schema import name_key

    by_key: dict[str, str] = {}
    for division in known:
        by_key.setdefault(name_key(division), division)
        by_key.setdefault(name_key(labels.division_name(division)), division)
    chosen, unknown = [], []
    for name in names:
        division = by_key.get(name_key(name))
        if division is None:
            unknown.append(name)
        elif division not in chosen:
            chosen.append(division)
    if unknown:
        raise ParameterError(f"Unknown division(s): {'; '.join(_why_unknown(n, known, units or {}) for n in unknown)}. "
                             f"The data has: {', '.join(known)}.")
    return chosen


def _why_unknown(name: str, known: list[str], units: dict[str, list[str]]) -> str:
    """An unknown ``--division`` name with the nearest name the data has."""
    from .. import labels
    from ..schema import name_key

    key = name_key(name)
    unit_of = {name_key(u): (u, d) for d, us in units.items() for u in us}
    if key in unit_of:
        unit, division = unit_of[key]
        return (f"{name!r} is a unit of {labels.division_name(division)}, not a division (its report: "
                f"--division {division!r} --units)")
    candidates = {name_key(d): f"did you mean {d!r}?" for d in known}
    for k, (unit, division) in unit_of.items():
        candidates.setdefault(k, f"did you mean {labels.division_name(division)} (unit {unit!r} is one of its, "
                                 f"--units makes its report)?")
    bare = re.sub(r"^division ", "", key)
    close = difflib.get_close_matches(bare, list(candidates), n=1, cutoff=0.6)
    return f"{name!r} ({candidates[close[0]]})" if close else repr(name)


def _digest(*names: str) -> str:
    text = "\x1f".join(unicodedata.normalize("NFC", n) for n in names)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def _unique(bases: dict[tuple, str], owners: dict[str, tuple]) -> dict[tuple, str]:
    """A file name per report, never one for two: reports whose names make the same slug
    (``Lab/Röntgen`` and ``Lab Röntgen``, names longer than a slug) get a short digest of
    the exact name after it; one that had the plain slug in an earlier run of the period
    (``owners``: slug -> report) keeps it, so no run overwrites another report's file."""
    groups: dict[str, list[tuple]] = defaultdict(list)
    for item, base in bases.items():
        groups[base].append(item)
    slugs = {}
    for base, members in groups.items():
        owner = owners.get(base)
        plain = owner if owner in members else (members[0] if len(members) == 1 and owner is None else None)
        for item in members:
            slugs[item] = base if item == plain else f"{base}-{_digest(*[n for n in item if n])}"
    return slugs


def report_slugs(known: list[str], units: dict[str, list[str]] | None = None,
                 owners: dict[str, tuple] | None = None) -> dict[tuple, str]:
    """The file name (slug) of every report the data can have, by (division, unit) (unit
    None for a division's report): made from all the data's divisions and units, not the
    chosen ones, so ``--division X`` alone names X's report as a run of all does.

    >>> report_slugs(["Service", "Lab/Röntgen", "Lab Röntgen"])[("Service", None)]
    'division-service'
    >>> sorted(report_slugs(["Lab/Röntgen", "Lab Röntgen"]).values())
    ['division-lab-rontgen-4b3c91', 'division-lab-rontgen-4db056']
    """
    bases: dict[tuple, str] = {(d, None): "division-" + slugify(d) for d in known}
    for division, names in (units or {}).items():
        for unit in names:
            bases[(division, unit)] = f"unit-{slugify(division)}--{slugify(unit)}"
    slugs = _unique(bases, owners or {})
    assert len(set(slugs.values())) == len(slugs) and REGION_SLUG not in slugs.values()
    return slugs


def plan_reports(period: str, data_dir: Path, divisions: list[str] | None, known: list[str],
                 notebooks: Path = NOTEBOOKS, units: dict[str, list[str]] | None = None,
                 texts_dir: Path | None = None, owners: dict[str, tuple] | None = None,
                 earlier_pages: dict[str, dict[str, str]] | None = None) -> list[ReportSpec]:
    """The reports to run; unknown divisions are refused here, before any report starts.

    First the regional director's report (``rapport-<period>``), whose bilagor are the
    chosen divisions' reports in the data's order; then the region overview and the divisions.
    With ``units`` (division -> its units) every chosen division's units get a report of
    their own, listed after their division's, which links to them. ``texts_dir`` is the
    texts folder (default: the data folder's ``texts``); ``owners``
    (slug -> (division, unit)) are the reports an earlier run of the period made, whose file
    names stay theirs; ``earlier_pages`` (division -> {unit: page}) the unit reports an earlier
    run made, which a division's report made again without ``units`` still links to.
    """
    from .. import labels

    chosen = resolve_divisions(divisions, known) if divisions else list(known)
    notebooks = Path(notebooks).resolve()
    # relative to the notebooks' folder (the kernel's working folder): no local absolute
    # path is written into the executed notebooks
    data = relative_path(data_dir, notebooks)
    texts = relative_path(texts_dir, notebooks) if texts_dir else ""
    director = DIRECTOR_PREFIX + period
    specs = [ReportSpec(director, labels.WRITTEN["director_short"], str(notebooks / DIRECTOR_NOTEBOOK),
                        {"period": period, "data_dir": data, "texts_dir": texts, "bilagor": []}),
             ReportSpec(REGION_SLUG, "Regionen", str(notebooks / REGION_NOTEBOOK),
                        {"period": period, "data_dir": data})]
    slugs = report_slugs(known, units, owners)
    for division in chosen:
        parameters = {"period": period, "division": division, "data_dir": data, "texts_dir": texts}
        unit_specs = [ReportSpec(slugs[(division, unit)], f"{unit} ({labels.division_name(division)})",
                                 str(notebooks / UNIT_NOTEBOOK), {**parameters, "unit": unit})
                      for unit in (units or {}).get(division, [])]
        if unit_specs:
            parameters["unit_pages"] = {s.parameters["unit"]: f"{s.slug}.html" for s in unit_specs}
        elif (earlier_pages or {}).get(division):
            parameters["unit_pages"] = dict(sorted(earlier_pages[division].items()))
        specs.append(ReportSpec(slugs[(division, None)], labels.division_name(division, capital=True),
                                str(notebooks / DIVISION_NOTEBOOK), parameters))
        specs += unit_specs
    # the bilagor: the divisions whose reports the run makes, in the data's order
    pages = {s.parameters["division"]: f"{s.slug}.html" for s in specs
             if s.notebook.endswith(DIVISION_NOTEBOOK)}
    specs[0].parameters["bilagor"] = [[d, pages[d]] for d in known if d in pages]
    for spec in specs:
        refuse_credentials(spec.parameters)
    return specs


def refuse_credentials(parameters: dict) -> None:
    """Refuse a parameter that looks like a credential (papermill copies every
    parameter into the shared notebook and its metadata)."""
    for name, value in parameters.items():
        if _CREDENTIAL_NAME.search(name):
            raise ParameterError(
                f"Parameter {name!r} looks like a credential. Reports are shared and papermill "
                "writes every parameter into them: give secrets to the data source through the "
                "environment instead.")
        if isinstance(value, str) and _CREDENTIAL_VALUE.search(value):
            raise ParameterError(
                f"Parameter {name!r} has a value that looks like a password or token. Reports are "
                "shared and papermill writes every parameter into them: read secrets from the "
                "environment instead.")
