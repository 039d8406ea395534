"""The monthly report: ``thekiz report`` as a table, JSON or CSV for German Excel, each
rendering the one view of ``planning.report.month_report``."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from .common import EXIT_OK, check_coach_view, emit, read_store, today

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
    if args.format == "table":
        emit(render_table(rep))
        return EXIT_OK
    if args.format == "json":
        from ..output import dumps

        emit(dumps(rep.to_rows()))
        return EXIT_OK
    from ..report_csv import write_report_csv

    write_report_csv(rep, sys.stdout.buffer)
    return EXIT_OK
