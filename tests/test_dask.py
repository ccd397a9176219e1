"""Reports spread over a Dask cluster: a local cluster of two worker processes."""
import pytest

from regionanalytics.runner import run_batch

from .conftest import SAMPLE

pytestmark = [pytest.mark.slow]


def test_batch_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = run_batch("2021-T1", SAMPLE, tmp_path, divisions=["Länsteknik", "Service"],
                           scheduler=cluster.scheduler_address, progress=False)
        with distributed.Client(cluster) as client:
            workers = len(client.scheduler_info()["workers"])
    assert workers == 2
    assert [r.status for r in result.reports] == ["ok", "ok", "ok", "ok"]
    assert result.reports[2].figures["headcount"] == 131  # Länsteknik, computed on a worker
    assert (tmp_path / "2021-T1" / "division-service.html").exists()
