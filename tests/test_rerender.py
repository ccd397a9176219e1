"""A report whose text alone changed is made again without a kernel (runner/rerender.py):
only the cells that show a text are computed again, so every other cell must show the
same whatever the text says, and a notebook with a cell the runner cannot tell the
output of is left to a kernel. (That a re-rendered report equals a full run's is tested
on real kernels in test_incremental.py.)"""
import re
from pathlib import Path

import nbformat
import pytest

from regionanalytics.report import TEXT_METHODS, DirectorReport, DivisionReport, UnitReport
from regionanalytics.runner import planning
from regionanalytics.runner.rerender import rerender

from .conftest import SAMPLE

_MADE_AT = re.compile(r"<b>Framtagen:</b> [0-9: -]+")
#: Arguments of the methods that take some, as the notebooks call them.
_ARGUMENTS = {"text": ["Ekonomi"], "unit_links": [{}], "divisions_part": ["Divisionernas delårsrapporter", None]}


def _texts(folder: Path, words: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "region.md").write_text(f"{words}\n\n## Divisionernas delårsrapporter\n\n{words}\n", encoding="utf-8")
    for name in ("Länsteknik.md", "Service.md", "Kostservice.md"):
        (folder / name).write_text(f"---\nauthor: {words}\n---\n{words} {{{{ headcount }}}}.\n\n## Ekonomi\n\n"
                                   f"{words} {{{{ result }}}}.\n\n## Eget avsnitt\n\n{words}\n", encoding="utf-8")
    return folder


def _shown(report, method: str) -> str:
    value = getattr(report, method)(*_ARGUMENTS.get(method, []))
    return "" if value is None else _MADE_AT.sub("", value._repr_html_())


@pytest.mark.parametrize("kind, open_with", [
    (DivisionReport, {"division": "Länsteknik"}),
    (UnitReport, {"division": "Service", "unit": "Kostservice"}),
    (DirectorReport, {}),
])
def test_only_the_text_methods_show_the_texts(tmp_path, kind, open_with, capsys):
    """Every public method of a report kind but TEXT_METHODS shows the same for two
    different texts; each text method that the kind has shows the text."""
    one = kind.open(period="2021-T1", data_dir=SAMPLE, texts_dir=_texts(tmp_path / "a", "Alfa"), **open_with)
    two = kind.open(period="2021-T1", data_dir=SAMPLE, texts_dir=_texts(tmp_path / "b", "Beta"), **open_with)
    methods = [m for m in dir(kind) if not m.startswith("_") and callable(getattr(kind, m)) and m != "open"]
    assert {"header", "record"} <= set(methods)
    for method in methods:
        if method in TEXT_METHODS:
            assert "Alfa" in _shown(one, method) and "Beta" in _shown(two, method), method
        elif method == "record":
            one.record(), two.record()
            printed = capsys.readouterr().out
            assert "Alfa" not in printed and "Beta" not in printed
        else:
            assert _shown(one, method) == _shown(two, method), method
    assert TEXT_METHODS & set(methods)


def _executed(spec, out: Path, extra: str | None = None) -> Path:
    """A stand-in for the notebook a kernel executed for ``spec``: the notebook's cells with
    papermill's parameters cell and metadata, each code cell with an output of its own."""
    nb = nbformat.read(spec.notebook, as_version=4)
    injected = nbformat.v4.new_code_cell("# Parameters\n", metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(1, injected)
    if extra is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": f"as it was {n}"},
                                               execution_count=n + 1)]
    nb.metadata["papermill"] = {"parameters": spec.parameters, "exception": None}
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / f"{spec.slug}.ipynb")
    return out / f"{spec.slug}.ipynb"


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    from regionanalytics.data import load_region

    texts = _texts(tmp_path_factory.mktemp("texts") / "2021-T1", "Gamma")
    region = load_region(SAMPLE)
    specs = planning.plan_reports("2021-T1", SAMPLE, ["Länsteknik"], region.divisions, texts_dir=texts.parent)
    return {s.slug: s for s in specs}, region.fingerprint


