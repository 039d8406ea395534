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

The decisions are here, as functions of an :class:`Actor` (who she is) and the records;
they read the store but never hold it. The session layer enforces them:
``session.guarded_store.GuardedStore`` is a :class:`~store.Store` with the same API that
every reader and writer of a ``--as`` session goes through (``commands.common`` opens it,
the planner's session holds it). Reads are filtered; every write is checked, inside the
store's transaction and against the stored version, before anything is written. A refusal
raises :class:`~store.errors.NotPermitted` in her language (``i18n``). Planning knows that
store only as :class:`Guarded` (its whole store and its actor), so that it stays below
the session layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from store import Coach, Event, Kita
from store.errors import NotFound, NotPermitted
from store.store import Store

from ..i18n import tr

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
    return tr("„{name}“", name=event.title or event.id)


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
            raise NotPermitted(tr(
                "Keine Berechtigung: {who} sieht nur den eigenen Plan, nicht den "
                "von „{coach}“ (das kann die Koordinationsstelle).",
                who=self._who(), coach=coach_id))

    def shown_coach(self, coach: Coach) -> Coach:
        """A coach record as she sees it: another coach's hourly rate is not hers to see."""
        if self.everything or coach.id == self.id:
            return coach
        return replace(coach, rate=0.0)

    # -- changing --------------------------------------------------------------------

    def check_coordinator(self, what: str) -> None:
        """Kitas, coaches and settings: only a coordinator changes them."""
        if not self.everything:
            raise NotPermitted(tr(
                "Keine Berechtigung: {what} ändert nur die Koordinationsstelle, nicht {who}.",
                what=tr(what), who=self._who()))

    def check_event_change(
        self, before: Event | None, after: Event | None, kitas: Mapping[str, Kita]
    ) -> None:
        """``before``: the stored version (None: new); ``after``: what is to be stored
        (None: deleted). ``kitas``: all Kitas by id."""
        if self.coach is None or self.coach.role == "coordinator":
            return
        me, name = self.coach.id, self.coach.name

        def not_own(event: Event) -> NotPermitted:
            return NotPermitted(tr(
                "Keine Berechtigung: {event} ist kein eigener Termin von {name}. "
                "Gemeinsame Termine (Arbeitskreis, Fachtag, Fortbildung, "
                "Einrichtungsbesuch) und die Termine anderer ändert die Koordinationsstelle.",
                event=_name(event), name=name))

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
                raise NotPermitted(tr(
                    "Keine Berechtigung: {name} kann niemanden sonst in {event} "
                    "eintragen oder austragen und sich selbst nicht austragen; das kann "
                    "die Koordinationsstelle.", name=name, event=_name(after)))
            if not set(version["participants"] or ()) <= old_participants:
                raise NotPermitted(tr(
                    "Keine Berechtigung: {name} kann niemanden als Teilnehmende in "
                    "{event} eintragen; das kann die Koordinationsstelle.",
                    name=name, event=_name(after)))
            if version["kind"] in COORDINATED_KINDS:
                raise not_own(after)
            kita_id = version["kita"]
            if kita_id is None or kita_id in old_kitas:
                continue
            kita = kitas.get(kita_id)
            if kita is not None and not self.sees_kita(kita):
                raise NotPermitted(tr(
                    "Keine Berechtigung: {name} begleitet die Kita „{kita}“ nicht; "
                    "Termine dort plant die Koordinationsstelle.", name=name,
                    kita=kita.id))  # (its id: the name of a Kita she does not see is not hers)

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
            raise NotPermitted(tr(
                "Keine Berechtigung: Der Befund „{finding}“ betrifft keinen Termin, den "
                "{who} ändern darf; ihn quittiert die Koordinationsstelle.",
                finding=finding_id, who=self._who()))


def actor_of(store: Store, coach_id: str | None) -> Actor:
    """The actor for ``--as COACH`` (a German NotFound for an unknown one)."""
    return Actor(None if coach_id is None else store.coach(coach_id))


@runtime_checkable
class Guarded(Protocol):
    """A store as one person may use it: the session layer's guarded store
    (``session.guarded_store.GuardedStore``, which enforces the rules above on every read
    and write). Planning sees only this much of it, so that it stays below the session
    layer: the whole store below (``inner``), and whom it serves (``actor``)."""

    @property
    def inner(self) -> Store: ...

    @property
    def actor(self) -> Actor: ...


def actor(store: Store) -> Actor:
    """Whom a store serves: its actor if guarded, else the owner."""
    return store.actor if isinstance(store, Guarded) else Actor()


def unguarded(store: Store) -> Store:
    """The whole store below a guarded one (the store itself if not guarded): for the
    figures that count every coach's events (a Kita's budget, a double booking at her
    Kita), whose view is decided afterwards."""
    return store.inner if isinstance(store, Guarded) else store


def default_coach(store: Store) -> str | None:
    """The planner's coach filter at the start: a coach's own plan, for everyone else
    the whole team."""
    who = actor(store)
    return None if who.everything else who.id


def ids_where(inner: Store, test: Callable[[Event], bool]) -> Callable[[str], bool]:
    """Whether the stored event of an id (``id`` or ``id/recurrence``) passes ``test``
    (an id not found does not); remembered for the call that asks."""
    memo: dict[str, bool] = {}

    def passes(event_id: str) -> bool:
        base = event_id.split("/", 1)[0]
        seen = memo.get(base)
        if seen is None:
            try:
                seen = test(inner.event(base))
            except NotFound:
                seen = False
            memo[base] = seen
        return seen

    return passes


class _KitasOf:
    """The ids of the Kitas a coach accompanies, read when first asked: most findings
    are not a Kita's, and reading every Kita would cost each live check of the event
    form about a millisecond."""

    def __init__(self, inner: Store, who: Actor) -> None:
        self._inner, self._who = inner, who
        self._ids: frozenset[str] | None = None

    def __contains__(self, kita_id: object) -> bool:
        if self._ids is None:
            sees = self._who.sees_kita
            self._ids = frozenset(k.id for k in self._inner.kitas() if sees(k))
        return kita_id in self._ids


def finding_view(store: Store, candidate: Event | None = None) -> Callable[[Finding],
                                                                           Finding | None]:
    """The findings of ``store``'s person (see ``planning.busy``): a finding as she may
    see it, or None. ``candidate``: an event of hers not stored yet (the form's). For
    one check."""
    who = actor(store)
    if who.everything:
        return lambda finding: finding
    from .busy import FindingView

    inner = unguarded(store)
    mine = candidate if candidate is not None and who.sees_event(candidate) else None
    return FindingView(inner, who.id, ids_where(inner, who.sees_event),
                       _KitasOf(inner, who), also_visible=mine)


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
    who = actor(store)
    if who.everything:
        return set(), set()
    hidden = [e for e in unguarded(store).events() if not who.sees_event(e)]
    # (the UID as the store and an export give it: its own, else ``id@thekiz``)
    return {e.uid or f"{e.id}@thekiz" for e in hidden}, {e.id for e in hidden}
