"""Undo and redo of the planner's changes to the store, for one session.

Every change is a set of events before and after it, matched by id: an event only before
is deleted, one only after is created, one in both is updated. Applying, undoing and
redoing each write in one store transaction (all or nothing), and only if none of the
events changed elsewhere in the meantime (another process, or the CLI): their sequences
must still be the ones this session saw.

Labels are German texts from the caller (the UI translates them); the history keeps them
as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from store import AlreadyExists, ChangedElsewhere, Event, NotFound, Store

from ..i18n import tr


@dataclass(frozen=True, slots=True)
class Change:
    """One change as the store saw it: the events before and after (stored versions).
    Treat the events as read-only."""

    label: str
    before: tuple[Event, ...]
    after: tuple[Event, ...]

    @property
    def created(self) -> tuple[Event, ...]:
        old = {e.id for e in self.before}
        return tuple(e for e in self.after if e.id not in old)

    @property
    def deleted(self) -> tuple[Event, ...]:
        new = {e.id for e in self.after}
        return tuple(e for e in self.before if e.id not in new)

    @property
    def updated(self) -> tuple[Event, ...]:
        """The events changed in place, in their versions after the change."""
        old = {e.id for e in self.before}
        return tuple(e for e in self.after if e.id in old)


def _clone(event: Event) -> Event:
    return Event.from_dict(event.to_dict())


def _handed_out(change: Change) -> Change:
    """A copy for the caller, so that changing it leaves the stacks alone."""
    return Change(
        change.label,
        tuple(_clone(e) for e in change.before),
        tuple(_clone(e) for e in change.after),
    )


def _by_id(events: Sequence[Event], what: str) -> dict[str, Event]:
    out: dict[str, Event] = {}
    for event in events:
        if event.id in out:
            raise ValueError(f"{what}: the event {event.id} is given twice")
        out[event.id] = _clone(event)
    return out


def _conflict(action: str, event: Event, expected: int, found: int | None) -> ChangedElsewhere:
    """ChangedElsewhere with a message that says which step failed and what to do."""
    error = ChangedElsewhere("Termin", event.id, expected, found)
    name = event.title or event.id
    if found is None:
        state = tr("inzwischen anderswo gelöscht")
    elif expected < 0:
        state = tr("inzwischen anderswo neu angelegt")
    else:
        state = tr("inzwischen anderswo geändert")
    error.message = tr("{action} nicht möglich: Der Termin „{name}“ wurde {state}. Es wurde "
                       "nichts verändert; bitte die Ansicht neu laden.", action=tr(action),
                       name=name, state=state)
    error.args = (error.message,)
    return error


class History:
    """The undo and redo stacks of one planner session on one store.

    Thread-safe: the planner calls it from its store workers.
    """

    def __init__(self, store: Store, limit: int = 200) -> None:
        self.store = store
        self.limit = limit
        # Undo entries: ``after`` is what the store holds now, ``before`` what undo
        # restores. Redo entries: ``before`` is what the store holds now, ``after`` what
        # redo writes again.
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._lock = threading.Lock()

    # -- state -----------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        """The label of the change that undo would revert."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def clear(self) -> None:
        with self._lock:
            self._undo.clear()
            self._redo.clear()

    # -- changing --------------------------------------------------------------------

    def apply(self, label: str, before: Sequence[Event], after: Sequence[Event]) -> Change:
        """Write a change: ``after`` saved, events only in ``before`` deleted, all in one
        transaction. ``before`` are the events as read (their sequences are checked:
        :class:`ChangedElsewhere` if one changed since, and nothing is written).
        Returns the change with the stored versions; it becomes the one to undo."""
        current = _by_id(before, "before")
        target = _by_id(after, "after")
        with self._lock:
            stored = self._swap(current, target, None)
            change = Change(label, tuple(current.values()), stored)
            self._undo.append(change)
            del self._undo[: max(0, len(self._undo) - self.limit)]
            self._redo.clear()
            return _handed_out(change)

    def undo(self) -> Change | None:
        """Revert the last change (None if there is none). Returns what undo did, as a
        change: ``before`` what the store held, ``after`` what it holds now. If one of
        the events changed elsewhere since, raises :class:`ChangedElsewhere` and leaves
        the store and both stacks as they were."""
        with self._lock:
            if not self._undo:
                return None
            entry = self._undo[-1]
            stored = self._swap(
                {e.id: e for e in entry.after}, {e.id: e for e in entry.before},
                "Rückgängig machen",
            )
            self._undo.pop()
            self._redo.append(Change(entry.label, stored, entry.after))
            return _handed_out(Change(entry.label, entry.after, stored))

    def redo(self) -> Change | None:
        """Apply the last undone change again (None if there is none); as :meth:`undo`."""
        with self._lock:
            if not self._redo:
                return None
            entry = self._redo[-1]
            stored = self._swap(
                {e.id: e for e in entry.before}, {e.id: e for e in entry.after},
                "Wiederherstellen",
            )
            self._redo.pop()
            self._undo.append(Change(entry.label, entry.before, stored))
            return _handed_out(Change(entry.label, entry.before, stored))

    def _swap(
        self, current: dict[str, Event], target: dict[str, Event], action: str | None
    ) -> tuple[Event, ...]:
        """Replace ``current`` (as it must still be in the store) by ``target`` in one
        transaction; returns the stored versions of ``target``."""
        with self.store.transaction() as store:
            for event in current.values():
                try:
                    found = store.event(event.id).sequence
                except NotFound:
                    found = None
                if found != event.sequence:
                    if action is None:
                        raise ChangedElsewhere("Termin", event.id, event.sequence, found)
                    raise _conflict(action, event, event.sequence, found)
            written = []
            for event in target.values():
                if event.id in current:
                    written.append(
                        store.update_event(
                            _clone(event), expected_sequence=current[event.id].sequence
                        )
                    )
                    continue
                try:
                    written.append(store.add_event(_clone(event)))
                except AlreadyExists:
                    if action is None:
                        raise
                    raise _conflict(action, event, -1, store.event(event.id).sequence) from None
            for event in current.values():
                if event.id not in target:
                    store.remove_event(event.id, expected_sequence=event.sequence)
            return tuple(_clone(e) for e in written)
