"""Shared fixtures: the sample region (loaded once) and builders of tiny tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
