"""A unit's optional text: its placeholders write the unit's own figures, its typed
numbers are checked against them (the hidden sick-leave rule included) by
`regionanalytics check-texts` and on the index and in the manifest, and a file name that
could be two scopes' is refused. Every text is written here; the figures by hand from the
small region of :func:`tests.conftest.write_two_divisions`:

- every unit books −100 tkr a month against a budget of −100 tkr, so Jan–Apr 2021 a
  unit's result is −400 tkr (−0,4 mnkr) with no deviation, division Service's (two
  units) −800 tkr (−0,8 mnkr);
- Kök has 15 persons, Liten 8 (ten or fewer: its sick leave is never shown, nor Kök's,
  which with Service's would give it), Service 23 and Revision 15 (both shown); every person works 150 hours a month, so Kök's worked hours Jan–Apr are
  15 × 150 × 4 = 9 000.
"""
import json
import subprocess
import sys
import unicodedata

import pytest

from regionanalytics import load_region
from regionanalytics.exceptions import TextError
from regionanalytics.formatting import NBSP
from regionanalytics.parameters import units_of
from regionanalytics.periods import Period
from regionanalytics.report import texts as tx
from regionanalytics.report.text_check import check_texts
from regionanalytics.report.unit import unit_scope_figures
from regionanalytics.summary import key_metrics

from .conftest import ROOT, write_two_divisions

pytestmark = pytest.mark.xdist_group("unit-texts")  # its module fixtures are made once, on one worker

P = Period.parse("2021-T1")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    folder = write_two_divisions(tmp_path_factory.mktemp("units") / "data", [("Kök", 15), ("Liten", 8)],
                                 revision_staff=15)
    (folder / "absence.csv").write_text("person_id;start;end;extent\nS001;2021-02-01;2021-02-10;1\n"
                                        "S016;2021-03-01;2021-03-05;1\n", encoding="utf-8")
    data = load_region(folder, cache=False)
    return folder, data, tx.scope_figures(key_metrics(data, P))


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def check(region, folder):
    _, data, figures = region
    return check_texts(folder, figures, data.divisions, units_of(data), unit_scope_figures(data, P))


def test_a_units_typed_numbers_are_checked_against_its_own_figures(region, tmp_path):
    folder = tmp_path / "2021-T1"
    write(folder, "Kök.md", "Kök redovisar −0,4 mnkr, i nivå med budget.\n\n"
                            "Vi är 15 anställda.\n\n"
                            "Divisionens −0,8 mnkr och 23 anställda är inte våra.\n")
    # the same numbers in the division's text: there the division's figures count
    write(folder, "Service.md", "Divisionen redovisar −0,8 mnkr med 23 anställda.\n")
    statuses, findings = check(region, folder)
    assert [(f.file, f.line, f.typed, f.kind) for f in findings] == [
        ("2021-T1/Kök.md", 5, "−0,8 mnkr", "disagrees"), ("2021-T1/Kök.md", 5, "23 anställda", "disagrees")]
    assert {f.scope for f in findings} == {"Service\x1fKök"}
    # the nearest figures named are the unit's (−0,4 or −1,2 mnkr, 15 persons), not the division's
    assert findings[0].nearest_text.replace(NBSP, " ") in {"−0,4 mnkr", "−1,2 mnkr"}
    assert findings[1].nearest_text.replace(NBSP, " ") == "15 personer"
    assert "matches no figure of Kök (Service)" in str(findings[0])
    assert "stämmer inte med något nyckeltal för verksamheten Kök i division Service" in findings[0].swedish()
    assert {s.scope: s.status for s in statuses}["Service\x1fKök"] == "utkast"
    assert "Service\x1fLiten" not in {s.scope for s in statuses}  # a unit's text is optional


def test_a_number_typed_for_a_units_hidden_sick_leave_is_flagged_never_confirmed(region, tmp_path):
    folder = tmp_path / "2021-T1"
    write(folder, "unit-service--liten.md", "Sjukfrånvaron var 2,1 procent, en ökning med 0,5 procentenheter.\n"
                                            "Vi har 8 anställda.\n")
    _, findings = check(region, folder)
    assert [(f.typed, f.kind) for f in findings] == [("2,1 procent", "hidden"), ("0,5 procentenheter", "hidden")]
    assert all(f.nearest is None for f in findings)  # nothing is compared, nothing named
    assert "gäller sjukfrånvaron för verksamheten Liten i division Service, som inte visas" in findings[0].swedish()


