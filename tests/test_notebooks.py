"""The report notebooks: stored clean, paired with their text form, and correct when run."""
import csv
import json
from pathlib import Path

import jupytext
import nbformat
import papermill as pm
import pytest

from regionanalytics.runner.render import notebook_to_html
from regionanalytics.report import figures_from_notebook

from .conftest import ROOT, SAMPLE

NOTEBOOKS = ROOT / "notebooks"
PAIRS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} carries outputs"


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_paired_text_form_in_step(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no paired {script.name}"
    a, b = jupytext.read(path), jupytext.read(script)
    strip = lambda nb: [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]
    assert strip(a) == strip(b), f"{path.name} and {script.name} differ: run `make notebooks-sync`"


@pytest.mark.parametrize("name", ["division_report.ipynb", "region_overview.ipynb"])
def test_parameters_cell_documents_its_parameters(name):
    params = pm.inspect_notebook(str(NOTEBOOKS / name))
    assert params["period"]["inferred_type_name"] == "str"
    assert all(p["help"] for p in params.values())


def visible_text(html):
    """The page's text without styles, scripts and tags."""
    import re

    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html).replace("\u00ad", "")  # soft hyphens are invisible


def _run(tmp_path, name, cwd=NOTEBOOKS, **parameters):
    out = tmp_path / name
    pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters, cwd=str(cwd),
                        kernel_name="python3", progress_bar=False, start_timeout=180)
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def lansteknik(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("nb"), "division_report.ipynb", period="2021-T1",
                division="Länsteknik", data_dir=str(SAMPLE))


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_division_report_records_the_reference_figures(lansteknik):
    figures = figures_from_notebook(lansteknik)
    assert figures["division"] == "Länsteknik" and figures["period"] == "2021-T1"
    assert figures["headcount"] == 131 and figures["headcount_change"] == -6
    assert round(figures["sick_leave_pct"], 1) == 5.3
    assert round(figures["budget_deviation"] / 1000) == 3
    assert round(figures["forecast_deviation"] / 1000) == 8


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_division_report_html_has_narrative_tables_and_no_code(lansteknik):
    html = notebook_to_html(lansteknik, "Division Länsteknik")
    assert "Divisionen redovisar per april ett resultat som är 3\u00a0mnkr bättre än budget." in html
    assert ("Sjukfrånvaron ligger på 5,3 procent, vilket är en minskning med 1,0\u00a0procentenheter "
            "jämfört med samma period föregående år.") in html
    assert "131 månadsavlönade" in html
    assert "Om underlaget" in html and "Underlaget täcker perioden" in html
    assert html.count("data:image/png;base64") >= 2
    assert _alt_texts(html)[:2] == [
        "Diagram: Ackumulerat resultat mot budget (mnkr). Serier: Resultat, Budget.",
        "Diagram: Sjukfrånvaro per månad (procent av schemalagd tid). Serier: 2021, 2020."]
    text = visible_text(html)
    assert "DivisionReport" not in text and "import " not in text      # no code
    assert "injected" not in text.lower() and "data_dir" not in text   # no parameters cell
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_region_overview(tmp_path):
    nb = _run(tmp_path, "region_overview.ipynb", period="2021-T1", data_dir=str(SAMPLE))
    html = notebook_to_html(nb, "Regionen")
    assert ("Divisionerna redovisar tillsammans ett överskott på 1\u00a0mnkr per april, vilket är "
            "63\u00a0mnkr bättre än samma period föregående år.") in html
    assert html.count("data:image/png;base64") >= 3  # deviation chart, heatmap, sick leave
    assert all(alt.startswith("Diagram: ") for alt in _alt_texts(html))
    figures = figures_from_notebook(nb)
    assert round(figures["result"] / 1000) == 1


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_bad_parameter_stops_in_first_cell(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as exc:
        _run(tmp_path, "division_report.ipynb", period="2021-T1", division="Länstekniq",
             data_dir=str(SAMPLE))
    assert exc.value.ename == "ParameterError"
    assert "'Länstekniq' is not a division" in exc.value.evalue and "Länsteknik" in exc.value.evalue
    nb = nbformat.read(tmp_path / "division_report.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
            and "parameters" not in c.metadata.get("tags", [])]
    assert code[0].outputs and code[0].outputs[-1]["output_type"] == "error"
    with pytest.raises(pm.PapermillExecutionError) as exc:
        _run(tmp_path, "division_report.ipynb", period="2023-T1", division="Länsteknik",
             data_dir=str(SAMPLE))
    assert "The data starts in 2020-01 and ends in 2021-12; 2023-T1 runs to 2023-04" in exc.value.evalue


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
@pytest.mark.parametrize("cwd", [NOTEBOOKS, ROOT], ids=["from JupyterLab", "from the repository root"])
def test_explore_notebook_runs_top_to_bottom(tmp_path, cwd):
    import re

    nb = _run(tmp_path, "explore.ipynb", cwd=cwd)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = json.dumps([o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", [])],
                      ensure_ascii=False)
    assert "Länssjukvård" in text and "sick_leave_pct" in text
    assert not re.search(r"\de-\d\d", text), "rounding noise (like 3.98e-12) shown to the user"


def _alt_texts(html: str) -> list[str]:
    """The alt text of every image, in order; fails if an image has none of its own."""
    import re
    from html import unescape

    images = re.findall(r"<img\b[^>]*>", html)
    alts = [re.search(r'\balt="([^"]*)"', img) for img in images]
    assert images and all(alts), "every chart needs its own alternative text"
    assert "No description has been provided" not in html
    return [unescape(a.group(1)) for a in alts]


def _raw_finance_total(first: str, last: str) -> float:
    """Every Utfall of the sample's finance export in the months, summed with the csv module."""
    import csv

    with open(SAMPLE / "finance.csv", encoding="cp1252", newline="") as fh:
        return sum(float(r["Utfall"].replace(",", ".")) for r in csv.DictReader(fh, delimiter=";")
                   if first <= r["Månad"] <= last)


def _latest_forecasts(last_month: str) -> float:
    """The sum over units of each unit's latest 2021 forecast made by ``last_month``."""
    import csv

    latest = {}
    with open(SAMPLE / "forecast.csv", encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if "2021-01" <= r["Månad"] <= last_month:
                key = (r["Division"], r["Verksamhet"])
                if key not in latest or r["Månad"] > latest[key][0]:
                    latest[key] = (r["Månad"], float(r["Prognos"].replace(",", ".")))
    return sum(v for _, v in latest.values())


def _balance_report_sum(period: str, first_digit: str) -> float:
    """The balance report's closing balances of one period and account class, summed from
    the export with the csv module (three title lines, then the header)."""
    total = 0.0
    with open(SAMPLE / "balance.csv", encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[3:]
    for month, account, _, amount in rows:
        if month == period and account.startswith(first_digit) and account.isdigit():
            total += float(amount.replace(",", "."))
    return total


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_region_overview_per_augusti(tmp_path):
    from regionanalytics.formatting import fmt_mnkr_text

    nb = _run(tmp_path, "region_overview.ipynb", period="2021-T2", data_dir=str(SAMPLE))
    html = notebook_to_html(nb, "Regionen")
    assert "Delårsrapport per augusti 2021" in html
    moved = _latest_forecasts("2021-08") - _latest_forecasts("2021-04")
    verb = "förbättrats" if moved > 0 else "försämrats"
    assert f"Prognosen har {verb} med {fmt_mnkr_text(abs(moved))} sedan april." in html
    result = _raw_finance_total("2021-01", "2021-08")  # divisions and the central level
    assert f"Regionens resultat per augusti 2021 är ett överskott på {fmt_mnkr_text(result)}" in html
    figures = figures_from_notebook(nb)
    assert figures["forecast_change_since_tertial"] == pytest.approx(moved, abs=1e-6)
    assert figures["region_result"] == pytest.approx(result, abs=1e-6)
    text = visible_text(html)
    assert "Personalkostnader och inhyrd personal per augusti 2021" in text
    assert "Investeringar per augusti 2021" in text
    # the statements of a delårsrapport (issue 22), figures from the exports themselves
    assert "Resultaträkning per augusti 2021 (mnkr)" in text
    assert "Balansräkning per den 31 augusti 2021" in text
    assets = _balance_report_sum("202108", "1")
    assert figures["total_assets"] == pytest.approx(assets, abs=0.05)
    claims = -_balance_report_sum("202108", "2")
    # the open year's result is the difference: the sheet balances with it
    assert assets - claims == pytest.approx(result, abs=1)
    assert "Balanskravet bedöms uppfyllas för 2021" in text
    assert "Finansiella mål för god ekonomisk hushållning 2021" in text
    assert "Av 3 finansiella mål bedöms" in text


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_division_report_for_the_year(tmp_path):
    nb = _run(tmp_path, "division_report.ipynb", period="2021", division="Länssjukvård",
              data_dir=str(SAMPLE))
    html = notebook_to_html(nb, "Division Länssjukvård")
    text = visible_text(html)
    assert "Årsrapport 2021" in text and "per den 31 december 2021" in text
    assert "Personalkostnader och inhyrd personal per den 31 december 2021" in text
    assert "Årsarbetare, heltid, personalomsättning och övertid per den 31 december 2021" in text
    assert "Investeringar per den 31 december 2021" in text
    figures = figures_from_notebook(nb)
    # hired staff is named in the reference as a cause of Länssjukvård's deficits: its share
    # of the staff costs is above the other divisions' 5 % in the sample
    assert figures["hired_staff_share_pct"] > 7
    assert "Traceback" not in text
