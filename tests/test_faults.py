"""Faults with real processes: a kernel that dies, a cell over its time limit, a full disk,
the batch's process killed with SIGKILL.

In each case the other reports finish, earlier complete outputs stay intact,
the manifest says what happened, and the next run finishes the job.
"""
import json
import resource
import shutil
import subprocess
import sys

import nbformat
import pytest

from regionanalytics.runner import NOTEBOOKS, run_batch

from .conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow]


def faulty_notebooks(tmp_path, code):
    """A copy of the notebooks whose division report runs ``code`` for division Service."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    path = folder / "division_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(f'if division == "Service":\n    {code}'))
    nbformat.write(nb, path)
    return folder


def _manifest(out):
    return json.loads((out / "2021-T1" / "manifest.json").read_text(encoding="utf-8"))


def test_kernel_that_dies(tmp_path):
    notebooks = faulty_notebooks(tmp_path, "import os; os._exit(1)")
    result = run_batch("2021-T1", SAMPLE, tmp_path / "out", divisions=["Service", "Länsteknik"],
                       notebooks=notebooks, progress=False)
    status = {r.slug: r.status for r in result.reports}
    assert status == {"rapport-2021-T1": "ok", "region": "ok", "division-service": "failed",
                      "division-lansteknik": "ok"}
    entry = _manifest(tmp_path / "out")["reports"]["division-service"]
    assert entry["status"] == "failed" and "died" in entry["error"].lower()
    again = run_batch("2021-T1", SAMPLE, tmp_path / "out", divisions=["Service", "Länsteknik"], progress=False)
    assert {r.slug: r.status for r in again.reports}["division-service"] == "ok"


def test_cell_over_its_time_limit(tmp_path):
    notebooks = faulty_notebooks(tmp_path, "import time; time.sleep(300)")
    # a limit that every cell of a warm kernel keeps on a loaded machine (the imports were
    # paid as its worker started; a report's slowest cell takes about 0.5 s at a load of 4
    # on 2 cores), far below the sleep
    result = run_batch("2021-T1", SAMPLE, tmp_path / "out", divisions=["Service", "Länsteknik"],
                       notebooks=notebooks, timeout=8, progress=False)
    failed = [r for r in result.reports if r.status == "failed"]
    assert [r.slug for r in failed] == ["division-service"]
    # the manifest's line says what happened, and names no file (it was no failed write)
    assert failed[0].error.startswith("nbclient.exceptions.CellTimeoutError: ")
    assert "timed out" in failed[0].error.lower() and "Errno" not in failed[0].error
    assert "\n" not in failed[0].error and "time.sleep" not in failed[0].error
    assert (tmp_path / "out" / "2021-T1" / "division-lansteknik.html").exists()


@pytest.mark.xdist_group("batch")
def test_full_disk_keeps_previous_outputs(tmp_path, batch_output):
    _, previous = batch_output
    out = tmp_path / "out"
    shutil.copytree(previous, out / "2021-T1")
    # the reports larger than the limit (the director's report is smaller: it is made again)
    reports = lambda: {p.name: p.read_bytes() for p in (out / "2021-T1").glob("*.html")
                       if p.name != "index.html" and not p.name.startswith("rapport-")}
    before = reports()

    def small_disk():  # writes beyond 300 kB fail (EFBIG), like a disk that fills up mid-run
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    # one worker: the writes are tested here, not the spread over workers
    cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", "2021-T1", "--data", str(SAMPLE),
           "--out", str(out), "--division", "Länsteknik", "--division", "Service", "--force", "--jobs", "1"]
    proc = subprocess.run(cmd, cwd=ROOT, preexec_fn=small_disk, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (f"3 report(s) could not be written to {out / '2021-T1'}: File too large (a limit on file "
                    "size was reached: raise it or choose another --out); earlier complete reports are kept as "
                    "they were"), proc.stderr
    assert reports() == before  # every earlier complete report is intact
    for notebook in (out / "2021-T1").rglob("*.ipynb"):  # no half-written .error.ipynb
        nbformat.read(notebook, as_version=4)
    assert not list((out / "2021-T1").rglob("*.part"))
    index = (out / "2021-T1" / "index.html").read_text(encoding="utf-8")
    assert "Misslyckades" in index and "föregående version" in index
    manifest = _manifest(out)
    # every report larger than the limit failed (the director's report is smaller)
    assert {s for s, e in manifest["reports"].items() if e["status"] == "failed"} == {
        "region", "division-lansteknik", "division-service"}
    finished = run_batch("2021-T1", SAMPLE, out, divisions=["Länsteknik", "Service"], progress=False)
    assert finished.ok  # the three that failed are made; the director's, finished before, is up to date
    assert {r.slug for r in finished.reports if r.status == "ok"} >= {"region", "division-lansteknik", "division-service"}


def test_killing_the_run_ends_its_workers_and_kernels(tmp_path):
    """`kill -9` of the run's own process (not its group): its workers and their kernels
    end within seconds (the workers by PR_SET_PDEATHSIG, the kernels by polling their
    parent), instead of running on."""
    import os
    import signal
    import time

    import psutil

    cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", "2021-T1", "--data", str(SAMPLE),
           "--out", str(tmp_path / "out"), "--division", "Länsteknik", "--division", "Service", "--jobs", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(proc.pid)
    deadline = time.time() + 300
    kernels = []
    while time.time() < deadline and len(kernels) < 2 and proc.poll() is None:
        time.sleep(0.2)
        try:
            family = main.children(recursive=True)
            kernels = [p for p in family if "ipykernel_launcher" in " ".join(p.cmdline())]
        except psutil.Error:
            continue
    assert len(kernels) == 2, "the run's two kernels did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    alive = lambda: [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    end = time.time() + 10
    while time.time() < end and alive():
        time.sleep(0.2)
    assert not alive(), [" ".join(p.cmdline())[:80] for p in alive()]
