"""The batch runner with real kernels: outputs, skipping, isolation of failures, interruption."""
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from regionanalytics.cli import main
from regionanalytics.exceptions import ParameterError
from regionanalytics.runner import run_batch

from .conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow]


@pytest.mark.xdist_group("batch")
def test_outputs_of_a_run(batch_output):
    result, out = batch_output
    assert result.ok and [r.status for r in result.reports] == ["ok", "ok", "ok", "ok"]
    for name in ("rapport-2021-T1", "region", "division-lansteknik", "division-service"):
        assert (out / f"{name}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert (out / f"{name}.ipynb").exists()
    for name in ("index.html", "summary.csv", "summary.xlsx", "manifest.json"):
        assert (out / name).exists()
    assert not list(out.glob(".*part")) and not (out / ".work").exists()


@pytest.mark.xdist_group("batch")
def test_summary_csv_is_the_metrics_command(batch_output):
    _, out = batch_output
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["metrics", "--period", "2021-T1", "--data", str(SAMPLE)]) == 0
    expected = pd.read_csv(io.StringIO(buf.getvalue()))
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), expected)
    sheet = pd.read_excel(out / "summary.xlsx", sheet_name="Nyckeltal", engine="openpyxl")
    row = sheet[sheet["Nyckeltal"] == "Antal månadsanställda"].iloc[0]
    assert row["Länsteknik"] == 131


@pytest.mark.xdist_group("batch")
def test_no_rounding_noise_reaches_the_summaries(batch_output):
    from openpyxl import load_workbook

    from regionanalytics.formatting import round_half_up

    _, out = batch_output
    text = (out / "summary.csv").read_text(encoding="utf-8")
    assert ",-0.0," not in text and not re.search(r"\de-\d", text)
    sheet = load_workbook(out / "summary.xlsx")["Nyckeltal"]
    decimals = {"mnkr": 1, "percent": 1, "procentenheter": 1, "persons": 0, "hours": 0, "årsarbetare": 1,
                "units": 0}
    checked = 0
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[1] in decimals:
            for value in row[2:]:
                if isinstance(value, float):
                    # the cell holds what it shows: pasting gives the shown figure
                    assert value == round_half_up(value, decimals[row[1]]), (row[0], value)
                    checked += 1
    assert checked > 50


@pytest.mark.xdist_group("batch")
def test_outputs_name_no_local_absolute_path(batch_output):
    _, out = batch_output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not os.path.isabs(manifest["parameters"]["data_dir"])
    for path in out.iterdir():
        if path.suffix in (".html", ".ipynb", ".json", ".csv"):
            text = path.read_text(encoding="utf-8")
            assert str(SAMPLE) not in text and str(ROOT) not in text, path.name
    assert "Datakälla:</b> sample (" in (out / "division-service.html").read_text(encoding="utf-8")


@pytest.mark.xdist_group("batch")
def test_manifest_records_parameters_fingerprint_versions_and_status(batch_output):
    _, out = batch_output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256((SAMPLE / "finance.csv").read_bytes()).hexdigest()
    assert manifest["data_fingerprint"]["finance"] == digest
    assert manifest["parameters"]["period"] == "2021-T1"
    assert set(manifest["notebook_versions"]) == {"director_report.ipynb", "division_report.ipynb",
                                                  "region_overview.ipynb"}
    assert {r["status"] for r in manifest["reports"].values()} == {"ok"}
    assert all(r["seconds"] > 0 for r in manifest["reports"].values())


@pytest.mark.xdist_group("batch")
def test_rerun_skips_up_to_date_reports_unless_forced(batch_output):
    _, out = batch_output
    before = (out / "division-service.html").stat().st_mtime_ns
    again = run_batch("2021-T1", SAMPLE, out.parent, divisions=["Länsteknik", "Service"], progress=False)
    assert [r.status for r in again.reports] == ["skipped"] * 4
    assert (out / "division-service.html").stat().st_mtime_ns == before
    forced = run_batch("2021-T1", SAMPLE, out.parent, divisions=["Service"], force=True, progress=False)
    assert [r.status for r in forced.reports] == ["ok", "ok", "ok"]
    assert (out / "division-service.html").stat().st_mtime_ns > before