def test_a_units_placeholders_write_its_own_figures_in_its_report(region, tmp_path):
    from regionanalytics.report import UnitReport

    folder, _, _ = region
    texts = tmp_path / "texts"
    write(texts / "2021-T1", "Kök.md", "Resultat {{ result }}, {{ headcount }}, {{ worked_hours }} timmar; "
                                       "{{ personnel_cost }}.\n")
    write(texts / "2021-T1", "Liten.md", "Sjukfrånvaron {{ sick_leave_pct }}; {{ sick_leave_change_pp | abs }}.\n")
    kok = UnitReport.open("2021-T1", "Service", "Kök", folder, texts_dir=texts).comment().html.replace(NBSP, " ")
    assert "Resultat −0,4 mnkr, 15 personer, 9 000 timmar" in kok
    assert "uppgiften kan inte redovisas (nyckeltalet tas fram per division, inte per verksamhet)" in kok
    small = UnitReport.open("2021-T1", "Service", "Liten", folder, texts_dir=texts).comment().html
    assert small.count("uppgiften visas inte (den gäller en grupp med 10 eller färre anställda") == 2
    assert not any(c.isdigit() for c in small.replace("10 eller", ""))
    write(texts / "2021-T1", "Kök.md", "Rad ett.\n\n{{ reslut }}\n")
    _, findings = check(region, texts / "2021-T1")
    assert [(f.file, f.line, f.kind) for f in findings] == [("2021-T1/Kök.md", 3, "error")]
    assert "closest: result" in findings[0].message


def test_the_index_and_the_manifest_list_a_units_typed_numbers(region, tmp_path):
    from regionanalytics.runner.batch import _check_texts, _units
    from regionanalytics.runner.index import write_index

    folder, data, _ = region
    texts = tmp_path / "texts"
    write(texts / "2021-T1", "Kök.md", "Vi är 23 anställda.\n")
    summary = key_metrics(data, P)
    info, review = _check_texts(folder, texts, P, summary, data, _units(data))
    assert [(r["file"], r["typed"], r["scope"]) for r in info["review"]] == [("2021-T1/Kök.md", "23 anställda",
                                                                             "Service\x1fKök")]
    json.dumps(info, ensure_ascii=False)  # the manifest's part
    write_index(tmp_path, P, folder, [], summary, texts=review)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "2021-T1/Kök.md, rad 1: ”23 anställda” stämmer inte med något nyckeltal för verksamheten Kök" in index


