"""PAXml 2.0 (the time and payroll exchange format): the two real files in
../shared/real-exports/paxml read as they are (GPL-3.0, so they stay there: read in place,
never copied into the repository), hand-written files the way the standard writes them,
and files written to break the reader. Every expected figure is worked out by hand in
the comments."""
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from regionanalytics import metrics, paxml, personnummer
from regionanalytics.data import load_region, validate
from regionanalytics.exceptions import DataValidationError

from .conftest import ROOT

#: ../shared beside the repository (or $REGIONANALYTICS_REAL_EXPORTS); never inside it
REAL = Path(os.environ.get("REGIONANALYTICS_REAL_EXPORTS", ROOT.parent / "shared" / "real-exports")) / "paxml"
if not REAL.is_dir():  # a worktree one level further down
    REAL = ROOT.parent.parent / "shared" / "real-exports" / "paxml"
WORKIFY = REAL / "workify-TimeRegistrationexport.xml"
SAMPLE = REAL / "paxml20-sample-PAXml_2.0.pax"
real_files = pytest.mark.skipif(not REAL.is_dir(), reason=f"the shared real exports ({REAL}) are not on "
                                "this machine; they are GPL-3.0 and not part of the repository")
KEY = "test-key-not-secret"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv(personnummer.KEY_ENV, KEY)


def luhn_number(birth: str, serial: str) -> str:
    """A 12-digit personnummer yyyymmdd + three digits + its Luhn check digit (by hand)."""
    digits = [int(c) for c in birth[2:] + serial]
    total = sum((d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d for i, d in enumerate(digits))
    return birth + serial + str((10 - total % 10) % 10)


def pax(body: str, encoding: str = "iso-8859-1") -> bytes:
    """A PAXml 2.0 document as the standard's own example writes it (declaration, root, header)."""
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<paxml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="http://www.paxml.se/2.0/paxml.xsd">\n'
            "<header>\n\t<format>LÖNIN</format>\n\t<version>2.0</version>\n</header>\n" + body + "</paxml>\n")
    return text.encode(encoding)


def tidtrans(who: str, code: str, **fields) -> str:
    inner = "".join(f"\t\t<{k}>{v}</{k}>\n" for k, v in fields.items())
    return f"\t<tidtrans {who}>\n\t\t<tidkod>{code}</tidkod>\n{inner}\t</tidtrans>\n"


def write(tmp_path, body, name="absence.pax", encoding="iso-8859-1") -> Path:
    path = tmp_path / name
    path.write_bytes(pax(body, encoding) if isinstance(body, str) else body)
    return path


def lines(path: Path, text: str) -> list[int]:
    """The line numbers of ``text`` in a file (to name the line the reader must name)."""
    return [i for i, line in enumerate(path.read_bytes().decode("latin-1").splitlines(), 1) if text in line]


# --------------------------------------------------------------------------- the real files

@real_files
def test_workify_file_one_sick_day_in_hours():
    # workify-TimeRegistrationexport.xml, lines 102-106: <tidtrans postid="69701" anstid="1234">
    # <tidkod>SJK</tidkod> <datum>2022-09-20</datum> <timmar>9.5</timmar>: the only sick leave
    # among its 25 <tidtrans> (the shared README says 26; the file has 25)
    read = paxml.read(WORKIFY)
    assert read.problems == []
    rows = read.absence
    assert rows[["_row", "person_id", "reason", "hours"]].values.tolist() == [[102, "1234", "Sjukdom", 9.5]]
    assert rows.loc[0, "start"] == rows.loc[0, "end"] == pd.Timestamp("2022-09-20")
    # the other 24, counted by hand: ARB 12 (09-01..09-09 with two on 09-08, 09-19, 09-22), ÖT1 2,
    # ÖT2, ÖK1, ÖK2, JR1, FPE, FR1, KOM, SEM, TJL, VAB one each; VAB and FPE are not sick leave
    assert ("workify-TimeRegistrationexport.xml: 24 time transactions of other codes than sick leave left "
            "out (ARB 12, FPE 1, FR1 1, JR1 1, KOM 1, SEM 1, TJL 1, VAB 1, ÖK1 1, ÖK2 1, ÖT1 2, ÖT2 1)"
            in read.notes)
    assert read.notes[0] == ("workify-TimeRegistrationexport.xml: PAXml from Workify; 1 sick-leave time "
                             "transaction (SJK 1): 1 day in hours, 0 spells")
    assert read.schedule.empty and read.staff.empty  # the file has neither section