def test_unknown_division_and_period_refused_before_any_kernel(tmp_path):
    started = time.perf_counter()
    with pytest.raises(ParameterError, match="Unknown division.*'Nowhere'.*Länsteknik"):
        run_batch("2021-T1", SAMPLE, tmp_path, divisions=["Nowhere"], progress=False)
    with pytest.raises(ParameterError, match="2024-T1"):
        run_batch("2024-T1", SAMPLE, tmp_path, progress=False)
    assert not any(tmp_path.rglob("*.ipynb"))
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("data_dir", ["postgresql://report:Hemligt123@db.region.se/hr",
                                      "https://data.region.se/export?token=abc123"])
def test_parameter_that_looks_like_a_credential_is_refused(tmp_path, data_dir):
    with pytest.raises(ParameterError, match="environment"):
        run_batch("2021-T1", data_dir, tmp_path, progress=False)


@pytest.fixture
def service_without_april(tmp_path):
    """The sample with Service's April 2021 actuals blanked: only Service's report can fail."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "finance.csv"
    lines = path.read_text(encoding="cp1252").splitlines()
    fixed = []
    for line in lines:
        cells = line.split(";")
        if cells[0] == "2021-04" and cells[1] == "Service":
            cells[4] = ""
        fixed.append(";".join(cells))
    path.write_text("\r\n".join(fixed) + "\r\n", encoding="cp1252")
    return data


def test_failing_report_is_isolated_and_the_run_says_so(tmp_path, service_without_april):
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["run", "--period", "2021-T1", "--data", str(service_without_april),
                     "--out", str(tmp_path / "out"), "--division", "Service", "--division", "Länsteknik"])
    out = tmp_path / "out" / "2021-T1"
    assert code == 1
    assert "Division Service: PeriodError" in err.getvalue() and "division-service.error.ipynb" in err.getvalue()
    assert (out / "division-lansteknik.html").exists() and (out / "region.html").exists()
    assert not (out / "division-service.html").exists()
    error_nb = json.loads((out / "division-service.error.ipynb").read_text(encoding="utf-8"))
    assert any(o.get("output_type") == "error" for c in error_nb["cells"] for o in c.get("outputs", []))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"]["division-service"]["status"] == "failed"
    assert "Misslyckades" in (out / "index.html").read_text(encoding="utf-8")


def test_index_marks_a_report_made_from_earlier_data(tmp_path):
    """Länsteknik is made, then the data change and only Service is re-run: Länsteknik's
    report is still listed, marked as made from earlier data; the re-run ones are not."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    run_batch("2021-T1", data, tmp_path / "out", divisions=["Länsteknik"], progress=False)
    production = data / "production.csv"
    production.write_bytes(production.read_bytes().replace(b",1832\n", b",1833\n"))
    run_batch("2021-T1", data, tmp_path / "out", divisions=["Service"], progress=False)
    index = (tmp_path / "out" / "2021-T1" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<a href="([^"]+)">[^<]*</a></td>\s*<td class="[^"]*">([^<]*)</td>', index))
    assert rows["division-lansteknik.html"] == "Klar – gjord på tidigare data, kör om"
    assert rows["division-service.html"] == "Klar"
    assert rows["region.html"] == "Klar"


def test_killed_run_leaves_no_partial_report_and_the_next_run_finishes(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", "2021-T1", "--data", str(SAMPLE),
           "--out", str(out), "--division", "Länsteknik", "--division", "Service", "--jobs", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list((out / "2021-T1").glob("*.html")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner, its workers and their kernels
    proc.wait()
    for html in (out / "2021-T1").glob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html.name
    manifest = json.loads((out / "2021-T1" / "manifest.json").read_text(encoding="utf-8"))
    assert "finished" not in manifest
    assert {"running", "ok"} >= {r["status"] for r in manifest["reports"].values()}
    result = run_batch("2021-T1", SAMPLE, out, divisions=["Länsteknik", "Service"], progress=False)
    assert result.ok and len(result.reports) == 4
    assert all((out / "2021-T1" / f"{r.slug}.html").exists() for r in result.reports)


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_a_warm_kernel_forgets_the_previous_report(tmp_path):
    """Two reports in one warm kernel: the second sees none of the first's names."""
    import nbformat

    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.kernels import shutdown_warm
    from regionanalytics.runner.planning import ReportSpec

    first, second = tmp_path / "first.ipynb", tmp_path / "second.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "leftover = 1\nimport matplotlib.pyplot as plt\nfig = plt.figure()")]), first)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "assert 'leftover' not in globals() and 'fig' not in globals(), sorted(globals())\n"
        "assert not plt.get_fignums()")]), second)
    out = tmp_path / "out"
    try:
        results = [execute_report(ReportSpec(nb.stem, nb.stem, str(nb), {}), str(out), 120, "x")
                   for nb in (first, second)]
    finally:
        shutdown_warm()
    assert [r.status for r in results] == ["ok", "ok"], [r.error for r in results]


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_a_report_is_written_once_and_an_output_outside_the_notebook_schema_fails_it(tmp_path, monkeypatch):
    """The outputs are not checked one by one as they arrive, but the notebook is checked
    whole when its cells have run: an output that breaks nbformat's schema (HTML that is a
    number) still fails its report, and says so. Papermill's notebook is written once a
    report, when it ends (not also as it starts)."""
    import nbformat
    import papermill.engines
    import papermill.execute

    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.kernels import shutdown_warm
    from regionanalytics.runner.planning import ReportSpec

    writes = []
    real_write = papermill.engines.write_ipynb
    for module in (papermill.engines, papermill.execute):  # as it starts, per cell, as it ends
        monkeypatch.setattr(module, "write_ipynb", lambda nb, path: (writes.append(path), real_write(nb, path)))
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                                   nbformat.v4.new_code_cell("from IPython.display import HTML\nHTML('<b>x</b>')")]), good)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from IPython.display import display\ndisplay({'text/html': 5}, raw=True)"),
        nbformat.v4.new_code_cell("y = 2")]), bad)
    out = tmp_path / "out"
    try:
        ok = execute_report(ReportSpec("good", "good", str(good), {}), str(out), 120, "x")
        assert ok.status == "ok", ok.error
        assert len(writes) == 1, writes
        failed = execute_report(ReportSpec("bad", "bad", str(bad), {}), str(out), 120, "x")
    finally:
        shutdown_warm()
    assert failed.status == "failed"
    assert "NotebookValidationError" in failed.error and "text/html" in failed.error, failed.error
    assert not (out / "bad.html").exists() and not (out / "bad.ipynb").exists()


