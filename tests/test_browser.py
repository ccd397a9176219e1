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


def test_index_in_browser_links_every_report(page, batch_output):
    result, out = batch_output
    _open(page, out / "index.html")
    links = page.eval_on_selector_all("a[href$='.html']", "els => els.map(e => e.getAttribute('href'))")
    assert set(links) == {f"{r.slug}.html" for r in result.reports}
    row = page.locator("tr", has_text="Division Länsteknik").inner_text()
    assert "+3,0" in row and "5,3" in row and "−6" in row
