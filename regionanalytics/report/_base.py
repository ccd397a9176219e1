"""What every report shares: the figures a kernel computes once per data set and period,
the header and the recorded figures, and the messages for what a report cannot show."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import budget, labels, metrics
from ..data import RegionData
from ..formatting import NBSP, fmt_mnkr_text, fmt_number, is_missing
from ..metrics import shown_sick_leave
from ..periods import MONTH_NAMES_SV, Period
from ..summary import key_metrics_wide, missing_where_empty, tidy_key_metrics, unknown_figures
from . import texts as tx
from .recorded import FIGURES_MIME, figures_from_notebook  # noqa: F401 - the report kinds' names
from . import views


TEXTS = labels.TEXTS
TEXTS_WRITTEN = labels.WRITTEN

_MEMO: dict = {}

#: The report methods whose output the people's texts decide (and only they): a re-run
#: after a text change computes these cells again, and the header, without a kernel
#: (:mod:`regionanalytics.runner.rerender`); every other cell shows what it showed.
TEXT_METHODS = frozenset({"comment", "text", "own_texts", "document", "divisions_part"})


class _RegionFigures(dict):
    """The region's figures of one data set and period (see :func:`_region_figures`): the
    sick-leave model's parts are computed on first use, the key metrics too when no one
    handed them over (a batch's main process: :func:`receive_region_figures`)."""

    def __init__(self, data: RegionData, period: Period, **given):
        super().__init__(**given)
        self._data, self._period = data, period

    def __missing__(self, name: str):
        data, period = self._data, self._period
        if name in ("key", "unknown"):
            self["key"] = key_metrics_wide(data, period, hours=self["hours"])
            self["unknown"] = unknown_figures(data, period)
        elif name == "hours":
            self["hours"] = metrics.hours_pair(data.employees, data.absence, period)
        elif name in ("sick", "sick_figures", "unit_sick_figures"):
            sick = shown_sick_leave.figures(data.employees, data.absence, period, hours=self["hours"])
            self.update(sick=sick, sick_figures=shown_sick_leave.key_figure_rows(sick, "division"),
                        unit_sick_figures=shown_sick_leave.key_figure_rows(sick, "unit"))
        else:
            raise KeyError(name)
        return self[name]


def _figures_key(data: RegionData, period: Period) -> tuple:
    """What the region's figures are of: the data (every table file's digest) and the period."""
    return tuple(sorted(data.fingerprint.items())), period.label


#: The region's figures a batch's main process handed this kernel (:func:`receive_region_figures`),
#: by what they are of: :func:`_region_figures` starts from them for that data and period only.
_HANDED: dict = {}


def _region_figures(data: RegionData, period: Period) -> dict:
    """What every report of a period shows of the whole region, computed once per data set
    and period in a kernel (a warm kernel running several reports reuses it): the key
    metrics, the figures the data cannot give, and every sick-leave figure any report shows
    as the one model decides it (:mod:`regionanalytics.metrics.shown_sick_leave`: a
    figure that would let a small group's be worked out is hidden too), with the
    division's and the unit's key figures read from it (each part on first use). In a
    batch's kernel they are the ones its main process handed over, when they are of the
    same data and period."""
    key = _figures_key(data, period)
    if key not in _MEMO:
        _MEMO.clear()
        _MEMO[key] = _RegionFigures(data, period, **_HANDED.pop(key, {}))
    _HANDED.clear()
    return _MEMO[key]


def region_figures(data: RegionData, period: Period) -> dict:
    """The region's figures of :func:`_region_figures` (for the batch's main process: what
    it works out of them, the reports it opens and :func:`hand_over` share)."""
    return _region_figures(data, period)


def key_metric_rows(data: RegionData, period: Period) -> pd.DataFrame:
    """The key metrics as tidy rows (what :func:`~regionanalytics.summary.key_metrics`
    gives), from the region's figures (:func:`_region_figures`): worked out once."""
    region = _region_figures(data, period)
    if "rows" not in region:
        unknown = {**missing_where_empty(data, period), **region["unknown"]}
        region["rows"] = tidy_key_metrics(region["key"], unknown)
    return region["rows"]


def _sick_months(data: RegionData, period: Period, division: str, unit: str = "") -> pd.DataFrame:
    """A division's (or a unit's) monthly sick-leave figures as the model decides them
    (:func:`~regionanalytics.metrics.shown_sick_leave.months`), every group's worked out
    once per data set and period in a kernel."""
    region = _region_figures(data, period)
    if "months" not in region:
        region["months"] = shown_sick_leave.months_of_every_group(region["sick"])
    found = region["months"].get((division, unit))
    return found.copy() if found is not None else shown_sick_leave.months(region["sick"], division, unit)


def _unit_sick_totals(data: RegionData, period: Period) -> pd.DataFrame:
    """Every unit's total sick-leave figures as the model decides them (once per kernel)."""
    region = _region_figures(data, period)
    if "unit_totals" not in region:
        region["unit_totals"] = shown_sick_leave.totals(region["sick"], "unit")
    return region["unit_totals"]


def _scope_figures(data: RegionData, period: Period) -> dict:
    """Every scope's key figures as the texts' placeholders name them (once per kernel)."""
    region = _region_figures(data, period)
    if "figures" not in region:
        region["figures"] = tx.scope_figures(key_metric_rows(data, period))
    return region["figures"]


#: What :func:`hand_over` gives a kernel of the region's figures: all but the person-month
#: hours (person-level rows, and no report reads them).
HANDED_FIGURES = ("key", "unknown", "sick", "sick_figures", "unit_sick_figures", "rows", "figures")


def hand_over(data: RegionData, period: Period) -> bytes:
    """The region's figures of ``period`` (:func:`_region_figures`, with the key metrics'
    rows and every scope's figures; those not known yet worked out here) as bytes for a
    batch's kernels (:func:`receive_region_figures`), so that each kernel does not work
    them out again. The bytes say which data (the files' digests) and period they are of;
    a kernel uses them only for those."""
    import pickle

    region = _region_figures(data, period)
    _scope_figures(data, period)
    payload = {"key": _figures_key(data, period), "figures": {k: region[k] for k in HANDED_FIGURES}}
    return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


def receive_region_figures(payload: bytes) -> bool:
    """Keep the region's figures a batch's main process worked out (:func:`hand_over`) for
    this kernel's reports: :func:`_region_figures` starts from them for a report whose data
    (the files' digests) and period are theirs, and works its own out for any other.
    True when they are kept; never raises (a report then works them out as it would have).
    (Run in the kernel before a report's first cell; the bytes come from the batch's own
    processes, never from a file.)"""
    import pickle

    try:
        handed = pickle.loads(payload)
        key, figures = handed["key"], handed["figures"]
        if not (isinstance(key, tuple) and len(key) == 2 and isinstance(figures, dict)
                and set(figures) == set(HANDED_FIGURES)):
            return False
    except Exception:  # noqa: BLE001 - worked out by the report instead
        return False
    _HANDED.clear()
    if key not in _MEMO:
        _HANDED[key] = dict(figures)
    return True
def _hidden_text(flags) -> views.Text:
    """What a section says in place of a chart whose every figure is hidden: the reasons."""
    reasons = [r for r in ("small", "protects") if r in set(flags)]
    sentences = [labels.TEXTS["sick_chart_hidden"].format(reason=labels.HIDDEN_SENTENCE[r]) for r in reasons[:1]]
    return views.Text(sentences, css_class="ra-missing")


def sick_flag_columns(current: str = "reason", previous: str = "reason_prev_year",
                      this_year: tuple = ("sick_leave_pct", "value", "long_term_sick_share_pct"),
                      last_year: tuple = ("sick_leave_pct_prev_year", "value_prev_year"),
                      change: tuple = ("sick_leave_change_pp", "change_pp")) -> dict:
    """The flag column of every sick-leave column of a table: this year's figures by this
    year's decision, last year's by last year's, a change by whichever hides it (this
    year's reason first)."""
    return {**{c: current for c in this_year}, **{c: previous for c in last_year},
            **{c: "reason_change" for c in change}}


def with_change_reason(df: pd.DataFrame, current: str = "reason", previous: str = "reason_prev_year") -> pd.DataFrame:
    """``df`` with ``reason_change``: why a change in procentenheter is hidden."""
    now = df[current].where(df[current] != "", None)
    return df.assign(reason_change=now.fillna(df[previous]).fillna(""))


_STAFF_COST_COLUMNS = [("personnel_cost", "mnkr"), ("personnel_cost_prev_year", "mnkr"),
                       ("personnel_cost_change_pct", "pct_sign"), ("hired_staff_cost", "mnkr"),
                       ("hired_staff_share_pct", "pct")]
_INVESTMENT_COLUMNS = [("investments", "mnkr"), ("investment_budget", "mnkr"),
                       ("investment_budget_year", "mnkr"), ("investment_pct", "pct")]


def _amount(tkr: float) -> str:
    """An amount in a note: mnkr, or tkr where mnkr would round to 0 (−12 tkr, not 0 mnkr).

    >>> _amount(-390.0).replace(NBSP, " "), _amount(-12.0).replace(NBSP, " ")
    ('−0,4 mnkr', '−12 tkr')
    """
    if round(abs(tkr) / 1000, 1) == 0:
        return f"{fmt_number(tkr, 0, sign=True)}{NBSP}tkr"
    return fmt_mnkr_text(tkr, sign=True)


def _ledger_notes(finance: pd.DataFrame, period: Period, own_plan: bool) -> list[str]:
    """Data notes on the finance rows of a report over its period: units (or accounts)
    with actuals but no budget, or a budget but no actuals, and accounts the account plan
    cannot place (see :func:`_unplaced_notes`), each with its amount."""
    notes = []
    found = budget.disagreements(finance, months=period.months)
    for kind, text in (("no_budget", "no_budget_units"), ("no_actuals", "no_actuals_units")):
        rows = found[found["kind"] == kind]
        if rows.empty:
            continue
        column = "actual" if kind == "no_budget" else "budget"
        items = [f"{r.unit}{'' if r.account is None else ', konto ' + str(r.account)} "
                 f"({_amount(getattr(r, column))})" for r in rows.itertuples(index=False)]
        notes.append(TEXTS[text].format(items=", ".join(items), when=period.when_sv))
    return notes + _unplaced_notes(finance, period, own_plan)


def _unplaced_notes(finance: pd.DataFrame, period: Period, own_plan: bool) -> list[str]:
    """A note for every account of ``finance`` that the default account plan cannot place,
    with its actuals over the period (with the region's own plan it is an error already)."""
    if own_plan:
        return []
    return [TEXTS["unplaced_account"].format(
        account=rec.account, amount=_amount(0.0 if is_missing(rec.actual) else rec.actual),
        period_sv=period.label_sv) for rec in budget.unplaced(finance, months=period.months).itertuples(index=False)]


def _missing(reason: str) -> views.Text:
    return views.Text([TEXTS["missing"].format(reason=reason)], css_class="ra-missing")


def _message(key: str) -> views.Text:
    return views.Text([TEXTS[key]])


@dataclass
class _Report:
    period: Period
    data: RegionData
    data_dir: str
    key: pd.DataFrame = field(repr=False)
    unknown: dict = field(default_factory=dict, repr=False)
    #: The period's texts folder (``texts/<period>/``) and the report's own text, if any.
    texts: Path | None = field(default=None, repr=False)
    written: tx.TextFile | None = field(default=None, repr=False)

    def _header(self, title: str) -> views.Markup:
        # the folder's name only: a local absolute path says nothing to a reader and
        # tells the world where the analyst keeps the data
        text = TEXTS["header"].format(
            period_sv=html.escape(self.period.label_sv), period=self.period.label,
            source=html.escape(Path(self.data_dir).name or str(self.data_dir)),
            files=html.escape(", ".join(p.name for p in self.data.files.values())),
            when=datetime.now().strftime("%Y-%m-%d %H:%M"))
        return views.Markup(f'<div class="ra-header"><h1>{html.escape(title)}</h1><p>{text}</p></div>',
                            data=title)

    def _sick_note(self, *flags: pd.Series) -> str:
        """The note under a sick-leave table: the span its figures cover (the law's figures
        are the whole year's, a tertial's are the year to date), and what ``*`` and ``**``
        mean when the hidden-figure ``flags`` (reasons) have them."""
        span = f"{MONTH_NAMES_SV[0]}–{MONTH_NAMES_SV[int(self.period.end_month[5:]) - 1]} {self.period.year}"
        key = "sick_year_note" if self.period.is_full_year else "sick_to_date_note"
        return " ".join(n for n in (TEXTS[key].format(span=span), views.suppressed_note(*flags)) if n)

    #: The sections of the report a text's heading can name (the others end the report).
    _TEXT_SECTIONS = labels.TEXT_SECTIONS

    def _text_scope(self) -> tx.Scope:
        raise NotImplementedError

    def _written_html(self, part: tx.Part | None, byline: bool = False, level: int = 2) -> views.Markup:
        """A part of the report's text as the page shows it (empty when there is none),
        under a heading of ``level``."""
        if self.written is None or part is None or part.blank:
            return views.Markup("", data="")
        body = tx.render(part, self._text_scope(), self.written.name, level)
        if byline and self.written.author:
            body += f'<p class="ra-note">{html.escape(TEXTS_WRITTEN["byline"].format(author=self.written.author))}</p>'
        return views.Markup(f'<div class="ra-written">{body}</div>', data="\n".join(part.lines).strip())

    def own_texts(self) -> views.Markup:
        """The text's sections whose heading names no section of the report, at its end."""
        parts = self.written.own_sections(self._TEXT_SECTIONS) if self.written else []
        shown = [(p, self._written_html(p)) for p in parts]
        body = "".join(f"<h2>{html.escape(p.heading)}</h2>{m.html}" for p, m in shown)
        return views.Markup(body, data={p.heading: m.data for p, m in shown})

    def _record(self, figures: dict) -> None:
        from IPython.display import display

        clean = {k: (None if is_missing(v) else v) for k, v in figures.items()}
        display({FIGURES_MIME: clean, "text/plain": ""}, raw=True)


def _read_written(folder: Path, find) -> tx.TextFile | None:
    """The text ``find(folder)`` locates in the period's texts folder, read and split."""
    path = find(folder)
    return tx.read_text(path) if path is not None else None
