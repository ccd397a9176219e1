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

pytestmark = pytest.mark.xdist_group("disclosure-tertials")  # its module fixtures are made once, on one worker

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


# ---------------------------------------------------------------- the attacker over two batches

UNITS = {"Vård": ["Akut"], "Teknik": ["Drift"]}
_AGE = "30–49 år"  # everyone is born 1980


def _person_months(year: int, last: int):
    """(person, division, unit, gender, month, sick) of ``year``'s months to ``last``, from the
    definitions above (not from the package)."""
    for m in range(1, last + 1):
        month = f"{year}-{m:02d}"
        for pid in WOMEN + MEN + DRIFT:
            if pid in LEAVERS and month > "2021-04":
                continue
            division, unit = ("Teknik", "Drift") if pid[0] == "D" else ("Vård", "Akut")
            gender = "M" if pid[0] == "M" or (pid[0] == "D" and int(pid[1:]) % 2) else "K"
            yield pid, division, unit, gender, month, (pid, month) in SICK


def _truth():
    """Every cell the attacker reasons about, with its scheduled and sick hours and persons:
    ``T1:current``/``T1:previous`` (January–April), ``T2:…`` (January–August), ``P:…`` (the
    May–August part), and ``M:…`` for the months (one figure, whichever report shows it)."""
    rows = []
    spans = {"T1": (1, 4), "T2": (1, 8), "P": (5, 8)}
    for year, label in ((2021, "current"), (2020, "previous")):
        pm = pd.DataFrame(list(_person_months(year, 8)),
                          columns=["person", "division", "unit", "gender", "month", "sick"])
        pm["m"] = pm["month"].str[5:].astype(int)
        for tag, (first, last) in [*spans.items(), ("M", (1, 8))]:
            part = pm[(pm["m"] >= first) & (pm["m"] <= last)]
            for level in ([], ["division"], ["division", "unit"]):
                for dim in (["month"] if tag == "M" else ["total", "gender", "age"]):
                    by = level + ({"month": ["month"], "gender": ["gender"]}.get(dim, []))
                    groups = part.groupby(by) if by else [((), part)]
                    for key, g in groups:
                        key = key if isinstance(key, tuple) else (key,)
                        rec = dict(zip(by, key))
                        value = {"total": "", "age": _AGE}.get(dim, rec.get(dim, ""))
                        rows.append(dict(year=f"{tag}:{label}", division=rec.get("division", ""),
                                         unit=rec.get("unit", ""), dim=dim, value=value, H=160.0 * len(g),
                                         S=160.0 * g["sick"].sum(), persons=g["person"].nunique()))
    out = pd.DataFrame(rows)
    out["rate"] = 100 * out["S"] / out["H"]
    return out.set_index(["year", "division", "unit", "dim", "value"])


def _bound(cells):
    """The relations between the cells, in sick hours: a tertial's figure is its months';
    its genders' and its age groups'; a division's its units', the region's its divisions';
    and T2 = T1 + the May–August part, whose total is its months."""
    spans = {"T1": (1, 4), "T2": (1, 8), "P": (5, 8)}
    index = set(cells.index)
    out, children = [], {}
    for cell in sorted(index):
        year, division, unit, dim, value = cell
        tag, label = year.split(":")
        if dim == "total" and tag != "M":
            first, last = spans[tag]
            out.append((cell, [c for c in index if c[0] == f"M:{label}" and c[1:3] == (division, unit)
                               and first <= int(c[4][5:]) <= last]))
            for parts_dim in ("gender", "age"):
                out.append((cell, [c for c in index if c[0] == year and c[1:3] == (division, unit)
                                   and c[3] == parts_dim]))
        if tag == "T2":
            out.append((cell, [(f"T1:{label}", *cell[1:]), (f"P:{label}", *cell[1:])]))
        if unit or division:
            parent = (year, division, "", dim, value) if unit else (year, "", "", dim, value)
            children.setdefault(parent, []).append(cell)
    out += [(parent, kids) for parent, kids in children.items() if parent in index]
    assert all(p in index for _, parts in out for p in parts)
    return out


