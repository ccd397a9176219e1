"""A report whose only change is its text, made again without a kernel.

When the only part of a report's fingerprint that changed since the last run is its
people's texts (:func:`~regionanalytics.runner.batch.fingerprint_parts`), every other
cell of its notebook would give what it gave before: the data, the notebook, the
parameters and the package are the same. Only the cells that show a text
(:data:`~regionanalytics.report.TEXT_METHODS`: ``report.comment()``,
``report.text("Ekonomi")``, ``report.own_texts()``, the director's
``report.document()``) and the header (its time stamp) are computed again, here, in the
batch's main process, by the same report classes a kernel runs, with the same data and
figures; their outputs replace the old ones in the previous executed notebook, which is
then rendered to HTML as a kernel's would be.

Every code cell must be one this module knows: the parameters, the cell that opens the
report (``from regionanalytics.report import X``, ``report = X.open(name=name, ...)``,
``report.header()``), or one call ``report.method(literal, ...)`` of a public method of
the report. Anything else (an analyst's own cell), a previous notebook that is missing,
damaged, changed since the run wrote it (its SHA-256 is in the manifest) or made from
other parameters or other cells, a data folder the kernel would find elsewhere (another
data set), or any error while a text is rendered (an unknown figure's name) makes
:func:`rerender` return None: the report is then executed in a kernel as before, which
fails, or succeeds, exactly as a full run would.
"""
from __future__ import annotations

import ast
import hashlib
import os
import time
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ..iorw import atomic_write
from .execute import ReportResult
from .planning import ReportSpec

#: The notebook metadata that records what a re-render changed, and when.
METADATA_KEY = "regionanalytics"
_SKIPPED_TAGS = {"parameters", "injected-parameters"}


class _NotSpliceable(Exception):
    """The notebook has a cell this module cannot tell the output of."""


def _literal_call(node: ast.AST, target: str, names: dict | None = None) -> tuple[str, list, dict]:
    """``target.method(literal, key=literal)`` as (method, args, kwargs); an argument may
    also name a parameter of the notebook (``names``: the report's parameters)."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        raise _NotSpliceable("not one call")
    call = node.value
    if not (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and call.func.value.id == target) or call.func.attr.startswith("_"):
        raise _NotSpliceable(f"not a call of a public method of {target}")
    def value(node):
        if isinstance(node, ast.Name):
            if node.id not in (names or {}):
                raise _NotSpliceable(f"an argument {node.id} that is no parameter")
            return names[node.id]
        try:
            return ast.literal_eval(node)
        except ValueError:
            raise _NotSpliceable("an argument that is not a literal") from None

    args = [value(a) for a in call.args]
    kwargs = {k.arg: value(k.value) for k in call.keywords if k.arg}
    if len(kwargs) != len(call.keywords):
        raise _NotSpliceable("**kwargs")
    return call.func.attr, args, kwargs


def _parameters(notebook, given: dict) -> dict:
    """The notebook's parameters as its cells see them: the literal defaults of its
    ``parameters`` cell, with the batch's ``given`` over them."""
    out = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                target = node.target if isinstance(node, ast.AnnAssign) else \
                    node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
                if isinstance(target, ast.Name) and node.value is not None:
                    try:
                        out[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        pass  # not a literal: a cell that uses it is not re-rendered
    return {**out, **given}


def _open_cell(tree: ast.Module) -> tuple[str, dict] | None:
    """The cell that opens the report, as (class name, {keyword: parameter name}), or None
    when ``tree`` is another cell."""
    body = tree.body
    if len(body) != 3 or not isinstance(body[0], ast.ImportFrom) or body[0].module != "regionanalytics.report" \
            or len(body[0].names) != 1 or body[0].names[0].asname is not None:
        return None
    cls = body[0].names[0].name
    assign = body[1]
    if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0], ast.Name) and assign.targets[0].id == "report"
            and isinstance(assign.value, ast.Call) and isinstance(assign.value.func, ast.Attribute)
            and isinstance(assign.value.func.value, ast.Name) and assign.value.func.value.id == cls
            and assign.value.func.attr == "open" and not assign.value.args
            and all(k.arg and isinstance(k.value, ast.Name) for k in assign.value.keywords)):
        raise _NotSpliceable("an opening cell of another shape")
    if _literal_call(body[2], "report")[0] != "header":
        raise _NotSpliceable("an opening cell that shows no header")
    return cls, {k.arg: k.value.id for k in assign.value.keywords}


@lru_cache(maxsize=1)
def _formatter():
    from IPython.core.formatters import DisplayFormatter

    return DisplayFormatter()


