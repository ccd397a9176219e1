"""The summary as shared files: CSV, and a formatted Excel workbook for analysts who paste
figures into the report.

Both are opened in spreadsheet programs, so no text from the data may become a formula
there (OWASP, "CSV Injection"): the workbook writes every text as a text cell (never a
formula, and marked so that editing the cell keeps it text), the CSV neutralises text
fields that begin with ``= + - @``, tab or carriage return
(:func:`regionanalytics.iorw.neutralise`).
"""
from __future__ import annotations

import io

import pandas as pd

from .. import labels
from ..formatting import round_half_up
from ..iorw import FORMULA_TRIGGERS, write_csv
from ..summary import KEY_METRICS


def summary_csv(rows: pd.DataFrame) -> str:
    """The key metrics as ``summary.csv`` and ``regionanalytics metrics`` write them: values
    to four decimals (never -0.0), text fields neutralised (:func:`~regionanalytics.iorw.write_csv`)."""
    return write_csv(rows.assign(value=rows["value"].round(4) + 0.0))


def _as_text(ws) -> None:
    """Every text cell of ``ws`` a text cell: openpyxl makes a formula of any text that
    begins with ``=``; one that begins as a formula would is also marked with Excel's quote
    prefix, so that editing it in Excel does not turn it into one."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value[:1] in FORMULA_TRIGGERS:
                    cell.quotePrefix = True

#: Excel number formats per unit (Excel shows them with the reader's locale separators).
_FORMATS = {"tkr": "#,##0.0", "percent": "0.0", "procentenheter": "+0.0;-0.0;0.0", "persons": "#,##0",
            "hours": "#,##0", "årsarbetare": "#,##0.0", "units": "0"}
#: Decimals each format shows: a cell holds the value rounded to them, so what is
#: pasted into the written report is what the sheet shows (never 15.00000000000001).
_DECIMALS = {"tkr": 1, "percent": 1, "procentenheter": 1, "persons": 0, "hours": 0, "årsarbetare": 1,
             "units": 0}


def summary_workbook(rows: pd.DataFrame) -> bytes:
    """One sheet per view: ``Nyckeltal`` (metrics × divisions, amounts in mnkr) and
    ``Data`` (the tidy rows, as in summary.csv)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wide = rows.pivot(index="metric", columns="division", values="value")
    divisions = list(dict.fromkeys(rows["division"]))
    metrics = [m for m in KEY_METRICS if m in wide.index]
    wb = Workbook()
    ws = wb.active
    ws.title = "Nyckeltal"
    ws.append(["Nyckeltal", "Enhet"] + divisions)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1B3A5C")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for metric in metrics:
        unit = KEY_METRICS[metric]
        scale, shown_unit = (1000, "mnkr") if unit == "tkr" else (1, unit)
        values = [None if pd.isna(wide.at[metric, d])
                  else round_half_up(float(wide.at[metric, d]) / scale, _DECIMALS.get(unit, 1))
                  for d in divisions]
        ws.append([labels.metric(metric), shown_unit] + values)
        fmt = _FORMATS.get(unit, "0.0")
        for cell in ws[ws.max_row][2:]:
            cell.number_format = fmt
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 14
    for i in range(len(divisions)):
        ws.column_dimensions[get_column_letter(i + 3)].width = 16
    ws.freeze_panes = "C2"
    ws.cell(row=ws.max_row + 2, column=1,
            value=f"Tomma celler: uppgiften saknas eller visas inte (sjukfrånvaro för grupper om {labels.SMALL_GROUP}); "
                  "bladet Data anger skälet per uppgift.")
    data = wb.create_sheet("Data")
    data.append(["division", "metric", "value", "flag", "note"])
    for rec in rows.itertuples(index=False):
        data.append([rec.division, rec.metric, None if pd.isna(rec.value) else round(float(rec.value), 4) + 0.0,
                     getattr(rec, "flag", ""), getattr(rec, "note", "")])
    for sheet in wb.worksheets:
        _as_text(sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
