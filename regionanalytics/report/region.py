"""The region overview: every division's key figures side by side, and the region's result."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import labels, metrics
from ..exceptions import StatementError
from ..formatting import is_missing
from ..metrics import statements as st
from ..periods import MONTH_NAMES_SV
from ..summary import account_plan
from ..data import load_region
from ..parameters import check_period
from ..summary import REGION_ROW, staff_cost_rows
from . import charts, narrative, views
from ._base import (_INVESTMENT_COLUMNS, _STAFF_COST_COLUMNS, TEXTS, _message, _missing, _unplaced_notes,
                    sick_flag_columns, with_change_reason,
                    _region_figures, _Report)

#: The region's result, as the overview's table shows it (metric, kind).
_REGION_RESULT = [("net_cost", "mnkr"), ("net_cost_change_pct", "pct_sign"), ("tax_revenue", "mnkr"),
                  ("tax_revenue_change_pct", "pct_sign"), ("financial_net", "mnkr_sign"),
                  ("region_result", "mnkr_sign"), ("region_result_budget", "mnkr_sign")]


@dataclass
class RegionOverview(_Report):
    """The region overview of one period."""

    @classmethod
    def open(cls, period: str, data_dir: str | Path) -> "RegionOverview":
        charts.set_theme()
        data = load_region(data_dir)
        p = check_period(data, period)
        region = _region_figures(data, p)
        return cls(period=p, data=data, data_dir=str(data_dir), key=region["key"], unknown=region["unknown"])

    def header(self) -> views.Markup:
        return self._header(TEXTS["region_title"].format(title=self.period.title_sv))

    @property
    def _rows(self) -> dict:
        return {d: r for d, r in self.key.set_index("division").to_dict("index").items()}

    @property
    def _divisions(self) -> pd.DataFrame:
        return self.key[self.key["division"] != REGION_ROW].reset_index(drop=True)

    def summary(self) -> views.Text:
        return views.Text(narrative.region(self._rows, self.period, self.unknown))

    def division_table(self) -> views.Table:
        total = self.key[self.key["division"] == REGION_ROW].iloc[0].to_dict()
        total["division"] = labels.DIVISIONS_TOTAL  # the divisions' sum, not the region's result
        divisions = with_change_reason(self._divisions, "sick_leave_reason", "sick_leave_reason_prev_year")
        return views.table(divisions, [
            ("division", "text"), ("result", "mnkr_sign"),
            ("budget_deviation", "mnkr_sign"),
            ("result_change", "mnkr_sign"),
            ("forecast_deviation", "mnkr_sign"),
            ("sick_leave_pct", "pct"),
            ("sick_leave_change_pp", "pp"),
            ("headcount", "int"),
            ("headcount_change", labels.METRICS["headcount_change"], "int_sign"),
        ], caption=TEXTS["divisions_caption"].format(period_sv=self.period.label_sv), total=total,
            suppressed=sick_flag_columns("sick_leave_reason", "sick_leave_reason_prev_year"),
            note=" ".join(n for n in (self._sick_note(divisions["sick_leave_reason"],
                                                      divisions["sick_leave_reason_prev_year"]),
                                      self._budget_note()) if n) or None)

    def _budget_note(self) -> str | None:
        reason = self.unknown.get("budget_deviation")
        return TEXTS["no_budget_note"].format(reason=reason) if reason else None

    def forecast_changes(self) -> views.Group | views.Text:
        """Each division's full-year forecast now and at the end of the previous tertial,
        with the reference report's sentence on the region's move."""
        earlier = self.period.previous_tertial()
        if earlier is None:
            return _message("no_previous_tertial")
        since = earlier.when_sv.removeprefix("per ")
        total = self.key[self.key["division"] == REGION_ROW].iloc[0].to_dict()
        total["division"] = labels.DIVISIONS_TOTAL  # the divisions' sum, not the region's result
        table = views.table(self._divisions, [
            ("division", "text"), ("forecast_prev_tertial", "mnkr_sign"), ("forecast", "mnkr_sign"),
            ("forecast_change_since_tertial", "mnkr_sign")], total=total,
            caption=TEXTS["forecast_changes_caption"].format(year=self.period.year, since=since))
        sentence = narrative.forecast_change(total["forecast_change_since_tertial"], since)
        return views.Group([views.Text([sentence]), table])

    def region_result(self) -> views.Group | views.Text:
        """The region's result with tax revenue and financial items, and the net cost development."""
        if "region_result" in self.unknown:
            return _missing(self.unknown["region_result"])
        row = self._rows[REGION_ROW]
        shown = pd.DataFrame({"figure": [labels.METRICS[m] for m, _ in _REGION_RESULT],
                              "value": [row[m] for m, _ in _REGION_RESULT]})
        body = "".join(f'<tr><th scope="row">{html.escape(labels.METRICS[m])}</th>'
                       f'<td class="num">{views.cell(row[m], kind)}</td></tr>' for m, kind in _REGION_RESULT)
        caption = TEXTS["region_result_caption"].format(period_sv=self.period.label_sv)
        table = views.Table(data=shown, html=f'<table class="ra-table"><caption>{html.escape(caption)}</caption>'
                                              f'<tbody>{body}</tbody></table>')
        # every row counts in the region's result: say which accounts the plan could not
        # place, with their amounts, and when there is no budget to compare with
        unplaced = pd.concat([self.data.finance[self.data.finance["category"].isna()],
                              self.data.central[self.data.central["category"].isna()]], ignore_index=True)
        notes = _unplaced_notes(unplaced, self.period, "accounts" in self.data.files)
        if "region_result_budget" in self.unknown:
            notes.append(TEXTS["no_budget_note"].format(reason=self.unknown["region_result_budget"]))
        items = [views.Text(narrative.region_result(row, self.period)), table]
        if notes:
            items.append(views.Text(notes, css_class="ra-note"))
        return views.Group(items)

    # -- the statements a delårsrapport holds (LKBR 13 kap., RKR R17) ----------------------

    @property
    def _full_statements(self) -> bool:
        """Whether the period is a delårsrapport's (at least half of the year, RKR R17: per
        augusti) or the year's: the statements are then shown in full."""
        return int(self.period.end_month[5:]) >= 6

    def _statement_table(self, df: pd.DataFrame, columns: list[tuple[str, str]], caption: str,
                         totals: set[str] = frozenset()) -> views.Table:
        """A statement as an accessible table: the lines are row headers, the columns' headers
        scoped; a missing cell is ``–`` and the note under the table says why."""
        notes = df.attrs.get("notes", {})
        head = "".join(f'<th scope="col">{html.escape(labels.STATEMENT_HEADERS[c])}</th>' for c in ["line"] + [c for c, _ in columns])
        body, reasons = [], []
        for rec in df.to_dict("records"):
            cells = []
            for column, kind in columns:
                value = rec[column]
                if is_missing(value):
                    why = notes.get((rec["line"], column)) or notes.get(column)
                    if why and why not in reasons:
                        reasons.append(why)
                cells.append(f'<td class="num">{views.cell(value, kind)}</td>')
            cls = ' class="total"' if rec["line"] in totals else ""
            body.append(f'<tr{cls}><th scope="row">{html.escape(labels.STATEMENT_LINES[rec["line"]])}</th>'
                        f'{"".join(cells)}</tr>')
        foot = (f'<p class="ra-note">{html.escape(TEXTS["statement_notes"].format(notes="; ".join(reasons)))}</p>'
                if reasons else "")
        shown = df.assign(label=df["line"].map(labels.STATEMENT_LINES))
        return views.Table(data=shown, html=f'<table class="ra-table"><caption>{html.escape(caption)}</caption>'
                                            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{foot}')

    def income_statement(self) -> views.Group | views.Text:
        """The resultaträkning: the period, last year's, the year's budget and forecast."""
        if not self._full_statements:
            return _message("statements_half_year")
        if "region_result" in self.unknown:
            return _missing(self.unknown["region_result"])
        rr = st.income_statement(self.data.finance, self.data.central, self.data.forecast, self.period,
                                 account_plan(self.data))
        table = self._statement_table(
            rr, [("actual", "mnkr_sign"), ("actual_prev_year", "mnkr_sign"), ("annual_budget", "mnkr_sign"),
                 ("forecast", "mnkr_sign")],
            TEXTS["income_statement_caption"].format(period_sv=self.period.label_sv), set(st.SUBTOTALS))
        notes = []
        others = rr.attrs["units_without_forecast"] - int(rr.attrs["central_from_budget"])
        if rr.attrs["central_from_budget"]:
            notes.append(TEXTS["central_forecast_from_budget"])
        if others > 0:
            notes.append(TEXTS["units_forecast_from_budget"].format(units=others))
        return views.Group([table] + ([views.Text(notes, css_class="ra-note")] if notes else []))

    @property
    def _balance_date(self) -> str:
        """The balance sheet's date in Swedish: ``den 31 augusti 2021``."""
        end = self.period.end
        return f"den {end.day} {MONTH_NAMES_SV[end.month - 1]} {end.year}"

    def balance_sheet(self) -> views.Table | views.Text:
        """The balansräkning at the period's end against 31 december last year."""
        if not self._full_statements:
            return _message("statements_half_year")
        if self.data.balance.empty:
            return _missing(labels.STATEMENT_REASONS["no_balance"].format(months=self.period.label_sv))
        try:
            bs = st.balance_sheet(self.data.balance, self.data.finance, self.data.central, self.period)
        except StatementError as error:
            return _missing(error.reason_sv)
        return self._statement_table(
            bs, [("at_end", "mnkr"), ("at_prev_year_end", "mnkr")],
            TEXTS["balance_sheet_caption"].format(when=self._balance_date),
            {"total_assets", "total_equity_liabilities"})

    def balance_requirement(self) -> views.Group | views.Text:
        """The balanskravsutredning and the sentence a förvaltningsberättelse writes; per
        april the forecast's only."""
        if "region_result" in self.unknown:
            return _missing(self.unknown["region_result"])
        br = st.balance_requirement(self.data.finance, self.data.central, self.data.forecast, self.period,
                                    account_plan(self.data), self.data.balance)
        columns = [("period", "mnkr_sign"), ("forecast", "mnkr_sign")] if self._full_statements \
            else [("forecast", "mnkr_sign")]
        key = "balance_requirement_caption" if self._full_statements else "balance_requirement_caption_forecast"
        table = self._statement_table(br, columns, TEXTS[key].format(period_sv=self.period.label_sv,
                                                                     year=self.period.year),
                                      {"result_after_adjustments", "balance_requirement_result"})
        row = br.set_index("line")
        value = row.loc["balance_requirement_result", "period" if self.period.is_full_year else "forecast"]
        missing = [labels.STATEMENT_LINES[line].lower().removeprefix("avgår ") for line in br.attrs["incomplete"]]
        sentence = narrative.balance_requirement(value, self.period, missing)
        return views.Group([views.Text(sentence), table])

    def financial_goals(self) -> views.Group | views.Text:
        """The financial goals of god ekonomisk hushållning, each assessed from the forecast."""
        if not self._full_statements:
            return _message("statements_half_year")
        if self.data.financial_goals.empty:
            return _missing(labels.STATEMENT_REASONS["no_goals"])
        indicators = st.goal_indicators(self.data.finance, self.data.central, self.data.forecast,
                                        self.data.investments, self.data.balance, self.period)
        goals = st.financial_goals(self.data.financial_goals, indicators)
        shown = goals.assign(indicator_sv=goals["indicator"].map(labels.GOAL_INDICATORS),
                             assessment_sv=goals["assessment"].map(lambda a: labels.ASSESSMENT.get(a, labels.ASSESSMENT[None])))
        table = views.table(shown, [("goal", labels.STATEMENT_HEADERS["goal"], "text"),
                                    ("indicator_sv", labels.STATEMENT_HEADERS["indicator"], "text"),
                                    ("target", labels.STATEMENT_HEADERS["target"], "pct"),
                                    ("value", labels.STATEMENT_HEADERS["value"], "pct"),
                                    ("assessment_sv", labels.STATEMENT_HEADERS["assessment"], "text")],
                            caption=TEXTS["financial_goals_caption"].format(year=self.period.year))
        return views.Group([views.Text(narrative.financial_goals(goals["assessment"].tolist(), self.period)), table])

    def staff_costs(self) -> views.Table | views.Text:
        """Personnel costs and hired staff per division against last year, the central level's
        row (pensions and other staff costs booked centrally) and the region's total over both."""
        if "personnel_cost" in self.unknown:
            return _missing(self.unknown["personnel_cost"])
        rows = staff_cost_rows(self.data.finance, self.data.central, self.period)
        total = {**rows[rows["division"] == REGION_ROW].iloc[0].to_dict(), "division": labels.REGION_TOTAL}
        rows = rows[rows["division"] != REGION_ROW]
        central = metrics.staff_costs(self.data.central, self.period, by=[]).iloc[0].to_dict()
        booked = not (pd.isna(central["personnel_cost"]) and pd.isna(central["hired_staff_cost"]))
        if booked and pd.isna(central["hired_staff_cost"]) and "hired_staff_cost" not in self.unknown:
            # the region has hired-staff accounts and the central level books none: 0, known
            central["hired_staff_cost"] = 0.0
            central["hired_staff_share_pct"] = 0.0 if central["personnel_cost"] else float("nan")
        if booked:  # the central level's own row: what it adds to the divisions
            rows = pd.concat([rows, pd.DataFrame([{**central, "division": labels.CENTRAL_LEVEL}])],
                             ignore_index=True)
        caption = TEXTS["region_staff_costs_caption"].format(
            period_sv=self.period.label_sv, rows=TEXTS["staff_cost_rows" if booked else "staff_cost_rows_divisions"])
        return views.table(rows, [("division", "text")] + _STAFF_COST_COLUMNS, total=total, caption=caption,
                           note=TEXTS["hired_share_note"])


    def investments(self) -> views.Table | views.Text:
        """Investments to date per division against budget."""
        if "investments" in self.unknown:
            return _missing(self.unknown["investments"])
        rows = metrics.investments(self.data.investments, self.period, by=["division"])
        total = metrics.investments(self.data.investments, self.period, by=[]).iloc[0].to_dict()
        total["division"] = labels.REGION_TOTAL
        return views.table(rows, [("division", "text")] + _INVESTMENT_COLUMNS, total=total,
                           caption=TEXTS["investments_caption"].format(period_sv=self.period.label_sv))

    def deviation_chart(self) -> views.Chart | views.Text:
        if "budget_deviation" in self.unknown:
            return _missing(self.unknown["budget_deviation"])
        shown = self._divisions[["division", "budget_deviation"]]
        return views.chart(charts.deviation_by_group(self._divisions), shown,
                           [("division", "text"), ("budget_deviation", "mnkr_sign")],
                           caption=charts.title_of(charts.deviation_by_group))

    def goal_heatmap(self) -> views.Chart | views.Text:
        df = metrics.goal_fulfilment(self.data.goals, self.period)
        if df.empty:
            return _message("no_scorecard")
        shown = df.assign(assessment_sv=df["assessment"].map(lambda a: labels.ASSESSMENT.get(a, labels.ASSESSMENT[None])))
        return views.chart(charts.goal_heatmap(df), shown,
                           [("division", "text"), ("perspective", "text"),
                            ("assessment_sv", labels.TABLE_HEADERS["assessment"], "text")],
                           caption=charts.title_of(charts.goal_heatmap))

    def sick_leave_chart(self) -> views.Chart | views.Text:
        if "sick_leave_pct" in self.unknown:
            return _missing(self.unknown["sick_leave_pct"])
        shown = self._divisions[["division", "sick_leave_pct", "sick_leave_pct_prev_year", "sick_leave_reason",
                                 "sick_leave_reason_prev_year"]]
        return views.chart(charts.sick_leave_by_group(self._divisions), shown,
                           [("division", "text"), ("sick_leave_pct", "pct"), ("sick_leave_pct_prev_year", "pct")],
                           caption=charts.title_of(charts.sick_leave_by_group),
                           suppressed=sick_flag_columns("sick_leave_reason", "sick_leave_reason_prev_year"),
                           note=views.suppressed_note(shown["sick_leave_reason"], shown["sick_leave_reason_prev_year"]))

    def record(self) -> None:
        self._record({"division": REGION_ROW, "period": self.period.label, **self._rows[REGION_ROW]})
