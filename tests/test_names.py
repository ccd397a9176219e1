"""Names from the data as a reader sees them: one name per division whatever its Unicode
form, names a reader cannot tell apart refused, no control characters, a report's file
name never taken by another report (in one run or across runs), ``--division`` as the
reports write it."""
import unicodedata

import pytest

from regionanalytics.data import load_region, validate
from regionanalytics.exceptions import ParameterError
from regionanalytics.runner.batch import _earlier, listing_order
from regionanalytics.runner.execute import ReportResult
from regionanalytics.runner.planning import plan_reports, report_slugs, resolve_divisions

from .conftest import write_two_divisions

NFC = "Folktandvård"
NFD = unicodedata.normalize("NFD", NFC)


def renamed(folder, table, old, new, *, only=None):
    """Rename a division in ``table``'s rows (``only``: the rows whose line contains it)."""
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line.replace(f";{old};", f";{new};") if (only is None or only in line) and i else line
             for i, line in enumerate(lines)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_name_in_nfc_and_nfd_is_one_division(tmp_path):
    """macOS writes Å as A + ring (NFD), Windows as one letter (NFC): the reader sees one
    name, so the region has one division, not two that look alike."""
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "finance", "Service", NFC)
    renamed(data, "finance", NFC, NFD, only="2021-")  # the same table in both forms
    renamed(data, "employees", "Service", NFD)
    assert NFC != NFD
    region = load_region(data)
    assert sorted(region.divisions) == sorted([NFC, "Revision"])
    assert set(region.employees["division"]) == {NFC, "Revision"}
    # 24 months of one unit with -100 each, whatever form each row wrote the name in
    assert region.finance.loc[region.finance["division"] == NFC, "budget"].sum() == -2400


def test_divisions_differing_only_in_case_are_refused_with_their_rows(tmp_path):
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "finance", "Service", "SERVICE", only="2021-")
    report = validate(data)
    found = [p for p in report.problems if p.column == "division"]
    assert len(found) == 1, report.problems
    text = str(found[0])
    # finance.csv row 2 is 2020-01 Service; 2021-01's first row is row 2 + 24 (two units a month)
    assert "finance.csv, row 26, column 'division': found 'SERVICE'" in text
    assert "'Service' (row 2) and 'SERVICE' (row 26) differ only in case" in text


def test_units_differing_only_in_spaces_and_case_within_a_division_are_refused(tmp_path):
    data = write_two_divisions(tmp_path / "data", [("Kost", 12), ("KOST  ", 12)])
    report = validate(data)
    assert any("one way of writing each unit of division 'Service'" in str(p) for p in report.problems)


#: Spellings of "Service" a reader cannot tell from it, and the character each hides.
LOOKALIKES = {
    "Servi\u0441e": "U+0441 CYRILLIC SMALL LETTER ES",        # Cyrillic с
    "S\u0435rvice": "U+0435 CYRILLIC SMALL LETTER IE",        # Cyrillic е
    "\u0405ervice": "U+0405 CYRILLIC CAPITAL LETTER DZE",     # Cyrillic Ѕ
    "Ser\u200bvice": "U+200B ZERO WIDTH SPACE",
    "Service\u200d": "U+200D ZERO WIDTH JOINER",
    "\ufeffService": "U+FEFF ZERO WIDTH NO-BREAK SPACE",      # a byte order mark inside the file
    "\uff33ervice": "U+FF33 FULLWIDTH LATIN CAPITAL LETTER S",
}


@pytest.mark.parametrize("lookalike", list(LOOKALIKES))
def test_divisions_a_reader_sees_as_one_are_refused_naming_both_spellings(tmp_path, lookalike):
    """A division written with a Cyrillic letter, an invisible character or a fullwidth
    letter in the 2021 rows is one division to a reader but two to a program: refused with
    the file, the row and the column, both spellings and the character that tells them apart."""
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "finance", "Service", lookalike, only="2021-")
    report = validate(data)
    found = [p for p in report.problems if p.column == "division"]
    assert len(found) == 1, report.problems
    text = str(found[0])
    assert text.startswith("finance.csv, row 26, column 'division'"), text
    assert f"'Service' (row 2) and {lookalike!r} (row 26, with {LOOKALIKES[lookalike]})" in text, text
    assert "letters of another script that look like Latin ones" in text
    with pytest.raises(Exception) as raised:
        load_region(data)
    assert "row 26" in str(raised.value)


