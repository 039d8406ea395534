"""iCalendar: ``thekiz export`` and ``thekiz import``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..i18n import tr
from .common import (
    EXIT_OK,
    bad,
    check_filters,
    day_window,
    err,
    open_store,
    out,
    read_store,
    today,
    unknown_kind,
)

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from ..ical.scope import export_message, write_export
    from ..session import Session

    session = Session(read_store(config), today=today())
    check_filters(session.store, args)
    start, end = day_window(args, default_month=False)
    events, data = session.export(coach=args.coach, kita=args.kita, kind=args.kind,
                                  start=start, end=end)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_export(args.output, data)
        err(export_message(len(events), args.output))
    return EXIT_OK


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from ..ical.references import Choice, parse_maps, settle
    from ..ical.scope import DRY_RUN_LINE, apply, plan_lines, preview_import, read_import

    if args.file == "-":
        data = sys.stdin.buffer.read()
        source = "stdin"
    else:
        data, source = read_import(args.file)
    if args.create_missing and args.drop_unknown:
        bad(tr("--create-missing und --drop-unknown schließen sich aus."))
    if args.kind is not None:
        from store import KINDS

        if args.kind not in KINDS:
            bad(unknown_kind(args.kind))
    from ..planning.permissions import default_coach

    store = read_store(config) if args.dry_run else open_store(config)
    if args.coach:
        store.coach(args.coach)
    coach = args.coach or default_coach(store)  # a coach imports into her own plan
    plan = preview_import(store, data, kind=args.kind or "sonstiges", coach=coach,
                          name=source)
    choice = Choice(parse_maps(args.map_coach or (), "--map-coach"),
                    parse_maps(args.map_kita or (), "--map-kita"),
                    create=args.create_missing, drop=args.drop_unknown)
    if args.dry_run:
        out(tr(DRY_RUN_LINE))
        for line in plan_lines(plan, dry_run=True):
            out(line)
        settle(store, plan, choice)  # what the import would refuse: said, exit 2
        return EXIT_OK
    apply(store, plan, choice)  # before any output: a closed pipe must not stop it
    for line in plan_lines(plan, dry_run=False):
        out(line)
    return EXIT_OK
