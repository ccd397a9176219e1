"""The ``regionanalytics`` command: validate a data folder, print metrics, run reports."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exceptions import RegionAnalyticsError


def _cmd_validate(args) -> int:
    from .data import validate

    report = validate(args.data_dir)
    if report.ok:
        print(f"OK: {args.data_dir}")
        for table, rows in report.rows.items():
            print(f"  {table:<13} {rows:>9} rows  ({report.files[table].name})")
        for table in report.missing:
            print(f"  {table:<13} {'absent':>9}       ({_ABSENT.get(table, 'its report sections will be empty')})")
        _print_notes(report.notes, sys.stdout)
        return 0
    print(f"{len(report.problems)} problem(s) in {args.data_dir}:", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    _print_notes(report.notes, sys.stderr)
    return 1


#: What an absent optional table means, where it is not an empty report section.
_ABSENT = {
    "accounts": "the default account plan (Region-Bas) gives each account its category",
    "organisation": "finance rows name their division and unit",
}


def _print_notes(notes: list[str], stream) -> None:
    if notes:
        print("Notes:", file=stream)
        for note in notes:
            print(f"  - {note}", file=stream)


def _cmd_metrics(args) -> int:
    from .data import load_region
    from .summary import key_metrics

    data = load_region(args.data)
    rows = key_metrics(data, _checked_period(data, args.period))
    if args.format == "json":
        print(rows.to_json(orient="records", force_ascii=False, indent=1))
    else:
        from .report.summary_excel import summary_csv

        sys.stdout.write(summary_csv(rows))
    return 0


def _checked_period(data, period: str):
    from .metrics import require_period
    from .periods import Period

    p = Period.parse(period)
    require_period(data.finance, p)
    return p


def _cmd_run(args) -> int:
    from .runner import run_batch
    from .runner.executors import skip_unused_iri_checks

    skip_unused_iri_checks()  # this process reads and writes notebooks when it re-renders a text

    result = run_batch(period=args.period, data_dir=args.data, out_dir=args.out,
                       divisions=args.division or None, jobs=args.jobs, force=args.force,
                       scheduler=getattr(args, "scheduler", None), timeout=args.timeout,
                       pdf=args.pdf, region_name=args.region_name, units=args.units,
                       texts_dir=args.texts, wait=args.wait)
    return 0 if result.ok else 1


def _cmd_check_texts(args) -> int:
    from .data import load_region
    from .parameters import units_of
    from .report.text_check import check_texts, scope_label
    from .report.texts import scope_figures, texts_folder
    from .runner.scopes import unit_text_figures
    from .summary import key_metrics

    data = load_region(args.data)
    period = _checked_period(data, args.period)
    folder = texts_folder(args.data, period.label, args.texts)
    if not folder.is_dir():
        print(f"No texts for {period.label}: {folder} is not a folder (write region.md and one file "
              "per division there, or point --texts at the texts folder).", file=sys.stderr)
        return 1
    statuses, findings = check_texts(folder, scope_figures(key_metrics(data, period)), data.divisions,
                                     units_of(data), unit_text_figures(data, period))
    for s in statuses:
        print(f"  {s.status:<7} {s.file or '(no text)':<44} {scope_label(s.scope) if s.scope != 'Region' else 'region.md'}")
    for finding in findings:
        print(f"{finding}", file=sys.stderr)
    if findings:
        print(f"{len(findings)} typed figure(s) or text(s) to look at again in {folder}.", file=sys.stderr)
        return 1
    print(f"OK: every figure typed in the texts of {folder} agrees with the data.")
    return 0


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's default after its help; "(required)" for a required option, nothing
    for one whose default is "not given" (never "(default: None)")."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.required:
            return text + " (required)"
        if action.default is None or action.default is False or action.default is argparse.SUPPRESS:
            return text
        return super()._get_help_string(action)


def _at_least_one(text: str) -> int:
    """A count or a number of seconds: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or str(value) != text.strip().lstrip("+"):
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, found {text!r}")
    return value


