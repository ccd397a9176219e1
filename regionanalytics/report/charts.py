"""Charts with one look: a seaborn theme, Swedish labels and number formats.

Every chart reads in grey print: series differ by lightness, line style and
marker, not by hue alone. Functions take tidy metric frames (as returned by
:mod:`regionanalytics.metrics`) and return a matplotlib Figure.
"""
from __future__ import annotations

import importlib
import sys

import numpy as np
import pandas as pd

from .. import labels
from ..formatting import fmt_number, mnkr
from ..periods import MONTH_NAMES_SV

from ..theme import DARK, GOAL_COLOURS, LIGHT, MID, RULE

POSITIVE, NEGATIVE = DARK, LIGHT
#: Points of the heatmap's cell text: as large as the tick labels (about 8 pt in print).
HEATMAP_FONT_SIZE = 10


#: The chart theme: asked for (by a report's ``open``) and applied (to matplotlib).
_THEME = {"wanted": False, "applied": False}


class _OnFirstUse:
    """A module imported when first used: a report opened only for its texts (a re-run
    after a text changed, :mod:`regionanalytics.runner.rerender`) draws no chart and
    need not import matplotlib and seaborn (a second and more of a process's start). The
    theme asked for meanwhile is applied as they are imported."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        module = importlib.import_module(self._name)
        if _THEME["wanted"] and not _THEME["applied"]:
            _apply_theme()
        return getattr(module, attribute)


matplotlib = _OnFirstUse("matplotlib")
plt = _OnFirstUse("matplotlib.pyplot")
sns = _OnFirstUse("seaborn")


def _figure(figsize=None):
    """A figure and its axes, drawn by Agg (as pyplot's would be, in a kernel and out of
    one) but kept out of pyplot's figure manager: a report's chart is shown once, by its
    :class:`~regionanalytics.report.views.Chart`, and pyplot's bookkeeping of every new
    figure was a third of making one."""
    figure = importlib.import_module("matplotlib.figure")
    if _THEME["wanted"] and not _THEME["applied"]:
        _apply_theme()
    fig = figure.Figure(figsize=figsize)
    importlib.import_module("matplotlib.backends.backend_agg").FigureCanvasAgg(fig)
    return fig, fig.subplots()


def FuncFormatter(function):  # noqa: N802 - matplotlib's name
    return importlib.import_module("matplotlib.ticker").FuncFormatter(function)


def set_theme() -> None:
    """Apply the package's chart theme (call once; the report module does): at once where
    matplotlib is imported already (a batch's kernel imports it as it starts), else when
    the first chart is drawn."""
    _THEME["wanted"] = True
    if "matplotlib.pyplot" in sys.modules:
        _apply_theme()


def _apply_theme() -> None:
    _THEME["applied"] = True
    import seaborn

    seaborn.set_theme(context="notebook", style="whitegrid", font_scale=0.95, rc={
        "figure.figsize": (8, 3.6), "figure.dpi": 100, "savefig.dpi": 100,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.titleweight": "bold", "axes.titlelocation": "left",
        # titles just above the axes (nothing is drawn above them): a title without a set
        # height is placed by measuring every tick label at each drawing (a third of it)
        "axes.titley": 1.0,
        "legend.frameon": False, "axes.formatter.use_locale": False,
        # names from the data are plain text: "$" never starts matplotlib's mathtext
        "text.parse_math": False,
    })


def _sv_axis(ax, axis: str = "y", decimals: int = 0, suffix: str = "") -> None:
    fmt = FuncFormatter(lambda v, _: fmt_number(v, decimals) + suffix)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def alt_text(fig: plt.Figure) -> str:
    """A short Swedish description of a chart for screen readers: its title, what the axis
    measures and its series (the numbers themselves are in the report's tables).

    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2], label=labels.CHARTS["result"]); _ = ax.plot([1, 3], label=labels.CHARTS["budget"])
    >>> _ = ax.set_title("Ackumulerat resultat mot budget"); _ = ax.set_ylabel("mnkr"); _ = ax.legend()
    >>> alt_text(fig)
    'Diagram: Ackumulerat resultat mot budget (mnkr). Serier: Resultat, Budget.'
    >>> plt.close(fig)
    """
    parts = []
    for ax in fig.axes:
        title = ax.get_title(loc="left") or ax.get_title()
        if not title:
            continue  # a colour bar or an inset
        unit = ax.get_ylabel()
        text = labels.CHARTS["alt"].format(title=title) + (f" ({unit})" if unit else "") + "."
        legend = ax.get_legend()
        if legend is not None and legend.get_texts():
            text += " " + labels.CHARTS["series"].format(series=", ".join(t.get_text() for t in legend.get_texts())) + "."
        parts.append(text)
    return " ".join(parts) or "Diagram."


def title_of(chart_function) -> str:
    """The default title of a chart function (its ``title`` parameter), e.g. for the
    caption of the table of the chart's numbers.

    >>> title_of(cumulative_result)
    'Ackumulerat resultat mot budget'
    """
    import inspect

    return inspect.signature(chart_function).parameters["title"].default


def _monthly_layout(fig: plt.Figure) -> None:
    """Fixed margins for the month charts (short number ticks, month names, a title): the
    same room as a tight layout gives them, without measuring every text first (that cost
    a third of each chart's drawing)."""
    fig.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.13)