@real_files
def test_paxml_sample_spell_takes_its_schedule_hours():
    # paxml20-sample-PAXml_2.0.pax (ISO-8859-1), lines 32-37: anstid 101, SJK from 2012-06-02 to
    # 2012-06-05, omfattning 100; lines 61-65 schedule anstid 101: 06-02 8 h, 06-03 4.5 h, 06-04 0 h.
    # The covered days take their schedule × 100 %; 06-05 (a Tuesday, not in the schedule) stays a
    # spell for the package's rule. TJL (lines 38-43) is not sick leave.
    read = paxml.read(SAMPLE)
    assert read.problems == []
    rows = read.absence.assign(start=lambda d: d["start"].dt.strftime("%Y-%m-%d"),
                               end=lambda d: d["end"].dt.strftime("%Y-%m-%d"))
    assert rows[["_row", "person_id", "start", "end", "extent", "reason"]].values.tolist() == [
        [32, "101", "2012-06-02", "2012-06-02", 1.0, "Sjukdom"],
        [32, "101", "2012-06-03", "2012-06-03", 1.0, "Sjukdom"],
        [32, "101", "2012-06-04", "2012-06-04", 1.0, "Sjukdom"],
        [32, "101", "2012-06-05", "2012-06-05", 1.0, "Sjukdom"]]
    assert rows["hours"].tolist()[:3] == [8.0, 4.5, 0.0] and math.isnan(rows["hours"].iloc[3])
    # scheduled hours per person and month: 8 + 4.5 + 0 = 12.5 h over 3 days
    assert read.schedule.values.tolist() == [["101", "2012-06", 12.5, 3]]
    # <personal> (lines 69-87): anstid 51, <sysgrad>100</sysgrad>; no anstform, no kostnadsställe
    assert read.staff.values.tolist() == [["51", 1.0, None, None]]
    assert any("1 time transaction of other codes than sick leave left out (TJL 1)" in n for n in read.notes)


@real_files
def test_no_name_or_address_of_the_sample_is_kept():
    read = paxml.read(SAMPLE)
    kept = repr([read.absence.to_dict(), read.schedule.to_dict(), read.staff.to_dict(), read.notes])
    for text in ("Siv", "Ljunggren", "Föreningsgatan", "Vårgårda", "070-996", "25000"):
        assert text not in kept


@real_files
def test_paxml_sample_sick_leave_rate_by_hand():
    # person 101 in June 2012, 152 scheduled hours; June 2012 has 19 working days (30 days less
    # 9 weekend days, 6 June and midsommarafton 22 June), so 152 / 19 = 8 h per working day.
    # Sick: 8 + 4.5 + 0 from the schedule (a weekend the rule would not count) + 06-05 by the
    # rule, 8 h = 20.5 h; rate 20.5 / 152
    employees = pd.DataFrame({"month": ["2012-06"], "person_id": ["101"], "division": ["D"], "unit": ["U"],
                              "employment": ["tillsvidare"], "gender": ["K"], "birth_year": [1970.0],
                              "employment_rate": [1.0], "scheduled_hours": [152.0], "worked_hours": [131.5]})
    absence = paxml.read(SAMPLE).absence.drop(columns="_row")
    df = metrics.sick_leave(employees, absence, "2012-06", by=[], suppress_small=False)
    assert df.loc[0, "sick_hours"] == pytest.approx(20.5)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * 20.5 / 152)


FINANCE_2022 = "Månad;Division;Verksamhet;Konto;Utfall;Budget\n" + "".join(
    f"2022-{m:02d};Service;Kost;Personalkostnader;{'-100' if m <= 9 else ''};-90\n" for m in range(1, 13))


def employees_csv(ids, months, hours=160) -> str:
    head = ("Månad;Anställningsnummer;Division;Verksamhet;Anställningsform;Kön;Födelseår;"
            "Sysselsättningsgrad;Schemalagd tid;Arbetad tid\n")
    return head + "".join(f"{m};{i};Service;Kost;Tillsvidare;K;1980;100;{hours};{hours}\n"
                          for m in months for i in ids)


