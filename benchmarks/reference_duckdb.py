"""An independent reference in DuckDB SQL: the same key figures, straight from the files.

Used by the benchmark to time the package against a fast SQL engine and to
check that both give the same numbers. Written from the metric definitions in
the README, not from the package's code: episodes as known at the period's end,
spells separated only by days off in one episode.

It computes 36 of the package's key metrics: per division the economy (result,
budget and their deviation, last year's result for the span and the full year,
the forecast against the annual budget), staff (headcount and its change, in
percent and per employment form; worked hours against last year and as full-time
equivalents; årsarbetare, the full-time share, turnover; övertid and mertid, in
total and per årsarbetare), sick leave (this year, last year, the long-term
share), personnel costs and hired staff, investments; and for the region's row
the 20 figures of :func:`_more_sql`. The package's other figures (turnover over
12 months, Kolada's årsarbetare, the region's net cost, tax revenue and result,
the balance sheet and balanskrav, the action plan, the forecast per tertial) are
not computed here.
"""
from __future__ import annotations

import duckdb
import holidays
import pandas as pd


def _calendar(first: str, last: str) -> pd.DataFrame:
    days = pd.date_range(first, last, freq="D")
    years = range(days[0].year, days[-1].year + 1)
    off = set(holidays.Sweden(years=years, include_sundays=False, categories=("public", "de_facto")))
    work = [(d.weekday() < 5) and (d.date() not in off) for d in days]
    return pd.DataFrame({"day": days.date, "work": work})


def _run(con, script: str) -> None:
    """Run statements separated by a line holding only ';;' (a ';' also appears in literals)."""
    for statement in filter(str.strip, script.split("\n;;\n")):
        con.execute(statement).fetchall()


