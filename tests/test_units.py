"""A report for every unit (`run --units`): figures checked by hand on the sample, the
small-group rule, links from the division's report and the index."""
import re

import pytest

from regionanalytics.runner import plan_reports, run_batch

from .conftest import SAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("units")]  # one unit batch for the module

T1 = ["2021-01", "2021-02", "2021-03", "2021-04"]


@pytest.fixture(scope="module")
def unit_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("units")
    result = run_batch("2021-T1", SAMPLE, out, divisions=["Service"], jobs=2, progress=False, units=True)
    return result, out / "2021-T1"


def test_every_unit_of_the_division_gets_its_report(unit_run, sample):
    result, out = unit_run
    units = sorted(sample.finance.loc[sample.finance["division"] == "Service", "unit"].unique())
    made = [r for r in result.reports if r.unit]
    assert result.ok and sorted(r.unit for r in made) == units
    assert all((out / r.html).exists() for r in made)


def test_unit_figures_worked_out_from_the_tables(unit_run, sample):
    result, _ = unit_run
    figures = {r.unit: r.figures for r in result.reports if r.unit}
    fin, emp = sample.finance, sample.employees
    for unit in ("Kostservice", "Bemanningsenheten"):
        rows = fin[(fin["division"] == "Service") & (fin["unit"] == unit) & fin["month"].isin(T1)]
        assert figures[unit]["result"] == pytest.approx(rows["actual"].sum())
        assert figures[unit]["budget_deviation"] == pytest.approx(rows["actual"].sum() - rows["budget"].sum())
        april = emp[(emp["month"] == "2021-04") & (emp["division"] == "Service") & (emp["unit"] == unit)
                    & emp["employment"].isin(["tillsvidare", "visstid"])]
        assert figures[unit]["headcount"] == april["person_id"].nunique()


def test_a_unit_of_ten_or_fewer_shows_no_sick_leave_figure(unit_run):
    result, out = unit_run
    small = next(r for r in result.reports if r.unit == "Divisionsledning Service")
    assert small.figures["headcount"] <= 10 and small.figures["sick_leave_pct"] is None
    html = (out / small.html).read_text(encoding="utf-8")
    assert "Sjukfrånvaron redovisas inte: den gäller en grupp med 10 eller färre anställda" in html
    table = re.search(r"<caption>Sjukfrånvaro i procent.*?</table>", html, re.S).group(0)
    assert set(re.findall(r'<td class="num">([^<]*)</td>', table)) == {"*"}


def test_division_report_and_index_link_the_unit_reports(unit_run):
    result, out = unit_run
    units = [r for r in result.reports if r.unit]
    division = (out / "division-service.html").read_text(encoding="utf-8")
    assert "Verksamheternas rapporter" in division
    assert all(f'href="{r.html}"' in division for r in units)
    index = (out / "index.html").read_text(encoding="utf-8")
    order = [index.index(f'href="{r.html}"') for r in result.reports]
    assert order == sorted(order)  # region, the division, then its units
    assert index.count('class="txt ra-unit"') == len(units)


def test_without_units_nothing_changes(tmp_path):
    specs = plan_reports("2021-T1", SAMPLE, None, ["Service", "Länsteknik"])
    assert [s.slug for s in specs] == ["rapport-2021-T1", "region", "division-service", "division-lansteknik"]
    assert all("unit_pages" not in s.parameters for s in specs)
