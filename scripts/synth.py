"""A generated region: the sample data set and region-scale benchmark data.

``generate_region(scale=1, calibrate=True)`` builds the sample region of
``data/sample`` (six divisions of Region Norrbotten, about 7 000 employees,
2020-01 to 2021-12) and then calibrates it so that the 2021-T1 reports
reproduce the figures of the regional director's report of June 2021
(``docs/reference-figures.md``). Larger ``scale`` values multiply units and
staff for benchmarks (no calibration).

Everything is drawn from one seeded generator: the same arguments give the
same data, byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regionanalytics.labels import PERSPECTIVES
from regionanalytics.periods import month_span
from regionanalytics.workdays import working_days_per_month

SEED = 20210430



@dataclass(frozen=True)
class DivisionPlan:
    name: str
    units: tuple[str, ...]
    #: monthly-paid staff in December 2020 by form, and hourly paid
    tillsvidare: int
    visstid: int
    timavlonad: int
    #: change January–April 2021 by form
    change_tillsvidare: int
    change_visstid: int
    #: yearly gross cost, mnkr
    cost_mnkr: float
    #: sick-leave level (share of scheduled time) 2020 and 2021
    sick_2020: float
    sick_2021: float
    #: calibration targets for 2021-T1, mnkr (None: leave as drawn)
    result: float
    budget: float
    result_prev: float
    forecast: float
    result_prev_full_year: float | None = None
    action_plan_year: float = 0.0  # savings task, mnkr
    action_plan_pct: float = 60.0
    #: goal roll-up per perspective (uppfyllt / delvis / ej)
    goals: tuple[str, ...] = ("delvis",) * 5


# Targets: docs/reference-figures.md. Result and budget are chosen so that deviation, result and
# the region total (+1 mnkr, 63 better than 2020) come out as printed.
DIVISIONS = (
    DivisionPlan("Närsjukvård Luleå-Boden",
                 ("Hälsocentraler Luleå-Boden", "VO Akut omhändertagande", "VO Medicin Sunderby",
                  "VO Psykiatri Luleå-Boden", "VO Rehabilitering"),
                 1600, 180, 90, -20, 5, 2400, 0.078, 0.090,
                 result=-10.2, budget=-3.2, result_prev=-25.0, forecast=-49.0,
                 action_plan_year=96.0, action_plan_pct=55.0,
                 goals=("ej", "delvis", "ej", "delvis", "uppfyllt")),
    DivisionPlan("Närsjukvård övriga länet",
                 ("Hälsocentraler övriga länet", "VO Närsjukvård Kiruna", "VO Närsjukvård Gällivare",
                  "VO Närsjukvård Piteå", "VO Närsjukvård Kalix", "Smittspårning och vaccination"),
                 1250, 160, 80, -15, 40, 1900, 0.076, 0.086,
                 result=5.5, budget=3.5, result_prev=-12.0, forecast=-40.0,
                 action_plan_year=37.0, action_plan_pct=70.0,
                 goals=("ej", "delvis", "ej", "delvis", "uppfyllt")),
    DivisionPlan("Länssjukvård",
                 ("VO Lab", "VO Kirurgi", "VO Ortopedi", "VO Kvinnosjukvård", "VO Barn och ungdom",
                  "VO Bild- och funktionsmedicin", "VO Anestesi, operation och intensivvård"),
                 2050, 220, 100, -10, 15, 3500, 0.066, 0.079,
                 result=15.0, budget=10.0, result_prev=-20.0, forecast=-7.5,
                 goals=("ej", "ej", "ej", "delvis", "delvis")),
    DivisionPlan("Folktandvård",
                 ("Allmäntandvård norra länet", "Allmäntandvård södra länet", "Specialisttandvård"),
                 400, 40, 15, -3, 0, 450, 0.062, 0.068,
                 result=-11.0, budget=-5.0, result_prev=-8.0, forecast=-22.0,
                 result_prev_full_year=-30.0, action_plan_year=12.0, action_plan_pct=40.0,
                 goals=("delvis", "delvis", "ej", "ej", "delvis")),
    DivisionPlan("Service",
                 ("Kostservice", "Lokalservice", "Bemanningsenheten", "Patienthotell", "Fastigheter",
                  "Regionservice", "Divisionsledning Service"),
                 640, 90, 40, -17, -8, 1100, 0.048, 0.046,
                 result=0.7, budget=-11.9, result_prev=0.7, forecast=-1.0,
                 action_plan_year=18.0, action_plan_pct=146.0,
                 goals=("uppfyllt", "ej", "uppfyllt", "uppfyllt", "delvis")),
    DivisionPlan("Länsteknik",
                 ("Medicinsk teknik", "IT-drift", "Fastighetsteknik"),
                 127, 10, 3, -5, -1, 250, 0.063, 0.053,
                 result=1.0, budget=-2.0, result_prev=2.3, forecast=8.0,
                 goals=("uppfyllt", "uppfyllt", "uppfyllt", "uppfyllt", "delvis")),
)

#: Exact sick-leave targets (percent, one decimal) for 2021-T1 and 2020-T1.
SICK_LEAVE_TARGETS = {"Länsteknik": {"2021-T1": 5.3, "2020-T1": 6.3}}

ACCOUNTS = {  # account: (share of gross cost, sign)
    "Personalkostnader": 0.58,
    "Inhyrd personal": 0.03,
    "Köpt vård": 0.06,
    "Läkemedel": 0.07,
    "Material och tjänster": 0.16,
    "Lokalkostnader": 0.07,
    "Avskrivningar": 0.03,
}
REVENUES = {"Regionersättning": 0.86, "Patientavgifter": 0.04, "Statsbidrag": 0.04,
            "Försäljning av tjänster": 0.06}
#: Personnel cost is lower in summer (vacation), so the budget is periodised.
SEASON = np.array([1.0, 1.0, 1.02, 1.0, 1.0, 0.95, 0.72, 0.85, 1.02, 1.03, 1.03, 1.10])

MONTHS = month_span("2020-01", "2021-12")


def _goals_table(rng: np.random.Generator, plans) -> pd.DataFrame:
    indicators = {
        "medborgare": [("Tillgänglig vård", "Andel besök inom vårdgarantin (%)", 90.0, True),
                       ("Nöjda patienter", "Patientnöjdhet (index)", 80.0, True)],
        "verksamhet": [("Effektiv verksamhet", "Produktion mot plan (%)", 100.0, True),
                       ("Digitala vårdtjänster", "Andel digitala besök (%)", 15.0, True)],
        "medarbetare": [("Hållbart arbetsliv", "Sjukfrånvaro (%)", 5.5, False),
                        ("Attraktiv arbetsgivare", "Personalomsättning (%)", 8.0, False)],
        "ekonomi": [("Ekonomi i balans", "Resultat mot budget (mnkr)", 0.0, True),
                    ("Ekonomisk handlingsplan", "Genomförd handlingsplan (%)", 100.0, True)],
        "samhälle": [("Minskad klimatpåverkan", "Energianvändning (index 2019 = 100)", 97.0, False),
                     ("Hållbar upphandling", "Andel miljömärkta inköp (%)", 40.0, True)],
    }
    rows = []
    for period in ("2020-T1", "2020-T2", "2020-T3", "2021-T1", "2021-T2", "2021-T3"):
        for plan in plans:
            for perspective, wanted in zip(PERSPECTIVES, plan.goals):
                if period != "2021-T1":
                    wanted = rng.choice(["uppfyllt", "delvis", "ej"], p=[0.4, 0.4, 0.2])
                met = {"uppfyllt": (True, True), "ej": (False, False), "delvis": (True, False)}[wanted]
                for (goal, indicator, target, higher), ok in zip(indicators[perspective], met):
                    margin = abs(target) * rng.uniform(0.02, 0.15) + rng.uniform(0.1, 1.0)
                    better = margin if higher else -margin
                    outcome = round(target + (better if ok else -better), 1)
                    # economy indicators carry the controller's own assessment
                    assessment = ("uppfyllt" if ok else "ej") if perspective == "ekonomi" else None
                    rows.append((period, plan.name, perspective, goal, indicator, target, outcome,
                                 "ja" if higher else "nej", assessment))
    return pd.DataFrame(rows, columns=["period", "division", "perspective", "goal", "indicator",
                                       "target", "outcome", "higher_is_better", "assessment"])


def _employees(rng, plans, scale: int, months: list[str]) -> pd.DataFrame:
    """Person-month rows. Headcounts in 2020-12 and 2021-04 are exact by construction."""
    m = {month: i for i, month in enumerate(months)}
    dec20, jan21, apr21 = m["2020-12"], m["2021-01"], m["2021-04"]
    people = []  # (division, unit, employment, first_idx, last_idx)
    for plan in plans:
        units = [f"{u} {k}" if k else u for k in range(scale) for u in plan.units]
        weights = rng.dirichlet(np.full(len(units), 4.0))
        if "Divisionsledning Service" in units:  # a deliberately small unit (suppression)
            weights[units.index("Divisionsledning Service")] = 0.0
            weights /= weights.sum()
        for form, n_dec, change in (("tillsvidare", plan.tillsvidare, plan.change_tillsvidare),
                                    ("visstid", plan.visstid, plan.change_visstid),
                                    ("timavlönad", plan.timavlonad, 0)):
            n_dec *= scale
            change *= scale
            leavers = max(-change, 0) + int(0.01 * n_dec)
            joiners = leavers + change
            stayers = n_dec - leavers
            unit_of = lambda n: rng.choice(units, size=n, p=weights)
            first_of_stayers = np.where(rng.random(stayers) < 0.08, rng.integers(0, dec20, stayers), 0)
            last_of_stayers = np.where(rng.random(stayers) < 0.06,
                                       rng.integers(apr21 + 1, len(months), stayers), len(months) - 1)
            groups = [
                (unit_of(stayers), first_of_stayers, last_of_stayers),
                (unit_of(leavers), rng.integers(0, dec20, leavers), rng.integers(dec20, apr21, leavers)),
                (unit_of(joiners), rng.integers(jan21, apr21 + 1, joiners), np.full(joiners, len(months) - 1)),
            ]
            # turnover outside the counted months: 2020 temps and later hires
            temps = int(0.04 * n_dec) + 1
            t_first = rng.integers(0, dec20 - 2, temps)
            groups.append((unit_of(temps), t_first, t_first + rng.integers(0, 3, temps)))
            late = int(0.04 * n_dec) + 1
            groups.append((unit_of(late), rng.integers(apr21 + 1, len(months), late),
                           np.full(late, len(months) - 1)))
            for unit, first, last in groups:
                for u, f, l in zip(unit, first, last):
                    people.append((plan.name, u, form, int(f), int(l)))
        if "Divisionsledning Service" in units:
            for _ in range(8):
                people.append((plan.name, "Divisionsledning Service", "tillsvidare", 0, len(months) - 1))
    persons = pd.DataFrame(people, columns=["division", "unit", "employment", "first", "last"])
    n = len(persons)
    persons["person_id"] = [f"P{i:06d}" for i in rng.permutation(np.arange(100_000, 100_000 + n))]
    persons["gender"] = np.where(rng.random(n) < 0.79, "K", "M")
    persons["birth_year"] = np.clip(rng.normal(1976, 12, n).round(), 1956, 2002).astype(int)
    persons["employment_rate"] = rng.choice([1.0, 1.0, 1.0, 0.9, 0.8, 0.75, 0.5], size=n)

    # people move between the care divisions (covid redeployment): a few in 2021
    care = persons.index[persons["division"].isin([p.name for p in plans[:3]])
                         & (persons["first"] == 0) & (persons["last"] == len(months) - 1)]
    movers = rng.choice(care, size=min(len(care), 30 * scale), replace=False)

    span = (persons["last"] - persons["first"] + 1).to_numpy()
    idx = np.repeat(persons.index.to_numpy(), span)
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(span) - span, span)
    rows = persons.loc[idx].reset_index(names="pid")
    rows["month_idx"] = persons["first"].to_numpy()[idx] + offset
    rows["month"] = np.array(months)[rows["month_idx"]]
    move_month = {pid: rng.integers(m["2021-05"], len(months)) for pid in movers}
    targets = {plans[0].name: plans[1], plans[1].name: plans[2], plans[2].name: plans[0]}
    is_mover = rows["pid"].isin(movers)
    if is_mover.any():
        after = rows["month_idx"] >= rows["pid"].map(move_month).fillna(len(months)).astype(int)
        moved = is_mover & after
        new_div = rows.loc[moved, "division"].map(lambda d: targets[d].name)
        rows.loc[moved, "unit"] = [targets[d].units[0] for d in rows.loc[moved, "division"]]
        rows.loc[moved, "division"] = new_div
    return rows


def _absence(rng, staff_months: pd.DataFrame, plans, months: list[str]) -> pd.DataFrame:
    """Short and long spells per person, levels by division and year; no overlaps."""
    level = {(p.name, y): getattr(p, f"sick_{y}") for p in plans for y in (2020, 2021)}
    persons = staff_months.groupby("person_id").agg(
        division=("division", "first"), first=("month", "min"), last=("month", "max"))
    spells = []
    for year in range(int(months[0][:4]) - 1, 2022):  # the year before: long spells running in
        lo = pd.Timestamp(f"{year}-01-01")
        rate = persons["division"].map(lambda d: level[(d, min(max(year, 2020), 2021))]).to_numpy() * 1.7
        # about 40 % of the time off is in long spells, 60 % in short ones
        n_short = rng.poisson(rate * 0.6 * 230 / 3.0)
        n_long = rng.poisson(rate * 0.4 * 230 / 110 / 0.75, len(persons))
        for counts, kind in ((n_short, "short"), (n_long, "long")):
            who = np.repeat(np.arange(len(persons)), counts)
            k = len(who)
            start = lo + pd.to_timedelta(rng.integers(0, 365, k), unit="D")
            if kind == "short":
                length = rng.geometric(0.35, k).clip(1, 14)
                extent = np.where(rng.random(k) < 0.92, 1.0, 0.5)
            else:
                length = rng.integers(40, 200, k)
                extent = rng.choice([1.0, 1.0, 0.75, 0.5, 0.25], size=k)
            spells.append(pd.DataFrame({
                "person_id": persons.index.to_numpy()[who], "start": start,
                "end": start + pd.to_timedelta(length - 1, unit="D"), "extent": extent}))
    spells = pd.concat(spells, ignore_index=True)
    first = pd.to_datetime(spells["person_id"].map(persons["first"]) + "-01")
    last = pd.to_datetime(spells["person_id"].map(persons["last"]) + "-01") + pd.offsets.MonthEnd(0)
    employed_from_start = spells["person_id"].map(persons["first"]) == months[0]
    spells = spells[((spells["start"] >= first) | employed_from_start)
                    & (spells["start"] <= last) & (spells["end"] >= pd.Timestamp(months[0] + "-01"))]
    return _drop_overlaps(spells)


def _drop_overlaps(spells: pd.DataFrame) -> pd.DataFrame:
    """Keep spells that start after every earlier spell of the person has ended."""
    spells = spells.sort_values(["person_id", "start", "end"]).reset_index(drop=True)
    while True:
        prev_end = spells.groupby("person_id")["end"].shift()
        overlap = spells["start"] <= prev_end
        if not overlap.any():
            return spells
        spells = spells[~overlap].reset_index(drop=True)


def _hours(rng, rows: pd.DataFrame, absence: pd.DataFrame, plans, months: list[str]) -> pd.DataFrame:
    from regionanalytics.metrics.sick_leave import person_months

    monthly = rows["employment"] != "timavlönad"
    rows["scheduled_hours"] = _scheduled(rows)
    sick = person_months(rows, absence, months)[["person_id", "month", "sick_hours"]]
    rows = rows.merge(sick, on=["person_id", "month"], how="left")
    rows["sick_hours"] = rows["sick_hours"].fillna(0.0)
    month_no = rows["month"].str[5:].astype(int)
    vacation = np.select([month_no == 7, month_no == 8, month_no == 6], [0.55, 0.25, 0.12], 0.03)
    year21 = rows["month"].str[:4] == "2021"
    # NLB lent staff to other divisions in 2021; NÖL worked more (covid units)
    factor = np.ones(len(rows))
    factor[(rows["division"] == plans[0].name).to_numpy() & year21.to_numpy()] = 0.93
    factor[(rows["division"] == plans[1].name).to_numpy() & year21.to_numpy()] = 1.06
    worked = (rows["scheduled_hours"] * (1 - vacation) - rows["sick_hours"]) * factor
    worked *= rng.normal(1.0, 0.03, len(rows))
    hourly = rng.uniform(10, 110, len(rows))
    rows["worked_hours"] = np.where(monthly, worked.clip(lower=0), hourly).round(1)
    rows["scheduled_hours"] = rows["scheduled_hours"].round(1)
    return rows.drop(columns="sick_hours")


def _calibrate_sick_leave(rng, employees: pd.DataFrame, absence: pd.DataFrame) -> pd.DataFrame:
    """Add or remove short spells until the targeted rates round as printed."""
    from regionanalytics.metrics.sick_leave import sick_leave

    for division, targets in SICK_LEAVE_TARGETS.items():
        emp = employees[employees["division"] == division]
        ids = set(emp["person_id"])
        own = absence["person_id"].isin(ids)
        mine, rest = absence[own].copy(), absence[~own]
        for period, target in targets.items():
            year = int(period[:4])
            lo, hi = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-04-30")
            staff = emp[(emp["month"] == f"{year}-01") & (emp["employment"] != "timavlönad")]
            for _ in range(2000):
                rate = sick_leave(emp, mine, period, by=[], suppress_small=False)["sick_leave_pct"][0]
                if abs(rate - target) <= 0.02:  # rounds as printed, and so does the change
                    break
                inside = mine.index[(mine["start"] >= lo) & (mine["start"] <= hi)]
                if rate > target and len(inside):
                    mine = mine.drop(rng.choice(inside))
                else:
                    start = lo + pd.Timedelta(days=int(rng.integers(0, 110)))
                    mine = pd.concat([mine, pd.DataFrame({
                        "person_id": [rng.choice(staff["person_id"].to_numpy())], "start": [start],
                        "end": [start + pd.Timedelta(days=int(rng.integers(0, 3)))], "extent": [1.0]})],
                        ignore_index=True)
                    mine = _drop_overlaps(mine)
            else:
                raise RuntimeError(f"could not calibrate sick leave of {division} {period}")
        absence = pd.concat([rest, mine], ignore_index=True)
    return absence.sort_values(["person_id", "start"]).reset_index(drop=True)


def _finance(rng, plans, scale: int, months: list[str]) -> pd.DataFrame:
    rows = []
    for plan in plans:
        units = [f"{u} {k}" if k else u for k in range(scale) for u in plan.units]
        weights = rng.dirichlet(np.full(len(units), 4.0))
        for unit, w in zip(units, weights):
            gross = plan.cost_mnkr * 1000 * scale * w / 12  # tkr per month
            balance = rng.normal(0, 0.004)  # units over- and under-funded
            for i, month in enumerate(months):
                season = SEASON[i % 12]
                for account, share in ACCOUNTS.items():
                    s = season if account == "Personalkostnader" else 1.0
                    budget = -gross * share * s
                    drift = 1.6 if (account == "Inhyrd personal" and plan.name == "Länssjukvård"
                                    and month.startswith("2021")) else 1.0
                    actual = budget * drift * rng.normal(1.0, 0.03)
                    rows.append((month, plan.name, unit, account, actual, budget))
                year_cost = gross * (sum(ACCOUNTS.values()) - ACCOUNTS["Personalkostnader"]
                                     + ACCOUNTS["Personalkostnader"] * SEASON.mean())
                for account, share in REVENUES.items():
                    budget = year_cost * share * (1 + balance)
                    actual = budget * rng.normal(1.0, 0.01)
                    rows.append((month, plan.name, unit, account, actual, budget))
    return pd.DataFrame(rows, columns=["month", "division", "unit", "account", "actual", "budget"])


def _add(df: pd.DataFrame, mask: pd.Series, column: str, total: float) -> None:
    """Spread ``total`` evenly over the rows of ``mask`` (rounded to 0.1, remainder on the last)."""
    idx = df.index[mask]
    part = round(total / len(idx), 1)
    df.loc[idx, column] += part
    df.loc[idx[-1], column] += round(total - part * len(idx), 1)


def _spread(df: pd.DataFrame, mask: pd.Series, column: str, total: float) -> None:
    """Spread ``total`` over the rows of ``mask`` in proportion to their amounts (rounded to
    0.1, the remainder on the largest row): every row keeps its sign when ``total`` is
    smaller than their sum."""
    idx = df.index[mask]
    amounts = df.loc[idx, column]
    parts = (total * amounts / amounts.sum()).round(1)
    df.loc[idx, column] += parts
    df.loc[amounts.abs().idxmax(), column] += round(total - parts.sum(), 1)


def _correct_result(f: pd.DataFrame, division: pd.Series, span: pd.Series, first_unit: pd.Series,
                    total: float) -> None:
    """Move a division's result in ``span`` by ``total`` tkr as a region's books would: a
    better result as more sold services of its first unit (VO Lab's analyses, say), a worse
    one as higher costs over all its units' other operating costs (never an account whose
    sign turns: a cost stays negative, a revenue positive)."""
    if total >= 0:
        _spread(f, division & span & first_unit & (f["account"] == "Försäljning av tjänster"), "actual", total)
    else:
        _spread(f, division & span & f["account"].isin(_OTHER_COSTS), "actual", total)


#: The cost accounts that absorb a calibrated deficit (not staff: the staff figures are the
#: reference report's as drawn).
_OTHER_COSTS = ["Köpt vård", "Läkemedel", "Material och tjänster", "Lokalkostnader"]


def _calibrate_finance(finance: pd.DataFrame, plans) -> pd.DataFrame:
    f = finance.copy()
    f[["actual", "budget"]] = f[["actual", "budget"]].round(1)
    t1_21 = f["month"].isin(month_span("2021-01", "2021-04"))
    rest_21 = f["month"].isin(month_span("2021-05", "2021-12"))
    t1_20 = f["month"].isin(month_span("2020-01", "2020-04"))
    rest_20 = f["month"].isin(month_span("2020-05", "2020-12"))
    year_21 = f["month"].str.startswith("2021")
    for plan in plans:
        div = f["division"] == plan.name
        first = f["unit"] == plan.units[0]
        funding = div & first & (f["account"] == "Regionersättning")
        # period budget and a balanced annual budget (0)
        _add(f, funding & t1_21, "budget", plan.budget * 1000 - f.loc[div & t1_21, "budget"].sum())
        _add(f, funding & rest_21, "budget", -f.loc[div & year_21, "budget"].sum())
        _correct_result(f, div, t1_21, first, plan.result * 1000 - f.loc[div & t1_21, "actual"].sum())
        _correct_result(f, div, t1_20, first, plan.result_prev * 1000 - f.loc[div & t1_20, "actual"].sum())
        # the rest of 2021 lands near the April forecast
        _correct_result(f, div, rest_21, first,
                        plan.forecast * 1000 * 0.97 - f.loc[div & year_21, "actual"].sum())
        prev_full = plan.result_prev_full_year
        if prev_full is None:
            prev_full = plan.result_prev * 2.2
        _correct_result(f, div, rest_20, first,
                        prev_full * 1000 - f.loc[div & f["month"].str.startswith("2020"), "actual"].sum())
    f[["actual", "budget"]] = f[["actual", "budget"]].round(1)
    return f


def _forecast(rng, finance: pd.DataFrame, plans, calibrate: bool) -> pd.DataFrame:
    rows = []
    units = finance[["division", "unit"]].drop_duplicates()
    for year in (2020, 2021):
        for made in ("02", "04", "06", "08", "10"):
            month = f"{year}-{made}"
            for plan in plans:
                u = units.loc[units["division"] == plan.name, "unit"].tolist()
                total = plan.forecast if year == 2021 else (plan.result_prev_full_year or plan.result_prev * 2.2)
                total *= 1000 * (1 + rng.normal(0, 0.15) if (month != "2021-04" or not calibrate) else 1)
                share = rng.dirichlet(np.full(len(u), 3.0))
                values = np.round(total * share, 1)
                if plan.name.startswith("Närsjukvård") and month == "2021-04" and calibrate:
                    # the health centres together forecast −30 mnkr (reference report)
                    hc = -18_000.0 if "Luleå" in plan.name else -12_000.0
                    values = np.round(np.r_[hc, (total - hc) * share[1:] / share[1:].sum()], 1)
                values[-1] = round(total - values[:-1].sum(), 1)
                rows += [(month, plan.name, unit, v) for unit, v in zip(u, values)]
    return pd.DataFrame(rows, columns=["month", "division", "unit", "forecast"])


def _production(rng, finance: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    units = finance[["division", "unit"]].drop_duplicates()
    pandemic = {"2020-01": 1.0, "2020-02": 1.0, "2020-03": 0.82, "2020-04": 0.5,
                "2021-01": 0.55, "2021-02": 0.56, "2021-03": 0.6, "2021-04": 0.65}
    rows = []
    for division, unit in units.itertuples(index=False):
        base = unit.split(" ")
        if division == "Service":
            measure = {"Kostservice": ("Portioner", 60000, 0.8), "Lokalservice": ("Debiterade timmar", 9000, 1.15),
                       "Bemanningsenheten": ("Bemannade pass", 2500, 1.4),
                       "Patienthotell": ("Gästnätter", 1800, 0.6),
                       "Regionservice": ("Hanterade fakturor", 30000, 1.0)}.get(unit.split(" ")[0])
            specs = [measure] if measure else []
        elif division == "Länsteknik":
            specs = [("Arbetsordrar", 1500, 1.0)]
        elif division == "Folktandvård":
            specs = [("Undersökningar", 4000, 0.85), ("Behandlingar", 6000, 0.9)]
        elif unit.startswith("VO Lab"):
            specs = [("Analyser", 150000, 1.3)]
        else:
            specs = [("Läkarbesök", 3000, 0.9), ("Digitala besök", 250, 2.6), ("Vårddagar", 1500, 1.0)]
            if division == "Länssjukvård" and any(k in unit for k in ("Kirurgi", "Ortopedi", "Kvinno", "Anestesi")):
                specs.append(("Operationer", 220, None))
        for measure, level, trend in specs:
            level *= rng.uniform(0.6, 1.4)
            for month in months:
                if trend is None:  # operations follow the pandemic
                    factor = pandemic.get(month, 0.85 if month < "2021" else 0.9)
                else:
                    factor = trend if month >= "2021" else 1.0
                season = 0.6 if month.endswith("-07") else 1.0
                value = level * factor * season * rng.normal(1.0, 0.02)
                rows.append((month, division, unit, measure, round(max(value, 0))))
    return pd.DataFrame(rows, columns=["month", "division", "unit", "measure", "value"])


def _action_plans(rng, plans) -> pd.DataFrame:
    rows = []
    for plan in plans:
        if not plan.action_plan_year:
            continue
        planned = round(plan.action_plan_year * 1000 / 12, 1)
        for i, month in enumerate(month_span("2021-01", "2021-12")):
            if i == 11:  # the year's plan adds up to the savings task exactly
                planned = round(plan.action_plan_year * 1000 - planned * 11, 1)
            achieved = planned * plan.action_plan_pct / 100 if i < 4 else planned * rng.uniform(0.6, 1.2)
            rows.append((month, plan.name, planned, round(achieved, 1)))
    return pd.DataFrame(rows, columns=["month", "division", "planned", "achieved"])


def generate_region(scale: int = 1, seed: int = SEED, calibrate: bool = True,
                    years: int = 2, ledger_accounts: int = 1) -> dict[str, pd.DataFrame]:
    """Generate every table of the data contract.

    Parameters
    ----------
    scale : int
        1 gives the sample region (about 7 000 employees); 10 about 70 000.
    seed : int
        Seed of the random generator.
    calibrate : bool
        Adjust the data so the 2021-T1 figures reproduce the reference report.
    years : int
        Years of months, ending 2021-12 (the sample has 2: 2020–2021).
    ledger_accounts : int
        Ledger accounts per account group in the finance table (1: the groups
        themselves, as in the sample; an export at account level has tens).
    """
    if calibrate and (years != 2 or ledger_accounts != 1):
        raise ValueError("the calibrated sample covers exactly 2020–2021 (years=2) by account group")
    rng = np.random.default_rng(seed)
    plans = DIVISIONS
    months = month_span(f"{2022 - years}-01", "2021-12")
    rows = _employees(rng, plans, scale, months)
    absence = _absence(rng, rows[rows["employment"] != "timavlönad"], plans, months)
    if calibrate:
        absence = _calibrate_sick_leave(rng, rows.assign(scheduled_hours=_scheduled(rows)), absence)
    employees = _hours(rng, rows, absence, plans, months)
    employees = employees[["month", "person_id", "division", "unit", "employment", "gender",
                           "birth_year", "employment_rate", "scheduled_hours", "worked_hours"]]
    employees = employees.sort_values(["month", "person_id"]).reset_index(drop=True)
    finance = _finance(rng, plans, scale, months)
    if calibrate:
        finance = _calibrate_finance(finance, plans)
    finance[["actual", "budget"]] = finance[["actual", "budget"]].round(1)
    forecast = _forecast(rng, finance, plans, calibrate)
    production = _production(rng, finance, months)
    # what the region's ledger adds beyond the divisions, from a generator of its own so the
    # calibrated streams above are untouched
    extra = np.random.default_rng(seed + 1)
    employees = _extra_hours(extra, employees)
    central = _central(extra, finance)
    employees = _actual_rates(np.random.default_rng(seed + 2), employees)
    return {
        "finance": pd.concat([_ledger(rng, finance, ledger_accounts), central], ignore_index=True),
        "forecast": forecast,
        "employees": employees,
        "absence": absence,
        "production": production,
        "goals": _goals_table(rng, plans),
        "action_plans": _action_plans(rng, plans),
        "investments": _investments(extra, plans, months),
    }


#: The region's central level (finansförvaltningen): tax revenue and general grants fund the
#: divisions' allocation (Regionersättning, booked here as its counter-entry).
CENTRAL = "Finansförvaltning"
#: Pension costs booked at the central level, as a share of the divisions' staff costs.
PENSION_SHARE = 0.10


def _central(rng, finance: pd.DataFrame) -> pd.DataFrame:
    """Monthly rows of the central level: tax revenue, general grants, financial items and the
    counter-entry of the divisions' allocation, so the region's result adds up."""
    allocation = finance[finance["account"] == "Regionersättning"].groupby("month")[["actual", "budget"]].sum()
    staff = finance[finance["account"] == "Personalkostnader"].groupby("month")["budget"].sum()
    rows = []
    first_year = allocation.index.min()[:4]
    for month, alloc in allocation.iterrows():
        # tax revenue grows 4.5 % a year from the first year's level
        years = int(month[:4]) - int(first_year)
        base = allocation.loc[first_year + month[4:], "budget"]
        growth = 1.045 ** years
        # pensions are booked centrally (about a tenth of the divisions' staff costs), and
        # funded by the general grants
        pensions = PENSION_SHARE * staff[month]
        lines = {
            "Skatteintäkter": 0.71 * base * growth,
            "Generella statsbidrag och utjämning": 0.325 * base * growth - pensions,
            "Pensionskostnader": pensions,
            "Finansiella intäkter": 0.004 * base,
            "Finansiella kostnader": -0.006 * base,
        }
        for account, budget in lines.items():
            actual = budget * (1 + rng.normal(0.004, 0.01))
            rows.append((month, CENTRAL, CENTRAL, account, round(actual, 1), round(budget, 1)))
        rows.append((month, CENTRAL, CENTRAL, "Regionersättning", round(-alloc["actual"], 1),
                     round(-alloc["budget"], 1)))
    return pd.DataFrame(rows, columns=["month", "division", "unit", "account", "actual", "budget"])


def _extra_hours(rng, employees: pd.DataFrame) -> pd.DataFrame:
    """Övertid for monthly-paid staff and mertid for part-time staff (hours per month)."""
    monthly = employees["employment"] != "timavlönad"
    overtime = np.where(monthly & (rng.random(len(employees)) < 0.25),
                        rng.gamma(2.0, 3.0, len(employees)), 0.0)
    part_time = monthly & (employees["employment_rate"] < 1)
    additional = np.where(part_time & (rng.random(len(employees)) < 0.3),
                          rng.gamma(2.0, 4.0, len(employees)), 0.0)
    return employees.assign(overtime_hours=overtime.round(1), additional_hours=additional.round(1))


def _actual_rates(rng, employees: pd.DataFrame) -> pd.DataFrame:
    """Faktisk sysselsättningsgrad: the contracted rate less partial leave of absence
    (parental leave, studies) of about one monthly-paid person in twenty, for three to ten
    consecutive months; empty for hourly-paid staff, as HR systems write it."""
    persons = employees["person_id"].unique()
    on_leave = rng.random(len(persons)) < 0.05
    start = rng.integers(0, 24, len(persons))
    length = rng.integers(3, 11, len(persons))
    share = rng.choice([0.2, 0.25, 0.5], len(persons))
    index = pd.Series(np.arange(len(persons)), index=persons)[employees["person_id"]].to_numpy()
    months = sorted(employees["month"].unique())
    month = employees["month"].map({m: i for i, m in enumerate(months)}).to_numpy()
    away = on_leave[index] & (month >= start[index]) & (month < start[index] + length[index])
    rate = employees["employment_rate"].to_numpy()
    actual = np.where(away, np.round(rate * (1 - share[index]), 2), rate)
    monthly = (employees["employment"] != "timavlönad").to_numpy()
    return employees.assign(actual_employment_rate=np.where(monthly, actual, np.nan))


def _investments(rng, plans, months: list[str]) -> pd.DataFrame:
    """Two to four investment projects per division, monthly actual and budget (tkr)."""
    rows = []
    for plan in plans:
        for k in range(int(rng.integers(2, 5))):
            project = f"{plan.name[:3].upper()}-{k + 1:02d}"
            yearly = float(rng.uniform(2000, 25000))
            for month in months:
                budget = yearly / 12
                rows.append((month, plan.name, project, round(budget * rng.uniform(0.4, 1.3), 1),
                             round(budget, 1)))
    return pd.DataFrame(rows, columns=["month", "division", "project", "actual", "budget"])


def _ledger(rng, finance: pd.DataFrame, accounts: int) -> pd.DataFrame:
    """Split every account group of every unit into ``accounts`` ledger accounts
    ("Läkemedel 01", ...), each with a fixed share of the group's amounts."""
    if accounts <= 1:
        return finance
    group, _ = pd.factorize(pd.MultiIndex.from_frame(finance[["unit", "account"]]))
    shares = rng.dirichlet(np.full(accounts, 2.0), size=group.max() + 1)
    out = finance.loc[finance.index.repeat(accounts)].reset_index(drop=True)
    k = np.tile(np.arange(accounts), len(finance))
    weight = shares[np.repeat(group, accounts), k]
    out["account"] = out["account"] + " " + pd.Series(k + 1).astype(str).str.zfill(2)
    out["actual"] = (out["actual"] * weight).round(1)
    out["budget"] = (out["budget"] * weight).round(1)
    return out