@real_files
def test_workify_file_end_to_end_in_a_data_folder(tmp_path):
    # 12 persons (above the small-group limit) January–September 2022, 160 h a month each:
    # 12 × 9 × 160 = 17 280 scheduled hours; the file's one sick day, 9.5 h, is person 1234's
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "finance.csv").write_text(FINANCE_2022, encoding="utf-8")
    ids = ["1234"] + [str(2000 + i) for i in range(11)]
    (folder / "employees.csv").write_text(employees_csv(ids, [f"2022-{m:02d}" for m in range(1, 10)]),
                                          encoding="utf-8")
    (folder / "absence.xml").symlink_to(WORKIFY)  # read in place: the file stays in ../shared
    report = validate(folder)
    assert report.ok, report.problems
    data = load_region(folder, cache=False)
    df = metrics.sick_leave(data.employees, data.absence, "2022-09", by=[])
    assert not df.loc[0, "suppressed"] and df.loc[0, "persons"] == 12
    assert df.loc[0, "sick_hours"] == pytest.approx(9.5)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * 9.5 / 17280)
    assert df.loc[0, "long_term_sick_share_pct"] == 0


# --------------------------------------------------------------------------- a region's file, by hand

A = luhn_number("19800115", "123")
B = luhn_number("19751203", "456")
C = luhn_number("19901010", "789")
D = luhn_number("19650505", "234")
E = luhn_number("19880808", "567")
OTHERS = [luhn_number(f"19{70 + i}0202", f"{100 + i}") for i in range(7)]
PERSONS = [A, B, C, D, E] + OTHERS  # 12 persons


def mixed_file() -> str:
    return (
        "<tidtransaktioner>\n"
        # A: a karensdag split into SJK_KAR 1.5 h and SJK_LÖN 6.5 h on Monday 11 January = 8 h
        + tidtrans(f'persnr="{A}"', "SJK_KAR", datum="2021-01-11", timmar="1.5")
        + tidtrans(f'persnr="{A}"', "SJK_LÖN", datum="2021-01-11", timmar="6,5")
        # A again: a spell Tuesday–Wednesday 12–13 January, 100 %: 2 working days × 160/19 h
        + tidtrans(f'persnr="{A}"', "SJK", datumfrom="2021-01-12", datumtom="2021-01-13", omfattning="100")
        # B, by anstid only (its persnr in <personal>): 1–5 February (Mon–Fri) at 50 %:
        # 5 × 0.5 × 160/20 = 20 h
        + tidtrans('anstid="B1"', "SJK", datumfrom="2021-02-01", datumtom="2021-02-05", omfattning="50")
        # C: Saturday–Sunday 6–7 March, 100 %, both days in the schedule at 10 h: 20 h
        + tidtrans(f'persnr="{C}"', "SJK_PEN", datumfrom="2021-03-06", datumtom="2021-03-07",
                   omfattning="100")
        # D: arbetsskada on Wednesday 10 March, neither hours nor extent: 100 % of one day, 160/23 h
        + tidtrans(f'persnr="{D}"', "ASK", datum="2021-03-10")
        # D: sjukjour, sjukberedskap and sjuk-OB are work and pay, not sick leave
        + tidtrans(f'persnr="{D}"', "JS1", datum="2021-03-11", timmar="5")
        + tidtrans(f'persnr="{D}"', "BS1", datum="2021-03-11", timmar="4")
        + tidtrans(f'persnr="{D}"', "OS1", datum="2021-03-11", timmar="3")
        # E: vård av barn is not sick leave; a code the standard does not have is named
        + tidtrans(f'persnr="{E}"', "VAB", datum="2021-03-15", timmar="8")
        + tidtrans(f'persnr="{E}"', "Sjukjour", datum="2021-03-16", timmar="8")
        + "</tidtransaktioner>\n"
        "<schematransaktioner>\n"
        f'\t<schema persnr="{C}">\n\t\t<dag datum="2021-03-06" timmar="10"/>\n'
        '\t\t<dag datum="2021-03-07" timmar="10"/>\n\t</schema>\n'
        "</schematransaktioner>\n"
        "<personal>\n"
        f'\t<person anstid="B1" persnr="{B}">\n\t\t<fornamn>Siv</fornamn>\n\t\t<efternamn>Ljunggren</efternamn>\n'
        "\t\t<anstform>FAST</anstform>\n\t\t<sysgrad>75</sysgrad>\n"
        '\t\t<resenheter>\n\t\t\t<resenhet dim="1" id="100"/>\n\t\t</resenheter>\n\t</person>\n'
        "</personal>\n")


