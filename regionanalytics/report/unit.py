"""The report of one unit of a division: the division report's sections on the unit's rows."""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import labels, metrics
from ..data import RegionData, load_region
from ..parameters import check_division, check_period, check_unit
from ..periods import Period
from ..summary import KEY_METRICS, SICK_LEAVE_FIGURES
from . import charts, narrative, texts as tx, views
from ._base import TEXTS, _read_written, _region_figures, _sick_months
from .division import DivisionReport, _parts, _units_of, total_of


def unit_figures(data: RegionData, period: Period, division: str, unit: str) -> dict:
    """A unit's key figures (the key metrics are per division), from the unit's own rows:
    result, budget and forecast, headcount and hours, and its sick leave as the one model
    over every shown figure decides it (:mod:`regionanalytics.metrics.shown_sick_leave`)."""
    def rows(name: str) -> pd.DataFrame:
        parts = _parts(data, name, ("division", "unit"))
        return parts.get((division, unit), parts[None])

    fin, employees = rows("finance"), rows("employees")
    economy = total_of(metrics.budget_deviation, period, fin).iloc[0].to_dict()
    staff = total_of(metrics.headcount, period, employees).iloc[0].to_dict()
    hours = total_of(metrics.worked_hours, period, employees).iloc[0].to_dict()
    sick = unit_sick_figures(data, period, division, unit).set_index("figure")
    forecast = total_of(metrics.forecast_deviation, period, rows("forecast"), fin).iloc[0]

    def sick_value(figure: str, column: str):
        return sick.loc[figure, column] if figure in sick.index else None

    return {**economy, "result_change": economy["change"], **staff, **hours,
            "forecast": forecast["forecast"], "forecast_deviation": forecast["forecast_deviation"],
            "sick_leave_pct": sick_value("total", "value"),
            "sick_leave_pct_prev_year": sick_value("total", "value_prev_year"),
            "sick_leave_change_pp": sick_value("total", "change_pp"),
            "long_term_sick_share_pct": sick_value("long_term_share", "value"),
            "sick_leave_reason": sick_value("total", "reason") if "total" in sick.index else "small"}


def unit_sick_figures(data: RegionData, period: Period, division: str, unit: str) -> pd.DataFrame:
    """The unit's rows of the shown sick-leave figures (total, long-term share, by gender and age)."""
    figures = _region_figures(data, period)["unit_sick_figures"]
    mine = figures[(figures["division"] == division) & (figures["unit"] == unit)]
    return mine.drop(columns=["division", "unit"]).reset_index(drop=True)


def unit_text_figures(row: dict, unknown: dict) -> dict[str, tx.Figure]:
    """A unit's own figures as its text's placeholders name them: a sick-leave figure that
    is empty is hidden (a small group, or one that would let a small group's be worked
    out), a figure the data cannot give says why."""
    out = {}
    for metric, value in row.items():
        if metric in SICK_LEAVE_FIGURES and (value is None or value != value):
            out[metric] = tx.Figure(None, "suppressed")
        elif value is None or isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        elif metric in unknown:
            out[metric] = tx.Figure(None, "missing", unknown[metric])
        elif value != value:  # NaN
            out[metric] = tx.Figure(None, "none")
        else:
            out[metric] = tx.Figure(float(value))
    for metric in SICK_LEAVE_FIGURES:  # a unit without rows of its own has none to show
        out.setdefault(metric, tx.Figure(None, "suppressed"))
    for metric in KEY_METRICS:  # a key figure the unit's report does not work out says so
        out.setdefault(metric, tx.Figure(None, "missing", labels.WRITTEN["unit_figure_none"]))
    return out


def unit_scope_figures(data: RegionData, period: Period):
    """``(division, unit) -> the unit's figures as its text names them``, for
    :func:`regionanalytics.report.text_check.check_texts` (computed only for the units
    that have a text)."""
    def figures(division: str, unit: str) -> dict[str, tx.Figure]:
        # the region's figures (the sick-leave model over every shown figure) are worked
        # out on the first unit that asks, once per data set and period
        unknown = _region_figures(data, period)["unknown"]
        return unit_text_figures(unit_figures(data, period, division, unit), unknown)

    return figures


