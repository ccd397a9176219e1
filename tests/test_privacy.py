"""Nothing person-level leaks, small groups stay hidden, text from the data is escaped."""
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionanalytics import report
from regionanalytics.index import write_index
from regionanalytics.periods import Period
from regionanalytics.runner import ReportResult, check_parameters, plan_reports, slugify
from regionanalytics.exceptions import ParameterError
from regionanalytics.summary import REGION, key_metrics

from .conftest import SAMPLE

_BASE64 = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s\\n]+|\"image/png\":\s*\"[^\"]*\"")


def _texts(folder: Path):
    """Every output file's text, images left out (base64 can contain anything)."""
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        yield path.name, _BASE64.sub(" ", text)


@pytest.mark.slow
@pytest.mark.xdist_group("batch")
def test_no_person_level_data_in_any_output(batch_output, sample):
    _, out = batch_output
    ids = set(sample.employees["person_id"])
    pattern = re.compile(r"\bP\d{6}\b")
    scanned = 0
    for name, text in _texts(out):
        found = {m for m in pattern.findall(text) if m in ids}
        assert not found, f"{name} contains person ids {sorted(found)[:5]}"
        assert not re.search(r"\b(person_id|birth_year|Födelseår)\b", text), f"{name} has person-level columns"
        scanned += 1
    assert scanned >= 8


@pytest.mark.slow
@pytest.mark.xdist_group("batch")
def test_small_unit_of_the_sample_is_hidden_with_its_complement(batch_output):
    from bs4 import BeautifulSoup

    _, out = batch_output
    soup = BeautifulSoup((out / "division-service.html").read_text(encoding="utf-8"), "html.parser")
    table = next(t for t in soup.find_all("table") if "Sjukfrånvaro per verksamhet" in t.caption.text)
    rows = {tr.find_all("td")[0].text: [td.text for td in tr.find_all("td")[1:]] for tr in table.tbody.find_all("tr")}
    assert rows["Divisionsledning Service"] == ["*"] * 4      # 8 persons
    assert sum(cells == ["*"] * 4 for cells in rows.values()) == 2  # and one more, so it cannot be subtracted out