def key_figures(data_dir: str, year: int, last_month: int) -> pd.DataFrame:
    """Rows (division, metric, value) for the tertial ending in ``last_month`` of ``year``."""
    con = duckdb.connect()
    d = data_dir
    months = [f"{year}-{m:02d}" for m in range(1, last_month + 1)]
    prev = [f"{year - 1}-{m:02d}" for m in range(1, last_month + 1)]
    end, prev_dec = months[-1], f"{year - 1}-12"
    _run(con, f"""
        CREATE TABLE finance AS SELECT "Månad" AS month, "Division" AS division, "Verksamhet" AS unit,
               "Konto" AS account, "Utfall"::DOUBLE AS actual, "Budget"::DOUBLE AS budget
        FROM read_csv('{d}/finance.csv', delim=';', decimal_separator=',', header=true, encoding='latin-1')
;;
        CREATE TABLE investments AS SELECT "Månad" AS month, "Division" AS division, "Utfall"::DOUBLE AS actual,
               "Budget"::DOUBLE AS budget
        FROM read_csv('{d}/investments.csv', delim=';', decimal_separator=',', header=true, encoding='latin-1')
;;
        CREATE TABLE forecast AS SELECT "Månad" AS month, "Division" AS division, "Verksamhet" AS unit,
               "Prognos"::DOUBLE AS forecast
        FROM read_csv('{d}/forecast.csv', delim=';', decimal_separator=',', header=true)
;;
        CREATE TABLE employees AS SELECT "Månad" AS month, "Person-id" AS person_id, "Division" AS division,
               "Anställningsform" AS employment, "Schemalagd tid"::DOUBLE AS scheduled_hours,
               "Arbetad tid"::DOUBLE AS worked_hours, "Sysselsättningsgrad"::DOUBLE AS rate,
               "Övertid"::DOUBLE AS overtime, "Mertid"::DOUBLE AS additional
        FROM read_csv('{d}/employees.csv.gz', delim=';', decimal_separator=',', header=true)
;;
        -- a rate column written in percent (any value above 1) is read as shares
        UPDATE employees SET rate = rate / 100 WHERE (SELECT max(rate) FROM employees) > 1
;;
        CREATE TABLE absence AS SELECT person_id, "start"::DATE AS s, "end"::DATE AS e, extent::DOUBLE AS extent
        FROM read_csv('{d}/absence.csv', header=true)
    """)
    first_month = con.execute("SELECT min(month) FROM employees").fetchall()[0][0]
    con.register("cal_df", _calendar(f"{int(first_month[:4]) - 1}-01-01", f"{year}-12-31"))
    _run(con, "CREATE TABLE cal AS SELECT day::DATE AS day, work FROM cal_df")
    m, p = tuple(months), tuple(prev)
    chain = [prev_dec] + months
    steps = ", ".join(f"('{a}', '{b}')" for a, b in zip(chain, chain[1:]))
    sql = f"""
    WITH econ AS (
        SELECT division,
               sum(actual) FILTER (WHERE month IN {m}) AS result,
               sum(budget) FILTER (WHERE month IN {m}) AS budget,
               sum(actual) FILTER (WHERE month IN {p}) AS result_prev_year
        FROM finance GROUP BY division),
    fc AS (
        SELECT division, sum(forecast) AS forecast FROM (
            SELECT *, row_number() OVER (PARTITION BY division, unit ORDER BY month DESC) AS rn
            FROM forecast WHERE month LIKE '{year}-%' AND month <= '{end}') WHERE rn = 1
        GROUP BY division),
    ab AS (
        SELECT division, sum(budget) AS annual_budget FROM finance WHERE month LIKE '{year}-%' GROUP BY division),
    staff AS (SELECT * FROM employees WHERE employment IN ('tillsvidare', 'visstid')),
    hc AS (
        SELECT division,
               count(DISTINCT person_id) FILTER (WHERE month = '{end}') AS headcount,
               count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}') AS headcount_start
        FROM staff GROUP BY division),
    known AS (  -- the spells as an export at the period's end shows them
        SELECT person_id, s, least(coalesce(e, last_day(DATE '{end}-01')), last_day(DATE '{end}-01')) AS e,
               extent
        FROM absence WHERE s <= last_day(DATE '{end}-01')),
    calnum AS (SELECT day, sum(work::INT) OVER (ORDER BY day) AS wn FROM cal),
    ordered AS (
        SELECT *, max(e) OVER (PARTITION BY person_id ORDER BY s, e
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM known),
    episodes AS (  -- a new episode after a gap that holds a working day
        SELECT o.*, sum(CASE WHEN reach IS NULL OR (s > reach + 1 AND c1.wn - c2.wn > 0) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS ep
        FROM ordered o LEFT JOIN calnum c1 ON c1.day = o.s - 1 LEFT JOIN calnum c2 ON c2.day = o.reach),
    spells AS (
        SELECT *, (max(e) OVER (PARTITION BY person_id, ep) - min(s) OVER (PARTITION BY person_id, ep)) + 1
                  AS ep_days FROM episodes),
    sickdays AS (
        SELECT sp.person_id, strftime(c.day, '%Y-%m') AS month, sum(sp.extent) AS days,
               sum(CASE WHEN sp.ep_days >= 60 THEN sp.extent ELSE 0 END) AS long_days
        FROM spells sp JOIN cal c ON c.day BETWEEN sp.s AND sp.e AND c.work
        WHERE c.day >= DATE '{year - 1}-01-01' AND c.day <= last_day(DATE '{end}-01')
        GROUP BY ALL),
    wd AS (SELECT strftime(day, '%Y-%m') AS month, count(*) FILTER (WHERE work) AS wdays FROM cal GROUP BY 1),
    pm AS (
        SELECT st.division, st.month, st.scheduled_hours,
               coalesce(sd.days, 0) * st.scheduled_hours / wd.wdays AS sick,
               coalesce(sd.long_days, 0) * st.scheduled_hours / wd.wdays AS long_sick
        FROM staff st JOIN wd USING (month) LEFT JOIN sickdays sd USING (person_id, month)),
    sick AS (
        SELECT division,
               100 * sum(sick) FILTER (WHERE month IN {m}) / sum(scheduled_hours) FILTER (WHERE month IN {m})
                   AS sick_leave_pct,
               100 * sum(sick) FILTER (WHERE month IN {p}) / sum(scheduled_hours) FILTER (WHERE month IN {p})
                   AS sick_leave_pct_prev_year,
               100 * sum(long_sick) FILTER (WHERE month IN {m}) / sum(sick) FILTER (WHERE month IN {m})
                   AS long_term_sick_share_pct
        FROM pm GROUP BY division),
    work AS (
        SELECT division, sum(worked_hours) FILTER (WHERE month IN {m}) AS worked_hours
        FROM employees GROUP BY division),
    rates AS (  -- each monthly-paid person's rates in the period's last month, added up
        SELECT division, person_id, sum(rate) AS rate FROM staff WHERE month = '{end}' GROUP BY ALL),
    structure AS (
        SELECT division, sum(rate) AS fte, 100 * avg(CASE WHEN rate >= 1 - 1e-9 THEN 1 ELSE 0 END)
               AS fulltime_share_pct
        FROM rates GROUP BY division),
    perm AS (SELECT DISTINCT division, person_id, month FROM employees WHERE employment = 'tillsvidare'),
    steps AS (SELECT * FROM (VALUES {steps}) AS t(month, next_month)),
    leavers AS (  -- tillsvidare in a month and in no row of the month after
        SELECT p.division, count(*) AS leavers FROM perm p JOIN steps USING (month)
        WHERE NOT EXISTS (SELECT 1 FROM employees e WHERE e.person_id = p.person_id
                          AND e.month = steps.next_month)
        GROUP BY p.division),
    turnover AS (
        SELECT division, 100 * coalesce(max(l.leavers), 0) / (count(*) / {len(months)}) AS turnover_pct
        FROM perm LEFT JOIN leavers l USING (division) WHERE perm.month IN {m} GROUP BY division)
    SELECT econ.division, result, budget, result - budget AS budget_deviation, result_prev_year,
           forecast, annual_budget, forecast - annual_budget AS forecast_deviation,
           headcount, headcount - headcount_start AS headcount_change, worked_hours,
           sick_leave_pct, sick_leave_pct_prev_year, long_term_sick_share_pct,
           fte, fulltime_share_pct, turnover_pct
    FROM econ JOIN ab USING (division) LEFT JOIN fc USING (division) LEFT JOIN hc USING (division)
    LEFT JOIN sick USING (division) LEFT JOIN work USING (division) LEFT JOIN structure USING (division)
    LEFT JOIN turnover USING (division)
    ORDER BY division
    """
    wide = con.execute(sql).df().merge(con.execute(_more_sql(m, p, end, prev_dec, year)).df(), on="division",
                                       how="outer")
    wide = wide.set_index("division").astype("float64").reset_index()  # a figure not known: NaN
    return wide.melt(id_vars="division", var_name="metric", value_name="value")