def test_a_rerender_computes_only_the_text_cells_and_the_header(tmp_path, planned):
    specs, fingerprint = planned
    spec = specs["division-lansteknik"]
    path = _executed(spec, tmp_path)
    result = rerender(spec, tmp_path, "fp", fingerprint, _sha(path))
    assert result is not None and result.status == "ok" and result.html == "division-lansteknik.html"
    nb = nbformat.read(tmp_path / "division-lansteknik.ipynb", as_version=4)
    again = {c.source.splitlines()[-1] for c in nb.cells if c.cell_type == "code"
             and not c.outputs[0]["data"]["text/plain"].startswith("as it was")}
    assert again == {"report.header()", "report.comment()", "report.own_texts()"} | {
        f'report.text("{s}")' for s in ("Ekonomi", "Medarbetare", "Sjukfrånvaro", "Produktion", "Måluppfyllelse")}
    assert nb.metadata["regionanalytics"]["text_rerendered"]["cells"]
    page = (tmp_path / "division-lansteknik.html").read_text(encoding="utf-8")
    assert "Gamma 131" in page and "as it was" in page  # the kept cells' outputs as they were
    comment = next(c for c in nb.cells if c.source == "report.comment()")
    assert comment.outputs[0]["execution_count"] == comment.execution_count
    assert result.notebook_sha256 == _sha(tmp_path / "division-lansteknik.ipynb")


@pytest.mark.parametrize("change", ["an analyst's cell", "other parameters", "a failed cell", "no notebook",
                                    "other data", "a call with a name that is no parameter",
                                    "an output changed since the run wrote it"])
def test_a_notebook_the_runner_cannot_tell_is_left_to_a_kernel(tmp_path, planned, change):
    specs, fingerprint = planned
    spec = specs["division-lansteknik"]
    path = _executed(spec, tmp_path, extra={"an analyst's cell": "x = report.economy_table().data\nx",
                                            "a call with a name that is no parameter": "report.text(heading)",
                                            }.get(change))
    nb = nbformat.read(path, as_version=4)
    if change == "other parameters":
        nb.metadata["papermill"]["parameters"] = {**spec.parameters, "division": "Service"}
    elif change == "a failed cell":
        nb.cells[-1].outputs = [nbformat.v4.new_output("error", ename="E", evalue="", traceback=[])]
    nbformat.write(nb, path)
    sha = _sha(path)
    if change == "an output changed since the run wrote it":  # a cell run again in JupyterLab
        table = next(c for c in nb.cells if c.source == "report.economy_table()")
        table.outputs[0]["data"]["text/plain"] = "a figure of another period"
        nbformat.write(nb, path)
    if change == "no notebook":
        path.unlink()
    before = path.read_bytes() if path.exists() else None
    assert rerender(spec, tmp_path, "fp", {**fingerprint, "finance": "x"} if change == "other data"
                    else fingerprint, sha) is None
    assert not (tmp_path / "division-lansteknik.html").exists()
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_text_that_names_an_unknown_figure_is_left_to_a_kernel(tmp_path, planned):
    specs, fingerprint = planned
    spec = specs["division-lansteknik"]
    texts = Path(spec.parameters["texts_dir"])
    folder = (Path(spec.notebook).parent / texts).resolve() / "2021-T1"
    original = (folder / "Länsteknik.md").read_text(encoding="utf-8")
    path = _executed(spec, tmp_path)
    try:
        (folder / "Länsteknik.md").write_text("Vi har {{ antal_anstallda }}.\n", encoding="utf-8")
        assert rerender(spec, tmp_path, "fp", fingerprint, _sha(path)) is None
    finally:
        (folder / "Länsteknik.md").write_text(original, encoding="utf-8")
