"""What a report shows, as objects an analyst can keep using.

Every report method returns one of these instead of only displaying it: a
notebook shows it (Swedish formats, escaped text), and ``.data`` gives the
figures behind it as a DataFrame to filter, chart or export::

    table = report.economy_table()   # shown in the notebook
    table.data                       # result, budget, ... per unit, in tkr

A sick-leave figure of a small group is already blank in ``.data``; person-level
rows are never in it. A notebook's plain-text output of a table or chart is its
caption or alt text, never its data: an executed notebook is shared like the page.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from .. import labels
from ..exceptions import ParameterError
from ..formatting import MISSING, SUPPRESSED, SUPPRESSED_PROTECTS, fmt_int, fmt_number, hyphenate, is_missing, mnkr

_TABLE_CLASS = "ra-table"


class Table:
    """A table of a report: ``data`` holds its figures as computed (amounts in tkr).

    ``Table(data, html)``; or, as :func:`table` makes it, with the rows and the total row
    of ``data`` given apart (``rows=``, ``total=``): the frame of both is then put
    together when ``data`` is first read (a notebook shows the HTML; most tables' data
    are never read)."""

    def __init__(self, data: pd.DataFrame | None = None, html: str = "", *,
                 rows: pd.DataFrame | None = None, total: dict | None = None):
        self._data, self.html = data, html
        # a frame of its own (copy on write): the caller's later changes to ``rows`` are not ours
        self._parts = None if rows is None else (rows.copy(deep=False), None if total is None else dict(total))

    @property
    def data(self) -> pd.DataFrame:
        if self._parts is not None:
            rows, total = self._parts
            data = rows if total is None else pd.concat([rows, pd.DataFrame([total])], ignore_index=True)
            self._data, self._parts = data.reset_index(drop=True), None
        return self._data

    @data.setter
    def data(self, value: pd.DataFrame) -> None:
        self._data, self._parts = value, None

    def __repr__(self) -> str:
        caption = re.search(r"<caption>(.*?)</caption>", self.html)
        return f"Tabell: {html.unescape(caption.group(1))}" if caption else "Tabell"

    def _repr_html_(self) -> str:
        return self.html


@dataclass
class Chart:
    """A chart of a report: ``data`` holds the figures it draws; ``alt`` describes it in
    Swedish for screen readers, and ``table`` gives its numbers as an accessible table
    (shown after the picture, folded, opened with a keyboard or a click)."""

    data: pd.DataFrame = field(repr=False)
    figure: object = field(repr=False)  # a matplotlib Figure (closed: shown once, by this object)
    alt: str = ""
    table: str = field(default="", repr=False)

    def png(self) -> bytes:
        # the chart functions fit the figure already (a tight layout or fixed margins): a
        # tight bounding box here would draw every chart a second time
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _html(self, png: str) -> str:
        numbers = (f'<details class="ra-chart-data"><summary>{html.escape(labels.TEXTS["chart_numbers"])}'
                   f"</summary>{self.table}</details>") if self.table else ""
        return (f'<figure class="ra-chart"><img src="data:image/png;base64,{png}" '
                f'alt="{html.escape(self.alt)}">{numbers}</figure>')

    def _repr_html_(self) -> str:
        return self._html(base64.b64encode(self.png()).decode("ascii"))

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = base64.b64encode(self.png()).decode("ascii")
        data = {"text/html": self._html(png), "image/png": png, "text/plain": self.alt}
        return data, {"image/png": {"alt": self.alt}}


@dataclass
class Text:
    """Sentences of a report (narrative or a note), one paragraph each."""

    sentences: list[str]
    css_class: str | None = field(default=None, repr=False)

    @property
    def data(self) -> list[str]:
        return self.sentences

    def _repr_html_(self) -> str:
        cls = f' class="{self.css_class}"' if self.css_class else ""
        return "".join(f"<p{cls}>{html.escape(s)}</p>" for s in self.sentences)


@dataclass
class Markup:
    """A piece of page built by the package itself (a header, a list); text in it is escaped."""

    html: str = field(repr=False)
    data: object = field(default=None, repr=False)

    def _repr_html_(self) -> str:
        return self.html


@dataclass
class Group:
    """Several tables or texts shown together; ``data`` lists each one's data."""

    items: list

    @property
    def data(self) -> list:
        return [item.data for item in self.items]

    def _repr_html_(self) -> str:
        return "".join(item._repr_html_() for item in self.items)


