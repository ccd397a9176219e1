"""Table and cross-table checks: each kind of bad input is found and located."""
import shutil

import pandas as pd
import pytest

from regionanalytics.data import load_region, validate
from regionanalytics.exceptions import DataValidationError

from .conftest import SAMPLE

SMALL = {
    "finance.csv": "month;division;unit;account;actual;budget\n" + "".join(
        f"2021-{m:02d};Service;Kost;Konto;{'-10' if m <= 2 else ''};-10\n" for m in range(1, 13)),
    "employees.csv": (
        "month;person_id;division;unit;employment;gender;birth_year;employment_rate;scheduled_hours;worked_hours\n"
        "2021-01;P1;Service;Kost;tillsvidare;K;1980;1;152;140\n"
        "2021-02;P1;Service;Kost;tillsvidare;K;1980;1;160;150\n"),
    "absence.csv": "person_id;start;end;extent\nP1;2021-01-04;2021-01-05;1\n",
}


def write(folder, **changes):
    folder.mkdir(exist_ok=True)
    for name, text in {**SMALL, **changes}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(folder):
    report = validate(folder)
    return [(p.file, p.row, p.column, p.value) for p in report.problems], report


def test_small_valid_folder(tmp_path):
    report = validate(write(tmp_path / "ok"))
    assert report.ok, report.problems
    assert set(report.missing) == {"forecast", "production", "goals", "action_plans", "accounts",
                                   "organisation", "investments", "budget",
                                   "balance", "financial_goals"}


@pytest.mark.parametrize("name,text,where", [
    ("absence.csv", "person_id;start;end;extent\nP1;2021-01-05;2021-01-04;1\n",
     ("absence.csv", 2, "end", "2021-01-04")),
    # a column with a value above 1 is percent: 150 reads as 1.5, above 100 %
    ("absence.csv", "person_id;start;end;extent\nP1;2021-01-04;2021-01-05;150\n",
     ("absence.csv", 2, "extent", "1.5")),
    ("absence.csv", "person_id;start;end;extent\nP9;2021-01-04;2021-01-05;1\n",
     ("absence.csv", 2, "person_id", "P9")),
    ("employees.csv", SMALL["employees.csv"].replace("152;140", "152;-3"),
     ("employees.csv", 2, "worked_hours", "-3.0")),
    ("employees.csv", SMALL["employees.csv"].replace("K;1980;1;160", "K;2030;1;160"),
     ("employees.csv", 3, "birth_year", "2030.0")),
    ("employees.csv", SMALL["employees.csv"] + "2021-02;P1;Service;Kost;tillsvidare;K;1980;1;1;1\n",
     ("employees.csv", 4, "month+person_id+division+unit+employment", "2021-02, P1, Service, Kost, tillsvidare")),
    ("employees.csv", SMALL["employees.csv"].replace("2021-02;P1;Service", "2021-02;P1;Servise"),
     ("employees.csv", 3, "division", "Servise")),
])
def test_bad_rows_are_located(tmp_path, name, text, where):
    found, _ = problems_of(write(tmp_path / "bad", **{name: text}))
    assert where in found, found


def test_month_gap_and_open_month_inside_closed_ones(tmp_path):
    lines = SMALL["finance.csv"].splitlines(keepends=True)
    gap = "".join(l for l in lines if not l.startswith("2021-05"))
    found, report = problems_of(write(tmp_path / "gap", **{"finance.csv": gap}))
    assert any("2021-05" in p.expected and p.column == "month" for p in report.problems)
    hole = SMALL["finance.csv"].replace("2021-01;Service;Kost;Konto;-10", "2021-01;Service;Kost;Konto;")
    _, report = problems_of(write(tmp_path / "hole", **{"finance.csv": hole}))
    assert any(p.column == "actual" and "2021-01" in p.expected for p in report.problems)


def test_overlapping_spells_over_full_time(tmp_path):
    text = "person_id;start;end;extent\nP1;2021-01-04;2021-01-08;1\nP1;2021-01-06;2021-01-07;0,5\n"
    found, _ = problems_of(write(tmp_path / "overlap", **{"absence.csv": text}))
    assert ("absence.csv", 3, "extent", "0.5") in found
    ok = "person_id;start;end;extent\nP1;2021-01-04;2021-01-08;0,5\nP1;2021-01-06;2021-01-07;0,5\n"
    assert validate(write(tmp_path / "partial", **{"absence.csv": ok})).ok


def test_load_region_raises_with_every_problem_and_leaves_files(tmp_path):
    folder = write(tmp_path / "bad", **{
        "absence.csv": "person_id;start;end;extent\nP1;2021-01-05;2021-01-04;200\n"})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(DataValidationError) as exc:
        load_region(folder)
    assert len(exc.value.problems) == 2
    assert "absence.csv, row 2, column 'end'" in str(exc.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_missing_required_table(tmp_path):
    folder = write(tmp_path / "nofin")
    (folder / "finance.csv").unlink()
    report = validate(folder)
    assert any("'finance' table" in p.expected for p in report.problems)
