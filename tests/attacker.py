"""The attacker of the sick-leave rule: a crafted region, every sick-leave figure a batch
shows, and a linear recovery of the hidden ones (used by tests/test_disclosure.py).

The attacker knows every figure shown anywhere in a batch's outputs (pages, executed
notebooks, summary.csv, summary.xlsx, changes.csv, the index), the headcounts, and the
scheduled hours of every group (an HR department knows them, and they can be estimated
from headcounts and employment rates). A rate is sick hours over scheduled hours, so a
shown rate gives the group's sick hours; a period's sick hours are the sum of its
months', a group's the sum of its parts' (women and men, the age groups, the units of a
division, the divisions of the region), and a change in procentenheter is this year's
rate minus last year's. The attacker solves that linear system (least squares) for the
hidden figures. Everything here is written from the data and the pages as a reader sees
them: nothing of the package's suppression is reused.
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

# ---------------------------------------------------------------- the crafted region

#: division -> unit -> persons; Elva has 10 persons in January 2021 and an eleventh from February.
REGION = {
    "Vård": {"Liten": 8, "Mellan": 37, "Stor": 60},
    "Teknik": {"Elva": 10, "Drift": 40},
    "Service": {"Kök": 15, "Städ": 20},
    "Revision": {"Revisionskontoret": 10},
}
#: Sick leave per unit in percent, roughly (each person's own rate varies around it).
PROPENSITY = {"Liten": 16.0, "Mellan": 7.0, "Stor": 5.0, "Elva": 17.0, "Drift": 4.0, "Kök": 8.0,
              "Städ": 6.0, "Revisionskontoret": 16.0}
MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
JOINER = "T-Elva-10"  # the eleventh person of Elva, employed from 2021-02


def _staff():
    rng = np.random.default_rng(19)
    for division, units in REGION.items():
        for unit, n in units.items():
            size = n + 1 if unit == "Elva" else n
            for i in range(size):
                pid = f"{division[0]}-{unit}-{i:02d}"
                if unit == "Elva" and i == n:
                    pid = JOINER
                # ages: the three groups each above ten in Mellan (12, 13, 12)
                birth = 1995 - (i % 3) * 20 - int(rng.integers(0, 8))
                yield dict(person_id=pid, division=division, unit=unit,
                           gender="K" if (i * 7) % 11 < 6 else "M", birth_year=birth,
                           hours=float(rng.integers(120, 170)), rate=PROPENSITY[unit] * rng.uniform(0.3, 1.9))


def write_crafted_region(folder: Path) -> Path:
    """The region as semicolon CSV exports (2020–2021, actuals to April 2021)."""
    folder.mkdir(parents=True, exist_ok=True)
    staff = list(_staff())
    fin = ["month;division;unit;account;actual;budget"]
    for month in MONTHS:
        for division, units in REGION.items():
            for unit in units:
                actual = -100 if month <= "2021-04" else ""
                fin.append(f"{month};{division};{unit};Konto;{actual};-100")
    (folder / "finance.csv").write_text("\n".join(fin) + "\n", encoding="utf-8")
    emp = ["month;person_id;division;unit;employment;gender;birth_year;employment_rate;scheduled_hours;worked_hours"]
    for month in MONTHS:
        for s in staff:
            if s["person_id"] == JOINER and month < "2021-02":
                continue
            emp.append(f"{month};{s['person_id']};{s['division']};{s['unit']};tillsvidare;{s['gender']};"
                       f"{s['birth_year']};1;{s['hours']:.0f};{s['hours'] * 0.9:.0f}")
    (folder / "employees.csv").write_text("\n".join(emp) + "\n", encoding="utf-8")
    rng = np.random.default_rng(2021)
    spells = ["person_id;start;end;extent"]
    for s in staff:
        # non-overlapping spells one after another: short ones at the person's own rate,
        # now and then a long one (60 days or more)
        day = pd.Timestamp("2021-02-01") if s["person_id"] == JOINER else pd.Timestamp("2020-01-01")
        while True:
            day += pd.Timedelta(days=int(rng.exponential(100 * 7 / s["rate"])) + 1)
            if day > pd.Timestamp("2021-04-30"):
                break
            length = int(rng.integers(62, 90)) if rng.random() < 0.05 else int(rng.integers(1, 12))
            extent = 0.5 if rng.random() < 0.2 else 1
            end = day + pd.Timedelta(days=length - 1)
            spells.append(f"{s['person_id']};{day:%Y-%m-%d};{end:%Y-%m-%d};{extent}")
            day = end + pd.Timedelta(days=1)
    (folder / "absence.csv").write_text("\n".join(spells) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the truth, from the files

#: A cell: (year, division, unit, dimension, value). Year "current" or "previous"; the region
#: has division "" and unit "", a division unit ""; dimension total/gender/age/month.
AGES = {"29 år eller yngre": (0, 29), "30–49 år": (30, 49), "50 år eller äldre": (50, 200)}


def truth(folder: Path, months: list[str], previous: list[str]) -> pd.DataFrame:
    """Every group's scheduled hours, sick hours and persons, counted here by hand from the
    CSV files (a working day of a spell counts the month's scheduled hours per working day
    times the extent); the package's person-month hours stand in for the working days."""
    from regionanalytics import load_region, metrics

    data = load_region(folder)
    cur, prev = metrics.hours_pair(data.employees, data.absence, "2021-T1")
    rows = []
    for year, pm in (("current", cur), ("previous", prev)):
        pm = pm.copy()
        age = pm["month"].str[:4].astype(int) - pm["birth_year"]
        pm["age"] = pd.cut(age, [-1, 29, 49, 300], labels=list(AGES)).astype(str)
        pm["region"] = ""
        for level in (["region"], ["division"], ["division", "unit"]):
            for dim in ("total", "gender", "age", "month"):
                keys = level + ([] if dim == "total" else [dim])
                g = pm.groupby(keys)
                df = pd.DataFrame({"H": g["scheduled_hours"].sum(), "S": g["sick_hours"].sum(),
                                   "persons": g["person_id"].nunique()}).reset_index()
                for rec in df.to_dict("records"):
                    division = rec.get("division", "")
                    unit = rec.get("unit", "")
                    value = "" if dim == "total" else str(rec[dim])
                    rows.append(dict(year=year, division=division, unit=unit, dim=dim, value=value,
                                     H=rec["H"], S=rec["S"], persons=rec["persons"]))
    out = pd.DataFrame(rows)
    out["rate"] = 100 * out["S"] / out["H"]
    return out.set_index(["year", "division", "unit", "dim", "value"])