def test_reports_on_a_warm_kernel_leave_no_connections_open(tmp_path):
    """A worker makes one report after another on its kernel: each report's connection
    (sockets, heartbeat thread, zmq context) is closed when it ends, so a worker making
    hundreds of unit reports does not run out of file descriptors."""
    import nbformat
    import psutil

    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.kernels import shutdown_warm
    from regionanalytics.runner.planning import ReportSpec

    nb = tmp_path / "small.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), nb)
    me = psutil.Process()

    def report() -> str:
        return execute_report(ReportSpec("small", "small", str(nb), {}), str(tmp_path / "out"), 120, "x").status

    try:
        assert report() == "ok"  # the kernel started
        fds, threads = me.num_fds(), me.num_threads()
        assert [report() for _ in range(5)] == ["ok"] * 5
        # each report used to leave 14 descriptors and 3 threads behind
        assert me.num_fds() - fds < 5
        assert me.num_threads() - threads < 2
    finally:
        shutdown_warm()


def test_a_report_kernel_is_handed_the_region_figures_and_the_notebook_keeps_no_trace(tmp_path, sample):
    """The batch hands every report's kernel the region's figures its main process worked
    out (report/_base.py ``hand_over``): the kernel holds them before the report's first
    cell, for the data and period they are of, and the executed notebook keeps neither the
    hand-over cell nor the figures (small groups' hidden sick-leave figures among them)."""
    import nbformat

    from regionanalytics.periods import Period
    from regionanalytics.report import _base
    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.kernels import shutdown_warm
    from regionanalytics.runner.planning import ReportSpec

    payload = _base.hand_over(sample, Period.parse("2021-T1"))
    key = _base._figures_key(sample, Period.parse("2021-T1"))
    nb = tmp_path / "handed.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import regionanalytics.report._base as b\n"
        f"assert list(b._HANDED) == [{key!r}] or list(b._MEMO) == [{key!r}], (list(b._HANDED), list(b._MEMO))\n"
        f"got = b._HANDED.get({key!r}) or dict(b._MEMO[{key!r}])\n"
        "assert 'hours' not in got and set(got) >= {'key', 'sick', 'figures'}\n"
        "print('handed', len(got['sick']))")]), nb)
    out = tmp_path / "out"
    try:
        first = execute_report(ReportSpec("handed", "handed", str(nb), {}), str(out), 120, "x", figures=payload)
        # the next report on the same (now reset) kernel is handed them again
        second = execute_report(ReportSpec("again", "again", str(nb), {}), str(out), 120, "x", figures=payload)
    finally:
        shutdown_warm()
    assert [first.status, second.status] == ["ok", "ok"], [first.error, second.error]
    written = (out / "handed.ipynb").read_text(encoding="utf-8")
    executed = nbformat.reads(written, as_version=4)
    assert len(executed.cells) == 1 and "handed" in executed.cells[0].outputs[0]["text"]
    assert "receive_region_figures" not in written and "b64decode" not in written
    assert "receive_region_figures" not in (out / "handed.html").read_text(encoding="utf-8")


