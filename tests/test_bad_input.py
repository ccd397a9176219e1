"""A corpus of broken exports, each as a real export could break.

Every case states its expected outcome: a clear error naming file, row and
column (and what was expected), or a documented tolerant read. The file is
byte-identical afterwards in every case.
"""
import gzip
import io
from dataclasses import dataclass

import pandas as pd
import pytest

from regionanalytics.data import validate
from regionanalytics.loaders import read_raw
from regionanalytics.schema import TABLES
from regionanalytics.validation import check_table

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"
FIN_HEADER = "Månad;Division;Verksamhet;Konto;Utfall;Budget"
EMP_HEADER = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
              "Sysselsättningsgrad;Schemalagd tid;Arbetad tid")
ABS_HEADER = "person_id;start;end;extent"


def finance(first_actual="-1234,5", header=FIN_HEADER, sep=";", extra=(), drop_month=None):
    """A valid finance export of 2021 (12 budget months, actuals Jan–Apr) with one cell to vary."""
    lines = [header]
    for m in range(1, 13):
        if m == drop_month:
            continue
        actual = (first_actual if m == 1 else "-1000") if m <= 4 else ""
        lines.append(sep.join([f"2021-{m:02d}", "Service", "Kostservice", "Livsmedel", actual, "-1100"]))
    lines[2:2] = list(extra)
    return "\r\n".join(lines) + "\r\n"


def employees(*rows):
    base = ["2021-01;P1;Service;Kostservice;tillsvidare;K;1980;1;152;140",
            "2021-02;P1;Service;Kostservice;tillsvidare;K;1980;1;160;150"]
    return "\n".join([EMP_HEADER] + (list(rows) or base)) + "\n"


def absence(*rows):
    return "\n".join([ABS_HEADER] + list(rows)) + "\n"


def xlsx(sheets: dict) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, (frame, startrow) in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, startrow=startrow)
    return buf.getvalue()


def _finance_frame():
    return pd.read_csv(io.StringIO(finance()), sep=";", dtype=str, keep_default_na=False)


@dataclass
class Case:
    id: str
    name: str
    table: str
    content: bytes
    #: (row, column, fragment of 'expected') for an error; None for a tolerant read
    error: tuple | None = None
    check: object = None  # for tolerant reads: a function of the parsed frame


def b(text, enc="utf-8"):
    return text.encode(enc)


