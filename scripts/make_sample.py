"""Write the sample region to a data folder, in the dialects real exports use.

    python scripts/make_sample.py data/sample

The files deliberately differ the way a region's systems differ: the finance
export is Windows-1252 with semicolons, decimal commas and Swedish headers (as
an economy system writes it); the HR export is gzip'd UTF-8 with BOM and
Swedish headers; the absence export is plain UTF-8 CSV; goals and action plans
are Excel workbooks. Run it again and the same bytes come out (fixed seed).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from synth import generate_region  # beside this script: a tool of the repository, not of the package

SWEDISH_HEADERS = {
    "month": "Månad", "division": "Division", "unit": "Verksamhet", "account": "Konto",
    "actual": "Utfall", "budget": "Budget", "forecast": "Prognos", "person_id": "Person-id",
    "employment": "Anställningsform", "gender": "Kön", "birth_year": "Födelseår",
    "employment_rate": "Sysselsättningsgrad", "scheduled_hours": "Schemalagd tid",
    "worked_hours": "Arbetad tid",
}


def write(tables: dict[str, pd.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    finance = tables["finance"].rename(columns=SWEDISH_HEADERS)
    finance.to_csv(out / "finance.csv", sep=";", decimal=",", index=False, encoding="cp1252",
                   lineterminator="\r\n")
    forecast = tables["forecast"].rename(columns=SWEDISH_HEADERS)
    forecast.to_csv(out / "forecast.csv", sep=";", decimal=",", index=False, encoding="utf-8-sig")
    employees = tables["employees"].rename(columns=SWEDISH_HEADERS)
    employees.to_csv(out / "employees.csv.gz", sep=";", decimal=",", index=False,
                     encoding="utf-8-sig", compression={"method": "gzip", "mtime": 0})
    absence = tables["absence"].copy()
    for col in ("start", "end"):
        absence[col] = absence[col].dt.strftime("%Y-%m-%d")
    absence.to_csv(out / "absence.csv", index=False, encoding="utf-8")
    tables["production"].to_csv(out / "production.csv", index=False, encoding="utf-8")
    _excel(tables["goals"], out / "goals.xlsx", "Styrkort")
    _excel(tables["action_plans"], out / "action_plans.xlsx", "Handlingsplan")


def _excel(df: pd.DataFrame, path: Path, sheet: str) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet, index=False)
    _fix_zip_dates(path)


def _fix_zip_dates(path: Path) -> None:
    """Rewrite the workbook with fixed timestamps so regeneration is byte-identical."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            data = _strip_created(info.filename, data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 5, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, data)


def _strip_created(name: str, data: bytes) -> bytes:
    if name == "docProps/core.xml":
        import re
        data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2021-05-01T00:00:00Z", data)
    return data


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")
    write(generate_region(), target)
    print(f"wrote the sample region to {target}")