@dataclass
class UnitReport(DivisionReport):
    """The report of one unit (verksamhetsområde, hälsocentral, klinik) of a division."""

    unit: str = ""
    _subject = "verksamheten"
    _total_label = TEXTS["unit_total"]
    #: A unit's report has no goals section: a text's "Måluppfyllelse" ends the report.
    _TEXT_SECTIONS = tuple(s for s in labels.TEXT_SECTIONS if s != "Måluppfyllelse")

    @classmethod
    def open(cls, period: str, division: str, unit: str, data_dir: str | Path,
             texts_dir: str | Path | None = None) -> "UnitReport":
        """Load the data and check the parameters; a bad one stops here with a clear message.
        A unit's text is optional (``<unit>.md`` in the period's texts folder)."""
        charts.set_theme()
        data = load_region(data_dir)
        p = check_period(data, period)
        check_division(data, division)
        check_unit(data, division, unit)
        region = _region_figures(data, p)
        folder = tx.texts_folder(data_dir, p.label, texts_dir or None)
        return cls(period=p, data=data, data_dir=str(data_dir), key=region["key"],
                   unknown=region["unknown"], division=division, unit=unit, texts=folder,
                   written=_read_written(folder, lambda f: tx.unit_file(f, division, unit, _units_of(data))))

    def _text_scope(self) -> tx.Scope:
        return tx.Scope(self.unit, {self.unit: unit_text_figures(self._figures, self.unknown)})

    def comment(self) -> views.Markup:
        """The unit's own summary, when it has a text (a unit's text is optional)."""
        return self._written_html(self.written.summary if self.written else None, byline=True)

    def _only(self, df: pd.DataFrame) -> pd.DataFrame:
        if "unit" not in df:  # goals and action plans are the division's
            return df[df["division"] == self.division]
        return df[(df["division"] == self.division) & (df["unit"] == self.unit)]

    def _table(self, name: str) -> pd.DataFrame:
        """The unit's rows of one of the data set's tables (the division's, for a table
        without units: goals and action plans)."""
        if "unit" not in getattr(self.data, name):
            return super()._table(name)
        parts = _parts(self.data, name, ("division", "unit"))
        return parts.get((self.division, self.unit), parts[None])

    @property
    def _figures(self) -> dict:
        """The unit's key figures (:func:`unit_figures`), computed once."""
        if getattr(self, "_figures_cache", None) is None:
            self._figures_cache = unit_figures(self.data, self.period, self.division, self.unit)
        return self._figures_cache

    def _sick_figures(self) -> pd.DataFrame:
        return unit_sick_figures(self.data, self.period, self.division, self.unit)

    _key_figures = _sick_figures

    def _months(self) -> pd.DataFrame:
        return _sick_months(self.data, self.period, self.division, self.unit)

    def header(self) -> views.Markup:
        return self._header(TEXTS["unit_title"].format(
            title=self.period.title_sv, unit=self.unit,
            division=labels.division_name(self.division, capital=True)))

    def summary(self) -> views.Text:
        row = {k: v for k, v in self._figures.items() if k != "headcount_change_tillsvidare"}
        text = [s.replace(TEXTS["division_subject"], TEXTS["unit_subject"]) for s in
                narrative.economy(row, self.period, self.unknown) + narrative.staff(row, self.period, self.unknown)]
        return views.Text(text)

    def economy_table(self) -> views.Table:
        fin = self._table("finance")
        accounts = metrics.budget_deviation(fin, self.period, by=["account"])
        total = total_of(metrics.budget_deviation, self.period, fin).iloc[0].to_dict()
        total["account"] = TEXTS["unit_total"]
        return views.table(accounts, [
            ("account", labels.DIMENSIONS["account"], "text"), ("result", "mnkr_sign"),
            ("budget", "mnkr_sign"), ("budget_deviation", TEXTS["deviation"], "mnkr_sign"),
            ("result_prev_year", "mnkr_sign"), ("change", "mnkr_sign"),
        ], caption=TEXTS["economy_caption"].format(period_sv=self.period.label_sv), total=total,
            note=self._budget_note("budget_missing"))

    def record(self) -> None:
        """Record the unit's key figures in the notebook (read by the runner and tests)."""
        keys = ("result", "budget", "budget_deviation", "result_prev_year", "forecast", "forecast_deviation",
                "headcount", "headcount_change",
                "worked_hours", "sick_leave_pct", "sick_leave_change_pp")
        self._record({"division": self.division, "unit": self.unit, "period": self.period.label,
                      **{k: self._figures.get(k) for k in keys}})