CASES = [
    # delimiters and encodings
    Case("pipe-delimiter", "finance.csv", "finance", b(finance().replace(";", "|")),
         (None, None, "no such header row")),
    Case("utf16", "finance.csv", "finance", finance().encode("utf-16"), (None, None, "no such header row")),
    Case("cp1252", "finance.csv", "finance", b(finance(), "cp1252"), None,
         lambda df: df.loc[0, "actual"] == -1234.5),
    Case("utf8-bom-tab", "finance.csv", "finance", b(finance(sep="\t", header=FIN_HEADER.replace(";", "\t")),
                                                      "utf-8-sig"), None, lambda df: len(df) == 12),
    Case("comma-decimal-point", "finance.csv", "finance",
         b(finance("-1234.5", header=FIN_HEADER.replace(";", ","), sep=",")), None,
         lambda df: df.loc[0, "actual"] == -1234.5),
    Case("undecodable-bytes", "finance.csv", "finance", b"\x81\x8d\x8f\x90\x9d" * 20,
         (None, None, "UTF-8 or Windows-1252")),
    # header position and names
    Case("title-line", "finance.csv", "finance", b("Ekonomirapport 2021;;;;;\r\n" + finance(), "cp1252"),
         None, lambda df: len(df) == 12),
    Case("two-title-lines-and-blank", "finance.csv", "finance",
         b("Region Norrbotten\r\nUtdrag 2021-05-03\r\n\r\n" + finance()), None, lambda df: len(df) == 12),
    Case("upper-case-header", "finance.csv", "finance", b(finance(header=FIN_HEADER.upper())), None,
         lambda df: len(df) == 12),
    Case("header-with-units", "finance.csv", "finance",
         b(finance(header=FIN_HEADER.replace("Utfall", "Utfall (tkr)"))), None, lambda df: df["actual"].notna().sum() == 4),
    Case("missing-column", "finance.csv", "finance",
         b(finance(header="Månad;Division;Verksamhet;Konto;Xyz;Budget")), (1, "actual", "also accepted")),
    Case("misspelt-column", "employees.csv", "employees",
         b(employees().replace("Arbetad tid", "Arbetad tiid")), (1, "worked_hours", "Arbetad tiid")),
    # numbers
    Case("text-in-number", "finance.csv", "finance", b(finance("tolv")), (2, "Utfall", "a number")),
    Case("nbsp-thousands", "finance.csv", "finance", b(finance(f"−12{NBSP}345,6")), None,
         lambda df: df.loc[0, "actual"] == -12345.6),
    Case("narrow-nbsp-thousands", "finance.csv", "finance", b(finance(f"12{NNBSP}345,6")), None,
         lambda df: df.loc[0, "actual"] == 12345.6),
    Case("en-dash-minus", "finance.csv", "finance", b(finance("–7")), None, lambda df: df.loc[0, "actual"] == -7),
    Case("thousands-comma-decimal-point", "finance.csv", "finance",
         b(finance('"1,234.5"', header=FIN_HEADER.replace(";", ","), sep=",")), None,
         lambda df: df.loc[0, "actual"] == 1234.5),
    Case("lone-minus", "finance.csv", "finance", b(finance("-")), (2, "Utfall", "a number")),
    Case("two-decimal-commas", "finance.csv", "finance", b(finance("1,2,3")), (2, "Utfall", "a number")),
    # empty and truncated files
    Case("empty-file", "finance.csv", "finance", b"", (None, None, "the file is empty")),
    Case("header-only", "finance.csv", "finance", b(FIN_HEADER + "\r\n"), (None, None, "at least one data row")),
    Case("truncated-gzip", "finance.csv.gz", "finance", gzip.compress(b(finance()), mtime=0)[:60], (None, None, "gzip")),
    Case("trailing-blank-lines", "finance.csv", "finance", b(finance() + "\r\n\r\n;;;;;\r\n"), None,
         lambda df: len(df) == 12),
    Case("ragged-row", "finance.csv", "finance", b(finance(extra=["2021-01;Service;Kostservice;Extra;1;2;3;4"])),
         (3, None, "same number of fields")),
    Case("quoted-delimiter", "finance.csv", "finance",
         b(finance(extra=['2021-01;Service;Kostservice;"Material; tjänster";-5;-5'])), None,
         lambda df: "Material; tjänster" in set(df["account"])),
    # keys and months
    Case("duplicated-row", "finance.csv", "finance",
         b(finance(extra=["2021-01;Service;Kostservice;Livsmedel;-1;-1"])), (3, "month+division+unit+account", "row 2")),
    Case("month-gap", "finance.csv", "finance", b(finance(drop_month=6)), (None, "month", "2021-06")),
    Case("bad-month", "finance.csv", "finance", b(finance().replace("2021-03;", "2021/13;", 1)), (4, "Månad", "YYYY-MM")),
    Case("compact-month", "finance.csv", "finance", b(finance().replace("2021-03;", "202103;", 1)), None,
         lambda df: "2021-03" in set(df["month"])),
    Case("empty-required-text", "finance.csv", "finance",
         b(finance().replace("2021-02;Service", "2021-02;", 1)), (3, "division", "required")),
    # persons and spells
    Case("negative-hours", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;tillsvidare;K;1980;1;152;-8"])), (2, "worked_hours", ">= 0")),
    Case("birth-year-future", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;tillsvidare;K;2031;1;152;140"])), (2, "birth_year", "no later")),
    Case("unknown-employment-form", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;konsult;K;1980;1;152;140"])),
         (2, "Anställningsform", "tillsvidare, visstid, timavlönad")),
    Case("swedish-employment-words", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;Tillsvidareanställd;Kvinna;1980;1;152;140"])), None,
         lambda df: df.loc[0, "employment"] == "tillsvidare" and df.loc[0, "gender"] == "K"),
    Case("gender-x", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;tillsvidare;X;1980;1;152;140"])), (2, "Kön", "K, M")),
    Case("employment-rate-zero", "employees.csv", "employees",
         b(employees(*["2021-01;P1;Service;Kostservice;tillsvidare;K;1980;0;152;140"])), (2, "employment_rate", "above 0 for monthly-paid")),
    Case("spell-ends-before-start", "absence.csv", "absence", b(absence("P1;2021-03-10;2021-03-01;1")),
         (2, "end", "on or after")),
    # one column in percent (a value above 1): 150 % is above 1 as a share
    Case("extent-above-one", "absence.csv", "absence", b(absence("P1;2021-03-01;2021-03-10;150")),
         (2, "extent", "<= 1")),
    Case("swedish-date", "absence.csv", "absence", b(absence("P1;1/3/2021;2021-03-10;1")), (2, "start", "YYYY-MM-DD")),
    # workbooks
    Case("xlsx-second-sheet", "finance.xlsx", "finance",
         xlsx({"Info": (pd.DataFrame({"Om": ["Utdrag ur ekonomisystemet"]}), 0),
               "Ekonomi": (_finance_frame(), 3)}), None, lambda df: len(df) == 12),
    Case("xlsx-not-a-workbook", "finance.xlsx", "finance", b"PK\x03\x04 this is not a workbook",
         (None, None, "readable .xlsx")),
]


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(tmp_path, case):
    path = tmp_path / case.name
    path.write_bytes(case.content)
    frame, problems, unreadable, _ = read_raw(path, case.table)
    if frame is not None:
        problems += check_table(frame, TABLES[case.table], path.name, unreadable)
    assert path.read_bytes() == case.content, "the input file was modified"
    if case.error is None:
        assert problems == [], [str(p) for p in problems]
        assert case.check(frame.drop(columns="_row"))
        return
    row, column, fragment = case.error
    matches = [p for p in problems if p.file == case.name and p.row == row
               and (column is None or p.column == column) and fragment in p.expected]
    assert matches, f"expected ({row}, {column}, {fragment!r}) among {[str(p) for p in problems]}"


def test_unknown_division_in_one_table_is_found_across_tables(tmp_path):
    (tmp_path / "finance.csv").write_text(finance(), encoding="utf-8")
    (tmp_path / "employees.csv").write_text(employees().replace("2021-02;P1;Service", "2021-02;P1;Servcie"),
                                            encoding="utf-8")
    report = validate(tmp_path)
    assert any((p.file, p.row, p.column, p.value) == ("employees.csv", 3, "division", "Servcie")
               for p in report.problems)


def test_validate_reports_every_problem_of_a_file_in_one_run(tmp_path):
    text = employees("2021-01;P1;Service;Kostservice;konsult;X;2031;100;-1;140",
                     "2021-01;P1;Service;Kostservice;tillsvidare;K;1980;150;152;abc",
                     "2021-01;P1;Service;Kostservice;tillsvidare;K;1980;100;152;140")
    (tmp_path / "finance.csv").write_text(finance(), encoding="utf-8")
    (tmp_path / "employees.csv").write_text(text, encoding="utf-8")
    found = {(p.row, p.column) for p in validate(tmp_path).problems if p.file == "employees.csv"}
    assert {(2, "Anställningsform"), (2, "Kön"), (2, "scheduled_hours"), (3, "employment_rate"),
            (3, "Arbetad tid"), (4, "month+person_id+division+unit+employment")} <= found


def _both_routes(path, table, monkeypatch):
    """read_raw through Arrow's reader and through the tolerant pandas reader."""
    import regionanalytics.loaders as loaders

    fast = read_raw(path, table)
    with monkeypatch.context() as m:
        m.setattr(loaders, "_arrow_csv", lambda *a: None)
        tolerant = read_raw(path, table)
    return fast, tolerant


def _same(a, b):
    (fa, pa_, ua, na), (fb, pb, ub, nb) = a, b
    assert na == nb
    assert [str(p) for p in pa_] == [str(p) for p in pb]
    assert (fa is None) == (fb is None)
    if fa is not None:
        pd.testing.assert_frame_equal(fa, fb, check_dtype=False)
        pd.testing.assert_frame_equal(ua, ub, check_dtype=False)


@pytest.mark.parametrize("case", [c for c in CASES if ".csv" in c.name], ids=lambda c: c.id)
def test_fast_and_tolerant_readers_agree(tmp_path, case, monkeypatch):
    """Every CSV of the corpus gives the same frame, masks and problems by either route
    (the fast route hands the files it cannot read strictly to the tolerant one)."""
    path = tmp_path / case.name
    path.write_bytes(case.content)
    _same(*_both_routes(path, case.table, monkeypatch))


@pytest.mark.parametrize("table", ["finance", "forecast", "employees", "absence", "production"])
def test_fast_and_tolerant_readers_agree_on_the_sample(table, monkeypatch):
    from regionanalytics.loaders import _arrow_csv
    from regionanalytics.schema import find_table_file

    path = find_table_file("data/sample", table)
    assert _arrow_csv(path, TABLES[table]) is not None, "the sample's exports take the fast route"
    _same(*_both_routes(path, table, monkeypatch))


def test_windows_1252_after_a_plain_ascii_head(tmp_path):
    """The encoding is guessed from the file's head; a Windows-1252 letter far below it
    (here after 100 000 rows of plain ASCII) still reads as Windows-1252."""
    rows = [f"2021-{m:02d};Service;Kostservice;Konto {i};-1,0;-1,0"
            for m in range(1, 13) for i in range(9000)]
    rows[-1] = rows[-1].replace("Konto", "Lön")
    path = tmp_path / "finance.csv"
    path.write_bytes(("\n".join([FIN_HEADER.replace("å", "a")] + rows) + "\n").encode("cp1252"))
    frame, problems, *_ = read_raw(path, "finance")
    assert problems == []
    assert frame["account"].iloc[-1] == "Lön 8999"
    assert len(frame) == 108_000