def _seconds(text: str) -> int:
    """Seconds to wait: a whole number of 0 or more."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of seconds (0 or more), found {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    fmt = _HelpFormatter
    parser = argparse.ArgumentParser(
        prog="regionanalytics", formatter_class=fmt,
        description="Tertial follow-up reports for a Swedish region from its finance and HR exports.")
    sub = parser.add_subparsers(dest="command", required=True)
    period_help = ("year to date: 2021-T1 (January-April), 2021-T2 (January-August), 2021-T3 or 2021 "
                   "(full year), or 2021-05 (January up to that month)")

    p = sub.add_parser("validate", help="check a data folder against the data contract", formatter_class=fmt,
                       description="Read every table of a data folder and list every problem; "
                                   "exit 0 when there is none, 1 otherwise.")
    p.add_argument("data_dir", type=Path, help="folder with the region's exports")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("metrics", help="print the key metrics per division and for the region",
                       formatter_class=fmt, description="Print the key metrics as tidy rows "
                       "(division, metric, value, flag, note).")
    p.add_argument("--period", required=True, help=period_help)
    p.add_argument("--data", type=Path, default=Path("data/sample"), help="folder with the region's exports")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    p.set_defaults(func=_cmd_metrics)

    p = sub.add_parser("run", help="execute and render the reports of a period", formatter_class=fmt,
                       description="Execute the region overview and one report per division, render "
                                   "shareable HTML and write an index, summaries and a manifest to "
                                   "OUT/PERIOD/.")
    p.add_argument("--period", required=True, help=period_help)
    p.add_argument("--division", action="append", metavar="NAME",
                   help="only this division (repeat for several), named as the data or the reports name it "
                        "('Service' or 'Division Service', in any case); all divisions when not given")
    p.add_argument("--data", default="data/sample", help="folder with the region's exports")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="folder the period's folder is written in")
    p.add_argument("--jobs", type=_at_least_one, default=2, metavar="N",
                   help="reports executed in parallel (one kernel each)")
    p.add_argument("--force", action="store_true", help="re-run reports that are up to date")
    p.add_argument("--timeout", type=_at_least_one, default=600, metavar="SECONDS",
                   help="seconds a notebook cell may run")
    p.add_argument("--wait", type=_seconds, default=600, metavar="SECONDS",
                   help="seconds to wait while another run writes the same output folder (0: refuse at once)")
    p.add_argument("--units", action="store_true",
                   help="also a report per unit (verksamhet) of the chosen divisions")
    p.add_argument("--pdf", action="store_true",
                   help="also print every report and the whole tertial as tagged PDF (needs Chromium)")
    p.add_argument("--region-name", default=None, metavar="NAME",
                   help="the region's name in the PDFs' page header and title page (default: the "
                        "first line of region.txt in the data folder, else its SIE file's #FNAMN, "
                        "else 'Regionen')")
    p.add_argument("--texts", type=Path, default=None, metavar="DIR",
                   help="folder of the people's texts (region.md, one file per division) in PERIOD/ "
                        "folders; default DATA/texts")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address to spread reports over a cluster; local workers when not given")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("check-texts", help="check the figures typed in the people's texts",
                       formatter_class=fmt,
                       description="List every number typed with a unit (mnkr, tkr, procent, %, "
                                   "procentenheter, personer, anställda, årsarbetare) in the period's "
                                   "texts that matches none of its scope's figures as the report rounds "
                                   "them, with the nearest figure; exit 1 when any disagrees.")
    p.add_argument("--period", required=True, help=period_help)
    p.add_argument("--data", type=Path, default=Path("data/sample"), help="folder with the region's exports")
    p.add_argument("--texts", type=Path, default=None, metavar="DIR",
                   help="folder of the texts, in PERIOD/ folders; default DATA/texts")
    p.set_defaults(func=_cmd_check_texts)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RegionAnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader stopped early (`regionanalytics metrics ... | head`): end quietly; point
        # stdout at nothing so the interpreter's final flush does not complain either
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
