"""Property tests: parts add up to totals at every level (hypothesis-generated data)."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionanalytics import metrics
from regionanalytics.periods import month_span

MONTHS = month_span("2020-01", "2021-12")
DIVS = {"A": ["a1", "a2"], "B": ["b1"], "C": ["c1", "c2", "c3"]}
UNITS = [(d, u) for d, us in DIVS.items() for u in us]

amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 1))


@st.composite
def finance_tables(draw):
    """Hypothesis picks a few amounts and a seed; the seed spreads them over the grid."""
    pool = draw(st.lists(amounts, min_size=1, max_size=8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for d, u in UNITS:
        for account in ("K1", "K2"):
            for m in MONTHS:
                rows.append((m, d, u, account, rng.choice(pool), rng.choice(pool)))
    return pd.DataFrame(rows, columns=["month", "division", "unit", "account", "actual", "budget"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(finance_tables(), st.sampled_from(["2021-T1", "2021-T2", "2021", "2021-07"]))
def test_budget_deviation_adds_up(finance, period):
    cols = ["result", "budget", "budget_deviation", "result_prev_year", "change"]
    units = metrics.budget_deviation(finance, period, by=["division", "unit"])
    divisions = metrics.budget_deviation(finance, period, by=["division"])
    region = metrics.budget_deviation(finance, period, by=[])
    np.testing.assert_allclose(units.groupby("division")[cols].sum().loc[divisions["division"]].to_numpy(),
                               divisions[cols].to_numpy(), rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(divisions[cols].sum().to_numpy(), region.loc[0, cols].to_numpy(dtype=float),
                               rtol=1e-9, atol=1e-3)


@st.composite
def staff_and_spells(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    rows, spells = [], []
    for i in range(n):
        d, u = draw(st.sampled_from(UNITS))
        form = draw(st.sampled_from(["tillsvidare", "visstid", "timavlönad"]))
        gender = draw(st.sampled_from(["K", "M"]))
        birth = draw(st.integers(min_value=1955, max_value=2000))
        for m in month_span("2020-11", "2021-04"):
            rows.append((m, f"P{i}", d, u, form, gender, birth, 1.0, 160.0, 150.0))
        start = pd.Timestamp("2020-11-01") + pd.Timedelta(days=draw(st.integers(0, 170)))
        length = draw(st.integers(1, 120))
        spells.append((f"P{i}", start, start + pd.Timedelta(days=length - 1),
                       draw(st.sampled_from([0.25, 0.5, 1.0]))))
    emp = pd.DataFrame(rows, columns=["month", "person_id", "division", "unit", "employment", "gender",
                                      "birth_year", "employment_rate", "scheduled_hours", "worked_hours"])
    return emp, pd.DataFrame(spells, columns=["person_id", "start", "end", "extent"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staff_and_spells())
def test_sick_hours_add_up(data):
    emp, spells = data
    cols = ["scheduled_hours", "sick_hours", "long_term_hours"]
    units = metrics.sick_leave(emp, spells, "2021-T1", by=["division", "unit"], suppress_small=False)
    region = metrics.sick_leave(emp, spells, "2021-T1", by=[], suppress_small=False)
    genders = metrics.sick_leave(emp, spells, "2021-T1", by=["gender"], suppress_small=False)
    for parts in (units, genders):
        np.testing.assert_allclose(parts[cols].fillna(0).sum().to_numpy(),
                                   region.loc[0, cols].fillna(0).to_numpy(dtype=float), rtol=1e-9, atol=1e-6)
    # a rate is never above 100 % nor below 0, long-term hours never exceed sick hours
    assert ((region["sick_leave_pct"].fillna(0) >= 0) & (region["sick_leave_pct"].fillna(0) <= 100)).all()
    assert (units["long_term_hours"].fillna(0) <= units["sick_hours"].fillna(0) + 1e-9).all()


@settings(max_examples=25, deadline=None)
@given(staff_and_spells())
def test_headcount_adds_up(data):
    emp, _ = data
    forms = metrics.headcount(emp, "2021-T1", by=["employment"])
    region = metrics.headcount(emp, "2021-T1", by=[])
    assert forms["headcount"].sum() == region.loc[0, "headcount"]
    assert forms["headcount_change"].sum() == region.loc[0, "headcount_change"]


@st.composite
def spell_tables(draw):
    """Spells of a few persons, drawn as (person, first day offset, length) in a short window
    so that overlaps, touching spells and gaps of one day all occur."""
    rows = draw(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]), st.integers(0, 120),
                                   st.integers(1, 40)), min_size=1, max_size=25))
    base = pd.Timestamp("2020-12-01")
    return pd.DataFrame({"person_id": [p for p, _, _ in rows],
                         "start": [base + pd.Timedelta(days=o) for _, o, _ in rows],
                         "end": [base + pd.Timedelta(days=o + n - 1) for _, o, n in rows],
                         "extent": 1.0})


@settings(max_examples=100, deadline=None)
@given(spell_tables())
def test_episode_length_is_the_run_of_sick_days_around_a_spell(spells):
    """Independent route: mark every sick calendar day of a person, then walk out from a
    spell's days: over sick days, and over a run of days off (weekend, public holiday,
    the days semesterlagen treats as holidays) when a sick day lies beyond it; the run
    from the first to the last sick day reached is its episode."""
    import holidays

    from regionanalytics.metrics.sick_leave import merge_spells

    off_days = set(holidays.Sweden(years=[2020, 2021], include_sundays=False,
                                   categories=("public", "de_facto")))
    one = pd.Timedelta(days=1)

    def day_off(day):
        return day.weekday() >= 5 or day.date() in off_days

    def walk(day, step, sick):
        while True:
            probe = day + step
            while probe not in sick and day_off(probe):
                probe += step
            if probe not in sick:
                return day
            day = probe

    merged = merge_spells(spells)
    assert len(merged) == len(spells)
    for _, row in merged.iterrows():
        own = spells[spells["person_id"] == row["person_id"]]
        sick = set()
        for s, e in zip(own["start"], own["end"]):
            sick.update(pd.date_range(s, e, freq="D"))
        first, last = walk(row["start"], -one, sick), walk(row["end"], one, sick)
        assert row["episode_days"] == (last - first).days + 1
