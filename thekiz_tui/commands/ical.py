"""iCalendar: ``thekiz export`` and ``thekiz import``."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, bad, check_filters, day_window, err, open_store, out, read_store

if TYPE_CHECKING:
    import argparse

    from store import Store

    from ..config import Config


def _settings(store: Store) -> Any:
    from ..planning.settings import Settings

    return Settings.from_store(store.settings())


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from ..ical import export_calendar

    store = read_store(config)
    check_filters(store, args)
    from ..planning.select import select

    start, end = day_window(args, default_month=False)
    events = select(store.events(start, end), coach=args.coach, kita=args.kita,
                    kind=args.kind, start=start, end=end)
    events.sort(key=lambda e: (e.start, e.id))
    coaches = {c.id: c for c in store.coaches()}
    kitas = {k.id: k for k in store.kitas()}
    name = _settings(store).calendar_name
    data = export_calendar(events, coaches=coaches, kitas=kitas, name=name)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from pathlib import Path

        Path(args.output).write_bytes(data)
        err(f"{len(events)} Termin(e) nach {args.output} exportiert.")
    return EXIT_OK


def _describe(event: Any) -> str:
    from ..output import fmt_date

    try:
        if event.all_day:
            when = fmt_date(date.fromisoformat(event.start[:10]))
        else:
            moment = datetime.fromisoformat(event.start)
            when = f"{fmt_date(moment.date())} {moment:%H:%M}"
    except (ValueError, TypeError):
        when = str(event.start)
    return f"{when}  {event.title or '(ohne Titel)'}"


def _plan_groups(plan: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for label, names in (
        ("neu", ("new", "added", "create", "creates")),
        ("geändert", ("changed", "updated", "update", "updates")),
        ("unverändert", ("unchanged", "same")),
    ):
        for name in names:
            items = getattr(plan, name, None)
            if items is not None and not callable(items):
                groups[label] = list(items)
                break
    return groups


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..ical import apply_import, parse_calendar, plan_import

    if args.file == "-":
        data = sys.stdin.buffer.read()
        source = "stdin"
    else:
        data = Path(args.file).read_bytes()
        source = Path(args.file).name
    if args.kind is not None:
        from store import KINDS

        if args.kind not in KINDS:
            bad(f"Unbekannte Art „{args.kind}“ (möglich: {', '.join(KINDS)}).")
    store = read_store(config) if args.dry_run else open_store(config)
    if args.coach:
        store.coach(args.coach)
    parsed = parse_calendar(data, kind=args.kind or "sonstiges", coach=args.coach, source=source)
    plan = plan_import(parsed, store.events())
    groups = _plan_groups(plan)
    if args.dry_run:
        out("Probelauf: nichts wurde gespeichert.")
    else:
        apply_import(store, plan)  # before any output: a closed pipe must not stop it
    for label, items in groups.items():
        out(f"{label}: {len(items)}")
        if args.dry_run or label != "unverändert":
            for item in items:
                event = item[-1] if isinstance(item, tuple) else item
                out(f"  {_describe(event)}")
    return EXIT_OK
