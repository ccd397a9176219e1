"""The index page of a batch: every report with its status and headline figures."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from .. import labels
from ..formatting import fmt_int, fmt_mnkr, fmt_pct, fmt_pp
from ..iorw import atomic_write
from ..periods import Period
from ..summary import REGION_ROW
from ..theme import PAGE_CSS
from .planning import DIRECTOR_PREFIX

_TEMPLATE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>{{ css | safe }}</style></head>
<body>
<main>
<h1>{{ title }}</h1>
<p><b>Period:</b> {{ period_sv }} ({{ period }}). <b>Datakälla:</b> {{ source }}. <b>Framtagen:</b> {{ when }}.</p>
<table class="ra-table">
<caption>Rapporterna och deras nyckeltal</caption>
<thead><tr><th scope="col">Rapport</th><th scope="col">Status</th><th scope="col">Resultat</th><th scope="col">Avvikelse mot budget</th>
<th scope="col">Prognos mot budget</th><th scope="col">Sjukfrånvaro</th><th scope="col">Förändring sjukfrånvaro</th>
<th scope="col">Förändring anställda</th><th scope="col">{{ text_header }}</th></tr></thead>
<tbody>
{% for r in rows %}<tr>
<td class="txt{% if r.unit %} ra-unit{% endif %}">{% if r.link %}<a href="{{ r.link }}">{{ r.title }}</a>{% else %}{{ r.title }}{% endif %}</td>
<td class="txt{% if r.failed %} failed{% elif r.stale %} stale{% endif %}">{{ r.status }}</td>
<td class="num">{{ r.result }}</td><td class="num">{{ r.deviation }}</td><td class="num">{{ r.forecast }}</td>
<td class="num">{{ r.sick }}</td><td class="num">{{ r.sick_pp }}</td><td class="num">{{ r.headcount }}</td>
<td class="txt">{{ r.text }}</td>
</tr>{% if r.region_result %}<tr class="ra-region-result">
<td class="txt">{{ region_result_label }}</td><td class="txt"></td><td class="num">{{ r.region_result }}</td>
<td class="num">{{ r.region_result_deviation }}</td><td class="num"></td><td class="num"></td><td class="num"></td>
<td class="num"></td><td class="txt"></td></tr>{% endif %}{% endfor %}
</tbody></table>
<p class="ra-note">Belopp i mnkr, ackumulerat från januari. {{ totals_note }} Sjukfrånvaro i procent av schemalagd tid
för månadsanställda; uppgiften visas inte för grupper med {{ small_group }}.
Sammanställning för vidare bearbetning: <a href="summary.xlsx">summary.xlsx</a>,
<a href="summary.csv">summary.csv</a>; körningens logg: <a href="manifest.json">manifest.json</a>.</p>
{% if missing %}<p class="ra-note">Uppgifter som saknas (–): {{ missing }}.</p>{% endif %}
{% if review is not none %}<h2>{{ review_heading }}</h2>
{% if review %}<ul class="ra-review">{% for line in review %}<li>{{ line }}</li>{% endfor %}</ul>
{% else %}<p>{{ review_none }}</p>{% endif %}{% endif %}
{% if combined_pdf %}<p>Hela delårsrapporten som PDF: <a href="{{ combined_pdf }}">{{ combined_pdf }}</a>.</p>{% endif %}
{% if failed %}<p class="ra-note">Misslyckade rapporter finns som <code>.error.ipynb</code> för felsökning:
{% for r in failed %}{{ r.title }}: {{ r.error }}{% if not loop.last %}; {% endif %}{% endfor %}</p>{% endif %}
</main>
</body></html>
"""

_STATUS = {"ok": "Klar", "skipped": "Oförändrad", "failed": "Misslyckades"}


