"""Who may see and change what: the rights of coaches and of the coordination office,
in one place below the UI.

``thekiz --as COACH`` works as that person; without ``--as`` thekiz works for the store's
owner on this machine, with every right (as it always did). The rules:

- A coordinator (role ``coordinator``) sees and changes everything.
- A coach **sees** her own events (she is one of ``event.coaches``), the shared dates she
  takes part in (``arbeitskreis``, ``fachtag``, ``fortbildung`` where she is a coach or a
  participant: ``participants`` holds Kita and person ids) and the Kitas she accompanies
  (``kita.coach``). She sees every coach's name, but only her own hourly rate.
- A coach **changes** only her own events: kinds ``begleitung`` and ``sonstiges`` that she
  is a coach of, before and after the change. The coaches of an event stay as they are
  (a new event has her alone), so that she cannot hand an event to someone else or add
  anyone to it; she names no participants (a new event has none, a changed one gains
  none); its Kita is one she accompanies (or stays the one it was). Every version of a
  series counts (its per-occurrence changes too).
- Shared dates (``arbeitskreis``, ``fachtag``, ``fortbildung``, ``einrichtungsbesuch``),
  Kitas, coaches and settings are changed by a coordinator.
- A coach acknowledges (or takes back) only findings of an event she may change: seeing
  it is not enough (a shared date of the office she takes part in is the office's).

The conflict check of a coach runs over the whole store (a Kita is double booked also by
another coach's event at her Kita; a Kita's budget counts every visit) and shows only the
findings that concern an event she sees, or a Kita she accompanies (budget, monthly
visits). Of an event she does not see, a finding tells her only that its coach or Kita is
busy from–to (``planning.busy``).

:class:`GuardedStore` enforces the rules: it is a :class:`~store.Store` with the same API
that every reader and writer of a ``--as`` session goes through (``commands.common``
opens it, the planner app holds it). Reads are filtered; every write is checked, inside
the store's transaction and against the stored version, before anything is written. A
refusal raises :class:`~store.errors.NotPermitted` with a German message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from store import Ack, Coach, Event, Kita
from store.errors import NotFound, NotPermitted
from store.store import Store

if TYPE_CHECKING:
    from .findings import Finding

SHARED_KINDS: tuple[str, ...] = ("arbeitskreis", "fachtag", "fortbildung")
"""Dates that coaches take part in; a coach sees those she is a coach or participant of."""
COORDINATED_KINDS: tuple[str, ...] = (*SHARED_KINDS, "einrichtungsbesuch")
"""Kinds only a coordinator changes."""

_KIND_FIELDS = ("kind", "coaches", "kita", "participants")


def _versions(event: Event) -> Iterator[dict[str, Any]]:
    """The kind, coaches, Kita and participants of the event and of each changed
    occurrence."""
    base = {name: getattr(event, name) for name in _KIND_FIELDS}
    yield base
    for changes in event.overrides.values():
        if any(name in changes for name in _KIND_FIELDS):
            yield {**base, **{k: v for k, v in changes.items() if k in _KIND_FIELDS}}


def _name(event: Event) -> str:
    return f"„{event.title}“" if event.title else f"„{event.id}“"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person thekiz works for. ``coach`` None: the store's owner on this machine."""

    coach: Coach | None = None

    @property
    def everything(self) -> bool:
        """Sees and changes everything: the owner and the coordination office."""
        return self.coach is None or self.coach.role == "coordinator"

    @property
    def id(self) -> str | None:
        return None if self.coach is None else self.coach.id

    def _who(self) -> str:
        return "" if self.coach is None else self.coach.name

    # -- seeing ----------------------------------------------------------------------

    def sees_event(self, event: Event) -> bool:
        if self.coach is None or self.coach.role == "coordinator":
            return True
        me = self.coach.id
        return me in event.coaches or (event.kind in SHARED_KINDS and me in event.participants)

    def sees_kita(self, kita: Kita) -> bool:
        return self.everything or kita.coach == self.id

    def may_view_coach(self, coach_id: str) -> bool:
        """Whether she may look at that coach's plan (``--coach``, the filters, reports)."""
        return self.everything or coach_id == self.id

    def check_view_of(self, coach_id: str) -> None:
        if not self.may_view_coach(coach_id):
            raise NotPermitted(
                f"Keine Berechtigung: {self._who()} sieht nur den eigenen Plan, nicht den "
                f"von „{coach_id}“ (das kann die Koordinationsstelle)."
            )

    def shown_coach(self, coach: Coach) -> Coach:
        """A coach record as she sees it: another coach's hourly rate is not hers to see."""
        if self.everything or coach.id == self.id:
            return coach
        return replace(coach, rate=0.0)

    # -- changing --------------------------------------------------------------------

    def check_coordinator(self, what: str) -> None:
        """Kitas, coaches and settings: only a coordinator changes them."""
        if not self.everything:
            raise NotPermitted(
                f"Keine Berechtigung: {what} ändert nur die Koordinationsstelle, "
                f"nicht {self._who()}."
            )

    def check_event_change(
        self, before: Event | None, after: Event | None, kitas: Mapping[str, Kita]
    ) -> None:
        """``before``: the stored version (None: new); ``after``: what is to be stored
        (None: deleted). ``kitas``: all Kitas by id."""
        if self.coach is None or self.coach.role == "coordinator":
            return
        me, name = self.coach.id, self.coach.name

        def not_own(event: Event) -> NotPermitted:
            return NotPermitted(
                f"Keine Berechtigung: {_name(event)} ist kein eigener Termin von {name}. "
                "Gemeinsame Termine (Arbeitskreis, Fachtag, Fortbildung, "
                "Einrichtungsbesuch) und die Termine anderer ändert die Koordinationsstelle."
            )

        if before is not None:
            for version in _versions(before):
                if version["kind"] in COORDINATED_KINDS or me not in version["coaches"]:
                    raise not_own(before)
        if after is None:
            return
        team = {me} if before is None else set(before.coaches)
        old_kitas = set() if before is None else {v["kita"] for v in _versions(before)}
        old_participants: set[str] = set()
        if before is not None:
            for version in _versions(before):
                old_participants.update(version["participants"] or ())
        for version in _versions(after):
            if set(version["coaches"]) != team:
                raise NotPermitted(
                    f"Keine Berechtigung: {name} kann niemanden sonst in {_name(after)} "
                    "eintragen oder austragen und sich selbst nicht austragen; das kann "
                    "die Koordinationsstelle."
                )
            if not set(version["participants"] or ()) <= old_participants:
                raise NotPermitted(
                    f"Keine Berechtigung: {name} kann niemanden als Teilnehmende in "
                    f"{_name(after)} eintragen; das kann die Koordinationsstelle."
                )
            if version["kind"] in COORDINATED_KINDS:
                raise not_own(after)
            kita_id = version["kita"]
            if kita_id is None or kita_id in old_kitas:
                continue
            kita = kitas.get(kita_id)
            if kita is not None and not self.sees_kita(kita):
                raise NotPermitted(
                    f"Keine Berechtigung: {name} begleitet die Kita „{kita.name}“ nicht; "
                    "Termine dort plant die Koordinationsstelle."
                )

    def may_change_event(self, event: Event) -> bool:
        """Whether she may change (or delete) this stored event."""
        try:
            self.check_event_change(event, None, {})
        except NotPermitted:
            return False
        return True

    def check_ack(self, finding_id: str, events: Iterable[str],
                  changeable: Callable[[str], bool]) -> None:
        """A coach acknowledges only findings of an event she may change (``changeable``
        of an event id); a finding of a date she merely sees is the office's."""
        if self.everything:
            return
        if not any(changeable(e) for e in events):
            raise NotPermitted(
                f"Keine Berechtigung: Der Befund „{finding_id}“ betrifft keinen Termin, den "
                f"{self._who()} ändern darf; ihn quittiert die Koordinationsstelle."
            )


