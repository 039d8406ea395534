"""The monthly report: ``thekiz report`` as a table, JSON or CSV for German Excel, each
rendering the one view of ``planning.report.month_report``."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from .common import EXIT_OK, check_coach_view, emit, one_line, read_store, today

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_report(config: Config, args: argparse.Namespace) -> int:
    from ..planning.report import month_report, render_table
    from ..planning.timeutil import parse_month

    year, month = parse_month(args.month)
    store = read_store(config)
    check_coach_view(store, args.coach)
    now = datetime.combine(today(), datetime.now().time()).astimezone()
    # What she may see of it (a coach's report is her own) is month_report's to decide.
    rep = month_report(store, year, month, coach=args.coach, now=now)
    if args.format == "pdf":
        from ..statement import statement_for

        data = statement_for(store, rep, today=today())
    elif args.output is None or args.output == "-":  # the text formats go to stdout
        if args.format == "table":
            emit(render_table(rep))
        elif args.format == "json":
            from ..output import dumps

            emit(dumps(rep.to_rows()))
        else:
            from ..report_csv import write_report_csv

            write_report_csv(rep, sys.stdout.buffer)
        return EXIT_OK
    elif args.format == "csv":
        from ..report_csv import report_csv_bytes

        data = report_csv_bytes(rep)
    elif args.format == "json":
        from ..output import dumps

        data = (dumps(rep.to_rows()) + "\n").encode("utf-8")
    else:
        data = (render_table(rep) + "\n").encode("utf-8")
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    # A PDF without -o goes to her documents folder, never silently the current one.
    from ..files import default_folder, save_bytes
    from ..statement import default_name

    target = args.output or default_folder() / default_name(rep.year, rep.month, rep.coach)
    written = save_bytes(target, data)
    from ..i18n import tr

    sys.stderr.write(tr("Stundennachweis gespeichert: {path}", path=one_line(str(written)))
                     + "\n")
    return EXIT_OK
