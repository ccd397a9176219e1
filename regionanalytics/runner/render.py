"""Executed notebook -> one self-contained HTML file that can be mailed.

Code is removed (not collapsed), the parameters and injected-parameters cells
are dropped, images are embedded, and nothing is fetched from the internet:
the template (``templates/report``) leaves out require.js, MathJax and the
widget and mermaid scripts that nbconvert's default templates load from CDNs.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nbformat

from ..exceptions import RenderError
from ..theme import PAGE_CSS

TEMPLATES = Path(__file__).parents[1] / "templates"
_REMOTE = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", re.I)


_FOCUSABLE = re.compile(r'<div class="(jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)"')


@lru_cache(maxsize=1)
def html_exporter():
    """The HTML exporter, made once per process: its Jinja templates are compiled on first
    use and kept (made anew for every report, compiling them was a tenth of a report's time).

    nbconvert's exporter parses its finished page once more (BeautifulSoup) to give every
    image an alt text and every input and output area ``tabindex="0"``; our template
    writes each chart's alt text, and the focusable areas are marked here as the page is
    written — the same page, without a second parse of a page full of images."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import TagRemovePreprocessor

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter's own steps (nbconvert 7) before its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _FOCUSABLE.sub(lambda m: m.group(0) + ' tabindex="0"', body), resources

    exporter = ReportExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="report")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    # the notebook is checked against its schema once, after the preprocessors, not after
    # each of the thirteen (most do nothing here)
    exporter.optimistic_validation = True
    exporter.language_code = "sv"  # the page's language, for screen readers and hyphenation
    remove = TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}, enabled=True)
    exporter.register_preprocessor(remove, enabled=True)
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a standalone, code-free HTML page."""
    # a shallow copy with the title (nbconvert deep-copies the notebook itself)
    nb = nbformat.NotebookNode({**nb, "metadata": nbformat.NotebookNode({**nb.get("metadata", {}),
                                                                          "title": title})})
    body, _ = html_exporter().from_notebook_node(nb, resources={"ra_css": PAGE_CSS})
    if _REMOTE.search(body):  # a guard: a shared report must open on a closed network
        raise RenderError("The rendered report refers to a remote resource, so it would not open on a "
                          "closed network: " + _REMOTE.search(body).group(0) + ". Remove the "
                          "resource from the notebook's output.")
    return body
