"""The attacker's test: no hidden sick-leave figure can be worked out from what a batch shows.

A crafted region (tests/attacker.py) holds the cases that leaked before: a unit of 37
persons hidden only to protect a smaller sibling, a unit of 11 persons over the period
but 10 in January, a division hidden at region level to protect a small one, and a
10-person division. A real batch with unit reports is run on it; every sick-leave
figure shown anywhere (pages, executed notebooks, summary.csv, summary.xlsx,
changes.csv, the index) is read back as a reader would, and the attacker solves the
linear relations between them for every hidden figure.
"""
from __future__ import annotations

import json

import pytest

from . import attacker

pytestmark = pytest.mark.xdist_group("disclosure")  # its module fixtures are made once, on one worker


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    from regionanalytics.runner import run_batch, slugify

    folder = attacker.write_crafted_region(tmp_path_factory.mktemp("attacked") / "data")
    out = tmp_path_factory.mktemp("attacked-out")
    result = run_batch("2021-T1", folder, out, jobs=2, progress=False, units=True)
    out = out / "2021-T1"
    slugs = {"region": ("", "")}
    for division, units in attacker.REGION.items():
        slugs[f"division-{slugify(division)}"] = (division, "")
        for unit in units:
            slugs[f"unit-{slugify(division)}--{slugify(unit)}"] = (division, unit)
    months = [f"2021-{m:02d}" for m in range(1, 5)]
    cells = attacker.truth(folder, months, [f"2020-{m:02d}" for m in range(1, 5)])
    shown = attacker.read_outputs(out, slugs)
    return result, out, cells, shown


def _targets(cells, shown):
    """The figures the attacker goes for: every small group's and every one a page marks hidden."""
    small = [c for c in cells.index if cells.loc[c, "persons"] <= 10 and c not in shown.values]
    marked = [c for c in shown.hidden if c in cells.index and c not in shown.values]
    return sorted(set(small) | set(marked))


@pytest.mark.slow
def test_no_hidden_sick_leave_figure_can_be_worked_out(attacked):
    result, out, cells, shown = attacked
    assert result.ok, [r.error for r in result.reports if r.status != "ok"]
    # the attacker read figures from every kind of output
    sources = {w.split(".")[-1] for w in shown.where.values()}
    assert {"html", "csv", "ipynb"} <= sources, sources
    assert len(shown.values) > 50
    # no small group's figure is shown outright
    leaked = [c for c in shown.values if c in cells.index and cells.loc[c, "persons"] <= 10]
    assert not leaked, [(c, shown.where[c]) for c in leaked]
    targets = _targets(cells, shown)
    # the crafted cases are among the targets
    assert ("current", "Teknik", "Elva", "month", "2021-01") in targets
    assert ("current", "Revision", "", "total", "") in targets
    assert ("current", "Vård", "Mellan", "total", "") in targets
    assert ("current", "Service", "", "total", "") in targets
    found = attacker.attack(cells, shown, targets)
    recovered = found[found["recovered"]]
    assert recovered.empty, recovered[["cell", "persons", "true", "estimate"]].to_string()


@pytest.mark.slow
def test_no_hidden_value_is_written_in_any_output(attacked):
    """A hidden figure's value is not in any output's text (a notebook's text/plain repr
    of a DataFrame included), to four decimals as pandas, JSON and CSV write numbers."""
    _, out, cells, shown = attacked
    targets = _targets(cells, shown)
    needles = {}
    for cell in targets:
        v = float(cells.loc[cell, "rate"])
        for text in {f"{v:.4f}", f"{int(v * 10**4) / 10**4:.4f}"}:
            needles[text] = cell
            needles[text.replace(".", ",")] = cell
    found = []
    for path, text in attacker.texts(out):
        found += [(path.name, needle, needles[needle]) for needle in needles if needle in text]
    assert not found, found[:10]


@pytest.mark.slow
def test_notebook_text_outputs_hold_no_data_frame(attacked):
    """A notebook's text/plain output of a table or chart says what it is, never its data."""
    _, out, _, _ = attacked
    for path in out.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                plain = "".join(output.get("data", {}).get("text/plain", ""))
                assert not any(word in plain for word in ("persons", "sick_leave_pct", "value_prev_year",
                                                          "rows x", "DataFrame")), (path.name, plain[:300])


# ---------------------------------------------------------------- fast: the model itself

@pytest.fixture(scope="module")
def crafted_model(tmp_path_factory):
    from regionanalytics import load_region
    from regionanalytics.metrics import shown_sick_leave

    folder = attacker.write_crafted_region(tmp_path_factory.mktemp("model") / "data")
    data = load_region(folder)
    return folder, shown_sick_leave.figures(data.employees, data.absence, "2021-T1")