def test_a_lookalike_division_in_another_table_names_the_spelling_finance_has(tmp_path):
    """employees.csv writes Service with a Cyrillic е: not a division finance knows, and
    the message says which character a reader cannot see and what finance writes."""
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "employees", "Service", "S\u0435rvice")
    problems = [str(p) for p in validate(data).problems if p.column == "division"]
    assert len(problems) == 1, problems
    assert problems[0].startswith("employees.csv, row 2, column 'division': found 'Sеrvice'"), problems[0]
    assert ("it is 'Sеrvice' (row 2, with U+0435 CYRILLIC SMALL LETTER IE), which a reader cannot tell "
            "from 'Service' in finance.csv") in problems[0]


def test_a_greek_capital_in_a_unit_is_refused_and_a_non_breaking_space_is_one_name(tmp_path):
    """Units of Service: ``ΑT Kost`` (Greek Alpha) against ``AT Kost`` is refused naming the
    Alpha; ``Akut\xa0vård`` is read as ``Akut vård`` (the loader reads every run of white
    space as one space, as a reader sees it): one unit, so its finance rows collide, refused."""
    data = write_two_divisions(tmp_path / "data", [("AT Kost", 12), ("\u0391T Kost", 12), ("Akut vård", 11),
                                                    ("Akut\xa0vård", 11)])
    problems = [str(p) for p in validate(data).problems if p.column == "unit"]
    assert len(problems) == 2, problems   # finance.csv and employees.csv (rows 2–13 AT Kost's 12 persons)
    assert problems[0].startswith("finance.csv, row 3, column 'unit': found 'ΑT Kost'"), problems
    assert "'AT Kost' (row 2) and 'ΑT Kost' (row 3, with U+0391 GREEK CAPITAL LETTER ALPHA)" in problems[0]
    assert problems[1].startswith("employees.csv, row 14, column 'unit'"), problems
    # the non-breaking space is a space, so the two units' finance rows are one key twice: refused
    data = write_two_divisions(tmp_path / "data2", [("Akut vård", 11), ("Akut\xa0vård", 11)])
    problems = [str(p) for p in validate(data).problems]
    assert problems[0] == ("finance.csv, row 3, column 'month+division+unit+account': found '2020-01, Service, "
                           "Akut vård, Konto', expected one row per (month, division, unit, account); row 2 has "
                           "the same key"), problems[0]
    assert not any("Akut\xa0vård" in p for p in problems)   # one spelling, as a reader sees it


@pytest.mark.parametrize("a, b", [("Vård", "Vard"), ("Öron", "Oron"), ("Ärende", "Arende"), ("Avd 1", "Avd l"),
                                  ("Röntgen", "Rontgen")])
def test_swedish_letters_and_digits_stay_distinct_names(tmp_path, a, b):
    """Latin letters are never read as others: å, ä, ö are not a or o, nor 1 an l."""
    from regionanalytics.schema import name_key

    assert name_key(a) != name_key(b)
    data = write_two_divisions(tmp_path / "data", [(a, 12), (b, 12)])
    assert validate(data).ok, validate(data).problems


def test_a_cyrillic_o_with_a_diaeresis_is_the_latin_o_umlaut():
    """Cyrillic о + combining diaeresis (and its composed ӧ) looks like Swedish ö."""
    from regionanalytics.schema import name_key

    assert name_key("R\u043e\u0308ntgen") == name_key("R\u04e7ntgen") == name_key("Röntgen")
    assert name_key("\u0420\u043entgen") == name_key("Pontgen")   # Cyrillic Р is a Latin P to a reader


