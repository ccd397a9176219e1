"""Across tertials: a figure published per april and the same group's figure per augusti
must not give away the months between (the attacker's test across two batches).

The reports of successive tertials of a year, and changes.csv beside them, publish
cumulative sick-leave rates: T1 is January–April, T2 January–August. From a group's
shown T1 and T2 rates (in sick hours, with the scheduled hours known) its May–August
rate follows: ``S(May–Aug) = S(T2) − S(T1)``. Where the group's May–August staff is ten
or fewer, that is a small group's figure. The data set is written here so that every
figure can be worked out by hand (whole months of sick leave as the payroll's sick
hours, 160 scheduled hours a month):

* Vård has one unit, Akut: 12 women and 12 men, all born 1980 (age group 30–49). Four
  of the women (K00–K03) leave at the end of April 2021, so May–August has 8 women.
* Sick months in 2021: women K00 and K04 in January, K01 and K05 in February, K06 in
  March, K07 in April (6 of 48 woman-months), K08 in May and K09 in June (2 of 32);
  men M00 in January, M01 in March, M02 in April (3 of 48), M03 in May and M04 in July
  (2 of 48). In 2020: K10 in March, M05 in June.
* Teknik has one unit, Drift: 12 women and 12 men all year; D00 sick in February 2021,
  D01 in June 2021, D02 in May 2020.

By hand, Akut (and Vård, its only unit):

=============  ==============  ===============  ======================
               T1 (jan–apr)    T2 (jan–aug)     May–August (8 women)
=============  ==============  ===============  ======================
women          6/48 = 12,5 %   8/80 = 10,0 %    2/32 = 6,25 %
men            3/48 = 6,25 %   5/96 = 5,208 %   2/48 = 4,167 %
total          9/96 = 9,375 %  13/176 = 7,386 %  4/80 = 5,0 %
=============  ==============  ===============  ======================

Without protection across tertials the T2 women's rate (12 women over the period) is
shown, and ``(10 % × 80 − 12,5 % × 48) / 32 = 6,25 %`` is the 8 women's May–August rate.
The model must hide the T2 women's figure (reason *protects*: it would let a smaller
group's figure be worked out), and then the men's (women = total − men), while T1's
published figures stay as they were.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

WOMEN = [f"K{i:02d}" for i in range(12)]
MEN = [f"M{i:02d}" for i in range(12)]
DRIFT = [f"D{i:02d}" for i in range(24)]
LEAVERS = set(WOMEN[:4])  # employed until April 2021
SICK = {("K00", "2021-01"), ("K04", "2021-01"), ("K01", "2021-02"), ("K05", "2021-02"), ("K06", "2021-03"),
        ("K07", "2021-04"), ("K08", "2021-05"), ("K09", "2021-06"),
        ("M00", "2021-01"), ("M01", "2021-03"), ("M02", "2021-04"), ("M03", "2021-05"), ("M04", "2021-07"),
        ("K10", "2020-03"), ("M05", "2020-06"),
        ("D00", "2021-02"), ("D01", "2021-06"), ("D02", "2020-05")}
MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]


def write_two_tertials(folder: Path, last_month: str = "2021-08") -> Path:
    """The region as semicolon CSV exports with actuals and staff to ``last_month``."""
    folder.mkdir(parents=True, exist_ok=True)
    fin = ["month;division;unit;account;actual;budget"]
    for month in MONTHS:
        for division, unit in (("Vård", "Akut"), ("Teknik", "Drift")):
            fin.append(f"{month};{division};{unit};Konto;{-100 if month <= last_month else ''};-100")
    (folder / "finance.csv").write_text("\n".join(fin) + "\n", encoding="utf-8")
    emp = ["month;person_id;division;unit;employment;gender;birth_year;employment_rate;scheduled_hours;"
           "worked_hours;sick_hours"]
    for month in [m for m in MONTHS if m <= last_month]:
        for pid in WOMEN + MEN + DRIFT:
            if pid in LEAVERS and month > "2021-04":
                continue
            division, unit = ("Teknik", "Drift") if pid[0] == "D" else ("Vård", "Akut")
            gender = "M" if pid[0] == "M" or (pid[0] == "D" and int(pid[1:]) % 2) else "K"
            sick = 160 if (pid, month) in SICK else 0
            emp.append(f"{month};{pid};{division};{unit};tillsvidare;{gender};1980;1;160;{160 - sick};{sick}")
    (folder / "employees.csv").write_text("\n".join(emp) + "\n", encoding="utf-8")
    return folder


def _figure(model, level, division, dimension, key="", year="current", unit=""):
    row = model[(model["year"] == year) & (model["level"] == level) & (model["division"] == division)
                & (model["unit"] == unit) & (model["dimension"] == dimension) & (model["key"] == key)]
    assert len(row) == 1, (level, division, unit, dimension, key, year)
    return row.iloc[0]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    from regionanalytics import load_region

    return load_region(write_two_tertials(tmp_path_factory.mktemp("tertials") / "data"))


def test_the_hand_worked_figures_of_both_tertials(region):
    """The data gives the figures worked out above (the model's inputs are right)."""
    from regionanalytics.metrics import shown_sick_leave

    t1 = shown_sick_leave.figures(region.employees, region.absence, "2021-T1")
    women = _figure(t1, "unit", "Vård", "gender", "K", unit="Akut")
    assert women["persons"] == 12 and women["sick_leave_pct"] == pytest.approx(12.5)
    assert _figure(t1, "unit", "Vård", "gender", "M", unit="Akut")["sick_leave_pct"] == pytest.approx(6.25)
    assert _figure(t1, "unit", "Vård", "total", unit="Akut")["sick_leave_pct"] == pytest.approx(9.375)
    assert _figure(t1, "division", "Vård", "gender", "K")["sick_leave_pct"] == pytest.approx(12.5)
    # last year's T1 women: K10's March of 48 woman-months
    assert _figure(t1, "unit", "Vård", "gender", "K", year="previous", unit="Akut")["sick_leave_pct"] \
        == pytest.approx(100 / 48)
    t2 = shown_sick_leave.figures(region.employees, region.absence, "2021-T2")
    total = _figure(t2, "unit", "Vård", "total", unit="Akut")
    assert total["persons"] == 24 and total["sick_leave_pct"] == pytest.approx(100 * 13 / 176)
    assert _figure(t2, "unit", "Vård", "gender", "K", unit="Akut")["persons"] == 12
    may = _figure(t2, "unit", "Vård", "month", "2021-05", unit="Akut")
    assert may["persons"] == 20 and may["sick_leave_pct"] == pytest.approx(100 * 2 / 20)


def test_a_later_tertial_hides_what_would_give_away_the_months_since_the_earlier(region):
    from regionanalytics.labels import PROTECTS_REASON
    from regionanalytics.metrics import shown_sick_leave
    from regionanalytics.report.views import suppressed_note

    t2 = shown_sick_leave.figures(region.employees, region.absence, "2021-T2")
    for level, unit in (("unit", "Akut"), ("division", "")):
        women = _figure(t2, level, "Vård", "gender", "K", unit=unit)
        # 12 women over January–August, but 8 since April: hidden to protect the 8
        assert women["persons"] == 12 and women["hidden"] and women["reason"] == "protects", women.to_dict()
        assert np.isnan(women["sick_leave_pct"])
        # and the men's, else the women's T2 figure is the total less the men's
        men = _figure(t2, level, "Vård", "gender", "M", unit=unit)
        assert men["reason"] == "protects"
        total = _figure(t2, level, "Vård", "total", unit=unit)
        assert not total["hidden"] and total["sick_leave_pct"] == pytest.approx(100 * 13 / 176)
        assert not _figure(t2, level, "Vård", "age_group", "30_49", unit=unit)["hidden"]
        # last year's January–August had the same 12 women all through: shown
        assert not _figure(t2, level, "Vård", "gender", "K", year="previous", unit=unit)["hidden"]
    # the reason sentence is the protecting one, not "ten or fewer" (12 women is not a small group)
    note = suppressed_note(pd.Series(["protects"]), pd.Series([""]))
    assert PROTECTS_REASON in str(note) and "10 eller färre" not in str(note)
    # Teknik's women are 12 in every month: nothing of theirs is hidden
    assert not t2[(t2["division"] == "Teknik") & (t2["year"] == "current")]["hidden"].any()
    # and on the old model's decision, the 8 women's rate would follow (the figures by hand)
    s1, h1 = 0.125 * 48 * 160, 48 * 160
    s2, h2 = 0.10 * 80 * 160, 80 * 160
    assert 100 * (s2 - s1) / (h2 - h1) == pytest.approx(6.25)


def test_an_earlier_tertials_figures_never_change_with_later_data(region, tmp_path):
    """T1 decided from data to April and from data to August: the same figures, the same
    decision (T2's data, where the 8 women are, changes nothing of T1)."""
    from regionanalytics import load_region
    from regionanalytics.metrics import shown_sick_leave

    april = load_region(write_two_tertials(tmp_path / "april", last_month="2021-04"))
    cols = ["year", "level", "division", "unit", "dimension", "key", "persons", "sick_leave_pct", "reason"]
    then = shown_sick_leave.figures(april.employees, april.absence, "2021-T1")[cols]
    now = shown_sick_leave.figures(region.employees, region.absence, "2021-T1")[cols]
    pd.testing.assert_frame_equal(then.reset_index(drop=True), now.reset_index(drop=True))
    assert not then[then["year"] == "current"]["hidden"].any() if "hidden" in then else True
    assert _figure(now, "unit", "Vård", "gender", "K", unit="Akut")["reason"] == ""


def test_changes_csv_of_the_later_tertial_shows_no_figure_the_model_hid(region):
    """changes.csv's sick-leave rows come from the summary, which reads the model: the T2
    value of Vård's women is not in the key metrics; its T1 value is the published one."""
    from regionanalytics.summary import changes, key_metrics

    t1, t2 = key_metrics(region, "2021-T1"), key_metrics(region, "2021-T2")
    rows = changes(t2, t1, "computed for 2021-T1")
    vard = rows[(rows["division"] == "Vård") & (rows["metric"] == "sick_leave_pct")].iloc[0]
    assert vard["value"] == pytest.approx(100 * 13 / 176) and vard["previous_tertial"] == pytest.approx(9.375)
