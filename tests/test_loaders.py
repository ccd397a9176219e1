"""The same table written in every supported dialect reads to the same frame."""
import gzip
import hashlib

import pandas as pd
import pytest

from regionanalytics.exceptions import DataValidationError
from regionanalytics.loaders import ROW, read_raw
from regionanalytics.schema import TABLES
from regionanalytics.validation import check_table


def parse(path, table="finance"):
    """Read one file the way load_region does, without the table-level checks."""
    frame, problems, *_ = read_raw(path, table)
    if problems:
        raise DataValidationError(problems)
    return frame.drop(columns=ROW)

NBSP, MINUS = "\u00a0", "\u2212"

SWEDISH = "Månad;Division;Verksamhet;Konto;Utfall;Budget\r\n"
ROWS_SV = [("2021-01", "Länsteknik", "IT-drift", "Material och tjänster", "-1234,5", "-1200"),
           ("2021-01", "Länsteknik", "IT-drift", "Regionersättning", "1300", "1300,25")]
EXPECTED = pd.DataFrame({
    "month": ["2021-01", "2021-01"], "division": ["Länsteknik", "Länsteknik"],
    "unit": ["IT-drift", "IT-drift"], "code": [None, None], "account": ["Material och tjänster", "Regionersättning"],
    "actual": [-1234.5, 1300.0], "budget": [-1200.0, 1300.25]})


def _semicolon(rows):
    return SWEDISH + "".join(";".join(r) + "\r\n" for r in rows)


DIALECTS = {
    "cp1252_semicolon_decimal_comma.csv": lambda: _semicolon(ROWS_SV).encode("cp1252"),
    "utf8_bom.csv": lambda: _semicolon(ROWS_SV).encode("utf-8-sig"),
    "comma_english.csv": lambda: (
        "month,division,unit,account,actual,budget\n"
        "2021-01,Länsteknik,IT-drift,Material och tjänster,-1234.5,-1200\n"
        "2021-01,Länsteknik,IT-drift,Regionersättning,1300,1300.25\n").encode("utf-8"),
    "tab.csv": lambda: _semicolon(ROWS_SV).replace(";", "\t").encode("utf-8"),
    "nbsp_and_real_minus.csv": lambda: _semicolon([
        ("2021-01", "Länsteknik", "IT-drift", "Material och tjänster", f"{MINUS}1{NBSP}234,5", "–1 200"),
        ("2021-01", "Länsteknik", "IT-drift", "Regionersättning", f"1{NBSP}300", "1 300,25")]).encode("utf-8"),
    "title_line_above_header.csv": lambda: ("Rapport: Ekonomi per månad;;;;;\r\n;;;;;\r\n"
                                            + _semicolon(ROWS_SV)).encode("cp1252"),
    "compact_month_and_quotes.csv": lambda: _semicolon([
        ("202101", "Länsteknik", "IT-drift", "Material och tjänster", '"-1234,5"', "-1200"),
        ("2021-1", " Länsteknik ", "IT-drift", "Regionersättning", "1300", "1300,25")]).encode("utf-8"),
    "gzipped.csv.gz": lambda: gzip.compress(_semicolon(ROWS_SV).encode("utf-8"), mtime=0),
}


@pytest.mark.parametrize("name", list(DIALECTS))
def test_dialects_read_identically(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(DIALECTS[name]())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    df = parse(path)
    pd.testing.assert_frame_equal(df, EXPECTED, check_dtype=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never modified


def test_excel_table_on_second_sheet_with_title(tmp_path):
    path = tmp_path / "finance.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Om filen": ["Exporterad från ekonomisystemet"]}).to_excel(writer, sheet_name="Info", index=False)
        sheet = EXPECTED.drop(columns="code").rename(columns={"month": "Månad", "actual": "Utfall"})
        sheet.to_excel(writer, sheet_name="Data", index=False, startrow=2)
    df = parse(path)
    pd.testing.assert_frame_equal(df, EXPECTED, check_dtype=False)


def _problems(tmp_path, name, content, table="finance"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = path.read_bytes()
    frame, problems, unreadable, _ = read_raw(path, table)
    if frame is not None:
        problems += check_table(frame, TABLES[table], path.name, unreadable)
    assert problems
    assert path.read_bytes() == before
    return problems


def test_text_in_number_column_names_file_row_column_value(tmp_path):
    text = _semicolon([ROWS_SV[0], ("2021-01", "Länsteknik", "IT-drift", "Regionersättning", "tolv", "1300")])
    [p] = [p for p in _problems(tmp_path, "finance.csv", text) if p.row is not None]
    assert (p.file, p.row, p.column, p.value) == ("finance.csv", 3, "Utfall", "tolv")
    assert "number" in p.expected
    assert "finance.csv, row 3, column 'Utfall': found 'tolv', expected a number" in str(p)


def test_all_problems_of_a_file_in_one_run(tmp_path):
    text = _semicolon([("2021-13", "Länsteknik", "IT-drift", "Konto", "x", "1"),
                       ("2021-01", "", "IT-drift", "Konto", "1", "y")])
    problems = _problems(tmp_path, "finance.csv", text)
    found = {(p.row, p.column) for p in problems}
    assert {(2, "Månad"), (2, "Utfall"), (3, "Budget"), (3, "division")} <= found


def test_missing_column_is_named_with_its_aliases(tmp_path):
    text = "Månad;Division;Verksamhet;Konto;Utfal;Budget\n2021-01;L;U;K;1;1\n"
    problems = _problems(tmp_path, "finance.csv", text)
    [p] = [p for p in problems if p.column == "actual"]
    assert p.row == 1 and "also accepted: utfall" in p.expected and "Utfal" in p.expected


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    ("Månad;Division;Verksamhet;Konto;Utfall;Budget\n", "at least one data row"),
    (gzip.compress(b"month;division;unit;account;actual;budget\n" * 50, mtime=0)[:40], "gzip"),
    (b"\x81\x8d\x8f\x90\x9d\xff\xfe", "UTF-8 or Windows-1252"),
], ids=["empty", "header-only", "truncated-gzip", "undecodable"])
def test_unreadable_files(tmp_path, content, needle):
    name = "finance.csv.gz" if needle == "gzip" else "finance.csv"
    problems = _problems(tmp_path, name, content)
    assert any(needle in p.expected for p in problems)
