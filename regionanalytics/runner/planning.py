"""Which reports a batch makes: one per division plus the region overview, with their parameters."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import labels
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


def plan_reports(period: str, data_dir: Path, divisions: list[str] | None, known: list[str],
                 notebooks: Path = NOTEBOOKS, units: dict[str, list[str]] | None = None,
                 texts_dir: Path | None = None) -> list[ReportSpec]:
    """The reports to run; unknown divisions are refused here, before any kernel starts.

    First the regional director's report (``rapport-<period>``), whose bilagor are the
    chosen divisions' reports in the data's order; then the region overview and the divisions.
    With ``units`` (division -> its units) every chosen division's units get a report of
    their own, listed after their division's, which links to them. ``texts_dir`` is the
    texts folder (default: the data folder's ``texts``).
    """
    if divisions:
        unknown = [d for d in divisions if d not in known]
        if unknown:
            raise ParameterError(
                f"Unknown division(s): {', '.join(map(repr, unknown))}. The data has: {', '.join(known)}.")
    chosen = divisions or known
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
    used = {REGION_SLUG, director}

    def free(base: str) -> str:
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        return slug

    for division in chosen:
        slug = free("division-" + slugify(division))
        parameters = {"period": period, "division": division, "data_dir": data, "texts_dir": texts}
        unit_specs = []
        for unit in (units or {}).get(division, []):
            unit_slug = free(f"unit-{slugify(division)}--{slugify(unit)}")
            unit_specs.append(ReportSpec(unit_slug, f"{unit} ({labels.division_name(division)})",
                                         str(notebooks / UNIT_NOTEBOOK), {**parameters, "unit": unit}))
        if unit_specs:
            parameters["unit_pages"] = {s.parameters["unit"]: f"{s.slug}.html" for s in unit_specs}
        specs.append(ReportSpec(slug, labels.division_name(division, capital=True),
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