def _as_tertial(shown, tag):
    """One batch's figures as cells of :func:`_truth` (``tag`` T1 or T2)."""
    from . import attacker

    out = attacker.Shown()
    for (year, division, unit, dim, value), v in shown.values.items():
        out.values[(f"M:{year}" if dim == "month" else f"{tag}:{year}", division, unit, dim, value)] = v
        out.where[(f"M:{year}" if dim == "month" else f"{tag}:{year}", division, unit, dim, value)] = \
            shown.where[(year, division, unit, dim, value)]
    for cell in shown.hidden:
        if len(cell) == 4:  # a change marked hidden
            out.hidden.add((tag, *cell))
            continue
        year, division, unit, dim, value = cell
        out.hidden.add((f"M:{year}" if dim == "month" else f"{tag}:{year}", division, unit, dim, value))
    for key, pp in shown.changes.items():
        out.changes[(tag, *key)] = pp
    return out


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory):
    from regionanalytics.runner import run_batch, slugify

    from . import attacker

    folder = write_two_tertials(tmp_path_factory.mktemp("two-tertials") / "data")
    out = tmp_path_factory.mktemp("two-tertials-out")
    # one folder, T1 first: T2's changes.csv reads T1's published summary.csv
    results = [run_batch(p, folder, out, jobs=2, progress=False, units=True) for p in ("2021-T1", "2021-T2")]
    slugs = {"region": ("", "")}
    for division, units in UNITS.items():
        slugs[f"division-{slugify(division)}"] = (division, "")
        for unit in units:
            slugs[f"unit-{slugify(division)}--{slugify(unit)}"] = (division, unit)
    shown = attacker.Shown()
    for tag, label in (("T1", "2021-T1"), ("T2", "2021-T2")):
        part = _as_tertial(attacker.read_outputs(out / label, slugs), tag)
        for store in ("values", "changes", "where"):
            getattr(shown, store).update(getattr(part, store))
        shown.hidden |= part.hidden
    # changes.csv of T2 puts T1's published figures beside T2's
    earlier = attacker.Shown()
    earlier.read_metric_rows(pd.read_csv(out / "2021-T2" / "changes.csv"), "changes.csv", value="previous_tertial")
    for cell, v in _as_tertial(earlier, "T1").values.items():
        shown.add(cell, v, "2021-T2/changes.csv")
    return results, out, shown


@pytest.mark.slow
def test_no_figure_of_the_months_since_the_earlier_tertial_can_be_worked_out(two_batches):
    from . import attacker

    results, out, shown = two_batches
    assert all(r.ok for r in results), [r.error for b in results for r in b.reports if r.status != "ok"]
    cells = _truth()
    by_hand = cells.loc[("P:current", "Vård", "Akut", "gender", "K")]
    assert by_hand["persons"] == 8 and by_hand["rate"] == pytest.approx(6.25)
    # the attacker read both batches: T1's women from its pages, T2's total from changes.csv and pages
    assert shown.values[("T1:current", "Vård", "Akut", "gender", "K")] == pytest.approx(12.5, abs=0.05)
    assert ("T2:current", "Vård", "Akut", "gender", "K") not in shown.values
    assert ("T2:current", "Vård", "Akut", "gender", "K") in shown.hidden        # marked ** on the page
    assert shown.values[("T2:current", "Vård", "", "total", "")] == pytest.approx(100 * 13 / 176, abs=1e-4)
    assert shown.values[("T1:current", "Vård", "", "total", "")] == pytest.approx(9.375, abs=1e-4)
    assert "changes.csv" in " ".join(shown.where.values())
    leaked = [c for c in shown.values if c in cells.index and cells.loc[c, "persons"] <= 10]
    assert not leaked, leaked
    small = [c for c in cells.index if cells.loc[c, "persons"] <= 10]
    targets = sorted(set(small) | {c for c in shown.hidden if c in cells.index})
    assert ("P:current", "Vård", "Akut", "gender", "K") in targets
    change_cells = lambda key: ((f"{key[0]}:current", *key[1:]), (f"{key[0]}:previous", *key[1:]))  # noqa: E731
    bound = _bound(cells)
    found = attacker.attack(cells, shown, targets, bound=bound, change_cells=change_cells)
    recovered = found[found["recovered"]]
    assert recovered.empty, recovered[["cell", "persons", "true", "estimate", "interval_pp"]].to_string()
    # the attack would have worked on what the reports showed before: T2's women's figure shown
    before = attacker.Shown()
    before.values = {**shown.values, ("T2:current", "Vård", "Akut", "gender", "K"): 10.0}
    again = attacker.attack(cells, before, [("P:current", "Vård", "Akut", "gender", "K")], bound=bound,
                            change_cells=change_cells)
    # (least squares over every figure, some rounded to one decimal on the pages: 6,27)
    assert again["recovered"].all() and again["estimate"].iloc[0] == pytest.approx(6.25, abs=0.05)


def test_a_period_whose_data_begins_after_the_earlier_tertial(region):
    """No person-months before May 2021 (nor last year): the earlier tertial published
    nothing, so only the period's own groups decide; the 8 women are a small group."""
    from regionanalytics.metrics import shown_sick_leave

    employees = region.employees[region.employees["month"] >= "2021-05"]
    year = shown_sick_leave.figures(employees, region.absence, "2021-T3")
    women = _figure(year, "unit", "Vård", "gender", "K", unit="Akut")
    assert women["persons"] == 8 and women["reason"] == "small"
    assert _figure(year, "unit", "Vård", "gender", "M", unit="Akut")["reason"] == "protects"
    assert shown_sick_leave.figures(employees, region.absence, "2021-T1").empty
