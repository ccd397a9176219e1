"""Shared fixtures: the sample region (loaded once) and builders of tiny tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from regionanalytics.runner.executors import skip_unused_iri_checks

# The test processes, like the runner's workers, never build the "iri" grammars that
# jsonschema (under nbformat) would import: 1–2 s of every pytest worker's collection.
skip_unused_iri_checks()

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample():
    from regionanalytics import load_region

    return load_region(SAMPLE)


def employees_frame(rows) -> pd.DataFrame:
    """Employees table from tuples (month, person, division, unit, employment, gender,
    birth_year, scheduled_hours[, worked_hours])."""
    out = []
    for r in rows:
        month, person, division, unit, employment, gender, birth, scheduled, *rest = r
        out.append({"month": month, "person_id": person, "division": division, "unit": unit,
                    "employment": employment, "gender": gender, "birth_year": float(birth),
                    "employment_rate": 1.0, "scheduled_hours": float(scheduled),
                    "worked_hours": float(rest[0]) if rest else float(scheduled)})
    return pd.DataFrame(out)


def write_two_divisions(folder: Path, service_units: list[tuple[str, int]], revision_staff: int = 6,
                        revision_result: int = -100) -> Path:
    """A small region as semicolon CSV exports, 2020–2021 (actuals to April 2021): Service
    with ``service_units`` (unit, persons) and Revision with ``revision_staff`` persons."""
    folder.mkdir(parents=True, exist_ok=True)
    units = [("Service", unit) for unit, _ in service_units] + [("Revision", "Revisionskontoret")]
    fin = ["month;division;unit;account;actual;budget"]
    for y in (2020, 2021):
        for m in range(1, 13):
            for division, unit in units:
                actual = (revision_result if division == "Revision" else -100) if (y == 2020 or m <= 4) else ""
                fin.append(f"{y}-{m:02d};{division};{unit};Konto;{actual};-100")
    (folder / "finance.csv").write_text("\n".join(fin) + "\n", encoding="utf-8")
    staff = [(unit, i) for unit, n in service_units for i in range(n)]
    emp = ["month;person_id;division;unit;employment;gender;birth_year;employment_rate;scheduled_hours;worked_hours"]
    for y in (2020, 2021):
        for m in range(1, 13):
            for i, (unit, _) in enumerate(staff):
                emp.append(f"{y}-{m:02d};S{i:03d};Service;{unit};tillsvidare;{'K' if i % 3 else 'M'};{1960 + i};1;160;150")
            for i in range(revision_staff):
                emp.append(f"{y}-{m:02d};R{i:03d};Revision;Revisionskontoret;tillsvidare;K;{1970 + i};1;160;150")
    (folder / "employees.csv").write_text("\n".join(emp) + "\n", encoding="utf-8")
    return folder


def absence_frame(rows) -> pd.DataFrame:
    """Absence table from tuples (person, start, end, extent)."""
    df = pd.DataFrame(rows, columns=["person_id", "start", "end", "extent"])
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    df["extent"] = df["extent"].astype(float)
    return df


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Parsed-table cache of this test session only (kernels started by tests inherit it)."""
    import os

    folder = tmp_path_factory.mktemp("ra-cache")
    # the pseudonym key file too is this session's own (never the user's real key)
    config = tmp_path_factory.mktemp("ra-config")
    old = {k: os.environ.get(k) for k in ("REGIONANALYTICS_CACHE", "XDG_CONFIG_HOME")}
    os.environ["REGIONANALYTICS_CACHE"] = str(folder)
    os.environ["XDG_CONFIG_HOME"] = str(config)
    yield folder
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def batch_output(tmp_path_factory):
    """One real batch run (region + two divisions), shared by the runner and browser tests."""
    from regionanalytics.runner import run_batch

    out = tmp_path_factory.mktemp("batch")
    result = run_batch("2021-T1", SAMPLE, out, divisions=["Länsteknik", "Service"], jobs=2,
                       progress=False)
    return result, out / "2021-T1"


def pytest_collection_modifyitems(config, items):
    """The slow tests first (each module's in its own order): with ``--dist loadgroup
    --no-loadscope-reorder`` (``make test``) the workers start on the long batches and
    the quick tests fill in at the end, instead of a long test starting last."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config):
    """Stop a run in which ``--dist loadgroup`` would not keep a group on one worker: a
    shared batch fixture would then be made on every worker, silently. pytest-xdist 3.8
    tags a grouped test's node id with its group; pytest 9.2 drops the tag
    (pytest-xdist#1386, open), so ``requirements.lock`` holds pytest below 9.2."""
    from importlib.metadata import version

    from packaging.version import Version

    if (config.getoption("dist", None) == "loadgroup" and Version(pytest.__version__) >= Version("9.2")
            and Version(version("pytest-xdist")) <= Version("3.8.0")):
        raise pytest.UsageError(f"--dist loadgroup groups no test with pytest {pytest.__version__} and "
                                f"pytest-xdist {version('pytest-xdist')} (pytest-xdist#1386): "
                                "install requirements.lock (`make setup`)")