def _scheduled(rows: pd.DataFrame) -> pd.Series:
    wd = working_days_per_month(sorted(rows["month"].unique()))
    return np.where(rows["employment"] != "timavlönad",
                    (rows["month"].map(wd) * 8.0 * rows["employment_rate"]).round(1), 0.0)


#: The sample's balance accounts (Region-Bas classes) at 31 december 2019, tkr (debit +),
#: and how each moves per month: a region of some 11 miljarder kr in assets, its pension
#: provision the largest claim (the blandmodell keeps the older pensions outside, below).
_BALANCE_ACCOUNTS = (
    # account, name, opening balance, drift per month, noise (sd) per month
    ("1110", "Mark, byggnader och tekniska anläggningar", 4_200_000.0, 0.0, 0.0),
    ("1220", "Maskiner och inventarier", 1_100_000.0, 0.0, 0.0),
    ("1310", "Finansiella anläggningstillgångar", 1_150_000.0, 0.0, 0.0),
    ("1460", "Förråd och lager", 150_000.0, 0.0, 5_000.0),
    ("1510", "Kundfordringar", 600_000.0, 0.0, 60_000.0),
    ("1790", "Förutbetalda kostnader och upplupna intäkter", 300_000.0, 0.0, 40_000.0),
    ("1810", "Kortfristiga placeringar (pensionsmedel)", 3_000_000.0, 15_000.0, 0.0),
    ("1930", "Bank", 800_000.0, 0.0, 0.0),
    ("2240", "Avsättningar för pensioner och liknande förpliktelser", -5_600_000.0, -22_000.0, 0.0),
    ("2290", "Övriga avsättningar", -90_000.0, 0.0, 0.0),
    ("2350", "Långfristiga skulder till kreditinstitut", -900_000.0, 2_500.0, 0.0),
    ("2440", "Leverantörsskulder", -800_000.0, 0.0, 90_000.0),
    ("2710", "Personalens skatter", -330_000.0, 0.0, 15_000.0),
    ("2920", "Upplupna löner och semesterlöneskuld", -1_000_000.0, 0.0, 100_000.0),
    ("2990", "Övriga upplupna kostnader", -250_000.0, 0.0, 30_000.0),
)
#: The pension commitments outside the balance sheet (ansvarsförbindelse, LKBR 5 kap. 4 §).
PENSION_COMMITMENTS = ("Ansvarsförbindelse pensioner", "Pensionsförpliktelser intjänade före 1998",
                       -4_300_000.0, 9_000.0)


