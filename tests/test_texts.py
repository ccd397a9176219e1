"""People's texts beside the figures: placeholders, headings, front matter, Markdown only,
and the typed figures checked. Every text is written here, in the test; the figures a
placeholder should write are worked out by hand."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from regionanalytics.exceptions import TextError
from regionanalytics.formatting import NBSP
from regionanalytics.report import texts as tx
from regionanalytics.report.text_check import check_texts, typed_numbers

from .conftest import ROOT, SAMPLE

REFERENCE = ROOT.parent.parent / "shared" / "reference" / "regiondirektorens-rapport-2021-06.txt"
if not REFERENCE.exists():
    REFERENCE = Path("/work/shared/reference/regiondirektorens-rapport-2021-06.txt")

#: Figures of two divisions and the region, by hand (tkr, percent, persons).
FIGURES = {
    "Länsteknik": {"result": tx.Figure(1000.0), "budget_deviation": tx.Figure(3000.0),
                   "headcount": tx.Figure(131.0), "headcount_start": tx.Figure(137.0),
                   "headcount_change": tx.Figure(-6.0), "headcount_change_pct": tx.Figure(-6 / 137 * 100),
                   "sick_leave_pct": tx.Figure(5.3022), "sick_leave_change_pp": tx.Figure(-0.9946)},
    "Revision": {"result": tx.Figure(-7000.0), "headcount": tx.Figure(6.0),
                 "sick_leave_pct": tx.Figure(None, "suppressed"),
                 "sick_leave_change_pp": tx.Figure(None, "suppressed"),
                 "personnel_cost": tx.Figure(None, "missing", "ekonomiunderlaget har inga konton för personal")},
    "Region": {"result": tx.Figure(-6000.0), "headcount": tx.Figure(137.0)},
}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def shown(part, scope="Länsteknik", others=False, file="t.md"):
    out = tx.render(part, tx.Scope(scope, FIGURES, others=others), file)
    return out.replace(NBSP, " ")


def test_placeholders_write_the_figure_as_the_tables_do(tmp_path):
    text = tx.read_text(write(tmp_path, "Länsteknik.md",
                              "Resultat {{ result }}, mot budget {{budget_deviation}}.\n"
                              "{{ headcount }} anställda, {{ headcount_change | abs }} färre "
                              "({{ headcount_change_pct|abs }}); sjukfrånvaro {{ sick_leave_pct }}, "
                              "{{ sick_leave_change_pp }}.\n"))
    assert shown(text.summary) == (
        "<p>Resultat +1,0 mnkr, mot budget +3,0 mnkr.\n"
        "131 personer anställda, 6 personer färre (4,4 procent); sjukfrånvaro 5,3 procent, "
        "−1,0 procentenheter.</p>\n")


def test_magnitude_of_a_negative_result(tmp_path):
    text = tx.read_text(write(tmp_path, "Revision.md", "Ett underskott på {{ result | abs }} ({{ result }}).\n"))
    assert shown(text.summary, "Revision") == "<p>Ett underskott på 7,0 mnkr (−7,0 mnkr).</p>\n"


def test_region_md_names_another_scopes_figure_a_division_may_not(tmp_path):
    region = tx.read_text(write(tmp_path, "region.md", "Regionen {{ result }}, Länsteknik "
                                                       "{{ Länsteknik: result }} och {{ division Länsteknik: headcount }}.\n"))
    assert shown(region.summary, "Region", others=True) == (
        "<p>Regionen −6,0 mnkr, Länsteknik +1,0 mnkr och 131 personer.</p>\n")
    with pytest.raises(TextError, match=r"unknown division 'Länstekniq'.*closest: Länsteknik"):
        shown(tx.read_text(write(tmp_path, "r2.md", "{{ Länstekniq: result }}\n")).summary, "Region", others=True)
    own = tx.read_text(write(tmp_path, "Revision.md", "Jämför {{ Länsteknik: result }}.\n"))
    with pytest.raises(TextError, match=r"only region\.md may"):
        shown(own.summary, "Revision")


def test_unknown_name_is_an_error_with_file_line_and_closest_names(tmp_path):
    text = tx.read_text(write(tmp_path, "Länsteknik.md", "---\nstatus: klar\n---\nFörsta raden.\n\n"
                                                         "Resultatet är {{ resultat }}.\n"))
    with pytest.raises(TextError) as caught:
        tx.render(text.summary, tx.Scope("Länsteknik", FIGURES), "2021-T1/Länsteknik.md")
    error = caught.value
    assert (error.file, error.line) == ("2021-T1/Länsteknik.md", 6)
    assert "unknown figure 'resultat'" in str(error) and "closest: result" in str(error)
    assert str(error).startswith("2021-T1/Länsteknik.md, line 6: ")


@pytest.mark.parametrize("line, message", [
    ("{{ result | round }}", "unknown filter 'round'"),
    ("{{ result.__class__ }}", "cannot read the placeholder"),
    ("{{ __import__('os').system('id') }}", "cannot read the placeholder"),
    ("{{ result }", "not closed on its line"),
    ("Resultat {{ result", "not closed on its line"),
])
def test_malformed_placeholders_are_errors_never_text_or_code(tmp_path, line, message):
    with pytest.raises(TextError, match=re.escape(message)):
        text = tx.read_text(write(tmp_path, "Länsteknik.md", f"Rad ett.\n{line}\n"))
        shown(text.summary)


def test_a_hidden_or_missing_figure_is_written_as_the_report_says_never_a_number(tmp_path):
    text = tx.read_text(write(tmp_path, "Revision.md", "Sjukfrånvaron {{ sick_leave_pct }}, "
                                                       "{{ sick_leave_change_pp | abs }}; personal {{ personnel_cost }}; "
                                                       "prognos {{ forecast }}.\n"))
    out = shown(text.summary, "Revision")
    assert out.count("uppgiften visas inte (den gäller en grupp med 10 eller färre anställda") == 2
    assert "uppgiften kan inte redovisas (ekonomiunderlaget har inga konton för personal)" in out
    assert "prognos <span class=\"ra-missing\">uppgiften saknas</span>" in out
    assert not re.search(r"\d", out.replace("10 eller", ""))


def test_summary_and_sections_by_heading(tmp_path):
    text = tx.read_text(write(tmp_path, "Länsteknik.md",
                              "---\nauthor: Kim Berg\nstatus: klar\n---\n"
                              "Sammanfattningen.\n\n"
                              "## Ekonomi\n\nOm ekonomin.\n\n### Detalj\n\nUnder ekonomin.\n\n"
                              "```\n## inte en rubrik\n```\n\n"
                              "# Sjukfrånvaro\n\nOm sjukfrånvaron.\n\n"
                              "Våra lokaler\n============\n\nEget avsnitt.\n"))
    assert (text.author, text.status) == ("Kim Berg", "klar")
    assert "\n".join(text.summary.lines).strip() == "Sammanfattningen."
    assert [s.heading for s in text.sections] == ["Ekonomi", "Sjukfrånvaro", "Våra lokaler"]
    economy = shown(text.section("ekonomi"))
    assert "Om ekonomin." in economy and "<h3>Detalj</h3>" in economy and "## inte en rubrik" in economy
    assert [s.heading for s in text.own_sections()] == ["Våra lokaler"]
    assert text.sections[2].first_line == 25 and text.sections[2].lines[1] == "Eget avsnitt."


def test_raw_html_is_shown_as_text_and_nothing_is_loaded_or_run(tmp_path):
    text = tx.read_text(write(tmp_path, "Länsteknik.md",
                              "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
                              "Text <b onclick=x()>fet</b> ![bild](https://example.com/a.png) "
                              "[länk](javascript:alert(3)) [bra](https://www.region.se/).\n"))
    out = shown(text.summary)
    assert "<script" not in out and "<img" not in out and "<b " not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;img src=x onerror=alert(2)&gt;" in out
    assert 'href="javascript' not in out and 'href="https://www.region.se/"' in out
    assert "example.com/a.png" not in out.split('href="')[0]  # no image element, only text or a link


@pytest.mark.parametrize("front, message", [
    ("---\nstatsu: klar\n---\n", r"line 2: .*'statsu: klar'.*closest: status"),
    ("---\nstatus: färdig\n---\n", r"line 2: found status 'färdig'; expected one of utkast, klar"),
    ("---\nstatus: klar\n", r"line 3: found 'Text\.' .* closed by a '---' line"),
])
def test_front_matter_typos_are_errors(tmp_path, front, message):
    with pytest.raises(TextError, match=message):
        tx.read_text(write(tmp_path, "Länsteknik.md", front + "Text.\n"))
    with pytest.raises(TextError, match="line 1: the front matter .* is not closed"):
        tx.read_text(write(tmp_path, "Service.md", "---\nstatus: klar\n"))


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "Länsteknik.md"
    path.write_bytes("Rad ett.\nSjukfrånvaron är låg.\n".encode("cp1252"))
    with pytest.raises(TextError, match=r"line 2: the file is not UTF-8"):
        tx.read_text(path)


def test_files_named_by_the_division_or_its_report_and_two_are_refused(tmp_path):
    write(tmp_path, "division-narsjukvard-lulea-boden.md", "A.\n")
    assert tx.division_file(tmp_path, "Närsjukvård Luleå-Boden").name == "division-narsjukvard-lulea-boden.md"
    write(tmp_path, "Division Älvdal.md", "B.\n")
    assert tx.division_file(tmp_path, "Älvdal").name == "Division Älvdal.md"
    assert tx.division_file(tmp_path, "Division Älvdal").name == "Division Älvdal.md"
    write(tmp_path, "Service.md", "C.\n")
    write(tmp_path, "division-service.md", "D.\n")
    with pytest.raises(TextError, match="both the text of division Service"):
        tx.division_file(tmp_path, "Service")
    assert tx.division_file(tmp_path / "nowhere", "Service") is None


def test_typed_numbers_with_their_units():
    part = tx.Part(None, ["Resultatet är −7,5 mnkr och 1 234 tkr, {{ result }} mnkr; 5,3 %",
                          "sex anställda, 12 personer, 3", "procentenheter och 2021 års mål."], 4)
    found = [(t.line, t.typed, str(t.magnitude), t.sign) for t in typed_numbers(part)]
    assert found == [(4, "−7,5 mnkr", "7.5", -1), (4, "1 234 tkr", "1234", 0), (4, "5,3 %", "5.3", 0),
                     (5, "sex anställda", "6", 0), (5, "12 personer", "12", 0), (5, "3 procentenheter", "3", 0)]


def _check(tmp_path, name, text, figures=FIGURES):
    folder = tmp_path / "2021-T1"
    write(folder, name, text)
    return check_texts(folder, figures, [d for d in figures if d != "Region"])


def test_a_wrong_typed_figure_is_found_with_the_nearest_figure(tmp_path):
    statuses, findings = _check(tmp_path, "Länsteknik.md",
                                "Resultatet är 1 mnkr, 3 mnkr bättre än budget.\n\n"
                                "Divisionen har 131 anställda, en minskning med sex anställda\n"
                                "(8 procent). Sjukfrånvaron är 5,3 procent, en minskning med 1 procentenhet.\n"
                                "Överskottet är +2 mnkr.\n")
    assert [(f.line, f.typed, f.kind) for f in findings] == [(4, "8 procent", "disagrees"), (5, "+2 mnkr", "disagrees")]
    assert findings[0].nearest == "headcount_change_pct"  # the sentence's subject: the headcount
    assert findings[0].nearest_text.replace(NBSP, " ") == "−4,4 procent"
    assert "rad 4" in findings[0].swedish() and "”8 procent” stämmer inte" in findings[0].swedish()
    assert {s.scope: s.status for s in statuses}["Länsteknik"] == "utkast"
    assert {s.scope: s.status for s in statuses}["Revision"] == "saknas"


def test_a_typed_sign_must_agree_too(tmp_path):
    _, findings = _check(tmp_path, "Revision.md", "Resultatet är −7 mnkr, inte +7 mnkr; 7 mnkr i underskott.\n")
    assert [f.typed for f in findings] == ["+7 mnkr"]


def test_a_number_typed_for_a_hidden_sick_leave_figure_is_flagged_never_confirmed(tmp_path):
    # 5,3 procent is Länsteknik's sick leave, not Revision's: it must not pass as "a figure
    # of the data" in Revision's text, and the hidden figure itself is never compared
    _, findings = _check(tmp_path, "Revision.md", "Sjukfrånvaron är 5,3 procent, en ökning med 0,4 procentenheter.\n")
    assert [(f.typed, f.kind) for f in findings] == [("5,3 procent", "hidden"), ("0,4 procentenheter", "hidden")]
    assert "inte visas" in findings[0].swedish() and findings[0].nearest is None


def test_an_unknown_name_is_listed_by_check_texts_too(tmp_path):
    statuses, findings = _check(tmp_path, "Länsteknik.md", "Text.\n\n## Ekonomi\n\n{{ budget_devation }}\n")
    assert [(f.file, f.line, f.kind) for f in findings] == [("2021-T1/Länsteknik.md", 5, "error")]
    assert "closest: budget_deviation" in findings[0].message


def _reference_paragraphs(division: str) -> str:
    """A division's paragraphs of the reference report as its people typed them (the PDF's
    line-end hyphens and page breaks undone), ending before "För mer information"."""
    source = REFERENCE.read_text(encoding="utf-8")
    start = source.index(f"\nDivision {division} \n") + len(f"\nDivision {division} \n")
    text = source[start:source.index("För mer information se", start)]
    text = re.sub(r"-[ ]*\n\s*", "", text)
    return re.sub(r"[ ]*\n\s*\n\s*", "\n", text)


def test_check_texts_on_the_reference_reports_own_paragraphs(tmp_path):
    """The reference report's division paragraphs as the sample's texts: the one wrong
    figure, "(8 procent)" (Länsteknik went from 137 to 131: 6 of 137 is 4,4 percent), is
    found; every figure the data gives is accepted; the numbers that are no key figure
    (shares of analyses, of invoices, of April's production) are listed to look at."""
    from regionanalytics import load_region
    from regionanalytics.summary import key_metrics

    data = load_region(SAMPLE)
    folder = tmp_path / "2021-T1"
    for division in data.divisions:
        write(folder, f"{division}.md", _reference_paragraphs(division))
    statuses, findings = check_texts(folder, tx.scope_figures(key_metrics(data, "2021-T1")), data.divisions)
    flagged = {(f.file.split("/")[1], f.typed) for f in findings}
    assert ("Länsteknik.md", "8 procent") in flagged
    assert {t for f, t in flagged if f == "Länsteknik.md"} == {"8 procent"}
    accepted = {"Länsteknik.md": ["1 mnkr", "3 mnkr", "8 mnkr", "131 anställda", "sex anställda", "5,3 procent",
                                  "1 procentenhet"],
                "Service.md": ["0,7 mnkr", "12,6 mnkr", "-1 mnkr", "146 procent", "25 personer"],
                "Folktandvård.md": ["-11 mnkr", "6 mnkr", "-22 mnkr", "8 mnkr"],
                "Närsjukvård Luleå-Boden.md": ["96 mnkr", "7 mnkr", "49 mnkr"],
                "Länssjukvård.md": ["15 mnkr", "-7,5 mnkr"]}
    for name, typed in accepted.items():
        found = [t.typed for t in typed_numbers(tx.read_text(folder / name).summary)]
        assert set(typed) <= set(found), (name, found)  # each is read as a typed figure ...
        assert not {(name, t) for t in typed} & flagged  # ... and agrees with the data
    assert flagged - {("Länsteknik.md", "8 procent")} == {
        ("Länssjukvård.md", "30 procent"), ("Länssjukvård.md", "90 procent"), ("Service.md", "20 procent")}
    assert next(f for f in findings if f.typed == "8 procent").nearest == "headcount_change_pct"
    assert all(s.status == "utkast" for s in statuses if s.scope != "Region")


def test_division_report_shows_its_text_or_says_it_is_missing(tmp_path):
    from regionanalytics.report import DivisionReport

    texts = tmp_path / "texts"
    write(texts / "2021-T1", "Länsteknik.md", "Vi redovisar {{ result }}.\n\n## Ekonomi\n\nBra.\n\n"
                                              "## Lokaler\n\nNya <i>lokaler</i>.\n")
    report = DivisionReport.open("2021-T1", "Länsteknik", SAMPLE, texts_dir=texts)
    assert "Vi redovisar +1,0" in report.comment().html
    assert "<p>Bra.</p>" in report.text("Ekonomi").html and report.text("Produktion").html == ""
    assert "<h2>Lokaler</h2>" in report.own_texts().html and "&lt;i&gt;lokaler&lt;/i&gt;" in report.own_texts().html
    other = DivisionReport.open("2021-T1", "Service", SAMPLE, texts_dir=texts)
    assert other.comment()._repr_html_() == '<p class="ra-missing">Divisionens kommentar saknas.</p>'


def test_director_report_expands_the_divisions_heading(tmp_path):
    from regionanalytics.report import DirectorReport

    texts = tmp_path / "texts"
    write(texts / "2021-T1", "region.md", "Inledningen.\n\n## Divisionernas delårsrapporter april 2021\n\n"
                                          "Om divisionerna.\n\n## Aktuella händelser\n\nHändelser.\n")
    write(texts / "2021-T1", "Service.md", "Service har {{ budget_deviation }} mot budget.\n")
    report = DirectorReport.open("2021-T1", SAMPLE, texts_dir=texts,
                                 bilagor=[["Service", "division-service.html"], ["Länsteknik", "division-lansteknik.html"]])
    page = report.document().html.replace(NBSP, " ")
    order = [page.index(s) for s in ("Inledningen.", "<h2>Divisionernas delårsrapporter april 2021</h2>",
                                     "Om divisionerna.", "Divisionerna redovisar tillsammans",
                                     "<h3>Division Service</h3>", "Service har +12,6 mnkr mot budget.",
                                     'se <a href="division-service.html">bilaga 1: Delårsrapport Division Service</a>',
                                     "<h3>Division Länsteknik</h3>", "Divisionens kommentar saknas",
                                     "bilaga 2: Delårsrapport Division Länsteknik", "<h2>Aktuella händelser</h2>")]
    assert order == sorted(order)


def test_check_texts_command_exits_1_when_a_figure_disagrees(tmp_path):
    write(tmp_path / "2021-T1", "Länsteknik.md", "Divisionen har 131 anställda (8 procent).\n")
    cmd = [sys.executable, "-m", "regionanalytics.cli", "check-texts", "--period", "2021-T1",
           "--data", str(SAMPLE), "--texts", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "2021-T1/Länsteknik.md:1: '8 procent' matches no figure of Länsteknik" in done.stderr
    write(tmp_path / "2021-T1", "Länsteknik.md", "Divisionen har 131 anställda.\n")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_headings_in_a_text_never_skip_a_level(tmp_path):
    text = tx.read_text(write(tmp_path, "Länsteknik.md", "Text.\n\n#### Djupt\n\nA.\n\n### Mindre\n\nB.\n"))
    assert re.findall(r"<h(\d)>", shown(text.summary)) == ["3", "3"]
    section = tx.read_text(write(tmp_path, "Service.md", "## Egen\n\n##### Under\n\n###### Längre ner\n"))
    assert re.findall(r"<(/?h\d)>", shown(section.sections[0])) == ["h3", "/h3", "h4", "/h4"]


# ------------------------------------------------------------------ typed numbers as an attacker

def test_a_minus_written_as_an_en_dash_is_a_sign_a_spaced_dash_is_not(tmp_path):
    # Word writes a minus as an en dash: "–7 mnkr" for Revision's −7,0 mnkr agrees, for
    # Länsteknik's +1,0 mnkr ("–1 mnkr") it does not; "bra – 1 mnkr bättre" is a dash
    _, findings = _check(tmp_path / "a", "Länsteknik.md", "Resultatet är –1 mnkr. Det gick bra – 1 mnkr bättre.\n")
    assert [(f.typed, f.kind) for f in findings] == [("–1 mnkr", "disagrees")]
    _, findings = _check(tmp_path / "b", "Revision.md", "Resultatet är –7 mnkr.\n")
    assert findings == []


def test_emphasis_around_a_number_does_not_hide_it(tmp_path):
    _, findings = _check(tmp_path, "Länsteknik.md", "Vi är **131** anställda, _sex_ anställda färre, "
                                                    "**8** procent.\n")
    assert [(f.typed, f.kind) for f in findings] == [("8 procent", "disagrees")]


def test_a_number_written_with_a_full_stop_is_listed_never_guessed(tmp_path):
    # "1.0 mnkr" is Länsteknik's result in English notation, "3.000 mnkr" a thousands
    # point or three decimals: neither is read as a figure, both are listed to write again
    statuses, findings = _check(tmp_path, "Länsteknik.md", "Resultatet är 1.0 mnkr,\n3.000 mnkr mot budget.\n")
    assert [(f.line, f.typed, f.kind) for f in findings] == [(1, "1.0 mnkr", "format"), (2, "3.000 mnkr", "format")]
    assert "skrivet med punkt" in findings[0].swedish() and "7,5 mnkr" in findings[0].swedish()


def test_mkr_and_miljoner_kronor_are_amounts_in_mnkr(tmp_path):
    _, findings = _check(tmp_path, "Länsteknik.md", "Resultatet är 1 mkr, 3 miljoner\nkronor bättre än budget, "
                                                    "inte 4 Mkr.\n")
    assert [f.typed for f in findings] == ["4 Mkr"]
    assert findings[0].nearest_text.replace(NBSP, " ") == "+3,0 mnkr"


def test_a_placeholder_in_code_or_a_links_words_writes_text_never_markup(tmp_path):
    text = tx.read_text(write(tmp_path, "Revision.md",
                              "`{{ sick_leave_pct }}` [{{ result | abs }}](x.html) [b](file:///etc/passwd) "
                              "![bild]({{ result }}.png)\n"))
    with pytest.raises(TextError, match=r"line 1: a placeholder is part of a link's address"):
        shown(text.summary, "Revision")
    text = tx.read_text(write(tmp_path, "Revision.md",
                              "`{{ sick_leave_pct }}` [{{ result | abs }}](x.html) [b](file:///etc/passwd) <b>\n"))
    out = shown(text.summary, "Revision")
    assert "<code><span class=\"ra-missing\">uppgiften visas inte" in out
    assert '<a href="x.html">7,0 mnkr</a>' in out
    assert 'href="file:' not in out and "<b>" not in out and "&lt;b&gt;" in out


@pytest.mark.parametrize("line", ["[a]({{ result }})", "<https://example.org/{{ result }}>",
                                  "Se [här](https://example.org/?r={{ Revision: result }})."])
def test_a_placeholder_in_a_links_address_is_an_error(tmp_path, line):
    text = tx.read_text(write(tmp_path, "region.md", f"Rad ett.\n\n{line}\n"))
    with pytest.raises(TextError, match=r"line 3: a placeholder is part of a link's address"):
        shown(text.summary, "Region", others=True)
