"""Which reports a batch makes: one per division plus the region overview, with their parameters."""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import labels
from ..exceptions import ParameterError
from ..parameters import refuse_credentials

#: The report notebooks, shipped inside the package (in a checkout a link to notebooks/).
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DIVISION_NOTEBOOK = "division_report.ipynb"
REGION_NOTEBOOK = "region_overview.ipynb"
REGION_SLUG = "region"


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


def slugify(name: str) -> str:
    """A safe file name for a report: ASCII letters, digits and dashes only.

    >>> slugify("Närsjukvård Luleå-Boden")
    'narsjukvard-lulea-boden'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60] or "division"


def relative_path(path: str | Path, start: Path) -> str:
    """``path`` relative to ``start`` (as text), absolute only where no relative path exists."""
    try:
        return os.path.relpath(Path(path).resolve(), start.resolve())
    except ValueError:  # another drive
        return str(Path(path).resolve())


def plan_reports(period: str, data_dir: Path, divisions: list[str] | None, known: list[str],
                 notebooks: Path = NOTEBOOKS) -> list[ReportSpec]:
    """The reports to run; unknown divisions are refused here, before any kernel starts."""
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
    specs = [ReportSpec(REGION_SLUG, "Regionen", str(notebooks / REGION_NOTEBOOK),
                        {"period": period, "data_dir": data})]
    used = {REGION_SLUG}
    for division in chosen:
        slug = base = "division-" + slugify(division)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        specs.append(ReportSpec(slug, labels.division_name(division, capital=True), str(notebooks / DIVISION_NOTEBOOK),
                                {"period": period, "division": division, "data_dir": data}))
    for spec in specs:
        refuse_credentials(spec.parameters)
    return specs