def _legend_above(ax) -> None:
    """The legend in one row above the plot area, right-aligned opposite the left-aligned
    title: never on the data, whatever the data's shape."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(ax.get_legend_handles_labels()[0]),
              borderaxespad=0.2, handlelength=2.2, columnspacing=1.2)


def _room_for_markers(ax, n: int, from_zero: bool = False) -> None:
    """Headroom above and below the lines and half a step beside the first and last month,
    so that no marker is cut at the edge of the plot area."""
    ax.set_xlim(-0.35, n - 0.65)
    ax.margins(y=0.12)
    ax.autoscale_view()
    if from_zero:
        ax.set_ylim(bottom=0)


def _month_labels(months) -> list[str]:
    return [MONTH_NAMES_SV[int(m[5:]) - 1][:3] for m in months]


def cumulative_result(monthly: pd.DataFrame, title: str = labels.CHARTS["cumulative_result"]) -> plt.Figure:
    """Cumulative result and budget by month (from ``metrics.monthly_result``), in mnkr;
    without a budget (none in the data) the result alone, titled so."""
    fig, ax = _figure()
    x = np.arange(len(monthly))
    has_budget = bool(monthly["budget_cum"].notna().any())
    if not has_budget and title == labels.CHARTS["cumulative_result"]:
        title = labels.CHARTS["cumulative_result_only"]
    ax.plot(x, mnkr(monthly["result_cum"]), color=DARK, marker="o", lw=2, label=labels.CHARTS["result"])
    if has_budget:
        ax.plot(x, mnkr(monthly["budget_cum"]), color=MID, marker="s", lw=2, ls="--", label=labels.CHARTS["budget"])
    ax.axhline(0, color=RULE, lw=0.8)
    ax.set_xticks(x, _month_labels(monthly["month"]))
    ax.set_ylabel(labels.CHARTS["mnkr"])
    _sv_axis(ax, decimals=1)
    _room_for_markers(ax, len(x))
    ax.set_title(title)
    _legend_above(ax)
    _monthly_layout(fig)
    return fig


def deviation_by_group(df: pd.DataFrame, column: str = "budget_deviation", by: str = "division",
                       title: str = labels.CHARTS["deviation_by_division"]) -> plt.Figure:
    """Horizontal bars of an amount (tkr, shown in mnkr); dark better, light and hatched worse."""
    data = df.sort_values(column)
    fig, ax = _figure(figsize=(8, 0.45 * len(data) + 1.2))
    values = mnkr(data[column])
    bars = ax.barh(data[by].astype(str), values, color=[POSITIVE if v >= 0 else NEGATIVE for v in values],
                   edgecolor=DARK)
    for bar, v in zip(bars, values):
        if v < 0:
            bar.set_hatch("//")
        ax.annotate(fmt_number(v, 1, sign=True), (v, bar.get_y() + bar.get_height() / 2),
                    xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=9)
    ax.axvline(0, color=RULE, lw=0.8)
    ax.set_xlabel(labels.CHARTS["mnkr"])
    _sv_axis(ax, "x", decimals=0)
    ax.margins(x=0.2)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def sick_leave_by_month(df: pd.DataFrame, year: int, title: str = labels.CHARTS["sick_leave_by_month"]) -> plt.Figure:
    """Sick leave per month against the same month last year (from ``metrics.sick_leave``
    with ``by=[..., "month"]``). Suppressed months are left out of the lines."""
    fig, ax = _figure()
    months = df["month"].tolist()
    x = np.arange(len(months))
    ax.plot(x, df["sick_leave_pct"], color=DARK, marker="o", lw=2, label=str(year))
    ax.plot(x, df["sick_leave_pct_prev_year"], color=MID, marker="s", lw=2, ls="--", label=str(year - 1))
    ax.set_xticks(x, _month_labels(months))
    ax.set_ylabel(labels.CHARTS["percent_of_scheduled"])
    _sv_axis(ax, decimals=1)
    _room_for_markers(ax, len(x), from_zero=True)
    ax.set_title(title)
    _legend_above(ax)
    _monthly_layout(fig)
    return fig


def sick_leave_by_group(df: pd.DataFrame, by: str = "division",
                        title: str = labels.CHARTS["sick_leave_by_division"]) -> plt.Figure:
    """Bars of this year's and last year's sick leave per group (suppressed groups show no bar)."""
    data = df[[by, "sick_leave_pct", "sick_leave_pct_prev_year"]].copy()
    fig, ax = _figure(figsize=(8, 0.55 * len(data) + 1.2))
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["sick_leave_pct"], height=0.4, color=DARK, label=labels.CHARTS["this_year"])
    ax.barh(y + 0.2, data["sick_leave_pct_prev_year"], height=0.4, color=LIGHT, edgecolor=DARK,
            hatch="..", label=labels.CHARTS["last_year"])
    ax.set_yticks(y, data[by].astype(str))
    ax.invert_yaxis()
    ax.set_xlabel(labels.CHARTS["percent"])
    _sv_axis(ax, "x", decimals=1)
    ax.set_title(title)
    _legend_above(ax)
    fig.tight_layout()
    return fig


def goal_heatmap(df: pd.DataFrame, title: str = labels.CHARTS["goal_heatmap"]) -> plt.Figure:
    """Division × perspective grid of assessments (from ``metrics.goal_fulfilment``)."""
    grid = df.pivot(index="division", columns="perspective", values="assessment")
    perspectives = ([p for p in labels.PERSPECTIVES if p in grid.columns]
                    + [p for p in grid.columns if p not in labels.PERSPECTIVES])
    grid = grid[perspectives]
    scores = grid.apply(lambda col: col.map(labels.ASSESSMENT_SCORE)).astype(float)
    # a long assessment on two lines ("Delvis / uppfyllt"), so the words can be as large as
    # the axis labels
    wrap = lambda t: t.replace(" ", "\n", 1) if len(t) > 12 else t
    text = grid.apply(lambda col: col.map(lambda a: wrap(labels.ASSESSMENT.get(a, labels.ASSESSMENT[None]))))
    # as wide as the other charts (8 in, printed at the page's width): its text is then
    # printed at the size it is set in, like theirs
    fig, ax = _figure(figsize=(8, 0.6 * len(grid) + 1.5))
    cmap = matplotlib.colors.ListedColormap(list(GOAL_COLOURS))
    sns.heatmap(scores, ax=ax, cmap=cmap, vmin=-0.5, vmax=2.5, cbar=False, linewidths=1,
                linecolor="white", annot=text.to_numpy(), fmt="",
                annot_kws={"fontsize": HEATMAP_FONT_SIZE, "linespacing": 1.1})
    for t, s in zip(ax.texts, scores.to_numpy().ravel()):
        t.set_color("white" if s == 2 else "black")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def production_by_month(df: pd.DataFrame, measure: str, year: int) -> plt.Figure:
    """One measure per month against the same month last year (``production_change`` by month)."""
    fig, ax = _figure()
    x = np.arange(len(df))
    ax.bar(x - 0.2, df["value"], width=0.4, color=DARK, label=str(year))
    ax.bar(x + 0.2, df["value_prev_year"], width=0.4, color=LIGHT, edgecolor=DARK, hatch="..",
           label=str(year - 1))
    ax.set_xticks(x, _month_labels(df["month"]))
    _sv_axis(ax, decimals=0)
    ax.set_title(measure)
    _legend_above(ax)
    fig.tight_layout()
    return fig
