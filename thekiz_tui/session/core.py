"""One person's work on one store, without a terminal UI.

A :class:`Session` knows who is acting (``--as``: the :class:`~..planning.permissions.Actor`)
and is what every front-end reads and writes through: the planner (the App holds one),
the CLI commands and the SSH session. It hands out the events she sees, the findings as
she may see them (filtered and, of times she may not see, only who is busy from–to:
``planning.busy``), the event form's live check and choices, acknowledgements, saving
with undo and redo, the Kita overview, the month report and the export's scope.

Below it, the guarded store enforces the rights on every read and write
(``session.guarded_store.GuardedStore``): the session decides nothing the store would
not also refuse. It is safe to use from worker threads (the planner's are).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import tr, trn

if TYPE_CHECKING:
    from store import Event, Store

    from ..planning.conflicts import Checker
    from ..planning.findings import Finding
    from ..planning.history import History
    from ..planning.month_snapshot import Filters, MonthSnapshot
    from ..planning.overview import KitaRow
    from ..planning.permissions import Actor
    from ..planning.report import Report
    from ..planning.search import LiveSearch
    from .form import FormRights


class Session:
    """What one person may see and do in one store (see the module's text)."""

    def __init__(self, store: Store | Callable[[], Store], *, today: date,
                 as_coach: str | None = None) -> None:
        """``store``: opened already, or a function that opens it when first used (the
        planner's first frame goes without it). ``as_coach``: whom it works for (None:
        the store's owner on this machine, with every right)."""
        self.today = today
        self._open = store if callable(store) else None
        self._store: Store | None = None
        if not callable(store):
            # (imported here: a planner's first frame goes without the store's modules)
            from ..planning.permissions import actor
            from .guarded_store import guard

            # a store guarded already (``commands.common.open_store``) stays as it is
            self._store = store if as_coach is None else guard(store, as_coach)
            as_coach = actor(self._store).id
        self.as_coach = as_coach
        self._lock = threading.Lock()

    @classmethod
    def at(cls, db: Path, *, today: date, as_coach: str | None = None,
           create: bool = True) -> Session:
        """A session on the store at ``db``, opened when first used."""

        def open_store() -> Store:
            from store import Store

            return Store.open(db, create=create)

        return cls(open_store, today=today, as_coach=as_coach)

    @property
    def opened(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> Store:
        """The store as she may use it (guarded with ``--as``); opened on first use,
        from any thread."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from .guarded_store import guard

                    assert self._open is not None
                    self._store = guard(self._open(), self.as_coach)
        return self._store

    @property
    def actor(self) -> Actor:
        from ..planning.permissions import actor

        return actor(self.store)

    # The checker and the undo history are made when first used: their modules cost a
    # planner's start a few milliseconds before its first frame.
    @cached_property
    def checker(self) -> Checker:
        """Her conflict check: its findings are those she may see, as she may see them."""
        from ..planning.conflicts import checker_for

        return checker_for(self.store)

    @cached_property
    def history(self) -> History:
        from ..planning.history import History

        return History(self.store)

    @cached_property
    def form_rights(self) -> FormRights:
        """What the event form offers her."""
        from .form import FormRights

        return FormRights.of(self.store)

    # -- reading -------------------------------------------------------------------------

    def events(self, start: date | None = None, end: date | None = None) -> list[Event]:
        """The events she sees that may touch the days ``[start, end)``."""
        return self.store.events(start, end)

    def search_index(self) -> LiveSearch:
        """Her events of every year, ready to be searched as she types; each found at
        the occurrence to show (``planning.search``)."""
        from store import DEFAULT_TZ

        from ..planning.search import LiveSearch, names

        kita_names, coach_names = names(self.store)
        return LiveSearch(self.store.events(), kita_names=kita_names,
                          coach_names=coach_names, today=self.today, tz=DEFAULT_TZ)

    def event(self, event_id: str) -> Event:
        """One event she sees (NotFound for any other, as for one that does not exist)."""
        return self.store.event(event_id)

    def month_snapshot(self, year: int, month: int, *, filters: Filters,
               complete: bool = True) -> MonthSnapshot:
        """The planner's month: her events and, when complete, her findings."""
        from ..planning.month_snapshot import build_month_snapshot

        return build_month_snapshot(self.store, self.checker if complete else None, year, month,
                            today=self.today, filters=filters, complete=complete)

    def findings(self, *, start: date | None = None, end: date | None = None,
                 coach: str | None = None, kita: str | None = None) -> list[Finding]:
        """Her findings of the days ``[start, end)`` (None: unbounded)."""
        if coach is not None:
            self.actor.check_view_of(coach)
        return self.checker.check(start=start, end=end, today=self.today, coach=coach,
                                  kita=kita)

    def check_candidate(self, candidate: Event) -> list[Finding]:
        """The form's live check: what saving ``candidate`` would cause, as she may see it."""
        return self.checker.check_candidate(candidate, today=self.today)

    def why_not_change(self, event: Event) -> str | None:
        """Why she may not change this stored event (German), or None if she may."""
        from store.errors import NotPermitted

        try:
            self.actor.check_event_change(event, None, {})
        except NotPermitted as error:
            return str(error)
        return None

    def kita_overview(self, year: int) -> list[KitaRow]:
        """The Kitas she accompanies (all for the office), with visits and budget."""
        from ..planning.overview import kita_overview

        return kita_overview(self.store, year=year, today=self.today)

    def report(self, year: int, month: int, coach: str | None = None) -> Report:
        """The month report as she may read it (``planning.report`` decides)."""
        from ..planning.report import month_report

        return month_report(self.store, year, month, coach)

    def export_scope(self, *, coach: str | None = None, kita: str | None = None,
                     kind: str | None = None, start: date | None = None,
                     end: date | None = None) -> list[Event]:
        """The events an export of hers holds (only events she sees)."""
        from ..ical.scope import export_scope

        if coach is not None:
            self.actor.check_view_of(coach)
        return export_scope(self.store, coach=coach, kita=kita, kind=kind, start=start,
                            end=end)

    def export(self, *, coach: str | None = None, kita: str | None = None,
               kind: str | None = None, start: date | None = None,
               end: date | None = None) -> tuple[list[Event], bytes]:
        """Her export: the events of ``export_scope`` and the iCalendar file of them."""
        from ..ical.scope import export_events

        if coach is not None:
            self.actor.check_view_of(coach)
        return export_events(self.store, coach=coach, kita=kita, kind=kind, start=start,
                             end=end)

    # -- writing -------------------------------------------------------------------------

    def apply_change(self, label: str, before: Sequence[Event], after: Sequence[Event],
                     acks: Sequence[tuple[str, str]] = ()) -> str:
        """Write one change and remember it for undo; then the acknowledgements given
        with it. Returns what to tell her."""
        self.history.apply(label, before, after)
        if acks:
            self.acknowledge(acks)
        return tr("{what}: gespeichert", what=label)

    def undo(self) -> str:
        change = self.history.undo()
        if change is None:
            return tr("Nichts rückgängig zu machen.")
        return tr("Rückgängig: {what}", what=change.label)

    def redo(self) -> str:
        change = self.history.redo()
        if change is None:
            return tr("Nichts zu wiederholen.")
        return tr("Wiederholt: {what}", what=change.label)

    def acknowledge(self, chosen: Sequence[tuple[str, str]],
                    known: Sequence[Finding] = ()) -> str:
        """Acknowledge findings by id, with reasons; ``known`` saves a full check. Only
        findings of events she may change (the store refuses the others)."""
        self.add_acks(chosen, known)
        return trn("{n} Befund quittiert.", "{n} Befunde quittiert.", len(chosen))

    def add_acks(self, chosen: Sequence[tuple[str, str]],
                 known: Sequence[Finding] = ()) -> list[Finding | None]:
        """``acknowledge`` without the words: the findings acknowledged (None for an id
        no check of hers knows)."""
        from store import Ack
        from store.records import utc_now

        findings = {f.id: f for f in known}
        if any(fid not in findings for fid, _ in chosen):
            findings.update((f.id, f) for f in self.findings())
        at = utc_now()
        acks = [
            Ack(finding=fid, events=list(findings[fid].events) if fid in findings else [],
                reason=reason, by=self.as_coach or "", at=at)
            for fid, reason in chosen
        ]
        self.store.add_acks(acks)
        return [findings.get(fid) for fid, _ in chosen]


def describe_error(error: BaseException) -> str:
    """What to tell her about an error of a read or write: the store's and the input's
    own German sentence, else what went wrong, never a traceback."""
    from ..errors import person_message

    message = person_message(error)
    if message is not None:
        return message
    return tr("Unerwarteter Fehler: {error}", error=f"{type(error).__name__}: {error}")
