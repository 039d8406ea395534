"""The store as one person may use it (``--as``): the rights of ``planning.permissions``,
enforced on every read and write.

:class:`GuardedStore` is a :class:`~store.Store` with the same API, over the same files,
caches and lock as the store below it (``inner``): whoever holds it (a ``--as`` command,
the planner's session, an SSH session) cannot step around the rules. Reads show what her
:class:`~..planning.permissions.Actor` may see; writes are checked against the stored
versions inside the transaction, before anything is written, and a refusal raises
:class:`~store.errors.NotPermitted` with a German message. What is decided lives in
``planning.permissions``; this module only applies it. Planning knows this class only as
``permissions.Guarded`` (its ``inner`` and ``actor``), so that it stays below this layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from store import Ack, Coach, Event, Kita
from store.errors import NotFound
from store.store import Store

from ..planning.permissions import Actor, actor_of, ids_where, unguarded


def guard(store: Store, coach_id: str | None) -> Store:
    """The store as ``coach_id`` may use it; the store itself without ``--as``."""
    if coach_id is None:
        return store
    inner = unguarded(store)
    return GuardedStore(inner, actor_of(inner, coach_id))


class GuardedStore(Store):
    """A store as one actor sees it: the same API as :class:`~store.Store`, over the
    same files, caches and lock (``inner``). Reads show what the actor may see; writes
    are checked against the stored versions inside the transaction, before anything is
    written. Every public method of ``Store`` is overridden here (a test checks)."""

    def __init__(self, inner: Store, who: Actor) -> None:
        super().__init__(inner.path, lock_timeout=inner.lock_timeout)
        self.inner = inner
        self.actor = who

    # -- reading ---------------------------------------------------------------------

    def coaches(self) -> list[Coach]:
        return [self.actor.shown_coach(c) for c in self.inner.coaches()]

    def coach(self, coach_id: str) -> Coach:
        return self.actor.shown_coach(self.inner.coach(coach_id))

    def kitas(self) -> list[Kita]:
        return [k for k in self.inner.kitas() if self.actor.sees_kita(k)]

    def kita(self, kita_id: str) -> Kita:
        kita = self.inner.kita(kita_id)
        if not self.actor.sees_kita(kita):
            raise NotFound("Kita", kita_id)
        return kita

    def settings(self) -> dict[str, Any]:
        return self.inner.settings()

    def acks(self) -> list[Ack]:
        if self.actor.everything:
            return self.inner.acks()
        visible = ids_where(self.inner, self.actor.sees_event)
        return [a for a in self.inner.acks() if any(visible(e) for e in a.events)]

    def events(self, start: date | None = None, end: date | None = None, *,
               may_hold: Callable[[bytes], bool] | None = None) -> list[Event]:
        events = self.inner.events(start, end, may_hold=may_hold)
        if self.actor.everything:
            return events
        sees = self.actor.sees_event
        return [e for e in events if sees(e)]

    def event(self, event_id: str) -> Event:
        event = self.inner.event(event_id)
        if not self.actor.sees_event(event):
            raise NotFound("Termin", event_id)  # not even that it exists
        return event

    def event_by_uid(self, uid: str) -> Event | None:
        found = self.inner.event_by_uid(uid)
        return found if found is not None and self.actor.sees_event(found) else None

    def is_empty(self) -> bool:
        return self.inner.is_empty()

    def partitions(self) -> list[str]:
        return self.inner.partitions()

    def release(self) -> None:
        self.inner.release()

    def _changeable_ids(self) -> Callable[[str], bool]:
        """Whether the event of an id is one she may change (remembered for one call)."""
        who = self.actor
        return ids_where(self.inner, lambda e: who.sees_event(e) and who.may_change_event(e))

    # -- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """The store's transaction; inside, the writes are this guarded store's."""
        with self.inner.transaction():
            yield self

    def _all_kitas(self) -> dict[str, Kita]:
        return {k.id: k for k in self.inner.kitas()}

    def _stored(self, event_id: str) -> Event | None:
        """The stored version of an event she is about to change; one she does not see
        is not found (its title is not hers to read)."""
        try:
            event = self.inner.event(event_id)
        except NotFound:
            return None
        if not self.actor.sees_event(event):
            raise NotFound("Termin", event_id)
        return event

    def add_event(self, event: Event) -> Event:
        with self.inner.transaction():
            self.actor.check_event_change(None, event, self._all_kitas())
            return self.inner.add_event(event)

    def update_event(self, event: Event, expected_sequence: int | None = None) -> Event:
        with self.inner.transaction():
            before = self._stored(event.id)
            if before is not None:  # (else the store says why)
                self.actor.check_event_change(before, event, self._all_kitas())
            return self.inner.update_event(event, expected_sequence)

    def put_events(self, events: Iterable[Event]) -> list[Event]:
        events = list(events)
        with self.inner.transaction():
            if not self.actor.everything:
                stored = {e.id: e for e in self.inner.events()}
                kitas = self._all_kitas()
                for event in events:
                    before = stored.get(event.id)
                    if before is not None and not self.actor.sees_event(before):
                        raise NotFound("Termin", event.id)
                    self.actor.check_event_change(before, event, kitas)
            return self.inner.put_events(events)

    def remove_event(self, event_id: str, expected_sequence: int | None = None) -> Event:
        with self.inner.transaction():
            before = self._stored(event_id)
            if before is not None:
                self.actor.check_event_change(before, None, {})
            return self.inner.remove_event(event_id, expected_sequence)

    def add_acks(self, acks: Iterable[Ack]) -> None:
        acks = list(acks)
        with self.inner.transaction():
            if not self.actor.everything:
                changeable = self._changeable_ids()
                for ack in acks:
                    self.actor.check_ack(ack.finding, ack.events, changeable)
                acks = [replace(a, by=self.actor.id or "") for a in acks]
            self.inner.add_acks(acks)

    def remove_ack(self, finding_id: str) -> None:
        with self.inner.transaction():
            if not self.actor.everything:
                stored = {a.finding: a for a in self.inner.acks()}
                ack = stored.get(finding_id)
                if ack is not None:
                    self.actor.check_ack(finding_id, ack.events, self._changeable_ids())
            self.inner.remove_ack(finding_id)

    def add_coach(self, coach: Coach) -> Coach:
        self.actor.check_coordinator("Prozessbegleiter*innen")
        return self.inner.add_coach(coach)

    def update_coach(self, coach: Coach, expected_sequence: int | None = None) -> Coach:
        self.actor.check_coordinator("Prozessbegleiter*innen")
        return self.inner.update_coach(coach, expected_sequence)

    def remove_coach(self, coach_id: str) -> None:
        self.actor.check_coordinator("Prozessbegleiter*innen")
        self.inner.remove_coach(coach_id)

    def add_kita(self, kita: Kita) -> Kita:
        self.actor.check_coordinator("Kitas")
        return self.inner.add_kita(kita)

    def update_kita(self, kita: Kita, expected_sequence: int | None = None) -> Kita:
        self.actor.check_coordinator("Kitas")
        return self.inner.update_kita(kita, expected_sequence)

    def remove_kita(self, kita_id: str) -> None:
        self.actor.check_coordinator("Kitas")
        self.inner.remove_kita(kita_id)

    def set_settings(self, values: dict[str, Any]) -> None:
        self.actor.check_coordinator("Die Einstellungen")
        self.inner.set_settings(values)
