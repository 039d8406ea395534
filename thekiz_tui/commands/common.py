"""What every command shares: exit codes, the store, days and windows, output.

Cheap to import: only the standard library at module level; the store, the planning
modules and the output formatting are imported inside the helpers that need them.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..errors import EXIT_BAD as EXIT_BAD
from ..errors import EXIT_FINDINGS as EXIT_FINDINGS
from ..errors import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from ..errors import EXIT_OK as EXIT_OK
from ..errors import bad as bad
from ..i18n import tr

if TYPE_CHECKING:
    import argparse

    from store import Store

    from ..config import Config


def check_text(label: str, text: str | None, *, lines: bool = False,
               word: bool = False) -> None:
    """Refuse typed text with characters that would control a terminal (``store.text``);
    ``word`` for an id."""
    if text:
        from store.text import text_problem

        problem = text_problem(label, text, lines=lines, word=word)
        if problem is not None:
            bad(problem)


def open_store(config: Config, *, create: bool = True) -> Store:
    """The store, as the person of ``--as`` may use it (``planning.permissions``)."""
    from store import Store

    return _as_person(Store.open(config.db, create=create), config)


def read_store(config: Config) -> Store:
    """Open for reading: a missing store reads as empty, without creating files."""
    from store import Store

    if not config.db.exists():
        # every read of a missing file returns nothing
        return _as_person(Store(config.db), config)
    return _as_person(Store.open(config.db, create=False), config)


def _as_person(store: Store, config: Config) -> Store:
    if config.as_coach is None:
        return store
    from ..session.guarded_store import guard

    return guard(store, config.as_coach)


def check_coach_view(store: Store, coach_id: str | None) -> None:
    """``--coach ID`` of a read command: an existing coach whose plan she may see."""
    if coach_id:
        from ..planning.permissions import actor

        store.coach(coach_id)
        actor(store).check_view_of(coach_id)


def parse_day(text: str) -> date:
    from ..planning.timeutil import parse_date

    return parse_date(text, today=today())


def today() -> date:
    override = os.environ.get("THEKIZ_TODAY")  # for tests and demos of a fixed day
    if override:
        return date.fromisoformat(override)
    return date.today()


def day_window(args: argparse.Namespace, default_month: bool,
               open_ended: bool = False) -> tuple[date | None, date | None]:
    """``--from``/``--to`` as a half-open day window; ``--to`` is inclusive as typed.

    Neither given: the current month (``default_month``) or unbounded. Only one given:
    31 days from ``--from`` or up to ``--to`` (``open_ended``: the other side unbounded).
    """
    start = parse_day(args.start) if getattr(args, "start", None) else None
    last = parse_day(args.to) if getattr(args, "to", None) else None
    if start is None and last is None:
        if not default_month:
            return None, None
        from ..planning.timeutil import month_range

        now = today()
        return month_range(now.year, now.month)
    if open_ended and (start is None or last is None):  # one side bounded only
        return start, None if last is None else last + timedelta(days=1)
    if start is None:
        assert last is not None
        start = last - timedelta(days=30)
    if last is None:
        last = start + timedelta(days=30)
    if last < start:
        from ..planning.labels import show_date

        bad(tr("„bis“ ({last}) liegt vor „von“ ({first}).", last=show_date(last),
               first=show_date(start)))
    return start, last + timedelta(days=1)


def check_filters(store: Store, args: argparse.Namespace) -> None:
    from store import KINDS

    check_coach_view(store, getattr(args, "coach", None))
    if getattr(args, "kita", None):
        store.kita(args.kita)
    kind = getattr(args, "kind", None)
    if kind and kind not in KINDS:
        bad(unknown_kind(kind))


def unknown_kind(kind: str) -> str:
    from store import KINDS

    return tr("Unbekannte Art „{kind}“ (möglich: {kinds}).", kind=kind, kinds=", ".join(KINDS))


# Every line the CLI writes may quote a person's text (a title, a typed id in an error):
# it reaches the terminal without control characters (``store.text``).


def one_line(text: str) -> str:
    from store.text import neutral

    return " ".join(neutral(str(text)).split())


def out(text: str) -> None:
    from store.text import neutral

    sys.stdout.write(f"{neutral(text, lines=True)}\n")


def err(text: str) -> None:
    from store.text import neutral

    sys.stderr.write(f"{neutral(text, lines=True)}\n")


def emit(text: str) -> None:
    from ..output import write

    write(text)
