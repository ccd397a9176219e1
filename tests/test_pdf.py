"""The PDFs for the board and the website: printed by headless Chromium, tagged, A4, with
title, language and embedded fonts, page numbers and a table of contents (checked with
poppler's pdfinfo, pdffonts and pdftotext)."""
import os
import re
import shutil
import subprocess

import pytest

from regionanalytics.exceptions import ParameterError
from regionanalytics.runner import run_batch

from .conftest import ROOT, SAMPLE

POPPLER = shutil.which("pdfinfo") and shutil.which("pdffonts") and shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_tools = pytest.mark.skipif(not (POPPLER and CHROMIUM),
                                 reason="chromium and poppler-utils are not installed (.ci/run installs them)")


def pdfinfo(path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdftext(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    # no region name given: the data folder's region.txt names it (the page headers said
    # "Regionen" on every page when `make pdf` gave none)
    result = run_batch("2021-T1", SAMPLE, out, divisions=["Länsteknik", "Service"], jobs=2, progress=False,
                       pdf=True)
    return result, out / "2021-T1"


pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("pdf")]  # one PDF batch


@needs_tools
def test_a_pdf_beside_every_report_tagged_a4_with_title_language_and_fonts(pdf_run):
    result, out = pdf_run
    assert result.ok
    for r in result.reports:
        path = out / f"{r.slug}.pdf"
        info = pdfinfo(path)
        assert info["Tagged"] == "yes" and "A4" in info["Page size"], r.slug
        assert info["Title"] == r.title
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    from pypdf import PdfReader

    assert PdfReader(str(out / "division-service.pdf")).trailer["/Root"]["/Lang"] == "sv"
    text = pdftext(out / "division-lansteknik.pdf")
    assert "Delårsrapport per april 2021 – Division Länsteknik" in text and "5,3 procent" in text
    region = (SAMPLE / "region.txt").read_text(encoding="utf-8").strip()
    assert region == "Region Exempellän"
    assert "sida 1 av" in text and region in text and "per april 2021" in text


@needs_tools
def test_the_combined_pdf_has_a_title_page_contents_with_page_numbers_and_every_report(pdf_run):
    _, out = pdf_run
    path = out / "delarsrapport-2021-T1.pdf"
    info = pdfinfo(path)
    assert info["Tagged"] == "yes" and info["Title"] == "Delårsrapport per april 2021"
    pages = int(info["Pages"])
    text_by_page = [pdftext_page(path, n) for n in range(1, pages + 1)]
    assert "Region Exempellän" in text_by_page[0]
    contents = text_by_page[1]
    assert "Innehåll" in contents
    starts = {}
    for title in ("Regiondirektörens rapport", "Regionen", "Bilaga 1: Delårsrapport Division Länsteknik",
                  "Bilaga 2: Delårsrapport Division Service"):
        number = int(contents.split(title, 1)[1].split()[0])
        starts[title] = number
        assert f"sida {number} av {pages}" in text_by_page[number - 1]
    director = text_by_page[starts["Regiondirektörens rapport"] - 1]
    assert "Delårsrapport per april 2021 – Regiondirektörens rapport" in director
    assert "sammanställning av divisionerna" in text_by_page[starts["Regionen"] - 1]
    service = starts["Bilaga 2: Delårsrapport Division Service"]
    assert "Delårsrapport per april 2021 – Division Service" in text_by_page[service - 1]
    assert starts["Regiondirektörens rapport"] == 3  # first, after the title page and the contents
    assert starts["Regionen"] < starts["Bilaga 1: Delårsrapport Division Länsteknik"] < service
    # the director's report names the bilagor by the numbers they have in the combined PDF
    whole = " ".join(text_by_page[starts["Regiondirektörens rapport"] - 1:starts["Regionen"] - 1])
    assert "bilaga 1: Delårsrapport Division Länsteknik" in whole and "bilaga 2: Delårsrapport Division Service" in whole
    if not os.environ.get("CI"):  # a look at the first pages when run by hand
        shots = ROOT / "outputs" / "pdf-pages"
        shots.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "4", str(path), str(shots / "delarsrapport")],
                       check=True)


def pdftext_page(path, number: int) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@needs_tools
def test_up_to_date_pdfs_are_skipped_and_the_index_links_the_combined_pdf(pdf_run):
    result, out = pdf_run
    before = (out / "division-service.pdf").stat().st_mtime_ns
    again = run_batch("2021-T1", SAMPLE, out.parent, divisions=["Länsteknik", "Service"], jobs=2,
                      progress=False, pdf=True)
    assert {r.status for r in again.reports} == {"skipped"}
    assert (out / "division-service.pdf").stat().st_mtime_ns == before
    assert 'href="delarsrapport-2021-T1.pdf"' in (out / "index.html").read_text(encoding="utf-8")


def test_pdf_without_chromium_stops_before_any_kernel(tmp_path, monkeypatch):
    from regionanalytics.runner import pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(ParameterError, match="apt-get install chromium"):
        run_batch("2021-T1", SAMPLE, tmp_path, divisions=["Service"], pdf=True, progress=False)
    assert not any(tmp_path.iterdir())  # nothing started, nothing written