def test_division_option_finds_a_division_written_with_a_lookalike(tmp_path):
    """``--division Service`` finds the one division whose name a reader reads as Service."""
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    for table in ("finance", "employees"):
        renamed(data, table, "Service", "S\u0435rvice")
    region = load_region(data)
    assert resolve_divisions(["Service"], region.divisions) == ["S\u0435rvice"]


@pytest.mark.parametrize("name", ["Region", "REGION", " region "])
def test_a_division_named_as_the_region_row_is_refused(tmp_path, name):
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "finance", "Revision", name)
    renamed(data, "employees", "Revision", name)
    report = validate(data)
    assert any(p.column == "division" and "a division name other than 'Region'" in str(p) and p.row == 3
               for p in report.problems), report.problems


def test_the_central_level_may_be_called_region(tmp_path):
    """The central level (it books tax revenue) is never a division, so "Region" is free."""
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    with (data / "finance.csv").open("a", encoding="utf-8") as fh:
        for y in (2020, 2021):
            for m in range(1, 13):
                fh.write(f"{y}-{m:02d};Region;Finansförvaltningen;Skatteintäkter;{200 if y == 2020 or m <= 4 else ''};200\n")
    report = validate(data)
    assert report.ok, report.problems


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\u202e", "\x85"])
def test_control_characters_in_a_name_are_refused_with_the_row(tmp_path, char):
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    renamed(data, "finance", "Revision", f"Revi{char}sion")
    report = validate(data)
    problem = next(p for p in report.problems if "control characters" in str(p))
    assert (problem.file, problem.row, problem.column) == ("finance.csv", 3, "division")
    assert repr(char)[1:-1] in str(problem) and char not in str(problem)  # shown escaped


def test_a_line_break_is_allowed_in_a_goal_but_not_in_a_name(tmp_path):
    data = write_two_divisions(tmp_path / "data", [("Kost", 12)])
    (data / "goals.csv").write_text(
        'period;division;perspective;goal;indicator;target;outcome;higher_is_better\n'
        '2021-T1;Service;ekonomi;"Ekonomi i balans,\nvarje månad";Resultat;0;1;ja\n', encoding="utf-8")
    assert validate(data).ok, validate(data).problems


# ------------------------------------------------------------------ file names

def test_names_that_make_one_slug_get_distinct_file_names_whichever_run_makes_them(tmp_path):
    known = ["Lab/Röntgen", "Lab Röntgen", "Service"]
    division_of = lambda specs: {s.parameters["division"]: s.slug for s in specs if "division" in s.parameters}
    every = division_of(plan_reports("2021-T1", tmp_path, None, known))
    assert len(every) == 3 and len(set(every.values())) == 3
    # a run of one division names its report as the run of all did: no overwrite
    for division in known:
        assert division_of(plan_reports("2021-T1", tmp_path, [division], known)) == {division: every[division]}


def test_a_slug_an_earlier_run_gave_stays_with_its_report(tmp_path):
    """Data 1 has 'Lab/Röntgen' (division-lab-rontgen); data 2 adds 'Lab Röntgen': the
    earlier report keeps its file name and the new one gets its own."""
    first = report_slugs(["Lab/Röntgen"])
    assert first[("Lab/Röntgen", None)] == "division-lab-rontgen"
    owners = {"division-lab-rontgen": ("Lab/Röntgen", None)}
    second = report_slugs(["Lab Röntgen", "Lab/Röntgen"], owners=owners)
    assert second[("Lab/Röntgen", None)] == "division-lab-rontgen"
    assert second[("Lab Röntgen", None)].startswith("division-lab-rontgen-")
    # and when the earlier one has gone from the data, a look-alike does not take its file
    third = report_slugs(["Lab Röntgen"], owners=owners)
    assert third[("Lab Röntgen", None)] != "division-lab-rontgen"


