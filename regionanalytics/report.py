"""What the report notebooks show: parameter checks, Swedish tables, charts, narrative.

The notebooks stay thin: each cell calls one method here. Tables are HTML with
every text from the data escaped; numbers use the Swedish formats of
:mod:`regionanalytics.formatting`; sick-leave figures of small groups show as
``*`` with a note. No person-level row is ever displayed.

Example (in a notebook)::

    r = DivisionReport.open(period="2021-T1", division="Länsteknik", data_dir="../data/sample")
    r.header()
    r.summary()
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import charts, labels, metrics, narrative
from .data import RegionData, load_region
from .exceptions import ParameterError
from .formatting import SUPPRESSED, fmt_int, fmt_number, is_missing
from .periods import Period, months_sv
from .metrics.sick_leave import RATE_COLUMNS, protect_figures
from .privacy import protect_both_years
from .summary import REGION, key_metrics_wide, unknown_figures

#: MIME type of the figures a report records for the runner and the tests.
FIGURES_MIME = "application/vnd.regionanalytics.figures+json"

_CSS = "ra-table"


# --------------------------------------------------------------------------- display helpers

def _display(obj, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(obj, metadata=metadata)


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _show_figure(fig) -> None:
    """Show a chart with its Swedish alternative text (the report template writes it as ``alt``)."""
    import matplotlib.pyplot as plt

    _display(fig, metadata={"image/png": {"alt": charts.alt_text(fig)}})
    plt.close(fig)


def _cell(value, kind: str, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED
    if kind == "text":
        return "–" if is_missing(value) else html.escape(str(value))
    if kind in ("mnkr", "mnkr_sign"):  # amounts are tkr in the data, mnkr in the tables
        return "–" if is_missing(value) else fmt_number(value / 1000, 1, sign=kind == "mnkr_sign")
    if kind == "int":
        return fmt_int(value)
    if kind == "int_sign":
        return fmt_int(value, sign=True)
    if kind == "pct":
        return fmt_number(value, 1)
    if kind == "pct_sign":
        return fmt_number(value, 1, sign=True)
    if kind == "pp":
        return fmt_number(value, 1, sign=True)
    if kind == "num":
        return fmt_number(value, 0)
    if kind == "dec":
        return fmt_number(value, 1)
    raise ValueError(kind)


def html_table(df: pd.DataFrame, columns: list[tuple[str, str, str]], caption: str | None = None,
               total: dict | None = None, suppressed: str | None = None, note: str | None = None) -> str:
    """An HTML table: ``columns`` are (column, kind) with the header from
    :data:`labels.TABLE_HEADERS`, or (column, header, kind) for a header of its own;
    text is escaped.

    ``suppressed`` names a boolean column: where True, every numeric cell of
    the row that is a sick-leave figure shows ``*``.
    """
    columns = [c if len(c) == 3 else (c[0], labels.TABLE_HEADERS[c[0]], c[1]) for c in columns]
    head = "".join(f"<th>{html.escape(h)}</th>" for _, h, _ in columns)
    rows = []
    records = df.to_dict("records")
    if total is not None:
        records.append({**total, "_total": True})
    for rec in records:
        hide = bool(suppressed and rec.get(suppressed))
        cells = []
        for col, _, kind in columns:
            secret = hide and kind != "text" and col in _SICK_COLUMNS
            cls = "txt" if kind == "text" else "num"
            cells.append(f'<td class="{cls}">{_cell(rec.get(col), kind, secret)}</td>')
        cls = ' class="total"' if rec.get("_total") else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = f'<p class="ra-note">{html.escape(note)}</p>' if note else ""
    return (f'<table class="{_CSS}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


_SICK_COLUMNS = {"sick_leave_pct", "sick_leave_pct_prev_year", "sick_leave_change_pp",
                 "long_term_sick_share_pct", "value", "value_prev_year", "change_pp"}


def _paragraphs(sentences: list[str]) -> str:
    return "".join(f"<p>{html.escape(s)}</p>" for s in sentences)


def check_period(data: RegionData, period: str) -> Period:
    """Parse ``period`` and check the data covers it, else raise :class:`ParameterError`."""
    from .exceptions import PeriodError

    try:
        p = Period.parse(period)
        metrics.require_period(data.finance, p)
    except PeriodError as exc:
        raise ParameterError(f"Parameter period={period!r}: {exc}") from None
    return p


def check_division(data: RegionData, division: str) -> str:
    if division not in data.divisions:
        raise ParameterError(
            f"Parameter division={division!r} is not a division of the data; "
            f"expected one of: {', '.join(data.divisions)}.")
    return division


def _sick_note(df: pd.DataFrame) -> str | None:
    return labels.SUPPRESSED_NOTE if "suppressed" in df and df["suppressed"].any() else None


# --------------------------------------------------------------------------- reports

_MEMO: dict = {}


def _region_figures(data: RegionData, period: Period) -> dict:
    """What every report of a period shows of the whole region, computed once per data set
    and period in a kernel (a warm kernel running several reports reuses it): the key
    metrics, the figures the data cannot give, and the sick-leave key figures of every
    division protected across divisions (a division's figure for women could otherwise be
    worked out from the region's and the other divisions')."""
    key = (tuple(sorted(data.fingerprint.items())), period.label)
    if key not in _MEMO:
        _MEMO.clear()
        hours = metrics.hours_pair(data.employees, data.absence, period)
        figures = metrics.sick_leave_key_figures(data.employees, data.absence, period,
                                                 by=["division"], hours=hours)
        _MEMO[key] = {
            "key": key_metrics_wide(data, period, hours=hours),
            "unknown": unknown_figures(data, period),
            "sick_figures": protect_figures(figures, ["division"], across="division"),
        }
    return _MEMO[key]


def _missing_note(reason: str) -> str:
    return f'<p class="ra-missing">Uppgiften kan inte redovisas: {html.escape(reason)}.</p>'


@dataclass
class _Report:
    period: Period
    data: RegionData
    data_dir: str
    key: pd.DataFrame = field(repr=False)
    unknown: dict = field(default_factory=dict, repr=False)

    def header(self, title: str) -> None:
        # the folder's name only: a local absolute path says nothing to a reader and
        # tells the world where the analyst keeps the data
        source = html.escape(Path(self.data_dir).name or str(self.data_dir))
        files = html.escape(", ".join(p.name for p in self.data.files.values()))
        run = datetime.now().strftime("%Y-%m-%d %H:%M")
        _display(_html(
            f'<div class="ra-header"><h1>{html.escape(title)}</h1>'
            f"<p><b>Period:</b> {html.escape(self.period.label_sv)} ({self.period.label}), "
            f"ackumulerat från januari, jämfört med samma period föregående år.<br>"
            f"<b>Datakälla:</b> {source} ({files})<br><b>Framtagen:</b> {run}</p></div>"))

    def _record(self, figures: dict) -> None:
        from IPython.display import display

        clean = {k: (None if is_missing(v) else v) for k, v in figures.items()}
        display({FIGURES_MIME: clean, "text/plain": ""}, raw=True)


@dataclass
class DivisionReport(_Report):
    """The division report of one period, as the notebook shows it."""

    division: str = ""

    @classmethod
    def open(cls, period: str, division: str, data_dir: str | Path) -> "DivisionReport":
        """Load the data and check the parameters; a bad one stops here with a clear message."""
        charts.set_theme()
        data = load_region(data_dir)
        p = check_period(data, period)
        check_division(data, division)
        region = _region_figures(data, p)
        return cls(period=p, data=data, data_dir=str(data_dir), key=region["key"],
                   unknown=region["unknown"], division=division)

    @property
    def _row(self) -> dict:
        return self.key.set_index("division").loc[self.division].to_dict()

    def _only(self, df: pd.DataFrame) -> pd.DataFrame:
        return df[df["division"] == self.division]

    def header(self) -> None:
        super().header(f"{self.period.title_sv} – {labels.division_name(self.division, capital=True)}")

    def summary(self) -> None:
        goals = metrics.goal_fulfilment(self._only(self.data.goals), self.period)
        text = (narrative.economy(self._row, self.period)
                + narrative.staff(self._row, self.period, self.unknown)
                + narrative.goals(dict(zip(goals["perspective"], goals["assessment"]))))
        _display(_html(_paragraphs(text)))

    def data_notes(self) -> None:
        """What a reader should know about the division's data: units without a forecast
        (their budget stands in), units without finance rows in a month, figures that
        cannot be given."""
        from .validation import finance_gaps

        notes = []
        fc = metrics.forecast_deviation(self._only(self.data.forecast), self._only(self.data.finance),
                                        self.period, by=["unit"])
        lacking = fc.loc[fc["units_without_forecast"] > 0, "unit"].tolist()
        if lacking:
            notes.append(f"Prognos saknas {self.period.when_sv} för {', '.join(lacking)}; "
                         "årsbudgeten har räknats som prognos.")
        gaps = finance_gaps(self._only(self.data.finance))
        for unit, months in zip(gaps["unit"], gaps["months"]):
            notes.append(f"Ekonomiunderlaget har inga rader för {unit} för {months_sv(months)}.")
        for reason in sorted(set(self.unknown.values())):
            notes.append(f"Personal- eller sjukfrånvarouppgifter saknas: {reason}.")
        if not notes:
            notes.append("Underlaget täcker perioden; inga anmärkningar.")
        _display(_html("<ul class=\"ra-notes\">" + "".join(f"<li>{html.escape(n)}</li>" for n in notes)
                       + "</ul>"))

    # economy ---------------------------------------------------------------
    def economy_table(self) -> None:
        fin = self._only(self.data.finance)
        units = metrics.budget_deviation(fin, self.period, by=["unit"])
        total = metrics.budget_deviation(fin, self.period, by=[]).iloc[0].to_dict()
        total["unit"] = "Divisionen totalt"
        _display(_html(html_table(units, [
            ("unit", "text"), ("result", "mnkr_sign"),
            ("budget", "mnkr_sign"), ("budget_deviation", "Avvikelse", "mnkr_sign"),
            ("result_prev_year", "mnkr_sign"),
            ("change", "mnkr_sign"),
        ], caption=f"Resultat {self.period.label_sv} (mnkr)", total=total)))

    def result_chart(self) -> None:
        monthly = metrics.monthly_result(self._only(self.data.finance), self.period, by=[])
        _show_figure(charts.cumulative_result(monthly))

    def forecast_table(self) -> None:
        fc = metrics.forecast_deviation(self._only(self.data.forecast), self._only(self.data.finance),
                                        self.period, by=["unit"])
        total = metrics.forecast_deviation(self._only(self.data.forecast), self._only(self.data.finance),
                                           self.period, by=[]).iloc[0].to_dict()
        total["unit"] = "Divisionen totalt"
        _display(_html(html_table(fc, [
            ("unit", "text"), ("forecast", "mnkr_sign"),
            ("annual_budget", "mnkr_sign"), ("forecast_deviation", "mnkr_sign"),
        ], caption=f"Helårsprognos {self.period.year} (mnkr), senast lämnad {total.get('forecast_month') or '–'}",
            total=total)))

    def action_plan(self) -> None:
        plan = metrics.action_plan_fulfilment(self._only(self.data.action_plans), self.period, by=[])
        if plan["planned"].isna().all():
            _display(_html("<p>Divisionen har ingen ekonomisk handlingsplan i underlaget.</p>"))
            return
        _display(_html(html_table(plan, [
            ("planned", "mnkr"), ("achieved", "mnkr"),
            ("action_plan_pct", "pct"),
            ("planned_full_year", "mnkr"),
        ], caption="Ekonomisk handlingsplan (mnkr)")))

    # staff -----------------------------------------------------------------
    def staff_table(self) -> None:
        if "headcount" in self.unknown:
            _display(_html(_missing_note(self.unknown["headcount"])))
            return
        emp = self._only(self.data.employees)
        forms = metrics.headcount(emp, self.period, by=["employment"])
        forms["employment"] = forms["employment"].map(labels.EMPLOYMENT)
        total = metrics.headcount(emp, self.period, by=[]).iloc[0].to_dict()
        total["employment"] = "Månadsanställda totalt"
        _display(_html(html_table(forms, [
            ("employment", "text"),
            ("headcount_start", f"December {self.period.year - 1}", "int"),
            ("headcount", self.period.label_sv.capitalize(), "int"),
            ("headcount_change", "int_sign"),
            ("headcount_change_pct", "pct_sign"),
        ], caption="Antal anställda (personer)", total=total)))
        hours = metrics.worked_hours(emp, self.period, by=[])
        _display(_html(html_table(hours, [
            ("worked_hours", "num"), ("worked_hours_prev_year", "num"),
            ("worked_hours_change_pct", "pct_sign"),
            ("fte", "dec"), ("fte_prev_year", "dec"),
        ], caption="Arbetad tid, alla anställda inklusive timavlönade")))

    def _sick_unknown(self) -> bool:
        if "sick_leave_pct" in self.unknown:
            _display(_html(_missing_note(self.unknown["sick_leave_pct"])))
            return True
        return False

    def sick_leave_chart(self) -> None:
        if self._sick_unknown():
            return
        monthly = metrics.sick_leave(self._only(self.data.employees), self.data.absence, self.period,
                                     by=["month"], hours=self._hours())
        monthly = monthly[monthly["month"].isin(self.period.months)]
        _show_figure(charts.sick_leave_by_month(monthly, self.period.year))

    def _hours(self):
        """Person-month hours of the division, computed once for every sick-leave view."""
        if getattr(self, "_hours_cache", None) is None:
            self._hours_cache = metrics.hours_pair(self._only(self.data.employees), self.data.absence,
                                                   self.period)
        return self._hours_cache

    def sick_leave_table(self) -> None:
        if self._sick_unknown():
            return
        figures = _region_figures(self.data, self.period)["sick_figures"]
        kf = self._only(figures).drop(columns="division").reset_index(drop=True)
        kf["figure"] = kf["figure"].map(labels.SICK_LEAVE_FIGURES)
        _display(_html(html_table(kf, [
            ("figure", "text"), ("value", "I år (%)", "pct"),
            ("value_prev_year", "Föregående år (%)", "pct"), ("change_pp", "pp"),
        ], caption="Sjukfrånvaro i procent av schemalagd tid, månadsanställda", suppressed="suppressed",
            note=_sick_note(kf))))

    def sick_leave_by_unit(self) -> None:
        if self._sick_unknown():
            return
        units = metrics.sick_leave(self._only(self.data.employees), self.data.absence, self.period,
                                   by=["unit"], hours=self._hours())
        units = protect_both_years(units, RATE_COLUMNS)
        _display(_html(html_table(units, [
            ("unit", "text"), ("sick_leave_pct", "pct"),
            ("sick_leave_pct_prev_year", "pct"),
            ("sick_leave_change_pp", "pp"),
            ("long_term_sick_share_pct", "pct"),
        ], caption="Sjukfrånvaro per verksamhet", suppressed="suppressed", note=_sick_note(units))))

    # production and goals -------------------------------------------------
    def production_table(self) -> None:
        from .summary import months_without_rows

        prod = self._only(self.data.production)
        if prod.empty:
            _display(_html("<p>Produktionsdata saknas för divisionen.</p>"))
            return
        # the whole table's months: a production export that ends early is no drop in volume
        gone = months_without_rows(self.data.production, self.period.months + self.period.previous_year().months)
        if gone:
            _display(_html(_missing_note(f"produktionsuppgifter saknas för {months_sv(gone)}")))
            return
        df = metrics.production_change(prod, self.period, by=["unit", "measure"])
        _display(_html(html_table(df, [
            ("unit", "text"), ("measure", "text"), ("value", "Utfall", "num"),
            ("value_prev_year", "num"), ("change_pct", "pct_sign"),
        ], caption=f"Produktion {self.period.label_sv} jämfört med samma period föregående år")))

    def scorecard(self) -> None:
        goals = self._only(self.data.goals)
        df = metrics.goal_fulfilment(goals, self.period)
        if df.empty:
            _display(_html("<p>Styrkortet saknas för perioden.</p>"))
            return
        df["assessment"] = df["assessment"].map(lambda a: labels.ASSESSMENT.get(a, "Ej bedömt"))
        df["perspective"] = df["perspective"].str.capitalize()
        _display(_html(html_table(df, [
            ("perspective", "text"), ("assessment", "text"),
            ("met", "int"), ("partly", "int"),
            ("not_met", "int"),
        ], caption=f"Måluppfyllelse enligt styrkortet ({df['goals_period'].iloc[0]})")))

    def record(self) -> None:
        """Record the division's key figures in the notebook (read by the runner and tests)."""
        self._record({"division": self.division, "period": self.period.label, **self._row})


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

    def header(self) -> None:
        super().header(f"{self.period.title_sv} – Regionen, sammanställning av divisionerna")

    @property
    def _rows(self) -> dict:
        return {d: r for d, r in self.key.set_index("division").to_dict("index").items()}

    def summary(self) -> None:
        _display(_html(_paragraphs(narrative.region(self._rows, self.period))))

    def division_table(self) -> None:
        divisions = self.key[self.key["division"] != REGION]
        total = self.key[self.key["division"] == REGION].iloc[0].to_dict()
        total["division"] = labels.REGION
        sick = divisions.assign(suppressed=divisions["sick_leave_suppressed"])
        _display(_html(html_table(sick, [
            ("division", "text"), ("result", "mnkr_sign"),
            ("budget_deviation", "mnkr_sign"),
            ("result_change", "mnkr_sign"),
            ("forecast_deviation", "mnkr_sign"),
            ("sick_leave_pct", "pct"),
            ("sick_leave_change_pp", "pp"),
            ("headcount", "int"),
            ("headcount_change", "Förändring sedan årsskiftet", "int_sign"),
        ], caption=f"Divisionerna {self.period.label_sv} (mnkr, procent, personer)", total=total,
            suppressed="suppressed", note=_sick_note(sick))))

    def deviation_chart(self) -> None:
        divisions = self.key[self.key["division"] != REGION]
        _show_figure(charts.deviation_by_group(divisions))

    def goal_heatmap(self) -> None:
        df = metrics.goal_fulfilment(self.data.goals, self.period)
        if df.empty:
            _display(_html("<p>Styrkort saknas för perioden.</p>"))
            return
        _show_figure(charts.goal_heatmap(df))

    def sick_leave_chart(self) -> None:
        if "sick_leave_pct" in self.unknown:
            _display(_html(_missing_note(self.unknown["sick_leave_pct"])))
            return
        df = self.key[self.key["division"] != REGION]
        _show_figure(charts.sick_leave_by_group(df))

    def record(self) -> None:
        self._record({"division": REGION, "period": self.period.label, **self._rows[REGION]})


def figures_from_notebook(nb) -> dict | None:
    """The figures a report recorded (see :meth:`DivisionReport.record`), or None."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIME in data:
                value = data[FIGURES_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None