def actor_of(store: Store, coach_id: str | None) -> Actor:
    """The actor for ``--as COACH`` (a German NotFound for an unknown one)."""
    return Actor(None if coach_id is None else store.coach(coach_id))


def guard(store: Store, coach_id: str | None) -> Store:
    """The store as ``coach_id`` may use it; the store itself without ``--as``."""
    if coach_id is None:
        return store
    if isinstance(store, GuardedStore):
        store = store.inner
    return GuardedStore(store, actor_of(store, coach_id))


def actor(store: Store) -> Actor:
    """Whom a store serves: its actor if guarded, else the owner."""
    return store.actor if isinstance(store, GuardedStore) else Actor()


def default_coach(store: Store) -> str | None:
    """The planner's coach filter at the start: a coach's own plan, for everyone else
    the whole team."""
    who = actor(store)
    return None if who.everything else who.id


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
        visible = self._visible_ids()
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

    def _visible_ids(self) -> Callable[[str], bool]:
        """Whether the event of an id (``id`` or ``id/recurrence``) is one she sees;
        remembered for the call that asks."""
        return self._ids_where(self.actor.sees_event)

    def _changeable_ids(self) -> Callable[[str], bool]:
        """Whether the event of an id is one she may change (see ``_visible_ids``)."""
        who = self.actor
        return self._ids_where(lambda e: who.sees_event(e) and who.may_change_event(e))

    def _ids_where(self, test: Callable[[Event], bool]) -> Callable[[str], bool]:
        memo: dict[str, bool] = {}

        def passes(event_id: str) -> bool:
            base = event_id.split("/", 1)[0]
            seen = memo.get(base)
            if seen is None:
                try:
                    seen = test(self.inner.event(base))
                except NotFound:
                    seen = False
                memo[base] = seen
            return seen

        return passes

    def finding_view(self, candidate: Event | None = None) -> Callable[[Finding],
                                                                      Finding | None]:
        """Her findings (see ``planning.busy``): a finding as she may see it, or None.
        ``candidate``: an event of hers not stored yet (the form's). For one check."""
        if self.actor.everything:
            return lambda finding: finding
        from .busy import FindingView

        mine = candidate if candidate is not None and self.actor.sees_event(candidate) else None
        return FindingView(self.inner, self.actor.id, self._visible_ids(),
                           {k.id for k in self.kitas()}, also_visible=mine)

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


def check_may_change(store: Store, event: Event) -> None:
    """Whether the person of ``store`` may change (or delete) this stored event at all:
    a planner asks before it opens the form, and tells her why not."""
    actor(store).check_event_change(event, None, {})


def may_change(store: Store, event: Event) -> bool:
    """Whether the person of ``store`` may change this stored event (see
    :func:`check_may_change`)."""
    return actor(store).may_change_event(event)


def unseen_keys(store: Store) -> tuple[set[str], set[str]]:
    """The UIDs and ids of the stored events that the person of ``store`` does not see
    (nothing else of them): an import by her must neither add a second event with such a
    UID nor reuse such an id. Empty without ``--as`` and for a coordinator."""
    if not isinstance(store, GuardedStore) or store.actor.everything:
        return set(), set()
    sees = store.actor.sees_event
    hidden = [e for e in store.inner.events() if not sees(e)]
    # (the UID as the store and an export give it: its own, else ``id@thekiz``)
    return {e.uid or f"{e.id}@thekiz" for e in hidden}, {e.id for e in hidden}