def _pages(path) -> list[list[str]]:
    """Each page's lines of text (pdftotext's layout), the page header and footer left out."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        pages.append([line for line in lines if not re.match(r"^sida \d+ av \d+$", line)][1:])
    return [p for p in pages if p]


@needs_tools
def test_no_heading_is_left_at_the_foot_of_a_page(pdf_run):
    _, out = pdf_run
    for name in ("division-service", "division-lansteknik", "region"):
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        headings = {re.sub(r"<[^>]+>|¶", "", h).strip()
                    for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)}
        pages = _pages(out / f"{name}.pdf")
        assert len(pages) > 2
        for number, lines in enumerate(pages[:-1], 1):
            assert lines[-1] not in headings, f"{name}.pdf page {number} ends with the heading {lines[-1]!r}"


@needs_tools
def test_table_headers_break_only_where_swedish_hyphenates(pdf_run):
    from regionanalytics import labels

    _, out = pdf_run
    words = {w for h in labels.TABLE_HEADERS.values() for w in re.findall(r"[^\W\d_]{8,}", h)}
    for name in ("division-service", "division-lansteknik", "region"):
        text = subprocess.run(["pdftotext", "-layout", str(out / f"{name}.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout.replace("\u00ad", "")
        tokens = set(re.findall(r"\S+", text))
        # the page's own words ("procent", "Per april"): a piece of a header word that is one
        # of them is that word, not a break
        html = (out / f"{name}.html").read_text(encoding="utf-8").replace("\u00ad", "")
        page_words = set(re.findall(r"[^\W\d_]+", re.sub(r"<[^>]+>", " ", html)))
        for word in words:
            # a piece of a header word standing alone ("Avvikels", "Sjukfrån", "Personalomsätt")
            # is a break without a hyphen; with a hyphen it is where the dictionary allows one
            broken = ({word[:k] for k in range(3, len(word) - 1)} & tokens) - page_words
            assert not broken, (name, word, broken)
        assert re.search(r"Sjuk[\u2010-]", text) or "Sjukfrånvaro" in text


@needs_tools
def test_the_directors_bilaga_links_go_to_the_bilagas_first_page_in_the_combined_pdf(pdf_run):
    """In the combined PDF "se bilaga N: Delårsrapport Division X" goes to the page on which
    the bilaga starts (a named destination of the same PDF); in the director's own PDF to
    the bilaga's PDF beside it; in the HTML to the bilaga's HTML page. No link says where
    the reports were made (no local file's address)."""
    from pypdf import PdfReader

    _, out = pdf_run
    path = out / "delarsrapport-2021-T1.pdf"
    reader = PdfReader(str(path))
    pages = len(reader.pages)
    contents = pdftext_page(path, 2)
    starts = {n: int(contents.split(f"Bilaga {n}: Delårsrapport Division {d}", 1)[1].split()[0])
              for n, d in ((1, "Länsteknik"), (2, "Service"))}
    director = int(contents.split("Regiondirektörens rapport", 1)[1].split()[0])
    region = int(contents.split("Regionen", 1)[1].split()[0])
    named = reader.named_destinations
    linked = []  # (page of the link, the page it goes to), in the order of the director's pages
    for number in range(director, region):
        page = reader.pages[number - 1]
        for annot in sorted((a.get_object() for a in page.get("/Annots") or []),
                            key=lambda a: -float(a["/Rect"][1])):  # top to bottom
            dest = annot.get("/Dest")
            if isinstance(dest, str) and dest.lstrip("/").startswith("report-"):
                linked.append((number, reader.get_destination_page_number(named[dest]) + 1))
    assert [to for _, to in linked] == [starts[1], starts[2]], (linked, starts, pages)
    assert f"sida {starts[1]} av {pages}" in pdftext_page(path, starts[1])
    assert _file_links(reader) == []
    # the director's own PDF: the bilagor's PDFs beside it, by their file names
    own = PdfReader(str(out / "rapport-2021-T1.pdf"))
    actions = [a.get_object()["/A"] for p in own.pages for a in p.get("/Annots") or [] if "/A" in a.get_object()]
    remote = sorted(str(a["/F"]) for a in actions if a["/S"] == "/GoToR")
    assert remote == ["division-lansteknik.pdf", "division-service.pdf"]
    assert _file_links(own) == [] and str(out).encode() not in (out / "rapport-2021-T1.pdf").read_bytes()
    html = (out / "rapport-2021-T1.html").read_text(encoding="utf-8")
    assert 'href="division-service.html">bilaga 2: Delårsrapport Division Service</a>' in html


def _file_links(reader) -> list[str]:
    return [str(a.get_object()["/A"].get("/URI")) for p in reader.pages for a in p.get("/Annots") or []
            if "/A" in a.get_object() and str(a.get_object()["/A"].get("/URI", "")).startswith("file:")]


def test_a_local_files_address_never_stays_in_a_pdf(tmp_path):
    """Chromium writes a relative link as the local file's absolute address: one to a report
    beside the printed page becomes "open that report's PDF" (relative), any other goes."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    from regionanalytics.runner.pdf import _local_links

    def pdf(uris) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        for n, uri in enumerate(uris):
            writer.add_annotation(0, Link(rect=(10, 10 + 30 * n, 100, 30 + 30 * n), url=uri))
        data = io.BytesIO()
        writer.write(data)
        return data.getvalue()

    here = tmp_path / "2021-T1"
    out = _local_links(pdf([f"{here.as_uri()}/division-service.html", f"{tmp_path.as_uri()}/secret/notes.html",
                            "https://www.example.org/", f"{here.as_uri()}/bilder/a.png"]), here)
    actions = [a.get_object()["/A"] for a in PdfReader(io.BytesIO(out)).pages[0]["/Annots"]]
    assert [(str(a["/S"]), str(a.get("/F", a.get("/URI")))) for a in actions] == [
        ("/GoToR", "division-service.pdf"), ("/URI", "https://www.example.org/")]
    assert str(tmp_path).encode() not in out
    plain = pdf(["https://www.example.org/"])
    assert _local_links(plain, here) == plain  # nothing to change: the bytes as Chromium wrote them


@needs_tools
def test_where_reports_start_and_how_many_pages_they_have_read_without_parsing_agree(pdf_run):
    """The combined PDF's start pages read from its anchors (named destinations) are the
    pages whose text has each report's heading, and each report's page count read from its
    page tree's root is pypdf's (what the contents' numbers are built from)."""
    from pypdf import PdfReader

    from regionanalytics.runner.pdf import _anchored_starts, _first_heading, _heading_starts, _page_count

    result, out = pdf_run
    counted = {r.slug: _page_count((out / f"{r.slug}.pdf").read_bytes()) for r in result.reports}
    assert counted == {r.slug: len(PdfReader(str(out / f"{r.slug}.pdf")).pages) for r in result.reports}
    reader = PdfReader(str(out / "delarsrapport-2021-T1.pdf"))
    headings = [_first_heading((out / f"{r.slug}.html").read_text(encoding="utf-8").split("<main>", 1)[1])
                for r in result.reports]
    anchored = _anchored_starts(reader, len(headings))
    assert anchored is not None and anchored[0] == 3
    assert anchored == _heading_starts(reader, headings)
    assert _anchored_starts(reader, len(headings) + 1) is None  # a report without its anchor: by the text


def test_a_pdf_is_parsed_for_local_links_unless_its_bytes_show_it_has_none(tmp_path):
    """A printed PDF is left as it is, unparsed, only when every link address in it is a
    literal string that plainly does not start with file: and no object is compressed;
    any doubt sends it to the parser that rewrites local links."""
    from regionanalytics.runner.pdf import _may_link_local_files

    plain = b"<</S /URI\n/URI (https://www.example.org/)>>"
    assert _may_link_local_files(b"%PDF-1.4 no links at all") is False
    assert _may_link_local_files(plain) is False
    assert _may_link_local_files(b"<</S /URI\n/URI (file:///home/x/division-service.html)>>") is True
    assert _may_link_local_files(b"<</S /URI /URI (FILE:///home/x/a.html)>>") is True
    assert _may_link_local_files(b"<</S /URI /URI <66696c653a2f2f2f>>>") is True  # a hex string
    assert _may_link_local_files(b"<</S /URI /URI (fil\\145:///x)>>") is True  # an escaped letter
    assert _may_link_local_files(plain + b"<</Type /ObjStm /N 3>>") is True  # compressed objects


@needs_tools
def test_a_text_made_again_without_a_kernel_gets_its_pdf_and_the_combined_pdf_again(tmp_path):
    """Service's text changes: its report and the director's are re-rendered without a
    kernel (runner/rerender.py), and their PDFs and the combined PDF are printed again with
    the new text; the region overview's PDF is left as it was."""
    import json

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    run = lambda: run_batch("2021-T1", data, tmp_path, divisions=["Service"], jobs=2, progress=False, pdf=True)
    assert run().ok
    out = tmp_path / "2021-T1"
    region_pdf = (out / "region.pdf").read_bytes()
    text = data / "texts" / "2021-T1" / "division-service.md"
    head, close, summary = text.read_text(encoding="utf-8").partition("---\n")[2].partition("---\n")
    # in the summary (before the first heading): the director's report shows it too
    text.write_text(f"---\n{head}{close}Serviceförvaltningen växlar spår.\n\n{summary}", encoding="utf-8")
    result = run()
    assert {r.slug: r.status for r in result.reports} == {
        "rapport-2021-T1": "ok", "region": "skipped", "division-service": "ok"}
    for slug in ("rapport-2021-T1", "division-service"):
        assert "text_rerendered" in json.loads((out / f"{slug}.ipynb").read_text(encoding="utf-8"))["metadata"][
            "regionanalytics"]
        assert "växlar spår" in pdftext(out / f"{slug}.pdf"), slug
        assert {r.slug: r.pdf for r in result.reports}[slug] == f"{slug}.pdf"
    assert "växlar spår" in pdftext(out / "delarsrapport-2021-T1.pdf")
    assert (out / "region.pdf").read_bytes() == region_pdf
