"""The package's key figures agree with an independent DuckDB SQL implementation
(benchmarks/reference_duckdb.py, written from the README's definitions)."""
import sys

import pytest

from regionanalytics.summary import key_metrics

from .conftest import ROOT, SAMPLE

duckdb = pytest.importorskip("duckdb")
sys.path.insert(0, str(ROOT / "benchmarks"))
from reference_duckdb import key_figures  # noqa: E402


def test_package_matches_duckdb_reference(sample):
    ours = key_metrics(sample, "2021-T1").set_index(["division", "metric"])["value"]
    reference = key_figures(str(SAMPLE), 2021, 4)
    compared = 0
    for division, metric, value in reference.itertuples(index=False):
        if (division, metric) in ours.index and value == value:
            mine = ours[(division, metric)]
            if metric.startswith("sick") or metric.startswith("long"):
                if mine != mine:  # suppressed in ours: the reference does not suppress
                    continue
            assert mine == pytest.approx(float(value), rel=1e-9, abs=1e-6), (division, metric)
            compared += 1
    assert compared >= 6 * 12
