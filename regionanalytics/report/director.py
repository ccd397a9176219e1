"""The regional director's report: ``region.md``'s sections in order, with the divisions'
interim reports summed up where it has the heading ``## Divisionernas delårsrapporter``.

That part holds the generated summary of the divisions' results and forecasts, then one
part per division: its generated figure sentences, its own summary text (or "Divisionens
kommentar saknas") and "För mer information se bilaga N: Delårsrapport Division X",
linked to its report. The division reports are the bilagor, numbered in that order.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import labels, metrics
from ..data import load_region
from ..iorw import slugify
from ..parameters import check_period, units_of
from ..summary import REGION_ROW
from . import charts, narrative, views
from . import texts as tx
from ._base import TEXTS_WRITTEN, _read_written, _region_figures, _Report, _scope_figures


def _divisions_heading(heading: str | None) -> bool:
    """A heading that names the divisions' part ("Divisionernas delårsrapporter", with or
    without the period after it)."""
    return tx._key(heading).startswith(tx._key(TEXTS_WRITTEN["divisions_heading"]))


@dataclass
class DirectorReport(_Report):
    """The regional director's report of one period."""

    #: The bilagor in order: (division, its report's file).
    bilagor: list = field(default_factory=list)
    division_texts: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, period: str, data_dir: str | Path, texts_dir: str | Path | None = None,
             bilagor: list | None = None) -> "DirectorReport":
        """Load the data and the period's texts; ``bilagor`` lists (division, report file) in
        the order they are numbered (default: every division, as the batch names its report)."""
        charts.set_theme()
        data = load_region(data_dir)
        p = check_period(data, period)
        region = _region_figures(data, p)
        folder = tx.texts_folder(data_dir, p.label, texts_dir or None)
        chosen = [tuple(b) for b in bilagor] if bilagor else \
            [(d, f"division-{slugify(d)}.html") for d in data.divisions]
        written = _read_written(folder, tx.region_file)
        known = units_of(data)
        division_texts = {d: _read_written(folder, lambda f, d=d: tx.division_file(f, d, known)) for d, _ in chosen}
        return cls(period=p, data=data, data_dir=str(data_dir), key=region["key"], unknown=region["unknown"],
                   texts=folder, written=written, bilagor=chosen, division_texts=division_texts)

    def _text_scope(self) -> tx.Scope:
        return tx.Scope(REGION_ROW, _scope_figures(self.data, self.period), others=True)

    @property
    def _rows(self) -> dict:
        return {d: r for d, r in self.key.set_index("division").to_dict("index").items()}

    def header(self) -> views.Markup:
        return self._header(TEXTS_WRITTEN["director_title"].format(title=self.period.title_sv))

    def document(self) -> views.Markup:
        """``region.md`` in order: its introduction, then each section under its heading;
        the divisions' part where the heading ``Divisionernas delårsrapporter`` stands (at
        the end when there is no ``region.md``)."""
        if self.written is None:
            missing = html.escape(TEXTS_WRITTEN["region_text_missing"].format(
                file=f"{self.texts.name}/{tx.REGION_FILE}" if self.texts else tx.REGION_FILE))
            part = self.divisions_part(TEXTS_WRITTEN["divisions_heading"], None)
            return views.Markup(f'<p class="ra-missing">{missing}</p>{part.html}', data=part.data)
        pieces, data = [self._written_html(self.written.summary, byline=True, level=1).html], {}
        for section in self.written.sections:
            if _divisions_heading(section.heading):
                part = self.divisions_part(section.heading, section)
                pieces.append(part.html)
                data["divisions"] = part.data
            else:
                shown = self._written_html(section)
                pieces.append(f"<h2>{html.escape(section.heading)}</h2>{shown.html}")
                data[section.heading] = shown.data
        return views.Markup("".join(pieces), data=data)

    def divisions_part(self, heading: str, intro: tx.Part | None) -> views.Markup:
        """The divisions' part: the heading, ``region.md``'s text under it, the generated
        summary of the divisions, then one part per division with its bilaga."""
        rows = self._rows
        out = [f"<h2>{html.escape(heading)}</h2>", self._written_html(intro).html]
        out += [f"<p>{html.escape(s)}</p>" for s in narrative.region(rows, self.period)]
        data = []
        for n, (division, page) in enumerate(self.bilagor, 1):
            name = labels.division_name(division, capital=True)
            row = rows.get(division, {})
            goals = metrics.goal_fulfilment(self.data.goals[self.data.goals["division"] == division], self.period)
            sentences = (narrative.economy(row, self.period, self.unknown)
                         + narrative.staff(row, self.period, self.unknown)
                         + narrative.goals(dict(zip(goals["perspective"], goals["assessment"]))))
            text = self.division_texts.get(division)
            if text is None:
                own = f'<p class="ra-missing">{html.escape(TEXTS_WRITTEN["comment_missing"])}</p>'
            else:
                scope = tx.Scope(division, _scope_figures(self.data, self.period))
                own = tx.render(text.summary, scope, text.name, level=3) if text.summary else ""
            link = TEXTS_WRITTEN["bilaga"].format(n=n, division=name)
            lead, _, rest = link.partition(" bilaga ")
            out.append(f'<section class="ra-division-part" aria-label="{html.escape(name)}">'
                       f"<h3>{html.escape(name)}</h3>"
                       + "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
                       + f'<div class="ra-written">{own}</div>'
                       + f'<p>{html.escape(lead)} <a href="{html.escape(page)}">bilaga {html.escape(rest)}</a></p>'
                       + "</section>")
            data.append({"division": division, "bilaga": n, "page": page, "sentences": sentences,
                         "text": None if text is None else text.name})
        return views.Markup("".join(out), data=pd.DataFrame(data))

    def record(self) -> None:
        """Record the region's key figures in the notebook (read by the runner and tests)."""
        self._record({"division": REGION_ROW, "period": self.period.label, **self._rows[REGION_ROW]})
