"""Nothing person-level leaks, small groups stay hidden, text from the data is escaped."""
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionanalytics import report
from regionanalytics.runner.index import write_index
from regionanalytics.periods import Period
from regionanalytics.runner.planning import refuse_credentials
from regionanalytics.runner import ReportResult, plan_reports, slugify
from regionanalytics.exceptions import ParameterError
from regionanalytics.summary import REGION_ROW, key_metrics

from .conftest import SAMPLE, write_two_divisions

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
    # and one more, so it cannot be subtracted out: marked as hidden for that reason
    assert sum(cells == ["**"] * 4 for cells in rows.values()) == 1
    assert "** Uppgiften visas inte: den döljs för att en mindre grupps uppgift inte ska kunna räknas fram" in \
        table.find_next("p").text


# ---------------------------------------------------------------- a crafted region

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Service (30 persons, 8 of them in a unit named like a script) and Revision (6 persons)."""
    folder = write_two_divisions(tmp_path_factory.mktemp("crafted"), [("Kostservice", 22), (XSS, 8)])
    (folder / "absence.csv").write_text(
        "person_id;start;end;extent\nS001;2021-02-01;2021-02-10;1\nR001;2021-03-01;2021-03-05;1\n"
        "S025;2021-01-11;2021-01-15;1\nS002;2020-02-03;2020-02-07;1\n", encoding="utf-8")
    (folder / "goals.csv").write_text(
        "period;division;perspective;goal;indicator;target;outcome;higher_is_better;assessment\n"
        f"2021-T1;Service;medarbetare;{XSS};Sjukfrånvaro;5;4;nej;\n", encoding="utf-8")
    return folder


def _shown(monkeypatch, make, methods):
    """What the report methods show: their HTML joined, and the charts' figures."""
    from regionanalytics import views

    r = make()
    shown = [getattr(r, method)() for method in methods]
    html = "".join(o._repr_html_() for o in shown if hasattr(o, "_repr_html_"))
    figures = [o.figure for o in shown if isinstance(o, views.Chart)]
    return html, figures


def test_small_division_suppressed_in_summary_and_by_subtraction(crafted):
    from regionanalytics import load_region

    rows = key_metrics(load_region(crafted), "2021-T1").set_index(["division", "metric"])["value"]
    assert np.isnan(rows[("Revision", "sick_leave_pct")])
    # Revision could be worked out from the region and Service: Service is hidden as well
    assert np.isnan(rows[("Service", "sick_leave_pct")])
    assert not np.isnan(rows[(REGION_ROW, "sick_leave_pct")])


def test_small_division_report_shows_no_sick_leave_figure(crafted, monkeypatch):
    html, figures = _shown(monkeypatch, lambda: report.DivisionReport.open("2021-T1", "Revision", crafted),
                           ["summary", "sick_leave_table", "sick_leave_by_unit", "sick_leave_chart"])
    assert ("Sjukfrånvaron redovisas inte: den gäller en grupp med 10 eller färre anställda, "
            "och sjukfrånvaro är hälsouppgifter.") in html
    assert "Sjukfrånvaron ligger på" not in html
    assert re.findall(r'<td class="num">([^<]*)</td>', html) and \
        set(re.findall(r'<td class="num">([^<]*)</td>', html)) == {"*"}
    # every month hidden: no empty chart with a legend, the reason instead
    assert not figures
    assert ("Sjukfrånvaron per månad visas inte: den gäller en grupp med 10 eller färre anställda, "
            "och sjukfrånvaro är hälsouppgifter.") in html


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
        refuse_credentials(params)


def test_ordinary_parameters_pass():
    refuse_credentials({"period": "2021-T1", "division": "Närsjukvård Luleå-Boden", "data_dir": "/data/region"})


# --------------------------------------------------------------------------- secondary suppression