# ---------------------------------------------------------------- what the outputs show

_NUM = re.compile(r"^[−+-]?\d+(,\d+)?$")
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december"]
FIGURE_ROWS = {"Total sjukfrånvaro": ("total", ""), "Kvinnor": ("gender", "K"), "Män": ("gender", "M"),
               **{k: ("age", k) for k in AGES}}


def _number(text: str):
    text = text.strip().replace("\xa0", "").replace("−", "-")
    if text in ("*", "**"):  # hidden: a small group, or to protect one
        return "*"
    if not _NUM.match(text):
        return None
    return float(text.replace(",", "."))


class Shown:
    """Every sick-leave figure an attacker reads: cell -> value (the most precise one), the
    changes in procentenheter, and the cells marked hidden (``*``)."""

    def __init__(self):
        self.values: dict[tuple, float] = {}
        self.changes: dict[tuple, float] = {}  # (division, unit, dim, value) -> pp
        self.hidden: set[tuple] = set()
        self.where: dict[tuple, str] = {}

    def add(self, cell: tuple, value, where: str, change: bool = False):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return
        if value == "*":
            self.hidden.add(cell)
            return
        store = self.changes if change else self.values
        old = store.get(cell)
        # keep the most precise reading (the CSV's six decimals over a page's one)
        if old is None or len(repr(float(value))) > len(repr(float(old))):
            store[cell] = float(value)
            self.where[cell] = where

    # pages ------------------------------------------------------------
    def read_page(self, html: str, division: str, unit: str, where: str):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        for table in soup.find_all("table"):
            caption = table.caption.get_text(" ", strip=True) if table.caption else ""
            heads = [th.get_text(" ", strip=True) for th in table.find_all("th", scope="col")]
            body = table.tbody.find_all("tr") if table.tbody else []
            if caption.startswith("Sjukfrånvaro i procent av schemalagd tid"):  # the key figures
                for tr in body:
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    if cells[0] not in FIGURE_ROWS:
                        continue
                    dim, value = FIGURE_ROWS[cells[0]]
                    self.add(("current", division, unit, dim, value), _number(cells[1]), where)
                    self.add(("previous", division, unit, dim, value), _number(cells[2]), where)
                    self.add((division, unit, dim, value), _number(cells[3]), where, change=True)
            elif caption == "Sjukfrånvaro per verksamhet":
                for tr in body:
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    self.add(("current", division, cells[0], "total", ""), _number(cells[1]), where)
                    self.add(("previous", division, cells[0], "total", ""), _number(cells[2]), where)
                    self.add((division, cells[0], "total", ""), _number(cells[3]), where, change=True)
            elif caption == "Sjukfrånvaro per månad":
                for tr in body:
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    name, year = cells[0].split()
                    month = f"{year}-{MONTHS_SV.index(name) + 1:02d}"
                    last = f"{int(year) - 1}-{MONTHS_SV.index(name) + 1:02d}"
                    self.add(("current", division, unit, "month", month), _number(cells[1]), where)
                    self.add(("previous", division, unit, "month", last), _number(cells[2]), where)
            elif caption == "Sjukfrånvaro per division":
                for tr in body:
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    self.add(("current", cells[0], "", "total", ""), _number(cells[1]), where)
                    self.add(("previous", cells[0], "", "total", ""), _number(cells[2]), where)
            elif "Sjukfrånvaro (%)" in heads:  # the region's division table
                i = heads.index("Sjukfrånvaro (%)")
                for tr in body:
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    name = "" if cells[0] == "Regionen totalt" else cells[0]
                    self.add(("current", name, "", "total", ""), _number(cells[i]), where)
                    self.add((name, "", "total", ""), _number(cells[i + 1]), where, change=True)
        # the narrative's sentence
        for p in soup.find_all("p"):
            m = re.search(r"Sjukfrånvaron ligger på (\d+(?:,\d+)?) procent", p.get_text())
            if m:
                self.add(("current", division, unit, "total", ""), _number(m.group(1)), where)

    # tables -------------------------------------------------------------
    def read_metric_rows(self, rows: pd.DataFrame, where: str, value: str = "value"):
        for rec in rows.to_dict("records"):
            division = "" if rec["division"] == "Region" else rec["division"]
            v = rec[value]
            v = None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)
            if rec["metric"] == "sick_leave_pct":
                self.add(("current", division, "", "total", ""), v, where)
            elif rec["metric"] == "sick_leave_pct_prev_year":
                self.add(("previous", division, "", "total", ""), v, where)
            elif rec["metric"] == "sick_leave_change_pp":
                self.add((division, "", "total", ""), v, where, change=True)

    def read_workbook(self, path: Path):
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb["Data"]
        rows = list(ws.iter_rows(values_only=True))
        head = list(rows[0])
        df = pd.DataFrame(rows[1:], columns=head)
        df["value"] = pd.to_numeric(df["value"], errors="coerce")
        self.read_metric_rows(df, path.name)

    def read_notebook(self, path: Path, division: str, unit: str):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/html" in data:
                    self.read_page("".join(data["text/html"]), division, unit, path.name)
                for mime, value in data.items():
                    if mime.endswith("+json"):
                        rec = value if isinstance(value, dict) else json.loads(value)
                        d = "" if rec.get("division") == "Region" else rec.get("division", "")
                        u = rec.get("unit", "")
                        self.add(("current", d, u, "total", ""), rec.get("sick_leave_pct"), path.name)
                        self.add((d, u, "total", ""), rec.get("sick_leave_change_pp"), path.name, change=True)


