"""What the report notebooks show: Swedish tables, charts and narrative, as objects.

The notebooks stay thin: each cell calls one method here, and the method
returns what the cell shows (:mod:`regionanalytics.report.views`): a table, a chart or
sentences, with the figures behind it in ``.data``. Tables escape every text
from the data; numbers use the Swedish formats of
:mod:`regionanalytics.formatting`; sick-leave figures of small groups show as
``*`` with a note. No person-level row is ever shown.

Example (in a notebook or JupyterLab)::

    r = DivisionReport.open(period="2021-T1", division="Länsteknik", data_dir="../data/sample")
    r.summary()                       # the narrative
    units = r.economy_table().data    # result against budget per unit, a DataFrame
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import labels, metrics
from ..data import RegionData, load_region
from ..parameters import check_division, check_period, units_of
from ..periods import months_sv
from ..summary import NO_BUDGET, SICK_LEAVE_FIGURES, STAFF_FIGURES, months_without_rows
from ..validation import finance_gaps
from . import charts, narrative, views
from . import texts as tx
from ._base import (_INVESTMENT_COLUMNS, _STAFF_COST_COLUMNS, TEXTS, TEXTS_WRITTEN, _hidden_text, _ledger_notes,
                    _message, _missing, _read_written, _region_figures, _Report, _scope_figures, _sick_months,
                    _unit_sick_totals, sick_flag_columns, with_change_reason)

_PARTS: dict = {}


def _parts(data: RegionData, table: str, by: tuple[str, ...]) -> dict:
    """The rows of one table per division (or per division and unit), split once per data
    set in a kernel (by the files' digests, whatever the period): a warm kernel's reports
    each take their own part instead of filtering the region's rows again for every
    table they show."""
    def split(data: RegionData) -> dict:
        df = getattr(data, table)
        parts = {key if len(by) > 1 else key[0]: part
                 for key, part in df.groupby(list(by), sort=False, dropna=False)}
        parts[None] = df.iloc[:0]  # the empty part, for a group without rows
        return parts

    return _of_data(data, ("parts", table, by), split)


def _of_data(data: RegionData, name, compute):
    """``compute(data)``, worked out once per data set in a kernel (by the files' digests,
    whatever the period): what every report of a warm kernel reads alike. A data set
    without digests (not loaded from files) is never kept."""
    if not data.fingerprint:
        return compute(data)
    data_key = tuple(sorted(data.fingerprint.items()))
    if _PARTS.get("data") != data_key:
        _PARTS.clear()
        _PARTS["data"] = data_key
    memo = _PARTS.setdefault("parts", {})
    if name not in memo:
        memo[name] = compute(data)
    return memo[name]


def _units_of(data: RegionData) -> dict[str, list[str]]:
    """Every division's units (:func:`~regionanalytics.parameters.units_of`), once per data
    set in a kernel: a report's text is looked up against every scope's name."""
    return {d: list(units) for d, units in _of_data(data, "units", units_of).items()}


_TOTALS: dict = {}


def total_of(func, period, *tables: pd.DataFrame) -> pd.DataFrame:
    """``func(*tables, period, by=[])``: a metric's total over a report's own rows, worked
    out once for the same rows (a unit's report reads its result, headcount, hours and
    forecast for its key figures and again for its tables). The memo holds the very
    frames it was given (compared by identity, never by an address a freed frame leaves)
    and gives a copy."""
    key = (func.__module__, func.__qualname__, getattr(period, "label", period))
    held = _TOTALS.get(key)
    if held is None or len(held[0]) != len(tables) or any(a is not b for a, b in zip(held[0], tables)):
        _TOTALS[key] = held = (tables, func(*tables, period, by=[]))
    return held[1].copy()


_STRUCTURE = ["fte", "fte_kolada", "fulltime_share_pct", "turnover_pct", "turnover_12m_pct",
              "overtime_per_fte", "additional_per_fte"]


def _with_month_sv(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its months also as Swedish text ("april 2021"), for the charts' tables."""
    return df.assign(month_sv=df["month"].map(lambda m: months_sv([m])))


@dataclass
class DivisionReport(_Report):
    """The division report of one period, as the notebook shows it."""

    division: str = ""
    #: What the page reports on, in running text, and its tables' total row.
    _subject = "divisionen"
    _total_label = labels.DIVISION_TOTAL

    @classmethod
    def open(cls, period: str, division: str, data_dir: str | Path,
             texts_dir: str | Path | None = None) -> "DivisionReport":
        """Load the data and check the parameters; a bad one stops here with a clear message.
        The division's text is read from ``texts_dir`` (default ``<data_dir>/texts``), in
        its ``<period>`` folder."""
        charts.set_theme()
        data = load_region(data_dir)
        p = check_period(data, period)
        check_division(data, division)
        region = _region_figures(data, p)
        folder = tx.texts_folder(data_dir, p.label, texts_dir or None)
        return cls(period=p, data=data, data_dir=str(data_dir), key=region["key"],
                   unknown=region["unknown"], division=division, texts=folder,
                   written=_read_written(folder, lambda f: tx.division_file(f, division, _units_of(data))))

    def _text_scope(self) -> tx.Scope:
        return tx.Scope(self.division, _scope_figures(self.data, self.period))

    def comment(self) -> views.Markup | views.Text:
        """The division's own summary (its text before the first heading), or a visible
        "Divisionens kommentar saknas" when the division has no text file."""
        if self.written is None:
            return views.Text([TEXTS_WRITTEN["comment_missing"]], css_class="ra-missing")
        return self._written_html(self.written.summary, byline=True)

    def text(self, section: str) -> views.Markup:
        """The division's text under the heading ``section`` (``Ekonomi``, ``Medarbetare``,
        ``Sjukfrånvaro``, ``Produktion``, ``Måluppfyllelse``), shown after its figures."""
        return self._written_html(self.written.section(section) if self.written else None)

    @property
    def _row(self) -> dict:
        """The division's key metrics (read once a report: the summary and the staff
        structure read a dozen of them)."""
        if getattr(self, "_row_cache", None) is None:
            self._row_cache = self.key.set_index("division").loc[self.division].to_dict()
        return dict(self._row_cache)

    def _goals(self) -> pd.DataFrame:
        """The division's goal fulfilment (the summary and the scorecard both read it)."""
        if getattr(self, "_goals_cache", None) is None:
            self._goals_cache = metrics.goal_fulfilment(self._table("goals"), self.period)
        return self._goals_cache.copy()

    def _only(self, df: pd.DataFrame) -> pd.DataFrame:
        return df[df["division"] == self.division]

    def _table(self, name: str) -> pd.DataFrame:
        """The division's rows of one of the data set's tables."""
        parts = _parts(self.data, name, ("division",))
        return parts.get(self.division, parts[None])

    def header(self) -> views.Markup:
        return self._header(TEXTS["division_title"].format(
            title=self.period.title_sv, division=labels.division_name(self.division, capital=True)))

    def summary(self) -> views.Text:
        goals = self._goals()
        return views.Text(narrative.economy(self._row, self.period, self.unknown)
                          + narrative.staff(self._row, self.period, self.unknown)
                          + narrative.goals(dict(zip(goals["perspective"], goals["assessment"]))))

    def _unit_forecasts(self) -> pd.DataFrame:
        """The forecast of every unit (the forecast table and the data notes read it)."""
        return self._forecasts()[0]

    def _forecasts(self) -> list[pd.DataFrame]:
        """The forecast of every unit and of the division, from one pass (read once a report)."""
        if getattr(self, "_forecast_cache", None) is None:
            self._forecast_cache = metrics.forecast_deviations(
                self._table("forecast"), self._table("finance"), self.period, ["unit"], [])
        return self._forecast_cache

    def data_notes(self) -> views.Markup:
        """What a reader should know about the division's data: units without a forecast
        (their budget stands in), units without finance rows in a month, figures that
        cannot be given."""
        notes = []
        fc = self._unit_forecasts()
        lacking = fc.loc[fc["units_without_forecast"] > 0, "unit"].tolist()
        if lacking:
            notes.append(TEXTS["no_forecast_units"].format(when=self.period.when_sv, units=", ".join(lacking)))
        unknown = fc.loc[fc["forecast"].isna(), "unit"].tolist()
        if unknown:  # neither a forecast nor a budget to stand in
            notes.append(TEXTS["no_forecast_no_budget"].format(when=self.period.when_sv, units=", ".join(unknown)))
        gaps = finance_gaps(self._table("finance"))
        for unit, months in zip(gaps["unit"], gaps["months"]):
            notes.append(TEXTS["finance_gap"].format(unit=unit, months=months_sv(months)))
        notes += _ledger_notes(self._table("finance"), self.period, "accounts" in self.data.files)
        staff = set(STAFF_FIGURES) | set(SICK_LEAVE_FIGURES)
        for reason in sorted(set(self.unknown.values())):
            figures = {f for f, r in self.unknown.items() if r == reason}
            key = ("no_budget_note" if reason == NO_BUDGET else "staff_missing" if figures & staff
                   else "missing")
            notes.append(TEXTS[key].format(reason=reason))
        if not notes:
            notes.append(TEXTS["data_complete"])
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        return views.Markup(f'<ul class="ra-notes">{items}</ul>', data=notes)

    # economy ---------------------------------------------------------------
    def economy_table(self) -> views.Table:
        fin = self._table("finance")
        units = metrics.budget_deviation(fin, self.period, by=["unit"])
        total = total_of(metrics.budget_deviation, self.period, fin).iloc[0].to_dict()
        total["unit"] = labels.DIVISION_TOTAL
        return views.table(units, [
            ("unit", "text"), ("result", "mnkr_sign"),
            ("budget", "mnkr_sign"), ("budget_deviation", TEXTS["deviation"], "mnkr_sign"),
            ("result_prev_year", "mnkr_sign"),
            ("change", "mnkr_sign"),
        ], caption=TEXTS["economy_caption"].format(period_sv=self.period.label_sv), total=total,
            note=self._budget_note("budget_missing"))

    def _budget_note(self, text: str) -> str | None:
        """The note under a table whose budget columns are missing (with the reason)."""
        reason = self.unknown.get("budget")
        return TEXTS[text].format(reason=reason) if reason else None

    def result_chart(self) -> views.Chart:
        monthly = _with_month_sv(metrics.monthly_result(self._table("finance"), self.period, by=[]))
        figure = charts.cumulative_result(monthly)
        columns = [("month_sv", labels.TABLE_HEADERS["month"], "text"), ("result_cum", "mnkr_sign")]
        if "budget" in self.unknown:  # the chart has no budget line, nor its table a column
            return views.chart(figure, monthly.drop(columns=["budget", "budget_cum"]), columns,
                               caption=labels.CHARTS["cumulative_result_only"])
        return views.chart(figure, monthly, columns + [("budget_cum", "mnkr_sign")],
                           caption=charts.title_of(charts.cumulative_result))

    def forecast_table(self) -> views.Table:
        fc, total = self._forecasts()
        total = total.iloc[0].to_dict()
        total["unit"] = self._total_label
        return views.table(fc, [
            ("unit", "text"), ("forecast", "mnkr_sign"),
            ("annual_budget", "mnkr_sign"), ("forecast_deviation", "mnkr_sign"),
        ], caption=TEXTS["forecast_caption"].format(year=self.period.year,
                                                     month=total.get("forecast_month") or "–"),
            total=total, note=self._budget_note("annual_budget_missing"))

    def action_plan(self) -> views.Table | views.Text:
        plan = metrics.action_plan_fulfilment(self._table("action_plans"), self.period, by=[])
        if plan["planned"].isna().all():
            return _message("no_action_plan")
        if "action_plan_pct" in self.unknown:
            plan["action_plan_pct"] = float("nan")
        return views.table(plan, [
            ("planned", "mnkr"), ("achieved", "mnkr"),
            ("action_plan_pct", "pct"),
            ("planned_full_year", "mnkr"),
        ], caption=TEXTS["action_plan_caption"])

    def staff_costs(self) -> views.Table | views.Text:
        """Personnel costs and hired staff per unit against last year (when the finance rows
        have account categories)."""
        if "personnel_cost" in self.unknown:
            return _missing(self.unknown["personnel_cost"])
        fin = self._table("finance")
        units = metrics.staff_costs(fin, self.period, by=["unit"])
        total = metrics.staff_costs(fin, self.period, by=[]).iloc[0].to_dict()
        total["unit"] = self._total_label
        return views.table(units, [("unit", "text")] + _STAFF_COST_COLUMNS, total=total,
                           caption=TEXTS["staff_costs_caption"].format(period_sv=self.period.label_sv),
                           note=TEXTS["hired_share_note"])

    def investments(self) -> views.Table | views.Text:
        """Investments to date per project against budget."""
        inv = self._table("investments")
        if inv.empty:
            return views.Text([TEXTS["no_investments"].format(subject=labels.division_name(self.division))])
        projects = metrics.investments(inv, self.period, by=["project"])
        total = metrics.investments(inv, self.period, by=[]).iloc[0].to_dict()
        total["project"] = labels.DIVISION_TOTAL
        return views.table(projects, [("project", "text")] + _INVESTMENT_COLUMNS, total=total,
                           caption=TEXTS["investments_caption"].format(period_sv=self.period.label_sv))

    # staff -----------------------------------------------------------------
    def staff_structure(self) -> views.Table | views.Text:
        """Årsarbetare, the full-time share, turnover and övertid/mertid per årsarbetare."""
        if "fte" in self.unknown:
            return _missing(self.unknown["fte"])
        own = self._row
        row = {k: own.get(k) for k in _STRUCTURE}
        for k in _STRUCTURE:
            if k in self.unknown:
                row[k] = None
        month = metrics.kolada_month(self.period)
        contracted = "actual_employment_rate" not in self.data.employees or \
            self.data.employees["actual_employment_rate"].isna().all()
        note = TEXTS["staff_structure_note"].format(
            month=months_sv([month]), twelve=months_sv([self.period.previous_year().end_month]),
            end=months_sv([self.period.end_month]),
            rates=TEXTS["kolada_contracted"] if contracted else TEXTS["kolada_actual"])
        return views.table(pd.DataFrame([row]), [(k, "dec") for k in _STRUCTURE], note=note,
                           caption=TEXTS["staff_structure_caption"].format(period_sv=self.period.label_sv))

    def staff_table(self) -> views.Group | views.Text:
        if "headcount" in self.unknown:
            return _missing(self.unknown["headcount"])
        emp = self._table("employees")
        forms = metrics.headcount(emp, self.period, by=["employment"])
        forms["employment"] = forms["employment"].map(labels.EMPLOYMENT)
        total = total_of(metrics.headcount, self.period, emp).iloc[0].to_dict()
        total["employment"] = labels.MONTHLY_PAID_TOTAL
        counts = views.table(forms, [
            ("employment", "text"),
            ("headcount_start", TEXTS["december"].format(year=self.period.year - 1), "int"),
            ("headcount", self.period.label_sv.capitalize(), "int"),
            ("headcount_change", "int_sign"),
            ("headcount_change_pct", "pct_sign"),
        ], caption=TEXTS["staff_caption"], total=total)
        hours = total_of(metrics.worked_hours, self.period, emp)
        worked = views.table(hours, [
            ("worked_hours", "num"), ("worked_hours_prev_year", "num"),
            ("worked_hours_change_pct", "pct_sign"),
            ("worked_fte", "dec"), ("worked_fte_prev_year", "dec"),
        ], caption=TEXTS["hours_caption"])
        return views.Group([counts, worked])

    def _months(self) -> pd.DataFrame:
        """The report's monthly sick-leave figures as the model decides them."""
        return _sick_months(self.data, self.period, self.division)

    def sick_leave_chart(self) -> views.Chart | views.Text:
        if "sick_leave_pct" in self.unknown:
            return _missing(self.unknown["sick_leave_pct"])
        monthly = self._months()
        monthly = monthly[monthly["month"].isin(self.period.months)].reset_index(drop=True)
        if monthly["suppressed"].all() and monthly["suppressed_prev_year"].all():
            # nothing to draw: say why instead of an empty chart with a legend
            return _hidden_text(list(monthly["reason"]) + list(monthly["reason_prev_year"]))
        shown = monthly[["month", "sick_leave_pct", "sick_leave_pct_prev_year", "reason", "reason_prev_year"]]
        return views.chart(charts.sick_leave_by_month(monthly, self.period.year), _with_month_sv(shown),
                           [("month_sv", labels.TABLE_HEADERS["month"], "text"),
                            ("sick_leave_pct", str(self.period.year), "pct"),
                            ("sick_leave_pct_prev_year", str(self.period.year - 1), "pct")],
                           caption=charts.title_of(charts.sick_leave_by_month), suppressed=sick_flag_columns(),
                           note=views.suppressed_note(shown["reason"], shown["reason_prev_year"]))

    def _key_figures(self) -> pd.DataFrame:
        figures = _region_figures(self.data, self.period)["sick_figures"]
        return self._only(figures).drop(columns="division").reset_index(drop=True)

    def sick_leave_table(self) -> views.Table | views.Text:
        if "sick_leave_pct" in self.unknown:
            return _missing(self.unknown["sick_leave_pct"])
        kf = with_change_reason(self._key_figures())
        shown = kf.assign(figure=kf["figure"].map(labels.SICK_LEAVE_FIGURES))
        return views.table(shown, [
            ("figure", "text"), ("value", TEXTS["this_year_pct"], "pct"),
            ("value_prev_year", TEXTS["last_year_pct"], "pct"), ("change_pp", "pp"),
        ], caption=TEXTS["sick_caption"], suppressed=sick_flag_columns(),
            note=self._sick_note(kf["reason"], kf["reason_prev_year"]))

    def sick_leave_by_unit(self) -> views.Table | views.Text:
        if "sick_leave_pct" in self.unknown:
            return _missing(self.unknown["sick_leave_pct"])
        units = _unit_sick_totals(self.data, self.period)
        units = with_change_reason(self._only(units).drop(columns="division").reset_index(drop=True))
        return views.table(units, [
            ("unit", "text"), ("sick_leave_pct", "pct"),
            ("sick_leave_pct_prev_year", "pct"),
            ("sick_leave_change_pp", "pp"),
            ("long_term_sick_share_pct", "pct"),
        ], caption=TEXTS["sick_by_unit_caption"], suppressed=sick_flag_columns(),
            note=self._sick_note(units["reason"], units["reason_prev_year"]))

    # production and goals -------------------------------------------------
    def production_table(self) -> views.Table | views.Text:
        prod = self._table("production")
        if prod.empty:
            return views.Text([TEXTS["no_production"].format(subject=self._subject)])
        # the whole table's months: a production export that ends early is no drop in volume
        gone = months_without_rows(self.data.production, self.period.months + self.period.previous_year().months)
        if gone:
            return _missing(TEXTS["production_missing"].format(months=months_sv(gone)))
        df = metrics.production_change(prod, self.period, by=["unit", "measure"])
        return views.table(df, [
            ("unit", "text"), ("measure", "text"), ("value", TEXTS["outcome"], "num"),
            ("value_prev_year", "num"), ("change_pct", "pct_sign"),
        ], caption=TEXTS["production_caption"].format(period_sv=self.period.label_sv))

    def scorecard(self) -> views.Table | views.Text:
        df = self._goals()
        if df.empty:
            return _message("no_scorecard")
        shown = df.assign(assessment=df["assessment"].map(lambda a: labels.ASSESSMENT.get(a, labels.ASSESSMENT[None])),
                          perspective=df["perspective"].str.capitalize())
        out = views.table(shown, [
            ("perspective", "text"), ("assessment", "text"),
            ("met", "int"), ("partly", "int"),
            ("not_met", "int"),
        ], caption=TEXTS["scorecard_caption"].format(goals_period=df["goals_period"].iloc[0]))
        out.data = df
        return out

    def unit_links(self, unit_pages: dict | None = None) -> views.Markup:
        """Links to the reports of the division's units, when the batch made them."""
        if not unit_pages:
            return views.Markup("", data={})
        items = "".join(f'<li><a href="{html.escape(page)}">{html.escape(unit)}</a></li>'
                        for unit, page in sorted(unit_pages.items()))
        return views.Markup(f"<h2>{html.escape(TEXTS['unit_reports'])}</h2><ul>{items}</ul>", data=unit_pages)

    def record(self) -> None:
        """Record the division's key figures in the notebook (read by the runner and tests)."""
        self._record({"division": self.division, "period": self.period.label, **self._row})