def _parts(persons, persons_prev, value, value_prev):
    df = pd.DataFrame({"persons": persons, "persons_prev_year": persons_prev,
                       "sick_leave_pct": value, "sick_leave_pct_prev_year": value_prev})
    df["long_term_sick_share_pct"] = df["long_term_sick_share_pct_prev_year"] = 50.0
    df["suppressed"] = df["persons"] <= 10
    df["suppressed_prev_year"] = df["persons_prev_year"] <= 10
    df.loc[df["suppressed"], "sick_leave_pct"] = np.nan
    df.loc[df["suppressed_prev_year"], "sick_leave_pct_prev_year"] = np.nan
    df["sick_leave_change_pp"] = df["sick_leave_pct"] - df["sick_leave_pct_prev_year"]
    return df


def test_last_years_figures_are_protected_on_last_years_group_sizes():
    from regionanalytics.metrics.sick_leave import RATE_COLUMNS
    from regionanalytics.privacy import protect_both_years

    # unit B had 5 persons last year: its figure then could be subtracted out of the
    # division's, so the smallest other unit of last year (A, 20) is hidden for last year;
    # this year every unit is large and shown. Changes are hidden where either year is.
    parts = _parts([20, 20, 30], [20, 5, 30], [4.0, 5.0, 6.0], [3.0, 4.0, 5.0])
    out = protect_both_years(parts, RATE_COLUMNS)
    assert out["sick_leave_pct"].tolist() == [4.0, 5.0, 6.0]
    assert out["suppressed_prev_year"].tolist() == [True, True, False]
    assert out["sick_leave_pct_prev_year"].isna().tolist() == [True, True, False]
    assert out["sick_leave_change_pp"].isna().tolist() == [True, True, False]


def test_small_parts_that_together_are_ten_or_fewer_take_another_with_them():
    from regionanalytics.privacy import protect_partition

    parts = pd.DataFrame({"persons": [4, 5, 30, 40], "value": [1.0, 2.0, 3.0, 4.0]})
    parts["suppressed"] = parts["persons"] <= 10
    # 4 + 5 = 9 persons: together still a small group, so the smallest shown part (30) goes
    assert protect_partition(parts, ["value"])["suppressed"].tolist() == [True, True, True, False]
    parts = parts.assign(persons=[4, 8, 30, 40])  # 12 persons together: the two are enough
    assert protect_partition(parts, ["value"])["suppressed"].tolist() == [True, True, False, False]


def test_a_figure_that_the_region_minus_other_divisions_would_give_is_protected():
    from regionanalytics.metrics.sick_leave import protect_figures

    # X has 5 women (hidden) and 20 men; Y and Z are large. Within X, men go too (women +
    # men make X's total); across divisions, X's women could be worked out from the
    # region's women minus Y's and Z's, so the smaller of those (Z, 25) goes, and then Z's
    # men with it. Y stays shown.
    rows = []
    for division, women, men in [("X", 5, 20), ("Y", 30, 30), ("Z", 25, 25)]:
        for figure, n in [("total", women + men), ("women", women), ("men", men)]:
            rows.append({"division": division, "figure": figure, "persons": n, "persons_prev_year": n,
                         "value": np.nan if n <= 10 else 5.0, "value_prev_year": np.nan if n <= 10 else 4.0,
                         "suppressed": n <= 10, "suppressed_prev_year": n <= 10})
    df = pd.DataFrame(rows)
    df["change_pp"] = df["value"] - df["value_prev_year"]
    out = protect_figures(df, ["division"], across="division").set_index(["division", "figure"])
    hidden = sorted(i for i, row in out.iterrows() if row["suppressed"])
    assert hidden == [("X", "men"), ("X", "women"), ("Z", "men"), ("Z", "women")]
    assert out.loc[("Y", "women"), "value"] == 5.0 and np.isnan(out.loc[("Z", "men"), "value"])
    assert out.loc[[("X", "men"), ("Z", "women")], "value_prev_year"].isna().all()


def test_a_division_named_division_gets_no_second_prefix(tmp_path):
    titles = [s.title for s in plan_reports("2021-T1", tmp_path, None, ["Division Älvdal", "Service"])]
    assert titles == ["Regiondirektörens rapport", "Regionen", "Division Älvdal", "Division Service"]