def texts(folder: Path):
    """Every output's text (workbook XML included), images cut out."""
    b64 = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s\\n]+|\"image/png\":\s*\"[^\"]*\"")
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".ipynb":  # the outputs (metadata holds timings and dates)
            nb = json.loads(path.read_text(encoding="utf-8"))
            text = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        yield path, b64.sub(" ", text)


def read_outputs(out: Path, slugs: dict[str, tuple[str, str]]) -> Shown:
    """Every sick-leave figure of a batch's folder; ``slugs`` maps a page's name (without
    suffix) to its (division, unit)."""
    shown = Shown()
    for path in sorted(out.glob("*.html")):
        if path.stem in slugs:
            shown.read_page(path.read_text(encoding="utf-8"), *slugs[path.stem], path.name)
        elif path.stem == "index":
            from bs4 import BeautifulSoup

            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for table in soup.find_all("table"):
                heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
                cols = [i for i, h in enumerate(heads) if h.startswith("Sjukfrånvaro")]
                for tr in table.find_all("tr"):
                    tds = tr.find_all(["td", "th"])
                    if len(tds) != len(heads) or not cols:
                        continue
                    link = tr.find("a")
                    stem = Path(link["href"]).stem if link else None
                    if stem in slugs:
                        division, unit = slugs[stem]
                        cells = [td.get_text(" ", strip=True) for td in tds]
                        shown.add(("current", division, unit, "total", ""), _number(cells[cols[0]]), path.name)
    for path in sorted(out.glob("*.ipynb")):
        if path.stem in slugs:
            shown.read_notebook(path, *slugs[path.stem])
    for name in ("summary.csv", "changes.csv"):
        if (out / name).exists():
            shown.read_metric_rows(pd.read_csv(out / name), name)
    if (out / "summary.xlsx").exists():
        shown.read_workbook(out / "summary.xlsx")
    return shown


