"""``thekiz search TEXT``: events by their words, in every year or in a window."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from .common import EXIT_FINDINGS, EXIT_OK, bad, check_filters, day_window, read_store, today

if TYPE_CHECKING:
    import argparse

    from ..config import Config


def cmd_search(config: Config, args: argparse.Namespace) -> int:
    """Exit 0 with hits, 1 without (as grep does)."""
    from store import DEFAULT_TZ

    from ..i18n import tr
    from ..planning.search import SearchIndex, file_test, hits, names, words
    from ..planning.select import select
    from .common import check_text

    check_text(tr("Der Suchtext"), args.text)
    if not words(args.text):
        bad(tr("Bitte einen Suchtext angeben (z. B. thekiz search Sonnenblume)."))
    # A whole process that reads every event and ends: the collector would walk the
    # tens of thousands of records it reads again and again (a third of its time)
    # without finding a cycle to free.
    gc.disable()
    store = read_store(config)
    check_filters(store, args)
    # Without --from/--to every year; one of them alone bounds one side only.
    start, end = day_window(args, default_month=False, open_ended=True)
    kita_names, coach_names = names(store)
    # Her own plan only, through the permission layer (store.events), as for `list`; a
    # month file whose bytes cannot hold the words is not parsed.
    read = store.events(start, end, may_hold=file_test(args.text, kita_names, coach_names))
    scoped = select(read, coach=args.coach, kita=args.kita, kind=args.kind)
    found = SearchIndex(scoped, kita_names=kita_names, coach_names=coach_names).matches(args.text)
    shown = hits(found, today=today(), tz=DEFAULT_TZ, start=start, end=end)
    occurrences = [h.occurrence for h in shown.shown]
    if args.format == "json":
        from ..output import write_json_stream
        from .events import occurrence_dict_iter

        write_json_stream(occurrence_dict_iter([occurrences]))
    elif occurrences:
        from ..output import event_rows, table_text_lines

        coaches = {c.id: c for c in store.coaches()}
        kitas = {k.id: k for k in store.kitas()}
        rows = list(event_rows(occurrences, coaches=coaches, kitas=kitas, lang=config.lang))
        for line in table_text_lines(rows, lang=config.lang):
            sys.stdout.write(line + "\n")
    else:
        sys.stdout.write(tr("Nichts gefunden.") + "\n")
    return EXIT_OK if occurrences else EXIT_FINDINGS