def write_index(out: Path, period: Period, data_dir: Path, reports, summary, digest: str | None = None,
                combined_pdf: str | None = None, texts: tuple | None = None) -> None:
    """Write ``out/index.html`` (atomically); all text is HTML-escaped.

    ``digest`` is the digest of this run's data (:func:`regionanalytics.runner.batch.data_digest`): a report
    listed from an earlier run that was made from other data is marked for a
    re-run (the figures beside it are this run's, the report's are older).

    ``texts`` is (statuses, findings) of :func:`regionanalytics.report.text_check.check_texts`:
    each report's text status (saknas, utkast, klar) and the typed figures to look at again.
    """
    statuses, findings = texts if texts is not None else ([], None)
    status_of = {s.scope: s.status for s in statuses}
    values = {(d, m): v for d, m, v, *_ in summary.itertuples(index=False)}
    rows = []
    for r in reports:
        division = r.division or REGION_ROW
        if r.unit:  # a unit's figures are its own report's (the summary is per division)
            get = lambda m, f=(r.figures or {}): f.get(m)
        else:
            get = lambda m, d=division: values.get((d, m))
        ok = r.status in ("ok", "skipped")
        older = not ok and (out / f"{r.slug}.html").exists()
        stale = ok and digest is not None and r.data_digest != digest
        status = _STATUS[r.status] + (" – länken visar föregående version" if older else "")
        if stale:
            status += " – gjord på tidigare data, kör om"
        region = r.division is None and not r.unit
        region_result = get("region_result") if region else None
        rows.append({
            # the region overview's figures here are the divisions' sum; the region's own
            # result (tax revenue, the central level and financial items counted) follows it
            "title": labels.DIVISIONS_TOTAL if region else r.title,
            "region_result": fmt_mnkr(region_result, sign=True) if region_result is not None else None,
            "region_result_deviation": fmt_mnkr(region_result - get("region_result_budget"), sign=True)
            if region_result is not None and get("region_result_budget") is not None else "–", "unit": bool(r.unit), "link": r.html if ok else (f"{r.slug}.html" if older else None), "status": status,
            "failed": not ok, "stale": stale, "result": fmt_mnkr(get("result"), sign=True),
            "deviation": fmt_mnkr(get("budget_deviation"), sign=True),
            "forecast": fmt_mnkr(get("forecast_deviation"), sign=True),
            "sick": fmt_pct(get("sick_leave_pct")), "sick_pp": fmt_pp(get("sick_leave_change_pp")),
            "headcount": fmt_int(get("headcount_change"), sign=True) if get("headcount_change") is not None else "–",
            "text": _text_status(r, status_of),
        })
    # why a shown figure is missing (budget saknas i underlaget, ...): the summary's notes
    shown = {"result", "budget_deviation", "forecast_deviation", "sick_leave_pct", "sick_leave_change_pp",
             "headcount_change"}
    reasons = []
    if {"flag", "note"} <= set(summary.columns):
        hit = summary[summary["metric"].isin(shown) & (summary["flag"] == "missing")]
        reasons = sorted({n for n in hit["note"] if n})
    env = Environment(autoescape=True)
    page = env.from_string(_TEMPLATE).render(
        css=PAGE_CSS, small_group=labels.SMALL_GROUP, region_result_label=labels.METRICS["region_result"],
        totals_note=labels.TEXTS["index_totals_note"],
        title=labels.TEXTS["index_title"].format(title=period.title_sv), period=period.label, period_sv=period.label_sv,
        source=Path(data_dir).name or str(data_dir), when=datetime.now().strftime("%Y-%m-%d %H:%M"), rows=rows,
        failed=[r for r in reports if r.status == "failed"], combined_pdf=combined_pdf,
        text_header=labels.WRITTEN["text_column"], review_heading=labels.WRITTEN["review_heading"],
        review_none=labels.WRITTEN["review_none"],
        review=None if findings is None else [f.swedish() for f in findings],
        missing="; ".join(reasons))
    atomic_write(out / "index.html", page)


def _text_status(report, status_of: dict) -> str:
    """The status of the text a report shows: the division's, the unit's (optional, so "–"
    without one) or ``region.md``'s for the director's report; "–" for the region overview."""
    words = labels.WRITTEN["status"]
    if report.unit:
        found = status_of.get(f"{report.division}\x1f{report.unit}")
    elif report.division:
        found = status_of.get(report.division, "saknas")
    elif report.slug.startswith(DIRECTOR_PREFIX):
        found = status_of.get(REGION_ROW, "saknas")
    else:
        found = None
    return words.get(found, found) if found else "–"