# ---------------------------------------------------------------- the attack

def relations(cells: pd.DataFrame) -> list[tuple[tuple, list[tuple]]]:
    """total = sum of parts, in sick hours: months, genders, ages within every group, and
    every breakdown across the units of a division and the divisions of the region."""
    index = set(cells.index)
    out = []
    by_group: dict[tuple, dict[str, list]] = {}
    for year, division, unit, dim, value in cells.index:
        if dim != "total":
            by_group.setdefault((year, division, unit), {}).setdefault(dim, []).append(
                (year, division, unit, dim, value))
    for (year, division, unit), dims in by_group.items():
        for parts in dims.values():
            out.append(((year, division, unit, "total", ""), parts))
    children: dict[tuple, list] = {}
    for year, division, unit, dim, value in cells.index:
        if unit:
            children.setdefault((year, division, "", dim, value), []).append((year, division, unit, dim, value))
        elif division:
            children.setdefault((year, "", "", dim, value), []).append((year, division, unit, dim, value))
    for parent, parts in children.items():
        if parent in index:
            out.append((parent, parts))
    return out


def attack(cells: pd.DataFrame, shown: Shown, targets: list[tuple], bound=None, change_cells=None) -> pd.DataFrame:
    """The attacker's estimate of every target cell (least squares over the relations and
    every shown figure), whether the system determines it, and how wide an interval of
    rates (all between 0 and 100 %) stays consistent with everything shown.

    ``bound`` replaces :func:`relations` (another set of ``(total, parts)``), and
    ``change_cells`` maps a change's key to its (this year's, last year's) cells."""
    keys = list(cells.index)
    pos = {k: i for i, k in enumerate(keys)}
    H = cells["H"].to_numpy(float)
    rows, rhs = [], []
    for total, parts in (relations(cells) if bound is None else bound):
        row = np.zeros(len(keys))
        row[pos[total]] = 1.0
        for p in parts:
            row[pos[p]] -= 1.0
        rows.append(row)
        rhs.append(0.0)
    for cell, value in shown.values.items():
        if cell in pos:
            row = np.zeros(len(keys))
            row[pos[cell]] = 1.0
            rows.append(row)
            rhs.append(value / 100 * H[pos[cell]])
    for key, pp in shown.changes.items():
        cur, prev = (("current", *key), ("previous", *key)) if change_cells is None else change_cells(key)
        if cur in pos and prev in pos:
            row = np.zeros(len(keys))
            row[pos[cur]] = 1 / H[pos[cur]]
            row[pos[prev]] = -1 / H[pos[prev]]
            rows.append(row)
            rhs.append(pp / 100)
    A, b = np.array(rows), np.array(rhs)
    scale = np.where(H > 0, H, 1.0)
    As = A * scale  # unknowns as rates (sick hours / scheduled hours): well scaled
    y, *_ = np.linalg.lstsq(As, b, rcond=None)
    _, s, vt = np.linalg.svd(As, full_matrices=True)
    rank = int((s > s.max() * 1e-10).sum())
    null = vt[rank:]
    truth_y = cells["S"].to_numpy(float) / scale
    out = []
    for cell in targets:
        i = pos[cell]
        # the solutions consistent with every shown figure are truth + the null space; move
        # from the truth along the null-space direction that changes this figure most and
        # keep every rate between 0 and 100 %: the attacker cannot tell apart the values
        # of that segment (a lower bound of the interval they are left with)
        width = 0.0
        directions = ([null.T @ null[:, i]] + list(null)) if len(null) else []
        for d in directions:
            if abs(d[i]) < 1e-9:
                continue
            step = d / d[i]
            with np.errstate(divide="ignore", invalid="ignore"):
                up = np.where(step > 1e-12, (1 - truth_y) / step, np.where(step < -1e-12, -truth_y / step, np.inf))
                down = np.where(step > 1e-12, truth_y / step, np.where(step < -1e-12, (truth_y - 1) / step, np.inf))
            width = max(width, 100 * (max(0.0, up.min()) + max(0.0, down.min())))
        d = null.T @ null[:, i] if len(null) else np.zeros(len(keys))
        out.append(dict(cell=cell, persons=int(cells.loc[cell, "persons"]), true=cells.loc[cell, "rate"],
                        estimate=100 * y[i], determined=d[i] < 1e-9, interval_pp=width))
    res = pd.DataFrame(out)
    res["error_pp"] = (res["estimate"] - res["true"]).abs()
    # within 1 procentenhet: the system pins it, or leaves it an interval under 2 pp wide
    res["recovered"] = res["determined"] | (res["interval_pp"] < 2.0)
    return res
