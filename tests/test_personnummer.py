"""Personnummer in every way a spreadsheet writes one are pseudonymised; none escapes.

Check digits are worked out here with a Luhn sum written for the test (weights
2,1,2,... over YYMMDDNNN), independently of the package.
"""
import base64
import hashlib
import hmac
import io
import re

import pandas as pd
import pytest

from regionanalytics import personnummer
from regionanalytics.data import load_region, validate
from regionanalytics.exceptions import DataValidationError, PseudonymKeyError

KEY = "test-key-not-secret"
FINANCE = "Månad;Division;Verksamhet;Konto;Utfall;Budget\n" + "".join(
    f"2021-{m:02d};Service;Kost;Personalkostnader;{'-100' if m <= 4 else ''};-90\n" for m in range(1, 13))
EMP_HEAD = ("Månad;Personnummer;Division;Verksamhet;Anställningsform;Sysselsättningsgrad;"
            "Schemalagd tid;Arbetad tid\n")


def luhn(nine: str) -> str:
    """The ten digits YYMMDDNNNC with C the Luhn check digit of the nine given."""
    total = 0
    for i, ch in enumerate(nine):
        p = int(ch) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return nine + str((10 - total % 10) % 10)


assert luhn("610605500") == "6106055004"  # by hand: 3+1+0+6+0+5+1+0+0 = 16 -> 4

# (century, ten digits): birth dates chosen for the ways they are written
PERSONS = {
    "float": ("19", luhn("610605500")),       # 196106055004, written 196106055004.0
    "scientific": ("19", luhn("720312123")),  # 1.97203121234E+11
    "comma-sci": ("19", luhn("800101234")),   # 1,98001012346E+11
    "apostrophe": ("19", luhn("850505124")),  # '198505051246
    "blanks": ("19", luhn("900228567")),      # " 19900228-5678 "
    "ten-digit": ("19", luhn("930319967")),   # 9303199674
    "ten-dash": ("19", luhn("770707111")),    # 770707-1111
    "excel-text": ("19", luhn("660606222")),  # ="196606062222"
    "samordning": ("19", luhn("880671333")),  # day 11 + 60
    "lost-zero": ("20", luhn("050101444")),   # 0501014449 as the number 501014449
}


def canonical(key: str) -> str:
    century, ten = PERSONS[key]
    return century + ten


def written(key: str) -> str:
    century, ten = PERSONS[key]
    full = century + ten
    return {
        "float": f"{full}.0",
        "scientific": f"{int(full) / 1e11:.11f}E+11",
        "comma-sci": f"{int(full) / 1e11:.11f}E+11".replace(".", ","),
        "apostrophe": f"'{full}",
        "blanks": f"  {full[:8]}-{full[8:]} ",
        "ten-digit": ten,
        "ten-dash": f"{ten[:6]}-{ten[6:]}",
        "excel-text": f'="{full}"',
        "samordning": full,
        "lost-zero": str(int(ten)),
    }[key]


def pseudonym(canonical_number: str) -> str:
    digest = hmac.new(KEY.encode(), canonical_number.encode(), hashlib.sha256).digest()
    return "p" + base64.urlsafe_b64encode(digest[:9]).decode()


def raw_forms(key: str) -> list[str]:
    """Every way the number could be found if it escaped: 12 and 10 digits, the
    birth date with its last four, and the last four alone after the date."""
    full = canonical(key)
    return [full, full[2:], full[:8] + "-" + full[8:], full[2:8] + "-" + full[8:], str(int(full[2:]))]


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(personnummer.KEY_ENV, KEY)


def employees_csv(ids: list[str]) -> str:
    return EMP_HEAD + "".join(f"2021-01;{i};Service;Kost;Tillsvidare;1;160;150\n" for i in ids)


def folder_with(tmp_path, employees: str, absence: str | None = None):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "finance.csv").write_text(FINANCE, encoding="utf-8")
    (folder / "employees.csv").write_text(employees, encoding="utf-8")
    if absence is not None:
        (folder / "absence.csv").write_text(absence, encoding="utf-8")
    return folder


def all_text_stored(folder) -> str:
    """Every byte of every file below ``folder`` and every value of every parquet file there."""
    parts = []
    for p in folder.rglob("*"):
        if p.is_file():
            parts.append(p.read_bytes().decode("latin-1"))
            if p.suffix == ".parquet":
                parts.append(pd.read_parquet(p).astype(str).to_csv())
    return "\n".join(parts)


def assert_no_number(text: str) -> None:
    for key in PERSONS:
        for form in raw_forms(key):
            assert form not in text, f"{key}: {form} escaped"


