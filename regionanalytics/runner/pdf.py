"""PDF for the board and the website, printed by headless Chromium from the same HTML.

No LaTeX: the shareable HTML page is printed with its print styles (A4, no table
or chart split across pages, table headers repeated) by Chromium through
Playwright, as a *tagged* PDF (a structure tree a screen reader follows) with
an outline, the page's title and language in its metadata, and its fonts
embedded. Every page has the period and the region in its header and
"sida 3 av 12" in its footer.

Each worker keeps one browser and one page open between reports, as it keeps its kernel.
The tertial's combined PDF (title page, table of contents with page numbers,
the region overview, then every division) is one document, printed with the page
numbers each report's own PDF gives; where each report starts in it is read from its
anchor (a named destination) and checked, and it is printed again in the rare case a
report moved. A printed PDF is parsed only when its bytes may hold a link to a local
file (which is made relative).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..exceptions import ParameterError
from ..iorw import atomic_write

#: Where to find Chromium when it is not on the PATH.
CHROMIUM_ENV = "REGIONANALYTICS_CHROMIUM"
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_MARGIN = {"top": "22mm", "bottom": "20mm", "left": "16mm", "right": "16mm"}
_HEADER_FOOTER_STYLE = "font-family: Arial, sans-serif; font-size: 8pt; color: #333; width: 100%; margin: 0 16mm;"

_BROWSER: dict = {}  # per worker process: Playwright and the browser kept open between reports


def find_chromium() -> str | None:
    """The Chromium executable: ``$REGIONANALYTICS_CHROMIUM`` or Debian's ``chromium`` on the PATH."""
    given = os.environ.get(CHROMIUM_ENV)
    if given and Path(given).exists():
        return given
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def require_chromium() -> str:
    """The Chromium executable, or a :class:`ParameterError` that says what to install
    (checked before any kernel starts)."""
    found = find_chromium()
    if found is None:
        raise ParameterError(
            "--pdf prints the reports with headless Chromium, which is not installed. Install "
            "Debian's package (`apt-get install chromium`) or set REGIONANALYTICS_CHROMIUM to a "
            "Chromium executable; the HTML reports do not need it (run without --pdf).")
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise ParameterError("--pdf needs the Playwright package: pip install 'regionanalytics[pdf]'.") from None
    return found


def _page():
    """This worker's page, in its browser (both started on first use and kept: a new page
    for every report cost as much as loading it). Each report's page is loaded into it in
    place of the last one."""
    if "browser" not in _BROWSER or not _BROWSER["browser"].is_connected():
        from playwright.sync_api import sync_playwright

        close_browser()
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=require_chromium(), args=_ARGS)
        _BROWSER.update(playwright=playwright, browser=browser)
        import atexit

        atexit.register(close_browser)
    page = _BROWSER.get("page")
    if page is None or page.is_closed():
        page = _BROWSER["page"] = _BROWSER["browser"].new_page()
    return page


def _drop_page() -> None:
    """Close the kept page (after a print that failed: the next report gets a new one)."""
    page = _BROWSER.pop("page", None)
    if page is not None:
        try:
            page.close()
        except Exception:  # noqa: BLE001 - a page or browser that is already gone
            pass


def warm_browser() -> None:
    """Start this worker's browser and its page now (a worker of a ``--pdf`` batch, as it
    starts: the launch is then not paid by its first report). A browser that cannot start
    only costs the time: the first report starts it and says what is wrong."""
    try:
        _page()
    except Exception:  # noqa: BLE001 - said by the first report
        close_browser()


def close_browser() -> None:
    _drop_page()
    browser, playwright = _BROWSER.pop("browser", None), _BROWSER.pop("playwright", None)
    for close in (getattr(browser, "close", None), getattr(playwright, "stop", None)):
        if close is not None:
            try:
                close()
            except Exception:  # noqa: BLE001 - a browser that is already gone
                pass


def _header(period_sv: str, region: str) -> str:
    return (f'<div style="{_HEADER_FOOTER_STYLE} display: flex; justify-content: space-between;">'
            f"<span>{html.escape(region)}</span><span>{html.escape(period_sv)}</span></div>")


def _footer() -> str:
    return (f'<div style="{_HEADER_FOOTER_STYLE} text-align: center;">sida <span class="pageNumber"></span> '
            'av <span class="totalPages"></span></div>')