def _in_kernel(km, code: str) -> str:
    """What ``code`` prints when run in the kernel of ``km``."""
    from jupyter_core.utils import run_sync

    printed = []
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=120)
        run_sync(kc.execute_interactive)(code, timeout=120, output_hook=lambda msg: printed.append(
            msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
    finally:
        kc.stop_channels()
    return "".join(printed).strip()


def test_a_warmed_kernel_has_paid_the_imports_and_holds_the_data_leaving_no_name():
    """A worker warms its kernel as it starts (while the batch checks the data): the
    package's report modules and pyplot are imported there, the cached data set is kept,
    and no name is left in the namespace the first report starts from."""
    from regionanalytics.runner.kernels import shutdown_warm, warm_kernel, warm_up

    from regionanalytics.data import load_region

    cwd = str((ROOT / "notebooks").resolve())
    load_region(SAMPLE)  # in the session's cache: the kernel finds it there
    shutdown_warm()
    try:
        assert warm_up(cwd, str(SAMPLE.resolve())) is True
        km, used = warm_kernel(cwd)  # the same kernel, marked as used: the report resets it first
        assert used is True
        seen = json.loads(_in_kernel(km, (
            "import sys, json, regionanalytics.data as d\n"
            "print(json.dumps([sorted(m for m in ('regionanalytics.report.division', "
            "'regionanalytics.report.director', 'matplotlib.pyplot') if m in sys.modules), "
            "str(d._LOADED['region'].source) if d._LOADED else None, "
            "[n for n in get_ipython().user_ns if n not in get_ipython().user_ns_hidden "
            "and n not in ('sys', 'json', 'd')]]))")))
    finally:
        shutdown_warm()
    assert seen[0] == ["matplotlib.pyplot", "regionanalytics.report.director", "regionanalytics.report.division"]
    assert seen[1] is not None and os.path.samefile(seen[1], SAMPLE)
    assert seen[2] == []


def test_a_process_keeps_its_pool_until_what_a_worker_took_from_it_changes(monkeypatch):
    """The pool a process keeps for its next batch is the same pool, with the same worker
    processes, until the environment changes (here a bound of :mod:`regionanalytics.limits`,
    which a worker reads as it starts): then new workers start, and the old ones end. A
    variable pytest changes per test is no such change."""
    import psutil

    from regionanalytics.runner import executors, fingerprint

    executors.close_shared()
    try:
        first = executors.shared_executor(2)
        pids = {f.result(timeout=120) for f in [first.submit(os.getpid) for _ in range(6)]} | set(first.pool._processes)
        first.close()  # what a batch does when it ends: the pool stays
        monkeypatch.setenv("PYTEST_CURRENT_TEST", "another test (call)")
        again = executors.shared_executor(2)
        assert again is first and set(again.pool._processes) == pids and len(pids) == 2
        old = [psutil.Process(pid) for pid in pids]
        monkeypatch.setenv("REGIONANALYTICS_MAX_COLUMNS", "5000")
        changed = executors.shared_executor(2)
        assert changed is not first
        assert changed.submit(os.getpid).result(timeout=120) not in pids
        gone, alive = psutil.wait_procs(old, timeout=30)
        assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
        # the package's code is part of what a worker took: another version, another pool
        state = executors._process_state()
        fingerprint._PACKAGE["digest"] = "another version of the code"
        try:
            assert executors._process_state() != state
        finally:
            fingerprint._PACKAGE.clear()
        assert executors._process_state() == state
    finally:
        executors.close_shared()


def test_the_next_batch_of_a_process_runs_on_its_warm_workers_and_kernels(tmp_path):
    """Two batches one after another in one process (an analyst's notebook, a test
    session): the second runs on the first's workers and their kernels, none started again."""
    import psutil

    from regionanalytics.runner import executors

    def workers_and_kernels():
        pool = executors._SHARED["executor"].pool
        workers = [psutil.Process(pid) for pid in pool._processes]
        kernels = {c.pid for w in workers for c in w.children() if "ipykernel" in " ".join(c.cmdline())}
        return {w.pid for w in workers}, kernels

    executors.close_shared()  # a new pool: each worker warms its kernel as it starts
    first = run_batch("2021-T1", SAMPLE, tmp_path / "a", divisions=["Service"], progress=False)
    workers, kernels = workers_and_kernels()
    second = run_batch("2021-T1", SAMPLE, tmp_path / "b", divisions=["Service"], progress=False)
    assert first.ok and second.ok
    assert len(workers) == 2 and len(kernels) == 2
    assert workers_and_kernels() == (workers, kernels)


def test_a_worker_makes_a_report_without_importing_pandas(tmp_path):
    """A worker drives papermill, nbconvert and its browser; the figures are computed in
    its kernel. It imports neither pandas nor the package's data layers (half a second of
    every worker's start, before its kernel could start): only the runner's own modules;
    nor numpy and pyarrow, which papermill's HDFS handler would bring. What it made as it
    started is frozen out of the garbage collector's full passes (its exit took half a
    second of collecting the modules' objects, which the batch waited for)."""
    import nbformat

    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.executors import LocalExecutor
    from regionanalytics.runner.planning import ReportSpec

    nb = tmp_path / "small.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas\nx = 1")]), nb)
    pool = LocalExecutor(1, warm={"cwd": str(tmp_path), "data_dir": None})
    try:
        done = pool.submit(execute_report, ReportSpec("small", "small", str(nb), {}), str(tmp_path / "out"),
                           120, "x").result(timeout=300)
        loaded = pool.submit(eval, "sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'regionanalytics.data', "
                                   "'regionanalytics.runner.batch', 'regionanalytics.report._base', "
                                   "'papermill', 'nbconvert') if m in __import__('sys').modules)").result(timeout=60)
        frozen = pool.submit(eval, "__import__('gc').get_freeze_count()").result(timeout=60)
    finally:
        pool.close()
    assert done.status == "ok", done.error
    assert loaded == ["nbconvert", "papermill"]
    assert frozen > 20_000  # the modules' objects (some 70,000 as measured)