def test_unit_slugs_are_unique_across_divisions():
    slugs = report_slugs(["A-B", "A/B"], {"A-B": ["C"], "A/B": ["C"]})
    assert len(set(slugs.values())) == 4


# ------------------------------------------------------------------ --division

KNOWN = ["Länssjukvård", "Service", "Division Älvdal"]
UNITS = {"Länssjukvård": ["Akutmottagning", "Kirurgi"], "Service": ["Kost"], "Division Älvdal": ["Vård"]}


@pytest.mark.parametrize("given, meant", [("Division Service", "Service"), ("service", "Service"),
                                          ("DIVISION LÄNSSJUKVÅRD", "Länssjukvård"),
                                          (unicodedata.normalize("NFD", "länssjukvård"), "Länssjukvård"),
                                          ("division älvdal", "Division Älvdal"), ("Service", "Service")])
def test_division_as_the_reports_write_it_in_any_case(given, meant):
    assert resolve_divisions([given], KNOWN, UNITS) == [meant]


def test_unknown_division_suggests_the_nearest_name():
    with pytest.raises(ParameterError, match=r"'Servce' \(did you mean 'Service'\?\)"):
        resolve_divisions(["Servce"], KNOWN, UNITS)
    with pytest.raises(ParameterError, match=r"'Länssjukvard' \(did you mean 'Länssjukvård'\?\)"):
        resolve_divisions(["Länssjukvard"], KNOWN, UNITS)


def test_a_units_name_says_whose_unit_it_is():
    with pytest.raises(ParameterError, match=r"'akutmottagning' is a unit of division Länssjukvård, not a "
                                             r"division \(its report: --division 'Länssjukvård' --units\)"):
        resolve_divisions(["akutmottagning"], KNOWN, UNITS)
    with pytest.raises(ParameterError, match=r"did you mean division Länssjukvård \(unit 'Kirurgi'"):
        resolve_divisions(["Kirurgin"], KNOWN, UNITS)


def test_nothing_like_it_lists_the_divisions():
    with pytest.raises(ParameterError, match=r"Unknown division\(s\): 'Xyzzy'\. The data has: Länssjukvård, "):
        resolve_divisions(["Xyzzy"], KNOWN, UNITS)


# ------------------------------------------------------------------ a later run of the period

def test_a_run_without_units_keeps_the_unit_links_an_earlier_run_made(tmp_path):
    """`make report-units`, then `make pdf`: the division's report is planned with the
    same unit links (so it is not remade without them)."""
    out = tmp_path / "out"
    out.mkdir()
    with_units = plan_reports("2021-T1", tmp_path, None, ["Service"], units={"Service": ["Kost", "Städ"]})
    manifest = {"reports": {}}
    for spec in with_units:
        (out / f"{spec.slug}.html").write_text("<html></html>")
        manifest["reports"][spec.slug] = {"title": spec.title, "status": "ok", "html": f"{spec.slug}.html",
                                          "division": spec.parameters.get("division"), "unit": spec.unit}
    without = plan_reports("2021-T1", tmp_path, None, ["Service"], **_earlier(manifest, out))
    division = lambda specs: next(s for s in specs if s.slug == "division-service")
    assert division(without).parameters == division(with_units).parameters
    assert division(without).parameters["unit_pages"] == {"Kost": "unit-service--kost.html",
                                                          "Städ": "unit-service--stad.html"}


def test_the_index_lists_units_under_their_division_whichever_run_made_them():
    r = lambda slug, division=None, unit=None: ReportResult(slug, slug, "ok", division=division, unit=unit)
    listed = listing_order([r("region"), r("d-b", "B"), r("d-a", "A"), r("u-a-2", "A", "Z"), r("u-a-1", "A", "K"),
                            r("u-b", "B", "M"), r("d-gone", "Gone")], ["A", "B"])
    assert [x.slug for x in listed] == ["region", "d-a", "u-a-1", "u-a-2", "d-b", "u-b", "d-gone"]
