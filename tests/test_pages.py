"""What a reader sees on the pages (issue 20): tables that say what their rows and totals
are, words that fit the page they are on, charts whose markers and legend stay clear of the
edges and the data. Checked on the report objects and the drawn figures (no kernel)."""
from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

from regionanalytics import charts
from regionanalytics.report import DivisionReport, RegionOverview, UnitReport

from .conftest import SAMPLE

pytestmark = pytest.mark.xdist_group("pages")  # its module fixtures are made once, on one worker

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def lsv():
    return DivisionReport.open(period="2021-T1", division="Länssjukvård", data_dir=SAMPLE)


@pytest.fixture(scope="module")
def lokalservice():
    return UnitReport.open(period="2021-T1", division="Service", unit="Lokalservice", data_dir=SAMPLE)


def _rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_division_staff_cost_table_names_its_units_and_its_total(lsv, sample):
    table = lsv.staff_costs()
    assert '<th scope="col">Verksamhet</th>' in table.html.split("</thead>")[0].replace("\u00ad", "")
    rows = _rows(table.html)
    units = sorted(sample.finance.loc[sample.finance["division"] == "Länssjukvård", "unit"].unique())
    assert [r[0] for r in rows] == units + ["Divisionen totalt"]
    # the total's personnel costs: the division's Personalkostnader January–April 2021, from the rows
    fin = sample.finance
    own = -fin[(fin["division"] == "Länssjukvård") & (fin["account"] == "Personalkostnader")
               & fin["month"].between("2021-01", "2021-04")]["actual"].sum()
    assert rows[-1][1] == f"{own / 1000:,.1f}".replace(",", " ").replace(".", ",").replace(" ", "\xa0")
    assert table.data.iloc[-1]["personnel_cost"] == pytest.approx(own)
    assert "egna personalkostnaderna" in table.html


def test_a_unit_page_speaks_of_the_unit(lokalservice, sample):
    for table in (lokalservice.economy_table(), lokalservice.forecast_table(), lokalservice.staff_costs()):
        assert "Divisionen totalt" not in table.html
        assert _rows(table.html)[-1][0] == "Verksamheten totalt"
    # a unit without production rows: the sentence says "verksamheten"
    assert not (sample.production["unit"] == "Fastigheter").any()
    unit = UnitReport.open(period="2021-T1", division="Service", unit="Fastigheter", data_dir=SAMPLE)
    assert unit.production_table().data == ["Produktionsdata saknas för verksamheten."]


def test_a_units_figures_carry_its_forecast(lokalservice, sample):
    fc = sample.forecast
    made = fc[(fc["division"] == "Service") & (fc["unit"] == "Lokalservice") & fc["month"].between("2021-01", "2021-04")]
    latest = made.sort_values("month").iloc[-1]["forecast"]  # the forecast made in April
    fin = sample.finance
    year = fin[(fin["division"] == "Service") & (fin["unit"] == "Lokalservice") & fin["month"].str.startswith("2021")]
    assert lokalservice._figures["forecast"] == pytest.approx(latest)
    assert lokalservice._figures["forecast_deviation"] == pytest.approx(latest - year["budget"].sum())


