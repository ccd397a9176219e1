"""Shared outputs cannot attack their readers: no text from the data becomes a formula in
summary.csv, changes.csv or summary.xlsx (OWASP, "CSV Injection"), and no name is read as
matplotlib's mathtext."""
import csv
import io
import zipfile
from contextlib import redirect_stdout

import pandas as pd
import pytest

from regionanalytics.cli import main
from regionanalytics.data import load_region
from regionanalytics.iorw import neutralise, read_csv, restore
from regionanalytics.periods import Period
from regionanalytics.runner.batch import _write_changes, _write_summaries
from regionanalytics.summary import key_metrics

from .conftest import write_two_divisions

pytestmark = pytest.mark.xdist_group("summary-excel")  # its module fixtures are made once, on one worker

ATTACK = '=HYPERLINK("http://x","klick")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The two-division region with Revision renamed to a formula, and its summaries
    as a run writes them (T2, so changes.csv has the T1 rows too)."""
    folder = tmp_path_factory.mktemp("hostile")
    data = write_two_divisions(folder / "data", [("Kost", 12)])
    for table in ("finance", "employees"):
        path = data / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
        rows = [[ATTACK if cell == "Revision" else ("@SUM(A1)" if cell == "Revisionskontoret" else cell)
                 for cell in row] for row in rows]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    region = load_region(data)
    assert ATTACK in region.divisions
    out = folder / "out"
    out.mkdir()
    p = Period.parse("2021-04")
    summary = key_metrics(region, p)
    _write_summaries(out, summary)
    _write_changes(out, region, p, summary)
    return data, out, summary


def fields(path, column="division"):
    with open(path, encoding="utf-8", newline="") as fh:
        return {row[column] for row in csv.DictReader(fh)}


def test_csv_fields_that_would_be_formulas_start_with_an_apostrophe(hostile):
    _, out, _ = hostile
    for name in ("summary.csv", "changes.csv"):
        assert "'" + ATTACK in fields(out / name), name
        assert ATTACK not in fields(out / name)
        assert {"Service", "Region"} <= fields(out / name)
    # numbers stay numbers (a negative value is not "neutralised")
    values = pd.read_csv(out / "summary.csv")["value"]
    assert pd.api.types.is_float_dtype(values) and (values < 0).any()


def test_every_spreadsheet_trigger_is_neutralised_and_restored():
    for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "'quoted"]:
        assert neutralise(text).startswith("'") and restore(neutralise(text)) == text
    assert neutralise("Service") == "Service" and neutralise("Länsteknik – drift") == "Länsteknik – drift"


def test_reading_a_published_summary_back_gives_the_names(hostile):
    """changes.csv reads an earlier tertial's summary.csv: the names must match the data's."""
    _, out, summary = hostile
    back = read_csv(out / "summary.csv")
    assert set(back["division"]) == set(summary["division"])


def test_the_workbook_holds_every_name_as_text(hostile):
    from openpyxl import load_workbook

    _, out, _ = hostile
    raw = out / "summary.xlsx"
    with zipfile.ZipFile(raw) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)  # no formula anywhere
    wb = load_workbook(raw)
    header = [c for c in wb["Nyckeltal"][1] if c.value == ATTACK]
    data = [c for row in wb["Data"].iter_rows() for c in row if c.value in (ATTACK, "@SUM(A1)")]
    assert header and data
    for cell in header + data:
        assert cell.data_type == "s" and cell.quotePrefix  # text, and kept text when edited in Excel


def test_the_metrics_command_writes_the_same_neutralised_csv(hostile):
    data, out, _ = hostile
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["metrics", "--period", "2021-04", "--data", str(data)]) == 0
    assert buffer.getvalue() == (out / "summary.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["IT $^$ drift", "Vård $5 000$ och service", "Lab $\\frac{a}{b}$"])
def test_dollar_signs_in_a_name_are_plain_text_in_charts(name):
    """matplotlib reads "$...$" as mathtext: "$^$" made the region overview fail, "$5 000$"
    would print "5000" in italics. The chart theme turns mathtext off."""
    import matplotlib.pyplot as plt

    from regionanalytics.report import charts

    charts.set_theme()
    fig = charts.deviation_by_group(pd.DataFrame({"division": [name, "Service"], "budget_deviation": [-1500.0, 800.0]}))
    fig.savefig(io.BytesIO(), format="png")  # draws every text
    label = next(t for t in fig.axes[0].get_yticklabels() if t.get_text() == name)
    assert label._preprocess_math(name) == (name, False)  # drawn as it is written
    plt.close(fig)