def test_a_worker_never_builds_the_iri_grammars_nbformat_does_not_use(tmp_path):
    """jsonschema imports rfc3987_syntax (1–2 s of Earley grammars) when it is installed,
    and its other format checkers (arrow among them), and papermill pyarrow: a worker keeps
    them out, nbformat still reads, checks and writes a notebook, and as the worker's
    imports end every one of them is importable again."""
    code = ("import importlib.util, sys\n"
            "installed = [importlib.util.find_spec(m) is not None for m in ('rfc3987_syntax', 'isoduration', 'pyarrow')]\n"
            "from regionanalytics.runner.executors import UNUSED_BY_WORKERS, _absent, skip_unused_iri_checks\n"
            "skip_unused_iri_checks()\n"
            "with _absent(UNUSED_BY_WORKERS):\n"
            "    import nbformat, papermill\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])\n"
            "nbformat.validate(nb)\n"
            f"nbformat.write(nb, {str(tmp_path / 'x.ipynb')!r})\n"
            f"nbformat.read({str(tmp_path / 'x.ipynb')!r}, as_version=4)\n"
            "kept_out = sorted(m for m in ('isoduration', 'uri_template', 'pyarrow', 'numpy') if m in sys.modules)\n"
            "import pyarrow.fs, isoduration\n"
            "print(sys.modules['rfc3987_syntax'], 'jsonschema' in sys.modules, installed, kept_out)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    # installed, so the step matters (in a fresh process: a test before may have kept it out here)
    assert out.stdout.strip().split(maxsplit=2) == ["None", "True", "[True, True, True] []"]


def test_reports_are_handed_to_the_workers_dearest_first_and_the_directors_last():
    """The workers take the reports as each finishes one: the region overview and the
    divisions first, then the units, the director's report (the cheapest) last, so the
    worker that finishes last waits the least; within a kind, in the planned order."""
    from regionanalytics.runner.batch import submission_rank
    from regionanalytics.runner.planning import plan_reports

    units = {"Service": ["Kost", "Städ"], "Länsteknik": ["IT"]}
    specs = plan_reports("2021-T1", SAMPLE, None, ["Service", "Länsteknik"], units=units)
    handed = [s.slug for s in sorted(specs, key=submission_rank)]
    assert specs[0].slug == "rapport-2021-T1"  # planned (and listed) first
    assert handed[0] == "region" and handed[-1] == "rapport-2021-T1"
    assert handed[1:3] == [s.slug for s in specs if s.unit is None and s.slug.startswith("division-")]
    assert handed[3:6] == [s.slug for s in specs if s.unit is not None] and len(handed) == 7


def test_the_batch_starts_its_workers_before_it_imports_pandas(tmp_path):
    """What the batch's main process does before it makes its pool (the period, the lock,
    the pool's key with the package's digest) imports no pandas: the workers, and their
    kernels, start at once, while this process imports pandas and loads the data."""
    code = ("import sys\n"
            "from regionanalytics.cli import build_parser\n"
            "from regionanalytics.runner import batch, executors\n"
            "from regionanalytics.periods import Period\n"
            f"with batch.output_lock(__import__('pathlib').Path({str(tmp_path)!r}), 10, 'x'):\n"
            "    executors._process_state(), Period.parse('2021-T1').label\n"
            "print('pandas' in sys.modules, 'numpy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