def test_the_index_names_the_divisions_sum_and_shows_the_regions_result(tmp_path):
    from regionanalytics.periods import Period
    from regionanalytics.runner.index import write_index

    def report(slug, title, division=None, unit=None, figures=None):
        return SimpleNamespace(slug=slug, title=title, division=division, unit=unit, status="ok",
                               html=f"{slug}.html", data_digest="d", figures=figures)

    reports = [report("region", "Regionen"), report("division-service", "Division Service", "Service"),
               report("unit-service--kostservice", "Kostservice (division Service)", "Service", "Kostservice",
                      {"result": 500.0, "budget_deviation": 100.0, "forecast_deviation": -2300.0})]
    summary = pd.DataFrame([("Region", "result", 1000.0), ("Region", "region_result", 220_100.0),
                            ("Region", "region_result_budget", 200_000.0), ("Service", "result", 700.0),
                            ("Service", "forecast_deviation", -1000.0)],
                           columns=["division", "metric", "value"])
    write_index(tmp_path, Period.parse("2021-T1"), SAMPLE, reports, summary, digest="d")
    rows = _rows((tmp_path / "index.html").read_text(encoding="utf-8"))
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="region.html">Divisionerna totalt</a>' in page
    mnkr = lambda text: text + "\xa0mnkr"
    assert rows[0][2] == mnkr("+1,0")
    assert rows[1][0] == "Regionens resultat" and rows[1][2] == mnkr("+220,1") and rows[1][3] == mnkr("+20,1")
    assert rows[3][4] == mnkr("−2,3")  # the unit's forecast against budget, as its page shows it


# --------------------------------------------------------------------------- charts

def _extent(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # the report closed the figure: a canvas of its own
    canvas.draw()
    return canvas.get_renderer()


def _check_chart(fig):
    renderer = _extent(fig)
    ax = fig.axes[0]
    box = ax.get_window_extent(renderer)
    for line in ax.get_lines():
        if not line.get_marker() or line.get_marker() == "None":
            continue
        radius = line.get_markersize() / 72 * fig.dpi / 2
        points = ax.transData.transform(line.get_xydata())
        for x, y in points[~pd.isna(points).any(axis=1)]:
            assert box.x0 + radius <= x <= box.x1 - radius and box.y0 + radius <= y <= box.y1 - radius, \
                (line.get_label(), x, y, box)
    legend = ax.get_legend()
    if legend is not None:
        lb = legend.get_window_extent(renderer)
        assert lb.y0 >= box.y1 - 1, "the legend sits on the plot area"
        assert fig.bbox.contains(lb.x0, lb.y0) and fig.bbox.contains(lb.x1 - 1, lb.y1 - 1)
        title = ax.title.get_window_extent(renderer)
        assert title.x1 < lb.x0, "the legend covers the title"


# Lokalservice's months are hidden to protect a small unit's (a sentence, no chart): Kostservice
@pytest.mark.parametrize("division,unit", [("Länssjukvård", None), ("Service", "Kostservice")])
def test_month_charts_keep_markers_and_legend_clear(division, unit):
    report = UnitReport.open(period="2021-T1", division=division, unit=unit, data_dir=SAMPLE) if unit else \
        DivisionReport.open(period="2021-T1", division=division, data_dir=SAMPLE)
    for chart in (report.sick_leave_chart(), report.result_chart()):
        _check_chart(chart.figure)


def test_bar_charts_keep_the_legend_off_the_bars():
    region = RegionOverview.open(period="2021-T1", data_dir=SAMPLE)
    _check_chart(region.sick_leave_chart().figure)


def test_heatmap_text_is_as_large_as_the_axis_labels():
    region = RegionOverview.open(period="2021-T1", data_dir=SAMPLE)
    fig = region.goal_heatmap().figure
    ax = fig.axes[0]
    sizes = {t.get_fontsize() for t in ax.texts}
    tick = ax.get_xticklabels()[0].get_fontsize()
    assert sizes == {charts.HEATMAP_FONT_SIZE} and min(sizes) >= tick - 0.5
    # printed at the page's width (A4, 2 cm margins: 17 cm) the figure's text stays above 7 pt
    width_in = fig.get_size_inches()[0]
    assert min(sizes) * min(1.0, (17 / 2.54) / width_in) >= 7


def test_the_region_pages_divisions_table_names_its_total_for_what_it_is():
    region = RegionOverview.open(period="2021-T1", data_dir=SAMPLE)
    # the divisions' sum (+1 mnkr), beside which the region's result (+230,6 mnkr) is its own table
    assert _rows(region.division_table().html)[-1][0] == "Divisionerna totalt"
    assert "Regionens resultat" in region.region_result()._repr_html_()
