"""The figures a report records in its notebook, for the runner and the tests: written by
the report's kernel (:meth:`regionanalytics.report._base._Report._record`), read back from
the executed notebook by :func:`figures_from_notebook`. Imports nothing heavy: the runner's
worker processes read them without pandas."""
from __future__ import annotations

import json

#: MIME type of the figures a report records for the runner and the tests.
FIGURES_MIME = "application/vnd.regionanalytics.figures+json"


def figures_from_notebook(nb) -> dict | None:
    """The figures a report recorded (see :meth:`DivisionReport.record`), or None."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIME in data:
                value = data[FIGURES_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None