# ---------------------------------------------------------------- a crafted region

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Service (30 persons, 8 of them in a unit named like a script) and Revision (6 persons)."""
    folder = tmp_path_factory.mktemp("crafted")
    fin = ["month;division;unit;account;actual;budget"]
    for y in (2020, 2021):
        for m in range(1, 13):
            for div, unit in (("Service", "Kostservice"), ("Service", XSS), ("Revision", "Revisionskontoret")):
                actual = "-100" if (y == 2020 or m <= 4) else ""
                fin.append(f"{y}-{m:02d};{div};{unit};Konto;{actual};-100")
    (folder / "finance.csv").write_text("\n".join(fin) + "\n", encoding="utf-8")
    emp = ["month;person_id;division;unit;employment;gender;birth_year;employment_rate;scheduled_hours;worked_hours"]
    for y in (2020, 2021):
        for m in range(1, 13):
            for i in range(30):
                unit = "Kostservice" if i < 22 else XSS
                emp.append(f"{y}-{m:02d};S{i:03d};Service;{unit};tillsvidare;{'K' if i % 3 else 'M'};{1960 + i};1;160;150")
            for i in range(6):
                emp.append(f"{y}-{m:02d};R{i:03d};Revision;Revisionskontoret;tillsvidare;K;{1970 + i};1;160;150")
    (folder / "employees.csv").write_text("\n".join(emp) + "\n", encoding="utf-8")
    (folder / "absence.csv").write_text(
        "person_id;start;end;extent\nS001;2021-02-01;2021-02-10;1\nR001;2021-03-01;2021-03-05;1\n"
        "S025;2021-01-11;2021-01-15;1\nS002;2020-02-03;2020-02-07;1\n", encoding="utf-8")
    (folder / "goals.csv").write_text(
        "period;division;perspective;goal;indicator;target;outcome;higher_is_better;assessment\n"
        f"2021-T1;Service;medarbetare;{XSS};Sjukfrånvaro;5;4;nej;\n", encoding="utf-8")
    return folder


def _shown(monkeypatch, make, methods):
    shown = []
    monkeypatch.setattr(report, "_display", lambda obj, metadata=None: shown.append(obj))
    r = make()
    for method in methods:
        getattr(r, method)()
    html = "".join(o.data for o in shown if isinstance(getattr(o, "data", None), str))
    figures = [o for o in shown if hasattr(o, "axes")]
    return html, figures


def test_small_division_suppressed_in_summary_and_by_subtraction(crafted):
    from regionanalytics import load_region

    rows = key_metrics(load_region(crafted), "2021-T1").set_index(["division", "metric"])["value"]
    assert np.isnan(rows[("Revision", "sick_leave_pct")])
    # Revision could be worked out from the region and Service: Service is hidden as well
    assert np.isnan(rows[("Service", "sick_leave_pct")])
    assert not np.isnan(rows[(REGION, "sick_leave_pct")])


def test_small_division_report_shows_no_sick_leave_figure(crafted, monkeypatch):
    html, figures = _shown(monkeypatch, lambda: report.DivisionReport.open("2021-T1", "Revision", crafted),
                           ["summary", "sick_leave_table", "sick_leave_by_unit", "sick_leave_chart"])
    assert "Sjukfrånvaro redovisas inte för grupper med tio eller färre anställda." in html
    assert "Sjukfrånvaron ligger på" not in html
    assert re.findall(r'<td class="num">([^<]*)</td>', html) and \
        set(re.findall(r'<td class="num">([^<]*)</td>', html)) == {"*"}
    [fig] = figures
    for line in fig.axes[0].lines:
        assert np.isnan(np.asarray(line.get_ydata(), dtype=float)).all()


def test_region_view_hides_small_division_in_table_and_chart(crafted, monkeypatch):
    html, figures = _shown(monkeypatch, lambda: report.RegionOverview.open("2021-T1", crafted),
                           ["division_table", "sick_leave_chart"])
    row = re.search(r"<td class=\"txt\">Revision</td>(.*?)</tr>", html).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[4:6] == ["*", "*"]
    [fig] = figures
    heights = [p.get_width() for p in fig.axes[0].patches]
    assert all(np.isnan(h) or h == 0 for h in heights)


def test_text_from_the_data_is_escaped(crafted, monkeypatch):
    html, _ = _shown(monkeypatch, lambda: report.DivisionReport.open("2021-T1", "Service", crafted),
                     ["header", "economy_table", "sick_leave_by_unit", "scorecard"])
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_index_escapes_titles(tmp_path, crafted):
    from regionanalytics import load_region

    reports = [ReportResult("division-x", f"Division {XSS}", "failed", error=XSS)]
    write_index(tmp_path, Period.parse("2021-T1"), crafted, reports, key_metrics(load_region(crafted), "2021-T1"))
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert XSS not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "..", "/", "Ålands <b>"])
def test_division_name_cannot_write_outside_the_output_folder(tmp_path, name):
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9-]+", slug)
    target = (tmp_path / f"division-{slug}.html").resolve()
    assert target.parent == tmp_path.resolve()
    specs = plan_reports("2021-T1", tmp_path, [name], [name])
    assert all("/" not in s.slug and "\\" not in s.slug and ".." not in s.slug for s in specs)


@pytest.mark.parametrize("params", [{"password": "x"}, {"api_token": "abc"},
                                    {"data_dir": "postgresql://u:p@host/db"},
                                    {"data_dir": "https://x.se/d?token=1"},
                                    {"data_dir": "AKIAABCDEFGHIJKLMNOP"}])
def test_credential_like_parameters_are_refused(params):
    with pytest.raises(ParameterError, match="environment"):
        check_parameters(params)


def test_ordinary_parameters_pass():
    check_parameters({"period": "2021-T1", "division": "Närsjukvård Luleå-Boden", "data_dir": "/data/region"})