FINANCE_2021 = "Månad;Division;Verksamhet;Konto;Utfall;Budget\n" + "".join(
    f"2021-{m:02d};Service;Kost;Personalkostnader;{'-100' if m <= 3 else ''};-90\n" for m in range(1, 13))


def mixed_region(tmp_path) -> Path:
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "finance.csv").write_text(FINANCE_2021, encoding="utf-8")
    employees = ("Månad;Personnummer;Division;Verksamhet;Anställningsform;Sysselsättningsgrad;"
                 "Schemalagd tid;Arbetad tid\n" + "".join(
                     f"2021-{m:02d};{p[:8]}-{p[8:]};Service;Kost;Tillsvidare;100;160;150\n"
                     for m in (1, 2, 3) for p in PERSONS))
    (folder / "employees.csv").write_text(employees, encoding="cp1252")
    write(folder, mixed_file())
    return folder


def test_spells_and_day_hours_of_one_region_add_up(tmp_path):
    # sick hours: A 8 + 2 × 160/19, B 20, C 20, D 160/23; January has 19 working days,
    # February 20, March 23. Scheduled: 12 persons × 3 months × 160 h = 5 760 h
    folder = mixed_region(tmp_path)
    report = validate(folder)
    assert report.ok, report.problems
    data = load_region(folder, cache=False)
    df = metrics.sick_leave(data.employees, data.absence, "2021-03", by=[])
    assert df.loc[0, "persons"] == 12 and not df.loc[0, "suppressed"]
    sick = 8 + 2 * 160 / 19 + 20 + 20 + 160 / 23
    assert df.loc[0, "sick_hours"] == pytest.approx(sick)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * sick / 5760)
    assert any("time code 'Sjukjour' is not one of PAXml 2.0's; its 1 transaction(s) (line "
               f"{lines(folder / 'absence.pax', '<tidkod>Sjukjour')[0]}) are left out" in n for n in report.notes)
    assert any("other codes than sick leave left out (BS1 1, JS1 1, OS1 1, VAB 1)" in n for n in report.notes)


def test_no_personnummer_is_stored_or_shown(tmp_path):
    folder = mixed_region(tmp_path)
    data = load_region(folder, cache=False)
    ids = set(data.absence["person_id"])
    assert len(ids) == 4 and all(i.startswith("p") and len(i) == 13 for i in ids)  # A, B, C, D
    assert ids <= set(data.employees["person_id"])  # the same pseudonyms as the employees table's
    shown = repr([data.absence.to_dict(), data.notes, paxml.read(folder / "absence.pax").staff.to_dict()])
    for number in PERSONS:
        assert number not in shown and number[2:] not in shown
    assert "Siv" not in shown and "Ljunggren" not in shown


def test_personal_gives_the_persons_rate_form_and_kostnadsstalle(tmp_path):
    staff = paxml.read(write(tmp_path, mixed_file())).staff
    # <person anstid="B1">: anstform FAST, sysgrad 75, resenhet dim 1 id 100
    assert staff[["employment_rate", "employment", "code"]].values.tolist() == [[0.75, "tillsvidare", "100"]]
    assert staff["person_id"].iloc[0] == personnummer.pseudonymise(pd.Series([B])).iloc[0]


def test_validate_names_where_personal_and_the_employees_table_disagree(tmp_path):
    # <person anstid="B1">: sysgrad 75 and kostnadsställe 100, which organisation.csv places in
    # Kök; the employees table has B at 100 % in Kost. B is the second person of each month:
    # March's rows are 26-37 (header row 1, 12 rows a month), so B's is row 27
    folder = mixed_region(tmp_path)
    (folder / "organisation.csv").write_text("Kostnadsställe;Verksamhet;Division\n100;Kök;Service\n",
                                             encoding="utf-8")
    report = validate(folder)
    assert report.ok, report.problems
    assert ("absence.pax: <personal> and employees.csv disagree on the employment rate (sysgrad) of 1 "
            "person(s) (the employees table counts): row 27 (2021-03): 100 % against 75 %") in report.notes
    assert ("absence.pax: <personal> and employees.csv disagree on the unit (kostnadsställe) of 1 person(s) "
            "(the employees table counts): row 27 (2021-03): Kost against Kök") in report.notes
    assert not any("employment form" in n for n in report.notes)  # FAST is tillsvidare, as the table says


