"""A re-run redoes only what changed, and the manifest says why each report was made or
skipped: the package's whole code, the notebook, the parameters and the data count."""
import json
import re
import shutil

import nbformat
import pytest

from regionanalytics.runner import batch as batch_module
from regionanalytics.runner import fingerprint
from regionanalytics.runner import run_batch

from .conftest import SAMPLE, write_two_divisions

pytestmark = [pytest.mark.slow]


def reasons(out):
    manifest = json.loads((out / "2021-T1" / "manifest.json").read_text(encoding="utf-8"))
    return {slug: entry["reason"] for slug, entry in manifest["reports"].items()}


def test_reruns_say_why(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    run = lambda **kw: run_batch("2021-T1", data, out, divisions=["Service"], jobs=2, progress=False, **kw)

    first = run()
    assert first.ok and reasons(out) == {"rapport-2021-T1": "new report", "region": "new report",
                                         "division-service": "new report"}

    # nothing changed: found without loading the data, nothing made again
    from regionanalytics import data as data_module
    loads = []
    monkeypatch.setattr(data_module, "load_region", lambda *a, **k: loads.append(a) or pytest.fail("loaded"))
    again = run()
    assert {r.status for r in again.reports} == {"skipped"} and not loads
    assert set(reasons(out).values()) == {"up to date: skipped"}
    monkeypatch.undo()

    # the package's code changed since the last run (as after an upgrade: the manifest
    # holds the digest of the code that made each report): every report is made again,
    # and says so (changing the running code's own digest would also start new workers,
    # tested in test_runner.py, and cost this test two pools)
    path = out / "2021-T1" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for entry in manifest["reports"].values():
        assert entry["parts"]["package"] == fingerprint.package_fingerprint()
        entry["parts"]["package"] = "the digest of another version of the code"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    changed = run()
    assert {r.status for r in changed.reports} == {"ok"}
    assert set(reasons(out).values()) == {"the package's code changed"}

    # a row of Service's production changed: Service and the region are made again
    path = data / "production.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if ",Service," in line)
    cells = lines[i].split(",")
    cells[-1] = str(int(cells[-1]) + 5)
    lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run()
    assert set(reasons(out).values()) == {"the data changed"}

    # --force
    run(force=True)
    assert set(reasons(out).values()) == {"forced (--force)"}


def test_package_fingerprint_reads_every_module_and_template(monkeypatch):
    from pathlib import Path

    import regionanalytics

    root = Path(regionanalytics.__file__).parent
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    fingerprint._PACKAGE.clear()
    digest = fingerprint.package_fingerprint()
    modules = {p for p in root.rglob("*.py") if "__pycache__" not in p.parts and "notebooks" not in p.parts}
    assert modules <= set(read) and root / "templates" / "report" / "index.html.j2" in read
    assert len(digest) == 64


def _small_region(folder, revision_staff: int, revision_result: int = -100):
    """Service (30 persons) and Revision (``revision_staff`` persons), 2020–2021."""
    write_two_divisions(folder, [("Kost", 30)], revision_staff, revision_result)
    (folder / "absence.csv").write_text("person_id;start;end;extent\nS001;2021-02-01;2021-02-10;1\n"
                                        "R001;2021-03-01;2021-03-05;1\nS002;2020-02-03;2020-02-07;1\n",
                                        encoding="utf-8")
    return folder


def test_a_change_in_one_division_remakes_only_its_reports_unless_suppression_flips(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    run = lambda: run_batch("2021-T1", data, out, jobs=2, progress=False)
    _small_region(data, revision_staff=6)
    assert run().ok
    service_html = (out / "2021-T1" / "division-service.html").read_bytes()

    # Revision's result changes: its report and the region's are made again, Service's is not
    _small_region(data, revision_staff=6, revision_result=-120)
    result = run()
    status = {r.slug: r.status for r in result.reports}
    assert status == {"rapport-2021-T1": "ok", "region": "ok", "division-revision": "ok",
                      "division-service": "skipped"}
    assert (out / "2021-T1" / "division-service.html").read_bytes() == service_html
    assert reasons(out)["division-service"] == "up to date: skipped"

    # Revision grows from 6 to 12 persons: its sick leave is no longer hidden, so Service's
    # no longer needs hiding to protect it (the region minus Service would give Revision's):
    # Service's report shows other figures and is made again, though none of its rows changed
    _small_region(data, revision_staff=12, revision_result=-120)
    result = run()
    assert {r.slug: r.status for r in result.reports} == {
        "rapport-2021-T1": "ok", "region": "ok", "division-revision": "ok", "division-service": "ok"}
    assert reasons(out)["division-service"] == "the data changed"


def test_a_changed_text_remakes_only_its_report_and_the_directors(tmp_path):
    """Two runs on real kernels: Service's text changes between them, and only Service's
    report and the director's report (which shows Service's summary) are made again;
    then region.md changes, and only the director's report is."""
    data, out = tmp_path / "data", tmp_path / "out"
    _small_region(data, revision_staff=12)
    texts = data / "texts" / "2021-T1"
    texts.mkdir(parents=True)
    (texts / "region.md").write_text("Inledning.\n\n## Divisionernas delårsrapporter\n\nDivisionerna.\n",
                                     encoding="utf-8")
    (texts / "Service.md").write_text("Service går {{ result }}.\n", encoding="utf-8")
    run = lambda: run_batch("2021-T1", data, out, jobs=2, progress=False)
    assert run().ok
    page = out / "2021-T1" / "division-service.html"
    assert "Service går" in page.read_text(encoding="utf-8")
    region_html = (out / "2021-T1" / "region.html").read_bytes()

    (texts / "Service.md").write_text("Service går bättre: {{ budget_deviation }}.\n", encoding="utf-8")
    result = run()
    assert {r.slug: r.status for r in result.reports} == {
        "rapport-2021-T1": "ok", "region": "skipped", "division-revision": "skipped", "division-service": "ok"}
    assert reasons(out)["division-service"] == "its text changed"
    assert "Service går bättre" in page.read_text(encoding="utf-8")
    assert "Service går bättre" in (out / "2021-T1" / "rapport-2021-T1.html").read_text(encoding="utf-8")
    assert (out / "2021-T1" / "region.html").read_bytes() == region_html

    (texts / "region.md").write_text("Ny inledning.\n", encoding="utf-8")
    result = run()
    assert {r.slug: r.status for r in result.reports if r.status == "ok"} == {"rapport-2021-T1": "ok"}
    assert "Ny inledning" in (out / "2021-T1" / "rapport-2021-T1.html").read_text(encoding="utf-8")

    # a unit's text (Kost has 30 persons) that no report of a run without --units shows:
    # nothing is made again, but the index and the manifest list its wrong figure
    (texts / "Kost.md").write_text("Vi är 31 anställda.\n", encoding="utf-8")
    result = run()
    assert {r.status for r in result.reports} == {"skipped"}
    index = (out / "2021-T1" / "index.html").read_text(encoding="utf-8")
    assert "2021-T1/Kost.md, rad 1: ”31 anställda” stämmer inte med något nyckeltal för verksamheten Kost" in index
    manifest = json.loads((out / "2021-T1" / "manifest.json").read_text(encoding="utf-8"))
    assert [(f["file"], f["typed"], f["nearest_text"]) for f in manifest["texts"]["review"]] == [
        ("2021-T1/Kost.md", "31 anställda", "30\u00a0personer")]


_MADE_AT = re.compile(r"(<b>Framtagen:</b> )\d{4}-\d\d-\d\d \d\d:\d\d")


def _cells(notebook_path):
    """Every cell's source and outputs, the header's time stamp and the execution counts (a
    warm kernel's count goes on from its earlier reports) left out."""
    nb = nbformat.read(notebook_path, as_version=4)
    outputs = [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.get("outputs", [])]
               for c in nb.cells]
    return [(c.cell_type, c.source, _MADE_AT.sub(r"\1…", json.dumps(o, sort_keys=True)))
            for c, o in zip(nb.cells, outputs)]


def test_a_text_made_again_without_a_kernel_equals_a_full_run(tmp_path, monkeypatch):
    """Revision's text changes (new sections, a hidden sick-leave figure, a figure of its own
    and the director's text naming one of Revision's): its report and the director's are made
    again without a kernel (the notebook says so), and every cell of each equals what a full
    run in a kernel of the same data and texts shows, the header's time stamp aside; so does
    the page. A text that then names an unknown figure fails as a full run fails it."""
    data, out, full = tmp_path / "data", tmp_path / "out", tmp_path / "full"
    _small_region(data, revision_staff=6)  # Revision's sick leave is hidden (6 persons)
    texts = data / "texts" / "2021-T1"
    texts.mkdir(parents=True)
    (texts / "region.md").write_text("---\nauthor: Regiondirektören\n---\nInledning.\n\n"
                                     "## Divisionernas delårsrapporter\n\nRevision: {{ Revision: result }}.\n",
                                     encoding="utf-8")
    (texts / "Revision.md").write_text("Revision går {{ result }}.\n", encoding="utf-8")
    (texts / "Service.md").write_text("Service.\n\n## Ekonomi\n\nEtt underskott på {{ result | abs }}.\n",
                                      encoding="utf-8")
    run = lambda **kw: run_batch("2021-T1", data, out, jobs=2, progress=False, **kw)
    assert run().ok
    (texts / "Revision.md").write_text(
        "---\nauthor: Revisionschefen\nstatus: klar\n---\nRevision går {{ result }}, sjukfrånvaron "
        "{{ sick_leave_pct }}.\n\n## Ekonomi\n\nAvvikelse {{ budget_deviation }}, <b>fet</b>?\n\n"
        "## Medarbetare\n\n{{ headcount }} anställda.\n\n## Framåt\n\n- en punkt\n- {{ forecast | abs }}\n",
        encoding="utf-8")
    # the files and the code are the last run's: no worker starts, the key figures are read
    # back from the cache and the sick-leave model is not worked out again
    from regionanalytics import summary
    from regionanalytics.metrics import shown_sick_leave

    for module, name in ((batch_module, "make_executor"), (summary, "key_metrics_wide"),
                         (shown_sick_leave, "figures")):
        monkeypatch.setattr(module, name, lambda *a, name=name, **k: pytest.fail(f"{name} was called"))
    result = run()
    monkeypatch.undo()
    assert {r.slug: r.status for r in result.reports} == {
        "rapport-2021-T1": "ok", "region": "skipped", "division-revision": "ok", "division-service": "skipped"}
    made = out / "2021-T1"
    for slug in ("division-revision", "rapport-2021-T1"):
        assert nbformat.read(made / f"{slug}.ipynb", as_version=4).metadata["regionanalytics"]["text_rerendered"]
    page = (made / "division-revision.html").read_text(encoding="utf-8")
    assert "uppgiften visas inte" in page and "Revisionschefen" in page and "&lt;b&gt;fet&lt;/b&gt;" in page
    assert json.loads((made / "manifest.json").read_text(encoding="utf-8"))["texts"]["status"]

    # the same data and texts, every report executed in a kernel
    assert run_batch("2021-T1", data, full, jobs=2, progress=False, force=True).ok
    for slug in ("division-revision", "rapport-2021-T1"):
        assert _cells(made / f"{slug}.ipynb") == _cells(full / "2021-T1" / f"{slug}.ipynb"), slug
        assert _MADE_AT.sub("", (made / f"{slug}.html").read_text(encoding="utf-8")) == \
            _MADE_AT.sub("", (full / "2021-T1" / f"{slug}.html").read_text(encoding="utf-8")), slug

    # a text that names an unknown figure: the report fails, as in a full run, naming the line
    (texts / "Revision.md").write_text("Revision går {{ resultat }}.\n", encoding="utf-8")
    result = run()
    failed = {r.slug: r.error for r in result.reports if r.status == "failed"}
    assert set(failed) == {"division-revision", "rapport-2021-T1"}
    assert "TextError" in failed["division-revision"] and "Revision.md" in failed["division-revision"]
    assert "uppgiften visas inte" in (made / "division-revision.html").read_text(encoding="utf-8")  # kept
