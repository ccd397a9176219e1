import pytest

from regionanalytics.exceptions import PeriodError
from regionanalytics.periods import Period, month_span


@pytest.mark.parametrize("text,last,label,sv", [
    ("2021-T1", 4, "2021-T1", "per april 2021"),
    ("2021-T2", 8, "2021-T2", "per augusti 2021"),
    ("2021-T3", 12, "2021-T3", "per den 31 december 2021"),
    ("2021", 12, "2021-T3", "per den 31 december 2021"),
    ("2021-12", 12, "2021-T3", "per den 31 december 2021"),  # the same span: the same period
    ("2021-04", 4, "2021-T1", "per april 2021"),
    ("2021-05", 5, "2021-05", "per maj 2021"),
])
def test_parse(text, last, label, sv):
    p = Period.parse(text)
    assert p.last_month == last
    assert p.label == label
    assert p.label_sv == sv
    assert p.months[0] == "2021-01" and len(p.months) == last


def test_previous_year_and_turn_of_year():
    p = Period.parse("2021-T2")
    assert p.previous_year().months == [f"2020-{m:02d}" for m in range(1, 9)]
    assert p.previous_year_end_month == "2020-12"
    assert p.year_months[-1] == "2021-12"


@pytest.mark.parametrize("bad", ["2021-T4", "2021-13", "21-T1", "april", ""])
def test_bad_periods_are_refused(bad):
    with pytest.raises(PeriodError, match="period"):
        Period.parse(bad)


def test_month_span_crosses_year():
    assert month_span("2020-11", "2021-02") == ["2020-11", "2020-12", "2021-01", "2021-02"]


def test_december_and_t3_are_the_same_period():
    assert Period.parse("2021-12") == Period.parse("2021-T3") == Period.parse("2021")