def _format(obj) -> list[dict]:
    """What a kernel shows for a cell whose last expression is ``obj``: an
    ``execute_result`` (its execution count filled in by the caller), formatted by
    IPython's own display formatter as the kernel's is."""
    if obj is None:
        return []
    data, metadata = _formatter().format(obj)
    return [{"output_type": "execute_result", "data": data, "metadata": metadata}]


def _kernel_path(notebooks: Path, value: str) -> str:
    """A path parameter as the kernel (working in the notebooks' folder) finds it."""
    return os.path.abspath(os.path.join(notebooks, value)) if value else value


def rerender(spec: ReportSpec, out: Path, fingerprint: str, data_fingerprint: dict,
             notebook_sha256: str | None) -> ReportResult | None:
    """Make ``spec``'s report again from its previous executed notebook in ``out``, with
    its text cells and header computed again (see the module docstring): the new notebook
    and HTML are written (atomically) and its result returned; None when the report must
    be executed in a kernel instead. ``data_fingerprint`` is the data's as the batch
    loaded it (the report must find the same); ``notebook_sha256`` the previous notebook's
    as the last run wrote it (one changed since, say by an analyst who ran a cell again in
    JupyterLab, holds outputs no run made: it is executed again)."""
    import nbformat

    from .. import report as report_module
    from ..report import TEXT_METHODS, figures_from_notebook
    from .render import notebook_to_html

    started = time.perf_counter()
    try:
        raw = (out / f"{spec.slug}.ipynb").read_bytes()
        if not notebook_sha256 or hashlib.sha256(raw).hexdigest() != notebook_sha256:
            return None
        old = nbformat.reads(raw.decode("utf-8"), as_version=4)
        source = nbformat.read(spec.notebook, as_version=4)
    except Exception:  # noqa: BLE001 - absent or damaged: executed again
        return None
    meta = old.metadata.get("papermill", {})
    if meta.get("parameters") != spec.parameters or meta.get("exception"):
        return None
    executed = [c for c in old.cells if c.cell_type == "code" and not _SKIPPED_TAGS & set(c.metadata.get("tags", []))]
    written = [c for c in source.cells if c.cell_type == "code" and not _SKIPPED_TAGS & set(c.metadata.get("tags", []))]
    if [c.source for c in executed] != [c.source for c in written]:
        return None  # cells other than the notebook's: not this notebook's run
    notebooks = Path(spec.notebook).parent
    try:
        parameters = _parameters(source, spec.parameters)
        report, changed = None, []
        for cell in executed:
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                raise _NotSpliceable("a cell that failed")
            tree = ast.parse(cell.source)
            opening = _open_cell(tree)
            if opening is not None:
                cls_name, names = opening
                if cls_name not in report_module.__all__:
                    raise _NotSpliceable(f"an unknown report kind {cls_name}")
                values = {k: parameters[v] for k, v in names.items()}
                for key in ("data_dir", "texts_dir"):
                    if key in values:
                        values[key] = _kernel_path(notebooks, values[key])
                report = getattr(report_module, cls_name).open(**values)
                if report.data.fingerprint != data_fingerprint:
                    raise _NotSpliceable("other data than the batch's")
                report.data_dir = spec.parameters["data_dir"]  # as the kernel names it
                method, args, kwargs = "header", [], {}
            else:
                method, args, kwargs = _literal_call(tree.body[0] if len(tree.body) == 1 else None, "report",
                                                     parameters)
                if report is None or not callable(getattr(type(report), method, None)):
                    raise _NotSpliceable(f"report.{method} is not a method of the report")
                if method not in TEXT_METHODS:
                    continue  # its output is as it was: the data and the code are the same
            outputs = _format(getattr(report, method)(*args, **kwargs))
            for output in outputs:
                output["execution_count"] = cell.get("execution_count")
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            changed.append(old.cells.index(cell))
        if report is None:
            raise _NotSpliceable("no cell opens the report")
    except Exception:  # noqa: BLE001 - a kernel makes it, and says what is wrong as a full run would
        return None
    old.metadata.setdefault(METADATA_KEY, {})["text_rerendered"] = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cells": changed}
    html = notebook_to_html(old, spec.title)
    atomic_write(out / f"{spec.slug}.html", html)
    written = nbformat.writes(old).encode("utf-8")
    atomic_write(out / f"{spec.slug}.ipynb", written)
    (out / f"{spec.slug}.error.ipynb").unlink(missing_ok=True)
    return ReportResult(spec.slug, spec.title, "ok", seconds=round(time.perf_counter() - started, 2),
                        html=f"{spec.slug}.html", notebook=f"{spec.slug}.ipynb", fingerprint=fingerprint,
                        figures=figures_from_notebook(old), division=spec.parameters.get("division"),
                        unit=spec.unit, notebook_sha256=hashlib.sha256(written).hexdigest())