def balance_table(finance: pd.DataFrame, investments: pd.DataFrame, seed: int = SEED + 22) -> pd.DataFrame:
    """Closing balances per month (tkr, debit positive) that agree with the ledger: the fixed
    assets move by the investments less the depreciation, the open year's result is the
    difference between assets and claims until December, when it is closed into the equity
    (2010), and the bank (1930) is what the rest leaves. Columns month, account, name, balance.

    A generator of its own (own seed): the rest of the sample is untouched by it.
    """
    rng = np.random.default_rng(seed)
    closed = sorted(finance.loc[finance["actual"].notna(), "month"].unique())
    result = finance.groupby("month")["actual"].sum()
    depreciation = -finance[finance["account"] == "Avskrivningar"].groupby("month")["actual"].sum()
    invested = investments.groupby("month")["actual"].sum()
    level = {a: opening for a, _, opening, _, _ in _BALANCE_ACCOUNTS}
    names = {a: name for a, name, *_ in _BALANCE_ACCOUNTS}
    equity = -(sum(level.values()))  # the opening equity balances the opening sheet
    rows = []
    months = [f"{int(closed[0][:4]) - 1}-12"] + closed
    for k, month in enumerate(months):
        values = {}
        for account, _, opening, drift, noise in _BALANCE_ACCOUNTS:
            values[account] = opening + drift * k + (rng.normal(0, noise) if noise and k else 0.0)
        if k:
            net = float(invested.get(month, 0.0)) - float(depreciation.get(month, 0.0))
            level["1110"] += 0.7 * net
            level["1220"] += 0.3 * net
        values["1110"], values["1220"] = level["1110"], level["1220"]
        values = {a: round(v, 1) for a, v in values.items()}
        year_to_date = round(float(result[(result.index >= f"{month[:4]}-01") & (result.index <= month)].sum()), 1) \
            if k else 0.0
        if month.endswith("-12") and k:  # the year closed: its result is booked to the equity
            equity = round(equity - year_to_date, 1)
            open_result = 0.0
        else:
            open_result = year_to_date
        # the bank is what the rest leaves: assets = claims + the open year's result
        claims = -(sum(v for a, v in values.items() if a >= "2") + equity)
        values["1930"] = round(claims + open_result - sum(v for a, v in values.items() if a < "2" and a != "1930"), 1)
        if values["1930"] <= 0:
            raise ValueError(f"the sample's bank balance in {month} is {values['1930']}: change the drifts")
        values["2010"] = equity
        names["2010"] = "Eget kapital"
        name, text, start, drift = PENSION_COMMITMENTS
        values[name] = round(start + drift * k, 1)
        names[name] = text
        rows += [(month, a, names[a], v) for a, v in sorted(values.items(), key=lambda x: (not x[0].isdigit(), x[0]))]
    return pd.DataFrame(rows, columns=["month", "account", "name", "balance"])


def financial_goals_table() -> pd.DataFrame:
    """The sample region's financial goals for god ekonomisk hushållning, as its budget
    states them (goal, indicator, target in percent)."""
    return pd.DataFrame({
        "goal": ["Resultatet ska uppgå till minst 2 procent av skatteintäkter och generella statsbidrag",
                 "Investeringarna ska finansieras med egna medel",
                 "Soliditeten inklusive pensionsåtaganden ska vara positiv"],
        "indicator": ["Resultat i procent av skatteintäkter och generella statsbidrag",
                      "Självfinansieringsgrad av investeringar", "Soliditet inklusive pensionsåtaganden"],
        "target": [2.0, 100.0, 0.0],
    })
