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


# --------------------------------------------------------------------------- shares and percent

ABSENCE_HEAD = "person_id;start;end;extent\n"


def _extents(*values):
    return ABSENCE_HEAD + "".join(f"P{i};2021-03-01;2021-03-10;{v}\n" for i, v in enumerate(values))


def _read(tmp_path, text, table="absence", name="absence.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    frame, problems, unreadable, notes = read_raw(path, table)
    problems = problems + check_table(frame, TABLES[table], name, unreadable)
    return frame, problems, notes


@pytest.mark.parametrize("values,bad_rows", [
    # a column of shares with one value in percent: that row does not fit, nothing is divided
    (("0,5", "1", "0,25", "1", "100"), [6]),
    (("0,5", "1", "0,25", "1", "1,5"), [6]),
    # a column in percent with one share among them: the share does not fit
    (("50", "100", "75 %", "25", "0,5"), [6]),
    # an unsigned 1 among percents: 100 % as a share, 1 % in percent; never guessed
    (("50", "100", "100", "1"), [5]),
    # a tie names the percent rows
    (("1", "0,5", "100", "50"), [4, 5]),
])
def test_a_column_mixing_shares_and_percent_is_an_error_naming_the_rows_that_do_not_fit(
        tmp_path, values, bad_rows):
    _, problems, _ = _read(tmp_path, _extents(*values))
    assert [(p.row, p.column) for p in problems] == [(r, "extent") for r in bad_rows]
    assert all("never both" in p.expected for p in problems)


@pytest.mark.parametrize("values,expected,percent", [
    (("1", "0,5", "0", "0,25"), [1.0, 0.5, 0.0, 0.25], False),   # shares (0 is either)
    (("1", "1", "1"), [1.0, 1.0, 1.0], False),                    # all 100 %
    (("100", "50", "0", "25"), [1.0, 0.5, 0.0, 0.25], True),      # percent with a 0
    (("100", "1 %", "50,0"), [1.0, 0.01, 0.5], True),             # 1 % written with its sign
    (("100", "100"), [1.0, 1.0], True),
])
def test_shares_and_percent_read_per_column(tmp_path, values, expected, percent):
    text = _extents(*values).replace(";0\n", ";0,5\n")  # extent 0 is refused: check it as a rate
    if "0" in values:
        header = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
                  "Sysselsättningsgrad;Schemalagd tid;Arbetad tid\n")
        text = header + "".join(
            f"2021-01;P{i};S;K;{'timavlönad' if v == '0' else 'tillsvidare'};K;1980;{v};160;150\n"
            for i, v in enumerate(values))
        frame, problems, notes = _read(tmp_path, text, "employees", "employees.csv")
        got = frame["employment_rate"].tolist()
    else:
        frame, problems, notes = _read(tmp_path, text)
        got = frame["extent"].tolist()
    assert problems == []
    assert got == pytest.approx(expected)
    assert any("percent" in n for n in notes) == percent


