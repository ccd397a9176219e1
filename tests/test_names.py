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