def test_every_spreadsheet_form_is_pseudonymised_and_nothing_escapes(tmp_path, key, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    ids = [written(k) for k in PERSONS]
    # the absence export writes the same persons in another form: the pseudonyms must match
    absence = ("Personnummer;From datum;Till datum;Omfattning\n"
               f"{written('ten-digit')};2021-01-11;2021-01-12;1\n"
               f"{canonical('float')[:8]}-{canonical('float')[8:]};2021-01-13;2021-01-14;0,5\n")
    folder = folder_with(tmp_path, employees_csv(ids), absence)
    report = validate(folder)
    assert report.ok, report.problems
    data = load_region(folder)
    assert data.employees["person_id"].tolist() == [pseudonym(canonical(k)) for k in PERSONS]
    assert data.employees["birth_year"].tolist() == [int(canonical(k)[:4]) for k in PERSONS]
    assert data.absence["person_id"].tolist() == [pseudonym(canonical("ten-digit")),
                                                  pseudonym(canonical("float"))]
    assert_no_number(all_text_stored(tmp_path / "cache"))
    assert_no_number("\n".join(report.notes + data.notes))
    assert_no_number(data.employees.to_csv() + data.absence.to_csv())


def test_xlsx_numeric_cells_are_pseudonymised(tmp_path, key, monkeypatch):
    monkeypatch.setenv("REGIONANALYTICS_CACHE", str(tmp_path / "cache"))
    folder = folder_with(tmp_path, employees_csv([]))
    (folder / "employees.csv").unlink()
    frame = pd.DataFrame({"Månad": ["2021-01"] * 3,
                          # numbers as Excel stores them: a float, leading zero lost
                          "Personnummer": [float(canonical("float")), float(int(PERSONS["lost-zero"][1])),
                                           float(canonical("samordning"))],
                          "Division": "Service", "Verksamhet": "Kost", "Anställningsform": "Tillsvidare",
                          "Sysselsättningsgrad": 1, "Schemalagd tid": 160, "Arbetad tid": 150})
    frame.to_excel(folder / "employees.xlsx", index=False)
    data = load_region(folder)
    assert data.employees["person_id"].tolist() == [pseudonym(canonical(k))
                                                    for k in ("float", "lost-zero", "samordning")]
    assert data.employees["birth_year"].tolist() == [1961, 2005, 1988]
    assert_no_number(all_text_stored(tmp_path / "cache"))


@pytest.mark.parametrize("bad", [
    f"{canonical('float')[:-1]}5.0",         # wrong check digit, written as a float
    "1.96106E+11",                            # Excel's short scientific form: digits lost
    f"'{canonical('float')[:-1]}5",           # wrong check digit behind an apostrophe
    "19611305-5004",                          # no month 13
])
def test_an_id_that_looks_like_personnummer_but_does_not_parse_is_refused_unprinted(tmp_path, key, bad):
    ids = [written("float"), bad, written("ten-digit")]
    folder = folder_with(tmp_path, employees_csv(ids))
    problems = validate(folder).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("employees.csv", 3, "Personnummer")]
    with pytest.raises(DataValidationError) as exc:
        load_region(folder, cache=False)
    message = str(exc.value)
    digits = re.sub(r"\D", "", bad)
    assert digits[:9] not in re.sub(r"\D", "", message) and "personnummer" in message
    assert_no_number(message)


def test_a_column_of_only_bad_excel_numbers_is_still_refused(tmp_path, key):
    # every value lost digits (1.96106E+11): none parses, the column is still personnummer
    folder = folder_with(tmp_path, employees_csv(["1.96106E+11", "1.97203E+11"]))
    problems = validate(folder).problems
    assert [(p.row, p.column) for p in problems] == [(2, "Personnummer"), (3, "Personnummer")]
    assert "196106" not in " ".join(map(str, problems))


def test_unknown_person_in_absence_is_named_by_pseudonym(tmp_path, key):
    absence = ("Personnummer;From datum;Till datum;Omfattning\n"
               f"{written('apostrophe')};2021-01-11;2021-01-12;1\n")
    folder = folder_with(tmp_path, employees_csv([written("float")]), absence)
    problems = validate(folder).problems
    assert [(p.file, p.row, p.column) for p in problems] == [("absence.csv", 2, "person_id")]
    assert problems[0].value == pseudonym(canonical("apostrophe"))
    assert_no_number(" ".join(map(str, problems)))


def test_ordinary_employee_numbers_are_not_taken_for_personnummer(tmp_path, key):
    # seven-digit employee numbers: a few are valid personnummer once padded by chance,
    # but far from most, so the column stays ids
    ids = [str(1000000 + 7919 * i) for i in range(200)]
    parsed = personnummer.parse(pd.Series(ids), 2021)
    assert not personnummer.is_personnummer_column(parsed)


def test_no_writable_config_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(personnummer.KEY_ENV, raising=False)
    blocked = tmp_path / "config"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    folder = folder_with(tmp_path, employees_csv([written("float")]))
    with pytest.raises(PseudonymKeyError, match="REGIONANALYTICS_PSEUDONYM_KEY"):
        load_region(folder, cache=False)
    from regionanalytics.cli import main

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["validate", str(folder)]) == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "pseudonym.key" in lines[0]
    assert "Traceback" not in err.getvalue()


def test_an_empty_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(personnummer.KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "regionanalytics").mkdir(parents=True)
    (tmp_path / "config" / "regionanalytics" / "pseudonym.key").write_text("\n")
    with pytest.raises(PseudonymKeyError, match="empty"):
        personnummer.pseudonymise(pd.Series(["196106055004"]))