def test_sick_leave_shares_with_one_percent_value_stop_validate(tmp_path):
    """The attack of issue 19: one 100 among shares read the whole column as percent
    (6,89 % became 0,07 %, exit 0). Now validate exits 1 naming the row."""
    import shutil

    from regionanalytics.cli import main

    folder = tmp_path / "d"
    shutil.copytree("data/sample", folder)
    lines = (folder / "absence.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",extent") and lines[1].endswith(",1.0")
    lines[1] = lines[1][: -len("1.0")] + "100"
    (folder / "absence.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(folder)]) == 1
    from regionanalytics.data import validate

    problems = validate(folder).problems
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("absence.csv", 2, "extent", "100")]


# --------------------------------------------------------------------------- one encoding per file

FIN_ROWS = [f"2021-{m:02d};{div};Kliniken;Material;-1;-1" for m in range(1, 13)
            for div in ("Folktandvård", "Länssjukvård")]


def _mixed(utf8_rows: set[int]) -> bytes:
    """The finance export in Windows-1252 except the given data rows (0-based) in UTF-8."""
    lines = [SWEDISH.strip().encode("utf-8" if 0 in utf8_rows else "cp1252")]
    for i, row in enumerate(FIN_ROWS):
        lines.append(row.encode("utf-8" if i in utf8_rows else "cp1252"))
    return b"\r\n".join(lines) + b"\r\n"


@pytest.mark.parametrize("route", ["fast", "tolerant"])
@pytest.mark.parametrize("utf8_rows,bad_row,other_row", [
    ({5}, 7, 1),                  # a Windows-1252 file (header too) with one UTF-8 row
    (set(range(0, 20)), 2, 22),   # a UTF-8 file whose last rows are Windows-1252
])
@pytest.mark.parametrize("gz", [False, True])
def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_its_first_bad_row(
        tmp_path, monkeypatch, route, utf8_rows, bad_row, other_row, gz):
    import regionanalytics.loaders as loaders

    if route == "tolerant":
        monkeypatch.setattr(loaders, "_arrow_csv", lambda *a: None)
    content = _mixed(utf8_rows)
    name = "finance.csv.gz" if gz else "finance.csv"
    problems = _problems(tmp_path, name, gzip.compress(content, mtime=0) if gz else content)
    [p] = [p for p in problems if "encoding" in p.expected]
    assert (p.file, p.row, p.column) == (name, bad_row, "Division")
    assert f"row {other_row} is not UTF-8" in p.expected
    assert p.value in ("FolktandvÃ¥rd", "LÃ¤nssjukvÃ¥rd")


def test_windows_1252_text_that_is_swedish_is_not_taken_for_utf8(tmp_path):
    rows = ["2021-01;Länssjukvård;Öron-, näs- och hals – ÅÄÖ åäö é ü;Material;-1;-1",
            "2021-02;Länssjukvård;Ögon°;Löner § 3 ’a’ “b” €;-1;-1"]
    path = tmp_path / "finance.csv"
    path.write_bytes((SWEDISH + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    frame, problems, *_ = read_raw(path, "finance")
    assert problems == []
    assert frame["account"].tolist() == ["Material", "Löner § 3 ’a’ “b” €"]


# --------------------------------------------------------------------------- duplicated headers

@pytest.mark.parametrize("header,second", [
    ("Månad;Division;Verksamhet;Konto;Utfall;Budget;Utfall", "Utfall"),
    ("Månad;Division;Verksamhet;Konto;Utfall;Budget;actual", "actual"),
    ("Månad;Division;Verksamhet;Konto;Utfall;Budget;Utfall (tkr)", "Utfall (tkr)"),
])
@pytest.mark.parametrize("route", ["fast", "tolerant", "xlsx"])
def test_a_duplicated_header_is_an_error_naming_both_columns(tmp_path, monkeypatch, header, second, route):
    import regionanalytics.loaders as loaders

    rows = ["2021-01;L;U;K;-5;-1;-7", "2021-02;L;U;K;-5;-1;-7"]
    text = header + "\n" + "\n".join(rows) + "\n"
    if route == "tolerant":
        monkeypatch.setattr(loaders, "_arrow_csv", lambda *a: None)
    if route == "xlsx":
        frame = pd.DataFrame([r.split(";") for r in rows], columns=header.split(";"))
        frame.to_excel(tmp_path / "finance.xlsx", index=False)
        problems = read_raw(tmp_path / "finance.xlsx", "finance").problems
    else:
        problems = _problems(tmp_path, "finance.csv", text)
    [p] = [p for p in problems if "twice" in p.expected]
    assert (p.row, p.column) == (1, "actual")
    assert "'Utfall' (column 5)" in p.expected and f"'{second}' (column 7)" in p.expected


def test_an_account_number_and_its_name_side_by_side_are_not_a_duplicate(tmp_path):
    # ledgers and budget systems export "Konto" and "Kontonamn" together: the number is the account
    for header in ("Månad;Division;Verksamhet;Konto;Kontonamn;Utfall;Budget",
                   "Månad;Division;Verksamhet;Kontonamn;Konto;Utfall;Budget"):
        path = tmp_path / "finance.csv"
        named = ";".join(["2021-01", "L", "U", "4011", "Löner"] if header.index("Konto;") < header.index(
            "Kontonamn") else ["2021-01", "L", "U", "Löner", "4011"])
        path.write_text(f"{header}\n{named};-5;-1\n", encoding="utf-8")
        frame, problems, *_ = read_raw(path, "finance")
        assert problems == [] and frame["account"].tolist() == ["4011"]
    path.write_text("Månad;Division;Verksamhet;Kontonamn;Kontonamn;Utfall;Budget\n"
                    "2021-01;L;U;Löner;Lön;-5;-1\n", encoding="utf-8")
    [p] = read_raw(path, "finance").problems
    assert "'Kontonamn' (column 4) and 'Kontonamn' (column 5)" in p.expected


def test_employment_rates_of_shares_with_one_100_stop_the_load(tmp_path):
    """Issue 19: one 100 among rates of 1 and 0,75 made every rate a hundredth (årsarbetare
    368,75 became 3,69). Now the 100 is named and nothing is divided."""
    header = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
              "Sysselsättningsgrad;Schemalagd tid;Arbetad tid\n")
    rates = ["1", "0,75", "1", "100", "0,5", "0"]
    text = header + "".join(
        f"2021-01;P{i};S;K;{'timavlönad' if r == '0' else 'tillsvidare'};K;1980;{r};160;150\n"
        for i, r in enumerate(rates))
    frame, problems, notes = _read(tmp_path, text, "employees", "employees.csv")
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "Sysselsättningsgrad", "100")]
    assert "like the column's other 4 rows" in problems[0].expected  # 0 counts for neither
    assert not any("percent" in n for n in notes)