def test_a_day_in_hours_inside_a_spell_is_an_error_naming_both_lines(tmp_path):
    path = write(tmp_path, "<tidtransaktioner>\n"
                 + tidtrans('anstid="7"', "SJK", datumfrom="2021-01-11", datumtom="2021-01-15", omfattning="50")
                 + tidtrans('anstid="7"', "SJK_LÖN", datum="2021-01-13", timmar="4")
                 + "</tidtransaktioner>\n")
    read = paxml.read(path)
    spell, day = lines(path, "<tidtrans ")
    assert [(p.row, p.column) for p in read.problems] == [(day, "datum")]
    assert f"the spell at line {spell}" in read.problems[0].expected
    assert len(read.absence) == 1  # the spell; the day is not counted a second time


def test_a_transaction_sent_twice_is_an_error(tmp_path):
    path = write(tmp_path, "<tidtransaktioner>\n"
                 + tidtrans('postid="69701" anstid="7"', "SJK", datum="2021-01-13", timmar="8")
                 + tidtrans('postid="69701" anstid="7"', "SJK", datum="2021-01-13", timmar="8")
                 + "</tidtransaktioner>\n")
    first, second = lines(path, "<tidtrans ")
    problems = paxml.read(path).problems
    assert [(p.row, p.column, p.value) for p in problems] == [(second, "postid", "69701")]
    assert f"line {first} has the same" in problems[0].expected


def test_more_than_24_hours_on_a_day_is_an_error(tmp_path):
    # 16 h + 9.5 h of one person on 13 January: 25.5 h
    read = paxml.read(write(tmp_path, "<tidtransaktioner>\n"
                            + tidtrans('anstid="7"', "SJK", datum="2021-01-13", timmar="16")
                            + tidtrans('anstid="7"', "SJK_LÖN", datum="2021-01-13", timmar="9.5")
                            + "</tidtransaktioner>\n<schematransaktioner>\n<schema anstid='8'>"
                            "<dag datum='2021-01-13' timmar='25'/></schema>\n</schematransaktioner>\n"))
    assert [(p.column, p.value) for p in read.problems] == [("timmar", "25.5"), ("dag", None)]
    assert read.absence.empty and read.schedule.empty


def test_extents_written_as_shares_are_read_as_percent_and_said(tmp_path):
    # PAXml's omfattning is percent: 0.5 is 0.5 % (a system writing 0.5 for 50 % is told so)
    read = paxml.read(write(tmp_path, "<tidtransaktioner>\n" + tidtrans(
        'anstid="7"', "SJK", datumfrom="2021-01-11", datumtom="2021-01-15", omfattning="0.5")
        + "</tidtransaktioner>\n"))
    assert read.absence["extent"].tolist() == [0.005]
    assert any("every <omfattning> is at most 1 %" in n for n in read.notes)


def test_a_negative_hour_corrects_the_same_day(tmp_path):
    # 8 h registered, then −8 h as a correction (PAXml: negative values for corrections): no sick day
    read = paxml.read(write(tmp_path, "<tidtransaktioner>\n"
                            + tidtrans('anstid="7"', "SJK", datum="2021-01-13", timmar="8")
                            + tidtrans('anstid="7"', "SJK", datum="2021-01-13", timmar="-8")
                            + tidtrans('anstid="8"', "SJK", datum="2021-01-13", timmar="-2")
                            + "</tidtransaktioner>\n"))
    assert read.absence.empty
    assert [(p.column, p.value) for p in read.problems] == [("timmar", "-2")]


# --------------------------------------------------------------------------- codes

