"""Hostile files end with a short, clear message naming the file, never a crash.

Every file is built here, streamed where it is large, and none is over 50 MB on
disk: the bounds (regionanalytics.limits) are set small through their
environment variables where the default bound would need a larger file; the
workbook attacks run at the default bounds in a child process, so a reader that
aborts (SIGABRT) fails the test instead of ending the test run.
"""
import gzip
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

import regionanalytics.loaders as loaders
from regionanalytics.loaders import read_raw

pytestmark = pytest.mark.xdist_group("limits")  # its module fixtures are made once, on one worker

FIN_HEADER = "Månad;Division;Verksamhet;Konto;Utfall;Budget"
FIN_ROWS = "".join(f"2021-{m:02d};Service;Kost;Livsmedel;{'-1' if m <= 4 else ''};-1\n" for m in range(1, 13))
EMPLOYEES = ("Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
             "Schemalagd tid;Arbetad tid\n2021-01;P1;Service;Kost;tillsvidare;K;1980;1;160;150\n")


@pytest.fixture(params=["fast", "tolerant"])
def route(request, monkeypatch):
    if request.param == "tolerant":
        monkeypatch.setattr(loaders, "_arrow_csv", lambda *a: None)
    return request.param


def only_problem(path, table="finance"):
    frame, problems, *_ = read_raw(path, table)
    assert frame is None or problems
    [p] = problems
    assert len(str(p)) < 400, str(p)
    return p


def _gzip_stream(path, head: bytes, block: bytes, n: int):
    """A gzip file of ``head`` and ``n`` times ``block``, written block by block."""
    with gzip.open(path, "wb", compresslevel=6) as fh:
        fh.write(head)
        for _ in range(n):
            fh.write(block)


@pytest.mark.parametrize("block", [b"\0" * (1 << 20), (FIN_ROWS.encode() * 4000)[: 1 << 20]],
                         ids=["zeros", "rows"])
def test_a_gzip_bomb_stops_at_the_bound(tmp_path, monkeypatch, route, block):
    monkeypatch.setenv("REGIONANALYTICS_MAX_FILE_BYTES", "8M")
    path = tmp_path / "finance.csv.gz"
    _gzip_stream(path, (FIN_HEADER + "\n" + FIN_ROWS).encode(), block, 64)  # inflates to 64 MiB
    assert path.stat().st_size < 2 << 20
    p = only_problem(path)
    assert p.file == "finance.csv.gz"
    assert "at most 8.0 MiB uncompressed" in p.expected and "inflates to more" in p.expected


def test_a_file_over_the_bound_is_not_read(tmp_path, monkeypatch, route):
    monkeypatch.setenv("REGIONANALYTICS_MAX_FILE_BYTES", "1K")
    path = tmp_path / "finance.csv"
    path.write_text(FIN_HEADER + "\n" + FIN_ROWS * 10, encoding="utf-8")
    assert "at most 1.0 KiB uncompressed" in only_problem(path).expected


def test_a_header_of_a_million_columns(tmp_path, route):
    path = tmp_path / "finance.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(FIN_HEADER)
        for i in range(0, 1_000_000, 10_000):
            fh.write("".join(f";x{j}" for j in range(i, i + 10_000)))
        fh.write("\n" + FIN_ROWS)
    assert 5e6 < path.stat().st_size < 20e6
    p = only_problem(path)
    assert p.row == 1 and "lines of at most 1.0 MiB" in p.expected


def test_a_header_of_more_columns_than_the_bound(tmp_path, route):
    path = tmp_path / "finance.csv"
    path.write_text(FIN_HEADER + "".join(f";x{j}" for j in range(1500)) + "\n"
                    + FIN_ROWS.replace("\n", ";" * 1500 + "\n"), encoding="utf-8")
    p = only_problem(path)
    assert (p.row, p.column) == (1, None) and "at most 1000 columns; it has 1506" in p.expected


