"""The batch runner: every report of a period, executed, rendered and indexed.

``run_batch`` checks the parameters and the data before any report starts (its workers warm their kernels meanwhile),
executes the region overview and the division reports with papermill in
parallel, renders each to shareable HTML, and writes ``OUT/<period>/`` with
the executed notebooks, the HTML files, ``index.html``, ``summary.csv``, ``changes.csv``,
``summary.xlsx`` and ``manifest.json``.

Every file is written atomically (to a temporary name, then renamed), so a
crashed or killed run never leaves a half-written file that looks complete. A
failed report keeps its executed notebook as ``<name>.error.ipynb``; the
previous complete outputs are left as they were and the other reports finish.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..exceptions import OutputError, ParameterError, RegionAnalyticsError, os_error_text
from ..iorw import atomic_write, write_csv
from .execute import ReportResult, describe_error, execute_report
from .executors import make_executor
from .fingerprint import package_fingerprint
from .locking import output_lock
from .planning import (DIRECTOR_NOTEBOOK, DIVISION_NOTEBOOK, NOTEBOOKS, REGION_NOTEBOOK, UNIT_NOTEBOOK,
                       ReportSpec, plan_reports, refuse_credentials, relative_path, resolve_divisions)

#: What the PDFs' page header and title page call the region when no name is given.
DEFAULT_REGION_NAME = "Regionen"


@dataclass
class BatchResult:
    period: str
    out_dir: Path
    reports: list[ReportResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status in ("ok", "skipped") for r in self.reports)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if r.status == "failed"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_digest(data_digests: dict) -> str:
    """One short digest of every table file's SHA-256: which data a report was made from."""
    return hashlib.sha256(json.dumps(data_digests, sort_keys=True).encode()).hexdigest()[:16]


def fingerprint_parts(spec: ReportSpec, data_digests: dict, pdf: bool = False,
                      scopes: dict | None = None, texts: str = "") -> dict:
    """What a report's outputs depend on, part by part (the manifest keeps them, so a
    re-run can say which part changed). ``scopes`` (:func:`~regionanalytics.runner.scopes.report_scopes`)
    narrows "data" to the data the report shows; without it, all the data counts. ``texts``
    is the digest of the people's texts it shows (:func:`~regionanalytics.runner.scopes.text_digests`)."""
    from .scopes import scope_of

    data = (scopes or {}).get(scope_of(spec.parameters)) or data_digest(data_digests)
    return {"notebook": _sha(Path(spec.notebook)), "data": data, "texts": texts,
            "parameters": spec.parameters, "package": package_fingerprint(), "pdf": pdf}