def test_sick_leave_codes_are_the_specifications():
    # PAXml 2.0, "Koder", "Frånvaro (Endast tidkod)", page 18: SJK, SJK_KAR, SJK_LÖN, SJK_ERS, SJK_PEN;
    # ASK (arbetsskada) counts as the absence table's reasons count it
    assert set(paxml.SICK_LEAVE_CODES) == {"SJK", "SJK_KAR", "SJK_LÖN", "SJK_ERS", "SJK_PEN", "ASK"}
    for not_sick in ("JS1", "JS2", "JS3", "BS1", "BS2", "BS3", "OS1", "OS5", "HAV", "SMB", "VAB", "FPE"):
        assert not_sick in paxml.TIME_CODES and not_sick not in paxml.SICK_LEAVE_CODES
    assert len(paxml.TIME_CODES) == 107  # the schema's 106 codes of tidkodTYPE and SCH (page 19)


@pytest.mark.parametrize("code", ["sjk", "SJK_X", "SJK LÖN", "Sjk_Kar"])
def test_a_code_that_looks_like_sick_leave_but_is_not_the_standards_is_an_error(tmp_path, code):
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans('anstid="7"', code, datum="2021-01-13",
                                                             timmar="8") + "</tidtransaktioner>\n")
    problems = paxml.read(path).problems
    assert [(p.row, p.column, p.value) for p in problems] == [(lines(path, "<tidkod>")[0], "tidkod", code)]
    assert "SJK, SJK_KAR" in problems[0].expected


@pytest.mark.parametrize("code", ["Sjukjour", "Sjuk-OB", "SJUKDOM", "JS2", "OS3", "BS2"])
def test_sjukjour_and_sjuk_ob_are_not_counted(tmp_path, code):
    read = paxml.read(write(tmp_path, "<tidtransaktioner>\n" + tidtrans('anstid="7"', code, datum="2021-01-13",
                                                                        timmar="8") + "</tidtransaktioner>\n"))
    assert read.absence.empty and read.problems == []


# --------------------------------------------------------------------------- broken files

def test_a_sick_transaction_without_a_date_is_an_error_naming_its_line(tmp_path):
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans('anstid="7"', "SJK", timmar="8")
                 + tidtrans('anstid="7"', "SJK", datumtom="2021-01-13", omfattning="100")
                 + tidtrans('anstid="7"', "SJK", datum="2021-13-01", timmar="8") + "</tidtransaktioner>\n")
    problems = paxml.read(path).problems
    first, second, third = lines(path, "<tidtrans ")
    assert [(p.row, p.column) for p in problems] == [(first, "datum"), (second, "datumfrom"),
                                                      (lines(path, "<datum>")[0], "datum")]
    assert "<datum> (one day), <datumfrom> with <datumtom>" in problems[0].expected
    assert problems[2].value == "2021-13-01"


@pytest.mark.parametrize("fields, column", [
    ({"datumfrom": "2021-01-11", "datumtom": "2021-01-13", "timmar": "8"}, "timmar"),  # hours on a spell
    ({"datum": "2021-01-11", "timmar": "4", "omfattning": "50"}, "omfattning"),  # both
    ({"datumfrom": "2021-01-11", "datumtom": "2021-01-13", "omfattning": "150"}, "omfattning"),
    ({"datumfrom": "2021-01-11", "datumtom": "2021-01-13", "omfattning": "0"}, "omfattning"),
    ({"datumfrom": "2021-01-13", "datumtom": "2021-01-11", "omfattning": "100"}, "datumtom"),
    ({"datum": "2021-01-11", "timmar": "8 h"}, "timmar"),
])
def test_what_the_standard_forbids_is_an_error(tmp_path, fields, column):
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans('anstid="7"', "SJK", **fields)
                 + "</tidtransaktioner>\n")
    read = paxml.read(path)
    assert [p.column for p in read.problems] == [column] and read.absence.empty
    assert read.problems[0].row == lines(path, f"<{column}>")[0]


def test_a_transaction_without_a_person_is_an_error(tmp_path):
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans('postid="1"', "SJK", datum="2021-01-11",
                                                             timmar="8") + "</tidtransaktioner>\n")
    assert [(p.row, p.column) for p in paxml.read(path).problems] == [(lines(path, "<tidtrans ")[0], "anstid")]


