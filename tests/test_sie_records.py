"""SIE records as an attacker writes them: object lists, escapes, verifications without
a date, added and removed rows, a file that disagrees with itself. Each file is written
as a ledger writes it (CP437, CRLF) and its figures worked out by hand in the comments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regionanalytics import load_region, validate
from regionanalytics.labels import NO_KOSTNADSSTALLE
from regionanalytics.sie import read_ledger

HEAD = ('#FLAGGA 0\n#PROGRAM "Test" 1\n#FORMAT PC8\n#GEN 20210510\n#SIETYP {type}\n#FNAMN "Region Test"\n'
        '#RAR 0 20210101 20211231\n#DIM 1 "Kostnadsställe"\n#DIM 6 "Projekt"\n')


def _write(tmp_path, body: str, sie_type: int = 3, name: str = "finance.se"):
    path = tmp_path / name
    path.write_bytes((HEAD.format(type=sie_type) + body).replace("\n", "\r\n").encode("cp437"))
    return path


def _actual(ledger, month, account, code=None, unit=None):
    fin = ledger.finance
    sel = (fin["month"] == month) & (fin["account"] == account)
    sel &= fin["code"].isna() if code is None else fin["code"] == code
    if unit is not None:
        sel &= fin["unit"] == unit
    return fin.loc[sel, "actual"].sum()


def test_totals_and_objects_of_dimension_1_and_6(tmp_path):
    body = ('#RES 0 4011 1000.00\n#RES 0 5011 300.00\n'
            '#PSALDO 0 202101 4011 {} 1000.00\n'            # the account's total
            '#PSALDO 0 202101 4011 {1 "200"} 700.00\n'      # 700 of it on kostnadsställe 200
            '#PSALDO 0 202101 4011 {6 "P1"} 1000.00\n'      # the whole on project P1: no split
            '#PSALDO 0 202101 5011 {} 300.00\n'
            '#PSALDO 0 202101 5011 {6 "1" 1 "300"} 300.00\n')  # dimension 1 is "300", not "1"
    ledger = read_ledger(_write(tmp_path, body))
    assert ledger.problems == []
    # 4011: 0,7 tkr cost on 200, the other 0,3 without a kostnadsställe; the total stays 1 tkr
    assert _actual(ledger, "2021-01", "4011", "200") == pytest.approx(-0.7)
    assert _actual(ledger, "2021-01", "4011", unit=NO_KOSTNADSSTALLE) == pytest.approx(-0.3)
    assert ledger.finance.loc[ledger.finance["account"] == "4011", "actual"].sum() == pytest.approx(-1.0)
    assert _actual(ledger, "2021-01", "5011", "300") == pytest.approx(-0.3)
    assert "1" not in set(ledger.finance["code"].dropna())


def test_quoted_codes_with_blanks_and_escaped_quotes(tmp_path):
    body = ('#RES 0 4011 30.00\n#VER A 1 20210105 "Text med \\"citat\\""\n{\n'
            '#TRANS 4011 {1 "Vård \\"Öst\\"" 6 "P 2"} 10.00 20210131 "Rad {med} klamrar"\n'
            '#TRANS 4011 {"1" "Kontor Nord"} 20.00\n#TRANS 1930 {} -30.00\n}\n')
    ledger = read_ledger(_write(tmp_path, body, 4))
    assert ledger.problems == []
    assert _actual(ledger, "2021-01", "4011", 'Vård "Öst"') == pytest.approx(-0.01)
    assert _actual(ledger, "2021-01", "4011", "Kontor Nord") == pytest.approx(-0.02)


def test_verification_without_a_date_is_an_error_naming_it(tmp_path):
    body = ('#VER A 1 20210105 "Januari"\n{\n#TRANS 4011 {} 10.00\n#TRANS 1930 {} -10.00\n}\n'
            '#VER A 2 "" "Utan datum"\n{\n#TRANS 4011 {} 5.00\n#TRANS 1930 {} -5.00\n}\n')
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    ver_line = lines.index('#VER A 2 "" "Utan datum"') + 1
    problems = read_ledger(path).problems
    # not January's date carried down: the verification on its line
    assert (ver_line, "VER") in {(p.row, p.column) for p in problems}


def test_added_and_removed_rows_per_sie_4b(tmp_path):
    # the spec's own example (#BTRANS): 6110 800 struck, 6250 800 added (with its #TRANS copy)
    body = ('#RES 0 6250 800.00\n#VER "" "" 20210101 "Porto"\n{\n#TRANS 1910 { } -1000.00\n'
            '#TRANS 2640 { } 200.00\n#BTRANS 6110 { } 800.00\n#RTRANS 6250 { } 800.00\n'
            '#TRANS 6250 { } 800.00\n}\n')
    ledger = read_ledger(_write(tmp_path, body, 4))
    assert ledger.problems == []
    fin = ledger.finance.groupby("account")["actual"].sum()
    assert fin.to_dict() == {"6250": pytest.approx(-0.8)}  # 800 once; 6110 removed
    assert any("#RTRANS" in n and "#BTRANS" in n for n in ledger.notes)


def test_a_typo_in_an_amount_is_caught_by_res(tmp_path):
    body = ('#RES 0 4011 1000.00\n#VER A 1 20210105 ""\n{\n#TRANS 4011 {} 100.00\n#TRANS 1930 {} -100.00\n}\n')
    problems = read_ledger(_write(tmp_path, body, 4)).problems
    [res] = [p for p in problems if p.column == "RES"]
    assert res.value == "4011" and "100.00" in res.expected and "1000.00" in res.expected


def test_psaldo_and_trans_disagreeing_are_named_in_the_notes(tmp_path):
    body = ('#RES 0 4011 100.00\n#PSALDO 0 202101 4011 {} 60.00\n#PSALDO 0 202102 4011 {} 40.00\n'
            '#VER A 1 20210105 ""\n{\n#TRANS 4011 {} 100.00\n#TRANS 1930 {} -100.00\n}\n')
    ledger = read_ledger(_write(tmp_path, body, 4))
    assert ledger.problems == []
    # #PSALDO agree with #RES and are used; the verifications put all 100 in January
    assert _actual(ledger, "2021-02", "4011", unit=NO_KOSTNADSSTALLE) == pytest.approx(-0.04)
    [note] = [n for n in ledger.notes if "differ" in n]
    assert "2021-01 account 4011: #PSALDO 60.00, #TRANS 100.00" in note


def test_malformed_object_list_and_comma_amount_are_errors(tmp_path):
    body = ('#VER A 1 20210105 ""\n{\n#TRANS 4011 {1} 10.00\n#TRANS 4011 {} 10,50\n#TRANS 1930 {} -10.00\n}\n')
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    found = {(p.row, p.column) for p in read_ledger(path).problems}
    assert (lines.index("#TRANS 4011 {1} 10.00") + 1, "objekt") in found
    assert (lines.index("#TRANS 4011 {} 10,50") + 1, "TRANS") in found


def test_no_budget_is_missing_not_zero(tmp_path):
    body = '#RES 0 4011 10.00\n#PSALDO 0 202101 4011 {1 "200"} 10.00\n#PSALDO 0 202101 4011 {} 10.00\n'
    ledger = read_ledger(_write(tmp_path, body))
    assert ledger.problems == [] and ledger.finance["budget"].isna().all()
    assert any("no #PBUDGET" in n and "5.17" in n for n in ledger.notes)


def _folder(tmp_path, body, dimension=None):
    _write(tmp_path, body)
    extra = ";Dimension" if dimension else ""
    (tmp_path / "organisation.csv").write_bytes(
        (f"Kostnadsställe;Verksamhet;Division{extra}\r\n200;Akuten;Akutsjukvård{';' + dimension if dimension else ''}\r\n"
         f"P1;Projekt ett;Akutsjukvård{';' + dimension if dimension else ''}\r\n").encode("cp1252"))
    rows = ["Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
            "Schemalagd tid;Arbetad tid"]
    rows += [f"2021-01;p{i};Akutsjukvård;Akuten;Tillsvidare;K;1980;100;160;150" for i in range(12)]
    (tmp_path / "employees.csv").write_text("\n".join(rows) + "\n", encoding="cp1252")
    return tmp_path


_BUDGETED = "".join(f'#PBUDGET 0 2021{m:02d} 4011 {{}} 100.00\n#PBUDGET 0 2021{m:02d} 4011 {{1 "200"}} 100.00\n'
                    f'#PBUDGET 0 2021{m:02d} 4011 {{6 "P1"}} 100.00\n' for m in range(1, 13))


def test_organisation_table_names_the_dimension(tmp_path):
    body = ('#IB 0 1930 500.00\n#UB 0 1930 400.00\n#RES 0 4011 100.00\n'
            '#PSALDO 0 202101 4011 {} 100.00\n#PSALDO 0 202101 4011 {1 "200"} 100.00\n'
            '#PSALDO 0 202101 4011 {6 "P1"} 100.00\n#PSALDO 0 202101 1930 {} -100.00\n' + _BUDGETED)
    by_project = load_region(_folder(tmp_path, body, "6"), cache=False)
    assert set(by_project.finance["unit"]) == {"Projekt ett"}
    # the balance table from the same file: 500 kr opening, −100 in January, tkr
    bal = by_project.balance.set_index(["month", "account"])["balance"]
    assert bal[("2020-12", "1930")] == pytest.approx(0.5) and bal[("2021-01", "1930")] == pytest.approx(0.4)
    (tmp_path / "organisation.csv").write_bytes(
        "Kostnadsställe;Verksamhet;Division\r\n200;Akuten;Akutsjukvård\r\n".encode("cp1252"))
    by_kst = load_region(tmp_path, cache=False)
    assert set(by_kst.finance["unit"]) == {"Akuten"}


def test_balance_table_from_an_economy_system_export(tmp_path):
    _folder(tmp_path, '#RES 0 4011 100.00\n#PSALDO 0 202101 4011 {} 100.00\n#PSALDO 0 202101 4011 {1 "200"} 100.00\n'
            + _BUDGETED)
    (tmp_path / "balance.csv").write_bytes(
        "Balansrapport;;\r\nMånad;Konto;Utgående saldo (tkr)\r\n2021-01;1930;1 234,5\r\n2021-01;2440;–34,5\r\n"
        .encode("cp1252"))
    data = load_region(tmp_path, cache=False)
    assert data.files["balance"].name == "balance.csv"
    assert data.balance.set_index("account")["balance"].to_dict() == {"1930": 1234.5, "2440": -34.5}
    (tmp_path / "balance.csv").write_bytes("Månad;Konto;Saldo\r\n2021-01;1930;x\r\n".encode("cp1252"))
    [problem] = validate(tmp_path).problems
    assert (problem.file, problem.row, problem.column) == ("balance.csv", 2, "Saldo")


def test_a_ledger_without_budget_loads_with_the_budget_missing(tmp_path):
    # the ledger carries actuals only (SIE 4B 5.17); nothing downstream may turn that into 0
    folder = _folder(tmp_path, '#RES 0 4011 100.00\n#PSALDO 0 202101 4011 {} 100.00\n'
                               '#PSALDO 0 202101 4011 {1 "200"} 60.00\n')
    report = validate(folder)
    assert report.ok, report.problems
    assert any("no #PBUDGET" in n for n in report.notes)
    data = load_region(folder, cache=False)
    assert data.finance["budget"].isna().all()
    # 60 kr on Akuten, the other 40 without a kostnadsställe: −0,06 and −0,04 tkr
    by_unit = data.finance.groupby("unit")["actual"].sum()
    assert by_unit.to_dict() == {"Akuten": pytest.approx(-0.06), NO_KOSTNADSSTALLE: pytest.approx(-0.04)}


def test_an_unbalanced_verification_is_an_error_naming_its_line(tmp_path):
    # a file without #RES (an export of the verifications, as Fortnox's SIE 4I or a
    # careless colleague's edit): the salary typed 10 000 for 1 000 on the cost side would
    # move account 5011 by 9 tkr and nothing else would catch it; debit 10 000 + 100,
    # credit 1 100: the verification sums to 9 000,00. The second verification balances
    # (−1 000 + 600 + 400, its rows removed and added per SIE 4B's #BTRANS/#RTRANS example).
    body = ('#VER A 1 20210105 "Lön"\n{\n#TRANS 5011 {1 "200"} 10000.00\n#TRANS 7510 {} 100.00\n'
            '#TRANS 1930 {} -1100.00\n}\n'
            '#VER A 2 20210210 "Porto"\n{\n#TRANS 1910 {} -1000.00\n#TRANS 6110 {} 600.00\n'
            '#BTRANS 6250 {} 400.00\n#RTRANS 6251 {} 400.00\n#TRANS 6251 {} 400.00\n}\n')
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    problems = read_ledger(path).problems
    assert [(p.row, p.column, p.value) for p in problems] == [(lines.index('#VER A 1 20210105 "Lön"') + 1,
                                                              "VER", "9000.00")]
    assert "sum to 0" in problems[0].expected


def test_a_file_with_only_balance_accounts_is_an_error_not_a_traceback(tmp_path):
    # the one result row written with a plus sign (not SIE 4B's amount), so only the
    # bank's row on 1930 is read: a clear error for the line and for the missing actuals
    body = '#VER A 1 20210105 ""\n{\n#TRANS 3010 {} +1000.00\n#TRANS 1930 {} -1000.00\n}\n'
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    found = {(p.row, p.column) for p in read_ledger(path).problems}
    assert (lines.index("#TRANS 3010 {} +1000.00") + 1, "TRANS") in found
    assert (None, "konto") in found
    # a file with balance movements only (a bank's export): said, not a traceback
    body = '#VER A 1 20210105 ""\n{\n#TRANS 1930 {} 1000.00\n#TRANS 1910 {} -1000.00\n}\n'
    problems = read_ledger(_write(tmp_path, body, 4)).problems
    assert [p.column for p in problems] == ["konto"] and "balance accounts only" in problems[0].expected


def test_ksumma_of_a_pc8_file_saved_again_as_utf8_is_summed_over_its_text(tmp_path):
    # a colleague opened the PC8 export in an editor and saved it as UTF-8: the text is the
    # same, the bytes of å, ä, ö are not. The checksum (SIE 4B 10.14: CRC-32 of the tags and
    # fields, in code page 437, without blanks, quotes and braces) worked out here by hand
    import zlib
    records = ['#FNAMN "Region Exempellän"', "#RAR 0 20210101 20211231", '#KONTO 4011 "Löner läkare"',
               "#RES 0 4011 1000.00", '#PSALDO 0 202101 4011 {1 "Vårdcentral Öst"} 1000.00']
    fields = ["#FNAMNRegion Exempellän", "#RAR02021010120211231", "#KONTO4011Löner läkare",
              "#RES040111000.00", "#PSALDO020210140111Vårdcentral Öst1000.00"]
    crc = zlib.crc32("".join(fields).encode("cp437"))
    text = ("#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 2\r\n#KSUMMA\r\n" + "\r\n".join(records)
            + f"\r\n#KSUMMA {crc}\r\n")
    path = tmp_path / "finance.se"
    path.write_bytes(text.encode("cp437"))
    assert read_ledger(path).problems == []
    path.write_bytes(text.encode("utf-8"))
    ledger = read_ledger(path)
    assert ledger.problems == []
    assert _actual(ledger, "2021-01", "4011", "Vårdcentral Öst") == pytest.approx(-1.0)
    assert any("UTF-8" in n for n in ledger.notes) and any("matches" in n for n in ledger.notes)
    # the same UTF-8 file with an amount changed (and its #RES, so only the sum tells)
    path.write_bytes(text.replace("1000.00", "9000.00").encode("utf-8"))
    assert [p.column for p in read_ledger(path).problems] == ["KSUMMA"]


def test_a_date_that_is_no_day_is_an_error_not_its_month(tmp_path):
    # 30 February typed for 3 February (or 20 March): the amount stays out of every month,
    # the line is named; the transaction's own date and the verification's both checked
    body = ('#VER A 1 20210230 "Hyra"\n{\n#TRANS 5011 {} 1000.00\n#TRANS 1930 {} -1000.00\n}\n'
            '#VER A 2 20210303 "Hyra"\n{\n#TRANS 5011 {} 500.00 20210431\n#TRANS 1930 {} -500.00 20210331\n}\n')
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    found = {(p.row, p.column, p.value) for p in read_ledger(path).problems}
    first = lines.index('#VER A 1 20210230 "Hyra"') + 1
    assert {(first + 2, "transdat", "20210230"), (first + 3, "transdat", "20210230")} <= found
    assert (lines.index("#TRANS 5011 {} 500.00 20210431") + 1, "transdat", "20210431") in found


def test_period_balances_by_project_only_or_split_further_count_once(tmp_path):
    # no total lines {} (a program that writes object balances only). 5011 is split by
    # project only (dimension 6): P1 600 + P2 400 = the account's 1 000, none of it on a
    # kostnadsställe. 4011 has kostnadsställe 200's balance (700) and the same 700 split by
    # project on {1 "200" 6 "P1"} (400) and {1 "200" 6 "P2"} (300): 200 stays 700, not 1 400
    body = ('#RES 0 4011 700.00\n#RES 0 5011 1000.00\n'
            '#PSALDO 0 202101 5011 {6 "P1"} 600.00\n#PSALDO 0 202101 5011 {6 "P2"} 400.00\n'
            '#PSALDO 0 202101 4011 {1 "200"} 700.00\n'
            '#PSALDO 0 202101 4011 {1 "200" 6 "P1"} 400.00\n#PSALDO 0 202101 4011 {1 "200" 6 "P2"} 300.00\n')
    ledger = read_ledger(_write(tmp_path, body))
    assert ledger.problems == []
    assert _actual(ledger, "2021-01", "5011", unit=NO_KOSTNADSSTALLE) == pytest.approx(-1.0)
    assert ledger.finance.loc[ledger.finance["account"] == "5011", "actual"].sum() == pytest.approx(-1.0)
    assert _actual(ledger, "2021-01", "4011", "200") == pytest.approx(-0.7)
    assert ledger.finance.loc[ledger.finance["account"] == "4011", "actual"].sum() == pytest.approx(-0.7)


def test_an_object_list_naming_one_dimension_twice_is_an_error(tmp_path):
    # {1 "200" 1 "300"}: two kostnadsställen for one amount (a colleague's edit); the
    # first was taken without a word
    body = ('#RES 0 4011 100.00\n#VER A 1 20210105 ""\n{\n#TRANS 4011 {1 "200" 1 "300"} 100.00\n'
            '#TRANS 1930 {} -100.00\n}\n')
    path = _write(tmp_path, body, 4)
    lines = path.read_bytes().decode("cp437").splitlines()
    found = {(p.row, p.column) for p in read_ledger(path).problems}
    assert (lines.index('#TRANS 4011 {1 "200" 1 "300"} 100.00') + 1, "objekt") in found


def test_a_checksummed_file_may_end_without_a_line_feed(tmp_path):
    # the closing #KSUMMA last, no line feed after it: its checksum tells a cut, so the
    # file is read (the sum worked out by hand as in the UTF-8 test: tags and fields)
    import zlib
    crc = zlib.crc32("#RAR02021010120211231#RES040111000.00#PSALDO020210140111000.00".encode("cp437"))
    text = ("#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 2\r\n#KSUMMA\r\n#RAR 0 20210101 20211231\r\n"
            "#RES 0 4011 1000.00\r\n#PSALDO 0 202101 4011 {} 1000.00\r\n" + f"#KSUMMA {crc}")
    path = tmp_path / "finance.se"
    path.write_bytes(text.encode("cp437"))
    assert read_ledger(path).problems == []
    path.write_bytes(text[:-2].encode("cp437"))  # its number cut short
    assert [p.column for p in read_ledger(path).problems] == ["KSUMMA"]