def test_check_texts_command_checks_a_units_text(region, tmp_path):
    folder, _, _ = region
    write(tmp_path / "2021-T1", "Kök.md", "Vi är 23 anställda.\n")
    cmd = [sys.executable, "-m", "regionanalytics.cli", "check-texts", "--period", "2021-T1",
           "--data", str(folder), "--texts", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "2021-T1/Kök.md:1: '23 anställda' matches no figure of Kök (Service); nearest: headcount = 15" \
        in done.stderr
    assert "Kök (Service)" in done.stdout and "\x1f" not in done.stdout + done.stderr


# ------------------------------------------------------------------ file names as an attacker

KNOWN = {"Service": ["Kostservice", "Revision", "Administration", "Division Service"], "Revision": ["Administration"],
         "Lab/Röntgen": [], "Lab Röntgen": [], "Teknik": ["VO Lab", "VO-Lab"]}


@pytest.mark.parametrize("name, scope, both", [
    # a unit named as another division: which text would the division's report show?
    ("Revision.md", ("Revision", None), "division Revision and of the unit Revision of division Service"),
    ("Revision.md", ("Service", "Revision"), "division Revision and of the unit Revision of division Service"),
    # a unit named as its division's running text names it (its management's cost centre)
    ("Division Service.md", ("Service", None), "division Service and of the unit Division Service of division"),
    ("division service.MD", ("Service", "Division Service"), "division Service and of the unit Division Service"),
    # a unit name two divisions have
    ("Administration.md", ("Service", "Administration"), "unit Administration of division Revision and of the "
                                                         "unit Administration of division Service"),
    # two divisions, or two units, whose report names are the same slug
    ("division-lab-rontgen.md", ("Lab/Röntgen", None), "division Lab Röntgen and of the division Lab/Röntgen"),
    ("unit-teknik--vo-lab.md", ("Teknik", "VO-Lab"), "unit VO Lab of division Teknik and of the unit VO-Lab"),
])
def test_a_file_name_two_scopes_would_have_is_refused_naming_both(tmp_path, name, scope, both):
    write(tmp_path, name, "Text.\n")
    find = tx.division_file if scope[1] is None else tx.unit_file
    with pytest.raises(TextError, match="the name is that of the") as caught:
        find(tmp_path, *[s for s in scope if s is not None], KNOWN)
    assert both in str(caught.value)


def test_a_refused_name_says_which_names_are_each_scopes_alone(tmp_path):
    write(tmp_path, "Revision.md", "Text.\n")
    with pytest.raises(TextError) as caught:
        tx.division_file(tmp_path, "Revision", KNOWN)
    assert "division Revision: division-revision.md" in str(caught.value)
    assert "unit Revision of division Service: unit-service--revision.md" in str(caught.value)
    (tmp_path / "Revision.md").rename(tmp_path / "division-revision.md")
    write(tmp_path, "unit-service--revision.md", "Enhetens.\n")
    assert tx.division_file(tmp_path, "Revision", KNOWN).name == "division-revision.md"
    assert tx.unit_file(tmp_path, "Service", "Revision", KNOWN).name == "unit-service--revision.md"


def test_a_clash_is_listed_by_check_texts_once_and_blocks_neither_check(tmp_path):
    figures = {"Service": {"headcount": tx.Figure(23.0)}, "Revision": {"headcount": tx.Figure(6.0)}}
    folder = tmp_path / "2021-T1"
    write(folder, "Revision.md", "Vi är 6 anställda.\n")
    write(folder, "Service.md", "Vi är 24 anställda.\n")
    statuses, findings = check_texts(folder, figures, ["Service", "Revision"], {"Service": ["Revision"]},
                                     lambda d, u: {"headcount": tx.Figure(4.0)})
    clash = [f for f in findings if f.kind == "error"]
    assert len(clash) == 1 and clash[0].file == "2021-T1/Revision.md"
    assert [f.typed for f in findings if f.kind == "disagrees"] == ["24 anställda"]
    assert {s.scope: s.status for s in statuses}["Revision"] == "saknas"


def test_a_file_that_is_no_scopes_text_is_listed_with_the_closest_names(tmp_path):
    figures = {"Länsteknik": {"headcount": tx.Figure(131.0)}}
    folder = tmp_path / "2021-T1"
    write(folder, "Lansteknik.md", "Vi är 131 anställda.\n")
    write(folder, "region.md", "Regionen.\n")
    _, findings = check_texts(folder, figures, ["Länsteknik"], {"Länsteknik": ["IT-drift"]})
    assert [(f.file, f.kind) for f in findings] == [("2021-T1/Lansteknik.md", "error")]
    assert "no report shows it (closest: Länsteknik.md" in findings[0].message
    assert findings[0].swedish().startswith("2021-T1/Lansteknik.md: texten kan inte användas")


def test_names_and_texts_written_as_nfd_are_the_same_as_nfc(tmp_path):
    """A Mac (and a text copied out of a PDF) writes "ä" as "a" and a combining diaeresis:
    the file is found, its heading names the report's section and "anställda" is a unit."""
    nfd = lambda s: unicodedata.normalize("NFD", s)
    folder = tmp_path / "2021-T1"
    write(folder, nfd("Division Länsteknik.md"), nfd("Vi är 131 anställda, sex anställda färre.\n\n"
                                                     "## Sjukfrånvaro\n\nSjukfrånvaron är 5,3 procent.\n"))
    assert tx.division_file(folder, "Länsteknik", {"Länsteknik": []}) is not None
    text = tx.read_text(tx.division_file(folder, "Länsteknik"))
    assert text.name == "2021-T1/Division Länsteknik.md"
    assert text.section("Sjukfrånvaro") is not None and text.own_sections() == []
    figures = {"Länsteknik": {"headcount": tx.Figure(131.0), "headcount_change": tx.Figure(-5.0),
                              "sick_leave_pct": tx.Figure(5.3)}}
    _, findings = check_texts(folder, figures, ["Länsteknik"], {"Länsteknik": []})
    assert [(f.typed, f.kind) for f in findings] == [("sex anställda", "disagrees")]
    write(folder, "Division Länsteknik.md", "En till.\n")  # the same name in NFC beside it
    if len([p for p in folder.iterdir()]) == 2:  # a file system that keeps both
        with pytest.raises(TextError, match="are both the text of division Länsteknik"):
            tx.division_file(folder, "Länsteknik")


def test_a_divisions_text_typing_a_hidden_units_sick_leave_is_flagged(region, tmp_path):
    """Service's sick leave is shown (23 persons), Liten's is not (8): a percentage typed in
    Service's text in a sentence about Liten's sick leave is listed as hidden, never
    compared with Service's figures; in region.md too."""
    folder = tmp_path / "2021-T1"
    write(folder, "Service.md", "Divisionen har 23 anställda. Sjukfrånvaron på Liten var 2,1 procent.\n")
    write(folder, "region.md", "Regionen. Inom Service hade Liten en sjukfrånvaro på 2,1 procent.\n")
    _, findings = check(region, folder)
    _, data, figures = region
    assert figures["Service"]["sick_leave_pct"].known  # the division's own is shown
    hidden = sorted((f.file, f.typed, f.scope) for f in findings if f.kind == "hidden")
    assert hidden == [("2021-T1/Service.md", "2,1 procent", "Service\x1fLiten"),
                      ("2021-T1/region.md", "2,1 procent", "Service\x1fLiten")]
    assert all(f.nearest is None for f in findings if f.kind == "hidden")


def test_region_md_in_any_case_is_read_and_a_word_file_is_listed(tmp_path):
    from regionanalytics.report import DirectorReport

    from .conftest import SAMPLE

    texts = tmp_path / "texts"
    write(texts / "2021-T1", "Region.md", "Inledningen av direktören.\n")
    (texts / "2021-T1" / "Länsteknik.docx").write_bytes(b"PK\x03\x04 a Word file")
    report = DirectorReport.open("2021-T1", SAMPLE, texts_dir=texts, bilagor=[["Service", "division-service.html"]])
    assert "Inledningen av direktören." in report.document().html
    statuses, findings = check_texts(texts / "2021-T1", {"Länsteknik": {}}, ["Länsteknik"], {})
    assert {s.scope: s.file for s in statuses}["Region"] == "2021-T1/Region.md"
    assert [(f.file, f.kind) for f in findings] == [("2021-T1/Länsteknik.docx", "error")]
    assert "a text is a Markdown file" in findings[0].message and "(Länsteknik.md)" in findings[0].message
    write(texts / "2021-T1", "region.md", "En till.\n")
    if len(list((texts / "2021-T1").glob("*.md"))) == 2:
        _, findings = check_texts(texts / "2021-T1", {"Länsteknik": {}}, ["Länsteknik"], {})
        assert any("are both the text of the regional director's report" in f.message for f in findings)


def test_a_units_name_counts_in_a_sentence_only_as_a_whole_word():
    from regionanalytics.report.text_check import check_part

    hidden = {"sick_leave_pct": tx.Figure(None, "suppressed")}
    within = {"IT": ("Teknik\x1fIT", lambda: hidden)}
    figures = {"Teknik": {"sick_leave_pct": tx.Figure(4.2)}}
    part = tx.Part(None, ["Sjukfrånvaron i divisionen var 4,2 procent, mitt i spannet.",
                          "", "På IT var sjukfrånvaron 9,9 procent."], 1)
    found = check_part(part, "t.md", ["Teknik"], figures, within)
    assert [(f.line, f.typed, f.kind, f.scope) for f in found] == [(3, "9,9 procent", "hidden", "Teknik\x1fIT")]