def test_a_wrong_check_digit_is_named_by_line_never_by_number(tmp_path):
    wrong = A[:-1] + str((int(A[-1]) + 1) % 10)
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans(f'persnr="{wrong}"', "SJK", datum="2021-01-11",
                                                             timmar="8") + "</tidtransaktioner>\n")
    problems = paxml.read(path).problems
    assert [(p.row, p.column) for p in problems] == [(lines(path, "<tidtrans ")[0], "persnr")]
    assert wrong not in str(problems[0]) and wrong[2:] not in str(problems[0])


def test_an_anstid_that_is_a_personnummer_is_pseudonymised(tmp_path):
    read = paxml.read(write(tmp_path, "<tidtransaktioner>\n" + tidtrans(f'anstid="{A}"', "SJK",
                            datum="2021-01-11", timmar="8") + "</tidtransaktioner>\n"))
    assert read.absence["person_id"].tolist() == personnummer.pseudonymise(pd.Series([A])).tolist()


def test_entity_expansion_is_refused(tmp_path):
    lol = ('<?xml version="1.0"?>\n<!DOCTYPE paxml [\n<!ENTITY a "aaaaaaaaaa">\n'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
           "<paxml><tidtransaktioner><tidtrans anstid=\"7\"><tidkod>SJK</tidkod><datum>2021-01-11</datum>"
           "<timmar>8</timmar><info>&c;</info></tidtrans></tidtransaktioner></paxml>\n")
    read = paxml.read(write(tmp_path, lol.encode()))
    assert not read.parsed and read.absence.empty
    assert len(read.problems) == 1 and "without a document type declaration, entities" in read.problems[0].expected


def test_an_external_entity_is_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SJK")
    xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE paxml [<!ENTITY x SYSTEM "file://{secret}">]>\n'
           "<paxml><tidtransaktioner><tidtrans anstid=\"7\"><tidkod>&x;</tidkod><datum>2021-01-11</datum>"
           "<timmar>8</timmar></tidtrans></tidtransaktioner></paxml>\n")
    read = paxml.read(write(tmp_path, xxe.encode()))
    assert not read.parsed and read.absence.empty and read.problems


def test_not_well_formed_xml_names_its_line(tmp_path):
    path = write(tmp_path, "<tidtransaktioner>\n" + tidtrans('anstid="7"', "SJK", datum="2021-01-11")
                 + "<tidtrans anstid='7'><tidkod>SJK</tidkod>\n</tidtransaktioner>\n")
    read = paxml.read(path)
    assert not read.parsed and read.problems[0].row == lines(path, "</tidtransaktioner>")[0]


def test_a_utf8_file_declared_iso_8859_1_is_refused(tmp_path):
    body = "<tidtransaktioner>\n" + tidtrans('anstid="7"', "SJK_LÖN", datum="2021-01-11", timmar="8") \
        + "</tidtransaktioner>\n"
    text = pax(body, "utf-8").decode("utf-8").replace('encoding="utf-8"', 'encoding="iso-8859-1"')
    read = paxml.read(write(tmp_path, text.encode("utf-8")))
    assert not read.parsed and "UTF-8" in read.problems[0].expected


def test_encodings_as_declared(tmp_path):
    body = "<tidtransaktioner>\n" + tidtrans('anstid="7"', "SJK_LÖN", datum="2021-01-11", timmar="8") \
        + "</tidtransaktioner>\n"
    for encoding in ("iso-8859-1", "utf-8", "windows-1252"):
        read = paxml.read(write(tmp_path, body, encoding=encoding))
        assert read.problems == [] and read.absence["hours"].tolist() == [8.0], encoding
    # no declaration: UTF-8, as XML says; with a byte-order mark too
    plain = pax(body, "utf-8").split(b"\n", 1)[1]
    assert paxml.read(write(tmp_path, b"\xef\xbb\xbf" + plain)).absence["hours"].tolist() == [8.0]


def test_a_file_that_is_not_paxml(tmp_path):
    read = paxml.read(write(tmp_path, b'<?xml version="1.0"?>\n<html><body/></html>\n'))
    assert not read.parsed and read.problems[0].value == "html"


def test_a_file_above_the_size_bound_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(paxml, "MAX_BYTES", 100)
    read = paxml.read(write(tmp_path, mixed_file()))
    assert not read.parsed and "at most" in read.problems[0].expected


