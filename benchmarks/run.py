"""Benchmarks, side by side on the same files, reported as ratios (``make bench``).

    python benchmarks/run.py [--scales 1 10] [--repeat 3] [--batch-scales 1]

1. load + validate every table + all key metrics of one tertial: the package
   against an independent DuckDB SQL reference (and both must agree);
2. the sick-leave metric: the package against an analyst's hand-written loop
   over spells and days in pandas;
3. the whole tertial batch (region overview and every division, HTML included):
   ``regionanalytics run`` against the plain route, ``papermill`` then
   ``jupyter nbconvert`` per report, one after the other;
4. ``import regionanalytics`` + load the sample + the first metric in a fresh
   interpreter, as an analyst feels it in a fresh kernel;
5. a cold load of the region with personnummer as person ids, with and
   without checking and pseudonymising them;
6. the tertial batch with ``--pdf`` against the HTML-only batch (the added time
   per report).

7. a re-run of the batch with nothing changed, against its first run;
8. the whole unit batch (``--units``) against the plain route for the same notebooks.
9. the ledger as SIE against the same facts as CSV; 10. one more report on a warm worker;
11. a month's PAXml file from a time system (7 000 persons) read by the package against the
    standard library's C iterparse picking out the same sick-leave transactions;
12. a re-run after one division's text changed (its report and the director's are made
    again), against the first run; 13. a fresh clone's ``make report``, set-up included,
    against the pip route the Makefile took before.

``--only batch|pseudonyms|pdf|rerun|units|sie|marginal|paxml|texts|setup`` runs one of
sections 3 and 5–13 alone and replaces it in the results file; ``--sie-facts N`` makes
section 9's ledger smaller for a quick try (the results file is then left alone unless
``--out`` names one).

Every measured step runs in its own process, so its peak memory (max RSS) is
its own. Results go to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "outputs" / "bench-data"
PERIOD, YEAR, LAST = "2021-T1", 2021, 4


# ------------------------------------------------------------------ steps (run in a child process)

def step_package(data_dir: str) -> dict:
    import regionanalytics as ra
    from regionanalytics.summary import key_metrics

    data = ra.load_region(data_dir, cache=False)
    rows = key_metrics(data, PERIOD)
    return {"rows": rows.to_dict("records")}


def step_package_cached(data_dir: str) -> dict:
    import regionanalytics as ra
    from regionanalytics.summary import key_metrics

    rows = key_metrics(ra.load_region(data_dir), PERIOD)
    return {"rows": len(rows)}


def step_duckdb(data_dir: str) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from reference_duckdb import key_figures

    return {"rows": key_figures(data_dir, YEAR, LAST).to_dict("records")}


def step_sick_package(data_dir: str) -> dict:
    import regionanalytics as ra
    from regionanalytics import metrics

    data = ra.load_region(data_dir)
    t = time.perf_counter()
    df = metrics.sick_leave(data.employees, data.absence, PERIOD, by=["division"], suppress_small=False)
    seconds = time.perf_counter() - t
    return {"inner_seconds": seconds, "values": dict(zip(df["division"], df["sick_leave_pct"])),
            "previous": dict(zip(df["division"], df["sick_leave_pct_prev_year"]))}


def step_sick_hand(data_dir: str) -> dict:
    import regionanalytics as ra
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from hand_pandas import sick_leave_with_previous_year

    data = ra.load_region(data_dir)
    t = time.perf_counter()
    values = sick_leave_with_previous_year(data.employees, data.absence, YEAR, LAST)
    return {"inner_seconds": time.perf_counter() - t, "values": values["current"],
            "previous": values["previous"]}


def step_load(data_dir: str) -> dict:
    import regionanalytics as ra

    data = ra.load_region(data_dir, cache=False)
    return {"rows": len(data.employees), "persons": int(data.employees["person_id"].nunique())}


def step_load_ids_as_read(data_dir: str) -> dict:
    """The same load with the personnummer step switched off (ids kept as read): only for
    measuring what checking and pseudonymising cost; never a route of the package."""
    from regionanalytics import loaders

    loaders._personnummer_column = lambda found, name, notes: (None, {})
    return step_load(data_dir)


def step_describe_units(data_dir: str) -> dict:
    import regionanalytics as ra

    data = ra.load_region(data_dir)
    pairs = data.finance[["division", "unit"]].dropna().drop_duplicates().sort_values(["division", "unit"])
    return {"divisions": data.divisions, "units": pairs.values.tolist()}


def step_describe(data_dir: str) -> dict:
    import regionanalytics as ra

    data = ra.load_region(data_dir)
    return {"rows": {t: len(df) for t, df in data.tables().items()}, "divisions": data.divisions}


STEPS = {f.__name__.removeprefix("step_"): f for f in
         (step_package, step_package_cached, step_duckdb, step_sick_package, step_sick_hand, step_describe,
          step_load, step_load_ids_as_read, step_describe_units)}


def describe(folder: Path) -> dict:
    """Table sizes and divisions, read in a child process: the parent stays small, because a
    child's peak RSS on Linux starts from the parent's size at fork."""
    return json.loads(run_step("describe", folder)[2])


# ------------------------------------------------------------------ measuring

def step_read_finance(path: str) -> dict:
    """Read and validate one finance file (CSV or SIE) as the package does."""
    from regionanalytics.data import read_table

    df = read_table(path, "finance")
    return {"rows": len(df), "actual": float(df["actual"].sum())}


SIE_FACTS = 2_000_000  # section 9's ledger: about this many #TRANS (whole units of 24 months × 80 accounts)


def make_sie_data(keys: int = SIE_FACTS) -> tuple[Path, Path]:
    """The same ledger facts twice: a finance CSV (one row per month, unit and account with
    actual and budget) and a SIE 4 file (one #TRANS per fact inside a #VER per unit and
    month, one #PBUDGET per fact, a #RES per account and year, and #KSUMMA: the file
    checks itself, so reading it includes the checksum and the year's sums). The
    checksum is computed here from the fields as written (SIE 4B 10.14), independently
    of the package."""
    import zlib

    folder = ROOT / "outputs" / "bench-data" / f"sie-{keys}-balanced"
    csv_path, sie_path = folder / "finance.csv", folder / "finance.se"
    if csv_path.exists() and sie_path.exists():
        return csv_path, sie_path
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    months = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
    accounts = [str(a) for a in range(4000, 4000 + 80)]
    units = keys // (len(months) * len(accounts))
    rng = np.random.default_rng(7)
    csv_lines = ["Månad;Division;Verksamhet;Konto;Utfall;Budget"]
    out = sie_path.open("wb")
    checksum = 0

    def put(text: str, summed: str | None) -> None:
        """One line, and the characters of it that count in #KSUMMA (SIE 4B 10.14)."""
        nonlocal checksum
        out.write((text + "\r\n").encode("cp437"))
        if summed:
            checksum = zlib.crc32(summed.encode("cp437"), checksum)

    put("#FLAGGA 0", None)
    put("#KSUMMA", None)
    for text, summed in (('#PROGRAM "Benchmark" 1', "#PROGRAMBenchmark1"), ("#FORMAT PC8", "#FORMATPC8"),
                         ("#SIETYP 4", "#SIETYP4"), ("#RAR 0 20210101 20211231", "#RAR02021010120211231"),
                         ("#RAR -1 20200101 20201231", "#RAR-12020010120201231"),
                         ('#DIM 1 "Kostnadsställe"', "#DIM1Kostnadsställe")):
        put(text, summed)
    budget_lines = []
    year_sums: dict = {}  # öre per (year number, account)
    n = 0
    for u in range(units):
        code = f"{10000 + u}"
        for month in months:
            y, m = month.split("-")
            year_no = int(y) - 2021
            ore = rng.integers(100_000, 90_000_000, len(accounts))
            put(f'#VER A {n} {y}{m}28 "Bokningar {month}"', f"#VERA{n}{y}{m}28Bokningar {month}")
            put("{", None)
            for account, amount in zip(accounts, ore.tolist()):
                kr = f"{amount // 100}.{amount % 100:02d}"
                tkr = -amount / 100_000
                csv_lines.append(f"{month};D{u % 6};{code};{account};{tkr:.5f};{tkr:.5f}".replace(".", ","))
                put(f'   #TRANS {account} {{1 "{code}"}} {kr}', f"#TRANS{account}1{code}{kr}")
                budget_lines.append((f'#PBUDGET {year_no} {y}{m} {account} {{1 "{code}"}} {kr}',
                                     f"#PBUDGET{year_no}{y}{m}{account}1{code}{kr}"))
                year_sums[(year_no, account)] = year_sums.get((year_no, account), 0) + amount
            # the verification balances, as a ledger writes it: the counter-entry on the bank
            # account (a balance account: in no fact of the CSV)
            rest = -sum(ore.tolist())
            kr = f"-{-rest // 100}.{-rest % 100:02d}"
            put(f'   #TRANS 1930 {{}} {kr}', f"#TRANS1930{kr}")
            put("}", None)
            n += 1
    for text, summed in budget_lines:
        put(text, summed)
    for (year_no, account), v in sorted(year_sums.items()):
        amount = f"{v // 100}.{v % 100:02d}"
        put(f"#RES {year_no} {account} {amount}", f"#RES{year_no}{account}{amount}")
    out.write(f"#KSUMMA {checksum}\r\n".encode("cp437"))
    out.close()
    csv_path.write_text("\n".join(csv_lines) + "\n", encoding="cp1252")
    return csv_path, sie_path


STEPS["read_finance"] = step_read_finance


def sie_section(repeat: int, keys: int = SIE_FACTS) -> list[str]:
    """Reading the ledger as SIE 4 against the same facts as CSV, in turns."""
    csv_path, sie_path = make_sie_data(keys)
    runs = {"csv": [], "sie": []}
    load = [os.getloadavg()[0]]
    for _ in range(repeat):
        runs["csv"].append(measure_cpu([sys.executable, __file__, "--step", "read_finance", str(csv_path)]))
        runs["sie"].append(measure_cpu([sys.executable, __file__, "--step", "read_finance", str(sie_path)]))
        load.append(os.getloadavg()[0])
    facts = json.loads(runs["sie"][-1][3])
    check = json.loads(runs["csv"][-1][3])
    med = {k: statistics.median(r[0] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r[1] for r in v) for k, v in runs.items()}
    ratios = [b[0] / a[0] for a, b in zip(runs["csv"], runs["sie"])]
    cpu_ratios = [b[1] / a[1] for a, b in zip(runs["csv"], runs["sie"])]
    rounds = "; ".join(f"{a[0]:.1f}/{b[0]:.1f}" for a, b in zip(runs["csv"], runs["sie"]))
    trans = sum(1 for line in sie_path.open("rb") if line.lstrip().startswith(b"#TRANS"))
    return ["## 9. The ledger as SIE 4 against the same facts as CSV", "",
            "One finance file read and validated by the package in a fresh process (`read_table`), "
            f"CSV and SIE in turns, {repeat} rounds. The CSV has one row per month, unit and account "
            "with actual and budget; the SIE file the same facts as one `#TRANS` per fact (in a `#VER` per "
            "unit and month), one `#PBUDGET` per fact, a `#RES` per account and year and a `#KSUMMA` "
            "checksum, CP437: reading it includes checking the checksum and every account's year "
            "against `#RES`. The target is at most 1.5×.", "",
            "| facts | #TRANS lines | CSV | SIE 4 | SIE ÷ CSV | range over rounds | CPU s CSV / SIE | CPU ratio "
            "(range) | same actuals |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {facts['rows']:,} | {trans:,} | {med['csv']:.2f} | {med['sie']:.2f} | "
            f"{med['sie'] / med['csv']:.2f} | {min(ratios):.2f}–{max(ratios):.2f} | "
            f"{cpu['csv']:.2f} / {cpu['sie']:.2f} | {cpu['sie'] / cpu['csv']:.2f} "
            f"({min(cpu_ratios):.2f}–{max(cpu_ratios):.2f}) | "
            f"{'yes' if abs(facts['actual'] - check['actual']) < 1e-3 * max(1, abs(check['actual'])) else 'NO'} |",
            "", f"Wall seconds per round, CSV/SIE: {rounds}. Load average (1 min) before and after each "
            f"round: {', '.join(f'{x:.1f}' for x in load)}."]


def make_paxml(persons: int = 7000) -> Path:
    """A month of a time system's PAXml 2.0 export: 22 days of ARB per person, SJK days in hours
    for every third person, a half-time SJK spell for every seventh, the schedule of everyone."""
    path = DATA / f"paxml-month-{persons}.pax"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    days = [f"2022-09-{d:02d}" for d in (1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27,
                                         28, 29, 30)]
    out = ['<?xml version="1.0" encoding="iso-8859-1"?>\n<paxml>\n<header><version>2.0</version>'
           "<programnamn>bench</programnamn></header>\n<tidtransaktioner>\n"]
    for p in range(persons):
        out += [f'<tidtrans anstid="{p}"><tidkod>ARB</tidkod><datum>{d}</datum><timmar>8</timmar></tidtrans>\n'
                for d in days]
        if p % 3 == 0:
            out.append(f'<tidtrans anstid="{p}"><tidkod>SJK</tidkod><datum>2022-09-2{p % 8}</datum>'
                       "<timmar>8</timmar></tidtrans>\n")
        if p % 7 == 0:
            out.append(f'<tidtrans anstid="{p}"><tidkod>SJK</tidkod><datumfrom>2022-09-01</datumfrom>'
                       "<datumtom>2022-09-14</datumtom><omfattning>50</omfattning></tidtrans>\n")
    out.append("</tidtransaktioner>\n<schematransaktioner>\n")
    out += [f'<schema anstid="{p}">' + "".join(f'<dag datum="{d}" timmar="8"/>' for d in days) + "</schema>\n"
            for p in range(persons)]
    out.append("</schematransaktioner>\n</paxml>\n")
    path.write_text("".join(out), encoding="iso-8859-1")
    return path


def _paxml_reference(path: Path) -> int:
    """The quick script: the C iterparse, the sick-leave transactions' fields in a list (no
    checks, no line numbers, no schedule, no pseudonyms)."""
    import xml.etree.ElementTree as ET

    rows = []
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag == "tidtrans":
            if element.findtext("tidkod", "").startswith("SJK"):
                rows.append((element.get("anstid"), element.findtext("datum"), element.findtext("timmar"),
                             element.findtext("datumfrom"), element.findtext("datumtom"),
                             element.findtext("omfattning")))
            element.clear()
        elif element.tag == "schema":
            element.clear()
    return len(rows)


def paxml_section(repeat: int) -> list[str]:
    from regionanalytics import paxml

    path = make_paxml()
    ours, reference = [], []
    for _ in range(max(repeat, 3)):  # side by side, round after round
        paxml._LAST.clear()
        start = time.perf_counter()
        found = paxml.read(path)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        sick = _paxml_reference(path)
        reference.append(time.perf_counter() - start)
    assert sick == 1000 + 2334 and not found.problems, (sick, found.problems[:3])
    a, b = statistics.median(ours), statistics.median(reference)
    ratios = [x / y for x, y in zip(ours, reference)]
    return ["## 11. A month of PAXml from a time system: the reader against the C iterparse", "",
            f"{path.stat().st_size / 2**20:.0f} MB, 7 000 persons: 154 000 ARB transactions, 3 334 sick-leave "
            "ones (2 334 days in hours, 1 000 spells), 154 000 schedule days. The package checks every "
            "sick-leave transaction, keeps its line and splits the spells by the schedule (the ids are anstid, "
            "so nothing to pseudonymise); "
            "the reference only picks the fields out.", "",
            "| package `paxml.read` | C iterparse, fields only | package ÷ reference | range over rounds |",
            "|---|---|---|---|",
            f"| {a:.2f} | {b:.2f} | {a / b:.2f} | {min(ratios):.2f}–{max(ratios):.2f} |"]


def measure(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one child process."""
    seconds, _, peak, out = measure_cpu(cmd, env, cwd)
    return seconds, peak, out


def measure_cpu(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, all threads), peak RSS (MiB) and stdout
    of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"failed: {' '.join(map(str, cmd))}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def run_step(name: str, data_dir: Path, env=None):
    return measure([sys.executable, __file__, "--step", name, str(data_dir)], env=env)


def median_of(repeat: int, fn):
    results = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def make_data(scale: int) -> Path:
    folder = DATA / f"scale{scale}"
    if (folder / "absence.csv").exists():
        return folder  # delete the folder to generate it again
    if scale == 1:
        shutil.copytree(ROOT / "data" / "sample", folder, dirs_exist_ok=True)
        return folder
    code = ("import sys; sys.path.insert(0, 'scripts'); from make_sample import write; "
            "from synth import generate_region; "
            f"write(generate_region(scale={scale}, calibrate=False, years=5, ledger_accounts=10), "
            f"__import__('pathlib').Path({str(folder)!r}))")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)  # in a child: the parent stays small
    return folder


def make_personnummer_data(scale: int) -> Path:
    """The scale's region with personnummer instead of pseudonymous ids, as an HR system
    writes them (``YYYYMMDD-NNNN``); every file otherwise as in the plain region (same
    columns, same compression), so that a load with the ids kept as read also validates. Each person gets a valid number (Luhn check digit)
    whose date lies in the person's birth year and whose gender digit matches."""
    import pandas as pd

    plain = make_data(scale)
    folder = DATA / f"scale{scale}-personnummer"
    if (folder / "absence.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for path in plain.iterdir():
        if path.is_dir():  # the texts folder
            shutil.copytree(path, folder / path.name, dirs_exist_ok=True)
        elif not path.name.startswith(("employees", "absence")):
            shutil.copy(path, folder / path.name)
    emp_path = next(plain.glob("employees.*"))
    emp = pd.read_csv(emp_path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    columns = {c.casefold(): c for c in emp.columns}
    pid, birth, gender = columns["person-id"], columns["födelseår"], columns["kön"]
    persons = emp.drop_duplicates(pid)[[pid, birth, gender]].reset_index(drop=True)
    persons["serial"] = persons.groupby([birth, gender]).cumcount()
    numbers = {}
    for person, year, sex, serial in persons.itertuples(index=False):
        month, day = 1 + serial % 12, 1 + (serial // 12) % 28
        digit = (serial // 336) % 5 * 2 + (1 if sex in ("M", "Man") else 0)
        body = f"{int(year) % 100:02d}{month:02d}{day:02d}{(serial // 1680) % 100:02d}{digit}"
        total = sum(sum(divmod(int(c) * (2 - i % 2), 10)) for i, c in enumerate(body))
        numbers[person] = (f"{int(year)}{month:02d}{day:02d}", body[6:] + str((10 - total % 10) % 10))
    emp[pid] = emp[pid].map(lambda p: f"{numbers[p][0]}-{numbers[p][1]}")
    # the same file in the same form but for the ids: only pseudonymising is measured
    emp.rename(columns={pid: "Personnummer"}).to_csv(folder / emp_path.name, sep=";", index=False,
                                                      encoding="utf-8-sig")
    absence = pd.read_csv(plain / "absence.csv", dtype=str)
    absence["person_id"] = absence["person_id"].map(lambda p: f"{numbers[p][0]}-{numbers[p][1]}")
    absence.to_csv(folder / "absence.csv", index=False)
    return folder


def bench_pseudonyms(scale: int, repeat: int) -> dict:
    """Cold loads of the region with personnummer, with and without checking and
    pseudonymising them (the same files), and of the region with pseudonymous ids; in turns."""
    plain, pnr = make_data(scale), make_personnummer_data(scale)
    env = {**os.environ, "REGIONANALYTICS_PSEUDONYM_KEY": "benchmark-key"}
    runs = {"as_read": [], "pseudonymised": [], "plain": []}
    for _ in range(repeat):
        runs["as_read"].append(run_step("load_ids_as_read", pnr, env))
        runs["pseudonymised"].append(run_step("load", pnr, env))
        runs["plain"].append(run_step("load", plain, env))
    facts = json.loads(runs["pseudonymised"][-1][2])
    med = {k: statistics.median(r[0] for r in v) for k, v in runs.items()}
    return {**med, **facts,
            "ratios": [b[0] / a[0] for a, b in zip(runs["as_read"], runs["pseudonymised"])]}


def pseudonym_section(scales: list[int], repeat: int) -> list[str]:
    lines = ["## 5. Cold load: checking and pseudonymising personnummer", "",
             "The region's files with personnummer as person ids, loaded with the personnummer step (date and Luhn check, "
             "HMAC-SHA-256 pseudonym, while the file is read) and with it switched off (a "
             "benchmark-only patch); and, for scale, the same region with short pseudonymous ids. "
             f"Loads take turns, {repeat} rounds; the target is at most 1.10 at scale 10.", "",
             "| scale | person-months | persons | ids as read | pseudonymised | ratio | range over rounds | "
             "pseudonymous ids in the export |",
             "|---|---|---|---|---|---|---|---|"]
    for scale in scales:
        r = bench_pseudonyms(scale, repeat)
        lines.append(f"| {scale} | {r['rows']:,} | {r['persons']:,} | {r['as_read']:.2f} | "
                     f"{r['pseudonymised']:.2f} | {r['pseudonymised'] / r['as_read']:.2f} | "
                     f"{min(r['ratios']):.2f}–{max(r['ratios']):.2f} | {r['plain']:.2f} |")
        print(lines[-1], flush=True)
    lines += ["", "Where the added time goes (one employees file of 4.1 million rows, 78,000 persons): "
              "checking the distinct ids (about 0.08 s), HMAC-SHA-256 of each distinct number with the "
              "key's padded hash states computed once (about 0.06 s; `hmac.digest` per number took 0.13 s), "
              "and spreading the pseudonyms over the rows, a new string column where the ids as read keep "
              "theirs (about 0.03 s of CPU, and up to 0.2 s of the kernel's time handing the process fresh "
              "memory on this virtual machine). The reference year of ten-digit numbers is looked up only "
              "when a number lacks its century, among the distinct months (it scanned every cell: 0.34 s). "
              "Tables are read largest first by the bytes to parse (a gzip file by its uncompressed size), "
              "so the employees file no longer waits behind the absence file: that made both loads about "
              "1 s faster."]
    return lines


def bench_pdf(scale: int, repeat: int) -> dict:
    """The batch with and without --pdf, in turns, every report made again each time."""
    data = make_data(scale)
    n_reports = 2 + len(describe(data)["divisions"])  # the director's report, the region overview, the divisions
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD, "--data", str(data),
                "--jobs", "2", "--force"]
        measure(base + ["--out", str(Path(tmp) / "warm")])  # fill the parsed-table cache once
        runs = {"html": [], "pdf": []}
        for _ in range(repeat):
            runs["html"].append(measure(base + ["--out", str(Path(tmp) / "html")]))
            runs["pdf"].append(measure(base + ["--out", str(Path(tmp) / "pdf"), "--pdf"]))
    med = {k: statistics.median(r[0] for r in v) for k, v in runs.items()}
    per_report = [(b[0] - a[0]) / n_reports for a, b in zip(runs["html"], runs["pdf"])]
    return {**med, "reports": n_reports, "per_report": statistics.median(per_report), "range": per_report}


def pdf_section(scales: list[int], repeat: int) -> list[str]:
    lines = ["## 6. The batch with PDF vs HTML only", "",
             "`regionanalytics run --jobs 2 --force` with and without `--pdf`, in turns (every report made "
             "again each time; the PDF run also prints the combined tertial PDF, in a worker). "
             "The target is at most 1 s added per report. Each worker starts its browser as it starts and "
             "prints every report in one kept page; a PDF is parsed only when its bytes may hold a local "
             "link to rewrite (the director's report); the combined PDF is printed once, with the page "
             "numbers the reports' own PDFs give, and checked by where each report's anchor (a named "
             "destination) landed, not by the text of its pages (which took pypdf longer than printing).", "",
             "| scale | reports | HTML only | with PDF | added per report | range over rounds |",
             "|---|---|---|---|---|---|"]
    for scale in scales:
        r = bench_pdf(scale, repeat)
        lines.append(f"| {scale} | {r['reports']} | {r['html']:.1f} | {r['pdf']:.1f} | {r['per_report']:.2f} s | "
                     f"{min(r['range']):.2f}–{max(r['range']):.2f} s |")
        print(lines[-1], flush=True)
    return lines


def units_section() -> list[str]:
    """The whole unit batch of the sample (region, divisions and every unit) against the
    plain route for the same notebooks, one round each (the plain route takes minutes)."""
    data = make_data(1)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD, "--data", str(data),
               "--jobs", "2", "--units", "--force"]
        measure(cmd + ["--out", str(tmp / "warm")], env=env)  # the parsed-table cache, once
        ours = measure(cmd + ["--out", str(tmp / "ours")], env=env)[0]
        n = len(list((tmp / "ours" / PERIOD).glob("*.html"))) - 1  # less the index
        plain = _plain_route(data, tmp / "plain", env, units=True)[0]
    return ["## 8. The unit batch vs papermill + nbconvert per report", "",
            "`regionanalytics run --units --jobs 2 --force` against `papermill` then `jupyter nbconvert` for "
            "every notebook, one after the other; one round each. The target is at least 8× faster.", "",
            "| reports | `run --units --jobs 2` | plain route | speed-up | per report, ours |", "|---|---|---|---|---|",
            f"| {n} | {ours:.1f} | {plain:.1f} | {plain / ours:.1f}× | {ours / n:.2f} s |"]


def step_marginal(data_dir: str) -> dict:
    """CPU seconds of reports on one warm worker (this process and its kernel), for N and 2N
    reports of each kind after a warm-up: the marginal cost is (2N − N) / N."""
    import psutil

    from regionanalytics.runner import kernels
    from regionanalytics.runner.execute import execute_report
    from regionanalytics.runner.executors import start_worker
    from regionanalytics.runner.planning import plan_reports
    from regionanalytics.data import load_region

    region = load_region(data_dir)
    units = {d: sorted(region.finance.loc[region.finance["division"] == d, "unit"].unique())
             for d in region.divisions}
    specs = plan_reports(PERIOD, Path(data_dir), None, region.divisions, units=units)
    # this process is a batch's worker, started as the batch starts one (its kernel warmed
    # with the data set, the imports paid and frozen out of the garbage collector's passes)
    start_worker(os.getppid(), {"cwd": str(Path(specs[0].notebook).parent), "data_dir": data_dir})
    kinds = {"division": [s for s in specs if s.slug.startswith("division-") and s.unit is None],
             "unit": [s for s in specs if s.unit is not None]}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        def cpu() -> float:
            me = psutil.Process()
            kernel = kernels._WARM.get("km")
            total = sum(me.cpu_times()[:2])
            if kernel is not None and kernel.provisioner is not None:
                total += sum(psutil.Process(kernel.provisioner.process.pid).cpu_times()[:2])
            return total

        def run(batch) -> tuple[float, float]:
            start_cpu, start = cpu(), time.perf_counter()
            for spec in batch:
                result = execute_report(spec, tmp, 600, "bench")
                if result.status != "ok":
                    raise RuntimeError(result.error)
            return cpu() - start_cpu, time.perf_counter() - start

        execute_report(kinds["unit"][0], tmp, 600, "bench")  # the kernel started and warm
        for kind, batch in kinds.items():
            n = 12
            batch = (batch * (2 * n // len(batch) + 1))[:2 * n]  # the 6 divisions twice over, if need be
            execute_report(batch[0], tmp, 600, "bench")  # this kind's first report: imports, caches
            cpu_n, wall_n = run(batch[:n])
            cpu_2n, wall_2n = run(batch)
            out[kind] = {"n": n, "cpu_n": cpu_n, "cpu_2n": cpu_2n, "marginal_cpu": (cpu_2n - cpu_n) / n,
                         "marginal_wall": (wall_2n - wall_n) / n}
    kernels.shutdown_warm()
    return out


STEPS["marginal"] = step_marginal


def marginal_section(repeat: int = 3) -> list[str]:
    rounds = [json.loads(run_step("marginal", make_data(1))[2]) for _ in range(repeat)]
    lines = ["## 10. Marginal cost of one more report on a warm worker", "",
             "One worker process, started as a batch starts its workers (its kernel warmed with the data set), runs N reports, then 2N, of the same kind "
             "(after a warm-up); CPU seconds are the worker's and its kernel's together. The marginal "
             "cost is (time for 2N − time for N) / N, the median of "
             f"{repeat} rounds, each in a new worker. The target is at most 0.6 s of CPU.", "",
             "| kind | N | CPU for N | CPU for 2N | marginal CPU per report | range over rounds | "
             "marginal wall per report |",
             "|---|---|---|---|---|---|---|"]
    for kind in rounds[0]:
        runs = sorted((r[kind] for r in rounds), key=lambda v: v["marginal_cpu"])
        v = runs[len(runs) // 2]
        lines.append(f"| {kind} | {v['n']} | {v['cpu_n']:.2f} | {v['cpu_2n']:.2f} | {v['marginal_cpu']:.2f} | "
                     f"{runs[0]['marginal_cpu']:.2f}–{runs[-1]['marginal_cpu']:.2f} | {v['marginal_wall']:.2f} |")
    lines += ["", "After the second session of 2 December (the table above is still the idle machine's of 05:20 UTC; the coordinator re-measures): cut from a division report's own work, with no figure and no page changed (all 58 pages of 2021-T1 with its units, 2021-T2 and 2021, the region's and the director's included, byte-equal to the base commit 6bf0399's apart from the time stamp, charts included; key_metrics equal in every column): babel's locale and number pattern parsed once (format_decimal parsed both for each of a report's some 300 numbers, 30 → 12 µs a number); goal fulfilment rolled up in one grouping (four applies of a Python function per group); a table's data frame with its total row put together only when read; every division's units, for the text files' names, once per data set; charts made outside pyplot's figure manager (9 → 5 ms a figure, the PNG bytes the same); the units' forecasts and their total from one pass (metrics.forecast_deviations); the budget disagreements' four sums in one grouping; working days counted once per list of months; the staff figures take only the columns they read. Side by side, this section's command, the commit before these cuts (89bc2b0) and after, one after the other on a machine at load 2–3: 0.73 s (0.73–0.89) and 0.73 s (0.70–0.75) a division report; the kernel's own CPU for a division report's cells, run in one process in turns with the base commit's (six reports a round, least of four rounds, two pairs): 0.34 → 0.29 s and 0.30 → 0.32 s. The cuts are some 20–30 ms of a report's 0.3 s of cells, less than this machine's noise; the rest of a report's marginal cost is the 27 cells' round trips in the kernel and the worker (about 0.25 s) and the two charts' drawing and PNG (about 0.1 s)."]
    lines += ["", "Profiled again on 2 December 2026, after the division report had grown (the people's texts "
              "and their typed-figure check, staff costs, investments, the data notes on budget and accounts): "
              "py-spy at 200 Hz on a process running the division notebook's cells as the kernel does, 30 "
              "reports after a warm-up, and cProfile for the callers. A warm division report took about 0.6 s "
              "of the kernel's CPU on the busy machine. The two charts' PNGs are a fifth of it (matplotlib's "
              "text drawing, and zlib at Pillow's default level, about 17 ms a chart; left as they are). What "
              "each report worked out again and now takes once: every division's and unit's monthly "
              "sick-leave figures and the units' totals, filtered and merged from the region's cells for "
              "every report, now once per data set and period in a kernel (as the model decided them); the "
              "division's key-metrics row, which the staff structure read seven times and the summary three "
              "(set_index, loc and to_dict each time), the goal fulfilment (the summary and the scorecard), "
              "and a unit's result, headcount, hours and forecast (its key figures and again its tables), "
              "now once a report. Done needlessly: every grouping's sums were rounded with one frame-wide "
              "round, a fifth of its cost (now a column at a time, in the key metrics too); the budget notes "
              "looped in Python over every account's key to leave out the units flagged as a whole, even "
              "when none was. No figure and no page changed (the pages of every division and a third of the "
              "units, two tertials, compared with those before, charts included). Side by side on the busy "
              "machine (load 2–8, this section's command, 3 rounds each, two pairs): a division report 0.93 → "
              "0.69 s and 0.80 → 0.77 s, a unit report 0.79 → 0.56 s and 0.56 → 0.59 s, the rounds' ranges "
              "overlapping; the kernel's own CPU per report (the cells run in one process, three pairs in "
              "turns) 0.52–0.64 → 0.51–0.57 s a division report, 0.50–0.59 → 0.42–0.44 s a unit report. So "
              "the kernel's work is some 0.55 s of a division report's 0.8–0.9 s: the rest is the worker's "
              "and the cells' round trips. What is left is spread thin: pandas groupings of the division's "
              "rows (forecast, staff costs, investments, production, the economy table; each for the units "
              "and for the total), the tables' HTML, the two charts, and some 5 ms of round trip per cell "
              "(25 code cells).", "",
              "Where a warm report's time went and what was cut (profiled on the sample: cProfile and "
              "py-spy in the worker and in its kernel, psutil for CPU, descriptors and threads; "
              "November 2026):", "",
              "- A leak made every report dearer than the one before: nbclient leaves open the connection "
              "of a kernel it was handed (jupyter/nbclient#348), so each report left its sockets, "
              "heartbeat thread and zmq context behind (14 file descriptors, 3 threads, about 10 MB), "
              "and a worker would have run out of descriptors after some 60 reports. Each report now "
              "closes its connection; the worker's CPU per report fell from 0.11–0.13 s to 0.08 s and no "
              "longer grows.",
              "- In the kernel, the report's own work: a division report's calls take about 0.35 s warm. "
              "The two charts are a third of it (matplotlib's text layout, drawing and the PNG); titles "
              "now sit at a set height (matplotlib placed them by measuring every tick label at each "
              "drawing), a tight bounding box at save time that drew every chart twice is gone, and the "
              "month charts have fixed margins. Each table is split per division (and unit) once per "
              "data set in a kernel, instead of filtered from the region's rows for every section "
              "(about 0.05 s a report). The data set is kept per kernel by file digest, and a report's "
              "sick-leave hours are cut from the region's.",
              "- Per cell, about 5 ms of CPU (the kernel's execute round trip and the client's "
              "message handling): 20 code cells in a division report, 13 in a unit report.",
              "- Before the first cell, a reused kernel's namespace is reset by the report's own client "
              "(a second client running `%reset -f` cost a connection, a round trip and a full garbage "
              "collection of 0.15 s). The kernel keeps no input history and no output cache.",
              "- In the worker: rendering the HTML 0.02 s (the exporter's Jinja templates are compiled "
              "once per worker, nbconvert's second BeautifulSoup pass over every page is replaced, and "
              "the notebook is checked against its schema once instead of after each of 13 "
              "preprocessors), the notebook written once as the run ends."]
    return lines


def rerun_section(repeat: int) -> list[str]:
    """A re-run of the whole sample batch with nothing changed, from the command line,
    against the first run of the same batch."""
    data = make_data(1)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD, "--data", str(data),
               "--jobs", "2", "--out", str(Path(tmp) / "out")]
        first = measure(cmd)[0]
        again = statistics.median(measure(cmd)[0] for _ in range(repeat))
    return ["## 7. Re-run with nothing changed", "",
            "`regionanalytics run` of the sample's tertial batch (region and 6 divisions) a second time: "
            "the files' digests, notebooks, parameters and package are unchanged, so no data is loaded "
            "and no report is made. The target is under 1 s.", "",
            "| first run | re-run (median) | re-run ÷ first run |", "|---|---|---|",
            f"| {first:.1f} | {again:.2f} | {again / first:.3f} |"]


def text_rerun_section(repeat: int) -> list[str]:
    """A re-run of the sample's batch after one division's text changed, from the command
    line: only that division's report and the director's are made again. The text is
    changed to and fro, so every round has a change to make."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "sample", data)
        text = data / "texts" / PERIOD / "Länsteknik.md"
        original = text.read_text(encoding="utf-8")
        cmd = [sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD, "--data", str(data),
               "--jobs", "2", "--out", str(Path(tmp) / "out")]
        first = measure(cmd)[0]
        times, cpus = [], []
        for i in range(repeat):
            text.write_text(original + f"\nEn rad till ({i}).\n", encoding="utf-8")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(measure(cmd)[0])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run, its workers and kernels
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        manifest = json.loads((Path(tmp) / "out" / PERIOD / "manifest.json").read_text(encoding="utf-8"))
        made = sorted(slug for slug, e in manifest["reports"].items() if e.get("reason") == "its text changed")
        # a notebook made again without a kernel says so in its metadata (runner/rerender.py)
        rerendered = [slug for slug in made if "text_rerendered" in json.loads(
            (Path(tmp) / "out" / PERIOD / f"{slug}.ipynb").read_text(encoding="utf-8"))["metadata"].get(
                "regionanalytics", {})]
    again = statistics.median(times)
    return ["## 12. Re-run after one division's text changed", "",
            "`regionanalytics run` of the sample's tertial batch (the director's report, the region overview "
            "and 6 divisions) again after `texts/2021-T1/Länsteknik.md` changed: the data are loaded (from "
            "the parsed-table cache) and checked, and only the reports whose text changed are made: "
            f"{', '.join(made)}; made again without a kernel (re-rendered: {', '.join(rerendered) or 'none'}): "
            "the run computes their text cells and header in its own process and puts them into the previous "
            "executed notebooks, which it renders; no worker starts; the key figures and `summary.xlsx` of "
            "files and code seen before are read back from the parsed-table cache, and each report's data "
            "digest from the manifest. "
            f"{repeat} rounds, the text changed before each. The target is at most 3 s. "
            "CPU is the user and system time of the run, its workers and their kernels (what a loaded "
            f"machine does not stretch); load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", "",
            "| first run | re-run (median) | range | re-run ÷ first run | CPU of a re-run (median) |",
            "|---|---|---|---|---|",
            f"| {first:.1f} | {again:.2f} | {min(times):.2f}–{max(times):.2f} | {again / first:.3f} | "
            f"{statistics.median(cpus):.2f} s |"]


#: Today's set-up before issue 23, as the Makefile ran it: pip from the lock file.
PIP_ROUTE = ("python3 -m venv .venv && .venv/bin/python -m pip install --quiet --disable-pip-version-check "
             "-r requirements.lock && .venv/bin/python -m pip install --quiet --no-deps -e . && "
             ".venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null && "
             f".venv/bin/regionanalytics run --period {PERIOD} --data data/sample --out outputs --jobs 2")


def setup_section(repeat: int) -> list[str]:
    """A fresh clone of the committed code to its first reports: `make report` (the lock
    installed with uv, bootstrapped by pip when the machine has no uv) against the pip
    route the Makefile took before, in turns. Each clone gets an empty parsed-table cache;
    the installers' download caches are the machine's (a second machine of a region's
    analysts has them too after its first set-up; a first-ever set-up downloads)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = os.pathsep.join(d for d in env["PATH"].split(os.pathsep)
                                  if not (Path(d) / "uv").exists())  # a machine without uv
    times: dict[str, list[float]] = {"make report": [], "pip route": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for route in times:
                clone = Path(tmp) / f"clone{i}{route[0]}"
                subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
                run_env = dict(env, REGIONANALYTICS_CACHE=str(clone / ".cache"))
                cmd = ["make", "report"] if route == "make report" else ["bash", "-c", PIP_ROUTE]
                started = time.perf_counter()
                done = subprocess.run(cmd, cwd=clone, env=run_env, capture_output=True, text=True)
                times[route].append(time.perf_counter() - started)
                if done.returncode != 0 or not (clone / "outputs" / PERIOD / "index.html").exists():
                    raise SystemExit(f"{route} failed in {clone}:\n{done.stderr[-2000:]}")
                shutil.rmtree(clone)
    uv, pip = (statistics.median(times[r]) for r in ("make report", "pip route"))
    rng = lambda r: f"{min(times[r]):.1f}–{max(times[r]):.1f}"
    return ["## 13. A fresh clone to its first reports", "",
            "`git clone` of the committed code, then `make report` (set-up from `requirements.lock` with uv, "
            "bootstrapped by the standard library's venv and pip because the machine has no uv on its PATH, "
            "then the 2021-T1 batch of the sample) against the pip route the Makefile took before "
            "(venv, `pip install -r requirements.lock`, the package, the batch), in turns, "
            f"{repeat} rounds. Each clone starts with an empty parsed-table cache; the installers' download "
            "caches are the machine's. The target is at most 45 s on 2 cores. Load average at the end: "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", "",
            "| `make report` (median) | range | pip route (median) | range | pip ÷ make report |",
            "|---|---|---|---|---|",
            f"| {uv:.1f} | {rng('make report')} | {pip:.1f} | {rng('pip route')} | {pip / uv:.1f}× |"]


def batch_section(repeat: int) -> list[str]:
    """Section 3 alone: the tertial batch and the plain route in turns, round after round."""
    data = make_data(1)
    env = dict(os.environ)
    ours, plain = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        measure([sys.executable, "-m", "regionanalytics.cli", "metrics", "--period", PERIOD, "--data", str(data)],
                env=env)  # the parsed-table cache warm for both routes
        for _ in range(repeat):
            ours.append(measure([sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD,
                                 "--data", str(data), "--out", str(tmp / "ours"), "--jobs", "2", "--force"],
                                env=env)[0])
            plain.append(_plain_route(data, tmp / "plain", env)[0])
    a, b = statistics.median(ours), statistics.median(plain)
    ratios = [p / o for o, p in zip(ours, plain)]
    return ["## 3. The tertial batch (region + every division, HTML included) vs papermill + nbconvert per report", "",
            f"The two routes in turns, {repeat} rounds; the speed-up is of the medians, the range that of the "
            f"single rounds. The target is at least 8×. Load average at the end: {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores. Ours works the region's figures (the key metrics, the sick-leave "
            "model's decisions, every scope's figures) out once, in the main process, which reads them back "
            "from the parsed-table cache when a run of the same files and code worked them out, and hands "
            "them to every report's kernel: no kernel works them out again (each of the plain route's does).", "",
            "| scale | `regionanalytics run --jobs 2` | plain route, sequential | speed-up | range over rounds |",
            "|---|---|---|---|---|",
            f"| 1 | {a:.1f} | {b:.1f} | {b / a:.1f}× | {min(ratios):.1f}–{max(ratios):.1f}× |"]


def replace_section(path: Path, number: int, section: list[str]) -> None:
    """Put ``section`` in place of section ``number`` of the results file (or append it)."""
    text = path.read_text(encoding="utf-8")
    marker = f"## {number}. "
    head, _, tail = text.partition(marker)
    rest = tail.partition("\n## ")[2] if tail else ""
    body = head.rstrip("\n") + "\n\n" + "\n".join(section) + "\n" + (("\n## " + rest) if rest else "")
    path.write_text(body, encoding="utf-8")


def compare(package_rows, reference_rows) -> float:
    """Largest absolute difference between the package's and the reference's shared figures."""
    ours = {(r["division"], r["metric"]): r["value"] for r in package_rows}
    worst = 0.0
    for r in reference_rows:
        key = (r["division"], r["metric"])
        if key in ours and ours[key] is not None and r["value"] is not None:
            a, b = float(ours[key]), float(r["value"])
            if a == a and b == b:
                worst = max(worst, abs(a - b))
    return worst


def compared(package_rows, reference_rows) -> tuple[int, list[str]]:
    """How many figures :func:`compare` compares (both give a number), and their metrics."""
    ours = {(r["division"], r["metric"]): r["value"] for r in package_rows}
    both = [r for r in reference_rows if ours.get((r["division"], r["metric"])) is not None
            and r["value"] is not None and float(r["value"]) == float(r["value"])
            and float(ours[(r["division"], r["metric"])]) == float(ours[(r["division"], r["metric"])])]
    return len(both), sorted({r["metric"] for r in both})


def load_rounds(scale: int, repeat: int) -> int:
    """Rounds of section 1: three times as many at scale 1, where a round takes a few
    seconds and a shared machine's noise is a large part of each (single rounds there
    ranged from 1.38 to 1.70 of DuckDB's time with three rounds)."""
    return repeat * 3 if scale == 1 else repeat


def bench_load_and_metrics(scale: int, repeat: int) -> dict:
    """The three runs take turns (package, DuckDB, cached) so that a slow moment of a shared
    machine falls on all of them alike; the medians are compared."""
    data = make_data(scale)
    run_step("package_cached", data)  # fill the parsed-table cache once
    runs = {"package": [], "duckdb": [], "cached": []}
    for _ in range(load_rounds(scale, repeat)):
        for name, step in (("package", "package"), ("duckdb", "duckdb"), ("cached", "package_cached")):
            runs[name].append(run_step(step, data))
    med = {k: (statistics.median(r[0] for r in v), max(r[1] for r in v)) for k, v in runs.items()}
    package_rows, reference_rows = json.loads(runs["package"][-1][2])["rows"], json.loads(runs["duckdb"][-1][2])["rows"]
    return {**med, "max_abs_diff": compare(package_rows, reference_rows),
            "compared": compared(package_rows, reference_rows),
            "ratios": [p[0] / d[0] for p, d in zip(runs["package"], runs["duckdb"])]}


def bench_hand(scale: int, repeat: int) -> dict:
    data = make_data(scale)
    pkg = [json.loads(run_step("sick_package", data)[2]) for _ in range(repeat)]
    hand = [json.loads(run_step("sick_hand", data)[2]) for _ in range(max(1, repeat // 3 or 1))]
    p = statistics.median(x["inner_seconds"] for x in pkg)
    h = statistics.median(x["inner_seconds"] for x in hand)
    diff = max(abs(pkg[0][k][d] - hand[0][k][d]) for k in ("values", "previous") for d in hand[0]["values"])
    return {"package": p, "hand": h, "max_abs_diff": diff}


def bench_batch(scale: int, repeat: int) -> dict:
    data = make_data(scale)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # warm the parsed-table cache once so both routes read the same way
        measure([sys.executable, "-m", "regionanalytics.cli", "metrics", "--period", PERIOD, "--data", str(data)],
                env=env)
        ours = median_of(repeat, lambda: measure(
            [sys.executable, "-m", "regionanalytics.cli", "run", "--period", PERIOD, "--data", str(data),
             "--out", str(tmp / "ours"), "--jobs", "2", "--force"], env=env))
        plain = median_of(repeat, lambda: _plain_route(data, tmp / "plain", env))
    return {"ours": ours[:2], "plain": plain[:2]}


def _plain_route(data: Path, out: Path, env, units: bool = False) -> tuple[float, float, str]:
    out.mkdir(parents=True, exist_ok=True)
    facts = json.loads(run_step("describe_units", data)[2])
    divisions = facts["divisions"]
    jobs = [("region_overview.ipynb", "region", {})] + [
        ("division_report.ipynb", f"d{i}", {"division": d}) for i, d in enumerate(divisions)]
    if units:
        jobs += [("unit_report.ipynb", f"u{i}", {"division": d, "unit": u})
                 for i, (d, u) in enumerate(facts["units"])]
    bin_ = Path(sys.executable).parent
    total, peak = 0.0, 0.0
    for notebook, name, extra in jobs:
        params = ["-p", "period", PERIOD, "-p", "data_dir", str(data)]
        for k, v in extra.items():
            params += ["-p", k, v]
        s1, m1, _ = measure([str(bin_ / "papermill"), str(ROOT / "notebooks" / notebook),
                             str(out / f"{name}.ipynb"), "--cwd", str(ROOT / "notebooks"), *params], env=env)
        s2, m2, _ = measure([str(bin_ / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                             str(out / f"{name}.ipynb")], env=env)
        total += s1 + s2
        peak = max(peak, m1, m2)
    return total, peak, ""


def bench_first_metric(repeat: int) -> dict:
    code = ("import time; t=time.perf_counter(); import regionanalytics as ra; "
            "d=ra.load_region('data/sample'); ra.metrics.budget_deviation(d.finance, '2021-T1'); "
            "print(time.perf_counter()-t)")
    floor = "import time; t=time.perf_counter(); import pandas; print(time.perf_counter()-t)"
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, REGIONANALYTICS_CACHE=cache)
        cold = measure([sys.executable, "-c", code], env=env)
        warm = [measure([sys.executable, "-c", code], env=env) for _ in range(repeat)]
        base = [measure([sys.executable, "-c", floor], env=env) for _ in range(repeat)]
    inner = statistics.median(float(w[2]) for w in warm)
    return {"cold": float(cold[2]), "warm": inner, "warm_wall": statistics.median(w[0] for w in warm),
            "import_pandas": statistics.median(float(b[2]) for b in base), "peak": max(w[1] for w in warm)}


# ------------------------------------------------------------------ report

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def rows_of(folder: Path) -> str:
    return ", ".join(f"{t} {n:,}" for t, n in describe(folder)["rows"].items())


def targets(results: dict, hand, batch, first) -> list[str]:
    """The targets of issue 4 against this run's figures."""
    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    rows = ["", "## Against the targets of issue 4", "", "| target | result | |", "|---|---|---|"]
    for scale, r in results.items():
        ratio = r["package"][0] / r["duckdb"][0]
        rows.append(f"| load, validate and metrics within 1.5× of DuckDB, scale {scale} | "
                    f"{ratio:.2f}× from a cold parse, {r['cached'][0] / r['duckdb'][0]:.2f}× with the cache | "
                    f"{verdict(ratio <= 1.5)} |")
    if hand:
        rows.append(f"| at least 10× faster than the hand-written route at scale 1 | "
                    f"{hand['hand'] / hand['package']:.0f}× | {verdict(hand['hand'] / hand['package'] >= 10)} |")
    if batch:
        speed = batch["plain"][0] / batch["ours"][0]
        rows.append(f"| batch at least 3× faster than the plain route on 2 cores | {speed:.1f}× | {verdict(speed >= 3)} |")
    rows.append(f"| first metric in a fresh kernel under 1.5 s for the sample | {first['warm']:.2f} s "
                f"({first['cold']:.2f} s on the very first load of the files) | {verdict(first['warm'] < 1.5)} |")
    if len(results) > 1:
        (a, ra_), (b, rb) = list(results.items())[0], list(results.items())[-1]
        peak = max(rb["package"][1], rb["cached"][1]) / 1024
        growth = rb["package"][0] / ra_["package"][0]
        data_growth = (describe(make_data(b))["rows"]["employees"]
                       / describe(make_data(a))["rows"]["employees"])
        rows.append(f"| time and memory grow no faster than the data; scale {b} under 8 GiB | "
                    f"scale {a}→{b}: cold time ×{growth:.1f}, memory ×{rb['package'][1] / ra_['package'][1]:.1f} "
                    f"(person-months ×{data_growth:.1f}); peak {peak:.1f} GiB | {verdict(peak < 8)} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", nargs=2)
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10])
    parser.add_argument("--batch-scales", nargs="+", type=int, default=[1])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", help="the results file (default benchmarks/RESULTS.md)")
    parser.add_argument("--pseudonym-scales", nargs="+", type=int, default=[10])
    parser.add_argument("--only", choices=("batch", "pseudonyms", "pdf", "rerun", "units", "sie", "marginal",
                                           "paxml", "texts", "setup"),
                        help="run one section (3, 5–13) alone and replace it in the results file")
    parser.add_argument("--sie-facts", type=int, default=SIE_FACTS,
                        help="#TRANS lines of section 9's ledger; a smaller one only prints its section unless "
                             "--out is given")
    args = parser.parse_args()
    if args.step:
        name, data_dir = args.step
        print(json.dumps(STEPS[name](data_dir), default=float))
        return
    if args.only:
        number, section = {"batch": lambda: (3, batch_section(args.repeat)),
                           "setup": lambda: (13, setup_section(args.repeat)),
                           "pseudonyms": lambda: (5, pseudonym_section(args.pseudonym_scales, args.repeat)),
                           "pdf": lambda: (6, pdf_section([1], args.repeat)),
                           "rerun": lambda: (7, rerun_section(args.repeat)),
                           "units": lambda: (8, units_section()),
                           "sie": lambda: (9, sie_section(args.repeat, args.sie_facts)),
                           "marginal": lambda: (10, marginal_section(args.repeat)),
                           "paxml": lambda: (11, paxml_section(args.repeat)),
                           "texts": lambda: (12, text_rerun_section(args.repeat))}[args.only]()
        if args.out is None and args.sie_facts != SIE_FACTS:  # a quick try: not the section's ledger
            print("\n".join(section))
            return
        out = args.out or str(ROOT / "benchmarks" / "RESULTS.md")
        replace_section(Path(out), number, section)
        print(f"wrote {out}")
        return
    args.out = args.out or str(ROOT / "benchmarks" / "RESULTS.md")

    lines = ["# Benchmark results", "",
             f"Command: `python benchmarks/run.py --scales {' '.join(map(str, args.scales))} "
             f"--batch-scales {' '.join(map(str, args.batch_scales))} --repeat {args.repeat}` (`make bench`)",
             f"Machine: {machine()}", f"Date: {time.strftime('%Y-%m-%d')}", "",
             "Times are medians of the repeats, in seconds; memory is the peak RSS of the measured process "
             "(for the batch: of its largest single process, worker or kernel). "
             "Section 1 gives the package's time as a multiple of DuckDB's (the target is at most 1.5); "
             "the other sections give speed-ups (how many times faster the package is).", ""]
    lines += ["## 1. Load, validate and all key metrics of 2021-T1 vs DuckDB SQL", "",
              "Package, DuckDB and the cached package take turns, round after round; the ratio is of the medians, "
              "the range that of the single rounds. Rounds: "
              + ", ".join(f"{load_rounds(s, args.repeat)} at scale {s}" for s in args.scales) + ".", "",
              "| scale | rows | package (cold parse) | DuckDB | package ÷ DuckDB | range over rounds | package, parsed-table cache | cached ÷ DuckDB | max abs diff | peak MiB package / DuckDB / cached |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    results = {}
    for scale in args.scales:
        r = bench_load_and_metrics(scale, args.repeat)
        results[scale] = r
        lines.append(f"| {scale} | {rows_of(make_data(scale))} | {r['package'][0]:.2f} | {r['duckdb'][0]:.2f} | "
                     f"{r['package'][0] / r['duckdb'][0]:.2f} | {min(r['ratios']):.2f}–{max(r['ratios']):.2f} | "
                     f"{r['cached'][0]:.2f} | {r['cached'][0] / r['duckdb'][0]:.2f} | {r['max_abs_diff']:.2g} | "
                     f"{r['package'][1]:.0f} / {r['duckdb'][1]:.0f} / {r['cached'][1]:.0f} |")
        print(lines[-1], flush=True)
    count, metrics_compared = results[args.scales[0]]["compared"]
    lines += ["", f"The reference (benchmarks/reference_duckdb.py) computes {len(metrics_compared)} of the package's "
              f"key metrics from the README's definitions, and the max abs diff is over every figure both give "
              f"({count} at scale {args.scales[0]}: the divisions' and the region's): "
              + ", ".join(f"`{m}`" for m in metrics_compared) + "."]
    lines += ["", "## 2. Sick leave by division, this year and last: package vs an analyst's loop over spells and days", "",
              "Both start from loaded tables; the package also computes the long-term share.", "",
              "| scale | package | hand-written loop | speed-up | max abs diff (percent) |", "|---|---|---|---|---|"]
    hand = batch = None
    for scale in args.scales[:1]:
        r = hand = bench_hand(scale, args.repeat)
        lines.append(f"| {scale} | {r['package']:.3f} | {r['hand']:.2f} | {r['hand'] / r['package']:.0f}× | "
                     f"{r['max_abs_diff']:.2g} |")
        print(lines[-1], flush=True)
    lines += ["", "## 3. The tertial batch (region + every division, HTML included) vs papermill + nbconvert per report", "",
              "| scale | `regionanalytics run --jobs 2` | plain route, sequential | speed-up | peak MiB ours / plain |",
              "|---|---|---|---|---|"]
    for scale in args.batch_scales:
        r = batch = bench_batch(scale, args.repeat)
        lines.append(f"| {scale} | {r['ours'][0]:.1f} | {r['plain'][0]:.1f} | {r['plain'][0] / r['ours'][0]:.1f}× | "
                     f"{r['ours'][1]:.0f} / {r['plain'][1]:.0f} |")
        print(lines[-1], flush=True)
    r = first = bench_first_metric(args.repeat)
    lines += ["", "## 4. Fresh interpreter: import, load the sample, first metric", "",
              "| parsed-table cache | import + load + first metric | `import pandas` alone (floor) | ratio to floor | peak MiB |",
              "|---|---|---|---|---|",
              f"| warm (files seen before) | {r['warm']:.2f} | {r['import_pandas']:.2f} | {r['warm'] / r['import_pandas']:.1f} | {r['peak']:.0f} |",
              f"| cold (first load of these files) | {r['cold']:.2f} | {r['import_pandas']:.2f} | {r['cold'] / r['import_pandas']:.1f} | |"]
    print("\n".join(lines[-2:]), flush=True)
    lines += [""] + pseudonym_section(args.pseudonym_scales, max(args.repeat, 5))  # a noisy 5 s load
    lines += [""] + pdf_section([1], args.repeat)
    lines += [""] + rerun_section(args.repeat)
    lines += [""] + units_section()
    lines += [""] + sie_section(args.repeat)
    lines += [""] + marginal_section()
    lines += [""] + paxml_section(args.repeat)
    lines += [""] + text_rerun_section(args.repeat)
    lines += [""] + setup_section(2)
    if len(args.scales) > 1:
        a, b = args.scales[0], args.scales[-1]
        ra_, rb = results[a], results[b]
        lines += ["", f"## Growth from scale {a} to {b}", "",
                  f"- package (cold) time ×{rb['package'][0] / ra_['package'][0]:.1f}, memory ×{rb['package'][1] / ra_['package'][1]:.1f}",
                  f"- DuckDB time ×{rb['duckdb'][0] / ra_['duckdb'][0]:.1f}, memory ×{rb['duckdb'][1] / ra_['duckdb'][1]:.1f}",
                  f"- package (cached) time ×{rb['cached'][0] / ra_['cached'][0]:.1f}, memory ×{rb['cached'][1] / ra_['cached'][1]:.1f}"]
    lines += targets(results, hand, batch, first)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