#: The account plan's default classes (Region-Bas, README "accounts"): an account is a number
#: in a class's range or one of its names.
PERSONNEL = "(account IN ('Personalkostnader', 'Löner', 'Sociala avgifter', 'Pensionskostnader') " \
            "OR TRY_CAST(account AS INTEGER) BETWEEN 4000 AND 4999)"
HIRED = "(account IN ('Inhyrd personal', 'Bemanningsföretag') OR TRY_CAST(account AS INTEGER) BETWEEN 5500 AND 5599)"
TAX = "(account IN ('Skatteintäkter', 'Generella statsbidrag', 'Utjämning') " \
      "OR TRY_CAST(account AS INTEGER) BETWEEN 8000 AND 8399)"


def _more_sql(m: tuple, p: tuple, end: str, prev_dec: str, year: int) -> str:
    """The figures of issues 20 and 22 the package gives too, from the README's metric
    definitions: last year's full-year result, the headcount's change (in percent and per
    employment form), worked hours against last year and as full-time equivalents,
    övertid and mertid (in total and per årsarbetare), personnel costs and hired staff,
    investments; per division and for the region (the central level, the division that
    books tax revenue, is no division; the region's personnel costs include its rows)."""
    full = tuple(f"{year - 1}-{k:02d}" for k in range(1, 13))
    year_months = tuple(f"{year}-{k:02d}" for k in range(1, 13))
    return f"""
    WITH central AS (SELECT DISTINCT division FROM finance WHERE {TAX}),
    fin AS (SELECT * FROM finance WHERE division NOT IN (SELECT division FROM central)),
    wd AS (SELECT sum(work::INT) FILTER (WHERE strftime(day, '%Y-%m') IN {m}) AS now,
                  sum(work::INT) FILTER (WHERE strftime(day, '%Y-%m') IN {p}) AS prev FROM cal),
    econ AS (
        SELECT coalesce(division, 'Region') AS division,
               sum(actual) FILTER (WHERE month IN {m}) - sum(actual) FILTER (WHERE month IN {p}) AS result_change,
               CASE WHEN count(DISTINCT month) FILTER (WHERE month IN {full} AND actual IS NOT NULL) = 12
                    THEN sum(actual) FILTER (WHERE month IN {full}) END AS result_prev_full_year
        FROM fin GROUP BY ROLLUP (division)),
    staff AS (SELECT * FROM employees WHERE employment IN ('tillsvidare', 'visstid')),
    hc AS (
        SELECT coalesce(division, 'Region') AS division,
               count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}') AS headcount_start,
               100 * (count(DISTINCT person_id) FILTER (WHERE month = '{end}')
                      - count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}'))
                   / count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}') AS headcount_change_pct,
               count(DISTINCT person_id) FILTER (WHERE month = '{end}' AND employment = 'tillsvidare')
                   - count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}' AND employment = 'tillsvidare')
                   AS headcount_change_tillsvidare,
               count(DISTINCT person_id) FILTER (WHERE month = '{end}' AND employment = 'visstid')
                   - count(DISTINCT person_id) FILTER (WHERE month = '{prev_dec}' AND employment = 'visstid')
                   AS headcount_change_visstid
        FROM staff GROUP BY ROLLUP (division)),
    rates AS (SELECT division, person_id, sum(rate) AS rate FROM staff WHERE month = '{end}' GROUP BY ALL),
    fte AS (SELECT coalesce(division, 'Region') AS division, sum(rate) AS fte FROM rates GROUP BY ROLLUP (division)),
    hours AS (
        SELECT coalesce(division, 'Region') AS division,
               sum(worked_hours) FILTER (WHERE month IN {p}) AS worked_hours_prev_year,
               100 * (sum(worked_hours) FILTER (WHERE month IN {m}) - sum(worked_hours) FILTER (WHERE month IN {p}))
                   / sum(worked_hours) FILTER (WHERE month IN {p}) AS worked_hours_change_pct,
               sum(worked_hours) FILTER (WHERE month IN {m}) / (8 * (SELECT now FROM wd)) AS worked_fte,
               sum(worked_hours) FILTER (WHERE month IN {p}) / (8 * (SELECT prev FROM wd)) AS worked_fte_prev_year,
               sum(overtime) FILTER (WHERE month IN {m}) AS overtime_hours,
               sum(additional) FILTER (WHERE month IN {m}) AS additional_hours
        FROM employees GROUP BY ROLLUP (division)),
    costs AS (  -- the region's row: every division's rows and the central level's
        SELECT coalesce(division, 'Region') AS division,
               -sum(actual) FILTER (WHERE month IN {m} AND {PERSONNEL}) AS personnel_cost,
               -sum(actual) FILTER (WHERE month IN {p} AND {PERSONNEL}) AS personnel_cost_prev,
               -sum(actual) FILTER (WHERE month IN {m} AND {HIRED}) AS hired_staff_cost
        FROM finance GROUP BY ROLLUP (division)),
    inv AS (
        SELECT coalesce(division, 'Region') AS division,
               sum(actual) FILTER (WHERE month IN {m}) AS investments,
               sum(budget) FILTER (WHERE month IN {year_months}) AS investment_budget_year
        FROM investments GROUP BY ROLLUP (division))
    SELECT econ.division, result_change, result_prev_full_year, headcount_start, headcount_change_pct,
           headcount_change_tillsvidare, headcount_change_visstid, worked_hours_prev_year, worked_hours_change_pct,
           worked_fte, worked_fte_prev_year, overtime_hours, additional_hours,
           overtime_hours / fte AS overtime_per_fte, additional_hours / fte AS additional_per_fte,
           personnel_cost, 100 * (personnel_cost - personnel_cost_prev) / personnel_cost_prev
               AS personnel_cost_change_pct,
           hired_staff_cost, 100 * hired_staff_cost / personnel_cost AS hired_staff_share_pct,
           investments, investment_budget_year
    FROM econ LEFT JOIN hc USING (division) LEFT JOIN fte USING (division) LEFT JOIN hours USING (division)
    LEFT JOIN costs USING (division) LEFT JOIN inv USING (division)
    ORDER BY division
    """