def print_pdf(html_path: Path, pdf_path: Path, period_sv: str, region: str) -> None:
    """Print one HTML page as a tagged A4 PDF beside it (written atomically).

    A link to another report's page (``division-service.html``) goes to that report's PDF
    beside it (``division-service.pdf``, its first page); Chromium would write the local
    file's absolute address, which says where the analyst keeps the reports and leads
    nowhere once the PDF is shared."""
    page = _page()
    try:
        page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
        data = page.pdf(format="A4", print_background=True, display_header_footer=True,
                        header_template=_header(period_sv, region), footer_template=_footer(),
                        margin=_MARGIN, tagged=True, outline=True)
    except BaseException:
        _drop_page()
        raise
    # Chromium writes the page's <title> as the PDF's Title and its lang="sv" as /Lang
    atomic_write(pdf_path, _local_links(data, Path(html_path).resolve().parent))


def _local_links(data: bytes, folder: Path) -> bytes:
    """The PDF with every link to a local file made relative: one to an HTML page beside
    the printed one (in ``folder``: another report) opens that report's PDF (a GoToR action
    on ``<report>.pdf``, relative to the PDF), any other is removed. The PDF is unchanged
    when it has no such link."""
    import io
    from urllib.parse import unquote, urlparse

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    if not _may_link_local_files(data):
        return data
    reader = PdfReader(io.BytesIO(data))
    if not any(str((a.get_object().get("/A") or {}).get("/URI", "")).startswith("file:")
               for page in reader.pages for a in page.get("/Annots") or []):
        return data
    writer = PdfWriter(clone_from=reader)
    changed = False
    for page in writer.pages:
        annots = page.get("/Annots")
        if not annots:
            continue
        kept = ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith("file:"):
                kept.append(ref)
                continue
            changed = True
            target = Path(unquote(urlparse(uri).path))
            name = target.name
            if name.endswith(".html") and target.parent == folder:
                annot[NameObject("/A")] = DictionaryObject({
                    NameObject("/S"): NameObject("/GoToR"),
                    NameObject("/F"): TextStringObject(name[:-len(".html")] + ".pdf"),
                    NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")])})
                kept.append(ref)
        page[NameObject("/Annots")] = kept
    if not changed:
        return data
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: A link's address as Chromium writes it: ``/URI (file:///…)``, a literal string.
_URI = re.compile(rb"/URI\s*([(<])(.{0,5})", re.S)


def _may_link_local_files(data: bytes) -> bool:
    """Whether a printed PDF may hold a link to a local file, read from its bytes without
    parsing it (parsing and rewriting a report's PDF took longer than printing it): False
    only when every link address is a literal string that does not start with ``file:``
    and no object is compressed (in an object stream, where an address cannot be seen).
    Chromium writes its PDFs so; anything else is parsed."""
    if b"/ObjStm" in data:
        return True
    return any(opening == b"<" or b"\\" in value or value.lower().startswith(b"file:")
               for opening, value in _URI.findall(data))


# --------------------------------------------------------------------------- the combined PDF

_MAIN = re.compile(r"<main>(.*)</main>", re.S)
_HEAD = re.compile(r"<head>(.*?)</head>", re.S)


def combined_pdf(out: Path, name: str, title: str, period_sv: str, region: str,
                 reports: list[tuple[str, str]]) -> Path:
    """One PDF of the tertial: a title page, a table of contents with page numbers, then
    every report in order. ``reports`` are (title, HTML file name in ``out``).

    Every report starts on a new page and is laid out as in its own PDF, so its pages are
    counted there and the contents are printed with their numbers at once; the printed
    document is checked, and printed again in the rare case a report moved.
    """
    pages = [(t, (out / f).read_text(encoding="utf-8"), out / Path(f).with_suffix(".pdf").name)
             for t, f in reports if (out / f).exists()]
    if not pages:
        raise ParameterError(f"No report to put in {name}: every report of the run failed.")
    # a link to a report of this PDF goes to its first page here (the anchor of its section,
    # which Chromium writes as a named destination), not to the HTML file
    targets = {Path(f).name: i for i, (t, f) in enumerate(r for r in reports if (out / r[1]).exists())}
    head = _HEAD.search(pages[0][1]).group(1)
    head = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", head, flags=re.S)
    bodies = [(t, internal_links(_MAIN.search(page).group(1), targets) if _MAIN.search(page) else "")
              for t, page, _ in pages]
    headings = [_first_heading(body) or t for t, body in bodies]
    numbers = _expected_starts([t for t, _ in bodies], [p for _, _, p in pages])
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        source, target = Path(tmp) / "combined.html", Path(tmp) / "combined.pdf"
        for _ in range(3):
            source.write_text(_combined_html(head, title, period_sv, region, bodies, numbers), encoding="utf-8")
            print_pdf(source, target, period_sv, region)
            found = dict(zip([t for t, _ in bodies], _start_pages(target, headings)))
            if found == numbers:
                break
            numbers = found
        atomic_write(out / name, target.read_bytes())
    return out / name


_HREF = re.compile(r'href="([^"#?/]+\.html)(#[^"]*)?"')


def internal_links(body: str, targets: dict[str, int]) -> str:
    """``body`` with every link to a page of ``targets`` (HTML file name -> its section's
    number in the combined document) made a link to that section (``#report-N``).

    >>> internal_links('se <a href="division-service.html">bilaga 2</a>, <a href="x.html">x</a>',
    ...                {"division-service.html": 3})
    'se <a href="#report-3">bilaga 2</a>, <a href="x.html">x</a>'
    """
    def one(match) -> str:
        number = targets.get(html.unescape(match.group(1)))
        return match.group(0) if number is None else f'href="#report-{number}"'

    return _HREF.sub(one, body)


def _expected_starts(titles: list[str], pdfs: list[Path]) -> dict[str, int]:
    """Where each report will start: after the title page and the contents, each report
    taking as many pages as its own PDF has (empty when a report has no PDF yet). Only an
    expectation: the printed document is checked (:func:`_start_pages`)."""
    page, found = 3, {}
    for title, path in zip(titles, pdfs):
        if not path.exists():
            return {}
        found[title] = page
        page += _page_count(path.read_bytes())
    return found


#: The root of a page tree as Chromium writes it (the one ``/Pages`` node without a parent).
_PAGE_ROOT = re.compile(rb"<</Type /Pages\s*/Count (\d+)\s*/Kids \[[^\]]*\]>>")


def _page_count(data: bytes) -> int:
    """How many pages a printed PDF has: read from its page tree's root without parsing the
    whole file when Chromium wrote it, else by pypdf."""
    roots = _PAGE_ROOT.findall(data)
    if len(roots) == 1:
        return int(roots[0])
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _combined_html(head: str, title: str, period_sv: str, region: str, bodies, numbers: dict) -> str:
    toc = "".join(
        f'<li><a href="#report-{i}">{html.escape(t)}</a><span class="ra-toc-page">{numbers.get(t, "")}</span></li>'
        for i, (t, _) in enumerate(bodies))
    sections = "".join(f'<section class="ra-report" id="report-{i}" aria-label="{html.escape(t)}">{body}</section>'
                       for i, (t, body) in enumerate(bodies))
    style = """<style>
.ra-title-page { height: 230mm; display: flex; flex-direction: column; justify-content: center; }
.ra-title-page h1 { font-size: 26pt; } .ra-title-page p { font-size: 13pt; }
.ra-toc { break-before: page; } .ra-toc ol { list-style: none; padding: 0; font-size: 12pt; }
.ra-toc li { display: flex; justify-content: space-between; border-bottom: 1px dotted #999; padding: 4pt 0; }
.ra-toc a { color: inherit; text-decoration: none; }
section.ra-report { break-before: page; }
</style>"""
    return (f'<!DOCTYPE html><html lang="sv"><head>{head}{style}</head><body class="jp-Notebook"><main>'
            f'<div class="ra-title-page"><h1>{html.escape(title)}</h1><p>{html.escape(region)}</p>'
            f"<p>{html.escape(period_sv)}</p></div>"
            f'<nav class="ra-toc" aria-label="Innehåll"><h2>Innehåll</h2><ol>{toc}</ol></nav>'
            f"{sections}</main></body></html>")


def _first_heading(body: str) -> str | None:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>|¶", " ", match.group(1))).split()) if match else None


def _start_pages(pdf: Path, headings: list[str]) -> list[int | None]:
    """The page on which each report starts: where its section's anchor is
    (:func:`_anchored_starts`), else where its heading is (:func:`_heading_starts`)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return _anchored_starts(reader, len(headings)) or _heading_starts(reader, headings)


def _anchored_starts(reader, count: int) -> list[int] | None:
    """The page of each report's section anchor (``report-N``: a named destination, since
    the contents link to it), or None when one is not there. (Reading the text of every
    page instead took pypdf several times as long as printing them all.)"""
    named = {str(name).lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    anchored = [named.get(f"report-{n}") for n in range(count)]
    if any(dest is None for dest in anchored):
        return None
    return [reader.get_destination_page_number(dest) + 1 for dest in anchored]


def _heading_starts(reader, headings: list[str]) -> list[int | None]:
    """The first page, after the previous report's, whose text holds the report's heading
    (the contents list only the short titles)."""
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    found, page = [], 1
    for heading in headings:
        number = next((n for n in range(page + 1, len(texts) + 1) if heading in texts[n - 1]), None)
        found.append(number)
        page = number or page
    return found