def _budget_read(tmp_path, text: str):
    """``text`` as a budget system saves it (Windows-1252), read as the budget table."""
    path = tmp_path / "budget.csv"
    path.write_bytes(text.encode("cp1252"))
    return read_raw(path, "budget")


def test_budget_amounts_in_accounting_formats_are_read_with_their_sign(tmp_path):
    # a budget template saved from Excel as CSV (Windows-1252, CRLF, a title block): the
    # cost rows in the accounting format's parentheses, one row from an SAP extract with
    # its minus after the number, and a column whose cells with both marks show the
    # comma as the decimal mark, so "1.234" beside them is 1 234 tkr, not 1,234
    text = ("Budget 2021;;;;\r\nBelopp i tkr;;;;\r\n;;;;\r\n"
            "Månad;Division;Verksamhet;Konto;Budget\r\n"
            "2021-01;Akutsjukvård;Akutmottagning;4011;(1 234)\r\n"
            "2021-01;Akutsjukvård;Akutmottagning;5011;1 234,50-\r\n"
            "2021-01;Akutsjukvård;Akutmottagning;6011;1.234\r\n"
            "2021-01;Akutsjukvård;Akutmottagning;3011;2.345,50\r\n")
    raw = _budget_read(tmp_path, text)
    assert raw.problems == []
    budget = raw.frame.set_index("account")["budget"]
    # by hand: −1 234; −1 234,50; 1 234; 2 345,50
    assert budget.to_dict() == {"4011": -1234.0, "5011": -1234.5, "6011": 1234.0, "3011": 2345.5}


def test_a_column_with_english_thousands_commas_reads_every_cell_so(tmp_path):
    # exported with an English Excel: "1,234.50" has its decimal point last, so "1,234"
    # in the same column is 1 234, not 1,234 (a thousandth of it, without a word)
    text = ('Month,Division,Verksamhet,Konto,Budget\r\n'
            '2021-01,Akutsjukvård,Akutmottagning,4011,"-1,234.50"\r\n'
            '2021-01,Akutsjukvård,Akutmottagning,5011,"-1,234"\r\n')
    raw = _budget_read(tmp_path, text)
    assert raw.frame.set_index("account")["budget"].to_dict() == {"4011": -1234.5, "5011": -1234.0}


def test_a_long_budget_s_months_written_as_excel_shows_a_month_date(tmp_path):
    # a long budget whose Period column holds Excel dates formatted mmm-yy, saved as CSV
    # ("jan-21"), and a budget system's "januari 2021" and "2021 P03": each month named
    # with its year is read; "jan" alone (no year) and "2021-13" are errors naming the row
    text = ("Period;Division;Verksamhet;Konto;Budget\r\n"
            "jan-21;Akutsjukvård;Akutmottagning;4011;-100\r\n"
            "februari 2021;Akutsjukvård;Akutmottagning;4011;-100\r\n"
            "2021 P03;Akutsjukvård;Akutmottagning;4011;-100\r\n"
            "dec-21;Akutsjukvård;Akutmottagning;4011;-100\r\n"
            "jan;Akutsjukvård;Akutmottagning;4011;-100\r\n"
            "2021-13;Akutsjukvård;Akutmottagning;4011;-100\r\n")
    raw = _budget_read(tmp_path, text)
    assert raw.frame["month"].tolist()[:4] == ["2021-01", "2021-02", "2021-03", "2021-12"]
    assert {(p.row, p.column) for p in raw.problems} == {(6, "Period"), (7, "Period")}
