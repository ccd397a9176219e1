"""Nothing lost when two runs or a fault meet: one run at a time writes a period's folder
(the second says who holds it, waits or refuses), and a folder that cannot be written
(full, read-only) gives one line that says what and where, with nothing half-written."""
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from regionanalytics.cli import main
from regionanalytics.runner.locking import HOLDER_FILE

from .conftest import ROOT, SAMPLE


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def held(tmp_path):
    """Another process holds the lock of tmp_path/out/2021-T1 until the fixture ends."""
    folder = tmp_path / "out" / "2021-T1"
    code = ("import sys, time\nfrom pathlib import Path\nfrom regionanalytics.runner.locking import output_lock\n"
            f"with output_lock(Path({str(folder)!r}), 0, 'regionanalytics run --period 2021-T1 --units'):\n"
            "    print('held', flush=True)\n    sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=30)


def test_a_second_run_refuses_at_once_and_says_who_holds_the_folder(tmp_path, held):
    code, _, err = run("run", "--period", "2021-T1", "--data", str(SAMPLE), "--out", str(tmp_path / "out"),
                       "--wait", "0")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert f"2021-T1 is being written by another run (process {held.pid} of " in err
    assert ": regionanalytics run --period 2021-T1 --units)" in err and "--wait" in err
    assert sorted(p.name for p in (tmp_path / "out" / "2021-T1").iterdir()) == [".regionanalytics.lock", HOLDER_FILE]


def test_a_second_run_waits_then_gives_up_naming_the_holder(tmp_path, held):
    started = time.monotonic()
    code, _, err = run("run", "--period", "2021-T1", "--data", str(SAMPLE), "--out", str(tmp_path / "out"),
                       "--wait", "2")
    assert code == 1 and time.monotonic() - started >= 2
    first, last = err.strip().splitlines()
    assert f"(process {held.pid} of " in first and first.endswith("waiting up to 2 s for it to finish")
    assert last.startswith("error: ") and "still being written by another run after 2 s" in last


def test_a_killed_holder_leaves_no_lock(tmp_path):
    folder = tmp_path / "out" / "2021-T1"
    code = ("import os\nfrom pathlib import Path\nfrom regionanalytics.runner.locking import output_lock\n"
            f"with output_lock(Path({str(folder)!r}), 0):\n    os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code], timeout=60)
    assert (folder / HOLDER_FILE).exists()  # it said who it was, then died holding the lock
    from regionanalytics.runner.locking import output_lock

    with output_lock(folder, 0, "next"):  # the OS released its lock: no stale lock to clear
        assert json.loads((folder / HOLDER_FILE).read_text())["what"] == "next"
    assert not (folder / HOLDER_FILE).exists()


def _refuse(paths_under: Path, code: int, monkeypatch, calls=("open", "mkdir")):
    """Make the OS refuse to create anything under ``paths_under`` with ``code``."""
    for name in calls:
        real = getattr(os, name)

        def refused(path, *args, _real=real, **kwargs):
            if Path(os.fsdecode(path)).absolute().is_relative_to(paths_under) and (
                    name == "mkdir" or (args and args[0] & (os.O_CREAT | os.O_WRONLY | os.O_RDWR))):
                raise OSError(code, os.strerror(code), os.fsdecode(path))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, refused)


def test_a_read_only_output_folder_is_one_line(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _refuse(out.absolute(), errno.EROFS, monkeypatch)
    code, _, err = run("run", "--period", "2021-T1", "--data", str(SAMPLE), "--out", str(out))
    assert code == 1 and "Traceback" not in err
    assert err == (f"error: could not write {out / '2021-T1'}: Read-only file system "
                   "(the file system is read-only: choose another --out)\n")


def test_a_full_disk_while_writing_the_summaries_keeps_the_earlier_ones(tmp_path, monkeypatch):
    """The summaries are written by the run itself (not a worker): a full disk there stops
    the run with one line, and summary.xlsx from before is as it was, no part file left."""
    from regionanalytics import iorw

    period = tmp_path / "out" / "2021-T1"
    period.mkdir(parents=True)
    (period / "summary.xlsx").write_bytes(b"earlier")
    real = iorw.os.fdopen

    class Full:  # a file on a full disk: writing it fails
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, mode="r", *args, **kwargs):
        fh = real(fd, mode, *args, **kwargs)
        if "w" in mode and os.readlink(f"/proc/self/fd/{fd}").split("/")[-1].startswith(".summary.xlsx"):
            return Full(fh)
        return fh

    monkeypatch.setattr(iorw.os, "fdopen", fdopen)
    code, _, err = run("run", "--period", "2021-T1", "--data", str(SAMPLE), "--out", str(tmp_path / "out"),
                       "--division", "Service")
    assert code == 1 and "Traceback" not in err
    assert err == (f"error: could not write {period / 'summary.xlsx'}: No space left on device "
                   "(the file system is full: free space or choose another --out)\n")
    assert (period / "summary.xlsx").read_bytes() == b"earlier"
    assert not [p.name for p in period.iterdir() if p.name.endswith(".part")]
    assert not (period / HOLDER_FILE).exists()  # the lock is given back


@pytest.mark.slow
def test_two_runs_at_once_into_one_folder_lose_nothing(tmp_path):
    """Two `regionanalytics run` into one --out at once (one Service, one Länsteknik): the
    second waits for the first (saying so), and the manifest and index list all four
    reports (the director's report too), each complete."""
    out = tmp_path / "out"
    cmd = lambda division: [sys.executable, "-m", "regionanalytics.cli", "run", "--period", "2021-T1", "--data",
                            str(SAMPLE), "--out", str(out), "--division", division, "--jobs", "1"]
    procs = [subprocess.Popen(cmd(d), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for d in ("Service", "Länsteknik")]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in results]
    assert sum("is being written by another run" in e and "waiting up to 600 s" in e for _, e in results) == 1
    folder = out / "2021-T1"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # the director's report, the region overview and both divisions: none lost
    assert set(manifest["reports"]) == {"rapport-2021-T1", "region", "division-service", "division-lansteknik"}
    assert {e["status"] for e in manifest["reports"].values()} <= {"ok", "skipped"}
    index = (folder / "index.html").read_text(encoding="utf-8")
    for page in ("rapport-2021-T1.html", "region.html", "division-service.html", "division-lansteknik.html"):
        assert f'href="{page}"' in index
        assert (folder / page).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not (folder / ".work").exists()