def chart(fig, data: pd.DataFrame, columns: list[tuple], **options) -> Chart:
    """A :class:`Chart` of a matplotlib figure, with its alt text and its numbers as a
    table (``columns`` and ``options`` as for :func:`html_table`); the figure is closed so
    that a notebook shows it once (through the returned object)."""
    import matplotlib.pyplot as plt

    from .charts import alt_text

    out = Chart(data=data, figure=fig, alt=alt_text(fig), table=html_table(data, columns, **options))
    plt.close(fig)
    return out


# --------------------------------------------------------------------------- tables

#: Columns that hold sick-leave figures: shown as ``*`` in a suppressed row.
SICK_COLUMNS = {"sick_leave_pct", "sick_leave_pct_prev_year", "sick_leave_change_pp",
                "long_term_sick_share_pct", "value", "value_prev_year", "change_pp"}


def cell(value, kind: str, suppressed: bool | str = False) -> str:
    """One table cell in Swedish formats: ``kind`` is text, mnkr (amounts given in tkr),
    int, pct, pp, num (whole number), dec (one decimal); ``_sign`` adds a plus sign.

    >>> cell(-7000, "mnkr_sign"), cell(1234.5, "num"), cell(5.25, "pct"), cell(None, "pct")
    ('−7,0', '1\\xa0235', '5,3', '–')
    """
    if suppressed:
        return SUPPRESSED_PROTECTS if suppressed == "protects" else SUPPRESSED
    if is_missing(value):
        return MISSING
    sign = kind.endswith("_sign") or kind == "pp"
    base = kind.removesuffix("_sign")
    if base == "text":
        return html.escape(str(value))
    if base == "mnkr":
        return fmt_number(mnkr(value), 1, sign=sign)
    if base == "int":
        return fmt_int(value, sign=sign)
    if base in ("pct", "pp", "dec"):
        return fmt_number(value, 1, sign=sign)
    if base == "num":
        return fmt_number(value, 0)
    raise ParameterError(f"Unknown table cell kind {kind!r}: expected text, mnkr, int, pct, pp, num or dec.")


def html_table(df: pd.DataFrame, columns: list[tuple], caption: str | None = None,
               total: dict | None = None, suppressed: str | None = None, note: str | None = None) -> str:
    """An HTML table: ``columns`` are (column, kind) with the header from
    :data:`labels.TABLE_HEADERS`, or (column, header, kind) for a header of its own;
    text is escaped.

    ``suppressed`` names a column of flags: where set, every numeric cell of the row
    that is a sick-leave figure shows ``*`` (``**`` where the flag is ``"protects"``: a
    figure hidden so that a smaller group's cannot be worked out); or it maps columns to
    their own flag columns (this year's and last year's figures are hidden apart).
    """
    columns = [c if len(c) == 3 else (c[0], labels.TABLE_HEADERS[c[0]], c[1]) for c in columns]
    # long header words carry soft hyphens: a narrow column breaks them where Swedish does
    head = "".join(f'<th scope="col">{html.escape(hyphenate(h))}</th>' for _, h, _ in columns)
    rows = []
    records = df.to_dict("records")
    if total is not None:
        records.append({**total, "_total": True})
    flags = suppressed if isinstance(suppressed, dict) else \
        {col: suppressed for col in SICK_COLUMNS} if suppressed else {}
    for rec in records:
        cells = []
        for col, _, kind in columns:
            secret = _flag(rec.get(flags[col])) if kind != "text" and col in flags else False
            cls = "txt" if kind == "text" else "num"
            cells.append(f'<td class="{cls}">{cell(rec.get(col), kind, secret)}</td>')
        cls = ' class="total"' if rec.get("_total") else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = f'<p class="ra-note">{html.escape(note)}</p>' if note else ""
    return (f'<table class="{_TABLE_CLASS}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


def table(df: pd.DataFrame, columns: list[tuple], total: dict | None = None, **options) -> Table:
    """A :class:`Table` of ``df`` (its ``data`` has the total row last, when given)."""
    return Table(html=html_table(df, columns, total=total, **options), rows=df, total=total)


def _flag(value) -> bool | str:
    """A hidden-figure flag as :func:`cell` takes it: False, True, or the reason."""
    if value is None or (isinstance(value, float) and value != value) or value is False or value == "":
        return False
    return value if isinstance(value, str) else bool(value)


def suppressed_note(*flags: pd.Series) -> str | None:
    """The table note that explains ``*`` and ``**``, for the hidden-figure flags shown."""
    values = {_flag(v) for f in flags for v in f}
    notes = []
    if values & {True, "small"}:
        notes.append(labels.SUPPRESSED_NOTE)
    if "protects" in values:
        notes.append(labels.PROTECTS_NOTE)
    return " ".join(notes) or None
