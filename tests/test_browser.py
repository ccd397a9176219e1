"""A person's view: headless Chromium opens the rendered reports and the index."""
import os
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("batch"),
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
        yield context.new_page()
        browser.close()


def _open(page, path: Path):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    if not os.environ.get("CI"):
        shots = ROOT / "outputs" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True)
    return errors


def _images_loaded(page) -> bool:
    return page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")


def test_division_report_in_browser(page, batch_output):
    _, out = batch_output
    errors = _open(page, out / "division-lansteknik.html")
    text = page.inner_text("body")
    assert "Delårsrapport per april 2021 – Division Länsteknik" in text
    assert "Sjukfrånvaron ligger på 5,3 procent" in text
    assert page.locator("table.ra-table").count() >= 6
    assert page.evaluate("document.images.length") >= 2 and _images_loaded(page)
    assert page.locator(".jp-CodeMirrorEditor, .jp-InputArea-editor, pre.highlight").count() == 0
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert "Traceback" not in text and "report.header()" not in text
    assert page.evaluate("document.querySelectorAll('script[src], link[href^=http]').length") == 0
    assert not errors


def test_region_report_in_browser(page, batch_output):
    _, out = batch_output
    _open(page, out / "region.html")
    text = page.inner_text("body")
    assert ("Divisionerna redovisar tillsammans ett överskott på 1\u00a0mnkr per april"
            in text.replace(" mnkr", "\u00a0mnkr"))
    assert page.evaluate("document.images.length") >= 3 and _images_loaded(page)


def test_directors_report_in_browser(page, batch_output):
    """The sample's texts of 2021-T1: region.md's introduction, the divisions' part with
    each division's figures, its own text and its bilaga, linked; then current events."""
    _, out = batch_output
    errors = _open(page, out / "rapport-2021-T1.html")
    text = page.inner_text("body")
    assert "Delårsrapport per april 2021 – Regiondirektörens rapport" in text
    order = [text.index(s) for s in ("Smittspridningen av covid-19", "Divisionernas delårsrapporter",
                                     "Division Länsteknik", "Division Länsteknik uppfyller merparten",
                                     "under perioden", "bilaga 1: Delårsrapport Division Länsteknik",
                                     "bilaga 2: Delårsrapport Division Service", "Aktuella händelser")]
    assert order == sorted(order)
    own = text[order[3]:order[5]]  # Länsteknik's own text, its figures written from the data
    assert "(4,4" in own and "131" in own and "5,3" in own
    link = page.locator("a", has_text="bilaga 1: Delårsrapport Division Länsteknik")
    assert link.get_attribute("href") == "division-lansteknik.html"
    assert "{{" not in text and "Traceback" not in text and not errors


def test_index_in_browser_links_every_report(page, batch_output):
    result, out = batch_output
    _open(page, out / "index.html")
    links = page.eval_on_selector_all("a[href$='.html']", "els => els.map(e => e.getAttribute('href'))")
    assert set(links) == {f"{r.slug}.html" for r in result.reports}
    row = page.locator("tr", has_text="Division Länsteknik").inner_text()
    assert "+3,0" in row and "5,3" in row and "−6" in row


def test_every_page_passes_an_automated_wcag_21_aa_audit(page, batch_output):
    """axe-core (the maintained engine, through axe-playwright-python) on every page of a
    run: WCAG 2.0/2.1 A and AA rules and axe's best practices, no violation allowed."""
    from axe_playwright_python.sync_playwright import Axe

    _, out = batch_output
    pages = sorted(out.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "region.html", "division-lansteknik.html",
                                       "rapport-2021-T1.html"}
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
    for path in pages:
        _open(page, path)
        violations = Axe().run(page, options=rules).response["violations"]
        assert not violations, (path.name, [(v["id"], v["nodes"][0]["target"]) for v in violations])


def test_reports_are_swedish_with_one_h1_and_ordered_headings(page, batch_output):
    _, out = batch_output
    for name in ("index.html", "region.html", "division-lansteknik.html", "rapport-2021-T1.html"):
        _open(page, out / name)
        assert page.evaluate("document.documentElement.lang") == "sv"
        levels = page.eval_on_selector_all("h1, h2, h3, h4", "els => els.map(e => Number(e.tagName[1]))")
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (name, levels)  # no level skipped
        assert page.locator("table:not(:has(caption))").count() == 0
        assert page.locator("th:not([scope])").count() == 0


def test_chart_numbers_open_from_the_keyboard(page, batch_output):
    _, out = batch_output
    _open(page, out / "division-lansteknik.html")
    charts = page.locator("figure.ra-chart")
    assert charts.count() >= 2
    assert all(charts.nth(i).locator("img[alt]").count() == 1 for i in range(charts.count()))
    first = charts.nth(0).locator("details")
    assert not first.evaluate("d => d.open") and not first.locator("table").is_visible()
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.evaluate("d => d.open") and first.locator("table").is_visible()
    assert "april 2021" in first.locator("table").inner_text()


def test_index_is_usable_from_the_keyboard(page, batch_output):
    result, out = batch_output
    _open(page, out / "index.html")
    reached = []
    for _ in range(len(result.reports) + 3):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href')"))
    assert {f"{r.slug}.html" for r in result.reports} <= set(reached)
