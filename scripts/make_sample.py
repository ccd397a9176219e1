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

from synth import balance_table, financial_goals_table, generate_region  # beside this script: a tool of the repository, not of the package

SWEDISH_HEADERS = {
    "month": "Månad", "division": "Division", "unit": "Verksamhet", "account": "Konto",
    "actual": "Utfall", "budget": "Budget", "forecast": "Prognos", "person_id": "Person-id",
    "employment": "Anställningsform", "gender": "Kön", "birth_year": "Födelseår",
    "employment_rate": "Sysselsättningsgrad", "actual_employment_rate": "Faktisk sysselsättningsgrad",
    "scheduled_hours": "Schemalagd tid",
    "worked_hours": "Arbetad tid", "overtime_hours": "Övertid", "additional_hours": "Mertid",
    "project": "Projekt",
}

#: Ledger account numbers of the sample's account groups, in Region-Bas's classes (the
#: package's default account plan maps them to the same categories as the names).
LEDGER = {
    "Patientavgifter": "3011", "Försäljning av tjänster": "3311", "Statsbidrag": "3711",
    "Regionersättning": "3911", "Personalkostnader": "4011", "Pensionskostnader": "4711", "Köpt vård": "5011",
    "Inhyrd personal": "5511", "Material och tjänster": "6011", "Läkemedel": "6411",
    "Lokalkostnader": "7011", "Avskrivningar": "7811", "Skatteintäkter": "8011",
    "Generella statsbidrag och utjämning": "8211", "Finansiella intäkter": "8411",
    "Finansiella kostnader": "8511",
}


#: The sample region's name (the SIE export's #FNAMN, and region.txt of the CSV folder).
REGION_NAME = "Region Exempellän"


def write(tables: dict[str, pd.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # the region's name for the PDFs' page headers, as a setting of the data folder
    (out / "region.txt").write_text(REGION_NAME + "\n", encoding="utf-8")
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
    if "investments" in tables:
        tables["investments"].rename(columns=SWEDISH_HEADERS).to_csv(
            out / "investments.csv", sep=";", decimal=",", index=False, encoding="cp1252",
            lineterminator="\r\n")


def write_statement_files(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """The balance report as the economy system exports it (title lines, YYYYMM periods,
    account and name, the closing balance in tkr with a decimal comma, Windows-1252) and the
    financial goals as the budget document's table (CSV, UTF-8)."""
    balance = balance_table(tables["finance"], tables["investments"])
    lines = [f"Balansrapport;{REGION_NAME}", "Belopp i tkr, debet positivt;",
             "Period;Konto;Kontonamn;Utgående saldo"]
    lines += [f"{m.replace('-', '')};{a};{n};{v:.1f}".replace(".", ",")
              for m, a, n, v in balance.itertuples(index=False)]
    (out / "balance.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    goals = financial_goals_table().rename(columns={"goal": "Mål", "indicator": "Indikator", "target": "Målvärde"})
    goals.to_csv(out / "financial_goals.csv", sep=";", decimal=",", index=False, encoding="utf-8")


def organisation(finance: pd.DataFrame) -> pd.DataFrame:
    """Kostnadsställe codes for the units: a hundred per division, one per unit."""
    units = finance[["division", "unit"]].drop_duplicates().sort_values(["division", "unit"])
    codes = []
    for d, (_, group) in enumerate(units.groupby("division", sort=True)):
        codes += [f"{(d + 1) * 100 + i + 1}" for i in range(len(group))]
    return pd.DataFrame({"Kostnadsställe": codes, "Verksamhet": units["unit"].to_numpy(),
                         "Division": units["division"].to_numpy()})


def write_sie(finance: pd.DataFrame, out: Path) -> None:
    """The finance table as the ledger exports it: SIE type 3 (#PSALDO, #PBUDGET per month,
    account and kostnadsställe), code page 437, kronor with debit positive, plus the
    organisation table that maps the kostnadsställen."""
    out.mkdir(parents=True, exist_ok=True)
    org = organisation(finance)
    org.to_csv(out / "organisation.csv", sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    code = dict(zip(zip(org["Division"], org["Verksamhet"]), org["Kostnadsställe"]))
    years = sorted(finance["month"].str[:4].unique())
    last = int(years[-1])
    lines = ["#FLAGGA 0", '#PROGRAM "regionanalytics sample" 1.0', "#FORMAT PC8", "#GEN 20220115",
             "#SIETYP 3", f'#FNAMN "{REGION_NAME}"']
    lines += [f"#RAR {int(y) - last} {y}0101 {y}1231" for y in reversed(years)]
    lines += ['#DIM 1 "Kostnadsställe"']
    lines += [f'#OBJEKT 1 "{c}" "{u}"' for c, u in zip(org["Kostnadsställe"], org["Verksamhet"])]
    lines += [f'#KONTO {n} "{name}"' for name, n in sorted(LEDGER.items(), key=lambda kv: kv[1])]
    rows = finance.assign(code=[code[k] for k in zip(finance["division"], finance["unit"])],
                          number=finance["account"].map(LEDGER))
    for tag, column in (("PBUDGET", "budget"), ("PSALDO", "actual")):
        part = rows.dropna(subset=[column])
        kronor = (-part[column] * 1000).round(2)
        year_no = part["month"].str[:4].astype(int) - last
        period = part["month"].str.replace("-", "")
        lines += [f'#{tag} {y} {p} {n} {{1 "{c}"}} {k:.2f}'
                  for y, p, n, c, k in zip(year_no, period, part["number"], part["code"], kronor)]
    (out / "finance.se").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))


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
    tables = generate_region()
    write(tables, target)
    write_statement_files(tables, target)
    # the same finance facts as the ledger's SIE export, beside the sample
    write_sie(tables["finance"], target.parent / f"{target.name}-sie")
    print(f"wrote the sample region to {target} and its SIE export to {target.name}-sie")
