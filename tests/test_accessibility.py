"""What the reports need for WCAG 2.1 AA beyond the browser audit: chart colours that stand
out against white (1.4.11, 3:1 for graphics), series told apart without colour (1.4.1),
and every chart's numbers as a table beside its alt text (1.1.1)."""
import matplotlib.colors as mcolors
import pytest

from regionanalytics import report, views

from .conftest import SAMPLE

pytestmark = pytest.mark.xdist_group("accessibility")  # its module fixtures are made once, on one worker


def contrast(colour, background="white") -> float:
    """WCAG contrast ratio, worked out from the definition of relative luminance."""
    def luminance(c):
        r, g, b = (x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in mcolors.to_rgb(c))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted([luminance(colour), luminance(background)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast("black") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey


@pytest.fixture(scope="module")
def charts():
    division = report.DivisionReport.open("2021-T1", "Länsteknik", SAMPLE)
    region = report.RegionOverview.open("2021-T1", SAMPLE)
    made = [division.result_chart(), division.sick_leave_chart(), region.deviation_chart(),
            region.goal_heatmap(), region.sick_leave_chart()]
    assert all(isinstance(c, views.Chart) for c in made)
    return made


def test_every_drawn_series_stands_out_against_white(charts):
    for chart in charts:
        ax = chart.figure.axes[0]
        for line in ax.get_lines():
            if line.get_label().startswith("_"):
                continue  # axis rules
            assert contrast(line.get_color()) >= 3, (chart.alt, line.get_label())
        for bar in ax.patches:
            best = max(contrast(bar.get_facecolor()[:3]), contrast(bar.get_edgecolor()[:3]))
            assert best >= 3, chart.alt


def test_series_differ_by_more_than_colour(charts):
    for chart in charts:
        lines = [l for l in chart.figure.axes[0].get_lines() if not l.get_label().startswith("_")]
        if len(lines) > 1:
            styles = {(l.get_linestyle(), l.get_marker()) for l in lines}
            assert len(styles) == len(lines), chart.alt
    heatmap = charts[3].figure.axes[0]
    assert len(heatmap.texts) >= 20  # every cell says its assessment in words


def test_every_chart_has_its_numbers_as_a_table(charts):
    for chart in charts:
        html = chart._repr_html_()
        assert f'alt="{chart.alt}"' in html.replace("&quot;", '"') and "<details" in html
        assert "<caption>" in html and "<th scope=\"col\">" in html