def test_a_broken_paxml_file_in_a_data_folder_is_a_validation_error(tmp_path):
    folder = mixed_region(tmp_path)
    path = folder / "absence.pax"
    path.write_bytes(path.read_bytes().replace(b"<datum>2021-03-10</datum>", b""))
    with pytest.raises(DataValidationError) as err:
        load_region(folder, cache=False)
    text = str(err.value)
    assert f"absence.pax, row {lines(path, 'ASK')[0] - 1}, column 'datum'" in text
    for number in PERSONS:
        assert number not in text


def test_two_absence_files_are_ambiguous(tmp_path):
    folder = mixed_region(tmp_path)
    (folder / "absence.csv").write_text("Person-id;Från;Till;Omfattning\n", encoding="utf-8")
    problems = validate(folder).problems
    assert any("one file for the 'absence' table; the folder has absence.csv, absence.pax" in p.expected
               for p in problems)


def test_a_sickness_registered_day_by_day_is_long_term(tmp_path):
    # SJK 6 h on every working day from Monday 4 January to Wednesday 31 March 2021 except the
    # holiday 6 January: 19 + 20 + 23 = 62 days, 372 h. Weekends and the holiday are days off
    # between registrations, so it is one episode of 4 January – 31 March = 87 days (≥ 60)
    from regionanalytics.workdays import WorkdayCalendar

    cal = WorkdayCalendar(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-31"))
    days = [d for d in pd.date_range("2021-01-04", "2021-03-31")
            if cal.count(d.to_datetime64().astype("datetime64[D]"), d.to_datetime64().astype("datetime64[D]")) == 1]
    assert len(days) == 62
    body = "<tidtransaktioner>\n" + "".join(tidtrans('anstid="7"', "SJK", datum=d.strftime("%Y-%m-%d"), timmar="6")
                                            for d in days) + "</tidtransaktioner>\n"
    absence = paxml.read_absence(write(tmp_path, body))[0].drop(columns="_row")
    employees = pd.DataFrame({"month": ["2021-01", "2021-02", "2021-03"], "person_id": "7", "division": "D",
                              "unit": "U", "employment": "tillsvidare", "gender": "K", "birth_year": 1970.0,
                              "employment_rate": 1.0, "scheduled_hours": 160.0, "worked_hours": 100.0})
    df = metrics.sick_leave(employees, absence, "2021-03", by=[], suppress_small=False)
    assert df.loc[0, "sick_hours"] == pytest.approx(372)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(100 * 372 / 480)
    assert df.loc[0, "long_term_sick_share_pct"] == pytest.approx(100)


def test_payroll_sick_hours_stay_the_numerator_beside_a_paxml_file(tmp_path):
    # P1: payroll 16 h, a PAXml spell since November (long-term); P2: payroll 8 h, a PAXml day of
    # 4 h (the payroll's 8 h count); P3: no sick hours. Rate (16 + 8) / 480 = 5 %; long-term
    # share 16 / 24, as for an absence CSV (tests/test_real_exports.py)
    folder = tmp_path / "region"
    folder.mkdir()
    (folder / "finance.csv").write_text(FINANCE_2021, encoding="utf-8")
    (folder / "employees.csv").write_text(
        "Månad;Person-id;Division;Verksamhet;Anställningsform;Kön;Födelseår;Sysselsättningsgrad;"
        "Schemalagd tid;Arbetad tid;Sjuktimmar\n"
        "2021-01;P1;Service;Kost;Tillsvidare;K;1980;100;160;144;16\n"
        "2021-01;P2;Service;Kost;Tillsvidare;M;1970;100;160;152;8\n"
        "2021-01;P3;Service;Kost;Tillsvidare;M;1960;100;160;160;\n", encoding="utf-8")
    write(folder, "<tidtransaktioner>\n"
          + tidtrans('anstid="P1"', "SJK", datumfrom="2020-11-01", datumtom="2021-01-31", omfattning="100")
          + tidtrans('anstid="P2"', "SJK", datum="2021-01-11", timmar="4") + "</tidtransaktioner>\n")
    data = load_region(folder, cache=False)
    df = metrics.sick_leave(data.employees, data.absence, "2021-01", by=[], suppress_small=False)
    assert df.loc[0, "sick_leave_pct"] == pytest.approx(5.0)
    assert df.loc[0, "long_term_sick_share_pct"] == pytest.approx(100 * 16 / 24)