def _cell(model, year, level, division, unit, dimension, key=""):
    row = model[(model["year"] == year) & (model["level"] == level) & (model["division"] == division)
                & (model["unit"] == unit) & (model["dimension"] == dimension) & (model["key"] == key)]
    assert len(row) == 1, (year, level, division, unit, dimension, key)
    return row.iloc[0]


def test_the_crafted_cases_are_hidden_for_their_true_reason(crafted_model):
    _, model = crafted_model
    mellan = _cell(model, "current", "unit", "Vård", "Mellan", "total")
    assert mellan["persons"] == 37 and mellan["reason"] == "protects"
    january = _cell(model, "current", "unit", "Teknik", "Elva", "month", "2021-01")
    assert january["persons"] == 10 and january["reason"] == "small"
    elva = _cell(model, "current", "unit", "Teknik", "Elva", "total")
    assert elva["persons"] == 11 and elva["reason"] == ""        # the period has eleven: shown
    # and another of its months is hidden, so January cannot be subtracted out
    months = model[(model["year"] == "current") & (model["unit"] == "Elva") & (model["dimension"] == "month")]
    assert (months["reason"] == "protects").sum() >= 1
    assert _cell(model, "current", "division", "Revision", "", "total", "")["reason"] == "small"
    service = _cell(model, "current", "division", "Service", "", "total", "")
    assert service["persons"] == 35 and service["reason"] == "protects"
    # Service's units would give it away: at least one of them is hidden too
    units = model[(model["year"] == "current") & (model["level"] == "unit") & (model["division"] == "Service")
                  & (model["dimension"] == "total")]
    assert units["hidden"].any()
    assert _cell(model, "current", "region", "", "", "total", "")["reason"] == ""


def test_the_model_leaves_nothing_to_recover_from_every_shown_cell(crafted_model):
    """The attack on the model's own result with every figure it shows at full precision."""
    folder, model = crafted_model
    cells = attacker.truth(folder, None, None)
    names = {"age_group": "age"}
    ages = dict(zip(["29_or_younger", "30_49", "50_or_older"], attacker.AGES))
    shown = attacker.Shown()
    for rec in model.to_dict("records"):
        dim = names.get(rec["dimension"], rec["dimension"])
        key = ages.get(rec["key"], rec["key"]) if dim == "age" else rec["key"]
        cell = (rec["year"], rec["division"], rec["unit"], dim, key)
        if rec["reason"] in ("small", "protects"):
            shown.hidden.add(cell)
        elif not rec["hidden"]:
            shown.add(cell, rec["sick_leave_pct"], "model")
    targets = _targets(cells, shown)
    found = attacker.attack(cells, shown, targets)
    assert len(found) > 50
    recovered = found[found["recovered"]]
    assert recovered.empty, recovered[["cell", "persons", "true", "interval_pp"]].to_string()


def test_reports_and_summary_read_sick_leave_only_from_the_model():
    """A new sick-leave figure in an output must go through the model: the report layer,
    the summary and the runner never compute a sick-leave rate themselves."""
    from pathlib import Path

    import regionanalytics

    root = Path(regionanalytics.__file__).parent
    sources = [root / "summary.py", *sorted((root / "report").glob("*.py")), *sorted((root / "runner").glob("*.py"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for call in ("metrics.sick_leave(", "sick_leave_key_figures(", "protect_figures(", "protect_both_years(",
                     "protect_partition("):
            assert call not in text, f"{path.name} calls {call}: read shown_sick_leave instead"


def test_a_table_marks_each_hidden_figure_with_its_reason_and_its_text_form_is_the_caption():
    import pandas as pd

    from regionanalytics.report import views

    df = pd.DataFrame({"unit": ["Liten", "Mellan", "Stor"], "sick_leave_pct": [None, None, 5.04],
                       "sick_leave_pct_prev_year": [None, 6.8, 5.5],
                       "reason": ["small", "protects", ""], "reason_prev_year": ["small", "", ""]})
    flags = {"sick_leave_pct": "reason", "sick_leave_pct_prev_year": "reason_prev_year"}
    table = views.table(df, [("unit", "text"), ("sick_leave_pct", "pct"), ("sick_leave_pct_prev_year", "pct")],
                        caption="Sjukfrånvaro per verksamhet", suppressed=flags,
                        note=views.suppressed_note(df["reason"], df["reason_prev_year"]))
    cells = [c.split("</td>")[0] for c in table.html.split('<td class="num">')[1:]]
    assert cells == ["*", "*", "**", "6,8", "5,0", "5,5"]  # last year's figure apart from this year's
    assert "* Uppgiften visas inte: gruppen har 10 eller färre anställda" in table.html
    assert "** Uppgiften visas inte: den döljs för att en mindre grupps uppgift" in table.html
    assert repr(table) == "Tabell: Sjukfrånvaro per verksamhet"   # a notebook's text/plain output