def report_fingerprint(spec: ReportSpec, data_digests: dict, pdf: bool = False,
                       scopes: dict | None = None, texts: str = "") -> str:
    """One digest of :func:`fingerprint_parts`."""
    payload = json.dumps(fingerprint_parts(spec, data_digests, pdf, scopes, texts), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


#: Why a report was made again, by the first part of its fingerprint that changed.
_REASONS = {"notebook": "the notebook changed", "data": "the data changed", "texts": "its text changed",
            "parameters": "its parameters changed", "package": "the package's code changed",
            "pdf": "a PDF was asked for"}


def rerun_reason(old: dict, parts: dict, out: Path, slug: str, force: bool, pdf: bool) -> str | None:
    """Why a report must be made again, or None when it is up to date."""
    if force:
        return "forced (--force)"
    if not old:
        return "new report"
    if old.get("status") not in ("ok", "skipped"):
        return "the previous run did not finish it"
    if not (out / f"{slug}.html").exists() or (pdf and not (out / f"{slug}.pdf").exists()):
        return "its output is missing"
    before = old.get("parts") or {}
    for part, reason in _REASONS.items():
        if before.get(part, "" if part == "texts" else None) != parts[part] and not (part == "pdf" and not pdf):
            return reason
    return None


def run_batch(period: str, data_dir: str | Path = "data/sample", out_dir: str | Path = "outputs",
              divisions: list[str] | None = None, jobs: int = 2, force: bool = False,
              scheduler: str | None = None, timeout: int = 600, progress: bool = True,
              notebooks: str | Path = NOTEBOOKS, pdf: bool = False,
              region_name: str | None = None, units: bool = False,
              texts_dir: str | Path | None = None, wait: float = 600,
              keep_workers: bool = True) -> BatchResult:
    """Produce every report of ``period``. See the module docstring.

    With ``units`` every chosen division's units get a report each (linked from their
    division's report and listed under it in the index). With ``pdf`` every report is also printed as a PDF beside its HTML, and the
    tertial as one combined PDF (``delarsrapport-<period>.pdf``); ``region_name``
    stands in the PDFs' page header and title page (when not given: the name the data
    folder gives, :func:`regionanalytics.data.region_name`, else "Regionen").
    ``texts_dir`` is the folder of the
    people's texts (default ``<data_dir>/texts``; the period's files in its ``<period>/``).

    The local workers start, and warm their kernels, while the data are loaded and checked
    (:func:`~regionanalytics.runner.executors.start_worker`); with ``keep_workers`` they
    stay for this process's next batch, warm (ended with the process, or by
    :func:`~regionanalytics.runner.executors.close_shared`).

    One run at a time writes a period's folder: while another holds it (:mod:`.locking`),
    the run says who and waits up to ``wait`` seconds, then gives up with
    :class:`OutputError`.

    Raises :class:`ParameterError` or :class:`DataValidationError` before any
    kernel starts when a parameter or the data is wrong (or ``pdf`` is asked for
    without Chromium), :class:`OutputError` (one line: what, where, what to do) when
    the output folder cannot be written.
    """
    from ..periods import Period

    if jobs < 1 or timeout < 1:
        raise ParameterError(f"jobs and timeout are whole numbers of 1 or more; found jobs={jobs}, timeout={timeout}")
    if pdf:
        from .pdf import require_chromium

        require_chromium()
    refuse_credentials({"period": period, "data_dir": data_dir if isinstance(data_dir, str) else os.fspath(data_dir)})
    texts_dir = Path(texts_dir) if texts_dir else None
    if texts_dir is not None and not texts_dir.is_dir():
        raise ParameterError(f"--texts {texts_dir}: no such folder. Give the folder that holds the "
                             f"period's texts in {period}/ (region.md and one file per division), or "
                             "leave --texts out to read DATA/texts.")
    label = Period.parse(period).label
    what = f"regionanalytics run --period {label}" + (" --units" if units else "") + (" --pdf" if pdf else "") \
        + "".join(f" --division {d!r}" for d in divisions or [])
    try:
        with output_lock(Path(out_dir) / label, wait, what):
            return _run_locked(period, Path(data_dir), Path(out_dir), divisions, jobs, force, scheduler,
                               timeout, progress, Path(notebooks), pdf, region_name, units, texts_dir,
                               keep_workers)
    except OSError as exc:
        inside = exc.filename is None or Path(os.path.abspath(exc.filename)).is_relative_to(Path(out_dir).absolute())
        raise OutputError(os_error_text(exc, "write" if inside else "read")) from None


def _run_locked(period, data_dir: Path, out_dir: Path, divisions, jobs, force, scheduler, timeout,
                progress, notebooks: Path, pdf, region_name, units, texts_dir, keep_workers=True) -> BatchResult:
    """:func:`run_batch` once it holds the output folder's lock."""
    if not force and (unchanged := _nothing_changed(period, data_dir, out_dir, divisions,
                                                    notebooks, pdf, units, texts_dir)) is not None:
        _print_outcome(unchanged)
        return unchanged
    if not force and _only_texts_changed(period, data_dir, out_dir, divisions, notebooks, pdf, units, texts_dir):
        # the reports are made again in this process (:mod:`.rerender`): workers start only
        # for what needs one (a PDF, a report that cannot be re-rendered)
        executor = OnDemandExecutor(lambda: make_executor(jobs, scheduler, keep=keep_workers))
    else:  # the workers start and warm their kernels while this process loads and checks the data
        executor = make_executor(jobs, scheduler, keep=keep_workers,
                                 warm={"cwd": str(notebooks.resolve()),  # as plan_reports names it
                                       "data_dir": str(data_dir.resolve()), "pdf": pdf})
    done = False
    try:
        batch = _run_with(executor, period, data_dir, out_dir, divisions, jobs, force, scheduler, timeout,
                          progress, notebooks, pdf, region_name, units, texts_dir)
        done = True
        return batch
    finally:  # refused data: the error is said now, the workers end as they finish starting
        executor.close(wait=done)


def _run_with(executor, period, data_dir: Path, out_dir: Path, divisions, jobs, force, scheduler, timeout,
              progress, notebooks: Path, pdf, region_name, units, texts_dir) -> BatchResult:
    """:func:`run_batch` with its workers starting."""
    from ..data import load_region
    from ..parameters import check_period
    from .scopes import report_scopes, text_digests

    region = load_region(data_dir)
    p = check_period(region, period)
    if region_name is None:
        from ..data import region_name as named

        region_name = named(data_dir) or DEFAULT_REGION_NAME
    unit_map = _units(region)
    if divisions:  # as the reports write them, in any case; the nearest name when unknown
        divisions = resolve_divisions(divisions, region.divisions, unit_map)
    out = out_dir / p.label
    previous = _read_manifest(out)
    specs = plan_reports(p.label, data_dir, divisions, region.divisions, notebooks,
                         units=unit_map if units else None, texts_dir=texts_dir,
                         **_earlier(previous, out))
    digests = region.fingerprint

    out.mkdir(parents=True, exist_ok=True)
    # the region's figures, once, each part when needed: the summary, the scopes and (handed
    # over) every report's kernel read them
    from ..report import hand_over, region_figures

    shown = region_figures(region, p)

    def hours():
        return shown["hours"]

    figures = _key_figures(region, p, hours)
    wide, unknown, summary = figures["wide"], figures["unknown"], figures["summary"]
    shown.update(key=wide, unknown=unknown, rows=summary)
    _write_summaries(out, summary, figures["workbook"])
    _write_changes(out, region, p, summary)
    # every text of the folder is checked, a unit's too when this run makes no unit reports:
    # the index lists what `regionanalytics check-texts` lists
    texts_info, review = _check_texts(data_dir, texts_dir, p, summary, region, unit_map)
    folder = _texts_folder(data_dir, p.label, texts_dir)
    written = text_digests(folder, specs, {d: unit_map.get(d, []) for d in region.divisions})

    # a report is made again when the data it shows changed (as the last run found them
    # when the files and the code are the same)
    scopes = _previous_scopes(previous, specs, digests) or report_scopes(region, p, units,
                                                                          cells=_sick_leave_figures(region, p, shown))
    batch = BatchResult(p.label, out)
    todo, parts_of, reasons = [], {}, {}
    for spec in specs:
        parts_of[spec.slug] = parts = fingerprint_parts(spec, digests, pdf, scopes, written[spec.slug])
        fp = report_fingerprint(spec, digests, pdf, scopes, written[spec.slug])
        old = previous.get("reports", {}).get(spec.slug, {})
        reasons[spec.slug] = reason = rerun_reason(old, parts, out, spec.slug, force, pdf)
        if reason is None:
            batch.reports.append(ReportResult(spec.slug, spec.title, "skipped", html=old.get("html"),
                                              notebook=old.get("notebook"), fingerprint=fp,
                                              pdf=old.get("pdf") if pdf else None,
                                              figures=old.get("figures"),
                                              division=spec.parameters.get("division"), unit=spec.unit,
                                              notebook_sha256=old.get("notebook_sha256")))
        else:
            todo.append((spec, fp))
    # a report whose text alone changed is made again here, without a kernel (.rerender)
    texts_only = {s.slug for s, _ in todo
                  if not force and only_texts_changed(previous.get("reports", {}).get(s.slug, {}), parts_of[s.slug], pdf)}

    started = datetime.now(timezone.utc)
    nb_versions = {Path(s.notebook).name: _sha(Path(s.notebook)) for s in specs}
    manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started, batch.reports,
                         [(s, "running") for s, _ in todo], nb_versions, parts_of, reasons, region.divisions,
                         unit_map if units else None)
    manifest["texts"] = texts_info
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))

    combined_due = pdf and (bool(todo) or not (out / combined_name(p)).exists())
    if todo or combined_due:
        print_options = {"period_sv": p.label_sv, "region": region_name} if pdf else None
        # the region's figures for the kernels: worked out (the parts not known yet) only when a
        # report runs in one
        handed = None
        if any(s.slug not in texts_only for s, _ in todo):
            _sick_leave_figures(region, p, shown)
            handed = hand_over(region, p)
        futures = {executor.submit(execute_report, spec, str(out), timeout, fp, True, print_options, handed): spec
                   for spec, fp in sorted(todo, key=lambda job: submission_rank(job[0]))
                   if spec.slug not in texts_only}
        bar = _progress(len(todo), progress)
        printing: dict = {}  # a re-rendered report's PDF, printed by a worker
        if texts_only:
            from .rerender import rerender

            # the reports opened here read the region's figures this process holds already
            for spec, fp in todo:
                if spec.slug not in texts_only:
                    continue
                result = rerender(spec, out, fp, digests,
                                  previous.get("reports", {}).get(spec.slug, {}).get("notebook_sha256"))
                if result is None:  # executed in a kernel: as a full run makes it, or fails
                    handed = handed if handed is not None else hand_over(region, p)
                    futures[executor.submit(execute_report, spec, str(out), timeout, fp, True, print_options,
                                            handed)] = spec
                elif pdf:
                    future = executor.submit(print_report, str(out), spec.slug, print_options)
                    futures[future], printing[future] = spec, result
                else:
                    batch.reports.append(result)
                    bar.update(1)
        for future in executor.as_completed(list(futures)):
            spec = futures[future]
            try:
                result = future.result()
                if future in printing:
                    result = printing[future]
                    result.pdf = f"{spec.slug}.pdf"
            except Exception as exc:  # a worker that died takes only its own report
                result = ReportResult(spec.slug, spec.title, "failed", error=describe_error(exc),
                                      division=spec.parameters.get("division"), unit=spec.unit)
            _note_notebook(out, result)
            batch.reports.append(result)
            bar.update(1)
            running = [(s, "running") for s, _ in todo if s.slug not in {r.slug for r in batch.reports}]
            manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started,
                                 batch.reports, running, nb_versions, parts_of, reasons, region.divisions,
                                 unit_map if units else None)
            manifest["texts"] = texts_info
            atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        bar.close()
        if combined_due:  # in a worker, whose browser is warm already
            shown = [(_bilaga_titles(specs).get(r.slug, r.title), r.html)
                     for r in _in_order(batch.reports, specs) if r.status in ("ok", "skipped")]
            executor.submit(_combined, str(out), p.label, region_name, shown).result()

    order = {s.slug: i for i, s in enumerate(specs)}
    batch.reports.sort(key=lambda r: order.get(r.slug, 99))
    current = data_digest(digests)
    for r in batch.reports:
        if r.status in ("ok", "skipped"):
            r.data_digest = current
    # reports of this period made by earlier runs (other divisions, units) stay listed,
    # each under its division as a run of all would list it
    made = {(s.parameters.get("division"), s.unit) for s in specs}
    carried = [ReportResult(slug=slug, **{k: v for k, v in entry.items() if k in ReportResult.__dataclass_fields__})
               for slug, entry in previous.get("reports", {}).items()
               if slug not in order and entry.get("status") in ("ok", "skipped", "failed")
               and "title" in entry and (entry.get("division"), entry.get("unit")) not in made]
    listed = listing_order(batch.reports + carried, region.divisions)
    manifest = _manifest(p.label, data_dir, digests, jobs, scheduler, force, started, listed, [],
                         nb_versions, parts_of, reasons, region.divisions,
                         unit_map if units else None)
    for slug, entry in previous.get("reports", {}).items():  # reports carried from earlier runs
        if slug in manifest["reports"] and slug not in parts_of:
            manifest["reports"][slug].update({k: entry[k] for k in ("parts", "reason") if k in entry})
    manifest["texts"] = texts_info
    manifest["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    from .index import write_index
    write_index(out, p, data_dir, listed, summary, current, combined_name(p) if pdf else None,
                texts=review)
    try:
        (out / ".work").rmdir()  # only when empty: leftovers of a killed run stay for inspection
    except OSError:
        pass
    _print_outcome(batch)
    return batch


#: The order reports are handed to the workers, dearest first, by notebook (a division's
#: and the region overview's reports take a kernel some 0.7–0.9 s, a unit's 0.4–0.6 s, the
#: director's 0.3 s; benchmarks/RESULTS.md section 10): the workers take them as each
#: finishes one, so the cheapest last leaves the shortest wait for the last worker at the
#: end. The batch lists them in the planned order whatever order they finish in.
_SUBMISSION_ORDER = (REGION_NOTEBOOK, DIVISION_NOTEBOOK, UNIT_NOTEBOOK, DIRECTOR_NOTEBOOK)


def submission_rank(spec: ReportSpec) -> int:
    """Where ``spec`` goes in the order reports are handed to the workers
    (:data:`_SUBMISSION_ORDER`; a notebook it does not name goes first)."""
    name = Path(spec.notebook).name
    return _SUBMISSION_ORDER.index(name) + 1 if name in _SUBMISSION_ORDER else 0


def _note_notebook(out: Path, result: ReportResult) -> None:
    """Record the SHA-256 of a report's executed notebook as this run wrote it (see
    :attr:`ReportResult.notebook_sha256`)."""
    if result.status == "ok" and result.notebook and result.notebook_sha256 is None:
        try:
            result.notebook_sha256 = _sha(out / result.notebook)
        except OSError:
            pass


def only_texts_changed(old: dict, parts: dict, pdf: bool) -> bool:
    """Whether the people's texts are the only part of a report's fingerprint that changed
    since its last complete run (then it is made again without a kernel: :mod:`.rerender`)."""
    before = old.get("parts") or {}
    if old.get("status") not in ("ok", "skipped") or not before or before.get("texts", "") == parts["texts"]:
        return False
    return all(before.get(part) == parts[part] for part in _REASONS if part not in ("texts", "pdf")) \
        and (before.get("pdf") == parts["pdf"] or not pdf)


def print_report(out: str, slug: str, options: dict) -> None:
    """Print a report's HTML page as its PDF (runs in a worker, whose browser stays warm)."""
    from .pdf import print_pdf

    print_pdf(Path(out) / f"{slug}.html", Path(out) / f"{slug}.pdf", **options)


class OnDemandExecutor:
    """An executor whose workers start only when the first task is submitted (a re-run that
    only re-renders texts needs none; see :func:`_only_texts_changed`)."""

    def __init__(self, make):
        self._make, self._executor = make, None

    def submit(self, fn, *args):
        if self._executor is None:
            self._executor = self._make()
        return self._executor.submit(fn, *args)

    def as_completed(self, futures):
        return self._executor.as_completed(futures) if futures else iter(())

    def close(self, wait: bool = True):
        if self._executor is not None:
            self._executor.close(wait=wait)


def _key_figures(region, period, hours) -> dict:
    """The key metrics one row per division (``wide``:
    :func:`~regionanalytics.summary.key_metrics_wide`), the figures the data cannot give
    (``unknown``), the tidy rows of :func:`~regionanalytics.summary.key_metrics` made from
    them (``summary``) and ``summary.xlsx`` (``workbook``). They depend only on the data
    files, the period and the package's code: worked out once, they are read back from the
    parsed-table cache (:func:`regionanalytics.cache.read_derived`, verified like its
    tables) by every later run of the same files and code. ``hours()`` gives
    :func:`~regionanalytics.metrics.hours_pair` of the region."""
    from .. import cache
    from ..report.summary_excel import summary_workbook
    from ..summary import key_metrics_wide, missing_where_empty, tidy_key_metrics, unknown_figures

    name = f"key figures of {period.label} by the package {package_fingerprint()}"
    found = cache.read_derived(region.fingerprint, name) or {}
    try:
        wide = cache.frame_from_bytes(found["wide.parquet"])
        unknown, empty = json.loads(found["unknown.json"].decode("utf-8"))
        workbook = found["summary.xlsx"]
    except Exception:  # noqa: BLE001 - none kept (or not whole): worked out
        wide = key_metrics_wide(region, period, hours=hours())
        unknown, empty = unknown_figures(region, period), missing_where_empty(region, period)
        workbook = None
    summary = tidy_key_metrics(wide, {**empty, **unknown})
    if workbook is None:
        workbook = summary_workbook(summary)
        cache.write_derived(region.fingerprint, name, {
            "wide.parquet": cache.frame_bytes(wide), "summary.xlsx": workbook,
            "unknown.json": json.dumps([unknown, empty], ensure_ascii=False).encode("utf-8")})
    return {"wide": wide, "unknown": unknown, "summary": summary, "workbook": workbook}


#: The sick-leave model's parts of the region's figures (see :func:`_sick_leave_figures`).
_SICK_PARTS = ("sick", "sick_figures", "unit_sick_figures")


def _sick_leave_figures(region, period, shown: dict):
    """Every sick-leave figure any report shows, as the one model decides it
    (:func:`~regionanalytics.metrics.shown_sick_leave.figures`, with the division's and the
    unit's key figures read from it), put in the region's figures ``shown``, and returned
    (the model's cells). They depend only on the data files, the period and the package's
    code: worked out once, they are read back from the parsed-table cache
    (:func:`regionanalytics.cache.read_derived`, verified like its tables) by every later
    run of the same files and code, as the key figures are (:func:`_key_figures`)."""
    from .. import cache

    if all(part in shown for part in _SICK_PARTS):
        return shown["sick"]
    name = f"sick-leave figures of {period.label} by the package {package_fingerprint()}"
    found = cache.read_derived(region.fingerprint, name) or {}
    try:
        shown.update({part: cache.frame_from_bytes(found[f"{part}.parquet"]) for part in _SICK_PARTS})
    except Exception:  # noqa: BLE001 - none kept (or not whole): worked out
        shown["sick"]  # noqa: B018 - the model runs on first use (report._base)
        cache.write_derived(region.fingerprint, name,
                            {f"{part}.parquet": cache.frame_bytes(shown[part]) for part in _SICK_PARTS})
    return shown["sick"]


def _previous_scopes(previous: dict, specs, digests: dict) -> dict | None:
    """The data part of every report's fingerprint as the last run of the period found it,
    when the data files and the package's code are those of that run (then so is the data
    each report shows, and :func:`report_scopes` need not work it out again); None when
    anything differs or a report is new."""
    from .scopes import scope_of

    if not previous.get("data_fingerprint") or previous.get("data_fingerprint") != digests:
        return None
    out = {}
    for spec in specs:
        parts = (previous.get("reports", {}).get(spec.slug) or {}).get("parts") or {}
        if parts.get("package") != package_fingerprint() or not parts.get("data"):
            return None
        out[scope_of(spec.parameters)] = parts["data"]
    return out


def _texts_folder(data_dir: Path, period: str, texts_dir: Path | None) -> Path:
    from ..report.texts import texts_folder

    return texts_folder(data_dir, period, texts_dir)


def _check_texts(data_dir: Path, texts_dir: Path | None, period, summary, region, units):
    """The people's texts of the period: each scope's status and every typed number that
    disagrees with the figures (a unit's against its own), for the manifest (a dict) and
    the index (the findings)."""
    from ..report.text_check import check_texts
    from ..report.texts import folder_digest, scope_figures
    from .scopes import unit_text_figures

    folder = _texts_folder(data_dir, period.label, texts_dir)
    statuses, findings = check_texts(folder, scope_figures(summary), region.divisions, units,
                                     unit_text_figures(region, period))
    info = {"folder": relative_path(folder, Path.cwd()), "digest": folder_digest(folder),
            "status": [asdict(s) for s in statuses],
            "review": [f.as_dict() for f in findings]}
    return info, (statuses, findings)


def _bilaga_titles(specs) -> dict[str, str]:
    """The division reports' titles in the combined PDF: "Bilaga 1: Delårsrapport Division X",
    numbered as the director's report numbers them."""
    from .. import labels

    director = next((s for s in specs if s.notebook.endswith(DIRECTOR_NOTEBOOK)), None)
    if director is None:
        return {}
    by_page = {page: (n, d) for n, (d, page) in enumerate(director.parameters.get("bilagor", []), 1)}
    out = {}
    for spec in specs:
        if f"{spec.slug}.html" in by_page and spec.unit is None:
            n, division = by_page[f"{spec.slug}.html"]
            out[spec.slug] = labels.WRITTEN["bilaga_title"].format(
                n=n, division=labels.division_name(division, capital=True))
    return out


def listing_order(reports: list[ReportResult], divisions: list[str]) -> list[ReportResult]:
    """Reports as the index lists them: the region, then each division (in the data's
    order; divisions the data no longer has after, by name) followed by its units."""
    rank = {d: i for i, d in enumerate(divisions)}

    def key(r: ReportResult):
        if r.division is None:
            return (0, 0, "", 0, "")
        return (1, rank.get(r.division, len(rank)), r.division, 1 if r.unit else 0, r.unit or "")

    return sorted(reports, key=key)


def _earlier(previous: dict, out: Path) -> dict:
    """What an earlier run of the period made that planning keeps consistent: who owns
    each file name, and the unit reports a division's report links to."""
    owners, pages = {}, {}
    for slug, entry in previous.get("reports", {}).items():
        if slug == "region" or "division" not in entry:
            continue
        owners[slug] = (entry.get("division"), entry.get("unit"))
        html = entry.get("html")
        if entry.get("unit") and entry.get("status") in ("ok", "skipped") and html and (out / html).exists():
            pages.setdefault(entry["division"], {})[entry["unit"]] = html
    return {"owners": owners, "earlier_pages": pages}


def _units(region) -> dict[str, list[str]]:
    """Every division's units, as the finance table names them."""
    from ..parameters import units_of

    return {d: names for d, names in units_of(region).items() if names}


def _write_changes(out: Path, region, period, summary) -> None:
    """``changes.csv``: every key figure against the previous tertial of the same year, as
    that tertial's run published it (its ``summary.csv`` beside this run's folder) or else
    computed from the data as it was known at that tertial's end."""
    from ..iorw import read_csv
    from ..summary import changes, key_metrics

    earlier = period.previous_tertial()
    previous, source = None, ""
    if earlier is not None:
        published = out.parent / earlier.label / "summary.csv"
        if published.exists():
            previous, source = read_csv(published), f"{earlier.label}/summary.csv"
        else:
            previous, source = key_metrics(region, earlier), f"computed for {earlier.label}"
    atomic_write(out / "changes.csv", write_csv(changes(summary, previous, source)))


def _planned_without_data(period: str, data_dir: Path, out_dir: Path, divisions, notebooks: Path,
                          pdf: bool, units: bool = False, texts_dir: Path | None = None):
    """Every report of the batch with its previous manifest entry and its fingerprint's
    parts as they stand now, found without loading any data: when the data files are those
    of the last complete run of the period (their digests), so is every report's data.
    ``(previous manifest, [(spec, old entry, parts)], texts folder)``, or None when the data
    changed, or when in doubt."""
    from ..iorw import fingerprint
    from ..periods import Period
    from ..schema import table_files
    from .scopes import text_digests

    try:
        label = Period.parse(period).label
    except RegionAnalyticsError:
        return None
    out = out_dir / label
    previous = _read_manifest(out)
    known = previous.get("divisions")
    if not previous.get("finished") or not known or not data_dir.is_dir():
        return None
    digests = fingerprint(table_files(data_dir))
    if digests != previous.get("data_fingerprint"):
        return None
    if units and not previous.get("units"):
        return None
    try:
        specs = plan_reports(label, data_dir, divisions, known, notebooks,
                             units=previous.get("units") if units else None, texts_dir=texts_dir,
                             **_earlier(previous, out))
    except ParameterError:  # an unknown division: said with the data loaded
        return None
    folder = _texts_folder(data_dir, label, texts_dir)
    written = text_digests(folder, specs, {d: (previous.get("units") or {}).get(d, []) for d in known})
    planned = []
    for spec in specs:
        old = previous["reports"].get(spec.slug, {})
        parts = fingerprint_parts(spec, digests, pdf, texts=written[spec.slug])
        parts["data"] = (old.get("parts") or {}).get("data")  # the files are the same: so is every scope
        planned.append((spec, old, parts))
    return previous, planned, folder


def _nothing_changed(period: str, data_dir: Path, out_dir: Path, divisions, notebooks: Path,
                     pdf: bool, units: bool = False, texts_dir: Path | None = None) -> BatchResult | None:
    """The batch as it stands when nothing a report depends on changed since the last run
    of the period (the files' digests, the notebooks', the package's, the parameters), found
    without loading any data; None when something did, or when in doubt."""
    from ..periods import Period
    from ..report.texts import folder_digest

    found = _planned_without_data(period, data_dir, out_dir, divisions, notebooks, pdf, units, texts_dir)
    if found is None:
        return None
    previous, planned, folder = found
    if folder_digest(folder) != (previous.get("texts") or {}).get("digest"):
        return None  # a text changed: the index's list of what to look at again may too
    label = Period.parse(period).label
    out = out_dir / label
    batch = BatchResult(label, out)
    for spec, old, parts in planned:
        if rerun_reason(old, parts, out, spec.slug, False, pdf) is not None:
            return None
        batch.reports.append(ReportResult(spec.slug, spec.title, "skipped", html=old.get("html"),
                                          notebook=old.get("notebook"), pdf=old.get("pdf"),
                                          fingerprint=old.get("fingerprint"), figures=old.get("figures"),
                                          division=spec.parameters.get("division"), unit=spec.unit))
    if pdf and not (out / combined_name(Period.parse(label))).exists():
        return None
    for entry in previous["reports"].values():
        entry["reason"] = "up to date: skipped"
    previous["last_checked"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write(out / "manifest.json", json.dumps(previous, indent=2, ensure_ascii=False))
    return batch


def _only_texts_changed(period: str, data_dir: Path, out_dir: Path, divisions, notebooks: Path,
                        pdf: bool, units: bool = False, texts_dir: Path | None = None) -> bool:
    """Whether every report the batch would make again needs only its texts again (found
    without loading any data, as :func:`_nothing_changed`): then no worker need start and
    warm a kernel."""
    found = _planned_without_data(period, data_dir, out_dir, divisions, notebooks, pdf, units, texts_dir)
    if found is None:
        return False
    from ..periods import Period

    _, planned, _ = found
    out = out_dir / Period.parse(period).label
    return all(rerun_reason(old, parts, out, spec.slug, False, pdf) is None or only_texts_changed(old, parts, pdf)
               for spec, old, parts in planned)


def combined_name(period) -> str:
    """The file name of a period's combined PDF: ``delarsrapport-2021-T1.pdf``."""
    return f"delarsrapport-{period.label}.pdf"


def _combined(out: str, period: str, region_name: str, reports: list[tuple[str, str]]) -> None:
    """The tertial's combined PDF (runs in a worker; made again when a report of it was)."""
    from ..periods import Period
    from .pdf import combined_pdf

    p = Period.parse(period)
    combined_pdf(Path(out), combined_name(p), p.title_sv, p.label_sv, region_name,
                 [(title, page) for title, page in reports if page])


def _in_order(reports, specs):
    order = {s.slug: i for i, s in enumerate(specs)}
    return sorted(reports, key=lambda r: order.get(r.slug, 99))


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Reports", unit="report", disable=not enabled)


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _manifest(period, data_dir, digests, jobs, scheduler, force, started, reports, running,
              nb_versions, parts_of: dict | None = None, reasons: dict | None = None,
              divisions: list[str] | None = None, units: dict | None = None) -> dict:
    entries = {r.slug: {k: v for k, v in asdict(r).items() if k != "slug"} for r in reports}
    for slug, entry in entries.items():
        if parts_of and slug in parts_of:
            entry["parts"] = parts_of[slug]
            entry["reason"] = (reasons or {}).get(slug) or "up to date: skipped"
    for spec, status in running:
        entries.setdefault(spec.slug, {"title": spec.title, "status": status})
    return {
        "period": period,
        "parameters": {"period": period, "data_dir": relative_path(data_dir, Path.cwd()), "jobs": jobs,
                       "scheduler": scheduler, "force": force},
        "data_fingerprint": digests,
        "divisions": divisions,
        "units": units,
        "package_version": __version__,
        "notebook_versions": nb_versions,
        "started": started.isoformat(timespec="seconds"),
        "reports": entries,
    }


def _write_summaries(out: Path, summary, workbook: bytes | None = None) -> None:
    from ..report.summary_excel import summary_csv, summary_workbook

    atomic_write(out / "summary.csv", summary_csv(summary))
    atomic_write(out / "summary.xlsx", workbook if workbook is not None else summary_workbook(summary))


def _print_outcome(batch: BatchResult) -> None:
    for r in batch.reports:
        mark = {"ok": "ok", "skipped": "up to date", "failed": "FAILED"}[r.status]
        where = r.html or r.notebook or ""
        print(f"  {mark:<10} {r.title:<36} {where}", file=sys.stderr)
    unwritten = {r.error.split(": ", 1)[1] for r in batch.failed if (r.error or "").startswith("could not write ")}
    if batch.failed and len(unwritten) == 1 and all((r.error or "").startswith("could not write ") for r in batch.failed):
        # one cause (a full disk, a read-only folder): one line, not one per report
        print(f"{len(batch.failed)} report(s) could not be written to {batch.out_dir}: {unwritten.pop()}; "
              "earlier complete reports are kept as they were", file=sys.stderr)
    elif batch.failed:
        print(f"{len(batch.failed)} report(s) failed; see the .error.ipynb files in {batch.out_dir}:",
              file=sys.stderr)
        for r in batch.failed:
            print(f"  - {r.title}: {r.error}", file=sys.stderr)
    else:
        print(f"All reports written to {batch.out_dir} (open index.html)", file=sys.stderr)