@pytest.fixture(scope="module")
def line_of_200_mb(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "finance.csv.gz"
    head = (FIN_HEADER + "\n" + FIN_ROWS.splitlines()[0] + "\n").encode()
    _gzip_stream(path, head + b"2021-05;Service;Kost;", b"x" * (1 << 20), 200)  # row 3: 200 MiB
    assert path.stat().st_size < 2 << 20
    return path


def test_a_200_mb_line_in_a_small_gzip(line_of_200_mb, route):
    p = only_problem(line_of_200_mb)
    assert p.row == 3 and "row 3 has 200.0 MiB" in p.expected


def test_a_long_line_under_a_small_bound(tmp_path, monkeypatch):
    """The line bound is the tolerant reader's (it holds the whole text); the fast reader
    hands over any file with a line longer than its block, and bounds every cell."""
    monkeypatch.setattr(loaders, "_arrow_csv", lambda *a: None)
    monkeypatch.setenv("REGIONANALYTICS_MAX_LINE_BYTES", "64K")
    path = tmp_path / "finance.csv"
    lines = (FIN_HEADER + "\n" + FIN_ROWS).splitlines()
    lines[5] = lines[5].replace("Livsmedel", "L" * 100_000)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only_problem(path)
    assert p.row == 6 and "lines of at most 64.0 KiB" in p.expected


def test_a_long_cell_is_refused_and_never_echoed_in_full(tmp_path, route):
    path = tmp_path / "finance.csv"
    lines = (FIN_HEADER + "\n" + FIN_ROWS).splitlines()
    lines[3] = lines[3].replace("Livsmedel", "Å" * 50_000)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only_problem(path)
    assert (p.row, p.column) == (4, "Konto")
    assert "at most 10000 characters; this one has 50000" in p.expected
    assert len(p.value) < 100 and p.value.startswith("ÅÅÅ")


def test_every_message_is_short_even_for_a_huge_unreadable_number(tmp_path, route):
    path = tmp_path / "finance.csv"
    path.write_text(FIN_HEADER + "\n" + FIN_ROWS.replace("-1;-1\n", "-1;" + "9x" * 4000 + "\n", 1),
                    encoding="utf-8")
    p = only_problem(path)
    assert p.column == "Budget" and len(str(p)) < 300


# --------------------------------------------------------------------------- workbooks

def _folder(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir(parents=True)
    (folder / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    return folder


def _workbook(path, extra_cell=None):
    rows = [r.split(";") for r in FIN_ROWS.splitlines()]
    frame = pd.DataFrame(rows, columns=FIN_HEADER.split(";"))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Ekonomi")
        if extra_cell:
            writer.sheets["Ekonomi"][extra_cell] = 1


_CHILD = """
import contextlib, io, sys
from regionanalytics.cli import main
for folder in sys.argv[1:]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["validate", folder])
    print(repr((code, err.getvalue())))
"""


def _validate_in_child(folders, env=None):
    """``regionanalytics validate`` of each folder in one child process: exit codes and stderr."""
    import ast
    import os

    done = subprocess.run([sys.executable, "-c", _CHILD, *map(str, folders)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr[-2000:]  # not killed by a signal
    return [ast.literal_eval(line) for line in done.stdout.splitlines()]


def test_a_sheet_just_over_the_bound_and_one_just_under(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_MAX_SHEET_CELLS", "78")  # 13 rows x 6 columns
    path = tmp_path / "finance.xlsx"
    _workbook(path)
    frame, problems, *_ = read_raw(path, "finance")
    assert problems == [] and len(frame) == 12
    _workbook(path, extra_cell="A14")
    p = only_problem(path)
    assert "spans A1:F14, 84 cells" in p.expected


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
        '"/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Ekonomi" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
        'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
        ' Target="sharedStrings.xml"/></Relationships>'),
}


def _shared_string_workbook(path, declared: int, last_string_blocks: int = 0):
    """A workbook as Excel writes one, its text in shared strings: the finance header
    (strings 0-5) and one row whose account is string 6, ``last_string_blocks`` MiB of
    "a" written block by block; the strings part declares ``declared`` strings."""
    header = FIN_HEADER.split(";")
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(6))
    row = ('<c r="A2" t="inlineStr"><is><t>2021-01</t></is></c><c r="B2" t="inlineStr"><is><t>S</t></is></c>'
           '<c r="C2" t="inlineStr"><is><t>K</t></is></c><c r="D2" t="s"><v>6</v></c>'
           '<c r="E2"><v>-1</v></c><c r="F2"><v>-1</v></c>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
             f'<row r="1">{cells}</row><row r="2">{row}</row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{declared}" '
                     f'uniqueCount="{declared}">'.encode())
            for text in header:
                fh.write(f"<si><t>{text}</t></si>".encode())
            fh.write(b"<si><t>Livsmedel")
            for _ in range(last_string_blocks):
                fh.write(b"a" * (1 << 20))
            fh.write(b"</t></si></sst>")


def _counted_cells_workbook(path):
    """A sheet whose cells carry no ``r``: calamine places them by counting, so 16 384
    bare cells in row 1 048 576 reach column XFD (about 230 KB of XML, 2 KB zipped)."""
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in FIN_HEADER.split(";"))
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
             f'<row r="1">{header}</row><row r="1048576">' + "<c><v>1</v></c>" * 16384
             + "</row></sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text.replace('<Override PartName="/xl/sharedStrings.xml" ContentType='
                                             '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                             'sharedStrings+xml"/>', ""))
        book.writestr("xl/worksheets/sheet1.xml", sheet)


def test_a_workbook_in_shared_strings_reads(tmp_path):
    """The hand-built workbook of the next tests is a workbook the reader reads."""
    _shared_string_workbook(tmp_path / "finance.xlsx", declared=7)
    frame, problems, *_ = read_raw(tmp_path / "finance.xlsx", "finance")
    assert frame["account"].tolist() == ["Livsmedel"] and frame["actual"].tolist() == [-1.0]


def test_hostile_workbooks_end_with_one_clear_line(tmp_path):
    """At the default bounds but for the file bound (16 MiB, so a 40 MiB string is past
    it): one cell at XFD1048576 (a 17 KB file that makes calamine allocate 17 billion
    cells), a shared-strings part declaring 2**31 strings (calamine reserves room for
    them), one shared string inflating to 40 MiB. Without the bounds each aborts the
    process (a Rust panic) naming nothing."""
    folders = {}
    for case in ("xfd", "declared", "inflated", "counted"):
        folders[case] = _folder(tmp_path / case)
    _workbook(folders["xfd"] / "finance.xlsx", extra_cell="XFD1048576")
    assert (folders["xfd"] / "finance.xlsx").stat().st_size < 20_000
    _shared_string_workbook(folders["declared"] / "finance.xlsx", declared=2**31)
    _shared_string_workbook(folders["inflated"] / "finance.xlsx", declared=7, last_string_blocks=40)
    assert (folders["inflated"] / "finance.xlsx").stat().st_size < 1 << 20
    _counted_cells_workbook(folders["counted"] / "finance.xlsx")
    results = _validate_in_child(list(folders.values()), {"REGIONANALYTICS_MAX_FILE_BYTES": "16M"})
    expected = {"xfd": "spans A1:XFD1048576, 17179869184 cells",
                "declared": "at most 52428800 shared strings (REGIONANALYTICS_MAX_SHEET_CELLS); it declares "
                            "2147483648",
                "counted": "spans A1:AY1048576, 53477376 cells",  # stopped once past the bound
                "inflated": "at most 16.0 MiB each uncompressed (REGIONANALYTICS_MAX_FILE_BYTES); its part "
                            "xl/sharedStrings.xml declares 40.0 MiB"}
    for case, (code, err) in zip(folders, results):
        assert code == 1 and "Traceback" not in err, (case, err)
        lines = err.strip().splitlines()
        assert lines[0].startswith("1 problem(s) in "), (case, err)
        assert lines[-1].startswith("  - finance.xlsx: expected ") and expected[case] in lines[-1], (case, err)
        assert len(lines[-1]) < 300


def test_validate_ends_with_one_clear_line_for_a_gzip_bomb(tmp_path, monkeypatch, capsys):
    from regionanalytics.cli import main

    monkeypatch.setenv("REGIONANALYTICS_MAX_FILE_BYTES", "16M")
    folder = _folder(tmp_path)
    _gzip_stream(folder / "finance.csv.gz", (FIN_HEADER + "\n").encode(), b"\0" * (1 << 20), 40)
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("  - finance.csv.gz: expected a file of at most 16.0 MiB")


def test_a_parquet_file_declaring_more_than_the_bound(tmp_path, monkeypatch):
    path = tmp_path / "finance.parquet"
    rows = [r.split(";") for r in FIN_ROWS.splitlines()] * 2000
    pd.DataFrame(rows, columns=FIN_HEADER.split(";")).to_parquet(path, index=False)
    frame, problems, *_ = read_raw(path, "finance")
    assert frame is not None and not [p for p in problems if "at most" in p.expected]
    # the bound is on the bytes the footer declares (encoded, before compression)
    monkeypatch.setenv("REGIONANALYTICS_MAX_FILE_BYTES", "1K")
    p = only_problem(path)
    assert "a file of at most 1.0 KiB uncompressed; it inflates to more than" in p.expected
