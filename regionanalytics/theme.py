"""The reports' one look: the colours of charts, tables and pages, and the pages' styles.

Charts read in grey print too: series differ by lightness, line style, marker
and hatching, never by hue alone.
"""
from __future__ import annotations

#: Dark blue: this year, results, the headings' rules.
DARK = "#1b3a5c"
#: Middle blue: last year, budget.
MID = "#5b86b0"
#: Light blue: the lighter bar of a pair.
LIGHT = "#b9cde0"
#: Axis lines at zero.
RULE = "#555555"
#: Goal heatmap, ej uppfyllt (light) to uppfyllt (dark).
GOAL_COLOURS = ("#e8e8e8", "#8fa9c4", DARK)
#: Status words on the index page.
FAILED, STALE = "#8b0000", "#7a4b00"
#: Notes below tables.
MUTED = "#444444"

#: The styles of a report page and the index page (one set, so they look alike).
PAGE_CSS = f"""
body {{ font-family: "Segoe UI", Arial, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem 2rem; }}
.jp-Cell {{ padding: 0 !important; }}
.jp-OutputArea-prompt, .jp-InputPrompt {{ display: none !important; }}
.ra-header h1 {{ font-size: 1.6rem; margin-bottom: 0.3rem; }}
.ra-header p {{ color: #333; font-size: 0.9rem; }}
table.ra-table {{ border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }}
table.ra-table caption {{ text-align: left; font-weight: bold; padding-bottom: 0.3rem; }}
table.ra-table th {{ border-bottom: 2px solid {DARK}; padding: 0.3rem 0.6rem; text-align: right !important; }}
table.ra-table th:first-child {{ text-align: left !important; }}
table.ra-table td {{ border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; }}
table.ra-table td.txt {{ text-align: left !important; }}
table.ra-table td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
table.ra-table tr.total td {{ font-weight: bold; border-top: 2px solid {DARK}; }}
table.ra-table td.failed {{ color: {FAILED}; font-weight: bold; }}
table.ra-table td.stale {{ color: {STALE}; font-weight: bold; }}
p.ra-note {{ font-size: 0.8rem; color: {MUTED}; }}
figure.ra-chart {{ margin: 0.8rem 0; }}
table.ra-table td.ra-unit {{ padding-left: 1.6rem; }}
details.ra-chart-data summary {{ cursor: pointer; color: {DARK}; font-size: 0.9rem; }}
details.ra-chart-data summary:focus-visible {{ outline: 3px solid {DARK}; outline-offset: 2px; }}
a:focus-visible {{ outline: 3px solid {DARK}; outline-offset: 2px; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10pt; }}
  .jp-OutputArea-output, .jp-RenderedHTMLCommon {{ overflow: visible !important; }}
  table.ra-table {{ font-size: 7.5pt; width: 100%; }}
  table.ra-table th, table.ra-table td {{ padding: 2pt 3pt; }}
  /* headers break only at their soft hyphens (formatting.hyphenate), never inside a word
     without one; a heading stays with the table, chart or text that follows it */
  table.ra-table th {{ white-space: normal; hyphens: manual; overflow-wrap: normal; word-break: normal; }}
  img {{ max-width: 100% !important; height: auto; }}
  table.ra-table, figure.ra-chart, img {{ break-inside: avoid; page-break-inside: avoid; }}
  table.ra-table thead {{ display: table-header-group; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  /* the heading's own cell: a heading's break-after does not reach out of the cell's
     wrappers (flex boxes), so the cell keeps to the table or chart that follows it */
  .jp-MarkdownCell {{ break-after: avoid; page-break-after: avoid; break-inside: avoid; }}
  details.ra-chart-data, a.anchor-link {{ display: none; }}
}}
"""
