import pytest

from regionanalytics.metrics import headcount, worked_hours

from .conftest import employees_frame


@pytest.fixture
def staff():
    rows = []
    # Dec 2020 in A: P1, P2 tillsvidare, P3 visstid, H1 timavlönad; P4 in B
    for p, form in (("P1", "tillsvidare"), ("P2", "tillsvidare"), ("P3", "visstid"), ("H1", "timavlönad")):
        rows.append(("2020-12", p, "A", "a", form, "K", 1980, 160, 150))
    rows.append(("2020-12", "P4", "B", "b", "tillsvidare", "M", 1970, 160, 150))
    # Apr 2021: P1 stays, P2 and P3 have left, P5 joined A as tillsvidare, P4 moved from B to A
    for p, form in (("P1", "tillsvidare"), ("P5", "tillsvidare"), ("P4", "tillsvidare"),
                    ("H1", "timavlönad")):
        rows.append(("2021-04", p, "A", "a", form, "K", 1980, 160, 164))
    # Apr 2020 (same month last year): P1, P2 in A
    for p in ("P1", "P2"):
        rows.append(("2020-04", p, "A", "a", "tillsvidare", "K", 1980, 160, 100))
    return employees_frame(rows)


def test_headcount_and_change_since_turn_of_year(staff):
    df = headcount(staff, "2021-T1").set_index("division")
    # A: Dec 3 monthly paid (P1, P2, P3) -> Apr 3 (P1, P5, P4); hourly paid not counted
    assert df.loc["A", "headcount"] == 3 and df.loc["A", "headcount_start"] == 3
    assert df.loc["A", "headcount_change"] == 0
    assert df.loc["A", "headcount_prev_year"] == 2
    # B: Dec 1 -> Apr 0
    assert df.loc["B", "headcount"] == 0 and df.loc["B", "headcount_change"] == -1
    assert df.loc["B", "headcount_change_pct"] == pytest.approx(-100.0)


def test_headcount_by_employment_form(staff):
    df = headcount(staff, "2021-T1", by=["division", "employment"]).set_index(["division", "employment"])
    assert df.loc[("A", "tillsvidare"), "headcount_change"] == 1   # 2 -> 3
    assert df.loc[("A", "visstid"), "headcount_change"] == -1      # 1 -> 0
    region = headcount(staff, "2021-T1", by=[])
    assert region.loc[0, "headcount"] == 3 and region.loc[0, "headcount_start"] == 4


def test_worked_hours_and_fte(staff):
    df = worked_hours(staff, "2021-T1", by=[])
    # Apr 2021: 4 rows × 164 h = 656 h (hourly paid included); Jan–Apr 2021 has 82 working days = 656 h
    assert df.loc[0, "worked_hours"] == 656
    assert df.loc[0, "worked_fte"] == pytest.approx(1.0)
    # Jan–Apr 2020: 2 × 100 h; 2020 Jan–Apr working days: 21 + 20 + 22 + 20 = 83 -> 664 h
    assert df.loc[0, "worked_hours_prev_year"] == 200
    assert df.loc[0, "worked_fte_prev_year"] == pytest.approx(200 / 664)
    assert df.loc[0, "worked_hours_change_pct"] == pytest.approx(228.0)


def test_fte_by_month_uses_each_months_working_days(staff):
    df = worked_hours(staff, "2021-T1", by=["month"]).set_index("month")
    # April 2021: 656 h over 20 working days × 8 h = 160 h -> 4.1 årsarbetare
    assert df.loc["2021-04", "worked_fte"] == pytest.approx(656 / 160)
    # April 2020 (shown against April 2021): 200 h over 20 × 8 h
    assert df.loc["2021-04", "worked_fte_prev_year"] == pytest.approx(200 / 160)
